//! One source file, read and prepared for the index: read in its format
//! (text, PDF, HTML), its metadata resolved, cleaned, cut into passages,
//! each passage given a language, its pages and a stable id. This is the
//! pipeline and nothing else; each step lives in its own module.

use std::collections::HashMap;

use std::path::Path;

use crate::corpus::decode::{decode, Decoded};
use crate::corpus::extract::{extract, is_metadata_line};
use crate::corpus::meta::SourceMeta;
use crate::corpus::{default_key, front_matter, html, pdf, Bibliographic, Manifest, SourceFile};
use crate::error::{Error, Result, Warning};
use crate::lang::{Lang, LangDetector};
use crate::passage::{PageMark, Passage, PassageId};
use crate::text::{clean, split, Block, BlockKind, Metadata};

/// A document ready to be indexed.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    /// Its metadata.
    pub meta: SourceMeta,
    /// Its passages, in order.
    pub passages: Vec<Passage>,
    /// The language most of its text is in.
    pub lang: Lang,
}

impl Document {
    /// Gives the document (and its passages' ids) another key.
    pub fn rekey(&mut self, doc: &str) {
        self.meta.doc = doc.to_owned();
        for p in &mut self.passages {
            p.id = p.id.with_doc(doc);
        }
    }
}

/// What a file's format says beside its text.
#[derive(Clone, Debug, Default)]
pub struct Format {
    /// `pdf` or `html`; `None` for text files.
    pub name: Option<&'static str>,
    /// The metadata the format carries (PDF information, page tags).
    pub bib: Bibliographic,
    /// Whether that metadata wins over what the text says (a web page's
    /// tags do; a PDF's information, often a file name, does not).
    pub bib_first: bool,
    /// The printed label of each page, for paged formats; pages are
    /// separated by form feeds in the text.
    pub pages: Option<Vec<String>>,
}

/// A file read: the document, the hash of its bytes, and whether a PDF had
/// to be extracted (not found in the cache).
pub struct Loaded {
    /// The document.
    pub doc: Document,
    /// blake3 of the file's bytes.
    pub hash: String,
    /// Whether text was extracted from a PDF this time.
    pub extracted: bool,
}

/// Reads, cleans and splits one source file. A file that cannot be read,
/// is binary, or is a PDF without text is an error for that file only.
/// Extracted PDF text is cached in `cache`.
pub fn load(
    file: &SourceFile,
    manifest: &Manifest,
    detector: &LangDetector,
    cache: Option<&Path>,
    warnings: &mut Vec<Warning>,
) -> Result<Loaded> {
    let bytes = std::fs::read(&file.abs).map_err(|e| Error::io(&file.abs, e))?;
    let hash = crate::fingerprint::hex(&bytes);
    let extension = file
        .rel
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase());
    let (text, format, extracted) = match extension.as_deref() {
        Some("pdf") => {
            let (pdf, extracted) = pdf::read(&file.abs, &hash, cache)?;
            let format = Format {
                name: Some("pdf"),
                bib: pdf.bib,
                bib_first: false,
                pages: Some(pdf.labels),
            };
            (pdf.text, format, extracted)
        }
        Some("html" | "htm") => {
            let page = html::read(&html::decode(&bytes));
            let format = Format {
                name: Some("html"),
                bib: page.bib,
                bib_first: true,
                pages: None,
            };
            (page.text, format, false)
        }
        _ => (
            decode_text(file, &bytes, warnings)?,
            Format::default(),
            false,
        ),
    };
    Ok(Loaded {
        doc: prepare_format(&file.rel, &text, &format, manifest, detector),
        hash,
        extracted,
    })
}

/// A text file's bytes as text.
fn decode_text(file: &SourceFile, bytes: &[u8], warnings: &mut Vec<Warning>) -> Result<String> {
    Ok(match decode(bytes) {
        Decoded::Utf8(text) => text,
        Decoded::Windows1252(text) => {
            warnings.push(Warning::file(
                &file.abs,
                "not valid UTF-8; read as Windows-1252",
            ));
            text
        }
        Decoded::Binary => return Err(Error::NotText(file.abs.clone())),
    })
}

