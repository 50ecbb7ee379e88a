use std::path::Path;

use super::*;
use crate::index::{update, NoProgress, UpdateOptions};

/// A service over a small corpus with a hostile document.
fn service(dir: &Path) -> Service {
    let corpus = dir.join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    std::fs::write(
        corpus.join("sotchi.txt"),
        "Le Conseil OTAN-Russie s’est réuni à Sotchi le 4 juillet 2011, pour la première fois depuis la guerre de Géorgie.",
    )
    .unwrap();
    std::fs::write(
        corpus.join("hostile.md"),
        "# <script>document.title='pwned'</script>\n\nUn paragraphe piégé : \"><img src=x onerror=alert(1)> et un [lien](javascript:alert(1)) pour Sotchi.\n",
    )
    .unwrap();
    let (index, _) = update(
        &corpus,
        &dir.join("index"),
        &UpdateOptions::default(),
        &NoProgress,
    )
    .unwrap();
    Service::new(index, None)
}

fn get(service: &Service, target: &str) -> Reply {
    service.handle("GET", target, Some("127.0.0.1:7700"))
}

fn json(reply: &Reply) -> serde_json::Value {
    serde_json::from_slice(&reply.body).unwrap()
}

fn body(reply: &Reply) -> String {
    String::from_utf8(reply.body.clone()).unwrap()
}

#[test]
fn search_api_answers_with_the_keys_of_json_lines() {
    let dir = tempfile::tempdir().unwrap();
    let s = service(dir.path());
    let reply = get(&s, "/api/search?q=Sotchi+juillet&n=5");
    assert_eq!(reply.status, 200);
    let v = json(&reply);
    assert_eq!(v["query"], "Sotchi juillet");
    assert_eq!(v["index"], "fresh");
    assert!(v["took_ms"].as_f64().unwrap() >= 0.0);
    let hit = &v["hits"][0];
    assert_eq!(hit["doc"], "sotchi");
    for key in [
        "rank",
        "score",
        "id",
        "path",
        "lang",
        "line_start",
        "snippet",
        "highlights",
        "text",
    ] {
        assert!(hit.get(key).is_some(), "{key}");
    }
}

#[test]
fn bad_parameters_are_400_and_unknown_ids_404() {
    let dir = tempfile::tempdir().unwrap();
    let s = service(dir.path());
    for target in [
        "/api/search",
        "/api/search?q=",
        "/api/search?q=otan&n=0",
        "/api/search?q=otan&n=abc",
        "/api/search?q=otan&lang=de",
        "/api/search?q=otan&since=2020-13",
        "/api/search?q=otan&since=2022&until=2020",
        "/api/search?q=otan&doc=nope",
        "/api/passage/sotchi:000000?context=99",
        "/api/cite/sotchi:000000?format=chicago",
    ] {
        let reply = get(&s, target);
        assert!(
            reply.status == 400 || reply.status == 404,
            "{target}: {}",
            reply.status
        );
        assert!(
            json(&reply)["error"]
                .as_str()
                .is_some_and(|e| !e.is_empty()),
            "{target}"
        );
    }
    for target in [
        "/api/passage/nope:123456",
        "/api/passage/..%2F..%2Fetc%2Fpasswd",
        "/api/cite/..%2F..%2Fetc%2Fpasswd",
        "/passage/%2Fetc%2Fpasswd",
        "/../../etc/passwd",
        "/assets/../Cargo.toml",
        "/assets/",
    ] {
        let reply = get(&s, target);
        assert_eq!(reply.status, 404, "{target}");
        assert!(!body(&reply).contains("root:"), "{target}");
    }
}

#[test]
fn passage_and_citation() {
    let dir = tempfile::tempdir().unwrap();
    let s = service(dir.path());
    let id = json(&get(&s, "/api/search?q=Sotchi+juillet"))["hits"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let v = json(&get(&s, &format!("/api/passage/{id}?context=1")));
    assert_eq!(v["passage"]["id"], id.as_str());
    assert_eq!(v["document"]["doc"], "sotchi");
    assert_eq!(v["context"][0]["target"], true);
    let cite = get(&s, &format!("/api/cite/{id}?format=markdown"));
    assert_eq!(cite.status, 200);
    assert!(body(&cite).contains("Sotchi le 4 juillet 2011"));
    assert!(body(&cite).contains(&format!("[nrel:{id}]")));
    let csl = get(&s, &format!("/api/cite/{id}?format=csl-json"));
    assert!(csl.content_type.contains("csl+json"));
    assert!(serde_json::from_slice::<serde_json::Value>(&csl.body).is_ok());
}

#[test]
fn the_page_escapes_the_corpus_and_the_query() {
    let dir = tempfile::tempdir().unwrap();
    let s = service(dir.path());
    let echo = body(&get(
        &s,
        "/?q=pi%C3%A9g%C3%A9+%3Cscript%3Ealert(2)%3C%2Fscript%3E",
    ));
    assert!(
        echo.contains("&lt;script&gt;alert(2)&lt;/script&gt;"),
        "{echo}"
    );
    assert!(!echo.contains("<script>alert"));
    let page = body(&get(&s, "/?q=pi%C3%A9g%C3%A9"));
    assert!(page.contains("data-rendered=\"server\""));
    assert!(!page.contains("<script>"), "{page}");
    assert!(!page.contains("<img"), "{page}");
    assert!(
        page.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "{page}"
    );
    // The only scripts are the server's own.
    assert_eq!(page.matches("<script").count(), 1);
    assert!(page.contains(r#"<script src="/assets/app.js" defer></script>"#));
    let id = json(&get(&s, "/api/search?q=pi%C3%A9g%C3%A9"))["hits"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let view = body(&get(&s, &format!("/passage/{id}")));
    assert!(
        !view.contains("<img") && !view.contains("href=\"javascript"),
        "{view}"
    );
}

#[test]
fn foreign_hosts_and_other_methods_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let s = service(dir.path());
    assert_eq!(
        s.handle("GET", "/api/search?q=otan", Some("evil.example"))
            .status,
        421
    );
    assert_eq!(s.handle("GET", "/", Some("attacker.test:7700")).status, 421);
    assert_eq!(
        s.handle("POST", "/api/search?q=otan", Some("localhost"))
            .status,
        405
    );
    assert_eq!(s.handle("GET", "/", Some("localhost:7700")).status, 200);
    // HEAD: the same answer; the HTTP layer sends its length, not its body.
    let head = s.handle("HEAD", "/", Some("localhost"));
    assert_eq!(head.status, 200);
}
