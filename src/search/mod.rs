//! Searching the passages: the query analysed in both languages and run
//! over both language fields ([`query`]), filters ([`filter`]), ranking
//! (BM25) and snippets ([`snippet`]); and the trimming of a quotation to
//! the sentences that match ([`trim`]).

pub mod filter;
pub mod plain;
pub mod query;
pub mod rank;
pub mod snippet;
pub mod stats;
pub mod trim;

use std::sync::Arc;

use tantivy::query::Query;
use tantivy::TantivyDocument;

use crate::corpus::{PartialDate, SourceMeta};
use crate::error::{Error, Result, Warning};
use crate::index::{schema, SearchIndex};
use crate::lang::{Lang, LangDetector};
use crate::passage::Passage;
use crate::translate::Translator;

pub use snippet::Snippet;

/// Hits beyond the limit collected to order equal scores and to give the
/// first places to several documents.
const TIE_MARGIN: usize = 24;

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
    /// Only documents from this source (words of it).
    pub source: Option<String>,
    /// Translates the query's words into the other language; `None`
    /// searches the query's words only.
    pub translator: Option<Arc<Translator>>,
    /// Most passages of one document in the first five places while
    /// other documents match (`None`: [`rank::DEFAULT_PER_DOC`]; 0: no
    /// limit).
    pub per_doc: Option<usize>,
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
    /// How the query was understood: its language, translations, boosts.
    pub explanation: Vec<String>,
}

/// Runs a search.
pub fn search(index: &SearchIndex, options: &SearchOptions) -> Result<SearchResults> {
    let mut results = SearchResults::default();
    if options.query.trim().is_empty() {
        return Err(Error::EmptyQuery);
    }
    let prepared = query::prepare(options.query.trim());
    let query_text = prepared.trim();
    let filters = filter::filters(index, options)?;
    if !query::has_searchable_word(query_text) {
        results.warnings.push(Warning::general(format!(
            "the query '{}' has no searchable word (only stop words or punctuation)",
            query::echo(query_text)
        )));
        return Ok(results);
    }
    let searcher = index.searcher();
    let plain = plain::split(query_text).filter(|(words, _)| !words.is_empty());
    let lang = LangDetector::default()
        .detect_query(query_text)
        .or_else(|| {
            let translator = options.translator.as_deref()?;
            translator.vote(&plain.as_ref()?.0)
        });
    let other_weight = if options.translator.is_some() {
        crate::translate::COGNATE_WEIGHT
    } else {
        query::OTHER_LANGUAGE_BOOST
    };
    let parser = query::parser(index, lang, other_weight);
    let mut complete = None;
    let query = match &plain {
        Some((words, excluded)) => {
            let built = plain::build(
                index,
                &searcher,
                &parser,
                (words, excluded),
                lang,
                options.translator.as_deref(),
            );
            results.explanation = plain::explain(&built, lang);
            complete = Some(built.complete);
            built.query
        }
        None => {
            let Some(parsed) = query::parse(&parser, query_text, &mut results.warnings) else {
                results.warnings.push(Warning::general(format!(
                    "the query '{}' only excludes words: it needs a word to search for",
                    query::echo(query_text)
                )));
                return Ok(results);
            };
            results.explanation =
                vec!["query with operators: searched as written, without translation".to_owned()];
            parsed
        }
    };

    // No more than the index holds: a limit given by the user never
    // decides an allocation. A few more than asked are collected, so that
    // passages of equal score are ordered the same way every time, and
    // several documents can take the first places.
    // The first places are chosen among the same hits whatever the limit.
    let wanted = options.limit.max(1);
    let collect = wanted
        .saturating_add(TIE_MARGIN)
        .max(rank::DIVERSITY_WINDOW)
        .min(searcher.num_docs() as usize)
        .max(1);
    let stats = stats::LanguageStats::new(&searcher, index.fields());
    let mut top = searcher.search_with_statistics_provider(
        &filter::apply(&*query, &filters),
        &rank::collector(collect),
        &stats,
    )?;
    // Nothing found: perhaps a misspelling. Words one edit away are tried.
    let mut approximate = false;
    if top.is_empty() {
        let fuzzy = query::fuzzy(index, &parser, query_text);
        let found = searcher.search_with_statistics_provider(
            &filter::apply(&*fuzzy, &filters),
            &rank::collector(collect),
            &stats,
        )?;
        if !found.is_empty() {
            results.warnings.push(Warning::general(format!(
                "nothing matches '{}' exactly; showing passages with words one letter away",
                query::echo(query_text)
            )));
            approximate = true;
            top = found;
        }
    }
    // Equal scores: in corpus order (path, then position in the document).
    let mut top: Vec<_> = top
        .into_iter()
        .map(|(score, addr)| {
            let doc: TantivyDocument = searcher.doc(addr)?;
            Ok((score, schema::decode(index.fields(), &doc)))
        })
        .collect::<Result<_>>()?;
    top.sort_by(|(sa, (pa, ma)), (sb, (pb, mb))| {
        sb.total_cmp(sa)
            .then_with(|| ma.path.cmp(&mb.path))
            .then(pa.ordinal.cmp(&pb.ordinal))
    });
    let per_doc = options.per_doc.unwrap_or(rank::DEFAULT_PER_DOC);
    let mut top = rank::diversify(top, |(_, (p, _))| p.id.doc(), per_doc);
    // A translated query finds passages of both languages: when the first
    // places are all in one language, the other language's best passage
    // that says all of the query (in its words or their translations) gets
    // a place among them.
    if let (Some(complete), Some(_), None) = (&complete, &options.translator, options.lang) {
        let first = top.first().map(|(_, (p, _))| p.lang);
        if let Some(first) = first.filter(|&l| rank::one_language(&top, |(_, (p, _))| p.lang, l)) {
            let other = filter::language(index, first.other());
            let mut clauses: Vec<Box<dyn Query>> = vec![complete.box_clone(), other];
            clauses.extend(filters.iter().map(|f| f.box_clone()));
            let best = searcher.search_with_statistics_provider(
                &tantivy::query::BooleanQuery::intersection(clauses),
                &rank::collector(1),
                &stats,
            )?;
            if let Some((score, addr)) = best.into_iter().next() {
                let doc: TantivyDocument = searcher.doc(addr)?;
                let hit = (score, schema::decode(index.fields(), &doc));
                top = rank::mix_in(top, hit, |(_, (p, _))| p.id.clone());
            }
        }
    }
    top.truncate(wanted);

    let fields = index.fields();
    let generators = if approximate {
        let texts = top.iter().map(|(_, (p, _))| (p.lang, p.text.as_str()));
        snippet::approximate_generators(&query::plain_words(query_text), texts, fields)
    } else {
        snippet::generators(&searcher, &*query, fields)?
    };
    for (rank, (score, (passage, meta))) in top.into_iter().enumerate() {
        let generator = &generators
            .iter()
            .find(|(lang, _)| *lang == passage.lang)
            .expect("a generator per language")
            .1;
        let snippet = snippet::make_snippet(generator, &passage.text);
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
