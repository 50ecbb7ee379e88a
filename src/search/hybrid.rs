//! Hybrid ranking: the BM25 ranking (words, with their translations) and
//! the semantic one (meaning) fused by reciprocal ranks, with the semantic
//! ranks counted within each language. A French query's own passages fill
//! the top of any single ranking by meaning, since a sentence is nearest to
//! sentences of its own language; ranked within its language, the best
//! English passage weighs as much as the best French one.

use std::collections::HashMap;
use std::hash::Hash;

/// How the two rankings are fused.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fusion {
    /// The rank constant of reciprocal-rank fusion: `1 / (k + rank)`.
    pub k: f32,
    /// Weight of the semantic ranking against BM25's, for passages in the
    /// query's language.
    pub semantic_weight: f32,
    /// The same for passages in the other language, which BM25 reaches
    /// only through translations.
    pub other_weight: f32,
    /// Semantic ranks counted within each language (else over both).
    pub per_language: bool,
    /// Words a query needs for meaning to weigh fully: a shorter query
    /// (a name, an acronym, a term) is ranked mostly by its words, where
    /// sentence vectors are weakest (0: every query alike).
    pub full_words: usize,
    /// Words a query needs for meaning to add passages that its words did
    /// not find; a shorter query's meaning only reorders the passages its
    /// words found (0: every query's meaning adds).
    pub adding_words: usize,
}

/// The default was chosen on the dev sets (BENCHMARKS.md lists every
/// variant tried): ranks weigh from the first places (`k` 10, not the
/// usual 60, since BM25's first hits are usually right); meaning counts
/// less than words (0.3), in both languages alike, since the other
/// language's version of the first hits is ranked after them by
/// [`super::counterpart`] (weighing the other language's meaning more
/// brought it up too, and put passages of the other language before the
/// query's own exact matches); and a query of one or two words gets a
/// third or two thirds of that (sentence vectors say little of a name or
/// a term).
impl Default for Fusion {
    fn default() -> Self {
        Fusion {
            k: 10.0,
            semantic_weight: 0.3,
            other_weight: 0.3,
            per_language: true,
            full_words: 3,
            adding_words: 3,
        }
    }
}

impl Fusion {
    /// The fusion an environment variable describes for experiments
    /// (`NREL_FUSION=k=20,w=1.5,global`), else the default.
    pub fn from_env() -> Fusion {
        let mut fusion = Fusion::default();
        let Ok(spec) = std::env::var("NREL_FUSION") else {
            return fusion;
        };
        for part in spec.split(',') {
            match part.split_once('=') {
                Some(("k", v)) => fusion.k = v.parse().unwrap_or(fusion.k),
                Some(("w", v)) => {
                    fusion.semantic_weight = v.parse().unwrap_or(fusion.semantic_weight)
                }
                Some(("o", v)) => fusion.other_weight = v.parse().unwrap_or(fusion.other_weight),
                Some(("s", v)) => fusion.full_words = v.parse().unwrap_or(fusion.full_words),
                Some(("a", v)) => fusion.adding_words = v.parse().unwrap_or(fusion.adding_words),
                None if part == "global" => fusion.per_language = false,
                _ => {}
            }
        }
        fusion
    }
}

/// A hit of the fused ranking.
#[derive(Clone, Debug)]
pub struct Fused<T> {
    /// The fused score.
    pub score: f32,
    /// Its BM25 score, if BM25 found it.
    pub bm25: Option<f32>,
    /// Its cosine similarity with the query, if the semantic search found it.
    pub cosine: Option<f32>,
    /// The passage.
    pub item: T,
}

