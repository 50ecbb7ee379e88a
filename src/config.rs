//! The per-user configuration file, for an installed binary run from
//! anywhere: where the corpus and the index are.
//!
//! ```toml
//! corpus = "~/recherche/sources"
//! index = "~/.cache/nrel-search/index"
//! ```
//!
//! It is `$NREL_CONFIG`, else `$XDG_CONFIG_HOME/nrel-search/config.toml`,
//! else `~/.config/nrel-search/config.toml`. Relative paths are relative to
//! the file's directory; `~/` is the home directory. The command line and
//! the environment (`--corpus`, `NREL_CORPUS`…) win over it.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Deserialize;

/// What the configuration file says.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The corpus directory.
    pub corpus: Option<PathBuf>,
    /// The index directory.
    pub index: Option<PathBuf>,
}

/// Where the configuration file is looked for.
pub fn path() -> Option<PathBuf> {
    let var = |name| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(path) = var("NREL_CONFIG") {
        return Some(PathBuf::from(path));
    }
    let base = var("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| var("HOME").map(|home| Path::new(&home).join(".config")))?;
    Some(base.join("nrel-search").join("config.toml"))
}

/// Reads the configuration file, if there is one.
pub fn load() -> Result<Config> {
    let Some(path) = path() else {
        return Ok(Config::default());
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
        Err(e) => return Err(e).with_context(|| path.display().to_string()),
    };
    let config: Config = toml::from_str(&text).map_err(|e| {
        anyhow::anyhow!(
            "{}: {}",
            path.display(),
            nrel_search::error::one_line(e.message())
        )
    })?;
    let dir = path.parent().unwrap_or(Path::new("."));
    Ok(Config {
        corpus: config.corpus.map(|p| resolve(dir, &p)),
        index: config.index.map(|p| resolve(dir, &p)),
    })
}

/// `~/x` under the home directory; a relative path under `dir`.
fn resolve(dir: &Path, path: &Path) -> PathBuf {
    if let (Ok(rest), Some(home)) = (path.strip_prefix("~"), std::env::var_os("HOME")) {
        return Path::new(&home).join(rest);
    }
    dir.join(path)
}
