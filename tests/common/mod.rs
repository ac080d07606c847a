//! A small builder of fixture sites for integration tests, in the manner of
//! `just`'s `Test::new()`: describe the files, run the real `tandem`
//! binary on them, and look at its exit status, output and diagnostics.
//!
//! ```ignore
//! mod common;
//! use common::Site;
//!
//! let site = Site::new()
//!     .file("content/events/x.md", "---\ntitle: X\nstat: 2022-03-19\n---\n");
//! let run = site.check();
//! run.assert_code(1);
//! run.diag(
//!     "content/events/x.md", 3, Some(1), "error",
//!     "unknown key `stat`: not a field of an event — did you mean `start`?",
//! );
//! ```
//!
//! A site starts empty ([`Site::empty`]), minimal ([`Site::new`]), as a
//! copy of a fixture folder ([`Site::copy_of`]), of the example site
//! ([`Site::example`]) or generated ([`Site::generated`]); it is built
//! into its own folder or a given one ([`Site::build_out`],
//! [`Site::build_into`]) and its pages are read back ([`Site::page`]).
//! Findings are compared whole ([`Run::diag`], [`Run::assert_findings`],
//! [`Run::findings_text`]), and [`select_all`] fails on a selector that
//! matches nothing. Tests read nothing outside the repository and their
//! temporary folders.
//!
//! Every site lives in its own temporary folder (removed when the `Site` is
//! dropped). Commands run with `SOURCE_DATE_EPOCH` set to [`EPOCH`] (so
//! "now" is fixed: 2026-11-18) and without `NO_COLOR`, unless a test sets
//! its own environment with [`Site::env`].
//!
//! Not every test binary uses every helper.
#![allow(dead_code)]

use scraper::{ElementRef, Html, Selector};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// "Now" for every command: 2026-11-18T11:06:40Z.
pub const EPOCH: &str = "1795000000";

/// The `site.yaml` of [`Site::new`]: with the least `legal:` block, so
/// that a fixture publishes an Impressum and is clean without it.
pub const SITE_YAML: &str = "\
title: Testnetz
base_url: https://example.org/
language: de
timezone: Europe/Berlin
legal:
  provider: Testverein
  address: Testweg 1, 00000 Teststadt
  email: test@example.org
";

/// The image cache the tests' commands share (see [`Site::command`]).
pub fn shared_image_cache() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("image-cache")
}

/// A site folder under construction.
pub struct Site {
    dir: tempfile::TempDir,
    root: PathBuf,
    env: Vec<(String, Option<String>)>,
}

impl Default for Site {
    fn default() -> Self {
        Site::new()
    }
}

impl Site {
    /// A minimal valid site: just [`SITE_YAML`] and an empty `content/`.
    pub fn new() -> Site {
        Site::empty().file("site.yaml", SITE_YAML).dir("content")
    }

    /// A site with `calendar` settings and `upcoming` events after
    /// [`EPOCH`] (2026-11-18) and `past` before it, one a week, in the
    /// network `netz`: `content/events/e000.md` is the soonest.
    pub fn weekly_events(calendar: &str, upcoming: u32, past: u32) -> Site {
        let yaml = format!(
            "title: Budget\nbase_url: https://example.org/\nlanguage: en\n\
             timezone: Europe/Berlin\nlegal:\n  provider: Test\n  address: Testweg 1\n  \
             email: test@example.org\ncalendar:\n{calendar}"
        );
        let mut fx = Site::new().file("site.yaml", &yaml);
        fx = fx.file(
            "content/networks/netz.md",
            "---\ntitle: Netz\n---\nEin Netz.\n",
        );
        let start = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        for k in 0..upcoming + past {
            // Past ones counted back from the week before EPOCH.
            let day = if k < upcoming {
                start + chrono::Days::new(7 * u64::from(k))
            } else {
                start - chrono::Days::new(7 * u64::from(k - upcoming + 3))
            };
            let text = format!(
                "---\ntitle: Termin {k}\nnetworks: [netz]\nlocation: Köln\n\
                 start: {day}T10:00\nend: {day}T12:00\n---\nText.\n"
            );
            fx = fx.file(&format!("content/events/e{k:03}.md"), &text);
        }
        fx
    }

