//! The record file mapped, and read only as far as asked.

use std::path::Path;

use crate::mapped::Bytes;

use super::{FILE_ENTRY, HEADER, MAGIC, NONE, PAIR_ENTRY, PREFIX};
use crate::error::{Error, Result};
use crate::index::record::{FileRecord, Record};
use crate::passage::PassageId;

/// A record file, mapped: read only as far as asked.
pub struct RecordView {
    /// The file, when it is one.
    path: Option<std::path::PathBuf>,
    bytes: Bytes,
    files: usize,
    successors: usize,
    dirs: usize,
    heap: usize,
}

impl std::fmt::Debug for RecordView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RecordView({} files)", self.files)
    }
}

/// What the freshness check reads of a file of a [`RecordView`].
#[derive(Debug, Clone, Copy)]
pub struct StatView<'a> {
    /// Path inside the corpus.
    pub path: &'a str,
    /// Size in bytes.
    pub size: u64,
    /// Modification time, ns.
    pub mtime_ns: u64,
    /// Whether the file waits for an extraction tool.
    pub waits: bool,
}

/// One file of a [`RecordView`].
#[derive(Debug, Clone, Copy)]
pub struct FileView<'a> {
    /// Path inside the corpus.
    pub path: &'a str,
    /// Document key.
    pub doc: &'a str,
    /// Content hash.
    pub hash: &'a str,
    /// Manifest-entry hash.
    pub meta_hash: &'a str,
    /// Why it could not be indexed.
    pub error: Option<&'a str>,
    /// Size in bytes.
    pub size: u64,
    /// Modification time, ns.
    pub mtime_ns: u64,
    /// Passages.
    pub passages: u32,
}

impl FileView<'_> {
    /// The owned record of this file.
    pub fn to_owned(&self) -> FileRecord {
        FileRecord {
            size: self.size,
            mtime_ns: self.mtime_ns,
            hash: self.hash.to_owned(),
            meta_hash: self.meta_hash.to_owned(),
            doc: self.doc.to_owned(),
            passages: self.passages,
            error: self.error.map(str::to_owned),
        }
    }
}

impl FileRecord {
    /// This record of the file at `path`, borrowed.
    pub fn view<'a>(&'a self, path: &'a str) -> FileView<'a> {
        FileView {
            path,
            doc: &self.doc,
            hash: &self.hash,
            meta_hash: &self.meta_hash,
            error: self.error.as_deref(),
            size: self.size,
            mtime_ns: self.mtime_ns,
            passages: self.passages,
        }
    }
}

impl RecordView {
    /// Maps the record file `path`.
    pub fn open(path: &Path) -> Result<RecordView> {
        let bad = |why: &str| Error::BadIndex {
            path: path.to_path_buf(),
            message: format!("{why}; rebuild it with `nrel-search index --full`"),
        };
        // Record files are written once under a temporary name and renamed
        // into place.
        let bytes = Bytes::map(path).map_err(|e| Error::io(path, e))?;
        let mut view = RecordView::new(bytes).ok_or_else(|| bad("the record file is damaged"))?;
        view.path = Some(path.to_path_buf());
        Ok(view)
    }

    /// A record held in memory.
    pub fn from_record(record: &Record) -> RecordView {
        RecordView::new(Bytes::Owned(super::encode(record))).expect("an encoded record reads back")
    }

    pub(super) fn new(bytes: Bytes) -> Option<RecordView> {
        if bytes.len() < HEADER || &bytes[..8] != MAGIC {
            return None;
        }
        let mut view = RecordView {
            path: None,
            files: 0,
            successors: 0,
            dirs: 0,
            heap: 0,
            bytes,
        };
        view.files = view.u32_at(8) as usize;
        view.successors = view.u32_at(12) as usize;
        view.dirs = view.u32_at(16) as usize;
        view.heap = HEADER + view.files * FILE_ENTRY + (view.successors + view.dirs) * PAIR_ENTRY;
        let strings = view.u32_at(52) as usize;
        (view.heap + strings == view.bytes.len()).then_some(view)
    }

    fn u32_at(&self, at: usize) -> u32 {
        u32::from_le_bytes(self.bytes[at..at + 4].try_into().expect("4 bytes"))
    }

    fn u64_at(&self, at: usize) -> u64 {
        u64::from_le_bytes(self.bytes[at..at + 8].try_into().expect("8 bytes"))
    }

    /// The bytes of the string referenced at `at` (none when the file is
    /// damaged there).
    fn bytes_at(&self, at: usize) -> Option<&[u8]> {
        let (offset, len) = (self.u32_at(at) as usize, self.u32_at(at + 4));
        if len == NONE {
            return None;
        }
        let start = self.heap + offset;
        Some(self.bytes.get(start..start + len as usize).unwrap_or(&[]))
    }

    /// The string referenced at `at` ("" when the file is damaged there).
    fn str_at(&self, at: usize) -> Option<&str> {
        self.bytes_at(at)
            .map(|b| std::str::from_utf8(b).unwrap_or(""))
    }

    /// The name of the record file (none for a record held in memory).
    pub fn name(&self) -> Option<&str> {
        self.path.as_deref()?.file_name()?.to_str()
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.files
    }

    /// Whether no file is recorded.
    pub fn is_empty(&self) -> bool {
        self.files == 0
    }

    /// Documents in the index (files that could be read).
    pub fn documents(&self) -> usize {
        self.u32_at(20) as usize
    }

