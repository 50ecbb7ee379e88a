//! Bringing the index in step with the corpus: only new and changed files
//! are analysed, removed files' passages are deleted by term, renamed files
//! keep their analysed passages; everything lands in one commit whose
//! payload records the new state.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use tantivy::directory::error::LockError;
use tantivy::{IndexWriter, TantivyDocument, TantivyError, Term};

use super::plan::{plan, Candidate, Plan};
use super::state::{FileState, IndexState};
use super::{Opened, SearchIndex};
use crate::corpus::SourceMeta;
use crate::document::{self, Document, Passage};
use crate::error::{Error, Result, Warning};
use crate::lang::LangDetector;

/// Memory the writer may use per indexing thread.
const WRITER_MEMORY_PER_THREAD: usize = 64 * 1024 * 1024;

/// How an update runs.
#[derive(Clone, Debug)]
pub struct UpdateOptions {
    /// Rebuild everything, whatever the record says.
    pub full: bool,
    /// How long to wait for another process's update to finish; `None`
    /// fails at once.
    pub wait: Option<Duration>,
    /// Indexing threads (0: one per core).
    pub threads: usize,
}

impl Default for UpdateOptions {
    fn default() -> Self {
        UpdateOptions {
            full: false,
            wait: Some(Duration::from_secs(60)),
            threads: 0,
        }
    }
}

/// What an update did.
#[derive(Clone, Debug, Default)]
pub struct UpdateReport {
    /// Files indexed for the first time.
    pub added: usize,
    /// Files re-indexed.
    pub changed: usize,
    /// Files moved, their passages kept.
    pub renamed: usize,
    /// Files whose passages were removed.
    pub removed: usize,
    /// Files left as they were.
    pub unchanged: usize,
    /// Files that could not be read (reported in `warnings`).
    pub failed: usize,
    /// Documents in the index afterwards.
    pub documents: usize,
    /// Passages in the index afterwards.
    pub passages: u64,
    /// Passages analysed by this run.
    pub analysed_passages: u64,
    /// Files analysed by this run (renamed files are not: their passages
    /// are kept).
    pub analysed_files: usize,
    /// Why the whole index was rebuilt, if it was.
    pub rebuilt: Option<String>,
    /// Whether a commit was written.
    pub committed: bool,
    /// Wall time.
    pub elapsed: Duration,
    /// Files skipped, fields ignored.
    pub warnings: Vec<Warning>,
}

impl UpdateReport {
    /// Whether anything in the index changed.
    pub fn changed_anything(&self) -> bool {
        self.added + self.changed + self.renamed + self.removed > 0 || self.rebuilt.is_some()
    }

    /// `3 added, 1 changed, 1 removed, 120 unchanged (0.04 s)`.
    pub fn summary(&self) -> String {
        let mut line = super::plan::counts(
            self.added,
            self.changed,
            self.renamed,
            self.removed,
            self.unchanged,
        );
        if self.failed > 0 {
            line.push_str(&format!(", {} skipped", self.failed));
        }
        format!("{line} ({:.2} s)", self.elapsed.as_secs_f64())
    }
}

/// Progress of the analysis of files, for a progress bar.
pub trait Progress: Sync {
    /// `total` files are about to be analysed.
    fn begin(&self, _total: u64) {}
    /// One more file done.
    fn advance(&self) {}
    /// All done.
    fn end(&self) {}
}

/// No progress display.
pub struct NoProgress;
impl Progress for NoProgress {}