    /// An empty folder (no `site.yaml`, no `content/`).
    pub fn empty() -> Site {
        let dir = tempfile::Builder::new()
            .prefix("tandem-test-")
            .tempdir()
            .expect("create a temporary folder");
        // Canonical, so that paths compare equal to what the binary resolves.
        let root = dir
            .path()
            .canonicalize()
            .expect("canonicalise the temporary folder")
            .join("site");
        std::fs::create_dir(&root).expect("create the site folder");
        Site {
            dir,
            root,
            env: Vec::new(),
        }
    }

    /// A copy of the site folder `from` (e.g. `tests/fixtures/feeds/site`,
    /// relative to the crate root; an absolute path is taken as it is).
    pub fn copy_of(from: impl AsRef<Path>) -> Site {
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join(from);
        let site = Site::empty();
        copy_dir(&from, &site.root);
        site
    }

    /// A copy of the example site at the repository's root: its settings
    /// and content (the theme is the built-in one).
    pub fn example() -> Site {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        let site = Site::empty();
        std::fs::copy(repo.join("site.yaml"), site.path("site.yaml")).expect("copy site.yaml");
        std::fs::copy(repo.join("calendar.lock"), site.path("calendar.lock"))
            .expect("copy calendar.lock");
        copy_dir(&repo.join("content"), &site.path("content"));
        copy_dir(&repo.join("static"), &site.path("static"));
        site
    }

    /// [`Site::example`] in German alone: `languages` made `language: de`
    /// and the English translations (`*.en.md`) left out. `serve` follows
    /// edits of a site in one language incrementally (a site in several
    /// is rebuilt in full), and its tests hold that path to full builds.
    pub fn example_in_german() -> Site {
        let site = Site::example();
        let yaml = site.read("site.yaml");
        let at = yaml
            .find("\nlanguages: ")
            .expect("the example lists its languages")
            + 1;
        let end = yaml[at..].find('\n').map_or(yaml.len(), |e| at + e);
        let yaml = format!("{}language: de{}", &yaml[..at], &yaml[end..]);
        for item in walkdir::WalkDir::new(site.path("content")) {
            let item = item.expect("walk content/");
            if item.file_name().to_string_lossy().ends_with(".en.md") {
                std::fs::remove_file(item.path()).expect("remove a translation");
            }
        }
        site.file("site.yaml", &yaml)
    }

    /// A generated site of about `pages` entries ([`generated_site`]):
    /// made here rather than by an outside tool, so that the tests read
    /// the same input on every machine.
    pub fn generated(pages: usize) -> Site {
        generated_site(Site::empty(), pages)
    }

    /// Writes `text` to `rel` (relative to the site root), creating folders
    /// and replacing an existing file.
    pub fn file(self, rel: &str, text: &str) -> Site {
        self.bytes(rel, text.as_bytes())
    }

