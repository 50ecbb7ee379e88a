//! Bringing the index in step with the corpus: only new and changed files
//! are analysed, removed files' passages are deleted by term, renamed files
//! keep their analysed passages; it lands in a commit whose payload names
//! the new record file (a long update commits on the way, every
//! `checkpoint_bytes` of sources, with a partial record).

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tantivy::IndexWriter;

use super::apply::{apply, Target};
use super::lock::{self, IndexLock};
use super::patch::{patch, Patched, Writing, MOST_EDITS};
use super::plan::plan;
use super::quick::Found;
use super::record::Record;
use super::store::{self, Payload, RecordView};
use super::{Opened, SearchIndex};
use crate::error::{Error, Result, Warning};
use crate::semantic::Model;

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
    /// Sources analysed between two commits of a long update, so that an
    /// interrupted one resumes from its last commit (environment:
    /// `NREL_CHECKPOINT_BYTES`; 64 MiB).
    pub checkpoint_bytes: u64,
    /// The sentence encoder that gives new passages their vectors. An
    /// index whose passages have vectors of another model, or none, gets
    /// them only on a full build or with `add_vectors`; otherwise new
    /// passages go without, and the index is left without vectors.
    pub model: Option<Arc<Model>>,
    /// Rebuild an index without vectors (or with another model's) to give
    /// every passage one.
    pub add_vectors: bool,
}

