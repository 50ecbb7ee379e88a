//! The passage index: opening it (analyzers registered every time),
//! building and updating it incrementally, reading passages back.
//!
//! The index lives in its own directory (`index/` by default). Each commit
//! carries an [`IndexState`] payload recording the files it was built from;
//! a crash before a commit leaves the previous commit, payload included,
//! as it was.

pub mod plan;
pub mod schema;
pub mod state;
mod update;

use std::path::{Path, PathBuf};

use tantivy::collector::{DocSetCollector, TopDocs};
use tantivy::query::TermQuery;
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{DocAddress, Index, IndexReader, ReloadPolicy, Searcher, TantivyDocument, Term};

use crate::corpus::SourceMeta;
use crate::document::Passage;
use crate::error::{Error, Result};
use crate::lang::Lang;

pub use plan::{plan, Plan};
pub use schema::Fields;
pub use state::{FileState, IndexState, FORMAT_VERSION};
pub use update::{update, NoProgress, Progress, UpdateOptions, UpdateReport};

/// An opened passage index.
pub struct SearchIndex {
    dir: PathBuf,
    index: Index,
    fields: Fields,
    reader: IndexReader,
    /// The record of the last commit, read once.
    state: Option<IndexState>,
}

/// What was found in an index directory.
pub enum Opened {
    /// No index there yet.
    Missing,
    /// An index this version can read.
    Ready(Box<SearchIndex>),
    /// An index made by another version of nrel-search (or an interrupted
    /// first build): it must be rebuilt.
    Incompatible(String),
}

pub(crate) const META_FILE: &str = "meta.json";
/// The lock file an update holds, in the index directory.
pub(crate) const LOCK_FILE: &str = ".nrel-search.lock";

impl SearchIndex {
    /// Opens the index in `dir`, if there is one.
    pub fn open(dir: &Path) -> Result<Opened> {
        if !dir.join(META_FILE).exists() {
            if dir.exists() {
                check_not_foreign(dir)?;
            }
            return Ok(Opened::Missing);
        }
        let index = Index::open_in_dir(dir).map_err(|e| Error::BadIndex {
            path: dir.to_path_buf(),
            message: format!(
                "cannot be read ({}); rebuild it with `nrel-search index --full`",
                one_line(&e.to_string())
            ),
        })?;
        if index.schema() != schema::build() {
            return Ok(Opened::Incompatible(
                "it was built by another version of nrel-search".into(),
            ));
        }
        let opened = SearchIndex::from_index(dir, index)?;
        match opened.state() {
            Some(state) if state.is_compatible() => Ok(Opened::Ready(Box::new(opened))),
            Some(_) => Ok(Opened::Incompatible(
                "it was built by another version of nrel-search".into(),
            )),
            None => Ok(Opened::Incompatible(
                "its first build did not finish".into(),
            )),
        }
    }

    /// Creates a new, empty index in `dir`, replacing an unusable one.
    pub fn create(dir: &Path) -> Result<SearchIndex> {
        if dir.join(META_FILE).exists() {
            remove_index_files(dir)?;
        } else if dir.exists() {
            check_not_foreign(dir)?;
        }
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let index = Index::create_in_dir(dir, schema::build()).map_err(|e| match e {
            tantivy::TantivyError::OpenDirectoryError(_) | tantivy::TantivyError::IoError(_) => {
                Error::BadIndex {
                    path: dir.to_path_buf(),
                    message: format!("cannot create the index: {}", one_line(&e.to_string())),
                }
            }
            e => Error::Tantivy(e),
        })?;
        SearchIndex::from_index(dir, index)
    }

    fn from_index(dir: &Path, index: Index) -> Result<SearchIndex> {
        crate::analysis::register(index.tokenizers());
        let fields = Fields::from_schema(&index.schema())?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let state = index
            .load_metas()
            .ok()
            .and_then(|metas| IndexState::from_payload(metas.payload.as_deref()));
        Ok(SearchIndex {
            dir: dir.to_path_buf(),
            index,
            fields,
            reader,
            state,
        })
    }

    /// The index directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The tantivy index.
    pub fn index(&self) -> &Index {
        &self.index
    }

    /// The field handles.
    pub fn fields(&self) -> &Fields {
        &self.fields
    }

    /// A searcher on the last commit.
    pub fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    /// The record of the commit this index was opened at (or last
    /// committed by this process), if it has one.
    pub fn state(&self) -> Option<&IndexState> {
        self.state.as_ref()
    }

    /// The current passage that replaced a passage id which no longer
    /// exists, when the index recorded one.
    pub fn successor(&self, id: &str) -> Option<&str> {
        self.state()?.retired.get(id).map(String::as_str)
    }