    /// Like [`Site::file`], with raw bytes (for BOMs, CRLF, invalid UTF-8).
    pub fn bytes(self, rel: &str, bytes: &[u8]) -> Site {
        let path = self.root.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create folders");
        }
        std::fs::write(&path, bytes).expect("write fixture file");
        self
    }

    /// Copies the folder `from` of the repository (relative to the crate
    /// root) to `rel` in the site.
    pub fn copy_in(self, rel: &str, from: &str) -> Site {
        copy_dir(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join(from),
            &self.root.join(rel),
        );
        self
    }

    /// Creates the folder `rel` (and its parents).
    pub fn dir(self, rel: &str) -> Site {
        std::fs::create_dir_all(self.root.join(rel)).expect("create folder");
        self
    }

    /// Removes the file `rel`.
    pub fn remove(self, rel: &str) -> Site {
        std::fs::remove_file(self.root.join(rel)).expect("remove fixture file");
        self
    }

    /// Sets the site's `language:` in `site.yaml` (which must have one).
    pub fn language(self, language: &str) -> Site {
        let yaml = self.read("site.yaml");
        let at = yaml.find("\nlanguage: ").expect("site.yaml has a language") + 1;
        let end = yaml[at..].find('\n').map_or(yaml.len(), |e| at + e);
        let yaml = format!("{}language: {language}{}", &yaml[..at], &yaml[end..]);
        self.file("site.yaml", &yaml)
    }

    /// Writes `text` to `rel` in a site that is already in use (a server
    /// watching it, a loaded copy); returns the file's path, as a watcher
    /// reports it.
    pub fn write(&self, rel: &str, text: &str) -> PathBuf {
        let path = self.root.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create folders");
        }
        std::fs::write(&path, text).expect("write fixture file");
        path
    }

    /// Replaces the first `from` in the file `rel`, which must contain it;
    /// returns the file's path.
    pub fn edit(&self, rel: &str, from: &str, to: &str) -> PathBuf {
        let text = self.read(rel);
        assert!(text.contains(from), "{rel} has no {from:?}");
        self.write(rel, &text.replacen(from, to, 1))
    }

    /// Removes the file `rel` from a site in use; returns its path.
    pub fn delete(&self, rel: &str) -> PathBuf {
        let path = self.root.join(rel);
        std::fs::remove_file(&path).expect("remove fixture file");
        path
    }

    /// Sets (or with `None` removes) an environment variable for every command.
    pub fn env(mut self, key: &str, value: Option<&str>) -> Site {
        self.env.push((key.into(), value.map(str::to_string)));
        self
    }

    /// The site folder (canonical).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The temporary folder that holds the site folder: room for other
    /// folders beside the site (outputs, symlinks).
    pub fn scratch(&self) -> &Path {
        self.dir.path()
    }

    /// `rel` below the site root.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// The text of the file `rel`.
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root.join(rel)).expect("read file")
    }

    /// The `tandem` binary with `args`, run in the site folder with the
    /// test environment; for tests that need to spawn and kill it.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_tandem"));
        cmd.args(args)
            .current_dir(&self.root)
            .env("SOURCE_DATE_EPOCH", EPOCH)
            .env_remove("NO_COLOR")
            // One image cache for every test's site (the example's photos
            // are made once per run); tests of the cache itself unset it.
            .env("TANDEM_CACHE_DIR", shared_image_cache())
            .stdin(Stdio::null());
        for (k, v) in &self.env {
            match v {
                Some(v) => cmd.env(k, v),
                None => cmd.env_remove(k),
            };
        }
        cmd
    }

    /// Runs `tandem ARGS` in the site folder.
    pub fn run(&self, args: &[&str]) -> Run {
        let out = self.command(args).output().expect("run tandem");
        Run {
            status: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            scratch: self.root.parent().map(|p| p.to_string_lossy().into_owned()),
        }
    }

    /// `tandem build --root ROOT --output OUT ARGS` as a later build, with
    /// `SOURCE_DATE_EPOCH` set to `epoch`.
    pub fn build_out_at(&self, epoch: &str, args: &[&str]) -> Run {
        self.build_root_at(&self.root, &self.out(), epoch, args)
    }

    /// `tandem build --root ROOT --output OUT ARGS` of another site folder
    /// (a clone of this one), with `SOURCE_DATE_EPOCH` set to `epoch`.
    pub fn build_root_at(&self, root: &Path, out: &Path, epoch: &str, args: &[&str]) -> Run {
        let (root, out) = (root.to_string_lossy(), out.to_string_lossy());
        let mut all = vec!["build", "--root", &root, "--output", &out];
        all.extend_from_slice(args);
        let mut cmd = self.command(&all);
        cmd.env("SOURCE_DATE_EPOCH", epoch);
        let out = cmd.output().expect("run tandem");
        Run {
            status: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            scratch: self.root.parent().map(|p| p.to_string_lossy().into_owned()),
        }
    }

    /// `tandem build --root ROOT` (output into `ROOT/output`).
    pub fn build(&self) -> Run {
        let root = self.root.to_string_lossy().into_owned();
        self.run(&["build", "--root", &root])
    }

    /// The output folder of [`Site::build_out`], beside the site folder.
    pub fn out(&self) -> PathBuf {
        self.dir.path().join("out")
    }

    /// `tandem build --root ROOT --output OUT ARGS` with OUT [`Site::out`].
    pub fn build_out(&self, args: &[&str]) -> Run {
        self.build_into(&self.out(), args)
    }

    /// `tandem build --root ROOT --output OUT ARGS`.
    pub fn build_into(&self, out: &Path, args: &[&str]) -> Run {
        let root = self.root.to_string_lossy().into_owned();
        let out = out.to_string_lossy().into_owned();
        let mut all = vec!["build", "--root", &root, "--output", &out];
        all.extend_from_slice(args);
        self.run(&all)
    }

    /// The built file `rel` below [`Site::out`], as text.
    pub fn built(&self, rel: &str) -> String {
        let path = self.out().join(rel);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// The built page `rel` below [`Site::out`], parsed.
    pub fn page(&self, rel: &str) -> Html {
        Html::parse_document(&self.built(rel))
    }

    /// `tandem check --root ROOT`.
    pub fn check(&self) -> Run {
        let root = self.root.to_string_lossy().into_owned();
        self.run(&["check", "--root", &root])
    }
}

