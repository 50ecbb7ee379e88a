//! Filters: language, date span, document, source. Each is a clause that
//! must match and adds nothing to the score.

use std::ops::Bound;

use tantivy::query::{
    AllQuery, BooleanQuery, ConstScoreQuery, Occur, Query, RangeQuery, TermQuery,
};
use tantivy::schema::IndexRecordOption;
use tantivy::Term;

use super::SearchOptions;
use crate::analysis::{keyword_analyzer, tokens};
use crate::error::{Error, Result};
use crate::index::record::PENDING;
use crate::index::SearchIndex;
use crate::lang::Lang;

/// The filters of a search, checked against the index.
pub fn filters(index: &SearchIndex, options: &SearchOptions) -> Result<Vec<Box<dyn Query>>> {
    let fields = index.fields();
    let mut filters: Vec<Box<dyn Query>> = Vec::new();
    if let Some(lang) = options.lang {
        filters.push(language(index, lang));
    }
    let mut filter = |q: Box<dyn Query>| filters.push(Box::new(ConstScoreQuery::new(q, 0.0)));
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
        let known = index.record().is_some_and(|r| {
            r.files()
                .any(|f| f.hash != PENDING && (f.path == doc || f.doc == *doc))
        });
        if !known {
            return Err(Error::InvalidFilter {
                filter: "doc",
                message: format!("no document has the key or path '{doc}'"),
            });
        }
        let by_key = term_query(Term::from_field_text(fields.doc, doc));
        let by_path = term_query(Term::from_field_text(fields.path, doc));
        filter(Box::new(BooleanQuery::new(vec![
            (Occur::Should, by_key),
            (Occur::Should, by_path),
        ])));
    }
    if let Some(source) = &options.source {
        let words = tokens(&mut keyword_analyzer(), source);
        if words.is_empty() {
            return Err(Error::InvalidFilter {
                filter: "source",
                message: format!("'{source}' has no word to match"),
            });
        }
        for word in words {
            filter(term_query(Term::from_field_text(fields.source, &word)));
        }
    }
    Ok(filters)
}

/// `query` with every filter as a required clause.
pub fn apply(query: &dyn Query, filters: &[Box<dyn Query>]) -> BooleanQuery {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, query.box_clone())];
    clauses.extend(filters.iter().map(|f| (Occur::Must, f.box_clone())));
    BooleanQuery::new(clauses)
}

/// Every passage the filters let through, without those `excluded`
/// matches: where the ranking by meaning looks.
pub fn scope(filters: &[Box<dyn Query>], excluded: &[Box<dyn Query>]) -> BooleanQuery {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, Box::new(AllQuery))];
    clauses.extend(filters.iter().map(|f| (Occur::Must, f.box_clone())));
    clauses.extend(excluded.iter().map(|q| (Occur::MustNot, q.box_clone())));
    BooleanQuery::new(clauses)
}

/// The passages in a language, at no score.
pub fn language(index: &SearchIndex, lang: Lang) -> Box<dyn Query> {
    let term = Term::from_field_text(index.fields().lang, lang.code());
    Box::new(ConstScoreQuery::new(term_query(term), 0.0))
}

fn term_query(term: Term) -> Box<dyn Query> {
    Box::new(TermQuery::new(term, IndexRecordOption::Basic))
}
