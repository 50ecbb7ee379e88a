//! The `nrel-search` command: parse the arguments, run, turn the outcome
//! into an exit status. Errors are printed once, on one line.

mod app;
mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    match app::run() {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            // The library's errors say everything on their own; others
            // (I/O on stdout, …) get their causes appended.
            match err.downcast_ref::<nrel_search::Error>() {
                Some(e) => eprintln!("nrel-search: error: {e}"),
                None => eprintln!("nrel-search: error: {err:#}"),
            }
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
