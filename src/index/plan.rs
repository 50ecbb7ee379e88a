//! Comparing the corpus with what the index holds: which files are new,
//! changed, renamed, removed — what an update applies, and what a search
//! reports when the quick check (`quick.rs`) could not vouch. It
//! reads again only the directories whose time changed
//! ([`crate::corpus::rewalk`]), stats the files, and hashes only those
//! whose size or modification time differ from the record or are too
//! close to the last walk to be trusted.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use crate::corpus::rewalk::{rewalk, Known};
use crate::corpus::{walk, Manifest, SourceFile};
use crate::error::{Error, Result, Warning};

use super::record::{is_racy, settles, FileRecord, Record, UNREAD_MANIFEST};

/// What has to be done to bring the index in step with the corpus.
#[derive(Debug, Default)]
pub struct Plan {
    /// Files not in the index.
    pub added: Vec<Candidate>,
    /// Files whose content or manifest entry changed.
    pub changed: Vec<Candidate>,
    /// Files gone from the corpus: path and record.
    pub removed: Vec<(String, FileRecord)>,
    /// Files moved with the same content: old path and record, new file.
    pub renamed: Vec<(String, FileRecord, Candidate)>,
    /// Files whose record stands, possibly with a new modification time.
    pub unchanged: BTreeMap<String, FileRecord>,
    /// The manifest as read now.
    pub manifest: Manifest,
    /// Files and directories of the corpus that could not be read (a
    /// broken link, a loop, no permission): reported by `index` and
    /// `status`, not by every search.
    pub skips: Vec<Warning>,
    /// The directories of the corpus and their modification times.
    pub dirs: BTreeMap<String, u64>,
    /// When the walk began (ns since the epoch).
    pub checked_ns: u64,
    /// Whether times the record doubted (too close to its walk) were
    /// confirmed, so that a new record can trust them.
    pub settled: bool,
}

/// A file to (re)index, with what is already known of it.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// The file.
    pub file: SourceFile,
    /// Its content hash, if it was computed.
    pub hash: Option<String>,
    /// Hash of its manifest entry.
    pub meta_hash: String,
}

impl Plan {
    /// Whether the index is up to date.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.changed.is_empty()
            && self.removed_documents() == 0
            && self.renamed.is_empty()
    }

    /// Removed files that were documents (not files that had been skipped).
    pub fn removed_documents(&self) -> usize {
        self.removed
            .iter()
            .filter(|(_, f)| f.error.is_none())
            .count()
    }

    /// Whether only the record needs writing: files touched, the manifest
    /// edited without effect, skipped files gone.
    pub fn touched(&self, record: &Record) -> bool {
        self.unchanged.iter().any(|(rel, f)| {
            record
                .files
                .get(rel)
                .is_some_and(|old| old.mtime_ns != f.mtime_ns)
        }) || self.manifest.hash != record.manifest
            || self.removed.len() > self.removed_documents()
            || self.dirs != record.dirs
            || self.settled
    }

    /// `2 added, 1 changed, 1 removed, 120 unchanged`.
    pub fn summary(&self) -> String {
        counts(
            self.added.len(),
            self.changed.len(),
            self.renamed.len(),
            self.removed_documents(),
            self.unchanged_documents(),
        )
    }

    /// Unchanged files that are documents (not files that could not be
    /// read).
    pub fn unchanged_documents(&self) -> usize {
        self.unchanged
            .values()
            .filter(|f| f.error.is_none())
            .count()
    }
}

/// `2 added, 1 changed, 1 removed, 120 unchanged` (renames only when
/// there are some): how plans and updates report themselves.
pub(crate) fn counts(
    added: usize,
    changed: usize,
    renamed: usize,
    removed: usize,
    unchanged: usize,
) -> String {
    let renamed = if renamed > 0 {
        format!("{renamed} renamed, ")
    } else {
        String::new()
    };
    format!("{added} added, {changed} changed, {renamed}{removed} removed, {unchanged} unchanged")
}

/// Hash of a manifest entry as it applies to a file ("" without one).
pub fn meta_hash(manifest: &Manifest, rel: &str) -> String {
    manifest.get(rel).map_or_else(String::new, |entry| {
        let json = serde_json::to_string(entry).expect("entries serialise");
        crate::fingerprint::short(json.as_bytes(), 16)
    })
}

/// Hashes a file's content.
pub(super) fn hash_file(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    Ok(crate::fingerprint::hex(&bytes))
}

/// Now, in nanoseconds since the Unix epoch.
pub(crate) fn now_ns() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}

/// Whether the extraction tools are installed now (asked once a process).
pub(crate) fn tools_available() -> bool {
    static AVAILABLE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *AVAILABLE.get_or_init(|| {
        std::process::Command::new("pdftotext")
            .arg("-v")
            .output()
            .is_ok()
    })
}

/// Warns of manifest entries that name no file of the corpus (`known`
/// says which paths do).
pub(super) fn warn_unknown_entries(
    corpus: &Path,
    manifest: &Manifest,
    known: impl Fn(&str) -> bool,
    warnings: &mut Vec<Warning>,
) {
    for path in manifest.paths().filter(|p| !known(p)) {
        warnings.push(Warning::file(
            corpus.join(crate::corpus::MANIFEST_FILE),
            format!("[{path}] names no file of the corpus; entry ignored"),
        ));
    }
}

