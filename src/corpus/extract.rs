//! What a document's own text says of it: title (first heading or a
//! title-like first line), authors (a byline `par Sophie Momzikoff` or a
//! signature line), publication date (`Publié le 18 octobre 2021`,
//! `04 Dec. 2009`, `Mis à jour le …` as a last resort); the front matter of
//! a saved web page comes first. Also which lines are metadata rather than
//! text, for the cleaner to drop.

use std::sync::LazyLock;

use regex::Regex;

use super::bibliographic::Bibliographic;
use super::date::{find_date, PartialDate};
use super::front_matter;

// Letters are matched as Latin script (ASCII, Latin-1, œ): Unicode classes
// take a millisecond each to compile, in a process that may live 10 ms.
static HEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$").expect("valid regex"));
static BYLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:[Pp]ar|[Bb]y)\s+([A-ZÀ-ÖØ-ÞŒ][A-Za-zÀ-ÖØ-öø-ÿŒœ.'’-]*(?:\s+[A-ZÀ-ÖØ-ÞŒ][A-Za-zÀ-ÖØ-öø-ÿŒœ.'’-]*){0,3})\s*$")
        .expect("valid regex")
});
static SIGNATURE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*([A-ZÀ-ÖØ-ÞŒ][a-zß-öø-ÿœ]+(?:[- ][A-ZÀ-ÖØ-ÞŒ][a-zß-öø-ÿœ]+)?)\s+([A-ZÀ-ÖØ-ÞŒ]{2,}(?:[- ][A-ZÀ-ÖØ-ÞŒ]{2,})?)\s*$")
        .expect("valid regex")
});
static PUBLISHED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(publié|publiée|published|posted|date de publication|paru)\b")
        .expect("valid regex")
});
static UPDATED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(mis à jour|mise à jour|updated|modifié)\b").expect("valid regex")
});

/// How many non-empty lines at the top are searched for title, byline, date.
const HEAD_LINES: usize = 12;
/// How many non-empty lines at the end are searched for a signature.
const TAIL_LINES: usize = 6;

/// Reads title, author and publication date from a document's text.
pub fn extract(text: &str) -> Bibliographic {
    let front = front_matter::parse(text).unwrap_or_default();
    let lines: Vec<&str> = text
        .lines()
        .skip(front.lines)
        .filter(|l| !l.trim().is_empty())
        .collect();
    let head = &lines[..lines.len().min(HEAD_LINES)];
    let mut out = Bibliographic::default();

    // Byline, with the title lines above it.
    if let Some((i, caps)) = head
        .iter()
        .take(6)
        .enumerate()
        .find_map(|(i, l)| BYLINE.captures(l).map(|c| (i, c)))
    {
        out.authors = vec![caps[1].to_owned()];
        if (1..=3).contains(&i) {
            let title = head[..i]
                .iter()
                .map(|l| l.trim())
                .collect::<Vec<_>>()
                .join(" ");
            out.title = Some(title);
        }
    }
    if out.title.is_none() {
        out.title = head
            .iter()
            .find_map(|l| HEADING.captures(l).map(|c| c[1].to_owned()))
            .or_else(|| head.first().and_then(|l| title_like(l)));
    }
    if out.authors.is_empty() {
        let tail = &lines[lines.len().saturating_sub(TAIL_LINES)..];
        out.authors = tail
            .iter()
            .rev()
            .find_map(|l| {
                SIGNATURE
                    .captures(l)
                    .map(|c| format!("{} {}", &c[1], title_case(&c[2])))
            })
            .into_iter()
            .collect();
    }
    out.date = dateline(head, &PUBLISHED)
        .or_else(|| {
            head.iter()
                .filter(|l| is_bare_dateline(l))
                .find_map(|l| find_date(l))
        })
        .or_else(|| dateline(head, &UPDATED));
    // What the front matter says comes first.
    front.said.or(out)
}

/// A date on a line that says it is the publication (or update) date.
fn dateline(head: &[&str], marker: &Regex) -> Option<PartialDate> {
    head.iter()
        .filter(|l| l.len() <= 120 && marker.is_match(l))
        .find_map(|l| find_date(l))
}

