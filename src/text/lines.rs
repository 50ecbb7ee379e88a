//! What a single line of an extraction is: debris, a page number, a
//! caption or credit, a list item, a title-like line; and the running heads
//! and feet of a document (short lines repeated on page after page).

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use regex::Regex;

static LIST_ITEM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(?:[-*+•▪◦]|\d{1,3}[.)])\s+(\S.*)$").expect("valid regex"));
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

/// A short line found this many times in a document is a running head or
/// foot, not text.
const RUNNING_HEAD_REPEATS: usize = 3;

/// The text of a list item line (`- x`, `• x`, `3. x`), without its marker.
pub fn list_item(line: &str) -> Option<&str> {
    let marker = |c: char| c.is_numeric() || "-*+•▪◦".contains(c);
    if !line.trim_start().starts_with(marker) {
        return None;
    }
    LIST_ITEM
        .captures(line)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str())
}

/// Whether a line opens a figure or table caption (`Figure 10`, `Tableau 2`).
pub fn is_caption_start(line: &str) -> bool {
    CAPTION_START.is_match(line)
}

/// Whether a line is a credit (`Sources :`, `Réalisation :`, `Lire aussi :`).
pub fn is_credit(line: &str) -> bool {
    CREDIT.is_match(line)
}

/// Whether a line is the maker's credit that closes a figure.
pub fn is_figure_end(line: &str) -> bool {
    FIGURE_END.is_match(line)
}

/// Whether a raw line starts a page: pdftotext marks one with a form feed,
/// some extractions with a leading space.
pub fn is_page_start(raw: &str) -> bool {
    raw.starts_with('\x0C') || (raw.starts_with(' ') && !raw.starts_with("    "))
}

/// Lines that carry no text: page numbers, lone punctuation, `* * *`,
/// empty bullets.
pub fn is_debris(line: &str) -> bool {
    (!line.chars().any(char::is_alphabetic)
        && (line.chars().all(|c| !c.is_alphanumeric()) || line.chars().count() <= 4))
        || PAGE_NUMBER.is_match(line)
}

/// Mostly numbers: a table row.
pub fn is_numeric_row(line: &str) -> bool {
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

/// Whether line `i`, the first of a group of lines running to `end`, is a
/// title set directly over its text (extractions often leave no blank line
/// there): short and title-like where the text's lines are long, the text
/// going on with a capital.
pub fn is_title_over_text(lines: &[&str], i: usize, end: usize) -> bool {
    let line = lines[i].trim();
    let Some(next) = lines.get(i + 1).filter(|_| i + 1 < end) else {
        return false;
    };
    let width = lines[i + 1..end]
        .iter()
        .map(|l| l.trim().chars().count())
        .max()
        .unwrap_or(0);
    is_heading_like(line)
        && !is_credit(line)
        && line.chars().count() * 3 < width * 2
        && width >= 50
        && next.trim().chars().next().is_some_and(char::is_uppercase)
}

/// The running heads and feet of a document: short lines (trimmed) that
/// stand on many pages and do not end like a sentence.
pub fn running_heads<'a>(lines: &[&'a str]) -> HashSet<&'a str> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for line in lines {
        let t = line.trim();
        if !t.is_empty() && t.chars().count() <= 80 {
            *counts.entry(t).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .filter(|(line, n)| *n >= RUNNING_HEAD_REPEATS && !line.ends_with(['.', ':', ';']))
        .map(|(line, _)| line)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debris_and_page_numbers() {
        for line in [
            "12",
            "* * *",
            "•",
            "Page 3",
            "p. 12",
            "page 3 sur 20",
            "– 14 –",
        ] {
            assert!(is_debris(line), "{line}");
        }
        for line in ["OTAN", "2008 : la guerre", "Le 4 juillet 2011."] {
            assert!(!is_debris(line), "{line}");
        }
    }

    #[test]
    fn titles_are_short_capitalised_unpunctuated() {
        assert!(is_heading_like("De multiples raisons de se rapprocher"));
        assert!(is_heading_like("Que se passe-t-il ?"));
        assert!(!is_heading_like("Le Conseil s’est réuni."));
        assert!(!is_heading_like("la suite du texte"));
        assert!(!is_heading_like("2008 2009 2010"));
    }

    #[test]
    fn captions_credits_and_list_items() {
        assert!(is_caption_start("Figure 10 – Les exercices de l’OTSC"));
        assert!(is_caption_start("Tableau 2. Budgets"));
        assert!(!is_caption_start("Figurez-vous"));
        assert!(is_credit("Sources : SIPRI, 2019"));
        assert!(is_figure_end("Réalisation : l’auteur"));
        assert_eq!(list_item("  • Arménie"), Some("Arménie"));
        assert_eq!(list_item("3. Kazakhstan"), Some("Kazakhstan"));
        assert_eq!(list_item("2011 fut une année"), None);
    }

    #[test]
    fn a_title_over_its_text() {
        let lines = [
            "La coopération entre l'OTAN et la Russie",
            "En 2011, les ambassadeurs du Conseil se sont réunis à Sotchi pour",
            "relancer la lutte contre le terrorisme et la piraterie.",
        ];
        assert!(is_title_over_text(&lines, 0, 3));
        let wrapped = [
            "Les ambassadeurs du Conseil se sont réunis",
            "En 2011 à Sotchi, sur invitation des autorités russes.",
        ];
        assert!(!is_title_over_text(&wrapped, 0, 2));
        assert!(!is_title_over_text(&lines[..1], 0, 1));
    }

    #[test]
    fn page_starts() {
        assert!(is_page_start("\x0CTitre"));
        assert!(is_page_start(" Suite"));
        assert!(!is_page_start("    code"));
        assert!(!is_page_start("Texte"));
    }

    #[test]
    fn repeated_short_lines_are_running_heads() {
        let lines = [
            "Revue X",
            "Un texte.",
            "Revue X",
            "Autre texte.",
            "Revue X",
            "Note :",
            "Note :",
            "Note :",
        ];
        let heads = running_heads(&lines);
        assert!(heads.contains("Revue X"));
        assert!(!heads.contains("Note :"));
        assert_eq!(heads.len(), 1);
    }
}
