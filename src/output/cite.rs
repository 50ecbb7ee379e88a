//! Citations: a passage quoted with its attribution (Markdown or plain
//! text), and bibliography entries (BibTeX, CSL-JSON) for its document.
//!
//! Quotations are the passage's repaired original wording, never the
//! normalised text of the index. Missing metadata is left out, never
//! printed as "unknown". Every quotation ends with `[nrel:ID]` so that
//! `nrel-search check` can find it again.

use std::collections::HashSet;

use serde_json::{json, Value};
use unicode_segmentation::UnicodeSegmentation;

use crate::analysis::{english_analyzer, french_analyzer, tokens};
use crate::corpus::SourceMeta;
use crate::document::Passage;
use crate::lang::Lang;

/// The mark of an omission in a quotation.
pub const ELLIPSIS: &str = "[…]";

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

/// The reference a note carries to find the passage again.
pub fn reference(id: &str) -> String {
    format!("[nrel:{id}]")
}

/// The quotation with its attribution. With `trim`, only the sentences
/// that contain a word of `trim` are kept, the cuts marked `[…]`.
pub fn quote(passage: &Passage, meta: &SourceMeta, style: Style, trim: Option<&str>) -> String {
    let start = heading_end(&passage.text);
    let text = &passage.text[start..];
    let (body, range) = match trim {
        Some(query) => trim_to_matches(text, query),
        None => (text.to_owned(), 0..text.len()),
    };
    let lines = passage.line_range(start + range.start, start + range.end);
    let attribution = attribution(passage, meta, style, lines);
    let words = body.split_whitespace().count();
    let one_paragraph = !body.contains("\n\n");
    if words <= INLINE_WORDS && one_paragraph {
        let (open, close) = inline_quotes(passage.lang);
        return format!("{open}{}{close} — {attribution}\n", flatten(&body));
    }
    match style {
        Style::Markdown => {
            let quoted: Vec<String> = body
                .split("\n\n")
                .map(|para| format!("> {}", flatten(para)))
                .collect();
            format!("{}\n\n— {attribution}\n", quoted.join("\n>\n"))
        }
        Style::Text => {
            let (open, close) = inline_quotes(passage.lang);
            let paras: Vec<String> = body.split("\n\n").map(flatten).collect();
            format!("{open}{}{close}\n— {attribution}\n", paras.join("\n\n"))
        }
    }
}

/// Where the passage's text starts after the headings it opens with (they
/// are named in the attribution); 0 when nothing else would be left.
fn heading_end(text: &str) -> usize {
    let mut start = 0;
    while let Some((first, tail)) = text[start..].split_once("\n\n") {
        if !crate::text::clean::is_heading_like(first) || tail.trim().is_empty() {
            break;
        }
        start += first.len() + 2;
    }
    start
}

/// French quotes with narrow no-break spaces inside, or English curly ones.
fn inline_quotes(lang: Lang) -> (&'static str, &'static str) {
    match lang {
        Lang::French => ("«\u{202F}", "\u{202F}»"),
        Lang::English => ("“", "”"),
    }
}

