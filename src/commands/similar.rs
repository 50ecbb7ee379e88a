//! `nrel-search similar ID`: the passages closest in meaning to a passage,
//! in both languages ("more like this").

use std::io::{self, Write};
use std::process::ExitCode;

use anyhow::{bail, Result};

use nrel_search::index::Lineage;
use nrel_search::output;
use nrel_search::{search, PassageId};

use super::{found_or_not, missing, open_and};
use crate::cli::{Dirs, SimilarArgs};
use crate::messages::note;

pub fn run(dirs: &Dirs, args: SimilarArgs) -> Result<ExitCode> {
    let asked = PassageId::parse(&args.id);
    // The passage resolved and its neighbours found while the freshness
    // check runs (again after a refresh).
    let (_, answer) = open_and(dirs, false, |index| -> Result<_> {
        let (id, changed) = match index.resolve(&asked)? {
            Lineage::Current(found) => (found.0.id, false),
            // A changed passage: its successor's neighbours.
            Lineage::Succeeded(successor) if index.passage(&successor)?.is_some() => {
                (successor, true)
            }
            lineage => bail!(missing(&asked, &lineage)),
        };
        let results = search::similar(index, &id, args.limit, args.lang, Some(args.per_doc))?;
        Ok((id, changed, results))
    })?;
    let (id, changed, results) = answer?;
    if changed {
        note(format_args!(
            "passage {asked} no longer exists (its text changed); closest current passage: {id}"
        ));
    }
    let mut out = io::stdout().lock();
    if args.json {
        output::json::print_hits(&mut out, &results.hits)?;
    } else if results.hits.is_empty() {
        note(format_args!("no other passage to compare {id} with"));
    } else {
        output::terminal::print_hits(&mut out, &results.hits, &dirs.corpus, args.color.color())?;
    }
    out.flush()?;
    Ok(found_or_not(!results.hits.is_empty()))
}
