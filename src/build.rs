//! The pipeline from a site folder to its output: settings → content →
//! model → cards → one pass per entry (its Markdown, an event's VEVENTs,
//! its page), with the listings made alongside → feeds → static files.
//! Each file is handed to a [`Sink`] as soon as it is made: the staging
//! folder of `build`, or memory for `serve` and `check`. (An entry's body
//! is dropped once its page is written, so the HTML and plain text of all
//! bodies are never held at once; the VEVENTs wait for the feeds.)

use crate::config::{Config, Overrides};
use crate::content;
use crate::diagnostics::{Diagnostic, Diagnostics, Pos};
use crate::entry::{Kind, KindData};
use crate::feeds;
use crate::images::Finding;
use crate::lock::{LOCK_FILE, Lock};
use crate::model::Site;
use crate::output::{MemorySink, Origin, Output, Sink, Staging};
use crate::render::context::Contexts;
use crate::render::markdown::{self, Rendered};
use crate::render::pages;
use crate::render::theme::Theme;
use crate::routes::{self, Route};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Loads and checks a site: settings, entries, references, warnings.
/// `None` when the settings are unusable.
pub fn load_site(root: &Path, overrides: &Overrides, diags: &mut Diagnostics) -> Option<Site> {
    load_site_and_lock(root, overrides, diags, false).map(|(site, _)| site)
}

/// [`load_site`], and with `want_lock` the `calendar.lock` this build
/// leaves (see [`crate::feeds::calendar::next_lock`]).
fn load_site_and_lock(
    root: &Path,
    overrides: &Overrides,
    diags: &mut Diagnostics,
    want_lock: bool,
) -> Option<(Site, Option<Lock>)> {
    let mut timer = crate::timing::Timer::new();
    let config = Config::load(root, overrides, diags)?;
    let loaded = content::load(&config, diags);
    timer.lap("load");
    let mut site = Site::new(config, loaded, diags);
    timer.lap("model");
    site.images = std::sync::Arc::new(crate::images::Catalog::scan(
        root,
        overrides.image_cache.as_deref(),
    ));
    timer.lap("images");
    let next = want_lock.then(|| crate::feeds::calendar::next_lock(&site));
    site.cancelled = match &next {
        Some(next) => crate::feeds::calendar::cancelled_in(&site, next),
        None => crate::feeds::calendar::cancelled(&site),
    };
    timer.lap("lock");
    site.lint(diags);
    timer.lap("lint");
    Some((site, next))
}

/// From how many entries a build shows the progress of its pages (on a
/// terminal): about two seconds of work.
const PROGRESS_FROM: usize = 5_000;

/// Renders every entry's Markdown and checks every `@/` link and anchor.
pub fn render_bodies(site: &Site, diags: &mut Diagnostics) -> Vec<Rendered> {
    render_bodies_with(site, diags, false, |_, _| ()).0
}

/// [`render_bodies`] that also hands each rendered body to `then` on the
/// thread that rendered it, and returns what `then` made for each entry
/// with the findings of its body when `keep` (they go to `diags` too).
fn render_bodies_with<T: Send>(
    site: &Site,
    diags: &mut Diagnostics,
    keep: bool,
    then: impl Fn(usize, &mut Rendered) -> T + Sync,
) -> (Vec<Rendered>, Vec<(T, Vec<Diagnostic>)>) {
    // A large site's pages take seconds: a bar on a terminal says how far.
    let n = site.entries.len();
    let bar = if n >= PROGRESS_FROM {
        crate::progress::bar(n as u64, "pages")
    } else {
        None
    };
    let results: Vec<(Rendered, Vec<Diagnostic>, T)> = (0..n)
        .into_par_iter()
        .map(|i| {
            let (mut r, d) = render_body(site, i);
            let made = then(i, &mut r);
            if let Some(bar) = &bar {
                bar.inc(1);
            }
            (r, d, made)
        })
        .collect();
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let mut bodies = Vec::with_capacity(results.len());
    let mut made = Vec::with_capacity(results.len());
    for (r, d, m) in results {
        let kept = if keep { d.clone() } else { Vec::new() };
        diags.extend(d);
        bodies.push(r);
        made.push((m, kept));
    }
    site.check_each(diags, |_| true, |i, d| check_links_of(site, &bodies, i, d));
    diags.extend(check_index_bodies(site, &bodies));
    (bodies, made)
}

/// Renders the Markdown of entry `i` (nothing for a draft that is not
/// built) with the problems found in it. Public so that `serve` can
/// re-render only the bodies an edit touches.
pub fn render_body(site: &Site, i: usize) -> (Rendered, Vec<Diagnostic>) {
    let mut d = Vec::new();
    if !site.visible(i) {
        return (Rendered::default(), d);
    }
    let r = markdown::render_in(site, &site.entries[i], &mut d);
    (r, d)
}

/// Checks the `@/` links and anchors of entry `i`'s body against the
/// other bodies. Public so that `serve` can re-check only the entries an
/// edit touches.
pub fn check_links_of(site: &Site, bodies: &[Rendered], i: usize, diags: &mut Diagnostics) {
    check_links(site, bodies, &site.entries[i], &bodies[i], diags);
}

