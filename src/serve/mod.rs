//! `tandem serve`: live preview with incremental rebuilds.
//!
//! The site is built into memory and served from there by tiny_http;
//! `build` stays what writes to disk (swapping a 20,000-file folder on
//! every keystroke could not be fast on a slow disk). A watcher reports
//! changed files, [`incremental::Engine`] redoes what depends on them, and
//! open pages reload through a long poll (`/__tandem/wait`). A change that
//! breaks the site leaves the last good site served; its errors show on
//! the terminal and over the page, until a fix clears them.
//!
//! The site is served under the path part of its `base_url`, with the
//! host part replaced by the server's own address (as Zola does), so that
//! links work exactly as they will when published while absolute URLs
//! (feeds, canonical links) point at the preview. See `docs/serve.md`.

pub mod http;
pub mod incremental;
pub mod watch;

use crate::config::{Config, Overrides};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::error::Error;
use http::Shared;
use incremental::{Bytes, Engine, Publish, Report};
use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::sync::Arc;

/// Threads answering ordinary requests (long polls get their own).
const WORKERS: usize = 4;

/// Runs the preview server; it returns only when it cannot start. The
/// caller decides how the process ends (the command line ends it on
/// Ctrl-C). `now` fixes "now" as [`Overrides::now`] does.
pub fn serve(
    root: &Path,
    bind: &str,
    port: u16,
    drafts: bool,
    now: Option<chrono::DateTime<chrono::Utc>>,
) -> Result<(), Error> {
    if !root.join(crate::config::CONFIG_FILE).is_file() {
        return Err(Error::Usage(format!(
            "{} is not a tandem site: there is no `{}` (use --root DIR)",
            root.display(),
            crate::config::CONFIG_FILE
        )));
    }
    let ip: IpAddr = match bind.trim_matches(|c| c == '[' || c == ']').parse() {
        Ok(ip) => ip,
        Err(_) => {
            return Err(Error::Usage(format!(
                "--bind wants an IP address such as 127.0.0.1 or ::1, found `{bind}`"
            )));
        }
    };
    let server = match tiny_http::Server::http(SocketAddr::new(ip, port)) {
        Ok(s) => Arc::new(s),
        Err(source) => {
            return Err(Error::Listen {
                addr: SocketAddr::new(ip, port),
                source,
            });
        }
    };
    let addr = server
        .server_addr()
        .to_ip()
        .unwrap_or_else(|| SocketAddr::new(ip, port));
    if !ip.is_loopback() {
        crate::to_stderr!(
            "warning: listening on {addr}: other machines on the network can see the preview{}",
            if drafts { ", drafts included" } else { "" }
        );
    }
    let host = if ip.is_unspecified() {
        "localhost".to_string()
    } else if ip.is_ipv6() {
        format!("[{ip}]")
    } else {
        ip.to_string()
    };
    let origin = format!("http://{host}:{}", addr.port());

    let mut engine = Engine::for_serve(root, drafts, now, &origin);
    let base_path = base_path_of(root, drafts, now);
    let shared = Arc::new(Shared::new(base_path.clone()));
    // Distinct per run, so that a page left open across a restart reloads.
    let epoch = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0);
    shared.update(|s| {
        s.version = epoch;
        s.site_version = epoch;
    });

    // Answer requests while the first build runs: they see "no site yet".
    for _ in 0..WORKERS {
        let server = server.clone();
        let shared = shared.clone();
        std::thread::spawn(move || worker(&server, &shared));
    }

    // Watch before building: a change saved during the first build is
    // then rebuilt after it instead of being missed.
    let (tx, rx) = std::sync::mpsc::channel();
    let mut watcher = match watch::SiteWatcher::new(root, tx) {
        Ok(w) => w,
        Err(e) => return Err(Error::Watch(e)),
    };
    crate::to_stderr!("building {} …", root.display());
    let report = engine.full();
    print_full(&engine, &report, true);
    publish(&mut engine, &shared, Phase::First);
    crate::to_stderr!(
        "serving {origin}{} (Ctrl-C to stop)",
        engine.base_path().unwrap_or(base_path)
    );
    {
        let shared = shared.clone();
        std::thread::spawn(move || {
            while let Some((paths, failure)) = watch::next_batch(&rx) {
                let report = match failure {
                    Some(e) => {
                        crate::to_stderr!(
                            "warning: the file watcher reported `{e}`: rebuilding everything"
                        );
                        engine.full()
                    }
                    None => engine.apply(&paths),
                };
                if report.full {
                    watcher.refresh();
                    print_full(&engine, &report, false);
                } else if report.idle {
                    continue;
                } else {
                    print_incremental(&engine, &report);
                }
                // The changed pages first, so that the page being edited
                // reloads at once; the other pages and the feeds follow.
                // Requests for those wait until they are fresh (they are
                // marked pending before anything changes).
                let good = !engine.has_errors() && engine.base_path().is_some();
                if good {
                    let pending = engine.pending();
                    shared.update(|s| s.pending = pending.into_iter().collect());
                }
                let (_, before) = publish(&mut engine, &shared, Phase::Pages);
                let pages = engine.finish_pages();
                if good && engine.has_errors() {
                    // A later page failed (a template choking on the new
                    // data): take the first pages back, show the errors.
                    rollback(&shared, &before);
                    engine.retouch(before.into_iter().map(|(p, _)| p));
                    print_incremental(&engine, &report);
                    publish(&mut engine, &shared, Phase::Pages);
                }
                publish(&mut engine, &shared, Phase::Rest);
                let feeds = engine.finish_feeds();
                publish(&mut engine, &shared, Phase::Rest);
                if pages.candidates > 0 || feeds.files > 0 {
                    crate::to_stderr!(
                        "  then {} of {} related pages in {:.1} ms, {} feed files in {:.1} ms",
                        pages.rendered,
                        pages.candidates,
                        pages.millis,
                        feeds.files,
                        feeds.millis
                    );
                }
            }
        });
    }

    // Serve until the process ends (the command line ends it on Ctrl-C
    // or SIGTERM).
    loop {
        std::thread::park();
    }
}

