//! Bibliography entries for documents: BibTeX (biblatex) and CSL-JSON,
//! keyed by the document key, for Pandoc or Zotero. Unknown metadata is
//! left out.

use std::io::{self, Write};

use serde_json::{json, Value};

use crate::corpus::SourceMeta;
use crate::lang::Lang;

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

/// A BibTeX (biblatex) entry for a document; `pages` are the pages cited
/// (`12`, `12–13`).
pub fn bibtex(meta: &SourceMeta, pages: Option<&str>) -> String {
    let kind = meta.bib.csl_type.as_deref().unwrap_or("");
    let entry = match kind {
        "article-newspaper" | "article-magazine" | "article-journal" | "article" => "article",
        "webpage" | "post-weblog" | "post" => "online",
        "chapter" | "entry-encyclopedia" => "incollection",
        "book" => "book",
        "report" => "report",
        _ => "misc",
    };
    let mut fields: Vec<(&str, String)> = Vec::new();
    if let Some(title) = &meta.bib.title {
        fields.push(("title", format!("{{{}}}", escape_bibtex(title))));
    }
    if !meta.bib.authors.is_empty() {
        let names: Vec<String> = meta.bib.authors.iter().map(|a| bibtex_name(a)).collect();
        fields.push(("author", format!("{{{}}}", names.join(" and "))));
    }
    match entry {
        "article" => {
            if let Some(journal) = meta.bib.container.as_ref().or(meta.bib.source.as_ref()) {
                fields.push(("journaltitle", format!("{{{}}}", escape_bibtex(journal))));
            }
        }
        "incollection" => {
            if let Some(book) = &meta.bib.container {
                fields.push(("booktitle", format!("{{{}}}", escape_bibtex(book))));
            }
        }
        _ => {}
    }
    if let Some(publisher) = &meta.bib.source {
        let field = match entry {
            "online" | "report" | "misc" => "organization",
            _ => "publisher",
        };
        if !(entry == "article" && meta.bib.container.is_none()) {
            fields.push((field, format!("{{{}}}", escape_bibtex(publisher))));
        }
    }
    if let Some(date) = meta.bib.date {
        fields.push(("date", format!("{{{date}}}")));
        fields.push(("year", format!("{{{}}}", date.year)));
        if let Some(month) = date.month {
            fields.push(("month", format!("{{{month}}}")));
        }
    }
    if let Some(url) = &meta.bib.url {
        fields.push(("url", format!("{{{url}}}")));
    }
    if let Some(pages) = pages {
        fields.push(("pages", format!("{{{}}}", pages.replace('–', "--"))));
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
    format!("@{entry}{{{},\n{}\n}}\n", meta.doc, body.join("\n"))
}

/// A CSL-JSON item for a document; `pages` are the pages cited.
pub fn csl_item(meta: &SourceMeta, pages: Option<&str>) -> Value {
    let mut item = serde_json::Map::new();
    item.insert("id".into(), json!(meta.doc));
    item.insert(
        "type".into(),
        json!(meta.bib.csl_type.as_deref().unwrap_or("document")),
    );
    if let Some(title) = &meta.bib.title {
        item.insert("title".into(), json!(title));
    }
    if !meta.bib.authors.is_empty() {
        let names: Vec<Value> = meta
            .bib
            .authors
            .iter()
            .map(|a| match a.trim().rsplit_once(' ') {
                Some((given, family)) => json!({"family": family, "given": given}),
                None => json!({"literal": a}),
            })
            .collect();
        item.insert("author".into(), Value::Array(names));
    }
    if let Some(container) = &meta.bib.container {
        item.insert("container-title".into(), json!(container));
    }
    if let Some(publisher) = &meta.bib.source {
        let key = if meta.bib.csl_type.as_deref() == Some("article-newspaper")
            && meta.bib.container.is_none()
        {
            "container-title"
        } else {
            "publisher"
        };
        item.insert(key.into(), json!(publisher));
    }
    if let Some(date) = meta.bib.date {
        let mut parts = vec![json!(date.year)];
        if let Some(m) = date.month {
            parts.push(json!(m));
            if let Some(d) = date.day {
                parts.push(json!(d));
            }
        }
        item.insert("issued".into(), json!({ "date-parts": [parts] }));
    }
    if let Some(url) = &meta.bib.url {
        item.insert("URL".into(), json!(url));
    }
    if let Some(pages) = pages {
        item.insert("page".into(), json!(pages.replace('–', "-")));
    }
    if let Some(lang) = meta.language() {
        item.insert("language".into(), json!(lang.code()));
    }
    Value::Object(item)
}

/// A document as a bibliography cites it: with the pages cited, if any.
pub type Cited<'a> = (&'a SourceMeta, Option<String>);

/// BibTeX entries for documents, a blank line between them.
pub fn write_bibtex(out: &mut dyn Write, cited: &[Cited]) -> io::Result<()> {
    for (i, (meta, pages)) in cited.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        write!(out, "{}", bibtex(meta, pages.as_deref()))?;
    }
    Ok(())
}

/// A CSL-JSON array for documents, pretty-printed.
pub fn csl_json(cited: &[Cited]) -> String {
    let items: Vec<Value> = cited
        .iter()
        .map(|(meta, pages)| csl_item(meta, pages.as_deref()))
        .collect();
    serde_json::to_string_pretty(&items).expect("JSON values serialise")
}

/// Documents without cited pages.
pub fn uncited<'a>(metas: impl IntoIterator<Item = &'a SourceMeta>) -> Vec<Cited<'a>> {
    metas.into_iter().map(|m| (m, None)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bibtex_escapes_and_names() {
        assert_eq!(bibtex_name("Aurélie Loek"), "Loek, Aurélie");
        assert_eq!(bibtex_name("OTAN"), "{OTAN}");
        assert_eq!(escape_bibtex("R&D 50%"), "R\\&D 50\\%");
    }
}
