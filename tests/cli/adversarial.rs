//! Adversarial input: a corpus of everything that can go wrong at once,
//! hostile queries, and the global options placed before or after the
//! subcommand.
//!
//! Each test collects every problem it sees and fails once at the end with
//! the whole list, so that one run gives the complete picture. The times of
//! the runs are printed on stderr (`cargo test -- --nocapture` shows them).
//!
//! Runtime: indexing the 30 MB single line dominates (about two minutes in
//! a test build, linear in its size); `NREL_ADVERSARIAL_LINE_MB=2` shrinks
//! it for a quick run.
//!
//! Decisions on what the right behaviour is, where the README says nothing:
//!
//! * UTF-16 with a byte order mark (Notepad's "Unicode", PowerShell's `>`)
//!   is unambiguous text: it is decoded and indexed, not refused as binary.
//! * A file name that is not valid UTF-8 holds ordinary text: the file is
//!   indexed (its name shown lossily) and the index is then up to date.
//! * The empty file and the markup-only Markdown file are not errors: they
//!   may yield no passage, with or without a note.
//! * The 200,000-character word and the 30 MB line are text: the file is
//!   indexed, and its ordinary words are searchable.
//! * A symlink loop is reported by its path and skipped; the files of the
//!   looping directory are indexed once, not once per turn of the loop.
//! * A manifest that is not valid TOML is an error naming it with line and
//!   column, and the corpus is indexed anyway; `index` exits 2.
//! * A file or directory that cannot be read (the symlink loop) is an error
//!   (`index` exits 2, as grep); a binary file is only skipped. Neither is
//!   reported again by later searches while nothing changes.
//! * Text shown on a terminal must not carry the control characters of the
//!   source (an ESC sequence in a file must not reach the terminal).

use std::ffi::OsStr;
use std::io::{Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::{field, Env, Run};

/// Runs `cmd` with `args`, killing it after `limit`; the run and its time.
fn run_limited(mut cmd: Command, args: &[&str], limit: Duration) -> (Run, Duration) {
    let start = Instant::now();
    let mut child = cmd
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawns");
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = out.read_to_end(&mut buf);
        buf
    });
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = err.read_to_end(&mut buf);
        buf
    });
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait().expect("waits") {
            break status;
        }
        if start.elapsed() > limit {
            timed_out = true;
            let _ = child.kill();
            break child.wait().expect("waits");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let elapsed = start.elapsed();
    let stdout = String::from_utf8_lossy(&out_reader.join().unwrap()).into_owned();
    let mut stderr = String::from_utf8_lossy(&err_reader.join().unwrap()).into_owned();
    if timed_out {
        stderr.push_str(&format!("\n[killed after {limit:?}]"));
    }
    let code = if timed_out {
        -2
    } else {
        status.code().unwrap_or_else(|| {
            use std::os::unix::process::ExitStatusExt;
            // Killed by a signal: 128 + signal, as a shell shows it (134 = abort).
            128 + status.signal().unwrap_or(0)
        })
    };
    (
        Run {
            stdout,
            stderr,
            code,
        },
        elapsed,
    )
}

/// Runs in the environment (its corpus and index), with a time limit.
fn run_env(env: &Env, args: &[&str], limit_secs: u64) -> (Run, Duration) {
    let (run, time) = run_limited(env.cmd(), args, Duration::from_secs(limit_secs));
    eprintln!(
        "  [{:>7.2} s] exit {:>3}  {}",
        time.as_secs_f64(),
        run.code,
        show_args(args)
    );
    for line in run.stderr.lines().take(4) {
        eprintln!("               | {}", shorten(line, 200));
    }
    (run, time)
}

/// The arguments, shortened for messages.
fn show_args(args: &[&str]) -> String {
    let joined = args
        .iter()
        .map(|a| format!("{a:?}"))
        .collect::<Vec<_>>()
        .join(" ");
    shorten(&joined, 120)
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let head: String = s.chars().take(max).collect();
        format!("{head}… ({} chars)", s.chars().count())
    }
}

