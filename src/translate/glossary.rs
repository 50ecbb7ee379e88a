//! The corpus's glossary (`glossary.toml` beside the sources): terms and
//! acronyms with their equivalents in the other language, which a query's
//! words are translated with before the dictionary is asked.
//!
//! ```toml
//! [[term]]
//! fr = ["OTAN", "Organisation du traité de l'Atlantique Nord"]
//! en = ["NATO", "North Atlantic Treaty Organization"]
//! ```
//!
//! Every form of a term is equivalent to every other: a query naming one
//! also searches the others, in both languages (an acronym finds its
//! expansion). Forms are compared as the index analyses them, so case,
//! accents, elision and plurals do not matter.

use std::fs;
use std::path::Path;

use serde::Deserialize;

#[cfg(test)]
use crate::analysis::tokens;
use crate::analysis::{analyzer, positioned_tokens};
use crate::error::one_line;
use crate::lang::Lang;

/// The glossary's file name, in the corpus directory.
pub const GLOSSARY_FILE: &str = "glossary.toml";

/// One term: its forms in each language, analysed.
#[derive(Clone, Debug, Default)]
pub struct Term {
    /// Forms as written, with their language and analysed terms.
    pub forms: Vec<Form>,
}

/// One way of writing a term.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Form {
    /// The language of the form.
    pub lang: Lang,
    /// As written in the glossary.
    pub text: String,
    /// As analysed by the language's analyzer.
    pub terms: Vec<String>,
    /// Each term's offset from the first (stop words leave gaps).
    pub positions: Vec<usize>,
}

/// The glossary.
#[derive(Clone, Debug, Default)]
pub struct Glossary {
    /// Its terms.
    pub terms: Vec<Term>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    term: Vec<RawTerm>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTerm {
    #[serde(default)]
    fr: Vec<String>,
    #[serde(default)]
    en: Vec<String>,
    /// A free comment (where the texts say it).
    #[serde(default)]
    #[allow(dead_code)]
    note: Option<String>,
}

impl Glossary {
    /// Reads the glossary of the corpus in `corpus`: empty when there is
    /// none; an error line naming the file (and where) when it cannot be
    /// read.
    pub fn load(corpus: &Path) -> Result<Glossary, String> {
        let path = corpus.join(GLOSSARY_FILE);
        match fs::read_to_string(&path) {
            Ok(text) => Glossary::parse(&text).map_err(|e| format!("{}: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Glossary::default()),
            Err(e) => Err(format!("{}: {e}", path.display())),
        }
    }

    /// Parses a glossary's text.
    pub fn parse(text: &str) -> Result<Glossary, String> {
        let file: File = toml::from_str(text).map_err(|e| {
            let at = e
                .span()
                .map(|span| {
                    let line = text[..span.start].matches('\n').count() + 1;
                    format!("line {line}: ")
                })
                .unwrap_or_default();
            format!("{at}{}", one_line(e.message()))
        })?;
        let mut analyzers = Lang::ALL.map(analyzer);
        let mut glossary = Glossary::default();
        for raw in file.term {
            let mut term = Term::default();
            for (lang, forms) in [(Lang::French, &raw.fr), (Lang::English, &raw.en)] {
                let analyzer = &mut analyzers[if lang == Lang::French { 0 } else { 1 }];
                for text in forms {
                    let (positions, terms): (Vec<usize>, Vec<String>) =
                        positioned_tokens(analyzer, text).into_iter().unzip();
                    if !terms.is_empty() {
                        term.forms.push(Form {
                            lang,
                            text: text.trim().to_owned(),
                            terms,
                            positions,
                        });
                    }
                }
            }
            if term.forms.len() >= 2 {
                glossary.terms.push(term);
            }
        }
        Ok(glossary)
    }

    /// The terms named in a sequence of analysed query words (each the
    /// terms of one query word in `lang`'s analysis): for each match, the
    /// first and last word covered, the term, and the form matched.
    /// Longer matches win; matches do not overlap.
    pub fn find(&self, lang: Lang, words: &[Vec<String>]) -> Vec<Match<'_>> {
        // The analysed terms in a row, each with the word it came from.
        let flat: Vec<(usize, &str)> = words
            .iter()
            .enumerate()
            .flat_map(|(i, terms)| terms.iter().map(move |t| (i, t.as_str())))
            .collect();
        let mut found: Vec<Match<'_>> = Vec::new();
        for term in &self.terms {
            for form in term.forms.iter().filter(|f| f.lang == lang) {
                let n = form.terms.len();
                for start in 0..flat.len().saturating_sub(n - 1) {
                    if flat[start..start + n]
                        .iter()
                        .zip(&form.terms)
                        .all(|((_, a), b)| a == b)
                    {
                        found.push(Match {
                            first: flat[start].0,
                            last: flat[start + n - 1].0,
                            terms_matched: n,
                            term,
                            form,
                        });
                    }
                }
            }
        }
        found.sort_by(|a, b| {
            b.terms_matched
                .cmp(&a.terms_matched)
                .then(a.first.cmp(&b.first))
        });
        let mut kept: Vec<Match<'_>> = Vec::new();
        for m in found {
            if kept.iter().all(|k| m.last < k.first || m.first > k.last) {
                kept.push(m);
            }
        }
        kept.sort_by_key(|m| m.first);
        kept
    }
}

/// A glossary term named in a query.
#[derive(Clone, Copy, Debug)]
pub struct Match<'g> {
    /// First query word covered.
    pub first: usize,
    /// Last query word covered.
    pub last: usize,
    /// How many analysed terms matched.
    pub terms_matched: usize,
    /// The term.
    pub term: &'g Term,
    /// The form the query used.
    pub form: &'g Form,
}

#[cfg(test)]
mod tests {
    use super::*;

