//! Every HTML page of the site: home, listings, yearly event archives,
//! entry pages, plain pages, aliases and the 404 page: the page routes of
//! [`Route`], which
//! `build` and `serve` render in parallel.

use super::context::{Contexts, Vars};
use super::markdown::Rendered;
use super::theme::Theme;
use crate::diagnostics::Diagnostic;
use crate::entry::Kind;
use crate::model::Site;
use crate::output::Origin;
use crate::routes::{self, Route};
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

pub struct Page {
    pub path: String,
    pub origin: Origin,
    pub html: Result<Vec<u8>, Diagnostic>,
}

/// [`past_events`], worked out once per build by the first page that
/// needs them (the events listing and every archive page do).
fn past_once<'c>(ctx: &'c Contexts) -> &'c [usize] {
    ctx.past
        .get_or_init(|| routes::past_events(ctx.site).collect())
}

/// The archive pages' years and addresses, for their links.
fn archive_links(ctx: &Contexts) -> Vec<Value> {
    let site = ctx.site;
    ctx.years
        .get_or_init(|| routes::years_of(site, past_once(ctx).iter().copied()))
        .iter()
        .map(|&y| {
            let address = Route::Archive(y).address(site).unwrap_or_default();
            json!({"year": y, "url": site.config.link(&address)})
        })
        .collect()
}

fn upcoming_events(site: &Site) -> Vec<usize> {
    let mut list = routes::events_by_past(site, false);
    by_next_date(site, &mut list);
    list
}

/// Orders events by the next date each still has, so that a series shows
/// when it next meets (then by id, for a fixed order).
fn by_next_date(site: &Site, list: &mut [usize]) {
    let now = site.config.now;
    list.sort_by_cached_key(|&i| {
        let e = site.entries[i].event();
        (
            e.and_then(|e| e.schedule.upcoming(now).next().map(|o| o.start_utc)),
            site.entries[i].id.clone(),
        )
    });
}

/// How many upcoming events an embed shows: a partner's sidebar or page
/// section, not an archive; the rest are a click away.
pub const EMBED_EVENTS: usize = 10;

/// The upcoming events of network, partner or project `i` that its embed
/// shows, by the next date each still has (as the home page orders them).
fn embedded_events(site: &Site, i: usize) -> Vec<usize> {
    let now = site.config.now;
    let mut list: Vec<usize> = site.links[i]
        .events
        .iter()
        .copied()
        .filter(|&ev| {
            site.entries[ev]
                .event()
                .is_some_and(|e| e.schedule.upcoming(now).next().is_some())
        })
        .collect();
    by_next_date(site, &mut list);
    list.truncate(EMBED_EVENTS);
    list
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
        "text_lang": index.and_then(|e| e.text_lang),
        "url": site.config.link(&format!("{}/", kind.folder())),
    })
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

/// The context of entry `i`'s page with its body given, as soon as the
/// body is rendered (see [`Contexts::bodies`]).
pub fn entry_page_context(ctx: &Contexts, i: usize, body: &Rendered) -> PageContext {
    entry_context(ctx, i, ctx.entry_page_with(i, body))
}

/// Renders a page context into a [`Page`].
pub fn render_context(ctx: &Contexts, theme: &Theme, pc: PageContext) -> Page {
    let html = render_html(ctx, theme, &pc);
    Page {
        path: pc.path,
        origin: pc.origin,
        html,
    }
}

fn entry_context(ctx: &Contexts, i: usize, context: Vars) -> PageContext {
    let route = Route::Entry(i);
    PageContext {
        path: route.path(ctx.site).unwrap_or_default(),
        origin: route.origin(ctx.site),
        template: format!("{}.html", ctx.site.entries[i].kind.name()),
        context,
    }
}

/// What a page route renders: its output path and origin, the template and the
/// page's own template variables (without [`Contexts::shared`]).
pub struct PageContext {
    pub path: String,
    pub origin: Origin,
    pub template: String,
    pub context: Vars,
}

