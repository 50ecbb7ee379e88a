//! The query of plain words (no quotes or operators, `-excluded` words
//! allowed), built clause by clause rather than by the parser, so that
//! each word can carry its translations and the ranking its signals:
//!
//! * every unit of the query (a word, or a glossary term naming several)
//!   matches in both language fields, and through its [`Alternative`]s
//!   (translations, equivalents), each weighted below the unit's own
//!   words: by its weight, and never above the idf of the words it
//!   stands for, so that a translation cannot outrank an exact match;
//! * a hyphenated compound (`NATO-Russia`) is its words, with the phrase
//!   as a boost, not an impossible phrase;
//! * boosts: the words as a sloppy phrase, all units present (a passage
//!   with every word beats one with one frequent word), and the words in
//!   the passage's head (title, section heading, first sentence).

use tantivy::query::{
    BooleanQuery, BoostQuery, DisjunctionMaxQuery, FuzzyTermQuery, Occur, PhraseQuery, Query,
    QueryParser, TermQuery,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{Searcher, Term};

use super::snippet::Phrase;
use super::stats::LanguageStats;
use crate::analysis::{analyzer, tokens};
use crate::index::SearchIndex;
use crate::lang::Lang;
use crate::translate::{is_function_word, Alternative, TermStats, Translator, Unit, Via};

/// Weight of the clause that all units match.
const COVER_BOOST: f32 = 0.5;
/// Weight of a glossary term's words when not all of them are there.
const PARTIAL_UNIT: f32 = 0.5;
/// Weight of the clause of the words in a passage's head.
const HEAD_BOOST: f32 = 0.3;
/// Weight of the words as a sloppy phrase.
const PHRASE_BOOST: f32 = 2.0;
/// Words allowed between the query's words in the phrase clause.
const PHRASE_SLOP: u32 = 1;

/// A plain query: positive words (hyphenated compounds split) and
/// excluded words. `None` when the query uses other syntax.
pub fn split(query: &str) -> Option<(Vec<String>, Vec<String>)> {
    let has_syntax = query.contains(super::query::SYNTAX)
        || query
            .split_whitespace()
            .any(|w| super::query::OPERATORS.contains(&w));
    if has_syntax {
        return None;
    }
    let (mut words, mut excluded) = (Vec::new(), Vec::new());
    for raw in query.split_whitespace() {
        if let Some(word) = raw.strip_prefix('-') {
            if !word.is_empty() {
                excluded.push(word.to_owned());
            }
            continue;
        }
        for part in
            raw.split(|c: char| !(c.is_alphanumeric() || crate::analysis::APOSTROPHES.contains(&c)))
        {
            if part.chars().any(char::is_alphanumeric) {
                words.push(part.to_owned());
            }
        }
    }
    Some((words, excluded))
}

/// The index's term statistics, for the translator.
pub struct IndexStats<'a> {
    searcher: &'a Searcher,
    index: &'a SearchIndex,
    language: LanguageStats<'a>,
}

impl<'a> IndexStats<'a> {
    /// Statistics of the index as `searcher` sees it.
    pub fn new(index: &'a SearchIndex, searcher: &'a Searcher) -> IndexStats<'a> {
        let language = LanguageStats::new(searcher, index.fields());
        IndexStats {
            searcher,
            index,
            language,
        }
    }

    /// BM25's inverse document frequency of a term in a language's field,
    /// as the search weighs it; `None` when no passage has it.
    fn idf(&self, lang: Lang, term: &str) -> Option<f32> {
        let field = self.index.fields().text_for(lang);
        self.language.idf(&Term::from_field_text(field, term))
    }
}

