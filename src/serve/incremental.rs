//! Incremental rebuilds for `serve`.
//!
//! A full build of a 10,000-entry site takes seconds; an author who saves a
//! file wants to see it at once. The [`Engine`] keeps everything a build
//! works out (the model, the rendered bodies, the cards, the VEVENTs, every
//! finding per entry, and a hash of every page's template context) and,
//! when files change, redoes only what depends on them:
//!
//! 1. the changed files are parsed again; entries appear, disappear or are
//!    replaced, in the order a full build would load them;
//! 2. when an edit touches what the relation graph is made of (references,
//!    title, dates, draft), the relations of the entries around it are
//!    worked out again by running [`graph::compute`] on a small site made of
//!    them and their neighbours, so the graph's rules live in one place;
//! 3. bodies, findings and cards are redone for the entries concerned;
//! 4. every page that may show something that changed is a *candidate*:
//!    its template context is built and hashed, and only pages whose hash
//!    differs are rendered. The candidate rules may be generous, since a
//!    false candidate costs a hash, never a stale page;
//! 5. feeds (calendars, Atom, sitemap) come in a second step,
//!    [`Engine::finish`], so that the server can show the pages first and
//!    hold requests for the feeds until they are fresh.
//!
//! A template, theme or `site.yaml` change, a change to a folder, or any
//! state this module does not follow (two sources for one address, two
//! entries with one id) makes a full rebuild. The test suite compares the
//! result of every kind of edit with a full build, byte for byte and
//! finding for finding.

use crate::build;
use crate::config::{Config, Overrides};
use crate::content::{self, Loaded};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::entry::{Entry, Kind};
use crate::feeds;
use crate::legal::LegalPage;
use crate::model::Site;
use crate::model::graph::{self, Links};
use crate::output::{MemorySink, Origin};
use crate::render::context::Contexts;
use crate::render::markdown::Rendered;
use crate::render::pages;
use crate::render::theme::Theme;
use crate::routes::{self, Changes, Route};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::Hasher;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;
use tera::Value as TValue;

/// File contents shared between the engine and the server without copies
/// (an `Arc<Vec>` rather than `Arc<[u8]>`: made from a rendered `Vec`
/// without copying it, which matters for a 40 MB calendar).
pub type Bytes = Arc<Vec<u8>>;

/// One file of the built site.
#[derive(Clone, Debug)]
pub struct OutFile {
    pub bytes: Bytes,
    /// What wrote it, as in [`crate::output::OutFile::origin`].
    pub origin: Origin,
}

/// What one rebuild did, for the terminal and the benchmark.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// Everything was rebuilt (settings, templates, a folder, or a state
    /// the incremental path does not follow).
    pub full: bool,
    /// None of the paths concerned the site (an editor's backup file,
    /// `output/`): nothing was done.
    pub idle: bool,
    /// Content files read again.
    pub sources: Vec<String>,
    /// Pages whose context was built, and those among them rendered.
    pub candidates: usize,
    pub rendered: usize,
    pub errors: usize,
    pub warnings: usize,
    pub millis: f64,
}

/// What [`Engine::finish`] did.
#[derive(Clone, Debug, Default)]
pub struct Finished {
    /// Pages whose context was built, and those among them rendered.
    pub candidates: usize,
    pub rendered: usize,
    /// Files written or removed (pages and feeds).
    pub files: usize,
    pub errors: usize,
    pub millis: f64,
}

/// What [`Engine::take_publish`] hands to the server.
pub enum Publish {
    /// Replace everything.
    All(HashMap<String, Bytes>),
    /// Set (`Some`) or remove (`None`) these paths.
    Diff(Vec<(String, Option<Bytes>)>),
}

/// Findings and derived data of one entry, kept between rebuilds and
/// redone when the entry or something it shows changes.
#[derive(Clone, Debug, Default)]
struct Aux {
    refs: Vec<Diagnostic>,
    lint: Vec<Diagnostic>,
    images: Vec<Diagnostic>,
    body: Vec<Diagnostic>,
    links: Vec<Diagnostic>,
    aliases: Vec<Diagnostic>,
    /// Sources named by `@/` links in the text (a superset of the links
    /// the Markdown holds: broken ones are not recorded by the renderer,
    /// yet the body must be redone when their target appears).
    targets: Vec<String>,
    /// The event's VEVENTs; `None` for other kinds and for drafts.
    vevents: Option<Arc<str>>,
    /// The entry's search record once made (`Some(None)`: no page), so
    /// that an edit makes again only the records it may change.
    search: Option<Option<(crate::search::Record, crate::search::Words)>>,
}

/// Sources named by `@/` links, each with the sources of the entries whose
/// text names it. Keyed by source path rather than entry index, so that
/// entries coming and going leave it valid.
#[derive(Debug, Default)]
struct Linkers(HashMap<String, BTreeSet<String>>);

impl Linkers {
    /// Records that `source` now links to `new` instead of `old`.
    fn set(&mut self, source: &str, old: &[String], new: &[String]) {
        for t in old {
            if let Some(from) = self.0.get_mut(t) {
                from.remove(source);
                if from.is_empty() {
                    self.0.remove(t);
                }
            }
        }
        for t in new {
            self.0
                .entry(t.clone())
                .or_default()
                .insert(source.to_string());
        }
    }

    /// The entries whose text links to one of `targets`.
    fn of<'a>(&self, site: &Site, targets: impl Iterator<Item = &'a str>) -> Vec<usize> {
        targets
            .filter_map(|t| self.0.get(t))
            .flatten()
            .filter_map(|s| site.by_source.get(s).copied())
            .collect()
    }
}

/// Second-step work found by [`Engine::apply`].
#[derive(Debug, Default)]
struct Deferred {
    /// Candidate pages other than the changed entries' own.
    pages: Vec<Route>,
    /// Events whose VEVENTs are made again.
    events: BTreeSet<usize>,
    /// Owners whose `calendar.ics` is made again.
    owners: BTreeSet<usize>,
    site_calendar: bool,
    /// No event changed dates, zone, visibility or presence: the site's
    /// `calendar.ics` keeps its order and time zones, and changed VEVENTs
    /// can be replaced in place (it is 40 MB at 10,000 entries).
    splice: bool,
    atom: bool,
    sitemap: bool,
    events_json: bool,
    /// The search index (`search/data/`), written again from the records.
    search: bool,
    /// Every record is made again (labels or names changed).
    search_all: bool,
    /// The entries whose records are made again.
    search_redo: BTreeSet<usize>,
}

struct State {
    site: Site,
    /// How many events were visible when the lock's cancellations were
    /// last worked out (see `write_deferred`).
    events_seen: usize,
    theme: Theme,
    bodies: Vec<Rendered>,
    cards: Vec<TValue>,
    aux: Vec<Aux>,
    /// Which entries link to each source with `@/` (the reverse of
    /// `Aux::targets`), so that an edit finds the texts naming it without
    /// reading every entry's links.
    linkers: Linkers,
    /// Findings of reading and parsing each content file, by source path.
    file_diags: BTreeMap<String, Vec<Diagnostic>>,
    /// The findings of the references of each file that leaves nothing to
    /// show (`site.rejected`; checked anyway, as a full build does).
    rejected: BTreeMap<String, Vec<Diagnostic>>,
    /// Findings of the home page's and the listings' texts (`_index.md`),
    /// redone on every change: they are few and small, and their links
    /// reach any entry.
    index_diags: Vec<Diagnostic>,
    /// Settings, theme and folder findings: only a full rebuild changes them.
    base_diags: Vec<Diagnostic>,
    /// Findings of reading `static/`.
    static_diags: Vec<Diagnostic>,
    /// Pages whose template failed, by output path.
    page_errors: BTreeMap<String, Diagnostic>,
    /// Hash of each page's template and context, by output path.
    hashes: HashMap<String, u64>,
    /// Hash of what every page shares (`site` in the context).
    base_hash: u64,
    /// The cards (`kind/id`) each listing, archive and the home page show,
    /// so that a changed card makes only the pages showing it candidates.
    shown: HashMap<String, (Route, HashSet<String>)>,
    archive_years: Vec<i32>,
    /// Static files as the output has them (the site's over the theme's).
    statics: BTreeMap<String, OutFile>,
    deferred: Deferred,
}

/// The build kept in memory between changes; see the module comment.
pub struct Engine {
    root: PathBuf,
    /// `root`, canonicalised, to recognise the paths the watcher reports.
    canonical_root: PathBuf,
    overrides: Overrides,
    /// `http://HOST:PORT` of the preview server: replaces the host part
    /// of `base_url` (its path part is kept).
    serve_origin: Option<String>,
    state: Option<State>,
    /// The base path of the site a plain build made, when the engine
    /// keeps no state (see [`Engine::fallback`]).
    built_base_path: Option<String>,
    files: HashMap<String, OutFile>,
    diags: Vec<Diagnostic>,
    /// Paths written or removed since the last [`Engine::take_publish`].
    touched: HashSet<String>,
    /// Everything changed since the last publish (a full rebuild).
    touched_all: bool,
}

/// Signals that the incremental path cannot follow a change; the caller
/// rebuilds everything.
struct Fallback;

impl Engine {
    /// An engine for the site at `root`; nothing is built until [`Engine::full`].
    pub fn new(root: &Path, overrides: Overrides) -> Engine {
        let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        Engine {
            root: root.to_path_buf(),
            canonical_root,
            overrides,
            serve_origin: None,
            state: None,
            built_base_path: None,
            files: HashMap::new(),
            diags: Vec::new(),
            touched: HashSet::new(),
            touched_all: false,
        }
    }

    /// An engine for `serve`: the site's `base_url` keeps its path part
    /// and gets `origin` (`http://127.0.0.1:1111`) as host part. `now`
    /// fixes "now" as [`Overrides::now`] does.
    pub fn for_serve(
        root: &Path,
        drafts: bool,
        now: Option<chrono::DateTime<chrono::Utc>>,
        origin: &str,
    ) -> Engine {
        let mut e = Engine::new(
            root,
            Overrides {
                base_url: None,
                drafts,
                now,
                image_cache: None,
            },
        );
        e.serve_origin = Some(origin.trim_end_matches('/').to_string());
        e
    }

