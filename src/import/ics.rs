//! `tandem import ics FILE|-`: events from a calendar export (Google
//! Calendar, Outlook, Thunderbird, or a tandem feed), read with the
//! `icalendar` crate's parser: one [`Draft`] per `VEVENT`, keeping its
//! `UID` so that subscribers of the old calendar see the same events.
//!
//! Times stay in the event's own zone (`TZID`: an IANA name, a Windows
//! name such as "W. Europe Standard Time" through CLDR's table, or a
//! `VTIMEZONE` naming its zone); UTC times are turned into the site's
//! zone; floating times are taken as the site's, with a note. What an
//! entry cannot hold is a note of the draft, listed after the import.

use super::{Draft, Value};
use crate::diagnostics::{Diagnostic, Diagnostics, Pos};
use crate::entry::When;
use chrono::{Duration, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use icalendar::parser::{Component, Property, read_calendar, unfold};
use std::collections::BTreeMap;

/// The drafts of the calendar `text`, named `label` in messages; a text
/// that is no calendar is an error at `label:line:col`.
pub fn drafts(text: &str, label: &str, site_tz: Tz, diags: &mut Diagnostics) -> Vec<Draft> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let unfolded = unfold(text);
    let calendar = match read_calendar(&unfolded) {
        Ok(c) => c,
        Err(e) => {
            let first = e.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
            diags.push(Diagnostic::error(
                label,
                Pos::START,
                format!("not an iCalendar file the parser can read: {first}"),
            ));
            return Vec::new();
        }
    };
    let zones = Zones::of(&calendar.components);
    let from_tandem = calendar
        .properties
        .iter()
        .any(|p| p.name.as_str() == "PRODID" && p.val.as_str().contains("//tandem//"));
    let events: Vec<&Component> = calendar
        .components
        .iter()
        .filter(|c| c.name.as_str() == "VEVENT")
        .collect();
    if events.is_empty() {
        diags.push(Diagnostic::error(
            label,
            Pos::START,
            "the file holds no event (no VEVENT)",
        ));
        return Vec::new();
    }
    // Instances of a series that were moved or changed (`RECURRENCE-ID`)
    // belong to their series, by UID.
    let mut overrides: BTreeMap<String, Vec<&Component>> = BTreeMap::new();
    let mut masters = Vec::new();
    for e in events {
        if prop(e, "RECURRENCE-ID").is_some() {
            let uid = text_of(e, "UID").unwrap_or_default();
            overrides.entry(uid).or_default().push(e);
        } else {
            masters.push(e);
        }
    }
    let mut drafts: Vec<(Option<NaiveDateTime>, Draft)> = Vec::new();
    for e in masters {
        let uid = text_of(e, "UID");
        let moved = uid
            .as_ref()
            .and_then(|u| overrides.remove(u))
            .unwrap_or_default();
        if let Some(d) = draft(e, &moved, &zones, site_tz, from_tandem) {
            drafts.push(d);
        }
    }
    // Moved instances whose series is not in the file: events of their own.
    for list in overrides.into_values() {
        for e in list {
            if let Some((key, mut d)) = draft(e, &[], &zones, site_tz, from_tandem) {
                d.notes.push(
                    "a changed date of a series that is not in the file: imported as an event of its own".into(),
                );
                drafts.push((key, d));
            }
        }
    }
    let others = calendar
        .components
        .iter()
        .filter(|c| !["VEVENT", "VTIMEZONE"].contains(&c.name.as_str()))
        .count();
    if others > 0 {
        diags.push(Diagnostic::warning(
            label,
            Pos::START,
            format!(
                "{others} component(s) that are no event (to-dos, journal entries) were left out"
            ),
        ));
    }
    drafts.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.title.cmp(&b.1.title)));
    drafts.into_iter().map(|(_, d)| d).collect()
}

/// The first property `name` of a component.
fn prop<'c>(c: &'c Component, name: &str) -> Option<&'c Property<'c>> {
    c.properties.iter().find(|p| p.name.as_str() == name)
}

