//! Keeping the index in step with the corpus: incremental updates, stale
//! detection, stable ids, crash safety, concurrent runs, watch.

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::Duration;

use crate::harness::{assert_contains, docs, field, to_run, Env};

const TF1: &str = "2021-10-18-tf1-relations-russie-otan.txt";
const NEWS: &str = "2009-12-04-otan-conseil-otan-russie-partenariat.txt";

/// The ids of a document's passages, as `show --context` lists them.
fn ids_of(env: &Env, doc: &str) -> Vec<String> {
    let hits = env.hits(&[
        "Russie OR OTAN OR Alliance OR Moscou",
        "--doc",
        doc,
        "-n",
        "500",
        "--no-refresh",
    ]);
    let mut ids: Vec<String> = hits.iter().map(|h| field(h, "id").to_owned()).collect();
    ids.sort();
    ids
}

#[test]
fn index_reports_what_changed() {
    let env = Env::seed();
    let first = env.run(&["index"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert_contains(&first.stdout, "5 added, 0 changed, 0 removed, 0 unchanged");
    assert!(first.stdout.contains("5 documents"));

    let again = env.run(&["index"]);
    assert_contains(&again.stdout, "0 added, 0 changed, 0 removed, 5 unchanged");

    // Add one, edit one, delete one, rename one.
    env.write("notes/nouveau.md", "# Un nouveau document\n\nLe zeppelin de Friedrichshafen survole le lac de Constance en 1909, avec à son bord des observateurs militaires.\n");
    let tf1 = env
        .read(TF1)
        .replace("Sergueï Lavrov", "Sergueï Lavrov (alias le Zeppelin)");
    env.write(TF1, tf1);
    std::fs::remove_file(env.corpus().join(NEWS)).unwrap();
    std::fs::rename(
        env.corpus()
            .join("2011-relations-otan-russie-rapprochement.txt"),
        env.corpus().join("renomme.txt"),
    )
    .unwrap();
    let run = env.run(&["index"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_contains(
        &run.stdout,
        "1 added, 1 changed, 1 renamed, 1 removed, 2 unchanged",
    );
    let hits = env.hits(&["zeppelin", "--no-refresh"]);
    let found: std::collections::BTreeSet<String> = docs(&hits).into_iter().collect();
    assert_eq!(
        found,
        ["notes-nouveau", "tf1-2021-10-18"].map(String::from).into()
    );
    assert!(
        env.hits(&["Rasmussen", "--no-refresh"]).is_empty(),
        "removed document still found"
    );
    let sotchi = env.hits(&["Sotchi", "--no-refresh"]);
    assert_eq!(sotchi[0]["path"], "renomme.txt");
    // The manifest names the old path: the moved file is keyed by its new
    // path, and has only the metadata its text gives.
    assert_eq!(sotchi[0]["doc"], "renomme");
    assert_eq!(sotchi[0]["date"], serde_json::Value::Null);

    // A rename with the same content, and no manifest entry, is not
    // analysed again.
    std::fs::rename(
        env.corpus().join("renomme.txt"),
        env.corpus().join("archives-2011.txt"),
    )
    .unwrap();
    let run = env.run(&["index"]);
    assert_contains(
        &run.stdout,
        "0 added, 0 changed, 1 renamed, 0 removed, 4 unchanged",
    );
    assert_contains(&run.stdout, "(analysed this run: 0 files, 0 passages)");
    let moved = env.hits(&["Sotchi", "--no-refresh"]);
    assert_eq!(
        (moved[0]["path"].as_str(), moved[0]["doc"].as_str()),
        (Some("archives-2011.txt"), Some("archives-2011"))
    );
    // Its passages' ids followed the key; the old ones lead to the new.
    let old_id = field(&sotchi[0], "id");
    let new_id = field(&moved[0], "id");
    assert_eq!(
        old_id.split_once(':').unwrap().1,
        new_id.split_once(':').unwrap().1
    );
    let show = env.run(&["show", old_id]);
    assert_contains(&show.stderr, &format!("closest current passage: {new_id}"));

    let full = env.run(&["index", "--full"]);
    assert_contains(&full.stdout, "5 added, 0 changed, 0 removed, 0 unchanged");
}

#[test]
fn documents_with_the_same_key_are_kept_apart() {
    let env = Env::seed();
    env.write(
        "veille/note.txt",
        "Le zeppelin de la note en texte survole la Baltique en 2021.",
    );
    env.write(
        "veille/note.md",
        "# Note\n\nLe zeppelin de la note en Markdown survole la mer du Nord.",
    );
    let run = env.run(&["index"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_contains(&run.stderr, "veille/note.txt: document key 'veille-note' is taken by another file; using 'veille-note-2'");
    let hits = env.hits(&["zeppelin", "--no-refresh"]);
    let mut keys = docs(&hits);
    keys.sort();
    assert_eq!(keys, ["veille-note", "veille-note-2"]);
    // Each can be deleted without touching the other.
    std::fs::remove_file(env.corpus().join("veille/note.md")).unwrap();
    assert_eq!(env.run(&["index"]).code, 0);
    let hits = env.hits(&["zeppelin", "--no-refresh"]);
    assert_eq!(docs(&hits), ["veille-note-2"]);
}

#[test]
fn a_search_refreshes_a_stale_index() {
    let env = Env::seed();
    assert_eq!(env.run(&["index"]).code, 0);
    env.write("ajout.txt", "Le dirigeable Zeppelin LZ 4 brûle à Echterdingen en août 1908, ce qui provoque une souscription nationale.");
    let status = env.run(&["status"]);
    assert_eq!(
        (status.code, status.stdout.as_str()),
        (
            1,
            "index stale: 1 added, 0 changed, 0 removed, 5 unchanged\n"
        )
    );
    let stale = env.run(&["zeppelin", "--no-refresh"]);
    assert_eq!(stale.code, 1);
    assert_contains(
        &stale.stderr,
        "the index is stale (1 added, 0 changed, 0 removed, 5 unchanged)",
    );
    let fresh = env.run(&["zeppelin"]);
    assert_eq!(fresh.code, 0, "{}", fresh.stderr);
    assert_contains(
        &fresh.stderr,
        "index refreshed: 1 added, 0 changed, 0 removed, 5 unchanged",
    );
    // Nothing changed since: nothing said.
    let quiet = env.run(&["zeppelin"]);
    assert_eq!(quiet.stderr, "");
    let status = env.run(&["status"]);
    assert_eq!(status.code, 0);
    assert!(
        status.stdout.starts_with("index up to date: 6 documents, "),
        "{}",
        status.stdout
    );
    // Touching a file without changing it re-indexes nothing.
    let path = env.corpus().join(TF1);
    let content = std::fs::read(&path).unwrap();
    std::thread::sleep(Duration::from_millis(20));
    std::fs::write(&path, content).unwrap();
    let touched = env.run(&["zeppelin"]);
    assert_eq!(touched.stderr, "");
    // A manifest change updates the documents it concerns.
    let manifest = env
        .read("sources.toml")
        .replace("publisher = \"TF1 Info\"", "publisher = \"TF1\"");
    env.write("sources.toml", manifest);
    let run = env.run(&["--json", "Lavrov", "--doc", "tf1-2021-10-18", "-n", "1"]);
    assert_contains(
        &run.stderr,
        "index refreshed: 0 added, 1 changed, 0 removed, 5 unchanged",
    );
    assert_eq!(run.json()[0]["source"], "TF1");
}

#[test]
fn ids_survive_edits_elsewhere_and_rebuilds() {
    let env = Env::seed();
    assert_eq!(env.run(&["index"]).code, 0);
    let before = ids_of(&env, "tf1-2021-10-18");
    assert!(before.len() >= 6);
    // Edit one paragraph of the TF1 article.
    let text = env.read(TF1).replace(
        "Début octobre, l'Otan avait annoncé",
        "Au début du mois d'octobre, l'Otan avait annoncé",
    );
    env.write(TF1, text);
    assert_eq!(env.run(&["index"]).code, 0);
    let after = ids_of(&env, "tf1-2021-10-18");
    let kept: Vec<_> = before.iter().filter(|id| after.contains(id)).collect();
    assert_eq!(
        kept.len(),
        before.len() - 1,
        "only the edited passage changes id"
    );
    let gone: Vec<_> = before.iter().filter(|id| !after.contains(id)).collect();
    // Rebuilding from scratch gives the same ids.
    assert_eq!(env.run(&["index", "--full"]).code, 0);
    assert_eq!(ids_of(&env, "tf1-2021-10-18"), after);
    // The old id is stale: show says so, points to its successor and
    // shows it.
    let run = env.run(&["show", gone[0]]);
    assert_eq!(run.code, 0);
    assert_contains(&run.stdout, "Au début du mois d'octobre");
    let new_id = after.iter().find(|id| !before.contains(id)).unwrap();
    assert!(
        run.stderr.contains(&format!(
            "passage {} no longer exists (its text changed); closest current passage: {new_id}",
            gone[0]
        )),
        "{}",
        run.stderr
    );
    let shown = env.run(&["show", new_id]);
    assert_eq!(shown.code, 0);
    assert!(shown.stdout.contains("Au début du mois d'octobre"));
    // An id the index never had is an error, as for cite.
    let unknown = env.run(&["show", "nope:123456"]);
    assert_eq!(unknown.code, 2);
    assert_contains(
        &unknown.stderr,
        "error: unknown passage id nope:123456: no document has the key 'nope'",
    );
}

#[test]
fn show_prints_a_passage_with_its_neighbours() {
    let env = Env::seed();
    let hit = env.hits(&["Sotchi"]).remove(0);
    let id = field(&hit, "id");
    let run = env.run(&["show", id, "--context", "1"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("otan-russie-2011"));
    assert!(run.stdout.contains(&format!(
        "> [{id}] 2011-relations-otan-russie-rapprochement.txt:56-73 (fr, paragraph)"
    )));
    let markers = run.stdout.lines().filter(|l| l.starts_with("  [")).count();
    assert_eq!(markers, 2, "{}", run.stdout);
    let json = env.run(&["show", id, "--json"]).json();
    assert_eq!(json.len(), 1);
    assert_eq!(json[0]["line_start"], 56);
}

/// A corpus big enough for an index run to take a while.
fn big_env(files: usize) -> Env {
    let env = Env::seed();
    let sources: Vec<String> = std::fs::read_dir(env.corpus())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt" || e == "md"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    for i in 0..files {
        let text = format!("Copie {i}.\n\n{}", sources[i % sources.len()]);
        env.write(&format!("copies/{:04}.txt", i), text);
    }
    env
}

#[test]
fn a_killed_run_leaves_the_previous_index_usable() {
    let env = big_env(200);
    let first = env.run(&["index"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let before = env.hits(&["Sotchi", "-n", "500", "--no-refresh"]).len();
    assert!(before > 30);
    // How long a full rebuild takes here, to kill the next ones in the middle.
    let started = std::time::Instant::now();
    assert_eq!(env.run(&["index", "--full"]).code, 0);
    let full = started.elapsed();
    let mut interrupted = 0;
    for fraction in [0.1, 0.4, 0.7, 0.9] {
        let mut child = env
            .cmd()
            .args(["index", "--full"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(full.mul_f64(fraction));
        if child.try_wait().unwrap().is_none() {
            interrupted += 1;
        }
        child.kill().unwrap();
        child.wait().unwrap();
        let hits = env.hits(&["Sotchi", "-n", "500", "--no-refresh"]);
        assert_eq!(hits.len(), before, "after a kill at {fraction} of a run");
    }
    assert!(
        interrupted >= 2,
        "only {interrupted} runs were killed before they ended"
    );
    // A change, an interrupted update, then a good run.
    env.write("copies/9999.txt", "Le zeppelin de Sotchi.");
    let mut child = env
        .cmd()
        .arg("index")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(5));
    child.kill().unwrap();
    child.wait().unwrap();
    let run = env.run(&["index"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_contains(&run.stdout, "206 documents");
    assert_eq!(env.hits(&["Sotchi", "-n", "500"]).len(), before + 1);
}

#[test]
fn an_interrupted_build_resumes_where_it_stopped() {
    let env = big_env(300);
    let every = ("NREL_CHECKPOINT_BYTES", "200000");
    let mut child = env
        .cmd()
        .env(every.0, every.1)
        .arg("index")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Until a commit in the middle of the build has landed.
    let done = loop {
        std::thread::sleep(Duration::from_millis(20));
        let status = env.run(&["status"]).stdout;
        if let Some(counts) = status.trim().strip_prefix("index stale: ") {
            let unchanged: usize = counts
                .split(", ")
                .find_map(|c| c.strip_suffix(" unchanged"))
                .map_or(0, |n| n.trim().parse().unwrap());
            if unchanged > 0 {
                break unchanged;
            }
        }
        assert!(child.try_wait().unwrap().is_none(), "the build ended first");
    };
    child.kill().unwrap();
    child.wait().unwrap();
    // What was committed is searched; the rest is analysed next time, and
    // only the rest.
    assert!(!env.hits(&["Sotchi", "--no-refresh"]).is_empty());
    let run = to_run(
        env.cmd()
            .env(every.0, every.1)
            .arg("index")
            .output()
            .unwrap(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let added: usize = run
        .stdout
        .split(" added")
        .next()
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(added > 0 && added <= 305 - done, "{}", run.stdout);
    assert_contains(&run.stdout, "305 documents");
    // The same index as a build that was never interrupted.
    let clean = big_env(300);
    assert_eq!(clean.run(&["index"]).code, 0);
    let ids = |env: &Env| {
        let mut ids: Vec<String> = env
            .hits(&["Sotchi", "-n", "1000", "--no-refresh"])
            .iter()
            .map(|h| field(h, "id").to_owned())
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(ids(&env), ids(&clean));
}

#[test]
fn concurrent_index_runs_wait_for_each_other() {
    let env = big_env(100);
    let spawn = || {
        env.cmd()
            .args(["index", "--full"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    let (a, b) = (
        to_run(a.wait_with_output().unwrap()),
        to_run(b.wait_with_output().unwrap()),
    );
    for run in [&a, &b] {
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert_contains(&run.stdout, "105 documents");
    }
    // A search during a run answers from the last commit.
    let mut writer = spawn();
    let hits = env.hits(&["Sotchi", "-n", "500", "--no-refresh"]);
    assert_eq!(hits.len(), 1 + 100 / 5);
    assert!(writer.wait().unwrap().success());
}

/// `watch` started with this debounce (ms), and its lines as they come:
/// read on a thread, so that a silent watcher fails a test instead of
/// hanging it.
fn watch(env: &Env, debounce: &str) -> (std::process::Child, std::sync::mpsc::Receiver<String>) {
    let mut child = env
        .cmd()
        .args(["watch", "--debounce", debounce])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.unwrap_or_default()).is_err() {
                break;
            }
        }
    });
    (child, rx)
}

#[test]
fn watch_updates_the_index_when_files_change() {
    let env = Env::seed();
    let (mut child, rx) = watch(&env, "100");
    let wait = Duration::from_secs(60);
    let first = rx.recv_timeout(wait);
    env.write("veille.md", "# Veille\n\nLe zeppelin surveille la mer Baltique et les exercices navals de la flotte russe en 2021.\n");
    let update = rx.recv_timeout(wait);
    child.kill().unwrap();
    child.wait().unwrap();
    let first = first.expect("watch said nothing");
    assert!(first.starts_with("watching "), "{first}");
    let update = update.expect("watch did not report the change");
    assert!(
        update.starts_with("index updated: 1 added, 0 changed, 0 removed, 5 unchanged"),
        "{update}"
    );
    assert_eq!(env.hits(&["zeppelin", "--no-refresh"]).len(), 1);
}

#[test]
fn a_running_watch_vouches_for_the_index_and_never_for_a_change_it_missed() {
    let env = Env::seed();
    let (mut child, rx) = watch(&env, "300");
    let first = rx.recv_timeout(Duration::from_secs(60));
    let vouched = env.run(&["status"]);
    // Edits, each searched for at once: found, whether the watch had
    // updated the index yet or the search had to.
    let mut missed = Vec::new();
    for i in 0..5 {
        let word = format!("zorglubien{i}");
        env.write(
            &format!("veille-{i}.md"),
            format!("# Veille\n\nLe mot {word} est nouveau.\n"),
        );
        let run = env.run(&["--json", &word]);
        if run.code != 0 && !run.stderr.contains("process is updating the index") {
            missed.push(format!("{word}: {}", run.stderr));
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let unvouched = env.run(&["status"]);
    assert!(first.expect("watch said nothing").starts_with("watching "));
    assert_contains(&vouched.stdout, "(kept in step by a running watch)");
    assert!(missed.is_empty(), "{missed:?}");
    // Killed, it vouches no more (its socket is left, and refused).
    assert!(
        !unvouched.stdout.contains("kept in step"),
        "{}",
        unvouched.stdout
    );
}

#[test]
fn an_index_from_another_version_is_rebuilt() {
    let env = Env::seed();
    assert_eq!(env.run(&["index"]).code, 0);
    // Make the record say another analysis version built it.
    let meta_path = env.index().join("meta.json");
    let mut meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&meta_path).unwrap()).unwrap();
    let mut state: serde_json::Value =
        serde_json::from_str(meta["payload"].as_str().unwrap()).unwrap();
    state["analysis"] = serde_json::json!(999);
    meta["payload"] = serde_json::Value::String(state.to_string());
    std::fs::write(&meta_path, meta.to_string()).unwrap();

    let status = env.run(&["status"]);
    assert_eq!(status.code, 1);
    assert_contains(
        &status.stdout,
        "must be rebuilt: it was built by another version of nrel-search",
    );
    let run = env.run(&["--json", "Sotchi"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_contains(&run.stderr, "rebuilding the index in");
    assert_eq!(run.json()[0]["doc"], "otan-russie-2011");
    assert_eq!(env.run(&["status"]).code, 0);
}
