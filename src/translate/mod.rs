//! Translation of a query's words into the other language, so that an
//! English query finds French passages and the other way round.
//!
//! A query's words are grouped into [`Unit`]s: a glossary term naming
//! several words is one unit, every other word its own. Each unit gets
//! [`Alternative`]s, from three sources in order of trust:
//!
//! 1. the corpus's [`glossary`] (term pairs and acronyms, and their
//!    expansions in the same language);
//! 2. the FreeDict dictionaries, through the stem-level [`lexicon`];
//! 3. [`cognates`]: the other language's spelling by ending rules.
//!
//! Every alternative is kept only when the index has its terms (sense
//! filtering by the corpus: `enlargement` → `accroissement` is dropped
//! when no passage says it), and is weighted below the query's own words:
//! see [`Translator::expand`].

pub mod cognates;
pub mod dictd;
pub mod glossary;
pub mod lexicon;

use std::fmt;
use std::path::{Path, PathBuf};

use crate::analysis::{analyzer, tokens};
use crate::lang::Lang;

pub use glossary::{Glossary, GLOSSARY_FILE};
pub use lexicon::{Lexicon, Missing};

/// Where dictionaries are looked for when no folder is given.
pub const DEFAULT_DICT_DIR: &str = "/usr/share/dictd";
/// Weight of a glossary equivalent, against 1 for the query's own words.
pub const GLOSSARY_WEIGHT: f32 = 0.8;
/// Weight of the most frequent dictionary translation of a word.
pub const DICTIONARY_WEIGHT: f32 = 0.5;
/// Weight of a cognate.
pub const COGNATE_WEIGHT: f32 = 0.5;
/// Most dictionary translations kept per word.
const MAX_TRANSLATIONS: usize = 3;

/// Where an alternative comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    /// The corpus's glossary.
    Glossary,
    /// The dictionaries.
    Dictionary,
    /// A cognate spelling.
    Cognate,
}

impl fmt::Display for Via {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Via::Glossary => "glossary",
            Via::Dictionary => "dictionary",
            Via::Cognate => "cognate",
        })
    }
}

/// Another way to say a unit of the query.
#[derive(Clone, Debug, PartialEq)]
pub struct Alternative {
    /// The language (and so the field) searched.
    pub lang: Lang,
    /// The analysed terms (a phrase when several).
    pub terms: Vec<String>,
    /// Each term's offset from the first in the phrase.
    pub positions: Vec<usize>,
    /// As written (glossary) or as analysed (dictionary, cognate).
    pub text: String,
    /// Weight against the query's own words, before the idf cap.
    pub weight: f32,
    /// Source.
    pub via: Via,
}

/// Words of the query searched together, with their alternatives.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Unit {
    /// The query's words, as typed.
    pub words: Vec<String>,
    /// Other ways to say them.
    pub alternatives: Vec<Alternative>,
}

/// How many passages of the index have a term, in a language's field.
pub trait TermStats {
    /// Passages whose `lang` field has `term`.
    fn doc_freq(&self, lang: Lang, term: &str) -> u64;

    /// The terms of the `lang` field within `distance` edits of `term`,
    /// with their passage counts (none by default).
    fn similar(&self, _lang: Lang, _term: &str, _distance: u8) -> Vec<(String, u64)> {
        Vec::new()
    }
}

/// What translates queries: the corpus's glossary and, when installed,
/// the dictionaries.
#[derive(Debug, Default)]
pub struct Translator {
    glossary: Glossary,
    lexicon: Option<Lexicon>,
}

/// How the translator was set up, for the user.
#[derive(Debug, Default)]
pub struct Setup {
    /// Problems to report once (missing dictionaries, a bad glossary).
    pub notes: Vec<String>,
    /// Whether the dictionaries are missing (to report once, not on every
    /// search).
    pub dictionaries_missing: Option<PathBuf>,
}

impl Translator {
    /// The translator of the corpus in `corpus`, with the dictionaries in
    /// `dict_dir`; the lexicon is cached in `cache_dir` when given.
    pub fn load(corpus: &Path, dict_dir: &Path, cache_dir: Option<&Path>) -> (Translator, Setup) {
        let mut setup = Setup::default();
        let glossary = Glossary::load(corpus).unwrap_or_else(|e| {
            setup
                .notes
                .push(format!("{e}; searching without the glossary"));
            Glossary::default()
        });
        let lexicon = match Lexicon::load(dict_dir, cache_dir) {
            Ok(lexicon) => Some(lexicon),
            Err(Missing::NotInstalled(dir)) => {
                setup.dictionaries_missing = Some(dir);
                None
            }
            Err(Missing::Unreadable(e)) => {
                setup
                    .notes
                    .push(format!("{e}; searching without the dictionaries"));
                None
            }
        };
        (Translator { glossary, lexicon }, setup)
    }

