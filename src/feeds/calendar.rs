//! The iCalendar feeds of section 6 of the content format: one `event.ics`
//! per event and a subscription `calendar.ics` for the site and for each
//! network, partner and project.
//!
//! People subscribe once and never look again, so everything here serves
//! two promises: a subscriber's client shows the right wall-clock time in
//! every zone and season (local times with `TZID` and a matching
//! VTIMEZONE), and an event keeps its identity across rebuilds and edits
//! (UIDs from ids, never from content; `DTSTAMP` from the source, never
//! from the clock), so clients update events instead of duplicating them.

use super::ical::{self, Writer};
use super::vtimezone;
use crate::config::Language;
use crate::entry::Kind;
use crate::entry::schedule::{next_day, to_utc};
use crate::entry::{
    Attendance, Entry, EventData, KindData, Location, PartnerData, Session, Status, When,
};
use crate::lock::{Facts, Lock, Record};
use crate::model::Site;
use chrono::{DateTime, Datelike, Utc};
use chrono_tz::Tz;
use rayon::prelude::*;
use std::collections::BTreeMap;

/// `PRODID`: who wrote the file, as RFC 5545 asks. The version is part of
/// it, so a build is byte-identical only with the same tandem.
pub fn prodid(site: &Site) -> String {
    let lang = match site.config.language {
        Language::De => "DE",
        Language::En => "EN",
    };
    format!("-//tandem//tandem {}//{lang}", env!("CARGO_PKG_VERSION"))
}

/// The `UID` of an event (or of a series): the `uid` it was imported
/// with, else `event-ID@DOMAIN`, built from the id alone so that it
/// survives edits of title, text, place and time.
pub fn event_uid(site: &Site, event: usize) -> String {
    if let Some(uid) = imported_uid(site, event) {
        return uid.to_string();
    }
    format!(
        "event-{}@{}",
        site.entries[event].id, site.config.calendar.uid_domain
    )
}

fn imported_uid(site: &Site, event: usize) -> Option<&str> {
    site.entries[event]
        .event()
        .and_then(|e| e.uid.as_ref())
        .map(|u| u.value.as_str())
}

/// The `UID` of one session: from its `id` when it has one (which keeps it
/// across a move to another time), else from its start, so that adding a
/// session leaves every other session's UID alone. An imported event's
/// sessions put that key before its `uid`.
pub fn session_uid(site: &Site, event: usize, session: &Session) -> String {
    let key = match (&session.id, session.start) {
        (Some(id), _) => id.clone(),
        (None, When::Date(d)) => ical::date(d),
        (None, When::Time(t)) => {
            use chrono::Timelike;
            format!("{}T{:02}{:02}", ical::date(t.date()), t.hour(), t.minute())
        }
    };
    if let Some(uid) = imported_uid(site, event) {
        return format!("{key}-{uid}");
    }
    format!(
        "event-{}-{key}@{}",
        site.entries[event].id, site.config.calendar.uid_domain
    )
}

/// RFC 5545 `STATUS` of an event or session.
pub fn ical_status(status: Status) -> &'static str {
    match status {
        Status::Scheduled | Status::Full | Status::MovedOnline => "CONFIRMED",
        Status::Cancelled => "CANCELLED",
        Status::Postponed => "TENTATIVE",
    }
}

/// The line a description starts with when the status is not plain
/// "scheduled": many clients never show `STATUS`, and a subscriber should
/// not travel to a booked-out or cancelled workshop.
pub fn status_note(language: Language, status: Status) -> Option<&'static str> {
    let (de, en) = match status {
        Status::Scheduled => return None,
        Status::Full => ("ausgebucht", "booked out"),
        Status::Cancelled => ("abgesagt", "cancelled"),
        Status::Postponed => ("verschoben", "postponed"),
        Status::MovedOnline => ("findet online statt", "moved online"),
    };
    Some(match language {
        Language::De => de,
        Language::En => en,
    })
}

/// `DTSTAMP` of an entry. From the source rather than the clock, so that
/// an unchanged entry gives unchanged bytes: `SOURCE_DATE_EPOCH` when set,
/// else `updated` (local to the site's zone), else the file's mtime.
pub fn dtstamp(site: &Site, entry: &Entry) -> DateTime<Utc> {
    let config = &site.config;
    if config.reproducible {
        return config.now;
    }
    if let Some(u) = entry.updated {
        return to_utc(config.timezone, u.naive());
    }
    match entry.mtime {
        Some(m) => DateTime::<Utc>::from(m),
        None => config.now,
    }
}

/// What one VEVENT says, worked out before any of it is written.
struct VEvent<'a> {
    uid: String,
    start: When,
    end: Option<When>,
    rule: Option<&'a str>,
    exdates: &'a [When],
    status: Status,
    location: Option<&'a Location>,
}

/// Every VEVENT of one event, CRLF-terminated and folded: one for a single
/// or multi-day event, one with `RRULE` (and `EXDATE`) for a series, one
/// per session for an event with sessions. `plain_body` is the body as
/// plain text (`Rendered::plain`). Empty for an entry that is no event.
pub fn event_vevents(site: &Site, event: usize, plain_body: &str) -> String {
    event_vevents_texts(site, event, plain_body, plain_body)
}

/// [`event_vevents`] with `first` as the text of the first VEVENT and
/// `rest` as that of the others (the sessions after the first), so that
/// a file need not repeat a long text once per session.
fn event_vevents_texts(site: &Site, event: usize, first: &str, rest: &str) -> String {
    let entry = &site.entries[event];
    let Some(ev) = entry.event() else {
        return String::new();
    };
    let plans = vevent_plans(site, event, ev);
    // Each VEVENT holds the description (a little longer once escaped and
    // folded) and a few hundred bytes of other lines.
    let room = first.len() + plans.len() * (rest.len() * 9 / 8 + 1024);
    let mut w = Writer::with_capacity(room);
    // Sessions repeat the event's description: escape and fold it once
    // per text, status and meeting link (they add a line each).
    let mut descriptions: Vec<Description> = Vec::new();
    for (n, v) in plans.iter().enumerate() {
        let text = if n == 0 { first } else { rest };
        write_vevent(&mut w, site, event, ev, v, text, &mut descriptions);
    }
    w.finish()
}

