//! An update being applied, file by file: what is added, kept, moved or
//! deleted, and the new record as it grows.

use std::collections::{BTreeMap, HashSet};

use rustc_hash::FxHashMap;
use tantivy::{IndexWriter, Term};

use crate::corpus::key::{rename_key, unique_key};
use crate::error::{Error, Result, Warning};
use crate::index::lineage::{self, succeed};
use crate::index::plan::{hash_file, Candidate};
use crate::index::record::{FileRecord, Record, PENDING};
use crate::index::schema::encode;
use crate::index::update::UpdateReport;
use crate::index::SearchIndex;
use crate::ingest::Document;
use crate::passage::{Passage, PassageId};
use crate::semantic::vectors::Quantised;
use crate::semantic::Encoder;

use super::recent::{self, Recent};

/// Why a file is analysed.
#[derive(Clone)]
pub(super) enum Origin {
    /// It is new.
    Added,
    /// Its content or metadata changed; this was its record.
    Changed(FileRecord),
    /// It moved and its metadata changed; this was its record.
    Renamed(FileRecord),
}

/// An update being applied: the writer, and the new record as it grows.
pub(super) struct Apply<'a, 'e> {
    pub(super) index: &'a SearchIndex,
    pub(super) writer: &'a mut IndexWriter,
    pub(super) files: BTreeMap<String, FileRecord>,
    pub(super) successors: BTreeMap<PassageId, PassageId>,
    /// Document keys taken.
    pub(super) keys: HashSet<String>,
    /// Keys a rebuild gives back to their files (reserved in `keys`).
    pub(super) kept_keys: BTreeMap<String, String>,
    pub(super) report: &'a mut UpdateReport,
    /// The encoder that gives passages their vectors, if they get some.
    pub(super) encoder: Option<&'e Encoder<'e>>,
    /// Whether the index's vectors are the encoder's.
    pub(super) reuse_vectors: bool,
    /// The vectors of the texts encoded lately in this run.
    pub(super) recent: Recent,
}

impl Apply<'_, '_> {
    /// The record of a commit in the middle of the update: the files done,
    /// and those still `pending` as they were (or, in a rebuild, only the
    /// key they are to keep), so that the next run takes them up first. No
    /// directories: the quick check cannot vouch for such a record.
    pub(super) fn partial(
        &self,
        pending: impl Iterator<Item = (Candidate, Origin)>,
        manifest: Option<String>,
        checked_ns: u64,
    ) -> Record {
        let mut files = self.files.clone();
        for (cand, origin) in pending {
            let old = match origin {
                Origin::Changed(old) | Origin::Renamed(old) => Some(old),
                Origin::Added => None,
            };
            let kept = self.kept_keys.get(&cand.file.rel);
            if let Some(entry) = FileRecord::pending(old, kept) {
                files.insert(cand.file.rel, entry);
            }
        }
        Record {
            files,
            manifest,
            successors: self.successors.clone(),
            dirs: BTreeMap::new(),
            checked_ns,
            skips: self.report.skips.len() as u32,
        }
    }

    /// The vectors of the passages of a batch of analysed files, in order
    /// (none without an encoder): a passage whose text the file's previous
    /// version had keeps its vector; the others are encoded together.
    pub(super) fn vectors<W>(
        &mut self,
        loaded: &[(Candidate, Origin, Result<crate::ingest::Loaded>, W)],
    ) -> Result<Vec<Vec<Option<Quantised>>>> {
        if self.encoder.is_none() {
            return Ok(vec![Vec::new(); loaded.len()]);
        }
        let mut docs: Vec<&[Passage]> = Vec::with_capacity(loaded.len());
        let mut out = Vec::with_capacity(loaded.len());
        for (cand, origin, result, _) in loaded {
            let Ok(file) = result else {
                docs.push(&[]);
                out.push(Vec::new());
                continue;
            };
            let old_key = match origin {
                Origin::Changed(old) | Origin::Renamed(old) => Some(old.doc.as_str()),
                Origin::Added => self.kept_keys.get(&cand.file.rel).map(String::as_str),
            };
            docs.push(&file.doc.passages);
            out.push(self.kept_vectors(old_key, &file.doc.passages)?);
        }
        self.encode_missing(&docs, &mut out);
        Ok(out)
    }

