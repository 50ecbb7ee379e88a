//! `nrel-search index [--full]`: bring the index in step with the corpus
//! and say what was done.

use std::io::{self, Write};
use std::process::ExitCode;

use anyhow::Result;

use nrel_search::index::{self, UpdateOptions};

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
    let (_, report) = index::update(&dirs.corpus, &dirs.index, &options, &Bar::new())?;
    report_all(&report.skips);
    report_all(&report.warnings);
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