/// A `DESCRIPTION` line made for one text (by address), status and
/// meeting link, for the sessions that share it.
type Description<'v> = (usize, Status, Option<&'v str>, String);

/// How much of an event's text the subscription feeds carry, in
/// characters. Clients fetch those feeds unattended and some stop reading
/// at about 1 MB, so they carry the summary, the start of the text and the
/// page's address; `event.ics` carries the whole text.
pub const TEXT_START: usize = 500;

/// The start of `plain` for a subscription feed: the whole text when it
/// has at most [`TEXT_START`] characters, else that many cut back to the
/// last word boundary, with "…".
pub fn text_start(plain: &str) -> std::borrow::Cow<'_, str> {
    let Some((cut, _)) = plain.char_indices().nth(TEXT_START) else {
        return std::borrow::Cow::Borrowed(plain);
    };
    let head = &plain[..cut];
    // Back to the last space or line break, unless that throws away more
    // than half (one very long word: cut inside it).
    let at = head
        .rfind(char::is_whitespace)
        .filter(|&at| at >= cut / 2)
        .unwrap_or(cut);
    let mut out = head[..at].trim_end().to_string();
    out.push('…');
    std::borrow::Cow::Owned(out)
}

/// An event's VEVENTs as `event.ics` has them (`whole`: the whole text
/// in the first, the start of it in the sessions after it) and as the
/// subscription feeds have them (`subscribed`: with the start of the text
/// in each, see [`text_start`]; the same when the body is short).
pub struct EventVevents {
    pub whole: String,
    pub subscribed: String,
}

/// [`event_vevents`] for both uses, made once when the text is short.
pub fn event_vevents_both(site: &Site, event: usize, plain_body: &str) -> EventVevents {
    let (whole, subscribed) = match text_start(plain_body) {
        std::borrow::Cow::Borrowed(_) => {
            let whole = event_vevents(site, event, plain_body);
            (whole.clone(), whole)
        }
        // In `event.ics` the first VEVENT has the whole text; the other
        // sessions, like every VEVENT of the subscription feeds, its start.
        std::borrow::Cow::Owned(start) => (
            event_vevents_texts(site, event, plain_body, &start),
            event_vevents(site, event, &start),
        ),
    };
    EventVevents { whole, subscribed }
}

fn vevent_plans<'a>(site: &Site, event: usize, ev: &'a EventData) -> Vec<VEvent<'a>> {
    let mut plans = Vec::new();
    if !ev.sessions.is_empty() {
        let mut order: Vec<(usize, &Session)> = ev.sessions.iter().enumerate().collect();
        order.sort_by_key(|(i, s)| (to_utc(ev.timezone, s.start.naive()), *i));
        let mut seen: Vec<String> = Vec::new();
        for (_, s) in order {
            let mut uid = session_uid(site, event, s);
            // Two sessions at the same start without ids would share a
            // UID and one would vanish in clients; number the repeats.
            let base = uid.clone();
            let mut n = 1;
            while seen.contains(&uid) {
                n += 1;
                uid = match base.rsplit_once('@') {
                    Some((l, d)) => format!("{l}-{n}@{d}"),
                    None => format!("{base}-{n}"),
                };
            }
            seen.push(uid.clone());
            plans.push(VEvent {
                uid,
                start: s.start,
                end: s.end,
                rule: None,
                exdates: &[],
                status: s.status.unwrap_or(ev.status),
                location: s.location.as_ref().or(ev.location.as_ref()),
            });
        }
        return plans;
    }
    let Some(start) = ev.start.as_ref().map(|s| s.value) else {
        return plans;
    };
    let end = ev.end.as_ref().map(|e| e.value);
    let uid = event_uid(site, event);
    match &ev.schedule.rule {
        None => plans.push(VEvent {
            uid,
            start,
            end,
            rule: None,
            exdates: &[],
            status: ev.status,
            location: ev.location.as_ref(),
        }),
        Some(rule) => {
            // DTSTART must be the series' first date (RFC 5545 §3.8.5.3):
            // an author's start that the rule does not produce would be
            // an extra date in some clients and missing in others.
            let first = ev
                .schedule
                .occurrences
                .iter()
                .map(|o| o.start)
                .chain(ev.schedule.exdates.iter().copied())
                .min_by_key(|w| w.naive())
                .unwrap_or(start);
            let end = end.map(|e| shift(e, first.naive() - start.naive()));
            plans.push(VEvent {
                uid,
                start: first,
                end,
                rule: Some(rule.text.as_str()),
                exdates: &ev.schedule.exdates,
                status: ev.status,
                location: ev.location.as_ref(),
            });
        }
    }
    plans
}

fn shift(w: When, by: chrono::TimeDelta) -> When {
    match w {
        When::Date(d) => When::Date(d.checked_add_signed(by).unwrap_or(d)),
        When::Time(t) => When::Time(t.checked_add_signed(by).unwrap_or(t)),
    }
}

/// `DTSTART`/`DTEND`/`EXDATE` as local time with `TZID`, or as `DATE`.
fn when_prop(w: &mut Writer, name: &str, tz: Tz, when: When) {
    match when {
        When::Time(t) => w.line(name, &[("TZID", tz.name())], &ical::local(t)),
        When::Date(d) => w.line(name, &[("VALUE", "DATE")], &ical::date(d)),
    }
}

