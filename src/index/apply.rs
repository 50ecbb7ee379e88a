//! Applying a plan: the new and changed files analysed in parallel, their
//! passages written, removed files' passages deleted by term, renamed files'
//! passages carried over from the index, and the new record assembled.

use std::collections::{BTreeMap, HashSet};

use rayon::prelude::*;
use tantivy::{IndexWriter, Term};

use super::lineage::{self, succeed};
use super::plan::{hash_file, Candidate, Plan};
use super::record::{FileRecord, Record, PENDING};
use super::schema::encode;
use super::update::{Progress, UpdateReport};
use super::SearchIndex;
use crate::corpus::key::{rename_key, unique_key};
use crate::corpus::pdf;
use crate::error::{Error, Result, Warning};
use crate::ingest::{self, Document};
use crate::lang::LangDetector;
use crate::passage::PassageId;

/// Where an update writes: the index, its writer, and how many bytes of
/// sources go between two commits.
pub(super) struct Target<'a> {
    pub index: &'a SearchIndex,
    pub writer: &'a mut IndexWriter,
    pub checkpoint_bytes: u64,
}

/// Analyses what the plan says, writes the deletions and additions, and
/// returns the new record. `previous` is the record a full rebuild
/// replaces: its files keep their keys, so that rebuilding keeps every id.
pub(super) fn apply(
    target: Target<'_>,
    plan: Plan,
    base: &Record,
    previous: Option<&Record>,
    progress: &dyn Progress,
    report: &mut UpdateReport,
) -> Result<Record> {
    let Target {
        index,
        writer,
        checkpoint_bytes,
    } = target;
    report.removed += plan.removed_documents();
    report.unchanged = plan.unchanged_documents();
    let Plan {
        added,
        changed,
        removed,
        renamed,
        unchanged,
        manifest,
        dirs,
        checked_ns,
        ..
    } = plan;
    let kept_keys: BTreeMap<String, String> = previous
        .map(|p| {
            added
                .iter()
                .filter_map(|c| p.files.get(&c.file.rel).map(|f| (c.file.rel.clone(), f)))
                .filter(|(_, f)| !f.doc.is_empty())
                .map(|(rel, f)| (rel, f.doc.clone()))
                .collect()
        })
        .unwrap_or_default();
    let mut work = Apply {
        index,
        writer,
        keys: unchanged
            .values()
            .map(|f| f.doc.clone())
            .chain(kept_keys.values().cloned())
            .collect(),
        files: unchanged,
        successors: base.successors.clone(),
        kept_keys,
        report,
    };

    // Changed files come first, so that they keep their keys before new
    // files are given theirs; their keys are reserved for them.
    let mut to_analyse: Vec<(Candidate, Origin)> = changed
        .into_iter()
        .map(|c| {
            let old = base.files.get(&c.file.rel).cloned();
            (c, old.map_or(Origin::Added, Origin::Changed))
        })
        .collect();
    for (_, origin) in &to_analyse {
        if let Origin::Changed(old) = origin {
            work.keys.insert(old.doc.clone());
        }
    }
    // Renames: passages read back from the index, no analysis, unless the
    // manifest says something else of the new path.
    let mut moved = Vec::new();
    for (old_rel, old, cand) in renamed {
        if cand.meta_hash == old.meta_hash {
            moved.push((old_rel, old, cand));
        } else {
            to_analyse.push((cand, Origin::Renamed(old)));
        }
    }
    to_analyse.extend(added.into_iter().map(|c| (c, Origin::Added)));
    for (_, old) in &removed {
        work.delete(&old.doc);
    }
    for (old_rel, old, cand) in moved {
        if let Err(old) = work.keep_moved(&old_rel, old, &cand)? {
            to_analyse.push((cand, Origin::Renamed(old)));
        }
    }

    // New and changed files: analysed in parallel, a batch at a time, so
    // that memory stays bounded; a commit every `checkpoint_bytes` of
    // sources, so that an interrupted build resumes from there.
    let total: u64 = to_analyse.iter().map(|(c, _)| c.file.size).sum();
    progress.begin(to_analyse.len() as u64, total);
    let detector = LangDetector::default();
    let cache = pdf::cache_dir(index.dir());
    let mut pending = to_analyse.into_iter().peekable();
    let mut since_checkpoint = 0;
    while pending.peek().is_some() {
        let mut batch = Vec::new();
        let mut bytes = 0;
        let limit = checkpoint_bytes.min(BATCH_BYTES);
        while batch.len() < BATCH_FILES && bytes < limit {
            let Some(next) = pending.next() else { break };
            bytes += next.0.file.size;
            batch.push(next);
        }
        since_checkpoint += bytes;
        let loaded: Vec<_> = batch
            .into_par_iter()
            .map(|(cand, origin)| {
                let mut warnings = Vec::new();
                let result = ingest::load(
                    &cand.file,
                    &manifest,
                    &detector,
                    Some(&cache),
                    &mut warnings,
                );
                progress.advance(cand.file.size);
                (cand, origin, result, warnings)
            })
            .collect();
        for (cand, origin, result, warnings) in loaded {
            work.report.warnings.extend(warnings);
            match result {
                Ok(loaded) => {
                    work.report.extracted += usize::from(loaded.extracted);
                    work.add(&cand, origin, loaded.doc, loaded.hash)?
                }
                Err(e) => work.keep_failed(&cand, origin, &e),
            }
        }
        if since_checkpoint >= checkpoint_bytes && pending.peek().is_some() {
            since_checkpoint = 0;
            let mut files = work.files.clone();
            for (cand, origin) in pending.clone() {
                let old = match origin {
                    Origin::Changed(old) | Origin::Renamed(old) => Some(old),
                    Origin::Added => None,
                };
                let kept = work.kept_keys.get(&cand.file.rel);
                if let Some(entry) = FileRecord::pending(old, kept) {
                    files.insert(cand.file.rel, entry);
                }
            }
            let partial = Record {
                files,
                manifest: manifest.hash.clone(),
                successors: work.successors.clone(),
                // No directories: the quick check cannot vouch for a
                // record that lacks files still to analyse.
                dirs: BTreeMap::new(),
                checked_ns,
                skips: 0,
            };
            super::update::commit(&mut *work.writer, index.dir(), &partial)?;
        }
    }
    progress.end();
    let mut record = Record {
        files: work.files,
        manifest: manifest.hash,
        successors: work.successors,
        dirs,
        checked_ns,
        skips: 0,
    };
    lineage::bound(&mut record);
    Ok(record)
}

