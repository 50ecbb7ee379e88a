//! Repairing extraction damage: from a file's lines to clean blocks
//! (headings, paragraphs, list items, footnotes, captions) that remember the
//! source line of every piece of their text.
//!
//! What is repaired:
//! * line-break hyphenation (`con-` / `tre` → `contre`), while real hyphens
//!   stay (`russo-` / `géorgienne` → `russo-géorgienne`, `États-` / `Unis`).
//!   The document's own vocabulary decides: the joined word written
//!   elsewhere in it means a broken word, the hyphenated compound written
//!   elsewhere means a real hyphen; a capital after the break or a
//!   combining prefix (`euro-`, `russo-`) keeps the hyphen; otherwise the
//!   word is joined, as line-end hyphens in typeset text mostly are;
//! * hard-wrapped lines are unwrapped into paragraphs, also across a page
//!   break (a paragraph left open that resumes with a lowercase letter after
//!   footnotes or a figure is joined again);
//! * page-break debris (page numbers, lone punctuation, `* * *`),
//!   publication lines and bylines (they are metadata) are dropped;
//! * footnotes (`3 R. N. Mc Dermott…`, numbered as referenced in the text)
//!   and figure or table captions (`Figure 10`, `Tableau 2`, with their
//!   legend and `Sources :` lines) become blocks of their own; footnote calls
//!   glued to a word (`militaire1.`) are written `militaire[1].`;
//! * Markdown: `[text](url)` → text, heading, list, quote and emphasis
//!   markers dropped, headings kept as section titles.
//!
//! The wording itself is kept: quotes, apostrophes and spaces stay as they
//! are in the source; normalising them is the analyzers' job.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use regex::Regex;

use crate::corpus::meta::{is_byline, is_dateline};

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

/// Where a piece of a text comes from: from byte `offset` of the text on,
/// the text is from source line `line` (1-based).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Span {
    /// Byte offset in the block's text.
    pub offset: usize,
    /// Line number in the source file, 1-based.
    pub line: u32,
}

/// The source line of the byte at `offset` of a text mapped by `spans`.
pub fn line_at(spans: &[Span], offset: usize) -> u32 {
    let i = spans.partition_point(|s| s.offset <= offset);
    spans.get(i.saturating_sub(1)).map_or(0, |s| s.line)
}

/// First and last source line of the bytes `start..end` of a text mapped by
/// `spans`.
pub fn line_range(spans: &[Span], start: usize, end: usize) -> (u32, u32) {
    let first = line_at(spans, start);
    let last = spans
        .iter()
        .filter(|s| s.offset >= start && s.offset < end.max(start + 1))
        .map(|s| s.line)
        .max()
        .unwrap_or(first);
    (first, last.max(first))
}