fn write_vevent<'v>(
    w: &mut Writer,
    site: &Site,
    event: usize,
    ev: &EventData,
    v: &VEvent<'v>,
    plain_body: &str,
    descriptions: &mut Vec<Description<'v>>,
) {
    let entry = &site.entries[event];
    let config = &site.config;
    let tz = ev.timezone;
    let url = config.permalink(&site.rel_url(event));

    let Seen {
        at,
        link,
        facts,
        stamp,
        dtstamp,
    } = seen(site, entry, tz, v);

    w.begin("VEVENT");
    // TEXT: a session `id` or `uid_domain` may hold any character.
    w.text("UID", &[], &v.uid);
    w.line("DTSTAMP", &[], &ical::utc(dtstamp));
    w.line("SEQUENCE", &[], &stamp.sequence.to_string());
    w.line("LAST-MODIFIED", &[], &stamp.modified);
    when_prop(w, "DTSTART", tz, v.start);
    if let Some(end) = dtend(v) {
        when_prop(w, "DTEND", tz, end);
    }
    if let Some(rule) = v.rule {
        w.line("RRULE", &[], rule);
        if let Some((param, values)) = exdate(tz, v.exdates) {
            w.line("EXDATE", &[param], &values);
        }
    }
    w.text("SUMMARY", &[], &facts.title);
    let key = plain_body.as_ptr() as usize;
    match descriptions
        .iter()
        .find(|(k, s, l, _)| *k == key && *s == v.status && *l == link)
    {
        Some((_, _, _, line)) => w.raw(line),
        None => {
            let mut d = Writer::with_capacity(plain_body.len() * 9 / 8 + 512);
            d.text(
                "DESCRIPTION",
                &[],
                &description(
                    config.language,
                    v.status,
                    link,
                    entry.summary.as_deref(),
                    plain_body,
                    &url,
                ),
            );
            let line = d.finish();
            w.raw(&line);
            descriptions.push((key, v.status, link, line));
        }
    }
    if let Some(text) = &facts.location {
        w.text("LOCATION", &[], text);
    }
    if let Some(place) = at.place
        && let (Some(lat), Some(lon)) = (place.lat, place.lon)
        && lat.is_finite()
        && lon.is_finite()
        && lat.abs() <= 90.0
        && lon.abs() <= 180.0
    {
        w.line("GEO", &[], &format!("{lat};{lon}"));
    }
    // RFC 7986: the meeting, for clients that offer a "join" button.
    if let Some(link) = link {
        w.line("CONFERENCE", &[("VALUE", "URI")], link);
    }
    w.line("URL", &[], &url);
    let tags: Vec<&str> = entry
        .tags
        .iter()
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())
        .collect();
    if !tags.is_empty() {
        w.text_list("CATEGORIES", &tags);
    }
    if let Some((name, email)) = organizer(site, event, ev) {
        let cn = name.as_deref().map(ical::quoted);
        let params: Vec<(&str, &str)> = cn.iter().map(|c| ("CN", c.as_str())).collect();
        w.line("ORGANIZER", &params, &format!("mailto:{email}"));
    }
    w.line("STATUS", &[], ical_status(v.status));
    w.end("VEVENT");
}

/// What a subscriber sees of the VEVENT `v`: where it happens (with the
/// meeting link reading let through, an `https://` address), the facts
/// the lock compares, and its `SEQUENCE`/`LAST-MODIFIED` and `DTSTAMP`.
/// The feeds and the lock both take it from here.
struct Seen<'v> {
    at: Attendance<'v>,
    link: Option<&'v str>,
    facts: Facts,
    stamp: crate::lock::Stamp,
    dtstamp: DateTime<Utc>,
}

fn seen<'v>(site: &Site, entry: &Entry, tz: Tz, v: &VEvent<'v>) -> Seen<'v> {
    let at = Attendance::of(v.location, v.status);
    let link = at.link.filter(|l| crate::frontmatter::links::is_web_url(l));
    let facts = facts(entry, tz, v, &at, link);
    let dtstamp = dtstamp(site, entry);
    // A further language's feeds take the main language's stamps, which
    // its lock holds (see `build`): its words differ, the facts do not.
    let stamp = match site.lock.as_ref().and_then(|l| l.records.get(&v.uid)) {
        Some(r) if site.config.is_translation() => crate::lock::Stamp {
            sequence: r.sequence,
            modified: r.modified.clone(),
        },
        _ => Lock::stamp(site.lock.as_ref(), &v.uid, &facts, site.config.now, dtstamp),
    };
    Seen {
        at,
        link,
        facts,
        stamp,
        dtstamp,
    }
}

/// `DTEND` as written: the author's end of a timed event; for an
/// all-day one the day after its last day (RFC 5545's end is exclusive);
/// none for a timed event without end (it has no duration).
fn dtend(v: &VEvent) -> Option<When> {
    match (v.start, v.end) {
        (When::Time(_), Some(end @ When::Time(_))) => Some(end),
        (When::Date(s), end) => {
            let last = match end {
                Some(e) => e.date().max(s),
                None => s,
            };
            Some(When::Date(next_day(last)))
        }
        _ => None,
    }
}

/// `EXDATE`'s parameter and value, if a series skips dates.
fn exdate(tz: Tz, exdates: &[When]) -> Option<((&'static str, &'static str), String)> {
    let first = exdates.first()?;
    let values: Vec<String> = exdates
        .iter()
        .map(|x| match x {
            When::Time(t) => ical::local(*t),
            When::Date(d) => ical::date(*d),
        })
        .collect();
    let param = match first {
        When::Time(_) => ("TZID", tz.name()),
        When::Date(_) => ("VALUE", "DATE"),
    };
    Some((param, values.join(",")))
}