/// Every property `name` of a component (EXDATE and CATEGORIES repeat).
fn props<'c>(c: &'c Component, name: &'c str) -> impl Iterator<Item = &'c Property<'c>> + 'c {
    c.properties.iter().filter(move |p| p.name.as_str() == name)
}

fn param<'p>(p: &'p Property, key: &str) -> Option<&'p str> {
    p.params
        .iter()
        .find(|x| x.key.as_str().eq_ignore_ascii_case(key))
        .and_then(|x| x.val.as_ref())
        .map(|v| v.as_str().trim_matches('"'))
}

/// A TEXT value, unescaped (`\,` `\;` `\n` `\\`).
fn text_of(c: &Component, name: &str) -> Option<String> {
    prop(c, name).map(|p| unescape(p.val.as_str()))
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out.trim().to_string()
}

/// The zones a file's `TZID`s name, resolved to IANA zones.
struct Zones {
    /// `TZID` of a `VTIMEZONE` → the IANA zone it stands for, where its
    /// name or `X-LIC-LOCATION` says.
    defined: BTreeMap<String, Tz>,
}

impl Zones {
    fn of(components: &[Component]) -> Zones {
        let mut defined = BTreeMap::new();
        for c in components.iter().filter(|c| c.name.as_str() == "VTIMEZONE") {
            let Some(id) = text_of(c, "TZID") else {
                continue;
            };
            let named = text_of(c, "X-LIC-LOCATION")
                .and_then(|l| iana(&l))
                .or_else(|| iana(&id));
            if let Some(tz) = named {
                defined.insert(id, tz);
            }
        }
        Zones { defined }
    }

    fn get(&self, tzid: &str) -> Option<Tz> {
        self.defined.get(tzid).copied().or_else(|| iana(tzid))
    }
}

/// An IANA zone for a `TZID` as producers write it: `Europe/Berlin`,
/// Outlook's "W. Europe Standard Time", Mozilla's old
/// `/mozilla.org/20050126_1/Europe/Berlin`.
fn iana(tzid: &str) -> Option<Tz> {
    let name = tzid.trim().trim_matches('"');
    if let Ok(tz) = name.parse::<Tz>() {
        return Some(tz);
    }
    if let Ok(w) = name.parse::<windows_timezones::WindowsTimezone>() {
        return Some(Tz::from(w));
    }
    // A path whose last two parts are a zone name.
    let parts: Vec<&str> = name.trim_matches('/').split('/').collect();
    (parts.len() >= 2)
        .then(|| format!("{}/{}", parts[parts.len() - 2], parts[parts.len() - 1]))
        .and_then(|n| n.parse::<Tz>().ok())
}

/// A `DTSTART`/`DTEND`/`RECURRENCE-ID`/`EXDATE` value as tandem writes
/// times: a date, or a local time in a zone.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Moment {
    Date(NaiveDate),
    Local(NaiveDateTime, Tz),
}

/// How a time was given, for the notes.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Form {
    Date,
    Zoned,
    Utc,
    Floating,
    UnknownZone,
}

fn parse_date(v: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(v.get(..8)?, "%Y%m%d").ok()
}

fn parse_local(v: &str) -> Option<NaiveDateTime> {
    let v = v.trim_end_matches('Z');
    NaiveDateTime::parse_from_str(v, "%Y%m%dT%H%M%S")
        .or_else(|_| NaiveDateTime::parse_from_str(v, "%Y%m%dT%H%M"))
        .ok()
}

/// One value of a date or date-time property (`value` may be one of a
/// comma-separated list).
fn moment(p: &Property, value: &str, zones: &Zones, site_tz: Tz) -> Option<(Moment, Form)> {
    let value = value.trim();
    let is_date = param(p, "VALUE").is_some_and(|v| v.eq_ignore_ascii_case("DATE"))
        || (value.len() == 8 && !value.contains('T'));
    if is_date {
        return parse_date(value).map(|d| (Moment::Date(d), Form::Date));
    }
    let local = parse_local(value)?;
    if value.ends_with('Z') {
        let utc = chrono::Utc.from_utc_datetime(&local);
        let here = utc.with_timezone(&site_tz).naive_local();
        return Some((Moment::Local(here, site_tz), Form::Utc));
    }
    match param(p, "TZID") {
        Some(id) => match zones.get(id) {
            Some(tz) => Some((Moment::Local(local, tz), Form::Zoned)),
            None => Some((Moment::Local(local, site_tz), Form::UnknownZone)),
        },
        None => Some((Moment::Local(local, site_tz), Form::Floating)),
    }
}

