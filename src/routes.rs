//! Every file a build writes, as one table.
//!
//! A [`Route`] is one output file: a page or a feed. From it come its
//! address (the URL other pages link to), its output path, its
//! [`Origin`] (who wrote it, for collisions), which step makes it
//! ([`Route::is_page`]: `render::pages`; otherwise `feeds`) and what it
//! is made from ([`Route::reads`]). `build` and `check` make every route
//! of [`Route::all`]; `serve` makes again the routes an edit reaches and
//! removes those that are gone, both through this table, so a new output
//! is added here once. Static files (the theme's and the site's
//! `static/`) are copied as they are and are not routes.

use crate::config::Language;
use crate::diagnostics::Diagnostic;
use crate::entry::Kind;
use crate::legal::LegalPage;
use crate::model::Site;
use crate::output::Origin;
use std::collections::BTreeSet;

/// The folder of the search index's files (`search::files`), below the
/// search page [`Route::Search`].
pub const SEARCH_DATA: &str = "search/data";

/// One file of the built site.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Route {
    /// `index.html`: upcoming events, networks, projects, news, and the
    /// text of `content/_index.md`.
    Home,
    /// `404.html`.
    NotFound,
    /// `search/index.html`: the search page (unless `search: false`).
    Search,
    /// `impressum/`, `datenschutz/`, `barrierefreiheit/`: written from
    /// `legal:` in `site.yaml` unless the site has its own page there.
    Legal(LegalPage),
    /// `FOLDER/index.html`: the listing of a kind, with its `_index.md`.
    Listing(Kind),
    /// `events/archive/YEAR/index.html`: past events of one year.
    Archive(i32),
    /// `PATH/index.html`: an entry's page.
    Entry(usize),
    /// An entry's old address (`alias`), pointing to its page.
    Alias { entry: usize, path: String },
    /// `embed/FOLDER/ID/index.html`: the upcoming events of a network,
    /// partner or project, as a small page for other sites' iframes.
    Embed(usize),
    /// `calendar.ics`: every published event.
    SiteCalendar,
    /// `atom.xml`: the latest posts, with their bodies.
    News,
    /// `sitemap.xml`: every page of [`Route::in_sitemap`].
    Sitemap,
    /// `events.json`: the upcoming events as data.
    EventsJson,
    /// `PATH/calendar.ics` of a network, partner or project: its events.
    Calendar(usize),
    /// `events/ID/event.ics`: one event, for "add to calendar".
    EventIcs(usize),
}

/// What a route is made from: when one of these changes, the route may
/// change. `serve` turns an edit into the [`Changes`] it made and makes
/// again the routes whose reads it touches; besides, it keeps what each
/// listing actually showed (its cards) to narrow `List` down.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reads {
    /// The settings, labels and what every page shares (`site` in templates).
    Site,
    /// An entry's fields, rendered text and relations.
    Entry(usize),
    /// The cards of the entries related to this one (shown on its page).
    Related(usize),
    /// Which entries of a kind are published, in listing order.
    List(Kind),
    /// Which past events are filed under an archive year, in order.
    Year(i32),
    /// Which archive years there are (listing and archives link them).
    Years,
    /// The titles of the networks and projects (the events' filters).
    Names,
    /// The text of `content/_index.md` (`None`) or of a kind's `_index.md`.
    IndexText(Option<Kind>),
    /// The VEVENTs of these events (made from their fields and text).
    Events(Vec<usize>),
    /// The rendered text of the posts.
    Posts,
    /// Which pages exist, and the entries' `updated` dates.
    Pages,
}

/// What an edit changed, in the terms of [`Reads`]: the routes whose reads
/// it touches ([`Changes::touches`]) are made again.
#[derive(Clone, Debug, Default)]
pub struct Changes {
    pub site: bool,
    /// Entries whose fields, text or relations changed.
    pub entries: BTreeSet<usize>,
    /// Entries with a related entry whose card changed.
    pub related: BTreeSet<usize>,
    /// Kinds whose published entries or their order changed.
    pub lists: BTreeSet<Kind>,
    /// Archive years whose events changed; `all_years` for every one.
    pub years: BTreeSet<i32>,
    pub all_years: bool,
    /// Which archive years there are.
    pub year_set: bool,
    pub names: bool,
    pub index_texts: BTreeSet<Option<Kind>>,
    /// Events whose VEVENTs changed.
    pub events: BTreeSet<usize>,
    pub pages: bool,
}

