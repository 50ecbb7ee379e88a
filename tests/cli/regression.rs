//! One test per fixed bug, named after it.

use crate::harness::{assert_contains, docs, Env};

/// An update killed after tantivy wrote a segment's deletes but before the
/// commit landed left a file that the retry of the same update could not
/// overwrite: every later update failed until `index --full`.
#[test]
fn an_update_retried_after_a_kill_completes() {
    let env = Env::seed();
    assert_eq!(env.run(&["index"]).code, 0);
    let tf1 = "2021-10-18-tf1-relations-russie-otan.txt";
    env.write(tf1, format!("{}\nUne ligne ajoutée.\n", env.read(tf1)));
    // The same update run on a copy leaves, in the copy, the files that a
    // run killed before its commit would leave in the index.
    let copy = env.dir.path().join("copy");
    std::fs::create_dir(&copy).unwrap();
    for entry in std::fs::read_dir(env.index()).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), copy.join(entry.file_name())).unwrap();
    }
    let before: Vec<_> = std::fs::read_dir(env.index())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    let run = env.run(&["index", "--index", copy.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut left = 0;
    for entry in std::fs::read_dir(&copy).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name.to_string_lossy().ends_with(".del") && !before.contains(&name) {
            std::fs::copy(entry.path(), env.index().join(&name)).unwrap();
            left += 1;
        }
    }
    assert!(left > 0, "the update wrote no deletes file to leave behind");
    let run = env.run(&["index"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_contains(&run.stdout, "1 changed");
    assert_eq!(env.run(&["status"]).code, 0);
}

/// Two paths with one key: the second gets `KEY-2`. A rebuild handed the
/// keys out in path order again, so after a rename the ids of a document
/// changed with `index --full`.
#[test]
fn a_rebuild_keeps_document_keys() {
    let env = Env::empty();
    let text = |word: &str| {
        format!("Le Conseil OTAN-Russie s’est réuni à Sotchi pour parler de {word}, selon ce document de travail.")
    };
    env.write("a_b.txt", text("zorgalpha"));
    assert_eq!(env.run(&["index"]).code, 0);
    env.write("a-b.txt", text("zorgbeta"));
    assert_eq!(env.run(&["index"]).code, 0);
    assert_eq!(docs(&env.hits(&["zorgbeta"])), ["a-b-2"]);
    let run = env.run(&["index", "--full"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(docs(&env.hits(&["zorgalpha"])), ["a-b"]);
    assert_eq!(docs(&env.hits(&["zorgbeta"])), ["a-b-2"]);
}
