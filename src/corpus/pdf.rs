//! PDF files: their text by poppler's `pdftotext` (the standard extractor,
//! as Recoll uses it), in reading order with a form feed between pages;
//! their printed page labels (`/PageLabels`: roman front matter, a journal
//! issue starting at p. 231) read with lopdf; their title, author and
//! creation date from `pdfinfo`.
//!
//! Extraction is slow, so it happens once: the result is kept by content
//! hash in a cache directory (the index's), which a full rebuild keeps.

use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

use lopdf::{Dictionary, Object};
use serde::{Deserialize, Serialize};

use super::bibliographic::Bibliographic;
use super::date::PartialDate;
use crate::error::{Error, Result};

/// Debian's package with `pdftotext` and `pdfinfo`.
pub const POPPLER_PACKAGE: &str = "poppler-utils";

/// What a PDF gives.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PdfText {
    /// The text, pages separated by form feeds.
    pub text: String,
    /// The printed label of each physical page, in order.
    pub labels: Vec<String>,
    /// Title, author and date from the document information.
    pub bib: Bibliographic,
}

/// Reads a PDF, from the cache when it holds this content (`hash`);
/// returns it and whether it had to be extracted.
pub fn read(path: &Path, hash: &str, cache: Option<&Path>) -> Result<(PdfText, bool)> {
    let cached = cache.map(|dir| dir.join(format!("{hash}.json")));
    if let Some(file) = &cached {
        if let Some(pdf) = std::fs::read(file)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<PdfText>(&bytes).ok())
        {
            return Ok((pdf, false));
        }
    }
    let pdf = extract(path)?;
    if let Some(file) = &cached {
        // A cache that cannot be written only costs a later extraction.
        let _ = crate::mapped::write_whole(file, &serde_json::to_vec(&pdf).expect("serialises"));
    }
    Ok((pdf, true))
}

/// Extracts a PDF's text, page labels and metadata.
pub fn extract(path: &Path) -> Result<PdfText> {
    let output = Command::new("pdftotext")
        .args(["-enc", "UTF-8", "-q"])
        .arg(path)
        .arg("-")
        .output()
        .map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => Error::MissingTool {
                tool: "pdftotext",
                package: POPPLER_PACKAGE,
            },
            _ => Error::io(path, e),
        })?;
    let info = info(path);
    if !output.status.success() {
        let reason = if info.encrypted || output.status.code() == Some(3) {
            "encrypted PDF: its text cannot be read".to_owned()
        } else {
            "not a readable PDF (damaged or not a PDF)".to_owned()
        };
        return Err(Error::Unreadable {
            path: path.to_path_buf(),
            reason,
        });
    }
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    if letters < 20 {
        return Err(Error::NoTextLayer(path.to_path_buf()));
    }
    let pages = text.matches('\x0C').count().max(1);
    let labels = page_labels(path).unwrap_or_default();
    let labels = if labels.len() >= pages {
        labels
    } else {
        (1..=pages).map(|n| n.to_string()).collect()
    };
    Ok(PdfText {
        text,
        labels,
        bib: info.bib,
    })
}

/// What `pdfinfo` says.
#[derive(Default)]
struct Info {
    bib: Bibliographic,
    encrypted: bool,
}

fn info(path: &Path) -> Info {
    let Ok(output) = Command::new("pdfinfo")
        .args(["-enc", "UTF-8"])
        .arg(path)
        .output()
    else {
        return Info::default();
    };
    let text = String::from_utf8_lossy(&output.stdout);
    let mut info = Info::default();
    for line in text.lines() {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        match key {
            "Title" => info.bib.title = Some(value.to_owned()),
            "Author" => {
                info.bib.authors = value
                    .split([';', ','])
                    .map(str::trim)
                    .filter(|a| !a.is_empty())
                    .map(str::to_owned)
                    .collect()
            }
            "CreationDate" => info.bib.date = creation_date(value),
            "Encrypted" => info.encrypted = value.starts_with("yes"),
            _ => {}
        }
    }
    info
}

/// `Mon Nov 23 08:00:00 2026 UTC` or an ISO date, as pdfinfo writes them.
fn creation_date(value: &str) -> Option<PartialDate> {
    if let Some(date) = value.get(..10).and_then(|d| d.parse().ok()) {
        return Some(date);
    }
    let words: Vec<&str> = value.split_whitespace().collect();
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .iter()
    .position(|m| words.get(1) == Some(m))?;
    let day = words.get(2)?.parse().ok()?;
    let year = words.get(4)?.parse().ok()?;
    PartialDate::new(year, Some(month as u8 + 1), Some(day))
}

/// The printed label of each physical page, from the catalog's
/// `/PageLabels` number tree; `None` when the PDF has none.
pub fn page_labels(path: &Path) -> Option<Vec<String>> {
    let doc = lopdf::Document::load(path).ok()?;
    let pages = doc.get_pages().len();
    let catalog = doc.catalog().ok()?;
    let tree = resolve(&doc, catalog.get(b"PageLabels").ok()?)?
        .as_dict()
        .ok()?;
    let mut ranges = Vec::new();
    collect_ranges(&doc, tree, &mut ranges, 0);
    if ranges.is_empty() {
        return None;
    }
    ranges.sort_by_key(|(start, _)| *start);
    let mut labels = Vec::with_capacity(pages);
    for page in 0..pages {
        let (start, style) = ranges.iter().rev().find(|(start, _)| *start <= page)?;
        labels.push(style.label(page - start));
    }
    Some(labels)
}