impl TermStats for IndexStats<'_> {
    fn doc_freq(&self, lang: Lang, term: &str) -> u64 {
        let field = self.index.fields().text_for(lang);
        self.searcher
            .doc_freq(&Term::from_field_text(field, term))
            .unwrap_or(0)
    }

    fn similar(&self, lang: Lang, term: &str, distance: u8) -> Vec<(String, u64)> {
        let field = self.index.fields().text_for(lang);
        let query = FuzzyTermQuery::new(Term::from_field_text(field, term), distance, true);
        let mut found: std::collections::BTreeMap<String, u64> = Default::default();
        let Ok(automaton) = query.automaton() else {
            return Vec::new();
        };
        // Only terms with the same first letter, as spelling correctors
        // commonly ask: a cognate rarely differs there, and the walk of the
        // term dictionary keeps to that letter's part.
        let Some(first) = term.chars().next() else {
            return Vec::new();
        };
        let from = first.to_string();
        let until = (first..).nth(1).map(String::from);
        for segment in self.searcher.segment_readers() {
            let Ok(inverted) = segment.inverted_index(field) else {
                continue;
            };
            let mut terms = inverted.terms().search(&automaton).ge(&from);
            if let Some(until) = &until {
                terms = terms.lt(until);
            }
            let Ok(mut stream) = terms.into_stream() else {
                continue;
            };
            while stream.advance() {
                if let Ok(text) = std::str::from_utf8(stream.key()) {
                    *found.entry(text.to_owned()).or_default() +=
                        u64::from(stream.value().doc_freq);
                }
            }
        }
        found.into_iter().collect()
    }
}

/// The built query, and what it searches for (for `--explain`).
pub struct Plain {
    /// The query.
    pub query: Box<dyn Query>,
    /// The units, with their alternatives and final boosts.
    pub units: Vec<(Unit, Vec<f32>)>,
    /// Passages that say every required unit (in its words or a
    /// translation), without the excluded words.
    pub complete: Box<dyn Query>,
    /// The excluded words' queries, their translations' among them.
    pub exclusions: Vec<Box<dyn Query>>,
    /// Each excluded word, with its translations (for `--explain`).
    pub excluded: Vec<(String, Vec<Alternative>)>,
}

impl Plain {
    /// The alternatives of several words, as phrases to highlight whole.
    pub fn phrases(&self) -> Vec<Phrase> {
        self.units
            .iter()
            .flat_map(|(unit, _)| &unit.alternatives)
            .filter(|alt| alt.terms.len() > 1)
            .map(|alt| Phrase {
                lang: alt.lang,
                terms: alt.terms.clone(),
                positions: alt.positions.clone(),
            })
            .collect()
    }
}

