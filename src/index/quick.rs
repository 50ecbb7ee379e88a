//! The quick freshness check: whether the corpus is still what the record
//! says, without walking it.
//!
//! A directory's modification time changes whenever an entry is added to
//! it, removed from it or renamed in it. So while every recorded directory
//! keeps its time, the corpus holds the recorded files and no others, and
//! it is enough to stat those files for a change of size or
//! time. Nothing is read but the manifest. Any doubt — a directory or
//! file changed, a time too close to the walk that recorded it to be
//! trusted ([`is_racy`]), a file waiting for an extraction tool that is now
//! installed, a record
//! without directories, parts of the corpus the walk could not read (to be
//! reported again) — answers "not known to be in step", and the
//! caller plans with a full walk.

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

use super::apply::MISSING_TOOL;
use super::plan::{now_ns, tools_available};
use super::record::is_racy;
use super::store::RecordView;
use crate::corpus::{mtime_ns, MANIFEST_FILE};

/// Whether the corpus is known to be exactly what `record` says: the
/// check on two threads.
pub fn in_step(corpus: &Path, record: &RecordView) -> bool {
    edits(corpus, record, 0).is_some()
}

/// What a check found: the files in doubt (their places in the record
/// file it checked), when the corpus differs from the record at most by
/// files edited in place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The record file checked (records are named by their content).
    pub record: Option<String>,
    /// When the check began (ns since the epoch).
    pub checked_ns: u64,
    /// The files in doubt, in record order; empty: in step.
    pub files: Vec<usize>,
}

/// The recorded files (their places in `record`) that may have been edited
/// in place, when the manifest and every directory stand, so that no file
/// was added, removed or renamed, and at most `most` files are in doubt:
/// a size or time changed, a time too close to the walk to be trusted, a
/// tool that is now installed. `None` when the check doubts more than
/// that. The check on two threads.
pub fn edits(corpus: &Path, record: &RecordView, most: usize) -> Option<Found> {
    let check = Check::new(corpus, record).collecting(most);
    let led = std::thread::scope(|scope| {
        let lead = scope.spawn(|| check.lead());
        check.help();
        lead.join().is_ok()
    });
    led.then(|| check.found()).flatten()
}

/// Recorded files a thread checks at a time.
const RUN: usize = 256;

/// The check, shared by the threads that take part in it: one leads (the
/// manifest, the directories, then files), others help with the files
/// when they are free; each takes the next run of recorded files, and the
/// first doubt stops them all. Stats of distinct files proceed in parallel
/// in the kernel: two threads check 20,000 files in well under the time of
/// one (BENCHMARKS.md).
pub struct Check<'a> {
    corpus: &'a Path,
    record: &'a RecordView,
    began_ns: u64,
    next: AtomicUsize,
    doubt: AtomicBool,
    /// Files in doubt, collected (up to `most`) instead of stopping the
    /// check.
    edits: Mutex<Vec<usize>>,
    most: usize,
    /// Whether files are stat'ed, or only the manifest and directories
    /// checked ([`Check::directories_only`]).
    files: bool,
}

