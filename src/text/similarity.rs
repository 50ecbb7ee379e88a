//! How alike two texts are, once case, apostrophes, quotes and spacing are
//! set aside: the normal form that passage ids hash and that quotations are
//! compared in, and the word overlap that finds what became of a passage
//! whose text changed.

use std::collections::HashSet;

/// Lowercases, unifies apostrophes and quotes, collapses white space.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in word.chars() {
            match c {
                '’' | '‘' | 'ʼ' | '´' => out.push('\''),
                '“' | '”' | '«' | '»' => out.push('"'),
                c => out.extend(c.to_lowercase()),
            }
        }
    }
    out
}

/// Lowercased words, apostrophes normalised.
pub fn word_set(text: &str) -> HashSet<String> {
    normalize(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Dice coefficient of two word sets.
pub fn similarity(a: &HashSet<String>, b: &HashSet<String>) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 0.0;
    }
    2.0 * a.intersection(b).count() as f64 / (a.len() + b.len()) as f64
}

/// The item whose text (given by `text_of`) shares the largest part of its
/// words with `text`, if any shares one.
pub fn closest<'a, T>(text: &str, items: &'a [T], text_of: impl Fn(&T) -> &str) -> Option<&'a T> {
    let words = word_set(text);
    items
        .iter()
        .map(|item| (similarity(&words, &word_set(text_of(item))), item))
        .filter(|(s, _)| *s > 0.0)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, item)| item)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_form() {
        assert_eq!(
            normalize("L’OTAN  et\n« la »  Russie"),
            "l'otan et \" la \" russie"
        );
    }

    #[test]
    fn closest_shares_most_words() {
        let texts = ["le Conseil OTAN-Russie", "la guerre en Géorgie", "rien"];
        let best = closest("Le conseil s’est réuni (OTAN)", &texts, |t| t);
        assert_eq!(best, Some(&"le Conseil OTAN-Russie"));
        assert_eq!(closest("zeppelin", &texts, |t| t), None);
    }
}
