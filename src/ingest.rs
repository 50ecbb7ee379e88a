//! One source file, read and prepared for the index: decoded, its metadata
//! resolved, cleaned, cut into passages, each passage given a language and
//! a stable id. This is the pipeline and nothing else; each step lives in
//! its own module.

use std::collections::HashMap;

use crate::corpus::decode::{decode, Decoded};
use crate::corpus::extract::{extract, is_metadata_line};
use crate::corpus::meta::SourceMeta;
use crate::corpus::{default_key, front_matter, Manifest, SourceFile};
use crate::error::{Error, Result, Warning};
use crate::lang::{Lang, LangDetector};
use crate::passage::{Passage, PassageId};
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

/// Reads, cleans and splits one source file, and returns it with the
/// blake3 hash of the bytes read. A file that cannot be read or is binary is
/// an error for that file only.
pub fn load(
    file: &SourceFile,
    manifest: &Manifest,
    detector: &LangDetector,
    warnings: &mut Vec<Warning>,
) -> Result<(Document, String)> {
    let bytes = std::fs::read(&file.abs).map_err(|e| Error::io(&file.abs, e))?;
    let hash = crate::fingerprint::hex(&bytes);
    let text = match decode(&bytes) {
        Decoded::Utf8(text) => text,
        Decoded::Windows1252(text) => {
            warnings.push(Warning::file(
                &file.abs,
                "not valid UTF-8; read as Windows-1252",
            ));
            text
        }
        Decoded::Binary => return Err(Error::NotText(file.abs.clone())),
    };
    Ok((prepare(&file.rel, &text, manifest, detector), hash))
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

/// Prepares a document from its text.
pub fn prepare(rel: &str, text: &str, manifest: &Manifest, detector: &LangDetector) -> Document {
    let meta = SourceMeta::resolve(rel, default_key(rel), manifest.get(rel), extract(text));
    let raw = split(&clean_text(text), detector);

    // The dominant language: most words among reliable detections.
    let detections: Vec<_> = raw.iter().map(|p| detector.detect(&p.text)).collect();
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

    let mut meta = meta;
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
