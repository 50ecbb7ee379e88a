//! The sign bits and language of every passage of a segment, laid flat in
//! a file named by the segment (`signs/<segment id>.bin` in the index
//! directory), for the nearest-neighbour scan to read without decoding.
//!
//! The passage's own fast fields stay the source of truth: a table is
//! derived from them, and since a segment never changes, a table never goes
//! stale. `index` writes the tables of new segments after each update and
//! removes those of segments that are gone; a search that finds a table
//! missing (an index built by an earlier version, a merge since) makes it
//! in memory and, where it may write, leaves it for the next search (an
//! index it may not write in makes its tables once per open index: once a
//! command, once for the life of `serve`; see [`Tables`]). A table
//! whose size or header does not match its segment (written without
//! reaching the disk before the machine stopped) is made again.
//!
//! Layout: a header of [`HEADER`] bytes (magic, the number of documents),
//! then each document's sign words ([`ROW`] bytes, little-endian 32-bit
//! words, all zero for a document without a vector), then each document's
//! language (0 French, 1 English, [`NO_VECTOR`] without a vector).

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tantivy::columnar::Column;
use tantivy::index::SegmentId;
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

/// The tables an open index has loaded, by segment: the scans of one
/// search (the query's, then its hits' counterparts) and the searches of
/// a long-lived process (`serve`) load each table once, which matters
/// where tables are made in memory (an index this process may not write).
#[derive(Default)]
pub struct Tables {
    loaded: Mutex<HashMap<SegmentId, Arc<SignTable>>>,
}

impl Tables {
    /// The table of `segment` ([`load`]), loaded once.
    pub fn get(
        &self,
        index_dir: &Path,
        writable: bool,
        segment: &SegmentReader,
    ) -> Option<Arc<SignTable>> {
        let id = segment.segment_id();
        let docs = segment.max_doc() as usize;
        if let Some(table) = self.lock().get(&id).filter(|t| t.docs == docs) {
            return Some(Arc::clone(table));
        }
        let table = Arc::new(load(index_dir, writable, segment)?);
        self.lock().insert(id, Arc::clone(&table));
        Some(table)
    }