fn first_moment(c: &Component, name: &str, zones: &Zones, tz: Tz) -> Option<(Moment, Form)> {
    let p = prop(c, name)?;
    let first = p.val.as_str().split(',').next()?;
    moment(p, first, zones, tz)
}

/// `moment` as a time in `tz` (the event's zone).
fn in_zone(m: Moment, tz: Tz) -> Moment {
    match m {
        Moment::Local(t, from) if from != tz => {
            let instant = from.from_local_datetime(&t).earliest();
            match instant {
                Some(i) => Moment::Local(i.with_timezone(&tz).naive_local(), tz),
                None => m,
            }
        }
        _ => m,
    }
}

fn when_text(m: Moment) -> String {
    match m {
        Moment::Date(d) => d.to_string(),
        Moment::Local(t, _) => t.format("%Y-%m-%dT%H:%M").to_string(),
    }
}

fn date_of(m: Moment) -> NaiveDate {
    match m {
        Moment::Date(d) => d,
        Moment::Local(t, _) => t.date(),
    }
}

/// A simple `DURATION` (`PT1H30M`, `P1D`, `P1W`).
fn duration(v: &str) -> Option<Duration> {
    let d = crate::config::IsoDuration::parse(v.trim())?;
    if d.years != 0 || d.months != 0 {
        return None;
    }
    Duration::try_days(i64::try_from(d.days).ok()?)?
        .checked_add(&Duration::try_seconds(i64::try_from(d.seconds).ok()?)?)
}

/// Words of links to online meetings, for `LOCATION`s and `URL`s that
/// are one.
const MEETING_HOSTS: &[&str] = &[
    "zoom.us",
    "teams.microsoft",
    "meet.google",
    "webex",
    "jitsi",
    "bigbluebutton",
    "gotomeeting",
    "whereby",
    "meet.",
];

fn is_link(s: &str) -> bool {
    s.starts_with("https://") || s.starts_with("http://")
}

fn is_meeting(link: &str) -> bool {
    let l = link.to_ascii_lowercase();
    is_link(&l) && MEETING_HOSTS.iter().any(|h| l.contains(h))
}

/// Plain text as Markdown that shows the same text: characters Markdown
/// would read as markup are escaped, line breaks kept.
fn markdown_safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for (k, paragraph) in text.split("\n\n").enumerate() {
        if k > 0 {
            out.push_str("\n\n");
        }
        let lines: Vec<String> = paragraph
            .lines()
            .map(|line| {
                let mut l = String::with_capacity(line.len());
                for (i, c) in line.trim_end().chars().enumerate() {
                    let special = matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|')
                        || (i == 0 && matches!(c, '#' | '-' | '+' | '='));
                    if special {
                        l.push('\\');
                    }
                    l.push(c);
                }
                l
            })
            .collect();
        // A line break inside a paragraph stays one (`\` at its end).
        out.push_str(&lines.join("\\\n"));
    }
    out.trim().to_string()
}