/// A `DTSTART`/`DTEND` as the lock writes it: `TZID=…:local` or
/// `VALUE=DATE:…`.
fn when_text(tz: Tz, when: When) -> String {
    match when {
        When::Time(t) => format!("TZID={}:{}", tz.name(), ical::local(t)),
        When::Date(d) => format!("VALUE=DATE:{}", ical::date(d)),
    }
}

/// What a subscriber would act on in the VEVENT `v`, as the feed writes
/// it (see [`crate::lock`]).
fn facts(entry: &Entry, tz: Tz, v: &VEvent, at: &Attendance, link: Option<&str>) -> Facts {
    let location = at
        .location_line(link)
        .map(|t| ical::clean_text(&t).trim().to_string())
        .filter(|t| !t.is_empty());
    Facts {
        title: ical::clean_text(&entry.title).trim().to_string(),
        start: when_text(tz, v.start),
        end: dtend(v).map(|e| when_text(tz, e)),
        rule: v.rule.map(str::to_string),
        exdates: v
            .rule
            .and_then(|_| exdate(tz, v.exdates))
            .map(|((k, p), values)| format!("{k}={p}:{values}")),
        status: v.status.as_str().to_string(),
        location,
    }
}

/// The lock's record of every VEVENT of the visible events, stamped
/// against the lock the build found (see [`Lock::stamp`]).
pub fn lock_records(site: &Site) -> Vec<Record> {
    let owners = feed_owners(site);
    let events = site
        .of_kind
        .get(&Kind::Event)
        .map_or(&[][..], Vec::as_slice);
    events
        .par_iter()
        .flat_map_iter(|&i| {
            let entry = &site.entries[i];
            let Some(ev) = entry.event() else {
                return Vec::new();
            };
            let tz = ev.timezone;
            let feeds: Vec<String> = owners.get(&i).cloned().unwrap_or_default();
            vevent_plans(site, i, ev)
                .into_iter()
                .map(|v| {
                    let Seen { facts, stamp, .. } = seen(site, entry, tz, &v);
                    let until = match v.rule {
                        Some(_) => ev.schedule.end_utc(),
                        None => Some(crate::entry::schedule::ends_at(tz, v.start, v.end)),
                    };
                    Record {
                        uid: v.uid,
                        sequence: stamp.sequence,
                        modified: stamp.modified,
                        until: until.map(ical::utc),
                        removed: false,
                        feeds: feeds.clone(),
                        facts,
                    }
                })
                .collect()
        })
        .collect()
}

/// The lock this build leaves: [`lock_records`] and what the lock it found
/// remembers of events that are gone (see [`Lock::next`]).
pub fn next_lock(site: &Site) -> Lock {
    Lock::next(site.lock.as_ref(), lock_records(site), site.config.now)
}

/// The events gone from the content whose dates are not over: the feeds
/// carry them as cancelled. Empty without a lock. Only which VEVENTs are
/// there counts, so this is quick enough for `serve` to ask after edits.
pub fn cancelled(site: &Site) -> Vec<Record> {
    let Some(lock) = site.lock.as_ref().filter(|l| !l.records.is_empty()) else {
        return Vec::new();
    };
    let events = site
        .of_kind
        .get(&Kind::Event)
        .map_or(&[][..], Vec::as_slice);
    let live: std::collections::HashSet<String> = events
        .par_iter()
        .flat_map_iter(|&i| match site.entries[i].event() {
            Some(ev) => vevent_plans(site, i, ev)
                .into_iter()
                .map(|v| v.uid)
                .collect(),
            None => Vec::new(),
        })
        .collect();
    let gone = Lock::gone(Some(lock), |uid| live.contains(uid), site.config.now);
    still_cancelled(site, gone.iter())
}

/// The cancellations of `next` (the lock this build leaves): what
/// [`cancelled`] finds, from a lock already worked out.
pub fn cancelled_in(site: &Site, next: &Lock) -> Vec<Record> {
    still_cancelled(site, next.records.values().filter(|r| r.removed))
}

/// The removed `records` of this calendar whose dates are not over. Only
/// this calendar's: a build for another address (another `uid_domain`)
/// does not cancel the events of the real one. An imported UID (not
/// `event-…`) is the same at every address, so its record is always ours.
fn still_cancelled<'r>(site: &Site, records: impl Iterator<Item = &'r Record>) -> Vec<Record> {
    let ours = format!("@{}", site.config.calendar.uid_domain);
    records
        .filter(|r| {
            (r.uid.ends_with(&ours) || !r.uid.starts_with("event-"))
                && !Lock::is_over(r, site.config.now)
        })
        .cloned()
        .collect()
}

/// The cancellations of [`Site::cancelled`] the feed of `owner` carries:
/// those of the events it listed.
pub fn cancelled_for(site: &Site, owner: usize) -> Vec<&Record> {
    let key = owner_key(&site.entries[owner]);
    site.cancelled
        .iter()
        .filter(|r| r.feeds.contains(&key))
        .collect()
}

/// The key of an owner's feed in the lock (`networks/ID`).
fn owner_key(entry: &Entry) -> String {
    format!("{}/{}", entry.kind.folder(), entry.id)
}

/// For each event, the keys of the owners whose feeds list it.
fn feed_owners(site: &Site) -> std::collections::HashMap<usize, Vec<String>> {
    let mut out: std::collections::HashMap<usize, Vec<String>> = Default::default();
    for (o, entry) in site.entries.iter().enumerate() {
        if !entry.kind.has_feed() || !site.visible(o) {
            continue;
        }
        for &e in &site.links[o].events {
            out.entry(e).or_default().push(owner_key(entry));
        }
    }
    for keys in out.values_mut() {
        keys.sort();
        keys.dedup();
    }
    out
}