    /// The built site as a full build of the current files would have it.
    /// While [`Engine::has_errors`], it is incomplete and not for serving.
    pub fn files(&self) -> &HashMap<String, OutFile> {
        &self.files
    }

    /// Every finding, sorted as `build` prints them.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diags
    }

    pub fn has_errors(&self) -> bool {
        self.diags.iter().any(Diagnostic::is_error)
    }

    /// The path part of the site's `base_url` (`/` or `/bildung/`), under
    /// which the server answers.
    pub fn base_path(&self) -> Option<String> {
        match &self.state {
            Some(s) => Some(s.site.config.base_path.clone()),
            None => self.built_base_path.clone(),
        }
    }

    /// Rebuilds everything.
    pub fn full(&mut self) -> Report {
        let started = Instant::now();
        if let Err(Fallback) = self.try_full() {
            self.fallback();
        }
        self.touched_all = true;
        self.touched.clear();
        let mut report = self.report(started);
        report.full = true;
        report
    }

    /// Rebuilds what the changed paths (as the watcher reports them:
    /// absolute or relative to the current folder) affect. Feeds wait for
    /// [`Engine::finish`].
    pub fn apply(&mut self, changed: &[PathBuf]) -> Report {
        let started = Instant::now();
        self.finish();
        let mut content_changes = BTreeSet::new();
        let mut statics = false;
        let mut full = self.state.is_none();
        for p in changed {
            match self.classify(p) {
                Change::Full => full = true,
                Change::Static => statics = true,
                Change::Content(source) => {
                    content_changes.insert(source);
                }
                Change::None => {}
            }
        }
        // A checkout or a search-and-replace over much of the site: one
        // full rebuild is faster than following each file.
        let entries = self.state.as_ref().map_or(0, |s| s.site.entries.len());
        if full || content_changes.len() > 200.max(entries / 5) {
            return self.full();
        }
        if content_changes.is_empty() && !statics {
            let mut r = self.report(started);
            r.idle = true;
            return r;
        }
        let outcome = self.try_apply(&content_changes, statics);
        let mut report = match outcome {
            Ok(r) => r,
            Err(Fallback) => return self.full(),
        };
        let mut timer = crate::timing::Timer::new();
        self.diags = self.collect_diags();
        timer.lap("serve: diags");
        let base = self.report(started);
        report.errors = base.errors;
        report.warnings = base.warnings;
        report.millis = base.millis;
        report.sources = content_changes.into_iter().collect();
        report
    }

    /// Paths the pending second step may write: requests for them wait.
    pub fn pending(&self) -> Vec<String> {
        let Some(st) = &self.state else {
            return Vec::new();
        };
        let d = &st.deferred;
        let site = &st.site;
        let n = site.entries.len();
        let mut routes: Vec<Route> = d.pages.clone();
        for &e in d.events.iter().filter(|&&e| e < n) {
            routes.push(Route::EventIcs(e));
            routes.extend(
                event_owners(&site.links[e])
                    .into_iter()
                    .map(Route::Calendar),
            );
        }
        routes.extend(
            d.owners
                .iter()
                .filter(|&&o| o < n)
                .map(|&o| Route::Calendar(o)),
        );
        if d.site_calendar || !d.events.is_empty() {
            routes.push(Route::SiteCalendar);
        }
        if d.atom {
            routes.push(Route::News);
        }
        if d.sitemap {
            routes.push(Route::Sitemap);
        }
        if d.events_json {
            routes.push(Route::EventsJson);
        }
        let mut out: Vec<String> = routes.iter().filter_map(|r| path_of(site, r)).collect();
        if d.search {
            let data = format!("{}/", crate::search::DATA);
            out.extend(self.files.keys().filter(|p| p.starts_with(&data)).cloned());
        }
        out.sort();
        out.dedup();
        out
    }

    /// The second step of [`Engine::apply`]: [`Engine::finish_pages`], then
    /// [`Engine::finish_feeds`].
    pub fn finish(&mut self) -> Finished {
        let pages = self.finish_pages();
        let feeds = self.finish_feeds();
        Finished {
            candidates: pages.candidates,
            rendered: pages.rendered,
            files: pages.files + feeds.files,
            errors: feeds.errors,
            millis: pages.millis + feeds.millis,
        }
    }

    /// The other pages that may show what changed: related entries,
    /// listings, archives, home.
    pub fn finish_pages(&mut self) -> Finished {
        let started = Instant::now();
        let Some(st) = self.state.as_mut() else {
            return Finished::default();
        };
        let jobs = std::mem::take(&mut st.deferred.pages);
        if jobs.is_empty() {
            return Finished::default();
        }
        let before = self.touched.len();
        let mut done = Finished::default();
        match render_jobs(st, &jobs, &mut self.files, &mut self.touched) {
            Ok((candidates, rendered)) => {
                done.candidates = candidates;
                done.rendered = rendered;
                self.diags = self.collect_diags();
            }
            Err(Fallback) => {
                self.full();
            }
        }
        done.files = self.touched.len().saturating_sub(before);
        done.errors = self
            .diags
            .iter()
            .filter(|d| d.is_error())
            .map(Diagnostic::count)
            .sum();
        done.millis = started.elapsed().as_secs_f64() * 1000.0;
        done
    }

    /// The feeds that may show what changed: `event.ics`, calendars, Atom,
    /// sitemap.
    pub fn finish_feeds(&mut self) -> Finished {
        let started = Instant::now();
        self.finish_pages();
        let Some(st) = self.state.as_mut() else {
            return Finished::default();
        };
        let d = std::mem::take(&mut st.deferred);
        let before = self.touched.len();
        if write_deferred(st, &d, &mut self.files, &mut self.touched)
            .and_then(|()| write_search(st, &d, &mut self.files, &mut self.touched))
            .is_err()
        {
            self.full();
        }
        Finished {
            files: self.touched.len().saturating_sub(before),
            errors: self
                .diags
                .iter()
                .filter(|d| d.is_error())
                .map(Diagnostic::count)
                .sum(),
            millis: started.elapsed().as_secs_f64() * 1000.0,
            ..Finished::default()
        }
    }

    /// Marks paths as changed again, for the next publication (the server
    /// took them back after a late error).
    pub fn retouch(&mut self, paths: impl IntoIterator<Item = String>) {
        self.touched.extend(paths);
    }

    /// What changed since the last call, for the server to publish once
    /// the site has no errors.
    pub fn take_publish(&mut self) -> Publish {
        if std::mem::take(&mut self.touched_all) {
            self.touched.clear();
            return Publish::All(
                self.files
                    .iter()
                    .map(|(k, v)| (k.clone(), v.bytes.clone()))
                    .collect(),
            );
        }
        let mut diff: Vec<(String, Option<Bytes>)> = self
            .touched
            .drain()
            .map(|p| {
                let b = self.files.get(&p).map(|f| f.bytes.clone());
                (p, b)
            })
            .collect();
        diff.sort_by(|a, b| a.0.cmp(&b.0));
        Publish::Diff(diff)
    }

    fn report(&self, started: Instant) -> Report {
        let count = |errors: bool| -> usize {
            self.diags
                .iter()
                .filter(|d| d.is_error() == errors)
                .map(Diagnostic::count)
                .sum()
        };
        Report {
            errors: count(true),
            warnings: count(false),
            millis: started.elapsed().as_secs_f64() * 1000.0,
            ..Report::default()
        }
    }

    fn classify(&self, p: &Path) -> Change {
        let abs = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir()
                .map(|d| d.join(p))
                .unwrap_or_else(|_| p.to_path_buf())
        };
        let rel = match abs.strip_prefix(&self.canonical_root) {
            Ok(r) => r.to_path_buf(),
            Err(_) => match abs.strip_prefix(&self.root) {
                Ok(r) => r.to_path_buf(),
                Err(_) => return Change::None,
            },
        };
        let rel = content::rel_path(Path::new(""), &rel);
        let top = rel.split('/').next().unwrap_or_default();
        match top {
            crate::config::CONFIG_FILE | crate::lock::LOCK_FILE => Change::Full,
            "templates" | "themes" => Change::Full,
            // Pages show a JPEG's or PNG's size and copies, made when
            // the site is loaded (see `crate::images`).
            "static" if crate::images::is_resized(&rel) => Change::Full,
            "static" => Change::Static,
            "content" if rel == "content" => Change::Full,
            // A link may lead out of the site, where nothing is read but
            // by the full load, which checks where it leads.
            "content" if std::fs::symlink_metadata(&abs).is_ok_and(|m| m.is_symlink()) => {
                Change::Full
            }
            "content" => {
                if rel.ends_with(".md") && !abs.is_dir() {
                    Change::Content(rel)
                } else if is_ignorable(&rel) {
                    Change::None
                } else {
                    // A folder (or anything else) moved: rescan everything.
                    let known = self.state.as_ref().is_some_and(|st| {
                        let prefix = format!("{rel}/");
                        st.file_diags.keys().any(|s| s.starts_with(&prefix))
                            || st.site.by_source.keys().any(|s| s.starts_with(&prefix))
                    });
                    if known || (abs.is_dir() && holds_markdown(&abs)) {
                        Change::Full
                    } else {
                        Change::None
                    }
                }
            }
            _ => Change::None,
        }
    }

    /// The full pipeline, keeping what incremental rebuilds need. Mirrors
    /// [`build::build_in_memory`]; the tests hold the two to the same output.
    fn try_full(&mut self) -> Result<(), Fallback> {
        self.state = None;
        self.files.clear();
        if let Some(origin) = &self.serve_origin {
            // The path part may have changed with `site.yaml`.
            let plain = Overrides {
                base_url: None,
                ..self.overrides.clone()
            };
            let path = Config::load(&self.root, &plain, &mut Diagnostics::new())
                .map_or_else(|| "/".to_string(), |c| c.base_path);
            self.overrides.base_url = Some(format!("{origin}{path}"));
        }
        let mut base = Diagnostics::new();
        let config = Config::load(&self.root, &self.overrides, &mut base).ok_or(Fallback)?;
        if config.languages.len() > 1 {
            // An edit of either language's file reaches both languages'
            // pages; a site in several languages is rebuilt in full.
            return Err(Fallback);
        }
        let mut load_diags = Diagnostics::new();
        let loaded = content::load(&config, &mut load_diags);
        let mut file_diags: BTreeMap<String, Vec<Diagnostic>> = BTreeMap::new();
        for d in load_diags {
            if d.path.starts_with("content/") && d.path.ends_with(".md") {
                file_diags.entry(d.path.clone()).or_default().push(d);
            } else {
                base.push(d);
            }
        }
        let mut site = Site::new(config, loaded, &mut Diagnostics::new());
        site.images = std::sync::Arc::new(crate::images::Catalog::scan(
            &self.root,
            self.overrides.image_cache.as_deref(),
        ));
        site.cancelled = feeds::calendar::cancelled(&site);
        if site.index.len() != site.entries.len() || !site.duplicate_uids().is_empty() {
            // Two entries with one id or one imported uid: a full build
            // reports it; follow it.
            return Err(Fallback);
        }
        // The build itself, keeping what an edit needs to redo parts of
        // it: bodies, cards, VEVENTs, and a hash of every page's context
        // with the cards the listings show.
        let hashes = std::sync::Mutex::new(HashMap::new());
        let shown = std::sync::Mutex::new(HashMap::new());
        let base_seed = std::sync::OnceLock::new();
        let observe = |ctx: &Contexts, route: &Route, pc: &pages::PageContext| {
            let seed = *base_seed.get_or_init(|| base_hash(ctx));
            let (h, keys) = page_hash(route, pc, seed);
            if let Some(keys) = keys {
                let mut shown = shown.lock().unwrap_or_else(|p| p.into_inner());
                shown.insert(pc.path.clone(), (route.clone(), keys));
            }
            let mut hashes = hashes.lock().unwrap_or_else(|p| p.into_inner());
            hashes.insert(pc.path.clone(), h);
        };
        let sink = MemorySink::default();
        let kept =
            build::render_site_keeping(&site, &sink, &mut Diagnostics::new(), Some(&observe))
                .ok_or(Fallback)?;
        let build::Kept {
            theme,
            theme_findings,
            bodies,
            body_findings,
            vevents,
            cards,
            page_errors,
            statics,
            static_findings,
            collisions,
            over_budget,
        } = kept;
        if collisions > 0 || over_budget {
            // Two sources for one address, or a feed that left upcoming
            // events out: the full build reports it.
            return Err(Fallback);
        }
        base.extend(theme_findings);
        // The site's own findings (`Site::lint` besides the entries').
        base.extend(crate::model::legal::findings(&site));
        let n = site.entries.len();
        let mut st = State {
            site,
            theme,
            bodies,
            cards,
            aux: vec![Aux::default(); n],
            linkers: Linkers::default(),
            file_diags,
            rejected: BTreeMap::new(),
            index_diags: Vec::new(),
            base_diags: base.into_vec(),
            static_diags: static_findings,
            page_errors,
            hashes: hashes.into_inner().unwrap_or_else(|p| p.into_inner()),
            base_hash: base_seed.get().copied().unwrap_or_default(),
            shown: shown.into_inner().unwrap_or_else(|p| p.into_inner()),
            archive_years: Vec::new(),
            statics: statics
                .into_iter()
                .map(|(p, (bytes, origin))| {
                    let bytes = Arc::new(bytes);
                    (p, OutFile { bytes, origin })
                })
                .collect(),
            deferred: Deferred::default(),
            events_seen: 0,
        };
        st.archive_years = routes::archive_years(&st.site);
        st.events_seen = st.site.of_kind.get(&Kind::Event).map_or(0, Vec::len);
        // The findings by entry and kind, so that an edit redoes only its own.
        let sources: Vec<String> = st.site.rejected.keys().cloned().collect();
        for s in sources {
            recheck_rejected(&mut st, &s);
        }
        let all: Vec<usize> = (0..n).collect();
        for (i, (body, vevents)) in body_findings.into_iter().zip(vevents).enumerate() {
            let targets = link_targets(&st.site.entries[i]);
            st.linkers.set(&st.site.entries[i].source, &[], &targets);
            let aux = &mut st.aux[i];
            aux.targets = targets;
            aux.body = body;
            aux.vevents = vevents.map(Arc::from);
        }
        recheck_refs(&mut st, &all);
        recheck_lint(&mut st, &all);
        recheck_images(&mut st, &all);
        recheck_links(&mut st, &all);
        st.index_diags = build::check_index_bodies(&st.site, &st.bodies);
        recheck_aliases(&mut st, &all);
        self.files = shared(sink.into_output());
        self.state = Some(st);
        self.diags = self.collect_diags();
        Ok(())
    }

    /// What a plain build makes of the site: used when the incremental
    /// path cannot follow (its findings are then the build's own).
    fn fallback(&mut self) {
        let built = build::build_in_memory(&self.root, &self.overrides);
        self.state = None;
        self.built_base_path = built.site.as_ref().map(|s| s.config.base_path.clone());
        self.files = shared(built.output);
        self.diags = built.diags.into_vec();
    }

    fn collect_diags(&self) -> Vec<Diagnostic> {
        let Some(st) = &self.state else {
            return self.diags.clone();
        };
        let mut all = Diagnostics::new();
        all.extend(st.base_diags.iter().cloned());
        all.extend(st.static_diags.iter().cloned());
        for v in st.file_diags.values() {
            all.extend(v.iter().cloned());
        }
        for d in st.rejected.values() {
            all.extend(d.iter().cloned());
        }
        all.extend(st.index_diags.iter().cloned());
        for a in &st.aux {
            for v in [&a.refs, &a.lint, &a.images, &a.body, &a.links, &a.aliases] {
                all.extend(v.iter().cloned());
            }
        }
        all.extend(st.page_errors.values().cloned());
        all.sort();
        all.into_vec()
    }

    fn try_apply(&mut self, sources: &BTreeSet<String>, statics: bool) -> Result<Report, Fallback> {
        let st = self.state.as_mut().ok_or(Fallback)?;
        let files = &mut self.files;
        let touched = &mut self.touched;
        let mut report = Report::default();
        let mut timer = crate::timing::Timer::new();

        // 1. Read the changed files.
        let news = read_sources(&self.root, st, sources)?;

        timer.lap("serve: read");
        // 2. Sort them into modified, added and removed entries.
        let site = &mut st.site;
        let legal_before = legal_state(site);
        let mut modified: Vec<(usize, Box<Entry>)> = Vec::new();
        let mut added: Vec<Entry> = Vec::new();
        let mut removed: Vec<usize> = Vec::new();
        let mut sections_changed: BTreeSet<Kind> = BTreeSet::new();
        let mut home_changed = false;
        let mut rejected_changed = false;
        // Files with errors that come, go or change: references and links
        // to them change from errors to none and back.
        let mut rejected_presence: Vec<(Kind, String, String)> = Vec::new();
        for (source, new) in news {
            st.rejected.remove(&source);
            if let Some(r) = site.rejected.remove(&source) {
                rejected_changed = true;
                rejected_presence.push((r.kind, r.id, source.clone()));
            }
            if let Some(kind) = section_kind(&source) {
                sections_changed.insert(kind);
                match new {
                    New::Section(e) => {
                        site.sections.insert(kind, *e);
                    }
                    _ => {
                        site.sections.remove(&kind);
                    }
                }
                continue;
            }
            if source == "content/_index.md" {
                home_changed = true;
                site.home = match new {
                    New::Home(e) => Some(*e),
                    _ => None,
                };
                continue;
            }
            let old = site.by_source.get(&source).copied();
            let new = match (old, new) {
                (Some(i), New::Entry(e)) => {
                    modified.push((i, e));
                    continue;
                }
                (Some(i), other) => {
                    removed.push(i);
                    other
                }
                (None, New::Entry(e)) => {
                    added.push(*e);
                    continue;
                }
                (None, other) => other,
            };
            if let New::Rejected(r) = new {
                st.rejected.insert(source.clone(), Vec::new());
                rejected_changed = true;
                rejected_presence.push((r.kind, r.id.clone(), source.clone()));
                site.rejected.insert(source.clone(), *r);
            }
        }

        // Outputs of changed and removed entries before the change: those
        // not written again afterwards are removed.
        let mut stale: BTreeSet<String> = BTreeSet::new();
        for &(i, _) in &modified {
            stale.extend(entry_outputs(site, i));
        }
        for &i in &removed {
            stale.extend(entry_outputs(site, i));
        }
        let removed_kinds: BTreeSet<Kind> = removed.iter().map(|&i| site.entries[i].kind).collect();
        // Ids that appear, go or change visibility: references to them change.
        let mut presence_ids: HashSet<(Kind, String)> = removed
            .iter()
            .map(|&i| (site.entries[i].kind, site.entries[i].id.clone()))
            .collect();
        presence_ids.extend(added.iter().map(|e| (e.kind, e.id.clone())));
        let removed_sources: Vec<String> = removed
            .iter()
            .map(|&i| site.entries[i].source.clone())
            .collect();
        // Entries whose visibility changes: their pages come and go, and
        // links to them change.
        let mut presence: Vec<String> = removed_sources.clone();
        presence.extend(added.iter().map(|e| e.source.clone()));
        for (kind, id, source) in rejected_presence {
            presence_ids.insert((kind, id));
            presence.push(source);
        }

        // 3. Replace modified entries; note which touch the graph.
        let mut relational: BTreeSet<usize> = BTreeSet::new();
        let mut changed: BTreeSet<usize> = BTreeSet::new();
        let mut visibility_changed = false;
        let mut sort_changed: BTreeSet<Kind> = BTreeSet::new();
        let mut old_entries: HashMap<usize, Entry> = HashMap::new();
        for (i, e) in modified {
            let old = std::mem::replace(&mut site.entries[i], *e);
            let new = &site.entries[i];
            if old.title != new.title || old.draft != new.draft || old.data != new.data {
                relational.insert(i);
                sort_changed.insert(new.kind);
            }
            if old.draft != new.draft && !site.config.drafts {
                visibility_changed = true;
                presence.push(new.source.clone());
                presence_ids.insert((new.kind, new.id.clone()));
            }
            changed.insert(i);
            old_entries.insert(i, old);
        }

        // 4. Structural changes: entries in and out, indices remapped.
        let mut removed_links: Vec<Links> = Vec::new();
        let structural = !added.is_empty() || !removed.is_empty();
        if structural {
            for &i in &removed {
                st.linkers
                    .set(&st.site.entries[i].source, &st.aux[i].targets, &[]);
            }
            let (map, added_at, gone) = restructure(st, &removed, added)?;
            removed_links = gone;
            let remap = |i: usize| map.get(i).copied().flatten();
            relational = relational.into_iter().filter_map(remap).collect();
            changed = changed.into_iter().filter_map(remap).collect();
            old_entries = old_entries
                .into_iter()
                .filter_map(|(i, e)| remap(i).map(|j| (j, e)))
                .collect();
            for &j in &added_at {
                relational.insert(j);
                changed.insert(j);
                sort_changed.insert(st.site.entries[j].kind);
            }
            sort_changed.extend(removed_kinds.iter().copied());
        }
        let site = &mut st.site;
        let n = site.entries.len();
        if !site.duplicate_uids().is_empty() {
            return Err(Fallback);
        }
        if legal_state(site) != legal_before {
            // A plain page took or left a legal address: every footer
            // changes, and the site's own findings with it.
            return Err(Fallback);
        }

        timer.lap("serve: structure");
        // 5. Relations around graph-relevant changes.
        let mut around: BTreeSet<usize> = BTreeSet::new();
        for &c in &relational {
            around.insert(c);
            neighbours(site, c, &mut around);
            if let Some(old) = old_entries.get(&c) {
                for r in old.references() {
                    if let Some(t) = site.resolve(r) {
                        around.insert(t);
                    }
                }
            }
        }
        for l in &removed_links {
            members(l, &mut around);
        }
        if structural {
            // An entry that appears is named by entries whose references
            // did not resolve before: no relation leads to them yet.
            let appeared: HashSet<(Kind, &str)> = relational
                .iter()
                .filter(|i| !old_entries.contains_key(i))
                .map(|&i| (site.entries[i].kind, site.entries[i].id.as_str()))
                .collect();
            for (i, e) in site.entries.iter().enumerate() {
                if e.references()
                    .iter()
                    .any(|r| appeared.contains(&(r.kind, r.id.as_str())))
                {
                    around.insert(i);
                }
            }
        }
        let seeds: Vec<usize> = around.iter().copied().collect();
        for &x in &seeds {
            if site.entries[x].kind == Kind::Project {
                neighbours(site, x, &mut around);
            }
        }
        let mut old_links: HashMap<usize, Links> = HashMap::new();
        if !around.is_empty() {
            old_links = recompute_links(site, &around);
        }
        timer.lap("serve: relations");
        let links_changed: BTreeSet<usize> = old_links
            .iter()
            .filter(|(i, l)| site.links[**i] != **l)
            .map(|(i, _)| *i)
            .collect();
        for k in &sort_changed {
            let moved: Vec<usize> = relational
                .iter()
                .copied()
                .filter(|&i| site.entries[i].kind == *k)
                .collect();
            // Only the edited and added entries' sort keys changed (removed
            // ones left the list when it was remapped): the rest is in
            // order, and they are put back where `sort_listing` would have
            // them.
            let mut list = site.of_kind.remove(k).unwrap_or_default();
            list.retain(|i| !moved.contains(i));
            for &m in &moved {
                if !site.visible(m) {
                    continue;
                }
                let at = list.partition_point(|&x| {
                    let mut pair = [m, x];
                    graph::sort_listing(site, *k, &mut pair);
                    pair[0] == x
                });
                list.insert(at, m);
            }
            if list.is_empty() {
                site.of_kind.remove(k);
            } else {
                site.of_kind.insert(*k, list);
            }
        }

        timer.lap("serve: sort");
        // 6. Bodies: the changed ones, and those linking to entries that
        // appeared, disappeared or became drafts.
        let presence_set: HashSet<&str> = presence.iter().map(String::as_str).collect();
        let mut redo_bodies: BTreeSet<usize> = changed.clone();
        redo_bodies.extend(st.linkers.of(&st.site, presence_set.iter().copied()));
        for &i in &changed {
            let targets = link_targets(&st.site.entries[i]);
            st.linkers
                .set(&st.site.entries[i].source, &st.aux[i].targets, &targets);
            st.aux[i].targets = targets;
        }
        let list: Vec<usize> = redo_bodies.iter().copied().collect();
        let results: Vec<(usize, Rendered, Vec<Diagnostic>)> = list
            .par_iter()
            .map(|&i| {
                let (r, d) = build::render_body(&st.site, i);
                (i, r, d)
            })
            .collect();
        for (i, r, d) in results {
            st.bodies[i] = r;
            st.aux[i].body = d;
        }

        timer.lap("serve: bodies");
        // 7. Findings.
        let all: Vec<usize> = (0..n).collect();
        let mut nearby: BTreeSet<usize> = changed.clone();
        for &c in &changed {
            neighbours(&st.site, c, &mut nearby);
        }
        nearby.extend(around.iter().copied());
        redo_findings(
            st,
            &Redo {
                changed: &changed,
                nearby: &nearby,
                redo_bodies: &redo_bodies,
                removed_sources: &removed_sources,
                presence_ids: &presence_ids,
                ids_changed: structural || visibility_changed,
                rejected_changed,
            },
        );

        timer.lap("serve: findings");
        // 8. Cards.
        let mut ctx = Contexts::with_cards(
            &st.site,
            &st.theme.labels,
            &st.bodies,
            std::mem::take(&mut st.cards),
        );
        let new_base = base_hash(&ctx);
        let base_changed = new_base != st.base_hash;
        st.base_hash = new_base;
        let mut cards_changed: BTreeSet<usize> = BTreeSet::new();
        let mut card_candidates = nearby.clone();
        card_candidates.extend(links_changed.iter().copied());
        // Archive years an event was and is filed under, from its cards.
        let mut years_touched: BTreeSet<Option<i32>> = BTreeSet::new();
        for &k in &card_candidates {
            let card = ctx.card_of(k);
            if *ctx.card(k) != card {
                cards_changed.insert(k);
                if site_kind(&st.site, k) == Kind::Event {
                    years_touched.insert(archive_year(ctx.card(k)));
                    years_touched.insert(archive_year(&card));
                }
                ctx.set_card(k, card);
            }
        }
        // An entry whose relational data changed counts as changed even
        // where its card looks the same: listings order by those data.
        cards_changed.extend(relational.iter().copied());
        st.cards = ctx.into_cards();

        timer.lap("serve: cards");
        // 9. Pages that may show what changed.
        let site = &st.site;
        let mut now_written: BTreeSet<String> = BTreeSet::new();
        for &i in &changed {
            now_written.extend(entry_outputs(site, i));
        }
        for p in stale.difference(&now_written) {
            if files.remove(p).is_some() {
                touched.insert(p.clone());
            }
            st.hashes.remove(p);
            st.page_errors.remove(p);
        }
        // Archive years change only when events come, go or change dates.
        let events_moved = structural
            || visibility_changed
            || relational.iter().any(|&i| {
                site.entries[i].kind == Kind::Event
                    && old_entries
                        .get(&i)
                        .is_none_or(|old| old.data != site.entries[i].data)
            });
        let years = if events_moved {
            routes::archive_years(site)
        } else {
            st.archive_years.clone()
        };
        let archive_changed = years != st.archive_years;
        // What changed, in the terms of `Route::reads`; the pages reading
        // it are the candidates.
        let edited = Edited {
            changed: &changed,
            relational: &relational,
            around: &around,
            redo_bodies: &redo_bodies,
            links_changed: &links_changed,
            cards_changed: &cards_changed,
            removed_kinds: &removed_kinds,
            sections_changed: &sections_changed,
            home_changed,
            presence: &presence,
            old_entries: &old_entries,
            years_touched: &years_touched,
        };
        let mut ch = edited.changes(site, base_changed, archive_changed);
        let mut jobs = candidate_pages(site, &ch, &years, &st.shown, &cards_changed);
        for y in &st.archive_years {
            if !years.contains(y) {
                let p = Route::Archive(*y).path(site).unwrap_or_default();
                if files.remove(&p).is_some() {
                    touched.insert(p.clone());
                }
                st.hashes.remove(&p);
                st.page_errors.remove(&p);
                st.shown.remove(&p);
            }
        }
        // Only years that exist have a page.
        jobs.retain(|j| !matches!(j, Route::Archive(y) if !years.contains(y)));
        st.archive_years = years;
        jobs.sort();
        jobs.dedup();
        // The changed entries' own pages now, the others in the second step.
        let (first, later): (Vec<Route>, Vec<Route>) = jobs.into_iter().partition(|j| match j {
            Route::Entry(i) | Route::Alias { entry: i, .. } => changed.contains(i),
            _ => false,
        });
        timer.lap("serve: jobs");
        let (candidates, rendered) = render_jobs(st, &first, files, touched)?;
        timer.lap("serve: pages");
        report.candidates = candidates;
        report.rendered = rendered;

        // 10. Feeds, for the second step.
        let site = &st.site;
        let mut d = std::mem::take(&mut st.deferred);
        d.pages = later;
        // VEVENTs are made from an event's fields, text and relations.
        let mut events = nearby.clone();
        events.extend(redo_bodies.iter().copied());
        ch.events = events
            .into_iter()
            .filter(|&e| site.entries[e].kind == Kind::Event)
            .collect();
        d.events.extend(ch.events.iter().copied());
        // Owners whose calendars may list a changed event or changed
        // themselves: those near the change, and those that lost one.
        let mut owners: BTreeSet<usize> = nearby.clone();
        owners.extend(links_changed.iter().copied());
        for l in &removed_links {
            members(l, &mut owners);
        }
        d.owners.extend(
            owners.into_iter().filter(|&o| {
                site.entries[o].kind.has_feed() && ch.reaches(site, &Route::Calendar(o))
            }),
        );
        if removed_kinds.contains(&Kind::Event) || structural || visibility_changed {
            d.site_calendar = true;
        }
        d.atom |= ch.reaches(site, &Route::News);
        let updated_changed = old_entries.iter().any(|(i, old)| {
            old.updated != site.entries[*i].updated || old.draft != site.entries[*i].draft
        });
        ch.pages = structural || visibility_changed || updated_changed || archive_changed;
        d.sitemap |= ch.reaches(site, &Route::Sitemap);
        d.events_json |= ch.reaches(site, &Route::EventsJson);
        if site.config.search
            && crate::search::reads(site)
                .iter()
                .any(|r| ch.touches(site, r))
        {
            d.search = true;
            // A record reads its entry, the names of its networks and
            // projects, and the labels.
            d.search_all |= ch.site || ch.names;
            d.search_redo.extend(ch.entries.iter().copied());
        }
        d.splice = !structural
            && !visibility_changed
            && !d.site_calendar
            && !relational.iter().any(|&i| {
                site.entries[i].kind == Kind::Event
                    && old_entries
                        .get(&i)
                        .is_none_or(|old| old.data != site.entries[i].data)
            });
        st.deferred = d;

        if statics {
            rescan_statics(st, files, touched)?;
            recheck_images(st, &all);
        }
        Ok(report)
    }
}