fn resolve<'a>(doc: &'a lopdf::Document, object: &'a Object) -> Option<&'a Object> {
    match object {
        Object::Reference(id) => doc.get_object(*id).ok(),
        other => Some(other),
    }
}

/// The `(first page, style)` ranges of a number tree node.
fn collect_ranges(
    doc: &lopdf::Document,
    node: &Dictionary,
    out: &mut Vec<(usize, LabelStyle)>,
    depth: usize,
) {
    if depth > 16 {
        return;
    }
    if let Some(nums) = node
        .get(b"Nums")
        .ok()
        .and_then(|n| resolve(doc, n))
        .and_then(|n| n.as_array().ok())
    {
        for pair in nums.chunks(2) {
            let (Some(start), Some(dict)) = (
                pair.first().and_then(|s| s.as_i64().ok()),
                pair.get(1)
                    .and_then(|d| resolve(doc, d))
                    .and_then(|d| d.as_dict().ok()),
            ) else {
                continue;
            };
            if let Ok(start) = usize::try_from(start) {
                out.push((start, LabelStyle::from_dict(doc, dict)));
            }
        }
    }
    if let Some(kids) = node
        .get(b"Kids")
        .ok()
        .and_then(|k| resolve(doc, k))
        .and_then(|k| k.as_array().ok())
    {
        for kid in kids {
            if let Some(kid) = resolve(doc, kid).and_then(|k| k.as_dict().ok()) {
                collect_ranges(doc, kid, out, depth + 1);
            }
        }
    }
}

/// How the pages of a range are labelled.
#[derive(Clone, Debug, PartialEq, Eq)]
struct LabelStyle {
    /// `D`, `R`, `r`, `A`, `a`, or none (prefix only).
    style: Option<u8>,
    prefix: String,
    start: usize,
}

impl LabelStyle {
    fn from_dict(doc: &lopdf::Document, dict: &Dictionary) -> LabelStyle {
        let style = dict
            .get(b"S")
            .ok()
            .and_then(|s| s.as_name().ok())
            .and_then(|s| s.first().copied());
        let prefix = dict
            .get(b"P")
            .ok()
            .and_then(|p| resolve(doc, p))
            .and_then(|p| p.as_str().ok())
            .map(|p| lopdf::decode_text_string(&Object::string_literal(p)).unwrap_or_default())
            .unwrap_or_default();
        let start = dict
            .get(b"St")
            .ok()
            .and_then(|s| s.as_i64().ok())
            .and_then(|s| usize::try_from(s).ok())
            .unwrap_or(1);
        LabelStyle {
            style,
            prefix,
            start,
        }
    }

    /// The label of the `offset`-th page of the range.
    fn label(&self, offset: usize) -> String {
        let n = self.start + offset;
        let number = match self.style {
            Some(b'D') => n.to_string(),
            Some(b'R') => roman(n).to_uppercase(),
            Some(b'r') => roman(n),
            Some(b'A') => letters(n).to_uppercase(),
            Some(b'a') => letters(n),
            _ => String::new(),
        };
        format!("{}{number}", self.prefix)
    }
}

/// Lowercase roman numerals.
fn roman(mut n: usize) -> String {
    const NUMERALS: [(usize, &str); 13] = [
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ];
    let mut out = String::new();
    for (value, numeral) in NUMERALS {
        while n >= value {
            out.push_str(numeral);
            n -= value;
        }
    }
    out
}

/// `a`…`z`, then `aa`…`zz`, as PDF labels count.
fn letters(n: usize) -> String {
    if n == 0 {
        return String::new();
    }
    let letter = (b'a' + ((n - 1) % 26) as u8) as char;
    std::iter::repeat_n(letter, (n - 1) / 26 + 1).collect()
}

/// The cache directory of extracted PDFs in an index directory.
pub fn cache_dir(index_dir: &Path) -> PathBuf {
    index_dir.join("extracted")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_styles() {
        assert_eq!(roman(4), "iv");
        assert_eq!(roman(1994), "mcmxciv");
        assert_eq!(letters(1), "a");
        assert_eq!(letters(28), "bb");
        let style = LabelStyle {
            style: Some(b'R'),
            prefix: "A-".into(),
            start: 3,
        };
        assert_eq!(style.label(1), "A-IV");
    }

    #[test]
    fn pdfinfo_dates() {
        assert_eq!(
            creation_date("Mon Nov 23 08:00:00 2026 UTC")
                .unwrap()
                .to_string(),
            "2026-11-23"
        );
        assert_eq!(
            creation_date("2019-12-03T10:00:00+01").unwrap().to_string(),
            "2019-12-03"
        );
    }
}
