//! Bytes of a file that is only ever replaced, never modified in place
//! (written under another name and renamed over): mapped from the file,
//! or built in memory. The index's record files and the cached lexicon
//! are such files.

use std::fs::File;
use std::io;
use std::path::Path;

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

impl std::ops::Deref for Bytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Mapped(map) => map,
            Bytes::Owned(bytes) => bytes,
        }
    }
}
