//! Splitting a document's blocks into citable passages.
//!
//! A passage is one or more paragraphs of one section: a heading joins the
//! passage it introduces; paragraphs shorter than [`MIN_WORDS`] merge with
//! the next one of the same section and language; paragraphs longer than
//! [`MAX_WORDS`] are split at sentence boundaries (unicode-segmentation).
//! Footnotes and captions are passages of their own. Every passage knows the
//! first and last line of the source it was cut from.

use unicode_segmentation::UnicodeSegmentation;

use super::block::{Block, BlockKind};
use super::span::{line_range, shifted, sub_spans, Span};
use crate::lang::{Detection, Lang, LangDetector};

/// A passage shorter than this merges with a neighbour.
pub const MIN_WORDS: usize = 30;
/// A passage longer than this is split at sentence boundaries.
pub const MAX_WORDS: usize = 200;
/// Consecutive footnotes are gathered up to this many words.
const MAX_FOOTNOTE_WORDS: usize = 120;

/// A citable piece of a document, before it is given an id and a language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawPassage {
    /// What the passage mostly is.
    pub kind: BlockKind,
    /// The heading of the section it belongs to.
    pub section: Option<String>,
    /// The text, in the source's cleaned wording; blocks separated by a
    /// blank line.
    pub text: String,
    /// First source line, 1-based.
    pub line_start: u32,
    /// Last source line, 1-based.
    pub line_end: u32,
    /// Source lines of the text's pieces.
    pub spans: Vec<Span>,
    /// What language detection said of exactly this text, when splitting
    /// asked it already (a passage of one paragraph): not asked twice.
    pub detection: Option<Option<Detection>>,
}

/// A passage being assembled.
#[derive(Default)]
struct Draft {
    kind: Option<BlockKind>,
    section: Option<String>,
    text: String,
    lines: Option<(u32, u32)>,
    words: usize,
    lang: Option<Lang>,
    spans: Vec<Span>,
    /// The detection of the text so far, while it is one block's whole text.
    detection: Option<Option<Detection>>,
}

impl Draft {
    /// Adds a block's text (or a piece of it) with its spans.
    fn add(&mut self, kind: BlockKind, text: &str, spans: Vec<Span>) {
        self.detection = None;
        if !self.text.is_empty() {
            self.text.push_str("\n\n");
        }
        let base = self.text.len();
        let lines = line_range(&spans, 0, text.len());
        self.spans.extend(shifted(&spans, base));
        self.text.push_str(text);
        if kind != BlockKind::Heading || self.kind.is_none() {
            self.kind = Some(kind)
                .filter(|k| *k != BlockKind::Heading)
                .or(self.kind);
        }
        self.words += text.split_whitespace().count();
        self.lines = Some(match self.lines {
            Some((a, b)) => (a.min(lines.0), b.max(lines.1)),
            None => lines,
        });
    }

    fn into_passage(self) -> Option<RawPassage> {
        let (line_start, line_end) = self.lines?;
        Some(RawPassage {
            kind: self.kind.unwrap_or(BlockKind::Heading),
            section: self.section,
            text: self.text,
            line_start,
            line_end,
            spans: self.spans,
            detection: self.detection,
        })
    }
}

