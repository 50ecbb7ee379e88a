//! Encoding throughput of the installed sentence encoder: reads texts, one
//! per line, from the file given, encodes them on every core and prints
//! passages and pieces per second. `bench/encode.sh` runs it beside the
//! Python reference.

use std::time::Instant;

use rayon::prelude::*;

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
    let vectors: Vec<Vec<f32>> = lines.par_iter().map(|l| encoder.encode(l)).collect();
    let seconds = start.elapsed().as_secs_f64();
    assert_eq!(vectors.len(), lines.len());
    println!(
        "{} passages, {pieces} pieces: {:.1} s, {:.0} passages/s, {:.0} pieces/s (tokenizing alone {:.2} s) on {} threads",
        lines.len(),
        seconds,
        lines.len() as f64 / seconds,
        pieces as f64 / seconds,
        tokenized,
        rayon::current_num_threads()
    );
    Ok(())
}