fn flatten(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `Author, *Title*, Publisher, date, path, lines 7–9, § Section [nrel:ID]`,
/// `lines` being the source lines of what is quoted.
pub fn attribution(
    passage: &Passage,
    meta: &SourceMeta,
    style: Style,
    lines: (u32, u32),
) -> String {
    let mut parts: Vec<String> = Vec::new();
    if !meta.authors.is_empty() {
        parts.push(join_names(&meta.authors, passage.lang));
    }
    if let Some(title) = &meta.title {
        parts.push(match style {
            Style::Markdown => format!("*{}*", title.replace('*', "\\*")),
            Style::Text => title.clone(),
        });
    }
    if let Some(container) = &meta.container {
        parts.push(container.clone());
    }
    if let Some(publisher) = &meta.publisher {
        parts.push(publisher.clone());
    }
    if let Some(date) = meta.date {
        parts.push(date.to_string());
    }
    let lines = if lines.0 == lines.1 {
        format!("line {}", lines.0)
    } else {
        format!("lines {}–{}", lines.0, lines.1)
    };
    let mut location = format!("{}, {lines}", meta.path);
    if let Some(section) = passage
        .section
        .as_ref()
        .filter(|s| meta.title.as_ref() != Some(*s))
    {
        location.push_str(&format!(", § {section}"));
    }
    parts.push(location);
    if let Some(url) = &meta.url {
        parts.push(match style {
            Style::Markdown => format!("<{url}>"),
            Style::Text => url.clone(),
        });
    }
    format!("{} {}", parts.join(", "), reference(&passage.id))
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

/// Keeps the sentences of `text` that contain a word of `query` (as the
/// analyzers see words), marking each omission `[…]`; the whole text when
/// no sentence matches. Also returns the byte range of `text` from the
/// first to the last sentence kept.
pub fn trim_to_matches(text: &str, query: &str) -> (String, std::ops::Range<usize>) {
    let whole = || (text.to_owned(), 0..text.len());
    let (mut french, mut english) = (french_analyzer(), english_analyzer());
    let mut both = |text: &str| -> Vec<String> {
        let mut words = tokens(&mut french, text);
        words.extend(tokens(&mut english, text));
        words
    };
    let wanted: HashSet<String> = both(query).into_iter().collect();
    if wanted.is_empty() {
        return whole();
    }
    let mut matches = |sentence: &str| both(sentence).iter().any(|t| wanted.contains(t));
    let mut paragraphs = Vec::new();
    let mut any = false;
    let mut omitted_last = false;
    let mut range: Option<std::ops::Range<usize>> = None;
    let mut para_start = 0;
    for para in text.split("\n\n") {
        let mut kept = String::new();
        for (offset, sentence) in para.split_sentence_bound_indices() {
            if matches(sentence) {
                let (a, b) = (
                    para_start + offset,
                    para_start + offset + sentence.trim_end().len(),
                );
                range = Some(range.map_or(a..b, |r| r.start..b));
                any = true;
                if omitted_last && kept.is_empty() && paragraphs.is_empty() {
                    kept.push_str(ELLIPSIS);
                    kept.push(' ');
                }
                kept.push_str(sentence);
                omitted_last = false;
            } else if !omitted_last {
                if !kept.is_empty() {
                    kept = kept.trim_end().to_owned();
                    kept.push(' ');
                    kept.push_str(ELLIPSIS);
                    kept.push(' ');
                } else if !paragraphs.is_empty() || !sentence.trim().is_empty() {
                    kept.push_str(ELLIPSIS);
                    kept.push(' ');
                }
                omitted_last = true;
            }
        }
        let kept = kept.trim().to_owned();
        if !kept.is_empty() && kept != ELLIPSIS {
            paragraphs.push(kept);
        }
        para_start += para.len() + 2;
    }
    match range {
        Some(range) if any => (paragraphs.join("\n\n"), range),
        _ => whole(),
    }
}

/// The citation key of a document: its key, which is stable and unique.
pub fn cite_key(meta: &SourceMeta) -> String {
    meta.key.clone()
}

/// A name as BibTeX wants it: `Family, Given`, or braced when it is an
/// organisation (a single word).
fn bibtex_name(name: &str) -> String {
    match name.trim().rsplit_once(' ') {
        Some((given, family)) => format!("{}, {}", escape_bibtex(family), escape_bibtex(given)),
        None => format!("{{{}}}", escape_bibtex(name)),
    }
}

fn escape_bibtex(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' | '%' | '$' | '#' | '_' | '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            '\\' => out.push_str("\\textbackslash{}"),
            c => out.push(c),
        }
    }
    out
}

