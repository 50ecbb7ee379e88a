//! Footnotes of PDF extractions: a line `3 R. N. Mc Dermott…` is a footnote
//! when the text calls it with a number glued to a word (`militaire3.`);
//! such calls are written `militaire[3].`.

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;

use super::block::{Block, BlockKind};

static FOOTNOTE_START: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(\d{1,3})\s+(\S.*)$").expect("valid regex"));
static FOOTNOTE_CALL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"([a-zß-öø-ÿœ»)])(\d{1,3})([.,;:)–]|\s|$)").expect("valid regex"));

/// The number a line starts with, as a footnote would (`3 R. N. Mc…`).
pub fn number(line: &str) -> Option<u32> {
    // A number of ASCII digits first, or no number that parses.
    if !line.trim_start().starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    FOOTNOTE_START
        .captures(line)
        .and_then(|c| c[1].parse().ok())
}

/// The numbers glued after a word (`militaire1.`) that a footnote line
/// (`1 M. Galeotti…`) also starts with.
pub fn calls(lines: &[&str]) -> HashSet<u32> {
    let numbers: HashSet<u32> = lines.iter().filter_map(|l| number(l)).collect();
    if numbers.is_empty() {
        // Most texts: no line that could be a footnote, no call to look for.
        return numbers;
    }
    lines
        .iter()
        .filter(|l| l.bytes().any(|b| b.is_ascii_digit()))
        .flat_map(|l| FOOTNOTE_CALL.captures_iter(l))
        .filter_map(|c| c[2].parse().ok())
        .filter(|n| numbers.contains(n))
        .collect()
}

/// Writes the calls of `footnotes` glued to a word as `word[1]`, fixing the
/// block's spans.
pub fn mark_calls(block: &mut Block, footnotes: &HashSet<u32>) {
    if footnotes.is_empty() || block.kind == BlockKind::Footnote {
        return;
    }
    let mut out = String::with_capacity(block.text.len() + 8);
    let mut last = 0;
    let mut inserted: Vec<usize> = Vec::new();
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
        inserted.push(number.start());
        inserted.push(number.end());
        last = number.end();
    }
    if inserted.is_empty() {
        return;
    }
    out.push_str(&block.text[last..]);
    for span in &mut block.spans {
        // One byte ('[' or ']') was inserted at each of these offsets.
        span.offset += inserted.iter().filter(|pos| **pos < span.offset).count();
    }
    block.text = out;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::span::Span;

    #[test]
    fn only_called_numbers_are_footnotes() {
        let lines = [
            "la doctrine militaire1. Ensuite",
            "1 M. Galeotti, The Modern Russian Army.",
            "2 ministres étaient présents.",
        ];
        assert_eq!(number(lines[1]), Some(1));
        assert_eq!(calls(&lines), HashSet::from([1]));
    }

    #[test]
    fn calls_are_bracketed_and_spans_follow() {
        let mut block = Block::new(BlockKind::Paragraph);
        block.push_line("", "la doctrine militaire1. Puis", 3);
        block.push_line(" ", "la suite2.", 4);
        mark_calls(&mut block, &HashSet::from([1, 2]));
        assert_eq!(block.text, "la doctrine militaire[1]. Puis la suite[2].");
        assert_eq!(
            block.spans,
            [
                Span { offset: 0, line: 3 },
                Span {
                    offset: 31,
                    line: 4
                }
            ]
        );
        assert_eq!(&block.text[31..], "la suite[2].");
    }
}
