//! The cleaner: from a file's lines to clean blocks (headings, paragraphs,
//! list items, footnotes, captions) that remember the source line of every
//! piece of their text.
//!
//! What is repaired:
//! * line-break hyphenation ([`hyphenation`](super::hyphenation));
//! * hard-wrapped lines are unwrapped into paragraphs, also across a page
//!   break (a paragraph left open that resumes with a lowercase letter after
//!   footnotes or a figure is joined again);
//! * page-break debris (page numbers, lone punctuation, `* * *`), running
//!   heads and feet ([`lines`](super::lines)), and the lines the caller
//!   knows to be metadata (front matter, publication lines, bylines) are
//!   dropped;
//! * footnotes ([`footnotes`]) and figure or table
//!   captions (`Figure 10`, `Tableau 2`, with their legend and `Sources :`
//!   lines) become blocks of their own;
//! * Markdown ([`markdown`](super::markdown)): headings kept as section
//!   titles, inline markup reduced to text.
//!
//! The wording itself is kept: quotes, apostrophes and spaces stay as they
//! are in the source; normalising them is the analyzers' job.

use std::collections::HashSet;

use super::block::{Block, BlockKind};
use super::hyphenation::{Join, Vocabulary};
use super::lines::{
    is_caption_start, is_credit, is_debris, is_figure_end, is_heading_like, is_numeric_row,
    is_page_start, is_title_over_text, list_item, running_heads,
};
use super::markdown::{clean_inline, heading};
use super::{footnotes, Metadata};

/// The state of the line-by-line cleaner.
struct Cleaner<'a> {
    vocab: std::cell::OnceCell<Vocabulary>,
    footnotes: HashSet<u32>,
    blocks: Vec<Block>,
    current: Option<Block>,
    /// Index in `blocks` of the last paragraph left open (no final
    /// punctuation), which text resuming in lowercase continues.
    open_paragraph: Option<usize>,
    /// The last block was a caption whose legend may go on.
    in_caption: bool,
    /// Where the block being continued was taken out of `blocks`.
    reinsert_at: Option<usize>,
    /// Index in `blocks` of the block flushed last.
    last_flushed: Option<usize>,
    lines: &'a [&'a str],
    is_metadata: &'a dyn Fn(&str) -> bool,
}

/// Cleans a document's text into blocks; `metadata` says which lines are
/// the document's metadata rather than its text.
pub fn clean(text: &str, metadata: &Metadata) -> Vec<Block> {
    let lines: Vec<&str> = text.lines().collect();
    let running = running_heads(&lines);
    let front = metadata.header_lines;
    let lines: Vec<&str> = lines
        .into_iter()
        .enumerate()
        .map(|(i, l)| {
            if i < front || running.contains(l.trim()) {
                ""
            } else {
                l
            }
        })
        .collect();
    let mut cleaner = Cleaner {
        vocab: std::cell::OnceCell::new(),
        footnotes: footnotes::calls(&lines),
        is_metadata: metadata.is_metadata,
        blocks: Vec::new(),
        current: None,
        open_paragraph: None,
        in_caption: false,
        reinsert_at: None,
        last_flushed: None,
        lines: &lines,
    };
    cleaner.run();
    cleaner.finish()
}

