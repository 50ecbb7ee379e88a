//! What each command does: turn the arguments into library calls, print
//! the results, choose the exit status.

use std::io::{self, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};

use nrel_search::document::Passage;
use nrel_search::index::{self, IndexState, Opened, SearchIndex, UpdateOptions, UpdateReport};
use nrel_search::notes::{self, Status};
use nrel_search::output::{self, cite, Color};
use nrel_search::search::{self, SearchOptions};
use nrel_search::{corpus::SourceMeta, Error, Warning};

use crate::cli::{
    BibArgs, BibFormat, CheckArgs, CiteArgs, CiteFormat, Cli, ColorChoice, Command, Dirs,
    IndexArgs, SearchArgs, ShowArgs, WatchArgs,
};

/// Exit status when something was found / all is well.
const FOUND: u8 = 0;
/// Exit status when nothing was found / something is not right.
const NOT_FOUND: u8 = 1;

/// Parses the command line and runs the command.
pub fn run() -> Result<ExitCode> {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return Ok(clap_error(e)),
    };
    let dirs = cli.dirs;
    match cli.command {
        None => run_search(&dirs, cli.search),
        Some(Command::Search(args)) => run_search(&dirs, args),
        Some(Command::Index(args)) => run_index(&dirs, args),
        Some(Command::Status) => run_status(&dirs),
        Some(Command::Show(args)) => run_show(&dirs, args),
        Some(Command::Watch(args)) => run_watch(&dirs, args),
        Some(Command::Cite(args)) => run_cite(&dirs, args),
        Some(Command::Bib(args)) => run_bib(&dirs, args),
        Some(Command::Check(args)) => run_check(&dirs, args),
    }
}

/// Help and version go to stdout; a usage error is one line on stderr.
fn clap_error(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            ExitCode::SUCCESS
        }
        _ => {
            // clap's first line, with the argument it names when that is
            // on the next line ("…were not provided:\n  <ID>").
            let rendered = e.render().to_string();
            let mut lines = rendered.lines().map(str::trim).filter(|l| !l.is_empty());
            let mut first = lines
                .next()
                .unwrap_or("invalid arguments")
                .trim_start_matches("error: ")
                .to_owned();
            if first.ends_with(':') {
                if let Some(next) = lines.next() {
                    first = format!("{first} {next}");
                }
            }
            eprintln!("nrel-search: error: {first} (see nrel-search --help)");
            ExitCode::from(2)
        }
    }
}

fn warn(w: &Warning) {
    eprintln!("nrel-search: warning: {w}");
}

fn warn_all(warnings: &[Warning]) {
    warnings.iter().for_each(warn);
}

fn note(message: impl std::fmt::Display) {
    eprintln!("nrel-search: {message}");
}

/// A progress bar on a terminal (nothing when stderr is piped), and a
/// message said once the update has really started.
struct Bar {
    bar: Option<ProgressBar>,
    announce: Option<String>,
}

impl Bar {
    fn new() -> Bar {
        let bar = io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::hidden();
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} analysing {pos}/{len} files {wide_bar} {eta}",
                )
                .expect("valid template"),
            );
            bar
        });
        Bar {
            bar,
            announce: None,
        }
    }

    fn announcing(message: String) -> Bar {
        Bar {
            announce: Some(message),
            ..Bar::new()
        }
    }
}