/// The context of a page route without rendering it. Public so that
/// `serve` can skip rendering a page whose context did not change. `None`
/// for a feed, or an alias that is no site path.
pub fn page_context(ctx: &Contexts, theme: &Theme, route: &Route) -> Option<PageContext> {
    let site = ctx.site;
    let path = route.path(site)?;
    let rel = route.address(site)?;
    let (template, context) = match route {
        Route::Home => {
            let mut c = ctx.page_base(&rel);
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
                json!({"title": h.title, "summary": h.summary, "content": html, "text_lang": h.text_lang})
            });
            c.insert("home", &home);
            c.insert(
                "feed",
                &super::context::feed_links(site, ctx.labels, &Route::SiteCalendar),
            );
            c.insert("page_kind", "home");
            (template_for(theme, "home.html", "index.html"), c)
        }
        Route::Listing(kind) => {
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
                c.insert(
                    "feed",
                    &super::context::feed_links(site, ctx.labels, &Route::SiteCalendar),
                );
                (template_for(theme, "events.html", "list.html"), c)
            } else {
                let list = site.of_kind.get(kind).cloned().unwrap_or_default();
                c.put("entries", ctx.cards(&list));
                let template = format!("{}.html", kind.folder());
                (template_for(theme, &template, "list.html"), c)
            }
        }
        Route::Archive(year) => {
            let mut c = ctx.page_base(&rel);
            let list: Vec<usize> = past_once(ctx)
                .iter()
                .rev()
                .copied()
                .filter(|&i| routes::last_year(site, i) == Some(*year))
                .collect();
            c.insert("section", &section_value(ctx, Kind::Event));
            c.insert("year", year);
            c.put("months", group_by_month(ctx, &list));
            c.insert("archive_years", &archive_links(ctx));
            c.insert("filters", &filter_options(ctx, &list));
            c.insert("page_kind", "archive");
            (template_for(theme, "archive.html", "events.html"), c)
        }
        Route::Entry(i) => return Some(entry_context(ctx, *i, ctx.entry_page(*i))),
        Route::Embed(i) => {
            let mut c = ctx.page_base(&rel);
            c.put("entry", ctx.card(*i).clone());
            c.put("events", ctx.cards(&embedded_events(site, *i)));
            c.insert("embed_limit", &EMBED_EVENTS);
            c.insert("entry_permalink", &site.config.permalink(&site.rel_url(*i)));
            c.insert(
                "feed",
                &super::context::feed_links(site, ctx.labels, &Route::Calendar(*i)),
            );
            c.insert("page_kind", "embed");
            ("embed.html".to_string(), c)
        }
        Route::Alias { entry, .. } => {
            let target = site.config.permalink(&site.rel_url(*entry));
            let rel_target = site.config.link(&site.rel_url(*entry));
            // Its own address is the file (`alt.html`, `alt/index.html`).
            let mut c = ctx.page_base(&path);
            c.insert("target", &target);
            c.insert("target_path", &rel_target);
            c.insert("title", &site.entries[*entry].title);
            c.insert("page_kind", "alias");
            ("alias.html".to_string(), c)
        }
        Route::Search => {
            let mut c = ctx.page_base(&rel);
            c.insert("page_kind", "search");
            c.insert(
                "search_data",
                &site
                    .config
                    .link(&format!("{}/", crate::routes::SEARCH_DATA)),
            );
            ("search.html".to_string(), c)
        }
        Route::NotFound => {
            let mut c = ctx.page_base(&rel);
            c.insert("page_kind", "404");
            ("404.html".to_string(), c)
        }
        Route::Legal(page) => {
            let mut c = ctx.page_base(&rel);
            c.insert("page_kind", "legal");
            c.insert("legal_page", page.name());
            c.insert("title", ctx.labels.get(page.name()));
            c.insert(
                "legal",
                &super::context::legal_value(site.config.legal.as_ref(), ctx.labels),
            );
            ("legal.html".to_string(), c)
        }
        Route::SiteCalendar
        | Route::News
        | Route::Sitemap
        | Route::EventsJson
        | Route::Calendar(_)
        | Route::EventIcs(_) => return None,
    };
    Some(PageContext {
        path,
        origin: route.origin(site),
        template,
        context,
    })
}
