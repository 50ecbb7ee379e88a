//! Opening an index to read it, with the freshness guarantee: the index is
//! built on first use (or rebuilt when it is incompatible), refreshed when
//! the corpus changed, and when it cannot be refreshed (asked not to,
//! another process updating) the caller is told it is stale. Also the
//! status of an index, for `status`.

use std::path::Path;

use super::patch::MOST_EDITS;
use super::plan::plan;
use super::quick::{in_step, Check, Found};
use super::store::RecordView;
use super::update::{update, update_after, Progress, UpdateOptions, UpdateReport};
use super::{Opened, SearchIndex};
use crate::error::{Error, Result, Warning};
use crate::semantic::Model;
use std::sync::Arc;

/// How fresh an opened index is, and what opening it did.
#[derive(Debug)]
pub enum Freshness {
    /// It was in step with the corpus.
    UpToDate,
    /// It was built (first use) or rebuilt (incompatible); why, and how.
    Built {
        /// Why it was built.
        why: Build,
        /// What the build did.
        report: UpdateReport,
    },
    /// The corpus changed and the index was brought in step.
    Refreshed(UpdateReport),
    /// The corpus changed and the index was not refreshed, as asked: what
    /// changed.
    Stale(String),
    /// The corpus changed, and another process is updating the index: the
    /// answers come from its last commit.
    Busy,
}

/// Why an index was built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Build {
    /// There was none.
    FirstUse,
    /// The one there could not be used.
    Incompatible(String),
}

/// An index opened for reading.
pub struct Opening {
    /// The index.
    pub index: SearchIndex,
    /// How fresh it is.
    pub freshness: Freshness,
    /// Files skipped, fields ignored, on the way.
    pub warnings: Vec<Warning>,
}

/// Announces the build once it has really started.
struct Announcing<'a> {
    inner: &'a dyn Progress,
    message: String,
}

impl Progress for Announcing<'_> {
    fn announce(&self, message: &str) {
        self.inner.announce(message);
    }
    fn begin(&self, files: u64, bytes: u64) {
        self.inner.announce(&self.message);
        self.inner.begin(files, bytes);
    }
    fn advance(&self, bytes: u64) {
        self.inner.advance(bytes);
    }
    fn end(&self) {
        self.inner.end();
    }
}

/// Opens the index in `dir` for reading, building it on first use and
/// refreshing it when `corpus` changed (unless `refresh` is false).
pub fn open_fresh(
    corpus: &Path,
    dir: &Path,
    refresh: bool,
    model: Option<Arc<Model>>,
    progress: &dyn Progress,
) -> Result<Opening> {
    let (opening, ()) = answer_fresh(corpus, dir, refresh, model, progress, |_| ())?;
    Ok(opening)
}