/// Which findings an edit makes stale: see [`redo_findings`].
struct Redo<'a> {
    changed: &'a BTreeSet<usize>,
    /// The changed entries, their neighbours, and the entries whose
    /// relations were worked out again.
    nearby: &'a BTreeSet<usize>,
    redo_bodies: &'a BTreeSet<usize>,
    removed_sources: &'a [String],
    /// Ids that came, went or changed visibility.
    presence_ids: &'a HashSet<(Kind, String)>,
    /// Entries came, went or changed visibility.
    ids_changed: bool,
    /// A file with errors came, went or changed.
    rejected_changed: bool,
}

/// Redoes the findings an edit may have changed, entry by entry, with the
/// build's own checks.
fn redo_findings(st: &mut State, r: &Redo) {
    let n = st.site.entries.len();
    // References: of the changed entries; when entries come, go or
    // change visibility, also of those naming them, and of those with
    // findings on their references (an unknown id's suggestions depend
    // on the ids there are).
    let mut refs_redone: BTreeSet<usize> = r.changed.clone();
    if r.ids_changed || r.rejected_changed {
        for (i, e) in st.site.entries.iter().enumerate() {
            if !st.aux[i].refs.is_empty()
                || e.references().iter().any(|x| {
                    r.presence_ids
                        .iter()
                        .any(|(k, id)| *k == x.kind && *id == x.id)
                })
            {
                refs_redone.insert(i);
            }
        }
    }
    recheck_refs(st, &refs_redone.iter().copied().collect::<Vec<_>>());
    if r.ids_changed || r.rejected_changed {
        let sources: Vec<String> = st.rejected.keys().cloned().collect();
        for s in sources {
            recheck_rejected(st, &s);
        }
    }
    // Lint reads the entry, its project, its relations and whether its
    // references have errors.
    let mut lint_redone = r.nearby.clone();
    lint_redone.extend(refs_redone.iter().copied());
    if r.rejected_changed {
        // Whether a partner is referred to is not known while a file
        // that may name it has errors.
        lint_redone.extend((0..n).filter(|&i| st.site.entries[i].kind == Kind::Partner));
    }
    recheck_lint(st, &lint_redone.iter().copied().collect::<Vec<_>>());
    let changed_list: Vec<usize> = r.changed.iter().copied().collect();
    recheck_images(st, &changed_list);
    let mut changed_sources: HashSet<&str> = r
        .changed
        .iter()
        .map(|&i| st.site.entries[i].source.as_str())
        .collect();
    changed_sources.extend(r.removed_sources.iter().map(String::as_str));
    let mut link_checks: BTreeSet<usize> = r.redo_bodies.clone();
    link_checks.extend(st.linkers.of(&st.site, changed_sources.iter().copied()));
    let link_checks: Vec<usize> = link_checks.into_iter().collect();
    recheck_links(st, &link_checks);
    st.index_diags = build::check_index_bodies(&st.site, &st.bodies);
    recheck_aliases(st, &changed_list);
}

