//! The page, rendered on the server: the search form and its results
//! (`/?q=…`), and a passage with its context and citations
//! (`/passage/ID`). Everything from the corpus and the query is escaped
//! here ([`escape`]); the script (`assets/app.js`) only ever inserts text.
//! The URL holds the query and the filters, so a search can be bookmarked.

use std::collections::HashMap;
use std::fmt::Write;

use super::api;
use super::{Reply, Service};
use crate::corpus::SourceMeta;
use crate::output::quote::page_label;
use crate::output::{print_citations, CiteFormat};
use crate::passage::Passage;
use crate::search::{self, Hit};

/// The script of the page.
pub const APP_JS: &str = include_str!("assets/app.js");
/// The style sheet of the page.
pub const STYLE_CSS: &str = include_str!("assets/style.css");

/// Text made safe for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A query-string component, percent-encoded.
fn encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// The frame of every page.
fn frame(title: &str, service: Option<&Service>, body: &str) -> String {
    let freshness = service.map_or("fresh", |s| s.snapshot().freshness.as_str());
    format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="/assets/style.css">
<script src="/assets/app.js" defer></script>
</head>
<body>
<header class="bar">
<a class="brand" href="/">nrel-search</a>
<span id="freshness" class="freshness {freshness}" role="status" aria-live="polite">index {freshness}</span>
</header>
<main>
{body}
</main>
</body>
</html>
"#,
        title = escape(title),
    )
}

/// A page that only says something.
pub fn message_page(title: &str, message: &str) -> String {
    frame(
        title,
        None,
        &format!("<h1>{}</h1>\n<p>{}</p>", escape(title), escape(message)),
    )
}

/// `/`: the search form, and the results of `q` when there is one.
pub fn search_page(service: &Service, params: &HashMap<String, String>) -> Reply {
    let value = |key: &str| escape(params.get(key).map_or("", |v| v.as_str()));
    let lang = params.get("lang").map_or("", String::as_str);
    let selected = |code: &str| if lang == code { " selected" } else { "" };
    let mut body = format!(
        r#"<form id="search" action="/" method="get" role="search">
<div class="query">
<label for="q" class="visually-hidden">Search the corpus</label>
<input id="q" name="q" type="search" value="{q}" placeholder="Conseil OTAN-Russie" autocomplete="off" spellcheck="false" autofocus>
<button type="submit">Search</button>
</div>
<div class="filters">
<label>Language <select name="lang" id="lang"><option value=""{any}>any</option><option value="fr"{fr}>français</option><option value="en"{en}>English</option></select></label>
<label>Since <input name="since" id="since" value="{since}" placeholder="YYYY" size="10" inputmode="numeric"></label>
<label>Until <input name="until" id="until" value="{until}" placeholder="YYYY-MM-DD" size="10" inputmode="numeric"></label>
<label>Source <input name="source" id="source" value="{source}" size="14"></label>
<label>Document <input name="doc" id="doc" value="{doc}" size="14"></label>
</div>
</form>
"#,
        q = value("q"),
        any = selected(""),
        fr = selected("fr"),
        en = selected("en"),
        since = value("since"),
        until = value("until"),
        source = value("source"),
        doc = value("doc"),
    );
    let mut status = 200;
    let query = params.get("q").map_or("", |q| q.trim());
    if query.is_empty() {
        body.push_str(
            r#"<p id="status" aria-live="polite">Type words in French or English; results come as you type. Keys: / to search, ↑ ↓ to move, Enter to open.</p>
<ol id="results" data-rendered="server"></ol>"#,
        );
    } else {
        let now = service.snapshot();
        match api::options(service, &now, params) {
            Err(message) => {
                status = 400;
                let _ = write!(
                    body,
                    r#"<p id="status" class="error" aria-live="polite">{}</p><ol id="results" data-rendered="server"></ol>"#,
                    escape(&message)
                );
            }
            Ok(options) => match search::search(&now.index, &options) {
                Ok(results) => {
                    let mut said = match results.hits.len() {
                        0 => "No passage matches.".to_owned(),
                        1 => "1 passage.".to_owned(),
                        n => format!("{n} passages."),
                    };
                    for w in &results.warnings {
                        said.push(' ');
                        said.push_str(&w.to_string());
                    }
                    let _ = write!(
                        body,
                        r#"<p id="status" aria-live="polite">{}</p>
<ol id="results" data-rendered="server">
"#,
                        escape(&said)
                    );
                    for hit in &results.hits {
                        body.push_str(&hit_item(hit));
                    }
                    body.push_str("</ol>");
                }
                Err(e) => {
                    status = match e {
                        crate::Error::InvalidFilter { .. } | crate::Error::EmptyQuery => 400,
                        _ => 500,
                    };
                    let _ = write!(
                        body,
                        r#"<p id="status" class="error" aria-live="polite">{}</p><ol id="results" data-rendered="server"></ol>"#,
                        escape(&e.to_string())
                    );
                }
            },
        }
    }
    let title = if query.is_empty() {
        "nrel-search".to_owned()
    } else {
        format!("{query} — nrel-search")
    };
    Reply::html(status, frame(&title, Some(service), &body))
}

