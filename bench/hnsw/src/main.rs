//! The nearest-neighbour search of a built index, measured two ways on the
//! same vectors and queries: the index's exact quantised scan (sign bits
//! over every passage, then four-bit reranking of the nearest candidates
//! of each language, as `nrel-search --mode semantic` runs it), and an
//! HNSW graph per language (`hnsw_rs`) over the same four-bit vectors.
//! Both are compared with the exact ten nearest of each language by the
//! cosine of the stored vectors. Prints Markdown for BENCHMARKS.md.
//!
//!   nrel-search-hnsw-bench INDEX-DIR QUERIES-FILE
//!
//! `bash bench/hnsw.sh` builds and runs it on the library benchmark's index.

use std::error::Error;
use std::time::{Duration, Instant};

use anndists::dist::Distance;
use hnsw_rs::prelude::Hnsw;
use rayon::prelude::*;
use tantivy::query::AllQuery;
use tantivy::DocAddress;

use nrel_search::index::{Opened, SearchIndex};
use nrel_search::search::nearest::nearest;
use nrel_search::semantic::vectors::{Quantised, FINE_WORDS, SIGN_WORDS};
use nrel_search::semantic::Model;

const K: usize = 10;
/// Links a node keeps, and the breadth of the search that finds them.
const LINKS: usize = 16;
const EF_CONSTRUCTION: usize = 200;
const EF_SEARCH: [usize; 5] = [16, 32, 64, 128, 256];
/// Timed runs per query and method (the median is kept).
const RUNS: usize = 5;

