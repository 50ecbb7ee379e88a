//! `nrel-search serve`: the corpus in the browser. A small HTTP server
//! (tiny_http: synchronous, a handful of worker threads, nothing else to
//! build) answering a JSON API and one page, both from the same
//! [`Service`], which keeps the index open and is told by the caller when
//! a newer commit is there.
//!
//! * [`guard`]: what a request must be to be answered (method, size, a
//!   loopback `Host`);
//! * [`api`]: `/api/search`, `/api/passage/ID`, `/api/cite/ID`,
//!   `/api/status`;
//! * [`page`]: the page, rendered on the server (it works without
//!   JavaScript) and enhanced by `assets/app.js`.
//!
//! [`Service::handle`] turns a request's method, target and `Host` into a
//! [`Reply`] without any socket, which is how the tests drive it.

pub mod api;
pub mod guard;
pub mod page;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, RwLock};

use crate::index::SearchIndex;
use crate::translate::Translator;

/// Worker threads answering requests.
pub const WORKERS: usize = 4;

/// How fresh the open index is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Freshness {
    /// In step with the corpus as last seen.
    Fresh,
    /// A change was seen; the index is being brought in step.
    Refreshing,
    /// The index could not be brought in step (the last update failed).
    Stale,
}

impl Freshness {
    /// The word the page and the API use.
    pub fn as_str(self) -> &'static str {
        match self {
            Freshness::Fresh => "fresh",
            Freshness::Refreshing => "refreshing",
            Freshness::Stale => "stale",
        }
    }
}

/// What a request sees: the index as last committed, the translator of
/// that moment (the glossary may have changed with the corpus), and how
/// fresh they are; replaced whole, so that no request mixes two updates.
pub struct Snapshot {
    /// The open index.
    pub index: Arc<SearchIndex>,
    /// The translator, if searches translate.
    pub translator: Option<Arc<Translator>>,
    /// How fresh the index is.
    pub freshness: Freshness,
}

/// What the server serves.
pub struct Service {
    now: RwLock<Arc<Snapshot>>,
    /// Host names (besides loopback ones) requests may name.
    pub allowed_hosts: Vec<String>,
    /// The sentence encoder for hybrid and semantic searches, if one is
    /// installed (it does not change while serving).
    pub model: Option<Arc<crate::semantic::Model>>,
}

impl Service {
    /// A service over an open index.
    pub fn new(index: SearchIndex, translator: Option<Translator>) -> Service {
        Service {
            now: RwLock::new(Arc::new(Snapshot {
                index: Arc::new(index),
                translator: translator.map(Arc::new),
                freshness: Freshness::Fresh,
            })),
            allowed_hosts: Vec::new(),
            model: None,
        }
    }

    /// What a request sees; read once per request.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.now.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The index as last committed.
    pub fn index(&self) -> Arc<SearchIndex> {
        self.snapshot().index.clone()
    }

    fn swap(&self, change: impl FnOnce(&Snapshot) -> Snapshot) {
        let mut now = self.now.write().unwrap_or_else(|e| e.into_inner());
        *now = Arc::new(change(&now));
    }

    /// Replaces the index and the translator after an update: fresh.
    pub fn replace(&self, index: SearchIndex, translator: Option<Translator>) {
        self.swap(|_| Snapshot {
            index: Arc::new(index),
            translator: translator.map(Arc::new),
            freshness: Freshness::Fresh,
        });
    }

    /// Says how fresh the index is.
    pub fn set_freshness(&self, freshness: Freshness) {
        self.swap(|now| Snapshot {
            index: now.index.clone(),
            translator: now.translator.clone(),
            freshness,
        });
    }

    /// Answers one request: its method, its target (path and query) and
    /// its `Host` header.
    pub fn handle(&self, method: &str, target: &str, host: Option<&str>) -> Reply {
        if let Err(reply) = guard::check(method, target, host, &self.allowed_hosts) {
            return reply;
        }
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let params: HashMap<String, String> = form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        let reply = match path {
            "/" => page::search_page(self, &params),
            "/assets/app.js" => Reply::asset("text/javascript", page::APP_JS),
            "/assets/style.css" => Reply::asset("text/css", page::STYLE_CSS),
            "/api/search" => api::search(self, &params),
            "/api/status" => api::status(self),
            _ => {
                if let Some(id) = path.strip_prefix("/api/passage/") {
                    api::passage(self, &decode(id), &params)
                } else if let Some(id) = path.strip_prefix("/api/similar/") {
                    api::similar(self, &decode(id), &params)
                } else if let Some(id) = path.strip_prefix("/api/cite/") {
                    api::cite(self, &decode(id), &params)
                } else if let Some(id) = path.strip_prefix("/passage/") {
                    page::passage_page(self, &decode(id), &params)
                } else {
                    Reply::not_found_page()
                }
            }
        };
        // For HEAD, the server leaves the body out and keeps its length.
        reply
    }
}

