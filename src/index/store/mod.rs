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

mod view;

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::record::{FileRecord, Record, FORMAT_VERSION};
use crate::analysis::ANALYSIS_VERSION;
use crate::error::{Error, Result};
use crate::passage::PassageId;

pub use view::{FileView, RecordView, StatView};

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
    /// The sentence encoder that made every passage's vector, when they
    /// all have one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
}

impl Payload {
    /// Reads a payload; `None` when absent or unreadable.
    pub fn parse(payload: Option<&str>) -> Option<Payload> {
        serde_json::from_str(payload?).ok()
    }

    /// The payload of a commit whose record file is `record`, whose
    /// passages all have vectors of `model` if given.
    pub fn new(record: String, model: Option<String>) -> Payload {
        Payload {
            format: FORMAT_VERSION,
            analysis: ANALYSIS_VERSION,
            record: Some(record),
            model,
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
    Parts {
        files: record.files.iter().map(|(path, f)| f.view(path)),
        successors: record
            .successors
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str())),
        dirs: record
            .dirs
            .iter()
            .map(|(path, &mtime)| (path.as_str(), mtime)),
        manifest: record.manifest.as_deref(),
        checked_ns: record.checked_ns,
        skips: record.skips,
    }
    .encode()
}

/// Encodes the record of `view` with the entries of `edited` files
/// replaced (files the view has: the same paths, so the same order), the
/// `successors` added (replacing any of the same id, and the first in id
/// order forgotten beyond `most`), walked at `checked_ns`. No owned copy
/// of the view's entries is made.
pub fn patch(
    view: &RecordView,
    edited: &BTreeMap<String, FileRecord>,
    successors: &BTreeMap<PassageId, PassageId>,
    most: usize,
    checked_ns: u64,
) -> Vec<u8> {
    let files = view
        .files()
        .map(|f| edited.get(f.path).map_or(f, |e| e.view(f.path)));
    let mut merged = Vec::with_capacity(view.successor_count() + successors.len());
    let mut new = successors
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .peekable();
    for old in view.successors() {
        while let Some(&next) = new.peek().filter(|(id, _)| *id < old.0) {
            merged.push(next);
            new.next();
        }
        if new.peek().is_none_or(|(id, _)| *id != old.0) {
            merged.push(old);
        }
    }
    merged.extend(new);
    let forgotten = merged.len().saturating_sub(most);
    Parts {
        files,
        successors: merged.into_iter().skip(forgotten),
        dirs: view.dirs(),
        manifest: view.manifest(),
        checked_ns,
        skips: view.skips(),
    }
    .encode()
}

/// What a record file holds, borrowed, in the order it is written.
struct Parts<'a, F, S, D> {
    files: F,
    successors: S,
    dirs: D,
    manifest: Option<&'a str>,
    checked_ns: u64,
    skips: u32,
}

impl<'a, F, S, D> Parts<'a, F, S, D>
where
    F: Iterator<Item = FileView<'a>>,
    S: Iterator<Item = (&'a str, &'a str)>,
    D: Iterator<Item = (&'a str, u64)>,
{
    fn encode(self) -> Vec<u8> {
        let mut heap = Heap::default();
        let mut files = Vec::new();
        let (mut file_count, mut documents, mut passages) = (0usize, 0u32, 0u64);
        for f in self.files {
            heap.put(&mut files, Some(f.path));
            heap.put(&mut files, Some(f.doc));
            heap.put(&mut files, Some(f.hash));
            heap.put(&mut files, Some(f.meta_hash));
            heap.put(&mut files, f.error);
            files.extend_from_slice(&f.size.to_le_bytes());
            files.extend_from_slice(&f.mtime_ns.to_le_bytes());
            files.extend_from_slice(&f.passages.to_le_bytes());
            files.extend_from_slice(&0u32.to_le_bytes());
            file_count += 1;
            documents += u32::from(f.error.is_none());
            passages += u64::from(f.passages);
        }
        let mut successors = Vec::new();
        let mut successor_count = 0usize;
        for (old, new) in self.successors {
            heap.put(&mut successors, Some(old));
            heap.put(&mut successors, Some(new));
            successor_count += 1;
        }
        let mut dirs = Vec::new();
        let mut dir_count = 0usize;
        for (path, mtime) in self.dirs {
            heap.put(&mut dirs, Some(path));
            dirs.extend_from_slice(&mtime.to_le_bytes());
            dir_count += 1;
        }
        let mut out = Vec::with_capacity(
            HEADER + files.len() + successors.len() + dirs.len() + heap.bytes.len(),
        );
        out.extend_from_slice(MAGIC);
        for n in [file_count, successor_count, dir_count] {
            out.extend_from_slice(&(n as u32).to_le_bytes());
        }
        out.extend_from_slice(&documents.to_le_bytes());
        out.extend_from_slice(&passages.to_le_bytes());
        out.extend_from_slice(&self.checked_ns.to_le_bytes());
        heap.put(&mut out, self.manifest);
        out.extend_from_slice(&self.skips.to_le_bytes());
        out.extend_from_slice(&(heap.bytes.len() as u32).to_le_bytes());
        debug_assert_eq!(out.len(), HEADER);
        out.extend_from_slice(&files);
        out.extend_from_slice(&successors);
        out.extend_from_slice(&dirs);
        out.extend_from_slice(&heap.bytes);
        out
    }
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
    write_encoded(dir, &encode(record))
}

/// Writes an encoded record into `dir`, as [`write()`].
pub fn write_encoded(dir: &Path, bytes: &[u8]) -> Result<String> {
    let name = format!("{PREFIX}{}.bin", crate::fingerprint::short(bytes, 16));
    let path = dir.join(&name);
    if !path.exists() {
        let tmp = dir.join(format!(".tmp-{name}"));
        let mut file = File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
        file.write_all(bytes).map_err(|e| Error::io(&tmp, e))?;
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

#[cfg(test)]
mod tests;