impl<'a> Check<'a> {
    /// A check of `corpus` against `record`, not begun.
    pub fn new(corpus: &'a Path, record: &'a RecordView) -> Check<'a> {
        let doubt =
            record.checked_ns() == 0 || record.dirs().next().is_none() || record.skips() > 0;
        Check {
            corpus,
            record,
            began_ns: now_ns(),
            next: AtomicUsize::new(0),
            doubt: AtomicBool::new(doubt),
            edits: Mutex::new(Vec::new()),
            most: 0,
            files: true,
        }
    }

    /// The same check without a stat of each file: it sees every file
    /// added, removed or renamed, the manifest changed, and files waiting
    /// for an extraction tool now installed, but not a file edited in
    /// place (nor a linked file whose target changed). What `--no-refresh`
    /// asks for: its cost grows with the number of directories, not of
    /// files.
    pub fn directories_only(mut self) -> Check<'a> {
        self.files = false;
        self
    }

    /// The same check, noting up to `most` files in doubt before it
    /// doubts the whole.
    pub fn collecting(mut self, most: usize) -> Check<'a> {
        self.most = most;
        self
    }

    /// The manifest and the directories, then files as [`Check::help`].
    pub fn lead(&self) {
        if !self.doubted() && !self.manifest_and_directories_stand() {
            self.doubt.store(true, Ordering::Relaxed);
        }
        self.help();
    }

    /// Checks runs of recorded files until none is left or one is in
    /// doubt. Without the stats ([`Check::directories_only`]), a file is
    /// in doubt only when it waits for an extraction tool that is now
    /// installed (the record says which wait).
    pub fn help(&self) {
        let checked = self.record.checked_ns();
        let files = self.record.len();
        let mut stat = Stat::new(self.corpus);
        while !self.doubted() {
            let start = self.next.fetch_add(RUN, Ordering::Relaxed);
            if start >= files {
                return;
            }
            let mut in_doubt = Vec::new();
            for i in start..files.min(start + RUN) {
                let f = self.record.stat_of(i, MISSING_TOOL);
                let retry = f.waits && tools_available();
                let mut changed = || {
                    is_racy(f.mtime_ns, checked)
                        || stat.size_and_mtime(f.path) != Some((f.size, f.mtime_ns))
                };
                if retry || (self.files && changed()) {
                    in_doubt.push(i);
                    if in_doubt.len() > self.most {
                        break;
                    }
                }
            }
            if in_doubt.is_empty() {
                continue;
            }
            let mut edits = self.edits.lock().unwrap_or_else(|e| e.into_inner());
            edits.extend(in_doubt);
            if edits.len() > self.most {
                self.doubt.store(true, Ordering::Relaxed);
            }
        }
    }

    /// The verdict, once every thread that took part has returned (and
    /// one has led).
    pub fn in_step(&self) -> bool {
        !self.doubted() && self.edits.lock().is_ok_and(|edits| edits.is_empty())
    }

    /// What the check found, once every thread that took part has
    /// returned (and one has led); `None` when it doubts more than the
    /// files it collects.
    pub fn found(&self) -> Option<Found> {
        if self.doubted() {
            return None;
        }
        let mut files = self.edits.lock().unwrap_or_else(|e| e.into_inner()).clone();
        files.sort_unstable();
        Some(Found {
            record: self.record.name().map(str::to_owned),
            checked_ns: self.began_ns,
            files,
        })
    }

    fn doubted(&self) -> bool {
        self.doubt.load(Ordering::Relaxed)
    }

    fn manifest_and_directories_stand(&self) -> bool {
        let checked = self.record.checked_ns();
        let manifest = match std::fs::read(self.corpus.join(MANIFEST_FILE)) {
            Ok(bytes) => Some(crate::fingerprint::hex(&bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(_) => return false,
        };
        if manifest.as_deref() != self.record.manifest() {
            return false;
        }
        self.record.dirs().all(|(rel, mtime)| {
            !is_racy(mtime, checked)
                && std::fs::metadata(self.corpus.join(rel)).is_ok_and(|m| mtime_ns(&m) == mtime)
        })
    }
}

/// Directories held open at once by the check (well under the usual limit
/// of open files).
#[cfg(unix)]
const MAX_OPEN_DIRS: usize = 64;

/// Stats files of the corpus relative to their directory, opened once:
/// the kernel resolves one name instead of the whole path.
#[cfg(unix)]
struct Stat<'a> {
    corpus: &'a Path,
    dirs: rustc_hash::FxHashMap<&'a str, Option<rustix::fd::OwnedFd>>,
}

#[cfg(unix)]
impl<'a> Stat<'a> {
    fn new(corpus: &'a Path) -> Stat<'a> {
        Stat {
            corpus,
            dirs: rustc_hash::FxHashMap::default(),
        }
    }

    /// Size and modification time (ns) of the file at `rel`.
    // The types of `stat` fields differ between platforms.
    #[allow(clippy::useless_conversion)]
    fn size_and_mtime(&mut self, rel: &'a str) -> Option<(u64, u64)> {
        use rustix::fs::{AtFlags, Mode, OFlags};
        let (dir, name) = rel.rsplit_once('/').unwrap_or(("", rel));
        let corpus = self.corpus;
        if self.dirs.len() >= MAX_OPEN_DIRS && !self.dirs.contains_key(dir) {
            // Files come in path order: the directories left behind are
            // rarely needed again.
            self.dirs.clear();
        }
        let fd = self.dirs.entry(dir).or_insert_with(|| {
            let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
            rustix::fs::open(corpus.join(dir), flags, Mode::empty()).ok()
        });
        let st = rustix::fs::statat(fd.as_ref()?, name, AtFlags::empty()).ok()?;
        let secs = u64::try_from(st.st_mtime).ok()?;
        let nanos = u64::try_from(st.st_mtime_nsec).ok()?;
        Some((
            u64::try_from(st.st_size).ok()?,
            secs * 1_000_000_000 + nanos,
        ))
    }
}

/// Stats files of the corpus by path.
#[cfg(not(unix))]
struct Stat<'a> {
    corpus: &'a Path,
}

