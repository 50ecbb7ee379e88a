//! Searching the passages: the query analysed in both languages and run
//! over both language fields ([`query`]), filters ([`filter`]), ranking
//! (BM25) and snippets ([`snippet`]); and the trimming of a quotation to
//! the sentences that match ([`trim`]).

pub mod counterpart;
pub mod filter;
pub mod hybrid;
pub mod nearest;
pub mod plain;
pub mod query;
pub mod rank;
pub mod snippet;
pub mod stats;
pub mod trim;

use std::collections::HashSet;
use std::sync::Arc;

use tantivy::query::Query;
use tantivy::TantivyDocument;

use crate::corpus::{PartialDate, SourceMeta};
use crate::error::{Error, Result, Warning};
use crate::index::{schema, SearchIndex};
use crate::lang::{Lang, LangDetector};
use crate::passage::Passage;
use crate::semantic::Model;
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
    /// The ranking: `None` is hybrid when the index has vectors of
    /// `model`, else BM25.
    pub mode: Option<Mode>,
    /// The sentence encoder that encodes the query (the one the index's
    /// vectors were made with).
    pub model: Option<Arc<Model>>,
}

/// How hits are ranked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// BM25 and meaning, fused ([`hybrid`]).
    Hybrid,
    /// Words only: BM25, with translations.
    Bm25,
    /// Meaning only: the passages nearest to the query's vector.
    Semantic,
}

impl Mode {
    /// `hybrid`, `bm25`, `semantic`.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Hybrid => "hybrid",
            Mode::Bm25 => "bm25",
            Mode::Semantic => "semantic",
        }
    }
}

/// One result.
#[derive(Clone, Debug)]
pub struct Hit {
    /// 1-based rank.
    pub rank: usize,
    /// The score: BM25, or in hybrid mode the fused score, or in
    /// semantic mode the cosine similarity.
    pub score: f32,
    /// The BM25 score, when BM25 found the passage.
    pub bm25: Option<f32>,
    /// The cosine similarity with the query, when the semantic search
    /// found the passage.
    pub semantic: Option<f32>,
    /// The hit before it that this passage says the same as, in the
    /// other language, and their cosine similarity: a counterpart ranked
    /// after it ([`counterpart`]).
    pub counterpart_of: Option<(crate::PassageId, f32)>,
    /// Whether the first places' variety kept it below them, though it
    /// ranked before one of their hits ([`rank::held_back`]).
    pub held_back: bool,
    /// Whether it was placed among the first hits as the other language's
    /// best passage, above passages that score higher
    /// ([`rank::mix_in`]).
    pub placed_for_language: bool,
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
    /// The ranking used.
    pub mode: Option<Mode>,
    /// Why nothing was searched or listed, where it was not for want of a
    /// matching passage alone.
    pub unanswered: Option<Unanswered>,
}

/// Why a search has no hit, beyond "no passage matches".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unanswered {
    /// The query had nothing to search for (only stop words, or only
    /// exclusions); a warning says so.
    NothingToSearch,
    /// A hybrid search whose words find no passage within the filters
    /// (exactly, translated, or one letter away): the passages nearest in
    /// meaning alone were not listed, as `--mode semantic` would.
    MeaningWithheld,
}

/// A hit being ranked.
struct Ranked {
    score: f32,
    bm25: Option<f32>,
    cosine: Option<f32>,
    counterpart_of: Option<(crate::PassageId, f32)>,
    passage: Passage,
    meta: SourceMeta,
}

impl Ranked {
    fn doc(&self) -> &str {
        self.passage.id.doc()
    }

    /// A passage found by its words, ranked by its BM25 score.
    fn by_words((score, (passage, meta)): Scored) -> Ranked {
        Ranked {
            score,
            bm25: Some(score),
            cosine: None,
            counterpart_of: None,
            passage,
            meta,
        }
    }

    /// A passage found by meaning, ranked by its cosine.
    fn by_meaning((cosine, (passage, meta)): Scored) -> Ranked {
        Ranked {
            score: cosine,
            bm25: None,
            cosine: Some(cosine),
            counterpart_of: None,
            passage,
            meta,
        }
    }
}

/// The passages the first places' variety kept below them
/// ([`rank::held_back`]).
struct HeldBack(HashSet<crate::PassageId>);