impl Changes {
    /// Whether the change reaches what a route reads.
    pub fn touches(&self, site: &Site, read: &Reads) -> bool {
        match read {
            Reads::Site => self.site,
            Reads::Entry(i) => self.entries.contains(i),
            Reads::Related(i) => self.related.contains(i),
            Reads::List(k) => self.lists.contains(k),
            Reads::Year(y) => self.all_years || self.years.contains(y),
            Reads::Years => self.year_set,
            Reads::Names => self.names,
            Reads::IndexText(k) => self.index_texts.contains(k),
            Reads::Events(list) => list.iter().any(|e| self.events.contains(e)),
            Reads::Posts => {
                self.lists.contains(&Kind::Post)
                    || self
                        .entries
                        .iter()
                        .any(|&i| site.entries.get(i).is_some_and(|e| e.kind == Kind::Post))
            }
            Reads::Pages => self.pages,
        }
    }

    /// Whether the change reaches `route`.
    pub fn reaches(&self, site: &Site, route: &Route) -> bool {
        route.reads(site).iter().any(|r| self.touches(site, r))
    }
}

impl Route {
    /// Every route of `site`: the pages (home, 404, listings, archives,
    /// then each published entry with its aliases), then the feeds (the
    /// largest, the site calendar, first).
    pub fn all(site: &Site) -> Vec<Route> {
        let mut all = Route::pages(site);
        all.extend(Route::feeds(site));
        all
    }

    /// The HTML pages of [`Route::all`].
    pub fn pages(site: &Site) -> Vec<Route> {
        let mut pages = Route::site_pages(site, &archive_years(site));
        for i in 0..site.entries.len() {
            pages.extend(Route::of_entry(site, i).filter(Route::is_page));
        }
        pages
    }

    /// The pages that belong to no entry: home, 404, the listings, the
    /// archives of `years` and the legal pages tandem writes.
    pub fn site_pages(site: &Site, years: &[i32]) -> Vec<Route> {
        let mut pages = vec![Route::Home, Route::NotFound];
        if site.config.search {
            pages.push(Route::Search);
        }
        pages.extend(Kind::SECTIONS.into_iter().map(Route::Listing));
        pages.extend(years.iter().copied().map(Route::Archive));
        pages.extend(
            crate::model::legal::written(site)
                .into_iter()
                .map(Route::Legal),
        );
        pages
    }

    /// The feeds of [`Route::all`].
    pub fn feeds(site: &Site) -> Vec<Route> {
        let mut feeds = vec![
            Route::SiteCalendar,
            Route::News,
            Route::Sitemap,
            Route::EventsJson,
        ];
        let of_entries = |keep: fn(&Route) -> bool| {
            (0..site.entries.len())
                .flat_map(move |i| Route::of_entry(site, i))
                .filter(keep)
        };
        feeds.extend(of_entries(|r| matches!(r, Route::Calendar(_))));
        feeds.extend(of_entries(|r| matches!(r, Route::EventIcs(_))));
        feeds
    }