/// One result, as the script renders it too.
fn hit_item(hit: &Hit) -> String {
    let p = &hit.passage;
    let title = hit
        .meta
        .bib
        .title
        .clone()
        .unwrap_or_else(|| hit.meta.path.clone());
    let mut snippet = String::new();
    if hit.snippet.cut_before {
        snippet.push('…');
    }
    let text = &hit.snippet.text;
    let mut at = 0;
    for range in &hit.snippet.highlights {
        if range.start < at || range.end > text.len() {
            continue;
        }
        snippet.push_str(&escape(&text[at..range.start]));
        let _ = write!(snippet, "<mark>{}</mark>", escape(&text[range.clone()]));
        at = range.end;
    }
    snippet.push_str(&escape(&text[at..]));
    if hit.snippet.cut_after {
        snippet.push('…');
    }
    let (class, meta) = match hit.counterpart_of {
        Some(_) => (
            "hit counterpart",
            format!(
                "{} · {}",
                meta_line(&hit.meta, p),
                crate::search::counterpart::label(p.lang)
            ),
        ),
        None => ("hit", meta_line(&hit.meta, p)),
    };
    format!(
        r#"<li class="{class}" data-id="{id}">
<a class="title" href="/passage/{href}?context=2">{title}</a>
<div class="meta">{meta}</div>
<p class="snippet" lang="{lang}">{snippet}</p>
<div class="where"><code class="id">{id}</code> <span class="path">{location}</span></div>
</li>
"#,
        id = escape(p.id.as_str()),
        href = encode(p.id.as_str()),
        title = escape(&title),
        meta = escape(&meta),
        lang = p.lang.code(),
        location = escape(&location(&hit.meta, p)),
    )
}

/// `source, date, language, pages`.
fn meta_line(meta: &SourceMeta, p: &Passage) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(source) = &meta.bib.source {
        parts.push(source.clone());
    }
    if let Some(date) = meta.bib.date {
        parts.push(date.to_string());
    }
    parts.push(p.lang.code().to_owned());
    if let Some(pages) = p.page_range() {
        parts.push(page_label(pages));
    }
    parts.join(" · ")
}

/// `path:lines`.
fn location(meta: &SourceMeta, p: &Passage) -> String {
    if p.line_start == p.line_end {
        format!("{}:{}", meta.path, p.line_start)
    } else {
        format!("{}:{}-{}", meta.path, p.line_start, p.line_end)
    }
}

/// `/passage/ID?context=N`: the passage among its neighbours, where it
/// comes from, and its citation in each format.
pub fn passage_page(service: &Service, id: &str, params: &HashMap<String, String>) -> Reply {
    let context = match api::context(params) {
        Ok(c) => c,
        Err(reply) => {
            return Reply::html(
                reply.status,
                message_page("Bad request", &String::from_utf8_lossy(&reply.body)),
            )
        }
    };
    let index = service.index();
    let (passage, meta, replaced) = match api::resolve(&index, id) {
        Ok(found) => found,
        Err(_) => {
            return Reply::html(
                404,
                message_page(
                    "No such passage",
                    &format!("The index has no passage {id}."),
                ),
            )
        }
    };
    let title = meta.bib.title.clone().unwrap_or_else(|| meta.path.clone());
    let mut body = String::new();
    let _ = write!(
        body,
        r#"<article class="passage-view" data-id="{id}">
<h1>{title}</h1>
<p class="meta">{meta_line}</p>
"#,
        id = escape(passage.id.as_str()),
        title = escape(&title),
        meta_line = escape(&meta_line(&meta, &passage)),
    );
    if let Some(old) = replaced {
        let _ = write!(
            body,
            r#"<p class="note">Passage {} no longer exists (its text changed); this is the closest current passage.</p>"#,
            escape(old.as_str())
        );
    }
    let around = index
        .around(&passage.id, &meta.doc, context)
        .unwrap_or_default();
    for (p, _) in around {
        let target = p.id == passage.id;
        let section = p
            .section
            .as_ref()
            .map(|s| format!(r#"<p class="section">§ {}</p>"#, escape(s)))
            .unwrap_or_default();
        let _ = write!(
            body,
            r#"<section class="{class}" lang="{lang}"{current}>
{section}<p class="text">{text}</p>
<p class="where"><code class="id">{id}</code> <span class="path">{location}</span></p>
</section>
"#,
            class = if target { "context target" } else { "context" },
            lang = p.lang.code(),
            current = if target {
                r#" aria-current="true""#
            } else {
                ""
            },
            text = escape(&p.text).replace('\n', "<br>"),
            id = escape(p.id.as_str()),
            location = escape(&location(&meta, &p)),
        );
    }
    let mut markdown = Vec::new();
    let _ = print_citations(
        &mut markdown,
        [(&passage, &meta)].into_iter(),
        CiteFormat::Markdown,
        None,
    );
    let encoded = encode(passage.id.as_str());
    let _ = write!(
        body,
        r#"<h2>Cite</h2>
<pre id="citation" class="citation" lang="{lang}">{markdown}</pre>
<p class="cite-buttons">
<button type="button" data-format="markdown">Copy Markdown</button>
<button type="button" data-format="text">Copy text</button>
<button type="button" data-format="bibtex">Copy BibTeX</button>
<a class="button" href="/api/cite/{encoded}?format=csl-json" download="{file}.json">Download CSL-JSON</a>
<span id="copied" role="status" aria-live="polite"></span>
</p>
<p><a href="/api/cite/{encoded}?format=text">Text</a> · <a href="/api/cite/{encoded}?format=bibtex">BibTeX</a> · <a href="/passage/{encoded}?context={more}">More context</a></p>
</article>
"#,
        lang = passage.lang.code(),
        markdown = escape(&String::from_utf8_lossy(&markdown)),
        file = escape(&passage.id.as_str().replace([':', '/'], "-")),
        more = (context + 2).min(api::MAX_CONTEXT),
    );
    Reply::html(
        200,
        frame(&format!("{title} — nrel-search"), Some(service), &body),
    )
}