/// Opens (or creates) the index in `dir` and brings it in step with
/// `corpus`.
pub fn update(
    corpus: &Path,
    dir: &Path,
    options: &UpdateOptions,
    progress: &dyn Progress,
) -> Result<(SearchIndex, UpdateReport)> {
    let started = Instant::now();
    let mut report = UpdateReport::default();
    if !corpus.is_dir() {
        return Err(Error::CorpusMissing(corpus.to_path_buf()));
    }
    // One update at a time: the others wait here (or give up).
    let _lock = IndexLock::acquire(dir, options.wait)?;
    let mut index = match SearchIndex::open(dir) {
        Ok(Opened::Ready(index)) => *index,
        Ok(Opened::Missing) => {
            report.rebuilt = Some("no index yet".into());
            SearchIndex::create(dir)?
        }
        Ok(Opened::Incompatible(reason)) => {
            report.rebuilt = Some(reason);
            SearchIndex::create(dir)?
        }
        Err(Error::BadIndex { .. }) if options.full && dir.join(super::META_FILE).exists() => {
            report.rebuilt = Some("the old index could not be read".into());
            SearchIndex::create(dir)?
        }
        Err(e) => return Err(e),
    };
    let recorded = index.state().filter(|s| s.is_compatible()).cloned();
    let full = options.full || recorded.is_none();
    if full && report.rebuilt.is_none() {
        report.rebuilt = Some("full rebuild requested".into());
    }
    let base = if full {
        IndexState {
            // Retired ids stay resolvable across rebuilds.
            retired: recorded
                .as_ref()
                .map(|r| r.retired.clone())
                .unwrap_or_default(),
            ..IndexState::default()
        }
    } else {
        recorded.clone().unwrap_or_default()
    };
    let plan = plan(corpus, &base, &mut report.warnings)?;
    if !full && plan.is_empty() && !plan.touched(&base) {
        // Nothing to write: no writer, no commit.
        report.unchanged = plan.unchanged.len();
        report.documents = base.documents();
        report.passages = base.passages();
        report.elapsed = started.elapsed();
        return Ok((index, report));
    }
    let work = plan.added.len() + plan.changed.len() + plan.renamed.len();
    let mut writer = acquire_writer(&index, options, full || work > SMALL_UPDATE)?;
    if full {
        writer.delete_all_documents()?;
    }
    let state = apply(&index, &mut writer, plan, &base, progress, &mut report)?;
    report.documents = state.documents();
    report.passages = state.passages();
    let needs_commit = full || report.changed_anything() || recorded.as_ref() != Some(&state);
    if needs_commit {
        let mut commit = writer.prepare_commit()?;
        commit.set_payload(&state.to_payload());
        commit.commit()?;
        report.committed = true;
    }
    writer.wait_merging_threads()?;
    index.committed(state)?;
    report.elapsed = started.elapsed();
    Ok((index, report))
}

/// An exclusive lock on the index directory, held for a whole update.
struct IndexLock {
    _file: std::fs::File,
}

impl IndexLock {
    /// Creates the index directory if needed and locks it, waiting up to
    /// `wait` for another process to finish.
    fn acquire(dir: &Path, wait: Option<Duration>) -> Result<IndexLock> {
        if dir.is_dir() {
            super::check_not_foreign(dir)?;
        } else {
            std::fs::create_dir_all(dir).map_err(|e| Error::BadIndex {
                path: dir.to_path_buf(),
                message: format!("cannot create the index directory: {e}"),
            })?;
        }
        let path = dir.join(super::LOCK_FILE);
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| Error::BadIndex {
                path: dir.to_path_buf(),
                message: format!("cannot write in the index directory: {e}"),
            })?;
        let deadline = wait.map(|w| Instant::now() + w);
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(IndexLock { _file: file }),
                Err(std::fs::TryLockError::WouldBlock) => {
                    if deadline.is_none_or(|d| Instant::now() >= d) {
                        return Err(Error::IndexBusy(dir.to_path_buf()));
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(Error::io(path, e)),
            }
        }
    }
}

/// Up to this many files to analyse, one indexing thread with a small
/// memory budget does: starting more costs more than they save.
const SMALL_UPDATE: usize = 16;

/// The smallest memory budget tantivy accepts per indexing thread.
const WRITER_MEMORY_MIN: usize = 15_000_000;

