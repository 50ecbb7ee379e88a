//! JSON Lines: one object per hit. The keys are documented in README.md
//! ("JSON output") and stay stable.

use std::io::{self, Write};

use serde::Serialize;

use crate::corpus::SourceMeta;
use crate::passage::Passage;
use crate::search::Hit;

/// A passage with its document's metadata, as JSON output writes it.
#[derive(Serialize)]
pub struct JsonPassage<'a> {
    /// Passage id.
    pub id: &'a str,
    /// Document key.
    pub doc: &'a str,
    /// Path inside the corpus.
    pub path: &'a str,
    /// Document title.
    pub title: Option<&'a str>,
    /// Publisher or source.
    pub source: Option<&'a str>,
    /// Authors joined with `; `.
    pub author: Option<String>,
    /// Authors.
    pub authors: &'a [String],
    /// Document date (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`).
    pub date: Option<String>,
    /// Address of the original.
    pub url: Option<&'a str>,
    /// Passage language, `fr` or `en`.
    pub lang: &'a str,
    /// Section heading.
    pub section: Option<&'a str>,
    /// Passage kind.
    pub kind: &'a str,
    /// First source line.
    pub line_start: u32,
    /// Last source line.
    pub line_end: u32,
    /// Printed label of the first page (PDF), else null.
    pub page_start: Option<&'a str>,
    /// Printed label of the last page (PDF), else null.
    pub page_end: Option<&'a str>,
    /// The whole passage, cleaned, in the source's wording.
    pub text: &'a str,
}

impl<'a> JsonPassage<'a> {
    /// The JSON form of a passage of a document.
    pub fn new(p: &'a Passage, meta: &'a SourceMeta) -> Self {
        let bib = &meta.bib;
        JsonPassage {
            id: p.id.as_str(),
            doc: &meta.doc,
            path: &meta.path,
            title: bib.title.as_deref(),
            source: bib.source.as_deref(),
            author: (!bib.authors.is_empty()).then(|| bib.authors.join("; ")),
            authors: &bib.authors,
            date: bib.date.map(|d| d.to_string()),
            url: bib.url.as_deref(),
            lang: p.lang.code(),
            section: p.section.as_deref(),
            kind: &p.kind,
            line_start: p.line_start,
            line_end: p.line_end,
            page_start: p.page_range().map(|(first, _)| first),
            page_end: p.page_range().map(|(_, last)| last),
            text: &p.text,
        }
    }
}

/// One hit as written on a line.
#[derive(Serialize)]
pub struct JsonHit<'a> {
    /// 1-based rank.
    pub rank: usize,
    /// The score: BM25, fused (hybrid) or cosine (semantic).
    pub score: f32,
    /// The BM25 score, when BM25 found the passage.
    pub bm25: Option<f32>,
    /// The cosine similarity with the query, when the semantic search
    /// found the passage.
    pub semantic: Option<f32>,
    /// The id of the hit before it that this passage says the same as,
    /// in the other language (its translation, or the original).
    pub counterpart_of: Option<&'a str>,
    /// Whether the first places' variety kept it below them, though it
    /// ranked before one of their passages (`--per-doc`).
    pub held_back: bool,
    /// Whether it was placed among the first hits as the other language's
    /// best passage, above passages that score higher.
    pub placed_for_language: bool,
    /// The passage and its document.
    #[serde(flatten)]
    pub passage: JsonPassage<'a>,
    /// The extract shown to people.
    pub snippet: &'a str,
    /// Byte ranges of `snippet` that match the query.
    pub highlights: Vec<[usize; 2]>,
}

impl<'a> From<&'a Hit> for JsonHit<'a> {
    fn from(hit: &'a Hit) -> Self {
        JsonHit {
            rank: hit.rank,
            score: hit.score,
            bm25: hit.bm25,
            semantic: hit.semantic,
            counterpart_of: hit.counterpart_of.as_ref().map(|(id, _)| id.as_str()),
            held_back: hit.held_back,
            placed_for_language: hit.placed_for_language,
            passage: JsonPassage::new(&hit.passage, &hit.meta),
            snippet: &hit.snippet.text,
            highlights: hit
                .snippet
                .highlights
                .iter()
                .map(|r| [r.start, r.end])
                .collect(),
        }
    }
}

/// Writes one JSON object and a newline.
pub fn write_line(out: &mut dyn Write, value: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    writeln!(out)
}

/// Prints one JSON object per hit.
pub fn print_hits(out: &mut dyn Write, hits: &[Hit]) -> io::Result<()> {
    for hit in hits {
        write_line(out, &JsonHit::from(hit))?;
    }
    Ok(())
}