/// The findings of the texts of the home page and the listings
/// (`_index.md`): their Markdown and their links and anchors, checked as
/// an entry's are against the entries' `bodies`. Their pages render the
/// same text again (see [`pages::page_context`]); these few files are small.
pub fn check_index_bodies(site: &Site, bodies: &[Rendered]) -> Vec<Diagnostic> {
    let mut diags = Diagnostics::new();
    for e in site.home.iter().chain(site.sections.values()) {
        let mut d = Vec::new();
        let body = markdown::render_in(site, e, &mut d);
        diags.extend(d);
        check_links(site, bodies, e, &body, &mut diags);
    }
    diags.into_vec()
}

/// Checks the `@/` links and anchors of `body`, the rendered text of `e`
/// (an entry or an `_index.md`), against the entries' `bodies`.
fn check_links(
    site: &Site,
    bodies: &[Rendered],
    e: &crate::entry::Entry,
    body: &Rendered,
    diags: &mut Diagnostics,
) {
    // Made at the first finding: a body may have thousands of links.
    let lines = std::cell::OnceCell::new();
    let lines = || lines.get_or_init(|| crate::diagnostics::LineIndex::new(&e.text));
    for link in &body.links {
        if link.target == e.source {
            // Within the text itself (an `_index.md` has no entry).
            if let Some(anchor) = &link.anchor {
                check_anchor(e, lines(), link, None, anchor, &body.anchors, diags);
            }
            continue;
        }
        let Some(&t) = site.by_source.get(&link.target) else {
            // Into a file with errors: its anchors, when its body
            // could be read.
            let known = site
                .rejected
                .get(&link.target)
                .and_then(|r| r.anchors.as_ref());
            if let (Some(known), Some(anchor)) = (known, &link.anchor) {
                check_anchor(e, lines(), link, None, anchor, known, diags);
            }
            continue;
        };
        if !site.visible(t) {
            diags.push(
                Diagnostic::warning(
                    &e.source,
                    link.pos,
                    format!(
                        "`{}` is a draft: the link leads to its listing until it is published",
                        link.target
                    ),
                )
                .with_source(lines()),
            );
            continue;
        }
        if let Some(anchor) = &link.anchor {
            // In a further language the target's text may be its
            // translation's, whose headings the message then names.
            let target = &site.entries[t].source;
            let named = (*target != link.target).then(|| {
                format!(
                    "{target} (the {} text of {})",
                    site.config.language.english_name(),
                    link.target
                )
            });
            check_anchor(
                e,
                lines(),
                link,
                named.as_deref(),
                anchor,
                &bodies[t].anchors,
                diags,
            );
        }
    }
}