/// The draft of one `VEVENT` and the instant it is sorted by; `moved`
/// are its instances with a `RECURRENCE-ID`.
fn draft(
    e: &Component,
    moved: &[&Component],
    zones: &Zones,
    site_tz: Tz,
    from_tandem: bool,
) -> Option<(Option<NaiveDateTime>, Draft)> {
    let mut d = Draft::default();
    let uid = text_of(e, "UID");
    d.origin = match &uid {
        Some(u) => format!("UID {u}"),
        None => "an event without UID".into(),
    };
    d.title = text_of(e, "SUMMARY")
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| {
            d.notes
                .push("it has no SUMMARY: the title is a stand-in".into());
            "Termin ohne Titel".into()
        });
    let Some((start, form)) = first_moment(e, "DTSTART", zones, site_tz) else {
        d.notes.push("it has no DTSTART and was left out".into());
        return None;
    };
    let tz = match start {
        Moment::Local(_, tz) => tz,
        Moment::Date(_) => site_tz,
    };
    match form {
        Form::Floating => d.notes.push(format!(
            "its times have no zone (floating): taken as the site's zone {}",
            site_tz.name()
        )),
        Form::UnknownZone => d.notes.push(format!(
            "its TZID `{}` is no zone tandem knows: taken as the site's zone {}",
            prop(e, "DTSTART")
                .and_then(|p| param(p, "TZID"))
                .unwrap_or(""),
            site_tz.name()
        )),
        _ => {}
    }
    let end = match first_moment(e, "DTEND", zones, site_tz) {
        Some((m, _)) => Some(in_zone(m, tz)),
        None => prop(e, "DURATION")
            .and_then(|p| duration(p.val.as_str()))
            .and_then(|len| match start {
                Moment::Date(s) => s.checked_add_signed(len).map(Moment::Date),
                Moment::Local(s, tz) => s.checked_add_signed(len).map(|t| Moment::Local(t, tz)),
            }),
    };
    // All-day: DTEND is the day after; tandem's `end` is the last day.
    let end = match (start, end) {
        (Moment::Date(s), Some(Moment::Date(e))) => {
            let last = e.pred_opt().unwrap_or(e);
            (last > s).then_some(Moment::Date(last))
        }
        (Moment::Date(_), Some(Moment::Local(..))) | (Moment::Local(..), Some(Moment::Date(_))) => {
            d.notes.push("its start and end are of different kinds (a date and a time): the end was left out".into());
            None
        }
        (_, e) => e.filter(|e| *e != start),
    };
    d.date = Some(date_of(start));
    d.fields
        .push(("start".into(), Value::Plain(when_text(start))));
    if let Some(end) = end {
        d.fields.push(("end".into(), Value::Plain(when_text(end))));
    }
    if tz != site_tz {
        d.fields
            .push(("timezone".into(), Value::Plain(tz.name().into())));
    }
    location(e, &mut d);
    let status = text_of(e, "STATUS").map(|s| s.to_ascii_uppercase());
    match status.as_deref() {
        Some("CANCELLED") => d
            .fields
            .push(("status".into(), Value::Plain("cancelled".into()))),
        Some("TENTATIVE") => {
            // tandem writes `postponed` as TENTATIVE; other calendars
            // mean "not certain yet".
            d.fields
                .push(("status".into(), Value::Plain("postponed".into())));
            if !from_tandem {
                d.notes
                    .push("its status TENTATIVE became `postponed`, tandem's nearest".into());
            }
        }
        _ => {}
    }
    recurrence(e, moved, start, end, tz, zones, &mut d);
    let tags: Vec<Value> = props(e, "CATEGORIES")
        .flat_map(|p| split_text_list(p.val.as_str()))
        .filter(|t| !t.is_empty())
        .map(Value::Text)
        .collect();
    if !tags.is_empty() {
        d.fields.push(("tags".into(), Value::List(tags)));
    }
    if let Some(uid) = &uid {
        d.fields.push(("uid".into(), Value::Text(uid.clone())));
    }
    description(e, &mut d);
    left_behind(e, &mut d);
    let key = match start {
        Moment::Date(s) => s.and_hms_opt(0, 0, 0),
        Moment::Local(t, _) => Some(t),
    };
    Some((key, d))
}

