//! What became of each reference of a note: ok, quotation changed, stale
//! (with the passage that replaced it), unknown.

use super::diff::{quote_matches, word_diff};
use super::parse::references;
use crate::error::Result;
use crate::index::{Lineage, SearchIndex};
use crate::passage::PassageId;

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
    /// The passage changed, and the quotation still stands in the passage
    /// that replaced it: the reference should say so.
    Moved {
        /// The passage the quotation now stands in.
        to: PassageId,
    },
    /// The passage changed (the index recorded what replaced it), and the
    /// quotation, if any, is not in the new one.
    Stale {
        /// The current passage that replaced it.
        successor: PassageId,
    },
    /// The index never had this passage: no document has the id's key, or
    /// the document has no such passage.
    Unknown {
        /// Whether a document has the id's key.
        doc_known: bool,
        /// A passage of that document that the quotation stands in.
        quoted_in: Option<PassageId>,
    },
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
    for found in references(note) {
        let id = PassageId::parse(&found.id);
        let quote = found.quote;
        let status = match index.resolve(&id)? {
            Lineage::Current(current) => match &quote {
                Some(q) if !quote_matches(q, &current.0.text) => Status::QuoteMismatch {
                    diff: word_diff(q, &current.0.text),
                },
                _ => Status::Ok,
            },
            Lineage::Succeeded(successor) => {
                let still = match (&quote, index.passage(&successor)?) {
                    (Some(q), Some((p, _))) => quote_matches(q, &p.text),
                    _ => false,
                };
                if still {
                    Status::Moved { to: successor }
                } else {
                    Status::Stale { successor }
                }
            }
            Lineage::Gone { doc } => Status::Unknown {
                doc_known: true,
                quoted_in: match quote.as_deref() {
                    Some(q) => quoted_in(index, &doc, q)?,
                    None => None,
                },
            },
            Lineage::Unknown => Status::Unknown {
                doc_known: false,
                quoted_in: None,
            },
        };
        out.push(Reference {
            id,
            line: found.line,
            quote,
            status,
        });
    }
    Ok(out)
}

/// The passage of a document that a quotation stands in, if one does.
fn quoted_in(index: &SearchIndex, doc: &str, quote: &str) -> Result<Option<PassageId>> {
    Ok(index
        .document_passages(doc)?
        .into_iter()
        .find(|(p, _)| quote_matches(quote, &p.text))
        .map(|(p, _)| p.id))
}

/// One line describing a reference.
pub fn describe(id: &PassageId, status: &Status) -> String {
    let reference = id.reference();
    match status {
        Status::Ok => format!("ok {reference}"),
        Status::QuoteMismatch { diff } => {
            format!("quote no longer matches the source {reference}: {diff}")
        }
        Status::Moved { to } => format!(
            "moved {reference}: the passage changed; the quotation now stands in {}",
            to.reference()
        ),
        Status::Stale { successor } => format!(
            "stale id {reference}: the passage changed; closest current passage: {}",
            successor.reference()
        ),
        Status::Unknown {
            doc_known: false, ..
        } => format!("unknown id {reference}: no document has this key"),
        Status::Unknown {
            doc_known: true,
            quoted_in,
        } => {
            let mut line = format!(
                "unknown id {reference}: document {} has no such passage",
                id.doc()
            );
            if let Some(found) = quoted_in {
                line.push_str(&format!("; the quotation stands in {}", found.reference()));
            }
            line
        }
    }
}
