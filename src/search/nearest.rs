//! The passages nearest in meaning to a vector: every passage in scope
//! (the filters, without deleted passages: a tantivy query decides) is
//! compared by the Hamming distance of its sign bits, the nearest
//! candidates of each language are reranked by their four-bit vectors, and
//! the best of each language are kept, so that the other language's
//! passages are never crowded out by the query's.

use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::query::Query;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use crate::error::Result;
use crate::lang::Lang;
use crate::semantic::vectors::{dot_fine, hamming, Nearest, Quantised, FINE_WORDS, SIGN_WORDS};

/// Candidates per language and segment that the sign bits pick for
/// reranking: the scan's recall, for the price of reading their vectors
/// (`NREL_CANDIDATES` overrides it for experiments).
const CANDIDATES: usize = 250;

fn candidates() -> usize {
    std::env::var("NREL_CANDIDATES")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(CANDIDATES)
}

/// A passage near the query.
#[derive(Clone, Copy, Debug)]
pub struct Near {
    /// Approximate cosine similarity with the query.
    pub cosine: f32,
    /// The passage.
    pub address: DocAddress,
    /// Its language.
    pub lang: Lang,
}

/// The `per_lang` passages of each language nearest to `vector` among those
/// `scope` matches, nearest first, languages apart.
pub fn nearest(
    searcher: &tantivy::Searcher,
    scope: &dyn Query,
    vector: &[f32],
    per_lang: usize,
) -> Result<[Vec<Near>; 2]> {
    let collector = NearestCollector {
        query: Arc::new(QueryVector {
            signs: Quantised::new(vector).signs,
            vector: vector.to_vec(),
        }),
        per_lang,
        candidates: candidates().max(per_lang),
    };
    Ok(searcher.search(scope, &collector)?)
}

/// The query's vector and its signs.
struct QueryVector {
    signs: [u32; SIGN_WORDS],
    vector: Vec<f32>,
}

struct NearestCollector {
    query: Arc<QueryVector>,
    per_lang: usize,
    candidates: usize,
}

/// What a segment's scan keeps.
pub struct NearestSegment {
    query: Arc<QueryVector>,
    per_lang: usize,
    segment: SegmentOrdinal,
    signs: Option<Column<u64>>,
    fine: Option<Column<u64>>,
    lang: Option<Column<u64>>,
    candidates: [Nearest<DocId>; 2],
    /// Whether every document of the segment has a vector and a language,
    /// so that a run of documents reads its words in one call.
    dense: bool,
    block: Vec<u64>,
    langs: Vec<u64>,
}

impl Collector for NearestCollector {
    type Fruit = [Vec<Near>; 2];
    type Child = NearestSegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<NearestSegment> {
        let fast = reader.fast_fields();
        // A segment without vectors (an index being given them) has none
        // of these columns.
        let column = |name: &str| fast.u64(name).ok();
        let signs = column("vec_signs");
        let lang = column("lang_id");
        let max_doc = u64::from(reader.max_doc());
        let dense = signs
            .as_ref()
            .is_some_and(|c| u64::from(c.values.num_vals()) == SIGN_WORDS as u64 * max_doc)
            && lang
                .as_ref()
                .is_some_and(|c| c.get_cardinality() == tantivy::columnar::Cardinality::Full);
        Ok(NearestSegment {
            query: Arc::clone(&self.query),
            per_lang: self.per_lang,
            segment,
            signs,
            fine: column("vec_fine"),
            lang,
            candidates: [Nearest::new(self.candidates), Nearest::new(self.candidates)],
            dense,
            block: Vec::new(),
            langs: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<[Vec<Near>; 2]>) -> tantivy::Result<[Vec<Near>; 2]> {
        let mut out: [Vec<Near>; 2] = [Vec::new(), Vec::new()];
        for fruit in fruits {
            for (all, part) in out.iter_mut().zip(fruit) {
                all.extend(part);
            }
        }
        for list in &mut out {
            list.sort_by(|a, b| {
                b.cosine
                    .total_cmp(&a.cosine)
                    .then(a.address.segment_ord.cmp(&b.address.segment_ord))
                    .then(a.address.doc_id.cmp(&b.address.doc_id))
            });
            list.truncate(self.per_lang);
        }
        Ok(out)
    }
}

impl SegmentCollector for NearestSegment {
    type Fruit = [Vec<Near>; 2];

    fn collect_block(&mut self, docs: &[DocId]) {
        let (Some(&first), Some(&last)) = (docs.first(), docs.last()) else {
            return;
        };
        let consecutive = (last - first) as usize + 1 == docs.len();
        let (Some(signs), Some(lang)) = (&self.signs, &self.lang) else {
            return;
        };
        if !(self.dense && consecutive) {
            for &doc in docs {
                self.collect(doc, 0.0);
            }
            return;
        }
        // A run of documents: their words and languages in two calls.
        self.block.resize(docs.len() * SIGN_WORDS, 0);
        signs
            .values
            .get_range(u64::from(first) * SIGN_WORDS as u64, &mut self.block);
        self.langs.resize(docs.len(), 0);
        lang.values.get_range(u64::from(first), &mut self.langs);
        for (i, words) in self.block.chunks_exact(SIGN_WORDS).enumerate() {
            let distance = hamming(&self.query.signs, words);
            let which = usize::from(self.langs[i] == 1);
            self.candidates[which].push(distance, first + i as DocId);
        }
    }

    fn collect(&mut self, doc: DocId, _score: Score) {
        let (Some(signs), Some(lang)) = (&self.signs, &self.lang) else {
            return;
        };
        let rows = signs.index.value_row_ids(doc);
        if rows.len() != SIGN_WORDS {
            return;
        }
        let mut words = [0u64; SIGN_WORDS];
        signs.values.get_range(u64::from(rows.start), &mut words);
        let distance = hamming(&self.query.signs, &words);
        let which = usize::from(lang.first(doc) == Some(1));
        self.candidates[which].push(distance, doc);
    }

    fn harvest(mut self) -> [Vec<Near>; 2] {
        let mut out: [Vec<Near>; 2] = [Vec::new(), Vec::new()];
        let Some(fine) = self.fine.take() else {
            return out;
        };
        for (which, nearest) in self.candidates.into_iter().enumerate() {
            let lang = if which == 1 {
                Lang::English
            } else {
                Lang::French
            };
            for (_, doc) in nearest.into_sorted() {
                let rows = fine.index.value_row_ids(doc);
                if rows.len() != FINE_WORDS {
                    continue;
                }
                let mut words = [0u64; FINE_WORDS];
                fine.values.get_range(u64::from(rows.start), &mut words);
                out[which].push(Near {
                    cosine: dot_fine(&words, &self.query.vector),
                    address: DocAddress::new(self.segment, doc),
                    lang,
                });
            }
            out[which].sort_by(|a, b| b.cosine.total_cmp(&a.cosine));
            out[which].truncate(self.per_lang);
        }
        out
    }
}
