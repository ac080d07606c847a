//! How long an author waits in `tandem serve` on a 10,000-entry site.
//!
//! Two figures, each the median (and spread) of 20 edits of 20 different
//! events:
//!
//! - **end to end**: from the edited file being written and closed to a
//!   GET of the event's page returning the new text, through the real
//!   `tandem serve` (file watcher and its debounce included);
//! - **rebuild alone**: [`Engine::apply`] in this process, without the
//!   watcher (the edited entry's own pages), and [`Engine::finish`] (the
//!   related pages and listings, then the feeds; requests for those wait
//!   meanwhile) separately.
//!
//! Both for a body edit (the common case) and for a title edit (which
//! changes listings and the related entries' pages too; for it, the end to
//! end time until the event's project page shows the new title is
//! measured as well).
//!
//! Run it with a release build:
//!
//! ```text
//! cargo test --release --bench serve_latency -- --ignored --nocapture
//! ```
//!
//! The site is `TANDEM_BENCH_SITE`, else `/dev/shm/tandem-bench-10k`, made
//! with `../shared/bench/gen-site --format tandem --pages 10000` when
//! missing (about 15 s). Edited files are restored afterwards.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tandem::config::Overrides;
use tandem::serve::incremental::Engine;

const EDITS: usize = 20;

fn site() -> PathBuf {
    let dir = std::env::var("TANDEM_BENCH_SITE")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from("/dev/shm/tandem-bench-10k"));
    if !dir.join("site.yaml").is_file() {
        let gen_site = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/gen-site");
        eprintln!("generating {} with {} …", dir.display(), gen_site.display());
        let ok = Command::new(&gen_site)
            .args(["--format", "tandem", "--pages", "10000", "--force"])
            .arg(&dir)
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "could not run {}", gen_site.display());
    }
    dir
}

