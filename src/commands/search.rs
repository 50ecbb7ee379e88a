//! `nrel-search QUERY` and `nrel-search search QUERY`.

use std::cell::OnceCell;
use std::fs;
use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{anyhow, bail, Result};

use nrel_search::corpus::rel_path;
use nrel_search::index::SearchIndex;
use nrel_search::output;
use nrel_search::search::{self, SearchOptions, Unanswered};
use nrel_search::semantic::Model;
use nrel_search::translate::Translator;
use nrel_search::{Error, Warning};

use super::{found_or_not, open_and, warn_untrimmed};
use crate::cli::{Dirs, SearchArgs};
use crate::messages::{note, warn, warn_all};

pub fn run(dirs: &Dirs, args: SearchArgs) -> Result<ExitCode> {
    let mut options = options(&args)?;
    // A document named by its path as hits print it (corpus included).
    options.doc = options.doc.map(|doc| in_corpus(&doc, &dirs.corpus));
    options.model = super::installed_model();
    // Built once, from the first index opened (the dictionaries and the
    // glossary do not depend on which commit answers).
    let translator_once = OnceCell::new();
    let (index, results) = open_and(dirs, args.no_refresh, |index| {
        let mut options = options.clone();
        if !args.translation.no_translate {
            let made = translator_once
                .get_or_init(|| Arc::new(translator(dirs, &args.translation.dict, index)));
            options.translator = Some(Arc::clone(made));
        }
        search::search(index, &options)
    })?;
    note_missing_vectors(&index, options.model.as_deref());
    let results = results.map_err(cli_error)?;
    warn_all(&results.warnings);
    if args.explain {
        for line in &results.explanation {
            note(format_args!("explain: {line}"));
        }
        if let Some(mode) = results.mode {
            note(format_args!("explain: ranking: {}", mode.name()));
        }
        for hit in &results.hits {
            let part = |v: Option<f32>, what: &str| match v {
                Some(v) => format!("{what} {v:.3}"),
                None => format!("{what} -"),
            };
            note(format_args!(
                "explain: #{} {} score {:.4}: {}, {}",
                hit.rank,
                hit.passage.id,
                hit.score,
                part(hit.bm25, "bm25"),
                part(hit.semantic, "semantic")
            ));
            if hit.placed_for_language {
                note(format_args!(
                    "explain: #{} is the best passage in the other language, placed among the first places above higher scores",
                    hit.rank
                ));
            }
            if hit.held_back {
                note(format_args!(
                    "explain: #{} ranked before one of the first {} places' passages, but its document has {} of them (--per-doc {})",
                    hit.rank,
                    search::rank::DIVERSE_PLACES,
                    output::terminal::first_places_of(&results.hits, hit),
                    args.per_doc
                ));
            }
            if let Some((of, cosine)) = &hit.counterpart_of {
                note(format_args!(
                    "explain: #{} says what {of} says, in the other language (cosine {cosine:.3}): ranked after it",
                    hit.rank
                ));
            }
        }
    }
    if results.hits.is_empty() {
        // Said whatever the output format: JSON Lines and citations print
        // no hit on standard output (CSL-JSON an empty list).
        let hint = match results.unanswered {
            // Its warning has said so.
            Some(Unanswered::NothingToSearch) => None,
            Some(Unanswered::MeaningWithheld) => {
                Some(" (--mode semantic ranks passages by meaning alone)")
            }
            None => Some(""),
        };
        if let Some(hint) = hint {
            note(format_args!(
                "no passage matches '{}'{hint}",
                search::query::echo(&options.query)
            ));
        }
    }
    let mut out = io::stdout().lock();
    if args.json {
        output::json::print_hits(&mut out, &results.hits)?;
    } else if let Some(format) = args.cite {
        let unmatched = output::print_citations(
            &mut out,
            results.hits.iter().map(|h| (&h.passage, &h.meta)),
            format,
            Some(&options.query),
        )?;
        warn_untrimmed(&unmatched, &options.query);
    } else if !results.hits.is_empty() {
        output::terminal::print_hits(&mut out, &results.hits, &dirs.corpus, args.color.color())?;
    }
    out.flush()?;
    Ok(found_or_not(!results.hits.is_empty()))
}

