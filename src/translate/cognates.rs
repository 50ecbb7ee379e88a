//! Cognates: French and English share many words once their endings are
//! mapped (`stratégique`/`strategic`, `sécurité`/`security`,
//! `stratégie`/`strategy`, `militaire`/`military`, `ministre`/`minister`).
//! Accent folding and stemming already make words like `coopération` and
//! `cooperation` one term; these rules produce the other language's
//! likely spelling of a word whose ending differs, to be kept only when
//! the corpus has it.

use crate::lang::Lang;

/// Shortest stem taken for the other language's (shorter ones are too
/// often another word).
pub const MIN_STEM: usize = 5;

/// Shortest analysed word looked for one edit away in the other language.
pub const MIN_FUZZY: usize = 7;
/// Shortest analysed word looked for two edits away.
pub const MIN_FUZZY_TWO: usize = 10;

/// English ending, French ending. Longer endings first.
const ENDINGS: &[(&str, &str)] = &[
    ("ically", "iquement"),
    ("ical", "ique"),
    ("ic", "ique"),
    ("ity", "ité"),
    ("ency", "ence"),
    ("ancy", "ance"),
    ("ties", "tés"),
    ("ism", "isme"),
    ("ist", "iste"),
    ("ive", "if"),
    ("ize", "iser"),
    ("ise", "iser"),
    ("ous", "eux"),
    ("ary", "aire"),
    ("ory", "oire"),
    ("ogy", "ogie"),
    ("phy", "phie"),
    ("gy", "gie"),
    ("cy", "cie"),
    ("my", "mie"),
    ("ber", "bre"),
    ("ter", "tre"),
    ("or", "eur"),
    ("ct", "ct"),
    ("ed", "é"),
];

/// The singular of `word`, lowercased, by the regular plural endings
/// (English `-ies`, `-s`; French `-s`, `-x`); the word itself when it has
/// none (or ends in `-ss`).
pub fn singular(word: &str, lang: Lang) -> String {
    let word = word.to_lowercase();
    match lang {
        Lang::English => word
            .strip_suffix("ies")
            .map(|s| format!("{s}y"))
            .or_else(|| {
                word.strip_suffix('s')
                    .filter(|s| !s.ends_with('s'))
                    .map(str::to_owned)
            })
            .unwrap_or_else(|| word.clone()),
        Lang::French => word
            .strip_suffix(['s', 'x'])
            .filter(|s| !s.ends_with('s'))
            .map_or_else(|| word.clone(), str::to_owned),
    }
}

/// Spellings of `word` (lowercase) in the other language by the ending
/// rules; the caller keeps those the corpus has.
pub fn candidates(word: &str, from: Lang) -> Vec<String> {
    let word = word.to_lowercase();
    let singular = singular(&word, from);
    let mut out = Vec::new();
    for &(en, fr) in ENDINGS {
        let (have, want) = match from {
            Lang::English => (en, fr),
            Lang::French => (fr, en),
        };
        for form in [&word, &singular] {
            if let Some(stem) = form.strip_suffix(have) {
                if stem.chars().count() >= 3 {
                    let candidate = format!("{stem}{want}");
                    if !out.contains(&candidate) && candidate != word {
                        out.push(candidate);
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_to_french() {
        assert!(candidates("strategic", Lang::English).contains(&"strategique".into()));
        assert!(candidates("security", Lang::English).contains(&"securité".into()));
        assert!(candidates("military", Lang::English).contains(&"militaire".into()));
        assert!(candidates("strategies", Lang::English).contains(&"strategie".into()));
        assert!(candidates("ministers", Lang::English).contains(&"ministre".into()));
        assert!(candidates("Russia", Lang::English).is_empty());
    }

    #[test]
    fn french_to_english() {
        assert!(candidates("stratégique", Lang::French).contains(&"stratégic".into()));
        assert!(candidates("militaires", Lang::French).contains(&"military".into()));
        assert!(candidates("membre", Lang::French).contains(&"member".into()));
    }
}
