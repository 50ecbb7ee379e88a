use std::collections::HashMap;

use super::*;

/// Term counts of a made-up index.
struct Stats(HashMap<(Lang, &'static str), u64>);

impl TermStats for Stats {
    fn doc_freq(&self, lang: Lang, term: &str) -> u64 {
        self.0
            .iter()
            .find(|((l, t), _)| *l == lang && *t == term)
            .map_or(0, |(_, n)| *n)
    }

    fn similar(&self, lang: Lang, term: &str, distance: u8) -> Vec<(String, u64)> {
        self.0
            .iter()
            .filter(|((l, t), _)| {
                *l == lang && strsim::levenshtein(t, term) <= usize::from(distance)
            })
            .map(|((_, t), n)| (t.to_string(), *n))
            .collect()
    }
}

fn stats() -> Stats {
    use Lang::{English, French};
    Stats(HashMap::from([
        ((French, "otan"), 60),
        ((French, "elarg"), 5),
        ((French, "guerr"), 8),
        ((French, "troup"), 4),
        ((French, "strateg"), 3),
        ((French, "conseil"), 20),
        ((French, "cor"), 19),
        ((French, "espionnag"), 2),
        ((English, "nato"), 4),
        ((English, "war"), 1),
    ]))
}

fn words(query: &str) -> Vec<String> {
    query.split_whitespace().map(str::to_owned).collect()
}

fn translator() -> Translator {
    let glossary = Glossary::parse(
        r#"
[[term]]
fr = ["OTAN"]
en = ["NATO"]
[[term]]
fr = ["Conseil OTAN-Russie", "COR"]
en = ["NATO-Russia Council", "NRC"]
[[term]]
fr = ["élargissement"]
en = ["enlargement"]
"#,
    )
    .unwrap();
    let mut entries = HashMap::new();
    entries.insert(
        Lang::English,
        vec![
            dictd::Entry {
                headword: "war".into(),
                translations: vec!["guerre".into()],
            },
            dictd::Entry {
                headword: "troop".into(),
                translations: vec!["troupe".into(), "bande".into()],
            },
        ],
    );
    entries.insert(Lang::French, Vec::new());
    Translator::new(glossary, Some(Lexicon::build(&entries)))
}

#[test]
fn english_words_find_french_terms() {
    let units = translator().expand(
        &words("NATO enlargement troops"),
        Some(Lang::English),
        &stats(),
    );
    let alts: Vec<Vec<(&str, Via)>> = units
        .iter()
        .map(|u| {
            u.alternatives
                .iter()
                .map(|a| (a.text.as_str(), a.via))
                .collect()
        })
        .collect();
    assert_eq!(
        alts,
        [
            vec![("OTAN", Via::Glossary)],
            vec![("élargissement", Via::Glossary)],
            // `bande` is not in the corpus: dropped.
            vec![("troup", Via::Dictionary)],
        ]
    );
    assert!(units[0].alternatives[0].weight > units[2].alternatives[0].weight);
}

#[test]
fn glossary_terms_span_words_and_find_acronyms() {
    let units = translator().expand(&words("Conseil OTAN Russie"), Some(Lang::French), &stats());
    assert_eq!(units.len(), 1);
    assert_eq!(units[0].words, words("Conseil OTAN Russie"));
    let texts: Vec<_> = units[0]
        .alternatives
        .iter()
        .map(|a| a.text.as_str())
        .collect();
    // The English forms are not in the corpus; the acronym is.
    assert_eq!(texts, ["COR"]);
}

#[test]
fn cognates_without_a_dictionary() {
    let t = Translator::new(Glossary::default(), None);
    let units = t.expand(&words("strategic"), Some(Lang::English), &stats());
    assert_eq!(units[0].alternatives.len(), 1);
    assert_eq!(units[0].alternatives[0].terms, ["strateg"]);
    assert_eq!(units[0].alternatives[0].via, Via::Cognate);
}

#[test]
fn long_words_find_their_spelling_a_letter_away() {
    let t = Translator::new(Glossary::default(), None);
    // `espionage` as the French analysis reads it is `espionag`; the
    // corpus says `espionnage`.
    let units = t.expand(&words("espionage"), Some(Lang::English), &stats());
    assert_eq!(units[0].alternatives[0].terms, ["espionnag"]);
    // Short words are not looked for: too many would be other words.
    let units = t.expand(&words("war"), Some(Lang::English), &stats());
    assert!(units[0].alternatives.is_empty());
}

#[test]
fn unknown_language_tries_both_ways() {
    let units = translator().expand(&words("war OTAN"), None, &stats());
    assert_eq!(units[0].alternatives[0].terms, ["guerr"]);
    assert_eq!(units[1].alternatives[0].terms, ["nato"]);
    assert_eq!(translator().vote(&words("war troops")), Some(Lang::English));
    assert_eq!(translator().vote(&words("OTAN")), None);
}

#[test]
fn a_word_that_is_a_headword_takes_its_own_translations_before_its_stems() {
    use Lang::{English, French};
    // `office` and `officer` share the English stem `offic`; the corpus
    // says `bureau` far more often than `officier`.
    let mut entries = HashMap::new();
    entries.insert(
        English,
        vec![
            dictd::Entry {
                headword: "office".into(),
                translations: vec!["bureau".into(), "fonction".into()],
            },
            dictd::Entry {
                headword: "officer".into(),
                translations: vec!["officier".into(), "fonctionnaire".into()],
            },
        ],
    );
    let t = Translator::new(Glossary::default(), Some(Lexicon::build(&entries)));
    let mut stats = Stats(HashMap::from([
        ((French, "bureau"), 40),
        ((French, "fonction"), 30),
        ((French, "offici"), 2),
    ]));
    let terms = |query: &str, stats: &Stats| -> Vec<String> {
        t.expand(&words(query), Some(English), stats)[0]
            .alternatives
            .iter()
            .filter(|a| a.via == Via::Dictionary)
            .map(|a| a.text.clone())
            .collect()
    };
    // The plural's singular is the headword `officer`.
    assert_eq!(terms("officers", &stats), ["offici"]);
    assert_eq!(terms("Office", &stats), ["bureau", "fonction"]);
    // None of the headword's own translations is in the corpus: those of
    // the other headwords of its stem stand in.
    stats.0.remove(&(French, "offici"));
    assert_eq!(terms("officers", &stats), ["bureau", "fonction"]);
}
