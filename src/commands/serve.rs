//! `nrel-search serve`: the page and the JSON API on a local port, the
//! index kept open and in step by a file watcher inside the server.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{anyhow, Result};

use nrel_search::serve::{self, Freshness, Service};
use nrel_search::Warning;

use super::search::translator;
use super::watch::Keeper;
use crate::cli::{Dirs, ServeArgs};
use crate::messages::{warn, warn_all};

/// Quiet awaited after a change before the index is updated.
const DEBOUNCE: Duration = Duration::from_millis(300);

pub fn run(dirs: &Dirs, args: ServeArgs) -> Result<ExitCode> {
    let server = serve::bind(SocketAddr::new(args.bind, args.port)).map_err(|e| anyhow!(e))?;
    let (keeper, index, report) = Keeper::start(dirs)?;
    warn_all(&report.skips);
    warn_all(&report.warnings);
    let (owned_dirs, dict, no_translate) = (
        dirs.clone(),
        args.translation.dict.clone(),
        args.translation.no_translate,
    );
    let translate = move |index: &_| (!no_translate).then(|| translator(&owned_dirs, &dict, index));
    let translator = translate(&index);
    let mut service = Service::new(index, translator);
    service.model = super::installed_model();
    if !args.bind.is_loopback() {
        warn(&Warning::general(format!(
            "listening on {}: the corpus becomes readable by others who can reach this address",
            args.bind
        )));
        if !args.bind.is_unspecified() {
            service.allowed_hosts.push(args.bind.to_string());
        }
    }
    service
        .allowed_hosts
        .extend(args.allow_host.iter().cloned());
    let service = Arc::new(service);
    // Bound to every address: the page is opened at the loopback one.
    let port = server.server_addr().to_ip().map_or(args.port, |a| a.port());
    let shown = if args.bind.is_unspecified() {
        std::net::IpAddr::from([127, 0, 0, 1])
    } else {
        args.bind
    };
    let addr = SocketAddr::new(shown, port).to_string();
    println!(
        "serving {} ({} documents, {} passages) at http://{addr}/ ; Ctrl-C to stop",
        dirs.corpus.display(),
        report.documents,
        report.passages
    );
    use std::io::Write;
    std::io::stdout().flush()?;
    if args.open {
        let url = format!("http://{addr}/");
        if std::process::Command::new("xdg-open")
            .arg(&url)
            .spawn()
            .is_err()
        {
            warn(&Warning::general(format!(
                "could not open a browser: open {url}"
            )));
        }
    }
    // The file watcher keeps the open index in step; requests read the
    // last commit and say whether a change is being indexed.
    let kept = service.clone();
    std::thread::spawn(move || loop {
        match keeper.next(DEBOUNCE, || kept.set_freshness(Freshness::Refreshing)) {
            Ok(Ok((index, report))) => {
                warn_all(&report.skips);
                warn_all(&report.warnings);
                let translator = translate(&index);
                kept.replace(index, translator);
                kept.set_freshness(Freshness::Fresh);
            }
            Ok(Err(e)) => {
                eprintln!("nrel-search: error: {e}");
                kept.set_freshness(Freshness::Stale);
            }
            Err(e) => {
                eprintln!("nrel-search: error: {e}; the index is no longer kept in step");
                kept.set_freshness(Freshness::Stale);
                return;
            }
        }
    });
    serve::run(service, server);
    Ok(ExitCode::SUCCESS)
}