/// A changed content file as read again.
enum New {
    Entry(Box<Entry>),
    Section(Box<Entry>),
    Home(Box<Entry>),
    Rejected(Box<content::Rejected>),
    /// Gone, or nothing to show.
    Nothing,
}

/// Reads `sources` again as `content::load` does, keeping each file's
/// findings in `st.file_diags`.
fn read_sources(
    root: &Path,
    st: &mut State,
    sources: &BTreeSet<String>,
) -> Result<Vec<(String, New)>, Fallback> {
    let mut news: Vec<(String, New)> = Vec::new();
    for source in sources {
        let path = root.join(source);
        // As `content::load`, which follows symbolic links.
        let is_file = std::fs::metadata(&path).is_ok_and(|m| m.is_file());
        let mut d = Diagnostics::new();
        let new = if is_file {
            let bytes = match std::fs::read(&path) {
                Ok(b) => b,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    news.push((source.clone(), New::Nothing));
                    st.file_diags.remove(source);
                    continue;
                }
                Err(_) => return Err(Fallback),
            };
            let mtime = std::fs::metadata(&path).and_then(|m| m.modified()).ok();
            let mut loaded =
                content::load_from_memory(&st.site.config, &[(source.clone(), bytes)], &mut d);
            let with_mtime = |mut e: Entry| {
                e.mtime = mtime;
                Box::new(e)
            };
            if let Some(e) = loaded.entries.pop() {
                New::Entry(with_mtime(e))
            } else if let Some(e) = loaded.sections.pop() {
                New::Section(with_mtime(e))
            } else if let Some(e) = loaded.home.take() {
                New::Home(with_mtime(e))
            } else if let Some(r) = loaded.rejected.pop() {
                New::Rejected(Box::new(r))
            } else {
                New::Nothing
            }
        } else {
            New::Nothing
        };
        let d = d.into_vec();
        if d.is_empty() {
            st.file_diags.remove(source);
        } else {
            st.file_diags.insert(source.clone(), d);
        }
        news.push((source.clone(), new));
    }
    Ok(news)
}

