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
        }
    }
}

/// The tokenizer a [`SnowballFilter`] wraps around another one.
#[derive(Clone)]
pub struct SnowballTokenizer<T> {
    inner: T,
    stemmer: Arc<Stemmer>,
}

impl<T: Tokenizer> Tokenizer for SnowballTokenizer<T> {
    type TokenStream<'a> = SnowballTokenStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        SnowballTokenStream {
            tail: self.inner.token_stream(text),
            stemmer: &self.stemmer,
        }
    }
}

/// The stream of a [`SnowballTokenizer`].
pub struct SnowballTokenStream<'a, T> {
    tail: T,
    stemmer: &'a Stemmer,
}

impl<T: TokenStream> TokenStream for SnowballTokenStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if let Cow::Owned(stem) = self.stemmer.stem(&token.text) {
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
}