/// Opens the index as [`open_fresh`] does and answers `ask` from it, with
/// the same guarantee: the answer comes from an index in step with
/// `corpus`, or the opening says why not.
///
/// The freshness check (a stat of every recorded file) runs on a second
/// thread while `ask` answers from the index as it was opened, and this
/// thread helps it once it has answered; in the usual case, nothing
/// changed, the answer costs little more than the slower of the two. When
/// an update reopens the index (it refreshed it, or found that another
/// process had), `ask` answers again from it.
///
/// Without `refresh`, the check is of the manifest and the directories
/// only (`quick::Check::directories_only`): files added, removed or renamed make
/// the index stale, as the opening says; files edited in place are not
/// looked for.
pub fn answer_fresh<T>(
    corpus: &Path,
    dir: &Path,
    refresh: bool,
    model: Option<Arc<Model>>,
    progress: &dyn Progress,
    ask: impl Fn(&SearchIndex) -> T,
) -> Result<(Opening, T)> {
    // Before anything answers from the index (and reads the corpus's
    // glossary): every way on checks the corpus, and fails without it.
    crate::corpus::check_corpus(corpus)?;
    let defaults = UpdateOptions {
        model,
        ..UpdateOptions::default()
    };
    let index = match SearchIndex::open(dir)? {
        Opened::Ready(index) => *index,
        opened => {
            let why = match opened {
                Opened::Incompatible(reason) => Build::Incompatible(reason),
                _ => Build::FirstUse,
            };
            let message = match &why {
                Build::Incompatible(reason) => {
                    format!("rebuilding the index in {}: {reason}", dir.display())
                }
                Build::FirstUse => format!("building the index in {} (first use)", dir.display()),
            };
            let announcing = Announcing {
                inner: progress,
                message,
            };
            let (index, mut report) = update(corpus, dir, &defaults, &announcing)?;
            let answer = ask(&index);
            let opening = Opening {
                index,
                warnings: all_warnings(&mut report),
                freshness: Freshness::Built { why, report },
            };
            return Ok((opening, answer));
        }
    };
    // The answer from the index as opened, unless it is certain to be
    // dropped (the check doubts before it begins).
    let (known, answer, found) = match index.record() {
        Some(_) if is_vouched_for(&index, corpus) => (true, Some(ask(&index)), None),
        Some(record) => {
            // Files edited in place are noted for the update. A reader
            // that will not refresh looks only for files added, removed or
            // renamed: a stat of each file is most of the cost of a search
            // in a large corpus.
            let check = Check::new(corpus, record).collecting(MOST_EDITS);
            let check = if refresh {
                check
            } else {
                check.directories_only()
            };
            if check.in_step() {
                std::thread::scope(|scope| {
                    let lead = scope.spawn(|| check.lead());
                    let answer = ask(&index);
                    // Answered: this thread helps to finish the check.
                    check.help();
                    // A check that failed proves nothing: the plan decides.
                    let found = lead.join().ok().and_then(|()| check.found());
                    let known = found.as_ref().is_some_and(|f| f.files.is_empty());
                    (known, Some(answer), found)
                })
            } else {
                (false, None, None)
            }
        }
        None => (false, None, None),
    };
    if known {
        let opening = Opening {
            index,
            freshness: Freshness::UpToDate,
            warnings: Vec::new(),
        };
        let answer = answer.unwrap_or_else(|| ask(&opening.index));
        return Ok((opening, answer));
    }
    let checked = Checked {
        refresh,
        defaults,
        found,
    };
    let (opening, reopened) = not_known_in_step(corpus, dir, index, checked, progress)?;
    // An update reopened the index: the answer came from a commit that this
    // process or another one has since replaced.
    let answer = match answer {
        Some(answer) if !reopened => answer,
        _ => ask(&opening.index),
    };
    Ok((opening, answer))
}

/// What a reader asked for and what its check found.
struct Checked {
    /// Whether a stale index is to be refreshed.
    refresh: bool,
    /// How an update runs.
    defaults: UpdateOptions,
    /// The files in doubt, as far as the check could tell.
    found: Option<Found>,
}

/// The opening of an index that the quick check could not vouch for: it is
/// refreshed if asked to and possible, else planned against the corpus to
/// say what is stale; and whether an update reopened it (at a newer commit
/// whenever this process or another one changed it meanwhile).
fn not_known_in_step(
    corpus: &Path,
    dir: &Path,
    index: SearchIndex,
    checked: Checked,
    progress: &dyn Progress,
) -> Result<(Opening, bool)> {
    if checked.refresh && !index.is_read_only() {
        // The update plans under the index lock, since another process may
        // have brought the index up to date meanwhile: one walk, not two.
        let options = UpdateOptions {
            wait: None,
            ..checked.defaults
        };
        match update_after(corpus, dir, &options, progress, checked.found) {
            Ok((fresh, mut report)) if report.changed_anything() => {
                let opening = Opening {
                    index: fresh,
                    warnings: all_warnings(&mut report),
                    freshness: Freshness::Refreshed(report),
                };
                return Ok((opening, true));
            }
            // Parts of the corpus that could not be read are reported by
            // `index` and `status`, not by every search. Another process
            // (a running `watch`) may have brought the index in step.
            Ok((fresh, report)) => {
                let opening = Opening {
                    index: fresh,
                    warnings: report.warnings,
                    freshness: Freshness::UpToDate,
                };
                return Ok((opening, true));
            }
            // Busy: whether what it answers from is stale is for the plan
            // below to say.
            Err(Error::IndexBusy(_)) => {}
            Err(e) => return Err(e),
        }
    }
    let record = &recorded(&index)?;
    let mut warnings = Vec::new();
    let plan = plan(corpus, record, &mut warnings)?;
    if plan.is_empty() {
        let opening = Opening {
            index,
            freshness: Freshness::UpToDate,
            warnings,
        };
        return Ok((opening, false));
    }
    if index.is_read_only() {
        warnings.push(Warning::general(format!(
            "the index in {} is read-only here: it cannot be refreshed",
            dir.display()
        )));
    }
    let freshness = if checked.refresh && !index.is_read_only() {
        Freshness::Busy
    } else {
        Freshness::Stale(plan.summary())
    };
    let opening = Opening {
        index,
        freshness,
        warnings,
    };
    Ok((opening, false))
}

