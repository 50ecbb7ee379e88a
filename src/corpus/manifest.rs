//! The metadata manifest, `sources.toml` at the top of the corpus.
//!
//! ```toml
//! [[source]]
//! file = "2021-10-18-tf1-relations-russie-otan.txt"   # path inside the corpus
//! id = "tf1-2021-10-18"        # stable document key (optional)
//! title = "Relations Russie-Otan très tendues"
//! authors = ["Aurélie Loek"]
//! publisher = "TF1 Info"
//! date = "2021-10-18"           # YYYY, YYYY-MM or YYYY-MM-DD
//! url = "https://…"
//! lang = "fr"                   # forces the language of every passage
//! type = "article-newspaper"    # CSL type, for citations (optional)
//! note = "free text"
//! ```
//!
//! Every field but `file` is optional. A field that cannot be used (a bad
//! date, an unknown language) is reported and ignored. A manifest that is
//! not valid TOML is reported as an error with its line and column, and
//! read as [`Manifest::broken`]: the index keeps the metadata it had from
//! the last good one until it is fixed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::bibliographic::Bibliographic;
use crate::error::{Error, Result, Warning};
use crate::lang::Lang;

/// The manifest's file name, at the top of the corpus directory.
pub const MANIFEST_FILE: &str = "sources.toml";

/// One `[[source]]` entry, checked.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ManifestEntry {
    /// The document key to use instead of one derived from the path.
    pub doc: Option<String>,
    /// What the entry says of the document.
    pub bib: Bibliographic,
    /// Language forced on every passage.
    pub lang: Option<Lang>,
}

/// The TOML shape of an entry, before checking: the file's own vocabulary
/// (`id`, `author`, `publisher`, `type`), strings not yet parsed.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    file: String,
    #[serde(alias = "doc")]
    id: Option<String>,
    title: Option<String>,
    #[serde(default)]
    authors: Vec<String>,
    author: Option<String>,
    #[serde(alias = "source")]
    publisher: Option<String>,
    date: Option<String>,
    url: Option<String>,
    lang: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    container: Option<String>,
    #[allow(dead_code)]
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManifest {
    #[serde(default)]
    source: Vec<RawEntry>,
}

/// The manifest: entries by corpus-relative path (with `/` separators).
#[derive(Clone, Debug, Default)]
pub struct Manifest {
    entries: BTreeMap<String, ManifestEntry>,
    /// The manifest's own content hash, to notice edits.
    pub hash: Option<String>,
    /// The manifest could not be read: it has no entries, and what the
    /// index has from the last good one stands.
    pub broken: bool,
}

impl Manifest {
    /// Loads `sources.toml` from the corpus directory; no file, no entries.
    pub fn load(corpus: &Path, warnings: &mut Vec<Warning>) -> Result<Manifest> {
        let path = corpus.join(MANIFEST_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Manifest::default()),
            Err(e) => return Err(Error::io(path, e)),
        };
        match Manifest::parse(&text, &path, warnings) {
            Ok(mut manifest) => {
                manifest.hash = Some(crate::fingerprint::hex(text.as_bytes()));
                Ok(manifest)
            }
            Err(e) => {
                warnings.push(
                    Warning::general(format!("{e}; its metadata is not used until it is fixed"))
                        .as_error(),
                );
                Ok(Manifest {
                    broken: true,
                    ..Manifest::default()
                })
            }
        }
    }

    /// Parses a manifest's text; `path` names it in messages.
    pub fn parse(text: &str, path: &Path, warnings: &mut Vec<Warning>) -> Result<Manifest> {
        let raw: RawManifest = toml::from_str(text).map_err(|e| {
            let place = e.span().map_or(String::new(), |span| {
                let before = &text[..span.start.min(text.len())];
                let line = before.matches('\n').count() + 1;
                let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                format!(":{line}:{column}")
            });
            Error::Manifest {
                path: PathBuf::from(format!("{}{place}", path.display())),
                message: crate::error::one_line(e.message()),
            }
        })?;
        let mut entries = BTreeMap::new();
        for entry in raw.source {
            let file = entry.file.replace('\\', "/");
            let mut warn = |message: String| {
                warnings.push(Warning::file(
                    PathBuf::from(path),
                    format!("[{file}] {message}"),
                ));
            };
            let date = entry.date.as_deref().and_then(|d| match d.parse() {
                Ok(date) => Some(date),
                Err(e) => {
                    warn(format!("date ignored: {e}"));
                    None
                }
            });
            let lang = entry.lang.as_deref().and_then(|l| match l.parse() {
                Ok(lang) => Some(lang),
                Err(e) => {
                    warn(format!("lang ignored: {e}"));
                    None
                }
            });
            let id = entry.id.and_then(|id| {
                let key = super::key::slug(&id);
                if key.is_empty() {
                    warn(format!("id '{id}' ignored: it has no letter or digit"));
                    None
                } else {
                    Some(key)
                }
            });
            let mut authors = entry.authors;
            if let Some(author) = entry.author {
                authors.insert(0, author);
            }
            let checked = ManifestEntry {
                doc: id,
                bib: Bibliographic {
                    title: non_empty(entry.title),
                    authors: authors
                        .into_iter()
                        .filter(|a| !a.trim().is_empty())
                        .collect(),
                    source: non_empty(entry.publisher),
                    date,
                    url: non_empty(entry.url),
                    csl_type: non_empty(entry.kind),
                    container: non_empty(entry.container),
                },
                lang,
            };
            if entries.insert(file.clone(), checked).is_some() {
                warnings.push(Warning::file(
                    path,
                    format!("[{file}] listed twice; the last entry wins"),
                ));
            }
        }
        Ok(Manifest {
            entries,
            ..Manifest::default()
        })
    }

    /// The entry for a corpus-relative path.
    pub fn get(&self, rel_path: &str) -> Option<&ManifestEntry> {
        self.entries.get(rel_path)
    }

    /// The paths its entries name.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_and_bad_fields() {
        let mut warnings = Vec::new();
        let m = Manifest::parse(
            r#"
[[source]]
file = "a.txt"
id = "TF1 2021-10-18"
author = "Aurélie Loek"
date = "2021-10-18"
lang = "fr"

[[source]]
file = "b.md"
date = "October 2021"
lang = "de"
"#,
            Path::new("corpus/sources.toml"),
            &mut warnings,
        )
        .unwrap();
        let a = m.get("a.txt").unwrap();
        assert_eq!(a.doc.as_deref(), Some("tf1-2021-10-18"));
        assert_eq!(a.bib.authors, ["Aurélie Loek"]);
        assert_eq!(a.bib.date.unwrap().to_string(), "2021-10-18");
        let b = m.get("b.md").unwrap();
        assert_eq!((b.bib.date, b.lang), (None, None));
        assert_eq!(warnings.len(), 2);
        assert!(warnings[0]
            .to_string()
            .starts_with("corpus/sources.toml: [b.md] date ignored"));
    }

    #[test]
    fn invalid_toml_is_an_error_naming_the_file() {
        let err = Manifest::parse(
            "[[source]\nfile=",
            Path::new("x/sources.toml"),
            &mut Vec::new(),
        )
        .unwrap_err();
        assert!(err.to_string().starts_with("x/sources.toml:1:"), "{err}");
    }
}