impl HeldBack {
    /// Whether the hit at `place` (from 0) is one of them and still below
    /// the first places: a passage put there afterwards (the other
    /// language's best) is held back no more.
    fn at(&self, place: usize, id: &crate::PassageId) -> bool {
        place >= rank::DIVERSE_PLACES && self.0.contains(id)
    }
}

/// The hits with at most `per_doc` passages of a document in the first
/// places ([`rank::diversify`]), and those the rule kept below them.
fn diversified(
    top: Vec<Ranked>,
    per_doc: usize,
    may_rise: impl Fn(&Ranked) -> bool,
) -> (Vec<Ranked>, HeldBack) {
    let original: Vec<crate::PassageId> = top.iter().map(|h| h.passage.id.clone()).collect();
    let top = rank::diversify(top, Ranked::doc, per_doc, may_rise);
    let held = rank::held_back(
        &original,
        &top,
        |h| h.passage.id.clone(),
        Ranked::doc,
        per_doc,
    );
    (top, HeldBack(held.into_iter().collect()))
}

/// The passages found by meaning in both languages, best first.
fn by_meaning(near: [Vec<Scored>; 2]) -> Vec<Ranked> {
    let mut all: Vec<Ranked> = near.into_iter().flatten().map(Ranked::by_meaning).collect();
    all.sort_by(|a, b| b.score.total_cmp(&a.score));
    all
}

