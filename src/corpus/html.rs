//! Saved web pages: their main content as text, and their metadata.
//!
//! The content is what a reader would read: the `article` (or `main`, or
//! the body), without navigation, menus, headers and footers, cookie
//! banners, share buttons, forms, scripts and styles. Headings become
//! `#` lines, list items `- ` lines, paragraphs, block quotes and figure
//! captions paragraphs of their own: the text the cleaner then cuts like a
//! Markdown file.
//!
//! Metadata, first found first: JSON-LD (`NewsArticle`, `Article`…:
//! `headline`, `author`, `datePublished`, `publisher`, `url`), OpenGraph and
//! `article:*` tags, `<meta name="author">`, `<title>`, `<link
//! rel="canonical">`; and the page's language, `<html lang>`.

use scraper::{ElementRef, Html, Node, Selector};
use serde_json::Value;

use super::bibliographic::Bibliographic;
use super::date::PartialDate;
use crate::lang::Lang;

/// A web page read.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Page {
    /// Its main content, as Markdown-like text.
    pub text: String,
    /// What it says of itself.
    pub bib: Bibliographic,
    /// `<html lang>`, when French or English.
    pub lang: Option<Lang>,
}

/// Elements that are never content.
const SKIPPED: [&str; 16] = [
    "script", "style", "noscript", "nav", "header", "footer", "aside", "form", "button", "iframe",
    "svg", "template", "select", "input", "dialog", "menu",
];

/// Class or id words of page furniture.
const FURNITURE: [&str; 20] = [
    "cookie",
    "consent",
    "banner",
    "share",
    "social",
    "newsletter",
    "related",
    "breadcrumb",
    "menu",
    "nav",
    "sidebar",
    "comment",
    "advert",
    "promo",
    "subscribe",
    "popup",
    "modal",
    "footer",
    "header",
    "skip",
];

/// Block elements: each starts a block of its own.
const BLOCKS: [&str; 18] = [
    "p",
    "div",
    "section",
    "article",
    "main",
    "blockquote",
    "figure",
    "figcaption",
    "pre",
    "table",
    "tr",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "address",
    "body",
];

/// Decodes a page's bytes: a byte order mark, the `<meta charset>`
/// declaration, else UTF-8, else Windows-1252.
pub fn decode(bytes: &[u8]) -> String {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        return encoding
            .decode_without_bom_handling(&bytes[bom..])
            .0
            .into_owned();
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(2048)]).to_ascii_lowercase();
    let declared = head.find("charset=").and_then(|at| {
        let label: String = head[at + 8..]
            .trim_start_matches(['"', '\''])
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
            .collect();
        encoding_rs::Encoding::for_label(label.as_bytes())
    });
    match declared {
        Some(encoding) if encoding != encoding_rs::UTF_8 => {
            encoding.decode_without_bom_handling(bytes).0.into_owned()
        }
        _ => match std::str::from_utf8(bytes) {
            Ok(text) => text.to_owned(),
            Err(_) => encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned(),
        },
    }
}

/// Reads a page's main content and metadata.
pub fn read(html: &str) -> Page {
    let doc = Html::parse_document(html);
    let mut blocks = Blocks::default();
    if let Some(root) = main_content(&doc) {
        walk(root, &mut blocks);
    }
    blocks.flush();
    Page {
        text: blocks.out.join("\n\n"),
        bib: metadata(&doc),
        lang: select_first(&doc, "html")
            .and_then(|h| h.value().attr("lang"))
            .and_then(|l| l.get(..2))
            .and_then(|l| l.parse().ok()),
    }
}

fn selector(css: &str) -> Selector {
    Selector::parse(css).expect("valid selector")
}

fn select_first<'a>(doc: &'a Html, css: &str) -> Option<ElementRef<'a>> {
    doc.select(&selector(css)).next()
}

/// The article, else the main element, else the body.
fn main_content(doc: &Html) -> Option<ElementRef<'_>> {
    let text_len = |e: &ElementRef| e.text().map(str::len).sum::<usize>();
    doc.select(&selector("article"))
        .filter(|e| !is_furniture(e))
        .max_by_key(text_len)
        .filter(|e| text_len(e) > 200)
        .or_else(|| select_first(doc, "main, [role=main]"))
        .or_else(|| select_first(doc, "body"))
}

fn is_furniture(e: &ElementRef) -> bool {
    let v = e.value();
    if SKIPPED.contains(&v.name()) || v.attr("hidden").is_some() {
        return true;
    }
    if v.attr("aria-hidden") == Some("true") || v.attr("role") == Some("navigation") {
        return true;
    }
    let words = format!(
        "{} {}",
        v.attr("class").unwrap_or(""),
        v.attr("id").unwrap_or("")
    )
    .to_ascii_lowercase();
    words
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| FURNITURE.iter().any(|f| w.contains(f)))
}

/// The blocks of text being written.
#[derive(Default)]
struct Blocks {
    out: Vec<String>,
    current: String,
    prefix: &'static str,
}

impl Blocks {
    fn flush(&mut self) {
        let text = self
            .current
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if !text.is_empty() {
            self.out.push(format!("{}{text}", self.prefix));
        }
        self.current.clear();
        self.prefix = "";
    }

    fn start(&mut self, prefix: &'static str) {
        self.flush();
        self.prefix = prefix;
    }
}

