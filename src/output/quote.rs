//! Quotations with their attribution, in Markdown or plain text. The
//! quotation is the passage's repaired original wording (what of it is
//! quoted is decided in [`search::trim`](crate::search::trim)); missing
//! metadata is left out, never printed as "unknown"; every quotation ends
//! with `[nrel:ID]` so that `nrel-search check` can find it again.

use crate::corpus::SourceMeta;
use crate::lang::Lang;
use crate::passage::Passage;
use crate::search::trim::Quotation;
use crate::text::one_line;

/// Quotations shorter than this many words are quoted inline.
const INLINE_WORDS: usize = 40;

/// How a quotation is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// Block quote (`> `) or inline quotes, *italic* title.
    Markdown,
    /// Plain text.
    Text,
}

/// The quotation of a passage (see [`quotation`](crate::search::trim::quotation))
/// with its attribution.
pub fn quote(passage: &Passage, meta: &SourceMeta, style: Style, quotation: &Quotation) -> String {
    let Quotation { body, lines, .. } = quotation;
    let attribution = attribution(passage, meta, style, *lines);
    let words = body.split_whitespace().count();
    let one_paragraph = !body.contains("\n\n");
    if words <= INLINE_WORDS && one_paragraph {
        let (open, close) = inline_quotes(passage.lang);
        return format!("{open}{}{close} — {attribution}\n", one_line(body));
    }
    match style {
        Style::Markdown => {
            let quoted: Vec<String> = body
                .split("\n\n")
                .map(|para| format!("> {}", one_line(para)))
                .collect();
            format!("{}\n\n— {attribution}\n", quoted.join("\n>\n"))
        }
        Style::Text => {
            let (open, close) = inline_quotes(passage.lang);
            let paras: Vec<String> = body.split("\n\n").map(one_line).collect();
            format!("{open}{}{close}\n— {attribution}\n", paras.join("\n\n"))
        }
    }
}

/// French quotes with narrow no-break spaces inside, or English curly ones.
fn inline_quotes(lang: Lang) -> (&'static str, &'static str) {
    match lang {
        Lang::French => ("«\u{202F}", "\u{202F}»"),
        Lang::English => ("“", "”"),
    }
}

/// `Author, *Title*, Publisher, date, path, lines 7–9, § Section [nrel:ID]`,
/// `lines` being the source lines of what is quoted. A PDF passage is
/// located by its printed pages instead (`…, § Section, pp. 12–13
/// [nrel:ID]`), a web page by its address.
pub fn attribution(
    passage: &Passage,
    meta: &SourceMeta,
    style: Style,
    lines: (u32, u32),
) -> String {
    let mut parts: Vec<String> = Vec::new();
    if !meta.bib.authors.is_empty() {
        parts.push(join_names(&meta.bib.authors, passage.lang));
    }
    if let Some(title) = &meta.bib.title {
        parts.push(match style {
            Style::Markdown => format!("*{}*", title.replace('*', "\\*")),
            Style::Text => title.clone(),
        });
    }
    if let Some(container) = &meta.bib.container {
        parts.push(container.clone());
    }
    if let Some(source) = &meta.bib.source {
        parts.push(source.clone());
    }
    if let Some(date) = meta.bib.date {
        parts.push(date.to_string());
    }
    let pages = passage.pages(lines);
    let mut location = meta.path.clone();
    if pages.is_none() && meta.format.is_none() {
        location.push_str(&if lines.0 == lines.1 {
            format!(", line {}", lines.0)
        } else {
            format!(", lines {}–{}", lines.0, lines.1)
        });
    }
    if let Some(section) = passage
        .section
        .as_ref()
        .filter(|s| meta.bib.title.as_ref() != Some(*s))
    {
        location.push_str(&format!(", § {section}"));
    }
    parts.push(location);
    if let Some(url) = &meta.bib.url {
        parts.push(match style {
            Style::Markdown => format!("<{url}>"),
            Style::Text => url.clone(),
        });
    }
    if let Some(pages) = pages {
        parts.push(page_label(pages));
    }
    format!("{} {}", parts.join(", "), passage.id.reference())
}

/// `p. 12` or `pp. 12–13`.
pub fn page_label((first, last): (&str, &str)) -> String {
    if first == last {
        format!("p. {first}")
    } else {
        format!("pp. {first}–{last}")
    }
}

fn join_names(names: &[String], lang: Lang) -> String {
    let and = match lang {
        Lang::French => " et ",
        Lang::English => " and ",
    };
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{}{and}{last}", init.join(", ")),
    }
}
