//! The index schema: one tantivy document per passage. Field handles are
//! looked up once, here, and a stored passage is written ([`encode`]) and
//! read back ([`decode`]) here only.

use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, Value, FAST,
    INDEXED, STORED, STRING,
};
use tantivy::TantivyDocument;

use crate::analysis::{ENGLISH, FRENCH, KEYWORD};
use crate::corpus::SourceMeta;
use crate::lang::Lang;
use crate::passage::{PageMark, Passage, PassageId};
use crate::semantic::vectors::Quantised;
use crate::text::{prose, span};

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
    /// Printed pages of the passage's lines (`line\tlabel` per change).
    pub pages: Field,
    /// Publisher, keyword-analysed for `--source`.
    pub source: Field,
    /// First day the document date may stand for (`YYYYMMDD`).
    pub date_lo: Field,
    /// Last day the document date may stand for (`YYYYMMDD`).
    pub date_hi: Field,
    /// Title, section heading and first sentence, analysed as French
    /// (French passages only): where a passage's words stand out.
    pub head_fr: Field,
    /// The same, analysed as English (English passages only).
    pub head_en: Field,
    /// How much of the passage is prose, in thousandths (fast).
    pub prose: Field,
    /// The passage's language as a number (fast): 0 French, 1 English.
    pub lang_id: Field,
    /// The signs of the passage's vector, in 32-bit words (fast, multi-valued).
    pub vec_signs: Field,
    /// The passage's vector in four bits per value, after its scale (fast,
    /// multi-valued). See [`crate::semantic::vectors`].
    pub vec_fine: Field,
}

impl Fields {
    /// The full-text field for a language.
    pub fn text_for(&self, lang: Lang) -> Field {
        match lang {
            Lang::French => self.text_fr,
            Lang::English => self.text_en,
        }
    }

    /// The heading field for a language.
    pub fn head_for(&self, lang: Lang) -> Field {
        match lang {
            Lang::French => self.head_fr,
            Lang::English => self.head_en,
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
            pages: f("pages")?,
            source: f("source")?,
            date_lo: f("date_lo")?,
            date_hi: f("date_hi")?,
            head_fr: f("head_fr")?,
            head_en: f("head_en")?,
            prose: f("prose")?,
            lang_id: f("lang_id")?,
            vec_signs: f("vec_signs")?,
            vec_fine: f("vec_fine")?,
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
    b.add_text_field("pages", STORED);
    b.add_text_field(
        "source",
        analysed(KEYWORD, IndexRecordOption::WithFreqsAndPositions),
    );
    let date = NumericOptions::from(INDEXED | FAST);
    b.add_u64_field("date_lo", date.clone());
    b.add_u64_field("date_hi", date);
    b.add_text_field("head_fr", analysed(FRENCH, IndexRecordOption::WithFreqs));
    b.add_text_field("head_en", analysed(ENGLISH, IndexRecordOption::WithFreqs));
    b.add_u64_field("prose", FAST);
    b.add_u64_field("lang_id", FAST);
    b.add_u64_field("vec_signs", FAST);
    b.add_u64_field("vec_fine", FAST);
    b.build()
}

/// The number [`Fields::lang_id`] holds for a language.
pub fn lang_id(lang: Lang) -> u64 {
    match lang {
        Lang::French => 0,
        Lang::English => 1,
    }
}

/// A passage of a document as a tantivy document, with its vector if it
/// has one.
pub fn encode(
    fields: &Fields,
    meta: &SourceMeta,
    p: &Passage,
    vector: Option<&Quantised>,
) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_u64(fields.lang_id, lang_id(p.lang));
    if let Some(vector) = vector {
        for &word in &vector.signs {
            doc.add_u64(fields.vec_signs, u64::from(word));
        }
        for &word in &vector.fine {
            doc.add_u64(fields.vec_fine, u64::from(word));
        }
    }
    doc.add_text(fields.id, p.id.as_str());
    doc.add_text(fields.doc, &meta.doc);
    doc.add_text(fields.path, &meta.path);
    doc.add_u64(fields.ordinal, u64::from(p.ordinal));
    doc.add_text(fields.kind, &p.kind);
    if let Some(section) = &p.section {
        doc.add_text(fields.section, section);
    }
    doc.add_text(fields.text, &p.text);
    doc.add_text(fields.text_for(p.lang), &p.text);
    doc.add_text(fields.head_for(p.lang), head(meta, p));
    doc.add_u64(
        fields.prose,
        (prose::weight(&p.kind, &p.text) * PROSE_SCALE).round() as u64,
    );
    doc.add_u64(fields.line_start, u64::from(p.line_start));
    doc.add_u64(fields.line_end, u64::from(p.line_end));
    doc.add_text(fields.line_map, span::to_string(&p.spans));
    doc.add_text(fields.lang, p.lang.code());
    doc.add_text(
        fields.meta,
        serde_json::to_string(meta).expect("metadata serialises"),
    );
    if !p.pages.is_empty() {
        let pages: Vec<String> = p
            .pages
            .iter()
            .map(|m| format!("{}\t{}", m.line, m.label))
            .collect();
        doc.add_text(fields.pages, pages.join("\n"));
    }
    if let Some(source) = &meta.bib.source {
        doc.add_text(fields.source, source);
    }
    if let Some(date) = meta.bib.date {
        doc.add_u64(fields.date_lo, date.first_day());
        doc.add_u64(fields.date_hi, date.last_day());
    }
    doc
}

/// Scale of the stored prose weight.
pub const PROSE_SCALE: f32 = 1000.0;

/// Where a passage's words stand out: its document's title, its section
/// heading and its first sentence.
fn head(meta: &SourceMeta, p: &Passage) -> String {
    let first_sentence = p
        .text
        .split_inclusive(['.', '?', '!', '\n'])
        .next()
        .unwrap_or_default();
    let mut head = String::new();
    for part in [
        meta.bib.title.as_deref(),
        p.section.as_deref(),
        Some(first_sentence),
    ]
    .into_iter()
    .flatten()
    {
        head.push_str(part);
        head.push('\n');
    }
    head
}

/// Reads a stored passage back, with its document's metadata.
pub fn decode(fields: &Fields, doc: &TantivyDocument) -> (Passage, SourceMeta) {
    let text = |field| {
        doc.get_first(field)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_owned()
    };
    let num = |field| doc.get_first(field).and_then(|v| v.as_u64()).unwrap_or(0);
    let meta: SourceMeta = serde_json::from_str(&text(fields.meta)).unwrap_or_default();
    let section = text(fields.section);
    let passage = Passage {
        id: PassageId::parse(&text(fields.id)),
        ordinal: num(fields.ordinal) as u32,
        kind: text(fields.kind),
        section: (!section.is_empty()).then_some(section),
        text: text(fields.text),
        line_start: num(fields.line_start) as u32,
        line_end: num(fields.line_end) as u32,
        lang: text(fields.lang).parse().unwrap_or(Lang::French),
        spans: span::from_str(&text(fields.line_map)),
        pages: text(fields.pages)
            .lines()
            .filter_map(|l| {
                let (line, label) = l.split_once('\t')?;
                Some(PageMark {
                    line: line.parse().ok()?,
                    label: label.to_owned(),
                })
            })
            .collect(),
    };
    (passage, meta)
}