/// Reports `anchor` of `link` in entry `e` unless it is one of `known`,
/// with the nearest ones; the target named `target` in the message (else
/// by the link's file).
fn check_anchor(
    e: &crate::entry::Entry,
    lines: &crate::diagnostics::LineIndex,
    link: &markdown::LinkRef,
    target: Option<&str>,
    anchor: &str,
    known: &[String],
    diags: &mut Diagnostics,
) {
    if known.iter().any(|a| a == anchor) {
        return;
    }
    let near = crate::diagnostics::nearest(anchor, known.iter().map(String::as_str), 3);
    let hint = if !near.is_empty() {
        format!(
            " — did you mean {}?",
            near.iter()
                .map(|n| format!("`#{n}`"))
                .collect::<Vec<_>>()
                .join(" or ")
        )
    } else if known.is_empty() {
        " (it has no headings)".to_string()
    } else {
        format!(
            "; its headings are {}",
            known
                .iter()
                .map(|n| format!("`#{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    diags.push(
        Diagnostic::error(
            &e.source,
            link.pos,
            format!(
                "broken anchor `#{anchor}`: {} has no heading with that id{hint}",
                target.unwrap_or(&link.target)
            ),
        )
        .with_source(lines),
    );
}

/// Checks that `image`/`logo` files exist under `static/`.
fn check_images(site: &Site, theme: &Theme, diags: &mut Diagnostics) {
    for i in 0..site.entries.len() {
        check_images_of(site, theme, i, diags);
    }
}

/// [`check_images`] for entry `i` alone, for `serve`.
pub fn check_images_of(site: &Site, theme: &Theme, i: usize, diags: &mut Diagnostics) {
    {
        let e = &site.entries[i];
        if !site.visible(i) {
            return;
        }
        let logo = match &e.data {
            KindData::Partner(p) => p.logo.as_ref(),
            _ => None,
        };
        // Images on other hosts were checked as links when read.
        let local = |img: &&crate::entry::Image| !crate::frontmatter::links::is_web_url(&img.src);
        // A photo needs its own words; a logo without them says whose it is.
        let photo = e.image.iter().map(|img| (img, "image"));
        let logo_use = logo.map(|img| (img, "logo"));
        for (img, field) in photo.chain(logo_use) {
            let why = crate::images::empty_alt(&img.alt);
            if let Some(why) = why.filter(|_| field == "image" || !img.alt.trim().is_empty()) {
                diags.push(
                    Diagnostic::warning(
                        &e.source,
                        img.pos,
                        format!(
                            "the {field} `{}` {why}: write `{field}: {{ src: {}, alt: … }}` with what the picture shows, for those who cannot see it",
                            img.src, img.src
                        ),
                    )
                    .with_source(&e.text),
                );
            }
        }
        for img in e.image.iter().chain(logo).filter(local) {
            if let Some(problem) = static_image_problem(site, theme, &img.src) {
                diags.push(Diagnostic::error(&e.source, img.pos, problem).with_source(&e.text));
            } else if let Some(d) = site.images.finding(&img.src) {
                diags.push(d.at(&e.source, img.pos).with_source(&e.text));
            }
        }
        if let KindData::Project(p) = &e.data {
            check_funder_logos(site, theme, e, &p.funders, diags);
        }
    }
}

/// What is wrong with the image `src` of `static/` (or of the theme's
/// static files), if anything: outside `static/`, reached through a
/// symbolic link (which the copy leaves out), or not there.
fn static_image_problem(site: &Site, theme: &Theme, src: &str) -> Option<String> {
    let rel = src.trim_start_matches('/');
    let file = site.config.root.join("static").join(rel);
    if rel.split(['/', '\\']).any(|part| part == "..") {
        Some(format!(
            "image `{src}` leads out of `static/`: give the path of a file inside `static/`, such as `bilder/foto.jpg`"
        ))
    } else if file.is_file() {
        match linked(&site.config.root, rel)? {
            Ok(target) => Some(format!(
                "image `{src}` is a symbolic link to `{}`, outside the site folder: copy the file into `static/`",
                target.display()
            )),
            Err(()) => Some(format!(
                "image `{src}` is reached through a symbolic link, and links in `static/` are not copied: put the file itself there"
            )),
        }
    } else if theme.static_files.iter().any(|(p, _)| p == rel) {
        None
    } else {
        Some(format!(
            "image `{src}` not found: there is no file `static/{rel}`"
        ))
    }
}

/// Warns about a funder's logo that has no alternative text or is not a
/// file [`static_image_problem`] accepts: the acknowledgement a funder
/// asks for must reach those who cannot see it too. Warnings, not errors:
/// the statement still stands without its logo.
fn check_funder_logos(
    site: &Site,
    theme: &Theme,
    e: &crate::entry::Entry,
    funders: &[crate::entry::Funder],
    diags: &mut Diagnostics,
) {
    for f in funders {
        let Some(logo) = &f.logo else { continue };
        let mut warn = |message: String| {
            diags.push(Diagnostic::warning(&e.source, logo.pos, message).with_source(&e.text));
        };
        if logo.alt.trim().is_empty() {
            warn(format!(
                "the logo of funder `{}` has no alternative text: write `logo: {{ src: {}, alt: … }}` with what the logo says",
                f.name, logo.src
            ));
        }
        if crate::frontmatter::links::is_web_url(&logo.src) {
            continue;
        }
        if let Some(problem) = static_image_problem(site, theme, &logo.src) {
            warn(format!(
                "the logo of funder `{}`: {problem} (tandem ships no funders' logos; put the file the funder provides there)",
                f.name
            ));
        } else if let Some(Finding::Error(m) | Finding::Warning(m)) = site.images.finding(&logo.src)
        {
            warn(format!("the logo of funder `{}`: {m}", f.name));
        }
    }
}

/// Whether the file `static/rel` of the site at `root` is reached
/// through a symbolic link (itself or a folder on its way), which the
/// copy of `static/` leaves out: `None` when it is not; where it leads
/// when that is outside the site; `Err` when inside.
fn linked(root: &Path, rel: &str) -> Option<Result<std::path::PathBuf, ()>> {
    let site = root.canonicalize().ok()?;
    let plain = root.join("static").canonicalize().ok()?.join(rel);
    let real = plain.canonicalize().ok()?;
    let plain: std::path::PathBuf = plain.components().collect();
    if real == plain {
        None
    } else if real.starts_with(&site) {
        Some(Err(()))
    } else {
        Some(Ok(real))
    }
}

/// Renders the whole site into memory. Content and template errors go to
/// `diags`; the output is only complete when `diags` has no errors.
pub fn render_site(site: &Site, diags: &mut Diagnostics) -> Output {
    let sink = MemorySink::default();
    render_site_into(site, &sink, diags);
    sink.into_output()
}

/// Renders every page, feed and static file of the site into `sink` as
/// soon as each is ready, in parallel.
pub fn render_site_into(site: &Site, sink: &dyn Sink, diags: &mut Diagnostics) {
    render_site_keeping(site, sink, diags, None);
}

/// Called with every page's context before it is rendered: `serve`
/// remembers what each page showed.
pub type Observe<'o> = dyn Fn(&Contexts, &Route, &pages::PageContext) + Sync + 'o;

/// What a build made besides the output, kept by `serve` to redo parts
/// of it after an edit (see [`render_site_keeping`]).
pub struct Kept {
    pub theme: Theme,
    /// The findings of loading the theme and the site's templates.
    pub theme_findings: Vec<Diagnostic>,
    /// Every entry's rendered body, whole.
    pub bodies: Vec<Rendered>,
    /// The findings of rendering each entry's body.
    pub body_findings: Vec<Vec<Diagnostic>>,
    /// Each listed event's VEVENTs, by entry.
    pub vevents: Vec<Option<String>>,
    pub cards: Vec<tera::Value>,
    /// Pages whose template failed, by output path.
    pub page_errors: BTreeMap<String, Diagnostic>,
    /// The static files as the output has them, and the findings of reading them.
    pub statics: BTreeMap<String, (Vec<u8>, Origin)>,
    pub static_findings: Vec<Diagnostic>,
    /// How many addresses two sources wanted.
    pub collisions: usize,
    /// Whether a subscription feed left upcoming events out (see
    /// [`feeds::calendar::within_budget`]).
    pub over_budget: bool,
}

/// [`render_site_into`]; with `observe`, every page's context is shown
/// to it, the bodies are kept whole, and what `serve` keeps is returned.
/// `None` without `observe`, or when the theme cannot be loaded.
///
/// A site in several languages is rendered once per language, by the
/// same steps: the further languages from [`Site::in_language`], into
/// their folder (`en/`). `serve` keeps what the main language made (and
/// rebuilds such a site in full on every edit).
pub fn render_site_keeping(
    site: &Site,
    sink: &dyn Sink,
    diags: &mut Diagnostics,
    observe: Option<&Observe>,
) -> Option<Kept> {
    let (kept, feeds_kept) = render_language(site, sink, diags, observe);
    if site.config.languages.len() > 1 {
        render_translations(site, sink, diags, feeds_kept);
    }
    kept
}

/// How many events each subscription feed holds, by owner (see
/// [`Site::feeds_kept`]).
type FeedsKept = std::collections::HashMap<Option<usize>, usize>;

/// The further languages of `site` (see [`render_site_keeping`]), whose
/// feeds hold as many events as `feeds_kept` says the main language's do.
fn render_translations(
    site: &Site,
    sink: &dyn Sink,
    diags: &mut Diagnostics,
    feeds_kept: FeedsKept,
) {
    let feeds_kept = std::sync::Arc::new(feeds_kept);
    let mut timer = crate::timing::Timer::new();
    // The `SEQUENCE` and `LAST-MODIFIED` the main language's feeds carry:
    // the other languages' feeds carry the same (see `feeds::calendar`).
    let stamps = Lock {
        records: crate::feeds::calendar::lock_records(site)
            .into_iter()
            .map(|r| (r.uid.clone(), r))
            .collect(),
    };
    timer.lap("languages: stamps");
    for &lang in &site.config.languages[1..] {
        let mut translated = site.in_language(lang);
        translated.lock = Some(stamps.clone());
        translated.feeds_kept = Some(feeds_kept.clone());
        timer.lap("languages: model");
        let folder = crate::output::InFolder {
            sink,
            folder: site.config.language_folder(lang),
        };
        render_language(&translated, &folder, diags, None);
        std::thread::spawn(move || drop(translated));
    }
}

/// One language of the site: [`render_site_keeping`] without the others;
/// and how many events its subscription feeds hold.
fn render_language(
    site: &Site,
    sink: &dyn Sink,
    diags: &mut Diagnostics,
    observe: Option<&Observe>,
) -> (Option<Kept>, FeedsKept) {
    let mut timer = crate::timing::Timer::new();
    let mut theme_findings = Diagnostics::new();
    let theme = Theme::load(&site.config, site.images.clone(), &mut theme_findings);
    let theme_findings = theme_findings.into_vec();
    diags.extend(theme_findings.iter().cloned());
    let Some(theme) = theme else {
        return (None, FeedsKept::new());
    };
    // What the files say, as opposed to the words: checked once, with
    // the main language.
    let main = !site.config.is_translation();
    if main {
        check_images(site, &theme, diags);
    }
    timer.lap("theme");
    let ctx = Contexts::new(site, &theme.labels, &[]);
    timer.lap("contexts");
    let keep = observe.is_some();
    let found = Found {
        diags: Mutex::new(Vec::new()),
        page_errors: keep.then(Default::default),
        collisions: AtomicUsize::new(0),
        over_budget: AtomicBool::new(false),
        feeds_kept: Mutex::new(FeedsKept::new()),
    };
    let render = |route: &Route, pc: pages::PageContext| {
        if let Some(observe) = observe {
            observe(&ctx, route, &pc);
        }
        put_page(sink, site, pages::render_context(&ctx, &theme, pc), &found);
    };
    // One pass per entry: its body is rendered, an event's VEVENTs are made
    // from the plain text (once for every feed that lists the event), and
    // the entry's page is rendered and written at once. Unless `serve`
    // keeps them, neither the plain text nor the HTML of all bodies is
    // ever held together; only the HTML of the posts the news feed
    // carries is kept.
    let in_feeds = feed_events(site);
    let mut in_atom = vec![false; site.entries.len()];
    for i in feeds::atom::posts(site) {
        in_atom[i] = true;
    }
    let search_on = site.config.search;
    // The index's postings, one set per thread of the pool (and one for
    // a caller outside it), so that each stays in its core's cache.
    let doc_numbers = if search_on {
        crate::search::doc_numbers(site)
    } else {
        Vec::new()
    };
    let threads = rayon::current_num_threads();
    let indexes: Vec<Mutex<crate::search::Index>> =
        (0..=threads).map(|_| Mutex::default()).collect();
    let entries = |diags: &mut Diagnostics| {
        render_bodies_with(site, diags, keep, |i, body| {
            // An event's `event.ics` is written here, with its whole text;
            // the subscription feeds get the start of it (`text_start`),
            // kept until every feed is written.
            let vevent = in_feeds[i].then(|| {
                let both = feeds::calendar::event_vevents_both(site, i, &body.plain);
                let ics = Route::EventIcs(i);
                if let (Some(made), Some(path)) = (
                    feeds::make(&ics, site, &[], &|_| both.whole.as_str()),
                    ics.path(site),
                ) {
                    put_parts(sink, site, &path, &made.slices(), &ics.origin(site), &found);
                }
                let mut v = both.subscribed;
                v.shrink_to_fit();
                v
            });
            if site.visible(i) {
                render(&Route::Entry(i), pages::entry_page_context(&ctx, i, body));
                if main {
                    found.extend(routes::alias_findings(site, i));
                }
            }
            let record = match doc_numbers.get(i).copied().flatten() {
                Some(doc) => crate::search::record(&ctx, i).inspect(|record| {
                    let own = rayon::current_thread_index().map_or(threads, |t| t.min(threads));
                    let mut index = indexes[own].lock().unwrap_or_else(|p| p.into_inner());
                    index.add(doc, record, &body.plain);
                }),
                None => None,
            };
            if !keep {
                // What only the entry's own page shows; the anchors and
                // links stay for checking the other bodies' links.
                body.plain = String::new();
                body.excerpt = String::new();
                body.toc = Vec::new();
                if !in_atom[i] {
                    body.html = String::new();
                }
            }
            (vevent, record)
        })
    };
    // The other pages (home, listings, archives, aliases) need only the
    // cards: they are made alongside, so that the few large listings do
    // not leave a core idle at the end.
    let other_pages = || {
        let pages = Route::pages(site);
        pages.par_iter().for_each(|route| {
            // An entry's page is written with its body; an alias that is
            // no site path has no page (its finding comes with the entry).
            if !matches!(route, Route::Entry(_))
                && let Some(pc) = pages::page_context(&ctx, &theme, route)
            {
                render(route, pc);
            }
        });
    };
    let ((bodies, made), ()) = rayon::join(|| entries(diags), other_pages);
    let (made, body_findings): (Vec<_>, Vec<Vec<Diagnostic>>) = made.into_iter().unzip();
    let (vevents, records): (Vec<Option<String>>, Vec<Option<crate::search::Record>>) =
        made.into_iter().unzip();
    timer.lap("pages");
    // The search index is made while the feeds are written.
    let records: Vec<crate::search::Record> = records.into_iter().flatten().collect();
    let write_search = || {
        if !search_on {
            return;
        }
        let records: Vec<&crate::search::Record> = records.iter().collect();
        let indexes = indexes
            .iter()
            .map(|m| std::mem::take(&mut *m.lock().unwrap_or_else(|p| p.into_inner())))
            .collect();
        crate::search::write(&records, indexes, &|path, bytes| {
            add(sink, site, &path, &bytes, &Origin::Search, &found);
        });
    };
    // Feeds last, from the VEVENTs made with the bodies. The cards and the
    // components rendered from them are freed meanwhile (freeing them
    // after the feeds would leave a core idle), before the index is made,
    // so that the two are never held together.
    let cards = if keep {
        rayon::join(
            || write_feeds(site, &bodies, &vevents, sink, &found),
            write_search,
        );
        ctx.into_cards()
    } else {
        rayon::join(
            || write_feeds(site, &bodies, &vevents, sink, &found),
            move || {
                drop(ctx);
                write_search()
            },
        );
        Vec::new()
    };
    timer.lap("feeds");

    let mut read = Diagnostics::new();
    // Once, at the site's root, for every language.
    let statics = if main {
        static_files(site, &theme, &mut read)
    } else {
        BTreeMap::new()
    };
    for (rel, (bytes, origin)) in &statics {
        add(sink, site, rel, bytes, origin, &found);
    }
    let static_findings = read.into_vec();
    diags.extend(static_findings.iter().cloned());
    diags.extend(found.diags.into_inner().unwrap_or_else(|p| p.into_inner()));
    timer.lap("static");
    let feeds_kept =
        std::mem::take(&mut *found.feeds_kept.lock().unwrap_or_else(|p| p.into_inner()));
    if !keep {
        rayon::join(move || drop(vevents), move || drop(bodies));
        return (None, feeds_kept);
    }
    let kept = Kept {
        theme,
        theme_findings,
        bodies,
        body_findings,
        vevents,
        cards,
        page_errors: found
            .page_errors
            .map(|m| m.into_inner().unwrap_or_else(|p| p.into_inner()))
            .unwrap_or_default(),
        statics,
        static_findings,
        collisions: found.collisions.into_inner(),
        over_budget: found.over_budget.into_inner(),
    };
    (Some(kept), feeds_kept)
}

/// What the parallel parts of a build found: findings, and for `serve`
/// the pages whose template failed and how many addresses collided.
struct Found {
    diags: Mutex<Vec<Diagnostic>>,
    page_errors: Option<Mutex<BTreeMap<String, Diagnostic>>>,
    collisions: AtomicUsize,
    over_budget: AtomicBool,
    feeds_kept: Mutex<FeedsKept>,
}

impl Found {
    fn push(&self, d: Diagnostic) {
        self.extend([d]);
    }

    fn extend(&self, d: impl IntoIterator<Item = Diagnostic>) {
        let mut diags = self.diags.lock().unwrap_or_else(|p| p.into_inner());
        diags.extend(d);
    }
}

/// Hands a rendered page to the sink, or its template error to `found`.
fn put_page(sink: &dyn Sink, site: &Site, page: pages::Page, found: &Found) {
    match page.html {
        Ok(html) => add(sink, site, &page.path, &html, &page.origin, found),
        Err(d) => {
            if let Some(errors) = &found.page_errors {
                let mut errors = errors.lock().unwrap_or_else(|p| p.into_inner());
                errors.insert(page.path, d.clone());
            }
            found.push(d);
        }
    }
}

/// Hands one file to the sink; two sources for one address are an error
/// that names both (in a fixed order, whichever thread came first).
fn add(sink: &dyn Sink, site: &Site, path: &str, bytes: &[u8], origin: &Origin, found: &Found) {
    put_parts(sink, site, path, &[bytes], origin, found);
}

/// [`add`] for a file written from several parts.
fn put_parts(
    sink: &dyn Sink,
    site: &Site,
    path: &str,
    parts: &[&[u8]],
    origin: &Origin,
    found: &Found,
) {
    let Err(crate::output::Claimed { first }) = sink.put_parts(path, parts, origin) else {
        return;
    };
    found
        .collisions
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let (a, b) = if first <= *origin {
        (&first, origin)
    } else {
        (origin, &first)
    };
    let (a, b) = (source_of(site, a), source_of(site, b));
    // Shown where the author can change something: an alias first, then
    // a content file, then a static file.
    let (here, other) = if a.rank > b.rank { (a, b) } else { (b, a) };
    let (file, pos) = here
        .at
        .clone()
        .unwrap_or_else(|| ("content".to_string(), Pos::START));
    let mut d = Diagnostic::error(
        file,
        pos,
        format!(
            "two sources write `{path}`: {} and {}",
            here.what, other.what
        ),
    );
    if let Some(text) = here.text {
        d = d.with_source(text);
    }
    // A static file has no lines: its path alone.
    match (&other.at, other.text) {
        (Some((file, pos)), Some(_)) => {
            d = d.with_note(format!("{file}:{}:{}: the other source", pos.line, pos.col))
        }
        (Some((file, _)), None) => d = d.with_note(format!("{file}: the other source")),
        (None, _) => {}
    }
    found.push(d);
}

/// Where a writer of the output comes from, told from its origin (see
/// [`Route::origin`]): words for messages, and
/// the file and place an author can change, if any.
struct Source<'s> {
    what: String,
    at: Option<(String, Pos)>,
    /// The text of a content file, for the line shown.
    text: Option<&'s str>,
    /// 3 an alias, 2 a content file, 1 a static file, 0 made by tandem.
    rank: u8,
}

fn source_of<'s>(site: &'s Site, origin: &Origin) -> Source<'s> {
    let made = |what: String| Source {
        what,
        at: None,
        text: None,
        rank: 0,
    };
    let file = |source: &str, what: String, text: Option<&'s str>, rank: u8| Source {
        what,
        at: Some((source.to_string(), Pos::START)),
        text,
        rank,
    };
    let entry = |source: &str| site.by_source.get(source).map(|&i| &site.entries[i]);
    match origin {
        // The alias's own line.
        Origin::Alias { alias, source } => {
            let e = entry(source);
            let pos = e
                .and_then(|e| e.aliases.iter().find(|a| &a.value == alias))
                .map_or(Pos::START, |a| a.pos);
            Source {
                at: Some((source.to_string(), pos)),
                ..file(source, origin.to_string(), e.map(|e| e.text.as_str()), 3)
            }
        }
        Origin::Entry(source) => file(
            source,
            source.to_string(),
            entry(source).map(|e| e.text.as_str()),
            2,
        ),
        Origin::Static(_) => file(&origin.to_string(), origin.to_string(), None, 1),
        Origin::ThemeStatic(name) => made(format!("the theme's file `{name}`")),
        Origin::Home => match &site.home {
            Some(h) => file(
                &h.source,
                format!("the home page ({})", h.source),
                Some(&h.text),
                2,
            ),
            None => made("the home page, which tandem makes".into()),
        },
        Origin::Archive(year) => made(format!("the events archive of {year}, which tandem makes")),
        Origin::Listing(kind) => {
            let what = format!("the {} listing", kind.folder());
            match site.sections.get(kind) {
                Some(s) => file(
                    &s.source,
                    format!("{what} ({})", s.source),
                    Some(&s.text),
                    2,
                ),
                None => made(format!("{what}, which tandem makes")),
            }
        }
        Origin::Legal(name) => {
            let path = site.config.root.join(crate::config::CONFIG_FILE);
            let pos = crate::config::find_key_in(&path, "legal");
            Source {
                at: Some((crate::config::CONFIG_FILE.to_string(), pos)),
                ..made(format!(
                    "the {name}/ page tandem writes from `legal` in site.yaml (a plain page content/{name}.md replaces it)"
                ))
            }
        }
        Origin::NotFound
        | Origin::SiteCalendar
        | Origin::News
        | Origin::Sitemap
        | Origin::EventsJson => made(format!("the {origin}, which tandem makes")),
        Origin::Search => made(format!(
            "the {origin} tandem writes into `{}/` (`search: false` in site.yaml leaves it out)",
            crate::search::DATA
        )),
    }
}

