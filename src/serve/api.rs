//! The JSON API, for scripts and for the page itself.
//!
//! * `GET /api/search?q=…&n=…&lang=…&since=…&until=…&doc=…&source=…` →
//!   `{"query", "hits", "warnings", "took_ms", "index"}`; each hit has the
//!   keys of `--json`.
//! * `GET /api/passage/ID?context=N` → the passage, its neighbours and its
//!   document's metadata; a changed passage's id gets its successor.
//! * `GET /api/cite/ID?format=markdown|text|bibtex|csl-json` → the
//!   citation;
//! * `GET /api/status` → `{"index": "fresh"|"refreshing"|"stale", "documents", "passages"}`.
//!
//! Bad parameters get 400 and an unknown id 404, each with
//! `{"error": message}`.

use std::collections::HashMap;
use std::time::Instant;

use serde_json::{json, Value};

use super::{Reply, Service, Snapshot};
use crate::corpus::{PartialDate, SourceMeta};
use crate::error::Error;
use crate::index::record::PENDING;
use crate::index::{Lineage, SearchIndex};
use crate::lang::Lang;
use crate::output::json::{JsonHit, JsonPassage};
use crate::output::{print_citations, CiteFormat};
use crate::passage::{Passage, PassageId};
use crate::search::{self, Mode, SearchOptions};

/// Most hits one search returns.
pub const MAX_HITS: usize = 200;
/// Longest query, in characters.
pub const MAX_QUERY: usize = 1000;
/// Most passages of context on each side.
pub const MAX_CONTEXT: usize = 20;

/// The search a request asks for, checked; the message of a 400 otherwise.
pub fn options(
    service: &Service,
    snapshot: &Snapshot,
    params: &HashMap<String, String>,
) -> Result<SearchOptions, String> {
    let query = params.get("q").map(|q| q.trim()).unwrap_or_default();
    if query.is_empty() {
        return Err("missing query: q=…".into());
    }
    if query.chars().count() > MAX_QUERY {
        return Err(format!("query longer than {MAX_QUERY} characters"));
    }
    let limit = match params.get("n").filter(|n| !n.is_empty()) {
        None => 10,
        Some(n) => match n.parse::<usize>() {
            Ok(n) if (1..=MAX_HITS).contains(&n) => n,
            _ => return Err(format!("n must be a number from 1 to {MAX_HITS}")),
        },
    };
    let nonempty = |key: &str| params.get(key).map(|v| v.trim()).filter(|v| !v.is_empty());
    let lang = nonempty("lang")
        .map(|l| l.parse::<Lang>().map_err(|e| format!("lang: {e}")))
        .transpose()?;
    let date = |key: &str| {
        nonempty(key)
            .map(|d| d.parse::<PartialDate>().map_err(|e| format!("{key}: {e}")))
            .transpose()
    };
    let (since, until) = (date("since")?, date("until")?);
    let mode = match nonempty("mode") {
        None => None,
        Some("hybrid") => Some(Mode::Hybrid),
        Some("bm25") => Some(Mode::Bm25),
        Some("semantic") => Some(Mode::Semantic),
        Some(other) => {
            return Err(format!(
                "mode must be hybrid, bm25 or semantic, not {other}"
            ))
        }
    };
    if let (Some(since), Some(until)) = (since, until) {
        if since.first_day() > until.last_day() {
            return Err(format!("since {since} is after until {until}"));
        }
    }
    Ok(SearchOptions {
        query: query.to_owned(),
        limit,
        lang,
        since,
        until,
        doc: nonempty("doc").map(str::to_owned),
        source: nonempty("source").map(str::to_owned),
        translator: snapshot.translator.clone(),
        per_doc: None,
        mode,
        model: service.model.clone(),
    })
}

/// `GET /api/status`: how fresh the index is, and its size.
pub fn status(service: &Service) -> Reply {
    let now = service.snapshot();
    let documents = now
        .index
        .record()
        .map_or(0, |r| r.files().filter(|f| f.hash != PENDING).count());
    Reply::json(
        200,
        &json!({
            "index": now.freshness.as_str(),
            "documents": documents,
            "passages": now.index.searcher().num_docs(),
        }),
    )
}

/// `GET /api/search`.
pub fn search(service: &Service, params: &HashMap<String, String>) -> Reply {
    let now = service.snapshot();
    let options = match options(service, &now, params) {
        Ok(options) => options,
        Err(message) => return Reply::error(400, message),
    };
    let start = Instant::now();
    match search::search(&now.index, &options) {
        Ok(results) => {
            let hits: Vec<JsonHit> = results.hits.iter().map(JsonHit::from).collect();
            let warnings: Vec<String> = results.warnings.iter().map(|w| w.to_string()).collect();
            Reply::json(
                200,
                &json!({
                    "query": options.query,
                    "hits": hits,
                    "warnings": warnings,
                    "took_ms": start.elapsed().as_secs_f64() * 1000.0,
                    "index": now.freshness.as_str(),
                    "mode": results.mode.map(Mode::name),
                }),
            )
        }
        Err(e @ (Error::InvalidFilter { .. } | Error::EmptyQuery | Error::NoVectors(_))) => {
            Reply::error(400, e.to_string())
        }
        Err(e) => Reply::error(500, format!("search failed: {e}")),
    }
}

