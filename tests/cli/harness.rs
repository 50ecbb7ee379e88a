//! A temporary corpus and index, and the binary run against them.

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;
use std::process::Command;
use tempfile::TempDir;

/// The installed sentence encoder's directory, if a model is installed
/// there. With `NREL_REQUIRE_MODEL=1` (as CI sets it) a missing model fails
/// the test instead of skipping it.
pub fn model_dir() -> Option<PathBuf> {
    let dir = nrel_search::semantic::model_dir()?;
    if dir.join(nrel_search::semantic::MODEL_FILE).is_file() {
        return Some(dir);
    }
    assert!(
        std::env::var("NREL_REQUIRE_MODEL").as_deref() != Ok("1"),
        "NREL_REQUIRE_MODEL=1 but no model in {} (nrel-search model import)",
        dir.display()
    );
    eprintln!(
        "skipped: no sentence encoder installed in {}",
        dir.display()
    );
    None
}

/// The repository's corpus directory.
pub fn seed_corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

/// A scratch directory with `corpus/` and `index/` in it.
pub struct Env {
    pub dir: TempDir,
    /// The sentence encoder's directory, for tests of semantic search;
    /// other tests run without a model.
    pub model: Option<PathBuf>,
}

/// What a run printed and how it ended.
pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

impl Run {
    /// The stdout JSON lines.
    pub fn json(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad JSON line {l}: {e}")))
            .collect()
    }
}

impl Env {
    /// An empty corpus.
    pub fn empty() -> Env {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("corpus")).unwrap();
        Env { dir, model: None }
    }

    /// A copy of the repository's corpus.
    pub fn seed() -> Env {
        let env = Env::empty();
        for entry in std::fs::read_dir(seed_corpus()).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), env.corpus().join(entry.file_name())).unwrap();
        }
        env
    }

    pub fn corpus(&self) -> PathBuf {
        self.dir.path().join("corpus")
    }

    pub fn index(&self) -> PathBuf {
        self.dir.path().join("index")
    }

    /// Writes a corpus file (creating directories).
    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) {
        let path = self.corpus().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.corpus().join(rel)).unwrap()
    }

    /// The command, run in the scratch directory with its corpus and index.
    pub fn cmd(&self) -> Command {
        let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("nrel-search"));
        cmd.current_dir(self.dir.path())
            .env("NREL_CORPUS", self.corpus())
            .env("NREL_INDEX", self.index())
            .env("NREL_CONFIG", self.dir.path().join("no-config.toml"))
            .env(
                "NREL_MODEL_DIR",
                self.model
                    .clone()
                    .unwrap_or_else(|| self.dir.path().join("no-model")),
            )
            .env_remove("NO_COLOR")
            .env_remove("RUST_BACKTRACE");
        cmd
    }

    /// Runs with these arguments.
    pub fn run(&self, args: &[&str]) -> Run {
        let output = self.cmd().args(args).output().expect("runs");
        to_run(output)
    }

    /// Runs a search with `--json` and returns the hits.
    pub fn hits(&self, args: &[&str]) -> Vec<Value> {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let run = self.run(&all);
        assert!(
            run.code == 0 || run.code == 1,
            "exit {}: {}",
            run.code,
            run.stderr
        );
        run.json()
    }
}

pub fn to_run(output: Output) -> Run {
    Run {
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        code: output.status.code().unwrap_or(-1),
    }
}

/// The `doc` of each hit.
pub fn docs(hits: &[Value]) -> Vec<String> {
    hits.iter()
        .map(|h| h["doc"].as_str().unwrap().to_owned())
        .collect()
}

/// A text field of a hit.
pub fn field<'a>(hit: &'a Value, key: &str) -> &'a str {
    hit[key].as_str().unwrap_or("")
}

/// Fails, showing the whole text, unless `text` contains `part`.
#[track_caller]
pub fn assert_contains(text: &str, part: &str) {
    assert!(text.contains(part), "{part:?} not found in:\n{text}");
}