/// A BibTeX (biblatex) entry for a document.
pub fn bibtex(meta: &SourceMeta) -> String {
    let kind = meta.kind.as_deref().unwrap_or("");
    let entry = match kind {
        "article-newspaper" | "article-magazine" | "article-journal" | "article" => "article",
        "webpage" | "post-weblog" | "post" => "online",
        "chapter" | "entry-encyclopedia" => "incollection",
        "book" => "book",
        "report" => "report",
        _ => "misc",
    };
    let mut fields: Vec<(&str, String)> = Vec::new();
    if let Some(title) = &meta.title {
        fields.push(("title", format!("{{{}}}", escape_bibtex(title))));
    }
    if !meta.authors.is_empty() {
        let names: Vec<String> = meta.authors.iter().map(|a| bibtex_name(a)).collect();
        fields.push(("author", format!("{{{}}}", names.join(" and "))));
    }
    match entry {
        "article" => {
            if let Some(journal) = meta.container.as_ref().or(meta.publisher.as_ref()) {
                fields.push(("journaltitle", format!("{{{}}}", escape_bibtex(journal))));
            }
        }
        "incollection" => {
            if let Some(book) = &meta.container {
                fields.push(("booktitle", format!("{{{}}}", escape_bibtex(book))));
            }
        }
        _ => {}
    }
    if let Some(publisher) = &meta.publisher {
        let field = match entry {
            "online" | "report" | "misc" => "organization",
            _ => "publisher",
        };
        if !(entry == "article" && meta.container.is_none()) {
            fields.push((field, format!("{{{}}}", escape_bibtex(publisher))));
        }
    }
    if let Some(date) = meta.date {
        fields.push(("date", format!("{{{date}}}")));
        fields.push(("year", format!("{{{}}}", date.year)));
        if let Some(month) = date.month {
            fields.push(("month", format!("{{{month}}}")));
        }
    }
    if let Some(url) = &meta.url {
        fields.push(("url", format!("{{{url}}}")));
    }
    if let Some(lang) = meta.language() {
        let name = match lang {
            Lang::French => "french",
            Lang::English => "english",
        };
        fields.push(("langid", format!("{{{name}}}")));
    }
    fields.push((
        "note",
        format!(
            "{{{}}}",
            escape_bibtex(&format!("corpus file {}", meta.path))
        ),
    ));
    let body: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("  {k:<12} = {v},"))
        .collect();
    format!("@{entry}{{{},\n{}\n}}\n", cite_key(meta), body.join("\n"))
}

/// A CSL-JSON item for a document.
pub fn csl_item(meta: &SourceMeta) -> Value {
    let mut item = serde_json::Map::new();
    item.insert("id".into(), json!(cite_key(meta)));
    item.insert(
        "type".into(),
        json!(meta.kind.as_deref().unwrap_or("document")),
    );
    if let Some(title) = &meta.title {
        item.insert("title".into(), json!(title));
    }
    if !meta.authors.is_empty() {
        let names: Vec<Value> = meta
            .authors
            .iter()
            .map(|a| match a.trim().rsplit_once(' ') {
                Some((given, family)) => json!({"family": family, "given": given}),
                None => json!({"literal": a}),
            })
            .collect();
        item.insert("author".into(), Value::Array(names));
    }
    if let Some(container) = &meta.container {
        item.insert("container-title".into(), json!(container));
    }
    if let Some(publisher) = &meta.publisher {
        let key = if meta.kind.as_deref() == Some("article-newspaper") && meta.container.is_none() {
            "container-title"
        } else {
            "publisher"
        };
        item.insert(key.into(), json!(publisher));
    }
    if let Some(date) = meta.date {
        let mut parts = vec![json!(date.year)];
        if let Some(m) = date.month {
            parts.push(json!(m));
            if let Some(d) = date.day {
                parts.push(json!(d));
            }
        }
        item.insert("issued".into(), json!({ "date-parts": [parts] }));
    }
    if let Some(url) = &meta.url {
        item.insert("URL".into(), json!(url));
    }
    if let Some(lang) = meta.language() {
        item.insert("language".into(), json!(lang.code()));
    }
    Value::Object(item)
}

/// A CSL-JSON array for documents, pretty-printed.
pub fn csl_json(metas: &[&SourceMeta]) -> String {
    let items: Vec<Value> = metas.iter().map(|m| csl_item(m)).collect();
    serde_json::to_string_pretty(&items).expect("JSON values serialise")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trimming_keeps_matching_sentences() {
        let text =
            "Une phrase sans rapport. Le COR s’est réuni à Sotchi. Une autre phrase.\n\nRien ici.";
        let (quote, range) = trim_to_matches(text, "Sotchi");
        assert_eq!(quote, "[…] Le COR s’est réuni à Sotchi. […]");
        assert_eq!(&text[range], "Le COR s’est réuni à Sotchi.");
        assert_eq!(trim_to_matches(text, "absent").0, text);
    }

    #[test]
    fn bibtex_escapes_and_names() {
        assert_eq!(bibtex_name("Aurélie Loek"), "Loek, Aurélie");
        assert_eq!(bibtex_name("OTAN"), "{OTAN}");
        assert_eq!(escape_bibtex("R&D 50%"), "R\\&D 50\\%");
    }
}
