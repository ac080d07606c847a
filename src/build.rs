//! The pipeline from a site folder to a complete [`Output`] in memory:
//! settings → content → model → Markdown → pages → feeds → static files.
//! `build` then writes the output to disk; `serve` answers from it.

use crate::config::{Config, Overrides};
use crate::content;
use crate::diagnostics::{Diagnostic, Diagnostics, Pos};
use crate::feeds;
use crate::model::Site;
use crate::model::entry::{Kind, KindData};
use crate::output::Output;
use crate::render::context::Contexts;
use crate::render::markdown::{self, Rendered};
use crate::render::pages;
use crate::render::theme::Theme;
use rayon::prelude::*;
use std::path::Path;

/// Loads and checks a site: settings, entries, references, warnings.
/// `None` when the settings are unusable.
pub fn load_site(root: &Path, overrides: &Overrides, diags: &mut Diagnostics) -> Option<Site> {
    let mut timer = crate::timing::Timer::new();
    let config = Config::load(root, overrides, diags)?;
    let loaded = content::load(&config, diags);
    timer.lap("load");
    let site = Site::new(config, loaded, diags);
    timer.lap("model");
    site.lint(diags);
    timer.lap("lint");
    Some(site)
}

/// Renders every entry's Markdown and checks every `@/` link and anchor.
pub fn render_bodies(site: &Site, diags: &mut Diagnostics) -> Vec<Rendered> {
    let results: Vec<(Rendered, Vec<Diagnostic>)> = (0..site.entries.len())
        .into_par_iter()
        .map(|i| render_body(site, i))
        .collect();
    let mut bodies = Vec::with_capacity(results.len());
    for (r, d) in results {
        diags.extend(d);
        bodies.push(r);
    }
    for i in 0..bodies.len() {
        check_links_of(site, &bodies, i, diags);
    }
    bodies
}

/// Renders the Markdown of entry `i` (nothing for a draft that is not
/// built) with the problems found in it. Public so that `serve` can
/// re-render only the bodies an edit touches.
pub fn render_body(site: &Site, i: usize) -> (Rendered, Vec<Diagnostic>) {
    let address = |source: &str| -> Option<String> {
        let &i = site.by_source.get(source)?;
        if site.visible(i) {
            Some(site.config.link(&site.rel_url(i)))
        } else {
            // A draft has no page: point at its kind's listing (the warning says why).
            Some(
                site.config
                    .link(&format!("{}/", site.entries[i].kind.folder())),
            )
        }
    };
    let mut d = Vec::new();
    if !site.visible(i) {
        return (Rendered::default(), d);
    }
    let r = markdown::render(&site.entries[i], &site.config.base_path, &address, &mut d);
    (r, d)
}

/// Checks the `@/` links and anchors of entry `i`'s body against the
/// other bodies. Public so that `serve` can re-check only the entries an
/// edit touches.
pub fn check_links_of(site: &Site, bodies: &[Rendered], i: usize, diags: &mut Diagnostics) {
    {
        let body = &bodies[i];
        let e = &site.entries[i];
        for link in &body.links {
            let Some(&t) = site.by_source.get(&link.target) else {
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
                    .with_source(&e.text),
                );
                continue;
            }
            let Some(anchor) = &link.anchor else { continue };
            if !bodies[t].anchors.iter().any(|a| a == anchor) {
                let known = &bodies[t].anchors;
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
                            link.target
                        ),
                    )
                    .with_source(&e.text),
                );
            }
        }
    }
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
        for img in e.image.iter().chain(logo) {
            let rel = img.src.trim_start_matches('/');
            let exists = site.config.root.join("static").join(rel).is_file()
                || theme.static_files.iter().any(|(p, _)| p == rel);
            if !exists {
                diags.push(
                    Diagnostic::error(
                        &e.source,
                        img.pos,
                        format!(
                            "image `{}` not found: there is no file `static/{rel}`",
                            img.src
                        ),
                    )
                    .with_source(&e.text),
                );
            }
        }
    }
}

/// Renders the whole site into memory. Content and template errors go to
/// `diags`; the output is only complete when `diags` has no errors.
pub fn render_site(site: &Site, diags: &mut Diagnostics) -> Output {
    let mut timer = crate::timing::Timer::new();
    let mut out = Output::default();
    let Some(theme) = Theme::load(&site.config, diags) else {
        return out;
    };
    check_images(site, &theme, diags);
    timer.lap("theme");
    let bodies = render_bodies(site, diags);
    timer.lap("markdown");
    let ctx = Contexts::new(site, &theme.labels, &bodies);
    timer.lap("contexts");

    let jobs = pages::jobs(site);
    let rendered = pages::render_jobs(&ctx, &theme, &jobs);
    timer.lap("pages");
    for (job, page) in jobs.iter().zip(rendered) {
        if let pages::Job::Alias { entry, path } = job {
            if pages::alias_path(path).is_none() {
                let e = &site.entries[*entry];
                let pos = e
                    .aliases
                    .iter()
                    .find(|a| &a.value == path)
                    .map_or(Pos::START, |a| a.pos);
                diags.push(
                    Diagnostic::error(
                        &e.source,
                        pos,
                        format!("alias `{path}` is not a site path such as `alte-seite/`"),
                    )
                    .with_source(&e.text),
                );
                continue;
            }
        }
        match page.html {
            Ok(html) => add(
                &mut out,
                site,
                page.path,
                html.into_bytes(),
                page.origin,
                diags,
            ),
            Err(d) => diags.push(d),
        }
    }

    timer.lap("collect");
    write_feeds(site, &bodies, &mut out, diags);
    timer.lap("feeds");

    // Static files: the site's own win over the theme's of the same name.
    let mut statics: std::collections::BTreeMap<String, (Vec<u8>, String)> = theme
        .static_files
        .iter()
        .map(|(p, b)| (p.clone(), (b.clone(), format!("theme static file {p}"))))
        .collect();
    let static_dir = site.config.root.join("static");
    if static_dir.is_dir() {
        for item in walkdir::WalkDir::new(&static_dir)
            .sort_by_file_name()
            .into_iter()
            .flatten()
        {
            if !item.file_type().is_file() {
                continue;
            }
            let rel = content::rel_path(&static_dir, item.path());
            match std::fs::read(item.path()) {
                Ok(b) => {
                    statics.insert(rel.clone(), (b, format!("static/{rel}")));
                }
                Err(e) => diags.push(Diagnostic::error(
                    format!("static/{rel}"),
                    Pos::START,
                    format!("cannot read: {e}"),
                )),
            }
        }
    }
    for (rel, (bytes, origin)) in statics {
        add(&mut out, site, rel, bytes, origin, diags);
    }
    out
}

