//! Finding the references of a note and their quotations.
//!
//! The quotation attached to a reference is the last quotation marked with
//! `« »`, `“ ”` or `" "` before it in its paragraph (since the previous
//! reference, wrapped lines included), or else the block quote (`> …`
//! lines) just above the line that carries it.

use std::sync::LazyLock;

use regex::Regex;

use crate::passage::PassageId;

static REFERENCE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(PassageId::REFERENCE_PATTERN).expect("valid regex"));
static INLINE_QUOTE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"«\s*([^»]+?)\s*»|“([^”]+)”|"([^"]+)""#).expect("valid regex"));

/// Finds the references of a note and their quotations.
pub fn references(text: &str) -> Vec<(String, usize, Option<String>)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    // The paragraph's text since the previous reference: an inline
    // quotation may be wrapped over several lines.
    let mut pending = String::new();
    for (i, line) in lines.iter().enumerate() {
        if line.trim().is_empty() || line.trim_start().starts_with('>') {
            pending.clear();
            continue;
        }
        let mut last = 0;
        for caps in REFERENCE.captures_iter(line) {
            let whole = caps.get(0).expect("match");
            pending.push_str(&line[last..whole.start()]);
            let quote = INLINE_QUOTE
                .captures_iter(&pending)
                .last()
                .and_then(|c| {
                    c.iter()
                        .skip(1)
                        .flatten()
                        .next()
                        .map(|m| m.as_str().to_owned())
                })
                .or_else(|| block_quote_above(&lines, i));
            out.push((caps[1].to_owned(), i + 1, quote));
            pending.clear();
            last = whole.end();
        }
        pending.push_str(&line[last..]);
        pending.push('\n');
    }
    out
}

/// The `> ` lines ending just above line `i` (blank lines between allowed).
fn block_quote_above(lines: &[&str], i: usize) -> Option<String> {
    let mut j = i;
    while j > 0 && lines[j - 1].trim().is_empty() {
        j -= 1;
    }
    let end = j;
    while j > 0 && lines[j - 1].trim_start().starts_with('>') {
        j -= 1;
    }
    if j == end {
        return None;
    }
    let text: Vec<&str> = lines[j..end]
        .iter()
        .map(|l| l.trim_start().trim_start_matches('>').trim())
        .collect();
    Some(text.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_block_and_inline_quotes() {
        let note = "Intro.\n\n> Le COR s’est réuni\n> à Sotchi.\n\n— *Titre* [nrel:doc:abcdef]\n\nIl dit « la menace grandissante » [nrel:tf1-2021-10-18:123456].\n[nrel:x:000000]";
        let refs = references(note);
        assert_eq!(refs.len(), 3);
        let wrapped = references("Il parle de « la menace\ngrandissante » [nrel:a:000000] et de « lignes rouges » [nrel:b:111111] [nrel:c:222222].");
        assert_eq!(wrapped[0].2.as_deref(), Some("la menace\ngrandissante"));
        assert_eq!(wrapped[1].2.as_deref(), Some("lignes rouges"));
        assert_eq!(wrapped[2].2, None);
        assert_eq!(
            refs[0],
            (
                "doc:abcdef".into(),
                6,
                Some("Le COR s’est réuni\nà Sotchi.".into())
            )
        );
        assert_eq!(refs[1].2.as_deref(), Some("la menace grandissante"));
        assert_eq!(refs[2].2, None);
    }
}