impl index::Progress for Bar {
    fn begin(&self, total: u64) {
        if let Some(message) = &self.announce {
            note(message);
        }
        if let Some(bar) = &self.bar {
            if total >= 20 {
                bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            }
            bar.set_length(total);
        }
    }
    fn advance(&self) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }
    fn end(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

fn update(dirs: &Dirs, options: &UpdateOptions, bar: &Bar) -> Result<(SearchIndex, UpdateReport)> {
    let (index, report) = index::update(&dirs.corpus, &dirs.index, options, bar)?;
    warn_all(&report.warnings);
    Ok((index, report))
}

/// Opens the index for reading, building it on first use and refreshing it
/// when the corpus changed (unless `no_refresh`).
fn open_fresh(dirs: &Dirs, no_refresh: bool) -> Result<SearchIndex> {
    let opened = SearchIndex::open(&dirs.index)?;
    let index = match opened {
        Opened::Missing | Opened::Incompatible(_) => {
            let announce = match opened {
                Opened::Incompatible(reason) => {
                    format!("rebuilding the index in {}: {reason}", dirs.index.display())
                }
                _ => format!("building the index in {} (first use)", dirs.index.display()),
            };
            let (index, report) =
                update(dirs, &UpdateOptions::default(), &Bar::announcing(announce))?;
            note(format_args!(
                "indexed {} documents, {} passages ({:.2} s)",
                report.documents,
                report.passages,
                report.elapsed.as_secs_f64()
            ));
            return Ok(index);
        }
        Opened::Ready(index) => *index,
    };
    let empty = IndexState::default();
    let state = index.state().unwrap_or(&empty);
    let mut warnings = Vec::new();
    let plan = index::plan(&dirs.corpus, state, &mut warnings)?;
    if plan.is_empty() && !plan.touched(state) {
        warn_all(&warnings);
        return Ok(index);
    }
    if no_refresh {
        warn_all(&warnings);
        if !plan.is_empty() {
            warn(&Warning::general(format!(
                "the index is stale ({}); answering from it as it is (run `nrel-search index`)",
                plan.summary()
            )));
        }
        return Ok(index);
    }
    // The update plans again, under the index lock: another process may
    // have brought the index up to date since this check.
    let options = UpdateOptions {
        wait: None,
        ..UpdateOptions::default()
    };
    match index::update(&dirs.corpus, &dirs.index, &options, &Bar::new()) {
        Ok((fresh, report)) => {
            warn_all(&report.warnings);
            if report.changed_anything() {
                note(format_args!("index refreshed: {}", report.summary()));
            }
            Ok(fresh)
        }
        Err(Error::IndexBusy(_)) => {
            warn_all(&warnings);
            warn(&Warning::general(
                "another nrel-search process is updating the index; answering from its last commit",
            ));
            Ok(index)
        }
        Err(e) => Err(e.into()),
    }
}

fn run_search(dirs: &Dirs, args: SearchArgs) -> Result<ExitCode> {
    let query = args.query.join(" ");
    if query.trim().is_empty() {
        bail!("no query given (try: nrel-search \"Conseil OTAN-Russie\", or nrel-search --help)");
    }
    if args.limit == 0 {
        bail!("invalid value for --limit: it must be at least 1");
    }
    if let (Some(since), Some(until)) = (args.since, args.until) {
        if since.first_day() > until.last_day() {
            bail!("--since {since} is after --until {until}");
        }
    }
    let index = open_fresh(dirs, args.no_refresh)?;
    if let Some(doc) = &args.doc {
        let known = index
            .state()
            .is_some_and(|s| s.files.iter().any(|(path, f)| path == doc || f.key == *doc));
        if !known {
            return Err(Error::InvalidArgument {
                arg: "--doc",
                message: format!("no document has the key or path '{doc}'"),
            }
            .into());
        }
    }
    let options = SearchOptions {
        query,
        limit: args.limit,
        lang: args.lang,
        since: args.since,
        until: args.until,
        doc: args.doc,
        source: args.source,
    };
    let results = search::search(&index, &options)?;
    warn_all(&results.warnings);
    let stdout = io::stdout();
    let mut out = stdout.lock();
    if args.json {
        output::json::print_hits(&mut out, &results.hits)?;
    } else if let Some(format) = args.cite {
        print_citations(
            &mut out,
            results.hits.iter().map(|h| (&h.passage, &h.meta)),
            format,
            Some(&options.query),
        )?;
    } else if results.hits.is_empty() {
        note(format_args!("no passage matches '{}'", options.query));
    } else {
        let color = match args.color {
            ColorChoice::Auto => Color::auto(),
            ColorChoice::Always => Color::Always,
            ColorChoice::Never => Color::Never,
        };
        output::terminal::print_hits(&mut out, &results.hits, &dirs.corpus, color)?;
    }
    out.flush()?;
    Ok(ExitCode::from(if results.hits.is_empty() {
        NOT_FOUND
    } else {
        FOUND
    }))
}

fn run_index(dirs: &Dirs, args: IndexArgs) -> Result<ExitCode> {
    let options = UpdateOptions {
        full: args.full,
        ..UpdateOptions::default()
    };
    let (_, report) = update(dirs, &options, &Bar::new())?;
    let mut out = io::stdout().lock();
    if let Some(reason) = &report.rebuilt {
        writeln!(
            out,
            "rebuilt the index in {} ({reason})",
            dirs.index.display()
        )?;
    }
    writeln!(out, "{}", report.summary())?;
    writeln!(
        out,
        "{}: {} documents, {} passages (analysed this run: {} files, {} passages)",
        dirs.index.display(),
        report.documents,
        report.passages,
        report.analysed_files,
        report.analysed_passages
    )?;
    Ok(ExitCode::from(FOUND))
}

fn run_status(dirs: &Dirs) -> Result<ExitCode> {
    let index = match SearchIndex::open(&dirs.index)? {
        Opened::Ready(index) => index,
        Opened::Missing => {
            println!("no index in {} yet", dirs.index.display());
            return Ok(ExitCode::from(NOT_FOUND));
        }
        Opened::Incompatible(reason) => {
            println!(
                "the index in {} must be rebuilt: {reason}",
                dirs.index.display()
            );
            return Ok(ExitCode::from(NOT_FOUND));
        }
    };
    let empty = IndexState::default();
    let state = index.state().unwrap_or(&empty);
    let mut warnings = Vec::new();
    let plan = index::plan(&dirs.corpus, state, &mut warnings)?;
    warn_all(&warnings);
    if plan.is_empty() {
        println!(
            "index up to date: {} documents, {} passages",
            state.documents(),
            state.passages()
        );
        Ok(ExitCode::from(FOUND))
    } else {
        println!("index stale: {}", plan.summary());
        Ok(ExitCode::from(NOT_FOUND))
    }
}

fn run_show(dirs: &Dirs, args: ShowArgs) -> Result<ExitCode> {
    let index = open_fresh(dirs, false)?;
    let Some((passage, meta)) = index.passage(&args.id)? else {
        return Ok(report_missing_id(&index, &args.id));
    };
    let all = index.document_passages(&meta.key)?;
    let at = all
        .iter()
        .position(|(p, _)| p.id == passage.id)
        .unwrap_or(0);
    let from = at.saturating_sub(args.context);
    let to = (at + args.context + 1).min(all.len());
    let mut out = io::stdout().lock();
    if args.json {
        for (p, m) in &all[from..to] {
            serde_json::to_writer(
                &mut out,
                &serde_json::json!({
                    "id": p.id, "doc": m.key, "path": m.path, "title": m.title,
                    "source": m.publisher, "authors": m.authors,
                    "date": m.date.map(|d| d.to_string()), "url": m.url,
                    "lang": p.lang.code(), "section": p.section, "kind": p.kind,
                    "line_start": p.line_start, "line_end": p.line_end, "text": p.text,
                    "target": p.id == passage.id,
                }),
            )?;
            writeln!(out)?;
        }
        return Ok(ExitCode::from(FOUND));
    }
    writeln!(out, "{}", describe(&meta, &dirs.corpus))?;
    for (p, _) in &all[from..to] {
        let marker = if p.id == passage.id { ">" } else { " " };
        writeln!(
            out,
            "\n{marker} [{}] {}:{}-{} ({}, {}){}",
            p.id,
            meta.path,
            p.line_start,
            p.line_end,
            p.lang,
            p.kind,
            p.section
                .as_ref()
                .map(|s| format!(" § {s}"))
                .unwrap_or_default()
        )?;
        for line in p.text.lines() {
            writeln!(out, "  {line}")?;
        }
    }
    Ok(ExitCode::from(FOUND))
}

/// The message for an id the index does not have, with the closest current
/// passage when the id is a retired one.
fn report_missing_id(index: &SearchIndex, id: &str) -> ExitCode {
    let key = id.rsplit_once(':').map_or(id, |(k, _)| k);
    match index.successor(id) {
        Some(successor) => note(format_args!(
            "passage {id} no longer exists (its text changed); closest current passage: {successor}"
        )),
        None if index.has_document(key) => note(format_args!(
            "passage {id} does not exist in document {key} (its text changed before this index was built)"
        )),
        None => note(format_args!(
            "unknown passage id {id}: no document has the key '{key}'"
        )),
    }
    ExitCode::from(NOT_FOUND)
}

fn describe(meta: &SourceMeta, corpus: &Path) -> String {
    let mut parts = vec![meta.key.clone()];
    if !meta.authors.is_empty() {
        parts.push(meta.authors.join(", "));
    }
    if let Some(t) = &meta.title {
        parts.push(t.clone());
    }
    if let Some(p) = &meta.publisher {
        parts.push(p.clone());
    }
    if let Some(d) = meta.date {
        parts.push(d.to_string());
    }
    if let Some(u) = &meta.url {
        parts.push(u.clone());
    }
    format!(
        "{}\n{}",
        parts.join(" — "),
        corpus.join(&meta.path).display()
    )
}

fn run_watch(dirs: &Dirs, args: WatchArgs) -> Result<ExitCode> {
    use notify::{RecursiveMode, Watcher};
    if !dirs.corpus.is_dir() {
        return Err(Error::CorpusMissing(dirs.corpus.clone()).into());
    }
    // Watch first, so that no change made during the first update is missed.
    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let _ = tx.send(event);
    })
    .map_err(Error::from)?;
    watcher
        .watch(&dirs.corpus, RecursiveMode::Recursive)
        .map_err(Error::from)?;
    let (_, report) = update(dirs, &UpdateOptions::default(), &Bar::new())?;
    println!(
        "watching {} ({} documents, {} passages); Ctrl-C to stop",
        dirs.corpus.display(),
        report.documents,
        report.passages
    );
    io::stdout().flush()?;
    let debounce = Duration::from_millis(args.debounce);
    loop {
        // Wait for a first event, then for quiet.
        let first = rx.recv().context("the file watcher stopped")?;
        if let Err(e) = first {
            warn(&Warning::general(format!("watch: {e}")));
        }
        let mut last = Instant::now();
        while let Some(left) = debounce.checked_sub(last.elapsed()) {
            match rx.recv_timeout(left) {
                Ok(_) => last = Instant::now(),
                Err(mpsc::RecvTimeoutError::Timeout) => break,
                Err(mpsc::RecvTimeoutError::Disconnected) => bail!("the file watcher stopped"),
            }
        }
        match index::update(
            &dirs.corpus,
            &dirs.index,
            &UpdateOptions::default(),
            &index::NoProgress,
        ) {
            Ok((_, report)) => {
                warn_all(&report.warnings);
                if report.changed_anything() {
                    println!("index updated: {}", report.summary());
                    io::stdout().flush()?;
                }
            }
            Err(e) => eprintln!("nrel-search: error: {e}"),
        }
    }
}

