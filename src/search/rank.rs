//! Ranking beyond BM25: a hit's score is weighed by how much of its
//! passage is prose (links and figures rank below prose with the same
//! words), and the first places go to several documents rather than to
//! one that repeats itself.

use tantivy::collector::{Collector, TopDocs};
use tantivy::{DocAddress, DocId, Score, SegmentReader};

use crate::index::schema::PROSE_SCALE;
use crate::lang::Lang;

/// Places at the top where one document's passages are limited.
pub const DIVERSE_PLACES: usize = 5;
/// Hits among which the first places are chosen (collected whatever the
/// limit, so that `-n 3` and `-n 20` begin alike).
pub const DIVERSITY_WINDOW: usize = 64;
/// Passages of one document allowed in those places by default.
pub const DEFAULT_PER_DOC: usize = 2;

/// The collector of the best `limit` hits, their BM25 scores weighed by
/// their passages' prose weight.
pub fn collector(limit: usize) -> impl Collector<Fruit = Vec<(Score, DocAddress)>> {
    TopDocs::with_limit(limit).tweak_score(|segment: &SegmentReader| {
        let prose = segment
            .fast_fields()
            .u64("prose")
            .ok()
            .map(|column| column.first_or_default_col(PROSE_SCALE as u64));
        move |doc: DocId, score: Score| match &prose {
            Some(column) => score * column.get_val(doc) as Score / PROSE_SCALE,
            None => score,
        }
    })
}

/// Reorders hits, best first, so that no document has more than
/// `per_doc` of the first [`DIVERSE_PLACES`] places while another
/// document's hit that `may_rise` can take the place; the others follow in
/// their order. `per_doc` 0 keeps the order as it is.
pub fn diversify<T>(
    hits: Vec<T>,
    doc_of: impl Fn(&T) -> &str,
    per_doc: usize,
    may_rise: impl Fn(&T) -> bool,
) -> Vec<T> {
    if per_doc == 0 {
        return hits;
    }
    let mut rest: Vec<Option<T>> = hits.into_iter().map(Some).collect();
    let mut out: Vec<T> = Vec::with_capacity(rest.len());
    while out.len() < DIVERSE_PLACES {
        let count = |doc: &str, out: &[T]| out.iter().filter(|h| doc_of(h) == doc).count();
        let next = rest.iter().position(Option::is_some);
        let window = &rest[..rest.len().min(DIVERSITY_WINDOW)];
        let pick = window
            .iter()
            .enumerate()
            .position(|(i, h)| {
                h.as_ref().is_some_and(|h| {
                    count(doc_of(h), &out) < per_doc && (Some(i) == next || may_rise(h))
                })
            })
            .or(next);
        match pick {
            Some(i) => out.push(rest[i].take().expect("a hit")),
            None => break,
        }
    }
    out.extend(rest.into_iter().flatten());
    out
}

/// The hits after the first [`DIVERSE_PLACES`] that score above one of
/// those while their document already has `per_doc` of them: those the
/// variety rule kept below (their indices in `hits`). Only hits that
/// `counts` are considered (a counterpart follows its hit whatever its
/// score).
pub fn held_back<T>(
    hits: &[T],
    doc_of: impl Fn(&T) -> &str,
    score_of: impl Fn(&T) -> f32,
    per_doc: usize,
    counts: impl Fn(&T) -> bool,
) -> Vec<usize> {
    if per_doc == 0 || hits.len() <= DIVERSE_PLACES {
        return Vec::new();
    }
    let first = &hits[..DIVERSE_PLACES];
    let lowest = first.iter().map(&score_of).fold(f32::INFINITY, f32::min);
    (DIVERSE_PLACES..hits.len())
        .filter(|&i| {
            let hit = &hits[i];
            counts(hit)
                && score_of(hit) > lowest
                && first.iter().filter(|h| doc_of(h) == doc_of(hit)).count() >= per_doc
        })
        .collect()
}

/// What a held-back hit's first line says of it ([`held_back`]).
pub fn held_back_label(per_doc: usize) -> String {
    format!("held below the first {DIVERSE_PLACES}: its document has {per_doc} there (--per-doc)")
}

/// The place (from 0) the other language's best hit takes when the first
/// places are all in one language.
pub const LANGUAGE_PLACE: usize = 2;

/// Whether the first [`DIVERSE_PLACES`] hits are all in language `lang`.
pub fn one_language<T>(hits: &[T], lang_of: impl Fn(&T) -> Lang, lang: Lang) -> bool {
    hits.iter().take(DIVERSE_PLACES).all(|h| lang_of(h) == lang)
}

