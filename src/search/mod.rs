//! Searching the passages: the query analysed in both languages and run
//! over both language fields, filters, ranking (BM25) and snippets.

use std::ops::{Bound, Range};

use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query, QueryParser, RangeQuery, TermQuery,
};
use tantivy::schema::IndexRecordOption;
use tantivy::snippet::SnippetGenerator;
use tantivy::{TantivyDocument, TantivyError, Term};

use crate::analysis::{self, tokens};
use crate::corpus::{PartialDate, SourceMeta};
use crate::document::Passage;
use crate::error::{Error, Result, Warning};
use crate::index::SearchIndex;
use crate::lang::{Lang, LangDetector};

/// Longest snippet, in characters.
const SNIPPET_CHARS: usize = 240;

/// What to search for and how.
#[derive(Clone, Debug, Default)]
pub struct SearchOptions {
    /// The query, in tantivy's syntax (phrases, `+must`, `-not`, `OR`).
    pub query: String,
    /// Most hits to return.
    pub limit: usize,
    /// Only passages in this language.
    pub lang: Option<Lang>,
    /// Only documents dated on or after this date.
    pub since: Option<PartialDate>,
    /// Only documents dated on or before this date.
    pub until: Option<PartialDate>,
    /// Only this document (key or path).
    pub doc: Option<String>,
    /// Only documents from this publisher (words of it).
    pub source: Option<String>,
}

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

/// One result.
#[derive(Clone, Debug)]
pub struct Hit {
    /// 1-based rank.
    pub rank: usize,
    /// BM25 score.
    pub score: f32,
    /// The passage.
    pub passage: Passage,
    /// Its document's metadata.
    pub meta: SourceMeta,
    /// The extract to show.
    pub snippet: Snippet,
}

/// The results of a search.
#[derive(Debug, Default)]
pub struct SearchResults {
    /// Hits, best first.
    pub hits: Vec<Hit>,
    /// What was not understood in the query.
    pub warnings: Vec<Warning>,
}

/// Runs a search.
pub fn search(index: &SearchIndex, options: &SearchOptions) -> Result<SearchResults> {
    let mut results = SearchResults::default();
    let query_text = options.query.trim();
    if query_text.is_empty() {
        return Err(Error::InvalidArgument {
            arg: "QUERY",
            message: "the query is empty".into(),
        });
    }
    if !has_searchable_word(query_text) {
        results.warnings.push(Warning::general(format!(
            "the query '{query_text}' has no searchable word (only stop words or punctuation)"
        )));
        return Ok(results);
    }
    let fields = index.fields();
    let mut parser = QueryParser::for_index(index.index(), vec![fields.text_fr, fields.text_en]);
    // A query clearly in one language weighs the other language's field
    // down: there, its words are rare and would score too high.
    if let Some(lang) = LangDetector::default().detect_query(query_text) {
        for other in Lang::ALL.into_iter().filter(|l| *l != lang) {
            parser.set_field_boost(fields.text_for(other), OTHER_LANGUAGE_BOOST);
        }
    }
    let (mut query, errors) = parser.parse_query_lenient(query_text);
    if !errors.is_empty() {
        let words = plain_words(query_text);
        results.warnings.push(Warning::general(format!(
            "query syntax not understood ({}); searching for the words: {words}",
            crate::index::one_line(&errors[0].to_string())
        )));
        query = parser.parse_query_lenient(&words).0;
    }

    // Plain words also score as a phrase: passages that have them together,
    // in order, come first.
    if let Some(phrase) = phrase_boost(&parser, query_text) {
        query = Box::new(BooleanQuery::new(vec![
            (Occur::Must, query),
            (Occur::Should, phrase),
        ]));
    }

    let mut filters: Vec<Box<dyn Query>> = Vec::new();
    let mut filter = |q: Box<dyn Query>| filters.push(Box::new(ConstScoreQuery::new(q, 0.0)));
    if let Some(lang) = options.lang {
        filter(term_query(Term::from_field_text(fields.lang, lang.code())));
    }
    if let Some(since) = options.since {
        filter(Box::new(RangeQuery::new(
            Bound::Included(Term::from_field_u64(fields.date_hi, since.first_day())),
            Bound::Unbounded,
        )));
    }
    if let Some(until) = options.until {
        filter(Box::new(RangeQuery::new(
            Bound::Unbounded,
            Bound::Included(Term::from_field_u64(fields.date_lo, until.last_day())),
        )));
    }
    if let Some(doc) = &options.doc {
        let by_key = term_query(Term::from_field_text(fields.doc, doc));
        let by_path = term_query(Term::from_field_text(fields.path, doc));
        filter(Box::new(BooleanQuery::new(vec![
            (Occur::Should, by_key),
            (Occur::Should, by_path),
        ])));
    }
    if let Some(source) = &options.source {
        let words = tokens(&mut analysis::keyword_analyzer(), source);
        if words.is_empty() {
            return Err(Error::InvalidArgument {
                arg: "--source",
                message: format!("'{source}' has no word to match"),
            });
        }
        for word in words {
            filter(term_query(Term::from_field_text(fields.source, &word)));
        }
    }
    let with_filters = |query: &dyn Query| {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, query.box_clone())];
        clauses.extend(filters.iter().map(|f| (Occur::Must, f.box_clone())));
        BooleanQuery::new(clauses)
    };

    let searcher = index.searcher();
    let collector = TopDocs::with_limit(options.limit.max(1)).order_by_score();
    let mut top = match searcher.search(&with_filters(&*query), &collector) {
        // The parser lets through some clauses that cannot run (`name:*` on
        // a field the index lacks or cannot list); such a query is searched
        // as plain words.
        Err(e @ (TantivyError::FieldNotFound(_) | TantivyError::SchemaError(_))) => {
            let words = plain_words(query_text);
            results.warnings.push(Warning::general(format!(
                "query not understood ({}); searching for the words: {words}",
                crate::index::one_line(&e.to_string())
            )));
            query = parser.parse_query_lenient(&words).0;
            searcher.search(&with_filters(&*query), &collector)?
        }
        other => other?,
    };
    // Nothing found: perhaps a misspelling. Words one edit away are tried.
    if top.is_empty() {
        let mut fuzzy_parser = parser.clone();
        for lang in Lang::ALL {
            fuzzy_parser.set_field_fuzzy(fields.text_for(lang), false, FUZZY_DISTANCE, true);
        }
        // The query's own syntax (-excluded, "phrases") still holds.
        let (mut fuzzy, errors) = fuzzy_parser.parse_query_lenient(query_text);
        if !errors.is_empty() {
            fuzzy = fuzzy_parser.parse_query_lenient(&plain_words(query_text)).0;
        }
        let found = searcher.search(&with_filters(&*fuzzy), &collector)?;
        if !found.is_empty() {
            results.warnings.push(Warning::general(format!(
                "nothing matches '{query_text}' exactly; showing passages with words one letter away"
            )));
            query = fuzzy;
            top = found;
        }
    }
    let mut generators = Vec::new();
    for lang in Lang::ALL {
        let mut generator = SnippetGenerator::create(&searcher, &*query, fields.text_for(lang))?;
        generator.set_max_num_chars(SNIPPET_CHARS);
        generators.push((lang, generator));
    }
    for (rank, (score, addr)) in top.into_iter().enumerate() {
        let doc: TantivyDocument = searcher.doc(addr)?;
        let (passage, meta) = index.passage_from_doc(&doc);
        let generator = &generators
            .iter()
            .find(|(lang, _)| *lang == passage.lang)
            .expect("a generator per language")
            .1;
        let snippet = make_snippet(generator, &passage.text);
        results.hits.push(Hit {
            rank: rank + 1,
            score,
            passage,
            meta,
            snippet,
        });
    }
    Ok(results)
}