fn print_citations<'a>(
    out: &mut dyn Write,
    items: impl Iterator<Item = (&'a Passage, &'a SourceMeta)>,
    format: CiteFormat,
    trim: Option<&str>,
) -> Result<()> {
    let items: Vec<_> = items.collect();
    match format {
        CiteFormat::Markdown | CiteFormat::Text => {
            let style = if format == CiteFormat::Markdown {
                cite::Style::Markdown
            } else {
                cite::Style::Text
            };
            for (i, (p, m)) in items.iter().enumerate() {
                if i > 0 {
                    writeln!(out)?;
                }
                write!(out, "{}", cite::quote(p, m, style, trim))?;
            }
        }
        CiteFormat::Bibtex => {
            let metas = unique_docs(items.iter().map(|(_, m)| *m));
            for (i, m) in metas.iter().enumerate() {
                if i > 0 {
                    writeln!(out)?;
                }
                write!(out, "{}", cite::bibtex(m))?;
            }
        }
        CiteFormat::CslJson => {
            let metas = unique_docs(items.iter().map(|(_, m)| *m));
            writeln!(out, "{}", cite::csl_json(&metas))?;
        }
    }
    Ok(())
}

fn unique_docs<'a>(metas: impl Iterator<Item = &'a SourceMeta>) -> Vec<&'a SourceMeta> {
    let mut seen = std::collections::HashSet::new();
    metas.filter(|m| seen.insert(m.key.clone())).collect()
}