/// Which entries are events listed in the feeds (drafts that are not
/// built are not).
fn feed_events(site: &Site) -> Vec<bool> {
    let mut listed = vec![false; site.entries.len()];
    for &i in site
        .of_kind
        .get(&Kind::Event)
        .map_or(&[][..], Vec::as_slice)
    {
        listed[i] = true;
    }
    listed
}

/// Writes every feed of [`Route::feeds`]: `vevents` holds each
/// event's VEVENTs by entry index, `bodies` the posts of the news feed.
fn write_feeds(
    site: &Site,
    bodies: &[Rendered],
    vevents: &[Option<String>],
    sink: &dyn Sink,
    found: &Found,
) {
    let lookup = |i: usize| vevents[i].as_deref().unwrap_or_default();
    // Every feed is independent of the others: the site calendar (the
    // largest) first, then the others. Each `event.ics` was written with
    // its event's body, from its whole text.
    let feeds: Vec<Route> = Route::feeds(site)
        .into_iter()
        .filter(|r| !matches!(r, Route::EventIcs(_)))
        .collect();
    feeds.par_iter().with_max_len(1).for_each(|feed| {
        let (Some(made), Some(path)) = (feeds::make(feed, site, bodies, &lookup), feed.path(site))
        else {
            return;
        };
        if let feeds::Made::Parts(parts) = &made {
            let owner = match feed {
                Route::Calendar(i) => Some(*i),
                _ => None,
            };
            let mut kept = found.feeds_kept.lock().unwrap_or_else(|p| p.into_inner());
            kept.insert(owner, parts.kept);
        }
        if let feeds::Made::Parts(parts) = &made
            && let Some(left_out) = &parts.left_out
        {
            found.over_budget.store(true, Ordering::Relaxed);
            found.push(over_budget(site, &path, left_out));
        }
        put_parts(sink, site, &path, &made.slices(), &feed.origin(site), found);
    });
}