    /// A translator of these parts (for tests and tools).
    pub fn new(glossary: Glossary, lexicon: Option<Lexicon>) -> Translator {
        Translator { glossary, lexicon }
    }

    /// The language the words of a query are in, by the dictionaries'
    /// vocabulary, when it is clear: more words known only in one
    /// language than only in the other.
    pub fn vote(&self, words: &[String]) -> Option<Lang> {
        let lexicon = self.lexicon.as_ref()?;
        let mut analyzers = Lang::ALL.map(analyzer);
        let mut votes = [0i32; 2];
        for word in words {
            let known = [0, 1].map(|i| {
                let terms = tokens(&mut analyzers[i], word);
                terms.len() == 1 && lexicon.knows(Lang::ALL[i], &terms[0])
            });
            match known {
                [true, false] => votes[0] += 1,
                [false, true] => votes[1] += 1,
                _ => {}
            }
        }
        match votes[0].cmp(&votes[1]) {
            std::cmp::Ordering::Greater => Some(Lang::French),
            std::cmp::Ordering::Less => Some(Lang::English),
            std::cmp::Ordering::Equal => None,
        }
    }

    /// Groups the query's plain `words` into units and finds their
    /// alternatives, in the other language (or, for glossary terms, the
    /// same one). `lang` is the query's language when known; otherwise
    /// both directions are tried (but not spellings a letter or two away).
    /// Alternatives the index does not have are
    /// dropped; a word's dictionary translations are weighted by how often
    /// the corpus uses each.
    pub fn expand(&self, words: &[String], lang: Option<Lang>, stats: &dyn TermStats) -> Vec<Unit> {
        let from: Vec<Lang> = match lang {
            Some(lang) => vec![lang],
            None => Lang::ALL.to_vec(),
        };
        let mut analyzers = Lang::ALL.map(analyzer);
        let index_of = |l: Lang| if l == Lang::French { 0 } else { 1 };
        let analysed: Vec<Vec<Vec<String>>> = Lang::ALL
            .iter()
            .map(|&l| {
                words
                    .iter()
                    .map(|w| tokens(&mut analyzers[index_of(l)], w))
                    .collect()
            })
            .collect();

        // Glossary terms, in the query's language(s).
        let mut covered: Vec<Option<usize>> = vec![None; words.len()];
        let mut units: Vec<(usize, usize, Vec<Alternative>)> = Vec::new();
        for &l in &from {
            for m in self.glossary.find(l, &analysed[index_of(l)]) {
                if (m.first..=m.last).any(|i| covered[i].is_some()) {
                    continue;
                }
                let alternatives = m
                    .term
                    .forms
                    .iter()
                    .filter(|f| f.terms != m.form.terms)
                    .filter(|f| f.terms.iter().all(|t| stats.doc_freq(f.lang, t) > 0))
                    .map(|f| Alternative {
                        lang: f.lang,
                        terms: f.terms.clone(),
                        positions: f.positions.clone(),
                        text: f.text.clone(),
                        weight: GLOSSARY_WEIGHT,
                        via: Via::Glossary,
                    })
                    .collect();
                for slot in &mut covered[m.first..=m.last] {
                    *slot = Some(units.len());
                }
                units.push((m.first, m.last, alternatives));
            }
        }

        // Every other word: the dictionaries, then cognates.
        for (i, word) in words.iter().enumerate() {
            if covered[i].is_some() {
                continue;
            }
            let mut alternatives: Vec<Alternative> = Vec::new();
            for &l in from.iter().filter(|&&l| !is_function_word(l, word)) {
                let terms = &analysed[index_of(l)][i];
                let own_other = &analysed[index_of(l.other())][i];
                let other_analyzer = &mut analyzers[index_of(l.other())];
                let fuzzy = lang.is_some();
                let found = self.translations(word, l, terms, other_analyzer, stats, fuzzy);
                alternatives.extend(weighted(found, own_other, l.other()));
            }
            covered[i] = Some(units.len());
            units.push((i, i, alternatives));
        }
        units.sort_by_key(|u| u.0);
        units
            .into_iter()
            .map(|(first, last, alternatives)| Unit {
                words: words[first..=last].to_vec(),
                alternatives,
            })
            .collect()
    }
}

/// A phrase of analysed terms, each with its offset from the first.
type Phrase = Vec<(usize, String)>;

/// A candidate translation: the phrase, how many passages have it, and
/// where it comes from.
type Candidate = (Phrase, u64, Via);

