//! The progress of an update on a terminal: a bar (nothing when stderr is
//! piped), and what an update says once it has really started.

use std::io::{self, IsTerminal};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use nrel_search::index::Progress;

use crate::messages::note;

/// Files below this many get no bar: it would only flicker.
const MIN_FILES_FOR_BAR: u64 = 20;

/// A progress bar on a terminal.
pub struct Bar {
    bar: Option<ProgressBar>,
}

impl Bar {
    /// A bar on stderr if it is a terminal.
    pub fn new() -> Bar {
        let bar = io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::hidden();
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} analysing {pos}/{len} files {wide_bar} {eta}",
                )
                .expect("valid template"),
            );
            bar
        });
        Bar { bar }
    }
}

impl Progress for Bar {
    fn announce(&self, message: &str) {
        note(message);
    }
    fn begin(&self, total: u64) {
        if let Some(bar) = &self.bar {
            if total >= MIN_FILES_FOR_BAR {
                bar.set_draw_target(ProgressDrawTarget::stderr());
            }
            bar.set_length(total);
        }
    }
    fn advance(&self) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }
    fn end(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
