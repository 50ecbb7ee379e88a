//! From raw file text to clean, citable passages.

pub mod clean;
pub mod passage;

pub use clean::{clean, Block, BlockKind, Span};
pub use passage::{split, RawPassage, MAX_WORDS, MIN_WORDS};