    /// Forgets the tables of segments `searcher` no longer has.
    pub fn keep_only(&self, searcher: &Searcher) {
        let live: Vec<SegmentId> = searcher
            .segment_readers()
            .iter()
            .map(SegmentReader::segment_id)
            .collect();
        self.lock().retain(|id, _| live.contains(id));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<SegmentId, Arc<SignTable>>> {
        // A table is whole once inserted: a panic elsewhere leaves the map
        // usable.
        self.loaded
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
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
        let name = entry.file_name();
        let name = name.to_string_lossy();
        // Tables of gone segments; temporary files of writers that died
        // (not those another process may be writing now).
        let old = || {
            entry
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|t| t.elapsed().is_ok_and(|age| age.as_secs() > 3600))
        };
        let stale = if name.starts_with(".tmp-") {
            old()
        } else {
            name.ends_with(".bin") && !live.contains(&path)
        };
        if stale {
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
    let dense = u64::from(signs.values.num_vals()) == (SIGN_WORDS * docs) as u64
        && langs.get_cardinality() == tantivy::columnar::Cardinality::Full;
    if dense {
        // Every document has a vector (the rule): all words in one read.
        let mut words = vec![0u64; SIGN_WORDS * docs];
        signs.values.get_range(0, &mut words);
        for (out, &word) in rows.chunks_exact_mut(4).zip(&words) {
            out.copy_from_slice(&(word as u32).to_le_bytes());
        }
        for (doc, out) in lang_bytes.iter_mut().enumerate() {
            *out = u8::from(langs.first(doc as DocId) == Some(1));
        }
        return Some(bytes);
    }
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

#[cfg(test)]
mod tests {
    use tantivy::schema::{Schema, FAST};
    use tantivy::{doc, Index, TantivyDocument};

    use super::*;

    /// An index of five documents whose sign words are known (the third
    /// without a vector if `gap`); languages alternate.
    fn index(gap: bool) -> (Index, Vec<Option<[u32; SIGN_WORDS]>>) {
        let mut schema = Schema::builder();
        let signs = schema.add_u64_field("vec_signs", FAST);
        let lang = schema.add_u64_field("lang_id", FAST);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let mut expected = Vec::new();
        for d in 0..5u32 {
            let mut document: TantivyDocument = doc!(lang => u64::from(d % 2));
            let words = (!gap || d != 2).then(|| {
                std::array::from_fn(|w| (d + 1).wrapping_mul(0x9E37_79B9) ^ (w as u32) << 27)
            });
            for &word in words.iter().flatten() {
                document.add_u64(signs, u64::from(word));
            }
            writer.add_document(document).unwrap();
            expected.push(words);
        }
        writer.commit().unwrap();
        (index, expected)
    }

    fn check(table: &SignTable, expected: &[Option<[u32; SIGN_WORDS]>]) {
        assert_eq!(table.docs(), expected.len());
        for (d, words) in expected.iter().enumerate() {
            let row = table.rows(d as DocId, 1);
            let lang = table.langs(d as DocId, 1)[0];
            match words {
                Some(words) => {
                    let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
                    assert_eq!(row, &bytes[..], "document {d}");
                    assert_eq!(lang, (d % 2) as u8);
                }
                None => {
                    assert_eq!(row, &[0u8; ROW][..]);
                    assert_eq!(lang, NO_VECTOR);
                }
            }
        }
        assert_eq!(table.rows(0, expected.len()).len(), expected.len() * ROW);
    }

    #[test]
    fn a_table_holds_each_documents_signs_and_language_and_is_made_again_when_cut_short() {
        for gap in [true, false] {
            table_of(gap);
        }
    }

    fn table_of(gap: bool) {
        let (index, expected) = index(gap);
        let searcher = index.reader().unwrap().searcher();
        let segment = &searcher.segment_readers()[0];
        let dir = tempfile::tempdir().unwrap();
        let path = table_path(dir.path(), segment);

        // Read-only: made in memory, nothing written.
        check(&load(dir.path(), false, segment).unwrap(), &expected);
        assert!(!path.exists());
        // Writable: made and left for the next search, which maps it.
        check(&load(dir.path(), true, segment).unwrap(), &expected);
        let written = fs::read(&path).unwrap();
        assert_eq!(written.len(), HEADER + expected.len() * (ROW + 1));
        let mapped = load(dir.path(), false, segment).unwrap();
        assert!(matches!(mapped.bytes, Bytes::Mapped(_)));
        check(&mapped, &expected);
        // Cut short, or another segment's: made again.
        fs::write(&path, &written[..written.len() - 1]).unwrap();
        check(&load(dir.path(), true, segment).unwrap(), &expected);
        assert_eq!(fs::read(&path).unwrap(), written);
        let mut other = written.clone();
        other[8] += 1;
        fs::write(&path, &other).unwrap();
        check(&load(dir.path(), true, segment).unwrap(), &expected);
        assert_eq!(fs::read(&path).unwrap(), written);
    }

    #[test]
    fn an_open_index_loads_each_table_once_and_forgets_gone_segments() {
        let (index, expected) = index(true);
        let searcher = index.reader().unwrap().searcher();
        let segment = &searcher.segment_readers()[0];
        let dir = tempfile::tempdir().unwrap();
        let tables = Tables::default();
        // Read-only: made in memory once, then the same table.
        let first = tables.get(dir.path(), false, segment).unwrap();
        check(&first, &expected);
        let again = tables.get(dir.path(), false, segment).unwrap();
        assert!(Arc::ptr_eq(&first, &again));
        assert!(!table_path(dir.path(), segment).exists());
        tables.keep_only(&searcher);
        assert!(Arc::ptr_eq(
            &first,
            &tables.get(dir.path(), false, segment).unwrap()
        ));
        // The segment merged away (an empty searcher stands for it).
        let empty = Index::create_in_ram(index.schema())
            .reader()
            .unwrap()
            .searcher();
        tables.keep_only(&empty);
        assert!(tables.lock().is_empty());
    }

    #[test]
    fn refresh_keeps_the_tables_of_live_segments_only() {
        let (index, _) = index(true);
        let searcher = index.reader().unwrap().searcher();
        let dir = tempfile::tempdir().unwrap();
        let gone = dir
            .path()
            .join(DIR)
            .join("0123456789abcdef0123456789abcdef.bin");
        fs::create_dir_all(gone.parent().unwrap()).unwrap();
        fs::write(&gone, b"old").unwrap();
        refresh(dir.path(), &searcher);
        assert!(!gone.exists());
        assert!(table_path(dir.path(), &searcher.segment_readers()[0]).exists());
    }

    #[test]
    fn a_segment_without_vectors_has_no_table() {
        let mut schema = Schema::builder();
        schema.add_u64_field("vec_signs", FAST);
        let lang = schema.add_u64_field("lang_id", FAST);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        writer.add_document(doc!(lang => 0u64)).unwrap();
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let dir = tempfile::tempdir().unwrap();
        assert!(load(dir.path(), true, &searcher.segment_readers()[0]).is_none());
        refresh(dir.path(), &searcher);
        assert!(
            !dir.path().join(DIR).exists()
                || fs::read_dir(dir.path().join(DIR)).unwrap().next().is_none()
        );
    }
}
