//! YAML front matter of saved web pages (`---` … `---` at the top of a
//! Markdown file, as web clippers write it): title, authors, date, address
//! and site. Only flat `key: value` lines and `- item` lists are read; the
//! rest of the block is skipped.

use super::bibliographic::Bibliographic;
use super::date::{find_date, PartialDate};

/// A front matter block: what it says, and how many lines it takes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FrontMatter {
    /// `title`; `author`, `authors`, `creator` (a value, `[a, b]` or a
    /// `- a` list); `date`, `published`, `created`; `url`, `link`, or a
    /// `source` that is an address; `publisher`, `site`, `site_name`, or a
    /// `source` that is not.
    pub said: Bibliographic,
    /// Lines the block takes, delimiters included.
    pub lines: usize,
}

/// Most lines a front matter block may take.
const MAX_LINES: usize = 100;

/// Reads the front matter at the top of `text`, if there is one.
pub fn parse(text: &str) -> Option<FrontMatter> {
    let mut lines = text.lines();
    if lines.next()?.trim_start_matches('\u{feff}').trim_end() != "---" {
        return None;
    }
    let body: Vec<&str> = lines.take(MAX_LINES).collect();
    let end = body
        .iter()
        .position(|l| matches!(l.trim_end(), "---" | "..."))?;
    let mut fm = Bibliographic::default();
    let mut list_key: Option<String> = None;
    for line in &body[..end] {
        if let Some(item) = line.trim_start().strip_prefix("- ") {
            if list_key.as_deref().is_some_and(is_author_key) {
                fm.authors.push(name(item));
            }
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        if line.starts_with([' ', '\t']) {
            continue;
        }
        let key = key.trim().to_ascii_lowercase();
        let value = unquote(value.trim());
        list_key = value.is_empty().then(|| key.clone());
        if value.is_empty() {
            continue;
        }
        match key.as_str() {
            "title" => fm.title = Some(value.to_owned()),
            k if is_author_key(k) => {
                if value.starts_with("[[") {
                    fm.authors.push(name(value));
                } else {
                    fm.authors.extend(list(value));
                }
            }
            "date" | "published" | "publication_date" | "date_published" | "created" => {
                fm.date = fm.date.or_else(|| date(value));
            }
            "url" | "link" | "original_url" | "source_url" | "source" if is_address(value) => {
                fm.url = fm.url.take().or_else(|| Some(value.to_owned()));
            }
            "publisher" | "site" | "site_name" | "source" => {
                fm.source = fm.source.take().or_else(|| Some(value.to_owned()));
            }
            _ => {}
        }
    }
    fm.authors.retain(|a| !a.is_empty());
    Some(FrontMatter {
        said: fm,
        lines: end + 2,
    })
}

fn is_author_key(key: &str) -> bool {
    matches!(key, "author" | "authors" | "creator" | "byline")
}

fn is_address(value: &str) -> bool {
    value.starts_with("http://") || value.starts_with("https://")
}

fn unquote(value: &str) -> &str {
    let v = value.trim();
    v.strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .or_else(|| v.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
        .unwrap_or(v)
}

/// A name, unquoted, without wiki-link brackets (`"[[OTAN]]"` → `OTAN`).
fn name(value: &str) -> String {
    let v = unquote(value);
    v.strip_prefix("[[")
        .and_then(|v| v.strip_suffix("]]"))
        .unwrap_or(v)
        .trim()
        .to_owned()
}

/// `[a, b]`, `a, b` or a single name.
fn list(value: &str) -> Vec<String> {
    let inner = value
        .strip_prefix('[')
        .and_then(|v| v.strip_suffix(']'))
        .unwrap_or(value);
    inner
        .split(',')
        .map(name)
        .filter(|a| !a.is_empty())
        .collect()
}

/// An ISO date at the start of the value (`2021-10-18T16:10:00+02:00`),
/// or a written one.
fn date(value: &str) -> Option<PartialDate> {
    let iso: String = value.chars().take(10).collect();
    iso.parse()
        .ok()
        .or_else(|| value.get(..7).and_then(|v| v.parse().ok()))
        .or_else(|| find_date(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_clipper_front_matter() {
        let text = "---\ntitle: \"Relations avec la Russie\"\nsource: https://www.nato.int/cps/fr/natohq/topics_50090.htm\nauthor:\n  - \"[[OTAN]]\"\n  - Division Diplomatie publique\npublished: 2022-01-14T10:00:00+01:00\nsite_name: NATO\ntags:\n  - clippings\n---\n\n## Les relations OTAN-Russie\n";
        let front = parse(text).unwrap();
        let fm = &front.said;
        assert_eq!(fm.title.as_deref(), Some("Relations avec la Russie"));
        assert_eq!(
            fm.url.as_deref(),
            Some("https://www.nato.int/cps/fr/natohq/topics_50090.htm")
        );
        assert_eq!(fm.authors, ["OTAN", "Division Diplomatie publique"]);
        assert_eq!(fm.date.unwrap().to_string(), "2022-01-14");
        assert_eq!(fm.source.as_deref(), Some("NATO"));
        assert_eq!(front.lines, 11);
    }

    #[test]
    fn inline_lists_and_written_dates() {
        let fm =
            parse("---\nauthors: [Sophie Momzikoff, 'A. N. Autre']\ndate: 18 octobre 2021\n---\n")
                .unwrap()
                .said;
        assert_eq!(fm.authors, ["Sophie Momzikoff", "A. N. Autre"]);
        assert_eq!(fm.date.unwrap().to_string(), "2021-10-18");
    }

    #[test]
    fn no_front_matter() {
        assert_eq!(parse("# Titre\n---\n"), None);
        assert_eq!(parse("---\nnever closed\n"), None);
    }
}
