//! Everything known of a source document: its key and path, its
//! bibliographic record (the manifest's entry completed by what the text
//! says), and its languages.

use serde::{Deserialize, Serialize};

use super::bibliographic::Bibliographic;
use super::manifest::ManifestEntry;
use crate::lang::Lang;

/// Everything known about a source document.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SourceMeta {
    /// Stable document key, used in passage ids (`doc` in JSON output).
    #[serde(rename = "key")]
    pub doc: String,
    /// Path inside the corpus, with `/` separators.
    pub path: String,
    /// Title, authors, source, date…
    #[serde(flatten)]
    pub bib: Bibliographic,
    /// Language the manifest forces on every passage.
    #[serde(rename = "lang")]
    pub forced_lang: Option<Lang>,
    /// The language most of the document is in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub main_lang: Option<Lang>,
    /// The file's format when it is not text: `pdf`, `html`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
}

impl SourceMeta {
    /// Merges the manifest entry (which wins) with what the text says.
    pub fn resolve(
        path: &str,
        default_doc: String,
        entry: Option<&ManifestEntry>,
        extracted: Bibliographic,
    ) -> SourceMeta {
        let entry = entry.cloned().unwrap_or_default();
        SourceMeta {
            doc: entry.doc.unwrap_or(default_doc),
            path: path.to_owned(),
            bib: entry.bib.or(extracted),
            forced_lang: entry.lang,
            main_lang: None,
            format: None,
        }
    }

    /// The document's language: forced by the manifest, or the dominant one.
    pub fn language(&self) -> Option<Lang> {
        self.forced_lang.or(self.main_lang)
    }
}
