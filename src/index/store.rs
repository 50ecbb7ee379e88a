//! The record on disk: a compact binary file in the index directory, named
//! by the hash of its content (`record-<hash>.bin`) and referenced from the
//! payload of the tantivy commit it belongs to. The file is written (and
//! made durable) before the commit that names it, so a commit always finds
//! its record and an interrupted run leaves the last commit and its record
//! as they were.
//!
//! Opening an index maps the file and checks its header; nothing is parsed
//! until asked for. Files are sorted by path (found by binary search),
//! successors by old id, directories by path. Every string is a slice of
//! one string heap, so an entry has a fixed size.
//!
//! ```text
//! header   magic "nrelrec1", then u32 files, successors, dirs, documents,
//!          u64 passages, u64 checked_ns, str manifest, u32 skips,
//!          u32 length of the strings
//! files    64 bytes each: str path, doc, hash, meta_hash, error,
//!          u64 size, u64 mtime_ns, u32 passages, u32 padding
//! succ.    16 bytes each: str old id, str new id
//! dirs     16 bytes each: str path, u64 mtime_ns
//! strings  UTF-8
//! ```
//!
//! A `str` is a u32 offset and a u32 length into the strings (length
//! `u32::MAX`: none). All numbers are little-endian.

use std::fs::File;
use std::io::Write;
use std::path::Path;

use memmap2::Mmap;
use serde::{Deserialize, Serialize};

use super::record::{FileRecord, Record, FORMAT_VERSION};
use crate::analysis::ANALYSIS_VERSION;
use crate::error::{Error, Result};
use crate::passage::PassageId;

const MAGIC: &[u8; 8] = b"nrelrec1";
const HEADER: usize = 56;
const FILE_ENTRY: usize = 64;
const PAIR_ENTRY: usize = 16;
const NONE: u32 = u32::MAX;
/// Record files start with this.
pub(crate) const PREFIX: &str = "record-";

/// What a commit's payload says: the versions that wrote it and the name
/// of its record file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payload {
    /// [`FORMAT_VERSION`] of the writer.
    pub format: u32,
    /// [`ANALYSIS_VERSION`] of the writer.
    pub analysis: u32,
    /// The record file, in the index directory.
    #[serde(default)]
    pub record: Option<String>,
}

impl Payload {
    /// Reads a payload; `None` when absent or unreadable.
    pub fn parse(payload: Option<&str>) -> Option<Payload> {
        serde_json::from_str(payload?).ok()
    }

    /// The payload of a commit whose record file is `record`.
    pub fn new(record: String) -> Payload {
        Payload {
            format: FORMAT_VERSION,
            analysis: ANALYSIS_VERSION,
            record: Some(record),
        }
    }

    /// Whether this build can read the index.
    pub fn is_compatible(&self) -> bool {
        self.format == FORMAT_VERSION && self.analysis == ANALYSIS_VERSION
    }

    /// The payload as written in the commit.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("payloads serialise")
    }
}

/// Encodes a record.
pub fn encode(record: &Record) -> Vec<u8> {
    let mut heap = Heap::default();
    let mut files = Vec::with_capacity(record.files.len() * FILE_ENTRY);
    let mut documents = 0u32;
    let mut passages = 0u64;
    for (path, f) in &record.files {
        heap.put(&mut files, Some(path));
        heap.put(&mut files, Some(&f.doc));
        heap.put(&mut files, Some(&f.hash));
        heap.put(&mut files, Some(&f.meta_hash));
        heap.put(&mut files, f.error.as_deref());
        files.extend_from_slice(&f.size.to_le_bytes());
        files.extend_from_slice(&f.mtime_ns.to_le_bytes());
        files.extend_from_slice(&f.passages.to_le_bytes());
        files.extend_from_slice(&0u32.to_le_bytes());
        documents += u32::from(f.error.is_none());
        passages += u64::from(f.passages);
    }
    let mut successors = Vec::with_capacity(record.successors.len() * PAIR_ENTRY);
    for (old, new) in &record.successors {
        heap.put(&mut successors, Some(old.as_str()));
        heap.put(&mut successors, Some(new.as_str()));
    }
    let mut dirs = Vec::with_capacity(record.dirs.len() * PAIR_ENTRY);
    for (path, mtime) in &record.dirs {
        heap.put(&mut dirs, Some(path));
        dirs.extend_from_slice(&mtime.to_le_bytes());
    }
    let mut out = Vec::with_capacity(HEADER + files.len() + successors.len() + heap.bytes.len());
    out.extend_from_slice(MAGIC);
    for n in [
        record.files.len(),
        record.successors.len(),
        record.dirs.len(),
    ] {
        out.extend_from_slice(&(n as u32).to_le_bytes());
    }
    out.extend_from_slice(&documents.to_le_bytes());
    out.extend_from_slice(&passages.to_le_bytes());
    out.extend_from_slice(&record.checked_ns.to_le_bytes());
    heap.put(&mut out, record.manifest.as_deref());
    out.extend_from_slice(&record.skips.to_le_bytes());
    out.extend_from_slice(&(heap.bytes.len() as u32).to_le_bytes());
    debug_assert_eq!(out.len(), HEADER);
    out.extend_from_slice(&files);
    out.extend_from_slice(&successors);
    out.extend_from_slice(&dirs);
    out.extend_from_slice(&heap.bytes);
    out
}

