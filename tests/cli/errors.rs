//! Bad input: one clear line naming the culprit, exit 2, no panic; a bad
//! file is reported and skipped while the rest is indexed.

use crate::harness::{assert_contains, Env, Run};

/// Exactly one line on stderr, an error naming `culprit`, exit 2.
fn assert_one_error(run: &Run, culprit: &str) {
    assert_eq!(
        run.code, 2,
        "stdout: {}\nstderr: {}",
        run.stdout, run.stderr
    );
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{}", run.stderr);
    assert!(lines[0].starts_with("nrel-search: error: "), "{}", lines[0]);
    assert!(
        lines[0].contains(culprit),
        "{} does not name {culprit}",
        lines[0]
    );
    assert!(!run.stderr.contains("panicked") && !run.stderr.contains("backtrace"));
}

#[test]
fn missing_corpus() {
    let env = Env::empty();
    std::fs::remove_dir(env.corpus()).unwrap();
    let run = env.run(&["OTAN"]);
    assert_one_error(
        &run,
        &format!("corpus directory {} does not exist", env.corpus().display()),
    );
    let run = env.run(&["index"]);
    assert_one_error(&run, "does not exist");
}

#[test]
fn empty_corpus() {
    let env = Env::empty();
    env.write("notes.docx", "not indexed");
    let run = env.run(&["OTAN"]);
    assert_one_error(&run, "holds no source file (.txt, .md, .pdf, .html)");
    // No index is begun: once there is a source, the first search builds
    // one as on first use.
    assert!(!env.index().exists(), "an index directory was made");
    let status = env.run(&["status"]);
    assert_eq!(status.code, 1);
    assert_contains(&status.stdout, "no index in");
    env.write("notes.md", "# Notes\n\nL'OTAN et la Russie.\n");
    let run = env.run(&["OTAN"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_contains(&run.stderr, "(first use)");
}

#[test]
fn bad_files_are_reported_and_skipped() {
    let env = Env::seed();
    env.write("image.txt", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0");
    env.write("latin1.txt", b"La d\xe9fense antimissile de l\x92Alliance atlantique est au c\x9cur du d\xe9bat sur Sotchi.");
    std::os::unix::fs::symlink(
        env.corpus().join("gone.txt"),
        env.corpus().join("dangling.txt"),
    )
    .unwrap();
    // A file that cannot be read is an error, as in grep: the rest is
    // indexed and the status says so. A binary file is only skipped.
    let run = env.run(&["index"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_contains(&run.stderr, "warning: ");
    assert_contains(&run.stderr, "image.txt: binary file, not text; skipped");
    assert_contains(
        &run.stderr,
        "latin1.txt: not valid UTF-8; read as Windows-1252",
    );
    assert_contains(&run.stderr, "error: ");
    assert_contains(&run.stderr, "dangling.txt: skipped");
    assert_contains(
        &run.stdout,
        "6 added, 0 changed, 0 removed, 0 unchanged, 2 skipped",
    );
    assert_contains(&run.stdout, "6 documents");
    // The Windows-1252 text is searchable, with its characters right.
    let hits = env.hits(&["coeur antimissile", "--doc", "latin1"]);
    assert_eq!(hits.len(), 1);
    assert!(hits[0]["text"]
        .as_str()
        .unwrap()
        .contains("l’Alliance atlantique est au cœur"));
    // The bad file is not retried while it does not change.
    let again = env.run(&["Sotchi"]);
    assert_eq!(again.code, 0);
    assert!(!again.stderr.contains("image.txt"), "{}", again.stderr);
    // Each `index` accounts for it, without trying it again.
    let run = env.run(&["index"]);
    assert_eq!(run.code, 2, "the dangling link: {}", run.stderr);
    assert_contains(
        &run.stderr,
        "warning: 1 file skipped before, unchanged since, still skipped: ",
    );
    assert_contains(&run.stderr, "image.txt: binary file, not text");
    assert_contains(&run.stdout, "(analysed this run: 0 files, 0 passages)");
    // Removing it removes no document.
    std::fs::remove_file(env.corpus().join("image.txt")).unwrap();
    let status = env.run(&["status"]);
    assert_contains(&status.stdout, "index up to date: 6 documents");
    let quiet = env.run(&["Sotchi"]).stderr;
    assert!(
        !quiet.contains("image.txt") && !quiet.contains("refreshed"),
        "{quiet}"
    );
}

#[test]
fn bad_arguments() {
    let env = Env::seed();
    assert_one_error(&env.run(&["OTAN", "--since", "2021-13"]), "--since");
    assert_one_error(&env.run(&["OTAN", "--until", "hier"]), "--until");
    assert_one_error(&env.run(&["OTAN", "--lang", "de"]), "--lang");
    assert_one_error(
        &env.run(&["OTAN", "--since", "2022", "--until", "2021"]),
        "--since 2022 is after --until 2021",
    );
    assert_one_error(&env.run(&[""]), "no query given");
    assert_one_error(&env.run(&[]), "no query given");
    assert_one_error(&env.run(&["OTAN", "-n", "0"]), "--limit");
    // A negative number is a bad value, not an unknown option.
    for args in [&["-n", "-3", "OTAN"][..], &["OTAN", "-n", "-3"]] {
        assert_one_error(
            &env.run(args),
            "invalid value '-3' for '--limit <N>': expected a whole number, 1 or more",
        );
    }
    for (args, says) in [
        (&["OTAN", "--per-doc", "-1"][..], "'-1' for '--per-doc <N>'"),
        (&["similar", "x", "-n", "-3"], "'-3' for '--limit <N>'"),
        (
            &["show", "x", "--context", "-1"],
            "'-1' for '--context <N>'",
        ),
        (&["serve", "--port", "-1"], "'-1' for '--port <PORT>'"),
        (&["watch", "--debounce", "-5"], "'-5' for '--debounce <MS>'"),
    ] {
        assert_one_error(&env.run(args), &format!("invalid value {says}"));
    }
    assert_one_error(&env.run(&["OTAN", "--bogus"]), "--bogus");
    // An option's values are named in the one line.
    assert_one_error(
        &env.run(&["OTAN", "--mode", "vector"]),
        "[possible values: hybrid, bm25, semantic]",
    );
    assert_one_error(&env.run(&["show"]), "<ID>");
    assert_one_error(&env.run(&["bib", "--format", "markdown"]), "--format");
    let run = env.run(&["check", "absent.md"]);
    assert_one_error(&run, "absent.md: No such file or directory");
    assert_eq!(
        run.stderr.matches("No such file").count(),
        1,
        "{}",
        run.stderr
    );
    // Once there is an index, an unknown document is named.
    assert_eq!(env.run(&["index"]).code, 0);
    assert_one_error(
        &env.run(&["OTAN", "--doc", "nope"]),
        "invalid value for --doc: no document has the key or path 'nope'",
    );
}

#[test]
fn index_directory_that_cannot_be_used() {
    let env = Env::seed();
    let file = env.dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let run = env.run(&["OTAN", "--index", file.to_str().unwrap()]);
    assert_one_error(&run, "a-file");
    let inside = file.join("index");
    let run = env.run(&["OTAN", "--index", inside.to_str().unwrap()]);
    assert_one_error(&run, "a-file/index");
    let foreign = env.dir.path().join("photos");
    std::fs::create_dir(&foreign).unwrap();
    std::fs::write(foreign.join("holiday.jpg"), "x").unwrap();
    let run = env.run(&["OTAN", "--index", foreign.to_str().unwrap()]);
    assert_one_error(&run, "not an nrel-search index and not empty");
    assert!(foreign.join("holiday.jpg").exists());
}

#[test]
fn corrupt_index_is_reported_and_rebuilt_with_full() {
    let env = Env::seed();
    assert_eq!(env.run(&["index"]).code, 0);
    std::fs::write(env.index().join("meta.json"), "{ not json").unwrap();
    let run = env.run(&["OTAN"]);
    assert_one_error(&run, "rebuild it with `nrel-search index --full`");
    let run = env.run(&["index", "--full"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(env.run(&["Sotchi"]).code, 0);
}

#[test]
fn manifest_errors() {
    let env = Env::seed();
    assert_eq!(env.run(&["index"]).code, 0);
    let good = env.read("sources.toml");
    // A broken manifest is reported with its line and column; the corpus
    // is still searched, with the metadata of the last good manifest, and
    // `index` fails so that scripts notice.
    env.write("sources.toml", format!("{good}\n[[source]\nfile = "));
    let run = env.run(&["--json", "Lavrov", "-n", "1"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_contains(&run.stderr, "sources.toml:");
    assert_contains(&run.stderr, "its metadata is not used until it is fixed");
    assert_eq!(run.json()[0]["source"], "TF1 Info");
    let index = env.run(&["index"]);
    assert_eq!(index.code, 2, "{}", index.stderr);
    assert_contains(&index.stderr, "error: ");
    // A file added meanwhile is indexed, and gets its entry once the
    // manifest is fixed.
    env.write(
        "ajout.txt",
        "Le Conseil OTAN-Russie s’est réuni à Sotchi en 2011, selon la note ajoutée.",
    );
    assert_eq!(env.run(&["index"]).code, 2);
    env.write(
        "sources.toml",
        format!("{good}\n[[source]]\nfile = \"ajout.txt\"\npublisher = \"Note ajoutée\"\n\n[[source]]\nfile = \"absent.txt\"\n"),
    );
    let run = env.run(&["index"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_contains(&run.stderr, "[absent.txt] names no file of the corpus");
    let hits = env.hits(&["note ajoutée", "--doc", "ajout"]);
    assert_eq!(hits[0]["source"], "Note ajoutée");
    env.write("sources.toml", good);
    env.write(
        "sources.toml",
        "[[source]]\nfile = \"2021-10-18-tf1-relations-russie-otan.txt\"\ndate = \"18/10/2021\"\nlang = \"xx\"\n",
    );
    let run = env.run(&[
        "--json",
        "Lavrov",
        "--doc",
        "2021-10-18-tf1-relations-russie-otan.txt",
        "-n",
        "1",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_contains(
        &run.stderr,
        "sources.toml: [2021-10-18-tf1-relations-russie-otan.txt] date ignored",
    );
    assert_contains(&run.stderr, "lang ignored: unknown language 'xx'");
    // The date then comes from the text itself.
    assert_eq!(run.json()[0]["date"], "2021-10-18");
}
