//! Text analysis: the per-language analyzers used at index and query time.
//!
//! Every analyzer is built here and registered by name in one place,
//! [`register`], which must be called each time an index is opened (tantivy
//! does not store analyzers in the index). The chains are, in order:
//!
//! * French ([`FRENCH`]): split into words (apostrophes and hyphens split),
//!   drop elided clitics (`l’`, `qu'`, `jusqu’`…), lowercase, drop French
//!   stop words, fold accents, Snowball French stem.
//! * English ([`ENGLISH`]): split, drop possessive `’s` and contractions,
//!   lowercase, drop English stop words, fold accents, Snowball English stem.
//! * Keyword ([`KEYWORD`]): split, lowercase, fold; for metadata filters.
//!
//! Stop words are removed before accents are folded, so that the accented
//! stop words of the lists match; folding is identical at index and query
//! time because both go through the same registered analyzer.

mod apostrophe;
mod stem;
mod stopwords;

pub use apostrophe::{ApostropheFilter, APOSTROPHES};
pub use stem::SnowballFilter;

use std::sync::OnceLock;

use rust_stemmers::Algorithm;
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, StopWordFilter,
    TextAnalyzer, TokenizerManager,
};

use crate::lang::Lang;

/// Name of the French analyzer.
pub const FRENCH: &str = "nrel_fr";
/// Name of the English analyzer.
pub const ENGLISH: &str = "nrel_en";
/// Name of the keyword analyzer (lowercase and fold only).
pub const KEYWORD: &str = "nrel_keyword";

/// Version of the analysis: the cleaning of texts and the analysis chains.
/// Bump it whenever a change to either changes the passages or the tokens
/// produced: an index built with another version is rebuilt rather than
/// misread.
pub const ANALYSIS_VERSION: u32 = 3;

/// Tokens longer than this many bytes are dropped (base64, URLs gone wrong).
const MAX_TOKEN_LEN: usize = 48;

/// What differs between the languages' chains.
struct LanguageChain {
    name: &'static str,
    apostrophes: fn() -> ApostropheFilter,
    stop_words: fn() -> Vec<String>,
    stemmer: Algorithm,
}

/// The per-language table.
fn chain(lang: Lang) -> LanguageChain {
    match lang {
        Lang::French => LanguageChain {
            name: FRENCH,
            apostrophes: ApostropheFilter::french_elision,
            stop_words: stopwords::french,
            stemmer: Algorithm::French,
        },
        Lang::English => LanguageChain {
            name: ENGLISH,
            apostrophes: ApostropheFilter::english_possessive,
            stop_words: stopwords::english,
            stemmer: Algorithm::English,
        },
    }
}

/// The analyzer of a language: split, elision or possessives, lowercase,
/// stop words, accent folding, Snowball stemming. Built once per process
/// (a stop word set, a stemmer) and cloned.
pub fn analyzer(lang: Lang) -> TextAnalyzer {
    static BUILT: OnceLock<[TextAnalyzer; 2]> = OnceLock::new();
    let built = BUILT.get_or_init(|| [build(Lang::French), build(Lang::English)]);
    built[usize::from(lang == Lang::English)].clone()
}

/// Builds the analyzer of a language.
fn build(lang: Lang) -> TextAnalyzer {
    let chain = chain(lang);
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_LEN))
        .filter((chain.apostrophes)())
        .filter(LowerCaser)
        .filter(StopWordFilter::remove((chain.stop_words)()))
        .filter(AsciiFoldingFilter)
        .filter(SnowballFilter::new(chain.stemmer))
        .build()
}

/// The keyword analyzer: words, lowercased and folded, nothing removed.
/// Built once per process and cloned.
pub fn keyword_analyzer() -> TextAnalyzer {
    static BUILT: OnceLock<TextAnalyzer> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            TextAnalyzer::builder(SimpleTokenizer::default())
                .filter(RemoveLongFilter::limit(MAX_TOKEN_LEN))
                .filter(LowerCaser)
                .filter(AsciiFoldingFilter)
                .build()
        })
        .clone()
}

/// Registers every analyzer of nrel-search under its name.
pub fn register(manager: &TokenizerManager) {
    for lang in Lang::ALL {
        manager.register(chain(lang).name, analyzer(lang));
    }
    manager.register(KEYWORD, keyword_analyzer());
}

/// Runs an analyzer over `text` and returns the token texts; handy for
/// tests and for explaining a query.
pub fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while let Some(token) = stream.next() {
        out.push(token.text.clone());
    }
    out
}

/// Runs an analyzer over `text` and returns each token with its offset
/// from the first token's position: removed stop words leave gaps, which
/// a phrase query must keep (`partenariat pour la paix` is `partenariat`
/// at 0 and `paix` at 3).
pub fn positioned_tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(usize, String)> {
    let mut stream = analyzer.token_stream(text);
    let mut out: Vec<(usize, String)> = Vec::new();
    let mut first = None;
    while let Some(token) = stream.next() {
        let start = *first.get_or_insert(token.position);
        out.push((token.position - start, token.text.clone()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fr(text: &str) -> Vec<String> {
        tokens(&mut analyzer(Lang::French), text)
    }

    fn en(text: &str) -> Vec<String> {
        tokens(&mut analyzer(Lang::English), text)
    }

    #[test]
    fn french_accents_elision_and_plural_meet() {
        let forms = [
            "elargissement",
            "élargissement",
            "l’élargissement",
            "l'élargissement",
            "élargissements",
            "ÉLARGISSEMENT",
        ];
        for form in forms {
            assert_eq!(fr(form), ["elarg"], "{form}");
        }
    }

    #[test]
    fn french_stop_words_go_before_folding() {
        // « à » is a stop word; « a » (the verb) is not, and folding « à »
        // first would have turned it into « a ».
        assert_eq!(fr("à Moscou"), ["moscou"]);
        assert_eq!(fr("la Russie a décidé"), ["russ", "a", "decid"]);
        assert_eq!(fr("de la"), Vec::<String>::new());
    }

    #[test]
    fn french_hyphens_split_words() {
        assert_eq!(fr("OTAN-Russie"), ["otan", "russ"]);
        assert_eq!(fr("russo-géorgienne"), ["russo", "georgien"]);
    }

    #[test]
    fn french_elided_conjunctions() {
        assert_eq!(fr("jusqu’au printemps"), ["printemp"]);
        assert_eq!(
            fr("lorsqu'Obama puisqu’Ankara quoiqu'Oslo"),
            ["obam", "ankar", "oslo"]
        );
    }

    #[test]
    fn english_chain() {
        assert_eq!(en("NATO's postures"), ["nato", "postur"]);
        assert_eq!(
            en("Allies continue to believe that a partnership"),
            ["alli", "continu", "believ", "partnership"]
        );
    }

    #[test]
    fn positions_keep_the_gaps_of_stop_words() {
        let mut french = analyzer(Lang::French);
        assert_eq!(
            positioned_tokens(&mut french, "le Partenariat pour la paix"),
            [(0, "partenariat".to_owned()), (3, "paix".to_owned())]
        );
    }

    #[test]
    fn keyword_folds_without_stemming() {
        assert_eq!(
            tokens(&mut keyword_analyzer(), "Le Débat stratégique"),
            ["le", "debat", "strategique"]
        );
    }
}