/// What is wrong with a run that crashed: a panic, an abort, a signal, a
/// time-out.
fn crash(run: &Run) -> Option<String> {
    let mut wrong = Vec::new();
    if run.stderr.contains("panicked") || run.stderr.to_lowercase().contains("backtrace") {
        wrong.push("panicked".to_owned());
    }
    match run.code {
        101 => wrong.push("exit 101 (panic)".into()),
        134 => wrong.push("exit 134 (abort, SIGABRT)".into()),
        -2 => wrong.push("timed out".into()),
        c if c > 128 => wrong.push(format!("killed by signal {}", c - 128)),
        _ => {}
    }
    (!wrong.is_empty()).then(|| {
        format!(
            "{}; stderr: {}",
            wrong.join(", "),
            shorten(run.stderr.trim(), 600)
        )
    })
}

/// The `path` of each hit of a `--json` search, or why there are none.
fn hit_paths(run: &Run) -> Result<Vec<String>, String> {
    if run.code != 0 && run.code != 1 {
        return Err(format!(
            "exit {}; stderr: {}",
            run.code,
            shorten(run.stderr.trim(), 400)
        ));
    }
    let mut paths = Vec::new();
    for line in run.stdout.lines() {
        let hit: serde_json::Value =
            serde_json::from_str(line).map_err(|e| format!("bad JSON line ({e}): {line}"))?;
        paths.push(field(&hit, "path").to_owned());
    }
    Ok(paths)
}

/// Writes a file of `len` bytes on one line, sentence after sentence, with
/// `first` in the first sentence and `last` in the last; in chunks.
fn write_long_line(path: &Path, len: usize, first: &str, last: &str) {
    let file = std::fs::File::create(path).unwrap();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, file);
    let sentences = [
        "Les ministres ont approuvé un ensemble de mesures visant à améliorer les méthodes de travail. ",
        "The ambassadors met again in Sochi to discuss missile defence and arms control. ",
        "La coopération pratique reprend dans la lutte contre le terrorisme et la piraterie. ",
    ];
    let head = format!("Ouverture du texte {first} sans aucun saut de ligne. ");
    let tail = format!("Fin du texte avec {last} tout au bout.");
    out.write_all(head.as_bytes()).unwrap();
    let mut written = head.len();
    let mut i = 0;
    while written + tail.len() < len {
        let s = sentences[i % sentences.len()];
        out.write_all(s.as_bytes()).unwrap();
        written += s.len();
        i += 1;
    }
    out.write_all(tail.as_bytes()).unwrap();
    out.flush().unwrap();
}

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let mut bytes = if big_endian {
        vec![0xFE, 0xFF]
    } else {
        vec![0xFF, 0xFE]
    };
    for unit in text.encode_utf16() {
        let pair = if big_endian {
            unit.to_be_bytes()
        } else {
            unit.to_le_bytes()
        };
        bytes.extend_from_slice(&pair);
    }
    bytes
}

/// Number of small files, each with a unique word.
const SMALL_FILES: usize = 3000;

/// The unique word of small file `i`.
fn small_word(i: usize) -> String {
    format!("zorgpetit{i:04}")
}

