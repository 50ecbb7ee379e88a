//! Snippets: the extract of a passage shown with a hit, its matching
//! words located, by tantivy's `SnippetGenerator` for the passage's
//! language.

use std::ops::Range;

use serde::Serialize;
use tantivy::snippet::SnippetGenerator;

/// Longest snippet, in characters.
pub const SNIPPET_CHARS: usize = 240;

/// A highlighted extract of a passage.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Snippet {
    /// The extract, in the passage's wording.
    pub text: String,
    /// Byte ranges of `text` that match the query.
    pub highlights: Vec<Range<usize>>,
    /// Whether text was left out before the extract.
    pub cut_before: bool,
    /// Whether text was left out after the extract.
    pub cut_after: bool,
}

/// The snippet of `text`: the best fragment for the query, or its
/// beginning when no word of the query is in it.
pub fn make_snippet(generator: &SnippetGenerator, text: &str) -> Snippet {
    let snippet = generator.snippet(text);
    if snippet.is_empty() {
        let end = text
            .char_indices()
            .nth(SNIPPET_CHARS)
            .map_or(text.len(), |(i, _)| i);
        let end = text[..end]
            .rfind(char::is_whitespace)
            .filter(|_| end < text.len())
            .unwrap_or(end);
        return Snippet {
            text: text[..end].trim_end().to_owned(),
            highlights: Vec::new(),
            cut_before: false,
            cut_after: end < text.len(),
        };
    }
    let range = snippet.fragment_range();
    Snippet {
        text: snippet.fragment().to_owned(),
        highlights: snippet.highlighted().to_vec(),
        cut_before: range.start > 0,
        cut_after: range.end < text.len(),
    }
}
