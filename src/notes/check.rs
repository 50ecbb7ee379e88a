//! What became of each reference of a note: ok, quotation changed, stale
//! (with the passage that replaced it), unknown.

use super::diff::{quote_matches, word_diff};
use super::parse::references;
use crate::error::Result;
use crate::index::{Lineage, SearchIndex};
use crate::passage::{Passage, PassageId};
use crate::text::similarity::closest;

/// What became of one reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// The passage exists and the quotation (if any) is in it.
    Ok,
    /// The passage exists but the quotation is not in it.
    QuoteMismatch {
        /// Word diff from the quotation to the passage:
        /// `[-removed-]` and `{+added+}`.
        diff: String,
    },
    /// The document exists but the passage id does not (its text changed).
    Stale {
        /// The current passage that replaced it, if one is known.
        successor: Option<PassageId>,
    },
    /// No document has the id's key.
    Unknown,
}

/// One reference found in a note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    /// The passage id.
    pub id: PassageId,
    /// Line of the note it stands on, 1-based.
    pub line: usize,
    /// The attached quotation, if any.
    pub quote: Option<String>,
    /// The verdict.
    pub status: Status,
}

/// Checks every reference of a note against the index.
pub fn check(index: &SearchIndex, note: &str) -> Result<Vec<Reference>> {
    let mut out = Vec::new();
    for (id, line, quote) in references(note) {
        let id = PassageId::parse(&id);
        let status = match index.resolve(&id)? {
            Lineage::Current(found) => match &quote {
                Some(q) if !quote_matches(q, &found.0.text) => Status::QuoteMismatch {
                    diff: word_diff(q, &found.0.text),
                },
                _ => Status::Ok,
            },
            Lineage::Succeeded(successor) => Status::Stale {
                successor: Some(successor),
            },
            Lineage::Gone { doc } => {
                let passages: Vec<Passage> = index
                    .document_passages(&doc)?
                    .into_iter()
                    .map(|(p, _)| p)
                    .collect();
                Status::Stale {
                    successor: quote
                        .as_deref()
                        .and_then(|q| closest(q, &passages, |p| &p.text))
                        .map(|p| p.id.clone()),
                }
            }
            Lineage::Unknown => Status::Unknown,
        };
        out.push(Reference {
            id,
            line,
            quote,
            status,
        });
    }
    Ok(out)
}

/// One line describing a reference.
pub fn describe(id: &PassageId, status: &Status) -> String {
    let reference = id.reference();
    match status {
        Status::Ok => format!("ok {reference}"),
        Status::QuoteMismatch { diff } => {
            format!("quote no longer matches the source {reference}: {diff}")
        }
        Status::Stale {
            successor: Some(new),
        } => format!(
            "stale id {reference}: the passage changed; closest current passage: {}",
            new.reference()
        ),
        Status::Stale { successor: None } => {
            format!("stale id {reference}: the passage changed")
        }
        Status::Unknown => format!("unknown id {reference}: no document has this key"),
    }
}
