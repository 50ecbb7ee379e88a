//! A running `watch` vouching for the index, so that searches need not
//! stat the corpus.
//!
//! A heartbeat is not enough: a watcher cannot vouch for an edit whose
//! event it has not read yet. So a search asks, and orders the question
//! after every change it could depend on: it creates a *probe* file in the
//! index's probe directory, which the watcher watches with the same file
//! watcher as the corpus, then names the probe on the watcher's socket.
//! Events of one watcher arrive in the order they happened; so once the
//! watcher has seen the probe, it has seen every change made to the corpus
//! before the search began. It answers `in-step` with the corpus it
//! watches and the record file of the commit it brought in step, when no
//! change has come since; anything else (changes pending, an update
//! running, no answer within [`ANSWER_WITHIN`]) leaves the search to check
//! for itself.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

/// The watcher's socket, in the index directory.
pub const SOCKET: &str = ".watch.sock";
/// The probe directory, in the index directory.
pub const PROBES: &str = ".probes";
/// How long a search waits for the watcher's answer.
pub const ANSWER_WITHIN: Duration = Duration::from_millis(200);

/// What the watcher knows, shared between its file watcher, its update
/// loop and its socket.
#[derive(Default)]
pub struct Watch {
    state: Mutex<State>,
    seen: Condvar,
}

#[derive(Default)]
struct State {
    /// Corpus changes seen, ever.
    changes: u64,
    /// Whether the index is known to be in step: no change since the
    /// update that brought it there.
    in_step: bool,
    /// The record file of that update's commit.
    record: Option<String>,
    /// Probes seen and not yet answered.
    probes: HashSet<String>,
    /// Why the watcher cannot vouch any more, if it cannot (its file
    /// watcher failed, the corpus holds links to elsewhere, the corpus
    /// directory was replaced).
    blind: Option<String>,
}

impl Watch {
    /// The file watcher saw `paths` (of an event that changes something
    /// when `is_change`). Probes are noted; anything else outside the
    /// index directory is a change of the corpus. Whether the corpus
    /// changed.
    pub fn saw(&self, index: &Path, paths: &[PathBuf], is_change: bool) -> bool {
        let probes = index.join(PROBES);
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let mut probed = false;
        let mut changed = false;
        for path in paths {
            if path.parent() == Some(probes.as_path()) {
                // Created (a removed probe is gone).
                if let Some(name) = path.file_name().filter(|_| path.exists()) {
                    state.probes.insert(name.to_string_lossy().into_owned());
                    probed = true;
                }
            } else if is_change && !path.starts_with(index) {
                changed = true;
            }
        }
        // An event without paths (the watcher's queue overflowed) may hide
        // any change.
        changed |= paths.is_empty();
        if changed {
            state.changes += 1;
            state.in_step = false;
        }
        if probed {
            self.seen.notify_all();
        }
        changed
    }

    /// The watcher can no longer vouch for the index, for this reason.
    pub fn blind(&self, why: String) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.in_step = false;
        state.blind.get_or_insert(why);
    }

    /// Why the watcher cannot vouch, if it cannot.
    pub fn blind_why(&self) -> Option<String> {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.blind.clone()
    }

    /// The number of changes seen so far, to pass to [`Watch::updated`].
    pub fn changes(&self) -> u64 {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).changes
    }

    /// An update that began after `changes` changes committed `record`:
    /// the index is in step unless something changed since.
    pub fn updated(&self, changes: u64, record: Option<&str>) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if state.changes == changes && record.is_some() && state.blind.is_none() {
            state.in_step = true;
            state.record = record.map(str::to_owned);
        }
    }

    /// The answer to a search that created the probe `name`.
    pub fn answer(&self, name: &str, corpus: &Path) -> String {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let (mut state, _) = self
            .seen
            .wait_timeout_while(state, ANSWER_WITHIN, |s| !s.probes.contains(name))
            .unwrap_or_else(|e| e.into_inner());
        if !state.probes.remove(name) {
            return "no-probe\n".into();
        }
        match (&state.record, state.in_step && state.blind.is_none()) {
            (Some(record), true) => format!("in-step {record} {}\n", corpus.display()),
            _ => "changing\n".into(),
        }
    }
}

/// Asks the watcher of the index in `dir`, if one runs, whether the index
/// is in step with `corpus`: the record file it vouches for.
#[cfg(unix)]
pub fn ask(dir: &Path, corpus: &Path) -> Option<String> {
    use std::io::{BufRead, BufReader, Write};
    use std::os::unix::net::UnixStream;

    let socket = dir.join(SOCKET);
    if !socket.exists() {
        return None;
    }
    let mut stream = UnixStream::connect(&socket).ok()?;
    stream.set_read_timeout(Some(ANSWER_WITHIN * 2)).ok()?;
    stream.set_write_timeout(Some(ANSWER_WITHIN)).ok()?;
    let name = format!("{}-{}", std::process::id(), super::plan::now_ns());
    let probe = dir.join(PROBES).join(&name);
    std::fs::File::create(&probe).ok()?;
    let answer = (|| {
        stream.write_all(format!("{name}\n").as_bytes()).ok()?;
        let mut line = String::new();
        BufReader::new(&stream).read_line(&mut line).ok()?;
        Some(line)
    })();
    let _ = std::fs::remove_file(&probe);
    let answer = answer?;
    let (record, watched) = answer
        .strip_prefix("in-step ")?
        .trim_end()
        .split_once(' ')?;
    let same = |a: &Path, b: &Path| {
        a.canonicalize()
            .ok()
            .is_some_and(|a| Some(a) == b.canonicalize().ok())
    };
    same(Path::new(watched), corpus).then(|| record.to_owned())
}

