//! Counterparts: where the corpus keeps a text in both languages, the
//! passage of the other language that says what a hit says (its
//! translation, or the original it translates) is ranked right after the
//! hit.
//!
//! A query reaches the other language's passages only through the
//! translations of its words, and its sentence vector is nearest to
//! passages of its own language: the other language's version of the best
//! hit comes far below it, behind every passage of the query's language
//! that shares a word with it. Its vector, though, is nearly the hit's
//! own: the sentence encoder was trained to put translations together, and
//! a passage and its translation lie at a cosine similarity of about 0.8
//! to 0.95, where passages on the same subject in other words lie at 0.4
//! to 0.7. So the first hits' vectors are looked up, the other language's
//! passages nearest to them are found in one scan for all of them (a scan
//! like a semantic search's, after the search), and a passage at
//! [`SAME_MEANING`] or more from a hit, in another document, follows it.
//! A translation in the hit's own document (a bilingual page) stays where
//! it ranks: the reader is already there.

use std::collections::HashMap;
use std::hash::Hash;

use tantivy::query::Query;
use tantivy::{DocAddress, Searcher};

use super::nearest;
use crate::corpus::SourceMeta;
use crate::error::Result;
use crate::index::SearchIndex;
use crate::lang::Lang;
use crate::passage::Passage;

/// The cosine similarity from which two passages of the two languages
/// are taken to say the same thing (the passages' four-bit vectors
/// compared).
pub const SAME_MEANING: f32 = 0.75;

/// The first hits whose counterparts are looked for.
pub const PIVOTS: usize = 3;

/// Nearest passages of the other language considered for each hit: the
/// nearest may be in the hit's own document.
const NEAREST: usize = 3;

/// Candidates the sign bits pick for each hit before their four-bit
/// vectors are compared: a translation is among the very nearest, where
/// a search by a query's vector needs many more.
const CANDIDATES: usize = 32;

/// What a counterpart's line says of it, after its language: that it
/// says what the hit above it says.
pub fn label(lang: Lang) -> String {
    format!("the passage above, in {}", lang.name())
}

/// A hit whose counterpart is looked for.
pub struct Pivot<'a> {
    /// Its language: the counterpart is in the other.
    pub lang: Lang,
    /// Its document: the counterpart is in another.
    pub doc: &'a str,
    /// Its vector, of unit length.
    pub vector: Vec<f32>,
}

/// A counterpart found.
#[derive(Debug)]
pub struct Found {
    /// Where the passage is.
    pub address: DocAddress,
    /// The passage, with its document's metadata.
    pub passage: (Passage, SourceMeta),
    /// Its cosine similarity with the hit it says the same as.
    pub cosine: f32,
}

/// Each pivot's counterpart, if one says the same: the passages of the
/// other language nearest to it, among those `scope` matches, at
/// [`SAME_MEANING`] or more and in another document (`read` reads a
/// passage back).
pub fn find(
    index: &SearchIndex,
    searcher: &Searcher,
    scope: &dyn Query,
    pivots: &[Pivot],
    read: impl Fn(DocAddress) -> Result<(Passage, SourceMeta)>,
) -> Result<Vec<Option<Found>>> {
    let queries: Vec<(&[f32], Option<Lang>)> = pivots
        .iter()
        .map(|p| (p.vector.as_slice(), Some(p.lang.other())))
        .collect();
    let lists = nearest::nearest_each(index, searcher, scope, &queries, NEAREST, CANDIDATES)?;
    let mut out = Vec::with_capacity(pivots.len());
    for (pivot, lists) in pivots.iter().zip(lists) {
        let mut found = None;
        for near in lists.into_iter().flatten() {
            if near.cosine < SAME_MEANING {
                break;
            }
            let passage = read(near.address)?;
            if passage.0.id.doc() != pivot.doc {
                found = Some(Found {
                    address: near.address,
                    passage,
                    cosine: near.cosine,
                });
                break;
            }
        }
        out.push(found);
    }
    Ok(out)
}

