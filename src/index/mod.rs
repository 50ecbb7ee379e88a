//! The passage index: opening it (analyzers registered every time),
//! building and updating it incrementally, reading passages back.
//!
//! The index lives in its own directory (`index/` by default). Each commit
//! names in its payload the [`Record`] file of the files it was built from;
//! a crash before a commit leaves the previous commit, record included, as
//! it was.
//!
//! * [`schema`]: fields, and a stored passage written and read back;
//! * [`record`]: the record of indexed files;
//! * [`store`]: the record on disk, mapped and read only as far as needed;
//! * [`mod@plan`]: the corpus compared with the record (the freshness check);
//! * [`update()`]: bringing the index in step, under a directory lock;
//! * [`lineage`]: what became of a passage id;
//! * [`fresh`]: opening an index for reading, refreshed when the corpus
//!   changed, and its status.

mod apply;
pub mod fresh;
pub mod lineage;
mod lock;
mod patch;
pub mod plan;
mod quick;
mod read_only;
pub mod record;
mod salvage;
pub mod schema;
pub mod signs;
pub mod store;
mod update;
pub mod vouch;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::collector::{DocSetCollector, TopDocs};
use tantivy::query::TermQuery;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, Index, IndexReader, ReloadPolicy, Searcher, TantivyDocument, Term};

use crate::corpus::SourceMeta;
use crate::error::{one_line, Error, Result};
use crate::passage::{Passage, PassageId};
use crate::semantic::vectors::Quantised;

pub use fresh::{answer_fresh, open_fresh, status, Build, Freshness, Opening, Status};
pub use lineage::Lineage;
pub use plan::{plan, Plan};
pub use record::{FileRecord, Record, FORMAT_VERSION};
pub use schema::Fields;
pub use store::{FileView, Payload, RecordView};
pub use update::{update, NoProgress, Progress, UpdateOptions, UpdateReport};

