//! The record: what an index knows of the corpus it was built from (files,
//! their hashes and keys, the directories and when they were walked, the
//! successors of changed passages). Each tantivy commit names its record
//! file in its payload ([`super::store`]), so that the index and its record
//! can never disagree: a commit makes both current at once, an interrupted
//! run neither.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::passage::PassageId;

/// Version of the index layout (schema, stored fields, ids). Bump it with
/// any change that makes an older index unreadable or wrong.
pub const FORMAT_VERSION: u32 = 3;

/// The state of one indexed source file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRecord {
    /// Size in bytes when indexed.
    pub size: u64,
    /// Modification time (ns since the epoch) when indexed.
    pub mtime_ns: u64,
    /// blake3 hash of the content.
    pub hash: String,
    /// Hash of the manifest entry that applied (empty: none).
    pub meta_hash: String,
    /// Document key its passages carry.
    #[serde(rename = "key")]
    pub doc: String,
    /// Number of passages.
    pub passages: u32,
    /// Why the file could not be indexed, when it could not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl FileRecord {
    /// What an interrupted update records of a file it had still to
    /// analyse: the file's record as it was, whose passages are still in
    /// the index, with a size no file has, so that it is analysed again
    /// first thing; or, when the index has nothing of it, only the key it
    /// is to keep (no passages, marked as not indexed).
    pub fn pending(old: Option<FileRecord>, kept_key: Option<&String>) -> Option<FileRecord> {
        let mut entry = match (old, kept_key) {
            (Some(old), _) => old,
            (None, Some(key)) => FileRecord {
                doc: key.clone(),
                hash: PENDING.into(),
                error: Some("not indexed yet: an update was interrupted".into()),
                ..FileRecord::default()
            },
            (None, None) => return None,
        };
        entry.size = u64::MAX;
        entry.mtime_ns = 0;
        // Its manifest entry is looked up again.
        entry.meta_hash = UNREAD_MANIFEST.into();
        Some(entry)
    }
}

/// The record of an index, as of its last commit.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Record {
    /// Files, by corpus-relative path.
    pub files: BTreeMap<String, FileRecord>,
    /// Hash of the manifest file, if there was one.
    pub manifest: Option<String>,
    /// Successors: ids of passages that changed or went away, each with
    /// the id of the closest passage of the new version of its document.
    pub successors: BTreeMap<PassageId, PassageId>,
    /// Directories of the corpus ("" is the corpus itself) and their
    /// modification times: while they stand, no file was added, removed
    /// or renamed in them.
    pub dirs: BTreeMap<String, u64>,
    /// When the corpus was walked for this record (ns since the epoch).
    pub checked_ns: u64,
    /// Files and directories the walk could not read: while there are
    /// some, every check walks, to report them.
    pub skips: u32,
}

/// The recorded hash of a file an interrupted rebuild had still to analyse
/// (only its key is known).
pub const PENDING: &str = "pending";

/// The manifest-entry hash of a file analysed while the manifest could not
/// be read (or not analysed yet): once it can, its entry is looked up.
pub const UNREAD_MANIFEST: &str = "unread";

/// How close to the walk a modification time must be for the record to
/// doubt it: a file or directory changed again within the same clock tick
/// as the walk saw it would keep its time. Ticks are milliseconds on local
/// file systems and up to two seconds on some others.
pub const RACY_NS: u64 = 3_000_000_000;

/// Whether a modification time recorded by a walk at `checked_ns` cannot
/// vouch for the content: the same time may hide a later change.
pub fn is_racy(mtime_ns: u64, checked_ns: u64) -> bool {
    mtime_ns.saturating_add(RACY_NS) >= checked_ns
}

/// Whether a time that a record walked at `recorded_ns` doubted is no
/// longer in doubt for a walk at `checked_ns`: once confirmed by content, a
/// new record can trust it.
pub fn settles(mtime_ns: u64, recorded_ns: u64, checked_ns: u64) -> bool {
    is_racy(mtime_ns, recorded_ns) && !is_racy(mtime_ns, checked_ns)
}

impl Record {
    /// Total passages.
    pub fn passages(&self) -> u64 {
        self.files.values().map(|f| u64::from(f.passages)).sum()
    }

    /// Documents in the index (files that could be read).
    pub fn documents(&self) -> usize {
        self.files.values().filter(|f| f.error.is_none()).count()
    }
}
