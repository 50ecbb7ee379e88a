//! Searching the seed corpus through the binary.

use std::collections::BTreeSet;

use crate::harness::{assert_contains, docs, field, Env};

#[test]
fn conseil_otan_russie_finds_the_council_passages_first() {
    let env = Env::seed();
    let hits = env.hits(&["Conseil OTAN-Russie", "-n", "100"]);
    assert!(hits.len() > 10);
    // The best hits name the Council.
    for hit in &hits[..8] {
        let text = field(hit, "text")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            text.contains("Conseil OTAN-Russie"),
            "rank {}: {text}",
            hit["rank"]
        );
    }
    // The four documents that mention it; the study that writes « Conseil
    // Russie-OTAN » among them. The TF1 article, which has the words
    // (« Russie-Otan ») but not the Council, only after every passage
    // that names it.
    assert!(hits
        .iter()
        .any(|h| field(h, "text").contains("Conseil \nRussie-OTAN")
            || field(h, "text").contains("Conseil Russie-OTAN")));
    let found: BTreeSet<String> = docs(&hits).into_iter().collect();
    for doc in [
        "otan-2009-12-04",
        "otan-relations-russie-2022",
        "otan-russie-2011",
        "momzikoff-alliances-postsovietique",
    ] {
        assert!(found.contains(doc), "{doc}");
    }
    let first_tf1 = hits.iter().position(|h| h["doc"] == "tf1-2021-10-18");
    let last_council = hits
        .iter()
        .rposition(|h| {
            field(h, "text")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .contains("Conseil OTAN-Russie")
        })
        .unwrap();
    assert!(first_tf1.is_none_or(|tf1| tf1 > last_council));
    let news = hits.iter().find(|h| h["doc"] == "otan-2009-12-04").unwrap();
    assert_eq!(news["date"], "2009-12-04");
    assert_eq!(news["source"], "OTAN");
    assert_eq!(
        news["title"],
        "L’OTAN et la Russie conviennent de faire progresser leur partenariat"
    );
    // The first five places go to three documents, two passages at most
    // each; after them, scores decrease with rank.
    let top5: Vec<String> = docs(&hits[..5]);
    let distinct: BTreeSet<&String> = top5.iter().collect();
    assert!(distinct.len() >= 3, "{top5:?}");
    assert!(distinct
        .iter()
        .all(|d| top5.iter().filter(|t| t == d).count() <= 2));
    let scores: Vec<f64> = hits[5..]
        .iter()
        .map(|h| h["score"].as_f64().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]));
    // With --per-doc 0, the order is the scores'.
    let plain = env.hits(&["Conseil OTAN-Russie", "-n", "100", "--per-doc", "0"]);
    let scores: Vec<f64> = plain.iter().map(|h| h["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]));
}

#[test]
fn a_passage_kept_below_the_first_five_for_variety_says_so() {
    let env = Env::seed();
    let args = ["Conseil OTAN-Russie", "-n", "12"];
    let hits = env.hits(&args);
    // The order by score alone, which the variety rule reorders.
    let plain = env.hits(&["Conseil OTAN-Russie", "-n", "100", "--per-doc", "0"]);
    let position = |id: &str| plain.iter().position(|h| field(h, "id") == id);
    let first: Vec<String> = docs(&hits[..5]);
    let lowest_risen = hits[..5]
        .iter()
        .filter_map(|h| position(field(h, "id")))
        .max()
        .unwrap();
    // Held: ranked by score before a passage that took one of the first
    // five places, and kept out of them, its document having two.
    let held: Vec<usize> = (5..hits.len())
        .filter(|&i| {
            position(field(&hits[i], "id")).is_some_and(|p| p < lowest_risen)
                && first
                    .iter()
                    .filter(|d| *d == field(&hits[i], "doc"))
                    .count()
                    >= 2
        })
        .collect();
    assert!(!held.is_empty(), "nothing held back: {hits:#?}");
    for (i, hit) in hits.iter().enumerate() {
        assert_eq!(hit["held_back"], held.contains(&i), "{hit:#?}");
    }
    let score = |h: &serde_json::Value| h["score"].as_f64().unwrap();
    let lowest = hits[..5].iter().map(score).fold(f64::INFINITY, f64::min);
    for &i in &held {
        assert!(score(&hits[i]) >= lowest, "{:#?}", hits[i]);
    }
    let label = "held below the first 5: its document has 2 there (--per-doc)";
    let run = env.run(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for i in 0..hits.len() {
        let head = format!("{:>2}. ", i + 1);
        let line = run.stdout.lines().find(|l| l.starts_with(&head)).unwrap();
        assert_eq!(line.contains(label), held.contains(&i), "{line}");
    }
    let explained = env.run(&["--explain", "Conseil OTAN-Russie", "-n", "12"]);
    assert_contains(
        &explained.stderr,
        &format!(
            "explain: #{} ranked before one of the first 5 places' passages, but its document has 2 of them (--per-doc 2)",
            held[0] + 1
        ),
    );
    // Ranked by score alone, nothing is held back.
    let plain_run = env.run(&["Conseil OTAN-Russie", "-n", "12", "--per-doc", "0"]);
    assert!(
        !plain_run.stdout.contains("held below"),
        "{}",
        plain_run.stdout
    );
}

#[test]
fn terminal_output_shows_title_source_date_location_and_id() {
    let env = Env::seed();
    let run = env.run(&["Conseil OTAN-Russie", "-n", "3", "--doc", "otan-2009-12-04"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_contains(&run.stderr, "building the index");
    let first = run.stdout.lines().next().unwrap();
    assert!(first.starts_with(" 1. L’OTAN et la Russie conviennent de faire progresser leur partenariat — OTAN, 2009-12-04, fr"), "{first}");
    assert!(run
        .stdout
        .contains("2009-12-04-otan-conseil-otan-russie-partenariat.txt:19  [otan-2009-12-04:"));
    // Not a terminal: no colour, matches marked with stars.
    assert!(run.stdout.contains("*Conseil* *OTAN*-*Russie*"));
    assert!(!run.stdout.contains('\x1b'));
    let colour = env.run(&["Conseil OTAN-Russie", "-n", "1", "--color", "always"]);
    assert_contains(&colour.stdout, "\x1b[1;31mConseil\x1b[0m");
    let never = env.run(&["Conseil OTAN-Russie", "-n", "1", "--color", "never"]);
    assert!(!never.stdout.contains('\x1b'));
}

#[test]
fn accents_and_elision_do_not_matter() {
    let env = Env::seed();
    let plain = env.hits(&["elargissement de l'OTAN"]);
    let accented = env.hits(&["élargissement de l’OTAN"]);
    assert!(!plain.is_empty());
    assert_eq!(docs(&plain), docs(&accented));
    let top = field(&plain[0], "text");
    assert!(top.contains("l’élargissement de l’OTAN"), "{top}");
    for hit in &plain[..3] {
        let text = field(hit, "text").to_lowercase();
        assert!(text.contains("élargi"), "{text}");
    }
}

#[test]
fn since_and_until_filter_by_date() {
    let env = Env::seed();
    let recent = env.hits(&["Conseil OTAN-Russie", "--since", "2021", "-n", "50"]);
    assert!(!recent.is_empty());
    for hit in &recent {
        let date = field(hit, "date");
        assert!(date >= "2021", "{date}");
    }
    assert!(!docs(&recent).contains(&"otan-2009-12-04".to_string()));
    let old = env.hits(&["Conseil OTAN-Russie", "--until", "2011-06", "-n", "50"]);
    let old_docs: BTreeSet<String> = docs(&old).into_iter().collect();
    assert_eq!(
        old_docs,
        ["otan-2009-12-04", "otan-russie-2011"]
            .map(String::from)
            .into()
    );
}

#[test]
fn lang_en_returns_the_english_paragraph() {
    let env = Env::seed();
    let hits = env.hits(&["--lang", "en", "partnership between NATO and Russia"]);
    assert!(hits.iter().all(|h| h["lang"] == "en"));
    assert!(field(&hits[0], "text").starts_with("Allies continue to believe"));
    assert_eq!(hits[0]["line_start"], 47);
    assert_eq!(hits[0]["doc"], "otan-relations-russie-2022");
    // Without --lang, the query (analysed in both languages) finds it too.
    let any = env.hits(&["partnership between NATO and Russia", "-n", "3"]);
    assert!(any
        .iter()
        .any(|h| field(h, "text").starts_with("Allies continue to believe")));
}

#[test]
fn json_lines_schema() {
    let env = Env::seed();
    let hits = env.hits(&["Sotchi"]);
    assert_eq!(hits.len(), 1);
    let hit = &hits[0];
    for key in [
        "rank",
        "score",
        "id",
        "doc",
        "path",
        "title",
        "source",
        "author",
        "date",
        "lang",
        "line_start",
        "line_end",
        "text",
        "snippet",
        "highlights",
        "section",
        "kind",
        "url",
        "authors",
    ] {
        assert!(hit.get(key).is_some(), "missing {key}");
    }
    assert_eq!(hit["rank"], 1);
    assert_eq!(hit["doc"], "otan-russie-2011");
    assert_eq!(hit["path"], "2011-relations-otan-russie-rapprochement.txt");
    assert_eq!(hit["date"], "2011");
    assert_eq!(hit["title"], serde_json::Value::Null);
    assert_eq!(hit["lang"], "fr");
    assert!(field(hit, "id").starts_with("otan-russie-2011:"));
    let snippet = field(hit, "snippet");
    let [start, end] = [0, 1].map(|i| hit["highlights"][0][i].as_u64().unwrap() as usize);
    assert_eq!(&snippet[start..end], "Sotchi");
    assert!(field(hit, "text").contains("se sont réunis à Sotchi"));
}

#[test]
fn query_syntax_and_options_anywhere() {
    let env = Env::seed();
    let phrase = env.hits(&["\"défense antimissile\"", "-n", "50"]);
    assert!(!phrase.is_empty());
    for hit in &phrase {
        let text = field(hit, "text")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(text.contains("défense antimissile"), "{text}");
    }
    let without = env.hits(&["Sotchi OR Lisbonne -Sotchi"]);
    assert!(without.iter().all(|h| !field(h, "text").contains("Sotchi")));
    // Options before or after the query, and the search subcommand.
    let a = env.run(&["--json", "-n", "2", "OTAN"]).json();
    let b = env.run(&["OTAN", "--json", "-n", "2"]).json();
    let corpus = env.corpus();
    let index = env.index();
    let c = env
        .run(&[
            "search",
            "OTAN",
            "--json",
            "-n",
            "2",
            "--corpus",
            corpus.to_str().unwrap(),
            "--index",
            index.to_str().unwrap(),
        ])
        .json();
    assert_eq!(a.len(), 2);
    assert_eq!(a, b);
    assert_eq!(a, c);
}

#[test]
fn malformed_query_falls_back_with_a_warning() {
    let env = Env::seed();
    let run = env.run(&["--json", "ambassadeurs: (Sotchi"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_contains(&run.stderr, "warning: query syntax not understood");
    assert_eq!(run.json()[0]["doc"], "otan-russie-2011");
    // A colon is text, not a field: no field is searched by name.
    for query in ["Sotchi auteur:*", "Sotchi text_fr:*", "Sotchi lang:xx"] {
        let run = env.run(&["--json", query]);
        assert_eq!(run.code, 0, "{query}: {}", run.stderr);
        assert!(!run.stderr.contains("not understood"), "{}", run.stderr);
        assert_eq!(run.json()[0]["doc"], "otan-russie-2011");
    }
}

#[test]
fn no_hit_exits_1() {
    let env = Env::seed();
    let run = env.run(&["zeppelin"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.is_empty());
    assert!(run.stderr.contains("no passage matches 'zeppelin'"));
}

#[test]
fn doc_and_source_filters() {
    let env = Env::seed();
    let by_key = env.hits(&["Russie", "--doc", "tf1-2021-10-18", "-n", "50"]);
    assert!(!by_key.is_empty());
    assert!(docs(&by_key).iter().all(|d| d == "tf1-2021-10-18"));
    let by_path = env.hits(&[
        "Russie",
        "--doc",
        "2021-10-18-tf1-relations-russie-otan.txt",
        "-n",
        "50",
    ]);
    assert_eq!(docs(&by_key), docs(&by_path));
    let tf1 = env.hits(&["Russie", "--source", "tf1 info", "-n", "50"]);
    assert_eq!(docs(&tf1), docs(&by_key));
    let otan = env.hits(&["Russie", "--source", "otan", "-n", "50"]);
    let otan_docs: BTreeSet<String> = docs(&otan).into_iter().collect();
    assert_eq!(
        otan_docs,
        ["otan-2009-12-04", "otan-relations-russie-2022"]
            .map(String::from)
            .into()
    );
}

#[test]
fn saved_web_page_front_matter_gives_metadata() {
    let env = Env::seed();
    env.write(
        "web/relations-russie.md",
        "---\n\
         title: \"Relations avec la Russie\"\n\
         source: https://www.nato.int/cps/fr/natohq/topics_50090.htm\n\
         author:\n  - \"[[OTAN]]\"\n\
         published: 2022-01-14T10:00:00+01:00\n\
         site_name: NATO\n\
         ---\n\
         \n\
         ## Réaction au conflit\n\
         \n\
         Le dirigeable zeppelin des Alliés survole la mer Noire, selon une [dépêche](https://example.org/depeche) \
         de l’agence, avant la réunion du Conseil.\n",
    );
    let hits = env.hits(&["zeppelin"]);
    assert_eq!(hits.len(), 1);
    let hit = &hits[0];
    assert_eq!(hit["title"], "Relations avec la Russie");
    assert_eq!(
        hit["url"],
        "https://www.nato.int/cps/fr/natohq/topics_50090.htm"
    );
    assert_eq!(hit["source"], "NATO");
    assert_eq!(hit["author"], "OTAN");
    assert_eq!(hit["date"], "2022-01-14");
    assert_eq!(
        (hit["line_start"].as_u64(), hit["line_end"].as_u64()),
        (Some(10), Some(12))
    );
    let text = field(hit, "text");
    assert!(
        text.starts_with("Réaction au conflit\n\nLe dirigeable zeppelin"),
        "{text}"
    );
    assert!(text.contains("selon une dépêche de l’agence"), "{text}");
    assert!(
        !text.contains("title:") && !text.contains("https://"),
        "{text}"
    );
}

#[test]
fn approximate_matches_need_half_of_the_words() {
    let env = Env::seed();
    // Two misspelt names that no passage has together: either will do.
    let run = env.run(&["--json", "-n", "50", "Stoltenburg Lavrof"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_contains(&run.stderr, "one letter away");
    let hits = run.json();
    for name in ["Stoltenberg", "Lavrov"] {
        assert!(
            hits.iter().any(|h| field(h, "text").contains(name)),
            "{name}"
        );
    }
    // One word of three near a word of the corpus (`cake`, `cas`): no
    // answer, rather than every passage with that word.
    let run = env.run(&["chocolate cake recipe"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(!run.stderr.contains("one letter away"), "{}", run.stderr);
    assert_contains(&run.stderr, "no passage matches 'chocolate cake recipe'");
    // Excluded words still hold: both passages naming him say "Jens".
    let run = env.run(&["Stoltenburg", "-Jens"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    // Stop words do not count: one misspelt word among them is half.
    let run = env.run(&["--json", "le Stoltenburg"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run
        .json()
        .iter()
        .any(|h| field(h, "text").contains("Stoltenberg")));
}

#[test]
fn a_misspelt_word_gets_approximate_matches() {
    let env = Env::seed();
    let run = env.run(&["--json", "Stoltenburg"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_contains(
        &run.stderr,
        "nothing matches 'Stoltenburg' exactly; showing passages with words one letter away",
    );
    let hits = run.json();
    assert!(hits
        .iter()
        .any(|h| field(h, "text").contains("Jens Stoltenberg")));
    // Exact matches never bring approximate ones.
    let exact = env.run(&["--json", "Stoltenberg"]);
    assert!(!exact.stderr.contains("one letter away"));
    assert!(exact
        .json()
        .iter()
        .all(|h| field(h, "text").contains("Stoltenberg")));
}