impl Default for UpdateOptions {
    fn default() -> Self {
        UpdateOptions {
            full: false,
            wait: Some(Duration::from_secs(60)),
            threads: 0,
            checkpoint_bytes: std::env::var("NREL_CHECKPOINT_BYTES")
                .ok()
                .and_then(|v| v.parse().ok())
                .filter(|&n| n > 0)
                .unwrap_or(64 * 1024 * 1024),
            model: None,
            add_vectors: false,
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
    /// PDFs whose text was extracted by this run (not found in the cache).
    pub extracted: usize,
    /// Why the whole index was rebuilt, if it was.
    pub rebuilt: Option<String>,
    /// Passages encoded into vectors by this run.
    pub embedded: u64,
    /// Passages given a copy of the vector of an identical passage encoded
    /// by this run, instead of being encoded again.
    pub copied: u64,
    /// The sentence encoder whose vectors every passage now has.
    pub vectors: Option<String>,
    /// Whether a commit was written.
    pub committed: bool,
    /// Wall time.
    pub elapsed: Duration,
    /// Files skipped, fields ignored.
    pub warnings: Vec<Warning>,
    /// Parts of the corpus the walk could not read (a broken link, a loop,
    /// no permission).
    pub skips: Vec<Warning>,
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
    /// Something to say once the update has really started (before
    /// [`Progress::begin`]).
    fn announce(&self, _message: &str) {}
    /// `files` files of `bytes` bytes in all are about to be analysed.
    fn begin(&self, _files: u64, _bytes: u64) {}
    /// One more file, of `bytes` bytes, done.
    fn advance(&self, _bytes: u64) {}
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
    update_after(corpus, dir, options, progress, None)
}

/// [`update`], after a check that `found` files in doubt: when the index's
/// record is still the one it checked, the update takes its word instead
/// of checking again.
pub(super) fn update_after(
    corpus: &Path,
    dir: &Path,
    options: &UpdateOptions,
    progress: &dyn Progress,
    found: Option<Found>,
) -> Result<(SearchIndex, UpdateReport)> {
    let started = Instant::now();
    let mut report = UpdateReport::default();
    crate::corpus::check_corpus(corpus)?;
    // No index (not even its directory) is made of a corpus with nothing
    // to index.
    if !dir.join(super::META_FILE).exists() && !crate::corpus::has_source(corpus) {
        return Err(Error::CorpusEmpty(corpus.to_path_buf()));
    }
    // One update at a time: the others wait here (or give up).
    let _lock = IndexLock::acquire(dir, options.wait)?;
    // What an index that is rebuilt knew of keys and successors.
    let mut salvaged = None;
    let mut index = match SearchIndex::open(dir) {
        Ok(Opened::Ready(index)) => *index,
        Ok(Opened::Missing) => {
            report.rebuilt = Some("no index yet".into());
            SearchIndex::create(dir)?
        }
        Ok(Opened::Incompatible(reason)) => {
            report.rebuilt = Some(reason);
            salvaged = super::salvage::record(dir);
            SearchIndex::create(dir)?
        }
        Err(Error::BadIndex { .. }) if options.full && dir.join(super::META_FILE).exists() => {
            report.rebuilt = Some("the old index could not be read".into());
            salvaged = super::salvage::record(dir);
            SearchIndex::create(dir)?
        }
        Err(e) => return Err(e),
    };
    if let Some(old) = &salvaged {
        // What was salvaged is committed at once, as a rebuild interrupted
        // before its start: if this one is interrupted too, the next keeps
        // the keys and successors all the same.
        let pending = super::salvage::pending(old);
        let mut writer = lock::writer(&index, 1, WRITER_MEMORY_MIN, options.wait)?;
        let name = commit(&mut writer, dir, &store::encode(&pending), None)?;
        drop(writer);
        index.committed(RecordView::open(&dir.join(name))?, None)?;
    }
    // Vectors: kept up by the model that made them; a model whose vectors
    // the index does not have adds them by a full build, when asked to.
    let previous_model = index.vectors_model().map(str::to_owned);
    let model_id = options.model.as_ref().map(|m| m.id());
    let same_model = model_id.is_some() && model_id == previous_model;
    let add_vectors = options.add_vectors && model_id.is_some() && !same_model;
    if !options.full && !add_vectors && report.rebuilt.is_none() {
        let models = (same_model, previous_model.clone());
        if without_walk(corpus, dir, &mut index, found, options, models, &mut report)? {
            report.elapsed = started.elapsed();
            return Ok((index, report));
        }
    }
    let mut recorded = match index.record().map(RecordView::to_record).transpose() {
        Ok(recorded) => recorded,
        // A damaged record: what `--full` is for.
        Err(Error::BadIndex { .. }) if options.full => None,
        Err(e) => return Err(e),
    };
    let full = options.full || recorded.is_none() || salvaged.is_some() || add_vectors;
    if add_vectors && report.rebuilt.is_none() {
        report.rebuilt = Some("adding passage vectors".into());
    }
    let embedding = options.model.as_deref().filter(|_| full || same_model);
    let vectors_model = embedding.map(Model::id);
    let encoder = embedding.map(Model::encoder).transpose()?;
    if full && report.rebuilt.is_none() {
        report.rebuilt = Some("full rebuild requested".into());
    }
    // The record a rebuild replaces: its own, or what could be read of an
    // index another version built.
    let replaced = if full {
        recorded.clone().or(salvaged.clone())
    } else {
        None
    };
    let base = if full {
        Record {
            // Old ids stay resolvable across rebuilds.
            successors: replaced
                .as_ref()
                .map(|r| r.successors.clone())
                .unwrap_or_default(),
            ..Record::default()
        }
    } else {
        // Not a rebuild: there is a record (no copy of its 20,000 entries).
        recorded.take().unwrap_or_default()
    };
    let mut plan = plan(corpus, &base, &mut report.warnings)?;
    report.failed = plan.skips.len();
    report.skips = std::mem::take(&mut plan.skips);
    if !full && plan.is_empty() && !plan.touched(&base) {
        // Nothing to write: no writer, no commit.
        report.unchanged = plan.unchanged_documents();
        report.documents = base.documents();
        report.passages = base.passages();
        report.vectors = previous_model;
        report.elapsed = started.elapsed();
        return Ok((index, report));
    }
    let work = plan.added.len() + plan.changed.len() + plan.renamed.len();
    let large = full || work > SMALL_UPDATE;
    let mut writer = ready_writer(&index, options, large)?;
    if full {
        writer.delete_all_documents()?;
    }
    let target = Target {
        index: &index,
        writer: &mut writer,
        checkpoint_bytes: options.checkpoint_bytes,
        encoder: encoder.as_ref(),
        model_id: vectors_model.as_deref(),
        reuse_vectors: same_model,
    };
    // Files keep the keys `replaced` gave them, so that a rebuild keeps
    // every id.
    let record = apply(
        target,
        plan,
        &base,
        replaced.as_ref(),
        progress,
        &mut report,
    )?;
    report.documents = record.documents();
    report.passages = record.passages();
    // Short of a rebuild, `base` is the record of the last commit.
    let needs_commit = full || report.changed_anything() || base != record;
    let view = if needs_commit {
        let bytes = store::encode(&record);
        let name = commit(&mut writer, dir, &bytes, vectors_model.as_deref())?;
        report.committed = true;
        RecordView::open(&dir.join(name))?
    } else {
        // The record as committed, whose file names it.
        match index.record.take() {
            Some(view) => view,
            None => RecordView::from_record(&record),
        }
    };
    writer.wait_merging_threads()?;
    let vectors_model = if needs_commit {
        vectors_model
    } else {
        previous_model
    };
    report.vectors = vectors_model.clone();
    index.committed(view, vectors_model)?;
    if needs_commit {
        super::signs::refresh(dir, &index.searcher());
    }
    if large {
        collect_replaced(dir);
    }
    report.elapsed = started.elapsed();
    Ok((index, report))
}

/// The update when the quick check can tell what changed, without a walk:
/// nothing, or only files edited in place (`patch.rs`). `found` is what a
/// check of the index's record already found, if one did; `models` whether
/// the index's vectors are the given model's, and whose they are. Whether
/// the update is done.
fn without_walk(
    corpus: &Path,
    dir: &Path,
    index: &mut SearchIndex,
    found: Option<Found>,
    options: &UpdateOptions,
    (same_model, previous_model): (bool, Option<String>),
    report: &mut UpdateReport,
) -> Result<bool> {
    let record = index.record();
    let found = match found {
        Some(found) if found.record.as_deref() == record.and_then(RecordView::name) => Some(found),
        _ => record.and_then(|view| super::quick::edits(corpus, view, MOST_EDITS)),
    };
    let patched = match found {
        None => return Ok(false),
        Some(found) if found.files.is_empty() => Patched::Unchanged,
        Some(Found {
            files, checked_ns, ..
        }) => {
            let embedding = options.model.as_deref().filter(|_| same_model);
            let encoder = embedding.map(Model::encoder).transpose()?;
            let model_id = embedding.map(Model::id);
            let open_writer = || ready_writer(index, options, false);
            let writing = Writing {
                open_writer: &open_writer,
                encoder: encoder.as_ref(),
                model_id: model_id.as_deref(),
                reuse_vectors: same_model,
            };
            let patched = patch(corpus, index, &files, checked_ns, writing, report)?;
            if let Patched::Committed(name) = &patched {
                report.committed = true;
                report.vectors.clone_from(&model_id);
                index.committed(RecordView::open(&dir.join(name))?, model_id)?;
                super::signs::refresh(dir, &index.searcher());
            }
            patched
        }
    };
    if matches!(patched, Patched::NotApplicable) {
        return Ok(false);
    }
    if let Some(view) = index.record() {
        report.documents = view.documents();
        report.passages = view.passages();
    }
    if !report.committed {
        report.unchanged = report.documents;
        report.vectors = previous_model;
    }
    Ok(true)
}

/// Removes the segments a rebuild or merges replaced, now rather than at
/// the next update. This process still tracks them, so another handle on
/// the index, which knows only the last commit, collects them. Best effort:
/// the commit has landed.
fn collect_replaced(dir: &Path) {
    let collected = tantivy::Index::open_in_dir(dir).and_then(|fresh| {
        let collector: IndexWriter = fresh.writer_with_num_threads(1, WRITER_MEMORY_MIN)?;
        collector.garbage_collect_files().wait()
    });
    drop(collected);
}

/// Commits what the writer holds with the record encoded in `record`, and
/// returns the name of the record file. The record file is written first,
/// durably: the commit names it. The record of the commit before stays
/// until the next commit (whose directory sync makes this commit's
/// `meta.json` durable first); older ones and those of commits that never
/// landed go. A reader that read a commit whose record went opens the
/// newer one instead.
pub(super) fn commit(
    writer: &mut IndexWriter,
    dir: &Path,
    record: &[u8],
    model: Option<&str>,
) -> Result<String> {
    let previous = writer
        .index()
        .load_metas()
        .ok()
        .and_then(|metas| Payload::parse(metas.payload.as_deref()))
        .and_then(|payload| payload.record);
    let name = store::write_encoded(dir, record)?;
    let mut commit = writer.prepare_commit()?;
    commit.set_payload(&Payload::new(name.clone(), model.map(str::to_owned)).to_json());
    commit.commit()?;
    // Best effort: the commit has landed; a file left over goes next time.
    let keep: Vec<&str> = std::iter::once(name.as_str())
        .chain(previous.as_deref())
        .collect();
    let _ = store::remove_others(dir, &keep);
    Ok(name)
}

/// Up to this many files to analyse, one indexing thread with a small
/// memory budget does: starting more costs more than they save.
const SMALL_UPDATE: usize = 16;

/// The smallest memory budget tantivy accepts per indexing thread.
const WRITER_MEMORY_MIN: usize = 15_000_000;

/// Removes what an interrupted update left in the index directory (the
/// lock is held: nothing else writes there): temporary files of atomic
/// writes, and deletes files numbered after the last commit, which no
/// reader can use.
fn remove_uncommitted_files(dir: &Path, committed: u64) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let uncommitted_deletes = name
            .strip_suffix(".del")
            .and_then(|stem| stem.rsplit_once('.'))
            .and_then(|(_, opstamp)| opstamp.parse::<u64>().ok())
            .is_some_and(|opstamp| opstamp > committed);
        if (name.starts_with(".tmp") || uncommitted_deletes) && entry.path().is_file() {
            match std::fs::remove_file(entry.path()) {
                // Renamed into place meanwhile (a search's cache file).
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                removed => removed.map_err(|e| Error::io(entry.path(), e))?,
            }
        }
    }
    Ok(())
}

/// The index writer of an update, with what an interrupted update left
/// behind cleared: tantivy writes a segment's deletes under the next
/// commit's number before that commit lands, and a retry of the same
/// update would find the file there.
fn ready_writer(index: &SearchIndex, options: &UpdateOptions, large: bool) -> Result<IndexWriter> {
    let writer = open_writer(index, options, large)?;
    let metas = index.index().load_metas()?;
    remove_uncommitted_files(index.dir(), metas.opstamp)?;
    writer.garbage_collect_files().wait()?;
    Ok(writer)
}

fn open_writer(index: &SearchIndex, options: &UpdateOptions, large: bool) -> Result<IndexWriter> {
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
    lock::writer(index, threads, memory, options.wait)
}