/// `GET /api/similar/ID?n=&lang=`: the passages closest in meaning to a
/// passage, as search hits.
pub fn similar(service: &Service, id: &str, params: &HashMap<String, String>) -> Reply {
    let now = service.snapshot();
    let limit = match params.get("n").filter(|n| !n.is_empty()) {
        None => 10,
        Some(n) => match n.parse::<usize>() {
            Ok(n) if (1..=MAX_HITS).contains(&n) => n,
            _ => return Reply::error(400, format!("n must be a number from 1 to {MAX_HITS}")),
        },
    };
    let lang = match params
        .get("lang")
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
    {
        None => None,
        Some(l) => match l.parse::<Lang>() {
            Ok(lang) => Some(lang),
            Err(e) => return Reply::error(400, format!("lang: {e}")),
        },
    };
    let id = PassageId::parse(id);
    match now.index.passage(&id) {
        Ok(Some(_)) => {}
        Ok(None) => return Reply::error(404, format!("unknown passage id {id}")),
        Err(e) => return Reply::error(500, format!("lookup failed: {e}")),
    }
    match search::similar(&now.index, &id, limit, lang, None) {
        Ok(results) => {
            let hits: Vec<JsonHit> = results.hits.iter().map(JsonHit::from).collect();
            Reply::json(200, &json!({ "id": id.as_str(), "hits": hits }))
        }
        Err(e @ Error::NoVectors(_)) => Reply::error(400, e.to_string()),
        Err(e) => Reply::error(500, format!("search failed: {e}")),
    }
}

/// A passage by id: the passage itself, or what replaced it; `None` for
/// an id the index never had, with the message.
pub fn resolve(
    index: &SearchIndex,
    id: &str,
) -> Result<(Passage, SourceMeta, Option<PassageId>), Reply> {
    let id = PassageId::parse(id);
    if id.as_str().is_empty() || id.as_str().len() > 300 {
        return Err(Reply::error(404, "no such passage"));
    }
    let lineage = index
        .resolve(&id)
        .map_err(|e| Reply::error(500, format!("lookup failed: {e}")))?;
    match lineage {
        Lineage::Current(found) => {
            let (p, m) = *found;
            Ok((p, m, None))
        }
        Lineage::Succeeded(successor) => match index.passage(&successor) {
            Ok(Some((p, m))) => Ok((p, m, Some(id))),
            _ => Err(Reply::error(404, format!("passage {id} no longer exists"))),
        },
        _ => Err(Reply::error(404, format!("no passage {id} in the index"))),
    }
}

/// The `context` parameter, checked.
pub fn context(params: &HashMap<String, String>) -> Result<usize, Reply> {
    match params.get("context").filter(|c| !c.is_empty()) {
        None => Ok(2),
        Some(c) => match c.parse::<usize>() {
            Ok(n) if n <= MAX_CONTEXT => Ok(n),
            _ => Err(Reply::error(
                400,
                format!("context must be a number from 0 to {MAX_CONTEXT}"),
            )),
        },
    }
}

/// `GET /api/passage/ID`.
pub fn passage(service: &Service, id: &str, params: &HashMap<String, String>) -> Reply {
    let context = match context(params) {
        Ok(c) => c,
        Err(reply) => return reply,
    };
    let index = service.index();
    let (passage, meta, replaced) = match resolve(&index, id) {
        Ok(found) => found,
        Err(reply) => return reply,
    };
    let around = index
        .around(&passage.id, &meta.doc, context)
        .unwrap_or_default();
    let neighbours: Vec<Value> = around
        .iter()
        .map(|(p, m)| {
            let mut value = serde_json::to_value(JsonPassage::new(p, m)).unwrap_or_default();
            value["target"] = json!(p.id == passage.id);
            value
        })
        .collect();
    Reply::json(
        200,
        &json!({
            "passage": JsonPassage::new(&passage, &meta),
            "replaces": replaced.map(|id| id.to_string()),
            "context": neighbours,
            "document": document(&meta),
        }),
    )
}

/// A document's metadata as JSON, its key named `doc` as in hits.
fn document(meta: &SourceMeta) -> Value {
    let mut value = serde_json::to_value(meta).unwrap_or_default();
    if let Some(object) = value.as_object_mut() {
        if let Some(key) = object.remove("key") {
            object.insert("doc".into(), key);
        }
    }
    value
}

/// `GET /api/cite/ID`.
pub fn cite(service: &Service, id: &str, params: &HashMap<String, String>) -> Reply {
    let format = match params
        .get("format")
        .map_or("markdown", String::as_str)
        .parse::<CiteFormat>()
    {
        Ok(format) => format,
        Err(message) => return Reply::error(400, message),
    };
    let index = service.index();
    let (passage, meta, _) = match resolve(&index, id) {
        Ok(found) => found,
        Err(reply) => return reply,
    };
    let mut out = Vec::new();
    if print_citations(&mut out, [(&passage, &meta)].into_iter(), format, None).is_err() {
        return Reply::error(500, "citation failed");
    }
    let content_type = match format {
        CiteFormat::CslJson => "application/vnd.citationstyles.csl+json; charset=utf-8",
        CiteFormat::Bibtex => "application/x-bibtex; charset=utf-8",
        _ => "text/plain; charset=utf-8",
    };
    Reply::text(
        200,
        content_type,
        String::from_utf8_lossy(&out).into_owned(),
    )
}