/// Ranks each counterpart right after its hit: `found` holds the index in
/// `hits` of a hit and its counterpart, which takes the place of the same
/// passage further down in `hits` (or right after the hit: it is the
/// counterpart there too, and follows the hit if that moves), else is
/// inserted; one ranked above its hit keeps its place. A passage that is
/// the counterpart of two hits follows the first.
pub fn place<T, K: Eq + Hash>(
    hits: Vec<T>,
    found: Vec<(usize, T)>,
    key: impl Fn(&T) -> K,
) -> Vec<T> {
    let ranked = hits.len();
    let at: HashMap<K, usize> = hits.iter().enumerate().map(|(i, h)| (key(h), i)).collect();
    let mut slots: Vec<Option<T>> = hits.into_iter().map(Some).collect();
    // The slot of each hit's counterpart.
    let mut next: Vec<Option<usize>> = vec![None; ranked];
    let mut added: HashMap<K, usize> = HashMap::new();
    for (hit, counterpart) in found {
        if hit >= ranked || next[hit].is_some() {
            continue;
        }
        let k = key(&counterpart);
        let slot = match (at.get(&k), added.get(&k)) {
            (Some(&i), _) if i <= hit => continue,
            (Some(&i), _) => {
                if next.contains(&Some(i)) {
                    continue;
                }
                slots[i] = Some(counterpart);
                i
            }
            (None, Some(&slot)) => slot,
            (None, None) => {
                slots.push(Some(counterpart));
                added.insert(k, slots.len() - 1);
                slots.len() - 1
            }
        };
        if next.contains(&Some(slot)) {
            continue;
        }
        next[hit] = Some(slot);
    }
    let mut out = Vec::with_capacity(slots.len());
    for i in 0..ranked {
        // A hit, then its counterpart, then the counterpart's (if it was
        // a hit with one too).
        let mut at = Some(i);
        while let Some(slot) = at {
            let Some(hit) = slots[slot].take() else { break };
            out.push(hit);
            at = next.get(slot).copied().flatten();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(hits: &[&'static str]) -> Vec<&'static str> {
        hits.to_vec()
    }

    #[test]
    fn a_counterpart_further_down_follows_its_hit() {
        let hits = ids(&["fr1", "fr2", "fr3", "en1", "en2"]);
        let placed = place(hits, vec![(0, "en2")], |h| *h);
        assert_eq!(placed, ["fr1", "en2", "fr2", "fr3", "en1"]);
    }

    #[test]
    fn a_counterpart_not_found_by_the_search_is_inserted() {
        let hits = ids(&["fr1", "fr2", "fr3"]);
        let placed = place(hits, vec![(0, "en9"), (1, "en8")], |h| *h);
        assert_eq!(placed, ["fr1", "en9", "fr2", "en8", "fr3"]);
    }

    #[test]
    fn a_counterpart_ranked_higher_keeps_its_place() {
        let hits = ids(&["en1", "fr1", "fr2"]);
        assert_eq!(
            place(hits.clone(), vec![(1, "en1")], |h| *h),
            ["en1", "fr1", "fr2"]
        );
        assert_eq!(place(hits, vec![(0, "fr1")], |h| *h), ["en1", "fr1", "fr2"]);
    }

    #[test]
    fn the_counterpart_of_two_hits_follows_the_first() {
        let hits = ids(&["fr1", "fr2", "en1", "fr3"]);
        let placed = place(hits, vec![(0, "en1"), (1, "en1")], |h| *h);
        assert_eq!(placed, ["fr1", "en1", "fr2", "fr3"]);
        let placed = place(vec!["fr1", "fr2"], vec![(0, "en9"), (1, "en9")], |h| *h);
        assert_eq!(placed, ["fr1", "en9", "fr2"]);
    }

    #[test]
    fn a_counterpart_right_after_its_hit_stays_with_it() {
        let hits = ids(&["fr1", "en1", "fr2"]);
        assert_eq!(place(hits, vec![(0, "en1")], |h| *h), ["fr1", "en1", "fr2"]);
        // en0's counterpart is fr2; fr2's is en3, right after it, which
        // goes up with it.
        let hits = ids(&["en0", "fr1", "fr2", "en3"]);
        let placed = place(hits, vec![(0, "fr2"), (2, "en3")], |h| *h);
        assert_eq!(placed, ["en0", "fr2", "en3", "fr1"]);
    }

    #[test]
    fn a_moved_hit_brings_its_own_counterpart() {
        // fr3 is the counterpart of en1 and has its own, en2.
        let hits = ids(&["en1", "fr1", "fr2", "fr3", "en2"]);
        let placed = place(hits, vec![(0, "fr3"), (3, "en2")], |h| *h);
        assert_eq!(placed, ["en1", "fr3", "en2", "fr1", "fr2"]);
    }

    #[test]
    fn nothing_found_changes_nothing() {
        let hits = ids(&["fr1", "fr2"]);
        assert_eq!(place(hits.clone(), Vec::new(), |h| *h), hits);
    }
}
