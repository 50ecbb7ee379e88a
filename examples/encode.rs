//! The installed sentence encoder on a file of texts, one per line:
//! encoding throughput on every core (passages and pieces a second), and
//! what the index's quantised vectors cost: for each of the first 100
//! texts taken as a query against all the others, how many of the 10
//! nearest by exact cosine the index's scan finds (signs, then a four-bit
//! rerank of the nearest 2.5 % by their signs, as 250 candidates are of a
//! segment of 10,000 passages), the four-bit values alone, and the signs
//! alone.
//! `bench/semantic.sh` runs it beside the Python reference.

use std::time::Instant;

use rayon::prelude::*;

use nrel_search::semantic::vectors::{hamming, Nearest, Quantised};
use nrel_search::semantic::Model;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: encode FILE")?;
    let text = std::fs::read_to_string(&path)?;
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let model = Model::installed()?.ok_or("no model installed (nrel-search model import)")?;
    let encoder = model.encoder()?;
    let start = Instant::now();
    let pieces: usize = lines.par_iter().map(|l| encoder.tokenize(l).len()).sum();
    let tokenized = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let vectors = encoder.encode_batch(&lines);
    let seconds = start.elapsed().as_secs_f64();
    // Word by word (as the encoder segments a batch), after the encoding so
    // that its timing starts with cold word caches.
    let start = Instant::now();
    let by_words: Vec<Vec<u32>> = lines
        .par_iter()
        .map(|l| encoder.tokenize_words(l))
        .collect();
    let by_words_seconds = start.elapsed().as_secs_f64();
    for (line, ids) in lines.iter().zip(&by_words) {
        assert_eq!(ids, &encoder.tokenize(line), "pieces of {line:?}");
    }
    println!(
        "encoding: {} passages, {pieces} pieces in {seconds:.2} s: {:.0} passages/s, {:.0} pieces/s (tokenizing alone {tokenized:.2} s, again word by word, the words known, {by_words_seconds:.2} s), {} threads, {}",
        lines.len(),
        lines.len() as f64 / seconds,
        pieces as f64 / seconds,
        rayon::current_num_threads(),
        if nrel_search::semantic::amx::available() {
            "large products on the tile unit (AMX, bfloat16)"
        } else {
            "products in f32"
        }
    );

    let quantised: Vec<Quantised> = vectors.iter().map(|v| Quantised::new(v)).collect();
    let dot = |a: &[f32], b: &[f32]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f32>();
    let top10 = |scores: Vec<(f32, usize)>| -> Vec<usize> {
        let mut scores = scores;
        scores.sort_by(|a, b| b.0.total_cmp(&a.0));
        scores.into_iter().take(10).map(|(_, i)| i).collect()
    };
    let queries = lines.len().min(100);
    let (mut scan_found, mut fine_found, mut sign_found) = (0, 0, 0);
    for q in 0..queries {
        let others = (0..lines.len()).filter(|&i| i != q);
        let exact = top10(
            others
                .clone()
                .map(|i| (dot(&vectors[q], &vectors[i]), i))
                .collect(),
        );
        let fine = top10(
            others
                .clone()
                .map(|i| (quantised[i].dot(&vectors[q]), i))
                .collect(),
        );
        let signs = Quantised::new(&vectors[q]).signs;
        let mut nearest = Nearest::new((lines.len() / 40).max(10));
        for i in others.clone() {
            nearest.push(hamming(&signs, &quantised[i].signs), i);
        }
        let scan = top10(
            nearest
                .into_sorted()
                .into_iter()
                .map(|(_, i)| (quantised[i].dot(&vectors[q]), i))
                .collect(),
        );
        let mut signs_only = Nearest::new(10);
        for i in others {
            signs_only.push(hamming(&signs, &quantised[i].signs), i);
        }
        let signs_only: Vec<usize> = signs_only
            .into_sorted()
            .into_iter()
            .map(|(_, i)| i)
            .collect();
        let found = |list: &[usize]| list.iter().filter(|i| exact.contains(i)).count();
        scan_found += found(&scan);
        fine_found += found(&fine);
        sign_found += found(&signs_only);
    }
    let total = (queries * 10) as f64;
    println!(
        "quantisation: recall@10 of the exact top 10 over {queries} queries: index scan (signs, then four bits for the nearest {}) {:.3}, four bits alone {:.3}, signs alone {:.3}",
        (lines.len() / 40).max(10),
        scan_found as f64 / total,
        fine_found as f64 / total,
        sign_found as f64 / total
    );
    Ok(())
}
