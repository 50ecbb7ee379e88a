//! `nrel-search status`: whether the index is in step with the corpus
//! (exit 0) or not (1).

use std::process::ExitCode;

use anyhow::Result;

use nrel_search::index::{self, Status};

use super::{FOUND, NOT_FOUND};
use crate::cli::Dirs;
use crate::messages::warn_all;

pub fn run(dirs: &Dirs) -> Result<ExitCode> {
    let (status, warnings) = index::status(&dirs.corpus, &dirs.index)?;
    warn_all(&warnings);
    let ok = match status {
        Status::Missing => {
            println!("no index in {} yet", dirs.index.display());
            false
        }
        Status::Incompatible(reason) => {
            println!(
                "the index in {} must be rebuilt: {reason}",
                dirs.index.display()
            );
            false
        }
        Status::UpToDate {
            documents,
            passages,
            watched,
            vectors,
        } => {
            let by = if watched {
                " (kept in step by a running watch)"
            } else {
                ""
            };
            println!("index up to date: {documents} documents, {passages} passages{by}");
            match (vectors, super::installed_model()) {
                (Some(id), Some(model)) if model.id() == id => {
                    println!("passage vectors: every passage (sentence encoder {id}): hybrid search")
                }
                (Some(id), _) => println!(
                    "passage vectors: from sentence encoder {id}, which is not installed: BM25 search"
                ),
                (None, Some(_)) => println!(
                    "passage vectors: none; a sentence encoder is installed: `nrel-search index` adds them"
                ),
                (None, None) => println!("passage vectors: none (semantic search off)"),
            }
            true
        }
        Status::Stale(summary) => {
            println!("index stale: {summary}");
            false
        }
    };
    Ok(ExitCode::from(if ok { FOUND } else { NOT_FOUND }))
}
