//! A document's bibliographic record: what a citation says of it. The
//! manifest, the front matter of saved pages and the text itself each give
//! one; [`Bibliographic::or`] lets the first that knows a field win.

use serde::{Deserialize, Serialize};

use super::date::PartialDate;

/// Title, authors, source, date, address, type and container of a document.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Bibliographic {
    /// Title.
    pub title: Option<String>,
    /// Authors, in order.
    #[serde(default)]
    pub authors: Vec<String>,
    /// Publisher or source (`source` in searches and JSON output).
    #[serde(rename = "publisher")]
    pub source: Option<String>,
    /// Publication date.
    pub date: Option<PartialDate>,
    /// Address of the original.
    pub url: Option<String>,
    /// CSL item type (`article-newspaper`, `webpage`, `report`…).
    #[serde(rename = "kind")]
    pub csl_type: Option<String>,
    /// Container title (journal, book) the text appeared in.
    pub container: Option<String>,
}

impl Bibliographic {
    /// This record completed by `other`: each field this one lacks is taken
    /// from `other`.
    pub fn or(self, other: Bibliographic) -> Bibliographic {
        Bibliographic {
            title: self.title.or(other.title),
            authors: if self.authors.is_empty() {
                other.authors
            } else {
                self.authors
            },
            source: self.source.or(other.source),
            date: self.date.or(other.date),
            url: self.url.or(other.url),
            csl_type: self.csl_type.or(other.csl_type),
            container: self.container.or(other.container),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_that_knows_wins() {
        let manifest = Bibliographic {
            title: Some("Titre du manifeste".into()),
            ..Bibliographic::default()
        };
        let text = Bibliographic {
            title: Some("Titre du texte".into()),
            authors: vec!["Aurélie Loek".into()],
            date: "2021-10-18".parse().ok(),
            ..Bibliographic::default()
        };
        let merged = manifest.or(text);
        assert_eq!(merged.title.as_deref(), Some("Titre du manifeste"));
        assert_eq!(merged.authors, ["Aurélie Loek"]);
        assert_eq!(merged.date.unwrap().to_string(), "2021-10-18");
        assert_eq!(merged.source, None);
    }
}