/// What one run of `tandem` did.
#[derive(Debug)]
pub struct Run {
    /// The exit status; `None` when killed by a signal.
    pub status: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    /// The temporary folder that holds the site (see [`Site::scratch`]).
    pub scratch: Option<String>,
}

/// One `path:line:col: severity: message` finding from stderr.
#[derive(Clone, Debug, PartialEq)]
pub struct Diag {
    pub path: String,
    pub line: u32,
    pub col: u32,
    /// `error` or `warning`.
    pub severity: String,
    /// The first line of the message.
    pub message: String,
    /// The whole block: message, further lines, source line, notes.
    pub text: String,
}

impl Run {
    /// Panics, showing stderr, unless the exit status is `code`.
    pub fn assert_code(&self, code: i32) -> &Run {
        assert_eq!(
            self.status,
            Some(code),
            "expected exit status {code}\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    /// Panics unless the exit status is 0.
    pub fn assert_ok(&self) -> &Run {
        self.assert_code(0)
    }

    /// Panics unless the findings on stderr are exactly `want`, each as
    /// its first line `path:line:col: severity: message`, in order.
    pub fn assert_findings(&self, want: &[&str]) -> &Run {
        assert_eq!(self.findings(), want, "--- stderr\n{}", self.stderr);
        self
    }

    /// The first line of every finding, `path:line:col: severity: message`.
    pub fn findings(&self) -> Vec<String> {
        self.diagnostics()
            .iter()
            .map(|d| {
                format!(
                    "{}:{}:{}: {}: {}",
                    d.path, d.line, d.col, d.severity, d.message
                )
            })
            .collect()
    }

    /// Every finding on stderr, whole (first line, source line, caret,
    /// notes), up to the closing count "N errors, N warnings"; the site's
    /// temporary folder written `[SCRATCH]`.
    pub fn findings_text(&self) -> String {
        let mut out = String::new();
        for line in self.stderr.lines() {
            if out.is_empty() && parse_header(line).is_none() {
                continue;
            }
            if is_summary(line) {
                break;
            }
            out.push_str(line);
            out.push('\n');
        }
        self.normalise(&out)
    }

    /// Panics unless [`Run::findings_text`] is exactly `want`.
    pub fn assert_findings_text(&self, want: &str) -> &Run {
        let got = self.findings_text();
        assert!(
            got == want,
            "the findings differ\n--- want\n{want}--- got\n{got}--- stderr\n{}",
            self.stderr
        );
        self
    }

    /// Every finding printed on stderr, in order.
    pub fn diagnostics(&self) -> Vec<Diag> {
        let mut out: Vec<Diag> = Vec::new();
        for line in self.stderr.lines() {
            match parse_header(line) {
                Some(d) => out.push(d),
                None => {
                    if let Some(last) = out.last_mut() {
                        last.text.push('\n');
                        last.text.push_str(line);
                    }
                }
            }
        }
        out
    }

    pub fn errors(&self) -> Vec<Diag> {
        self.diagnostics()
            .into_iter()
            .filter(|d| d.severity == "error")
            .collect()
    }

    pub fn warnings(&self) -> Vec<Diag> {
        self.diagnostics()
            .into_iter()
            .filter(|d| d.severity == "warning")
            .collect()
    }

    /// The finding in `path` on `line` (and `col`, when given) of
    /// `severity` whose first line is exactly `message`, the temporary
    /// folder of the site written `[SCRATCH]`; panics listing every finding
    /// when there is none. When a message changes on purpose, running the
    /// tests with `TANDEM_BLESS_DIAG=FILE` accepts a finding whose message
    /// contains `message` and records the call and the whole message in
    /// FILE, one JSON object a line, for updating the tests.
    #[track_caller]
    pub fn diag(
        &self,
        path: &str,
        line: u32,
        col: Option<u32>,
        severity: &str,
        message: &str,
    ) -> Diag {
        if let Some(d) = self.find(path, line, col, severity, |m| self.normalise(m) == message) {
            return d;
        }
        if let Some(file) = std::env::var_os("TANDEM_BLESS_DIAG")
            && let Some(d) = self.find(path, line, col, severity, |m| m.contains(message))
        {
            bless(&file, message, &self.normalise(&d.message));
            return d;
        }
        self.missing(path, line, col, severity, message)
    }

    /// Panics unless stderr, the site's temporary folder written
    /// `[SCRATCH]`, is exactly `want` (`TANDEM_BLESS_DIAG` records it as
    /// [`Run::diag`] does).
    #[track_caller]
    pub fn assert_stderr(&self, want: &str) -> &Run {
        let got = self.normalise(&self.stderr);
        if got != want
            && let Some(file) = std::env::var_os("TANDEM_BLESS_DIAG")
        {
            bless(&file, want, &got);
            return self;
        }
        assert!(
            got == want,
            "stderr differs\n--- want\n{want}\n--- got\n{got}"
        );
        self
    }

    /// `text` with the site's temporary folder written `[SCRATCH]`.
    fn normalise(&self, text: &str) -> String {
        match &self.scratch {
            Some(dir) => text.replace(dir.as_str(), "[SCRATCH]"),
            None => text.to_string(),
        }
    }

    fn find(
        &self,
        path: &str,
        line: u32,
        col: Option<u32>,
        severity: &str,
        fits: impl Fn(&str) -> bool,
    ) -> Option<Diag> {
        self.diagnostics().into_iter().find(|d| {
            d.path == path
                && d.line == line
                && col.is_none_or(|c| d.col == c)
                && d.severity == severity
                && fits(&d.message)
        })
    }

    fn missing(&self, path: &str, line: u32, col: Option<u32>, severity: &str, message: &str) -> ! {
        panic!(
            "no {severity} at {path}:{line}:{} {message:?}\n--- stderr\n{}",
            col.map_or("*".into(), |c| c.to_string()),
            self.stderr
        )
    }
}

/// Records in `file` that the test calling (the caller's caller) wanted
/// `needle` and got `full`, for updating the test by hand or by script.
#[track_caller]
fn bless(file: &std::ffi::OsStr, needle: &str, full: &str) {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(file)
        .expect("open bless file");
    let at = std::panic::Location::caller();
    let rec = serde_json::json!({
        "file": at.file(), "line": at.line(), "needle": needle, "full": full,
    });
    writeln!(f, "{rec}").expect("write bless file");
}

/// The closing count of a run's findings: "2 errors, 1 warning".
fn is_summary(line: &str) -> bool {
    line.starts_with(|c: char| c.is_ascii_digit())
        && (line.ends_with(" warning") || line.ends_with(" warnings"))
}

fn parse_header(line: &str) -> Option<Diag> {
    let (head, severity, message) = [": error: ", ": warning: "].iter().find_map(|sep| {
        let i = line.find(sep)?;
        Some((
            &line[..i],
            sep.trim_matches([':', ' ']),
            &line[i + sep.len()..],
        ))
    })?;
    let mut parts = head.rsplitn(3, ':');
    let col = parts.next()?.parse().ok()?;
    let line_no = parts.next()?.parse().ok()?;
    let path = parts.next()?;
    Some(Diag {
        path: path.to_string(),
        line: line_no,
        col,
        severity: severity.to_string(),
        message: message.to_string(),
        text: message.to_string(),
    })
}

/// Everything in a folder: path → kind and bytes (file), target (symlink)
/// or nothing (folder). Two snapshots are equal when the trees are
/// byte-identical.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot(pub BTreeMap<String, Node>);

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    Dir,
    File(Vec<u8>),
    Link(PathBuf),
}

impl Snapshot {
    /// Reads the whole tree below `dir` (not following symlinks).
    pub fn of(dir: &Path) -> Snapshot {
        let mut map = BTreeMap::new();
        walk(dir, dir, &mut map);
        Snapshot(map)
    }