/// The search the arguments ask for, checked.
fn options(args: &SearchArgs) -> Result<SearchOptions> {
    let query = args.query.join(" ");
    if query.trim().is_empty() {
        bail!("no query given (try: nrel-search \"Conseil OTAN-Russie\", or nrel-search --help)");
    }
    if let (Some(since), Some(until)) = (args.since, args.until) {
        if since.first_day() > until.last_day() {
            bail!("--since {since} is after --until {until}");
        }
    }
    Ok(SearchOptions {
        query,
        limit: args.limit,
        lang: args.lang,
        since: args.since,
        until: args.until,
        doc: args.doc.clone(),
        source: args.source.clone(),
        translator: None,
        per_doc: Some(args.per_doc),
        mode: args.mode.map(Into::into),
        model: None,
    })
}

/// Where the index remembers that it said its vectors are missing.
const VECTORS_NOTED: &str = ".vectors-missing";

/// Says once per index (and model) that a sentence encoder is installed
/// but the index has no vectors of it: searches rank by BM25 until
/// `nrel-search index` adds them.
fn note_missing_vectors(index: &SearchIndex, model: Option<&Model>) {
    let marker = index.dir().join(VECTORS_NOTED);
    let Some(model) = model else { return };
    if index.vectors_model() == Some(model.id().as_str()) {
        if marker.exists() && !index.is_read_only() {
            let _ = fs::remove_file(&marker);
        }
        return;
    }
    if fs::read_to_string(&marker).is_ok_and(|said| said == model.id()) {
        return;
    }
    note(format_args!(
        "a sentence encoder is installed but the index has no passage vectors: searches rank by \
         words (BM25) until `nrel-search index` adds them"
    ));
    if !index.is_read_only() {
        let _ = fs::write(&marker, model.id());
    }
}

/// Where the index remembers that it said the dictionaries are missing.
const DICTIONARIES_NOTED: &str = ".dictionaries-missing";

/// The translator of the corpus's glossary and the dictionaries in `dict`.
/// Missing dictionaries are said once per index (and again if they go
/// missing after having been there); a bad glossary on every search.
pub(crate) fn translator(dirs: &Dirs, dict: &Path, index: &SearchIndex) -> Translator {
    let cache = (!index.is_read_only()).then(|| index.dir());
    let (translator, setup) = Translator::load(&dirs.corpus, dict, cache);
    for line in &setup.notes {
        warn(&Warning::general(line.clone()));
    }
    let marker = index.dir().join(DICTIONARIES_NOTED);
    match setup.dictionaries_missing {
        Some(dir) => {
            let said = fs::read_to_string(&marker).is_ok_and(|d| d == dir.to_string_lossy());
            if !said {
                note(format_args!(
                    "no FreeDict dictionaries in {}: English and French words are translated with the \
                     corpus's glossary and cognates only (to add them: apt-get install \
                     dict-freedict-eng-fra dict-freedict-fra-eng, or --dict DIR)",
                    dir.display()
                ));
                if cache.is_some() {
                    let _ = fs::write(&marker, dir.to_string_lossy().as_bytes());
                }
            }
        }
        None => {
            if cache.is_some() && marker.exists() {
                let _ = fs::remove_file(&marker);
            }
        }
    }
    translator
}

/// A path inside the corpus, relative to it; anything else as it is.
fn in_corpus(doc: &str, corpus: &Path) -> String {
    let path = Path::new(doc);
    let inside = path
        .strip_prefix(corpus)
        .ok()
        .map(Path::to_path_buf)
        .or_else(|| {
            let (path, corpus) = (path.canonicalize().ok()?, corpus.canonicalize().ok()?);
            path.strip_prefix(corpus).ok().map(Path::to_path_buf)
        });
    match inside {
        Some(rel) if !rel.as_os_str().is_empty() => rel_path(Path::new(""), &rel),
        _ => doc.to_owned(),
    }
}

/// A filter the library refuses, named as the option that set it.
fn cli_error(e: Error) -> anyhow::Error {
    match e {
        Error::InvalidFilter { filter, message } => {
            anyhow!("invalid value for --{filter}: {message}")
        }
        e => e.into(),
    }
}
