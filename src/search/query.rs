//! The query with operators: parsed leniently by tantivy's `QueryParser`
//! over both language fields (each analysed by its own analyzer), the other
//! language's field weighed down for a query in a known language, and the
//! one-letter-away variant tried when nothing matches exactly. (Plain
//! words are built in [`super::plain`], which uses the same parser.)

use tantivy::query::{BooleanQuery, Occur, Query, QueryParser, QueryParserError};

use crate::analysis::{self, tokens};
use crate::error::one_line;
use crate::index::SearchIndex;
use crate::lang::Lang;

/// Edit distance of the words tried when nothing matches exactly.
pub(crate) const FUZZY_DISTANCE: u8 = 1;
/// Weight of the other language's field for a query in a known language,
/// when the query is not translated.
pub const OTHER_LANGUAGE_BOOST: f32 = 0.25;

/// The parser for a query over both language fields. A query in a known
/// language weighs the other language's field by `other_weight`: there,
/// its words are rare and would score too high.
pub fn parser(index: &SearchIndex, lang: Option<Lang>, other_weight: f32) -> QueryParser {
    let fields = index.fields();
    let mut parser = QueryParser::for_index(index.index(), vec![fields.text_fr, fields.text_en]);
    if let Some(lang) = lang {
        parser.set_field_boost(fields.text_for(lang.other()), other_weight);
    }
    parser
}

/// Longest part of a query repeated in a message, in characters.
const ECHO_CHARS: usize = 80;

/// The query as messages repeat it: on one line, a long one cut.
pub fn echo(query: &str) -> String {
    let line = one_line(query);
    match line.char_indices().nth(ECHO_CHARS) {
        Some((at, _)) => format!("{}…", &line[..at]),
        None => line,
    }
}

/// The query as the parser is given it: a colon is text, not a field
/// (`Russie-Otan très tendues : que se passe-t-il`), since no field is
/// searched by name.
pub fn prepare(query: &str) -> String {
    query.replace(':', " ")
}

/// Parses a query with operators; `None` when it only excludes words.
/// (What the parser cannot read has been made plain words by [`repair`].)
pub fn parse(parser: &QueryParser, query: &str) -> Option<Box<dyn Query>> {
    let (parsed, errors) = parser.parse_query_lenient(query);
    let only_excludes = errors
        .iter()
        .any(|e| matches!(e, QueryParserError::AllButQueryForbidden));
    (!only_excludes).then_some(parsed)
}

/// Operators of the query syntax, as words.
pub(crate) const OPERATORS: [&str; 3] = ["AND", "OR", "NOT"];

/// The characters of the query syntax besides `-` (a colon too, though
/// [`prepare`] makes it a space).
pub(crate) const SYNTAX: [char; 12] = ['"', '+', ':', '(', ')', '^', '~', '*', '[', ']', '{', '}'];

/// The plain words of a query that the parser cannot read, and why: its
/// syntax characters dropped, `-excluded` words kept, operators dropped.
/// An operator with nothing on one side (`Russie AND`) counts as
/// unreadable: the parser would search it as a word. `None` when the query
/// reads.
pub fn repair(parser: &QueryParser, query: &str) -> Option<(String, String)> {
    let words: Vec<&str> = query.split_whitespace().collect();
    let dangling = words
        .first()
        .is_some_and(|w| OPERATORS.contains(w) && *w != "NOT")
        || words.last().is_some_and(|w| OPERATORS.contains(w));
    let why = if dangling {
        "an operator with nothing on one side".to_owned()
    } else {
        let (_, errors) = parser.parse_query_lenient(query);
        let error = errors
            .iter()
            .find(|e| !matches!(e, QueryParserError::AllButQueryForbidden))?;
        one_line(&error.to_string())
    };
    // Exclusions stay exclusions: `NOT w` and `-w`, every word of a
    // quotation excluded as a whole (`-"bouclier antimissile`), and a word
    // excluded inside a quotation (`"-Russie`).
    let mut plain: Vec<String> = Vec::new();
    let (mut not, mut excluded_quote) = (false, false);
    for word in words {
        if word == "NOT" {
            not = true;
            continue;
        }
        if OPERATORS.contains(&word) {
            continue;
        }
        let (dash, rest) = match word.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, word),
        };
        let sign = std::mem::take(&mut not) || dash || excluded_quote;
        if word.matches('"').count() % 2 == 1 {
            // A quotation opens or closes here.
            excluded_quote = !excluded_quote && dash && rest.starts_with(['"', '(']);
        }
        let bare: String = rest
            .chars()
            .map(|c| if SYNTAX.contains(&c) { ' ' } else { c })
            .collect();
        for part in bare.split_whitespace() {
            let excluded = sign || part.starts_with('-');
            let part = part.trim_start_matches('-');
            if !part.is_empty() {
                plain.push(format!("{}{part}", if excluded { "-" } else { "" }));
            }
        }
    }
    Some((plain.join(" "), why))
}

/// The query with words one letter away allowed; its own syntax
/// (-excluded, "phrases") still holds.
pub fn fuzzy(index: &SearchIndex, parser: &QueryParser, query: &str) -> Box<dyn Query> {
    fuzzy_parser(index, parser).parse_query_lenient(query).0
}