    /// Whether a document has this key.
    pub fn has_document(&self, key: &str) -> bool {
        self.state()
            .is_some_and(|s| s.files.values().any(|f| f.key == key))
    }

    /// Re-reads the index after this process committed `state`.
    pub(crate) fn committed(&mut self, state: IndexState) -> Result<()> {
        self.reader.reload()?;
        self.state = Some(state);
        Ok(())
    }

    /// Reads a stored passage document back.
    pub fn passage_from_doc(&self, doc: &TantivyDocument) -> (Passage, SourceMeta) {
        let f = &self.fields;
        let text = |field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_owned()
        };
        let num = |field| doc.get_first(field).and_then(|v| v.as_u64()).unwrap_or(0);
        let meta: SourceMeta = serde_json::from_str(&text(f.meta)).unwrap_or_default();
        let section = text(f.section);
        let passage = Passage {
            id: text(f.id),
            ordinal: num(f.ordinal) as u32,
            kind: text(f.kind),
            section: (!section.is_empty()).then_some(section),
            text: text(f.text),
            line_start: num(f.line_start) as u32,
            line_end: num(f.line_end) as u32,
            lang: text(f.lang).parse().unwrap_or(Lang::French),
            spans: Passage::spans_from_str(&text(f.line_map)),
        };
        (passage, meta)
    }

    /// Every passage of a document, in order, with its metadata.
    pub fn document_passages(&self, key: &str) -> Result<Vec<(Passage, SourceMeta)>> {
        let mut out = self.lookup(self.fields.doc, key, None)?;
        out.sort_by_key(|(p, _)| p.ordinal);
        Ok(out)
    }

    /// The metadata of every document in the index, in path order.
    pub fn documents(&self) -> Result<Vec<SourceMeta>> {
        let Some(state) = self.state() else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for file in state
            .files
            .values()
            .filter(|f| f.error.is_none() && f.passages > 0)
        {
            if let Some((_, meta)) = self.lookup(self.fields.doc, &file.key, Some(1))?.pop() {
                out.push(meta);
            }
        }
        Ok(out)
    }

    /// The passage with this id, if the index has it.
    pub fn passage(&self, id: &str) -> Result<Option<(Passage, SourceMeta)>> {
        Ok(self.lookup(self.fields.id, id, Some(1))?.pop())
    }

    /// The stored passages whose `field` is exactly `value`: at most `limit`
    /// of them, or all.
    fn lookup(
        &self,
        field: Field,
        value: &str,
        limit: Option<usize>,
    ) -> Result<Vec<(Passage, SourceMeta)>> {
        let searcher = self.searcher();
        let query = TermQuery::new(
            Term::from_field_text(field, value),
            IndexRecordOption::Basic,
        );
        let addresses: Vec<DocAddress> = match limit {
            Some(n) => searcher
                .search(&query, &TopDocs::with_limit(n).order_by_score())?
                .into_iter()
                .map(|(_, address)| address)
                .collect(),
            None => searcher
                .search(&query, &DocSetCollector)?
                .into_iter()
                .collect(),
        };
        addresses
            .into_iter()
            .map(|address| {
                let doc: TantivyDocument = searcher.doc(address)?;
                Ok(self.passage_from_doc(&doc))
            })
            .collect()
    }
}

/// Refuses a directory that holds something else than an index (or an
/// index's lock files): nrel-search never writes among someone's files.
pub(crate) fn check_not_foreign(dir: &Path) -> Result<()> {
    let foreign = || Error::BadIndex {
        path: dir.to_path_buf(),
        message: "not an nrel-search index and not empty; choose another --index directory".into(),
    };
    if !dir.is_dir() {
        return Err(Error::BadIndex {
            path: dir.to_path_buf(),
            message: "not a directory; choose another --index directory".into(),
        });
    }
    // An index, or one being built (the lock file is ours).
    if dir.join(META_FILE).exists() || dir.join(LOCK_FILE).exists() {
        return Ok(());
    }
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let ours = name == LOCK_FILE
            || name == ".gitignore"
            || (name.starts_with(".tantivy-") && name.ends_with(".lock"));
        if !ours {
            return Err(foreign());
        }
    }
    Ok(())
}

/// Removes the files of a tantivy index (and nothing else) from `dir`.
fn remove_index_files(dir: &Path) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_index_file = name == META_FILE
            || name == ".managed.json"
            || name.contains('.') && name.split('.').next().is_some_and(|s| s.len() == 32);
        if is_index_file && entry.path().is_file() {
            std::fs::remove_file(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
        }
    }
    Ok(())
}

pub(crate) fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
