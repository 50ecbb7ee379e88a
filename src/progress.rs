//! The progress of an update on a terminal: a bar (nothing when stderr is
//! piped), and what an update says once it has really started.

use std::io::{self, IsTerminal};
use std::sync::atomic::{AtomicU64, Ordering};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use nrel_search::index::Progress;

use crate::messages::note;

/// Files below this many get no bar: it would only flicker.
const MIN_FILES_FOR_BAR: u64 = 20;

/// A progress bar on a terminal.
pub struct Bar {
    bar: Option<ProgressBar>,
    files: AtomicU64,
    total: AtomicU64,
}

impl Bar {
    /// A bar on stderr if it is a terminal.
    pub fn new() -> Bar {
        let bar = io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::hidden();
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} analysing {msg} {wide_bar} {bytes}/{total_bytes} \
                     {bytes_per_sec} ETA {eta}",
                )
                .expect("valid template"),
            );
            bar
        });
        Bar {
            bar,
            files: AtomicU64::new(0),
            total: AtomicU64::new(0),
        }
    }
}

impl Progress for Bar {
    fn announce(&self, message: &str) {
        note(message);
    }
    fn begin(&self, files: u64, bytes: u64) {
        if let Some(bar) = &self.bar {
            if files >= MIN_FILES_FOR_BAR {
                bar.set_draw_target(ProgressDrawTarget::stderr());
            }
            bar.set_length(bytes);
            self.files.store(0, Ordering::Relaxed);
            self.total.store(files, Ordering::Relaxed);
            bar.set_message(format!("0/{files} files"));
        }
    }
    fn advance(&self, bytes: u64) {
        if let Some(bar) = &self.bar {
            let done = self.files.fetch_add(1, Ordering::Relaxed) + 1;
            let total = self.total.load(Ordering::Relaxed);
            bar.set_message(format!("{done}/{total} files"));
            bar.inc(bytes);
        }
    }
    fn end(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