    /// The vectors of a renamed document's passages: its own where it had
    /// them, the others encoded.
    fn moved_vectors(
        &mut self,
        old_doc: &str,
        passages: &[Passage],
    ) -> Result<Vec<Option<Quantised>>> {
        if self.encoder.is_none() {
            return Ok(Vec::new());
        }
        let mut out = vec![self.kept_vectors(Some(old_doc), passages)?];
        self.encode_missing(&[passages], &mut out);
        Ok(out.pop().expect("one document"))
    }

    /// The vectors the document `old_key` had for passages with the same
    /// text as these (when the index's vectors are the encoder's).
    fn kept_vectors(
        &self,
        old_key: Option<&str>,
        passages: &[Passage],
    ) -> Result<Vec<Option<Quantised>>> {
        let old = match old_key.filter(|k| self.reuse_vectors && !k.is_empty()) {
            Some(key) => self.index.document_vectors(key)?,
            None => Default::default(),
        };
        Ok(passages
            .iter()
            .map(|p| old.get(p.id.hash()).cloned())
            .collect())
    }

    /// Encodes, together, the passages of `docs` that have no vector in
    /// `vectors` yet; those whose text was encoded lately, in this batch or
    /// an earlier one, get a copy of its vector.
    fn encode_missing(&mut self, docs: &[&[Passage]], vectors: &mut [Vec<Option<Quantised>>]) {
        let Some(encoder) = self.encoder else { return };
        // Each text to encode, with its key and the places it goes.
        // (document, passage) places.
        type Places = Vec<(usize, usize)>;
        let mut todo: Vec<(recent::Key, &str, Places)> = Vec::new();
        let mut queued: FxHashMap<recent::Key, usize> = FxHashMap::default();
        for (i, (passages, vectors)) in docs.iter().zip(vectors.iter_mut()).enumerate() {
            for (j, (passage, vector)) in passages.iter().zip(vectors).enumerate() {
                if vector.is_some() {
                    continue;
                }
                let key = recent::key(&passage.text);
                if let Some(&k) = queued.get(&key) {
                    todo[k].2.push((i, j));
                } else if let Some(known) = self.recent.get(&key) {
                    *vector = Some(known);
                    self.report.copied += 1;
                } else {
                    queued.insert(key, todo.len());
                    todo.push((key, &passage.text, vec![(i, j)]));
                }
            }
        }
        let texts: Vec<&str> = todo.iter().map(|(_, text, _)| *text).collect();
        let encoded = encoder.encode_batch(&texts);
        self.report.embedded += todo.len() as u64;
        for ((key, _, places), vector) in todo.into_iter().zip(encoded) {
            let vector = Quantised::new(&vector);
            self.report.copied += places.len() as u64 - 1;
            for (i, j) in places {
                vectors[i][j] = Some(vector.clone());
            }
            self.recent.insert(key, vector);
        }
    }

    /// Deletes a document's passages.
    pub(super) fn delete(&mut self, doc: &str) {
        let field = self.index.fields().doc;
        self.writer.delete_term(Term::from_field_text(field, doc));
    }

    /// Re-adds a renamed file's stored passages under its new path (and
    /// key, when the key followed the path). Gives the old record back
    /// when the index has nothing of it, for the file to be analysed.
    pub(super) fn keep_moved(
        &mut self,
        old_rel: &str,
        old: FileRecord,
        cand: &Candidate,
    ) -> Result<std::result::Result<(), FileRecord>> {
        let stored = self.index.document_passages(&old.doc)?;
        self.delete(&old.doc);
        let Some((_, old_meta)) = stored.first().cloned() else {
            return Ok(Err(old));
        };
        let doc = unique_key(
            rename_key(&old_meta.doc, old_rel, &cand.file.rel),
            &mut self.keys,
        );
        let mut meta = old_meta;
        meta.path = cand.file.rel.clone();
        meta.doc = doc.clone();
        let passages = lineage::rekey(&mut self.successors, stored, &doc);
        let vectors = self.moved_vectors(&old.doc, &passages)?;
        let fields = self.index.fields();
        for (i, passage) in passages.iter().enumerate() {
            let vector = vectors.get(i).and_then(Option::as_ref);
            self.writer
                .add_document(encode(fields, &meta, passage, vector))?;
        }
        let hash = cand.hash.clone().unwrap_or(old.hash);
        self.files.insert(
            cand.file.rel.clone(),
            file_record(cand, hash, doc, passages.len()),
        );
        self.report.renamed += 1;
        Ok(Ok(()))
    }

