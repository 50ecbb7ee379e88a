//! `nrel-search watch`: update the index whenever files change, one line
//! per update.

use std::io::{self, Write};
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

use notify::{EventKind, RecursiveMode, Watcher};

use nrel_search::index::vouch::{self, Watch};
use nrel_search::index::{self, NoProgress, UpdateOptions};
use nrel_search::{Error, Warning};

use crate::cli::{Dirs, WatchArgs};
use crate::messages::{warn, warn_all};
use crate::progress::Bar;

pub fn run(dirs: &Dirs, args: WatchArgs) -> Result<ExitCode> {
    nrel_search::corpus::check_corpus(&dirs.corpus)?;
    // What this watch knows, for the searches that ask (`vouch`).
    let watch: &'static Watch = Box::leak(Box::default());
    // Made now, so that its name is the one the file watcher reports.
    let _ = std::fs::create_dir_all(&dirs.index);
    let index_dir = absolute(&dirs.index);
    // Watch first, so that no change made during the first update is missed.
    let (tx, rx) = mpsc::channel();
    let seen_index = index_dir.clone();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let changed = match &event {
            Ok(event) => watch.saw(&seen_index, &event.paths, changes_files(event.kind)),
            Err(_) => true,
        };
        if changed {
            let _ = tx.send(event);
        }
    })
    .map_err(Error::from)?;
    watcher
        .watch(&absolute(&dirs.corpus), RecursiveMode::Recursive)
        .map_err(Error::from)?;
    let before = watch.changes();
    let (opened, report) = index::update(
        &dirs.corpus,
        &dirs.index,
        &UpdateOptions::default(),
        &Bar::new(),
    )?;
    watch.updated(before, opened.record().and_then(|r| r.name()));
    // Searches ask this watch instead of checking the corpus themselves.
    let probes = index_dir.join(vouch::PROBES);
    let served = vouch::serve(watch, &index_dir, &dirs.corpus).and_then(|()| {
        watcher
            .watch(&probes, RecursiveMode::NonRecursive)
            .map_err(std::io::Error::other)
    });
    if let Err(e) = served {
        warn(&Warning::general(format!(
            "searches will check the corpus themselves: {e}"
        )));
    }
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
        // Wait for a first event, then for quiet.
        let first = rx.recv().context("the file watcher stopped")?;
        if let Err(e) = first {
            warn(&Warning::general(format!("watch: {e}")));
        }
        let mut last = Instant::now();
        while let Some(left) = debounce.checked_sub(last.elapsed()) {
            match rx.recv_timeout(left) {
                Ok(_) => last = Instant::now(),
                Err(mpsc::RecvTimeoutError::Timeout) => break,
                Err(mpsc::RecvTimeoutError::Disconnected) => bail!("the file watcher stopped"),
            }
        }
        let before = watch.changes();
        match index::update(
            &dirs.corpus,
            &dirs.index,
            &UpdateOptions::default(),
            &NoProgress,
        ) {
            Ok((opened, report)) => {
                watch.updated(before, opened.record().and_then(|r| r.name()));
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

/// Whether a file watcher's event can change what is indexed (opening or
/// reading a file cannot).
fn changes_files(kind: EventKind) -> bool {
    !matches!(kind, EventKind::Access(_))
}

/// `path` made absolute, as the file watcher reports paths.
fn absolute(path: &Path) -> PathBuf {
    std::fs::canonicalize(path)
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf())
}
