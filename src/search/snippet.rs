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

/// A phrase searched in one language: its analysed terms and each one's
/// offset from the first.
#[derive(Clone, Debug, PartialEq)]
pub struct Phrase {
    /// The language (the field) it is searched in.
    pub lang: Lang,
    /// Its terms.
    pub terms: Vec<String>,
    /// Each term's offset from the first.
    pub positions: Vec<usize>,
}

/// What a snippet highlights in one language: the words of the query,
/// and the phrases that are highlighted only whole.
pub struct Highlighter {
    generator: SnippetGenerator,
    lang: Lang,
    phrases: Vec<Phrase>,
}

/// What a plain query's snippets highlight besides its terms.
pub struct Plainly<'a> {
    /// Its translations of several words (`Organisation du traité de
    /// l'Atlantique Nord` for *NATO*): a term that the query searches only
    /// within one is highlighted only where the whole phrase stands, not
    /// wherever it occurs alone.
    pub phrases: &'a [Phrase],
    /// Its excluded words' queries: their terms are not highlighted (a
    /// word of an excluded phrase may stand alone in a hit).
    pub excluded: &'a [Box<dyn Query>],
}

/// A highlighter per language, for the terms of `query` (of a plain
/// query, as [`Plainly`] says).
pub fn generators(
    searcher: &Searcher,
    query: &dyn Query,
    fields: &Fields,
    plain: Option<Plainly<'_>>,
) -> Result<Vec<Highlighter>> {
    let mut out = Vec::new();
    for lang in Lang::ALL {
        let field = fields.text_for(lang);
        let (generator, phrases) = match &plain {
            None => {
                let mut generator = SnippetGenerator::create(searcher, query, field)?;
                generator.set_max_num_chars(SNIPPET_CHARS);
                (generator, Vec::new())
            }
            Some(plain) => {
                let phrases: Vec<Phrase> = plain
                    .phrases
                    .iter()
                    .filter(|p| p.lang == lang)
                    .cloned()
                    .collect();
                let weights = weighed(searcher, query, field, &phrases, plain.excluded)?;
                let analyzer = searcher.index().tokenizer_for_field(field)?;
                let generator = SnippetGenerator::new(weights, analyzer, field, SNIPPET_CHARS);
                (generator, phrases)
            }
        };
        out.push(Highlighter {
            generator,
            lang,
            phrases,
        });
    }
    Ok(out)
}

/// The terms of `query` in `field`, each weighed as tantivy's snippet
/// generator weighs them (rarer terms more), but for those it searches
/// only within one of `phrases` and those of `excluded`.
fn weighed(
    searcher: &Searcher,
    query: &dyn Query,
    field: tantivy::schema::Field,
    phrases: &[Phrase],
    excluded: &[Box<dyn Query>],
) -> Result<BTreeMap<String, f32>> {
    let mut terms = std::collections::BTreeSet::new();
    let mut alone = std::collections::BTreeSet::new();
    query.query_terms(&mut |term, with_positions| {
        if term.field() == field {
            terms.insert(term.clone());
            if !with_positions {
                alone.insert(term.clone());
            }
        }
    });
    for query in excluded {
        query.query_terms(&mut |term, _| {
            terms.remove(term);
        });
    }
    let in_phrase = |term: &tantivy::Term| {
        term.value()
            .as_str()
            .is_some_and(|t| phrases.iter().any(|p| p.terms.iter().any(|pt| pt == t)))
    };
    terms.retain(|t| alone.contains(t) || !in_phrase(t));
    let mut out = BTreeMap::new();
    for term in terms {
        let Some(text) = term.value().as_str().map(str::to_owned) else {
            continue;
        };
        let doc_freq = searcher.doc_freq(&term)?;
        if doc_freq > 0 {
            out.insert(text, 1.0 / (1.0 + doc_freq as f32));
        }
    }
    Ok(out)
}

impl Highlighter {
    /// The language whose passages it highlights.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The snippet of `text`, its phrases highlighted where they stand
    /// whole.
    pub fn snippet(&self, text: &str) -> Snippet {
        let mut snippet = make_snippet(&self.generator, text);
        if self.phrases.is_empty() {
            return snippet;
        }
        let mut found: Vec<(usize, String, Range<usize>)> = Vec::new();
        {
            let mut analyzer = analyzer(self.lang);
            let mut stream = analyzer.token_stream(&snippet.text);
            while let Some(t) = stream.next() {
                found.push((t.position, t.text.clone(), t.offset_from..t.offset_to));
            }
        }
        let mut ranges = std::mem::take(&mut snippet.highlights);
        for phrase in &self.phrases {
            for (i, (start, first, from)) in found.iter().enumerate() {
                if *first != phrase.terms[0] {
                    continue;
                }
                // Each further term, at its offset from the first.
                let rest: Option<Vec<&Range<usize>>> = phrase
                    .terms
                    .iter()
                    .zip(&phrase.positions)
                    .skip(1)
                    .map(|(term, offset)| {
                        found[i + 1..]
                            .iter()
                            .find(|(p, t, _)| *p == start + offset && t == term)
                            .map(|(_, _, r)| r)
                    })
                    .collect();
                if let Some(rest) = rest {
                    ranges.push(from.start..rest.last().map_or(from.end, |r| r.end));
                }
            }
        }
        snippet.highlights = tantivy::snippet::collapse_overlapped_ranges(&ranges);
        snippet
    }
}

/// A snippet generator per language for words one letter away from the
/// query's: the words of `texts` that matched approximately are what is
/// highlighted (tantivy's fuzzy queries do not say which words matched).
pub fn approximate_generators<'a>(
    query_words: &str,
    texts: impl Iterator<Item = (Lang, &'a str)> + Clone,
    fields: &Fields,
) -> Vec<Highlighter> {
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
            Highlighter {
                generator,
                lang,
                phrases: Vec::new(),
            }
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