/// Builds the query of plain `words` (not empty) and `excluded` words.
pub fn build(
    index: &SearchIndex,
    searcher: &Searcher,
    parser: &QueryParser,
    (words, excluded): (&[String], &[String]),
    lang: Option<Lang>,
    translator: Option<&Translator>,
) -> Plain {
    let stats = IndexStats::new(index, searcher);
    let fields = index.fields();
    let units: Vec<Unit> = match translator {
        Some(t) => t.expand(words, lang, &stats),
        None => words
            .iter()
            .map(|w| Unit {
                words: vec![w.clone()],
                alternatives: Vec::new(),
            })
            .collect(),
    };
    // An excluded word is excluded in the other language too: its
    // translations are excluded with it.
    let mut exclusions: Vec<Box<dyn Query>> = Vec::new();
    let mut excluded_explained = Vec::new();
    for word in excluded {
        exclusions.push(parser.parse_query_lenient(word).0);
        // The glossary's and the dictionaries' translations, not the
        // near spellings: a passage left out for a word one letter from
        // the excluded one would be lost for nothing.
        let alternatives: Vec<Alternative> = translator
            .map(|t| t.expand(std::slice::from_ref(word), lang, &stats))
            .unwrap_or_default()
            .into_iter()
            .flat_map(|unit| unit.alternatives)
            .filter(|alt| alt.via != Via::Cognate)
            .collect();
        exclusions.extend(
            alternatives
                .iter()
                .map(|alt| alternative_query(index, alt, 1.0)),
        );
        excluded_explained.push((word.clone(), alternatives));
    }
    let own: Vec<Lang> = lang.map_or(Lang::ALL.to_vec(), |l| vec![l]);
    let mut analyzers = Lang::ALL.map(analyzer);
    let mut analyse =
        |l: Lang, text: &str| tokens(&mut analyzers[usize::from(l == Lang::English)], text);

    let mut unit_queries: Vec<(bool, Box<dyn Query>)> = Vec::new();
    let mut head_terms: Vec<(Lang, String)> = Vec::new();
    let mut explained = Vec::new();
    for unit in units {
        let text = unit.words.join(" ");
        // The unit's terms in each language's analysis, once.
        let terms = Lang::ALL.map(|l| analyse(l, &text));
        let terms_in = |l: Lang| &terms[usize::from(l == Lang::English)];
        // A stop word of the query's language is not searched (`in` is
        // no French stop word, but an English query's `in` is no French
        // word either); a function word is searched, but not required of
        // passages that have all the query's words.
        if unit.alternatives.is_empty() && own.iter().any(|&l| terms_in(l).is_empty()) {
            continue;
        }
        let required =
            !(unit.words.len() == 1 && own.iter().any(|&l| is_function_word(l, &unit.words[0])));
        // A passage scores by the best way it says the unit: its own
        // words, or one alternative (not the sum of several).
        let mut clauses: Vec<Box<dyn Query>> = vec![own_query(parser, &unit.words)];
        // What an exact match of the unit weighs (the idfs of its words,
        // when the query's language has them all) bounds what a translation
        // may weigh.
        let exact_idf = own
            .iter()
            .filter_map(|&l| {
                let terms = terms_in(l);
                if terms.is_empty() {
                    return None;
                }
                terms.iter().map(|t| stats.idf(l, t)).sum::<Option<f32>>()
            })
            .fold(None, |m: Option<f32>, x| Some(m.map_or(x, |m| m.max(x))));
        for l in Lang::ALL {
            head_terms.extend(terms_in(l).iter().map(|t| (l, t.clone())));
        }
        let mut boosts = Vec::new();
        for alt in &unit.alternatives {
            let alt_idf: f32 = alt
                .terms
                .iter()
                .filter_map(|t| stats.idf(alt.lang, t))
                .sum();
            let cap = match exact_idf {
                Some(exact) if alt_idf > 0.0 => (exact / alt_idf).min(1.0),
                _ => 1.0,
            };
            let boost = alt.weight * cap;
            boosts.push(boost);
            clauses.push(alternative_query(index, alt, boost));
            if alt.terms.len() == 1 {
                head_terms.push((alt.lang, alt.terms[0].clone()));
            }
        }
        unit_queries.push((
            required,
            if clauses.len() == 1 {
                clauses.pop().expect("one clause")
            } else {
                Box::new(DisjunctionMaxQuery::new(clauses))
            },
        ));
        explained.push((unit, boosts));
    }

    let mut main: Vec<(Occur, Box<dyn Query>)> = unit_queries
        .iter()
        .map(|(_, q)| (Occur::Should, q.box_clone()))
        .collect();
    main.extend(exclusions.iter().map(|q| (Occur::MustNot, q.box_clone())));
    let mut top: Vec<(Occur, Box<dyn Query>)> =
        vec![(Occur::Must, Box::new(BooleanQuery::new(main)))];
    let required: Vec<(Occur, Box<dyn Query>)> = unit_queries
        .into_iter()
        .filter(|(required, _)| *required)
        .map(|(_, q)| (Occur::Must, q))
        .collect();
    // Nearly complete: all the required units, or all but one of three
    // or more (a word may have no translation).
    let mut complete: Vec<(Occur, Box<dyn Query>)> = vec![(
        Occur::Must,
        if required.is_empty() {
            top[0].1.box_clone()
        } else {
            let n = required.len();
            let least = if n >= 3 { n - 1 } else { n };
            Box::new(BooleanQuery::with_minimum_required_clauses(
                required
                    .iter()
                    .map(|(_, q)| (Occur::Should, q.box_clone()))
                    .collect(),
                least,
            ))
        },
    )];
    complete.extend(exclusions.iter().map(|q| (Occur::MustNot, q.box_clone())));
    if required.len() >= 2 {
        let all = required;
        top.push((
            Occur::Should,
            Box::new(BoostQuery::new(
                Box::new(BooleanQuery::new(all)),
                COVER_BOOST,
            )),
        ));
    }
    if words.len() >= 2 {
        let (phrase, errors) =
            parser.parse_query_lenient(&format!("\"{}\"~{PHRASE_SLOP}", words.join(" ")));
        if errors.is_empty() {
            top.push((
                Occur::Should,
                Box::new(BoostQuery::new(phrase, PHRASE_BOOST)),
            ));
        }
    }
    head_terms.sort();
    head_terms.dedup();
    let head: Vec<(Occur, Box<dyn Query>)> = head_terms
        .into_iter()
        .map(|(l, t)| {
            let term = Term::from_field_text(fields.head_for(l), &t);
            (
                Occur::Should,
                Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)) as Box<dyn Query>,
            )
        })
        .collect();
    if !head.is_empty() {
        top.push((
            Occur::Should,
            Box::new(BoostQuery::new(
                Box::new(BooleanQuery::new(head)),
                HEAD_BOOST,
            )),
        ));
    }
    Plain {
        query: Box::new(BooleanQuery::new(top)),
        units: explained,
        complete: Box::new(BooleanQuery::new(complete)),
        exclusions,
        excluded: excluded_explained,
    }
}

