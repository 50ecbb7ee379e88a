//! `nrel-search watch`: update the index whenever files change, one line
//! per update.

use std::io::{self, Write};
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, RecursiveMode, Watcher};

use nrel_search::index::vouch::{self, Watch};
use nrel_search::index::{self, NoProgress, UpdateOptions, UpdateReport};
use nrel_search::{Error, Warning};

use crate::cli::{Dirs, WatchArgs};
use crate::messages::{warn, warn_all};
use crate::progress::Bar;

pub fn run(dirs: &Dirs, args: WatchArgs) -> Result<ExitCode> {
    let (keeper, _, report) = Keeper::start(dirs)?;
    warn_all(&report.skips);
    warn_all(&report.warnings);
    println!(
        "watching {} ({} documents, {} passages); Ctrl-C to stop",
        dirs.corpus.display(),
        report.documents,
        report.passages
    );
    io::stdout().flush()?;
    let debounce = Duration::from_millis(args.debounce);
    loop {
        match keeper.next(debounce, || {})? {
            Ok((_, report)) => {
                warn_all(&report.skips);
                warn_all(&report.warnings);
                if report.changed_anything() {
                    println!("index updated: {}", report.summary());
                    io::stdout().flush()?;
                }
            }
            Err(e) => eprintln!("nrel-search: error: {e}"),
        }
    }
}

/// A corpus kept in step with its index: the file watcher's events, and
/// the watch that vouches for the index to searches (`watch` and `serve`).
pub struct Keeper {
    dirs: Dirs,
    rx: mpsc::Receiver<notify::Result<notify::Event>>,
    watch: &'static Watch,
    root: Option<(u64, u64)>,
    _watcher: notify::RecommendedWatcher,
}

impl Keeper {
    /// Starts watching the corpus, then brings the index in step (with a
    /// progress bar), and vouches for it to searches.
    pub fn start(dirs: &Dirs) -> Result<(Keeper, index::SearchIndex, UpdateReport)> {
        nrel_search::corpus::check_corpus(&dirs.corpus)?;
        // What this watch knows, for the searches that ask (`vouch`).
        let watch: &'static Watch = Box::leak(Box::default());
        // Made now, so that its name is the one the file watcher reports.
        let _ = std::fs::create_dir_all(&dirs.index);
        let index_dir = absolute(&dirs.index);
        // Watch first, so that no change made during the first update is missed.
        let (tx, rx) = mpsc::channel();
        let seen_index = index_dir.clone();
        let mut watcher =
            notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
                let changed = match &event {
                    Ok(event) if event.need_rescan() || event.paths.is_empty() => {
                        // The queue overflowed: events were lost, the watches of
                        // new directories among them.
                        watch.blind("the file watcher lost events".into());
                        true
                    }
                    Ok(event) => watch.saw(&seen_index, &event.paths, changes_files(event.kind)),
                    Err(e) => {
                        // Events may be missing from now on.
                        watch.blind(format!("the file watcher failed ({e})"));
                        true
                    }
                };
                if changed {
                    let _ = tx.send(event);
                }
            })
            .map_err(Error::from)?;
        // The directory watched: if another takes its name, events stop.
        let root = identity(&dirs.corpus);
        watcher
            .watch(&absolute(&dirs.corpus), RecursiveMode::Recursive)
            .map_err(Error::from)?;
        let before = watch.changes();
        let (opened, report) = index::update(
            &dirs.corpus,
            &dirs.index,
            &UpdateOptions {
                model: super::installed_model(),
                ..UpdateOptions::default()
            },
            &Bar::new(),
        )?;
        vouch_unless_blind(watch, &dirs.corpus, root, before, &opened);
        // Searches ask this watch instead of checking the corpus themselves.
        let probes = index_dir.join(vouch::PROBES);
        let served = std::fs::create_dir_all(&probes)
            .and_then(|()| {
                watcher
                    .watch(&probes, RecursiveMode::NonRecursive)
                    .map_err(std::io::Error::other)
            })
            .and_then(|()| vouch::serve(watch, &index_dir, &dirs.corpus));
        if let Err(e) = served {
            warn(&Warning::general(format!(
                "searches will check the corpus themselves: {e}"
            )));
        } else if let Some(why) = watch.blind_why() {
            warn(&Warning::general(format!(
                "searches will check the corpus themselves: {why}"
            )));
        }
        let keeper = Keeper {
            dirs: dirs.clone(),
            rx,
            watch,
            root,
            _watcher: watcher,
        };
        Ok((keeper, opened, report))
    }

    /// Waits for a change (calling `seen` at the first event), then for
    /// `debounce` of quiet, and brings the index in step. The outer error
    /// is the file watcher gone; the inner one, a failed update.
    pub fn next(
        &self,
        debounce: Duration,
        seen: impl FnOnce(),
    ) -> Result<std::result::Result<(index::SearchIndex, UpdateReport), Error>> {
        // Wait for a first event, then for quiet.
        let first = self.rx.recv().context("the file watcher stopped")?;
        if let Err(e) = first {
            warn(&Warning::general(format!("watch: {e}")));
        }
        seen();
        let mut last = Instant::now();
        while let Some(left) = debounce.checked_sub(last.elapsed()) {
            match self.rx.recv_timeout(left) {
                Ok(_) => last = Instant::now(),
                Err(mpsc::RecvTimeoutError::Timeout) => break,
                Err(mpsc::RecvTimeoutError::Disconnected) => bail!("the file watcher stopped"),
            }
        }
        let before = self.watch.changes();
        // Something changed: no use checking whether it did.
        let options = UpdateOptions {
            model: super::installed_model(),
            ..UpdateOptions::default()
        };
        let dirs = &self.dirs;
        Ok(
            index::update(&dirs.corpus, &dirs.index, &options, &NoProgress).map(
                |(opened, report)| {
                    vouch_unless_blind(self.watch, &dirs.corpus, self.root, before, &opened);
                    (opened, report)
                },
            ),
        )
    }
}

/// Whether a file watcher's event can change what is indexed (opening or
/// reading a file cannot; closing it after writing can).
fn changes_files(kind: EventKind) -> bool {
    !matches!(kind, EventKind::Access(_))
        || matches!(
            kind,
            EventKind::Access(AccessKind::Close(AccessMode::Write))
        )
}

/// After an update that began when `before` changes had been seen: the
/// watch vouches for its commit, unless it cannot see every change — the
/// corpus directory is not the one it watches any more, or the corpus
/// holds symbolic links (their targets change without an event here).
fn vouch_unless_blind(
    watch: &Watch,
    corpus: &Path,
    root: Option<(u64, u64)>,
    before: u64,
    opened: &index::SearchIndex,
) {
    if identity(corpus) != root {
        watch.blind("the corpus directory was replaced".into());
    } else if has_links(corpus) {
        watch.blind("the corpus holds symbolic links".into());
    }
    watch.updated(before, opened.record().and_then(|r| r.name()));
}

/// Device and inode of a directory.
#[cfg(unix)]
fn identity(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn identity(path: &Path) -> Option<(u64, u64)> {
    std::fs::metadata(path).ok().map(|_| (0, 0))
}

/// Whether the corpus (hidden entries left out, as indexing does) holds a
/// symbolic link.
fn has_links(corpus: &Path) -> bool {
    nrel_search::corpus::walk(corpus, &mut Vec::new()).is_ok_and(|walk| walk.links)
}

/// `path` made absolute, as the file watcher reports paths.
fn absolute(path: &Path) -> PathBuf {
    std::fs::canonicalize(path)
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf())
}