/// A path segment, percent-decoded.
fn decode(segment: &str) -> String {
    percent_encoding::percent_decode_str(segment)
        .decode_utf8_lossy()
        .into_owned()
}

/// An answer.
#[derive(Debug)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// Content type.
    pub content_type: &'static str,
    /// Body.
    pub body: Vec<u8>,
}

impl Reply {
    /// A JSON answer.
    pub fn json(status: u16, value: &serde_json::Value) -> Reply {
        Reply {
            status,
            content_type: "application/json; charset=utf-8",
            body: serde_json::to_vec(value).unwrap_or_default(),
        }
    }

    /// A JSON error: `{"error": message}`.
    pub fn error(status: u16, message: impl Into<String>) -> Reply {
        Reply::json(status, &serde_json::json!({ "error": message.into() }))
    }

    /// An HTML page.
    pub fn html(status: u16, body: String) -> Reply {
        Reply {
            status,
            content_type: "text/html; charset=utf-8",
            body: body.into_bytes(),
        }
    }

    /// Plain text.
    pub fn text(status: u16, content_type: &'static str, body: String) -> Reply {
        Reply {
            status,
            content_type,
            body: body.into_bytes(),
        }
    }

    fn asset(content_type: &'static str, body: &'static str) -> Reply {
        Reply {
            status: 200,
            content_type,
            body: body.as_bytes().to_vec(),
        }
    }

    fn not_found_page() -> Reply {
        Reply::html(
            404,
            page::message_page("Not found", "There is no such page."),
        )
    }
}

/// The headers every answer carries: only the server's own scripts and
/// styles, no framing, no sniffing, no referrer.
pub const SECURITY_HEADERS: &[(&str, &str)] = &[
    (
        "Content-Security-Policy",
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
         connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    ),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("Cache-Control", "no-store"),
];

/// Serves `service` on `server` with [`WORKERS`] threads, until the
/// process ends.
pub fn run(service: Arc<Service>, server: tiny_http::Server) {
    let server = Arc::new(server);
    let workers: Vec<_> = (0..WORKERS)
        .map(|_| {
            let (server, service) = (server.clone(), service.clone());
            std::thread::spawn(move || {
                for request in server.incoming_requests() {
                    respond(&service, request);
                }
            })
        })
        .collect();
    for worker in workers {
        let _ = worker.join();
    }
}

/// Binds the server. Its sockets send at once (no Nagle delay): an
/// answer's headers and body are separate writes, and waiting for the
/// first one's acknowledgement would add 40 ms to every request.
pub fn bind(addr: SocketAddr) -> Result<tiny_http::Server, String> {
    let listener =
        std::net::TcpListener::bind(addr).map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    // Accepted sockets inherit the option on Linux.
    #[cfg(unix)]
    let _ = rustix::net::sockopt::set_tcp_nodelay(&listener, true);
    tiny_http::Server::from_listener(listener, None)
        .map_err(|e| format!("cannot listen on {addr}: {e}"))
}

fn respond(service: &Service, request: tiny_http::Request) {
    let host = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Host"))
        .map(|h| h.value.as_str().to_owned());
    let method = request.method().as_str().to_owned();
    let reply = if request.body_length().unwrap_or(0) > guard::MAX_BODY {
        Reply::error(413, "request body too large")
    } else {
        // A bug must not take a worker with it.
        let url = request.url().to_owned();
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            service.handle(&method, &url, host.as_deref())
        }))
        .unwrap_or_else(|_| Reply::error(500, "internal error"))
    };
    let mut response = tiny_http::Response::from_data(reply.body).with_status_code(reply.status);
    let mut headers = vec![("Content-Type", reply.content_type)];
    headers.extend_from_slice(SECURITY_HEADERS);
    for (name, value) in headers {
        if let Ok(header) = tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()) {
            response.add_header(header);
        }
    }
    let _ = request.respond(response);
}

#[cfg(test)]
mod tests;