/// The warning for a subscription feed whose upcoming events did not all
/// fit its budget. It points at `site.yaml`, where the budget is set.
fn over_budget(site: &Site, path: &str, l: &feeds::calendar::LeftOut) -> Diagnostic {
    let cal = &site.config.calendar;
    let from = l
        .from
        .with_timezone(&site.config.timezone)
        .format("%Y-%m-%d");
    Diagnostic::warning(
        crate::config::CONFIG_FILE,
        crate::diagnostics::Pos::START,
        format!(
            "the subscription feed `{path}` keeps {} of its {} upcoming events: all of them would take {} bytes, over its budget of {} events and {} bytes (`calendar.max_events`, `calendar.max_bytes`); the events from {from} on are left out",
            l.kept, l.upcoming, l.bytes, cal.max_events, cal.max_bytes
        ),
    )
    .with_note("clients such as Google Calendar stop reading a feed of about 1 MB or 1,000 events; the events stay on the site and in their own event.ics")
}

/// Everything `build`, `check` and `serve` need from one run.
pub struct Built {
    pub site: Option<Site>,
    pub output: Output,
    pub diags: Diagnostics,
}

/// Loads, checks and renders a site into memory.
pub fn build_in_memory(root: &Path, overrides: &Overrides) -> Built {
    let mut diags = Diagnostics::new();
    let site = load_site(root, overrides, &mut diags);
    let output = match &site {
        Some(site) => render_site(site, &mut diags),
        None => Output::default(),
    };
    diags.sort();
    Built {
        site,
        output,
        diags,
    }
}

