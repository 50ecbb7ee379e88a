//! Snippets: the extract of a passage shown with a hit, its matching
//! words located, by tantivy's `SnippetGenerator` for the passage's
//! language.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Serialize;
use tantivy::query::Query;
use tantivy::snippet::SnippetGenerator;
use tantivy::Searcher;

use crate::analysis::{analyzer, tokens};
use crate::error::Result;
use crate::index::Fields;
use crate::lang::Lang;

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

/// A snippet generator per language, for the terms of `query`.
pub fn generators(
    searcher: &Searcher,
    query: &dyn Query,
    fields: &Fields,
) -> Result<Vec<(Lang, SnippetGenerator)>> {
    let mut out = Vec::new();
    for lang in Lang::ALL {
        let mut generator = SnippetGenerator::create(searcher, query, fields.text_for(lang))?;
        generator.set_max_num_chars(SNIPPET_CHARS);
        out.push((lang, generator));
    }
    Ok(out)
}

/// A snippet generator per language for words one letter away from the
/// query's: the words of `texts` that matched approximately are what is
/// highlighted (tantivy's fuzzy queries do not say which words matched).
pub fn approximate_generators<'a>(
    query_words: &str,
    texts: impl Iterator<Item = (Lang, &'a str)> + Clone,
    fields: &Fields,
) -> Vec<(Lang, SnippetGenerator)> {
    Lang::ALL
        .into_iter()
        .map(|lang| {
            let mut analyzer = analyzer(lang);
            let wanted = tokens(&mut analyzer, query_words);
            let mut terms = BTreeMap::new();
            for (_, text) in texts.clone().filter(|(l, _)| *l == lang) {
                for token in tokens(&mut analyzer, text) {
                    if wanted.iter().any(|w| {
                        strsim::osa_distance(w, &token) <= usize::from(super::query::FUZZY_DISTANCE)
                    }) {
                        terms.insert(token, 1.0);
                    }
                }
            }
            let generator =
                SnippetGenerator::new(terms, analyzer, fields.text_for(lang), SNIPPET_CHARS);
            (lang, generator)
        })
        .collect()
}

/// The snippet of `text`: the best fragment for the query, or its
/// beginning when no word of the query is in it.
pub fn make_snippet(generator: &SnippetGenerator, text: &str) -> Snippet {
    let snippet = generator.snippet(text);
    if snippet.is_empty() {
        return lead(text);
    }
    let range = snippet.fragment_range();
    Snippet {
        text: snippet.fragment().to_owned(),
        highlights: snippet.highlighted().to_vec(),
        cut_before: range.start > 0,
        cut_after: range.end < text.len(),
    }
}

/// The beginning of a passage, for a hit that matched no word.
pub fn lead(text: &str) -> Snippet {
    let end = text
        .char_indices()
        .nth(SNIPPET_CHARS)
        .map_or(text.len(), |(i, _)| i);
    let end = text[..end]
        .rfind(char::is_whitespace)
        .filter(|_| end < text.len())
        .unwrap_or(end);
    Snippet {
        text: text[..end].trim_end().to_owned(),
        highlights: Vec::new(),
        cut_before: false,
        cut_after: end < text.len(),
    }
}
