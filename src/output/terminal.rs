//! Hits for people: rank, title, source, date, language, location, id, and
//! a snippet with the matching words emphasised.

use std::io::{self, Write};
use std::path::Path;

use super::Color;
use crate::search::{rank, Hit, Snippet};
use crate::text::one_line;

const BOLD: &str = "\x1b[1m";
const MATCH: &str = "\x1b[1;31m";
const DIM: &str = "\x1b[2m";
const CYAN: &str = "\x1b[36m";
const RESET: &str = "\x1b[0m";

/// Prints hits; `corpus` is prefixed to the paths so they can be opened.
/// A hit that the first places' variety kept below them says so, and so
/// does one placed among them as the other language's best passage.
pub fn print_hits(
    out: &mut dyn Write,
    hits: &[Hit],
    corpus: &Path,
    color: Color,
) -> io::Result<()> {
    for (i, hit) in hits.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        let note = if hit.placed_for_language {
            Some(rank::language_place_label(hit.passage.lang))
        } else {
            hit.held_back
                .then(|| rank::held_back_label(first_places_of(hits, hit)))
        };
        print_hit(out, hit, corpus, color, note)?;
    }
    Ok(())
}

/// How many of the first places hold passages of `hit`'s document.
pub fn first_places_of(hits: &[Hit], hit: &Hit) -> usize {
    hits.iter()
        .take(rank::DIVERSE_PLACES)
        .filter(|h| h.passage.id.doc() == hit.passage.id.doc())
        .count()
}

fn paint(color: Color, style: &str, text: &str) -> String {
    match color {
        Color::Always => format!("{style}{text}{RESET}"),
        Color::Never => text.to_owned(),
    }
}

fn print_hit(
    out: &mut dyn Write,
    hit: &Hit,
    corpus: &Path,
    color: Color,
    note: Option<String>,
) -> io::Result<()> {
    let meta = &hit.meta;
    let p = &hit.passage;
    let title = meta.bib.title.as_deref().unwrap_or(&meta.path);
    let mut head = format!("{:>2}. {}", hit.rank, paint(color, BOLD, title));
    let mut about = Vec::new();
    if let Some(source) = &meta.bib.source {
        about.push(source.clone());
    }
    if let Some(date) = meta.bib.date {
        about.push(date.to_string());
    }
    about.push(p.lang.code().to_owned());
    if hit.counterpart_of.is_some() {
        about.push(crate::search::counterpart::label(p.lang));
    }
    about.extend(note);
    head.push_str(&format!(" — {}", about.join(", ")));
    // BM25 scores are in units; fused scores and cosines below one show
    // three decimals, or equal-looking scores would hide the order.
    let score = if hit.score.abs() < 1.0 {
        format!("{:.3}", hit.score)
    } else {
        format!("{:.2}", hit.score)
    };
    head.push_str(&paint(color, DIM, &format!("  (score {score})")));
    writeln!(out, "{head}")?;
    let mut location = format!(
        "{}:{}",
        corpus.join(&meta.path).display(),
        lines(p.line_start, p.line_end)
    );
    if let Some(pages) = p.page_range() {
        location.push_str(&format!(" ({})", super::quote::page_label(pages)));
    }
    let mut second = format!(
        "    {}  {}",
        paint(color, CYAN, &location),
        paint(color, DIM, &format!("[{}]", p.id))
    );
    if let Some(section) = p
        .section
        .as_ref()
        .filter(|s| Some(*s) != meta.bib.title.as_ref())
    {
        second.push_str(&paint(color, DIM, &format!("  § {section}")));
    }
    writeln!(out, "{second}")?;
    writeln!(out, "    {}", render_snippet(&hit.snippet, color))?;
    Ok(())
}

/// Lines as a location gives them: `19`, or `19-21`.
pub fn lines(start: u32, end: u32) -> String {
    if start == end {
        start.to_string()
    } else {
        format!("{start}-{end}")
    }
}

/// The snippet on one line, matches emphasised.
pub fn render_snippet(snippet: &Snippet, color: Color) -> String {
    let (open, close) = match color {
        Color::Always => (MATCH, RESET),
        Color::Never => ("*", "*"),
    };
    let text = &snippet.text;
    let mut out = String::new();
    if snippet.cut_before {
        out.push('…');
    }
    let mut last = 0;
    for r in &snippet.highlights {
        if r.start < last || r.end > text.len() {
            continue;
        }
        out.push_str(&text[last..r.start]);
        out.push_str(open);
        out.push_str(&text[r.start..r.end]);
        out.push_str(close);
        last = r.end;
    }
    out.push_str(&text[last..]);
    if snippet.cut_after {
        out.push('…');
    }
    // One line: paragraph breaks become ¶, other white space one space.
    out.split("\n\n")
        .map(one_line)
        .filter(|para| !para.is_empty())
        .collect::<Vec<_>>()
        .join(" ¶ ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_marks_matches() {
        let snippet = Snippet {
            text: "Titre\n\nle Conseil OTAN-Russie\n(COR)".into(),
            highlights: vec![10..17, 18..22, 23..29],
            cut_before: true,
            cut_after: false,
        };
        assert_eq!(
            render_snippet(&snippet, Color::Never),
            "…Titre ¶ le *Conseil* *OTAN*-*Russie* (COR)"
        );
        assert!(render_snippet(&snippet, Color::Always).contains("\x1b[1;31mConseil\x1b[0m"));
    }
}