/// What [`build_to_disk`] did.
pub enum Written {
    /// Content or template errors (see the diagnostics): nothing written,
    /// the previous output untouched.
    Failed,
    /// The new output is in place, with this many files.
    Done {
        files: usize,
        /// What the images of `static/` cost: made anew or from the cache.
        images: crate::images::Stats,
    },
    /// The output folder was refused or writing failed; the previous
    /// output is untouched.
    Output(crate::output::OutputError),
}

/// Loads, checks and renders a site straight into a staging folder beside
/// `out`, which replaces `out` only when the whole build succeeded. Pages
/// and feeds go to disk as soon as they are rendered, so memory does not
/// grow with the size of the output.
pub fn build_to_disk(
    root: &Path,
    overrides: &Overrides,
    out: &Path,
    deny_warnings: bool,
    lock_use: LockUse,
) -> (Diagnostics, Written) {
    let mut diags = Diagnostics::new();
    // A preview with drafts never touches the lock: a draft must not
    // enter it, or leaving it out later would "cancel" it. Nor does a
    // build for another address (`--base-url`): its UIDs may be another
    // domain's.
    let want_lock =
        !overrides.drafts && overrides.base_url.is_none() && lock_use != LockUse::Ignore;
    let Some((site, next)) = load_site_and_lock(root, overrides, &mut diags, want_lock) else {
        diags.sort();
        return (diags, Written::Failed);
    };
    // Written only when it changed, compared as records: most builds
    // change nothing, and a large site's lock is tens of megabytes.
    let new_lock = next
        .filter(|next| site.lock.as_ref() != Some(next))
        .map(|next| next.to_text());
    if let (LockUse::Locked, Some(_)) = (lock_use, &new_lock) {
        diags.push(lock_would_change(&site));
        diags.sort();
        return (diags, Written::Failed);
    }
    let staging = match Staging::new(root, out) {
        Ok(s) => s,
        Err(e) => return (diags, Written::Output(e)),
    };
    render_site_into(&site, &staging, &mut diags);
    diags.sort();
    if deny_warnings {
        diags.deny_warnings();
    }
    if diags.has_errors() {
        drop(staging);
        return (diags, Written::Failed);
    }
    let files = staging.len();
    let images = site.images.stats();
    let mut timer = crate::timing::Timer::new();
    let result = staging.commit();
    timer.lap("swap");
    // Freeing the tens of thousands of small values of a large site takes
    // a noticeable share of the build; the caller needs only the result,
    // so another thread does it (the CLI exits without waiting for it).
    std::thread::spawn(move || drop(site));
    if let (Ok(()), Some(text)) = (&result, new_lock)
        && let Err(e) = crate::output::replace_file(&root.join(LOCK_FILE), text.as_bytes())
    {
        diags.push(Diagnostic::io(LOCK_FILE, format!("cannot write it: {e}")));
        return (diags, Written::Failed);
    }
    match result {
        Ok(()) => (diags, Written::Done { files, images }),
        Err(e) => (diags, Written::Output(e)),
    }
}