/// The VEVENT that tells subscribers an event is off: what the lock
/// remembers of it, `STATUS:CANCELLED` and the raised `SEQUENCE`.
fn cancelled_vevent(site: &Site, r: &Record) -> String {
    let mut w = Writer::with_capacity(512);
    w.begin("VEVENT");
    w.text("UID", &[], &r.uid);
    // As every DTSTAMP: `SOURCE_DATE_EPOCH` when set, else when the lock
    // last changed it.
    match site.config.reproducible {
        true => w.line("DTSTAMP", &[], &ical::utc(site.config.now)),
        false => w.line("DTSTAMP", &[], &r.modified),
    }
    w.line("SEQUENCE", &[], &r.sequence.to_string());
    w.line("LAST-MODIFIED", &[], &r.modified);
    let mut prop = |name: &str, text: &str| {
        if let Some((param, value)) = text.split_once(':')
            && let Some((k, v)) = param.split_once('=')
        {
            w.line(name, &[(k, v)], value);
        }
    };
    prop("DTSTART", &r.facts.start);
    if let Some(end) = &r.facts.end {
        prop("DTEND", end);
    }
    if let Some(rule) = &r.facts.rule {
        w.line("RRULE", &[], rule);
    }
    w.text("SUMMARY", &[], &r.facts.title);
    let note = status_note(site.config.language, Status::Cancelled).unwrap_or_default();
    w.text("DESCRIPTION", &[], note);
    if let Some(l) = &r.facts.location {
        w.text("LOCATION", &[], l);
    }
    w.line("STATUS", &[], ical_status(Status::Cancelled));
    w.end("VEVENT");
    w.finish()
}

/// The zone and year of a lock's `TZID=…:YYYY…` time, for its VTIMEZONE.
fn record_zone(r: &Record) -> Option<(Tz, i32)> {
    let rest = r.facts.start.strip_prefix("TZID=")?;
    let (name, value) = rest.split_once(':')?;
    let tz: Tz = name.parse().ok()?;
    let year: i32 = value.get(..4)?.parse().ok()?;
    Some((tz, year))
}

/// `DESCRIPTION`: the status note if any, the meeting link of an online
/// or hybrid event, the summary, the body as plain text and the page URL,
/// separated by blank lines; empty parts are left out rather than leaving
/// stray blank lines. The link comes first, where every client shows it.
pub fn description(
    language: Language,
    status: Status,
    link: Option<&str>,
    summary: Option<&str>,
    plain_body: &str,
    url: &str,
) -> String {
    let mut parts: Vec<String> = Vec::new();
    parts.extend(status_note(language, status).map(str::to_string));
    if let Some(link) = link {
        let label = match language {
            Language::De => "Online-Termin",
            Language::En => "Join online",
        };
        parts.push(format!("{label}: {link}"));
    }
    for text in summary.into_iter().chain([plain_body]) {
        let clean = ical::clean_text(text);
        if !clean.trim().is_empty() {
            parts.push(clean.trim().to_string());
        }
    }
    parts.push(url.to_string());
    parts.join("\n\n")
}

/// An address fit for a `mailto:` URI, or `None`. Author-written contact
/// fields may hold "Name <mail>", a `mailto:` prefix or a typo; a bad
/// address is left out rather than breaking the feed.
fn mail_address(raw: &str) -> Option<String> {
    let s = raw.trim();
    let s = s.strip_prefix("mailto:").unwrap_or(s);
    let ok = s.contains('@')
        && !s.starts_with('@')
        && !s.ends_with('@')
        && s.chars().all(|c| {
            c.is_ascii_graphic() && !matches!(c, '"' | '<' | '>' | '\\' | ',' | ';' | ':')
        });
    ok.then(|| s.to_string())
}

/// `ORGANIZER`: the organising partner's name (the first that is
/// published) with an address to write to: the event's own contact's, else
/// that of the first organising partner that has one. The `CN` names the
/// organisation, never the contact person; without an organising partner
/// there is none. `None` when no address is known.
fn organizer(site: &Site, event: usize, ev: &EventData) -> Option<(Option<String>, String)> {
    let partners: Vec<(&Entry, &PartnerData)> = site.links[event]
        .organizers
        .iter()
        .filter(|&&p| site.visible(p))
        .filter_map(|&p| match &site.entries[p].data {
            KindData::Partner(data) => Some((&site.entries[p], data)),
            _ => None,
        })
        .collect();
    let address = |c: &Option<crate::entry::Contact>| {
        c.as_ref()
            .and_then(|c| c.email.as_deref())
            .and_then(mail_address)
    };
    let name = |p: &Entry| Some(p.title.trim().to_string()).filter(|n| !n.is_empty());
    if let Some(email) = address(&ev.contact) {
        return Some((partners.first().and_then(|(p, _)| name(p)), email));
    }
    partners
        .iter()
        .find_map(|(p, data)| Some((name(p), address(&data.contact)?)))
}

/// The events of `events` that belong in a feed, in the given order: the
/// visible ones (no drafts unless built with `--drafts`) that did not end
/// longer ago than `calendar.keep_past`.
pub fn feed_events(site: &Site, events: &[usize]) -> Vec<usize> {
    let cutoff = site
        .config
        .calendar
        .keep_past
        .as_ref()
        .and_then(|d| d.before(site.config.now));
    let mut out: Vec<usize> = Vec::new();
    for &i in events {
        let Some(entry) = site.entries.get(i) else {
            continue;
        };
        let Some(ev) = entry.event() else { continue };
        if !site.visible(i) || out.contains(&i) {
            continue;
        }
        if let (Some(cut), Some(end)) = (cutoff, ev.schedule.end_utc())
            && end < cut
        {
            continue;
        }
        out.push(i);
    }
    out
}

