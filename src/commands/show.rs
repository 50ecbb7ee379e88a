//! `nrel-search show ID [--context N] [--json]`: a passage with its source
//! and the passages around it.

use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{bail, Result};
use serde::Serialize;

use nrel_search::corpus::SourceMeta;
use nrel_search::index::Lineage;
use nrel_search::output::json::{write_line, JsonPassage};
use nrel_search::PassageId;

use super::{missing, open, FOUND};
use crate::cli::{Dirs, ShowArgs};
use crate::messages::note;
use nrel_search::output::quote::page_label;
use nrel_search::output::terminal::lines;

/// A passage of `show --json`: the keys of a search hit's passage, and
/// whether it is the one asked for.
#[derive(Serialize)]
struct ShownPassage<'a> {
    #[serde(flatten)]
    passage: JsonPassage<'a>,
    target: bool,
}

pub fn run(dirs: &Dirs, args: ShowArgs) -> Result<ExitCode> {
    let index = open(dirs, false)?;
    let id = PassageId::parse(&args.id);
    let (passage, meta) = match index.resolve(&id)? {
        Lineage::Current(found) => *found,
        // A changed passage: what replaced it is shown.
        Lineage::Succeeded(successor) => match index.passage(&successor)? {
            Some(found) => {
                note(format_args!(
                    "passage {id} no longer exists (its text changed); closest current passage: {successor}, shown below"
                ));
                found
            }
            None => bail!(missing(&id, &Lineage::Succeeded(successor))),
        },
        lineage => bail!(missing(&id, &lineage)),
    };
    let shown = index.around(&passage.id, &meta.doc, args.context)?;
    let mut out = io::stdout().lock();
    if args.json {
        for (p, m) in &shown {
            let shown = ShownPassage {
                passage: JsonPassage::new(p, m),
                target: p.id == passage.id,
            };
            write_line(&mut out, &shown)?;
        }
        return Ok(ExitCode::from(FOUND));
    }
    writeln!(out, "{}", describe(&meta, &dirs.corpus))?;
    for (p, _) in &shown {
        let marker = if p.id == passage.id { ">" } else { " " };
        let pages = p
            .page_range()
            .map(|pages| format!(", {}", page_label(pages)))
            .unwrap_or_default();
        writeln!(
            out,
            "\n{marker} [{}] {}:{}{pages} ({}, {}){}",
            p.id,
            meta.path,
            lines(p.line_start, p.line_end),
            p.lang,
            p.kind,
            p.section
                .as_ref()
                .map(|s| format!(" § {s}"))
                .unwrap_or_default()
        )?;
        for line in p.text.lines() {
            writeln!(out, "  {line}")?;
        }
    }
    Ok(ExitCode::from(FOUND))
}

/// `key — authors — title — source — date — url` and the file's path.
fn describe(meta: &SourceMeta, corpus: &Path) -> String {
    let bib = &meta.bib;
    let mut parts = vec![meta.doc.clone()];
    if !bib.authors.is_empty() {
        parts.push(bib.authors.join(", "));
    }
    parts.extend(bib.title.clone());
    parts.extend(bib.source.clone());
    parts.extend(bib.date.map(|d| d.to_string()));
    parts.extend(bib.url.clone());
    format!(
        "{}\n{}",
        parts.join(" — "),
        corpus.join(&meta.path).display()
    )
}
