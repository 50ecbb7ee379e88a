//! The bilingual lexicon: the two FreeDict dictionaries turned into a
//! table from a word's stem (as the index analyses it) to the analysed
//! terms of its translations, in both directions. Each dictionary serves
//! both ways (English→French entries read backwards give French→English
//! pairs), so that a word missing as a headword may still be found as a
//! translation. Headwords are lemmas; looking up stems lets `sanctions`
//! and `troops` find `sanction` and `troop`. A stem often stands for
//! several headwords (`offic`: *office* and *officer*), so the table also
//! keys each entry by its word, lowercased and folded: a query word that
//! is a headword, or whose singular is, gets that headword's translations
//! first (`officers` → *officier*, not *bureau*).
//!
//! Analysing 17,000 entries takes tens of milliseconds, so the table is
//! cached in the index directory, in a file named by a fingerprint of the
//! dictionaries and of the analysis (`lexicon-<hash>.tsv`: a line per
//! stem, `lang TAB stem TAB term term;term…`, and a line per word,
//! `lang= TAB word TAB …`, sorted). A search reads it
//! whole and looks its words up by binary search over the lines: no
//! parsing into a map.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use crate::analysis::{analyzer, keyword_analyzer, positioned_tokens, tokens, ANALYSIS_VERSION};
use crate::lang::Lang;
use crate::mapped::Bytes;

use super::cognates;
use super::dictd::{self, Entry};

/// Version of the cached table's layout.
const FORMAT: u32 = 3;
/// Most translations kept per stem.
const MAX_PER_STEM: usize = 16;
/// Longest translation kept, in terms.
const MAX_TERMS: usize = 3;
/// Stands for a word the analysis removed inside a translation.
pub const GAP: &str = "_";
/// First line of the cached table.
const HEADER: &str =
    "# nrel-search lexicon (FreeDict, analysed): lang or lang=, stem or word, translations\n";

/// The lexicon, as the bytes of the cached table (mapped from the cache,
/// or built in memory).
pub struct Lexicon {
    text: Bytes,
}

impl std::fmt::Debug for Lexicon {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Lexicon({} stems and words)", self.len())
    }
}

/// Why there is no lexicon.
#[derive(Debug)]
pub enum Missing {
    /// The dictionaries are not installed in that folder.
    NotInstalled(PathBuf),
    /// A dictionary could not be read (the message names the file).
    Unreadable(String),
}

impl Lexicon {
    /// The lexicon of the dictionaries in `dict_dir`, from the cache in
    /// `cache_dir` when it is there and current, otherwise built (and
    /// cached when `cache_dir` is writable).
    pub fn load(dict_dir: &Path, cache_dir: Option<&Path>) -> Result<Lexicon, Missing> {
        let files: Vec<PathBuf> = Lang::ALL
            .into_iter()
            .flat_map(|lang| {
                let (index, body) = dictd::files(dict_dir, lang);
                [index, body]
            })
            .collect();
        if files.iter().any(|f| !f.is_file()) {
            return Err(Missing::NotInstalled(dict_dir.to_owned()));
        }
        let cache = cache_dir.map(|dir| dir.join(format!("lexicon-{}.tsv", fingerprint(&files))));
        // The cache is written whole under another name and renamed over.
        if let Some(text) = cache.as_ref().and_then(|c| Bytes::map(c).ok()) {
            if text.starts_with(HEADER.as_bytes()) {
                return Ok(Lexicon { text });
            }
        }
        let mut entries = HashMap::new();
        for lang in Lang::ALL {
            let (index, body) = dictd::files(dict_dir, lang);
            let read = dictd::read(&index, &body).map_err(Missing::Unreadable)?;
            entries.insert(lang, read);
        }
        let lexicon = Lexicon::build(&entries);
        if let (Some(cache), Some(dir)) = (cache, cache_dir) {
            lexicon.save(&cache, dir);
        }
        Ok(lexicon)
    }

