//! The index schema: one tantivy document per passage. Field handles are
//! looked up once, here.

use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, FAST,
    INDEXED, STORED, STRING,
};

use crate::analysis::{ENGLISH, FRENCH, KEYWORD};
use crate::lang::Lang;

/// The fields of a passage document.
#[derive(Clone, Copy, Debug)]
pub struct Fields {
    /// Passage id (`key:hash`), exact.
    pub id: Field,
    /// Document key, exact; delete-by-term target.
    pub doc: Field,
    /// Path in the corpus, exact.
    pub path: Field,
    /// Ordinal of the passage in its document.
    pub ordinal: Field,
    /// Passage kind (`paragraph`, `footnote`…).
    pub kind: Field,
    /// Section heading.
    pub section: Field,
    /// Display text (stored, not indexed).
    pub text: Field,
    /// Text analysed as French (indexed only for French passages).
    pub text_fr: Field,
    /// Text analysed as English (indexed only for English passages).
    pub text_en: Field,
    /// First source line.
    pub line_start: Field,
    /// Last source line.
    pub line_end: Field,
    /// Source lines of the pieces of the text (`offset:line;…`).
    pub line_map: Field,
    /// Language code, exact.
    pub lang: Field,
    /// Document metadata as JSON (stored).
    pub meta: Field,
    /// Publisher, keyword-analysed for `--source`.
    pub source: Field,
    /// First day the document date may stand for (`YYYYMMDD`).
    pub date_lo: Field,
    /// Last day the document date may stand for (`YYYYMMDD`).
    pub date_hi: Field,
}

impl Fields {
    /// The full-text field for a language.
    pub fn text_for(&self, lang: Lang) -> Field {
        match lang {
            Lang::French => self.text_fr,
            Lang::English => self.text_en,
        }
    }

    /// Looks the fields up in a schema built by [`build`].
    pub fn from_schema(schema: &Schema) -> tantivy::Result<Fields> {
        let f = |name| schema.get_field(name);
        Ok(Fields {
            id: f("id")?,
            doc: f("doc")?,
            path: f("path")?,
            ordinal: f("ordinal")?,
            kind: f("kind")?,
            section: f("section")?,
            text: f("text")?,
            text_fr: f("text_fr")?,
            text_en: f("text_en")?,
            line_start: f("line_start")?,
            line_end: f("line_end")?,
            line_map: f("line_map")?,
            lang: f("lang")?,
            meta: f("meta")?,
            source: f("source")?,
            date_lo: f("date_lo")?,
            date_hi: f("date_hi")?,
        })
    }
}

fn analysed(analyzer: &str, record: IndexRecordOption) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analyzer)
            .set_index_option(record),
    )
}

/// Builds the schema.
pub fn build() -> Schema {
    let mut b = Schema::builder();
    b.add_text_field("id", STRING | STORED);
    b.add_text_field("doc", STRING | STORED);
    b.add_text_field("path", STRING | STORED);
    b.add_u64_field("ordinal", STORED | FAST);
    b.add_text_field("kind", STRING | STORED);
    b.add_text_field("section", STORED);
    b.add_text_field("text", STORED);
    // Positions are needed: a hyphenated word is searched as a phrase.
    b.add_text_field(
        "text_fr",
        analysed(FRENCH, IndexRecordOption::WithFreqsAndPositions),
    );
    b.add_text_field(
        "text_en",
        analysed(ENGLISH, IndexRecordOption::WithFreqsAndPositions),
    );
    b.add_u64_field("line_start", STORED);
    b.add_u64_field("line_end", STORED);
    b.add_text_field("line_map", STORED);
    b.add_text_field("lang", STRING | STORED);
    b.add_text_field("meta", STORED);
    b.add_text_field(
        "source",
        analysed(KEYWORD, IndexRecordOption::WithFreqsAndPositions),
    );
    let date = NumericOptions::from(INDEXED | FAST);
    b.add_u64_field("date_lo", date.clone());
    b.add_u64_field("date_hi", date);
    b.build()
}