fn add(
    out: &mut Output,
    site: &Site,
    path: String,
    bytes: Vec<u8>,
    origin: String,
    diags: &mut Diagnostics,
) {
    if let Err(first) = out.add(path.clone(), bytes, origin.clone()) {
        let file = |o: &str| {
            o.split_whitespace()
                .find(|w| w.starts_with("content/") || w.starts_with("static/"))
                .map(str::to_string)
        };
        let here = file(&origin).unwrap_or_else(|| origin.clone());
        let pos = site
            .by_source
            .get(&here)
            .and_then(|&i| {
                let e = &site.entries[i];
                e.aliases
                    .iter()
                    .find(|a| pages::alias_path(&a.value).as_deref() == Some(path.as_str()))
                    .map(|a| a.pos)
            })
            .unwrap_or(Pos::START);
        diags.push(
            Diagnostic::error(
                here,
                pos,
                format!("two sources write `{path}`: {origin} and {first}"),
            )
            .with_note(format!(
                "{}:1:1: the other source",
                file(&first).unwrap_or(first.clone())
            )),
        );
    }
}

fn write_feeds(site: &Site, bodies: &[Rendered], out: &mut Output, diags: &mut Diagnostics) {
    let events: Vec<usize> = site.of_kind.get(&Kind::Event).cloned().unwrap_or_default();
    // Each event's VEVENTs are written once and shared by every feed.
    let vevents: Vec<(usize, String)> = events
        .par_iter()
        .map(|&i| (i, feeds::calendar::event_vevents(site, i, &bodies[i].plain)))
        .collect();
    let mut by_entry: Vec<Option<&str>> = vec![None; site.entries.len()];
    for (i, v) in &vevents {
        by_entry[*i] = Some(v.as_str());
    }
    let lookup = |i: usize| by_entry[i].unwrap_or_default();

    let mut feeds_out: Vec<(String, String, String)> = Vec::new();
    feeds_out.par_extend(vevents.par_iter().map(|(i, v)| {
        (
            format!("{}event.ics", site.rel_url(*i)),
            feeds::calendar::event_ics(site, *i, v),
            site.entries[*i].source.clone(),
        )
    }));
    let owners: Vec<usize> = (0..site.entries.len())
        .filter(|&i| site.visible(i) && site.entries[i].kind.has_feed())
        .collect();
    let owner_feeds: Vec<(String, String, String)> = owners
        .par_iter()
        .map(|&i| {
            let e = &site.entries[i];
            let name = feeds::calendar::feed_name(site, Some(i));
            (
                format!("{}calendar.ics", site.rel_url(i)),
                feeds::calendar::calendar(site, &name, &site.links[i].events, &lookup),
                e.source.clone(),
            )
        })
        .collect();
    feeds_out.extend(owner_feeds);
    feeds_out.push((
        "calendar.ics".into(),
        feeds::calendar::calendar(
            site,
            &feeds::calendar::feed_name(site, None),
            &events,
            &lookup,
        ),
        "site calendar".into(),
    ));
    for (path, text, origin) in feeds_out {
        add(out, site, path, text.into_bytes(), origin, diags);
    }

    add(
        out,
        site,
        "atom.xml".into(),
        feeds::atom::atom(site, bodies).into_bytes(),
        "news feed".into(),
        diags,
    );

    let mut pages: Vec<(String, Option<String>)> = vec![(String::new(), None)];
    pages.extend(
        Kind::SECTIONS
            .iter()
            .map(|k| (format!("{}/", k.folder()), None)),
    );
    pages.extend(
        pages::archive_years(site)
            .into_iter()
            .map(|y| (format!("events/archive/{y}/"), None)),
    );
    for (i, e) in site.entries.iter().enumerate() {
        if site.visible(i) {
            let lastmod = e.updated.map(|u| u.date().format("%Y-%m-%d").to_string());
            pages.push((site.rel_url(i), lastmod));
        }
    }
    add(
        out,
        site,
        "sitemap.xml".into(),
        feeds::sitemap::sitemap(&site.config.base_url, &pages).into_bytes(),
        "sitemap".into(),
        diags,
    );
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