#[test]
fn adversarial_corpus() {
    let started = Instant::now();
    let env = Env::seed();
    let corpus = env.corpus();
    let mut failures: Vec<String> = Vec::new();

    // --- The corpus. --------------------------------------------------------
    // Files that must be reported and skipped.
    env.write(
        "bad/image.txt",
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0\0\0\x01\0\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\nIDATx\x9cc\0\x01\0\0\x05\0\x01\r\n-\xb4\0\0\0\0IEND\xaeB`\x82",
    );
    env.write(
        "bad/nul-bytes.txt",
        b"Du texte zorgnul\0\0\0 avec des octets nuls\0au milieu.\n",
    );
    // A symlink loop: a directory link to its parent, beside a file.
    env.write(
        "loopdir/inloop.txt",
        "Le mot zorgboucle est dans le r\u{e9}pertoire qui boucle sur lui-m\u{ea}me.\n",
    );
    std::os::unix::fs::symlink(corpus.join("loopdir"), corpus.join("loopdir/up")).unwrap();

    // Files that must be indexed and searchable: (unique word, path).
    let mut good: Vec<(String, String)> = Vec::new();
    env.write(
        "latin1.txt",
        b"Le zorglatin d\xe9fend la for\xeat de l\x92Alliance, au c\x9cur du d\xe9bat.\n",
    );
    good.push(("zorglatin".into(), "latin1.txt".into()));
    env.write(
        "utf16le.txt",
        utf16(
            "Le zorgseizele d\u{e9}fend l\u{2019}\u{e9}largissement.\r\n",
            false,
        ),
    );
    good.push(("zorgseizele".into(), "utf16le.txt".into()));
    env.write(
        "utf16be.txt",
        utf16(
            "Le zorgseizebe d\u{e9}fend l\u{2019}\u{e9}largissement.\n",
            true,
        ),
    );
    good.push(("zorgseizebe".into(), "utf16be.txt".into()));
    env.write(
        "utf8-bom.md",
        "\u{feff}# Titre zorgbomtitre\n\nLe zorgbom suit une marque d\u{2019}ordre des octets.\n",
    );
    good.push(("zorgbom".into(), "utf8-bom.md".into()));
    env.write(
        "crlf.txt",
        "Premier paragraphe avec zorgcrlf, coup\u{e9} en fin de ligne\r\net continu\u{e9} ici par un mot cou-\r\np\u{e9} en deux.\r\n\r\nDeuxi\u{e8}me paragraphe.\r\n",
    );
    good.push(("zorgcrlf".into(), "crlf.txt".into()));
    env.write("empty.txt", "");
    env.write(
        "markup-only.md",
        "# \n\n---\n\n**\n\n****\n\n[](http://example.com)\n\n## \n\n***\n\n[]()\n\n> \n\n- \n",
    );
    let long_word: String = "anticonstitutionnellement"
        .chars()
        .cycle()
        .take(200_000)
        .collect();
    env.write(
        "long-word.txt",
        format!("Le zorglong pr\u{e9}c\u{e8}de un mot immense.\n\n{long_word}\n\nEt zorglongfin le suit.\n"),
    );
    good.push(("zorglong".into(), "long-word.txt".into()));
    good.push(("zorglongfin".into(), "long-word.txt".into()));
    env.write(
        "control.txt",
        "Un texte ordinaire avec quelques caract\u{e8}res de contr\u{f4}le au milieu des mots: \
         une cloche \u{7} ici, une s\u{e9}quence \u{1b}[31mrouge\u{1b}[0m l\u{e0}, une tabulation verticale \u{b} \
         et un retour arri\u{e8}re \u{8} avant le mot zorgcontrole qui doit se trouver, puis la suite du paragraphe.\n",
    );
    good.push(("zorgcontrole".into(), "control.txt".into()));
    env.write(
        "emoji-rtl.txt",
        "Le zorgemoji \u{1f389}\u{1f1eb}\u{1f1f7}\u{1f468}\u{200d}\u{1f469}\u{200d}\u{1f467} accompagne \
         \u{5e9}\u{5dc}\u{5d5}\u{5dd} \u{5e2}\u{5d5}\u{5dc}\u{5dd} et \u{645}\u{631}\u{62d}\u{628}\u{627} \
         \u{628}\u{627}\u{644}\u{639}\u{627}\u{644}\u{645} dans le texte, \u{200f}avec une marque droite-\u{e0}-gauche.\n",
    );
    good.push(("zorgemoji".into(), "emoji-rtl.txt".into()));
    good.push((
        "\u{5e9}\u{5dc}\u{5d5}\u{5dd}".into(),
        "emoji-rtl.txt".into(),
    )); // Hebrew "shalom"
    good.push((
        "\u{645}\u{631}\u{62d}\u{628}\u{627}".into(),
        "emoji-rtl.txt".into(),
    )); // Arabic "marhaba"
    let t = Instant::now();
    // 30 MB; NREL_ADVERSARIAL_LINE_MB=2 makes a quicker run.
    let line_mb: usize = std::env::var("NREL_ADVERSARIAL_LINE_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30);
    write_long_line(
        &corpus.join("huge-line.txt"),
        line_mb * 1024 * 1024,
        "zorgdebut",
        "zorgenorme",
    );
    eprintln!(
        "  [{:>7.2} s] wrote the {line_mb} MB line",
        t.elapsed().as_secs_f64()
    );
    good.push(("zorgdebut".into(), "huge-line.txt".into()));
    good.push(("zorgenorme".into(), "huge-line.txt".into()));
    let deep: String = (1..=30).map(|i| format!("d{i:02}/")).collect();
    let deep_file = format!("deep/{deep}fond.txt");
    env.write(&deep_file, "Tout au fond, le mot zorgprofond attend.\n");
    good.push(("zorgprofond".into(), deep_file.clone()));
    let t = Instant::now();
    for i in 0..SMALL_FILES {
        env.write(
            &format!("many/f{i:04}.txt"),
            format!("Petite note {} sur l\u{2019}OTAN.\n", small_word(i)),
        );
    }
    eprintln!(
        "  [{:>7.2} s] wrote {SMALL_FILES} small files",
        t.elapsed().as_secs_f64()
    );
    for i in [0, 1, 1234, 2999] {
        good.push((small_word(i), format!("many/f{i:04}.txt")));
    }
    good.push(("zorgboucle".into(), "loopdir/inloop.txt".into()));
    // A file name that is not UTF-8 ("nom-\xff\xfe.txt").
    let odd_name = OsStr::from_bytes(b"nom-\xff\xfe.txt");
    std::fs::write(
        corpus.join(odd_name),
        "Le zorgnomlatin est dans un fichier au nom \u{e9}trange.\n",
    )
    .unwrap();
    let odd_lossy = odd_name.to_string_lossy().into_owned();
    good.push(("zorgnomlatin".into(), odd_lossy.clone()));
    // The broken manifest, kept aside to be repaired.
    let manifest = corpus.join("sources.toml");
    let manifest_ok = std::fs::read(&manifest).unwrap();
    std::fs::write(&manifest, "[[source]\nfile = \"latin1.txt\nid = = 3\n").unwrap();

    // --- 1. The broken manifest is an error; the corpus is indexed anyway. --
    let (run, _) = run_env(&env, &["index"], 300);
    if let Some(c) = crash(&run) {
        failures.push(format!("index with broken sources.toml crashed: {c}"));
    }
    let named = run
        .stderr
        .lines()
        .any(|l| l.starts_with("nrel-search: error: ") && l.contains("sources.toml:1:"));
    if run.code != 2 || !named {
        failures.push(format!(
            "index with broken sources.toml: expected exit 2 and an error naming sources.toml:LINE:COLUMN; got exit {}, stderr: {}",
            run.code,
            shorten(run.stderr.trim(), 600)
        ));
    }
    let (run, _) = run_env(&env, &["--json", "zorgcrlf"], 60);
    if run.code != 0 {
        failures.push(format!(
            "with a broken sources.toml the corpus is not searchable: exit {}",
            run.code
        ));
    }

    // --- 2. Repaired: everything else is indexed, bad files reported. -------
    std::fs::write(&manifest, &manifest_ok).unwrap();
    let (run, index_time) = run_env(&env, &["index"], 300);
    if let Some(c) = crash(&run) {
        failures.push(format!("index crashed: {c}"));
    }
    let errors: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("nrel-search: error: "))
        .collect();
    if run.code != 2 || errors.is_empty() || errors.iter().any(|l| !l.contains("loopdir/up")) {
        failures.push(format!(
            "index: expected exit 2 with the symlink loop as the only error (binary files are warnings); got {}; stderr: {}",
            run.code,
            shorten(run.stderr.trim(), 600)
        ));
    }
    eprintln!("  index stdout: {}", run.stdout.trim());
    eprintln!("  index stderr: {}", shorten(run.stderr.trim(), 2000));
    for reported in [
        "bad/image.txt",
        "bad/nul-bytes.txt",
        "loopdir/up",
        "latin1.txt: not valid UTF-8; read as Windows-1252",
    ] {
        if !run.stderr.contains(reported) {
            failures.push(format!("index: {reported:?} not reported on stderr"));
        }
    }
    for quiet in ["utf16le.txt", "utf16be.txt", "utf8-bom.md", "crlf.txt"] {
        if run.stderr.contains(&format!("{quiet}: binary")) {
            failures.push(format!(
                "index: {quiet} refused as binary: {}",
                grep(&run.stderr, quiet)
            ));
        }
    }
    let stderr_lines = run.stderr.lines().count();
    if stderr_lines > 30 {
        failures.push(format!("index: {stderr_lines} lines on stderr"));
    }

    // Every good file is searchable, and found where it is.
    for (word, path) in &good {
        let (run, _) = run_env(&env, &["search", "--json", "-n", "5", word], 60);
        if let Some(c) = crash(&run) {
            failures.push(format!("search {word}: crashed: {c}"));
            continue;
        }
        match hit_paths(&run) {
            Err(e) => failures.push(format!("search {word} (in {path}): {e}")),
            Ok(paths) if paths.is_empty() => failures.push(format!(
                "search {word}: no hit; expected {path}; stderr: {}",
                shorten(run.stderr.trim(), 300)
            )),
            Ok(paths) if paths.iter().any(|p| p != path) => failures.push(format!(
                "search {word}: hits in {paths:?}; expected only {path}"
            )),
            Ok(_) => {}
        }
    }
    // The decoded texts read right.
    let text_of = |word: &str| -> String {
        let (run, _) = run_env(&env, &["search", "--json", "-n", "1", word], 60);
        run.stdout
            .lines()
            .next()
            .and_then(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .map(|h| field(&h, "text").to_owned())
            .unwrap_or_default()
    };
    let latin = text_of("zorglatin");
    if !latin.contains("défend la forêt de l’Alliance, au cœur du débat") {
        failures.push(format!("latin1.txt decoded wrong: {latin:?}"));
    }
    let crlf = text_of("zorgcrlf");
    if crlf.contains('\r') || !crlf.contains("coupé en deux") {
        failures.push(format!(
            "crlf.txt: CR left in the text or cou-/pé not joined: {crlf:?}"
        ));
    }
    let bom = text_of("zorgbom");
    if bom.contains('\u{feff}') {
        failures.push(format!("utf8-bom.md: BOM left in the text: {bom:?}"));
    }
    for word in ["zorgseizele", "zorgseizebe"] {
        let text = text_of(word);
        if !text.is_empty() && !text.contains("défend l’élargissement") {
            failures.push(format!("UTF-16 text of {word} decoded wrong: {text:?}"));
        }
    }
    // Control characters do not reach the terminal.
    let (run, _) = run_env(&env, &["--color", "never", "zorgcontrole"], 60);
    if run.stdout.contains('\u{1b}') || run.stdout.contains('\u{7}') || run.stdout.contains('\u{8}')
    {
        failures.push(format!(
            "search zorgcontrole --color never: raw control characters (ESC/BEL/BS) printed to stdout: {:?}",
            shorten(grep(&run.stdout, "zorgcontrole").trim(), 300)
        ));
    }
    // The seed corpus is still searchable.
    let (run, _) = run_env(&env, &["--json", "-n", "3", "Conseil OTAN-Russie"], 60);
    match hit_paths(&run) {
        Ok(paths) if !paths.is_empty() && run.code == 0 => {}
        other => failures.push(format!(
            "seed corpus: \"Conseil OTAN-Russie\" finds nothing: {other:?}, exit {}",
            run.code
        )),
    }
    // Nothing changed since: a search is quiet (a skipped file or loop is
    // not reported again while it does not change).
    let (run, _) = run_env(&env, &["Sotchi"], 60);
    if run.stderr.contains("warning") {
        failures.push(format!(
            "search after index, nothing changed: warnings repeated on every run: {}",
            shorten(run.stderr.trim(), 400)
        ));
    }
    // The index is now up to date (the odd name, the loop, the bad files).
    let (run, _) = run_env(&env, &["status"], 120);
    if run.code != 0 {
        failures.push(format!(
            "status right after index: exit {} (expected 0, up to date); stdout: {}; stderr: {}",
            run.code,
            shorten(run.stdout.trim(), 300),
            shorten(run.stderr.trim(), 300)
        ));
    }
    let (run, _) = run_env(&env, &["index"], 120);
    if !run.stdout.contains("analysed this run: 0 files") {
        failures.push(format!(
            "second index analysed files again: {}",
            shorten(run.stdout.trim(), 300)
        ));
    }

    eprintln!(
        "adversarial_corpus: {:.1} s in all, index {:.1} s",
        started.elapsed().as_secs_f64(),
        index_time.as_secs_f64()
    );
    assert!(
        failures.is_empty(),
        "{} problems:\n- {}",
        failures.len(),
        failures.join("\n- ")
    );
}

/// The lines of `text` that contain `part`.
fn grep(text: &str, part: &str) -> String {
    text.lines()
        .filter(|l| l.contains(part))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn hostile_queries() {
    let started = Instant::now();
    let env = Env::seed();
    let (run, _) = run_env(&env, &["index"], 120);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let long_words = "OTAN Russie ".repeat(5000 / 12 + 1);
    let long_words = &long_words[..5000];
    let long_nomatch = format!("\"{}", "zqxw ".repeat(2000));
    let long_nomatch = &long_nomatch[..10_000];
    let title = "Relations Russie-Otan très tendues : que se passe-t-il";
    let cases: Vec<Vec<&str>> = vec![
        vec!["\""],
        vec!["(((("],
        vec!["*"],
        vec!["title:"],
        vec!["\u{2028}"],
        vec![long_words],
        vec![long_nomatch],
        vec!["-"],
        vec!["lang:xx"],
        vec!["-OTAN"],
        vec!["search", "--", "-OTAN"],
        vec!["le la les"],
        vec![title],
        vec!["-n", "4000000000", "OTAN"],
        vec!["-n", "18446744073709551615", "OTAN"],
    ];
    let mut failures = Vec::new();
    for args in &cases {
        let (run, _) = run_env(&env, args, 60);
        let name = show_args(args);
        if let Some(c) = crash(&run) {
            failures.push(format!("{name}: {c}"));
            continue;
        }
        if !(0..=2).contains(&run.code) {
            failures.push(format!("{name}: exit {}", run.code));
        }
        let lines = run.stderr.lines().count();
        let longest = args.iter().map(|a| a.len()).max().unwrap_or(0);
        if lines > 3 || run.stderr.len() > longest + 300 {
            failures.push(format!(
                "{name}: stderr too long ({lines} lines, {} bytes; the query is {longest} bytes): {}",
                run.stderr.len(),
                shorten(run.stderr.trim(), 300)
            ));
        }
    }
    // Where the right answer is clear: the pasted title finds its article,
    // and a huge limit shows every hit (or is refused naming --limit).
    let (run, _) = run_env(&env, &["--json", title], 60);
    if run.code != 0 || !run.stdout.contains("tf1-2021-10-18") {
        failures.push(format!(
            "{title:?}: the TF1 article is not found (exit {}); stderr: {}",
            run.code,
            shorten(run.stderr.trim(), 300)
        ));
    }
    // An exclusion alone never finds the excluded word (all the passages
    // without it, or nothing); stop words alone find nothing.
    let (run, _) = run_env(&env, &["search", "--json", "-n", "1000", "--", "-OTAN"], 60);
    let with_otan = run
        .stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|h| field(h, "text").to_lowercase().contains("otan"))
        .count();
    if with_otan > 0 {
        failures.push(format!(
            "search -- -OTAN (exclusion only): exit {}, {with_otan} of {} hits contain OTAN, the excluded word; stderr: {}",
            run.code,
            run.stdout.lines().count(),
            shorten(run.stderr.trim(), 300)
        ));
    }
    let (run, _) = run_env(&env, &["--json", "le la les"], 60);
    if run.code != 1 || !run.stdout.trim().is_empty() {
        failures.push(format!(
            "\"le la les\" (stop words only): expected exit 1 and no hit; got exit {}, {} hits; stderr: {}",
            run.code,
            run.stdout.lines().count(),
            shorten(run.stderr.trim(), 300)
        ));
    }
    for n in ["4000000000", "18446744073709551615"] {
        let (run, _) = run_env(&env, &["-n", n, "OTAN"], 60);
        let ok = run.code == 0 || (run.code == 2 && run.stderr.contains("--limit"));
        if !ok {
            failures.push(format!(
                "-n {n} OTAN: expected all hits (exit 0) or an error naming --limit; got exit {}; stderr: {}",
                run.code,
                shorten(run.stderr.trim(), 300)
            ));
        }
    }
    report("hostile_queries", started, &failures);
}

/// Timings in `index` output ("(0.06 s)") made comparable.
fn normalise(stdout: &str) -> String {
    let re = regex::Regex::new(r"\(\d+(\.\d+)? s\)").unwrap();
    re.replace_all(stdout, "(T s)").into_owned()
}

#[test]
fn global_options_before_or_after_the_subcommand() {
    let started = Instant::now();
    let env = Env::seed();
    let elsewhere = env.dir.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    let corpus = env.corpus().to_str().unwrap().to_owned();
    let index = env.index().to_str().unwrap().to_owned();
    // Reference runs: corpus and index given by the environment.
    assert_eq!(env.run(&["index"]).code, 0);
    let hits = env.hits(&["Sotchi", "-n", "1"]);
    let id = hits[0]["id"].as_str().unwrap().to_owned();
    let quote = env.run(&["cite", &id]);
    assert_eq!(quote.code, 0, "{}", quote.stderr);
    let notes = env.dir.path().join("notes.md");
    std::fs::write(&notes, format!("# Notes\n\n{}\n", quote.stdout.trim())).unwrap();
    let notes = notes.to_str().unwrap().to_owned();

    let commands: Vec<(&str, Vec<&str>)> = vec![
        ("status", vec!["status"]),
        ("index", vec!["index"]),
        ("check NOTES", vec!["check", &notes]),
        ("cite ID", vec!["cite", &id]),
        ("show ID", vec!["show", &id]),
        ("search Q", vec!["search", "Sotchi"]),
        ("bib", vec!["bib"]),
        ("bare query", vec!["Sotchi"]),
    ];
    let dirs = ["--corpus", corpus.as_str(), "--index", index.as_str()];
    let mut failures = Vec::new();
    for (name, sub) in &commands {
        // Reference: the environment variables, in the scratch directory.
        let (reference, _) = run_env(&env, sub, 60);
        if reference.code != 0 {
            failures.push(format!(
                "{name} (reference, NREL_CORPUS/NREL_INDEX): exit {}; stderr: {}",
                reference.code,
                shorten(reference.stderr.trim(), 300)
            ));
        }
        let before: Vec<&str> = dirs.iter().chain(sub.iter()).copied().collect();
        let after: Vec<&str> = sub.iter().chain(dirs.iter()).copied().collect();
        let split: Vec<&str> = dirs[..2]
            .iter()
            .chain(sub.iter())
            .chain(dirs[2..].iter())
            .copied()
            .collect();
        for (placement, args) in [("before", &before), ("after", &after), ("split", &split)] {
            // No environment variables, in a directory without corpus/ or
            // index/: only the options can point at them.
            let mut cmd = env.cmd();
            cmd.env_remove("NREL_CORPUS")
                .env_remove("NREL_INDEX")
                .current_dir(&elsewhere);
            let (run, time) = run_limited(cmd, args, Duration::from_secs(60));
            eprintln!(
                "  [{:>7.2} s] exit {:>3}  {}",
                time.as_secs_f64(),
                run.code,
                show_args(args)
            );
            if let Some(c) = crash(&run) {
                failures.push(format!("{name}, options {placement}: {c}"));
                continue;
            }
            if run.code != reference.code || normalise(&run.stdout) != normalise(&reference.stdout)
            {
                failures.push(format!(
                    "{name}, options {placement} the subcommand: exit {} (reference {}), stdout {} the reference; stderr: {}",
                    run.code,
                    reference.code,
                    if normalise(&run.stdout) == normalise(&reference.stdout) {
                        "same as"
                    } else {
                        "differs from"
                    },
                    shorten(run.stderr.trim(), 300)
                ));
            }
        }
    }
    report(
        "global_options_before_or_after_the_subcommand",
        started,
        &failures,
    );
}

/// Says how long a sweep took, and fails with every problem it found.
fn report(name: &str, started: Instant, failures: &[String]) {
    eprintln!("{name}: {:.1} s in all", started.elapsed().as_secs_f64());
    assert!(
        failures.is_empty(),
        "{} problems:\n- {}",
        failures.len(),
        failures.join("\n- ")
    );
}
