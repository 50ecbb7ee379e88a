//! Citations and notes checking, with golden outputs.

use crate::harness::{assert_contains, field, Env};

/// The id of the first hit of a search.
fn first_id(env: &Env, args: &[&str]) -> String {
    field(&env.hits(args)[0], "id").to_owned()
}

#[test]
fn citation_formats() {
    let env = Env::seed();
    let french = first_id(&env, &["Sotchi"]);
    let english = first_id(
        &env,
        &["--lang", "en", "partnership between NATO and Russia"],
    );
    let news = first_id(&env, &["session formelle", "--doc", "otan-2009-12-04"]);
    let tf1 = first_id(&env, &["lignes rouges"]);
    for format in ["markdown", "text", "bibtex", "csl-json"] {
        let run = env.run(&["cite", &french, &english, &news, &tf1, "--format", format]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(!run.stdout.contains("null") && !run.stdout.contains("unknown"));
        insta::assert_snapshot!(format!("cite_{format}"), run.stdout);
    }
}

#[test]
fn trimmed_quotations_and_search_results_as_citations() {
    let env = Env::seed();
    let id = first_id(&env, &["Sotchi"]);
    let run = env.run(&["cite", &id, "--trim", "Sotchi"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!("cite_trimmed", run.stdout);
    let run = env.run(&["Sotchi", "--cite", "markdown"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        env.run(&["cite", &id, "--trim", "Sotchi"]).stdout
    );
}

#[test]
fn bibliography_of_the_corpus() {
    let env = Env::seed();
    let bib = env.run(&["bib"]);
    assert_eq!(bib.code, 0, "{}", bib.stderr);
    insta::assert_snapshot!("bib_bibtex", bib.stdout);
    let csl = env.run(&["bib", "--format", "csl-json"]);
    let items: serde_json::Value = serde_json::from_str(&csl.stdout).unwrap();
    assert_eq!(items.as_array().unwrap().len(), 5);
    let tf1 = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "tf1-2021-10-18")
        .unwrap();
    assert_eq!(
        tf1["issued"]["date-parts"][0],
        serde_json::json!([2021, 10, 18])
    );
    assert_eq!(tf1["author"][0]["family"], "Loek");
    let article = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "otan-russie-2011")
        .unwrap();
    assert_eq!(
        article["issued"]["date-parts"][0],
        serde_json::json!([2011])
    );
    assert!(article.get("title").is_none());
}

#[test]
fn check_notes_against_the_corpus() {
    let env = Env::seed();
    // The fixture cites these passages by id: one good quotation, one
    // altered, one of a passage about to be edited, one unknown id.
    let good = first_id(&env, &["Sotchi"]);
    let altered = first_id(&env, &["session formelle", "--doc", "otan-2009-12-04"]);
    let edited = first_id(&env, &["lignes rouges"]);
    assert_eq!(
        [good.as_str(), altered.as_str(), edited.as_str()],
        [
            "otan-russie-2011:a7e7f9",
            "otan-2009-12-04:db3817",
            "tf1-2021-10-18:ccddf9"
        ]
    );
    let notes =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli/fixtures/notes.md");
    let notes = notes.to_str().unwrap();

    let run = env.run(&["check", notes]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{}", run.stdout);
    assert!(
        lines[0].ends_with(&format!("notes.md:7: ok [nrel:{good}]")),
        "{}",
        lines[0]
    );
    assert_contains(
        lines[1],
        &format!("notes.md:9: quote no longer matches the source [nrel:{altered}]"),
    );
    assert!(
        lines[1].ends_with("en session [-informelle-] {+formelle+} le 4 décembre 2009"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].ends_with(&format!("notes.md:11: ok [nrel:{edited}]")),
        "{}",
        lines[2]
    );
    assert!(
        lines[3].ends_with(
            "notes.md:13: unknown id [nrel:inconnu-2020:abcdef]: no document has this key"
        ),
        "{}",
        lines[3]
    );

    // Edit the TF1 passage: its id goes stale, with a successor.
    let tf1 = env
        .read("2021-10-18-tf1-relations-russie-otan.txt")
        .replace(
            "au président Vladimir Poutine",
            "au président russe Vladimir Poutine",
        );
    env.write("2021-10-18-tf1-relations-russie-otan.txt", tf1);
    let run = env.run(&["check", notes]);
    assert_eq!(run.code, 1);
    let stale = run.stdout.lines().nth(2).unwrap();
    let successor = first_id(&env, &["lignes rouges"]);
    assert_ne!(successor, edited);
    assert!(
        stale.ends_with(&format!(
            "stale id [nrel:{edited}]: the passage changed; closest current passage: [nrel:{successor}]"
        )),
        "{stale}"
    );

    // Notes whose references are all good pass.
    let good_notes = env.dir.path().join("good.md");
    std::fs::write(
        &good_notes,
        format!("Voir [nrel:{good}] et [nrel:{successor}].\n"),
    )
    .unwrap();
    let run = env.run(&["check", good_notes.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.stdout.lines().count(), 2);
}