/// Cuts blocks into passages, in source order.
pub fn split(blocks: &[Block], detector: &LangDetector) -> Vec<RawPassage> {
    let mut out: Vec<RawPassage> = Vec::new();
    let mut section: Option<String> = None;
    let mut headings: Vec<&Block> = Vec::new();
    let mut draft = Draft::default();
    let mut notes = Draft::default();

    let flush = |draft: &mut Draft, out: &mut Vec<RawPassage>| {
        if let Some(p) = std::mem::take(draft).into_passage() {
            out.push(p);
        }
    };

    for block in blocks {
        match block.kind {
            BlockKind::Heading => {
                flush(&mut draft, &mut out);
                section = Some(block.text.clone());
                headings.push(block);
            }
            BlockKind::Footnote => {
                if notes.words + block.words() > MAX_FOOTNOTE_WORDS {
                    flush(&mut notes, &mut out);
                }
                notes.section.clone_from(&section);
                notes.add(block.kind, &block.text, block.spans.clone());
            }
            BlockKind::Caption => {
                let mut caption = Draft {
                    section: section.clone(),
                    ..Draft::default()
                };
                caption.add(block.kind, &block.text, block.spans.clone());
                flush(&mut caption, &mut out);
            }
            BlockKind::Paragraph | BlockKind::ListItem => {
                flush(&mut notes, &mut out);
                let detection = detector.detect(&block.text);
                let lang = detection.filter(|d| d.reliable).map(|d| d.lang);
                let clash = matches!((draft.lang, lang), (Some(a), Some(b)) if a != b);
                if draft.words >= MIN_WORDS || clash || draft.words + block.words() > MAX_WORDS {
                    flush(&mut draft, &mut out);
                }
                if draft.text.is_empty() {
                    draft.section.clone_from(&section);
                    for heading in headings.drain(..) {
                        draft.add(BlockKind::Heading, &heading.text, heading.spans.clone());
                    }
                }
                draft.lang = draft.lang.or(lang);
                if block.words() > MAX_WORDS {
                    for (i, (start, end)) in sentence_chunks(&block.text).into_iter().enumerate() {
                        if i > 0 {
                            flush(&mut draft, &mut out);
                            draft.section.clone_from(&section);
                        }
                        draft.add(
                            block.kind,
                            &block.text[start..end],
                            sub_spans(&block.spans, start, end),
                        );
                    }
                } else {
                    let alone = draft.text.is_empty();
                    draft.add(block.kind, &block.text, block.spans.clone());
                    if alone {
                        draft.detection = Some(detection);
                    }
                }
            }
        }
    }
    flush(&mut draft, &mut out);
    flush(&mut notes, &mut out);
    // Headings left without text (the document ends with one).
    if !headings.is_empty() {
        let mut draft = Draft {
            section: section.clone(),
            ..Draft::default()
        };
        for heading in headings {
            draft.add(BlockKind::Heading, &heading.text, heading.spans.clone());
        }
        flush(&mut draft, &mut out);
    }
    out.sort_by_key(|p| (p.line_start, p.line_end));
    merge_short_tails(out)
}

/// A passage still too short (the last of its section) joins the one
/// before it when they are of the same section and kind.
fn merge_short_tails(passages: Vec<RawPassage>) -> Vec<RawPassage> {
    let mut out: Vec<RawPassage> = Vec::with_capacity(passages.len());
    for p in passages {
        let words = p.text.split_whitespace().count();
        if let Some(prev) = out.last_mut() {
            let prev_words = prev.text.split_whitespace().count();
            let mergeable = matches!(p.kind, BlockKind::Paragraph | BlockKind::ListItem)
                && prev.kind == p.kind
                && prev.section == p.section
                && prev.line_end <= p.line_start;
            if mergeable && words < MIN_WORDS / 2 && prev_words + words <= MAX_WORDS {
                prev.text.push_str("\n\n");
                let base = prev.text.len();
                prev.spans.extend(shifted(&p.spans, base));
                prev.text.push_str(&p.text);
                prev.line_end = prev.line_end.max(p.line_end);
                prev.detection = None;
                continue;
            }
        }
        out.push(p);
    }
    out
}