/// Whether the commit `index` was opened at is known to be in step with
/// `corpus` without a walk: `Some(true)` when a running `watch` vouches for
/// it, `Some(false)` when the quick check says so, `None` when neither.
fn known_in_step(index: &SearchIndex, corpus: &Path) -> Option<bool> {
    let record = index.record()?;
    if is_vouched_for(index, corpus) {
        Some(true)
    } else {
        in_step(corpus, record).then_some(false)
    }
}

/// Whether a running `watch` vouches that the commit `index` was opened at
/// is in step with `corpus`.
fn is_vouched_for(index: &SearchIndex, corpus: &Path) -> bool {
    let Some(record) = index.record().and_then(RecordView::name) else {
        return false;
    };
    super::vouch::ask(index.dir(), corpus).is_some_and(|vouched| vouched == record)
}

/// The record of the commit `index` was opened at, read whole (empty when
/// there is none).
fn recorded(index: &SearchIndex) -> Result<super::Record> {
    Ok(index
        .record()
        .map(RecordView::to_record)
        .transpose()?
        .unwrap_or_default())
}

/// The warnings of an update: the parts of the corpus it could not read,
/// then the rest.
fn all_warnings(report: &mut UpdateReport) -> Vec<Warning> {
    let mut all = std::mem::take(&mut report.skips);
    all.append(&mut report.warnings);
    all
}

/// Whether an index is in step with its corpus.
#[derive(Debug)]
pub enum Status {
    /// No index there yet.
    Missing,
    /// The index must be rebuilt; why.
    Incompatible(String),
    /// In step.
    UpToDate {
        /// Documents indexed.
        documents: usize,
        /// Passages indexed.
        passages: u64,
        /// Whether a running `watch` said so.
        watched: bool,
        /// The sentence encoder whose vectors every passage has, if any.
        vectors: Option<String>,
    },
    /// Not in step: what changed.
    Stale(String),
}

/// The status of the index in `dir` against `corpus`, with the warnings of
/// the check.
pub fn status(corpus: &Path, dir: &Path) -> Result<(Status, Vec<Warning>)> {
    let index = match SearchIndex::open(dir)? {
        Opened::Ready(index) => index,
        Opened::Missing => return Ok((Status::Missing, Vec::new())),
        Opened::Incompatible(reason) => return Ok((Status::Incompatible(reason), Vec::new())),
    };
    if let (Some(watched), Some(view)) = (known_in_step(&index, corpus), index.record()) {
        let status = Status::UpToDate {
            documents: view.documents(),
            passages: view.passages(),
            watched,
            vectors: index.vectors_model().map(str::to_owned),
        };
        return Ok((status, Vec::new()));
    }
    let record = &recorded(&index)?;
    let mut warnings = Vec::new();
    let mut plan = plan(corpus, record, &mut warnings)?;
    warnings.append(&mut plan.skips);
    let status = if plan.is_empty() {
        Status::UpToDate {
            documents: record.documents(),
            passages: record.passages(),
            watched: false,
            vectors: index.vectors_model().map(str::to_owned),
        }
    } else {
        Status::Stale(plan.summary())
    };
    Ok((status, warnings))
}
