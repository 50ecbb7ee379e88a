//! An index directory this process may read but not write (shared
//! read-only on a lab server, owned by another user): tantivy's readers take
//! a lock file to open segments, which cannot be created there. Reading
//! needs no lock when nothing here writes; every write is refused.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, WatchCallback, WatchHandle, WritePtr,
};

/// A directory read through tantivy's memory-mapped directory, never
/// written.
#[derive(Clone, Debug)]
pub(super) struct ReadOnlyDirectory {
    inner: MmapDirectory,
}

impl ReadOnlyDirectory {
    /// The directory at `path`.
    pub(super) fn open(path: &Path) -> tantivy::Result<ReadOnlyDirectory> {
        Ok(ReadOnlyDirectory {
            inner: MmapDirectory::open(path)?,
        })
    }
}

/// Whether this process can write in `dir` (an existing directory).
pub(super) fn is_writable(dir: &Path) -> bool {
    let probe = dir.join(super::LOCK_FILE);
    match std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&probe)
    {
        Ok(_) => true,
        Err(e) => !matches!(
            e.kind(),
            io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem
        ),
    }
}

fn refused(path: &Path) -> (Arc<io::Error>, PathBuf) {
    let error = io::Error::new(
        io::ErrorKind::PermissionDenied,
        "the index is open read-only",
    );
    (Arc::new(error), path.to_path_buf())
}

impl Directory for ReadOnlyDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.inner.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        let (io_error, filepath) = refused(path);
        Err(DeleteError::IoError { io_error, filepath })
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        let (io_error, filepath) = refused(path);
        Err(OpenWriteError::IoError { io_error, filepath })
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, _data: &[u8]) -> io::Result<()> {
        Err(Arc::into_inner(refused(path).0).expect("a new error"))
    }

    fn sync_directory(&self) -> io::Result<()> {
        Ok(())
    }

    fn acquire_lock(&self, _lock: &Lock) -> Result<DirectoryLock, LockError> {
        // Nothing here writes or collects files, so readers need no lock.
        Ok(DirectoryLock::from(Box::new(())))
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(watch_callback)
    }
}