/// Byte ranges of `text` cut at sentence boundaries into chunks of at most
/// [`MAX_WORDS`] words (a longer sentence is cut between words), the last
/// chunk not shorter than [`MIN_WORDS`] when that can be helped.
fn sentence_chunks(text: &str) -> Vec<(usize, usize)> {
    let total = text.split_whitespace().count();
    let parts = total.div_ceil(MAX_WORDS).max(1);
    let target = total.div_ceil(parts);
    let mut chunks = Vec::new();
    let mut start = 0;
    let mut words = 0;
    for (offset, sentence) in sentences(text) {
        let n = sentence.split_whitespace().count();
        if words > 0 && (words + n > MAX_WORDS || words >= target) {
            chunks.push((start, offset));
            start = offset;
            words = 0;
        }
        words += n;
    }
    chunks.push((start, text.len()));
    chunks
        .into_iter()
        .map(|(a, b)| {
            let s = &text[a..b];
            let lead = s.len() - s.trim_start().len();
            (a + lead, a + s.trim_end().len())
        })
        .filter(|(a, b)| a < b)
        .collect()
}

/// The sentences of `text` with their offsets; a sentence of more than
/// [`MAX_WORDS`] words (a run-on line, a list without stops) is cut between
/// words into pieces of at most that many.
fn sentences(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    for (offset, sentence) in text.split_sentence_bound_indices() {
        if sentence.split_whitespace().count() <= MAX_WORDS {
            out.push((offset, sentence));
            continue;
        }
        let (mut start, mut words, mut in_word) = (0, 0, false);
        for (i, c) in sentence.char_indices() {
            let space = c.is_whitespace();
            if !space && !in_word {
                if words == MAX_WORDS {
                    out.push((offset + start, &sentence[start..i]));
                    start = i;
                    words = 0;
                }
                words += 1;
            }
            in_word = !space;
        }
        out.push((offset + start, &sentence[start..]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_on_sentence_is_cut_between_words() {
        let text = "mot ".repeat(450);
        let chunks = sentence_chunks(text.trim_end());
        assert_eq!(chunks.len(), 3);
        for (a, b) in &chunks {
            let n = text[*a..*b].split_whitespace().count();
            assert!((30..=MAX_WORDS).contains(&n), "{n}");
        }
    }

    #[test]
    fn long_paragraphs_split_at_sentences() {
        let sentence =
            "Les ministres ont débattu longuement des enjeux politiques et de sécurité. ";
        let text = sentence.repeat(50);
        let chunks = sentence_chunks(text.trim_end());
        assert!(chunks.len() >= 2);
        for (a, b) in &chunks {
            let chunk = &text[*a..*b];
            assert!(chunk.starts_with("Les ministres"));
            assert!(chunk.ends_with("sécurité."));
            assert!(chunk.split_whitespace().count() <= MAX_WORDS);
        }
    }

    #[test]
    fn a_passage_of_one_paragraph_keeps_its_detection_and_a_merged_one_does_not() {
        let detector = LangDetector::default();
        let long = "Les ministres ont débattu longuement des enjeux politiques et de sécurité en Europe, ainsi que de la coopération entre l'OTAN et la Russie dans la lutte contre le terrorisme et la piraterie au large des côtes.";
        let text = format!(
            "{long}\n\nLe Conseil OTAN-Russie s'est réuni à Bruxelles au niveau des ambassadeurs.\n\nIl a adopté une déclaration commune sur la lutte contre le terrorisme.\n"
        );
        let metadata = crate::text::Metadata {
            header_lines: 0,
            is_metadata: &|_| false,
        };
        let passages = split(&crate::text::clean(&text, &metadata), &detector);
        assert_eq!(passages.len(), 2, "{passages:#?}");
        assert_eq!(passages[0].text, long);
        let said = detector.detect(long);
        assert_eq!(said.map(|d| d.lang), Some(Lang::French));
        assert_eq!(passages[0].detection, Some(said));
        assert!(passages[1].text.contains("\n\n"), "{:?}", passages[1].text);
        assert_eq!(passages[1].detection, None);
        // A short last paragraph joins the one before: detected anew.
        let text = format!("{long}\n\nIl a adopté une déclaration.\n");
        let passages = split(&crate::text::clean(&text, &metadata), &detector);
        assert_eq!(passages.len(), 1, "{passages:#?}");
        assert!(passages[0].text.starts_with(long) && passages[0].text.len() > long.len());
        assert_eq!(passages[0].detection, None);
    }
}
