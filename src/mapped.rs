//! Bytes of a file that is only ever replaced, never modified in place
//! (written under another name and renamed over): mapped from the file,
//! or built in memory. The index's record files and the cached lexicon
//! are such files.

use std::fs::File;
use std::io;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use memmap2::Mmap;

/// Bytes, mapped from a file or owned.
pub enum Bytes {
    /// Mapped from a file that is never modified in place.
    Mapped(Mmap),
    /// Held in memory.
    Owned(Vec<u8>),
}

impl Bytes {
    /// Maps `path`, which must be a file that is only ever replaced whole.
    pub fn map(path: &Path) -> io::Result<Bytes> {
        let file = File::open(path)?;
        // SAFETY: the callers' files are written once under a temporary
        // name and renamed into place; nothing modifies them afterwards, so
        // the mapping never changes under the reader.
        let map = unsafe { Mmap::map(&file) }?;
        Ok(Bytes::Mapped(map))
    }
}

/// Writes `bytes` as the whole of `path`: under a temporary name in the
/// same directory (made if missing), then renamed over it, so that a
/// reader sees the old file or the new one, never a part.
pub fn write_whole(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    // Unique to this writer, also among threads of one process.
    static WRITES: AtomicU64 = AtomicU64::new(0);
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let n = WRITES.fetch_add(1, Ordering::Relaxed);
    let tmp = dir.join(format!(".tmp-{}-{n}-{name}", std::process::id()));
    let written = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

impl std::ops::Deref for Bytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Mapped(map) => map,
            Bytes::Owned(bytes) => bytes,
        }
    }
}
