//! A citable passage and its stable id.
//!
//! A [`PassageId`] is `DOC:HASH`: the document key and the first hex digits
//! of a blake3 hash of the passage's text in normal form (case,
//! apostrophes, quotes and spacing set aside), so that re-wrapping or a
//! change of quote style keeps the id; a passage repeated in its document
//! gets `-2`, `-3`… after the hash. In notes an id is written `[nrel:ID]`
//! ([`PassageId::reference`]).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::lang::Lang;
use crate::text::similarity::normalize;
use crate::text::span::{line_range, Span};

/// Hex digits of the content hash in a passage id.
const HASH_LEN: usize = 6;

/// A stable passage id, `DOC:HASH`.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PassageId(String);

impl PassageId {
    /// The id of a passage of document `doc` with this text.
    pub fn new(doc: &str, text: &str) -> PassageId {
        let hash = crate::fingerprint::hex(normalize(text).as_bytes());
        PassageId(format!("{doc}:{}", &hash[..HASH_LEN]))
    }

    /// An id as written by someone (a note, the command line), unchecked.
    pub fn parse(text: &str) -> PassageId {
        PassageId(text.trim().to_owned())
    }

    /// The document key: what stands before the last `:` (the whole id
    /// when there is none).
    pub fn doc(&self) -> &str {
        self.0.rsplit_once(':').map_or(&self.0, |(doc, _)| doc)
    }

    /// The hash part, after the last `:`.
    pub fn hash(&self) -> &str {
        self.0.rsplit_once(':').map_or("", |(_, hash)| hash)
    }

    /// The same passage in a document whose key became `doc`.
    pub fn with_doc(&self, doc: &str) -> PassageId {
        PassageId(format!("{doc}:{}", self.hash()))
    }

    /// The `n`-th passage of the document with this text (`n` ≥ 2).
    pub fn repeated(&self, n: u32) -> PassageId {
        PassageId(format!("{}-{n}", self.0))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The reference written in notes: `[nrel:ID]`.
    pub fn reference(&self) -> String {
        format!("[nrel:{}]", self.0)
    }
}

impl fmt::Display for PassageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A citable passage of a document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Passage {
    /// Stable id (`tf1-2021-10-18:3f9a2c`).
    pub id: PassageId,
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
    /// For paged sources (PDF), the printed page of the first line, then
    /// each page change within the passage; empty otherwise.
    #[serde(default)]
    pub pages: Vec<PageMark>,
}

/// From source line `line` on, the text is on the page printed `label`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageMark {
    /// Source line, 1-based.
    pub line: u32,
    /// The page's printed label (`12`, `xiv`).
    pub label: String,
}

impl Passage {
    /// The printed labels of the first and last pages of source lines
    /// `first..=last`; `None` for unpaged sources.
    pub fn pages(&self, (first, last): (u32, u32)) -> Option<(&str, &str)> {
        let at = |line: u32| {
            self.pages
                .iter()
                .rev()
                .find(|m| m.line <= line)
                .or(self.pages.first())
                .map(|m| m.label.as_str())
        };
        Some((at(first)?, at(last)?))
    }

    /// The pages of the whole passage.
    pub fn page_range(&self) -> Option<(&str, &str)> {
        self.pages((self.line_start, self.line_end))
    }

    /// First and last source line of the bytes `start..end` of the text.
    pub fn line_range(&self, start: usize, end: usize) -> (u32, u32) {
        if self.spans.is_empty() {
            return (self.line_start, self.line_end);
        }
        line_range(&self.spans, start, end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_ignore_wrapping_case_and_apostrophes() {
        let a = PassageId::new("doc", "L’OTAN et\nla Russie");
        let b = PassageId::new("doc", "l'OTAN  et la russie");
        assert_eq!(a, b);
        assert!(a.as_str().starts_with("doc:") && a.as_str().len() == 4 + HASH_LEN);
        assert_ne!(a, PassageId::new("doc", "L’OTAN et l’Ukraine"));
    }

    #[test]
    fn pages_of_lines() {
        let mark = |line, label: &str| PageMark {
            line,
            label: label.into(),
        };
        let passage = Passage {
            id: PassageId::parse("d:000000"),
            ordinal: 0,
            kind: "paragraph".into(),
            section: None,
            text: String::new(),
            line_start: 10,
            line_end: 14,
            lang: Lang::French,
            spans: Vec::new(),
            pages: vec![mark(10, "xii"), mark(13, "1")],
        };
        assert_eq!(passage.page_range(), Some(("xii", "1")));
        assert_eq!(passage.pages((10, 12)), Some(("xii", "xii")));
        let unpaged = Passage {
            pages: Vec::new(),
            ..passage
        };
        assert_eq!(unpaged.page_range(), None);
    }

    #[test]
    fn parts_and_forms() {
        let id = PassageId::parse("otan-russie-2011:a7e7f9");
        assert_eq!((id.doc(), id.hash()), ("otan-russie-2011", "a7e7f9"));
        assert_eq!(id.with_doc("x").as_str(), "x:a7e7f9");
        assert_eq!(id.repeated(2).as_str(), "otan-russie-2011:a7e7f9-2");
        assert_eq!(id.reference(), "[nrel:otan-russie-2011:a7e7f9]");
        assert_eq!(PassageId::parse("bare").doc(), "bare");
    }
}