/// Twenty events spread over the site, by file name.
fn events(root: &Path) -> Vec<PathBuf> {
    let mut all: Vec<PathBuf> = std::fs::read_dir(root.join("content/events"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().is_some_and(|n| n != "_index.md"))
        .collect();
    all.sort();
    let step = (all.len() / EDITS).max(1);
    all.into_iter().step_by(step).take(EDITS).collect()
}

fn page_of(event: &Path) -> String {
    let id = event.file_stem().unwrap().to_string_lossy();
    format!("/events/{id}/")
}

/// Restores the edited files when dropped, even after a failure.
struct Restore(Vec<(PathBuf, Vec<u8>)>);

impl Drop for Restore {
    fn drop(&mut self) {
        for (p, b) in &self.0 {
            let _ = std::fs::write(p, b);
        }
    }
}

#[derive(Clone, Copy)]
enum Edit {
    Body,
    Title,
}

/// The new text of `event` for edit number `n`, and the marker that shows
/// on its page once rebuilt.
fn edited(original: &str, edit: Edit, n: usize) -> (String, String) {
    match edit {
        Edit::Body => {
            let marker = format!("Messpunkt {n} im Text");
            (format!("{original}\n{marker}.\n"), marker)
        }
        Edit::Title => {
            let marker = format!("Messtitel {n}");
            let text: Vec<String> = original
                .lines()
                .enumerate()
                .map(|(i, l)| {
                    // The first `title:` line is the entry's (line 2).
                    if i < 3 && l.starts_with("title: ") {
                        format!("title: \"{marker}\"")
                    } else {
                        l.to_string()
                    }
                })
                .collect();
            (text.join("\n") + "\n", marker)
        }
    }
}

fn stats(name: &str, mut ms: Vec<f64>) -> f64 {
    ms.sort_by(|a, b| a.total_cmp(b));
    let median = (ms[(ms.len() - 1) / 2] + ms[ms.len() / 2]) / 2.0;
    println!(
        "{name:<44} median {median:>7.1} ms   min {:>7.1}   p90 {:>7.1}   max {:>7.1}   (n={})",
        ms[0],
        ms[(ms.len() * 9 / 10).min(ms.len() - 1)],
        ms[ms.len() - 1],
        ms.len()
    );
    median
}

#[test]
#[ignore = "a benchmark: cargo test --release --bench serve_latency -- --ignored --nocapture"]
fn serve_latency() {
    let root = site();
    let events = events(&root);
    let _restore = Restore(
        events
            .iter()
            .map(|p| (p.clone(), std::fs::read(p).unwrap()))
            .collect(),
    );
    let originals: Vec<String> = events
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    if cfg!(debug_assertions) {
        println!("warning: a debug build; measure with --release");
    }

    // Rebuild alone, in this process.
    let started = Instant::now();
    let mut engine = Engine::new(&root, Overrides::default());
    let first = engine.full();
    println!(
        "full build of {} files: {:.0} ms ({} errors)",
        engine.files().len(),
        started.elapsed().as_secs_f64() * 1000.0,
        first.errors
    );
    assert_eq!(first.errors, 0, "the benchmark site has errors");
    for edit in [Edit::Body, Edit::Title] {
        let mut pages = Vec::new();
        let mut feeds = Vec::new();
        for (n, (path, original)) in events.iter().zip(&originals).enumerate() {
            let (text, marker) = edited(original, edit, n);
            std::fs::write(path, &text).unwrap();
            let t = Instant::now();
            let report = engine.apply(std::slice::from_ref(path));
            pages.push(t.elapsed().as_secs_f64() * 1000.0);
            let t = Instant::now();
            engine.finish();
            feeds.push(t.elapsed().as_secs_f64() * 1000.0);
            assert!(!report.full, "fell back to a full rebuild");
            let page = format!("{}index.html", &page_of(path)[1..]);
            let errors: Vec<String> = engine
                .diagnostics()
                .iter()
                .filter(|d| d.is_error())
                .map(|d| d.render(false))
                .collect();
            assert!(errors.is_empty(), "{errors:?}");
            let html = engine
                .files()
                .get(&page)
                .map(|f| String::from_utf8_lossy(&f.bytes).to_string())
                .unwrap_or_default();
            assert!(html.contains(&marker), "{page} lacks the edit");
            std::fs::write(path, original).unwrap();
            engine.apply(std::slice::from_ref(path));
            engine.finish();
        }
        let what = match edit {
            Edit::Body => "body",
            Edit::Title => "title",
        };
        stats(&format!("rebuild alone, {what} edit: own page"), pages);
        stats(&format!("rebuild alone, {what} edit: then the rest"), feeds);
    }
    drop(engine);

    // End to end, through the real server and its file watcher.
    let mut child = Command::new(env!("CARGO_BIN_EXE_tandem"))
        .args(["serve", "--port", "0", "--root"])
        .arg(&root)
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let stderr = child.stderr.take().unwrap();
    let _child = Kill(child);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let host = loop {
        let line = rx
            .recv_timeout(Duration::from_secs(600))
            .expect("serve did not start");
        if let Some(at) = line.find("serving http://") {
            let rest = &line[at + "serving http://".len()..];
            break rest.split('/').next().unwrap().to_string();
        }
    };
    for edit in [Edit::Body, Edit::Title] {
        let mut e2e = Vec::new();
        let mut related = Vec::new();
        for (n, (path, original)) in events.iter().zip(&originals).enumerate() {
            let (text, marker) = edited(original, edit, n + 100);
            let page = page_of(path);
            std::fs::write(path, &text).unwrap();
            let written = Instant::now();
            loop {
                if get(&host, &page).contains(&marker) {
                    break;
                }
                assert!(
                    written.elapsed() < Duration::from_secs(30),
                    "{page} never updated"
                );
                std::thread::sleep(Duration::from_micros(500));
            }
            e2e.push(written.elapsed().as_secs_f64() * 1000.0);
            if let (Edit::Title, Some(project)) = (edit, project_of(original)) {
                // Fresh when answered: a request for a page still being
                // remade waits for it.
                let page = format!("/projects/{project}/");
                assert!(get(&host, &page).contains(&marker), "{page} is stale");
                related.push(written.elapsed().as_secs_f64() * 1000.0);
            }
            // Let the feeds follow and the next edit start from quiet.
            std::thread::sleep(Duration::from_millis(300));
            std::fs::write(path, original).unwrap();
            std::thread::sleep(Duration::from_millis(300));
        }
        let what = match edit {
            Edit::Body => "body",
            Edit::Title => "title",
        };
        stats(&format!("end to end (write → GET), {what} edit"), e2e);
        if !related.is_empty() {
            stats("end to end, title edit: then its project page", related);
        }
    }
    let log: Vec<String> = rx.try_iter().collect();
    if let Some(last) = log.iter().rev().find(|l| l.contains("rebuilt in")) {
        println!("server's last report: {last}");
    }
}

/// The project an event belongs to, from its front matter.
fn project_of(text: &str) -> Option<String> {
    let front = text.split("\n---").next().unwrap_or("");
    front
        .lines()
        .find_map(|l| l.strip_prefix("project: "))
        .map(|p| p.trim().to_string())
}

fn get(host: &str, path: &str) -> String {
    let Ok(mut s) = TcpStream::connect(host) else {
        return String::new();
    };
    let _ = write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    );
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    String::from_utf8_lossy(&out).to_string()
}