/// Runs a search.
pub fn search(index: &SearchIndex, options: &SearchOptions) -> Result<SearchResults> {
    let mut results = SearchResults::default();
    if options.query.trim().is_empty() {
        return Err(Error::EmptyQuery);
    }
    let mut prepared = query::prepare(options.query.trim());
    // Syntax the parser cannot read (a stray quote or parenthesis, an
    // operator with nothing on one side) leaves the query's words, which
    // are then searched as any plain query is: translated, and by meaning.
    if plain::split(&prepared).is_none() {
        let probe = query::parser(index, None, 1.0);
        if let Some((words, why)) = query::repair(&probe, &prepared) {
            results.warnings.push(Warning::general(format!(
                "query syntax not understood ({why}); searching for the words: {}",
                query::echo(&words)
            )));
            prepared = words;
        }
    }
    let query_text = prepared.trim();
    let filters = filter::filters(index, options)?;
    if !query::has_searchable_word(query_text) {
        results.warnings.push(Warning::general(format!(
            "the query '{}' has no searchable word (only stop words or punctuation)",
            query::echo(query_text)
        )));
        results.unanswered = Some(Unanswered::NothingToSearch);
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
    // Translations of several words, highlighted only whole.
    let mut phrases = None;
    let mut exclusions: Vec<Box<dyn Query>> = Vec::new();
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
            phrases = Some(built.phrases());
            complete = Some(built.complete);
            exclusions = built.exclusions;
            built.query
        }
        None => {
            let Some(parsed) = query::parse(&parser, query_text) else {
                results.warnings.push(Warning::general(format!(
                    "the query '{}' only excludes words: it needs a word to search for",
                    query::echo(query_text)
                )));
                results.unanswered = Some(Unanswered::NothingToSearch);
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
        let fuzzy = match &plain {
            Some((words, _)) => query::fuzzy_words(index, &parser, words, &exclusions),
            None => query::fuzzy(index, &parser, query_text),
        };
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
    let mode = mode(index, options, plain.is_some(), &mut results)?;
    results.mode = Some(mode);
    if mode == Mode::Hybrid && top.is_empty() {
        // Every passage has a nearest meaning, however far from the query:
        // a query whose words find no passage within the filters (exactly,
        // translated, or one letter away) is not answered by meaning
        // alone, unless asked.
        results.unanswered = Some(Unanswered::MeaningWithheld);
        return Ok(results);
    }
    let scope = filter::scope(&filters, &exclusions);
    let vector = match mode {
        Mode::Bm25 => None,
        Mode::Hybrid | Mode::Semantic => {
            let model = options.model.as_deref().expect("a model in these modes");
            let words = plain.as_ref().map(|(w, _)| w.join(" ")).unwrap_or_default();
            Some(model.encoder()?.encode(&words))
        }
    };
    let top = match &vector {
        None => top.into_iter().map(Ranked::by_words).collect(),
        Some(vector) => {
            let words = plain.as_ref().map_or(0, |(w, _)| w.len());
            let near = nearest_passages(index, &searcher, &scope, vector, collect)?;
            if mode == Mode::Semantic {
                by_meaning(near)
            } else {
                let fusion = hybrid::Fusion::from_env();
                hybrid::fuse(
                    top,
                    near,
                    |(p, _)| p.id.clone(),
                    (lang.map(|l| schema::lang_id(l) as usize), words),
                    &fusion,
                )
                .into_iter()
                .map(|f| Ranked {
                    score: f.score,
                    bm25: f.bm25,
                    cosine: f.cosine,
                    counterpart_of: None,
                    passage: f.item.0,
                    meta: f.item.1,
                })
                .collect()
            }
        }
    };
    let per_doc = options.per_doc.unwrap_or(rank::DEFAULT_PER_DOC);
    // In a hybrid ranking, a passage found by meaning alone does not take
    // a place above its rank for the sake of variety: every passage has a
    // nearest-meaning rank, however far it is from the query.
    let may_rise = |h: &Ranked| mode != Mode::Hybrid || h.bm25.is_some();
    let (mut top, held) = diversified(top, per_doc, may_rise);
    if let (Some(vector), None) = (&vector, options.lang) {
        top = with_counterparts(index, &searcher, &scope, vector, top, (wanted, per_doc))?;
    }
    let mut placed = None;
    // A translated query finds passages of both languages: when the first
    // places are all in one language, the other language's best passage
    // that says all of the query (in its words or their translations) gets
    // a place among them. Not in a ranking by meaning alone, which words
    // do not order.
    let placing = mode != Mode::Semantic && options.lang.is_none();
    if let (Some(complete), Some(_), true) = (&complete, &options.translator, placing) {
        let first = top.first().map(|h| h.passage.lang);
        if let Some(first) = first.filter(|&l| rank::one_language(&top, |h| h.passage.lang, l)) {
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
                let (passage, meta) = schema::decode(index.fields(), &doc);
                // It shows its own score: its BM25 one, or in a fused
                // ranking the one it has there (a passage the fusion did
                // not reach has none, and is not placed).
                let hit = match mode {
                    Mode::Bm25 => Some(Ranked::by_words((score, (passage, meta)))),
                    _ => top
                        .iter()
                        .position(|h| h.passage.id == passage.id)
                        .map(|at| top.remove(at)),
                };
                if let Some(hit) = hit {
                    placed = Some(hit.passage.id.clone());
                    top = rank::mix_in(top, hit, |h| h.passage.id.clone());
                }
            }
        }
    }
    top.truncate(wanted);

    let fields = index.fields();
    let generators = if approximate {
        let texts = top
            .iter()
            .map(|h| (h.passage.lang, h.passage.text.as_str()));
        snippet::approximate_generators(&query::plain_words(query_text), texts, fields)
    } else {
        let plainly = phrases.as_deref().map(|phrases| snippet::Plainly {
            phrases,
            excluded: &exclusions,
        });
        snippet::generators(&searcher, &*query, fields, plainly)?
    };
    for (
        rank,
        Ranked {
            score,
            bm25,
            cosine,
            counterpart_of,
            passage,
            meta,
        },
    ) in top.into_iter().enumerate()
    {
        let snippet = generators
            .iter()
            .find(|h| h.lang() == passage.lang)
            .expect("a highlighter per language")
            .snippet(&passage.text);
        results.hits.push(Hit {
            rank: rank + 1,
            score,
            bm25,
            semantic: cosine,
            counterpart_of,
            held_back: held.at(rank, &passage.id),
            placed_for_language: placed.as_ref() == Some(&passage.id),
            passage,
            meta,
            snippet,
        });
    }
    Ok(results)
}

/// The ranking a search uses: the one asked for, if the index allows it;
/// by default hybrid when the index has vectors of the installed model.
fn mode(
    index: &SearchIndex,
    options: &SearchOptions,
    plain: bool,
    results: &mut SearchResults,
) -> Result<Mode> {
    let vectors = index.vectors_model();
    let usable = match (&options.model, vectors) {
        (Some(model), Some(id)) => model.id() == id,
        _ => false,
    };
    let asked = options.mode;
    let why_not = || {
        match (&options.model, vectors) {
        (None, _) => "no sentence encoder is installed (nrel-search model import)".to_owned(),
        (Some(_), None) => "the index has no passage vectors (run `nrel-search index`)".to_owned(),
        (Some(model), Some(id)) => format!(
            "the index's vectors were made by another sentence encoder ({id}, not {}): run `nrel-search index`",
            model.id()
        ),
    }
    };
    match asked {
        Some(Mode::Bm25) => Ok(Mode::Bm25),
        Some(Mode::Semantic) if !usable => Err(Error::NoVectors(why_not())),
        Some(Mode::Hybrid) if !usable => {
            results.warnings.push(Warning::general(format!(
                "hybrid search is off: {}; ranking by BM25",
                why_not()
            )));
            Ok(Mode::Bm25)
        }
        Some(mode) if !plain => {
            results.warnings.push(Warning::general(format!(
                "{} ranking needs plain words: a query with operators is ranked by BM25",
                mode.name()
            )));
            Ok(Mode::Bm25)
        }
        Some(mode) => Ok(mode),
        None if usable && plain => Ok(Mode::Hybrid),
        None => Ok(Mode::Bm25),
    }
}

/// A passage with its score.
type Scored = (f32, (Passage, SourceMeta));

/// The first hits' counterparts in the other language, each ranked right
/// after its hit with the hit's score ([`counterpart`]); `vector` is the
/// query's. Only hits with a place after them among the `wanted` have
/// one, and not one of a document that already has `per_doc` of the
/// first places (0: no limit).
fn with_counterparts(
    index: &SearchIndex,
    searcher: &tantivy::Searcher,
    scope: &dyn Query,
    vector: &[f32],
    top: Vec<Ranked>,
    (wanted, per_doc): (usize, usize),
) -> Result<Vec<Ranked>> {
    let mut pivots = Vec::new();
    let mut places = Vec::new();
    let looked_for = counterpart::PIVOTS.min(wanted.saturating_sub(1));
    for (at, hit) in top.iter().enumerate().take(looked_for) {
        let found = index.address(searcher, &hit.passage.id)?;
        let Some(quantised) = found
            .map(|a| index.vector(searcher, a))
            .transpose()?
            .flatten()
        else {
            continue;
        };
        pivots.push(counterpart::Pivot {
            lang: hit.passage.lang,
            doc: hit.doc(),
            vector: quantised.unit_values(),
        });
        places.push(at);
    }
    if pivots.is_empty() {
        return Ok(top);
    }
    let found = counterpart::find(index, searcher, scope, &pivots, |address| {
        let doc: TantivyDocument = searcher.doc(address)?;
        Ok(schema::decode(index.fields(), &doc))
    })?;
    let first = &top[..top.len().min(rank::DIVERSE_PLACES)];
    let mut placed = Vec::new();
    for (&at, found) in places.iter().zip(found) {
        let Some(found) = found else { continue };
        let hit = &top[at];
        let (passage, meta) = found.passage;
        let in_first = first.iter().any(|h| h.passage.id == passage.id);
        let of_its_doc = first.iter().filter(|h| h.doc() == passage.id.doc()).count();
        if per_doc > 0 && !in_first && of_its_doc >= per_doc {
            continue;
        }
        let known = top.iter().find(|h| h.passage.id == passage.id);
        let cosine = match known.and_then(|h| h.cosine) {
            Some(c) => Some(c),
            None => index
                .vector(searcher, found.address)?
                .map(|q| q.dot(vector)),
        };
        placed.push((
            at,
            Ranked {
                score: hit.score,
                bm25: known.and_then(|h| h.bm25),
                cosine,
                counterpart_of: Some((hit.passage.id.clone(), found.cosine)),
                passage,
                meta,
            },
        ));
    }
    let mut top = counterpart::place(top, placed, |h| h.passage.id.clone());
    // A counterpart shows the score of the hit it follows, which may have
    // moved up as another hit's counterpart.
    for at in 1..top.len() {
        if top[at].counterpart_of.is_some() {
            top[at].score = top[at - 1].score;
        }
    }
    Ok(top)
}

/// The `per_lang` passages of each language nearest to `vector` within
/// `scope`, read back, best first.
fn nearest_passages(
    index: &SearchIndex,
    searcher: &tantivy::Searcher,
    scope: &dyn Query,
    vector: &[f32],
    per_lang: usize,
) -> Result<[Vec<Scored>; 2]> {
    let near = nearest::nearest(index, searcher, scope, vector, per_lang)?;
    let mut out: [Vec<Scored>; 2] = [Vec::new(), Vec::new()];
    for (list, hits) in out.iter_mut().zip(near) {
        for hit in hits {
            let doc: TantivyDocument = searcher.doc(hit.address)?;
            list.push((hit.cosine, schema::decode(index.fields(), &doc)));
        }
    }
    Ok(out)
}

/// The passages nearest in meaning to passage `id`, in both languages:
/// the best by cosine similarity, several documents and both languages
/// among the first places (as a search's), the passage itself left out.
/// `lang` keeps one language only.
pub fn similar(
    index: &SearchIndex,
    id: &crate::PassageId,
    limit: usize,
    lang: Option<Lang>,
    per_doc: Option<usize>,
) -> Result<SearchResults> {
    if index.vectors_model().is_none() {
        return Err(Error::NoVectors(
            "the index has no passage vectors (run `nrel-search index` with a sentence encoder installed: `nrel-search model import`)"
                .into(),
        ));
    }
    let searcher = index.searcher();
    let address = index
        .address(&searcher, id)?
        .ok_or_else(|| Error::InvalidFilter {
            filter: "id",
            message: format!("no passage {id}"),
        })?;
    let vector = index
        .vector(&searcher, address)?
        .ok_or_else(|| Error::NoVectors(format!("passage {id} has no vector")))?
        .values();
    let itself: Box<dyn Query> = Box::new(tantivy::query::TermQuery::new(
        tantivy::Term::from_field_text(index.fields().id, id.as_str()),
        tantivy::schema::IndexRecordOption::Basic,
    ));
    let languages: Vec<Box<dyn Query>> = lang
        .map(|l| filter::language(index, l))
        .into_iter()
        .collect();
    let scope = filter::scope(&languages, &[itself]);
    let wanted = limit.max(1);
    let per_lang = wanted
        .saturating_add(TIE_MARGIN)
        .max(rank::DIVERSITY_WINDOW);
    let near = nearest_passages(index, &searcher, &scope, &vector, per_lang)?;
    let mut best_other = None;
    let all = by_meaning(near);
    let per_doc = per_doc.unwrap_or(rank::DEFAULT_PER_DOC);
    let (mut top, held) = diversified(all, per_doc, |_| true);
    if lang.is_none() {
        if let Some(first) = top.first().map(|h| h.passage.lang) {
            if rank::one_language(&top, |h| h.passage.lang, first) {
                best_other = top.iter().position(|h| h.passage.lang != first);
            }
        }
    }
    let mut placed = None;
    if let Some(at) = best_other {
        let hit = top.remove(at);
        placed = Some(hit.passage.id.clone());
        top = rank::mix_in(top, hit, |h| h.passage.id.clone());
    }
    top.truncate(wanted);
    let hits = top
        .into_iter()
        .enumerate()
        .map(|(rank, h)| Hit {
            rank: rank + 1,
            score: h.score,
            bm25: None,
            semantic: h.cosine,
            counterpart_of: None,
            held_back: held.at(rank, &h.passage.id),
            placed_for_language: placed.as_ref() == Some(&h.passage.id),
            snippet: snippet::lead(&h.passage.text),
            passage: h.passage,
            meta: h.meta,
        })
        .collect();
    Ok(SearchResults {
        hits,
        warnings: Vec::new(),
        explanation: Vec::new(),
        mode: Some(Mode::Semantic),
        unanswered: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_back_passage_put_among_the_first_places_is_held_back_no_more() {
        let id = crate::PassageId::parse("doc:abc123");
        let held = HeldBack([id.clone()].into_iter().collect());
        assert!(held.at(rank::DIVERSE_PLACES, &id));
        assert!(held.at(rank::DIVERSE_PLACES + 3, &id));
        // Another language's best passage, mixed in third.
        assert!(!held.at(2, &id));
        assert!(!held.at(rank::DIVERSE_PLACES, &crate::PassageId::parse("doc:def456")));
    }
}
