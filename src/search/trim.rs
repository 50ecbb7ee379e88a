//! Quotations: what of a passage is quoted. The headings a passage opens
//! with are left out (the attribution names the section), and with a query
//! only the sentences holding one of its words (as the analyzers see words)
//! are kept, each omission marked `[…]`. The quoted part's source lines
//! travel with it.

use std::collections::HashSet;
use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

use crate::analysis::{analyzer, tokens};
use crate::lang::Lang;
use crate::passage::Passage;
use crate::text::lines::is_heading_like;

/// The mark of an omission in a quotation.
pub const ELLIPSIS: &str = "[…]";

/// What is quoted of a passage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quotation {
    /// The quoted text; paragraphs separated by a blank line.
    pub body: String,
    /// First and last source line of what is quoted.
    pub lines: (u32, u32),
    /// Whether what was asked is quoted: false when no sentence matched the
    /// words to trim to, and the whole passage is quoted.
    pub matched: bool,
}

/// The quotation of a passage: its text after its opening headings, or
/// with `trim` only the sentences that match it.
pub fn quotation(passage: &Passage, trim: Option<&str>) -> Quotation {
    let start = heading_end(&passage.text);
    let text = &passage.text[start..];
    let trimmed = trim.map(|query| trim_to_matches(text, query));
    let matched = !matches!(trimmed, Some(None));
    let (body, range) = trimmed
        .flatten()
        .unwrap_or_else(|| (text.to_owned(), 0..text.len()));
    Quotation {
        body,
        lines: passage.line_range(start + range.start, start + range.end),
        matched,
    }
}

/// Where the passage's text starts after the headings it opens with (they
/// are named in the attribution); 0 when nothing else would be left.
fn heading_end(text: &str) -> usize {
    let mut start = 0;
    while let Some((first, tail)) = text[start..].split_once("\n\n") {
        if !is_heading_like(first) || tail.trim().is_empty() {
            break;
        }
        start += first.len() + 2;
    }
    start
}

/// Keeps the sentences of `text` that contain a word of `query` (as the
/// analyzers see words; stop words of either language do not count),
/// marking each omission `[…]`, with the byte range of `text` from the
/// first to the last sentence kept; `None` when no sentence matches.
pub fn trim_to_matches(text: &str, query: &str) -> Option<(String, Range<usize>)> {
    let (mut french, mut english) = (analyzer(Lang::French), analyzer(Lang::English));
    let mut wanted: HashSet<String> = HashSet::new();
    for word in query.split_whitespace() {
        let (fr, en) = (tokens(&mut french, word), tokens(&mut english, word));
        if !fr.is_empty() && !en.is_empty() {
            wanted.extend(fr.into_iter().chain(en));
        }
    }
    if wanted.is_empty() {
        return None;
    }
    let mut both = |text: &str| -> Vec<String> {
        let mut words = tokens(&mut french, text);
        words.extend(tokens(&mut english, text));
        words
    };
    let mut matches = |sentence: &str| both(sentence).iter().any(|t| wanted.contains(t));
    let mut paragraphs = Vec::new();
    let mut any = false;
    let mut omitted_last = false;
    let mut range: Option<Range<usize>> = None;
    let mut para_start = 0;
    for para in text.split("\n\n") {
        let mut kept = String::new();
        for (offset, sentence) in para.split_sentence_bound_indices() {
            if matches(sentence) {
                let (a, b) = (
                    para_start + offset,
                    para_start + offset + sentence.trim_end().len(),
                );
                range = Some(range.map_or(a..b, |r| r.start..b));
                any = true;
                if omitted_last && kept.is_empty() && paragraphs.is_empty() {
                    kept.push_str(ELLIPSIS);
                    kept.push(' ');
                }
                kept.push_str(sentence);
                omitted_last = false;
            } else if !omitted_last {
                if !kept.is_empty() {
                    kept = kept.trim_end().to_owned();
                    kept.push(' ');
                    kept.push_str(ELLIPSIS);
                    kept.push(' ');
                } else if !paragraphs.is_empty() || !sentence.trim().is_empty() {
                    kept.push_str(ELLIPSIS);
                    kept.push(' ');
                }
                omitted_last = true;
            }
        }
        let kept = kept.trim().to_owned();
        if !kept.is_empty() && kept != ELLIPSIS {
            paragraphs.push(kept);
        }
        para_start += para.len() + 2;
    }
    match range {
        Some(range) if any => Some((paragraphs.join("\n\n"), range)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trimming_keeps_matching_sentences() {
        let text =
            "Une phrase sans rapport. Le COR s’est réuni à Sotchi. Une autre phrase.\n\nRien ici.";
        let (quote, range) = trim_to_matches(text, "Sotchi").unwrap();
        assert_eq!(quote, "[…] Le COR s’est réuni à Sotchi. […]");
        assert_eq!(&text[range], "Le COR s’est réuni à Sotchi.");
        assert_eq!(trim_to_matches(text, "absent"), None);
    }

    #[test]
    fn stop_words_do_not_trim() {
        let text = "La dorsale de Lomonossov est revendiquée. Le débat de fond reste ouvert.";
        let (quote, _) = trim_to_matches(text, "dorsale de Lomonossov").unwrap();
        assert_eq!(quote, "La dorsale de Lomonossov est revendiquée. […]");
        assert_eq!(trim_to_matches(text, "de la"), None);
    }
}