fn worker(server: &tiny_http::Server, shared: &Arc<Shared>) {
    loop {
        let req = match server.recv() {
            Ok(r) => r,
            Err(_) => return,
        };
        if http::is_long(&req) {
            let shared = shared.clone();
            std::thread::spawn(move || http::handle(&shared, req));
        } else {
            http::handle(shared, req);
        }
    }
}

/// The path part of the site's address, read before the first build so
/// that the server can answer while it runs.
fn base_path_of(root: &Path, drafts: bool, now: Option<chrono::DateTime<chrono::Utc>>) -> String {
    let overrides = Overrides {
        base_url: None,
        drafts,
        now,
        image_cache: None,
    };
    Config::load(root, &overrides, &mut Diagnostics::new())
        .map(|c| c.base_path)
        .unwrap_or_else(|| "/".to_string())
}

#[derive(Clone, Copy, PartialEq)]
enum Phase {
    /// The first build.
    First,
    /// The pages of a rebuild: open pages learn about it.
    Pages,
    /// The related pages or the feeds after them: requests waiting for
    /// those go on; open pages are not told (they reloaded already).
    Rest,
}

/// The files before a publication: what [`rollback`] puts back.
type Before = Vec<(String, Option<Bytes>)>;

/// Hands the engine's changes to the server when the site has no errors,
/// and tells waiting pages about the rebuild either way. Returns whether
/// the site is good, and what the changed paths held before.
fn publish(engine: &mut Engine, shared: &Shared, phase: Phase) -> (bool, Before) {
    let ok = !engine.has_errors() && engine.base_path().is_some();
    let errors: Vec<String> = engine
        .diagnostics()
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.render(false).trim_end().to_string())
        .collect();
    let mut published = false;
    let mut before: Before = Vec::new();
    if ok {
        let change = engine.take_publish();
        let mut files = match shared.files.write() {
            Ok(f) => f,
            Err(p) => p.into_inner(),
        };
        match change {
            Publish::All(all) => {
                *files = all;
                published = true;
            }
            Publish::Diff(diff) => {
                published = !diff.is_empty();
                for (path, bytes) in diff {
                    let old = match bytes {
                        Some(b) => files.insert(path.clone(), b),
                        None => files.remove(&path),
                    };
                    before.push((path, old));
                }
            }
        }
    }
    let base_path = engine.base_path();
    // What is still to come after this publication.
    let pending = if ok { engine.pending() } else { Vec::new() };
    shared.update(|s| {
        if phase == Phase::Rest {
            s.pending = pending.into_iter().collect();
            return;
        }
        s.version += 1;
        s.ok = ok;
        s.errors = errors;
        if ok {
            s.has_site = true;
            if published || phase == Phase::First {
                s.site_version += 1;
            }
        }
        if let Some(b) = base_path {
            s.base_path = b;
        }
    });
    (ok, before)
}

/// Puts back what a publication replaced.
fn rollback(shared: &Shared, before: &Before) {
    let mut files = match shared.files.write() {
        Ok(f) => f,
        Err(p) => p.into_inner(),
    };
    for (path, old) in before {
        match old {
            Some(b) => {
                files.insert(path.clone(), b.clone());
            }
            None => {
                files.remove(path);
            }
        }
    }
}

fn print_diags<'a>(diags: impl Iterator<Item = &'a Diagnostic>) {
    let color = crate::diagnostics::use_color();
    let mut out = String::new();
    for d in diags {
        out.push_str(&d.render(color));
    }
    crate::diagnostics::write_stderr(&out);
}

/// After a full build: every finding the first time (as `check` prints
/// them), then only the errors (the warnings were shown, and a theme
/// author saving a template would drown in them on a big site).
fn print_full(engine: &Engine, report: &Report, first: bool) {
    print_diags(
        engine
            .diagnostics()
            .iter()
            .filter(|d| first || d.is_error()),
    );
    if report.errors > 0 {
        crate::to_stderr!(
            "build failed: {} error(s), {} warning(s) in {:.0} ms; {}",
            report.errors,
            report.warnings,
            report.millis,
            if first {
                "nothing to serve until they are fixed"
            } else {
                "the last good site stays served"
            }
        );
    } else {
        crate::to_stderr!(
            "built {} files in {:.0} ms ({} warning(s))",
            engine.files().len(),
            report.millis,
            report.warnings
        );
    }
}

/// After an incremental rebuild: every error, and the warnings of the
/// files just changed (the others were shown before).
fn print_incremental(engine: &Engine, report: &Report) {
    print_diags(
        engine
            .diagnostics()
            .iter()
            .filter(|d| d.is_error() || report.sources.contains(&d.path)),
    );
    let what = match report.sources.as_slice() {
        [] => "static files".to_string(),
        [one] => one.clone(),
        many => format!("{} files", many.len()),
    };
    if report.errors > 0 {
        crate::to_stderr!(
            "{what}: {} error(s); the last good site stays served",
            report.errors
        );
    } else {
        crate::to_stderr!(
            "{what}: rebuilt in {:.1} ms, {} of {} candidate pages rendered",
            report.millis,
            report.rendered,
            report.candidates
        );
    }
}
