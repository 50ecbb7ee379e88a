//! `nrel-search watch`: update the index whenever files change, one line
//! per update.

use std::io::{self, Write};
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use notify::{RecursiveMode, Watcher};

use nrel_search::index::{self, NoProgress, UpdateOptions};
use nrel_search::{Error, Warning};

use crate::cli::{Dirs, WatchArgs};
use crate::messages::{warn, warn_all};
use crate::progress::Bar;

pub fn run(dirs: &Dirs, args: WatchArgs) -> Result<ExitCode> {
    nrel_search::corpus::check_corpus(&dirs.corpus)?;
    // Watch first, so that no change made during the first update is missed.
    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let _ = tx.send(event);
    })
    .map_err(Error::from)?;
    watcher
        .watch(&dirs.corpus, RecursiveMode::Recursive)
        .map_err(Error::from)?;
    let (_, report) = index::update(
        &dirs.corpus,
        &dirs.index,
        &UpdateOptions::default(),
        &Bar::new(),
    )?;
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
        match index::update(
            &dirs.corpus,
            &dirs.index,
            &UpdateOptions::default(),
            &NoProgress,
        ) {
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