/// An opened passage index.
pub struct SearchIndex {
    dir: PathBuf,
    index: Index,
    fields: Fields,
    reader: IndexReader,
    /// The record of the last commit, mapped.
    record: Option<RecordView>,
    /// Whether this process cannot write in the index directory.
    read_only: bool,
    /// The sentence encoder whose vectors every passage has, if they do.
    model: Option<String>,
    /// The segments' sign tables, as the scans have loaded them.
    signs: signs::Tables,
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
        let read_only = !read_only::is_writable(dir);
        // A writer may commit (and retire the record file of the commit
        // just read) between reading the commit and mapping its record:
        // then read the new commit.
        for _ in 0..4 {
            if let Ok(opened) = SearchIndex::open_commit(dir, read_only)? {
                return Ok(opened);
            }
        }
        SearchIndex::open_commit(dir, read_only)?
    }

    /// Opens the last commit of the index in `dir`: the inner error is a
    /// commit that moved on meanwhile (its record file gone, or the reader
    /// opened on a later commit than the record read).
    fn open_commit(dir: &Path, read_only: bool) -> Result<std::result::Result<Opened, Error>> {
        let opened = if read_only {
            read_only::ReadOnlyDirectory::open(dir).and_then(Index::open)
        } else {
            Index::open_in_dir(dir)
        };
        let index = opened.map_err(|e| Error::BadIndex {
            path: dir.to_path_buf(),
            message: format!(
                "cannot be read ({}); rebuild it with `nrel-search index --full`",
                one_line(&e.to_string())
            ),
        })?;
        if index.schema() != schema::build() {
            return Ok(Ok(Opened::Incompatible(
                "it was built by another version of nrel-search".into(),
            )));
        }
        let metas = index.load_metas().ok();
        let opstamp = metas.as_ref().map(|m| m.opstamp);
        let payload = metas.and_then(|metas| Payload::parse(metas.payload.as_deref()));
        let name = match payload {
            None => {
                return Ok(Ok(Opened::Incompatible(
                    "its first build did not finish".into(),
                )))
            }
            Some(p) if !p.is_compatible() || p.record.is_none() => {
                return Ok(Ok(Opened::Incompatible(
                    "it was built by another version of nrel-search".into(),
                )))
            }
            Some(p) => (p.record.unwrap_or_default(), p.model),
        };
        let (name, model) = name;
        let record = match RecordView::open(&dir.join(&name)) {
            Ok(record) => record,
            Err(Error::Io { .. }) if !dir.join(&name).exists() => {
                return Ok(Err(Error::BadIndex {
                    path: dir.to_path_buf(),
                    message: format!(
                        "its record file {name} is missing; rebuild it with `nrel-search index --full`"
                    ),
                }))
            }
            Err(e) => return Err(e),
        };
        let mut opened = SearchIndex::from_index(dir, index)?;
        // The reader read the commit again: the same one, or try again.
        if opened.index.load_metas().ok().map(|m| m.opstamp) != opstamp {
            return Ok(Err(Error::BadIndex {
                path: dir.to_path_buf(),
                message: "it changes faster than it can be read; try again".into(),
            }));
        }
        opened.read_only = read_only;
        opened.record = Some(record);
        opened.model = model;
        Ok(Ok(Opened::Ready(Box::new(opened))))
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
        Ok(SearchIndex {
            dir: dir.to_path_buf(),
            index,
            fields,
            reader,
            record: None,
            read_only: false,
            model: None,
            signs: signs::Tables::default(),
        })
    }

    /// The index directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The sign table of `segment` ([`signs::load`]), loaded once while
    /// the index is open; `None` when the segment has no vectors.
    pub fn sign_table(&self, segment: &tantivy::SegmentReader) -> Option<Arc<signs::SignTable>> {
        self.signs.get(&self.dir, !self.read_only, segment)
    }

    /// Forgets the sign tables of segments `searcher` no longer has.
    pub fn forget_gone_tables(&self, searcher: &Searcher) {
        self.signs.keep_only(searcher);
    }

    /// Whether this process can only read the index (it cannot be
    /// refreshed).
    pub fn is_read_only(&self) -> bool {
        self.read_only
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
    pub fn record(&self) -> Option<&RecordView> {
        self.record.as_ref()
    }

    /// Whether a document has this key.
    pub fn has_document(&self, doc: &str) -> bool {
        self.record()
            .is_some_and(|r| r.files().any(|f| f.doc == doc && f.hash != record::PENDING))
    }

    /// Re-reads the index after this process committed `record`, with
    /// vectors of `model` if given.
    pub(crate) fn committed(&mut self, record: RecordView, model: Option<String>) -> Result<()> {
        self.reader.reload()?;
        self.record = Some(record);
        self.model = model;
        Ok(())
    }

    /// The sentence encoder (its [`Model::id`](crate::semantic::Model::id))
    /// whose vectors every passage has; `None` when the passages have no
    /// vectors (or not all of them).
    pub fn vectors_model(&self) -> Option<&str> {
        self.model.as_deref()
    }

    /// Where the passage with this id is, if the index has it.
    pub fn address(&self, searcher: &Searcher, id: &PassageId) -> Result<Option<DocAddress>> {
        Ok(addresses(searcher, self.fields.id, id.as_str(), Some(1))?.pop())
    }

    /// The vectors the passages of a document have, by the hash part of
    /// their ids.
    pub fn document_vectors(&self, doc: &str) -> Result<HashMap<String, Quantised>> {
        let searcher = self.searcher();
        let mut out = HashMap::new();
        for address in addresses(&searcher, self.fields.doc, doc, None)? {
            let Some(vector) = self.vector(&searcher, address)? else {
                continue;
            };
            let stored: TantivyDocument = searcher.doc(address)?;
            let (passage, _) = schema::decode(&self.fields, &stored);
            out.insert(passage.id.hash().to_owned(), vector);
        }
        Ok(out)
    }

    /// A passage's vector, if it has one.
    pub fn vector(&self, searcher: &Searcher, address: DocAddress) -> Result<Option<Quantised>> {
        let segment = searcher.segment_reader(address.segment_ord);
        let fast = segment.fast_fields();
        let words = |name: &str| -> Result<Vec<u32>> {
            let column = fast.u64(name)?;
            Ok(column
                .values_for_doc(address.doc_id)
                .map(|w| w as u32)
                .collect())
        };
        Ok(Quantised::from_words(
            &words("vec_signs")?,
            &words("vec_fine")?,
        ))
    }

    /// Every passage of a document, in order, with its metadata.
    pub fn document_passages(&self, doc: &str) -> Result<Vec<(Passage, SourceMeta)>> {
        let mut out = self.lookup(self.fields.doc, doc, None)?;
        out.sort_by_key(|(p, _)| p.ordinal);
        Ok(out)
    }

    /// A passage of document `doc` with `context` passages on each side,
    /// in order.
    pub fn around(
        &self,
        id: &PassageId,
        doc: &str,
        context: usize,
    ) -> Result<Vec<(Passage, SourceMeta)>> {
        let mut all = self.document_passages(doc)?;
        let at = all.iter().position(|(p, _)| p.id == *id).unwrap_or(0);
        let to = at.saturating_add(context).saturating_add(1).min(all.len());
        all.truncate(to);
        Ok(all.split_off(at.saturating_sub(context)))
    }

    /// The metadata of every document in the index, in path order.
    pub fn documents(&self) -> Result<Vec<SourceMeta>> {
        let Some(record) = self.record() else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for file in record
            .files()
            .filter(|f| f.error.is_none() && f.passages > 0)
        {
            if let Some((_, meta)) = self.lookup(self.fields.doc, file.doc, Some(1))?.pop() {
                out.push(meta);
            }
        }
        Ok(out)
    }

    /// The passage with this id, if the index has it.
    pub fn passage(&self, id: &PassageId) -> Result<Option<(Passage, SourceMeta)>> {
        Ok(self.lookup(self.fields.id, id.as_str(), Some(1))?.pop())
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
        addresses(&searcher, field, value, limit)?
            .into_iter()
            .map(|address| {
                let doc: TantivyDocument = searcher.doc(address)?;
                Ok(schema::decode(&self.fields, &doc))
            })
            .collect()
    }
}

/// Where the passages whose `field` is exactly `value` are: at most
/// `limit` of them, or all.
fn addresses(
    searcher: &Searcher,
    field: Field,
    value: &str,
    limit: Option<usize>,
) -> Result<Vec<DocAddress>> {
    let query = TermQuery::new(
        Term::from_field_text(field, value),
        IndexRecordOption::Basic,
    );
    Ok(match limit {
        Some(n) => searcher
            .search(&query, &TopDocs::with_limit(n).order_by_score())?
            .into_iter()
            .map(|(_, address)| address)
            .collect(),
        None => searcher
            .search(&query, &DocSetCollector)?
            .into_iter()
            .collect(),
    })
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
            || name == vouch::SOCKET
            || name == vouch::PROBES
            || name == ".gitignore"
            || name == "extracted"
            || name == signs::DIR
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
            || (name.starts_with(store::PREFIX) && name.ends_with(".bin"))
            || name.contains('.') && name.split('.').next().is_some_and(|s| s.len() == 32);
        if is_index_file && entry.path().is_file() {
            std::fs::remove_file(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
        }
    }
    Ok(())
}
