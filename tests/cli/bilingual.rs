//! Searching across the two languages: the query's words translated with
//! the corpus's glossary, the dictionaries and cognates; and the ranking
//! signals that come with it.

use std::path::PathBuf;

use crate::harness::{assert_contains, docs, field, Env};

/// The small dictionary pair of the fixtures (dictd format, uncompressed).
fn fixture_dict() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/cli/fixtures/dict")
}

/// The text of a hit's highlighted words.
fn highlighted(hit: &serde_json::Value) -> Vec<String> {
    let snippet = field(hit, "snippet");
    hit["highlights"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let (a, b) = (
                r[0].as_u64().unwrap() as usize,
                r[1].as_u64().unwrap() as usize,
            );
            snippet[a..b].to_owned()
        })
        .collect()
}

#[test]
fn a_translation_of_several_words_is_highlighted_only_whole() {
    let env = Env::seed();
    // NATO is, in French, OTAN, « Alliance atlantique » and « Organisation
    // du traité de l'Atlantique Nord » (the glossary).
    let hits = env.hits(&["NATO", "-n", "40", "--lang", "fr"]);
    let all: Vec<String> = hits.iter().flat_map(highlighted).collect();
    assert!(all.iter().any(|h| h == "Alliance atlantique"), "{all:?}");
    // Their words alone are not the translation.
    for alone in ["traité", "Organisation", "Nord", "Alliance", "atlantique"] {
        assert!(!all.iter().any(|h| h == alone), "{alone}: {all:?}");
    }
    assert!(
        all.iter().any(|h| h.eq_ignore_ascii_case("OTAN")),
        "{all:?}"
    );
}

#[test]
fn an_english_query_finds_the_french_passages() {
    let env = Env::seed();
    let hits = env.hits(&["NATO enlargement", "-n", "5"]);
    // The French passages on « l'élargissement de l'OTAN », its translated
    // words highlighted.
    let french: Vec<_> = hits.iter().filter(|h| h["lang"] == "fr").collect();
    assert!(french.len() >= 4, "{:?}", docs(&hits));
    // (« élargissement » and « élargir » have one stem.)
    for hit in &french {
        assert!(field(hit, "text").to_lowercase().contains("élargi"));
    }
    let words = highlighted(french[0]);
    assert!(
        words.iter().any(|w| w.to_lowercase().starts_with("élargi")),
        "{words:?}"
    );
    assert!(words.iter().any(|w| w == "OTAN"), "{words:?}");
    // Without translation, no French passage says « enlargement ».
    let plain = env.hits(&["NATO enlargement", "-n", "5", "--no-translate"]);
    assert!(plain
        .iter()
        .all(|h| !field(h, "text").to_lowercase().contains("élargissement")));
}