/// What the steps of [`Engine::try_apply`] found an edit to have done;
/// [`Edited::changes`] states it in the terms of `Route::reads`.
struct Edited<'a> {
    /// Entries edited or added.
    changed: &'a BTreeSet<usize>,
    /// Entries whose title, draft state or data changed (or that came).
    relational: &'a BTreeSet<usize>,
    /// Entries whose relations were worked out again.
    around: &'a BTreeSet<usize>,
    /// Entries whose text was rendered again.
    redo_bodies: &'a BTreeSet<usize>,
    links_changed: &'a BTreeSet<usize>,
    cards_changed: &'a BTreeSet<usize>,
    removed_kinds: &'a BTreeSet<Kind>,
    sections_changed: &'a BTreeSet<Kind>,
    home_changed: bool,
    /// Sources that came, went or changed visibility.
    presence: &'a [String],
    /// The edited entries as they were.
    old_entries: &'a HashMap<usize, Entry>,
    /// Archive years an event was and is filed under (`None`: unknown).
    years_touched: &'a BTreeSet<Option<i32>>,
}

impl Edited<'_> {
    fn changes(&self, site: &Site, base_changed: bool, archive_changed: bool) -> Changes {
        let mut ch = Changes {
            site: base_changed,
            year_set: archive_changed,
            ..Changes::default()
        };
        // Entries whose fields, text or relations changed: the changed
        // ones, those whose relations were worked out again, and those
        // whose text links to a changed entry or whose card changed.
        ch.entries = self.changed.clone();
        for set in [
            self.around,
            self.redo_bodies,
            self.links_changed,
            self.cards_changed,
        ] {
            ch.entries.extend(set.iter().copied());
        }
        for &c in self.cards_changed {
            neighbours(site, c, &mut ch.related);
        }
        // A kind is listed anew when entries of it come or go, or when
        // one's data (its dates, say) or draft state changed, as it may
        // join or leave a list.
        ch.lists = self.removed_kinds.clone();
        for &i in self.relational {
            let e = &site.entries[i];
            if self
                .old_entries
                .get(&i)
                .is_none_or(|old| old.data != e.data || old.draft != e.draft)
            {
                ch.lists.insert(e.kind);
            }
        }
        if ch.lists.contains(&Kind::Event) {
            ch.years
                .extend(self.years_touched.iter().flatten().copied());
            ch.all_years = self.years_touched.contains(&None);
        }
        ch.all_years |= self.removed_kinds.contains(&Kind::Event);
        ch.names = self
            .relational
            .iter()
            .any(|&i| matches!(site.entries[i].kind, Kind::Network | Kind::Project));
        // An `_index.md` changed, or its text links to an entry that came
        // or went.
        ch.index_texts = self.sections_changed.iter().copied().map(Some).collect();
        if self.home_changed {
            ch.index_texts.insert(None);
        }
        if !self.presence.is_empty() {
            for (k, e) in site.sections.iter() {
                if links_to(e, self.presence) {
                    ch.index_texts.insert(Some(*k));
                }
            }
            if site
                .home
                .as_ref()
                .is_some_and(|e| links_to(e, self.presence))
            {
                ch.index_texts.insert(None);
            }
        }
        ch
    }
}

/// Which legal pages the site writes and links, and its findings about
/// them (see [`crate::model::legal`]): what only a full build redoes.
fn legal_state(site: &Site) -> (Vec<LegalPage>, Vec<LegalPage>, Vec<Diagnostic>) {
    (
        crate::model::legal::written(site),
        crate::model::legal::published(site),
        crate::model::legal::findings(site),
    )
}

/// The pages `ch` reaches, by what they read, and the listings, archives
/// and home page that showed a changed card when they were last made.
fn candidate_pages(
    site: &Site,
    ch: &Changes,
    years: &[i32],
    shown: &HashMap<String, (Route, HashSet<String>)>,
    cards_changed: &BTreeSet<usize>,
) -> Vec<Route> {
    if ch.site {
        return Route::pages(site);
    }
    let mut jobs: Vec<Route> = Route::site_pages(site, years)
        .into_iter()
        .filter(|r| ch.reaches(site, r))
        .collect();
    for &i in ch.entries.union(&ch.related) {
        jobs.extend(Route::of_entry(site, i).filter(|r| r.is_page() && ch.reaches(site, r)));
    }
    let shown_keys: HashSet<String> = cards_changed
        .iter()
        .map(|&i| card_key(&site.entries[i]))
        .collect();
    for (job, keys) in shown.values() {
        if shown_keys.iter().any(|k| keys.contains(k)) {
            jobs.push(job.clone());
        }
    }
    jobs
}