fn run_cite(dirs: &Dirs, args: CiteArgs) -> Result<ExitCode> {
    let index = open_fresh(dirs, false)?;
    let mut found = Vec::new();
    let mut missing = false;
    for id in &args.ids {
        match index.passage(id)? {
            Some(pair) => found.push(pair),
            None => {
                report_missing_id(&index, id);
                missing = true;
            }
        }
    }
    let mut out = io::stdout().lock();
    print_citations(
        &mut out,
        found.iter().map(|(p, m)| (p, m)),
        args.format,
        args.trim.as_deref(),
    )?;
    Ok(ExitCode::from(if missing { NOT_FOUND } else { FOUND }))
}

fn run_bib(dirs: &Dirs, args: BibArgs) -> Result<ExitCode> {
    let index = open_fresh(dirs, false)?;
    let metas = index.documents()?;
    let mut out = io::stdout().lock();
    match args.format {
        BibFormat::CslJson => {
            writeln!(out, "{}", cite::csl_json(&metas.iter().collect::<Vec<_>>()))?
        }
        BibFormat::Bibtex => {
            for (i, m) in metas.iter().enumerate() {
                if i > 0 {
                    writeln!(out)?;
                }
                write!(out, "{}", cite::bibtex(m))?;
            }
        }
    }
    Ok(ExitCode::from(FOUND))
}

fn run_check(dirs: &Dirs, args: CheckArgs) -> Result<ExitCode> {
    let mut texts = Vec::with_capacity(args.notes.len());
    for path in &args.notes {
        texts.push(std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?);
    }
    let index = open_fresh(dirs, false)?;
    let mut out = io::stdout().lock();
    let mut all_ok = true;
    let mut total = 0;
    for (path, text) in args.notes.iter().zip(&texts) {
        for reference in notes::check(&index, text)? {
            total += 1;
            let place = format!("{}:{}", path.display(), reference.line);
            match &reference.status {
                Status::Ok => writeln!(out, "{place}: ok [nrel:{}]", reference.id)?,
                other => {
                    all_ok = false;
                    writeln!(out, "{place}: {}", notes::describe(&reference.id, other))?;
                }
            }
        }
    }
    if total == 0 {
        note("no [nrel:ID] reference found");
    }
    Ok(ExitCode::from(if all_ok { FOUND } else { NOT_FOUND }))
}