/// `CATEGORIES:a,b\,c` → `a`, `b,c`.
fn split_text_list(v: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut escaped = false;
    for c in v.chars() {
        if escaped {
            cur.push('\\');
            cur.push(c);
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == ',' {
            out.push(unescape(&cur));
            cur.clear();
        } else {
            cur.push(c);
        }
    }
    out.push(unescape(&cur));
    out
}

/// `LOCATION`, `GEO` and `URL` → `location`: a meeting link is `online`,
/// another web address the place's `url`.
fn location(e: &Component, d: &mut Draft) {
    let place = text_of(e, "LOCATION").filter(|l| !l.is_empty());
    let url = text_of(e, "URL").filter(|u| is_link(u));
    let geo = text_of(e, "GEO").and_then(|g| {
        let (lat, lon) = g.split_once([';', ','])?;
        Some((
            lat.trim().parse::<f64>().ok()?,
            lon.trim().parse::<f64>().ok()?,
        ))
    });
    let mut map: Vec<(String, Value)> = Vec::new();
    let mut online = None;
    match &place {
        Some(p) if is_link(p) => online = Some(p.clone()),
        Some(p) => map.push(("name".into(), Value::Text(p.clone()))),
        None => {}
    }
    if let Some(u) = &url {
        if is_meeting(u) && online.is_none() {
            online = Some(u.clone());
        } else if place.is_some() && online.is_none() && !map.is_empty() {
            map.push(("url".into(), Value::Text(u.clone())));
        } else {
            d.notes.push(format!(
                "its URL {u} has no field here: add it to the text if it matters"
            ));
        }
    }
    if let Some((lat, lon)) = geo
        && !map.is_empty()
    {
        map.push(("lat".into(), Value::Plain(lat.to_string())));
        map.push(("lon".into(), Value::Plain(lon.to_string())));
    }
    if let Some(o) = online {
        map.push(("online".into(), Value::Text(o)));
    }
    match map.as_slice() {
        [] => {}
        [(k, Value::Text(name))] if k == "name" => {
            d.fields
                .push(("location".into(), Value::Text(name.clone())));
        }
        _ => d.fields.push(("location".into(), Value::Map(map))),
    }
}

/// `RRULE` → `recurrence`, `EXDATE` → `exdates`; cancelled instances
/// (`RECURRENCE-ID` with `STATUS:CANCELLED`) are skipped dates too, other
/// changed instances a note.
#[allow(clippy::too_many_arguments)]
fn recurrence(
    e: &Component,
    moved: &[&Component],
    start: Moment,
    end: Option<Moment>,
    tz: Tz,
    zones: &Zones,
    d: &mut Draft,
) {
    let Some(rule) = prop(e, "RRULE").map(|p| p.val.as_str().trim().to_string()) else {
        if prop(e, "RDATE").is_some() {
            d.notes.push(
                "its extra dates (RDATE) are not carried over: add them as `sessions`".into(),
            );
        }
        return;
    };
    let mut exdates: Vec<NaiveDate> = props(e, "EXDATE")
        .flat_map(|p| {
            p.val
                .as_str()
                .split(',')
                .filter_map(|v| moment(p, v, zones, tz))
                .map(|(m, _)| date_of(in_zone(m, tz)))
                .collect::<Vec<_>>()
        })
        .collect();
    for m in moved {
        let Some((was, _)) = first_moment(m, "RECURRENCE-ID", zones, tz) else {
            continue;
        };
        let day = date_of(in_zone(was, tz));
        let cancelled = text_of(m, "STATUS").is_some_and(|s| s.eq_ignore_ascii_case("CANCELLED"));
        if cancelled {
            exdates.push(day);
        } else {
            let to = first_moment(m, "DTSTART", zones, tz)
                .map(|(n, _)| when_text(in_zone(n, tz)))
                .unwrap_or_default();
            d.notes.push(format!(
                "the date {day} of the series was changed in the calendar (to {to}): not carried over; edit that date by hand (e.g. `exdates` and a new event)"
            ));
        }
    }
    exdates.sort();
    exdates.dedup();
    let mut rule = rule;
    let upper = rule.to_ascii_uppercase();
    if !upper.contains("COUNT=") && !upper.contains("UNTIL=") {
        let until = date_of(start)
            .checked_add_months(chrono::Months::new(24))
            .unwrap_or(date_of(start));
        rule = format!("{rule};UNTIL={}", until.format("%Y%m%d"));
        d.notes.push(format!(
            "its series had no end, and a tandem series needs one: it ends on {until} (change `UNTIL` in `recurrence`)"
        ));
    }
    let to_when = |m: Moment| match m {
        Moment::Date(x) => When::Date(x),
        Moment::Local(t, _) => When::Time(t),
    };
    match crate::entry::schedule::expand(tz, to_when(start), end.map(to_when), &rule, &exdates) {
        Ok(_) => {
            d.fields.push(("recurrence".into(), Value::Plain(rule)));
            if !exdates.is_empty() {
                d.fields.push((
                    "exdates".into(),
                    Value::List(exdates.iter().map(|x| Value::Plain(x.to_string())).collect()),
                ));
            }
        }
        Err(why) => d.notes.push(format!(
            "its repetition `{rule}` is not one tandem reads ({why}): imported as its first date only"
        )),
    }
}

/// `DESCRIPTION` → the summary (a short first paragraph) and the text;
/// a last line that is the event's `URL` (as tandem's feeds end with the
/// page's address) is left out.
fn description(e: &Component, d: &mut Draft) {
    let Some(mut text) = text_of(e, "DESCRIPTION") else {
        return;
    };
    if let Some(url) = text_of(e, "URL")
        && let Some(rest) = text.trim_end().strip_suffix(url.as_str())
    {
        text = rest.trim_end().to_string();
    }
    let text = text.replace("\r\n", "\n");
    let mut paragraphs: Vec<&str> = text
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    // A short first sentence is a summary (tandem's own feeds begin with
    // it); a greeting ("Liebe Kolleginnen,") is not.
    let first = paragraphs.first().copied().unwrap_or("");
    let sentence = first.ends_with(['.', '!', '?']) && first.split_whitespace().count() >= 3;
    if paragraphs.len() > 1 && sentence && first.len() <= 300 && !first.contains('\n') {
        let summary = paragraphs.remove(0);
        d.fields.insert(
            d.fields.iter().position(|(k, _)| k == "start").unwrap_or(0),
            ("summary".into(), Value::Text(summary.to_string())),
        );
    }
    d.body = markdown_safe(&paragraphs.join("\n\n"));
}

/// What a `VEVENT` holds that an entry cannot: listed as notes.
fn left_behind(e: &Component, d: &mut Draft) {
    let attendees = props(e, "ATTENDEE").count();
    if attendees > 0 {
        d.notes.push(format!(
            "{attendees} attendee(s) (ATTENDEE) are not carried over"
        ));
    }
    if let Some(o) = prop(e, "ORGANIZER") {
        let who = param(o, "CN").unwrap_or(o.val.as_str());
        d.notes.push(format!(
            "its organiser ({who}) is not carried over: name the partner in `organizers`"
        ));
    }
    let alarms = e
        .components
        .iter()
        .filter(|c| c.name.as_str() == "VALARM")
        .count();
    if alarms > 0 {
        d.notes.push(format!(
            "{alarms} reminder(s) (VALARM) are not carried over"
        ));
    }
    if prop(e, "ATTACH").is_some() {
        d.notes
            .push("its attachments (ATTACH) are not carried over".into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_as_producers_write_them() {
        assert_eq!(iana("Europe/Berlin"), Some(chrono_tz::Europe::Berlin));
        assert_eq!(
            iana("W. Europe Standard Time"),
            Some(chrono_tz::Europe::Berlin)
        );
        assert_eq!(
            iana("\"W. Europe Standard Time\""),
            Some(chrono_tz::Europe::Berlin)
        );
        assert_eq!(iana("GMT Standard Time"), Some(chrono_tz::Europe::London));
        assert_eq!(
            iana("/mozilla.org/20050126_1/Europe/Berlin"),
            Some(chrono_tz::Europe::Berlin)
        );
        assert_eq!(iana("Mitteleuropa"), None);
    }

    #[test]
    fn plain_text_stays_the_same_text_in_markdown() {
        assert_eq!(
            markdown_safe("# 1 *wichtig* [Link]\n- Punkt\n\nZweiter Absatz"),
            "\\# 1 \\*wichtig\\* \\[Link\\]\\\n\\- Punkt\n\nZweiter Absatz"
        );
    }

    #[test]
    fn text_values_are_unescaped() {
        assert_eq!(unescape("a\\, b\\; c\\nd\\\\"), "a, b; c\nd\\");
        assert_eq!(split_text_list("a,b\\,c"), vec!["a", "b,c"]);
    }
}
