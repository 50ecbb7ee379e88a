//! The corpus: finding source files, decoding them, and their metadata.

pub mod bibliographic;
pub mod date;
pub mod decode;
pub mod extract;
pub mod front_matter;
pub mod html;
pub mod key;
pub mod manifest;
pub mod meta;
pub mod pdf;
pub mod rewalk;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use walkdir::WalkDir;

use crate::error::{Error, Result, Warning};

pub use bibliographic::Bibliographic;
pub use date::PartialDate;
pub use key::{default_key, slug};
pub use manifest::{Manifest, ManifestEntry, MANIFEST_FILE};
pub use meta::SourceMeta;

/// A source file found in the corpus.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceFile {
    /// Path inside the corpus, with `/` separators.
    pub rel: String,
    /// Full path on disk.
    pub abs: PathBuf,
    /// Size in bytes.
    pub size: u64,
    /// Modification time, in nanoseconds since the Unix epoch.
    pub mtime_ns: u64,
}

/// The file extensions that are indexed.
pub const EXTENSIONS: [&str; 6] = ["txt", "md", "markdown", "pdf", "html", "htm"];

/// Lists the corpus's source files, hidden ones skipped, in path order.
/// Unreadable directories are reported and skipped.
pub fn discover(corpus: &Path, warnings: &mut Vec<Warning>) -> Result<Vec<SourceFile>> {
    Ok(walk(corpus, warnings)?.files)
}

/// What a walk of the corpus found.
#[derive(Debug, Default)]
pub struct Walk {
    /// The source files, in path order.
    pub files: Vec<SourceFile>,
    /// The directories walked ("" is the corpus itself), with their
    /// modification times.
    pub dirs: BTreeMap<String, u64>,
    /// Whether the walk went through a symbolic link below the corpus.
    pub links: bool,
}

/// Walks the corpus: its source files, hidden ones skipped, and its
/// directories. Unreadable directories are reported and skipped.
pub fn walk(corpus: &Path, warnings: &mut Vec<Warning>) -> Result<Walk> {
    check_corpus(corpus)?;
    let mut files = Vec::new();
    let mut dirs = BTreeMap::new();
    let mut links = false;
    for entry in entries(corpus) {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let path = e.path().unwrap_or(corpus).to_path_buf();
                warnings
                    .push(Warning::file(path, format!("skipped: {}", io_reason(&e))).as_error());
                continue;
            }
        };
        links |= entry.depth() > 0 && entry.path_is_symlink();
        if entry.file_type().is_dir() {
            if let Ok(meta) = entry.metadata() {
                dirs.insert(rel_path(corpus, entry.path()), mtime_ns(&meta));
            }
            continue;
        }
        if !entry.file_type().is_file() || !is_source(entry.path()) {
            continue;
        }
        let meta = match entry.metadata() {
            Ok(meta) => meta,
            Err(e) => {
                warnings.push(
                    Warning::file(entry.path(), format!("skipped: {}", io_reason(&e))).as_error(),
                );
                continue;
            }
        };
        let rel = rel_path(corpus, entry.path());
        files.push(SourceFile {
            rel,
            abs: entry.path().to_path_buf(),
            size: meta.len(),
            mtime_ns: mtime_ns(&meta),
        });
    }
    files.sort_by(|a, b| a.rel.cmp(&b.rel));
    Ok(Walk { files, dirs, links })
}

/// The entries of the corpus in name order, links followed, hidden ones
/// (and what they hold) left out.
fn entries(corpus: &Path) -> impl Iterator<Item = walkdir::Result<walkdir::DirEntry>> {
    WalkDir::new(corpus)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
}

/// Whether the corpus holds a source file that [`walk`] would find (it
/// stops at the first one).
pub fn has_source(corpus: &Path) -> bool {
    entries(corpus)
        .filter_map(std::result::Result::ok)
        .any(|e| e.file_type().is_file() && is_source(e.path()))
}

/// A modification time in nanoseconds since the Unix epoch (0 if unknown).
pub fn mtime_ns(meta: &std::fs::Metadata) -> u64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as u64)
}

/// Checks that the corpus is a directory.
pub fn check_corpus(corpus: &Path) -> Result<()> {
    if corpus.is_dir() {
        Ok(())
    } else if corpus.exists() {
        Err(Error::CorpusNotDirectory(corpus.to_path_buf()))
    } else {
        Err(Error::CorpusMissing(corpus.to_path_buf()))
    }
}

fn io_reason(e: &walkdir::Error) -> String {
    e.io_error()
        .map_or_else(|| e.to_string(), |io| io.to_string())
}

/// Whether a path has an indexed extension.
pub fn is_source(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// A path relative to the corpus, with `/` separators.
pub fn rel_path(corpus: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(corpus).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discovery_skips_hidden_and_other_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("sub/.hidden")).unwrap();
        for f in [
            "a.txt",
            "sub/b.md",
            "sub/.c.txt",
            "sub/.hidden/d.txt",
            "e.docx",
            "sources.toml",
        ] {
            std::fs::write(root.join(f), "x").unwrap();
        }
        let files = discover(root, &mut Vec::new()).unwrap();
        let rels: Vec<_> = files.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(rels, ["a.txt", "sub/b.md"]);
    }

    #[test]
    fn missing_corpus_is_an_error() {
        let err = discover(Path::new("/nonexistent/corpus"), &mut Vec::new()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "corpus directory /nonexistent/corpus does not exist"
        );
    }
}