/// The string heap being written.
#[derive(Default)]
struct Heap {
    bytes: Vec<u8>,
}

impl Heap {
    /// Appends `s` to the heap and its reference to `out`.
    fn put(&mut self, out: &mut Vec<u8>, s: Option<&str>) {
        let (offset, len) = match s {
            Some(s) => {
                let offset = self.bytes.len() as u32;
                self.bytes.extend_from_slice(s.as_bytes());
                (offset, s.len() as u32)
            }
            None => (0, NONE),
        };
        out.extend_from_slice(&offset.to_le_bytes());
        out.extend_from_slice(&len.to_le_bytes());
    }
}

/// Writes `record` into `dir` (its content synced to disk) and returns its
/// file name. A file of that name is already that record.
pub fn write(dir: &Path, record: &Record) -> Result<String> {
    let bytes = encode(record);
    let name = format!("{PREFIX}{}.bin", crate::fingerprint::short(&bytes, 16));
    let path = dir.join(&name);
    if !path.exists() {
        let tmp = dir.join(format!(".tmp-{name}"));
        let mut file = File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
        file.write_all(&bytes).map_err(|e| Error::io(&tmp, e))?;
        file.sync_all().map_err(|e| Error::io(&tmp, e))?;
        std::fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e))?;
    }
    // Its name becomes durable before the commit names it: tantivy syncs
    // this directory before it writes the new `meta.json`.
    Ok(name)
}

/// Removes the record files of `dir` other than those in `keep` (the lock
/// is held: no other process writes one).
pub fn remove_others(dir: &Path, keep: &[&str]) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(PREFIX) && name.ends_with(".bin") && !keep.contains(&name.as_ref()) {
            std::fs::remove_file(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
        }
    }
    Ok(())
}

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

enum Bytes {
    Mapped(Mmap),
    Owned(Vec<u8>),
}

impl std::ops::Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Mapped(m) => m,
            Bytes::Owned(v) => v,
        }
    }
}

impl std::fmt::Debug for RecordView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RecordView({} files)", self.files)
    }
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

impl RecordView {
    /// Maps the record file `path`.
    pub fn open(path: &Path) -> Result<RecordView> {
        let bad = |why: &str| Error::BadIndex {
            path: path.to_path_buf(),
            message: format!("{why}; rebuild it with `nrel-search index --full`"),
        };
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        // SAFETY: record files are written once under a temporary name and
        // renamed into place; nothing modifies them afterwards.
        let map = unsafe { Mmap::map(&file) }.map_err(|e| Error::io(path, e))?;
        let mut view =
            RecordView::new(Bytes::Mapped(map)).ok_or_else(|| bad("the record file is damaged"))?;
        view.path = Some(path.to_path_buf());
        Ok(view)
    }

    /// A record held in memory.
    pub fn from_record(record: &Record) -> RecordView {
        RecordView::new(Bytes::Owned(encode(record))).expect("an encoded record reads back")
    }

