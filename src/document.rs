//! One source document, read and prepared for the index: decoded, cleaned,
//! cut into passages, each passage given a language and a stable id.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::corpus::decode::{decode, Decoded};
use crate::corpus::meta::{extract, SourceMeta};
use crate::corpus::{default_key, Manifest, SourceFile};
use crate::error::{Error, Result, Warning};
use crate::lang::{Lang, LangDetector};
use crate::text::clean::line_range;
use crate::text::{clean, split, BlockKind, Span};

/// A citable passage of a document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Passage {
    /// Stable id: the document key and a hash of the passage's normalised
    /// text (`tf1-2021-10-18:3f9a2c`).
    pub id: String,
    /// Position in the document, from 0.
    pub ordinal: u32,
    /// What the passage is: `paragraph`, `list`, `footnote`, `caption`.
    pub kind: String,
    /// Heading of the section it belongs to.
    pub section: Option<String>,
    /// The passage in the source's (repaired) wording.
    pub text: String,
    /// First line in the source file, 1-based.
    pub line_start: u32,
    /// Last line in the source file, 1-based.
    pub line_end: u32,
    /// Language.
    pub lang: Lang,
    /// Source lines of the text's pieces: from byte `offset` of `text` on,
    /// the text comes from source line `line`.
    pub spans: Vec<Span>,
}

impl Passage {
    /// First and last source line of the bytes `start..end` of the text.
    pub fn line_range(&self, start: usize, end: usize) -> (u32, u32) {
        if self.spans.is_empty() {
            return (self.line_start, self.line_end);
        }
        line_range(&self.spans, start, end)
    }

    /// The spans as stored in the index: `offset:line` pairs joined by `;`.
    pub fn spans_to_string(&self) -> String {
        self.spans
            .iter()
            .map(|s| format!("{}:{}", s.offset, s.line))
            .collect::<Vec<_>>()
            .join(";")
    }

    /// Reads spans written by [`Passage::spans_to_string`].
    pub fn spans_from_str(text: &str) -> Vec<Span> {
        text.split(';')
            .filter_map(|pair| {
                let (offset, line) = pair.split_once(':')?;
                Some(Span {
                    offset: offset.parse().ok()?,
                    line: line.parse().ok()?,
                })
            })
            .collect()
    }
}

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

/// Hex digits of the content hash in a passage id.
const ID_HASH_LEN: usize = 6;

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
    let hash = blake3::hash(&bytes).to_hex().to_string();
    let text = match decode(&bytes) {
        Decoded::Utf8(text) => text,
        Decoded::Windows1252(text) => {
            warnings.push(Warning::file(
                &file.abs,
                "not valid UTF-8; read as Windows-1252",
            ));
            text
        }
        Decoded::Binary => {
            return Err(Error::io(
                &file.abs,
                std::io::Error::new(std::io::ErrorKind::InvalidData, "binary file, not text"),
            ))
        }
    };
    Ok((prepare(&file.rel, &text, manifest, detector), hash))
}

/// Prepares a document from its text.
pub fn prepare(rel: &str, text: &str, manifest: &Manifest, detector: &LangDetector) -> Document {
    let meta = SourceMeta::resolve(rel, default_key(rel), manifest.get(rel), extract(text));
    let raw = split(&clean(text), detector);

    // The dominant language: most words among reliable detections.
    let detections: Vec<_> = raw.iter().map(|p| detector.detect(&p.text)).collect();
    let mut words: HashMap<Lang, usize> = HashMap::new();
    for (p, d) in raw.iter().zip(&detections) {
        if let Some(d) = d.filter(|d| d.reliable) {
            *words.entry(d.lang).or_default() += p.text.split_whitespace().count();
        }
    }
    let dominant = meta.lang.unwrap_or_else(|| {
        words
            .into_iter()
            .max_by_key(|(lang, n)| (*n, *lang == Lang::French))
            .map_or(Lang::French, |(lang, _)| lang)
    });

    let mut meta = meta;
    meta.main_lang = Some(dominant);
    let mut seen: HashMap<String, u32> = HashMap::new();
    let passages = raw
        .into_iter()
        .zip(detections)
        .enumerate()
        .map(|(i, (p, detection))| {
            let lang = match (meta.lang, detection) {
                (Some(forced), _) => forced,
                (None, Some(d)) if d.reliable => d.lang,
                _ => dominant,
            };
            let mut id = passage_id(&meta.key, &p.text);
            let n = seen.entry(id.clone()).or_insert(0);
            *n += 1;
            if *n > 1 {
                id = format!("{id}-{n}");
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

/// The id of a passage: `KEY:HASH`, the hash taken over the text with case,
/// apostrophes and white space normalised, so that re-wrapping or a change
/// of quote style keeps the id.
pub fn passage_id(key: &str, text: &str) -> String {
    let hash = blake3::hash(normalize(text).as_bytes()).to_hex();
    format!("{key}:{}", &hash[..ID_HASH_LEN])
}

/// Lowercases, unifies apostrophes and quotes, collapses white space.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in word.chars() {
            match c {
                '’' | '‘' | 'ʼ' | '´' => out.push('\''),
                '“' | '”' | '«' | '»' => out.push('"'),
                c => out.extend(c.to_lowercase()),
            }
        }
    }
    out
}

/// The passage sharing the largest part of its words with `text` (Dice
/// coefficient over lowercased word sets), if any shares one.
pub fn closest<'a>(text: &str, passages: &'a [Passage]) -> Option<&'a Passage> {
    let words = word_set(text);
    passages
        .iter()
        .map(|p| (similarity(&words, &word_set(&p.text)), p))
        .filter(|(s, _)| *s > 0.0)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, p)| p)
}

/// Lowercased words, apostrophes normalised.
pub fn word_set(text: &str) -> std::collections::HashSet<String> {
    normalize(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Dice coefficient of two word sets.
pub fn similarity(
    a: &std::collections::HashSet<String>,
    b: &std::collections::HashSet<String>,
) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 0.0;
    }
    2.0 * a.intersection(b).count() as f64 / (a.len() + b.len()) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_ignore_wrapping_case_and_apostrophes() {
        let a = passage_id("doc", "L’OTAN et\nla Russie");
        let b = passage_id("doc", "l'OTAN  et la russie");
        assert_eq!(a, b);
        assert!(a.starts_with("doc:") && a.len() == 4 + ID_HASH_LEN);
        assert_ne!(a, passage_id("doc", "L’OTAN et l’Ukraine"));
    }
}
