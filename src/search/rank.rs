//! Ranking beyond BM25: a hit's score is weighed by how much of its
//! passage is prose (links and figures rank below prose with the same
//! words), and the first places go to several documents rather than to
//! one that repeats itself.

use std::collections::HashMap;
use std::hash::Hash;

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

/// The hits that [`diversify`] kept below the first [`DIVERSE_PLACES`]
/// places for variety, by their keys: each was ranked before one of those
/// places' hits in `original` (the order before `diversify`, as keys),
/// and its document has `per_doc` or more of those places. (A hit that
/// was passed over only because it may not rise, its document having
/// room, is not one of them.)
pub fn held_back<T, K: Eq + Hash + Clone>(
    original: &[K],
    ranked: &[T],
    key: impl Fn(&T) -> K,
    doc_of: impl Fn(&T) -> &str,
    per_doc: usize,
) -> Vec<K> {
    if per_doc == 0 || ranked.len() <= DIVERSE_PLACES {
        return Vec::new();
    }
    let position: HashMap<&K, usize> = original.iter().enumerate().map(|(i, k)| (k, i)).collect();
    let first = &ranked[..DIVERSE_PLACES];
    let Some(lowest_risen) = first
        .iter()
        .filter_map(|h| position.get(&key(h)))
        .max()
        .copied()
    else {
        return Vec::new();
    };
    ranked[DIVERSE_PLACES..]
        .iter()
        .filter(|h| {
            position.get(&key(h)).is_some_and(|&p| p < lowest_risen)
                && first.iter().filter(|f| doc_of(f) == doc_of(h)).count() >= per_doc
        })
        .map(&key)
        .collect()
}

/// What a held-back hit's first line says of it ([`held_back`]): its
/// document has `places` of the first ones.
pub fn held_back_label(places: usize) -> String {
    format!("held below the first {DIVERSE_PLACES}: its document has {places} there (--per-doc)")
}

/// What a hit put among the first places as the other language's best
/// passage says of itself.
pub fn language_place_label(lang: Lang) -> String {
    format!(
        "the best passage in {}, placed among the first for its language",
        lang.name()
    )
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
        // Before: a1 a2 a3 b1 a4 c1 d1* e1 (by score; d1 found by meaning
        // alone, which may not rise). Variety lifts b1 and c1, and e1
        // passes d1, which may not rise: a3 and a4 are held by their
        // document, d1 by nothing of the kind.
        let original = ["a1", "a2", "a3", "b1", "a4", "c1", "d1*", "e1"];
        let rise = |h: &&str| !h.ends_with('*');
        fn doc<'a>(h: &'a &str) -> &'a str {
            &h[..1]
        }
        let ranked = diversify(original.to_vec(), doc, 2, rise);
        assert_eq!(ranked, ["a1", "a2", "b1", "c1", "e1", "a3", "a4", "d1*"]);
        assert_eq!(held_back(&original, &ranked, |h| *h, doc, 2), ["a3", "a4"]);
        // A hit put into the first places later (another language's best)
        // holds nothing back: only the order before diversify counts.
        let mut mixed = ranked.clone();
        mixed.insert(2, "x1");
        assert_eq!(held_back(&original, &mixed, |h| *h, doc, 2), ["a3", "a4"]);
        // With nothing lifted, nothing is held.
        let plain = ["a1", "b1", "c1", "a2", "d1", "a3"];
        let same = diversify(plain.to_vec(), doc, 2, rise);
        assert!(held_back(&plain, &same, |h| *h, doc, 2).is_empty());
        assert!(held_back(&original, &original, |h| *h, doc, 0).is_empty());
        assert_eq!(
            held_back_label(3),
            "held below the first 5: its document has 3 there (--per-doc)"
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