impl Cleaner<'_> {
    fn run(&mut self) {
        let mut start = 0;
        while start < self.lines.len() {
            if self.lines[start].trim().is_empty() {
                start += 1;
                continue;
            }
            let end = (start..self.lines.len())
                .find(|&i| self.lines[i].trim().is_empty())
                .unwrap_or(self.lines.len());
            let before = self.blocks.len();
            self.group(start, end);
            // A document's first lines, short and unpunctuated, are its title.
            if before == 0 && self.blocks.len() == 1 && end - start <= 3 {
                let block = &mut self.blocks[0];
                if block.kind == BlockKind::Paragraph && is_heading_like(&block.text) {
                    block.kind = BlockKind::Heading;
                    self.open_paragraph = None;
                }
            }
            start = end;
        }
        self.flush();
    }

    /// Handles lines `start..end`, a run of non-blank lines.
    fn group(&mut self, start: usize, end: usize) {
        let single = end - start == 1;
        for i in start..end {
            let raw = self.lines[i];
            let line_no = i as u32 + 1;
            let first_of_group = i == start;
            let last_of_group = i + 1 == end;
            let trimmed = raw.trim();

            if is_debris(trimmed) || (self.is_metadata)(trimmed) {
                continue;
            }
            if let Some(title) = heading(raw) {
                self.flush();
                self.in_caption = false;
                self.push_block(BlockKind::Heading, title, line_no);
                continue;
            }
            if first_of_group && is_title_over_text(self.lines, i, end) {
                self.flush();
                self.in_caption = false;
                self.push_block(BlockKind::Heading, trimmed, line_no);
                continue;
            }
            let page_start = is_page_start(raw);
            let closed = self.current.as_ref().is_none_or(|c| c.is_closed());
            if is_caption_start(raw) && (first_of_group || page_start || closed) {
                self.flush();
                self.in_caption = true;
                self.start(BlockKind::Caption, trimmed, line_no);
                continue;
            }
            if self.in_caption && first_of_group {
                if self.is_legend(start, end) {
                    self.continue_current_or_last(trimmed, line_no);
                    continue;
                }
                self.flush();
                self.in_caption = false;
            }
            if let Some(n) = footnotes::number(raw) {
                let in_footnotes = self.current_kind() == Some(BlockKind::Footnote);
                if self.footnotes.contains(&n) && (first_of_group || in_footnotes) {
                    self.flush();
                    self.start(BlockKind::Footnote, trimmed, line_no);
                    continue;
                }
            }
            if let Some(item) = list_item(raw) {
                self.flush();
                self.start(BlockKind::ListItem, item, line_no);
                continue;
            }
            // Text at the top of a page after a footnote or a figure starts
            // a block of its own, or resumes the paragraph left open.
            if page_start
                && matches!(
                    self.current_kind(),
                    Some(BlockKind::Footnote | BlockKind::Caption)
                )
            {
                self.flush();
                self.in_caption = false;
            }
            if self.current.is_some() {
                let cur = self.current.as_ref().expect("checked");
                // A heading at the top of a page, glued to the text above.
                if page_start
                    && last_of_group
                    && is_heading_like(trimmed)
                    && cur.kind != BlockKind::Caption
                {
                    self.flush();
                    self.push_block(BlockKind::Heading, trimmed, line_no);
                    continue;
                }
                // A new paragraph at the top of a page.
                if page_start && cur.kind == BlockKind::Paragraph && cur.is_closed() {
                    self.flush();
                    self.start(BlockKind::Paragraph, trimmed, line_no);
                    continue;
                }
                // The maker's credit closes a figure: what follows is text.
                let after_credit =
                    cur.kind == BlockKind::Caption && is_figure_end(self.lines[i - 1]);
                if after_credit {
                    self.flush();
                    self.in_caption = false;
                    self.start(BlockKind::Paragraph, trimmed, line_no);
                    continue;
                }
                self.append(trimmed, line_no);
                continue;
            }
            // First line of a new block.
            if single && is_heading_like(trimmed) && !is_credit(trimmed) {
                self.push_block(BlockKind::Heading, trimmed, line_no);
                continue;
            }
            if is_credit(trimmed) && single {
                continue;
            }
            let lowercase = trimmed.chars().next().is_some_and(char::is_lowercase);
            if lowercase && self.open_paragraph.is_some() {
                let idx = self.open_paragraph.take().expect("checked");
                self.current = Some(self.blocks.remove(idx));
                self.reinsert_at = Some(idx);
                self.append(trimmed, line_no);
                continue;
            }
            if !page_start && self.last_footnote_is_open() {
                self.current = self.blocks.pop();
                self.append(trimmed, line_no);
                continue;
            }
            self.start(BlockKind::Paragraph, trimmed, line_no);
        }
        self.flush();
    }

    fn current_kind(&self) -> Option<BlockKind> {
        self.current.as_ref().map(|b| b.kind)
    }

    fn last_footnote_is_open(&self) -> bool {
        self.last_flushed == Some(self.blocks.len().wrapping_sub(1))
            && self.blocks.last().is_some_and(|b| {
                b.kind == BlockKind::Footnote
                    && !b.text.trim_end().ends_with(['.', '!', '?', ')', '»'])
            })
    }

    /// Whether lines `start..end` read as the legend of a figure or table:
    /// short lines, numbers, a parenthesis, a `Sources :` credit.
    fn is_legend(&self, start: usize, end: usize) -> bool {
        if is_credit(self.lines[start]) {
            return true;
        }
        self.lines[start..end].iter().all(|l| {
            let t = l.trim();
            is_credit(t)
                || t.starts_with('(')
                || t.split_whitespace().count() <= 8
                || is_numeric_row(t)
        }) && !self.lines[start..end]
            .iter()
            .any(|l| footnotes::number(l).is_some_and(|n| self.footnotes.contains(&n)))
    }

    fn continue_current_or_last(&mut self, text: &str, line: u32) {
        if self.current.is_none() {
            self.current = self.blocks.pop();
        }
        self.append(text, line);
    }

    fn start(&mut self, kind: BlockKind, text: &str, line: u32) {
        let mut block = Block::new(kind);
        block.push_line("", &clean_inline(text.trim()), line);
        self.current = Some(block);
    }

    fn push_block(&mut self, kind: BlockKind, text: &str, line: u32) {
        self.flush();
        self.start(kind, text, line);
        self.flush();
    }

    fn append(&mut self, text: &str, line: u32) {
        let text = clean_inline(text);
        let join = match &self.current {
            // The vocabulary decides only at a line-end hyphen: it is
            // made the first time there is one.
            Some(cur) if cur.text.trim_end().ends_with('-') => self
                .vocab
                .get_or_init(|| Vocabulary::of(self.lines))
                .join(&cur.text, &text),
            Some(cur) => Vocabulary::default().join(&cur.text, &text),
            None => {
                self.start(BlockKind::Paragraph, &text, line);
                return;
            }
        };
        let cur = self.current.as_mut().expect("checked");
        let keep = cur.text.trim_end().len();
        cur.text.truncate(keep);
        match join {
            Join::Space => cur.push_line(" ", &text, line),
            Join::Glue => cur.push_line("", &text, line),
            Join::DropHyphen => {
                cur.text.pop();
                cur.push_line("", &text, line);
            }
        }
    }

    fn flush(&mut self) {
        let Some(mut block) = self.current.take() else {
            return;
        };
        let trimmed = block.text.trim_end().len();
        block.text.truncate(trimmed);
        if block.kind != BlockKind::Heading {
            footnotes::mark_calls(&mut block, &self.footnotes);
        }
        if block.text.is_empty() {
            return;
        }
        let open = block.kind == BlockKind::Paragraph && !block.is_closed();
        let idx = match self.reinsert_at.take() {
            Some(idx) => {
                self.blocks.insert(idx, block);
                idx
            }
            None => {
                self.blocks.push(block);
                self.blocks.len() - 1
            }
        };
        self.last_flushed = Some(idx);
        if open {
            self.open_paragraph = Some(idx);
        } else if self.blocks[idx].kind == BlockKind::Paragraph
            || self.blocks[idx].kind == BlockKind::Heading
            || self.blocks[idx].kind == BlockKind::ListItem
        {
            self.open_paragraph = None;
        }
    }

    fn finish(mut self) -> Vec<Block> {
        self.flush();
        // Web page chrome at the end: headings with no text after them and
        // short unpunctuated lines (`Tout`, `TF1 Info`, contact lines).
        while self.blocks.last().is_some_and(|b| {
            b.kind == BlockKind::Heading
                || (matches!(b.kind, BlockKind::Paragraph | BlockKind::ListItem)
                    && b.words() < 8
                    && !b.text.ends_with(['.', '!', '?', '»', '"', '”']))
        }) {
            self.blocks.pop();
        }
        self.blocks
    }
}

#[cfg(test)]
#[path = "clean_tests.rs"]
mod tests;
