//! Line-break hyphenation: whether `left-` at a line end and `right` at the
//! start of the next line are one broken word (`con-`/`tre` → `contre`) or a
//! real hyphen (`russo-`/`géorgienne`, `États-`/`Unis`).
//!
//! The document's own vocabulary decides: the joined word written elsewhere
//! in it means a broken word, the hyphenated compound written elsewhere
//! means a real hyphen; a capital after the break or a combining prefix
//! (`euro-`, `russo-`) keeps the hyphen; otherwise the word is joined, as
//! line-end hyphens in typeset text mostly are. A URL wrapped at a slash or
//! hyphen is glued back without a space.

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;

static WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-zÀ-ÖØ-öø-ÿŒœ]+(?:-[A-Za-zÀ-ÖØ-öø-ÿŒœ]+)*").expect("valid regex")
});

/// Prefixes that combine with a hyphen (`euro-atlantique`, `russo-géorgien`).
const HYPHEN_PREFIXES: [&str; 8] = ["ex", "non", "post", "pré", "anti", "néo", "vice", "mi"];

/// How a wrapped line joins the text before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Join {
    /// Unwrapped with a space.
    Space,
    /// Glued as is (a real hyphen, a wrapped URL).
    Glue,
    /// A broken word: the hyphen goes, the halves are glued.
    DropHyphen,
}

/// The words and hyphenated compounds a document uses away from line ends.
#[derive(Debug, Default)]
pub struct Vocabulary {
    words: HashSet<String>,
    compounds: HashSet<String>,
}

impl Vocabulary {
    /// The vocabulary of a document's lines.
    pub fn of(lines: &[&str]) -> Self {
        let mut words = HashSet::new();
        let mut compounds = HashSet::new();
        for line in lines {
            let body = line.trim_end();
            // A word cut at the line end is not evidence of anything.
            let body = if body.ends_with('-') {
                body.rsplit_once(char::is_whitespace).map_or("", |(b, _)| b)
            } else {
                body
            };
            for m in WORD.find_iter(body) {
                let w = m.as_str().to_lowercase();
                if w.contains('-') {
                    for part in w.split('-') {
                        words.insert(part.to_owned());
                    }
                    compounds.insert(w);
                } else {
                    words.insert(w);
                }
            }
        }
        Vocabulary { words, compounds }
    }

    /// Whether `left-` at a line end followed by `right` is a broken word
    /// (to be joined) rather than a real hyphen.
    pub fn is_broken_word(&self, left: &str, right: &str) -> bool {
        if right.chars().next().is_some_and(char::is_uppercase) {
            return false;
        }
        let (l, r) = (left.to_lowercase(), right.to_lowercase());
        let joined = format!("{l}{r}");
        if self.words.contains(&joined) {
            return true;
        }
        if self.compounds.contains(&format!("{l}-{r}")) {
            return false;
        }
        let combining =
            HYPHEN_PREFIXES.contains(&l.as_str()) || (l.chars().count() >= 4 && l.ends_with('o'));
        !combining
    }

    /// How the next line's text joins the current text.
    pub fn join(&self, current: &str, next: &str) -> Join {
        let cur = current.trim_end();
        let last_token = cur.rsplit(char::is_whitespace).next().unwrap_or("");
        if (last_token.contains("://") || last_token.starts_with("www."))
            && cur.ends_with(['/', '-', '.', '_'])
        {
            // A URL wrapped at a slash or hyphen goes on without a space.
            return Join::Glue;
        }
        if let Some(left) = cur.strip_suffix('-') {
            let left_word: String = left
                .chars()
                .rev()
                .take_while(|c| c.is_alphabetic())
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            let right_word: String = next.chars().take_while(|c| c.is_alphabetic()).collect();
            if !left_word.is_empty() && !right_word.is_empty() {
                return if self.is_broken_word(&left_word, &right_word) {
                    Join::DropHyphen
                } else {
                    Join::Glue
                };
            }
        }
        Join::Space
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab(text: &str) -> Vocabulary {
        Vocabulary::of(&text.lines().collect::<Vec<_>>())
    }

    #[test]
    fn the_documents_own_words_decide() {
        let v = vocab("la lutte contre le terrorisme\nune guerre russo-géorgienne\nles mem-\nbres");
        assert_eq!(v.join("la lutte con-", "tre"), Join::DropHyphen);
        assert_eq!(v.join("la guerre russo-", "géorgienne"), Join::Glue);
        // A word cut at a line end is no evidence: "mem-" did not add "mem".
        assert!(v.is_broken_word("mem", "bres"));
    }

    #[test]
    fn capitals_and_prefixes_keep_the_hyphen() {
        let v = vocab("");
        assert_eq!(v.join("les États-", "Unis"), Join::Glue);
        assert_eq!(v.join("une position anti-", "américaine"), Join::Glue);
        assert_eq!(v.join("l’espace euro-", "atlantique"), Join::Glue);
        assert_eq!(v.join("la Répub-", "lique"), Join::DropHyphen);
    }

    #[test]
    fn urls_and_plain_wraps() {
        let v = vocab("");
        assert_eq!(
            v.join("voir https://www.nato.int/cps/", "fr/x.htm"),
            Join::Glue
        );
        assert_eq!(v.join("le Conseil", "s’est réuni"), Join::Space);
        assert_eq!(v.join("entre 2008 -", "2011"), Join::Space);
    }
}
