//! Feeds: iCalendar (per event, per network/partner/project, whole site),
//! the Atom news feed, the sitemap and `events.json`.
//!
//! Which feeds exist, their addresses and origins are routes of
//! [`crate::routes::Route`]; [`make`] makes the feed of a route, for
//! `build` (all of them) and `serve` (those an edit touches) alike.

pub mod atom;
pub mod calendar;
pub mod events_json;
pub mod ical;
pub mod sitemap;
pub mod vtimezone;
pub mod xml;

use crate::entry::Kind;
use crate::model::Site;
use crate::render::markdown::Rendered;
use crate::routes::Route;

/// What [`make`] made: a calendar in the parts it shares with the
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

/// Makes the feed of `route` (`None` for a page) from `vevents` (each
/// event's VEVENTs, made once for every feed that lists it) and `bodies`
/// (the posts' HTML, for the news feed).
pub fn make<S: AsRef<str>>(
    route: &Route,
    site: &Site,
    bodies: &[Rendered],
    vevents: &dyn Fn(usize) -> S,
) -> Option<Made<S>> {
    Some(match *route {
        Route::SiteCalendar => {
            let events = site
                .of_kind
                .get(&Kind::Event)
                .map_or(&[][..], Vec::as_slice);
            let name = crate::routes::feed_name(site, None);
            let gone: Vec<&crate::lock::Record> = site.cancelled.iter().collect();
            Made::Parts(calendar::calendar_parts(
                site,
                &name,
                events,
                &gone,
                vevents,
                site.kept_in_feeds(None),
            ))
        }
        Route::Calendar(i) => {
            let name = crate::routes::feed_name(site, Some(i));
            let events = &site.links[i].events;
            let gone = calendar::cancelled_for(site, i);
            Made::Parts(calendar::calendar_parts(
                site,
                &name,
                events,
                &gone,
                vevents,
                site.kept_in_feeds(Some(i)),
            ))
        }
        Route::EventIcs(i) => Made::Text(calendar::event_ics(site, i, vevents(i).as_ref())),
        Route::News => Made::Text(atom::atom(site, bodies)),
        Route::EventsJson => Made::Text(events_json::events_json(site)),
        Route::Sitemap => Made::Text(sitemap::sitemap(
            &site.config.base_url,
            &sitemap::languages(&site.config),
            &sitemap::pages(site),
        )),
        Route::Home
        | Route::NotFound
        | Route::Search
        | Route::Legal(_)
        | Route::Listing(_)
        | Route::Archive(_)
        | Route::Entry(_)
        | Route::Embed(_)
        | Route::Alias { .. } => return None,
    })
}