/// Files analysed at once: enough to keep the cores busy, few enough to
/// hold in memory with their passages.
const BATCH_FILES: usize = 256;
/// Sources analysed at once, at most (a batch ends with the file that
/// passes this).
const BATCH_BYTES: u64 = 16 * 1024 * 1024;

/// Why a file is analysed.
#[derive(Clone)]
enum Origin {
    /// It is new.
    Added,
    /// Its content or metadata changed; this was its record.
    Changed(FileRecord),
    /// It moved and its metadata changed; this was its record.
    Renamed(FileRecord),
}

/// An update being applied: the writer, and the new record as it grows.
struct Apply<'a> {
    index: &'a SearchIndex,
    writer: &'a mut IndexWriter,
    files: BTreeMap<String, FileRecord>,
    successors: BTreeMap<PassageId, PassageId>,
    /// Document keys taken.
    keys: HashSet<String>,
    /// Keys a rebuild gives back to their files (reserved in `keys`).
    kept_keys: BTreeMap<String, String>,
    report: &'a mut UpdateReport,
}

impl Apply<'_> {
    /// Deletes a document's passages.
    fn delete(&mut self, doc: &str) {
        let field = self.index.fields().doc;
        self.writer.delete_term(Term::from_field_text(field, doc));
    }

    /// Re-adds a renamed file's stored passages under its new path (and
    /// key, when the key followed the path). Gives the old record back
    /// when the index has nothing of it, for the file to be analysed.
    fn keep_moved(
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
        let fields = self.index.fields();
        for passage in &passages {
            self.writer.add_document(encode(fields, &meta, passage))?;
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
    fn add(
        &mut self,
        cand: &Candidate,
        origin: Origin,
        mut doc: Document,
        hash: String,
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
        for passage in &doc.passages {
            self.writer
                .add_document(encode(fields, &doc.meta, passage))?;
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
    fn keep_failed(&mut self, cand: &Candidate, origin: Origin, e: &Error) {
        self.report.failed += 1;
        let warning = match e {
            // Said once for all the files it concerns.
            Error::MissingTool { .. } => {
                let message = format!("{e}: its files are skipped");
                let said = self.report.warnings.iter().any(|w| w.message == message);
                (!said).then(|| Warning::general(message).as_error())
            }
            // Content that is not text: skipped, as grep skips binary files.
            Error::NotText(_) | Error::NoTextLayer(_) => {
                Some(Warning::general(format!("{e}; skipped")))
            }
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
pub(super) const MISSING_TOOL: &str = "missing-tool";

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