/// The years each zone's local times span in `events`, for the VTIMEZONEs.
fn zones_used(site: &Site, events: &[usize]) -> BTreeMap<&'static str, (Tz, i32, i32)> {
    let mut zones: BTreeMap<&'static str, (Tz, i32, i32)> = BTreeMap::new();
    for &i in events {
        let Some(ev) = site.entries[i].event() else {
            continue;
        };
        let tz = ev.timezone;
        let mut note = |w: When| {
            if let When::Time(t) = w {
                let y = t.year();
                let e = zones.entry(tz.name()).or_insert((tz, y, y));
                e.1 = e.1.min(y);
                e.2 = e.2.max(y);
            }
        };
        for o in &ev.schedule.occurrences {
            note(o.start);
            if let Some(e) = o.end {
                note(e);
            }
        }
        ev.schedule.exdates.iter().copied().for_each(&mut note);
        ev.sessions.iter().for_each(|s| {
            note(s.start);
            s.end.into_iter().for_each(&mut note);
        });
        if let Some(s) = &ev.start {
            note(s.value);
        }
    }
    zones
}

/// The VTIMEZONEs for `events`; the site's zone (this year) when there are
/// none, since a file needs one component and subscribers of a feed
/// without events yet still get a valid calendar.
fn write_zones(w: &mut Writer, site: &Site, events: &[usize], extra: &[(Tz, i32)], empty: bool) {
    let mut zones = zones_used(site, events);
    for &(tz, y) in extra {
        let e = zones.entry(tz.name()).or_insert((tz, y, y));
        e.1 = e.1.min(y);
        e.2 = e.2.max(y);
    }
    for (tz, first, last) in zones.values() {
        w.raw(&vtimezone::cached(*tz, *first..=*last));
    }
    if empty && zones.is_empty() {
        let tz = site.config.timezone;
        let year = site.config.now.with_timezone(&tz).year();
        w.raw(&vtimezone::cached(tz, year..=year));
    }
}

/// RFC 5545 DURATION from the configured ISO duration: `P2Y` or `P1M`
/// are ISO but not iCalendar, so years and months count as 365 and 30
/// days, and weeks as days (RFC 5545 does not mix them).
pub fn rfc_duration(d: &crate::config::IsoDuration) -> String {
    let days = u64::from(d.years) * 365 + u64::from(d.months) * 30 + d.days;
    let (h, m, s) = (d.seconds / 3600, d.seconds / 60 % 60, d.seconds % 60);
    let mut out = String::from("P");
    if days > 0 {
        out.push_str(&format!("{days}D"));
    }
    if d.seconds > 0 {
        out.push('T');
        if h > 0 {
            out.push_str(&format!("{h}H"));
        }
        if m > 0 {
            out.push_str(&format!("{m}M"));
        }
        if s > 0 {
            out.push_str(&format!("{s}S"));
        }
    }
    if out == "P" {
        out.push_str("T0S");
    }
    out
}

fn begin_calendar(w: &mut Writer, site: &Site) {
    w.begin("VCALENDAR");
    w.line("VERSION", &[], "2.0");
    w.text("PRODID", &[], &prodid(site));
    w.line("CALSCALE", &[], "GREGORIAN");
    // No `METHOD`: with one, RFC 5546 wants an `ORGANIZER` in every event,
    // and events without a contact address have none. A file without
    // `METHOD` is a plain calendar to show, which is what feeds are.
}

/// A subscription feed (`calendar.ics`) named `name` (see [`routes::feed_name`](crate::routes::feed_name))
/// with the VEVENTs of `events` as `vevents` gives them (the build renders
/// each event once and hands the same text to every feed). Only
/// [`feed_events`] of `events` are included, so drafts cannot leak in.
pub fn calendar<S: AsRef<str>>(
    site: &Site,
    name: &str,
    events: &[usize],
    vevents: &dyn Fn(usize) -> S,
) -> String {
    calendar_parts(site, name, events, &[], vevents, None).into_string()
}

/// A calendar as the parts it is written from: its own head (properties
/// and time zones), then the VEVENTs it shares with other feeds, then its
/// end. A build writes the parts where they are instead of joining them.
pub struct Parts<S> {
    head: String,
    events: Vec<S>,
    /// This feed's own VEVENTs (cancellations), after the shared ones.
    own: Vec<String>,
    /// Set when the upcoming events alone did not fit the budget.
    pub left_out: Option<LeftOut>,
    /// How many events (and cancellations) it holds.
    pub kept: usize,
}

impl<S: AsRef<str>> Parts<S> {
    /// The feed's text in order, in pieces.
    fn pieces(&self) -> Vec<&str> {
        let mut out = Vec::with_capacity(self.events.len() * 2 + self.own.len() * 2 + 2);
        out.push(self.head.as_str());
        let own = self.own.iter().map(String::as_str);
        for v in self.events.iter().map(AsRef::as_ref).chain(own) {
            out.push(v);
            if !v.ends_with("\r\n") {
                out.push("\r\n");
            }
        }
        out.push(END);
        out
    }

    pub fn slices(&self) -> Vec<&[u8]> {
        self.pieces().into_iter().map(str::as_bytes).collect()
    }

    pub fn into_string(self) -> String {
        self.pieces().concat()
    }
}

