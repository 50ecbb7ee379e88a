//! Finding the references of a note and their quotations.
//!
//! The quotation attached to a reference is the last quotation marked with
//! `« »`, `“ ”` or `" "` before it in its paragraph (since the previous
//! reference, wrapped lines included), or else the block quote (`> …`
//! lines) just above the line that carries it.

use std::sync::LazyLock;

use regex::Regex;

static REFERENCE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[nrel:([^\]\s]*)\]").expect("valid regex"));
static INLINE_QUOTE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"«\s*([^»]+?)\s*»|“([^”]+)”|"([^"]+)""#).expect("valid regex"));
static ITEM_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:[-*+]\s|\d{1,3}[.)]\s|\[\^[^\]]+\]:)").expect("valid regex")
});

/// A reference found in a note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    /// The id, as written (a malformed one too).
    pub id: String,
    /// Line of the note it stands on, 1-based.
    pub line: usize,
    /// The quotation attached to it.
    pub quote: Option<String>,
}

/// Finds the references of a note and their quotations: in paragraphs,
/// block quotes, list items, footnotes and table cells.
pub fn references(text: &str) -> Vec<Found> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    // The paragraph's (or block quote's, or item's) text since the previous
    // reference: an inline quotation may be wrapped over several lines.
    let mut pending = String::new();
    // The block quote's lines so far, attributions left out.
    let mut block: Vec<String> = Vec::new();
    let mut was_quoted = false;
    for (i, line) in lines.iter().enumerate() {
        let (quoted, content) = unquote(line);
        if content.trim().is_empty() || quoted != was_quoted {
            pending.clear();
            block.clear();
        }
        was_quoted = quoted;
        if content.trim().is_empty() {
            continue;
        }
        if ITEM_START.is_match(content) {
            pending.clear();
        }
        let cells: Vec<&str> = if is_table_row(content) {
            pending.clear();
            content.trim().trim_matches('|').split('|').collect()
        } else {
            vec![content]
        };
        for cell in cells {
            let mut last = 0;
            for caps in REFERENCE.captures_iter(cell) {
                let whole = caps.get(0).expect("match");
                let before = &cell[last..whole.start()];
                pending.push_str(before);
                let quote = last_inline_quote(&pending).or_else(|| {
                    if quoted {
                        block_quote(&block, before)
                    } else {
                        block_quote_above(&lines, i)
                    }
                });
                out.push(Found {
                    id: caps[1].to_owned(),
                    line: i + 1,
                    quote,
                });
                pending.clear();
                last = whole.end();
            }
            pending.push_str(&cell[last..]);
            pending.push('\n');
            if is_table_row(content) {
                pending.clear();
            }
        }
        if quoted && !is_attribution(content) && !REFERENCE.is_match(content) {
            block.push(content.trim().to_owned());
        }
    }
    out
}

/// Whether a line is in a block quote, and its text without the markers.
fn unquote(line: &str) -> (bool, &str) {
    let mut rest = line.trim_start();
    let mut quoted = false;
    while let Some(inner) = rest.strip_prefix('>') {
        quoted = true;
        rest = inner.trim_start();
    }
    (quoted, rest)
}

fn is_table_row(content: &str) -> bool {
    let t = content.trim();
    t.starts_with('|') && t.len() > 1
}

/// The attribution of a quotation: `— Auteur, Titre`.
fn is_attribution(content: &str) -> bool {
    let t = content.trim_start();
    t.starts_with(['—', '–', '―']) || t.starts_with("--")
}

/// The last quotation marked « », “ ” or " " in `text`.
fn last_inline_quote(text: &str) -> Option<String> {
    INLINE_QUOTE.captures_iter(text).last().and_then(|c| {
        c.iter()
            .skip(1)
            .flatten()
            .next()
            .map(|m| m.as_str().to_owned())
    })
}

/// The block quote a reference inside it refers to: its lines so far, and
/// the text before the reference on its own line unless that is the
/// attribution.
fn block_quote(block: &[String], before: &str) -> Option<String> {
    let mut parts: Vec<&str> = block.iter().map(String::as_str).collect();
    let before = before.trim();
    if !before.is_empty() && !is_attribution(before) {
        parts.push(before);
    }
    (!parts.is_empty()).then(|| parts.join("\n"))
}

/// The block quote ending just above line `i` (blank lines between
/// allowed), attributions left out.
fn block_quote_above(lines: &[&str], i: usize) -> Option<String> {
    let mut j = i;
    while j > 0 && lines[j - 1].trim().is_empty() {
        j -= 1;
    }
    let end = j;
    while j > 0 && unquote(lines[j - 1]).0 {
        j -= 1;
    }
    let text: Vec<&str> = lines[j..end]
        .iter()
        .map(|l| unquote(l).1.trim())
        .filter(|t| !t.is_empty() && !is_attribution(t))
        .collect();
    (!text.is_empty()).then(|| text.join("\n"))
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
        assert_eq!(wrapped[0].quote.as_deref(), Some("la menace\ngrandissante"));
        assert_eq!(wrapped[1].quote.as_deref(), Some("lignes rouges"));
        assert_eq!(wrapped[2].quote, None);
        assert_eq!(
            refs[0],
            Found {
                id: "doc:abcdef".into(),
                line: 6,
                quote: Some("Le COR s’est réuni\nà Sotchi.".into())
            }
        );
        assert_eq!(refs[1].quote.as_deref(), Some("la menace grandissante"));
        assert_eq!(refs[2].quote, None);
    }

    #[test]
    fn references_everywhere_markdown_puts_them() {
        let note = "> « le mot juste » [nrel:a:000001]\n\n\
                    > Un mois plus tard, le COR\n> s’est réuni.\n> — OTAN, 2011 [nrel:b:000002]\n\n\
                    - « dans une liste » [nrel:c:000003]\n\n\
                    [^1]: « en note » [nrel:d:000004]\n\n\
                    | source | citation |\n|---|---|\n| x | « en table » [nrel:e:000005] |\n\n\
                    Un id inventé [nrel:pas-un-id]";
        let refs = references(note);
        let got: Vec<(&str, Option<&str>)> = refs
            .iter()
            .map(|r| (r.id.as_str(), r.quote.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                ("a:000001", Some("le mot juste")),
                ("b:000002", Some("Un mois plus tard, le COR\ns’est réuni.")),
                ("c:000003", Some("dans une liste")),
                ("d:000004", Some("en note")),
                ("e:000005", Some("en table")),
                ("pas-un-id", None),
            ]
        );
    }
}
