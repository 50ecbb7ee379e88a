//! The passages nearest in meaning to a vector: every passage in scope
//! (the filters, without deleted passages: a tantivy query decides) is
//! compared by the Hamming distance of its sign bits (read from the
//! segments' sign tables, [`crate::index::signs`]); the nearest candidates
//! of each language over all segments are reranked by their four-bit
//! vectors, and the best of each language are kept, so that the other
//! language's passages are never crowded out by the query's.

use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::query::Query;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use crate::error::Result;
use crate::index::signs::{self, SignTable};
use crate::index::SearchIndex;
use crate::lang::Lang;
use crate::semantic::vectors::{
    dot_fine, hamming_rows, hamming_rows_tagged, Nearest, Quantised, FINE_WORDS, SIGN_WORDS,
};

/// Candidates per language that the sign bits pick for reranking: the
/// scan's recall, for the price of reading their four-bit vectors, one
/// page of the index each (`NREL_CANDIDATES` overrides it for
/// experiments).
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
/// `scope` matches in `index` (as `searcher` sees it), nearest first,
/// languages apart.
pub fn nearest(
    index: &SearchIndex,
    searcher: &tantivy::Searcher,
    scope: &dyn Query,
    vector: &[f32],
    per_lang: usize,
) -> Result<[Vec<Near>; 2]> {
    let mut found = nearest_each(
        index,
        searcher,
        scope,
        &[(vector, None)],
        per_lang,
        candidates(),
    )?;
    Ok(found.pop().unwrap_or_default())
}

/// [`nearest`] for several vectors in one scan, each with the language its
/// neighbours are wanted in (`None`: both), the sign bits picking
/// `candidates` of each language for the four-bit vectors to rerank: the
/// lists of each vector, in order.
pub fn nearest_each(
    index: &SearchIndex,
    searcher: &tantivy::Searcher,
    scope: &dyn Query,
    queries: &[(&[f32], Option<Lang>)],
    per_lang: usize,
    candidates: usize,
) -> Result<Vec<[Vec<Near>; 2]>> {
    if queries.is_empty() {
        return Ok(Vec::new());
    }
    index.forget_gone_tables(searcher);
    let collector = NearestCollector {
        index,
        queries: queries
            .iter()
            .map(|(vector, lang)| (Quantised::new(vector).signs, *lang))
            .collect(),
        candidates: candidates.max(per_lang),
    };
    let found = searcher.search(scope, &collector)?;
    let mut fine: Vec<Option<Column<u64>>> = searcher
        .segment_readers()
        .iter()
        .map(|reader| reader.fast_fields().u64("vec_fine").ok())
        .collect();
    let mut out = Vec::with_capacity(queries.len());
    for ((vector, _), candidates) in queries.iter().zip(found) {
        let mut lists: [Vec<Near>; 2] = [Vec::new(), Vec::new()];
        for ((list, lang), found) in lists
            .iter_mut()
            .zip([Lang::French, Lang::English])
            .zip(candidates)
        {
            // In the order of the index, so that the pages they are on are
            // read forward.
            let mut addresses: Vec<DocAddress> = found.into_iter().map(|(_, a)| a).collect();
            addresses.sort_unstable();
            for address in addresses {
                let Some(column) = fine
                    .get_mut(address.segment_ord as usize)
                    .and_then(Option::as_mut)
                else {
                    continue;
                };
                let rows = column.index.value_row_ids(address.doc_id);
                if rows.len() != FINE_WORDS {
                    continue;
                }
                let mut words = [0u64; FINE_WORDS];
                column.values.get_range(u64::from(rows.start), &mut words);
                list.push(Near {
                    cosine: dot_fine(&words, vector),
                    address,
                    lang,
                });
            }
            list.sort_by(|a, b| {
                b.cosine
                    .total_cmp(&a.cosine)
                    .then(a.address.segment_ord.cmp(&b.address.segment_ord))
                    .then(a.address.doc_id.cmp(&b.address.doc_id))
            });
            list.truncate(per_lang);
        }
        out.push(lists);
    }
    Ok(out)
}

/// Candidates of one language: Hamming distance, passage.
type Candidates = Vec<(u32, DocAddress)>;

/// Picks the candidates of each language over all segments, for each
/// query.
struct NearestCollector<'a> {
    /// The index, which holds the segments' sign tables.
    index: &'a SearchIndex,
    /// Each query's sign bits, and the language it wants, if only one.
    queries: Vec<([u32; SIGN_WORDS], Option<Lang>)>,
    candidates: usize,
}