    /// The routes entry `i` has of its own: its page, its aliases, an
    /// event's `event.ics`, the `calendar.ics` of a network, partner or
    /// project; none for a draft that is not built.
    pub fn of_entry(site: &Site, i: usize) -> impl Iterator<Item = Route> + '_ {
        let visible = i < site.entries.len() && site.visible(i);
        let e = visible.then(|| &site.entries[i]);
        let page = e.map(|_| Route::Entry(i));
        let aliases = e.into_iter().flat_map(move |e| {
            e.aliases.iter().map(move |a| Route::Alias {
                entry: i,
                path: a.value.clone(),
            })
        });
        let ics = e
            .filter(|e| e.kind == Kind::Event)
            .map(|_| Route::EventIcs(i));
        let calendar = e.filter(|e| e.kind.has_feed()).map(|_| Route::Calendar(i));
        let embed = e.filter(|e| e.kind.has_feed()).map(|_| Route::Embed(i));
        page.into_iter()
            .chain(aliases)
            .chain(embed)
            .chain(ics)
            .chain(calendar)
    }

    /// An HTML page (made by `render::pages`); otherwise a feed (made by `feeds`).
    pub fn is_page(&self) -> bool {
        !self.is_feed()
    }

    pub fn is_feed(&self) -> bool {
        matches!(
            self,
            Route::SiteCalendar
                | Route::News
                | Route::Sitemap
                | Route::EventsJson
                | Route::Calendar(_)
                | Route::EventIcs(_)
        )
    }

    /// The address of the route relative to the site's base (`events/`,
    /// `events/archive/2024/`, `networks/x/calendar.ics`): what links
    /// name. `None` for an alias that is not a site path.
    pub fn address(&self, site: &Site) -> Option<String> {
        Some(match self {
            Route::Home => String::new(),
            Route::NotFound => "404.html".to_string(),
            Route::Search => "search/".to_string(),
            Route::Legal(page) => page.address(),
            Route::Listing(kind) => format!("{}/", kind.folder()),
            Route::Archive(year) => format!("events/archive/{year}/"),
            Route::Entry(i) => site.rel_url(*i),
            Route::Alias { path, .. } => return alias_address(path),
            Route::Embed(i) => format!("embed/{}", site.rel_url(*i)),
            Route::SiteCalendar => "calendar.ics".to_string(),
            Route::News => "atom.xml".to_string(),
            Route::Sitemap => "sitemap.xml".to_string(),
            Route::EventsJson => "events.json".to_string(),
            Route::Calendar(i) => format!("{}calendar.ics", site.rel_url(*i)),
            Route::EventIcs(i) => format!("{}event.ics", site.rel_url(*i)),
        })
    }

    /// The output file: the address, with `index.html` for a folder.
    /// `None` for an alias that is not a site path.
    pub fn path(&self, site: &Site) -> Option<String> {
        self.address(site).map(folder_index)
    }

    /// What wrote the file, for the output's origin: an entry's own
    /// routes are its source file's, which an author can change.
    pub fn origin(&self, site: &Site) -> Origin {
        match self {
            Route::Home => Origin::Home,
            Route::NotFound => Origin::NotFound,
            Route::Search => Origin::Search,
            Route::Legal(page) => Origin::Legal(page.name()),
            Route::Listing(kind) => Origin::Listing(*kind),
            Route::Archive(year) => Origin::Archive(*year),
            Route::Entry(i) | Route::Embed(i) | Route::Calendar(i) | Route::EventIcs(i) => {
                Origin::Entry(site.entries[*i].source.clone())
            }
            Route::Alias { entry, path } => Origin::Alias {
                alias: path.clone(),
                source: site.entries[*entry].source.clone(),
            },
            Route::SiteCalendar => Origin::SiteCalendar,
            Route::News => Origin::News,
            Route::Sitemap => Origin::Sitemap,
            Route::EventsJson => Origin::EventsJson,
        }
    }

    /// The entry whose file states this route, if any.
    pub fn entry(&self) -> Option<usize> {
        match self {
            Route::Entry(i) | Route::Embed(i) | Route::Calendar(i) | Route::EventIcs(i) => Some(*i),
            Route::Alias { entry, .. } => Some(*entry),
            _ => None,
        }
    }

    /// Whether `sitemap.xml` lists the page: every page but the 404 page
    /// and aliases (which only point elsewhere).
    pub fn in_sitemap(&self) -> bool {
        matches!(
            self,
            Route::Home | Route::Listing(_) | Route::Archive(_) | Route::Entry(_) | Route::Legal(_)
        )
    }

    /// What the route is made from (see [`Reads`]).
    pub fn reads(&self, site: &Site) -> Vec<Reads> {
        let events_of = |list: &[usize]| Reads::Events(list.to_vec());
        match self {
            Route::Home => vec![
                Reads::Site,
                Reads::IndexText(None),
                Reads::List(Kind::Event),
                Reads::List(Kind::Network),
                Reads::List(Kind::Project),
                Reads::List(Kind::Post),
            ],
            // Its facts are settings; whether the site has its own page
            // there is which pages exist.
            Route::NotFound | Route::Legal(_) | Route::Search => vec![Reads::Site],
            Route::Listing(Kind::Event) => vec![
                Reads::Site,
                Reads::IndexText(Some(Kind::Event)),
                Reads::List(Kind::Event),
                Reads::Years,
                Reads::Names,
            ],
            Route::Listing(kind) => vec![
                Reads::Site,
                Reads::IndexText(Some(*kind)),
                Reads::List(*kind),
            ],
            Route::Archive(year) => vec![
                Reads::Site,
                Reads::IndexText(Some(Kind::Event)),
                Reads::Year(*year),
                Reads::Years,
                Reads::Names,
            ],
            // An embed shows the entry's title and its events' cards, as its page does.
            Route::Entry(i) | Route::Embed(i) => {
                vec![Reads::Site, Reads::Entry(*i), Reads::Related(*i)]
            }
            Route::Alias { entry, .. } => vec![Reads::Site, Reads::Entry(*entry)],
            Route::SiteCalendar => vec![
                Reads::Site,
                events_of(site.of_kind.get(&Kind::Event).map_or(&[], Vec::as_slice)),
            ],
            Route::Calendar(i) => vec![
                Reads::Site,
                Reads::Entry(*i),
                events_of(&site.links[*i].events),
            ],
            Route::EventIcs(i) => vec![Reads::Site, Reads::Events(vec![*i])],
            Route::News => vec![Reads::Site, Reads::List(Kind::Post), Reads::Posts],
            Route::Sitemap => vec![Reads::Site, Reads::Pages],
            // The events' own fields; `List` for those that come and go.
            Route::EventsJson => {
                let mut reads = vec![Reads::Site, Reads::List(Kind::Event)];
                let events = site
                    .of_kind
                    .get(&Kind::Event)
                    .map_or(&[][..], Vec::as_slice);
                reads.extend(events.iter().map(|&i| Reads::Entry(i)));
                reads
            }
        }
    }
}

