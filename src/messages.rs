//! Messages on stderr, one line each, after the program's name: warnings,
//! notes, and errors that do not stop the run. Whether an error was
//! reported is remembered, for the exit status.

use std::fmt::Display;
use std::sync::atomic::{AtomicBool, Ordering};

use nrel_search::Warning;

static ERRORED: AtomicBool = AtomicBool::new(false);

/// `nrel-search: warning: …`
pub fn warn(w: &Warning) {
    eprintln!("nrel-search: warning: {w}");
}

/// Each warning on its line.
pub fn warn_all(warnings: &[Warning]) {
    warnings.iter().for_each(warn);
}

/// `nrel-search: …`
pub fn note(message: impl Display) {
    eprintln!("nrel-search: {message}");
}

/// Each warning on its line; those that are errors as errors, so that the
/// run ends with an error status.
pub fn report_all(warnings: &[Warning]) {
    for w in warnings {
        if w.error {
            error(w);
        } else {
            warn(w);
        }
    }
}

/// `nrel-search: error: …`, and the run will end with an error status.
pub fn error(message: impl Display) {
    ERRORED.store(true, Ordering::SeqCst);
    eprintln!("nrel-search: error: {message}");
}

/// Whether an error was reported.
pub fn errored() -> bool {
    ERRORED.load(Ordering::SeqCst)
}