/// The passages of one language: their addresses and unit vectors.
#[derive(Default)]
struct Passages {
    addresses: Vec<DocAddress>,
    vectors: Vec<Vec<f32>>,
}

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(dir), Some(queries)) = (args.next(), args.next()) else {
        return Err("usage: nrel-search-hnsw-bench INDEX-DIR QUERIES-FILE".into());
    };
    let index = match SearchIndex::open(std::path::Path::new(&dir))? {
        Opened::Ready(index) => index,
        _ => return Err(format!("{dir}: no index this version can read").into()),
    };
    let searcher = index.searcher();
    let model = Model::installed()?.ok_or("no model installed (nrel-search model import)")?;
    let encoder = model.encoder()?;
    let text = std::fs::read_to_string(&queries)?;
    let queries: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let query_vectors = encoder.encode_batch(&queries);

    // Every live passage's four-bit vector, by language.
    let start = Instant::now();
    let mut langs: [Passages; 2] = Default::default();
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        let lang = reader.fast_fields().u64("lang_id")?;
        let fine = reader.fast_fields().u64("vec_fine")?;
        for doc in reader.doc_ids_alive() {
            let Some(l) = lang.first(doc).filter(|&l| l < 2) else {
                continue;
            };
            let rows = fine.index.value_row_ids(doc);
            if rows.len() != FINE_WORDS {
                continue;
            }
            let mut words = [0u64; FINE_WORDS];
            fine.values.get_range(u64::from(rows.start), &mut words);
            let vector = Quantised {
                signs: [0; SIGN_WORDS],
                fine: words.map(|w| w as u32),
            }
            .unit_values();
            let passages = &mut langs[l as usize];
            passages.addresses.push(DocAddress::new(ord as u32, doc));
            passages.vectors.push(vector);
        }
    }
    let total: usize = langs.iter().map(|p| p.vectors.len()).sum();
    println!(
        "{total} passages with vectors ({} French, {} English), read in {:.1} s; {} queries; {} threads.",
        langs[0].vectors.len(),
        langs[1].vectors.len(),
        start.elapsed().as_secs_f64(),
        queries.len(),
        rayon::current_num_threads()
    );
    println!();

    // The exact ten nearest of each language, by cosine.
    let exact: Vec<[Vec<DocAddress>; 2]> = query_vectors
        .iter()
        .map(|q| {
            [0, 1].map(|l| {
                let passages = &langs[l];
                let mut scored: Vec<(f32, usize)> = passages
                    .vectors
                    .par_iter()
                    .enumerate()
                    .map(|(i, v)| (dot(v, q), i))
                    .collect();
                scored.sort_by(|a, b| b.0.total_cmp(&a.0));
                scored
                    .iter()
                    .take(K)
                    .map(|&(_, i)| passages.addresses[i])
                    .collect()
            })
        })
        .collect();

    println!("| method | build | memory | search, both languages, median a query | recall@10 |");
    println!("|---|---|---|---|---|");

    // The index's scan, as a search runs it.
    let mut times = Vec::new();
    let mut recall = Vec::new();
    for (q, truth) in query_vectors.iter().zip(&exact) {
        let mut found = Default::default();
        let mut runs = Vec::new();
        for _ in 0..RUNS {
            let start = Instant::now();
            found = nearest(&index, &searcher, &AllQuery, q, K)?;
            runs.push(start.elapsed());
        }
        times.push(median(runs));
        for l in 0..2 {
            let got: Vec<DocAddress> = found[l].iter().map(|n| n.address).collect();
            recall.push(overlap(&truth[l], &got));
        }
    }
    println!(
        "| exact scan of the index (signs, four-bit rerank of 250 a language) | none (the sign tables are written with the index) | sign tables {} MB, mapped | {:.2} ms | {:.3} |",
        total * SIGN_WORDS * 4 / 1_000_000,
        millis(median(times)),
        mean(&recall)
    );

    // An HNSW graph per language.
    let rss_before = resident_mb();
    let start = Instant::now();
    let graphs: Vec<Hnsw<'static, f32, Angular>> = langs
        .iter()
        .map(|passages| {
            let n = passages.vectors.len().max(1);
            let layers = 16.min((n as f32).ln().trunc() as usize).max(1);
            let graph = Hnsw::<f32, Angular>::new(LINKS, n, layers, EF_CONSTRUCTION, Angular);
            let data: Vec<(&Vec<f32>, usize)> = passages.vectors.iter().zip(0..).collect();
            graph.parallel_insert(&data);
            graph
        })
        .collect();
    let build = start.elapsed();
    let graph_mb = resident_mb().saturating_sub(rss_before);
    for ef in EF_SEARCH {
        let mut times = Vec::new();
        let mut recall = Vec::new();
        for (q, truth) in query_vectors.iter().zip(&exact) {
            let mut found: [Vec<DocAddress>; 2] = Default::default();
            let mut runs = Vec::new();
            for _ in 0..RUNS {
                let start = Instant::now();
                for (l, graph) in graphs.iter().enumerate() {
                    found[l] = graph
                        .search(q, K, ef)
                        .iter()
                        .map(|n| langs[l].addresses[n.d_id])
                        .collect();
                }
                runs.push(start.elapsed());
            }
            times.push(median(runs));
            for l in 0..2 {
                recall.push(overlap(&truth[l], &found[l]));
            }
        }
        println!(
            "| HNSW (`hnsw_rs`, M {LINKS}, ef construction {EF_CONSTRUCTION}), ef search {ef} | {:.0} s on {} threads | {} MB in memory (graph and vectors) | {:.2} ms | {:.3} |",
            build.as_secs_f64(),
            rayon::current_num_threads(),
            graph_mb,
            millis(median(times)),
            mean(&recall)
        );
    }
    Ok(())
}

/// One minus the cosine of two unit vectors (`anndists`' `DistDot`
/// asserts a positive cosine, which unrelated passages do not have).
#[derive(Clone, Copy, Default)]
struct Angular;

impl Distance<f32> for Angular {
    fn eval(&self, a: &[f32], b: &[f32]) -> f32 {
        (1.0 - dot(a, b)).max(0.0)
    }
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Share of the exact neighbours found.
fn overlap(truth: &[DocAddress], got: &[DocAddress]) -> f64 {
    if truth.is_empty() {
        return 1.0;
    }
    truth.iter().filter(|a| got.contains(a)).count() as f64 / truth.len() as f64
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len().max(1) as f64
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// This process's resident memory, in MB.
fn resident_mb() -> usize {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<usize>().ok())
        })
        .map_or(0, |kb| kb / 1024)
}
