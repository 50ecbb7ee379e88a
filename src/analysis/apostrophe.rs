//! Token filter for words split at an apostrophe: French elision (`l’OTAN`,
//! `qu'il`, `jusqu’au`) and English possessives and contractions (`NATO's`,
//! `don't`).
//!
//! The word tokenizer splits at apostrophes, so `l’élargissement` arrives as
//! the two tokens `l` and `élargissement`. This filter looks at the source
//! text around each token and drops the clitic: a token from the list that is
//! directly *followed* by an apostrophe (elision) or directly *preceded* by
//! one (possessive), whichever the filter was built for. Both the ASCII `'`
//! and the typographic `’` count, and so do `‘`, `ʼ` and `´`.

use std::sync::Arc;

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

/// Characters that act as an apostrophe between two parts of a word.
pub const APOSTROPHES: [char; 5] = ['\'', '’', '‘', 'ʼ', '´'];

/// Which side of the apostrophe the clitic stands on.
#[derive(Clone, Copy, Debug)]
enum Side {
    /// `l’` + word: the clitic is followed by the apostrophe.
    BeforeApostrophe,
    /// word + `’s`: the clitic is preceded by the apostrophe.
    AfterApostrophe,
}

/// Drops clitics attached to a word by an apostrophe.
#[derive(Clone, Debug)]
pub struct ApostropheFilter {
    clitics: Arc<Vec<&'static str>>,
    side: Side,
}

impl ApostropheFilter {
    /// French elision: `l d j m n s t c qu jusqu quoiqu lorsqu puisqu`.
    pub fn french_elision() -> Self {
        ApostropheFilter {
            clitics: Arc::new(vec![
                "l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "quoiqu", "lorsqu", "puisqu",
            ]),
            side: Side::BeforeApostrophe,
        }
    }

    /// English possessive `’s` and the contractions `’t ’ll ’re ’ve ’d ’m`.
    pub fn english_possessive() -> Self {
        ApostropheFilter {
            clitics: Arc::new(vec!["s", "t", "ll", "re", "ve", "d", "m"]),
            side: Side::AfterApostrophe,
        }
    }

    fn is_clitic(&self, text: &str, token: &Token) -> bool {
        let word = &token.text;
        if word.len() > 6 || !self.clitics.iter().any(|c| c.eq_ignore_ascii_case(word)) {
            return false;
        }
        match self.side {
            Side::BeforeApostrophe => text
                .get(token.offset_to..)
                .and_then(|rest| rest.chars().next())
                .is_some_and(|c| APOSTROPHES.contains(&c)),
            Side::AfterApostrophe => text
                .get(..token.offset_from)
                .and_then(|before| before.chars().next_back())
                .is_some_and(|c| APOSTROPHES.contains(&c)),
        }
    }
}

impl TokenFilter for ApostropheFilter {
    type Tokenizer<T: Tokenizer> = ApostropheTokenizer<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> ApostropheTokenizer<T> {
        ApostropheTokenizer {
            inner,
            filter: self,
        }
    }
}

/// The tokenizer an [`ApostropheFilter`] wraps around another one.
#[derive(Clone)]
pub struct ApostropheTokenizer<T> {
    inner: T,
    filter: ApostropheFilter,
}

impl<T: Tokenizer> Tokenizer for ApostropheTokenizer<T> {
    type TokenStream<'a> = ApostropheTokenStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        ApostropheTokenStream {
            tail: self.inner.token_stream(text),
            text,
            filter: &self.filter,
        }
    }
}

/// The stream of an [`ApostropheTokenizer`].
pub struct ApostropheTokenStream<'a, T> {
    tail: T,
    text: &'a str,
    filter: &'a ApostropheFilter,
}

impl<T: TokenStream> TokenStream for ApostropheTokenStream<'_, T> {
    fn advance(&mut self) -> bool {
        while self.tail.advance() {
            if !self.filter.is_clitic(self.text, self.tail.token()) {
                return true;
            }
        }
        false
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
    use super::ApostropheFilter;
    use tantivy::tokenizer::{SimpleTokenizer, TextAnalyzer};

    fn words(filter: ApostropheFilter, text: &str) -> Vec<String> {
        let mut analyzer = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(filter)
            .build();
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while let Some(token) = stream.next() {
            out.push(token.text.clone());
        }
        out
    }

    #[test]
    fn french_elision_with_both_apostrophes() {
        assert_eq!(
            words(ApostropheFilter::french_elision(), "l'OTAN et l’Alliance"),
            ["OTAN", "et", "Alliance"]
        );
        assert_eq!(
            words(
                ApostropheFilter::french_elision(),
                "jusqu’au printemps, lorsqu'il d’août qu’un"
            ),
            ["au", "printemps", "il", "août", "un"]
        );
    }

    #[test]
    fn a_lone_letter_without_apostrophe_stays() {
        // « l » as a letter in a list, « d » in « plan d » without elision.
        assert_eq!(
            words(ApostropheFilter::french_elision(), "point d et l"),
            ["point", "d", "et", "l"]
        );
    }

    #[test]
    fn english_possessive_and_contractions() {
        assert_eq!(
            words(
                ApostropheFilter::english_possessive(),
                "NATO's and Russia’s postures don't"
            ),
            ["NATO", "and", "Russia", "postures", "don"]
        );
    }
}
