//! Markdown as saved web pages have it: headings, and inline markup reduced
//! to text (links keep their text; emphasis and code markers go).

use std::sync::LazyLock;

use regex::Regex;

static HEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$").expect("valid regex"));
static LINK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"!?\[([^\]]*)\]\([^)\s]*(?:\s+[^)]*)?\)").expect("valid regex"));
static STRONG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\*\*(\S(?:.*?\S)?)\*\*|__(\S(?:.*?\S)?)__").expect("valid regex")
});
static EMPHASIS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(^|[\s('’«])[*_](\S(?:[^*_]*?\S)?)[*_]([\s.,;:!?)»]|$)|`([^`]+)`")
        .expect("valid regex")
});

/// The title of an ATX heading line (`## Titre ##` → `Titre`).
pub fn heading(line: &str) -> Option<&str> {
    if !line.trim_start().starts_with('#') {
        return None;
    }
    HEADING
        .captures(line)
        .and_then(|c| c.get(2))
        .map(|m| m.as_str())
}

/// Removes Markdown inline markup: links keep their text, emphasis and code
/// markers go.
pub fn clean_inline(text: &str) -> String {
    if !text.contains(['[', '*', '_', '`']) {
        return text.to_owned();
    }
    let text = LINK.replace_all(text, "$1");
    let text = STRONG.replace_all(&text, "$1$2");
    let text = EMPHASIS.replace_all(&text, "$1$2$3$4");
    text.into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings() {
        assert_eq!(
            heading("## Les grandes étapes ##"),
            Some("Les grandes étapes")
        );
        assert_eq!(heading("# OTAN"), Some("OTAN"));
        assert_eq!(heading("#hashtag"), None);
        assert_eq!(heading("    # code"), None);
    }

    #[test]
    fn inline_markup_is_reduced_to_text() {
        assert_eq!(
            clean_inline("voir [le site](https://www.nato.int/x \"titre\") de l’*OTAN*"),
            "voir le site de l’OTAN"
        );
        assert_eq!(clean_inline("le `code` et _mot_"), "le code et mot");
        assert_eq!(
            clean_inline("un **accord** et __deux__ *mots*."),
            "un accord et deux mots."
        );
        assert_eq!(clean_inline("![](image.png) Légende"), " Légende");
        assert_eq!(
            clean_inline("snake_case_name reste"),
            "snake_case_name reste"
        );
    }
}