/// Whether a line only states a publication or update date (such lines are
/// metadata, not passage text).
pub fn is_dateline(line: &str) -> bool {
    line.len() <= 120
        && find_date(line).is_some()
        && (PUBLISHED.is_match(line) || UPDATED.is_match(line) || is_bare_dateline(line))
}

/// Whether a line is metadata rather than text: a publication or update
/// line, a byline or a signature.
pub fn is_metadata_line(line: &str) -> bool {
    is_dateline(line) || is_byline(line)
}

/// Whether a line is a byline (`par Sophie Momzikoff`) or a signature
/// (`Aurélie LOEK`).
pub fn is_byline(line: &str) -> bool {
    BYLINE.is_match(line) || SIGNATURE.is_match(line)
}

/// A short line that is little more than a date (`• 04 Dec. 2009 -`).
fn is_bare_dateline(line: &str) -> bool {
    let words = line
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphabetic))
        .count();
    line.trim().chars().count() <= 40 && words <= 2
}

/// The first line as a title: starts with a capital, not too long, not a
/// sentence cut by a line break.
fn title_like(line: &str) -> Option<String> {
    let line = line.trim();
    let first = line.chars().next()?;
    let words = line.split_whitespace().count();
    let cut = line.ends_with([',', '-', ';']);
    (first.is_uppercase() && (2..=25).contains(&words) && !cut).then(|| line.to_owned())
}

fn title_case(word: &str) -> String {
    word.split_inclusive(['-', ' '])
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(c) => c
                    .to_uppercase()
                    .chain(chars.flat_map(char::to_lowercase))
                    .collect(),
                None => String::new(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn news_article_date_and_signature() {
        let text = "Relations Russie-Otan très tendues : que se passe-t-il ?\n\n\
                    Publié le 18 octobre 2021 à 16h10\n\nSource : JT 20h WE\n\n\
                    Un texte.\n\n\nAurélie LOEK\n\nTout\nTF1 Info";
        let m = extract(text);
        assert_eq!(
            m.title.as_deref(),
            Some("Relations Russie-Otan très tendues : que se passe-t-il ?")
        );
        assert_eq!(m.date.unwrap().to_string(), "2021-10-18");
        assert_eq!(m.authors, ["Aurélie Loek"]);
    }

    #[test]
    fn byline_gives_author_and_title() {
        let m = extract(" Alliances et coopérations sécuritaires \nau sein de l’espace postsoviétique\npar Sophie Momzikoff\n\nTrente ans après…");
        assert_eq!(m.authors, ["Sophie Momzikoff"]);
        assert_eq!(
            m.title.as_deref(),
            Some("Alliances et coopérations sécuritaires au sein de l’espace postsoviétique")
        );
    }

    #[test]
    fn publication_line_beats_update_line() {
        let m =
            extract("Titre\n\n  • 04 Dec. 2009 -\n  • |\n  • Mis à jour le: 07 Dec. 2009 14:12\n");
        assert_eq!(m.date.unwrap().to_string(), "2009-12-04");
        let m = extract("Titre\n\nMis à jour le 7 décembre 2009\n");
        assert_eq!(m.date.unwrap().to_string(), "2009-12-07");
    }

    #[test]
    fn front_matter_comes_first() {
        let m = extract("---\ntitle: Relations avec la Russie\nsource: https://www.nato.int/x.htm\nsite_name: OTAN\npublished: 2022-01-14\n---\n\n## Les relations OTAN-Russie\n\nPublié le 3 mars 2020\n");
        assert_eq!(m.title.as_deref(), Some("Relations avec la Russie"));
        assert_eq!(m.url.as_deref(), Some("https://www.nato.int/x.htm"));
        assert_eq!(m.source.as_deref(), Some("OTAN"));
        assert_eq!(m.date.unwrap().to_string(), "2022-01-14");
        let plain =
            extract("---\ntags: [a]\n---\n## Les relations OTAN-Russie\n\nPublié le 3 mars 2020\n");
        assert_eq!(plain.title.as_deref(), Some("Les relations OTAN-Russie"));
        assert_eq!(plain.date.unwrap().to_string(), "2020-03-03");
    }

    #[test]
    fn unknown_stays_empty() {
        let m = extract("leurs frontières traditionnelles respectives. La Russie \ndécide quant à elle le 4 juillet 2011 d’arrêter");
        assert_eq!(m, Bibliographic::default());
    }
}