enum Change {
    Full,
    Static,
    Content(String),
    None,
}

/// Editors' temporary and backup files beside the content.
fn is_ignorable(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name == "4913"
}

/// Whether a folder that appeared holds Markdown files (moved in whole,
/// the watcher reports only the folder).
fn holds_markdown(dir: &Path) -> bool {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .any(|e| e.path().extension().is_some_and(|x| x == "md"))
}

/// The kind whose listing text `source` is (`content/events/_index.md`).
fn section_kind(source: &str) -> Option<Kind> {
    let inner = source.strip_prefix("content/")?;
    let (folder, file) = inner.split_once('/')?;
    if file != "_index.md" {
        return None;
    }
    Kind::from_folder(folder)
}

/// The order `content::load` finds files in: depth first, names sorted.
fn walk_order(a: &str, b: &str) -> std::cmp::Ordering {
    a.split('/').cmp(b.split('/'))
}

/// Every entry a relation list of `l` names.
fn members(l: &Links, out: &mut BTreeSet<usize>) {
    // Destructured so that a new relation added to `Links` fails to
    // compile here instead of being missed.
    let Links {
        networks,
        partners,
        projects,
        events,
        posts,
        lead,
        project,
        organizers,
        about,
    } = l;
    for list in [
        networks, partners, projects, events, posts, organizers, about,
    ] {
        out.extend(list.iter().copied());
    }
    out.extend(lead.iter().copied());
    out.extend(project.iter().copied());
}

/// Entries related to `i`: those its relations list and those its front
/// matter names.
fn neighbours(site: &Site, i: usize, out: &mut BTreeSet<usize>) {
    members(&site.links[i], out);
    for r in site.entries[i].references() {
        if let Some(t) = site.resolve(r) {
            out.insert(t);
        }
    }
}

/// The owners whose `calendar.ics` lists an event: its project,
/// organisers and networks (the relation is symmetric).
fn event_owners(l: &Links) -> Vec<usize> {
    let mut out: Vec<usize> = l.project.iter().copied().collect();
    out.extend(&l.organizers);
    out.extend(&l.networks);
    out
}

/// Works out the relations of the entries in `around` again, exactly as
/// [`graph::compute`] does for the whole site: it runs on a small site of
/// those entries and everything that contributes to their relations (their
/// neighbours, and for projects among them their neighbours too: a
/// project's networks list its events). Returns the previous relations.
fn recompute_links(site: &mut Site, around: &BTreeSet<usize>) -> HashMap<usize, Links> {
    let mut sub_set: BTreeSet<usize> = around.clone();
    let mut first: BTreeSet<usize> = BTreeSet::new();
    for &a in around {
        neighbours(site, a, &mut first);
    }
    for &p in first.iter().chain(around) {
        if site.entries[p].kind == Kind::Project {
            neighbours(site, p, &mut sub_set);
        }
    }
    sub_set.extend(first);
    let order: Vec<usize> = sub_set.into_iter().collect();
    let mut sub = Site::new(
        site.config.clone(),
        Loaded::default(),
        &mut Diagnostics::new(),
    );
    sub.entries = order.iter().map(|&g| site.entries[g].clone()).collect();
    for (l, e) in sub.entries.iter().enumerate() {
        sub.index.entry((e.kind, e.id.clone())).or_insert(l);
        sub.by_source.insert(e.source.clone(), l);
    }
    let sub_links = graph::compute(&sub);
    let global = |l: &usize| order[*l];
    let mut old = HashMap::new();
    for &a in around {
        let Ok(local) = order.binary_search(&a) else {
            continue;
        };
        let l = &sub_links[local];
        let mapped = Links {
            networks: l.networks.iter().map(global).collect(),
            partners: l.partners.iter().map(global).collect(),
            projects: l.projects.iter().map(global).collect(),
            events: l.events.iter().map(global).collect(),
            posts: l.posts.iter().map(global).collect(),
            lead: l.lead.as_ref().map(global),
            project: l.project.as_ref().map(global),
            organizers: l.organizers.iter().map(global).collect(),
            about: l.about.iter().map(global).collect(),
        };
        old.insert(a, std::mem::replace(&mut site.links[a], mapped));
    }
    old
}

/// Removes and inserts entries, keeping the order a full build loads them
/// in (the sitemap lists entries in that order), and remaps every index.
/// Returns the old-to-new index map, where the added entries went, and the
/// relations of the removed entries (remapped; they tell whose relations
/// change).
#[allow(clippy::type_complexity)]
fn restructure(
    st: &mut State,
    removed: &[usize],
    added: Vec<Entry>,
) -> Result<(Vec<Option<usize>>, Vec<usize>, Vec<Links>), Fallback> {
    let site = &mut st.site;
    let old_n = site.entries.len();
    let removed_set: HashSet<usize> = removed.iter().copied().collect();
    enum Slot {
        Old(usize),
        New(usize),
    }
    let mut order: Vec<(String, Slot)> = Vec::with_capacity(old_n + added.len());
    for (i, e) in site.entries.iter().enumerate() {
        if !removed_set.contains(&i) {
            order.push((e.source.clone(), Slot::Old(i)));
        }
    }
    for (k, e) in added.iter().enumerate() {
        order.push((e.source.clone(), Slot::New(k)));
    }
    order.sort_by(|a, b| walk_order(&a.0, &b.0));

    let mut map: Vec<Option<usize>> = vec![None; old_n];
    for (new_i, (_, slot)) in order.iter().enumerate() {
        if let Slot::Old(i) = slot {
            map[*i] = Some(new_i);
        }
    }
    let remap_links = |l: &Links| -> Links {
        let m = |v: &Vec<usize>| -> Vec<usize> { v.iter().filter_map(|&i| map[i]).collect() };
        Links {
            networks: m(&l.networks),
            partners: m(&l.partners),
            projects: m(&l.projects),
            events: m(&l.events),
            posts: m(&l.posts),
            lead: l.lead.and_then(|i| map[i]),
            project: l.project.and_then(|i| map[i]),
            organizers: m(&l.organizers),
            about: m(&l.about),
        }
    };
    let gone: Vec<Links> = removed
        .iter()
        .map(|&i| remap_links(&site.links[i]))
        .collect();

    let mut old_entries: Vec<Option<Entry>> = std::mem::take(&mut site.entries)
        .into_iter()
        .map(Some)
        .collect();
    let mut old_bodies: Vec<Option<Rendered>> = std::mem::take(&mut st.bodies)
        .into_iter()
        .map(Some)
        .collect();
    let mut old_cards: Vec<Option<TValue>> = std::mem::take(&mut st.cards)
        .into_iter()
        .map(Some)
        .collect();
    let mut old_aux: Vec<Option<Aux>> = std::mem::take(&mut st.aux).into_iter().map(Some).collect();
    let old_links = std::mem::take(&mut site.links);
    let mut added: Vec<Option<Entry>> = added.into_iter().map(Some).collect();
    let mut added_at = Vec::new();
    let n = order.len();
    let mut entries = Vec::with_capacity(n);
    let mut bodies = Vec::with_capacity(n);
    let mut cards = Vec::with_capacity(n);
    let mut aux = Vec::with_capacity(n);
    let mut links = Vec::with_capacity(n);
    for (new_i, (_, slot)) in order.iter().enumerate() {
        match slot {
            Slot::Old(i) => {
                entries.push(old_entries[*i].take().ok_or(Fallback)?);
                bodies.push(old_bodies[*i].take().unwrap_or_default());
                cards.push(old_cards[*i].take().unwrap_or_else(TValue::none));
                aux.push(old_aux[*i].take().unwrap_or_default());
                links.push(remap_links(&old_links[*i]));
            }
            Slot::New(k) => {
                entries.push(added[*k].take().ok_or(Fallback)?);
                bodies.push(Rendered::default());
                cards.push(TValue::none());
                aux.push(Aux::default());
                links.push(Links::default());
                added_at.push(new_i);
            }
        }
    }
    site.entries = entries;
    site.links = links;
    st.bodies = bodies;
    st.cards = cards;
    st.aux = aux;
    site.index.clear();
    site.by_source.clear();
    for (i, e) in site.entries.iter().enumerate() {
        if site.index.insert((e.kind, e.id.clone()), i).is_some() {
            // Two entries with one id: the build's own message is wanted.
            return Err(Fallback);
        }
        site.by_source.insert(e.source.clone(), i);
    }
    for list in site.of_kind.values_mut() {
        *list = list.iter().filter_map(|&i| map[i]).collect();
    }
    Ok((map, added_at, gone))
}

/// The files entry `i` writes (nothing when it is a draft not built).
fn entry_outputs(site: &Site, i: usize) -> Vec<String> {
    Route::of_entry(site, i)
        .filter_map(|r| r.path(site))
        .collect()
}

/// Whether `e`'s text links to one of `sources` (`content/…` paths).
fn links_to(e: &Entry, sources: &[String]) -> bool {
    link_targets(e).iter().any(|t| sources.contains(t))
}

/// The sources named by `@/` links in an entry's text.
fn link_targets(e: &Entry) -> Vec<String> {
    let mut out = Vec::new();
    let text = e.body();
    let mut rest = text;
    while let Some(at) = rest.find("@/") {
        let after = &rest[at + 2..];
        let end = after
            .find(|c: char| c.is_whitespace() || matches!(c, ')' | '#' | '"' | '\'' | '>' | ']'))
            .unwrap_or(after.len());
        let target = &after[..end];
        if !target.is_empty() {
            out.push(format!("content/{target}"));
        }
        rest = &after[end..];
    }
    out.sort();
    out.dedup();
    out
}

/// Whether a full build would see errors in entry `i`'s file before
/// linting it (then it skips the warnings).
fn file_has_errors(st: &State, i: usize) -> bool {
    let source = &st.site.entries[i].source;
    st.file_diags
        .get(source)
        .is_some_and(|v| v.iter().any(Diagnostic::is_error))
        || st.aux[i].refs.iter().any(Diagnostic::is_error)
}

fn recheck_refs(st: &mut State, list: &[usize]) {
    for &i in list {
        let mut d = Diagnostics::new();
        if st.site.visible(i) {
            st.site.check_references_of(&st.site.entries[i], &mut d);
        }
        st.aux[i].refs = d.into_vec();
    }
}

