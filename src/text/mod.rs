//! From raw file text to clean, citable passages.
//!
//! * [`lines`], [`hyphenation`], [`footnotes`], [`markdown`]: what a line
//!   is, and how lines join;
//! * [`mod@clean`]: the cleaner, lines to [`Block`]s;
//! * [`passage`]: blocks to passages of citable size;
//! * [`span`]: offsets back to source lines, carried by blocks and passages;
//! * [`similarity`]: how alike two texts are (for ids whose text changed);
//! * [`prose`]: how much of a passage is prose rather than links or figures.
//!
//! Nothing here knows about files or metadata: the caller says which lines
//! are metadata ([`Metadata`]).

pub mod block;
pub mod clean;
pub mod footnotes;
pub mod hyphenation;
pub mod lines;
pub mod markdown;
pub mod passage;
pub mod prose;
pub mod similarity;
pub mod span;

pub use block::{Block, BlockKind};
pub use clean::clean;
pub use passage::{split, RawPassage, MAX_WORDS, MIN_WORDS};
pub use span::Span;

/// Which lines of a text are its metadata rather than its text, as the
/// corpus stage knows them.
pub struct Metadata<'a> {
    /// Lines at the top taken by a header (front matter), blanked.
    pub header_lines: usize,
    /// Whether a line states metadata (a publication line, a byline); such
    /// lines are dropped wherever they stand.
    pub is_metadata: &'a dyn Fn(&str) -> bool,
}

/// A text on one line: runs of white space (newlines included) become one
/// space, and none is left at either end.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
