//! Printers: one per output format.
//!
//! * [`terminal`]: ranked hits for people, with colour on a terminal;
//! * [`json`]: JSON Lines, one hit per line, for programs;
//! * [`quote`]: quotations with their attribution (Markdown, text);
//! * [`bib`]: bibliography entries (BibTeX, CSL-JSON).

pub mod bib;
pub mod json;
pub mod quote;
pub mod terminal;

use std::collections::HashSet;
use std::fmt;
use std::io::{self, Write};
use std::str::FromStr;

use crate::corpus::SourceMeta;
use crate::passage::{Passage, PassageId};
use crate::search::trim::quotation;

/// Whether to colour the output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Color {
    /// ANSI colours and bold.
    Always,
    /// Plain text; matches are marked with `*…*`.
    Never,
}

impl Color {
    /// Colour when stdout is a terminal and `NO_COLOR` is not set.
    pub fn auto() -> Color {
        use std::io::IsTerminal;
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        if !no_color && std::io::stdout().is_terminal() {
            Color::Always
        } else {
            Color::Never
        }
    }
}

/// How passages are printed as citations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CiteFormat {
    /// A Markdown block quote (or inline quotes) with its attribution.
    Markdown,
    /// The same in plain text.
    Text,
    /// A BibTeX entry per source document.
    Bibtex,
    /// A CSL-JSON item per source document.
    CslJson,
}

impl CiteFormat {
    /// Every format, by its name.
    pub const NAMES: [&'static str; 4] = ["markdown", "text", "bibtex", "csl-json"];
}

impl FromStr for CiteFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "markdown" => Ok(CiteFormat::Markdown),
            "text" => Ok(CiteFormat::Text),
            "bibtex" => Ok(CiteFormat::Bibtex),
            "csl-json" => Ok(CiteFormat::CslJson),
            _ => Err(format!(
                "unknown citation format '{s}' (one of: {})",
                CiteFormat::NAMES.join(", ")
            )),
        }
    }
}

impl fmt::Display for CiteFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = *self as usize;
        f.write_str(CiteFormat::NAMES[i])
    }
}

/// Prints passages as citations: quotations (with `trim`, only the
/// sentences that match it), or one bibliography entry per document.
/// Returns the passages that had no sentence to trim to (quoted whole).
pub fn print_citations<'a>(
    out: &mut dyn Write,
    items: impl Iterator<Item = (&'a Passage, &'a SourceMeta)>,
    format: CiteFormat,
    trim: Option<&str>,
) -> io::Result<Vec<&'a PassageId>> {
    let items: Vec<_> = items.collect();
    let style = match format {
        CiteFormat::Markdown => quote::Style::Markdown,
        CiteFormat::Text => quote::Style::Text,
        CiteFormat::Bibtex => {
            bib::write_bibtex(out, &cited_docs(&items))?;
            return Ok(Vec::new());
        }
        CiteFormat::CslJson => {
            writeln!(out, "{}", bib::csl_json(&cited_docs(&items)))?;
            return Ok(Vec::new());
        }
    };
    let mut unmatched = Vec::new();
    for (i, (p, m)) in items.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        let quotation = quotation(p, trim);
        if !quotation.matched {
            unmatched.push(&p.id);
        }
        write!(out, "{}", quote::quote(p, m, style, &quotation))?;
    }
    Ok(unmatched)
}

/// The documents of the items, each once, in order, with the pages cited
/// (from the first page of the first passage cited to the last of the last).
fn cited_docs<'a>(items: &[(&'a Passage, &'a SourceMeta)]) -> Vec<bib::Cited<'a>> {
    let mut seen = HashSet::new();
    items
        .iter()
        .filter(|(_, m)| seen.insert(m.doc.as_str()))
        .map(|(_, meta)| {
            let mut passages: Vec<&Passage> = items
                .iter()
                .filter(|(_, m)| m.doc == meta.doc)
                .map(|(p, _)| *p)
                .collect();
            passages.sort_by_key(|p| p.ordinal);
            let first = passages.first().and_then(|p| p.page_range());
            let last = passages.last().and_then(|p| p.page_range());
            let pages = first.zip(last).map(|((a, _), (_, b))| {
                if a == b {
                    a.to_owned()
                } else {
                    format!("{a}–{b}")
                }
            });
            (*meta, pages)
        })
        .collect()
}