    pub fn files(&self) -> usize {
        self.0
            .values()
            .filter(|n| matches!(n, Node::File(_)))
            .count()
    }

    /// A short account of how `other` differs, for assertion messages.
    pub fn diff(&self, other: &Snapshot) -> String {
        let mut out = Vec::new();
        for (k, v) in &self.0 {
            match other.0.get(k) {
                None => out.push(format!("- {k}")),
                Some(w) if w != v => out.push(format!("~ {k}")),
                _ => {}
            }
        }
        for k in other.0.keys() {
            if !self.0.contains_key(k) {
                out.push(format!("+ {k}"));
            }
        }
        let n = out.len();
        out.truncate(20);
        format!("{n} differences: {}", out.join(", "))
    }
}

fn walk(base: &Path, dir: &Path, map: &mut BTreeMap<String, Node>) {
    let mut items: Vec<_> = std::fs::read_dir(dir)
        .expect("read folder")
        .map(|i| i.expect("read folder entry"))
        .collect();
    items.sort_by_key(|i| i.file_name());
    for item in items {
        let path = item.path();
        let rel = path
            .strip_prefix(base)
            .expect("inside base")
            .to_string_lossy()
            .into_owned();
        let meta = std::fs::symlink_metadata(&path).expect("stat");
        if meta.file_type().is_symlink() {
            map.insert(
                rel,
                Node::Link(std::fs::read_link(&path).expect("readlink")),
            );
        } else if meta.is_dir() {
            map.insert(rel, Node::Dir);
            walk(base, &path, map);
        } else {
            map.insert(rel, Node::File(std::fs::read(&path).expect("read file")));
        }
    }
}

/// The elements of `doc` matching the CSS selector `sel`; panics when
/// there are none, so that an assertion over them cannot pass on a page
/// that lacks them altogether.
pub fn select_all<'a>(doc: &'a Html, sel: &str) -> Vec<ElementRef<'a>> {
    let selector = Selector::parse(sel).unwrap_or_else(|e| panic!("{sel}: {e:?}"));
    let found: Vec<ElementRef<'a>> = doc.select(&selector).collect();
    assert!(!found.is_empty(), "nothing matches `{sel}`");
    found
}

