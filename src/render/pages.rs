//! Every HTML page of the site: home, listings, yearly event archives,
//! entry pages, plain pages, aliases and the 404 page, each a [`Job`] that
//! `build` and `serve` render in parallel.

use super::context::{Contexts, Vars};
use super::markdown::Rendered;
use super::theme::Theme;
use crate::diagnostics::Diagnostic;
use crate::entry::Kind;
use crate::model::Site;
use crate::output::Origin;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use tera::Value as TValue;

/// How many upcoming events the home page shows.
pub const HOME_EVENTS: usize = 8;
/// How many more upcoming events the home page holds back, hidden, to
/// fill in for those that pass after the build.
pub const HOME_SPARE: usize = 4;
/// How many networks and projects the home page shows; their listings
/// have the rest (a site with hundreds of them keeps a light home page).
pub const HOME_NETWORKS: usize = 12;
pub const HOME_PROJECTS: usize = 9;
/// How many recent past events the events listing shows before the archive links.
pub const RECENT_PAST: usize = 12;

/// One page to render: its output path, its origin and what it shows.
#[derive(Clone, Debug, PartialEq)]
pub enum Job {
    Home,
    Listing(Kind),
    Archive(i32),
    Entry(usize),
    Alias { entry: usize, path: String },
    NotFound,
}

pub struct Page {
    pub path: String,
    pub origin: Origin,
    pub html: Result<Vec<u8>, Diagnostic>,
}

/// The output path of an alias (`alte-seite/` → `alte-seite/index.html`).
pub fn alias_path(alias: &str) -> Option<String> {
    let a = alias.trim().trim_start_matches('/');
    if a.is_empty() || a.split('/').any(|s| s == ".." || s == ".") || a.contains('\\') {
        return None;
    }
    Some(if a.ends_with(".html") {
        a.to_string()
    } else {
        format!("{}/index.html", a.trim_end_matches('/'))
    })
}

/// Years that have past events, newest first.
pub fn archive_years(site: &Site) -> Vec<i32> {
    years_of(site, past_events(site))
}

/// The archive years of `past` events, newest first.
fn years_of(site: &Site, past: impl Iterator<Item = usize>) -> Vec<i32> {
    let mut years: Vec<i32> = past.filter_map(|i| last_year(site, i)).collect();
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    years
}

/// [`past_events`], worked out once per build by the first page that
/// needs them (the events listing and every archive page do).
fn past_once<'c>(ctx: &'c Contexts) -> &'c [usize] {
    ctx.past.get_or_init(|| past_events(ctx.site).collect())
}

/// The archive pages' years and addresses, for their links.
fn archive_links(ctx: &Contexts) -> Vec<Value> {
    let site = ctx.site;
    ctx.years
        .get_or_init(|| years_of(site, past_once(ctx).iter().copied()))
        .iter()
        .map(|y| json!({"year": y, "url": site.config.link(&format!("events/archive/{y}/"))}))
        .collect()
}

/// The year a past event is filed under: that of its last date, which is
/// also the date its card shows.
fn last_year(site: &Site, i: usize) -> Option<i32> {
    site.entries[i]
        .event()
        .and_then(|e| e.schedule.occurrences.last())
        .map(|o| chrono::Datelike::year(&o.start.date()))
}

/// Visible events that are over at build time (`past`), or not yet.
fn events_by_past(site: &Site, past: bool) -> Vec<usize> {
    let now = site.config.now;
    site.of_kind
        .get(&Kind::Event)
        .into_iter()
        .flatten()
        .copied()
        .filter(|&i| {
            site.entries[i]
                .event()
                .is_some_and(|e| e.schedule.is_past(now) == past)
        })
        .collect()
}

/// Past events, oldest first, ordered by their last date.
fn past_events(site: &Site) -> impl Iterator<Item = usize> + '_ {
    let mut list = events_by_past(site, true);
    list.sort_by_cached_key(|&i| {
        (
            site.entries[i]
                .event()
                .and_then(|e| e.schedule.occurrences.last())
                .map(|o| o.start_utc),
            site.entries[i].id.clone(),
        )
    });
    list.into_iter()
}

fn upcoming_events(site: &Site) -> Vec<usize> {
    let now = site.config.now;
    let mut list = events_by_past(site, false);
    // Ordered by the next date each still has, so a series shows when it next meets.
    list.sort_by_cached_key(|&i| {
        let e = site.entries[i].event();
        (
            e.and_then(|e| e.schedule.upcoming(now).next().map(|o| o.start_utc)),
            site.entries[i].id.clone(),
        )
    });
    list
}

/// Every page job of the site.
pub fn jobs(site: &Site) -> Vec<Job> {
    let mut jobs = vec![Job::Home, Job::NotFound];
    jobs.extend(Kind::SECTIONS.into_iter().map(Job::Listing));
    jobs.extend(archive_years(site).into_iter().map(Job::Archive));
    for (i, e) in site.entries.iter().enumerate() {
        if !site.visible(i) {
            continue;
        }
        jobs.push(Job::Entry(i));
        for a in &e.aliases {
            jobs.push(Job::Alias {
                entry: i,
                path: a.value.clone(),
            });
        }
    }
    jobs
}

