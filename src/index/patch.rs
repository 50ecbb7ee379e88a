//! An update of files edited in place, without a walk of the corpus or an
//! owned copy of its record. When the manifest and every directory stand,
//! so that no file was added, removed or renamed, and the quick check
//! found only a few recorded files in doubt ([`super::quick::edits`]),
//! those files are compared by content, the changed ones analysed and their
//! passages replaced, and the new record file is the last one with their
//! entries replaced ([`store::patch`]), committed as any other.
//!
//! Anything out of the ordinary — a file gone or unreadable, a document
//! key that would change, a file waiting for its manifest entry, for a tool
//! or for an interrupted update, a damaged record — is left to the general
//! path ([`super::plan`]), before anything is written.

use std::collections::BTreeMap;
use std::path::Path;

use super::apply::{Edits, Target, MISSING_TOOL};
use super::lineage::MAX_SUCCESSORS;
use super::plan::{hash_file, warn_unknown_entries, Candidate};
use super::record::{settles, FileRecord, PENDING, UNREAD_MANIFEST};
use super::store;
use super::update::{commit, UpdateReport};
use super::SearchIndex;
use crate::corpus::{mtime_ns, Manifest, SourceFile};
use crate::error::Result;
use crate::semantic::Encoder;

/// Most files in doubt that an update compares one by one; beyond, it
/// plans with a walk.
pub(super) const MOST_EDITS: usize = 64;

/// What came of an attempt at the patch path.
pub(super) enum Patched {
    /// Not for the patch path: nothing was written.
    NotApplicable,
    /// The files in doubt are as recorded: nothing to write.
    Unchanged,
    /// Committed; the name of the new record file.
    Committed(String),
}

/// How the patch writes: the writer it opens when there is something to
/// write, and the vectors new passages get.
pub(super) struct Writing<'a, 'e> {
    /// Opens the index writer (and clears what an interrupted update left).
    pub open_writer: &'a dyn Fn() -> Result<tantivy::IndexWriter>,
    /// The encoder that gives passages their vectors, if they get some.
    pub encoder: Option<&'e Encoder<'e>>,
    /// Its model's id, recorded with the commit.
    pub model_id: Option<&'a str>,
    /// Whether the index's vectors are the encoder's.
    pub reuse_vectors: bool,
}