/// At least `min` of `total` cases (a share in per cent) were accepted by
/// the property under test: a property that holds because its inputs
/// never get past the first check proves nothing.
pub fn assert_accepted(name: &str, accepted: usize, total: usize, min_percent: usize) {
    assert!(
        accepted * 100 >= total * min_percent,
        "{name}: only {accepted} of {total} cases were accepted (want at least {min_percent} %)"
    );
}

/// Copies the folder `from` into `to` (created when missing).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create folder");
    for item in std::fs::read_dir(from).expect("read folder") {
        let item = item.expect("read folder entry");
        let target = to.join(item.file_name());
        if item.file_type().expect("file type").is_dir() {
            copy_dir(&item.path(), &target);
        } else {
            std::fs::copy(item.path(), &target).expect("copy file");
        }
    }
}

/// A synthetic site of `pages` entries written by the test itself:
/// networks, partners, projects, events and posts that refer to each other.
fn generated_site(site: Site, pages: usize) -> Site {
    let n = |share: usize| (pages * share / 100).max(1);
    let (networks, partners, projects, events, posts) = (n(5), n(20), n(10), n(50), n(15));
    let mut site = site.file("site.yaml", SITE_YAML);
    for i in 0..networks {
        site = site.file(
            &format!("content/networks/netz-{i}.md"),
            &format!("---\ntitle: Netzwerk {i}\nregion: Region {i}\n---\n## Profil\n\nDas Netzwerk {i}.\n"),
        );
    }
    for i in 0..partners {
        site = site.file(
            &format!("content/partners/partner-{i}.md"),
            &format!(
                "---\ntitle: Partner {i}\ncity: Stadt {i}\nnetworks: [netz-{}]\n---\n## Profil\n\nDer Partner {i}.\n",
                i % networks
            ),
        );
    }
    for i in 0..projects {
        site = site.file(
            &format!("content/projects/projekt-{i}.md"),
            &format!(
                "---\ntitle: Projekt {i}\nstart: 2020-01-01\nend: 2030-12-31\nlead: partner-{}\nnetworks: [netz-{}]\n---\n## Ziele\n\nDas Projekt {i}.\n",
                i % partners,
                i % networks
            ),
        );
    }
    for i in 0..events {
        site = site.file(
            &format!("content/events/termin-{i}.md"),
            &format!(
                "---\ntitle: Termin {i}\nproject: projekt-{}\norganizers: [partner-{}]\nstart: 2026-{:02}-{:02}T10:00\nend: 2026-{:02}-{:02}T12:00\nlocation: Ort {i}\n---\nWorkshop {i} im [Projekt](@/projects/projekt-{}.md#ziele).\n",
                i % projects,
                i % partners,
                i % 12 + 1,
                i % 28 + 1,
                i % 12 + 1,
                i % 28 + 1,
                i % projects
            ),
        );
    }
    for i in 0..posts {
        site = site.file(
            &format!("content/posts/beitrag-{i}.md"),
            &format!(
                "---\ntitle: Beitrag {i}\ndate: 2026-01-{:02}\nabout: [projects/projekt-{}]\n---\nNeuigkeiten {i}.\n",
                i % 28 + 1,
                i % projects
            ),
        );
    }
    site.file(
        "content/impressum.md",
        "---\ntitle: Impressum\n---\nAngaben nach § 5 DDG.\n",
    )
}

/// What the browser tests run with: `node`, Debian's chromium (or the
/// `CHROMIUM` the environment names) and the npm packages of
/// `package.json` installed by `npm ci`.
pub struct Browser {
    pub chromium: PathBuf,
}

impl Browser {
    /// The browser tools, or a panic that names what is missing. The tests
    /// that call this are `#[ignore]`d, so a plain `cargo test` reports them
    /// as ignored; `cargo test -- --include-ignored` (as CI runs it) makes a
    /// missing tool a failure rather than a silent pass.
    pub fn require(packages: &[&str]) -> Browser {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        let chromium = std::env::var_os("CHROMIUM")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
        let node = Command::new("node")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        let mut missing = Vec::new();
        if !node {
            missing.push("`node`".to_string());
        }
        if !chromium.exists() {
            missing.push(format!("{} (apt-get install chromium)", chromium.display()));
        }
        for p in packages {
            if !repo.join("node_modules").join(p).is_dir() {
                missing.push(format!("node_modules/{p} (npm ci)"));
            }
        }
        assert!(
            missing.is_empty(),
            "the browser tests cannot run; missing: {}",
            missing.join(", ")
        );
        Browser { chromium }
    }
}
