//! Snowball stemming with rust-stemmers, as a tantivy token filter.

use std::borrow::Cow;
use std::sync::Arc;

use rust_stemmers::{Algorithm, Stemmer};
use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

/// Replaces each token by its Snowball stem.
#[derive(Clone)]
pub struct SnowballFilter {
    stemmer: Arc<Stemmer>,
}

impl SnowballFilter {
    /// A filter for the given Snowball algorithm.
    pub fn new(algorithm: Algorithm) -> Self {
        SnowballFilter {
            stemmer: Arc::new(Stemmer::create(algorithm)),
        }
    }
}

impl TokenFilter for SnowballFilter {
    type Tokenizer<T: Tokenizer> = SnowballTokenizer<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> SnowballTokenizer<T> {
        SnowballTokenizer {
            inner,
            stemmer: self.stemmer,
            stems: StemCache::default(),
        }
    }
}

/// The tokenizer a [`SnowballFilter`] wraps around another one. Each copy
/// (tantivy gives each indexing thread its own) remembers the stems of the
/// words it saw: words recur, and a lookup costs less than the Snowball
/// algorithm.
pub struct SnowballTokenizer<T> {
    inner: T,
    stemmer: Arc<Stemmer>,
    stems: StemCache,
}

impl<T: Clone> Clone for SnowballTokenizer<T> {
    fn clone(&self) -> Self {
        SnowballTokenizer {
            inner: self.inner.clone(),
            stemmer: Arc::clone(&self.stemmer),
            stems: StemCache::default(),
        }
    }
}

/// Stems of words seen, `None` for a word that is its own stem.
type StemCache = rustc_hash::FxHashMap<String, Option<String>>;

/// Most words whose stems a tokenizer remembers; then it starts again.
const CACHED_STEMS: usize = 65_536;

impl<T: Tokenizer> Tokenizer for SnowballTokenizer<T> {
    type TokenStream<'a> = SnowballTokenStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        SnowballTokenStream {
            tail: self.inner.token_stream(text),
            stemmer: &self.stemmer,
            stems: &mut self.stems,
        }
    }
}

/// The stream of a [`SnowballTokenizer`].
pub struct SnowballTokenStream<'a, T> {
    tail: T,
    stemmer: &'a Stemmer,
    stems: &'a mut StemCache,
}

impl<T: TokenStream> TokenStream for SnowballTokenStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if let Some(known) = self.stems.get(token.text.as_str()) {
            if let Some(stem) = known {
                token.text.clear();
                token.text.push_str(stem);
            }
            return true;
        }
        let stem = match self.stemmer.stem(&token.text) {
            Cow::Owned(stem) => Some(stem),
            Cow::Borrowed(_) => None,
        };
        if self.stems.len() >= CACHED_STEMS {
            self.stems.clear();
        }
        self.stems.insert(token.text.clone(), stem.clone());
        if let Some(stem) = stem {
            token.text = stem;
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::SnowballFilter;
    use rust_stemmers::Algorithm;
    use tantivy::tokenizer::{SimpleTokenizer, TextAnalyzer};

    #[test]
    fn french_plural_and_singular_share_a_stem() {
        let mut analyzer = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(SnowballFilter::new(Algorithm::French))
            .build();
        let mut stems = Vec::new();
        let mut stream = analyzer.token_stream("relations relation");
        while let Some(token) = stream.next() {
            stems.push(token.text.clone());
        }
        assert_eq!(stems[0], stems[1]);
        assert_eq!(stems[0], "relat");
    }

    #[test]
    fn remembered_stems_are_the_stems() {
        // Words seen again, words that are their own stem, and more words
        // than the tokenizer remembers: the same tokens as the algorithm.
        let stemmer = rust_stemmers::Stemmer::create(Algorithm::French);
        let mut analyzer = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(SnowballFilter::new(Algorithm::French))
            .build();
        let mut words: Vec<String> = "les relations entre la russie et les alliés relations russie"
            .split(' ')
            .map(str::to_owned)
            .collect();
        words.extend((0..super::CACHED_STEMS + 10).map(|i| format!("mot{i}s")));
        words.extend(["relations".to_owned(), "mot3s".to_owned()]);
        for _ in 0..2 {
            let text = words.join(" ");
            let mut stream = analyzer.token_stream(&text);
            let mut i = 0;
            while let Some(token) = stream.next() {
                assert_eq!(token.text, stemmer.stem(&words[i]), "{}", words[i]);
                i += 1;
            }
            assert_eq!(i, words.len());
        }
    }
}