/// The feed name for the site (`owner` = `None`) or for a network,
/// partner or project: "Digit-Ready II — Termine".
pub fn feed_name(site: &Site, owner: Option<usize>) -> String {
    let word = match site.config.language {
        Language::De => "Termine",
        Language::En => "Events",
    };
    match owner {
        Some(i) => format!("{} — {word}", site.entries[i].title.trim()),
        None => {
            let name = site.config.calendar.name.trim();
            if name.is_empty() {
                word.to_string()
            } else {
                name.to_string()
            }
        }
    }
}

/// The output path of an alias (`alte-seite/` → `alte-seite/index.html`),
/// `None` when it is not a site path.
pub fn alias_path(alias: &str) -> Option<String> {
    let address = alias_address(alias)?;
    Some(folder_index(address))
}

/// An address as a file: `index.html` inside a folder.
fn folder_index(address: String) -> String {
    if address.is_empty() || address.ends_with('/') {
        format!("{address}index.html")
    } else {
        address
    }
}

/// The address of an alias as written (`/alte-seite` → `alte-seite/`;
/// an `.html` file stays one). `None` when it is not a site path: empty,
/// with `.`/`..` segments or a backslash.
fn alias_address(alias: &str) -> Option<String> {
    let a = alias.trim().trim_start_matches('/');
    if a.is_empty() || a.split('/').any(|s| s == ".." || s == ".") || a.contains('\\') {
        return None;
    }
    Some(if a.ends_with(".html") {
        a.to_string()
    } else {
        format!("{}/", a.trim_end_matches('/'))
    })
}

/// The errors of entry `i`'s aliases that are no site path (their pages
/// are not made).
pub fn alias_findings(site: &Site, i: usize) -> Vec<Diagnostic> {
    if !site.visible(i) {
        return Vec::new();
    }
    let e = &site.entries[i];
    e.aliases
        .iter()
        .filter(|a| alias_address(&a.value).is_none())
        .map(|a| {
            Diagnostic::error(
                &e.source,
                a.pos,
                format!(
                    "alias `{}` is not a site path such as `alte-seite/`",
                    a.value
                ),
            )
            .with_source(&e.text)
        })
        .collect()
}

/// Years that have past events, newest first: each has an archive page.
pub fn archive_years(site: &Site) -> Vec<i32> {
    years_of(site, past_events(site))
}

/// The archive years of `past` events, newest first.
pub fn years_of(site: &Site, past: impl Iterator<Item = usize>) -> Vec<i32> {
    let mut years: Vec<i32> = past.filter_map(|i| last_year(site, i)).collect();
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    years
}

/// The year a past event is filed under: that of its last date, which is
/// also the date its card shows.
pub fn last_year(site: &Site, i: usize) -> Option<i32> {
    site.entries[i]
        .event()
        .and_then(|e| e.schedule.occurrences.last())
        .map(|o| chrono::Datelike::year(&o.start.date()))
}

/// Visible events that are over at build time (`past`), or not yet.
pub fn events_by_past(site: &Site, past: bool) -> Vec<usize> {
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
pub fn past_events(site: &Site) -> impl Iterator<Item = usize> + '_ {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_alias_is_a_folder_or_an_html_file_inside_the_site() {
        assert_eq!(
            alias_path("alte-seite/").as_deref(),
            Some("alte-seite/index.html")
        );
        assert_eq!(alias_path("/alt/x").as_deref(), Some("alt/x/index.html"));
        assert_eq!(alias_path("alt.html").as_deref(), Some("alt.html"));
        assert_eq!(alias_path("../x"), None);
        assert_eq!(alias_path("a/./b"), None);
        assert_eq!(alias_path("a\\b"), None);
        assert_eq!(alias_path("  "), None);
    }
}