/// Without Unix sockets, no watcher answers.
#[cfg(not(unix))]
pub fn ask(_dir: &Path, _corpus: &Path) -> Option<String> {
    None
}

/// Serves the watcher's socket in the index directory `dir`, on a thread
/// of its own. `None` (and the index directory left as it was) when it
/// cannot: another watcher serves it, or the path is too long for a
/// socket.
#[cfg(unix)]
pub fn serve(watch: &'static Watch, dir: &Path, corpus: &Path) -> std::io::Result<()> {
    use std::io::{BufRead, BufReader, Write};
    use std::os::unix::net::{UnixListener, UnixStream};

    std::fs::create_dir_all(dir.join(PROBES))?;
    let socket = dir.join(SOCKET);
    if socket.exists() {
        if UnixStream::connect(&socket).is_ok() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::AddrInUse,
                "another watch serves this index",
            ));
        }
        // Left by a watcher that was killed.
        std::fs::remove_file(&socket)?;
    }
    let listener = UnixListener::bind(&socket)?;
    let corpus = corpus
        .canonicalize()
        .unwrap_or_else(|_| corpus.to_path_buf());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let corpus = corpus.clone();
            std::thread::spawn(move || {
                let _ = stream.set_read_timeout(Some(ANSWER_WITHIN));
                let mut line = String::new();
                if BufReader::new(&stream).read_line(&mut line).is_ok() {
                    let answer = watch.answer(line.trim(), &corpus);
                    let _ = (&stream).write_all(answer.as_bytes());
                }
            });
        }
    });
    Ok(())
}

/// Without Unix sockets, a watcher cannot vouch.
#[cfg(not(unix))]
pub fn serve(_watch: &'static Watch, _dir: &Path, _corpus: &Path) -> std::io::Result<()> {
    Err(std::io::Error::new(
        std::io::ErrorKind::Unsupported,
        "no Unix sockets here",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn probe(watch: &Watch, index: &Path, name: &str) {
        let path = index.join(PROBES).join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, "").unwrap();
        watch.saw(index, &[path], true);
    }

    #[test]
    fn it_vouches_only_after_an_update_with_no_change_since() {
        let dir = tempfile::tempdir().unwrap();
        let (index, corpus) = (dir.path(), Path::new("/c"));
        let watch = Watch::default();
        probe(&watch, index, "1");
        assert_eq!(watch.answer("1", corpus), "changing\n", "no update yet");
        let before = watch.changes();
        watch.updated(before, Some("record-a.bin"));
        probe(&watch, index, "2");
        assert_eq!(watch.answer("2", corpus), "in-step record-a.bin /c\n");
        // A change of the corpus, and the probe after it.
        assert!(watch.saw(index, &[PathBuf::from("/c/a.txt")], true));
        probe(&watch, index, "3");
        assert_eq!(watch.answer("3", corpus), "changing\n");
        // An update that began before a change does not vouch.
        let before = watch.changes();
        watch.saw(index, &[PathBuf::from("/c/b.txt")], true);
        watch.updated(before, Some("record-b.bin"));
        probe(&watch, index, "4");
        assert_eq!(watch.answer("4", corpus), "changing\n");
        // Blind, it never vouches again.
        let before = watch.changes();
        watch.updated(before, Some("record-c.bin"));
        watch.blind("the file watcher failed".into());
        watch.updated(before, Some("record-c.bin"));
        probe(&watch, index, "5");
        assert_eq!(watch.answer("5", corpus), "changing\n");
    }

    #[test]
    fn probes_reads_and_lost_events_are_told_apart() {
        let dir = tempfile::tempdir().unwrap();
        let index = dir.path();
        let watch = Watch::default();
        watch.updated(0, Some("record-a.bin"));
        assert!(!watch.saw(index, &[index.join(PROBES).join("p")], true));
        assert!(!watch.state.lock().unwrap().probes.contains("p"), "gone");
        assert!(
            !watch.saw(index, &[PathBuf::from("/c/a.txt")], false),
            "a read"
        );
        assert!(
            !watch.saw(index, &[index.join("meta.json")], true),
            "the index"
        );
        assert!(watch.saw(index, &[], true), "an overflow may hide anything");
    }

    #[test]
    fn an_unseen_probe_is_not_answered_in_step() {
        let watch = Watch::default();
        watch.updated(0, Some("record-a.bin"));
        assert_eq!(watch.answer("never", Path::new("/c")), "no-probe\n");
    }
}