fn recheck_rejected(st: &mut State, source: &str) {
    let Some(r) = st.site.rejected.get(source) else {
        return;
    };
    let mut d = Diagnostics::new();
    if let Some(e) = &r.entry {
        st.site.check_references_of(e, &mut d);
    }
    st.rejected.insert(source.to_string(), d.into_vec());
}

fn recheck_lint(st: &mut State, list: &[usize]) {
    for &i in list {
        let mut d = Diagnostics::new();
        if st.site.visible(i) && !file_has_errors(st, i) {
            st.site.lint_entry(i, &mut d);
        }
        st.aux[i].lint = d.into_vec();
    }
}

fn recheck_images(st: &mut State, list: &[usize]) {
    for &i in list {
        let mut d = Diagnostics::new();
        build::check_images_of(&st.site, &st.theme, i, &mut d);
        st.aux[i].images = d.into_vec();
    }
}

fn recheck_links(st: &mut State, list: &[usize]) {
    for &i in list {
        let mut d = Diagnostics::new();
        build::check_links_of(&st.site, &st.bodies, i, &mut d);
        st.aux[i].links = d.into_vec();
    }
}

fn recheck_aliases(st: &mut State, list: &[usize]) {
    for &i in list {
        st.aux[i].aliases = routes::alias_findings(&st.site, i);
    }
}

/// The output path of a route; `None` for an entry that is gone.
fn path_of(site: &Site, route: &Route) -> Option<String> {
    match route.entry() {
        Some(i) if i >= site.entries.len() => None,
        _ => route.path(site),
    }
}

fn site_kind(site: &Site, i: usize) -> Kind {
    site.entries[i].kind
}

/// How a card names its entry: `event/kickoff`, as the card's own `kind`
/// and `id` fields say.
fn card_key(e: &Entry) -> String {
    format!("{}/{}", e.kind.name(), e.id)
}

/// The cards a page context holds: every object with a `kind` and an `id`.
fn collect_cards(v: &TValue, out: &mut HashSet<String>) {
    if let Some(m) = v.as_map() {
        let text = |k: &'static str| v.get_from_path(k).and_then(TValue::as_str);
        if let (Some(k), Some(id)) = (text("kind"), text("id")) {
            out.insert(format!("{k}/{id}"));
        }
        m.values().for_each(|x| collect_cards(x, out));
    } else if let Some(a) = v.as_array() {
        a.iter().for_each(|x| collect_cards(x, out));
    }
}

/// The archive year of an event's card: its year when past, `Some(0)`
/// (no archive page) when upcoming or when there was no card yet (a new
/// entry), `None` when the card does not say (then every archive page is
/// a candidate).
fn archive_year(card: &TValue) -> Option<i32> {
    if card.is_none() || card.is_undefined() {
        return Some(0);
    }
    match card.get_from_path("past").and_then(TValue::as_bool) {
        Some(false) => Some(0),
        Some(true) => card
            .get_from_path("year")
            .and_then(TValue::as_str)
            .and_then(|y| y.parse().ok()),
        None => None,
    }
}

/// Feeds `bytes` into a hasher, so that a context is hashed without
/// being written out first.
struct HashWriter(std::collections::hash_map::DefaultHasher);

impl std::io::Write for HashWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn hash_value(template: &str, v: &TValue, seed: u64) -> u64 {
    let mut w = HashWriter(std::collections::hash_map::DefaultHasher::new());
    w.0.write_u64(seed);
    w.0.write(template.as_bytes());
    w.0.write_u8(0);
    // Writing into the hasher cannot fail.
    let _ = serde_json::to_writer(&mut w, v);
    w.0.finish()
}

/// Hash of what every page's context shares: when it changes (a plain
/// page renamed, say), every page is a candidate.
fn base_hash(ctx: &Contexts) -> u64 {
    hash_value("", ctx.shared().get("site").unwrap_or(&TValue::none()), 0)
}

/// The hash of a page's template and context (seeded with what every
/// page shares), and for the home page, listings and archives the cards
/// (`kind/id`) they show.
fn page_hash(route: &Route, pc: &pages::PageContext, seed: u64) -> (u64, Option<HashSet<String>>) {
    let value = pc.context.to_value();
    let h = hash_value(&pc.template, &value, seed);
    let shown = matches!(route, Route::Home | Route::Listing(_) | Route::Archive(_)).then(|| {
        let mut keys = HashSet::new();
        collect_cards(&value, &mut keys);
        keys
    });
    (h, shown)
}

/// The files of a build as the engine holds them, shared with the server.
fn shared(output: crate::output::Output) -> HashMap<String, OutFile> {
    output
        .files
        .into_iter()
        .map(|(path, f)| {
            let bytes = Arc::new(f.bytes);
            let origin = f.origin;
            (path, OutFile { bytes, origin })
        })
        .collect()
}

/// Builds, hashes and (when the hash changed) renders `jobs`; writes the
/// results into `files`. Returns (candidates, rendered).
fn render_jobs(
    st: &mut State,
    jobs: &[Route],
    files: &mut HashMap<String, OutFile>,
    touched: &mut HashSet<String>,
) -> Result<(usize, usize), Fallback> {
    let cards = std::mem::take(&mut st.cards);
    let ctx = Contexts::with_cards(&st.site, &st.theme.labels, &st.bodies, cards);
    let theme = &st.theme;
    let hashes = &st.hashes;
    let page_errors = &st.page_errors;
    let known = |p: &str| files.contains_key(p) || page_errors.contains_key(p);
    let timings = std::env::var_os("TANDEM_TIMINGS").is_some_and(|v| v == "2");
    let base = st.base_hash;
    type Rendered = (
        Route,
        String,
        Origin,
        u64,
        Option<HashSet<String>>,
        Option<Result<Vec<u8>, Diagnostic>>,
    );
    let results: Vec<Rendered> = jobs
        .par_iter()
        .filter_map(|job| {
            let started = Instant::now();
            // An alias that is no site path is a finding, not a page.
            let pc = pages::page_context(&ctx, theme, job)?;
            let (h, shown) = page_hash(job, &pc, base);
            if hashes.get(&pc.path) == Some(&h) && known(&pc.path) {
                if timings {
                    crate::to_stderr!(
                        "timing:   {:>7.2} ms  unchanged {}",
                        started.elapsed().as_secs_f64() * 1000.0,
                        pc.path
                    );
                }
                return Some((job.clone(), pc.path, pc.origin, h, shown, None));
            }
            let html = pages::render_html(&ctx, theme, &pc);
            if timings {
                crate::to_stderr!(
                    "timing:   {:>7.2} ms  rendered  {}",
                    started.elapsed().as_secs_f64() * 1000.0,
                    pc.path
                );
            }
            Some((job.clone(), pc.path, pc.origin, h, shown, Some(html)))
        })
        .collect();
    st.cards = ctx.into_cards();
    let candidates = results.len();
    let mut rendered = 0;
    for (job, path, origin, h, shown, html) in results {
        st.hashes.insert(path.clone(), h);
        if let Some(keys) = shown {
            st.shown.insert(path.clone(), (job, keys));
        }
        let Some(html) = html else { continue };
        rendered += 1;
        match html {
            Ok(html) => {
                st.page_errors.remove(&path);
                put(files, touched, path, html, origin)?;
            }
            Err(d) => {
                st.page_errors.insert(path.clone(), d);
                if files.remove(&path).is_some() {
                    touched.insert(path);
                }
            }
        }
    }
    Ok((candidates, rendered))
}

/// Writes one file; another origin at the same path is a collision, which
/// the full build reports in its own words.
fn put(
    files: &mut HashMap<String, OutFile>,
    touched: &mut HashSet<String>,
    path: String,
    bytes: Vec<u8>,
    origin: Origin,
) -> Result<(), Fallback> {
    if let Some(old) = files.get(&path) {
        if old.origin != origin {
            return Err(Fallback);
        }
        if *old.bytes == *bytes {
            return Ok(());
        }
    }
    files.insert(
        path.clone(),
        OutFile {
            bytes: Arc::new(bytes),
            origin,
        },
    );
    touched.insert(path);
    Ok(())
}

fn remove(files: &mut HashMap<String, OutFile>, touched: &mut HashSet<String>, path: &str) {
    if files.remove(path).is_some() {
        touched.insert(path.to_string());
    }
}

