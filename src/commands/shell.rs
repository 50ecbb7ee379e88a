//! `nrel-search completions SHELL` and `nrel-search man`: a completion
//! script and the manual page, generated from the argument definitions.

use std::io::{self, Write};
use std::process::ExitCode;

use anyhow::Result;
use clap::CommandFactory;

use super::FOUND;
use crate::cli::{Cli, CompletionsArgs};

pub fn completions(args: CompletionsArgs) -> Result<ExitCode> {
    let mut cli = Cli::command();
    // Generated in memory: the generator panics on a write error (a
    // closed pipe), which stdout then reports as an error.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cli, "nrel-search", &mut script);
    let mut out = io::stdout().lock();
    out.write_all(&script)?;
    out.flush()?;
    Ok(ExitCode::from(FOUND))
}

pub fn man() -> Result<ExitCode> {
    let mut out = io::stdout().lock();
    let cli = Cli::command();
    clap_mangen::Man::new(cli.clone()).render(&mut out)?;
    // The search options, which a bare query takes too.
    if let Some(search) = cli.find_subcommand("search") {
        writeln!(out, ".SH \"SEARCH OPTIONS\"")?;
        let mut options = Vec::new();
        clap_mangen::Man::new(search.clone()).render_options_section(&mut options)?;
        let options = String::from_utf8_lossy(&options);
        // Its own heading is replaced by the one above.
        let body = options
            .split_once(".SH OPTIONS\n")
            .map_or("", |(_, body)| body);
        write!(out, "{body}")?;
    }
    out.flush()?;
    Ok(ExitCode::from(FOUND))
}
