//! The commands: each turns its arguments into library calls, prints the
//! results and chooses the exit status (0 found or ok, 1 nothing found or
//! not ok, 2 error). What they share: dispatching, opening the index with
//! the freshness guarantee, and saying what became of a passage id.

mod check;
mod cite;
mod index;
mod model;
mod search;
mod serve;
mod shell;
mod show;
mod similar;
mod status;
mod watch;

use std::process::ExitCode;
use std::sync::{Arc, OnceLock};

use anyhow::Result;

use nrel_search::index::{self as idx, Freshness, Lineage, SearchIndex};
use nrel_search::semantic::Model;
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
    let cli = match Cli::parse_args(std::env::args_os()) {
        Ok(cli) => cli,
        Err(e) => match e.downcast::<clap::Error>() {
            Ok(e) => return Ok(clap_error(e)),
            Err(e) => return Err(e),
        },
    };
    let dirs = cli.dirs;
    match cli.command {
        Command::Search(args) => search::run(&dirs, args),
        Command::Index(args) => index::run(&dirs, args),
        Command::Status => status::run(&dirs),
        Command::Show(args) => show::run(&dirs, args),
        Command::Watch(args) => watch::run(&dirs, args),
        Command::Serve(args) => serve::run(&dirs, args),
        Command::Similar(args) => similar::run(&dirs, args),
        Command::Model(args) => model::run(args),
        Command::Cite(args) => cite::run(&dirs, args),
        Command::Bib(args) => cite::run_bib(&dirs, args),
        Command::Check(args) => check::run(&dirs, args),
        Command::Completions(args) => shell::completions(args),
        Command::Man => shell::man(),
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
            // The values an option takes, when clap lists them.
            if let Some(values) = rendered
                .lines()
                .map(str::trim)
                .find(|l| l.starts_with("[possible values:"))
            {
                first = format!("{first} {values}");
            }
            eprintln!("nrel-search: error: {first} (see nrel-search --help)");
            ExitCode::from(ERROR)
        }
    }
}

/// Opens the index for reading, building it on first use and refreshing it
/// when the corpus changed (unless `no_refresh`), and says what it did.
fn open(dirs: &Dirs, no_refresh: bool) -> Result<SearchIndex> {
    Ok(open_and(dirs, no_refresh, |_| ())?.0)
}

/// Opens the index as [`open`] does and answers `ask` from it while the
/// freshness check runs beside it (`idx::answer_fresh`).
fn open_and<T>(
    dirs: &Dirs,
    no_refresh: bool,
    ask: impl Fn(&SearchIndex) -> T,
) -> Result<(SearchIndex, T)> {
    let (opening, answer) = idx::answer_fresh(
        &dirs.corpus,
        &dirs.index,
        !no_refresh,
        installed_model(),
        &Bar::new(),
        ask,
    )?;
    warn_all(&opening.warnings);
    match &opening.freshness {
        Freshness::UpToDate => {}
        Freshness::Built { report, .. } => {
            let vectors = if report.vectors.is_some() {
                ", with their vectors"
            } else {
                ""
            };
            note(format_args!(
                "indexed {}, {}{vectors} ({:.2} s)",
                plural(report.documents as u64, "document"),
                plural(report.passages, "passage"),
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
    Ok((opening.index, answer))
}

/// The installed sentence encoder, loaded once (a mapping: cheap); a model
/// that cannot be loaded is reported once and semantic search is off.
pub fn installed_model() -> Option<Arc<Model>> {
    static MODEL: OnceLock<Option<Arc<Model>>> = OnceLock::new();
    MODEL
        .get_or_init(|| match Model::installed() {
            Ok(model) => model.map(Arc::new),
            Err(e) => {
                warn(&Warning::general(format!(
                    "{e}; semantic search is off (run `nrel-search model import` again)"
                )));
                None
            }
        })
        .clone()
}

/// An error saying what became of a passage id the index does not have.
fn missing(id: &PassageId, lineage: &Lineage) -> String {
    match lineage {
        Lineage::Current(_) => format!("passage {id} exists"),
        Lineage::Succeeded(successor) => format!(
            "passage {id} no longer exists (its text changed); closest current passage: {successor}"
        ),
        Lineage::Gone { doc } => format!(
            "passage {id} does not exist in document {doc} (mistyped, or its text changed before this index was built)"
        ),
        Lineage::Unknown => format!(
            "unknown passage id {id}: no document has the key '{}'",
            id.doc()
        ),
    }
}

/// The exit status of a command that found something (0) or nothing (1).
pub fn found_or_not(found: bool) -> ExitCode {
    ExitCode::from(if found { FOUND } else { NOT_FOUND })
}

/// `1 file`, `2 files`.
pub fn plural(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Says which quotations were not trimmed: no sentence had the words.
fn warn_untrimmed(ids: &[&PassageId], trim: &str) {
    for id in ids {
        warn(&Warning::general(format!(
            "no sentence of {id} has a word of '{}'; quoted whole",
            nrel_search::search::query::echo(trim)
        )));
    }
}