impl Translator {
    /// The dictionary translations and cognates of `word` (in `from`,
    /// analysed as `terms`) that the index has, with their passage counts.
    fn translations(
        &self,
        word: &str,
        from: Lang,
        terms: &[String],
        other_analyzer: &mut tantivy::tokenizer::TextAnalyzer,
        stats: &dyn TermStats,
        fuzzy: bool,
    ) -> Vec<Candidate> {
        let other = from.other();
        let mut found = Vec::new();
        if let (Some(lexicon), [stem]) = (&self.lexicon, terms) {
            // The translations the corpus has, with their passage counts.
            let attested = |translations: Vec<Vec<&str>>| -> Vec<Candidate> {
                translations
                    .into_iter()
                    .map(|translation| -> Phrase {
                        translation
                            .iter()
                            .enumerate()
                            .filter(|(_, s)| **s != lexicon::GAP)
                            .map(|(i, s)| (i, s.to_string()))
                            .collect()
                    })
                    .map(|t| {
                        let df = phrase_df(stats, other, &t);
                        (t, df, Via::Dictionary)
                    })
                    .filter(|(_, df, _)| *df > 0)
                    .collect()
            };
            // The word's own headword first; the other headwords of its
            // stem when none of that one's translations is in the corpus.
            let mut own = attested(lexicon.lookup_word(from, word, stem));
            if own.is_empty() {
                own = attested(lexicon.lookup(from, stem));
            }
            found.append(&mut own);
        }
        // The word's stem may be the other language's too (`annexation`
        // and `annexion` share `annex`, `response` and `réponse` do not).
        if let [stem] = terms {
            let t = vec![(0, stem.clone())];
            let df = phrase_df(stats, other, &t);
            if df > 0 && stem.chars().count() >= cognates::MIN_STEM {
                found.push((t, df, Via::Cognate));
            }
        }
        for candidate in cognates::candidates(word, from) {
            if let [term] = tokens(other_analyzer, &candidate).as_slice() {
                let t = vec![(0, term.clone())];
                let df = phrase_df(stats, other, &t);
                if df > 0 {
                    found.push((t, df, Via::Cognate));
                }
            }
        }
        // The other language's spelling one or two letters away
        // (`espionage`/`espionnage`, `serveur`/`server`), for words long
        // enough that this is rarely another word; with the dictionary's
        // senses, the one the corpus uses most wins (`server`, not `waiter`).
        // Only when the query's language is known: otherwise a misspelt
        // name (`Stoltenburg`) would be silently taken for another
        // language's word, where it should be said to match approximately.
        let own_other = tokens(other_analyzer, word);
        if let [own] = own_other.as_slice() {
            let letters = own.chars().count();
            if fuzzy && letters >= cognates::MIN_FUZZY {
                let distance = if letters >= cognates::MIN_FUZZY_TWO {
                    2
                } else {
                    1
                };
                for (term, df) in stats.similar(other, own, distance) {
                    if term != *own && df > 0 {
                        found.push((vec![(0, term)], df, Via::Cognate));
                    }
                }
            }
        }
        found
    }
}

/// The best candidates as alternatives in `lang`: the most used at full
/// weight, the others down to half of it. The word itself as `lang`
/// analyses it (`own`) is searched anyway: no alternative repeats it.
fn weighted(mut found: Vec<Candidate>, own: &[String], lang: Lang) -> Vec<Alternative> {
    found.retain(|(t, _, _)| !t.iter().map(|(_, s)| s).eq(own.iter()));
    found.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    found.dedup_by(|a, b| a.0 == b.0);
    found.truncate(MAX_TRANSLATIONS);
    let most = found.first().map_or(1, |f| f.1) as f32;
    found
        .into_iter()
        .map(|(positioned, df, via)| {
            let (positions, terms): (Vec<usize>, Vec<String>) = positioned.into_iter().unzip();
            let base = match via {
                Via::Cognate => COGNATE_WEIGHT,
                _ => DICTIONARY_WEIGHT,
            };
            Alternative {
                lang,
                text: terms.join(" "),
                terms,
                positions,
                weight: base * (0.5 + 0.5 * df as f32 / most),
                via,
            }
        })
        .collect()
}

/// Whether a word is a function word of `lang`, which is not translated.
pub fn is_function_word(lang: Lang, word: &str) -> bool {
    let word = word.to_lowercase();
    let word = word.rsplit(['\'', '’']).next().unwrap_or(&word);
    include_str!("function_words.txt")
        .lines()
        .filter_map(|l| l.split_once(' '))
        .any(|(l, w)| l == lang.code() && w == word)
}

/// Passages that have every term of a phrase (at most the rarest's count).
fn phrase_df(stats: &dyn TermStats, lang: Lang, terms: &Phrase) -> u64 {
    terms
        .iter()
        .map(|(_, t)| stats.doc_freq(lang, t))
        .min()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests;