/// Fuses the BM25 hits (best first) with the semantic hits of each
/// language (best first), `key` telling the same passage in both;
/// `query_lang` is the index (0 or 1) of the query's language in
/// `semantic`, if known; `words` the number of words of the query.
pub fn fuse<T, K: Eq + Hash>(
    bm25: Vec<(f32, T)>,
    semantic: [Vec<(f32, T)>; 2],
    key: impl Fn(&T) -> K,
    (query_lang, words): (Option<usize>, usize),
    fusion: &Fusion,
) -> Vec<Fused<T>> {
    let reciprocal = |rank: usize| 1.0 / (fusion.k + rank as f32);
    let length = match fusion.full_words {
        0 => 1.0,
        full => (words as f32 / full as f32).min(1.0),
    };
    let mut out: Vec<Fused<T>> = Vec::new();
    let mut at: HashMap<K, usize> = HashMap::new();
    for (rank, (score, item)) in bm25.into_iter().enumerate() {
        at.insert(key(&item), out.len());
        out.push(Fused {
            score: reciprocal(rank + 1),
            bm25: Some(score),
            cosine: None,
            item,
        });
    }
    let weight = |lang: usize| {
        length
            * match query_lang {
                Some(q) if q != lang => fusion.other_weight,
                _ => fusion.semantic_weight,
            }
    };
    let ranked: Vec<(usize, f32, f32, T)> = if fusion.per_language {
        semantic
            .into_iter()
            .enumerate()
            .flat_map(|(lang, list)| {
                let w = weight(lang);
                list.into_iter()
                    .enumerate()
                    .map(move |(r, (c, t))| (r + 1, w, c, t))
            })
            .collect()
    } else {
        let mut all: Vec<(f32, f32, T)> = semantic
            .into_iter()
            .enumerate()
            .flat_map(|(lang, list)| {
                let w = weight(lang);
                list.into_iter().map(move |(c, t)| (c, w, t))
            })
            .collect();
        all.sort_by(|a, b| b.0.total_cmp(&a.0));
        all.into_iter()
            .enumerate()
            .map(|(r, (c, w, t))| (r + 1, w, c, t))
            .collect()
    };
    // Every passage has a nearest-meaning rank, however far it is: one
    // that the words did not find is added only for a query long enough
    // for its vector to say something, and only when it is nearer than
    // orthogonal.
    let adds = words >= fusion.adding_words;
    for (rank, weight, cosine, item) in ranked {
        let share = weight * reciprocal(rank);
        match at.get(&key(&item)) {
            Some(&i) => {
                out[i].score += share;
                out[i].cosine = Some(cosine);
            }
            None if !adds || cosine <= 0.0 => {}
            None => {
                at.insert(key(&item), out.len());
                out.push(Fused {
                    score: share,
                    bm25: None,
                    cosine: Some(cosine),
                    item,
                });
            }
        }
    }
    // Equal fused scores: the one found by both, then the better BM25.
    out.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(b.bm25.unwrap_or(-1.0).total_cmp(&a.bm25.unwrap_or(-1.0)))
            .then(
                b.cosine
                    .unwrap_or(-1.0)
                    .total_cmp(&a.cosine.unwrap_or(-1.0)),
            )
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn found_by_both_comes_first() {
        let bm25 = vec![(9.0, "fr1"), (8.0, "fr2"), (7.0, "fr3")];
        let semantic = [vec![(0.8, "fr3"), (0.7, "fr4")], vec![(0.5, "en1")]];
        let equal = Fusion {
            other_weight: 0.3,
            ..Fusion::default()
        };
        let fused = fuse(bm25, semantic, |t| *t, (Some(0), 4), &equal);
        let order: Vec<&str> = fused.iter().map(|f| f.item).collect();
        assert_eq!(order[0], "fr3");
        assert_eq!(fused[0].bm25, Some(7.0));
        assert_eq!(fused[0].cosine, Some(0.8));
        // The best English passage ranks with the best French ones, by
        // its rank in its language, whatever its lower cosine.
        let en = order.iter().position(|&t| t == "en1").unwrap();
        let fr4 = order.iter().position(|&t| t == "fr4").unwrap();
        assert!(en < fr4, "{order:?}");
    }

    #[test]
    fn meaning_adds_passages_only_to_queries_of_several_words_and_near_ones() {
        let bm25 = vec![(9.0, "fr1")];
        let semantic = || [vec![(0.2, "fr2"), (0.1, "fr1")], vec![(-0.01, "en1")]];
        let fusion = Fusion::default();
        let items = |words| {
            let fused = fuse(bm25.clone(), semantic(), |t| *t, (Some(0), words), &fusion);
            fused.iter().map(|f| (f.item, f.cosine)).collect::<Vec<_>>()
        };
        // One or two words: meaning reorders what the words found.
        assert_eq!(items(1), [("fr1", Some(0.1))]);
        assert_eq!(items(2), [("fr1", Some(0.1))]);
        // Three: it adds the passage it finds near, not the one facing
        // away from the query.
        assert_eq!(items(3), [("fr1", Some(0.1)), ("fr2", Some(0.2))]);
    }

    #[test]
    fn a_global_ranking_lets_one_language_crowd_the_other_out() {
        let semantic = [vec![(0.8, "fr1"), (0.7, "fr2")], vec![(0.5, "en1")]];
        let fusion = Fusion {
            per_language: false,
            ..Fusion::default()
        };
        let fused = fuse(Vec::new(), semantic, |t| *t, (None, 4), &fusion);
        let order: Vec<&str> = fused.iter().map(|f| f.item).collect();
        assert_eq!(order, ["fr1", "fr2", "en1"]);
    }
}