/// The feeds of [`Deferred`]: VEVENTs, `event.ics`, the owners' and the
/// site's `calendar.ics`, `atom.xml` and `sitemap.xml`, each made, named
/// and addressed by [`Feed`] as the build's are.
fn write_deferred(
    st: &mut State,
    d: &Deferred,
    files: &mut HashMap<String, OutFile>,
    touched: &mut HashSet<String>,
) -> Result<(), Fallback> {
    let mut timer = crate::timing::Timer::new();
    let site = &st.site;
    let n = site.entries.len();
    let visible_events: HashSet<usize> = site
        .of_kind
        .get(&Kind::Event)
        .into_iter()
        .flatten()
        .copied()
        .collect();
    let todo: Vec<usize> = d.events.iter().copied().filter(|&e| e < n).collect();
    // Each event's VEVENTs for the subscription feeds, and its `event.ics`
    // with the whole text (which may change where the others do not).
    type Made = (usize, Option<Arc<str>>, Option<(String, Vec<u8>, Origin)>);
    let made: Vec<Made> = todo
        .par_iter()
        .map(|&e| {
            if !visible_events.contains(&e) {
                return Ok((e, None, None));
            }
            let both = feeds::calendar::event_vevents_both(site, e, &st.bodies[e].plain);
            let ics = Route::EventIcs(e);
            let file = feeds::make(&ics, site, &[], &|_| both.whole.as_str()).ok_or(Fallback)?;
            let path = ics.path(site).ok_or(Fallback)?;
            let file = (path, file.into_bytes(), ics.origin(site));
            Ok((e, Some(Arc::from(both.subscribed)), Some(file)))
        })
        .collect::<Result<_, Fallback>>()?;
    // An event that left (or came back, or whose sessions' UIDs changed)
    // changes what the lock's cancellations are: the full build works
    // them out. Only then is it worth asking (it looks at every event).
    let visible = visible_events.len();
    let uids_moved = visible != st.events_seen
        || made
            .iter()
            .any(|(e, v, _)| uid_lines(st.aux[*e].vevents.as_deref()) != uid_lines(v.as_deref()));
    if uids_moved
        && site.lock.as_ref().is_some_and(|l| !l.records.is_empty())
        && feeds::calendar::cancelled(site) != site.cancelled
    {
        return Err(Fallback);
    }
    st.events_seen = visible;
    let mut changed_events: BTreeSet<usize> = BTreeSet::new();
    let mut replaced: Replaced = HashMap::new();
    let mut ics: Vec<(String, Vec<u8>, Origin)> = Vec::new();
    for (e, v, file) in made {
        ics.extend(file);
        if st.aux[e].vevents != v {
            let old = std::mem::replace(&mut st.aux[e].vevents, v.clone());
            replaced.insert(e, (old, v));
            changed_events.insert(e);
        }
    }
    let site = &st.site;
    let aux = &st.aux;
    let empty: Arc<str> = Arc::from("");
    let lookup = |i: usize| {
        aux.get(i)
            .and_then(|a| a.vevents.clone())
            .unwrap_or_else(|| empty.clone())
    };
    let make = |feed: Route| {
        let made = feeds::make(&feed, site, &st.bodies, &lookup).ok_or(Fallback)?;
        if let feeds::Made::Parts(parts) = &made
            && parts.left_out.is_some()
        {
            // The full build warns about it.
            return Err(Fallback);
        }
        let path = feed.path(site).ok_or(Fallback)?;
        Ok::<_, Fallback>((path, made.into_bytes(), feed.origin(site)))
    };
    for (path, bytes, origin) in ics {
        put(files, touched, path, bytes, origin)?;
    }
    for &e in &changed_events {
        if !visible_events.contains(&e)
            && site.entries[e].kind == Kind::Event
            && let Some(p) = Route::EventIcs(e).path(site)
        {
            remove(files, touched, &p);
        }
    }
    timer.lap("serve: vevents");
    let mut owners: BTreeSet<usize> = d.owners.iter().copied().filter(|&o| o < n).collect();
    for &e in &changed_events {
        owners.extend(event_owners(&site.links[e]));
    }
    let owners: Vec<usize> = owners
        .into_iter()
        .filter(|&o| site.visible(o) && site.entries[o].kind.has_feed())
        .collect();
    let cals: Vec<(String, Vec<u8>, Origin)> = owners
        .par_iter()
        .map(|&o| make(Route::Calendar(o)))
        .collect::<Result<_, _>>()?;
    for (path, bytes, origin) in cals {
        put(files, touched, path, bytes, origin)?;
    }
    timer.lap("serve: owner feeds");
    if d.site_calendar || !changed_events.is_empty() {
        let events: Vec<usize> = site.of_kind.get(&Kind::Event).cloned().unwrap_or_default();
        let budget = &site.config.calendar;
        let spliced = if d.splice && !d.site_calendar {
            Route::SiteCalendar
                .path(site)
                .and_then(|p| files.get(&p))
                .and_then(|old| {
                    let feed = feeds::calendar::feed_events(site, &events);
                    // Only a feed within its budget holds all of them.
                    (feed.len() <= budget.max_events)
                        .then(|| splice_calendar(&old.bytes, &feed, &lookup, &replaced))
                        .flatten()
                        .filter(|b| b.len() <= budget.max_bytes)
                })
        } else {
            None
        };
        timer.lap(if spliced.is_some() {
            "serve: calendar (spliced)"
        } else {
            "serve: calendar (no splice)"
        });
        let feed = Route::SiteCalendar;
        let (path, bytes, origin) = match spliced {
            Some(b) => (feed.path(site).ok_or(Fallback)?, b, feed.origin(site)),
            None => make(feed)?,
        };
        put(files, touched, path, bytes, origin)?;
    }
    timer.lap("serve: calendar");
    for (due, feed) in [
        (d.atom, Route::News),
        (d.sitemap, Route::Sitemap),
        (d.events_json, Route::EventsJson),
    ] {
        if due {
            let (path, bytes, origin) = make(feed)?;
            put(files, touched, path, bytes, origin)?;
        }
    }
    Ok(())
}

/// The search index of [`Deferred::search`]: the records an edit may have
/// changed made again from the kept bodies and cards (the others are kept
/// in [`Aux`]), the index written from all of them (it numbers documents
/// in the entries' order, so one changed entry can shift every part), and
/// only the files whose bytes changed published; parts no word starts any
/// more are removed.
fn write_search(
    st: &mut State,
    d: &Deferred,
    files: &mut HashMap<String, OutFile>,
    touched: &mut HashSet<String>,
) -> Result<(), Fallback> {
    if !d.search || !st.site.config.search {
        return Ok(());
    }
    let n = st.site.entries.len();
    let todo: Vec<usize> = (0..n)
        .filter(|&i| d.search_all || d.search_redo.contains(&i) || st.aux[i].search.is_none())
        .collect();
    let cards = std::mem::take(&mut st.cards);
    let ctx = Contexts::with_cards(&st.site, &st.theme.labels, &st.bodies, cards);
    type Made = Option<(crate::search::Record, crate::search::Words)>;
    let redone: Vec<(usize, Made)> = todo
        .par_iter()
        .map(|&i| {
            let plain = st.bodies.get(i).map_or("", |b| b.plain.as_str());
            let made = crate::search::record(&ctx, i).map(|record| {
                let words = crate::search::Words::of(&record, plain);
                (record, words)
            });
            (i, made)
        })
        .collect();
    st.cards = ctx.into_cards();
    for (i, r) in redone {
        st.aux[i].search = Some(r);
    }
    let kept: Vec<&(crate::search::Record, crate::search::Words)> = st
        .aux
        .iter()
        .filter_map(|a| a.search.as_ref()?.as_ref())
        .collect();
    let mut index = crate::search::Index::default();
    for (doc, (_, words)) in kept.iter().enumerate() {
        index.add_words(doc as u32, words);
    }
    let records: Vec<&crate::search::Record> = kept.iter().map(|(r, _)| r).collect();
    let made = crate::search::files(&records, vec![index]);
    let data = format!("{}/", crate::search::DATA);
    let keep: HashSet<&str> = made.iter().map(|(p, _)| p.as_str()).collect();
    let gone: Vec<String> = files
        .keys()
        .filter(|p| p.starts_with(&data) && !keep.contains(p.as_str()))
        .cloned()
        .collect();
    for p in gone {
        remove(files, touched, &p);
    }
    for (path, bytes) in made {
        put(files, touched, path, bytes, Origin::Search)?;
    }
    Ok(())
}

/// The `UID` lines of VEVENTs (with their folded continuations).
fn uid_lines(vevents: Option<&str>) -> Vec<&str> {
    let mut out = Vec::new();
    let mut lines = vevents.unwrap_or_default().split("\r\n").peekable();
    while let Some(line) = lines.next() {
        if line.starts_with("UID:") {
            out.push(line);
            while let Some(more) = lines.next_if(|l| l.starts_with(' ')) {
                out.push(more);
            }
        }
    }
    out
}

/// Events whose VEVENTs changed: (before, after); `None` when not in feeds.
type Replaced = HashMap<usize, (Option<Arc<str>>, Option<Arc<str>>)>;

/// The site's `calendar.ics` with the VEVENTs of `replaced` events swapped
/// in place, when its layout is what [`feeds::calendar::calendar`] writes:
/// the settings and time zones, then every event's VEVENTs in feed order,
/// then `END:VCALENDAR`. Each replaced text is checked where it is
/// expected; `None` when anything differs (the caller writes the feed anew).
fn splice_calendar(
    old: &[u8],
    feed: &[usize],
    lookup: &dyn Fn(usize) -> Arc<str>,
    replaced: &Replaced,
) -> Option<Vec<u8>> {
    const FIRST: &[u8] = b"BEGIN:VEVENT\r\n";
    const END: &[u8] = b"END:VCALENDAR\r\n";
    let mut at = old.windows(FIRST.len()).position(|w| w == FIRST)?;
    let mut out = Vec::with_capacity(old.len() + 4096);
    let mut copied = 0;
    for &e in feed {
        let (was, now) = match replaced.get(&e) {
            Some((Some(was), Some(now))) => (was.clone(), now.clone()),
            // An event entering or leaving the feed changes its layout.
            Some(_) => return None,
            None => {
                let v = lookup(e);
                (v.clone(), v)
            }
        };
        let end = at + was.len();
        if replaced.contains_key(&e) {
            if old.get(at..end)? != was.as_bytes() {
                return None;
            }
            out.extend_from_slice(&old[copied..at]);
            out.extend_from_slice(now.as_bytes());
            copied = end;
        }
        at = end;
    }
    if old.get(at..)? != END {
        return None;
    }
    out.extend_from_slice(&old[copied..]);
    Some(out)
}

/// Reads `static/` again and merges it over the theme's static files, as
/// the end of `build::render_site` does.
fn rescan_statics(
    st: &mut State,
    files: &mut HashMap<String, OutFile>,
    touched: &mut HashSet<String>,
) -> Result<(), Fallback> {
    let mut found = crate::diagnostics::Diagnostics::new();
    let statics: BTreeMap<String, OutFile> =
        crate::build::static_files(&st.site, &st.theme, &mut found)
            .into_iter()
            .map(|(p, (bytes, origin))| {
                (
                    p,
                    OutFile {
                        bytes: Arc::new(bytes),
                        origin,
                    },
                )
            })
            .collect();
    let diags: Vec<Diagnostic> = found.into_vec();
    for old in st.statics.keys() {
        if !statics.contains_key(old) {
            remove(files, touched, old);
        }
    }
    for (rel, f) in &statics {
        let same = st
            .statics
            .get(rel)
            .is_some_and(|o| o.bytes == f.bytes && o.origin == f.origin);
        if let Some(existing) = files.get(rel) {
            if same && existing.origin == f.origin {
                continue;
            }
            let was_static = st
                .statics
                .get(rel)
                .is_some_and(|o| o.origin == existing.origin);
            if existing.origin != f.origin && !was_static {
                // A page or feed has this address too.
                return Err(Fallback);
            }
        }
        files.insert(rel.clone(), f.clone());
        touched.insert(rel.clone());
    }
    st.statics = statics;
    st.static_diags = diags;
    Ok(())
}
