//! Applying a plan: the new and changed files analysed in parallel, their
//! passages written, removed files' passages deleted by term, renamed files'
//! passages carried over from the index, and the new record assembled.

mod recent;
mod work;

use std::collections::BTreeMap;

use rayon::prelude::*;
use tantivy::IndexWriter;

use super::lineage;
use super::plan::{Candidate, Plan};
use super::record::{FileRecord, Record};
use super::update::{Progress, UpdateReport};
use super::SearchIndex;
use crate::corpus::{pdf, Manifest};
use crate::error::Result;
use crate::ingest;
use crate::lang::LangDetector;
use crate::passage::PassageId;
use crate::semantic::Encoder;

pub(crate) use work::MISSING_TOOL;
use work::{Apply, Origin};

/// Where an update writes: the index, its writer, and how many bytes of
/// sources go between two commits.
pub(super) struct Target<'a, 'e> {
    pub index: &'a SearchIndex,
    pub writer: &'a mut IndexWriter,
    pub checkpoint_bytes: u64,
    /// The encoder that gives passages their vectors, if they get some.
    pub encoder: Option<&'e Encoder<'e>>,
    /// Its model's id, recorded with the commits.
    pub model_id: Option<&'a str>,
    /// Whether the index's vectors are the encoder's, to be reused for
    /// passages whose text did not change.
    pub reuse_vectors: bool,
}

/// Analyses what the plan says, writes the deletions and additions, and
/// returns the new record. `previous` is the record a full rebuild
/// replaces: its files keep their keys, so that rebuilding keeps every id.
pub(super) fn apply(
    target: Target<'_, '_>,
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
        encoder,
        model_id,
        reuse_vectors,
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
        encoder,
        reuse_vectors,
        recent: Default::default(),
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
        let loaded = load_all(batch, &manifest, &detector, &cache, |cand| {
            if encoder.is_none() {
                progress.advance(cand.file.size);
            }
        });
        work.add_all(loaded, |cand| {
            if encoder.is_some() {
                progress.advance(cand.file.size);
            }
        })?;
        if since_checkpoint >= checkpoint_bytes && pending.peek().is_some() {
            since_checkpoint = 0;
            let partial = work.partial(pending.clone(), manifest.hash.clone(), checked_ns);
            let partial = super::store::encode(&partial);
            super::update::commit(&mut *work.writer, index.dir(), &partial, model_id)?;
        }
    }
    progress.end();
    let mut record = Record {
        skips: work.report.skips.len() as u32,
        files: work.files,
        manifest: manifest.hash,
        successors: work.successors,
        dirs,
        checked_ns,
    };
    lineage::bound(&mut record);
    Ok(record)
}

/// Files edited in place, analysed again, for an update that replaces
/// only their passages and record entries ([`super::patch`]).
pub(super) struct Edits {
    loaded: Vec<Loaded>,
}

/// A file analysed: why, and what came of it.
type Loaded = (
    Candidate,
    Origin,
    Result<ingest::Loaded>,
    Vec<crate::error::Warning>,
);

impl Edits {
    /// Analyses the edited files (each with its record) in parallel.
    /// `None` when one cannot be read now or its document key would
    /// change: what the general path sees to.
    pub(super) fn analyse(
        index: &SearchIndex,
        files: Vec<(Candidate, FileRecord)>,
        manifest: &Manifest,
    ) -> Option<Edits> {
        let detector = LangDetector::default();
        let cache = pdf::cache_dir(index.dir());
        let files = files
            .into_iter()
            .map(|(cand, old)| (cand, Origin::Changed(old)))
            .collect();
        let loaded = load_all(files, manifest, &detector, &cache, |_| {});
        let simple = loaded
            .iter()
            .all(|(_, origin, result, _)| match (origin, result) {
                (Origin::Changed(old), Ok(loaded)) => loaded.doc.meta.doc == old.doc,
                _ => false,
            });
        simple.then_some(Edits { loaded })
    }

    /// Replaces the files' passages in the index. Returns their new record
    /// entries and the successors of the passages that changed.
    pub(super) fn write(
        self,
        target: Target<'_, '_>,
        report: &mut UpdateReport,
    ) -> Result<(BTreeMap<String, FileRecord>, BTreeMap<PassageId, PassageId>)> {
        let mut work = Apply {
            index: target.index,
            writer: target.writer,
            files: BTreeMap::new(),
            successors: BTreeMap::new(),
            // Each file keeps its key (checked): no other key is needed.
            keys: Default::default(),
            kept_keys: BTreeMap::new(),
            report,
            encoder: target.encoder,
            reuse_vectors: target.reuse_vectors,
            recent: Default::default(),
        };
        work.add_all(self.loaded, |_| {})?;
        Ok((work.files, work.successors))
    }
}

/// Reads, cleans and cuts files in parallel, `done` told of each.
fn load_all(
    files: Vec<(Candidate, Origin)>,
    manifest: &Manifest,
    detector: &LangDetector,
    cache: &std::path::Path,
    done: impl Fn(&Candidate) + Sync,
) -> Vec<Loaded> {
    files
        .into_par_iter()
        .map(|(cand, origin)| {
            let mut warnings = Vec::new();
            let result = ingest::load(&cand.file, manifest, detector, Some(cache), &mut warnings);
            done(&cand);
            (cand, origin, result, warnings)
        })
        .collect()
}

impl Apply<'_, '_> {
    /// Adds analysed files (or keeps what the index had of those that
    /// could not be read), `done` told of each. Vectors: the old ones of
    /// passages whose text is the same, the others encoded together.
    fn add_all(&mut self, loaded: Vec<Loaded>, mut done: impl FnMut(&Candidate)) -> Result<()> {
        let mut vectors = self.vectors(&loaded)?;
        for (i, (cand, origin, result, warnings)) in loaded.into_iter().enumerate() {
            self.report.warnings.extend(warnings);
            match result {
                Ok(loaded) => {
                    self.report.extracted += usize::from(loaded.extracted);
                    let vectors = std::mem::take(&mut vectors[i]);
                    self.add(&cand, origin, loaded.doc, loaded.hash, vectors)?
                }
                Err(e) => self.keep_failed(&cand, origin, &e),
            }
            done(&cand);
        }
        Ok(())
    }
}

/// Files analysed at once: enough to keep the cores busy, few enough to
/// hold in memory with their passages.
const BATCH_FILES: usize = 256;
/// Sources analysed at once, at most (a batch ends with the file that
/// passes this).
const BATCH_BYTES: u64 = 16 * 1024 * 1024;
