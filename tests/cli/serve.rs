//! `nrel-search serve`: the JSON API over HTTP, and the page in a real
//! browser (Debian's headless Chromium).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::harness::{assert_contains, Env};

/// A running server, stopped when dropped.
pub struct Server {
    child: Child,
    addr: String,
    stderr: PathBuf,
}

impl Server {
    pub fn start(env: &Env, extra: &[&str]) -> Server {
        let stderr = env.dir.path().join("serve.err");
        let mut child = env
            .cmd()
            .args(["serve", "--port", "0"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&stderr).unwrap())
            .spawn()
            .expect("serve starts");
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        let addr = first
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_else(|| {
                panic!(
                    "no address in {first:?}: {}",
                    std::fs::read_to_string(&stderr).unwrap_or_default()
                )
            })
            .to_owned();
        Server {
            child,
            addr,
            stderr,
        }
    }

    fn url(&self, target: &str) -> String {
        format!("http://{}{target}", self.addr)
    }

    /// GET with this `Host` header: the status and the body.
    fn get_as(&self, target: &str, host: &str) -> (u16, String) {
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        write!(
            stream,
            "GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        let status = response
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let body = response
            .split_once("\r\n\r\n")
            .map_or(String::new(), |(_, b)| b.to_owned());
        (status, body)
    }

    pub fn get(&self, target: &str) -> (u16, String) {
        self.get_as(target, &self.addr.clone())
    }

    pub fn json(&self, target: &str) -> Value {
        let (status, body) = self.get(target);
        assert_eq!(status, 200, "{target}: {body}");
        serde_json::from_str(&body).unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Debian's Chromium; the browser tests need it (`.ci/run` installs it).
fn chromium() -> PathBuf {
    let path = PathBuf::from("/usr/bin/chromium");
    assert!(
        path.exists(),
        "the browser tests need Chromium: apt-get install chromium"
    );
    path
}

/// The page's DOM after its scripts ran.
fn dump_dom(url: &str, profile: &Path) -> String {
    let mut cmd = Command::new(chromium());
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--virtual-time-budget=3000",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    let output = cmd.arg("--dump-dom").arg(url).output().unwrap();
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn screenshot(url: &str, size: (u32, u32), file: &Path, profile: &Path) {
    let status = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
            "--virtual-time-budget=3000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--window-size={},{}", size.0, size.1))
        .arg(format!("--screenshot={}", file.display()))
        .arg(url)
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
}

/// The text of the first element with this opening tag fragment.
fn first_after<'a>(dom: &'a str, marker: &str) -> &'a str {
    let at = dom
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} not in:\n{dom}"));
    let rest = &dom[at..];
    let start = rest.find('>').unwrap() + 1;
    let end = rest[start..].find('<').unwrap() + start;
    &rest[start..end]
}

#[test]
fn the_api_over_http() {
    let env = Env::seed();
    let server = Server::start(&env, &[]);
    let v = server.json("/api/search?q=NATO+enlargement&n=3");
    assert_eq!(v["query"], "NATO enlargement");
    assert_eq!(v["hits"].as_array().unwrap().len(), 3);
    // The hits of `--json`: the same passages, with the same keys.
    let cli = env.hits(&["NATO enlargement", "-n", "3"]);
    for (api, cli) in v["hits"].as_array().unwrap().iter().zip(&cli) {
        assert_eq!(api["id"], cli["id"]);
        let keys = |h: &Value| h.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
        assert_eq!(keys(api), keys(cli));
    }
    assert_eq!(v["hits"][0]["lang"], "fr");
    let id = v["hits"][0]["id"].as_str().unwrap().to_owned();
    let passage = server.json(&format!("/api/passage/{id}?context=1"));
    assert_eq!(passage["passage"]["id"], id.as_str());
    let (status, cite) = server.get(&format!("/api/cite/{id}?format=text"));
    assert_eq!(status, 200);
    assert_contains(&cite, &format!("[nrel:{id}]"));
    // Errors are JSON, never 500.
    for (target, code) in [
        ("/api/search?q=otan&n=-1", 400),
        ("/api/search?q=otan&until=demain", 400),
        ("/api/passage/otan-2009-12-04:ffffff", 404),
        ("/api/passage/..%2F..%2Fetc%2Fpasswd", 404),
        ("/api/cite/x?format=apa", 400),
    ] {
        let (status, body) = server.get(target);
        assert_eq!(status, code, "{target}: {body}");
        let error: Value = serde_json::from_str(&body).unwrap();
        assert!(error["error"].is_string(), "{target}");
    }
    // DNS rebinding: a foreign Host is refused.
    let (status, body) = server.get_as("/api/search?q=otan", "evil.example");
    assert_eq!(status, 421, "{body}");
    assert!(!body.contains("OTAN"));
    let (status, _) = server.get_as("/", "localhost:7700");
    assert_eq!(status, 200);
}

