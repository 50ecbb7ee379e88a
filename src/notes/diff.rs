//! Comparing a quotation with a passage: whether it still stands in it
//! (omissions written `[…]`, `[...]` or `…` may stand anywhere), and a word
//! diff when it does not.

use std::sync::LazyLock;

use regex::Regex;

use crate::text::similarity::normalize;

static OMISSION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[(?:…|\.\.\.)\]|…|\.\.\.").expect("valid regex"));

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
    let mut last = ops
        .iter()
        .rposition(|(op, _)| *op != '+')
        .map_or(0, |p| p + 1);
    // Quoted words that end the quotation without standing in the passage
    // are followed by what the passage says instead, as many words.
    let removed = ops[..last]
        .iter()
        .rev()
        .take_while(|(op, _)| *op == '-')
        .count();
    last += ops[last..]
        .iter()
        .take(removed)
        .take_while(|(op, _)| *op == '+')
        .count();
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
        // At the end of the quotation too, with what the passage goes on
        // to say left out.
        let passage = "les ambassadeurs du COR se sont réunis à Sotchi. Ensuite, ils ont dîné.";
        assert_eq!(
            word_diff("se sont réunis à Moscou", passage),
            "se sont réunis à [-Moscou-] {+Sotchi.+}"
        );
        assert_eq!(
            word_diff("ils ont déjeuné", passage),
            "ils ont [-déjeuné-] {+dîné.+}"
        );
    }
}
