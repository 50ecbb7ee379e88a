//! `nrel-search cite ID…` (passages as citations) and `nrel-search bib`
//! (the corpus's bibliography).

use std::io::{self, Write};
use std::process::ExitCode;

use anyhow::Result;

use nrel_search::index::Lineage;
use nrel_search::output::{self, bib, CiteFormat};
use nrel_search::PassageId;

use super::{missing, open, warn_untrimmed, FOUND};
use crate::cli::{BibArgs, CiteArgs, Dirs};
use crate::messages::error;

pub fn run(dirs: &Dirs, args: CiteArgs) -> Result<ExitCode> {
    let index = open(dirs, false)?;
    let mut found = Vec::new();
    for id in &args.ids {
        let id = PassageId::parse(id);
        match index.resolve(&id)? {
            Lineage::Current(pair) => found.push(*pair),
            lineage => {
                error(missing(&id, &lineage));
            }
        }
    }
    let mut out = io::stdout().lock();
    let unmatched = output::print_citations(
        &mut out,
        found.iter().map(|(p, m)| (p, m)),
        args.format,
        args.trim.as_deref(),
    )?;
    if let Some(trim) = &args.trim {
        warn_untrimmed(&unmatched, trim);
    }
    // An id that could not be cited is an error (reported above).
    Ok(ExitCode::from(FOUND))
}

pub fn run_bib(dirs: &Dirs, args: BibArgs) -> Result<ExitCode> {
    let index = open(dirs, false)?;
    let metas = index.documents()?;
    let mut out = io::stdout().lock();
    match args.format {
        CiteFormat::CslJson => writeln!(out, "{}", bib::csl_json(&bib::uncited(&metas)))?,
        _ => bib::write_bibtex(&mut out, &bib::uncited(&metas))?,
    }
    Ok(ExitCode::from(FOUND))
}