fn acquire_writer(
    index: &SearchIndex,
    options: &UpdateOptions,
    large: bool,
) -> Result<IndexWriter> {
    let threads = match options.threads {
        _ if !large => 1,
        0 => std::thread::available_parallelism().map_or(2, |n| n.get().min(8)),
        n => n,
    };
    let memory = if large {
        threads * WRITER_MEMORY_PER_THREAD
    } else {
        WRITER_MEMORY_MIN
    };
    let deadline = options.wait.map(|w| Instant::now() + w);
    loop {
        match index.index().writer_with_num_threads(threads, memory) {
            Ok(writer) => return Ok(writer),
            Err(TantivyError::LockFailure(LockError::LockBusy, _)) => {
                if deadline.is_none_or(|d| Instant::now() >= d) {
                    return Err(Error::IndexBusy(index.dir().to_path_buf()));
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// Analyses what the plan says, writes the deletions and additions, and
/// returns the new record.
fn apply(
    index: &SearchIndex,
    writer: &mut IndexWriter,
    plan: Plan,
    base: &IndexState,
    progress: &dyn Progress,
    report: &mut UpdateReport,
) -> Result<IndexState> {
    report.removed += plan.removed_documents();
    let Plan {
        added,
        changed,
        removed,
        renamed,
        unchanged,
        manifest,
    } = plan;
    let fields = *index.fields();
    let mut files: BTreeMap<String, FileState> = unchanged;
    let mut retired = base.retired.clone();
    let mut keys: HashSet<String> = files.values().map(|f| f.key.clone()).collect();
    report.unchanged = files.len();

    // Changed files come first, so that they keep their keys before new
    // files are given theirs.
    let mut to_analyse: Vec<(Candidate, Origin)> = changed
        .into_iter()
        .map(|c| {
            let old = base.files.get(&c.file.rel).cloned();
            (c, old.map_or(Origin::Added, Origin::Changed))
        })
        .collect();
    // Their keys are reserved for them.
    for (_, origin) in &to_analyse {
        if let Origin::Changed(old) = origin {
            keys.insert(old.key.clone());
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
        writer.delete_term(Term::from_field_text(fields.doc, &old.key));
    }

    for (old_rel, old, cand) in moved {
        let stored = index.document_passages(&old.key)?;
        writer.delete_term(Term::from_field_text(fields.doc, &old.key));
        let Some((_, old_meta)) = stored.first().cloned() else {
            to_analyse.push((cand, Origin::Renamed(old)));
            continue;
        };
        let key = unique_key(rename_key(&old_meta, &old_rel, &cand.file.rel), &mut keys);
        let mut meta = old_meta;
        meta.path = cand.file.rel.clone();
        meta.key = key.clone();
        let passages: Vec<Passage> = stored
            .into_iter()
            .map(|(mut p, _)| {
                let hash = p.id.rsplit_once(':').map_or("", |(_, h)| h).to_owned();
                let id = format!("{key}:{hash}");
                if id != p.id {
                    // The key followed the path: old ids lead to the new ones.
                    retired.insert(std::mem::replace(&mut p.id, id.clone()), id);
                }
                p
            })
            .collect();
        for passage in &passages {
            writer.add_document(to_tantivy(&fields, &meta, passage))?;
        }
        files.insert(
            cand.file.rel.clone(),
            FileState {
                size: cand.file.size,
                mtime_ns: cand.file.mtime_ns,
                hash: cand.hash.clone().unwrap_or(old.hash),
                meta_hash: cand.meta_hash,
                key,
                passages: passages.len() as u32,
                error: None,
            },
        );
        report.renamed += 1;
    }

    // New and changed files: analysed in parallel.
    progress.begin(to_analyse.len() as u64);
    let detector = LangDetector::default();
    let loaded: Vec<_> = to_analyse
        .into_par_iter()
        .map(|(cand, origin)| {
            let mut warnings = Vec::new();
            let result = document::load(&cand.file, &manifest, &detector, &mut warnings);
            progress.advance();
            (cand, origin, result, warnings)
        })
        .collect();
    progress.end();

    for (cand, origin, result, warnings) in loaded {
        let old = match &origin {
            Origin::Changed(old) => Some(old.clone()),
            Origin::Added | Origin::Renamed(_) => None,
        };
        report.warnings.extend(warnings);
        let (mut doc, hash) = match result {
            Ok(ok) => ok,
            Err(e) => {
                report.failed += 1;
                report
                    .warnings
                    .push(Warning::general(format!("{e}; skipped")));
                // Keep what the index had of it, and remember the failure so
                // that the file is tried again only once it changes.
                let mut kept = old.unwrap_or_default();
                kept.size = cand.file.size;
                kept.mtime_ns = cand.file.mtime_ns;
                kept.meta_hash = cand.meta_hash;
                kept.error = Some(e.to_string());
                if !kept.key.is_empty() {
                    keys.insert(kept.key.clone());
                }
                files.insert(cand.file.rel.clone(), kept);
                continue;
            }
        };
        match &origin {
            Origin::Changed(old) => {
                keys.remove(&old.key);
                if !old.key.is_empty() {
                    let before = index.document_passages(&old.key)?;
                    retire(&mut retired, before, &doc);
                    writer.delete_term(Term::from_field_text(fields.doc, &old.key));
                }
                report.changed += 1;
            }
            Origin::Renamed(old) => {
                if !old.key.is_empty() {
                    let before = index.document_passages(&old.key)?;
                    retire(&mut retired, before, &doc);
                    writer.delete_term(Term::from_field_text(fields.doc, &old.key));
                }
                report.renamed += 1;
            }
            Origin::Added => report.added += 1,
        }
        let key = unique_key(doc.meta.key.clone(), &mut keys);
        if key != doc.meta.key {
            report.warnings.push(Warning::file(
                &cand.file.abs,
                format!(
                    "document key '{}' is taken by another file; using '{key}'",
                    doc.meta.key
                ),
            ));
            rekey(&mut doc, &key);
        }
        for passage in &doc.passages {
            writer.add_document(to_tantivy(&fields, &doc.meta, passage))?;
        }
        report.analysed_passages += doc.passages.len() as u64;
        report.analysed_files += 1;
        files.insert(
            cand.file.rel.clone(),
            FileState {
                size: cand.file.size,
                mtime_ns: cand.file.mtime_ns,
                hash,
                meta_hash: cand.meta_hash,
                key,
                passages: doc.passages.len() as u32,
                error: None,
            },
        );
    }
    if retired.len() > MAX_RETIRED {
        let excess = retired.len() - MAX_RETIRED;
        let drop: Vec<String> = retired.keys().take(excess).cloned().collect();
        for id in drop {
            retired.remove(&id);
        }
    }
    Ok(IndexState {
        files,
        manifest: manifest.hash,
        retired,
        ..IndexState::default()
    })
}

/// Why a file is analysed.
enum Origin {
    /// It is new.
    Added,
    /// Its content or metadata changed; this was its record.
    Changed(FileState),
    /// It moved and its metadata changed; this was its record.
    Renamed(FileState),
}

/// Most retired ids remembered.
const MAX_RETIRED: usize = 20_000;

/// Records, for each passage of the old version that the new version lacks,
/// the new passage sharing most words with it.
fn retire(
    retired: &mut BTreeMap<String, String>,
    before: Vec<(Passage, SourceMeta)>,
    doc: &Document,
) {
    let current: HashSet<&str> = doc.passages.iter().map(|p| p.id.as_str()).collect();
    for (old, _) in before {
        if current.contains(old.id.as_str()) {
            continue;
        }
        if let Some(best) = crate::document::closest(&old.text, &doc.passages) {
            retired.insert(old.id, best.id.clone());
        }
    }
}

/// The key a renamed document takes: a key derived from the old path
/// follows the new path; a key from the manifest stays.
fn rename_key(meta: &SourceMeta, old_rel: &str, new_rel: &str) -> String {
    if meta.key == crate::corpus::default_key(old_rel) {
        crate::corpus::default_key(new_rel)
    } else {
        meta.key.clone()
    }
}

fn unique_key(key: String, taken: &mut HashSet<String>) -> String {
    let mut candidate = key.clone();
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = format!("{key}-{n}");
        n += 1;
    }
    taken.insert(candidate.clone());
    candidate
}

fn rekey(doc: &mut Document, key: &str) {
    doc.meta.key = key.to_owned();
    for p in &mut doc.passages {
        let hash = p.id.rsplit_once(':').map_or("", |(_, h)| h).to_owned();
        p.id = format!("{key}:{hash}");
    }
}

fn to_tantivy(fields: &super::Fields, meta: &SourceMeta, p: &Passage) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(fields.id, &p.id);
    doc.add_text(fields.doc, &meta.key);
    doc.add_text(fields.path, &meta.path);
    doc.add_u64(fields.ordinal, u64::from(p.ordinal));
    doc.add_text(fields.kind, &p.kind);
    if let Some(section) = &p.section {
        doc.add_text(fields.section, section);
    }
    doc.add_text(fields.text, &p.text);
    doc.add_text(fields.text_for(p.lang), &p.text);
    doc.add_u64(fields.line_start, u64::from(p.line_start));
    doc.add_u64(fields.line_end, u64::from(p.line_end));
    doc.add_text(fields.line_map, p.spans_to_string());
    doc.add_text(fields.lang, p.lang.code());
    doc.add_text(
        fields.meta,
        serde_json::to_string(meta).expect("metadata serialises"),
    );
    if let Some(publisher) = &meta.publisher {
        doc.add_text(fields.source, publisher);
    }
    if let Some(date) = meta.date {
        doc.add_u64(fields.date_lo, date.first_day());
        doc.add_u64(fields.date_hi, date.last_day());
    }
    doc
}
