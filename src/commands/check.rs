//! `nrel-search check NOTES…`: every `[nrel:ID]` reference of the notes
//! and its quotation, checked against the index; exit 0 only when all are
//! ok.

use std::io::{self, Write};
use std::process::ExitCode;

use anyhow::Result;

use nrel_search::notes::{self, Status};
use nrel_search::Error;

use super::{open, FOUND, NOT_FOUND};
use crate::cli::{CheckArgs, Dirs};
use crate::messages::note;

pub fn run(dirs: &Dirs, args: CheckArgs) -> Result<ExitCode> {
    let mut texts = Vec::with_capacity(args.notes.len());
    for path in &args.notes {
        texts.push(std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?);
    }
    let index = open(dirs, false)?;
    let mut out = io::stdout().lock();
    let mut all_ok = true;
    let mut total = 0;
    for (path, text) in args.notes.iter().zip(&texts) {
        for reference in notes::check(&index, text)? {
            total += 1;
            all_ok &= reference.status == Status::Ok;
            writeln!(
                out,
                "{}:{}: {}",
                path.display(),
                reference.line,
                notes::describe(&reference.id, &reference.status)
            )?;
        }
    }
    if total == 0 {
        note("no [nrel:ID] reference found");
    }
    Ok(ExitCode::from(if all_ok { FOUND } else { NOT_FOUND }))
}
