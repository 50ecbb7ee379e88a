//! `nrel-search index [--full]`: bring the index in step with the corpus
//! and say what was done.

use std::io::{self, Write};
use std::process::ExitCode;

use anyhow::Result;

use nrel_search::index::{self, SearchIndex, UpdateOptions};
use nrel_search::{Error, Warning};

use super::plural;
use super::FOUND;
use crate::cli::{Dirs, IndexArgs};
use crate::messages::report_all;
use crate::progress::Bar;

pub fn run(dirs: &Dirs, args: IndexArgs) -> Result<ExitCode> {
    let model = if args.no_semantic {
        None
    } else {
        super::installed_model()
    };
    let options = UpdateOptions {
        full: args.full,
        add_vectors: model.is_some(),
        model,
        ..UpdateOptions::default()
    };
    let (index, report) = index::update(&dirs.corpus, &dirs.index, &options, &Bar::new())?;
    report_all(&report.skips);
    report_all(&report.warnings);
    if let Some(skipped) = still_skipped(&index, &report.warnings) {
        report_all(&[skipped]);
    }
    let mut out = io::stdout().lock();
    if let Some(reason) = &report.rebuilt {
        writeln!(
            out,
            "rebuilt the index in {} ({reason})",
            dirs.index.display()
        )?;
    }
    writeln!(out, "{}", report.summary())?;
    writeln!(
        out,
        "{}: {}, {} (analysed this run: {}, {})",
        dirs.index.display(),
        plural(report.documents as u64, "document"),
        plural(report.passages, "passage"),
        plural(report.analysed_files as u64, "file"),
        plural(report.analysed_passages, "passage")
    )?;
    match &report.vectors {
        Some(model) => writeln!(
            out,
            "passage vectors: every passage, sentence encoder {model} (encoded this run: {}{})",
            plural(report.embedded, "passage"),
            match report.copied {
                0 => String::new(),
                n => format!(", and {} copied from identical ones", plural(n, "passage")),
            }
        )?,
        None => writeln!(out, "passage vectors: none (semantic search off)")?,
    }
    if report.extracted > 0 {
        writeln!(out, "{} extracted", plural(report.extracted as u64, "PDF"))?;
    }
    Ok(ExitCode::from(FOUND))
}

/// Files skipped are said when they are tried (a binary file, a PDF
/// without a text layer or damaged), and tried again only once they
/// change: the line that says which of them are still skipped, unchanged
/// since, so that every `index` run accounts for every file. It is an
/// error, as when they were tried, when one of them could not be read (a
/// damaged PDF), not only had no text. `None` when none is skipped.
fn still_skipped(index: &SearchIndex, said: &[Warning]) -> Option<Warning> {
    /// Files named before "and N more".
    const NAMED: usize = 5;
    let record = index.record()?;
    let skipped: Vec<(&str, &str)> = record
        .files()
        .filter_map(|f| Some((f.path, f.error?)))
        .filter(|(_, error)| !said.iter().any(|w| w.message.starts_with(error)))
        .collect();
    if skipped.is_empty() {
        return None;
    }
    let mut named: Vec<String> = skipped
        .iter()
        .take(NAMED)
        .map(|(path, error)| {
            // The error names the file by its path already.
            if error.contains(path) {
                (*error).to_owned()
            } else {
                format!("{path}: {error}")
            }
        })
        .collect();
    if skipped.len() > NAMED {
        named.push(format!("and {} more", skipped.len() - NAMED));
    }
    let line = format!(
        "{} skipped before, unchanged since, still skipped: {}",
        plural(skipped.len() as u64, "file"),
        named.join("; ")
    );
    let unreadable = skipped
        .iter()
        .any(|(_, error)| !Error::is_textless_message(error));
    let warning = Warning::general(line);
    Some(if unreadable {
        warning.as_error()
    } else {
        warning
    })
}
