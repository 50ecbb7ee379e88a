//! The commands: each turns its arguments into library calls, prints the
//! results and chooses the exit status (0 found or ok, 1 nothing found or
//! not ok, 2 error). What they share: dispatching, opening the index with
//! the freshness guarantee, and saying what became of a passage id.

mod check;
mod cite;
mod index;
mod search;
mod show;
mod status;
mod watch;

use std::process::ExitCode;

use anyhow::Result;
use clap::Parser;

use nrel_search::index::{self as idx, Freshness, Lineage, SearchIndex};
use nrel_search::{PassageId, Warning};

use crate::cli::{Cli, Command, Dirs};
use crate::messages::{note, warn, warn_all};
use crate::progress::Bar;

/// Exit status when something was found / all is well.
pub const FOUND: u8 = 0;
/// Exit status when nothing was found / something is not right.
pub const NOT_FOUND: u8 = 1;
/// Exit status on error.
pub const ERROR: u8 = 2;

/// Parses the command line and runs the command.
pub fn run() -> Result<ExitCode> {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return Ok(clap_error(e)),
    };
    let dirs = cli.dirs;
    match cli.command {
        None => search::run(&dirs, cli.search),
        Some(Command::Search(args)) => search::run(&dirs, args),
        Some(Command::Index(args)) => index::run(&dirs, args),
        Some(Command::Status) => status::run(&dirs),
        Some(Command::Show(args)) => show::run(&dirs, args),
        Some(Command::Watch(args)) => watch::run(&dirs, args),
        Some(Command::Cite(args)) => cite::run(&dirs, args),
        Some(Command::Bib(args)) => cite::run_bib(&dirs, args),
        Some(Command::Check(args)) => check::run(&dirs, args),
    }
}

/// Help and version go to stdout; a usage error is one line on stderr.
fn clap_error(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            ExitCode::SUCCESS
        }
        _ => {
            // clap's first line, with the argument it names when that is
            // on the next line ("…were not provided:\n  <ID>").
            let rendered = e.render().to_string();
            let mut lines = rendered.lines().map(str::trim).filter(|l| !l.is_empty());
            let mut first = lines
                .next()
                .unwrap_or("invalid arguments")
                .trim_start_matches("error: ")
                .to_owned();
            if first.ends_with(':') {
                if let Some(next) = lines.next() {
                    first = format!("{first} {next}");
                }
            }
            eprintln!("nrel-search: error: {first} (see nrel-search --help)");
            ExitCode::from(ERROR)
        }
    }
}

/// Opens the index for reading, building it on first use and refreshing it
/// when the corpus changed (unless `no_refresh`), and says what it did.
fn open(dirs: &Dirs, no_refresh: bool) -> Result<SearchIndex> {
    let opening = idx::open_fresh(&dirs.corpus, &dirs.index, !no_refresh, &Bar::new())?;
    warn_all(&opening.warnings);
    match &opening.freshness {
        Freshness::UpToDate => {}
        Freshness::Built { report, .. } => {
            note(format_args!(
                "indexed {} documents, {} passages ({:.2} s)",
                report.documents,
                report.passages,
                report.elapsed.as_secs_f64()
            ));
        }
        Freshness::Refreshed(report) => {
            if report.changed_anything() {
                note(format_args!("index refreshed: {}", report.summary()));
            }
        }
        Freshness::Stale(summary) => warn(&Warning::general(format!(
            "the index is stale ({summary}); answering from it as it is (run `nrel-search index`)"
        ))),
        Freshness::Busy => warn(&Warning::general(
            "another nrel-search process is updating the index; answering from its last commit",
        )),
    }
    Ok(opening.index)
}

/// Says what became of a passage id the index does not have as such.
fn report_missing(id: &PassageId, lineage: &Lineage) {
    match lineage {
        Lineage::Current(_) => {}
        Lineage::Succeeded(successor) => note(format_args!(
            "passage {id} no longer exists (its text changed); closest current passage: {successor}"
        )),
        Lineage::Gone { doc } => note(format_args!(
            "passage {id} does not exist in document {doc} (its text changed before this index was built)"
        )),
        Lineage::Unknown => note(format_args!(
            "unknown passage id {id}: no document has the key '{}'",
            id.doc()
        )),
    }
}