/// The plain words of a query with words one letter away allowed, when
/// nothing matches them exactly: a passage needs at least half of the
/// words that are stop words in neither language, each exactly or one
/// letter away (`Stoltenburg Lavrof` finds the passages naming either;
/// `chocolate cake recipe` does not answer with every passage that has a
/// word one letter from `cake`), and none of the `excluded` ones.
pub fn fuzzy_words(
    index: &SearchIndex,
    parser: &QueryParser,
    words: &[String],
    excluded: &[Box<dyn Query>],
) -> Box<dyn Query> {
    let fuzzy_parser = fuzzy_parser(index, parser);
    let (words, least) = approximate_words(words);
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = words
        .iter()
        .map(|w| (Occur::Should, fuzzy_parser.parse_query_lenient(w).0))
        .collect();
    clauses.extend(excluded.iter().map(|q| (Occur::MustNot, q.box_clone())));
    Box::new(BooleanQuery::with_minimum_required_clauses(clauses, least))
}

/// The words of a plain query tried one letter away (those that are stop
/// words in neither language), and how many of them a passage needs: half,
/// rounded up.
fn approximate_words(words: &[String]) -> (Vec<String>, usize) {
    let words: Vec<String> = words.iter().filter(|w| is_searchable(w)).cloned().collect();
    let least = words.len().div_ceil(2);
    (words, least)
}

/// The parser, with words one letter away allowed in both language fields.
fn fuzzy_parser(index: &SearchIndex, parser: &QueryParser) -> QueryParser {
    let mut fuzzy_parser = parser.clone();
    for lang in Lang::ALL {
        fuzzy_parser.set_field_fuzzy(index.fields().text_for(lang), false, FUZZY_DISTANCE, true);
    }
    fuzzy_parser
}

/// Whether the query has a word that is a stop word in neither language
/// (`le la les` and `the of and` have none).
pub fn has_searchable_word(query: &str) -> bool {
    plain_words(query).split_whitespace().any(is_searchable)
}

/// Whether a word is a stop word in neither language.
fn is_searchable(word: &str) -> bool {
    Lang::ALL
        .into_iter()
        .all(|lang| !tokens(&mut analysis::analyzer(lang), word).is_empty())
}

/// The query with its syntax characters turned into spaces.
pub fn plain_words(query: &str) -> String {
    query
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || analysis::APOSTROPHES.contains(&c) {
                c
            } else {
                ' '
            }
        })
        .collect::<String>()
        .split_whitespace()
        .map(|w| w.trim_start_matches('-'))
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unreadable_query_is_repaired_into_its_plain_words() {
        let dir = tempfile::tempdir().unwrap();
        let index = SearchIndex::create(dir.path()).unwrap();
        let parser = parser(&index, None, 1.0);
        let words = |q: &str| repair(&parser, q).map(|(words, _)| words);
        assert_eq!(
            words("\"NATO enlargement").as_deref(),
            Some("NATO enlargement")
        );
        assert_eq!(
            words("\"NATO enlargement\" -Russie (").as_deref(),
            Some("NATO enlargement -Russie")
        );
        assert_eq!(words("Russie AND").as_deref(), Some("Russie"));
        assert_eq!(words("OR OTAN -(Moscou").as_deref(), Some("OTAN -Moscou"));
        // Exclusions stay exclusions.
        assert_eq!(words("Russie NOT OTAN (").as_deref(), Some("Russie -OTAN"));
        assert_eq!(
            words("Russie -\"bouclier antimissile").as_deref(),
            Some("Russie -bouclier -antimissile")
        );
        assert_eq!(
            words("Russie -\"bouclier antimissile\" OTAN (").as_deref(),
            Some("Russie -bouclier -antimissile OTAN")
        );
        assert_eq!(words("OTAN \"-Russie").as_deref(), Some("OTAN -Russie"));
        // What reads stays as it is.
        assert_eq!(words("\"NATO enlargement\" -Russie"), None);
        assert_eq!(words("OTAN AND (Russie OR Moscou)"), None);
        assert_eq!(words("NOT Russie"), None);
    }

    #[test]
    fn plain_words_drop_syntax() {
        assert_eq!(plain_words("Source : \"JT\" (20h)"), "Source JT 20h");
        assert_eq!(plain_words("l’OTAN -Russie"), "l’OTAN Russie");
    }

    #[test]
    fn approximate_matches_need_half_of_the_words_that_are_no_stop_words() {
        let words: Vec<String> = "le la Stoltenburg Lavrof recipe"
            .split(' ')
            .map(str::to_owned)
            .collect();
        let (tried, least) = approximate_words(&words);
        assert_eq!(tried, ["Stoltenburg", "Lavrof", "recipe"]);
        assert_eq!(least, 2);
        let one = ["Stoltenburg".to_owned()];
        assert_eq!(approximate_words(&one).1, 1);
        assert_eq!(approximate_words(&["the".to_owned()]), (Vec::new(), 0));
    }

    #[test]
    fn punctuation_only() {
        assert!(!has_searchable_word("« ? » - ;"));
        assert!(has_searchable_word("élargissement de l'OTAN"));
    }

    #[test]
    fn stop_words_of_either_language() {
        assert!(!has_searchable_word("le la les"));
        assert!(!has_searchable_word("the of and"));
        assert!(!has_searchable_word("de la"));
        assert!(has_searchable_word("the OTAN"));
    }

    #[test]
    fn long_queries_are_echoed_short() {
        let long = "otan ".repeat(100);
        let echoed = echo(&long);
        assert!(echoed.ends_with('…') && echoed.chars().count() == ECHO_CHARS + 1);
        assert_eq!(echo("Conseil\nOTAN"), "Conseil OTAN");
    }
}