/// [`calendar`] as [`Parts`], within the feed's [budget](within_budget),
/// with the VEVENTs of `cancelled` (events gone from the content, see
/// [`cancelled`]) after the others. `same_as`: the number of events the
/// main language's feed kept, which a further language's feed keeps too,
/// so that every language's feed holds the same events.
pub fn calendar_parts<S: AsRef<str>>(
    site: &Site,
    name: &str,
    events: &[usize],
    cancelled: &[&Record],
    vevents: &dyn Fn(usize) -> S,
    same_as: Option<usize>,
) -> Parts<S> {
    let now = site.config.now;
    let events = feed_events(site, events);
    let bodies: Vec<(usize, S)> = events
        .iter()
        .map(|&i| (i, vevents(i)))
        .filter(|(_, v)| !v.as_ref().is_empty())
        .collect();
    let gone: Vec<(&Record, String)> = cancelled
        .iter()
        .map(|r| (*r, cancelled_vevent(site, r)))
        .collect();
    let gone_zones: Vec<(Tz, i32)> = gone.iter().filter_map(|(r, _)| record_zone(r)).collect();
    // The head with every candidate's zones is at least as long as the
    // head of the events kept: what the budget leaves for the VEVENTs.
    let all: Vec<usize> = bodies.iter().map(|(i, _)| *i).collect();
    let fixed = feed_head(site, name, &all, &gone_zones).len() + END.len();
    let mut candidates: Vec<Candidate> = bodies
        .iter()
        .map(|(i, v)| {
            let schedule = site.entries[*i].event().map(|e| &e.schedule);
            Candidate {
                next: schedule.and_then(|s| s.upcoming(now).map(|o| o.start_utc).min()),
                end: schedule.and_then(|s| s.end_utc()),
                size: size(v.as_ref()),
            }
        })
        .collect();
    // A cancellation counts as an upcoming event on its last date.
    candidates.extend(gone.iter().map(|(r, v)| Candidate {
        next: Some(until_of(r).unwrap_or(DateTime::<Utc>::MAX_UTC)),
        end: None,
        size: size(v),
    }));
    let (keep, left_out) = match same_as {
        Some(n) => (first_ranked(&candidates, n), None),
        None => within_budget(site, &candidates, fixed),
    };
    let count = keep.iter().filter(|k| **k).count();
    let (keep_events, keep_gone) = keep.split_at(bodies.len());
    let kept: Vec<(usize, S)> = bodies
        .into_iter()
        .zip(keep_events)
        .filter_map(|(b, &k)| k.then_some(b))
        .collect();
    let gone: Vec<(&Record, String)> = gone
        .into_iter()
        .zip(keep_gone)
        .filter_map(|(g, &k)| k.then_some(g))
        .collect();
    let written: Vec<usize> = kept.iter().map(|(i, _)| *i).collect();
    let zones: Vec<(Tz, i32)> = gone.iter().filter_map(|(r, _)| record_zone(r)).collect();
    Parts {
        head: feed_head(site, name, &written, &zones),
        events: kept.into_iter().map(|(_, v)| v).collect(),
        own: gone.into_iter().map(|(_, v)| v).collect(),
        left_out,
        kept: count,
    }
}

fn until_of(r: &Record) -> Option<DateTime<Utc>> {
    let u = r.until.as_deref()?;
    chrono::NaiveDateTime::parse_from_str(u, "%Y%m%dT%H%M%SZ")
        .ok()
        .map(|t| t.and_utc())
}

/// A VEVENT's size in the feed (the feed ends each with a line break).
fn size(v: &str) -> usize {
    v.len() + if v.ends_with("\r\n") { 0 } else { 2 }
}

const END: &str = "END:VCALENDAR\r\n";

/// A subscription feed's properties and the time zones of `written` and
/// of `extra` (zone and year).
fn feed_head(site: &Site, name: &str, written: &[usize], extra: &[(Tz, i32)]) -> String {
    let mut w = Writer::new();
    begin_calendar(&mut w, site);
    // Clients read these only before the first component.
    w.text("NAME", &[], name);
    w.text("X-WR-CALNAME", &[], name);
    let refresh = rfc_duration(&site.config.calendar.refresh);
    w.line("REFRESH-INTERVAL", &[("VALUE", "DURATION")], &refresh);
    w.line("X-PUBLISHED-TTL", &[], &refresh);
    w.line("X-WR-TIMEZONE", &[], site.config.timezone.name());
    write_zones(
        &mut w,
        site,
        written,
        extra,
        written.is_empty() && extra.is_empty(),
    );
    w.finish()
}

/// What a subscription feed left out because its upcoming events alone
/// did not fit its budget (the build warns with it).
#[derive(Clone, Debug, PartialEq)]
pub struct LeftOut {
    /// Upcoming events that were candidates, and how many of them fit.
    pub upcoming: usize,
    pub kept: usize,
    /// The feed's size with every upcoming event.
    pub bytes: usize,
    /// The start of the first upcoming event left out: every later one
    /// is left out too.
    pub from: DateTime<Utc>,
}

/// The order in which a feed keeps `candidates`, as (past?, key,
/// position): upcoming by their next start, soonest first, then past ones
/// by their end, latest first.
fn ranked(candidates: &[Candidate]) -> Vec<(bool, i64, usize)> {
    let mut rank: Vec<(bool, i64, usize)> = candidates
        .iter()
        .enumerate()
        .map(|(at, c)| match c.next {
            Some(next) => (false, next.timestamp(), at),
            None => {
                let end = c.end.map_or(i64::MIN, |e| e.timestamp());
                (true, end.saturating_neg(), at)
            }
        })
        .collect();
    rank.sort_unstable();
    rank
}

/// The first `n` of `candidates` in the order a feed keeps them (see
/// [`within_budget`]).
fn first_ranked(candidates: &[Candidate], n: usize) -> Vec<bool> {
    let mut keep = vec![false; candidates.len()];
    for &(_, _, at) in ranked(candidates).iter().take(n) {
        keep[at] = true;
    }
    keep
}

/// One VEVENT (or the VEVENTs of one event) a feed could hold.
pub struct Candidate {
    /// The start of its next date, if one is not over.
    pub next: Option<DateTime<Utc>>,
    /// When its last date is over.
    pub end: Option<DateTime<Utc>>,
    /// Its bytes in the feed.
    pub size: usize,
}