fn template_for(theme: &Theme, preferred: &str, fallback: &str) -> String {
    if theme.has(preferred) {
        preferred.to_string()
    } else {
        fallback.to_string()
    }
}

fn group_by_month(ctx: &Contexts, list: &[usize]) -> TValue {
    let mut groups: Vec<(&str, &str, Vec<TValue>)> = Vec::new();
    for &i in list {
        let month = ctx.card_text(i, "month");
        let card = ctx.card(i).clone();
        match groups.last_mut() {
            Some(g) if g.0 == month => g.2.push(card),
            _ => groups.push((month, ctx.card_text(i, "month_label"), vec![card])),
        }
    }
    TValue::from(
        groups
            .into_iter()
            .map(|(m, l, e)| {
                let mut g = tera::Map::default();
                g.insert("month".into(), TValue::from(m));
                g.insert("label".into(), TValue::from(l));
                g.insert("events".into(), TValue::from(e));
                TValue::from(g)
            })
            .collect::<Vec<_>>(),
    )
}

/// Choices for the events filter: networks, projects and places that occur.
fn filter_options(ctx: &Contexts, list: &[usize]) -> Value {
    let site = ctx.site;
    let mut networks = BTreeMap::new();
    let mut projects = BTreeMap::new();
    let mut places = std::collections::BTreeSet::new();
    for &i in list {
        for &n in &site.links[i].networks {
            networks.insert(site.entries[n].title.clone(), site.entries[n].id.clone());
        }
        if let Some(p) = site.links[i].project {
            projects.insert(site.entries[p].title.clone(), site.entries[p].id.clone());
        }
        let place = ctx.card_text(i, "place");
        if !place.is_empty() {
            places.insert(place.to_string());
        }
    }
    let pairs = |m: BTreeMap<String, String>| {
        m.into_iter()
            .map(|(t, id)| json!({"id": id, "title": t}))
            .collect::<Vec<_>>()
    };
    json!({ "networks": pairs(networks), "projects": pairs(projects), "places": places })
}

fn section_value(ctx: &Contexts, kind: Kind) -> Value {
    let site = ctx.site;
    let index = site.sections.get(&kind);
    let title = index.map_or_else(
        || ctx.labels.get(kind.folder()).to_string(),
        |e| e.title.clone(),
    );
    // Its findings are the build's (`build::check_index_bodies`).
    let content = index.map(|e| super::markdown::render_in(site, e, &mut Vec::new()).html);
    json!({
        "kind": kind,
        "folder": kind.folder(),
        "title": title,
        "summary": index.and_then(|e| e.summary.clone()),
        "content": content,
        "url": site.config.link(&format!("{}/", kind.folder())),
    })
}

pub fn render_job(ctx: &Contexts, theme: &Theme, job: &Job) -> Page {
    render_context(ctx, theme, job_context(ctx, theme, job))
}

fn render_context(ctx: &Contexts, theme: &Theme, pc: PageContext) -> Page {
    let html = render_html(ctx, theme, &pc);
    Page {
        path: pc.path,
        origin: pc.origin,
        html,
    }
}

/// The HTML of a page context: its variables with those every page
/// shares, rendered with the components cached for these cards. Public
/// so that `serve` renders the pages whose context changed the same way.
pub fn render_html(ctx: &Contexts, theme: &Theme, pc: &PageContext) -> Result<Vec<u8>, Diagnostic> {
    theme.render(
        &pc.template,
        &pc.context.to_context(ctx.shared()),
        ctx.component_cache(),
    )
}

/// Renders entry `i`'s page with its body given, as soon as the body is
/// rendered (see [`Contexts::bodies`]).
pub fn render_entry(ctx: &Contexts, theme: &Theme, i: usize, body: &Rendered) -> Page {
    render_context(
        ctx,
        theme,
        entry_context(ctx, i, ctx.entry_page_with(i, body)),
    )
}

fn entry_context(ctx: &Contexts, i: usize, context: Vars) -> PageContext {
    let e = &ctx.site.entries[i];
    PageContext {
        path: format!("{}index.html", ctx.site.rel_url(i)),
        origin: Origin::Entry(e.source.clone()),
        template: format!("{}.html", e.kind.name()),
        context,
    }
}

/// What a job renders: its output path and origin, the template and the
/// page's own template variables (without [`Contexts::shared`]).
pub struct PageContext {
    pub path: String,
    pub origin: Origin,
    pub template: String,
    pub context: Vars,
}

