//! Properties over arbitrary input (proptest): nothing panics, passages map
//! back to their source lines, an edit elsewhere keeps a passage's id.
//!
//! `PROPTEST_CASES` sets the number of cases (64 by default here); a long
//! soak run is `PROPTEST_CASES=5000 cargo test --release --test cli properties`.

use std::collections::HashMap;
use std::sync::OnceLock;

use proptest::prelude::*;

use nrel_search::analysis::{analyzer, keyword_analyzer, tokens};
use nrel_search::corpus::decode::{decode, Decoded};
use nrel_search::corpus::Manifest;
use nrel_search::index::{update, NoProgress, SearchIndex, UpdateOptions};
use nrel_search::ingest::{clean_text, prepare};
use nrel_search::lang::{Lang, LangDetector};
use nrel_search::notes;
use nrel_search::search::{search, trim::trim_to_matches, SearchOptions};

use crate::harness::seed_corpus;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(64);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

/// The seed corpus indexed once, for queries and notes.
fn index() -> &'static SearchIndex {
    static INDEX: OnceLock<(tempfile::TempDir, SearchIndex)> = OnceLock::new();
    &INDEX
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let (index, _) = update(
                &seed_corpus(),
                &dir.path().join("index"),
                &UpdateOptions::default(),
                &NoProgress,
            )
            .unwrap();
            (dir, index)
        })
        .1
}

/// Text that looks like extractions: words, accents, hyphens at line ends,
/// numbers, Markdown marks, blank lines, form feeds, footnote calls, and
/// any other character now and then.
fn extraction() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => "[A-Za-zéèàçôœÉ]{1,12}",
        1 => "[0-9]{1,4}",
        1 => Just("-\n".to_owned()),
        1 => Just("\n".to_owned()),
        1 => Just("\n\n".to_owned()),
        1 => Just("\u{c}".to_owned()),
        1 => "[#>*_\\[\\]()`|:.,;!?«»’'\"-]{1,3}",
        1 => any::<char>().prop_map(String::from),
    ];
    proptest::collection::vec(piece, 0..120).prop_map(|pieces| {
        let mut text = String::new();
        for p in pieces {
            if !text.is_empty() && !text.ends_with('\n') && !p.starts_with(['\n', '-']) {
                text.push(' ');
            }
            text.push_str(&p);
        }
        text
    })
}

/// The first run of letters and digits of a text.
fn first_word(text: &str) -> &str {
    let start = text.find(char::is_alphanumeric).unwrap_or(text.len());
    let rest = &text[start..];
    let end = rest
        .find(|c: char| !c.is_alphanumeric())
        .unwrap_or(rest.len());
    &rest[..end]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn decoding_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        match decode(&bytes) {
            Decoded::Utf8(text) | Decoded::Windows1252(text) => prop_assert!(!text.contains('\0')),
            Decoded::Binary => {}
        }
    }

    #[test]
    fn passages_map_back_to_their_lines(text in extraction()) {
        let doc = prepare("doc.txt", &text, &Manifest::default(), &LangDetector::default());
        let lines: Vec<&str> = text.lines().collect();
        for p in &doc.passages {
            prop_assert!(p.line_start >= 1 && p.line_start <= p.line_end);
            prop_assert!(p.line_end as usize <= lines.len());
            for (i, span) in p.spans.iter().enumerate() {
                prop_assert!(span.line >= p.line_start && span.line <= p.line_end);
                let end = p.spans.get(i + 1).map_or(p.text.len(), |s| s.offset);
                let word = first_word(&p.text[span.offset..end]);
                let line = lines[span.line as usize - 1];
                prop_assert!(
                    line.contains(word),
                    "{word:?} of passage {:?} not on line {}: {line:?}", p.text, span.line
                );
            }
        }
    }

    #[test]
    fn cleaning_arbitrary_unicode(text in any::<String>()) {
        let blocks = clean_text(&text);
        for block in &blocks {
            prop_assert!(!block.text.is_empty());
        }
        nrel_search::text::split(&blocks, &LangDetector::default());
    }

    #[test]
    fn an_edit_elsewhere_keeps_ids(
        paragraphs in proptest::collection::vec("[a-zé]{2,9}( [a-zé]{2,9}){30,60}\\.", 2..6),
        edited in any::<prop::sample::Index>(),
    ) {
        let detector = LangDetector::default();
        let before = prepare("doc.txt", &paragraphs.join("\n\n"), &Manifest::default(), &detector);
        let mut changed = paragraphs.clone();
        let i = edited.index(changed.len());
        changed[i] = format!("Changement {}", changed[i]);
        let after = prepare("doc.txt", &changed.join("\n\n"), &Manifest::default(), &detector);
        let ids: HashMap<&str, _> = after.passages.iter().map(|p| (p.text.as_str(), &p.id)).collect();
        for p in &before.passages {
            if let Some(id) = ids.get(p.text.as_str()) {
                prop_assert_eq!(*id, &p.id);
            }
        }
    }

    #[test]
    fn analysers_on_arbitrary_unicode(text in any::<String>()) {
        for lang in Lang::ALL {
            for token in tokens(&mut analyzer(lang), &text) {
                prop_assert!(!token.is_empty());
            }
        }
        tokens(&mut keyword_analyzer(), &text);
    }

    #[test]
    fn any_query_is_answered(query in any::<String>(), limit in 1usize..50) {
        let options = SearchOptions { query, limit, ..SearchOptions::default() };
        if let Ok(results) = search(index(), &options) {
            prop_assert!(results.hits.len() <= limit);
            for hit in &results.hits {
                for r in &hit.snippet.highlights {
                    prop_assert!(hit.snippet.text.get(r.clone()).is_some());
                }
            }
        }
    }

    #[test]
    fn any_note_is_checked(note in any::<String>(), id in "[a-z0-9-]{0,12}:[0-9a-f]{6}") {
        let note = format!("{note}\n> « {note} » [nrel:{id}]\n");
        notes::parse::references(&note);
        let checked = notes::check(index(), &note).unwrap();
        prop_assert!(!checked.is_empty());
    }

    #[test]
    fn any_trim(text in any::<String>(), query in any::<String>()) {
        if let Some((quote, range)) = trim_to_matches(&text, &query) {
            prop_assert!(text.get(range).is_some());
            prop_assert!(!quote.is_empty());
        }
    }
}
