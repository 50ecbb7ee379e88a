//! The record: what an index knows of the corpus it was built from (files,
//! their hashes and keys, the successors of changed passages), stored as
//! the payload of each tantivy commit, so that the index and its record can
//! never disagree: a commit writes both at once, an interrupted run neither.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::analysis::ANALYSIS_VERSION;
use crate::passage::PassageId;

/// Version of the index layout (schema, stored fields, ids). Bump it with
/// any change that makes an older index unreadable or wrong.
pub const FORMAT_VERSION: u32 = 2;

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

/// The record of an index: the payload of its last commit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// [`FORMAT_VERSION`] of the writer.
    pub format: u32,
    /// [`ANALYSIS_VERSION`] of the writer.
    pub analysis: u32,
    /// Files, by corpus-relative path.
    pub files: BTreeMap<String, FileRecord>,
    /// Hash of the manifest file, if there was one.
    pub manifest: Option<String>,
    /// Successors: ids of passages that changed or went away, each with
    /// the id of the closest passage of the new version of its document.
    #[serde(default, rename = "retired")]
    pub successors: BTreeMap<PassageId, PassageId>,
}

impl Default for Record {
    fn default() -> Self {
        Record {
            format: FORMAT_VERSION,
            analysis: ANALYSIS_VERSION,
            files: BTreeMap::new(),
            manifest: None,
            successors: BTreeMap::new(),
        }
    }
}

impl Record {
    /// Reads a payload; `None` when absent or unreadable.
    pub fn from_payload(payload: Option<&str>) -> Option<Record> {
        serde_json::from_str(payload?).ok()
    }

    /// Writes the payload.
    pub fn to_payload(&self) -> String {
        serde_json::to_string(self).expect("the state serialises")
    }

    /// Whether this build can read the index.
    pub fn is_compatible(&self) -> bool {
        self.format == FORMAT_VERSION && self.analysis == ANALYSIS_VERSION
    }

    /// Total passages.
    pub fn passages(&self) -> u64 {
        self.files.values().map(|f| u64::from(f.passages)).sum()
    }

    /// Documents in the index (files that could be read).
    pub fn documents(&self) -> usize {
        self.files.values().filter(|f| f.error.is_none()).count()
    }
}
