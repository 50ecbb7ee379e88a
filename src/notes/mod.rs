//! Checking research notes against the corpus: every `[nrel:ID]`
//! reference, and the quotation attached to it, is looked up again.
//!
//! * [`parse`]: the references of a note and their quotations;
//! * [`mod@check`]: each reference resolved in the index, its quotation compared;
//! * [`diff`]: whether a quotation stands in a passage, and a word diff.

pub mod check;
pub mod diff;
pub mod parse;

pub use check::{check, describe, Reference, Status};
