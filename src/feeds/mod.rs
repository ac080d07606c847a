//! Feeds: iCalendar (per event, per network/partner/project, whole site),
//! the Atom news feed and the sitemap.
//!
//! [`Feed`] is the one table of the feed files a build writes: each one's
//! address, origin and what it is made from. `build` writes them all and
//! `serve` the few an edit touches, both through it, so a new feed is
//! added here once.

pub mod atom;
pub mod calendar;
pub mod ical;
pub mod sitemap;
pub mod vtimezone;
pub mod xml;

use crate::entry::Kind;
use crate::model::Site;
use crate::output::Origin;
use crate::render::markdown::Rendered;

/// One feed file of the site.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Feed {
    /// `calendar.ics`: every published event.
    SiteCalendar,
    /// `atom.xml`: the latest posts, with their rendered bodies.
    News,
    /// `sitemap.xml`: every page (see [`sitemap::pages`]).
    Sitemap,
    /// `PATH/calendar.ics` of a network, partner or project: its events.
    Owner(usize),
    /// `events/ID/event.ics`: the one event, for "add to calendar".
    Event(usize),
}

/// What [`Feed::make`] made: a calendar in the parts it shares with the
/// other feeds (written where they are, not joined), or a text.
pub enum Made<S> {
    Parts(calendar::Parts<S>),
    Text(String),
}

impl<S: AsRef<str>> Made<S> {
    pub fn slices(&self) -> Vec<&[u8]> {
        match self {
            Made::Parts(p) => p.slices(),
            Made::Text(t) => vec![t.as_bytes()],
        }
    }

    pub fn into_bytes(self) -> Vec<u8> {
        match self {
            Made::Parts(p) => p.into_string().into_bytes(),
            Made::Text(t) => t.into_bytes(),
        }
    }
}

impl Feed {
    /// Every feed of `site`, the largest (the site calendar) first.
    pub fn all(site: &Site) -> Vec<Feed> {
        let mut all = vec![Feed::SiteCalendar, Feed::News, Feed::Sitemap];
        for i in 0..site.entries.len() {
            all.extend(Feed::of_entry(site, i).filter(|f| matches!(f, Feed::Owner(_))));
        }
        for i in 0..site.entries.len() {
            all.extend(Feed::of_entry(site, i).filter(|f| matches!(f, Feed::Event(_))));
        }
        all
    }

    /// The feeds entry `i` has of its own: an event's `event.ics`, the
    /// `calendar.ics` of a network, partner or project; none for a draft
    /// that is not built.
    pub fn of_entry(site: &Site, i: usize) -> impl Iterator<Item = Feed> {
        let kind = site.entries[i].kind;
        let visible = site.visible(i);
        let event = (visible && kind == Kind::Event).then_some(Feed::Event(i));
        let owner = (visible && kind.has_feed()).then_some(Feed::Owner(i));
        event.into_iter().chain(owner)
    }

    /// The output path.
    pub fn path(self, site: &Site) -> String {
        match self {
            Feed::SiteCalendar => "calendar.ics".to_string(),
            Feed::News => "atom.xml".to_string(),
            Feed::Sitemap => "sitemap.xml".to_string(),
            Feed::Owner(i) => format!("{}calendar.ics", site.rel_url(i)),
            Feed::Event(i) => format!("{}event.ics", site.rel_url(i)),
        }
    }

    /// What wrote it, for the output's origin: an entry's own feeds are
    /// its source file's, which an author can change.
    pub fn origin(self, site: &Site) -> Origin {
        match self {
            Feed::SiteCalendar => Origin::SiteCalendar,
            Feed::News => Origin::News,
            Feed::Sitemap => Origin::Sitemap,
            Feed::Owner(i) | Feed::Event(i) => Origin::Entry(site.entries[i].source.clone()),
        }
    }

    /// Makes the feed from `vevents` (each event's VEVENTs, made once for
    /// every feed that lists it) and `bodies` (the posts' HTML, for the
    /// news feed).
    pub fn make<S: AsRef<str>>(
        self,
        site: &Site,
        bodies: &[Rendered],
        vevents: &dyn Fn(usize) -> S,
    ) -> Made<S> {
        match self {
            Feed::SiteCalendar => {
                let events = site
                    .of_kind
                    .get(&Kind::Event)
                    .map_or(&[][..], Vec::as_slice);
                let name = calendar::feed_name(site, None);
                Made::Parts(calendar::calendar_parts(site, &name, events, vevents))
            }
            Feed::Owner(i) => {
                let name = calendar::feed_name(site, Some(i));
                let events = &site.links[i].events;
                Made::Parts(calendar::calendar_parts(site, &name, events, vevents))
            }
            Feed::Event(i) => Made::Text(calendar::event_ics(site, i, vevents(i).as_ref())),
            Feed::News => Made::Text(atom::atom(site, bodies)),
            Feed::Sitemap => Made::Text(sitemap::sitemap(
                &site.config.base_url,
                &sitemap::pages(site),
            )),
        }
    }
}
