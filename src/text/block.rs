//! What the cleaner produces: blocks of text (headings, paragraphs, list
//! items, footnotes, captions) that remember their source lines.

use super::span::{line_range, Span};

/// What a block is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BlockKind {
    /// A section title.
    Heading,
    /// Running text.
    Paragraph,
    /// A list item.
    ListItem,
    /// A footnote.
    Footnote,
    /// A figure or table caption, with its legend.
    Caption,
}

impl BlockKind {
    /// Lowercase name, as stored in the index.
    pub fn name(self) -> &'static str {
        match self {
            BlockKind::Heading => "heading",
            BlockKind::Paragraph => "paragraph",
            BlockKind::ListItem => "list",
            BlockKind::Footnote => "footnote",
            BlockKind::Caption => "caption",
        }
    }
}

/// A cleaned block of text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    /// What it is.
    pub kind: BlockKind,
    /// The cleaned text, in the source's wording.
    pub text: String,
    /// Offsets back to source lines, in increasing offset order.
    pub spans: Vec<Span>,
}

impl Block {
    /// An empty block.
    pub(crate) fn new(kind: BlockKind) -> Self {
        Block {
            kind,
            text: String::new(),
            spans: Vec::new(),
        }
    }

    /// First and last source line of the bytes `start..end` of the text.
    pub fn line_range(&self, start: usize, end: usize) -> (u32, u32) {
        line_range(&self.spans, start, end)
    }

    /// Number of words.
    pub fn words(&self) -> usize {
        self.text.split_whitespace().count()
    }

    /// Appends a new line's text; `sep` is put between (a space when
    /// unwrapping, nothing when a broken word is joined).
    pub(crate) fn push_line(&mut self, sep: &str, text: &str, line: u32) {
        if !self.text.is_empty() {
            self.text.push_str(sep);
        }
        self.spans.push(Span {
            offset: self.text.len(),
            line,
        });
        self.text.push_str(text);
    }

    /// Whether the text ends a sentence.
    pub(crate) fn is_closed(&self) -> bool {
        self.text
            .trim_end()
            .ends_with(['.', '!', '?', '»', '"', '”', ')', ':', ';'])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_pushed_keep_their_source_line() {
        let mut block = Block::new(BlockKind::Paragraph);
        block.push_line(" ", "Le Conseil s’est", 4);
        block.push_line(" ", "réuni à Sotchi.", 5);
        assert_eq!(block.text, "Le Conseil s’est réuni à Sotchi.");
        assert_eq!(block.words(), 6);
        assert_eq!(block.line_range(0, 5), (4, 4));
        assert_eq!(block.line_range(0, block.text.len()), (4, 5));
        assert!(block.is_closed());
        block.push_line(" ", "Puis", 6);
        assert!(!block.is_closed());
    }
}