    const GLOSSARY: &str = r#"
[[term]]
fr = ["OTAN"]
en = ["NATO"]

[[term]]
fr = ["Partenariat pour la paix", "PpP"]
en = ["Partnership for Peace", "PfP"]

[[term]]
fr = ["Conseil OTAN-Russie", "COR"]
en = ["NATO-Russia Council", "NRC"]
"#;

    fn words(lang: Lang, query: &str) -> Vec<Vec<String>> {
        let mut a = analyzer(lang);
        query
            .split_whitespace()
            .map(|w| tokens(&mut a, w))
            .collect()
    }

    #[test]
    fn longest_terms_first() {
        let g = Glossary::parse(GLOSSARY).unwrap();
        let found = g.find(
            Lang::English,
            &words(Lang::English, "the NATO Russia Council in 2002"),
        );
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].first, found[0].last), (1, 3));
        assert_eq!(found[0].form.text, "NATO-Russia Council");
        let found = g.find(Lang::English, &words(Lang::English, "NATO enlargement"));
        assert_eq!(found[0].form.text, "NATO");
    }

    #[test]
    fn forms_match_as_analysed() {
        let g = Glossary::parse(GLOSSARY).unwrap();
        // Case, accents and elision do not matter.
        let found = g.find(
            Lang::French,
            &words(Lang::French, "l'otan et le partenariat POUR la paix"),
        );
        let texts: Vec<_> = found.iter().map(|m| m.form.text.as_str()).collect();
        assert_eq!(texts, ["OTAN", "Partenariat pour la paix"]);
        assert!(g
            .find(Lang::French, &words(Lang::French, "paix"))
            .is_empty());
    }

    #[test]
    fn errors_say_where() {
        let err = Glossary::parse("[[term]]\nfr = \"OTAN\"\n").unwrap_err();
        assert!(err.starts_with("line 2: "), "{err}");
        let err = Glossary::parse("[[term]]\nde = [\"NATO\"]\n").unwrap_err();
        assert!(err.contains("unknown field"), "{err}");
        assert!(Glossary::load(Path::new("/nonexistent"))
            .unwrap()
            .terms
            .is_empty());
    }
}
