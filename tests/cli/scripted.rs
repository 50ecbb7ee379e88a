//! Scripted use: what a script or a pre-commit hook relies on — exit
//! statuses, `check` finding every reference, limits and read-only
//! indexes that do not break the tool, shell integration.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::harness::{assert_contains, field, Env};

/// The id of the first hit of a query.
fn first_id(env: &Env, query: &str) -> String {
    field(&env.hits(&[query, "-n", "1"])[0], "id").to_owned()
}

#[test]
fn check_finds_references_wherever_markdown_puts_them() {
    let env = Env::seed();
    let sotchi = first_id(&env, "ambassadeurs Sotchi");
    let notes = env.dir.path().join("notes.md");
    std::fs::write(
        &notes,
        format!(
            "# Notes\n\n\
             > « des mots qui ne sont pas dans le texte » [nrel:{sotchi}]\n\n\
             > Un mois plus tard, le 4 juillet 2011, sur invitation des autorités russes,\n\
             > les ambassadeurs du COR se sont réunis à Sotchi.\n\
             > — article de 2011 [nrel:{sotchi}]\n\n\
             - en liste : « les ambassadeurs du COR se sont réunis à Sotchi » [nrel:{sotchi}]\n\n\
             Une note[^1].\n\n\
             [^1]: « les ambassadeurs du COR » [nrel:{sotchi}]\n\n\
             | source | citation |\n|---|---|\n| 2011 | « réunis à Sotchi » [nrel:{sotchi}] |\n\n\
             Inventé : « Sotchi » [nrel:otan-russie-2011:000000]\n"
        ),
    )
    .unwrap();
    let run = env.run(&["check", notes.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 6, "{}", run.stdout);
    assert_contains(lines[0], ":3: quote no longer matches the source");
    for (line, number) in lines[1..5].iter().zip([7, 9, 13, 17]) {
        assert!(
            line.ends_with(&format!(":{number}: ok [nrel:{sotchi}]")),
            "{line}"
        );
    }
    assert!(
        lines[5].ends_with(&format!(
            ":19: unknown id [nrel:otan-russie-2011:000000]: document otan-russie-2011 has no such passage; the quotation stands in [nrel:{sotchi}]"
        )),
        "{}",
        lines[5]
    );
}

#[test]
fn check_reports_a_quotation_that_moved() {
    let env = Env::seed();
    let tf1 = "2021-10-18-tf1-relations-russie-otan.txt";
    let id = first_id(&env, "lignes rouges Poutine");
    let notes = env.dir.path().join("notes.md");
    std::fs::write(
        &notes,
        format!("TF1 : « leurs \"lignes rouges\" au président Vladimir Poutine » [nrel:{id}]\n"),
    )
    .unwrap();
    assert_eq!(env.run(&["check", notes.to_str().unwrap()]).code, 0);
    // Another sentence of the passage is edited: the quotation still stands
    // in the new passage, whose id the note should now carry.
    let edited = env.read(tf1).replace(
        "Ils avaient alors signifié",
        "Ils avaient alors clairement signifié",
    );
    assert_ne!(edited, env.read(tf1));
    env.write(tf1, edited);
    let run = env.run(&["check", notes.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let new_id = first_id(&env, "lignes rouges Poutine");
    assert_ne!(new_id, id);
    assert_contains(
        &run.stdout,
        &format!(
            "moved [nrel:{id}]: the passage changed; the quotation now stands in [nrel:{new_id}]"
        ),
    );
}

#[test]
fn check_without_references_says_so() {
    let env = Env::seed();
    let notes = env.dir.path().join("empty.md");
    std::fs::write(&notes, "Rien à vérifier ici.\n").unwrap();
    let run = env.run(&["check", notes.to_str().unwrap()]);
    assert_eq!(run.code, 0);
    assert_contains(&run.stderr, "no [nrel:ID] reference found");
}

#[test]
fn huge_limits_are_fine() {
    let env = Env::seed();
    for n in ["4000000000", "18446744073709551615"] {
        let run = env.run(&["--json", "-n", n, "Sotchi"]);
        assert_eq!(run.code, 0, "-n {n}: {}", run.stderr);
        assert!(!run.json().is_empty());
    }
    let id = first_id(&env, "Sotchi");
    let run = env.run(&["show", &id, "--context", "18446744073709551615"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn a_document_is_named_by_its_path_as_hits_print_it() {
    let env = Env::seed();
    let path = env
        .corpus()
        .join("2021-10-18-tf1-relations-russie-otan.txt");
    let hits = env.hits(&["Lavrov", "--doc", path.to_str().unwrap()]);
    assert!(!hits.is_empty());
    assert!(hits.iter().all(|h| h["doc"] == "tf1-2021-10-18"));
}

#[test]
fn trimming_ignores_stop_words_and_says_when_nothing_matches() {
    let env = Env::seed();
    let id = first_id(&env, "ambassadeurs Sotchi");
    let run = env.run(&["cite", &id, "--trim", "de Sotchi"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_contains(&run.stdout, "[…] Un mois plus tard");
    assert!(!run.stdout.contains("En fait"), "{}", run.stdout);
    let run = env.run(&["cite", &id, "--trim", "zeppelin"]);
    assert_eq!(run.code, 0);
    assert_contains(
        &run.stderr,
        &format!("no sentence of {id} has a word of 'zeppelin'; quoted whole"),
    );
}

#[test]
fn exit_statuses() {
    let env = Env::seed();
    assert_eq!(env.run(&["index"]).code, 0);
    assert_eq!(env.run(&["status"]).code, 0);
    assert_eq!(env.run(&["Sotchi"]).code, 0);
    assert_eq!(env.run(&["zeppelin"]).code, 1);
    assert_eq!(env.run(&["le la les"]).code, 1);
    assert_eq!(env.run(&["--", "-OTAN"]).code, 1);
    assert_eq!(env.run(&["OTAN", "--lang", "de"]).code, 2);
    let unknown = env.run(&["cite", "nope:123456"]);
    assert_eq!(unknown.code, 2);
    assert_contains(&unknown.stderr, "nrel-search: error: unknown passage id");
    env.write(
        "new.txt",
        "Un texte ajouté sur le Conseil OTAN-Russie et Sotchi.",
    );
    assert_eq!(env.run(&["status"]).code, 1);
}

#[test]
fn help_and_version_after_search_options() {
    let env = Env::seed();
    for args in [
        &["-n", "5", "--help"][..],
        &["--json", "-h"],
        &["-n5", "-h"],
    ] {
        let run = env.run(args);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        assert_contains(&run.stdout, "Usage: nrel-search search");
        assert_contains(&run.stdout, "--no-refresh");
    }
    for args in [&["--help"][..], &["--corpus", "elsewhere", "-h"]] {
        let run = env.run(args);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        assert_contains(&run.stdout, "Commands:");
    }
    for args in [&["-V"][..], &["OTAN", "-V"], &["-n", "5", "--version"]] {
        let run = env.run(args);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        assert!(run.stdout.starts_with("nrel-search "), "{}", run.stdout);
    }
    assert!(!env.index().exists(), "help needs no index");
}

#[test]
fn shell_completions_and_manual() {
    let env = Env::seed();
    for shell in ["bash", "zsh", "fish"] {
        let run = env.run(&["completions", shell]);
        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        assert_contains(&run.stdout, "nrel-search");
        assert_contains(&run.stdout, "no-refresh");
    }
    let man = env.run(&["man"]);
    assert_eq!(man.code, 0);
    assert!(man.stdout.starts_with(".ie") || man.stdout.contains(".TH nrel-search 1"));
    assert_contains(&man.stdout, ".SH \"SEARCH OPTIONS\"");
    assert_contains(&man.stdout, "no\\-refresh");
    assert!(!env.index().exists(), "completions and man need no index");
}

/// Makes a directory read-only for the tests' process: a read-only bind
/// mount as root (permissions do not bind root), permissions otherwise.
/// Undone on drop.
struct ReadOnly {
    path: PathBuf,
    mounted: bool,
}

impl ReadOnly {
    fn new(path: &Path) -> ReadOnly {
        let root = Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
        if root {
            let ok = |args: &[&str]| {
                Command::new("mount")
                    .args(args)
                    .status()
                    .is_ok_and(|s| s.success())
            };
            let p = path.to_str().unwrap();
            assert!(
                ok(&["--bind", p, p]) && ok(&["-o", "remount,bind,ro", p]),
                "cannot make {p} read-only: a read-only bind mount needs mount(8) and the right to mount"
            );
            ReadOnly {
                path: path.to_path_buf(),
                mounted: true,
            }
        } else {
            Command::new("chmod")
                .args(["-R", "a-w", path.to_str().unwrap()])
                .status()
                .unwrap();
            ReadOnly {
                path: path.to_path_buf(),
                mounted: false,
            }
        }
    }
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        let p = self.path.to_str().unwrap();
        if self.mounted {
            let _ = Command::new("umount").arg(p).status();
        } else {
            let _ = Command::new("chmod").args(["-R", "u+w", p]).status();
        }
    }
}

#[test]
fn a_read_only_index_is_searched() {
    let env = Env::seed();
    assert_eq!(env.run(&["index"]).code, 0);
    let id = first_id(&env, "Sotchi");
    let _read_only = ReadOnly::new(&env.index());
    assert!(std::fs::write(env.index().join("probe"), "x").is_err());
    let run = env.run(&["--json", "Sotchi"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(field(&run.json()[0], "id"), id);
    assert_eq!(env.run(&["status"]).code, 0);
    assert_eq!(env.run(&["show", &id]).code, 0);
    // A refresh that cannot be written: said, and the index answers as it is.
    env.write(
        "new.txt",
        "Un texte ajouté sur le Conseil OTAN-Russie et Sotchi.",
    );
    let run = env.run(&["Sotchi"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_contains(&run.stderr, "is read-only here: it cannot be refreshed");
    assert_contains(&run.stderr, "the index is stale (1 added");
    let run = env.run(&["index"]);
    assert_eq!(run.code, 2);
    assert_contains(&run.stderr, "cannot write in the index directory");
}

#[test]
fn a_configuration_file_says_where_the_corpus_is() {
    let env = Env::seed();
    let config = env.dir.path().join("config.toml");
    std::fs::write(&config, "corpus = \"corpus\"\nindex = \"cache/index\"\n").unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let mut cmd = env.cmd();
        cmd.env_remove("NREL_CORPUS")
            .env_remove("NREL_INDEX")
            .env("NREL_CONFIG", &config)
            .current_dir(elsewhere.path())
            .args(args);
        crate::harness::to_run(cmd.output().unwrap())
    };
    let found = run(&["--json", "Sotchi"]);
    assert_eq!(found.code, 0, "{}", found.stderr);
    assert!(env.dir.path().join("cache/index").is_dir());
    // The command line wins.
    let other = run(&["--corpus", "nowhere", "Sotchi"]);
    assert_eq!(other.code, 2);
    assert_contains(&other.stderr, "corpus directory nowhere does not exist");
    std::fs::write(&config, "corpus = 3\n").unwrap();
    let bad = run(&["Sotchi"]);
    assert_eq!(bad.code, 2);
    assert_contains(&bad.stderr, "config.toml: invalid type");
}
