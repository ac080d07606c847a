//! `events.json`: the upcoming events as data, for partner sites and
//! tools that would rather not read iCalendar. Its shape is versioned
//! (`version`) and described by `docs/events.schema.json`; a field may be
//! added within a version, never renamed or removed.
//!
//! The events are those not over at build time, soonest first, at most
//! `calendar.max_events` of them (the budget of the subscription feeds).
//! Every instant carries its zone's offset, as the `.ics` feeds' local
//! times with `TZID` do.

use crate::entry::{Kind, When};
use crate::model::Site;
use serde_json::{Value, json};

/// The version of the shape: raised when a field changes meaning or goes.
pub const VERSION: u32 = 1;

/// The text of `events.json`.
pub fn events_json(site: &Site) -> String {
    let c = &site.config;
    let now = c.now;
    let mut upcoming: Vec<(chrono::DateTime<chrono::Utc>, usize)> = site
        .of_kind
        .get(&Kind::Event)
        .into_iter()
        .flatten()
        .filter_map(|&i| {
            let next = site.entries[i].event()?.schedule.upcoming(now).next()?;
            Some((next.start_utc, i))
        })
        .collect();
    upcoming.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then_with(|| site.entries[a.1].id.cmp(&site.entries[b.1].id))
    });
    upcoming.truncate(c.calendar.max_events);
    let events: Vec<Value> = upcoming
        .iter()
        .filter_map(|&(_, i)| event(site, i))
        .collect();
    let doc = json!({
        "version": VERSION,
        "generator": "tandem",
        "site": {
            "title": c.title,
            "url": c.base_url,
            "language": c.language.code(),
            "timezone": c.timezone.name(),
        },
        "events": events,
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

/// A date or a time with its offset: `2027-03-10` or `2027-03-10T10:00:00+01:00`.
fn moment(w: When, utc: chrono::DateTime<chrono::Utc>, tz: chrono_tz::Tz) -> String {
    match w {
        When::Date(d) => d.to_string(),
        When::Time(_) => utc.with_timezone(&tz).to_rfc3339(),
    }
}

fn event(site: &Site, i: usize) -> Option<Value> {
    let e = &site.entries[i];
    let ev = e.event()?;
    let now = site.config.now;
    let tz = ev.timezone;
    let date = |o: &crate::entry::schedule::Occurrence| {
        let end = o.end.map(|w| match w {
            When::Date(d) => d.to_string(),
            When::Time(_) => o.end_utc.with_timezone(&tz).to_rfc3339(),
        });
        json!({
            "start": moment(o.start, o.start_utc, tz),
            "end": end,
            "status": ev.status_at(o),
        })
    };
    let first = ev.schedule.occurrences.first()?;
    let first = date(first);
    let dates: Vec<Value> = ev.schedule.upcoming(now).map(date).collect();
    let rel = site.rel_url(i);
    fn ids(refs: &[crate::entry::Ref]) -> Vec<&str> {
        refs.iter().map(|r| r.id.as_str()).collect()
    }
    Some(json!({
        "id": e.id,
        "url": site.config.permalink(&rel),
        "ics": site.config.permalink(&format!("{rel}event.ics")),
        "title": e.title,
        "summary": e.summary,
        "status": ev.status,
        "all_day": first_is_all_day(ev),
        "timezone": tz.name(),
        "start": first["start"],
        "end": first["end"],
        "dates": dates,
        "location": ev.location,
        "online": ev.location.as_ref().and_then(|l| l.online.clone()),
        "project": ev.project.as_ref().map(|r| r.id.as_str()),
        "organizers": ids(&ev.organizers),
        "networks": ids(&ev.networks),
        "tags": e.tags,
    }))
}

fn first_is_all_day(ev: &crate::entry::EventData) -> bool {
    ev.schedule
        .occurrences
        .first()
        .is_some_and(|o| o.start.is_all_day())
}