/// What a segment's scan keeps.
pub struct NearestSegment {
    queries: Vec<([u32; SIGN_WORDS], Option<Lang>)>,
    segment: SegmentOrdinal,
    /// The segment's signs and languages; `None` when it has no vectors.
    table: Option<Arc<SignTable>>,
    /// Each query's candidates in each language.
    candidates: Vec<[Nearest<DocId>; 2]>,
    distances: Vec<u32>,
    tagged: Vec<(u32, u32)>,
    /// Documents given one at a time (a segment with deletions), held as
    /// a run of consecutive ones to scan at once: first, length.
    run: (DocId, usize),
}

/// Longest run of documents held before it is scanned.
const RUN: usize = 4096;

impl NearestSegment {
    /// Scans documents `first..first + n`, all in scope.
    fn scan(&mut self, first: DocId, n: usize) {
        let Some(table) = &self.table else { return };
        if n == 0 {
            return;
        }
        let rows = table.rows(first, n);
        let langs = table.langs(first, n);
        for ((query, wanted), candidates) in self.queries.iter().zip(&mut self.candidates) {
            match wanted {
                None => {
                    hamming_rows(query, rows, &mut self.distances);
                    for (i, (&distance, &lang)) in self.distances.iter().zip(langs).enumerate() {
                        if lang != signs::NO_VECTOR {
                            candidates[usize::from(lang == 1)].push(distance, first + i as DocId);
                        }
                    }
                }
                // One language: the other's rows are not compared.
                Some(lang) => {
                    let tag = u8::from(*lang == Lang::English);
                    hamming_rows_tagged(query, rows, (langs, tag), &mut self.tagged);
                    for &(distance, i) in &self.tagged {
                        candidates[usize::from(tag)].push(distance, first + i);
                    }
                }
            }
        }
    }
}

impl Collector for NearestCollector<'_> {
    type Fruit = Vec<[Candidates; 2]>;
    type Child = NearestSegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<NearestSegment> {
        // A segment without vectors (an index being given them) has no
        // table.
        Ok(NearestSegment {
            queries: self.queries.clone(),
            segment,
            table: self.index.sign_table(reader),
            candidates: self
                .queries
                .iter()
                .map(|_| [Nearest::new(self.candidates), Nearest::new(self.candidates)])
                .collect(),
            distances: Vec::new(),
            tagged: Vec::new(),
            run: (0, 0),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(
        &self,
        fruits: Vec<Vec<[Candidates; 2]>>,
    ) -> tantivy::Result<Vec<[Candidates; 2]>> {
        let mut out: Vec<[Candidates; 2]> = self
            .queries
            .iter()
            .map(|_| [Vec::new(), Vec::new()])
            .collect();
        for fruit in fruits {
            for (all, part) in out.iter_mut().zip(fruit) {
                for (all, part) in all.iter_mut().zip(part) {
                    all.extend(part);
                }
            }
        }
        for list in out.iter_mut().flatten() {
            list.sort_unstable();
            list.truncate(self.candidates);
        }
        Ok(out)
    }
}

impl SegmentCollector for NearestSegment {
    type Fruit = Vec<[Candidates; 2]>;

    fn collect_block(&mut self, docs: &[DocId]) {
        let (Some(&first), Some(&last)) = (docs.first(), docs.last()) else {
            return;
        };
        let span = (last - first) as usize + 1;
        if span == docs.len() {
            // A run of documents (every passage in scope, as a rule), after
            // those held before it.
            let (held, n) = std::mem::take(&mut self.run);
            self.scan(held, n);
            self.scan(first, span);
        } else {
            for &doc in docs {
                self.collect(doc, 0.0);
            }
        }
    }

    fn collect(&mut self, doc: DocId, _score: Score) {
        let (first, n) = self.run;
        if n > 0 && doc == first + n as DocId && n < RUN {
            self.run.1 += 1;
        } else {
            self.scan(first, n);
            self.run = (doc, 1);
        }
    }

    fn harvest(mut self) -> Vec<[Candidates; 2]> {
        let (first, n) = self.run;
        self.scan(first, n);
        let segment = self.segment;
        self.candidates
            .into_iter()
            .map(|languages| {
                languages.map(|nearest| {
                    nearest
                        .into_sorted()
                        .into_iter()
                        .map(|(distance, doc)| (distance, DocAddress::new(segment, doc)))
                        .collect()
                })
            })
            .collect()
    }
}