fn walk(element: ElementRef, blocks: &mut Blocks) {
    for child in element.children() {
        match child.value() {
            Node::Text(text) => blocks.current.push_str(text),
            Node::Element(e) => {
                let Some(child) = ElementRef::wrap(child) else {
                    continue;
                };
                if is_furniture(&child) {
                    continue;
                }
                let name = e.name();
                match name {
                    "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                        blocks.start("## ");
                        walk(child, blocks);
                        blocks.flush();
                    }
                    "li" => {
                        blocks.start("- ");
                        walk(child, blocks);
                        blocks.flush();
                    }
                    "br" => blocks.current.push('\n'),
                    "td" | "th" => {
                        blocks.current.push(' ');
                        walk(child, blocks);
                        blocks.current.push(' ');
                    }
                    _ if BLOCKS.contains(&name) => {
                        blocks.flush();
                        walk(child, blocks);
                        blocks.flush();
                    }
                    _ => walk(child, blocks),
                }
            }
            _ => {}
        }
    }
}

/// What the page says of itself.
fn metadata(doc: &Html) -> Bibliographic {
    let meta = |key: &str| {
        doc.select(&selector(&format!(
            "meta[property=\"{key}\"], meta[name=\"{key}\"]"
        )))
        .filter_map(|m| m.value().attr("content"))
        .map(str::trim)
        .find(|c| !c.is_empty())
        .map(str::to_owned)
    };
    let tags = Bibliographic {
        title: meta("og:title").or_else(|| {
            select_first(doc, "title").map(|t| t.text().collect::<String>().trim().to_owned())
        }),
        authors: meta("article:author")
            .filter(|a| !a.starts_with("http"))
            .or_else(|| meta("author"))
            .into_iter()
            .collect(),
        source: meta("og:site_name"),
        date: meta("article:published_time")
            .or_else(|| meta("date"))
            .or_else(|| meta("dc.date"))
            .and_then(|d| iso_date(&d)),
        url: select_first(doc, "link[rel=canonical]")
            .and_then(|l| l.value().attr("href"))
            .map(str::to_owned)
            .or_else(|| meta("og:url")),
        ..Bibliographic::default()
    };
    json_ld(doc).or(tags)
}

fn iso_date(value: &str) -> Option<PartialDate> {
    value.get(..10).and_then(|d| d.parse().ok())
}

/// The article described by the page's JSON-LD, if any.
fn json_ld(doc: &Html) -> Bibliographic {
    let mut found = Bibliographic::default();
    for script in doc.select(&selector("script[type=\"application/ld+json\"]")) {
        let text: String = script.text().collect();
        let Ok(value) = serde_json::from_str::<Value>(&text) else {
            continue;
        };
        let mut items = vec![&value];
        let mut articles = Vec::new();
        while let Some(item) = items.pop() {
            match item {
                Value::Array(list) => items.extend(list),
                Value::Object(map) => {
                    if let Some(graph) = map.get("@graph") {
                        items.push(graph);
                    }
                    let kind = map.get("@type").map(|t| t.to_string()).unwrap_or_default();
                    if kind.contains("Article")
                        || kind.contains("Posting")
                        || kind.contains("Report")
                    {
                        articles.push(map);
                    }
                }
                _ => {}
            }
        }
        for article in articles {
            let text = |key: &str| article.get(key).and_then(name_of);
            found = found.or(Bibliographic {
                title: text("headline").or_else(|| text("name")),
                authors: article.get("author").map(names).unwrap_or_default(),
                source: text("publisher"),
                date: text("datePublished").and_then(|d| iso_date(&d)),
                url: text("url").or_else(|| text("mainEntityOfPage")),
                ..Bibliographic::default()
            });
        }
    }
    found
}

/// A string, or the `name` (or `@id`) of an object.
fn name_of(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Object(map) => map.get("name").or_else(|| map.get("@id")).and_then(name_of),
        Value::Array(list) => list.iter().find_map(name_of),
        _ => None,
    }
}

fn names(value: &Value) -> Vec<String> {
    match value {
        Value::Array(list) => list.iter().filter_map(name_of).collect(),
        other => name_of(other).into_iter().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charsets() {
        assert_eq!(decode("<p>élan</p>".as_bytes()), "<p>élan</p>");
        assert_eq!(
            decode(b"<meta charset=\"windows-1252\"><p>\xe9lan</p>"),
            "<meta charset=\"windows-1252\"><p>élan</p>"
        );
        assert_eq!(decode(b"<p>\xe9lan</p>"), "<p>élan</p>");
    }

    #[test]
    fn content_without_furniture() {
        let page = read(
            "<html lang=\"fr-FR\"><head><title>T</title></head><body>\
             <nav><a href=\"/\">Accueil</a></nav>\
             <div class=\"cookie-banner\">Acceptez les cookies</div>\
             <h1>Titre</h1><p>Premier <b>paragraphe</b>.</p>\
             <ul><li>un</li><li>deux</li></ul>\
             <script>var x = 1;</script><footer>Mentions</footer></body></html>",
        );
        assert_eq!(
            page.text,
            "## Titre\n\nPremier paragraphe.\n\n- un\n\n- deux"
        );
        assert_eq!(page.lang, Some(Lang::French));
        assert_eq!(page.bib.title.as_deref(), Some("T"));
    }
}