    /// The table of the dictionaries' entries, keyed by the language of
    /// their headwords.
    pub fn build(entries: &HashMap<Lang, Vec<Entry>>) -> Lexicon {
        let mut analyzers: HashMap<Lang, _> =
            Lang::ALL.into_iter().map(|l| (l, analyzer(l))).collect();
        // Terms in order, a `_` for each gap a stop word left.
        let mut analyse = |lang: Lang, text: &str| -> Vec<String> {
            let analyzer = analyzers.get_mut(&lang).expect("an analyzer per language");
            let mut out: Vec<String> = Vec::new();
            for (position, term) in positioned_tokens(analyzer, text) {
                while out.len() < position {
                    out.push(GAP.to_owned());
                }
                out.push(term);
            }
            out
        };
        let mut table: HashMap<(Key, String), Vec<String>> = HashMap::new();
        let add = |table: &mut HashMap<(Key, String), Vec<String>>,
                   key: (Key, String),
                   terms: &[String]| {
            if terms.is_empty() || terms.len() > MAX_TERMS {
                return;
            }
            let value = terms.join(" ");
            let list = table.entry(key).or_default();
            if list.len() < MAX_PER_STEM && !list.contains(&value) {
                list.push(value);
            }
        };
        // Headwords first, so that direct translations come first.
        for pass in 0..2 {
            for (&lang, list) in entries {
                let other = lang.other();
                for entry in list {
                    let head = analyse(lang, &entry.headword);
                    let head_word = word_key(&entry.headword);
                    for translation in &entry.translations {
                        let terms = analyse(other, translation);
                        if pass == 0 && head.len() == 1 {
                            add(&mut table, (Key::Stem(lang), head[0].clone()), &terms);
                            if let Some(word) = &head_word {
                                add(&mut table, (Key::Word(lang), word.clone()), &terms);
                            }
                        } else if pass == 1 && terms.len() == 1 {
                            add(&mut table, (Key::Stem(other), terms[0].clone()), &head);
                            if let Some(word) = word_key(translation) {
                                add(&mut table, (Key::Word(other), word), &head);
                            }
                        }
                    }
                }
            }
        }
        let mut lines: Vec<String> = table
            .into_iter()
            .filter(|((_, stem), _)| !stem.contains(['\t', '\n', ';']))
            .map(|((key, stem), values)| format!("{}\t{stem}\t{}", key.code(), values.join(";")))
            .collect();
        lines.sort_unstable();
        let mut text = String::from(HEADER);
        for line in lines {
            text.push_str(&line);
            text.push('\n');
        }
        Lexicon {
            text: Bytes::Owned(text.into_bytes()),
        }
    }

    /// Writes the table to `path` (through a temporary file, renamed), and
    /// removes the tables of other dictionaries or versions. Failing to
    /// cache only costs time.
    fn save(&self, path: &Path, dir: &Path) {
        if crate::mapped::write_whole(path, &self.text[..]).is_err() {
            return;
        }
        if let Ok(read) = fs::read_dir(dir) {
            for entry in read.flatten() {
                let name = entry.file_name();
                let name = name.to_string_lossy();
                if name.starts_with("lexicon-") && entry.path() != path {
                    let _ = fs::remove_file(entry.path());
                }
            }
        }
    }

    /// The translations of the word whose stem (in `from`'s analysis) is
    /// `stem`: each the analysed terms in the other language, [`GAP`] where
    /// a stop word was.
    pub fn lookup(&self, from: Lang, stem: &str) -> Vec<Vec<&str>> {
        split(self.line(Key::Stem(from).code(), stem))
    }

    /// The translations of the headword `word` (in `from`, analysed as
    /// `stem`) itself, or of its singular when the word is no headword
    /// (`officers`: *officer*); empty when neither is one. Words are
    /// matched lowercased and folded, without an elided article or a
    /// possessive (`l'officier`, `officer's`), and only when they have the
    /// word's stem (the singular of `fois` is no *foi*).
    pub fn lookup_word(&self, from: Lang, word: &str, stem: &str) -> Vec<Vec<&str>> {
        let code = Key::Word(from).code();
        let word = without_apostrophe(word, from);
        let singular = cognates::singular(word, from);
        let mut analyzer = analyzer(from);
        let line = [word, singular.as_str()]
            .into_iter()
            .filter(|form| tokens(&mut analyzer, form) == [stem])
            .find_map(|form| self.line(code, &word_key(form)?));
        split(line)
    }

    /// Whether `stem` is a headword or a translation in language `lang`.
    pub fn knows(&self, lang: Lang, stem: &str) -> bool {
        self.line(Key::Stem(lang).code(), stem).is_some()
    }