/// Applies the edits of the files at places `edits` of the index's record,
/// as the corpus was found at `checked_ns` (before the check that found
/// them began).
pub(super) fn patch(
    corpus: &Path,
    index: &SearchIndex,
    edits: &[usize],
    checked_ns: u64,
    writing: Writing<'_, '_>,
    report: &mut UpdateReport,
) -> Result<Patched> {
    let Some(view) = index.record() else {
        return Ok(Patched::NotApplicable);
    };
    let mut warnings = Vec::new();
    let manifest = Manifest::load(corpus, &mut warnings)?;
    if manifest.broken || manifest.hash.as_deref() != view.manifest() || view.verify().is_err() {
        return Ok(Patched::NotApplicable);
    }
    // Each file in doubt: the same content (its new time recorded), or
    // changed (to analyse).
    let mut entries: BTreeMap<String, FileRecord> = BTreeMap::new();
    let mut settled = false;
    let mut changed = Vec::new();
    for &i in edits {
        let old = view.file(i);
        let waiting = [PENDING, MISSING_TOOL].contains(&old.hash);
        if old.error.is_some() || waiting || old.meta_hash == UNREAD_MANIFEST {
            return Ok(Patched::NotApplicable);
        }
        let abs = corpus.join(old.path);
        let meta = match std::fs::metadata(&abs) {
            Ok(meta) if meta.is_file() => meta,
            _ => return Ok(Patched::NotApplicable),
        };
        let file = SourceFile {
            rel: old.path.to_owned(),
            abs,
            size: meta.len(),
            mtime_ns: mtime_ns(&meta),
        };
        let hash = if file.size == old.size {
            match hash_file(&file.abs) {
                Ok(hash) => Some(hash),
                Err(_) => return Ok(Patched::NotApplicable),
            }
        } else {
            None
        };
        if hash.as_deref() == Some(old.hash) {
            if file.mtime_ns == old.mtime_ns {
                // A time the record doubted, confirmed.
                settled |= settles(old.mtime_ns, view.checked_ns(), checked_ns);
            } else {
                let mut touched = old.to_owned();
                touched.mtime_ns = file.mtime_ns;
                entries.insert(file.rel, touched);
            }
            continue;
        }
        let meta_hash = old.meta_hash.to_owned();
        let candidate = Candidate {
            file,
            hash,
            meta_hash,
        };
        changed.push((candidate, old.to_owned()));
    }
    if changed.is_empty() && entries.is_empty() && !settled {
        return Ok(Patched::Unchanged);
    }
    let edited = if changed.is_empty() {
        None
    } else {
        match Edits::analyse(index, changed, &manifest) {
            Some(edited) => Some(edited),
            None => return Ok(Patched::NotApplicable),
        }
    };
    // As the general path does, the manifest's warnings are said again.
    report.warnings.append(&mut warnings);
    let known = |path: &str| view.get(path).is_some();
    warn_unknown_entries(corpus, &manifest, known, &mut report.warnings);
    let mut writer = (writing.open_writer)()?;
    let mut successors = BTreeMap::new();
    if let Some(edited) = edited {
        let target = Target {
            index,
            writer: &mut writer,
            checkpoint_bytes: u64::MAX,
            encoder: writing.encoder,
            model_id: writing.model_id,
            reuse_vectors: writing.reuse_vectors,
        };
        let (files, new) = edited.write(target, report)?;
        entries.extend(files);
        successors = new;
    }
    let bytes = store::patch(view, &entries, &successors, MAX_SUCCESSORS, checked_ns);
    let name = commit(&mut writer, index.dir(), &bytes, writing.model_id)?;
    writer.wait_merging_threads()?;
    report.unchanged = view.documents() - report.changed;
    Ok(Patched::Committed(name))
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime};

    use super::*;
    use crate::index::quick::{edits, Found};
    use crate::index::update::{update, update_after, NoProgress, UpdateOptions};

    /// A time long past, the same for every corpus.
    fn long_ago() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000)
    }

    fn set_time(path: &Path, time: SystemTime) {
        let file = if path.is_dir() {
            std::fs::File::open(path)
        } else {
            std::fs::File::options().write(true).open(path)
        };
        file.unwrap().set_modified(time).unwrap();
    }

    /// A corpus of three documents in two directories, left alone long
    /// ago, and its index.
    fn indexed() -> (tempfile::TempDir, SearchIndex) {
        let dir = tempfile::tempdir().unwrap();
        let corpus = dir.path().join("corpus");
        std::fs::create_dir_all(corpus.join("notes")).unwrap();
        let texts = [
            ("traite.md", "# Traité\n\nLe traité de Washington fonde l'Alliance.\n\nSon article 5 engage chaque membre."),
            ("notes/sanctions.md", "# Sanctions\n\nLes sanctions économiques contre la Russie.\n\nElles visent les banques."),
            ("notes/bouclier.txt", "Le bouclier antimissile en Europe.\n\nIl inquiète Moscou."),
        ];
        for (rel, text) in texts {
            std::fs::write(corpus.join(rel), text).unwrap();
            set_time(&corpus.join(rel), long_ago());
        }
        set_time(&corpus.join("notes"), long_ago());
        set_time(&corpus, long_ago());
        let options = UpdateOptions::default();
        let (index, _) = update(&corpus, &dir.path().join("index"), &options, &NoProgress).unwrap();
        (dir, index)
    }

    #[test]
    fn an_edit_in_place_leaves_what_a_walk_would_have_left() {
        let (patched_dir, patched) = indexed();
        let (walked_dir, walked) = indexed();
        let edit = "# Sanctions\n\nLes sanctions économiques contre la Russie.\n\nElles visent aussi le gaz.";
        let mut results = Vec::new();
        for (dir, index, walk) in [(&patched_dir, patched, false), (&walked_dir, walked, true)] {
            let corpus = dir.path().join("corpus");
            std::fs::write(corpus.join("notes/sanctions.md"), edit).unwrap();
            set_time(
                &corpus.join("notes/sanctions.md"),
                long_ago() + Duration::from_secs(30),
            );
            if walk {
                // A directory that changed: the quick check cannot tell
                // what did, and the update plans with a walk.
                set_time(&corpus.join("notes"), long_ago() + Duration::from_secs(60));
            }
            let found = edits(&corpus, index.record().unwrap(), MOST_EDITS);
            assert_eq!(found.map(|f| f.files.len()), (!walk).then_some(1));
            drop(index);
            let options = UpdateOptions::default();
            let (index, report) =
                update(&corpus, &dir.path().join("index"), &options, &NoProgress).unwrap();
            assert_eq!((report.changed, report.unchanged), (1, 2), "{report:?}");
            assert!(report.committed);
            let record = index.record().unwrap().to_record().unwrap();
            let passages: Vec<String> = index
                .document_passages("notes-sanctions")
                .unwrap()
                .into_iter()
                .map(|(p, _)| p.text)
                .collect();
            results.push((record, passages, report.passages));
        }
        let (patched, walked) = (&results[0], &results[1]);
        assert_eq!(patched.0.files, walked.0.files);
        assert_eq!(patched.0.successors, walked.0.successors);
        assert_eq!(
            patched.0.successors.len(),
            1,
            "the changed passage leads on"
        );
        assert_eq!(patched.1, walked.1);
        assert!(patched.1.iter().any(|text| text.contains("gaz")));
        assert_eq!(patched.2, walked.2);
    }

    #[test]
    fn what_a_check_of_another_record_found_is_checked_again() {
        let (dir, index) = indexed();
        let corpus = dir.path().join("corpus");
        let found = edits(&corpus, index.record().unwrap(), MOST_EDITS).unwrap();
        assert!(found.files.is_empty(), "in step");
        std::fs::write(
            corpus.join("traite.md"),
            "# Traité\n\nLe traité de Lisbonne.",
        )
        .unwrap();
        drop(index);
        let index_dir = dir.path().join("index");
        let options = UpdateOptions::default();
        // A check of another record (another process committed since):
        // its word is not taken.
        let stale = Found {
            record: Some("record-0000000000000000.bin".into()),
            ..found.clone()
        };
        let (_, report) =
            update_after(&corpus, &index_dir, &options, &NoProgress, Some(stale)).unwrap();
        assert_eq!(report.changed, 1, "{report:?}");
        // Of the same record, it is taken: an edit made after the check
        // is left to the next one.
        let (index, _) = update(&corpus, &index_dir, &options, &NoProgress).unwrap();
        let checked = Found {
            record: index.record().unwrap().name().map(str::to_owned),
            checked_ns: crate::index::plan::now_ns(),
            files: Vec::new(),
        };
        std::fs::write(
            corpus.join("traite.md"),
            "# Traité\n\nLe traité de Maastricht.",
        )
        .unwrap();
        drop(index);
        let (_, report) =
            update_after(&corpus, &index_dir, &options, &NoProgress, Some(checked)).unwrap();
        assert_eq!(report.changed, 0, "{report:?}");
        let (_, report) = update(&corpus, &index_dir, &options, &NoProgress).unwrap();
        assert_eq!(report.changed, 1, "{report:?}");
    }

    #[test]
    fn what_an_edit_in_place_cannot_settle_is_left_to_the_walk() {
        let (dir, index) = indexed();
        let corpus = dir.path().join("corpus");
        // No longer text: the file is reported and skipped, what the index
        // had of it kept.
        std::fs::write(
            corpus.join("notes/bouclier.txt"),
            [0u8, 159, 146, 150, 0, 0, 1],
        )
        .unwrap();
        let found = edits(&corpus, index.record().unwrap(), MOST_EDITS).unwrap();
        let mut report = UpdateReport::default();
        let never = || -> Result<tantivy::IndexWriter> { panic!("nothing is written") };
        let writing = Writing {
            open_writer: &never,
            encoder: None,
            model_id: None,
            reuse_vectors: false,
        };
        let patched = patch(&corpus, &index, &found.files, 0, writing, &mut report).unwrap();
        assert!(matches!(patched, Patched::NotApplicable));
        drop(index);
        let options = UpdateOptions::default();
        let (_, report) =
            update(&corpus, &dir.path().join("index"), &options, &NoProgress).unwrap();
        assert_eq!(report.failed, 1, "{report:?}");
    }
}