/// Cleans a document's text into blocks, its metadata lines (front matter,
/// publication lines, bylines) left out.
pub fn clean_text(text: &str) -> Vec<Block> {
    let metadata = Metadata {
        header_lines: front_matter::parse(text).map_or(0, |f| f.lines),
        is_metadata: &is_metadata_line,
    };
    clean(text, &metadata)
}

/// Prepares a document from the text of a text file.
pub fn prepare(rel: &str, text: &str, manifest: &Manifest, detector: &LangDetector) -> Document {
    prepare_format(rel, text, &Format::default(), manifest, detector)
}

/// Prepares a document from its text and what its format says.
pub fn prepare_format(
    rel: &str,
    text: &str,
    format: &Format,
    manifest: &Manifest,
    detector: &LangDetector,
) -> Document {
    let said = extract(text);
    let extracted = if format.bib_first {
        format.bib.clone().or(said)
    } else {
        said.or(format.bib.clone())
    };
    let mut meta = SourceMeta::resolve(rel, default_key(rel), manifest.get(rel), extracted);
    meta.format = format.name.map(str::to_owned);
    let page_of_line = format.pages.as_ref().map(|labels| page_marks(text, labels));
    let raw = split(&clean_text(text), detector);

    // The dominant language: most words among reliable detections.
    let detections: Vec<_> = raw
        .iter()
        .map(|p| p.detection.unwrap_or_else(|| detector.detect(&p.text)))
        .collect();
    let mut words: HashMap<Lang, usize> = HashMap::new();
    for (p, d) in raw.iter().zip(&detections) {
        if let Some(d) = d.filter(|d| d.reliable) {
            *words.entry(d.lang).or_default() += p.text.split_whitespace().count();
        }
    }
    let dominant = meta.forced_lang.unwrap_or_else(|| {
        words
            .into_iter()
            .max_by_key(|(lang, n)| (*n, *lang == Lang::French))
            .map_or(Lang::French, |(lang, _)| lang)
    });

    meta.main_lang = Some(dominant);
    let mut seen: HashMap<PassageId, u32> = HashMap::new();
    let passages = raw
        .into_iter()
        .zip(detections)
        .enumerate()
        .map(|(i, (p, detection))| {
            let lang = match (meta.forced_lang, detection) {
                (Some(forced), _) => forced,
                (None, Some(d)) if d.reliable => d.lang,
                _ => dominant,
            };
            let mut id = PassageId::new(&meta.doc, &p.text);
            let n = seen.entry(id.clone()).or_insert(0);
            *n += 1;
            if *n > 1 {
                id = id.repeated(*n);
            }
            Passage {
                id,
                ordinal: i as u32,
                kind: p.kind.name().to_owned(),
                section: p.section.filter(|_| p.kind != BlockKind::Heading),
                text: p.text,
                line_start: p.line_start,
                line_end: p.line_end,
                lang,
                pages: page_of_line
                    .as_ref()
                    .map(|marks| pages_of(marks, p.line_start, p.line_end))
                    .unwrap_or_default(),
                spans: p.spans,
            }
        })
        .collect();
    Document {
        meta,
        passages,
        lang: dominant,
    }
}

/// The page label of each line of a text whose pages are separated by form
/// feeds (a line starting with one is on the next page).
fn page_marks(text: &str, labels: &[String]) -> Vec<String> {
    let mut page = 0;
    text.lines()
        .map(|line| {
            page += line.chars().take_while(|c| *c == '\x0C').count();
            let label = labels
                .get(page)
                .cloned()
                .unwrap_or_else(|| (page + 1).to_string());
            page += line.trim_start_matches('\x0C').matches('\x0C').count();
            label
        })
        .collect()
}

/// The page marks of lines `start..=end` (1-based): the label in force at
/// the first line, then each change.
fn pages_of(labels: &[String], start: u32, end: u32) -> Vec<PageMark> {
    let mut marks: Vec<PageMark> = Vec::new();
    for line in start.max(1)..=end {
        let Some(label) = labels.get(line as usize - 1) else {
            break;
        };
        if marks.last().is_none_or(|m| m.label != *label) {
            marks.push(PageMark {
                line,
                label: label.clone(),
            });
        }
    }
    marks
}