/// Compares the corpus with `record` (an empty record plans a full build).
pub fn plan(corpus: &Path, record: &Record, warnings: &mut Vec<Warning>) -> Result<Plan> {
    let checked_ns = now_ns();
    let mut manifest = Manifest::load(corpus, warnings)?;
    let mut skips = Vec::new();
    // The last walk's directories spare reading those that did not change,
    // unless it could not read some (they are reported again) or some
    // names were not Unicode.
    let trusted = |mtime: u64| !is_racy(mtime, record.checked_ns);
    let lossy = || {
        let replaced = |p: &String| p.contains('\u{FFFD}');
        record.files.keys().any(replaced) || record.dirs.keys().any(replaced)
    };
    let crate::corpus::Walk { files, dirs, .. } = if record.skips == 0 && !lossy() {
        let known = Known {
            dirs: &record.dirs,
            files: record.files.keys().map(String::as_str).collect(),
            trusted: &trusted,
        };
        rewalk(corpus, &known, &mut skips)?
    } else {
        walk(corpus, &mut skips)?
    };
    if files.is_empty() {
        return Err(Error::CorpusEmpty(corpus.to_path_buf()));
    }
    let known: std::collections::HashSet<&str> = files.iter().map(|f| f.rel.as_str()).collect();
    warn_unknown_entries(corpus, &manifest, |p| known.contains(p), warnings);
    if manifest.broken {
        // What the index has from the last good manifest stands.
        manifest.hash.clone_from(&record.manifest);
    }
    let entry_hash = |rel: &str| {
        if manifest.broken {
            UNREAD_MANIFEST.to_owned()
        } else {
            meta_hash(&manifest, rel)
        }
    };
    let mut plan = Plan {
        checked_ns,
        ..Plan::default()
    };
    // A record's time this close to its walk may hide a change: such
    // files are compared by content, and once they are no longer in doubt,
    // the new record says so.
    let doubted = |mtime: u64| is_racy(mtime, record.checked_ns);
    let settles = |mtime: u64| settles(mtime, record.checked_ns, checked_ns);
    plan.settled = record
        .dirs
        .iter()
        .any(|(rel, &mtime)| dirs.get(rel) == Some(&mtime) && settles(mtime));
    let mut seen = std::collections::HashSet::new();
    let manifest_same = manifest.hash == record.manifest;
    for file in files {
        seen.insert(file.rel.clone());
        let old = record.files.get(&file.rel);
        // Analysed while the manifest could not be read: its entry is due.
        let entry_due = !manifest.broken && old.is_some_and(|o| o.meta_hash == UNREAD_MANIFEST);
        let meta = if manifest_same && !entry_due {
            None
        } else {
            Some(entry_hash(&file.rel))
        };
        let Some(old) = old else {
            let meta_hash = meta.unwrap_or_else(|| entry_hash(&file.rel));
            plan.added.push(Candidate {
                file,
                hash: None,
                meta_hash,
            });
            continue;
        };
        let meta_hash = meta.unwrap_or_else(|| old.meta_hash.clone());
        let meta_same = meta_hash == old.meta_hash;
        let retry = old.hash == super::apply::MISSING_TOOL && tools_available();
        let same_time = old.mtime_ns == file.mtime_ns;
        if old.size == file.size && same_time && meta_same && !retry && !doubted(old.mtime_ns) {
            plan.unchanged.insert(file.rel.clone(), old.clone());
            continue;
        }
        let hash = if old.size == file.size {
            match hash_file(&file.abs) {
                Ok(hash) => Some(hash),
                Err(e) => {
                    warnings.push(Warning::general(format!("{e}; kept as indexed")).as_error());
                    plan.unchanged.insert(file.rel.clone(), old.clone());
                    continue;
                }
            }
        } else {
            None
        };
        if meta_same && hash.as_deref() == Some(old.hash.as_str()) {
            plan.settled |= same_time && settles(old.mtime_ns);
            let mut touched = old.clone();
            touched.mtime_ns = file.mtime_ns;
            plan.unchanged.insert(file.rel.clone(), touched);
            continue;
        }
        plan.changed.push(Candidate {
            file,
            hash,
            meta_hash: if manifest.broken {
                UNREAD_MANIFEST.to_owned()
            } else {
                meta_hash
            },
        });
    }
    let mut removed: Vec<(String, FileRecord)> = record
        .files
        .iter()
        .filter(|(rel, _)| !seen.contains(*rel))
        .map(|(rel, f)| (rel.clone(), f.clone()))
        .collect();

    // A new file with the content of a removed one is a rename.
    if !removed.is_empty() && !plan.added.is_empty() {
        let mut by_hash: HashMap<String, usize> = HashMap::new();
        for (i, (_, f)) in removed.iter().enumerate() {
            by_hash.insert(f.hash.clone(), i);
        }
        let sizes: std::collections::HashSet<u64> = removed.iter().map(|(_, f)| f.size).collect();
        let mut taken = vec![false; removed.len()];
        let mut still_added = Vec::new();
        for mut cand in std::mem::take(&mut plan.added) {
            if sizes.contains(&cand.file.size) {
                if let Ok(hash) = hash_file(&cand.file.abs) {
                    cand.hash = Some(hash.clone());
                    if let Some(&i) = by_hash.get(&hash) {
                        if !taken[i] {
                            taken[i] = true;
                            plan.renamed
                                .push((removed[i].0.clone(), removed[i].1.clone(), cand));
                            continue;
                        }
                    }
                }
            }
            still_added.push(cand);
        }
        plan.added = still_added;
        removed = removed
            .into_iter()
            .zip(taken)
            .filter(|(_, t)| !t)
            .map(|(r, _)| r)
            .collect();
    }
    plan.removed = removed;
    plan.manifest = manifest;
    plan.skips = skips;
    plan.dirs = dirs;
    Ok(plan)
}
