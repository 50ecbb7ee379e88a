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
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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

    /// Its name, in English ("French", "English").
    pub fn name(self) -> &'static str {
        match self {
            Lang::French => "French",
            Lang::English => "English",
        }
    }

    /// The ISO 639-1 code: `fr` or `en`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::French => "fr",
            Lang::English => "en",
        }
    }

    /// The other language.
    pub fn other(self) -> Lang {
        match self {
            Lang::French => Lang::English,
            Lang::English => Lang::French,
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

/// How much of a text whatlang reads.
const WHATLANG_BYTES: usize = 400;

/// Whether a lowercase word is a French function word that English does
/// not have.
fn is_french_word(word: &str) -> bool {
    matches!(
        word,
        "le" | "la"
            | "les"
            | "des"
            | "du"
            | "une"
            | "et"
            | "est"
            | "dans"
            | "pour"
            | "par"
            | "sur"
            | "qui"
            | "que"
            | "avec"
            | "au"
            | "aux"
            | "sont"
            | "ce"
            | "cette"
            | "il"
            | "elle"
            | "ne"
            | "pas"
            | "plus"
            | "où"
            | "leur"
            | "nous"
            | "vous"
            | "été"
            | "être"
            | "entre"
            | "mais"
            | "son"
            | "ses"
            | "ces"
    )
}

/// Whether a lowercase word is an English function word that French does
/// not have.
fn is_english_word(word: &str) -> bool {
    matches!(
        word,
        "the"
            | "of"
            | "and"
            | "to"
            | "is"
            | "that"
            | "for"
            | "with"
            | "are"
            | "this"
            | "by"
            | "be"
            | "from"
            | "it"
            | "was"
            | "which"
            | "at"
            | "have"
            | "has"
            | "not"
            | "an"
            | "they"
            | "their"
            | "can"
            | "will"
            | "these"
            | "but"
            | "been"
            | "were"
            | "would"
            | "should"
            | "there"
            | "its"
            | "into"
    )
}

/// The language the function words of `text` clearly point to: enough of
/// them (eight words of text, four function words), and four times as many
/// of one language as of the other.
fn function_word_vote(text: &str) -> Option<Lang> {
    let (mut words, mut fr, mut en) = (0usize, 0usize, 0usize);
    for word in text
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
    {
        words += 1;
        if word.len() > 6 {
            continue;
        }
        // Lowercase words (most of them) are compared as they are.
        let lower = if word.chars().all(char::is_lowercase) {
            std::borrow::Cow::Borrowed(word)
        } else {
            std::borrow::Cow::Owned(word.to_lowercase())
        };
        if is_french_word(&lower) {
            fr += 1;
        } else if is_english_word(&lower) {
            en += 1;
        }
    }
    if words < MIN_WORDS || fr + en < 4 {
        return None;
    }
    if fr >= 4 * en.max(1) {
        Some(Lang::French)
    } else if en >= 4 * fr.max(1) {
        Some(Lang::English)
    } else {
        None
    }
}

/// A query's language is trusted from this confidence on.
pub const QUERY_CONFIDENCE: f64 = 0.5;

/// Below this many words a detection is not trusted.
const MIN_WORDS: usize = 8;

/// What detection says of one text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
    /// Detects the language of `text`; `None` when there is nothing to go
    /// on, or too little (fewer than eight words).
    ///
    /// Most passages say which language they are in through their function
    /// words alone; whatlang's trigram statistics, which cost most of an
    /// indexing run, are asked only where the function words leave a doubt.
    pub fn detect(&self, text: &str) -> Option<Detection> {
        // Too short to be trusted, whatever whatlang would say.
        text.split_whitespace().nth(MIN_WORDS - 1)?;
        if let Some(lang) = function_word_vote(text) {
            return Some(Detection {
                lang,
                reliable: true,
            });
        }
        self.whatlang(text)
    }

    /// whatlang's answer for `text`, judged on its first
    /// [`WHATLANG_BYTES`] (its cost grows with the length, its accuracy
    /// hardly does past a few sentences).
    fn whatlang(&self, text: &str) -> Option<Detection> {
        let mut end = text.len().min(WHATLANG_BYTES);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let info = self.detector.detect(&text[..end])?;
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
    fn function_words_agree_with_whatlang_on_the_seed_corpus() {
        // Every paragraph of the bundled corpus on which the function
        // words decide: whatlang, when it is sure, says the same.
        let d = LangDetector::default();
        let corpus = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus");
        let (mut decided, mut english) = (0, 0);
        for entry in std::fs::read_dir(corpus).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            for paragraph in text.split("\n\n") {
                let Some(vote) = function_word_vote(paragraph) else {
                    continue;
                };
                decided += 1;
                english += usize::from(vote == Lang::English);
                if let Some(w) = d.whatlang(paragraph).filter(|w| w.reliable) {
                    assert_eq!(w.lang, vote, "{paragraph}");
                }
            }
        }
        assert!(decided > 50, "{decided}");
        assert!(english >= 1);
    }

    #[test]
    fn unclear_function_words_leave_it_to_whatlang() {
        assert_eq!(
            function_word_vote("NATO Russia Council OTAN Russie Conseil"),
            None
        );
        assert_eq!(
            function_word_vote("le the la of les and des to une is"),
            None,
            "as many of each"
        );
        assert_eq!(
            function_word_vote("Le Conseil de l'Atlantique Nord est réuni et les Alliés sont là"),
            Some(Lang::French)
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