#[test]
fn explain_prints_the_translations_and_their_sources() {
    let env = Env::seed();
    let run = env.run(&["NATO enlargement", "--explain", "-n", "1"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_contains(&run.stderr, "explain: query language: en");
    assert_contains(
        &run.stderr,
        "enlargement → élargissement (fr, glossary, ×0.80)",
    );
    assert_contains(&run.stderr, "NATO → OTAN (fr, glossary");
    // The explanation goes to standard error: the hits stay clean.
    assert!(!run.stdout.contains("explain"));
    let plain = env.run(&["NATO enlargement", "--explain", "--no-translate", "-n", "1"]);
    assert_contains(&plain.stderr, "NATO: no translation");
}

#[test]
fn a_hyphenated_compound_is_its_words() {
    let env = Env::seed();
    let run = env.run(&["--json", "NATO-Russia Founding Act", "-n", "3"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Not « one letter away »: the French name of the act, from the glossary.
    assert!(!run.stderr.contains("one letter away"), "{}", run.stderr);
    let hits = run.json();
    assert_contains(field(&hits[0], "text"), "L'Acte fondateur OTAN-Russie");
    // In French, the phrase still ranks the passages that have it first.
    let french = env.hits(&["Acte fondateur OTAN-Russie", "-n", "1"]);
    assert_contains(field(&french[0], "text"), "Acte fondateur OTAN-Russie");
}

#[test]
fn a_french_query_finds_the_english_paragraph() {
    let env = Env::seed();
    let hits = env.hits(&["valeur stratégique", "--lang", "en", "-n", "1"]);
    // « stratégique » and « strategic » are cognates; « valeur » is in
    // the dictionary as « value ».
    assert_contains(field(&hits[0], "text"), "would be of strategic value");
    let words = highlighted(&hits[0]);
    assert!(words.contains(&"strategic".to_owned()), "{words:?}");
}

#[test]
fn links_rank_below_prose() {
    let env = Env::seed();
    // A footnote that is one address (carnegieendowment.org/…/russia-and-
    // cooperative-security-in-europe…) has the words, but prose comes first.
    let hits = env.hits(&["cooperative security in Europe", "-n", "10"]);
    let link = hits
        .iter()
        .position(|h| field(h, "text").contains("carnegieendowment.org"))
        .expect("the footnote matches");
    assert!(link >= 3, "the link-only footnote ranks {}", link + 1);
    assert!(!field(&hits[0], "text").contains("http"));
}

#[test]
fn the_glossary_wins_and_says_where_it_is_broken() {
    let env = Env::empty();
    env.write(
        "sommet.txt",
        "L’Organisation du traité de sécurité collective a réuni ses membres à Moscou en novembre, \
         pour la première fois depuis le début de la guerre.",
    );
    env.write(
        "pacte.txt",
        "Le pacte de Varsovie a été dissous en 1991, après la réunification allemande.",
    );
    // Without a glossary, the acronym is nowhere.
    assert_eq!(env.run(&["OTSC"]).code, 1);
    // With one, it finds its expansion in the same language, and the
    // English name finds it too.
    env.write(
        "glossary.toml",
        "[[term]]\nfr = [\"Organisation du traité de sécurité collective\", \"OTSC\"]\n\
         en = [\"Collective Security Treaty Organization\", \"CSTO\"]\n",
    );
    for query in ["OTSC", "CSTO", "Collective Security Treaty Organization"] {
        let hits = env.hits(&[query]);
        assert_eq!(docs(&hits), ["sommet"], "{query}");
    }
    // The glossary is no document of the corpus.
    assert_eq!(env.hits(&["term", "--no-translate"]).len(), 0);
    // A broken glossary: one line naming the file and the line; the search
    // goes on without it.
    env.write(
        "glossary.toml",
        "[[term]]\nfr = [\"OTAN\"\nen = [\"NATO\"]\n",
    );
    let run = env.run(&["Moscou", "-n", "1"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let line = run
        .stderr
        .lines()
        .find(|l| l.contains("glossary.toml"))
        .expect("the glossary is named");
    assert!(line.contains("line 2") || line.contains("line 3"), "{line}");
    assert!(line.contains("without the glossary"), "{line}");
}

#[test]
fn dictionaries_from_a_folder_and_missing_ones_said_once() {
    let env = Env::seed();
    let dict = fixture_dict();
    let dict = dict.to_str().unwrap();
    // `threat` is not in the glossary: the fixture dictionary says
    // « menace ».
    let run = env.run(&["threat", "--dict", dict, "--explain", "-n", "3"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_contains(&run.stderr, "threat → menac (fr, dictionary");
    assert!(
        field(&env.hits(&["threat", "--dict", dict, "-n", "1"])[0], "text")
            .to_lowercase()
            .contains("menace")
    );
    // The lexicon is cached in the index directory.
    let cached = std::fs::read_dir(env.index())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("lexicon-"))
        .count();
    assert_eq!(cached, 1);

    let missing = env.dir.path().join("no-dictionaries");
    let missing = missing.to_str().unwrap();
    let first = env.run(&["threat", "--dict", missing, "-n", "1"]);
    assert_contains(&first.stderr, "no FreeDict dictionaries in");
    assert_contains(
        &first.stderr,
        "apt-get install dict-freedict-eng-fra dict-freedict-fra-eng",
    );
    let second = env.run(&["threat", "--dict", missing, "-n", "1"]);
    assert!(!second.stderr.contains("FreeDict"), "{}", second.stderr);
    // The glossary and cognates still translate.
    let run = env.run(&[
        "NATO enlargement",
        "--dict",
        missing,
        "--explain",
        "-n",
        "1",
    ]);
    assert_contains(&run.stderr, "enlargement → élargissement (fr, glossary");
}

#[test]
fn freedict_translates_words_the_glossary_lacks() {
    let dir = PathBuf::from("/usr/share/dictd");
    assert!(
        dir.join("freedict-eng-fra.index").exists() && dir.join("freedict-fra-eng.index").exists(),
        "the FreeDict dictionaries are needed: apt-get install dict-freedict-eng-fra dict-freedict-fra-eng"
    );
    let env = Env::seed();
    let run = env.run(&["war", "--explain", "--json", "-n", "5"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_contains(&run.stderr, "war → guerr (fr, dictionary");
    let hits = run.json();
    assert!(hits
        .iter()
        .all(|h| field(h, "text").to_lowercase().contains("guerre")));
}

#[test]
fn stop_words_alone_are_no_query() {
    let env = Env::seed();
    for query in ["le la les", "the of and", "de la"] {
        let run = env.run(&[query]);
        assert_eq!(run.code, 1, "{query}: {}", run.stderr);
        assert_contains(&run.stderr, "no searchable word");
        assert!(!run.stderr.contains("one letter away"));
        // Said once: no "no passage matches" after it.
        assert!(!run.stderr.contains("no passage matches"), "{}", run.stderr);
    }
    for args in [
        &["--", "-OTAN"][..],
        &["-OTAN"],
        &["search", "-n", "3", "-OTAN"],
    ] {
        let run = env.run(args);
        assert_eq!(run.code, 1, "{args:?}: {}", run.stderr);
        assert_contains(&run.stderr, "needs a word to search for");
        assert!(!run.stderr.contains("no passage matches"), "{}", run.stderr);
    }
}

#[test]
fn an_excluded_word_needs_no_separator_and_options_still_apply() {
    let env = Env::seed();
    let all = env.hits(&["--no-translate", "-n", "50", "OTAN"]);
    assert!(all
        .iter()
        .any(|h| field(h, "text").to_lowercase().contains("russie")));
    for args in [
        &["--no-translate", "OTAN", "-Russie", "-n", "50"][..],
        &["-n", "50", "OTAN", "-Russie", "--no-translate"],
    ] {
        let hits = env.hits(args);
        assert!(!hits.is_empty(), "{args:?}");
        assert!(hits.len() < all.len(), "{args:?}");
        assert!(
            hits.iter()
                .all(|h| !field(h, "text").to_lowercase().contains("russie")),
            "{args:?}"
        );
    }
    let run = env.run(&["search", "OTAN", "-Russie", "-n", "50", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run
        .json()
        .iter()
        .all(|h| !field(h, "text").to_lowercase().contains("russie")));
    // Words that start like a short option are words too.
    for word in ["-histoire", "-nucléaire", "-Vienne"] {
        let run = env.run(&["OTAN", word, "--json"]);
        assert!(run.code == 0 || run.code == 1, "{word}: {}", run.stderr);
        assert!(!run.stdout.contains("Usage"), "{word}: {}", run.stdout);
        assert!(!run.json().is_empty(), "{word}");
    }
    let run = env.run(&["OTAN", "-n3", "--json"]);
    assert_eq!(run.json().len(), 3, "{}", run.stderr);
    // An unknown long option is still an error, not a word.
    let run = env.run(&["Conseil", "--russie"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}