/// The query of a unit's own words: for several words (a glossary term),
/// all of them, or any at half weight.
fn own_query(parser: &QueryParser, words: &[String]) -> Box<dyn Query> {
    let any = parser.parse_query_lenient(&words.join(" ")).0;
    if words.len() < 2 {
        return any;
    }
    let mut all = parser.clone();
    all.set_conjunction_by_default();
    Box::new(DisjunctionMaxQuery::new(vec![
        all.parse_query_lenient(&words.join(" ")).0,
        Box::new(BoostQuery::new(any, PARTIAL_UNIT)),
    ]))
}

/// The query of one alternative: a term, or a phrase, in its language's
/// field.
fn alternative_query(index: &SearchIndex, alt: &Alternative, boost: f32) -> Box<dyn Query> {
    let field = index.fields().text_for(alt.lang);
    let mut terms: Vec<(usize, Term)> = alt
        .positions
        .iter()
        .zip(&alt.terms)
        .map(|(&p, t)| (p, Term::from_field_text(field, t)))
        .collect();
    let query: Box<dyn Query> = if terms.len() == 1 {
        Box::new(TermQuery::new(
            terms.remove(0).1,
            IndexRecordOption::WithFreqs,
        ))
    } else {
        Box::new(PhraseQuery::new_with_offset(terms))
    };
    Box::new(BoostQuery::new(query, boost))
}

/// Lines explaining a plain query: its language and, per unit, what it
/// also searches for.
pub fn explain(plain: &Plain, lang: Option<Lang>) -> Vec<String> {
    let mut lines = vec![match lang {
        Some(l) => format!("query language: {l}; its words weigh 1"),
        None => "query language: unclear, translated both ways; its words weigh 1".to_owned(),
    }];
    for (unit, boosts) in &plain.units {
        let words = unit.words.join(" ");
        if unit.alternatives.is_empty() {
            lines.push(format!("{words}: no translation"));
            continue;
        }
        let alts: Vec<String> = unit
            .alternatives
            .iter()
            .zip(boosts)
            .map(|(a, b)| format!("{} ({}, {}, ×{b:.2})", a.text, a.lang, a.via))
            .collect();
        lines.push(format!("{words} → {}", alts.join(", ")));
    }
    for (word, alternatives) in &plain.excluded {
        let alts: Vec<String> = alternatives
            .iter()
            .map(|a| format!("{} ({}, {})", a.text, a.lang, a.via))
            .collect();
        lines.push(match alts.is_empty() {
            true => format!("-{word}: excluded, no translation"),
            false => format!("-{word}: excluded, with {}", alts.join(", ")),
        });
    }
    lines.push(format!(
        "boosts: the words as a phrase ×{PHRASE_BOOST}, all of them ×{COVER_BOOST}, in the title, heading or first sentence ×{HEAD_BOOST}"
    ));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hyphenated_compounds_are_words() {
        let (words, excluded) = split("NATO-Russia Founding Act -Crimea").unwrap();
        assert_eq!(words, ["NATO", "Russia", "Founding", "Act"]);
        assert_eq!(excluded, ["Crimea"]);
        let (words, _) = split("l’élargissement de l'OTAN").unwrap();
        assert_eq!(words, ["l’élargissement", "de", "l'OTAN"]);
    }

    #[test]
    fn syntax_is_for_the_parser() {
        assert!(split("\"Conseil OTAN-Russie\"").is_none());
        assert!(split("+OTAN Russie").is_none());
        assert!(split("OTAN OR NATO").is_none());
    }
}
