//! Semantic search: the sentence encoder ported from its Python reference,
//! passage vectors in the index, hybrid ranking, `similar`. These tests
//! need the model (`nrel-search model import`); they are skipped without
//! it unless `NREL_REQUIRE_MODEL=1`.

use std::path::Path;

use serde_json::Value;

use crate::harness::model_dir;
use nrel_search::semantic::{Model, MODEL_FILE};

fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na: f32 = a.iter().map(|x| x * x).sum::<f32>().sqrt();
    let nb: f32 = b.iter().map(|x| x * x).sum::<f32>().sqrt();
    dot / (na * nb)
}

fn reference() -> Vec<(String, Vec<u32>, Vec<f32>)> {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli/fixtures/semantic/reference.jsonl");
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|line| {
            let row: Value = serde_json::from_str(line).unwrap();
            let ids = row["ids"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_u64().unwrap() as u32)
                .collect();
            let vector = row["vector"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_f64().unwrap() as f32)
                .collect();
            (row["text"].as_str().unwrap().to_owned(), ids, vector)
        })
        .collect()
}

#[test]
fn the_port_matches_the_python_reference() {
    let Some(dir) = model_dir() else { return };
    let model = Model::open(&dir.join(MODEL_FILE)).unwrap();
    let encoder = model.encoder().unwrap();
    let rows = reference();
    assert!(rows.len() >= 50);
    let mut worst = 1.0f32;
    for (text, ids, expected) in &rows {
        assert_eq!(&encoder.tokenize(text), ids, "pieces of {text:?}");
        let got = encoder.encode(text);
        assert_eq!(got.len(), 512);
        let norm: f32 = got.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-3, "{text:?} has norm {norm}");
        let c = cosine(&got, expected);
        worst = worst.min(c);
        assert!(c >= 0.999, "{text:?}: cosine {c} with the reference");
    }
    eprintln!("worst cosine with the reference: {worst:.6}");
    // The translation of a sentence is nearer than an unrelated sentence.
    let fr = encoder.encode("Les sanctions contre la Russie ont été renforcées.");
    let en = encoder.encode("Sanctions against Russia were tightened.");
    let cat = encoder.encode("The black cat sleeps on the sofa.");
    assert!(cosine(&fr, &en) > cosine(&fr, &cat) + 0.2);
}