#[test]
fn the_page_renders_the_results_with_and_without_scripts() {
    let env = Env::seed();
    let server = Server::start(&env, &[]);
    let profile = env.dir.path().join("chromium");
    // The script takes the box's words, asks the API and renders the hits.
    let dom = dump_dom(&server.url("/?q=Conseil+OTAN-Russie"), &profile);
    assert_contains(&dom, r#"<ol id="results" data-rendered="js">"#);
    let api = server.json("/api/search?q=Conseil+OTAN-Russie&n=1");
    let title = api["hits"][0]["title"].as_str().unwrap();
    assert_eq!(first_after(&dom, r#"<a class="title""#), title);
    assert_contains(&dom, "<mark>Conseil</mark>");
    assert_contains(&dom, "index fresh");
    // Without scripts: the server's page for the same URL, opened from a
    // file, where its script cannot load.
    let (status, html) = server.get("/?q=Conseil+OTAN-Russie");
    assert_eq!(status, 200);
    let file = env.dir.path().join("no-script.html");
    std::fs::write(&file, html).unwrap();
    let plain = dump_dom(&format!("file://{}", file.display()), &profile);
    assert_contains(&plain, r#"<ol id="results" data-rendered="server">"#);
    assert_eq!(first_after(&plain, r#"<a class="title""#), title);
    // Screenshots at a desktop and a phone width.
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    for (size, name) in [
        ((1280, 800), "serve-1280x800.png"),
        ((400, 800), "serve-400x800.png"),
    ] {
        let file = shots.join(name);
        let _ = std::fs::remove_file(&file);
        screenshot(&server.url("/?q=NATO+enlargement"), size, &file, &profile);
        let bytes = std::fs::read(&file).unwrap();
        assert!(
            bytes.starts_with(b"\x89PNG") && bytes.len() > 10_000,
            "{name}"
        );
    }
}

#[test]
fn the_passage_view_and_its_citation() {
    let env = Env::seed();
    let server = Server::start(&env, &[]);
    let profile = env.dir.path().join("chromium");
    let hit = &server.json("/api/search?q=Sotchi&n=1")["hits"][0];
    let id = hit["id"].as_str().unwrap();
    let dom = dump_dom(&server.url(&format!("/passage/{id}?context=1")), &profile);
    assert_contains(&dom, r#"aria-current="true""#);
    assert_contains(&dom, "Sotchi");
    // The Markdown citation, as `cite` prints it, ready to copy.
    let cite = env.run(&["cite", id]);
    let first_line = cite.stdout.lines().next().unwrap();
    let citation = first_after(&dom, r#"<pre id="citation""#)
        .replace("&gt;", ">")
        .replace("&lt;", "<")
        .replace("&amp;", "&");
    assert!(citation.starts_with(first_line.trim_end()), "{citation}");
    assert_contains(&citation, &format!("[nrel:{id}]"));
    assert_contains(&dom, "Download CSL-JSON");
}

#[test]
fn hostile_text_stays_text() {
    let env = Env::empty();
    env.write(
        "piege.md",
        "# <script>document.title='pwned'</script>\n\n\
         Un paragraphe piégé sur le Conseil OTAN-Russie : \"><img src=x onerror=\"document.title='pwned'\"> \
         et un [lien](javascript:document.title='pwned') pour finir.\n",
    );
    let server = Server::start(&env, &[]);
    let profile = env.dir.path().join("chromium");
    let id = server.json("/api/search?q=pi%C3%A9g%C3%A9")["hits"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for target in [
        "/?q=pi%C3%A9g%C3%A9".to_owned(),
        "/?q=%3Cscript%3Edocument.title%3D%27pwned%27%3C%2Fscript%3E".to_owned(),
        // Out of the input's value: `"><img src=x>`.
        "/?q=pi%C3%A9g%C3%A9+%22%3E%3Cimg+src%3Dx%3E".to_owned(),
        "/?lang=%22%3E%3Cimg+src%3Dx%3E&q=pi%C3%A9g%C3%A9".to_owned(),
        format!("/passage/{id}"),
    ] {
        let dom = dump_dom(&server.url(&target), &profile);
        assert!(dom.contains("<html"), "{target}: {dom}");
        assert!(!dom.contains("<title>pwned</title>"), "{target}: {dom}");
        assert!(!dom.contains("<img"), "{target}: {dom}");
        assert!(!dom.contains("href=\"javascript"), "{target}: {dom}");
        assert!(
            dom.contains("&lt;script&gt;") || dom.contains("&lt;img"),
            "{target}: {dom}"
        );
    }
}

#[test]
fn the_index_is_kept_in_step_while_serving() {
    let env = Env::seed();
    let server = Server::start(&env, &[]);
    assert_eq!(server.json("/api/status")["index"], "fresh");
    let before = server.json("/api/search?q=Zapadnaya")["hits"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(before, 0);
    env.write(
        "zapad.txt",
        "Les manœuvres Zapadnaya 2021 ont réuni des troupes russes et bélarusses près des frontières de l’OTAN.",
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let hits = server.json("/api/search?q=Zapadnaya")["hits"]
            .as_array()
            .unwrap()
            .len();
        if hits > 0 {
            break;
        }
        assert!(Instant::now() < deadline, "the new file was not indexed");
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(server.json("/api/status")["index"], "fresh");
    // It never writes to the corpus.
    let names: Vec<_> = std::fs::read_dir(env.corpus())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 8, "{names:?}");
}

#[test]
fn binding_beyond_loopback_warns() {
    let env = Env::seed();
    let server = Server::start(&env, &["--bind", "0.0.0.0", "--allow-host", "nrel.example"]);
    // The address printed (and opened) is the loopback one.
    assert!(server.addr.starts_with("127.0.0.1:"), "{}", server.addr);
    let port = server.addr.rsplit(':').next().unwrap().to_owned();
    for host in [
        "localhost".to_owned(),
        format!("0.0.0.0:{port}"),
        "nrel.example".to_owned(),
    ] {
        let (status, _) = server.get_as("/api/status", &host);
        assert_eq!(status, 200, "{host}");
    }
    let (status, _) = server.get_as("/api/status", "other.example");
    assert_eq!(status, 421);
    let stderr = std::fs::read_to_string(&server.stderr).unwrap();
    assert_contains(&stderr, "the corpus becomes readable by others");
}

/// Debian's ChromeDriver driving headless Chromium over the WebDriver
/// protocol (plain HTTP and JSON): keys typed into the page as a user would.
struct Driver {
    child: Child,
    port: u16,
    session: String,
}

impl Driver {
    fn start(profile: &Path) -> Driver {
        let driver = PathBuf::from("/usr/bin/chromedriver");
        assert!(
            driver.exists(),
            "the browser tests need ChromeDriver: apt-get install chromium-driver"
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut driver = Driver {
            child,
            port,
            session: String::new(),
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while driver.call("GET", "/status", None).is_none() {
            assert!(Instant::now() < deadline, "ChromeDriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let capabilities = serde_json::json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium(),
                "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         format!("--user-data-dir={}", profile.display())]
            }
        }}});
        let created = driver.call("POST", "/session", Some(capabilities)).unwrap();
        driver.session = created["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {created}"))
            .to_owned();
        driver
    }

    /// One WebDriver command; `None` when the driver does not answer.
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Option<Value> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).ok()?;
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.port,
            body.len()
        )
        .ok()?;
        // The driver keeps connections open: read the headers, then as
        // many bytes as they announce.
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .ok()?;
        let mut reader = BufReader::new(stream);
        let mut length = 0;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).ok()?;
            if line.trim().is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().ok()?;
                }
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).ok()?;
        serde_json::from_slice(&body).ok()
    }

    fn session(&self, method: &str, path: &str, body: Value) -> Value {
        let path = format!("/session/{}{path}", self.session);
        self.call(method, &path, Some(body))
            .expect("the driver answers")
    }

    fn go(&self, url: &str) {
        self.session("POST", "/url", serde_json::json!({ "url": url }));
    }

    /// Types `text` into the element `css` (WebDriver key codes allowed).
    fn type_into(&self, css: &str, text: &str) {
        let found = self.session(
            "POST",
            "/element",
            serde_json::json!({"using": "css selector", "value": css}),
        );
        let element = found["value"]
            .as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no element {css}: {found}"))
            .to_owned();
        self.session(
            "POST",
            &format!("/element/{element}/value"),
            serde_json::json!({ "text": text }),
        );
    }

    /// Runs a script in the page and returns its value.
    fn eval(&self, script: &str) -> Value {
        self.session(
            "POST",
            "/execute/sync",
            serde_json::json!({"script": script, "args": []}),
        )["value"]
            .clone()
    }

    /// Waits until the script returns something other than null.
    fn wait_for(&self, script: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let value = self.eval(script);
            if !value.is_null() {
                return value;
            }
            assert!(Instant::now() < deadline, "timed out waiting for: {script}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let path = format!("/session/{}", self.session);
            let _ = self.call("DELETE", &path, None);
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn typing_in_the_box_with_the_keyboard() {
    let env = Env::seed();
    let server = Server::start(&env, &[]);
    let driver = Driver::start(&env.dir.path().join("chromium-driver"));
    driver.go(&server.url("/"));
    // Typed key by key: results come as they are typed, from the API.
    driver.type_into("#q", "Conseil OTAN-Russie");
    let expected = server.json("/api/search?q=Conseil+OTAN-Russie&n=1")["hits"][0]["title"].clone();
    let first = driver.wait_for(
        "const r = document.getElementById('results'); const a = r.querySelector('.hit a.title'); \
         return r.dataset.rendered === 'js' && a && document.getElementById('q').value === 'Conseil OTAN-Russie' \
         ? a.textContent : null;",
    );
    assert_eq!(first, expected);
    // The URL holds the query.
    let url = driver.eval("return window.location.search;");
    assert_eq!(url, "?q=Conseil+OTAN-Russie");
    // ↓ moves to the first result, Enter opens it.
    driver.type_into("#q", "\u{E015}");
    let focused = driver.eval("return document.activeElement.textContent;");
    assert_eq!(focused, expected);
    driver.type_into("#results .hit a.title", "\u{E007}");
    let id = driver.wait_for(
        "const v = document.querySelector('.passage-view'); return v ? v.dataset.id : null;",
    );
    // The copy buttons fetch the citation in their format.
    driver.eval("document.querySelector('button[data-format=\"bibtex\"]').click(); return null;");
    let bibtex = driver.wait_for(
        "const t = document.getElementById('citation').textContent; return t.startsWith('@') ? t : null;",
    );
    let bibtex = bibtex.as_str().unwrap();
    assert!(
        bibtex.contains("title") && bibtex.contains(&format!("{{{}}}", expected.as_str().unwrap())),
        "{bibtex}"
    );
    let id = id.as_str().unwrap();
    assert_eq!(server.get(&format!("/api/passage/{id}")).0, 200);
}
