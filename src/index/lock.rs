//! One update at a time: an exclusive lock on the index directory, held for
//! a whole update, and tantivy's own writer lock. Both wait the same way
//! for another process to finish, or give up at once.

use std::path::Path;
use std::time::{Duration, Instant};

use tantivy::directory::error::LockError;
use tantivy::{IndexWriter, TantivyError};

use super::SearchIndex;
use crate::error::{Error, Result};

/// An exclusive lock on the index directory, held for a whole update.
pub(super) struct IndexLock {
    _file: std::fs::File,
}

/// Tries `attempt` until it gives something, sleeping `pause` between
/// tries, for at most `wait`; `None` tries once. `Ok(None)` from `attempt`
/// means busy.
fn waiting<T>(
    wait: Option<Duration>,
    pause: Duration,
    busy: impl Fn() -> Error,
    mut attempt: impl FnMut() -> Result<Option<T>>,
) -> Result<T> {
    let deadline = wait.map(|w| Instant::now() + w);
    loop {
        if let Some(done) = attempt()? {
            return Ok(done);
        }
        if deadline.is_none_or(|d| Instant::now() >= d) {
            return Err(busy());
        }
        std::thread::sleep(pause);
    }
}

impl IndexLock {
    /// Creates the index directory if needed and locks it, waiting up to
    /// `wait` for another process to finish.
    pub(super) fn acquire(dir: &Path, wait: Option<Duration>) -> Result<IndexLock> {
        if dir.exists() {
            super::check_not_foreign(dir)?;
        } else {
            std::fs::create_dir_all(dir).map_err(|e| Error::BadIndex {
                path: dir.to_path_buf(),
                message: format!("cannot create the index directory: {e}"),
            })?;
        }
        let path = dir.join(super::LOCK_FILE);
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| Error::BadIndex {
                path: dir.to_path_buf(),
                message: format!("cannot write in the index directory: {e}"),
            })?;
        waiting(
            wait,
            Duration::from_millis(50),
            || Error::IndexBusy(dir.to_path_buf()),
            || match file.try_lock() {
                Ok(()) => Ok(Some(())),
                Err(std::fs::TryLockError::WouldBlock) => Ok(None),
                Err(std::fs::TryLockError::Error(e)) => Err(Error::io(&path, e)),
            },
        )?;
        Ok(IndexLock { _file: file })
    }
}

/// A tantivy writer with `threads` indexing threads and `memory` bytes in
/// all, waiting up to `wait` for another writer to finish.
pub(super) fn writer(
    index: &SearchIndex,
    threads: usize,
    memory: usize,
    wait: Option<Duration>,
) -> Result<IndexWriter> {
    waiting(
        wait,
        Duration::from_millis(100),
        || Error::IndexBusy(index.dir().to_path_buf()),
        || match index.index().writer_with_num_threads(threads, memory) {
            Ok(writer) => Ok(Some(writer)),
            Err(TantivyError::LockFailure(LockError::LockBusy, _)) => Ok(None),
            Err(e) => Err(e.into()),
        },
    )
}
