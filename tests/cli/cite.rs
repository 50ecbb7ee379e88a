//! Citations and notes checking, with golden outputs.

use crate::harness::{field, Env};

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
    let good = first_id(&env, &["Sotchi"]);
    let altered = first_id(&env, &["session formelle", "--doc", "otan-2009-12-04"]);
    let edited = first_id(&env, &["lignes rouges"]);
    let notes = format!(
        "# Notes\n\n\
         > Un mois plus tard, le 4 juillet 2011, sur invitation des autorités russes, les ambassadeurs du COR se sont réunis à Sotchi.\n\n\
         — article de 2011 [nrel:{good}]\n\n\
         Le Conseil s’est réuni « en session informelle le 4 décembre 2009 » [nrel:{altered}].\n\n\
         TF1 : « Ils avaient alors signifié leurs \"lignes rouges\" au président Vladimir Poutine » [nrel:{edited}]\n\n\
         Inconnu : [nrel:inconnu-2020:abcdef]\n"
    );
    let path = env.dir.path().join("notes.md");
    std::fs::write(&path, &notes).unwrap();
    // Before any edit, only the altered quotation and the unknown id fail.
    let run = env.run(&["check", path.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{}", run.stdout);
    assert!(
        lines[0].ends_with(&format!("notes.md:5: ok [nrel:{good}]")),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].contains(&format!(
            "notes.md:7: quote no longer matches the source [nrel:{altered}]"
        )),
        "{}",
        lines[1]
    );
    assert!(
        lines[1].contains("en session [-informelle-] {+formelle+} le 4 décembre 2009"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].ends_with(&format!("ok [nrel:{edited}]")),
        "{}",
        lines[2]
    );
    assert!(
        lines[3].contains("unknown id [nrel:inconnu-2020:abcdef]: no document has this key"),
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
    let run = env.run(&["check", path.to_str().unwrap()]);
    assert_eq!(run.code, 1);
    let stale = run.stdout.lines().nth(2).unwrap();
    let successor = first_id(&env, &["lignes rouges"]);
    assert_ne!(successor, edited);
    assert!(
        stale.contains(&format!("stale id [nrel:{edited}]: the passage changed; closest current passage: [nrel:{successor}]")),
        "{stale}"
    );

    // Notes with only good references pass.
    std::fs::write(
        &path,
        format!("Voir [nrel:{good}] et [nrel:{successor}].\n"),
    )
    .unwrap();
    let run = env.run(&["check", path.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stdout);
}
