//! Checking research notes against the corpus: every `[nrel:ID]`
//! reference, and the quotation attached to it, is looked up again.
//!
//! The quotation attached to a reference is the last quotation marked with
//! `« »`, `“ ”` or `" "` before it in its paragraph (since the previous
//! reference, wrapped lines included), or else the block quote (`> …`
//! lines) just above the line that carries it. Omissions written
//! `[…]`, `[...]` or `…` may stand anywhere in a quotation.

use std::sync::LazyLock;

use regex::Regex;

use crate::document::{closest, normalize, Passage};
use crate::error::Result;
use crate::index::SearchIndex;

/// What became of one reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// The passage exists and the quotation (if any) is in it.
    Ok,
    /// The passage exists but the quotation is not in it.
    QuoteMismatch {
        /// Word diff from the quotation to the passage:
        /// `[-removed-]` and `{+added+}`.
        diff: String,
    },
    /// The document exists but the passage id does not (its text changed).
    Stale {
        /// The closest current passage, if one is known.
        closest: Option<String>,
    },
    /// No document has the id's key.
    Unknown,
}

/// One reference found in a note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    /// The passage id.
    pub id: String,
    /// Line of the note it stands on, 1-based.
    pub line: usize,
    /// The attached quotation, if any.
    pub quote: Option<String>,
    /// The verdict.
    pub status: Status,
}

static REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\[nrel:([A-Za-z0-9-]+:[0-9a-f]{6}(?:-\d+)?)\]").expect("valid regex")
});
static INLINE_QUOTE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"«\s*([^»]+?)\s*»|“([^”]+)”|"([^"]+)""#).expect("valid regex"));
static OMISSION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[(?:…|\.\.\.)\]|…|\.\.\.").expect("valid regex"));

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

/// Checks every reference of a note against the index.
pub fn check(index: &SearchIndex, note: &str) -> Result<Vec<Reference>> {
    let mut out = Vec::new();
    for (id, line, quote) in references(note) {
        let status = match index.passage(&id)? {
            Some((passage, _)) => match &quote {
                Some(q) if !quote_matches(q, &passage.text) => Status::QuoteMismatch {
                    diff: word_diff(q, &passage.text),
                },
                _ => Status::Ok,
            },
            None if index.successor(&id).is_some() => Status::Stale {
                closest: index.successor(&id).map(str::to_owned),
            },
            None => {
                let key = id.rsplit_once(':').map_or(id.as_str(), |(k, _)| k);
                let passages: Vec<Passage> = index
                    .document_passages(key)?
                    .into_iter()
                    .map(|(p, _)| p)
                    .collect();
                if passages.is_empty() {
                    Status::Unknown
                } else {
                    Status::Stale {
                        closest: quote
                            .as_deref()
                            .and_then(|q| closest(q, &passages))
                            .map(|p| p.id.clone()),
                    }
                }
            }
        };
        out.push(Reference {
            id,
            line,
            quote,
            status,
        });
    }
    Ok(out)
}

/// One line describing a reference that is not ok.
pub fn describe(id: &str, status: &Status) -> String {
    match status {
        Status::Ok => format!("ok [nrel:{id}]"),
        Status::QuoteMismatch { diff } => {
            format!("quote no longer matches the source [nrel:{id}]: {diff}")
        }
        Status::Stale { closest: Some(new) } => {
            format!(
                "stale id [nrel:{id}]: the passage changed; closest current passage: [nrel:{new}]"
            )
        }
        Status::Stale { closest: None } => {
            format!("stale id [nrel:{id}]: the passage changed")
        }
        Status::Unknown => format!("unknown id [nrel:{id}]: no document has this key"),
    }
}

/// Whether each part of the quotation between omissions stands in the
/// passage, in order (case, apostrophes, quotes and spacing normalised).
pub fn quote_matches(quote: &str, passage: &str) -> bool {
    let haystack = normalize(passage);
    let mut from = 0;
    for part in OMISSION.split(quote) {
        let part = normalize(part.trim_matches(|c: char| c.is_whitespace()));
        let part = part.trim_matches(|c: char| c.is_whitespace() || c == '"');
        if part.is_empty() {
            continue;
        }
        match haystack[from..].find(part) {
            Some(at) => from += at + part.len(),
            None => return false,
        }
    }
    true
}

/// A word diff from the quotation to the part of the passage it aligns
/// with: kept words plain, `[-quote only-]`, `{+passage only+}`.
pub fn word_diff(quote: &str, passage: &str) -> String {
    let clean = |s: &str| -> Vec<String> {
        OMISSION
            .replace_all(s, " ")
            .split_whitespace()
            .map(str::to_owned)
            .collect()
    };
    let a = clean(quote);
    let b = clean(passage);
    let key = |w: &str| {
        normalize(w)
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_owned()
    };
    let (ka, kb): (Vec<String>, Vec<String>) = (
        a.iter().map(|w| key(w)).collect(),
        b.iter().map(|w| key(w)).collect(),
    );
    // Longest common subsequence table.
    let (n, m) = (a.len(), b.len());
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if ka[i] == kb[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut ops: Vec<(char, &str)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && ka[i] == kb[j] {
            ops.push(('=', &a[i]));
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
            ops.push(('-', &a[i]));
            i += 1;
        } else {
            ops.push(('+', &b[j]));
            j += 1;
        }
    }
    // Only the stretch of the passage the quotation covers.
    let first = ops.iter().position(|(op, _)| *op != '+').unwrap_or(0);
    let last = ops
        .iter()
        .rposition(|(op, _)| *op != '+')
        .map_or(0, |p| p + 1);
    let mut out = Vec::new();
    for (op, word) in &ops[first..last.max(first)] {
        out.push(match op {
            '=' => (*word).to_owned(),
            '-' => format!("[-{word}-]"),
            _ => format!("{{+{word}+}}"),
        });
    }
    out.join(" ")
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

    #[test]
    fn quotes_with_omissions() {
        let passage = "Le Conseil OTAN-Russie (COR) s’est réuni en session formelle le 4 décembre 2009, avec les ministres.";
        assert!(quote_matches(
            "le Conseil OTAN-Russie (COR) s'est réuni […] le 4 décembre 2009",
            passage
        ));
        assert!(!quote_matches("le 4 décembre 2009 […] le Conseil", passage));
        assert!(!quote_matches(
            "le Conseil OTAN-Russie s’est réuni",
            passage
        ));
    }

    #[test]
    fn diff_shows_changed_words() {
        let passage = "Le Conseil s’est réuni en session formelle le 4 décembre 2009.";
        assert_eq!(
            word_diff("s’est réuni en session informelle le 4", passage),
            "s’est réuni en session [-informelle-] {+formelle+} le 4"
        );
    }
}