    fn new(bytes: Bytes) -> Option<RecordView> {
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

    /// The string referenced at `at` ("" when the file is damaged there).
    fn str_at(&self, at: usize) -> Option<&str> {
        let (offset, len) = (self.u32_at(at) as usize, self.u32_at(at + 4));
        if len == NONE {
            return None;
        }
        let start = self.heap + offset;
        let text = self
            .bytes
            .get(start..start + len as usize)
            .and_then(|b| std::str::from_utf8(b).ok());
        Some(text.unwrap_or(""))
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

    /// The successor recorded for `id`.
    pub fn successor(&self, id: &PassageId) -> Option<PassageId> {
        let base = HEADER + self.files * FILE_ENTRY;
        let at = |i: usize| base + i * PAIR_ENTRY;
        let i = binary_search(self.successors, |i| {
            self.str_at(at(i)).unwrap_or("").cmp(id.as_str())
        })?;
        self.str_at(at(i) + 8).map(PassageId::parse)
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
        Ok(self.record())
    }

    fn record(&self) -> Record {
        let base = HEADER + self.files * FILE_ENTRY;
        let successors = (0..self.successors)
            .filter_map(|i| {
                let at = base + i * PAIR_ENTRY;
                Some((
                    PassageId::parse(self.str_at(at)?),
                    PassageId::parse(self.str_at(at + 8)?),
                ))
            })
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

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn sample() -> Record {
        let mut files = BTreeMap::new();
        for (i, path) in ["b/deux.txt", "a.md", "c é.txt"].iter().enumerate() {
            files.insert(
                (*path).to_owned(),
                FileRecord {
                    size: 100 + i as u64,
                    mtime_ns: 1_700_000_000_000_000_000 + i as u64,
                    hash: format!("{i:064x}"),
                    meta_hash: if i == 1 {
                        String::new()
                    } else {
                        "m".repeat(16)
                    },
                    doc: format!("doc-{i}"),
                    passages: 3 * i as u32,
                    error: (i == 2).then(|| "binary file".to_owned()),
                },
            );
        }
        let successors = [("a:111111", "a:222222"), ("b:000001", "b:000002")]
            .iter()
            .map(|(o, n)| (PassageId::parse(o), PassageId::parse(n)))
            .collect();
        Record {
            files,
            manifest: Some("abc".into()),
            successors,
            dirs: [(String::new(), 5), ("b".to_owned(), 7)]
                .into_iter()
                .collect(),
            checked_ns: 42,
            skips: 1,
        }
    }

    #[test]
    fn a_record_reads_back_whole() {
        let record = sample();
        let view = RecordView::from_record(&record);
        assert_eq!(view.to_record().unwrap(), record);
        assert_eq!(view.len(), 3);
        assert_eq!(view.documents(), 2);
        assert_eq!(view.passages(), 9);
        assert_eq!(view.checked_ns(), 42);
        assert_eq!(view.manifest(), Some("abc"));
    }

    #[test]
    fn files_and_successors_are_found_by_key() {
        let view = RecordView::from_record(&sample());
        let f = view.get("b/deux.txt").unwrap();
        assert_eq!(
            (f.doc, f.size, f.passages, f.error),
            ("doc-0", 100, 0, None)
        );
        assert_eq!(view.get("c é.txt").unwrap().error, Some("binary file"));
        assert!(view.get("b").is_none());
        assert!(view.get("zzz").is_none());
        assert_eq!(
            view.successor(&PassageId::parse("b:000001")),
            Some(PassageId::parse("b:000002"))
        );
        assert_eq!(view.successor(&PassageId::parse("b:000002")), None);
    }

    #[test]
    fn a_damaged_file_is_refused_or_read_without_panicking() {
        let bytes = encode(&sample());
        assert!(RecordView::new(Bytes::Owned(bytes[..HEADER - 1].to_vec())).is_none());
        assert!(RecordView::new(Bytes::Owned(bytes[..HEADER + 10].to_vec())).is_none());
        let mut wrong = bytes.clone();
        wrong[0] = b'X';
        assert!(RecordView::new(Bytes::Owned(wrong)).is_none());
        // Strings cut short, or more bytes than said.
        let cut = bytes.len() - 30;
        assert!(RecordView::new(Bytes::Owned(bytes[..cut].to_vec())).is_none());
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(RecordView::new(Bytes::Owned(longer)).is_none());
    }

    #[test]
    fn opening_reads_no_file_entry() {
        // Every file entry overwritten: an open that parsed them would
        // fail; the counts, the manifest and the successors still answer.
        let mut bytes = encode(&sample());
        bytes[HEADER..HEADER + 3 * FILE_ENTRY].fill(0xAB);
        let view = RecordView::new(Bytes::Owned(bytes)).unwrap();
        assert_eq!((view.len(), view.documents(), view.passages()), (3, 2, 9));
        assert_eq!(view.manifest(), Some("abc"));
        assert_eq!(
            view.successor(&PassageId::parse("a:111111")),
            Some(PassageId::parse("a:222222"))
        );
        assert_eq!(view.file(0).path, "");
    }

    #[test]
    fn write_is_idempotent_and_others_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let name = write(dir.path(), &sample()).unwrap();
        assert_eq!(write(dir.path(), &sample()).unwrap(), name);
        let mut other = sample();
        other.checked_ns = 1;
        let second = write(dir.path(), &other).unwrap();
        assert_ne!(second, name);
        remove_others(dir.path(), &[&second]).unwrap();
        assert!(!dir.path().join(&name).exists());
        let view = RecordView::open(&dir.path().join(&second)).unwrap();
        assert_eq!(view.to_record().unwrap(), other);
        // A byte changed: refused when read whole.
        let path = dir.path().join(&second);
        let mut bytes = std::fs::read(&path).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        std::fs::write(&path, bytes).unwrap();
        let damaged = RecordView::open(&path).unwrap();
        assert!(matches!(damaged.to_record(), Err(Error::BadIndex { .. })));
    }
}
