//! What can be read of the record of an index that must be rebuilt (built
//! by another version, or with another analysis): which file had which
//! document key, and the successors of changed passages. A rebuild gives
//! the files their keys back and keeps the successors, so that the ids
//! cited in notes still resolve after an upgrade.

use std::path::Path;

use serde_json::Value;

use super::record::{FileRecord, Record};
use super::store::RecordView;
use crate::passage::PassageId;

/// The keys and successors of the index in `dir`, as far as they can be
/// read; `None` when nothing can.
pub fn record(dir: &Path) -> Option<Record> {
    let meta: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join(super::META_FILE)).ok()?).ok()?;
    let payload: Value = serde_json::from_str(meta.get("payload")?.as_str()?).ok()?;
    // A record file (format 3 on).
    if let Some(name) = payload.get("record").and_then(Value::as_str) {
        return RecordView::open(&dir.join(name)).ok()?.to_record().ok();
    }
    // Format 2: the record was the payload, in JSON.
    let mut record = Record::default();
    for (path, file) in payload.get("files")?.as_object()? {
        let doc = file.get("key").and_then(Value::as_str).unwrap_or_default();
        let entry = FileRecord {
            doc: doc.to_owned(),
            ..FileRecord::default()
        };
        record.files.insert(path.clone(), entry);
    }
    if let Some(retired) = payload.get("retired").and_then(Value::as_object) {
        for (old, new) in retired {
            if let Some(new) = new.as_str() {
                record
                    .successors
                    .insert(PassageId::parse(old), PassageId::parse(new));
            }
        }
    }
    Some(record)
}

/// The record an upgrade commits before it rebuilds: each salvaged file
/// pending with its key, and the successors.
pub fn pending(old: &Record) -> Record {
    Record {
        files: old
            .files
            .iter()
            .filter(|(_, f)| !f.doc.is_empty())
            .filter_map(|(rel, f)| Some((rel.clone(), FileRecord::pending(None, Some(&f.doc))?)))
            .collect(),
        successors: old.successors.clone(),
        ..Record::default()
    }
}
