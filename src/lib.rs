//! nrel-search: a local search engine for a bilingual (French/English)
//! corpus of research sources.
pub mod analysis;
pub mod corpus;
pub mod document;
pub mod error;
pub mod index;
pub mod lang;
pub mod notes;
pub mod output;
pub mod search;
pub mod text;

pub use error::{Error, Result, Warning};