/// Edit distance of the words tried when nothing matches exactly.
const FUZZY_DISTANCE: u8 = 1;

/// Weight of the other language's field for a query in a known language.
const OTHER_LANGUAGE_BOOST: f32 = 0.25;

/// Weight of the whole-query phrase clause.
const PHRASE_BOOST: f32 = 2.0;
/// Words allowed between the query's words for the phrase clause.
const PHRASE_SLOP: u32 = 1;

/// For a query of several plain words (no quotes, operators or fields),
/// the same words as a sloppy phrase, boosted.
fn phrase_boost(parser: &QueryParser, query: &str) -> Option<Box<dyn Query>> {
    let has_syntax = query.contains(['"', '+', ':', '(', ')', '^', '~', '*', '[', ']', '{', '}'])
        || query
            .split_whitespace()
            .any(|w| w.starts_with('-') || w == "OR" || w == "AND" || w == "NOT");
    if has_syntax || query.split_whitespace().count() < 2 {
        return None;
    }
    let (phrase, errors) = parser.parse_query_lenient(&format!("\"{query}\"~{PHRASE_SLOP}"));
    errors
        .is_empty()
        .then(|| Box::new(BoostQuery::new(phrase, PHRASE_BOOST)) as Box<dyn Query>)
}

fn term_query(term: Term) -> Box<dyn Query> {
    Box::new(TermQuery::new(term, IndexRecordOption::Basic))
}

/// Whether either analyzer keeps a word of the query.
fn has_searchable_word(query: &str) -> bool {
    let words = plain_words(query);
    !tokens(&mut analysis::french_analyzer(), &words).is_empty()
        || !tokens(&mut analysis::english_analyzer(), &words).is_empty()
}

/// The query with its syntax characters turned into spaces.
fn plain_words(query: &str) -> String {
    query
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || crate::analysis::APOSTROPHES.contains(&c) {
                c
            } else {
                ' '
            }
        })
        .collect::<String>()
        .split_whitespace()
        .map(|w| w.trim_start_matches('-'))
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn make_snippet(generator: &SnippetGenerator, text: &str) -> Snippet {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_words_drop_syntax() {
        assert_eq!(plain_words("Source : \"JT\" (20h)"), "Source JT 20h");
        assert_eq!(plain_words("l’OTAN -Russie"), "l’OTAN Russie");
    }

    #[test]
    fn punctuation_only() {
        assert!(!has_searchable_word("« ? » - ;"));
        assert!(has_searchable_word("élargissement de l'OTAN"));
    }
}
