//! The library's error type.
//!
//! Every fallible function of the library returns [`Result`]. Errors that a
//! user can cause (a missing corpus, a bad date, an unreadable index) carry
//! enough context to be printed as one line naming the culprit.

use std::path::PathBuf;

/// A specialised `Result` for nrel-search.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What can go wrong in nrel-search.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The corpus directory does not exist.
    #[error("corpus directory {} does not exist", .0.display())]
    CorpusMissing(PathBuf),
    /// The corpus path is not a directory.
    #[error("corpus {} is not a directory", .0.display())]
    CorpusNotDirectory(PathBuf),
    /// A program nrel-search runs is not installed.
    #[error("{tool} is not installed (Debian package {package})")]
    MissingTool {
        /// The program.
        tool: &'static str,
        /// The Debian package that has it.
        package: &'static str,
    },
    /// A source file cannot be read as text, for a reason of its format.
    #[error("{}: {reason}", .path.display())]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// A PDF has no text layer (a scan, a figure).
    #[error("{}: no text layer: needs OCR", .0.display())]
    NoTextLayer(PathBuf),
    /// A source file holds binary data, not text.
    #[error("{}: binary file, not text", .0.display())]
    NotText(PathBuf),
    /// The corpus directory holds no `.txt` or `.md` file.
    #[error("corpus directory {} holds no source file (.txt, .md, .pdf, .html)", .0.display())]
    CorpusEmpty(PathBuf),
    /// A file could not be read or written.
    #[error("{}: {source}", .path.display())]
    Io {
        /// The file or directory concerned.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The metadata manifest could not be parsed.
    #[error("{}: {message}", .path.display())]
    Manifest {
        /// The manifest file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// The query is empty.
    #[error("the query is empty")]
    EmptyQuery,
    /// A search filter cannot be used.
    #[error("invalid {filter} filter: {message}")]
    InvalidFilter {
        /// The filter: `doc`, `source`…
        filter: &'static str,
        /// What is wrong with its value.
        message: String,
    },
    /// The index directory exists but holds something else than an index,
    /// or an index that cannot be read.
    #[error("{}: {message}", .path.display())]
    BadIndex {
        /// The index directory.
        path: PathBuf,
        /// What is wrong with it, and what to do.
        message: String,
    },
    /// Another process is writing to the index.
    #[error("{}: another nrel-search process is updating this index; try again when it has finished", .0.display())]
    IndexBusy(PathBuf),
    /// An error from the search engine library.
    #[error("index error: {}; if the index is damaged, rebuild it with `nrel-search index --full`", one_line(&.0.to_string()))]
    Tantivy(#[from] tantivy::TantivyError),
    /// The sentence encoder's model cannot be imported or loaded.
    #[error("{}: {message}", .path.display())]
    Model {
        /// The model file, or what it is imported from.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// Semantic search was asked for and cannot be done.
    #[error("semantic search is not possible: {0}")]
    NoVectors(String),
    /// An error from the file watcher.
    #[error("watching the corpus failed: {0}")]
    Watch(#[from] notify::Error),
}

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// Whether the error only says that a file has no text to index (a
    /// binary file, a PDF without a text layer): the file is skipped, as
    /// grep skips binary files, and the run does not fail for it.
    pub fn is_textless(&self) -> bool {
        matches!(self, Error::NotText(_) | Error::NoTextLayer(_))
    }

    /// [`Error::is_textless`] of an error as a record keeps it (its
    /// message).
    pub fn is_textless_message(message: &str) -> bool {
        [
            Error::NotText(PathBuf::new()),
            Error::NoTextLayer(PathBuf::new()),
        ]
        .iter()
        .any(|e| message.ends_with(&e.to_string()))
    }
}

/// Something worth telling the user that does not stop the run: a file
/// skipped, a field ignored, a query simplified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    /// The file concerned, when there is one.
    pub path: Option<PathBuf>,
    /// What happened.
    pub message: String,
    /// Whether something could not be done that should have been: a file
    /// that could not be read, a manifest that could not be understood.
    /// Commands that report on the corpus (`index`) fail on these.
    pub error: bool,
}

impl Warning {
    /// A warning about a file.
    pub fn file(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Warning {
            path: Some(path.into()),
            message: message.into(),
            error: false,
        }
    }

    /// A warning not tied to a file.
    pub fn general(message: impl Into<String>) -> Self {
        Warning {
            path: None,
            message: message.into(),
            error: false,
        }
    }

    /// The same, marked as an error.
    pub fn as_error(mut self) -> Self {
        self.error = true;
        self
    }
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.path {
            Some(path) => write!(f, "{}: {}", path.display(), self.message),
            None => f.write_str(&self.message),
        }
    }
}

pub use crate::text::one_line;
