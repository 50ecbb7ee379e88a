//! The sign bits and language of every passage of a segment, laid flat in
//! a file named by the segment (`signs/<segment id>.bin` in the index
//! directory), for the nearest-neighbour scan to read without decoding.
//!
//! The passage's own fast fields stay the source of truth: a table is
//! derived from them, and since a segment never changes, a table never goes
//! stale. `index` writes the tables of new segments after each update and
//! removes those of segments that are gone; a search that finds a table
//! missing (an index built by an earlier version, a merge since) makes it
//! in memory and, where it may write, leaves it for the next search. A
//! table that is not whole (a crash while it was written, before its
//! rename) is made again.
//!
//! Layout: a header of [`HEADER`] bytes (magic, the number of documents),
//! then each document's sign words ([`ROW`] bytes, little-endian 32-bit
//! words, all zero for a document without a vector), then each document's
//! language (0 French, 1 English, [`NO_VECTOR`] without a vector).

use std::fs;
use std::path::{Path, PathBuf};

use tantivy::columnar::Column;
use tantivy::{DocId, Searcher, SegmentReader};

use crate::mapped::{write_whole, Bytes};
use crate::semantic::vectors::SIGN_WORDS;

/// Where the tables are, in the index directory.
pub const DIR: &str = "signs";
const MAGIC: &[u8; 8] = b"NRELSGN1";
/// Bytes before the first row (a multiple of 64, so rows stay aligned).
pub const HEADER: usize = 64;
/// Bytes of one document's signs.
pub const ROW: usize = SIGN_WORDS * 4;
/// The language byte of a document without a vector.
pub const NO_VECTOR: u8 = 255;

/// A segment's table.
pub struct SignTable {
    bytes: Bytes,
    docs: usize,
}

impl SignTable {
    /// The sign rows of documents `first..first + n` (`n` × [`ROW`] bytes).
    pub fn rows(&self, first: DocId, n: usize) -> &[u8] {
        let start = HEADER + first as usize * ROW;
        &self.bytes[start..start + n * ROW]
    }

    /// The languages of documents `first..first + n`.
    pub fn langs(&self, first: DocId, n: usize) -> &[u8] {
        let start = HEADER + self.docs * ROW + first as usize;
        &self.bytes[start..start + n]
    }

    /// Documents in the segment.
    pub fn docs(&self) -> usize {
        self.docs
    }
}

/// The table of `segment`, read from `index_dir`, or made from the
/// segment's fast fields (and written there when `writable`); `None` when
/// the segment has no vectors.
pub fn load(index_dir: &Path, writable: bool, segment: &SegmentReader) -> Option<SignTable> {
    let docs = segment.max_doc() as usize;
    let path = table_path(index_dir, segment);
    if let Ok(bytes) = Bytes::map(&path) {
        if is_whole(&bytes, docs) {
            return Some(SignTable { bytes, docs });
        }
    }
    let made = make(segment)?;
    if writable {
        // Best effort: the table is only a faster way to the same bits.
        let _ = write_whole(&path, &made);
    }
    Some(SignTable {
        bytes: Bytes::Owned(made),
        docs,
    })
}

/// Writes the tables the segments of `searcher` lack and removes those of
/// segments it no longer has; best effort (a table is made again when
/// missing). Called by an update once its commit has landed.
pub fn refresh(index_dir: &Path, searcher: &Searcher) {
    let mut live = Vec::new();
    for segment in searcher.segment_readers() {
        let path = table_path(index_dir, segment);
        let whole = Bytes::map(&path).is_ok_and(|b| is_whole(&b, segment.max_doc() as usize));
        if !whole {
            if let Some(made) = make(segment) {
                let _ = write_whole(&path, &made);
            }
        }
        live.push(path);
    }
    let Ok(entries) = fs::read_dir(index_dir.join(DIR)) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if !live.contains(&path) {
            let _ = fs::remove_file(&path);
        }
    }
}

fn table_path(index_dir: &Path, segment: &SegmentReader) -> PathBuf {
    index_dir
        .join(DIR)
        .join(format!("{}.bin", segment.segment_id().uuid_string()))
}

fn is_whole(bytes: &[u8], docs: usize) -> bool {
    bytes.len() == HEADER + docs * (ROW + 1)
        && bytes.starts_with(MAGIC)
        && bytes[8..16] == (docs as u64).to_le_bytes()
}

/// The table's bytes, from the segment's `vec_signs` and `lang_id` fast
/// fields; `None` when it has no vectors.
fn make(segment: &SegmentReader) -> Option<Vec<u8>> {
    let fast = segment.fast_fields();
    let signs: Column<u64> = fast.u64("vec_signs").ok()?;
    let langs: Column<u64> = fast.u64("lang_id").ok()?;
    if signs.values.num_vals() == 0 {
        return None;
    }
    let docs = segment.max_doc() as usize;
    let mut bytes = vec![0u8; HEADER + docs * (ROW + 1)];
    bytes[..8].copy_from_slice(MAGIC);
    bytes[8..16].copy_from_slice(&(docs as u64).to_le_bytes());
    let (rows, lang_bytes) = bytes[HEADER..].split_at_mut(docs * ROW);
    let mut any = false;
    let mut words = [0u64; SIGN_WORDS];
    for doc in 0..docs as DocId {
        let range = signs.index.value_row_ids(doc);
        let lang = langs.first(doc);
        let (Some(lang), true) = (lang, range.len() == SIGN_WORDS) else {
            lang_bytes[doc as usize] = NO_VECTOR;
            continue;
        };
        signs.values.get_range(u64::from(range.start), &mut words);
        let row = &mut rows[doc as usize * ROW..][..ROW];
        for (out, &word) in row.chunks_exact_mut(4).zip(&words) {
            out.copy_from_slice(&(word as u32).to_le_bytes());
        }
        lang_bytes[doc as usize] = u8::from(lang == 1);
        any = true;
    }
    any.then_some(bytes)
}
