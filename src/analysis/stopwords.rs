//! Stop word lists, one word per line in `stopwords/*.txt` (`#` starts a
//! comment line). French is Snowball's list; English is Lucene's.

/// Parses an embedded list: one word per line, `#` comments and blank lines
/// skipped.
fn parse(list: &'static str) -> Vec<String> {
    list.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

/// French stop words (Snowball), lowercase, with their accents.
pub fn french() -> Vec<String> {
    parse(include_str!("stopwords/french.txt"))
}

/// English stop words (Lucene), lowercase.
pub fn english() -> Vec<String> {
    parse(include_str!("stopwords/english.txt"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn lists_hold_words_not_comments() {
        let fr = super::french();
        assert!(fr.contains(&"les".to_string()));
        assert!(fr.contains(&"à".to_string()));
        assert!(fr.iter().all(|w| !w.starts_with('#') && !w.contains(' ')));
        let en = super::english();
        assert!(en.contains(&"the".to_string()));
        assert_eq!(en.len(), 33);
    }
}