/// The spans of the bytes `start..end`, rebased to start at 0.
pub fn sub_spans(spans: &[Span], start: usize, end: usize) -> Vec<Span> {
    let mut out = vec![Span {
        offset: 0,
        line: line_at(spans, start),
    }];
    out.extend(
        spans
            .iter()
            .filter(|s| s.offset > start && s.offset < end)
            .map(|s| Span {
                offset: s.offset - start,
                line: s.line,
            }),
    );
    out
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
    fn new(kind: BlockKind) -> Self {
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
    fn push_line(&mut self, sep: &str, text: &str, line: u32) {
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
    fn is_closed(&self) -> bool {
        self.text
            .trim_end()
            .ends_with(['.', '!', '?', '»', '"', '”', ')', ':', ';'])
    }
}

static MD_HEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$").expect("valid regex"));
static LIST_ITEM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(?:[-*+•▪◦]|\d{1,3}[.)])\s+(\S.*)$").expect("valid regex"));
static MD_LINK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"!?\[([^\]]*)\]\([^)\s]*(?:\s+[^)]*)?\)").expect("valid regex"));
static MD_EMPHASIS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\*\*|__)(\S(?:.*?\S)?)(\*\*|__)|(^|[\s(])[*_](\S(?:[^*_]*?\S)?)[*_]([\s.,;:!?)]|$)|`([^`]+)`")
        .expect("valid regex")
});
static FOOTNOTE_START: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(\d{1,3})\s+(\S.*)$").expect("valid regex"));
static FOOTNOTE_CALL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"([a-zß-öø-ÿœ»)])(\d{1,3})([.,;:)–]|\s|$)").expect("valid regex"));
static CAPTION_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^\s*(?:Figure|Fig\.|Tableau|Table|Graphique|Carte|Encadré|Photo|Illustration)\s+\d+\b",
    )
    .expect("valid regex")
});
static CREDIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^\s*(?:Sources?|Réalisation|Crédits?|Photo|Lire aussi|Voir aussi|À lire aussi)\s*:",
    )
    .expect("valid regex")
});
static PAGE_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:page|p\.)\s*\d+(?:\s*(?:/|sur|of|de)\s*\d+)?$|^[-–—]\s*\d+\s*[-–—]$")
        .expect("valid regex")
});
static FIGURE_END: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:Réalisation|Crédits?|Photo|Infographie)\s*:").expect("valid regex")
});
static WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-zÀ-ÖØ-öø-ÿŒœ]+(?:-[A-Za-zÀ-ÖØ-öø-ÿŒœ]+)*").expect("valid regex")
});

/// A short line found this many times in a document is a running head or
/// foot, not text.
const RUNNING_HEAD_REPEATS: usize = 3;

/// Prefixes that combine with a hyphen (`euro-atlantique`, `russo-géorgien`).
const HYPHEN_PREFIXES: [&str; 8] = ["ex", "non", "post", "pré", "anti", "néo", "vice", "mi"];

/// The words and hyphenated compounds a document uses away from line ends.
struct Vocabulary {
    words: HashSet<String>,
    compounds: HashSet<String>,
}

impl Vocabulary {
    fn of(lines: &[&str]) -> Self {
        let mut words = HashSet::new();
        let mut compounds = HashSet::new();
        for line in lines {
            let body = line.trim_end();
            // A word cut at the line end is not evidence of anything.
            let body = if body.ends_with('-') {
                body.rsplit_once(char::is_whitespace).map_or("", |(b, _)| b)
            } else {
                body
            };
            for m in WORD.find_iter(body) {
                let w = m.as_str().to_lowercase();
                if w.contains('-') {
                    for part in w.split('-') {
                        words.insert(part.to_owned());
                    }
                    compounds.insert(w);
                } else {
                    words.insert(w);
                }
            }
        }
        Vocabulary { words, compounds }
    }

    /// Whether `left-` at a line end followed by `right` is a broken word
    /// (to be joined) rather than a real hyphen.
    fn is_broken_word(&self, left: &str, right: &str) -> bool {
        if right.chars().next().is_some_and(char::is_uppercase) {
            return false;
        }
        let (l, r) = (left.to_lowercase(), right.to_lowercase());
        let joined = format!("{l}{r}");
        if self.words.contains(&joined) {
            return true;
        }
        if self.compounds.contains(&format!("{l}-{r}")) {
            return false;
        }
        let combining =
            HYPHEN_PREFIXES.contains(&l.as_str()) || (l.chars().count() >= 4 && l.ends_with('o'));
        !combining
    }
}

/// How a wrapped line joins the text before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Join {
    /// Unwrapped with a space.
    Space,
    /// Glued as is (a real hyphen, a wrapped URL).
    Glue,
    /// A broken word: the hyphen goes, the halves are glued.
    DropHyphen,
}

/// The state of the line-by-line cleaner.
struct Cleaner<'a> {
    vocab: Vocabulary,
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
}

/// Cleans a document's text into blocks.
pub fn clean(text: &str) -> Vec<Block> {
    let lines: Vec<&str> = text.lines().collect();
    // Running heads and feet: short lines repeated on page after page.
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for line in &lines {
        let t = line.trim();
        if !t.is_empty() && t.chars().count() <= 80 {
            *counts.entry(t).or_default() += 1;
        }
    }
    let running: HashSet<&str> = counts
        .into_iter()
        .filter(|(line, n)| *n >= RUNNING_HEAD_REPEATS && !line.ends_with(['.', ':', ';']))
        .map(|(line, _)| line)
        .collect();
    // Front matter is metadata, read elsewhere.
    let front = crate::corpus::front_matter::parse(text).map_or(0, |f| f.lines);
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
        vocab: Vocabulary::of(&lines),
        footnotes: footnote_calls(&lines),
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

/// The numbers glued after a word (`militaire1.`) that a footnote line
/// (`1 M. Galeotti…`) also starts with.
fn footnote_calls(lines: &[&str]) -> HashSet<u32> {
    let called: HashSet<u32> = lines
        .iter()
        .flat_map(|l| FOOTNOTE_CALL.captures_iter(l))
        .filter_map(|c| c[2].parse().ok())
        .collect();
    lines
        .iter()
        .filter_map(|l| FOOTNOTE_START.captures(l))
        .filter_map(|c| c[1].parse().ok())
        .filter(|n| called.contains(n))
        .collect()
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

            if is_debris(trimmed) || is_dateline(trimmed) || is_byline(trimmed) {
                continue;
            }
            if let Some(caps) = MD_HEADING.captures(raw) {
                self.flush();
                self.in_caption = false;
                self.push_block(BlockKind::Heading, &caps[2], line_no);
                continue;
            }
            // pdftotext marks a page with a form feed; some extractions
            // with a leading space.
            let page_start =
                raw.starts_with('\x0C') || (raw.starts_with(' ') && !raw.starts_with("    "));
            let closed = self.current.as_ref().is_none_or(|c| c.is_closed());
            if CAPTION_START.is_match(raw) && (first_of_group || page_start || closed) {
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
            if let Some(caps) = FOOTNOTE_START.captures(raw) {
                let n: u32 = caps[1].parse().unwrap_or(0);
                let in_footnotes = self.current_kind() == Some(BlockKind::Footnote);
                if self.footnotes.contains(&n) && (first_of_group || in_footnotes) {
                    self.flush();
                    self.start(BlockKind::Footnote, trimmed, line_no);
                    continue;
                }
            }
            if let Some(caps) = LIST_ITEM.captures(raw) {
                self.flush();
                self.start(BlockKind::ListItem, &caps[1], line_no);
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
                    cur.kind == BlockKind::Caption && FIGURE_END.is_match(self.lines[i - 1]);
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
            if single && is_heading_like(trimmed) && !CREDIT.is_match(trimmed) {
                self.push_block(BlockKind::Heading, trimmed, line_no);
                continue;
            }
            if CREDIT.is_match(trimmed) && single {
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
        if CREDIT.is_match(self.lines[start]) {
            return true;
        }
        self.lines[start..end].iter().all(|l| {
            let t = l.trim();
            CREDIT.is_match(t)
                || t.starts_with('(')
                || t.split_whitespace().count() <= 8
                || is_numeric_row(t)
        }) && !self.lines[start..end].iter().any(|l| {
            FOOTNOTE_START
                .captures(l)
                .is_some_and(|c| c[1].parse().is_ok_and(|n: u32| self.footnotes.contains(&n)))
        })
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

    /// How the next line's text joins the current text.
    fn join(&self, current: &str, next: &str) -> Join {
        let cur = current.trim_end();
        let last_token = cur.rsplit(char::is_whitespace).next().unwrap_or("");
        if (last_token.contains("://") || last_token.starts_with("www."))
            && cur.ends_with(['/', '-', '.', '_'])
        {
            // A URL wrapped at a slash or hyphen goes on without a space.
            return Join::Glue;
        }
        if let Some(left) = cur.strip_suffix('-') {
            let left_word: String = left
                .chars()
                .rev()
                .take_while(|c| c.is_alphabetic())
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            let right_word: String = next.chars().take_while(|c| c.is_alphabetic()).collect();
            if !left_word.is_empty() && !right_word.is_empty() {
                return if self.vocab.is_broken_word(&left_word, &right_word) {
                    Join::DropHyphen
                } else {
                    Join::Glue
                };
            }
        }
        Join::Space
    }

    fn append(&mut self, text: &str, line: u32) {
        let text = clean_inline(text);
        let join = match &self.current {
            Some(cur) => self.join(&cur.text, &text),
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
            mark_footnote_calls(&mut block, &self.footnotes);
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

/// Lines that carry no text: page numbers, lone punctuation, `* * *`,
/// empty bullets.
fn is_debris(line: &str) -> bool {
    (!line.chars().any(char::is_alphabetic)
        && (line.chars().all(|c| !c.is_alphanumeric()) || line.chars().count() <= 4))
        || PAGE_NUMBER.is_match(line)
}

/// Mostly numbers: a table row.
fn is_numeric_row(line: &str) -> bool {
    let tokens: Vec<&str> = line.split_whitespace().collect();
    let numbers = tokens
        .iter()
        .filter(|t| t.chars().next().is_some_and(|c| c.is_ascii_digit()))
        .count();
    numbers >= 1 && numbers * 2 >= tokens.len()
}

/// A short line that reads as a title: a capital first, no final
/// punctuation but a question mark, a few words.
pub fn is_heading_like(line: &str) -> bool {
    let words = line.split_whitespace().count();
    let first = line.chars().next();
    first.is_some_and(|c| c.is_uppercase() || c == '«')
        && (1..=16).contains(&words)
        && line.chars().count() <= 110
        && !line.ends_with(['.', ',', ';', ':', '-', '–'])
        && line.chars().filter(|c| c.is_alphabetic()).count() >= 3
        && !is_numeric_row(line)
}

/// Removes Markdown inline markup: links keep their text, emphasis and code
/// markers go.
pub fn clean_inline(text: &str) -> String {
    if !text.contains(['[', '*', '_', '`']) {
        return text.to_owned();
    }
    let text = MD_LINK.replace_all(text, "$1");
    let text = MD_EMPHASIS.replace_all(&text, "$2$4$5$6$7");
    text.into_owned()
}

/// Writes footnote calls glued to a word as `word[1]`, fixing the spans.
fn mark_footnote_calls(block: &mut Block, footnotes: &HashSet<u32>) {
    if footnotes.is_empty() || block.kind == BlockKind::Footnote {
        return;
    }
    let mut out = String::with_capacity(block.text.len() + 8);
    let mut last = 0;
    let mut inserted: Vec<(usize, usize)> = Vec::new();
    for caps in FOOTNOTE_CALL.captures_iter(&block.text) {
        let number = caps.get(2).expect("group 2");
        if !number
            .as_str()
            .parse()
            .is_ok_and(|n: u32| footnotes.contains(&n))
        {
            continue;
        }
        out.push_str(&block.text[last..number.start()]);
        out.push('[');
        out.push_str(number.as_str());
        out.push(']');
        inserted.push((number.start(), 1));
        inserted.push((number.end(), 1));
        last = number.end();
    }
    if inserted.is_empty() {
        return;
    }
    out.push_str(&block.text[last..]);
    for span in &mut block.spans {
        let shift: usize = inserted
            .iter()
            .filter(|(pos, _)| *pos < span.offset)
            .map(|(_, n)| n)
            .sum();
        span.offset += shift;
    }
    block.text = out;
}
