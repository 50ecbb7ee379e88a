//! The record file and the quick freshness check: a search trusts
//! directory and file times only where they can vouch for the content, and
//! a missing record file is said, not guessed around.

use std::path::Path;
use std::time::{Duration, SystemTime};

use crate::harness::{assert_contains, docs, field, Env};

/// Sets the modification time of every file and directory of the corpus
/// an hour back, as for a corpus left alone since.
fn age(root: &Path) {
    let then = SystemTime::now() - Duration::from_secs(3600);
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
                file.set_modified(then).unwrap();
            }
        }
        // Last, since setting a file's time does not touch its directory.
        std::fs::File::open(&dir)
            .unwrap()
            .set_modified(then)
            .unwrap();
    }
}

/// An indexed seed corpus, aged, whose record trusts its times.
fn settled() -> Env {
    let env = Env::seed();
    env.write(
        "dossiers/notes.md",
        "# Notes\n\nUne note sur les sanctions économiques.\n",
    );
    age(&env.corpus());
    assert_eq!(env.run(&["index"]).code, 0);
    let status = env.run(&["status"]);
    assert_contains(&status.stdout, "index up to date: 6 documents");
    env
}

#[test]
fn edits_that_leave_directories_alone_are_seen() {
    let env = settled();
    // Written in place: the directory keeps its time, the file does not.
    let before = std::fs::metadata(env.corpus()).unwrap().modified().unwrap();
    std::fs::write(
        env.corpus().join("dossiers/notes.md"),
        "# Notes\n\nUne note sur le bouclier antimissile européen.\n",
    )
    .unwrap();
    let after = std::fs::metadata(env.corpus()).unwrap().modified().unwrap();
    assert_eq!(before, after);
    let run = env.run(&["--json", "bouclier antimissile", "--doc", "dossiers-notes"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_contains(&run.stderr, "1 changed");
    assert_eq!(docs(&run.json()), ["dossiers-notes"]);
}

#[test]
fn without_refresh_files_that_come_or_go_are_said_but_edits_not_looked_for() {
    let env = settled();
    std::fs::write(
        env.corpus().join("dossiers/notes.md"),
        "# Notes\n\nUne note sur le bouclier antimissile européen.\n",
    )
    .unwrap();
    // The index as it is, without a stat of each file: the edit is not
    // seen, and the index not said to be stale.
    let args = ["--json", "--no-refresh", "bouclier antimissile", "--doc"];
    let run = env.run(&[&args[..], &["dossiers-notes"]].concat());
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (
            1,
            "",
            "nrel-search: no passage matches 'bouclier antimissile'\n"
        )
    );
    let status = env.run(&["status"]);
    assert_eq!(status.code, 1);
    assert_contains(&status.stdout, "1 changed");
    // A file added changes its directory's time: the index is said to be
    // stale, with everything that changed, and answers as it is.
    env.write(
        "dossiers/cyber.md",
        "# Cyber\n\nLa cyberdéfense est une tâche collective de l'Alliance.\n",
    );
    let run = env.run(&["--json", "--no-refresh", "sanctions économiques"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_contains(
        &run.stderr,
        "the index is stale (1 added, 1 changed, 0 removed, 5 unchanged)",
    );
    assert!(docs(&run.json()).contains(&"dossiers-notes".to_owned()));
    // Without `--no-refresh`, both are taken up.
    let run = env.run(&["--json", "bouclier antimissile", "--doc", "dossiers-notes"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_contains(&run.stderr, "1 added, 1 changed");
}

#[test]
fn files_added_or_removed_in_subdirectories_are_seen() {
    let env = settled();
    env.write(
        "dossiers/plus/cyber.md",
        "# Cyber\n\nLa cyberdéfense est une tâche collective de l'Alliance.\n",
    );
    let run = env.run(&["--json", "cyberdéfense collective"]);
    assert_contains(&run.stderr, "1 added");
    assert_eq!(docs(&run.json())[0], "dossiers-plus-cyber");
    std::fs::remove_file(env.corpus().join("dossiers/notes.md")).unwrap();
    let status = env.run(&["status"]);
    assert_eq!(status.code, 1);
    assert_contains(&status.stdout, "1 removed");
}

#[test]
fn a_change_within_the_same_clock_tick_is_not_missed() {
    let env = Env::seed();
    let path = env.corpus().join("tick.md");
    std::fs::write(&path, "# Tick\n\nUn texte sur la dissuasion nucléaire.\n").unwrap();
    let size = std::fs::metadata(&path).unwrap().len();
    assert_eq!(env.run(&["index"]).code, 0);
    // Same size, same modification time, other words: what a second
    // write in the clock tick of the indexing would leave.
    let time = std::fs::metadata(&path).unwrap().modified().unwrap();
    std::fs::write(&path, "# Tick\n\nUn texte sur la dissuasion biologique.\n").unwrap();
    assert_eq!(std::fs::metadata(&path).unwrap().len(), size);
    let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    file.set_modified(time).unwrap();
    let run = env.run(&["--json", "dissuasion biologique"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_contains(&run.stderr, "1 changed");
    assert_eq!(docs(&run.json())[0], "tick");
}

#[test]
fn a_missing_record_file_is_said_and_a_full_rebuild_mends_it() {
    let env = Env::seed();
    assert_eq!(env.run(&["index"]).code, 0);
    for entry in std::fs::read_dir(env.index()).unwrap() {
        let path = entry.unwrap().path();
        if path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("record-")
        {
            std::fs::remove_file(path).unwrap();
        }
    }
    let run = env.run(&["Sotchi"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert_contains(&run.stderr, "nrel-search index --full");
    assert_eq!(env.run(&["index", "--full"]).code, 0);
    assert_eq!(env.run(&["Sotchi"]).code, 0);
}

#[test]
fn one_record_file_is_kept() {
    let env = settled();
    env.write("dossiers/autre.md", "# Autre\n\nEncore une note.\n");
    assert_eq!(env.run(&["index"]).code, 0);
    env.write("dossiers/troisieme.md", "# Troisième\n\nEt une autre.\n");
    assert_eq!(env.run(&["index"]).code, 0);
    let records = std::fs::read_dir(env.index())
        .unwrap()
        .filter(|e| {
            let name = e.as_ref().unwrap().file_name();
            name.to_string_lossy().starts_with("record-")
        })
        .count();
    // The current one, and the one before it (for readers that opened
    // the commit before).
    assert!(records <= 2, "{records} record files");
}

#[test]
fn keys_and_successors_survive_an_upgrade_from_the_json_record() {
    let env = Env::seed();
    assert_eq!(env.run(&["index"]).code, 0);
    let hit = env.hits(&["Sotchi"]).remove(0);
    let (rel, doc, id) = (field(&hit, "path"), field(&hit, "doc"), field(&hit, "id"));
    // The index as the version that kept its record in JSON left it: this
    // file had the key `DOC-2`, and a passage that changed had a successor.
    let kept = format!("{doc}-2");
    let old = format!("{doc}:0ld0ld");
    let payload = serde_json::json!({
        "format": 2,
        "analysis": 1,
        "files": {rel: {"size": 0, "mtime_ns": 0, "hash": "", "meta_hash": "", "key": kept, "passages": 1}},
        "retired": {old.clone(): format!("{kept}:{}", id.split_once(':').unwrap().1)},
    });
    let meta_path = env.index().join("meta.json");
    let mut meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&meta_path).unwrap()).unwrap();
    meta["payload"] = serde_json::Value::String(payload.to_string());
    std::fs::write(&meta_path, meta.to_string()).unwrap();

    let run = env.run(&["--json", "Sotchi"]);
    assert_contains(&run.stderr, "rebuilding the index");
    assert_eq!(run.json()[0]["doc"], kept.as_str());
    let shown = env.run(&["show", &old]);
    assert_eq!(shown.code, 0, "{}", shown.stderr);
    assert_contains(&shown.stderr, &format!("passage {old} no longer exists"));
}