/// What `build` does with `calendar.lock`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LockUse {
    /// Writes what changed (`build`).
    Update,
    /// Fails instead of changing it (`build --locked`, for CI).
    Locked,
    /// Neither reads a new one nor writes it (tools and tests).
    Ignore,
}

/// The error of `build --locked` when the lock would change.
fn lock_would_change(site: &Site) -> Diagnostic {
    let exists = site.lock.is_some();
    let message = if exists {
        "the calendar feeds changed in a way subscribers act on (an event's time, place, title or status, or an event added or gone), so `calendar.lock` would change, and `--locked` forbids that"
    } else {
        "there is no `calendar.lock` yet, and `--locked` forbids writing one"
    };
    Diagnostic::error(LOCK_FILE, crate::diagnostics::Pos::START, message).with_note(
        "run `tandem build` without `--locked` and commit `calendar.lock` with the content; the output was left as it was",
    )
}

/// The static files of the output: the theme's, with the site's own
/// `static/` winning over a theme file of the same name. Returns
/// (path, (bytes, origin)).
pub fn static_files(
    site: &Site,
    theme: &Theme,
    diags: &mut Diagnostics,
) -> std::collections::BTreeMap<String, (Vec<u8>, Origin)> {
    let mut statics: std::collections::BTreeMap<String, (Vec<u8>, Origin)> = theme
        .static_files
        .iter()
        .map(|(p, b)| (p.clone(), (b.clone(), Origin::ThemeStatic(p.clone()))))
        .collect();
    let static_dir = site.config.root.join("static");
    if static_dir.is_dir() {
        for item in content::walk_inside(&site.config.root, &static_dir, content::Links::LeaveOut) {
            let item = match item {
                Ok(item) => item,
                Err(d) => {
                    diags.push(d);
                    continue;
                }
            };
            if !item.file_type().is_file() {
                continue;
            }
            let rel = content::rel_path(&static_dir, item.path());
            match std::fs::read(item.path()) {
                Ok(b) => {
                    let b = if rel.to_ascii_lowercase().ends_with(".svg") {
                        match safe_svg(&rel, b, diags) {
                            Some(b) => b,
                            None => continue,
                        }
                    } else {
                        b
                    };
                    statics.insert(rel.clone(), (b, Origin::Static(rel.clone())));
                }
                Err(e) => diags.push(Diagnostic::io(
                    format!("static/{rel}"),
                    format!("cannot read: {e}"),
                )),
            }
        }
    }
    // The copies of its JPEGs and PNGs (see `crate::images`).
    for (path, bytes, original) in site.images.files() {
        statics.insert(
            path.to_string(),
            (bytes.to_vec(), Origin::Static(original.to_string())),
        );
    }
    for (rel, why) in site.images.failures() {
        diags.push(Diagnostic::warning(
            format!("static/{rel}"),
            Pos::START,
            format!("{why}; it is published as it is, without smaller copies"),
        ));
    }
    statics
}

/// An SVG of `static/` without scripts (see [`crate::images::svg`]), with
/// a warning naming what was removed; `None` (and an error) when it is not
/// well-formed, as a browser would show nothing of it either.
fn safe_svg(rel: &str, bytes: Vec<u8>, diags: &mut Diagnostics) -> Option<Vec<u8>> {
    match crate::images::svg::sanitize(&bytes) {
        Ok((clean, removed)) => {
            if !removed.is_empty() {
                diags.push(Diagnostic::warning(
                    format!("static/{rel}"),
                    Pos::START,
                    format!(
                        "removed {} from this SVG: it is published without them, as a script in an image would run with the site's rights",
                        removed.join(", ")
                    ),
                ));
            }
            Some(clean)
        }
        Err((why, offset)) => {
            let upto = String::from_utf8_lossy(&bytes[..(offset as usize).min(bytes.len())]);
            let line = upto.matches('\n').count() + 1;
            let col = upto.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            diags.push(Diagnostic::error(
                format!("static/{rel}"),
                Pos::new(line, col),
                format!("this SVG is not well-formed XML ({why}), so tandem cannot remove scripts from it; fix the file or export it again"),
            ));
            None
        }
    }
}