#[cfg(not(unix))]
impl<'a> Stat<'a> {
    fn new(corpus: &'a Path) -> Stat<'a> {
        Stat { corpus }
    }

    /// Size and modification time (ns) of the file at `rel`.
    fn size_and_mtime(&mut self, rel: &'a str) -> Option<(u64, u64)> {
        let meta = std::fs::metadata(self.corpus.join(rel)).ok()?;
        Some((meta.len(), mtime_ns(&meta)))
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime};

    use super::*;
    use crate::index::plan::now_ns;
    use crate::index::record::{FileRecord, Record};

    /// A corpus of three files in two directories, an hour old, and the
    /// record a walk made of it just now.
    fn corpus() -> (tempfile::TempDir, Record) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("a/b")).unwrap();
        for (rel, text) in [
            ("un.txt", "un"),
            ("a/deux.md", "deux"),
            ("a/b/trois.txt", "3"),
        ] {
            std::fs::write(root.join(rel), text).unwrap();
        }
        let then = SystemTime::now() - Duration::from_secs(3600);
        for rel in ["un.txt", "a/deux.md", "a/b/trois.txt"] {
            let f = std::fs::OpenOptions::new().write(true).open(root.join(rel));
            f.unwrap().set_modified(then).unwrap();
        }
        for rel in ["a/b", "a", ""] {
            let d = std::fs::File::open(root.join(rel)).unwrap();
            d.set_modified(then).unwrap();
        }
        let record = record_of(root);
        (dir, record)
    }

    fn record_of(root: &Path) -> Record {
        let walk = crate::corpus::walk(root, &mut Vec::new()).unwrap();
        Record {
            files: walk
                .files
                .iter()
                .map(|f| {
                    let record = FileRecord {
                        size: f.size,
                        mtime_ns: f.mtime_ns,
                        ..FileRecord::default()
                    };
                    (f.rel.clone(), record)
                })
                .collect(),
            dirs: walk.dirs,
            checked_ns: now_ns(),
            ..Record::default()
        }
    }

    fn check(root: &Path, record: &Record) -> bool {
        in_step(root, &RecordView::from_record(record))
    }

    #[test]
    fn an_untouched_corpus_is_in_step() {
        let (dir, record) = corpus();
        assert_eq!(record.dirs.len(), 3);
        assert!(check(dir.path(), &record));
    }

    #[test]
    fn an_edit_in_place_is_seen_though_no_directory_changed() {
        let (dir, record) = corpus();
        let dirs = record_of(dir.path()).dirs;
        std::fs::write(dir.path().join("a/b/trois.txt"), "trois").unwrap();
        assert_eq!(record_of(dir.path()).dirs, dirs);
        assert!(!check(dir.path(), &record));
    }

    #[test]
    fn every_run_of_files_is_checked_whichever_thread_takes_it() {
        // Several runs of files: an edit in any of them is seen, by the
        // check alone or by a check that a second thread joins late.
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let names: Vec<String> = (0..RUN * 3 + 7).map(|i| format!("f{i:04}.txt")).collect();
        let then = SystemTime::now() - Duration::from_secs(3600);
        for name in &names {
            std::fs::write(root.join(name), "texte").unwrap();
            let f = std::fs::OpenOptions::new()
                .write(true)
                .open(root.join(name));
            f.unwrap().set_modified(then).unwrap();
        }
        std::fs::File::open(root)
            .unwrap()
            .set_modified(then)
            .unwrap();
        let record = record_of(root);
        assert!(check(root, &record));
        let view = RecordView::from_record(&record);
        let joined_late = |view: &RecordView| {
            let check = Check::new(root, view);
            std::thread::scope(|scope| {
                let lead = scope.spawn(|| check.lead());
                std::thread::sleep(Duration::from_millis(5));
                check.help();
                lead.join().unwrap();
            });
            check.in_step()
        };
        assert!(joined_late(&view));
        // On one thread, in either order: a helper that takes every run
        // before the lead has looked at the directories, or the lead alone.
        let helper_first = |view: &RecordView| {
            let check = Check::new(root, view);
            check.help();
            check.lead();
            check.in_step()
        };
        let lead_alone = |view: &RecordView| {
            let check = Check::new(root, view);
            check.lead();
            check.in_step()
        };
        assert!(helper_first(&view) && lead_alone(&view));
        for edited in [&names[1], &names[RUN + 3], &names[names.len() - 1]] {
            std::fs::write(root.join(edited), "un texte").unwrap();
            assert!(!check(root, &record), "{edited}");
            assert!(!joined_late(&view), "{edited}");
            assert!(!helper_first(&view) && !lead_alone(&view), "{edited}");
            // As it was: in step again.
            std::fs::write(root.join(edited), "texte").unwrap();
            std::fs::OpenOptions::new()
                .write(true)
                .open(root.join(edited))
                .unwrap()
                .set_modified(then)
                .unwrap();
            assert!(check(root, &record), "{edited}");
        }
        // A doubt about the directories stops a helper before its first run.
        std::fs::write(root.join("nouveau.txt"), "x").unwrap();
        let check = Check::new(root, &view);
        check.lead();
        assert!(!check.in_step());
        check.help();
        assert_eq!(check.next.load(Ordering::Relaxed), 0, "no run taken");
    }

    #[test]
    fn the_directories_alone_see_files_come_and_go_but_not_edits() {
        let directories_only = |root: &Path, record: &Record| {
            let view = RecordView::from_record(record);
            let check = Check::new(root, &view).directories_only();
            check.lead();
            check.in_step()
        };
        let (dir, record) = corpus();
        assert!(directories_only(dir.path(), &record));
        std::fs::write(dir.path().join("a/b/trois.txt"), "trois").unwrap();
        assert!(directories_only(dir.path(), &record), "an edit in place");
        assert!(!check(dir.path(), &record));
        std::fs::write(dir.path().join("a/b/quatre.txt"), "4").unwrap();
        assert!(!directories_only(dir.path(), &record), "a new file");
        let (dir, record) = corpus();
        std::fs::rename(dir.path().join("a/deux.md"), dir.path().join("a/2.md")).unwrap();
        assert!(!directories_only(dir.path(), &record), "a renamed file");
        // A manifest edited in place, its directory's time unchanged.
        let (dir, mut record) = corpus();
        let manifest = dir.path().join(MANIFEST_FILE);
        std::fs::write(&manifest, "[a]\n").unwrap();
        let then = SystemTime::now() - Duration::from_secs(3600);
        std::fs::File::open(dir.path())
            .unwrap()
            .set_modified(then)
            .unwrap();
        record.dirs = record_of(dir.path()).dirs;
        record.manifest = Some(crate::fingerprint::hex(b"[a]\n"));
        assert!(directories_only(dir.path(), &record));
        std::fs::write(&manifest, "[b]\n").unwrap();
        assert_eq!(record_of(dir.path()).dirs, record.dirs);
        assert!(!directories_only(dir.path(), &record), "a manifest");
        // A file that waits for an extraction tool is read once it is
        // installed.
        let (dir, mut record) = corpus();
        record.files.get_mut("un.txt").unwrap().hash = MISSING_TOOL.to_owned();
        assert_eq!(directories_only(dir.path(), &record), !tools_available());
    }

    #[test]
    fn new_removed_and_renamed_files_are_seen() {
        let (dir, record) = corpus();
        std::fs::write(dir.path().join("a/b/.cache"), "x").unwrap();
        assert!(!check(dir.path(), &record), "a new entry, even hidden");
        let (dir, record) = corpus();
        std::fs::rename(dir.path().join("a/deux.md"), dir.path().join("a/2.md")).unwrap();
        assert!(!check(dir.path(), &record));
        let (dir, record) = corpus();
        std::fs::remove_file(dir.path().join("un.txt")).unwrap();
        assert!(!check(dir.path(), &record));
    }

    #[test]
    fn times_close_to_the_walk_are_not_trusted() {
        let (dir, mut record) = corpus();
        let file = &record.files["un.txt"];
        record.checked_ns = file.mtime_ns + 1_000_000;
        assert!(!check(dir.path(), &record));
        let (dir, mut record) = corpus();
        record.checked_ns = record.dirs["a"] + 1_000_000;
        record.files.values_mut().for_each(|f| f.mtime_ns += 1);
        assert!(!check(dir.path(), &record));
    }

    #[test]
    fn the_manifest_and_records_without_directories_send_to_a_walk() {
        let (dir, record) = corpus();
        std::fs::write(dir.path().join(MANIFEST_FILE), "").unwrap();
        assert!(!check(dir.path(), &record));
        let (dir, mut record) = corpus();
        record.dirs.clear();
        assert!(!check(dir.path(), &record));
        let (dir, mut record) = corpus();
        record.skips = 1;
        assert!(!check(dir.path(), &record));
    }
}
