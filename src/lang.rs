//! Language detection restricted to French and English.
//!
//! whatlang is asked to choose between French and English only. Its answer
//! is trusted when it says it is reliable and the text is long enough;
//! otherwise the caller's fallback (the document's dominant language) wins.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use whatlang::Detector;

/// The languages nrel-search analyses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Lang {
    /// French.
    #[serde(rename = "fr")]
    French,
    /// English.
    #[serde(rename = "en")]
    English,
}

impl Lang {
    /// Both languages, French first.
    pub const ALL: [Lang; 2] = [Lang::French, Lang::English];

    /// The ISO 639-1 code: `fr` or `en`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::French => "fr",
            Lang::English => "en",
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Lang {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "fr" | "fra" | "fre" | "french" | "français" | "francais" => Ok(Lang::French),
            "en" | "eng" | "english" | "anglais" => Ok(Lang::English),
            other => Err(format!("unknown language '{other}' (expected fr or en)")),
        }
    }
}

/// A query's language is trusted from this confidence on.
pub const QUERY_CONFIDENCE: f64 = 0.5;

/// Below this many words a detection is not trusted.
const MIN_WORDS: usize = 8;

/// What detection says of one text.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Detection {
    /// The language whatlang prefers between French and English.
    pub lang: Lang,
    /// Whether the text is long and clear enough to trust it.
    pub reliable: bool,
}

/// Detects French or English.
pub struct LangDetector {
    detector: Detector,
}

impl Default for LangDetector {
    fn default() -> Self {
        LangDetector {
            detector: Detector::with_allowlist(vec![whatlang::Lang::Fra, whatlang::Lang::Eng]),
        }
    }
}

impl LangDetector {
    /// Detects the language of `text`; `None` when there is nothing to go on.
    pub fn detect(&self, text: &str) -> Option<Detection> {
        let info = self.detector.detect(text)?;
        let lang = match info.lang() {
            whatlang::Lang::Eng => Lang::English,
            _ => Lang::French,
        };
        let words = text.split_whitespace().count();
        Some(Detection {
            lang,
            reliable: words >= MIN_WORDS && info.confidence() >= 0.5,
        })
    }

    /// The language of a short query, when it is clear enough (three words
    /// or more, confidence at least [`QUERY_CONFIDENCE`]).
    pub fn detect_query(&self, query: &str) -> Option<Lang> {
        if query.split_whitespace().count() < 3 {
            return None;
        }
        let info = self.detector.detect(query)?;
        if info.confidence() < QUERY_CONFIDENCE {
            return None;
        }
        Some(match info.lang() {
            whatlang::Lang::Eng => Lang::English,
            _ => Lang::French,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_and_english_sentences() {
        let d = LangDetector::default();
        let en = d
            .detect("Allies continue to believe that a partnership between NATO and Russia, based on respect for international law, would be of strategic value.")
            .unwrap();
        assert_eq!(
            en,
            Detection {
                lang: Lang::English,
                reliable: true
            }
        );
        let fr = d
            .detect("Les Alliés continuent de croire qu'un partenariat entre l'OTAN et la Russie aurait une valeur stratégique.")
            .unwrap();
        assert_eq!(
            fr,
            Detection {
                lang: Lang::French,
                reliable: true
            }
        );
    }

    #[test]
    fn short_text_falls_back() {
        let d = LangDetector::default();
        // Too short to be trusted: the caller's fallback decides.
        assert!(d.detect("Revue conjointe").is_none_or(|x| !x.reliable));
        assert!(d.detect("").is_none_or(|x| !x.reliable));
    }

    #[test]
    fn query_language() {
        let d = LangDetector::default();
        assert_eq!(
            d.detect_query("partnership between NATO and Russia"),
            Some(Lang::English)
        );
        assert_eq!(d.detect_query("la menace grandissante"), Some(Lang::French));
        assert_eq!(d.detect_query("Conseil OTAN-Russie"), None);
    }

    #[test]
    fn parse_codes() {
        assert_eq!("FR".parse::<Lang>(), Ok(Lang::French));
        assert_eq!("english".parse::<Lang>(), Ok(Lang::English));
        assert!("de".parse::<Lang>().is_err());
    }
}
