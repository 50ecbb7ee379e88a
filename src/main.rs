//! The `nrel-search` command: parse the arguments, run, turn the outcome
//! into an exit status. Errors are printed once, on one line.

mod cli;
mod commands;
mod config;
mod messages;
mod progress;

use std::process::ExitCode;

fn main() -> ExitCode {
    match commands::run() {
        // An error reported along the way (a file that could not be read)
        // decides the status, as in grep.
        Ok(_) if messages::errored() => ExitCode::from(commands::ERROR),
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            // The library's errors say everything on their own; others
            // (I/O on stdout, …) get their causes appended.
            match err.downcast_ref::<nrel_search::Error>() {
                Some(e) => messages::error(e),
                None => messages::error(format_args!("{err:#}")),
            }
            ExitCode::from(commands::ERROR)
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
