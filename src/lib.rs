//! nrel-search: a local search engine for a bilingual (French/English)
//! corpus of research sources.
//!
//! The data flows through the modules in this order:
//!
//! * [`corpus`]: find the source files, decode them, read the manifest
//!   (`sources.toml`) and what the texts say of themselves;
//! * [`text`]: repair extraction damage and cut the text into passages that
//!   remember their source lines;
//! * [`lang`]: French or English, per passage;
//! * [`ingest`]: one file, read and prepared: [`Passage`]s with stable
//!   [`PassageId`]s;
//! * [`analysis`]: the per-language analyzers (elision, stop words, accent
//!   folding, Snowball stemming);
//! * [`index`]: the tantivy index, built and updated incrementally;
//! * [`semantic`]: a multilingual sentence encoder, passage vectors and
//!   their nearest-neighbour scan;
//! * [`translate`]: a query's words in the other language (glossary,
//!   dictionaries, cognates);
//! * [`search`]: queries, filters, ranking and snippets;
//! * [`output`] and [`notes`]: printing hits and citations, checking notes;
//! * [`serve`]: the local web page and its JSON API.
//!
//! [`fingerprint`] hashes contents; [`mapped`] maps files that are only
//! ever replaced; [`error`] is the library's error type.
//!
//! # Example
//!
//! ```
//! use nrel_search::index::{update, NoProgress, UpdateOptions};
//! use nrel_search::search::{search, SearchOptions};
//!
//! # fn main() -> nrel_search::Result<()> {
//! let dir = tempfile::tempdir().unwrap();
//! let corpus = dir.path().join("corpus");
//! std::fs::create_dir(&corpus).unwrap();
//! std::fs::write(
//!     corpus.join("note.txt"),
//!     "Le Conseil OTAN-Russie s’est réuni à Sotchi le 4 juillet 2011.",
//! )
//! .unwrap();
//!
//! let (index, report) = update(&corpus, &dir.path().join("index"), &UpdateOptions::default(), &NoProgress)?;
//! assert_eq!(report.documents, 1);
//!
//! let options = SearchOptions { query: "conseil otan-russie sotchi".into(), limit: 5, ..Default::default() };
//! let results = search(&index, &options)?;
//! let hit = &results.hits[0];
//! assert_eq!(hit.passage.id.doc(), "note");
//! assert_eq!((hit.passage.line_start, hit.meta.path.as_str()), (1, "note.txt"));
//! # Ok(())
//! # }
//! ```

#![warn(missing_docs)]

pub mod analysis;
pub mod corpus;
pub mod error;
pub mod fingerprint;
pub mod index;
pub mod ingest;
pub mod lang;
pub mod mapped;
pub mod notes;
pub mod output;
pub mod passage;
pub mod search;
pub mod semantic;
pub mod serve;
pub mod text;
pub mod translate;

pub use error::{Error, Result, Warning};
pub use passage::{Passage, PassageId};