    /// Total passages.
    pub fn passages(&self) -> u64 {
        self.u64_at(24)
    }

    /// When the corpus was last walked for this record (ns since the
    /// epoch).
    pub fn checked_ns(&self) -> u64 {
        self.u64_at(32)
    }

    /// Hash of the manifest file, if there was one.
    pub fn manifest(&self) -> Option<&str> {
        self.str_at(40)
    }

    /// Files and directories the walk could not read.
    pub fn skips(&self) -> u32 {
        self.u32_at(48)
    }

    /// The `i`th file in path order.
    pub fn file(&self, i: usize) -> FileView<'_> {
        let at = HEADER + i * FILE_ENTRY;
        FileView {
            path: self.str_at(at).unwrap_or(""),
            doc: self.str_at(at + 8).unwrap_or(""),
            hash: self.str_at(at + 16).unwrap_or(""),
            meta_hash: self.str_at(at + 24).unwrap_or(""),
            error: self.str_at(at + 32),
            size: self.u64_at(at + 40),
            mtime_ns: self.u64_at(at + 48),
            passages: self.u32_at(at + 56),
        }
    }

    /// What the freshness check reads of file `i`: its path, size,
    /// modification time and whether it waits for an extraction tool (its
    /// hash is `waiting`); nothing else is decoded.
    pub fn stat_of(&self, i: usize, waiting: &str) -> StatView<'_> {
        let at = HEADER + i * FILE_ENTRY;
        StatView {
            path: self.str_at(at).unwrap_or(""),
            size: self.u64_at(at + 40),
            mtime_ns: self.u64_at(at + 48),
            waits: self.bytes_at(at + 16) == Some(waiting.as_bytes()),
        }
    }

    /// The files in path order.
    pub fn files(&self) -> impl Iterator<Item = FileView<'_>> {
        (0..self.files).map(|i| self.file(i))
    }

    /// The file at `path`.
    pub fn get(&self, path: &str) -> Option<FileView<'_>> {
        let i = binary_search(self.files, |i| {
            self.str_at(HEADER + i * FILE_ENTRY).unwrap_or("").cmp(path)
        })?;
        Some(self.file(i))
    }

    /// Number of successors recorded.
    pub fn successor_count(&self) -> usize {
        self.successors
    }

    /// The successors (old id, new id), in the order of old ids.
    pub fn successors(&self) -> impl Iterator<Item = (&str, &str)> {
        (0..self.successors).map(|i| self.successor_at(i))
    }

    /// The `i`th successor pair ("" where the file is damaged).
    fn successor_at(&self, i: usize) -> (&str, &str) {
        let at = HEADER + self.files * FILE_ENTRY + i * PAIR_ENTRY;
        (
            self.str_at(at).unwrap_or(""),
            self.str_at(at + 8).unwrap_or(""),
        )
    }

    /// The successor recorded for `id`.
    pub fn successor(&self, id: &PassageId) -> Option<PassageId> {
        let i = binary_search(self.successors, |i| self.successor_at(i).0.cmp(id.as_str()))?;
        let (_, new) = self.successor_at(i);
        (!new.is_empty()).then(|| PassageId::parse(new))
    }

    /// The directories of the corpus and their modification times, in
    /// path order.
    pub fn dirs(&self) -> impl Iterator<Item = (&str, u64)> {
        let base = HEADER + self.files * FILE_ENTRY + self.successors * PAIR_ENTRY;
        (0..self.dirs).map(move |i| {
            let at = base + i * PAIR_ENTRY;
            (self.str_at(at).unwrap_or(""), self.u64_at(at + 8))
        })
    }

    /// The whole record, owned (for an update), once its content is
    /// checked against the hash its name carries.
    pub fn to_record(&self) -> Result<Record> {
        self.verify()?;
        Ok(self.record())
    }

    /// Checks the content of a record file against the hash its name
    /// carries, before an update builds on it.
    pub fn verify(&self) -> Result<()> {
        if let (Some(path), Some(name)) = (&self.path, self.name()) {
            let hash = crate::fingerprint::short(&self.bytes, 16);
            if name != format!("{PREFIX}{hash}.bin") {
                return Err(Error::BadIndex {
                    path: path.clone(),
                    message:
                        "the record file is damaged; rebuild it with `nrel-search index --full`"
                            .into(),
                });
            }
        }
        Ok(())
    }

    fn record(&self) -> Record {
        let successors = self
            .successors()
            .map(|(old, new)| (PassageId::parse(old), PassageId::parse(new)))
            .collect();
        Record {
            files: self
                .files()
                .map(|f| (f.path.to_owned(), f.to_owned()))
                .collect(),
            manifest: self.manifest().map(str::to_owned),
            successors,
            dirs: self.dirs().map(|(p, m)| (p.to_owned(), m)).collect(),
            checked_ns: self.checked_ns(),
            skips: self.skips(),
        }
    }
}

/// The index in `0..len` where `cmp` says Equal, entries being sorted.
fn binary_search(len: usize, cmp: impl Fn(usize) -> std::cmp::Ordering) -> Option<usize> {
    let (mut lo, mut hi) = (0, len);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        match cmp(mid) {
            std::cmp::Ordering::Less => lo = mid + 1,
            std::cmp::Ordering::Greater => hi = mid,
            std::cmp::Ordering::Equal => return Some(mid),
        }
    }
    None
}
