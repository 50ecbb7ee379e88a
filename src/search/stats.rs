//! BM25 statistics per language. tantivy divides a field's tokens by the
//! number of all documents to get its average length, and weighs a term
//! by how many of all documents have it; but a language's field is filled
//! only by that language's passages. In a mostly French corpus every
//! English passage would look many times longer than the average (and
//! score next to nothing, even for an exact phrase), and every English
//! word would look rare (`NATO` in two of five English passages would
//! weigh like a word found in two passages of all). These statistics
//! count each language's fields over that language's passages only: the
//! tokens and document frequencies of its fields are scaled by how many
//! times more passages there are than passages in that language.

use tantivy::query::Bm25StatisticsProvider;
use tantivy::schema::Field;
use tantivy::{Searcher, Term};

use crate::index::Fields;
use crate::lang::Lang;

/// The statistics of a searcher, language fields averaged per language.
pub struct LanguageStats<'a> {
    searcher: &'a Searcher,
    /// Each language's fields, and how many times more passages there are
    /// than passages in that language.
    scales: Vec<(Field, f64)>,
}

impl<'a> LanguageStats<'a> {
    /// Statistics for `searcher`'s index.
    pub fn new(searcher: &'a Searcher, fields: &Fields) -> LanguageStats<'a> {
        // Counts that include deleted passages (until segments merge), for
        // both languages alike: their ratio holds.
        let per_lang = Lang::ALL.map(|lang| {
            searcher
                .doc_freq(&Term::from_field_text(fields.lang, lang.code()))
                .unwrap_or(0)
        });
        let total = per_lang.iter().sum::<u64>().max(1) as f64;
        let mut scales = Vec::new();
        for (lang, passages) in Lang::ALL.into_iter().zip(per_lang) {
            let scale = if passages == 0 {
                1.0
            } else {
                total / passages as f64
            };
            scales.push((fields.text_for(lang), scale));
            scales.push((fields.head_for(lang), scale));
        }
        LanguageStats { searcher, scales }
    }

    fn scale(&self, field: Field) -> Option<f64> {
        self.scales
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, scale)| *scale)
    }

    /// BM25's inverse document frequency of `term`, as searches weigh it;
    /// `None` when no passage has it.
    pub fn idf(&self, term: &Term) -> Option<f32> {
        let n = self.searcher.doc_freq(term).ok().filter(|n| *n > 0)?;
        let n = Bm25StatisticsProvider::doc_freq(self, term).unwrap_or(n) as f32;
        let total = self.searcher.num_docs() as f32;
        Some((1.0 + (total - n + 0.5) / (n + 0.5)).ln())
    }
}

impl Bm25StatisticsProvider for LanguageStats<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        let tokens = self.searcher.total_num_tokens(field)?;
        Ok(match self.scale(field) {
            Some(scale) => (tokens as f64 * scale).round() as u64,
            None => tokens,
        })
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        Bm25StatisticsProvider::total_num_docs(self.searcher)
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        let n = self.searcher.doc_freq(term)?;
        let total = self.searcher.num_docs();
        Ok(match self.scale(term.field()) {
            Some(scale) => ((n as f64 * scale).round() as u64).min(total),
            None => n,
        })
    }
}