/// Puts `hit` (the other language's best) at place [`LANGUAGE_PLACE`]
/// (the third), or last when there are fewer hits; taken out of its own
/// place further down if it was there.
pub fn mix_in<T, K: PartialEq>(mut hits: Vec<T>, hit: T, key: impl Fn(&T) -> K) -> Vec<T> {
    let k = key(&hit);
    if let Some(at) = hits.iter().position(|h| key(h) == k) {
        if at < LANGUAGE_PLACE {
            return hits;
        }
        hits.remove(at);
    }
    hits.insert(LANGUAGE_PLACE.min(hits.len()), hit);
    hits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_most_two_of_a_document_in_the_first_five() {
        let hits = vec!["a1", "a2", "a3", "a4", "b1", "a5", "c1"];
        let ranked = diversify(hits.clone(), |h| &h[..1], 2, |_| true);
        assert_eq!(ranked, ["a1", "a2", "b1", "c1", "a3", "a4", "a5"]);
        assert_eq!(diversify(hits.clone(), |h| &h[..1], 0, |_| true), hits);
        assert_eq!(
            diversify(hits.clone(), |h| &h[..1], 1, |_| true),
            ["a1", "b1", "c1", "a2", "a3", "a4", "a5"]
        );
    }

    #[test]
    fn a_hit_kept_below_for_variety_is_named_and_no_other() {
        // (document, score): a3 and a4 score above c1 but their document
        // has two of the first five; d1 is simply lower; b2 scores above
        // c1 but its document has one place there; x1 does not count.
        let hits = [
            ("a", 9.0),
            ("a", 8.0),
            ("b", 7.0),
            ("x", 6.5),
            ("c", 3.0),
            ("a", 6.0),
            ("b", 5.0),
            ("a", 4.0),
            ("d", 2.0),
            ("a", 1.0),
            ("a", 8.5),
        ];
        fn doc<'a>(h: &'a (&str, f32)) -> &'a str {
            h.0
        }
        let score = |h: &(&str, f32)| h.1;
        assert_eq!(held_back(&hits, doc, score, 2, |_| true), [5, 7, 10]);
        assert_eq!(
            held_back(&hits, doc, score, 2, |h| h.1 != 8.5),
            [5, 7],
            "a hit that does not count is never named"
        );
        assert_eq!(held_back(&hits, doc, score, 1, |_| true), [5, 6, 7, 10]);
        assert!(held_back(&hits, doc, score, 0, |_| true).is_empty());
        assert!(held_back(&hits[..5], doc, score, 2, |_| true).is_empty());
        assert_eq!(
            held_back_label(2),
            "held below the first 5: its document has 2 there (--per-doc)"
        );
    }

    #[test]
    fn one_document_alone_keeps_its_order() {
        let hits = vec!["a1", "a2", "a3"];
        assert_eq!(diversify(hits.clone(), |h| &h[..1], 2, |_| true), hits);
    }

    #[test]
    fn only_a_hit_that_may_rise_takes_a_place_above_its_rank() {
        // b1 and c1 were found by meaning alone ('*'): they are not
        // matches that deserve a place above a3.
        let hits = vec!["a1", "a2", "a3", "b1*", "c1*", "d1"];
        let words = |h: &&str| !h.ends_with('*');
        assert_eq!(
            diversify(hits.clone(), |h| &h[..1], 2, words),
            ["a1", "a2", "d1", "a3", "b1*", "c1*"]
        );
        assert_eq!(
            diversify(hits, |h| &h[..1], 2, |_| true),
            ["a1", "a2", "b1*", "c1*", "d1", "a3"]
        );
    }

    #[test]
    fn the_other_language_gets_the_third_place() {
        let lang = |h: &&str| {
            if h.starts_with('f') {
                Lang::French
            } else {
                Lang::English
            }
        };
        let hits = vec!["f1", "f2", "f3", "f4", "f5", "f6", "e1", "e2"];
        assert!(one_language(&hits, lang, Lang::French));
        assert!(!one_language(&["f1", "e1"], lang, Lang::French));
        assert_eq!(
            mix_in(hits, "e1", |h| *h),
            ["f1", "f2", "e1", "f3", "f4", "f5", "f6", "e2"]
        );
        assert_eq!(mix_in(vec!["f1"], "e3", |h| *h), ["f1", "e3"]);
        assert_eq!(
            mix_in(vec!["f1", "e3", "f2"], "e3", |h| *h),
            ["f1", "e3", "f2"]
        );
    }
}