/// The context of a job without rendering it. Public so that `serve` can
/// skip rendering a page whose context did not change.
pub fn job_context(ctx: &Contexts, theme: &Theme, job: &Job) -> PageContext {
    let site = ctx.site;
    let (path, origin, template, context) = match job {
        Job::Home => {
            let mut c = ctx.page_base("");
            let upcoming = upcoming_events(site);
            let shown: Vec<usize> = upcoming.iter().copied().take(HOME_EVENTS).collect();
            c.put("upcoming", ctx.cards(&shown));
            // The next few after those, hidden: tandem.js shows them as
            // shown events pass after the build.
            let spare: Vec<usize> = upcoming
                .iter()
                .copied()
                .skip(HOME_EVENTS)
                .take(HOME_SPARE)
                .collect();
            c.put("upcoming_spare", ctx.cards(&spare));
            c.insert("upcoming_total", &upcoming.len());
            let list = |k: Kind| site.of_kind.get(&k).cloned().unwrap_or_default();
            let networks = list(Kind::Network);
            c.insert("networks_total", &networks.len());
            let networks: Vec<usize> = networks.into_iter().take(HOME_NETWORKS).collect();
            c.put("networks", ctx.cards(&networks));
            let projects = list(Kind::Project);
            c.insert("projects_total", &projects.len());
            // Projects running now first, then the others in listing order.
            let today = site
                .config
                .now
                .with_timezone(&site.config.timezone)
                .date_naive();
            let running = |&i: &usize| match &site.entries[i].data {
                crate::entry::KindData::Project(p) => {
                    p.start.is_none_or(|s| s <= today) && p.end.is_none_or(|e| e >= today)
                }
                _ => false,
            };
            let (mut projects, others): (Vec<usize>, Vec<usize>) =
                projects.into_iter().partition(running);
            projects.extend(others);
            projects.truncate(HOME_PROJECTS);
            c.put("projects", ctx.cards(&projects));
            let posts: Vec<usize> = list(Kind::Post).into_iter().take(3).collect();
            c.put("posts", ctx.cards(&posts));
            let home = site.home.as_ref().map(|h| {
                // Its findings are the build's (`build::check_index_bodies`).
                let html = super::markdown::render_in(site, h, &mut Vec::new()).html;
                json!({"title": h.title, "summary": h.summary, "content": html})
            });
            c.insert("home", &home);
            c.insert("feed", &super::context::feed_links(site, "calendar.ics"));
            c.insert("page_kind", "home");
            (
                "index.html".to_string(),
                Origin::Home,
                template_for(theme, "home.html", "index.html"),
                c,
            )
        }
        Job::Listing(kind) => {
            let rel = format!("{}/", kind.folder());
            let mut c = ctx.page_base(&rel);
            c.insert("section", &section_value(ctx, *kind));
            c.insert("page_kind", "section");
            if *kind == Kind::Event {
                let upcoming = upcoming_events(site);
                let recent: Vec<usize> = past_once(ctx)
                    .iter()
                    .rev()
                    .copied()
                    .take(RECENT_PAST)
                    .collect();
                c.put("months", group_by_month(ctx, &upcoming));
                c.put("past", ctx.cards(&recent));
                c.put("past_months", group_by_month(ctx, &recent));
                c.insert("archive_years", &archive_links(ctx));
                let mut all = upcoming.clone();
                all.extend(&recent);
                c.insert("filters", &filter_options(ctx, &all));
                c.insert("feed", &super::context::feed_links(site, "calendar.ics"));
                (
                    format!("{rel}index.html"),
                    Origin::Listing(*kind),
                    template_for(theme, "events.html", "list.html"),
                    c,
                )
            } else {
                let list = site.of_kind.get(kind).cloned().unwrap_or_default();
                c.put("entries", ctx.cards(&list));
                (
                    format!("{rel}index.html"),
                    Origin::Listing(*kind),
                    template_for(theme, &format!("{}.html", kind.folder()), "list.html"),
                    c,
                )
            }
        }
        Job::Archive(year) => {
            let rel = format!("events/archive/{year}/");
            let mut c = ctx.page_base(&rel);
            let list: Vec<usize> = past_once(ctx)
                .iter()
                .rev()
                .copied()
                .filter(|&i| last_year(site, i) == Some(*year))
                .collect();
            c.insert("section", &section_value(ctx, Kind::Event));
            c.insert("year", year);
            c.put("months", group_by_month(ctx, &list));
            c.insert("archive_years", &archive_links(ctx));
            c.insert("filters", &filter_options(ctx, &list));
            c.insert("page_kind", "archive");
            (
                format!("{rel}index.html"),
                Origin::Archive(*year),
                template_for(theme, "archive.html", "events.html"),
                c,
            )
        }
        Job::Entry(i) => return entry_context(ctx, *i, ctx.entry_page(*i)),
        Job::Alias { entry, path } => {
            let target = site.config.permalink(&site.rel_url(*entry));
            let rel_target = site.config.link(&site.rel_url(*entry));
            let out = alias_path(path).unwrap_or_default();
            let mut c = ctx.page_base(&out);
            c.insert("target", &target);
            c.insert("target_path", &rel_target);
            c.insert("title", &site.entries[*entry].title);
            c.insert("page_kind", "alias");
            (
                out,
                Origin::Alias {
                    alias: path.clone(),
                    source: site.entries[*entry].source.clone(),
                },
                "alias.html".to_string(),
                c,
            )
        }
        Job::NotFound => {
            let mut c = ctx.page_base("404.html");
            c.insert("page_kind", "404");
            (
                "404.html".to_string(),
                Origin::NotFound,
                "404.html".to_string(),
                c,
            )
        }
    };
    PageContext {
        path,
        origin,
        template,
        context,
    }
}