/// Which `candidates` a subscription feed keeps within
/// `calendar.max_events` and `calendar.max_bytes`, `fixed` bytes being
/// taken by the rest of the file. Upcoming events come first, soonest
/// first; then past ones, most recently ended first: over budget, the
/// longest-past leave first and, if the upcoming do not all fit, the
/// latest of them (then [`LeftOut`] says so).
pub fn within_budget(
    site: &Site,
    candidates: &[Candidate],
    fixed: usize,
) -> (Vec<bool>, Option<LeftOut>) {
    let cal = &site.config.calendar;
    let total: usize = fixed + candidates.iter().map(|c| c.size).sum::<usize>();
    if candidates.len() <= cal.max_events && total <= cal.max_bytes {
        return (vec![true; candidates.len()], None);
    }
    let rank = ranked(candidates);
    let mut keep = vec![false; candidates.len()];
    let (mut bytes, mut count) = (fixed, 0);
    let mut first_out = None;
    for &(past, key, at) in &rank {
        let s = candidates[at].size;
        if count >= cal.max_events || bytes + s > cal.max_bytes {
            if !past {
                first_out = Some(key);
            }
            break;
        }
        keep[at] = true;
        bytes += s;
        count += 1;
    }
    let left_out = first_out.map(|key| {
        let upcoming: Vec<usize> = rank.iter().filter(|r| !r.0).map(|r| r.2).collect();
        LeftOut {
            upcoming: upcoming.len(),
            kept: upcoming.iter().filter(|&&at| keep[at]).count(),
            bytes: fixed
                + upcoming
                    .iter()
                    .map(|&at| candidates[at].size)
                    .sum::<usize>(),
            from: DateTime::from_timestamp(key, 0).unwrap_or(site.config.now),
        }
    });
    (keep, left_out)
}

/// `events/ID/event.ics`: the one event, for "add to calendar". It names
/// no feed and no refresh: importing clients copy it once.
pub fn event_ics(site: &Site, event: usize, vevents: &str) -> String {
    let mut w = Writer::new();
    begin_calendar(&mut w, site);
    write_zones(&mut w, site, &[event], &[], vevents.is_empty());
    w.raw(vevents);
    w.end("VCALENDAR");
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::IsoDuration;

    #[test]
    fn statuses_map_as_section_6_says() {
        assert_eq!(ical_status(Status::Scheduled), "CONFIRMED");
        assert_eq!(ical_status(Status::Full), "CONFIRMED");
        assert_eq!(ical_status(Status::MovedOnline), "CONFIRMED");
        assert_eq!(ical_status(Status::Cancelled), "CANCELLED");
        assert_eq!(ical_status(Status::Postponed), "TENTATIVE");
        assert_eq!(status_note(Language::De, Status::Full), Some("ausgebucht"));
        assert_eq!(status_note(Language::En, Status::Full), Some("booked out"));
        assert_eq!(status_note(Language::De, Status::Scheduled), None);
    }

    #[test]
    fn description_parts_and_blank_lines() {
        let url = "https://example.org/events/x/";
        assert_eq!(
            description(
                Language::De,
                Status::Scheduled,
                None,
                Some(" Kurz. "),
                "Text\r\n\r\nMehr",
                url
            ),
            "Kurz.\n\nText\n\nMehr\n\nhttps://example.org/events/x/"
        );
        assert_eq!(
            description(Language::En, Status::Full, None, None, "  ", url),
            "booked out\n\nhttps://example.org/events/x/"
        );
        assert_eq!(
            description(
                Language::De,
                Status::Cancelled,
                None,
                Some("\u{7}"),
                "",
                url
            ),
            "abgesagt\n\nhttps://example.org/events/x/"
        );
        assert_eq!(
            description(
                Language::De,
                Status::MovedOnline,
                Some("https://meet.example.org/r"),
                Some("Kurz."),
                "",
                url
            ),
            "findet online statt\n\nOnline-Termin: https://meet.example.org/r\n\nKurz.\n\nhttps://example.org/events/x/"
        );
    }

    #[test]
    fn text_start_cuts_long_texts_at_a_word() {
        assert!(matches!(
            text_start("kurz"),
            std::borrow::Cow::Borrowed("kurz")
        ));
        let exact = "a".repeat(TEXT_START);
        assert_eq!(text_start(&exact), exact.as_str());
        let long = "Wort ".repeat(200);
        let cut = text_start(&long);
        assert!(cut.ends_with("Wort…"), "{cut}");
        assert!(cut.chars().count() <= TEXT_START + 1);
        // Umlauts are characters, not bytes: no cut inside one.
        let umlauts = "ä".repeat(TEXT_START + 10);
        assert_eq!(text_start(&umlauts).chars().count(), TEXT_START + 1);
        // One word longer than half the limit is cut inside.
        let one = format!("x {}", "y".repeat(TEXT_START * 2));
        assert_eq!(text_start(&one).chars().count(), TEXT_START + 1);
    }

    #[test]
    fn refresh_durations_are_rfc_5545() {
        let d = |s: &str| rfc_duration(&IsoDuration::parse(s).unwrap());
        assert_eq!(d("P1D"), "P1D");
        assert_eq!(d("PT12H"), "PT12H");
        assert_eq!(d("PT1H30M"), "PT1H30M");
        assert_eq!(d("P1W"), "P7D");
        assert_eq!(d("P1M"), "P30D");
        assert_eq!(d("P1Y"), "P365D");
        assert_eq!(d("P0D"), "PT0S");
    }

    #[test]
    fn only_usable_mail_addresses() {
        assert_eq!(
            mail_address(" a.b@example.org "),
            Some("a.b@example.org".into())
        );
        assert_eq!(
            mail_address("mailto:a@example.org"),
            Some("a@example.org".into())
        );
        assert_eq!(mail_address("Anna <a@example.org>"), None);
        assert_eq!(mail_address("a@"), None);
        assert_eq!(mail_address("kein Mail"), None);
        assert_eq!(mail_address("a@b.org\r\nX-INJECT:1"), None);
    }
}