    /// Adds an analysed document, replacing what the index had of it.
    pub(super) fn add(
        &mut self,
        cand: &Candidate,
        origin: Origin,
        mut doc: Document,
        hash: String,
        vectors: Vec<Option<Quantised>>,
    ) -> Result<()> {
        // The key a rebuild that was interrupted keeps for this file.
        let pending_key = match &origin {
            Origin::Changed(old) if old.hash == PENDING => Some(old.doc.clone()),
            _ => None,
        };
        match &origin {
            Origin::Changed(old) | Origin::Renamed(old) => {
                if matches!(origin, Origin::Changed(_)) {
                    self.keys.remove(&old.doc);
                    self.report.changed += 1;
                } else {
                    self.report.renamed += 1;
                }
                if !old.doc.is_empty() {
                    let before = self.index.document_passages(&old.doc)?;
                    succeed(&mut self.successors, before, &doc);
                    self.delete(&old.doc);
                }
            }
            Origin::Added => self.report.added += 1,
        }
        let key = match (self.kept_keys.get(&cand.file.rel), pending_key) {
            (Some(kept), _) if is_variant(kept, &doc.meta.doc) => kept.clone(),
            (None, Some(kept))
                if is_variant(&kept, &doc.meta.doc) && self.keys.insert(kept.clone()) =>
            {
                kept
            }
            _ => unique_key(doc.meta.doc.clone(), &mut self.keys),
        };
        if key != doc.meta.doc {
            self.report.warnings.push(Warning::file(
                &cand.file.abs,
                format!(
                    "document key '{}' is taken by another file; using '{key}'",
                    doc.meta.doc
                ),
            ));
            doc.rekey(&key);
        }
        let fields = self.index.fields();
        for (i, passage) in doc.passages.iter().enumerate() {
            let vector = vectors.get(i).and_then(Option::as_ref);
            self.writer
                .add_document(encode(fields, &doc.meta, passage, vector))?;
        }
        self.report.analysed_passages += doc.passages.len() as u64;
        self.report.analysed_files += 1;
        self.files.insert(
            cand.file.rel.clone(),
            file_record(cand, hash, key, doc.passages.len()),
        );
        Ok(())
    }

    /// A file that could not be read: what the index had of it is kept,
    /// and the failure remembered, so that the file is tried again only
    /// once it changes.
    pub(super) fn keep_failed(&mut self, cand: &Candidate, origin: Origin, e: &Error) {
        self.report.failed += 1;
        let warning = match e {
            // Said once for all the files it concerns.
            Error::MissingTool { .. } => {
                let message = format!("{e}: its files are skipped");
                let said = self.report.warnings.iter().any(|w| w.message == message);
                (!said).then(|| Warning::general(message).as_error())
            }
            // Content that is not text: skipped, as grep skips binary files.
            e if e.is_textless() => Some(Warning::general(format!("{e}; skipped"))),
            _ => Some(Warning::general(format!("{e}; skipped")).as_error()),
        };
        self.report.warnings.extend(warning);
        let mut kept = match origin {
            Origin::Changed(old) => old,
            Origin::Added | Origin::Renamed(_) => FileRecord::default(),
        };
        kept.size = cand.file.size;
        kept.mtime_ns = cand.file.mtime_ns;
        kept.meta_hash = cand.meta_hash.clone();
        kept.error = Some(e.to_string());
        kept.hash = if matches!(e, Error::MissingTool { .. }) {
            // Tried again once the tool is there.
            MISSING_TOOL.to_owned()
        } else {
            // The content that failed, so that a doubtful time is settled
            // by comparing it, not by trying again.
            cand.hash
                .clone()
                .or_else(|| hash_file(&cand.file.abs).ok())
                .unwrap_or_default()
        };
        if !kept.doc.is_empty() {
            self.keys.insert(kept.doc.clone());
        }
        self.files.insert(cand.file.rel.clone(), kept);
    }
}

/// The recorded hash of a file skipped for want of a tool.
pub(crate) const MISSING_TOOL: &str = "missing-tool";

/// Whether `key` is `natural` or `natural-N`, the key it was made unique as.
fn is_variant(key: &str, natural: &str) -> bool {
    key == natural
        || key
            .strip_prefix(natural)
            .and_then(|rest| rest.strip_prefix('-'))
            .is_some_and(|n| n.parse::<u32>().is_ok())
}

fn file_record(cand: &Candidate, hash: String, doc: String, passages: usize) -> FileRecord {
    FileRecord {
        size: cand.file.size,
        mtime_ns: cand.file.mtime_ns,
        hash,
        meta_hash: cand.meta_hash.clone(),
        doc,
        passages: passages as u32,
        error: None,
    }
}