    /// The translations part of the line of `code TAB stem TAB` (`code`:
    /// `fr`, `en`, `fr=`, `en=`; `stem`: a stem or a word), by binary search
    /// over the sorted lines: a tab sorts before any character of a code or
    /// a stem, so the order of the keys is the lines'.
    fn line(&self, code: &str, stem: &str) -> Option<&str> {
        let key = format!("{code}\t{stem}\t");
        let key = key.as_bytes();
        let text = &self.text[..];
        let line_at = |at: usize| -> (usize, &[u8]) {
            let start = text[..at]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            let end = text[start..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(text.len(), |i| start + i);
            (start, &text[start..end])
        };
        let (mut lo, mut hi) = (HEADER.len(), text.len());
        while lo < hi {
            // `lo` is always a line's start, so the line holding the middle
            // starts in `lo..hi`.
            let (start, line) = line_at(lo + (hi - lo) / 2);
            if line.starts_with(key) {
                return std::str::from_utf8(&line[key.len()..]).ok();
            }
            if line < key {
                lo = start + line.len() + 1;
            } else {
                hi = start;
            }
        }
        None
    }

    /// Lines in the table (stems and words).
    pub fn len(&self) -> usize {
        self.text
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            .saturating_sub(1)
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A headword's (or a translation's, or a query's) word as the table keys
/// it: one token, lowercased and folded; `None` for several words.
fn word_key(text: &str) -> Option<String> {
    let mut words = tokens(&mut keyword_analyzer(), text);
    (words.len() == 1).then(|| words.remove(0))
}

/// A word without an elided article before it (French `l'`, `d’`) or a
/// possessive after it (English `'s`), as the analysis removes them.
fn without_apostrophe(word: &str, lang: Lang) -> &str {
    let apostrophes = crate::analysis::APOSTROPHES;
    match lang {
        Lang::French => word.rsplit(apostrophes).next().unwrap_or(word),
        Lang::English => word
            .strip_suffix(['s', 'S'])
            .and_then(|w| w.strip_suffix(apostrophes))
            .unwrap_or(word),
    }
}

/// What a line of the table is keyed by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Key {
    /// A stem of the language's analysis.
    Stem(Lang),
    /// A word of the language, lowercased and folded.
    Word(Lang),
}

impl Key {
    /// The first field of the key's lines.
    fn code(self) -> &'static str {
        match self {
            Key::Stem(lang) => lang.code(),
            Key::Word(Lang::French) => "fr=",
            Key::Word(Lang::English) => "en=",
        }
    }
}

/// The translations of a line: each the terms of one.
fn split(line: Option<&str>) -> Vec<Vec<&str>> {
    line.map_or_else(Vec::new, |line| {
        line.split(';').map(|t| t.split(' ').collect()).collect()
    })
}

/// A fingerprint of the dictionary files (path, size, modification time)
/// and of the analysis that reads them.
fn fingerprint(files: &[PathBuf]) -> String {
    let mut hasher = blake3::Hasher::new();
    hasher.update(format!("{FORMAT} {ANALYSIS_VERSION}\n").as_bytes());
    for file in files {
        let meta = fs::metadata(file).ok();
        let modified = meta
            .as_ref()
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        let size = meta.map_or(0, |m| m.len());
        hasher.update(format!("{} {size} {modified}\n", file.display()).as_bytes());
    }
    hasher.finalize().to_hex()[..16].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(headword: &str, translations: &[&str]) -> Entry {
        Entry {
            headword: headword.into(),
            translations: translations.iter().map(|t| t.to_string()).collect(),
        }
    }

    fn lexicon() -> Lexicon {
        let mut entries = HashMap::new();
        entries.insert(
            Lang::English,
            vec![
                entry("troop", &["troupe"]),
                entry("war", &["guerre"]),
                entry("agreement", &["accord", "entente"]),
            ],
        );
        entries.insert(
            Lang::French,
            vec![
                entry("guerre", &["war"]),
                entry("menace", &["threat"]),
                entry("défense", &["defence", "defense"]),
            ],
        );
        Lexicon::build(&entries)
    }

    #[test]
    fn stems_are_looked_up_both_ways() {
        let lexicon = lexicon();
        // `troops` and `troop` share the stem `troop`.
        assert_eq!(lexicon.lookup(Lang::English, "troop"), [["troup"]]);
        assert_eq!(
            lexicon.lookup(Lang::English, "agreement"),
            [["accord"], ["entent"]]
        );
        // `threat` is no English headword: the French entry read backwards.
        assert_eq!(lexicon.lookup(Lang::English, "threat"), [["menac"]]);
        assert_eq!(
            lexicon.lookup(Lang::French, "defens"),
            [["defenc"], ["defens"]]
        );
        assert!(lexicon.lookup(Lang::French, "otan").is_empty());
        // By word: the headword itself, its singular, or a translation
        // read backwards; lowercased and folded.
        assert_eq!(
            lexicon.lookup_word(Lang::English, "Troops", "troop"),
            [["troup"]]
        );
        assert_eq!(
            lexicon.lookup_word(Lang::English, "threat's", "threat"),
            [["menac"]]
        );
        assert_eq!(
            lexicon.lookup_word(Lang::French, "la défense", "defens"),
            Vec::<Vec<&str>>::new()
        );
        assert_eq!(
            lexicon.lookup_word(Lang::French, "l’defense", "defens"),
            [["defenc"], ["defens"]]
        );
        assert!(lexicon
            .lookup_word(Lang::English, "troo", "troo")
            .is_empty());
        // A singular of another stem is another word.
        assert!(lexicon
            .lookup_word(Lang::English, "wars", "other")
            .is_empty());
        assert!(lexicon.knows(Lang::French, "guerr") && !lexicon.knows(Lang::English, "guerr"));
    }

    #[test]
    fn every_stem_is_found_by_binary_search() {
        let words: Vec<String> = (0..500).map(|i| format!("mot{i}x")).collect();
        let mut entries = HashMap::new();
        entries.insert(
            Lang::French,
            words
                .iter()
                .map(|w| entry(w, &["word"]))
                .collect::<Vec<_>>(),
        );
        let lexicon = Lexicon::build(&entries);
        let mut analyzer = analyzer(Lang::French);
        for word in &words {
            let stem = crate::analysis::tokens(&mut analyzer, word).remove(0);
            assert_eq!(lexicon.lookup(Lang::French, &stem), [["word"]], "{word}");
            // The word's own line, among both kinds of line.
            assert_eq!(lexicon.lookup_word(Lang::French, word, &stem), [["word"]]);
        }
        for missing in ["a", "mot", "mot1", "zzz", ""] {
            assert!(
                lexicon.lookup(Lang::French, missing).is_empty(),
                "{missing}"
            );
        }
        // English keys sort before French ones: each language finds its own.
        assert!(lexicon.knows(Lang::English, "word"));
        assert!(!lexicon.knows(Lang::French, "word"));
    }

    #[test]
    fn cached_in_the_index_directory() {
        let dicts = tempfile::tempdir().unwrap();
        let cache = tempfile::tempdir().unwrap();
        for (name, head, translation) in [
            ("freedict-eng-fra", "war", "guerre"),
            ("freedict-fra-eng", "menace", "threat"),
        ] {
            let body = format!("{head} /x/\n{translation}\n");
            std::fs::write(dicts.path().join(format!("{name}.dict")), &body).unwrap();
            let len = dictd_len(body.len());
            std::fs::write(
                dicts.path().join(format!("{name}.index")),
                format!("{head}\tA\t{len}\n"),
            )
            .unwrap();
        }
        let built = Lexicon::load(dicts.path(), Some(cache.path())).unwrap();
        assert_eq!(built.lookup(Lang::English, "war"), [["guerr"]]);
        let cached: Vec<_> = std::fs::read_dir(cache.path()).unwrap().flatten().collect();
        assert_eq!(cached.len(), 1);
        let read = Lexicon::load(dicts.path(), Some(cache.path())).unwrap();
        assert_eq!(&read.text[..], &built.text[..]);
        assert!(matches!(read.text, Bytes::Mapped(_)));
        assert!(matches!(
            Lexicon::load(cache.path(), None),
            Err(Missing::NotInstalled(_))
        ));
    }

    fn dictd_len(n: usize) -> String {
        const DIGITS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        assert!(n < 64 * 64);
        String::from_utf8(vec![DIGITS[n / 64], DIGITS[n % 64]]).unwrap()
    }
}
