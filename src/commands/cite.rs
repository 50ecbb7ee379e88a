//! `nrel-search cite ID…` (passages as citations) and `nrel-search bib`
//! (the corpus's bibliography).

use std::io::{self, Write};
use std::process::ExitCode;

use anyhow::Result;

use nrel_search::index::Lineage;
use nrel_search::output::{self, bib, CiteFormat};
use nrel_search::PassageId;

use super::{open, report_missing, FOUND, NOT_FOUND};
use crate::cli::{BibArgs, CiteArgs, Dirs};

pub fn run(dirs: &Dirs, args: CiteArgs) -> Result<ExitCode> {
    let index = open(dirs, false)?;
    let mut found = Vec::new();
    let mut missing = false;
    for id in &args.ids {
        let id = PassageId::parse(id);
        match index.resolve(&id)? {
            Lineage::Current(pair) => found.push(*pair),
            lineage => {
                report_missing(&id, &lineage);
                missing = true;
            }
        }
    }
    let mut out = io::stdout().lock();
    output::print_citations(
        &mut out,
        found.iter().map(|(p, m)| (p, m)),
        args.format,
        args.trim.as_deref(),
    )?;
    Ok(ExitCode::from(if missing { NOT_FOUND } else { FOUND }))
}

pub fn run_bib(dirs: &Dirs, args: BibArgs) -> Result<ExitCode> {
    let index = open(dirs, false)?;
    let metas = index.documents()?;
    let mut out = io::stdout().lock();
    match args.format {
        CiteFormat::CslJson => {
            writeln!(out, "{}", bib::csl_json(&metas.iter().collect::<Vec<_>>()))?
        }
        _ => bib::write_bibtex(&mut out, &metas)?,
    }
    Ok(ExitCode::from(FOUND))
}
