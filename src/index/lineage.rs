//! What became of a passage id. A passage keeps its id while its text
//! stays; when a document changes, each of its old ids that the new version
//! lacks is given a successor (the new passage sharing most words with it),
//! and when a document's key follows a renamed file, its old ids lead to
//! the new ones. The successors live in the [`Record`], so that they
//! survive rebuilds.

use std::collections::{BTreeMap, HashSet};

use super::{Record, SearchIndex};
use crate::corpus::SourceMeta;
use crate::error::Result;
use crate::ingest::Document;
use crate::passage::{Passage, PassageId};
use crate::text::similarity::closest;

/// Most successors remembered.
pub(super) const MAX_SUCCESSORS: usize = 20_000;

/// What the index says of a passage id.
#[derive(Debug)]
pub enum Lineage {
    /// The passage is in the index.
    Current(Box<(Passage, SourceMeta)>),
    /// Its text changed; this passage replaced it.
    Succeeded(PassageId),
    /// Its document is indexed, but not this passage (it changed before
    /// this index was built).
    Gone {
        /// The document's key.
        doc: String,
    },
    /// No document has the id's key.
    Unknown,
}

impl SearchIndex {
    /// What became of a passage id.
    pub fn resolve(&self, id: &PassageId) -> Result<Lineage> {
        if let Some(found) = self.passage(id)? {
            return Ok(Lineage::Current(Box::new(found)));
        }
        if let Some(successor) = self.successor(id) {
            return Ok(Lineage::Succeeded(successor));
        }
        if self.has_document(id.doc()) {
            return Ok(Lineage::Gone {
                doc: id.doc().to_owned(),
            });
        }
        Ok(Lineage::Unknown)
    }

    /// The current passage that replaced a passage id which no longer
    /// exists, when the index recorded one.
    pub fn successor(&self, id: &PassageId) -> Option<PassageId> {
        self.record()?.successor(id)
    }
}

/// Records, for each passage of the old version of a document that the new
/// version lacks, the new passage sharing most words with it.
pub(super) fn succeed(
    successors: &mut BTreeMap<PassageId, PassageId>,
    before: Vec<(Passage, SourceMeta)>,
    doc: &Document,
) {
    let current: HashSet<&PassageId> = doc.passages.iter().map(|p| &p.id).collect();
    for (old, _) in before {
        if current.contains(&old.id) {
            continue;
        }
        if let Some(best) = closest(&old.text, &doc.passages, |p| &p.text) {
            successors.insert(old.id, best.id.clone());
        }
    }
}

/// Gives stored passages the document key `doc`; each id that changes
/// leads from its old form to its new one.
pub(super) fn rekey(
    successors: &mut BTreeMap<PassageId, PassageId>,
    passages: Vec<(Passage, SourceMeta)>,
    doc: &str,
) -> Vec<Passage> {
    passages
        .into_iter()
        .map(|(mut p, _)| {
            let id = p.id.with_doc(doc);
            if id != p.id {
                successors.insert(std::mem::replace(&mut p.id, id.clone()), id);
            }
            p
        })
        .collect()
}

/// Forgets successors beyond what is remembered, the first in id order.
pub(super) fn bound(record: &mut Record) {
    let successors = &mut record.successors;
    if successors.len() > MAX_SUCCESSORS {
        let excess = successors.len() - MAX_SUCCESSORS;
        let drop: Vec<PassageId> = successors.keys().take(excess).cloned().collect();
        for id in drop {
            successors.remove(&id);
        }
    }
}
