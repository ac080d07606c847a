//! VTIMEZONE components generated from the tz database (chrono-tz).
//!
//! Most clients map a `TZID` such as `Europe/Berlin` to their own copy of
//! the tz database, but Outlook and the strict parsers only trust the
//! VTIMEZONE in the file, and RFC 5545 requires one for every `TZID`. So
//! the feeds carry a definition that is exact for the years their events
//! span: every UTC-offset change in that window is found by scanning
//! chrono-tz, and yearly-regular changes (last Sunday in March, second
//! Sunday in March, …) are written as one RRULE each, which is the shape
//! Outlook and Google read best; irregular ones get a sub-component each.

use super::ical::{self, Writer};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::{OffsetComponents, OffsetName, Tz};
use std::ops::RangeInclusive;

/// The local wall clock's state between two changes.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Observance {
    /// Total offset from UTC, in seconds.
    offset: i32,
    dst: bool,
    name: Option<String>,
}

fn observance(tz: Tz, at: DateTime<Utc>) -> Observance {
    let off = tz.offset_from_utc_datetime(&at.naive_utc());
    Observance {
        offset: off.fix().local_minus_utc(),
        dst: off.dst_offset() > Duration::zero(),
        name: off.abbreviation().map(str::to_string),
    }
}

/// A change of observance at an instant.
#[derive(Clone, Debug, PartialEq)]
struct Transition {
    at: DateTime<Utc>,
    from: Observance,
    to: Observance,
}

impl Transition {
    /// The moment of change as the old wall clock shows it, which is how
    /// RFC 5545 wants a sub-component's `DTSTART`.
    fn local(&self) -> NaiveDateTime {
        self.at.naive_utc() + Duration::seconds(i64::from(self.from.offset))
    }
}

/// The step of the scan. Offset changes in the tz database lie months, at
/// the very least weeks, apart; a few hours keeps any pair apart.
const STEP_HOURS: i64 = 6;

/// Every observance change of `tz` in `[from, to)`, in order.
fn transitions(tz: Tz, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Transition> {
    let mut out = Vec::new();
    let mut t = from;
    let mut obs = observance(tz, t);
    while t < to {
        let next = (t + Duration::hours(STEP_HOURS)).min(to);
        let next_obs = observance(tz, next);
        if next_obs != obs {
            // Bisect to the second: the change lies in (lo, hi].
            let (mut lo, mut hi) = (t.timestamp(), next.timestamp());
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2;
                let m = DateTime::from_timestamp(mid, 0).unwrap_or(next);
                if observance(tz, m) == obs {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            let at = DateTime::from_timestamp(hi, 0).unwrap_or(next);
            let to_obs = observance(tz, at);
            out.push(Transition {
                at,
                from: obs.clone(),
                to: to_obs.clone(),
            });
            obs = to_obs;
            // A second change inside the same step (none known) is caught
            // by comparing again from the found instant.
            t = at;
            continue;
        }
        t = next;
        obs = next_obs;
    }
    out
}

/// Where in its month a transition falls, as an RRULE `BYDAY` would name
/// it: `-1SU` for the last such weekday, else `1SU`…`4SU`.
fn byday(d: NaiveDate) -> String {
    let wd = match d.weekday() {
        chrono::Weekday::Mon => "MO",
        chrono::Weekday::Tue => "TU",
        chrono::Weekday::Wed => "WE",
        chrono::Weekday::Thu => "TH",
        chrono::Weekday::Fri => "FR",
        chrono::Weekday::Sat => "SA",
        chrono::Weekday::Sun => "SU",
    };
    let next_week = d + Duration::days(7);
    if next_week.month() != d.month() {
        format!("-1{wd}")
    } else {
        format!("{}{wd}", (d.day() - 1) / 7 + 1)
    }
}

/// Whether `b` is the same yearly rule as `a`, one year later.
fn same_rule(a: &Transition, b: &Transition) -> bool {
    let (la, lb) = (a.local(), b.local());
    a.from == b.from
        && a.to == b.to
        && lb.year() == la.year() + 1
        && la.month() == lb.month()
        && la.time() == lb.time()
        && byday(la.date()) == byday(lb.date())
}

/// Writes the VTIMEZONE of `tz`, exact from the start of the first year to
/// the end of the last (a reversed range counts as its first year). The
/// year before is scanned too, so that the observance in force on 1
/// January is described by the change that began it.
pub fn write(w: &mut Writer, tz: Tz, years: RangeInclusive<i32>) {
    let (first, last) = (*years.start(), (*years.end()).max(*years.start()));
    let from = jan1(first - 1);
    let mut changes: Vec<Transition> = Vec::new();
    for y in first - 1..=last {
        changes.extend(year_transitions(tz, y).iter().cloned());
    }

    w.begin("VTIMEZONE");
    w.line("TZID", &[], tz.name());
    // Without a change before 1 January of the first year, nothing would
    // say which offset holds until the first change; an observance
    // "since 1970" does (the conventional start where history is unknown).
    if changes.first().is_none_or(|c| c.at > jan1(first)) {
        let o = observance(tz, from);
        let start = NaiveDate::from_ymd_opt(1970, 1, 1)
            .map(|d| d.and_time(chrono::NaiveTime::MIN))
            .unwrap_or_default();
        sub_component(w, &o, o.offset, start, None);
    }
    write_changes(w, &changes, last);
    w.end("VTIMEZONE");
}

/// Groups the changes into yearly runs (each change joins the run whose
/// last member is the same rule one year earlier) and writes one
/// sub-component per run.
fn write_changes(w: &mut Writer, changes: &[Transition], last_year: i32) {
    let mut runs: Vec<Vec<&Transition>> = Vec::new();
    for c in changes {
        let home = runs
            .iter_mut()
            .find(|r| r.last().is_some_and(|prev| same_rule(prev, c)));
        match home {
            Some(run) => run.push(c),
            None => runs.push(vec![c]),
        }
    }
    // A sub-component per run, in order of its first change, so that the
    // output reads chronologically and is deterministic.
    for run in runs {
        let (Some(head), Some(tail)) = (run.first(), run.last()) else {
            continue;
        };
        let rule = if run.len() < 2 {
            None
        } else {
            let l = head.local();
            let mut r = format!(
                "FREQ=YEARLY;BYMONTH={};BYDAY={}",
                l.month(),
                byday(l.date())
            );
            // A rule still in force at the end of the window is left open,
            // the best guess for clients that look further ahead; one that
            // stopped ends at its last change (UNTIL in UTC, §3.3.10).
            if tail.local().year() < last_year {
                r.push_str(&format!(";UNTIL={}", ical::utc(tail.at)));
            }
            Some(r)
        };
        sub_component(w, &head.to, head.from.offset, head.local(), rule.as_deref());
    }
}

fn sub_component(
    w: &mut Writer,
    to: &Observance,
    from_offset: i32,
    start: NaiveDateTime,
    rule: Option<&str>,
) {
    let kind = if to.dst { "DAYLIGHT" } else { "STANDARD" };
    w.begin(kind);
    w.line("DTSTART", &[], &ical::local(start));
    if let Some(r) = rule {
        w.line("RRULE", &[], r);
    }
    w.line("TZOFFSETFROM", &[], &utc_offset(from_offset));
    w.line("TZOFFSETTO", &[], &utc_offset(to.offset));
    if let Some(name) = &to.name {
        w.text("TZNAME", &[], name);
    }
    w.end(kind);
}

/// `UTC-OFFSET` (§3.3.14): `+0100`, `-0500`, `+0530`, seconds only when
/// there are any (some historical zones), and never `-0000`.
pub fn utc_offset(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let s = seconds.unsigned_abs();
    let (h, m, sec) = (s / 3600, s / 60 % 60, s % 60);
    if sec == 0 {
        format!("{sign}{h:02}{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}{sec:02}")
    }
}

/// Midnight UTC of 1 January of `y`.
fn jan1(y: i32) -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(y, 1, 1)
        .map(|d| d.and_time(chrono::NaiveTime::MIN).and_utc())
        .unwrap_or(DateTime::<Utc>::UNIX_EPOCH)
}

type Cache<K, V> = std::sync::OnceLock<std::sync::Mutex<std::collections::HashMap<K, V>>>;

/// `make()`'s value for `key`, made once for the whole process and shared
/// by every thread and every build `serve` runs.
fn memo<K: std::hash::Hash + Eq, V: Clone>(
    cache: &Cache<K, V>,
    key: K,
    make: impl FnOnce() -> V,
) -> V {
    let cache = cache.get_or_init(Default::default);
    if let Some(hit) = cache.lock().ok().and_then(|c| c.get(&key).cloned()) {
        return hit;
    }
    let value = make();
    if let Ok(mut c) = cache.lock() {
        c.insert(key, value.clone());
    }
    value
}

/// The transitions of `tz` in `year` (UTC), found once per zone and year:
/// every feed spans its own years, and searching the offsets is the
/// expensive part. Years are a whole number of search steps long, so
/// joining years gives what one search over the whole span gives.
fn year_transitions(tz: Tz, year: i32) -> std::sync::Arc<Vec<Transition>> {
    static CACHE: Cache<(&'static str, i32), std::sync::Arc<Vec<Transition>>> =
        std::sync::OnceLock::new();
    memo(&CACHE, (tz.name(), year), || {
        std::sync::Arc::new(transitions(tz, jan1(year), jan1(year + 1)))
    })
}

/// The VTIMEZONE as a string, for callers that assemble a file.
pub fn vtimezone(tz: Tz, years: RangeInclusive<i32>) -> String {
    let mut w = Writer::new();
    write(&mut w, tz, years);
    w.finish()
}

/// [`vtimezone`], computed once per zone and year span for the whole
/// process: a site has thousands of feeds but only a handful of distinct
/// spans.
pub fn cached(tz: Tz, years: RangeInclusive<i32>) -> std::sync::Arc<str> {
    static CACHE: Cache<(&'static str, i32, i32), std::sync::Arc<str>> = std::sync::OnceLock::new();
    let key = (tz.name(), *years.start(), *years.end());
    memo(&CACHE, key, || std::sync::Arc::from(vtimezone(tz, years)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::{America, Asia, Australia, Europe};

    #[test]
    fn offsets() {
        assert_eq!(utc_offset(3600), "+0100");
        assert_eq!(utc_offset(-5 * 3600), "-0500");
        assert_eq!(utc_offset(19800), "+0530");
        assert_eq!(utc_offset(0), "+0000");
        assert_eq!(utc_offset(-(3600 + 1800 + 7)), "-013007");
    }

    #[test]
    fn berlin_is_two_yearly_rules() {
        let v = vtimezone(Europe::Berlin, 2022..=2024);
        let expected = "BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\n\
            BEGIN:DAYLIGHT\r\nDTSTART:20210328T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n\
            TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\nEND:DAYLIGHT\r\n\
            BEGIN:STANDARD\r\nDTSTART:20211031T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n\
            TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\nEND:STANDARD\r\n\
                        END:VTIMEZONE\r\n";
        assert_eq!(v, expected);
    }

    #[test]
    fn new_york_uses_nth_sundays() {
        let v = vtimezone(America::New_York, 2023..=2023);
        assert!(
            v.contains("DTSTART:20220313T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\r\n"),
            "{v}"
        );
        assert!(
            v.contains("DTSTART:20221106T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\r\n"),
            "{v}"
        );
        assert!(
            v.contains("TZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\nTZNAME:EST\r\n"),
            "{v}"
        );
    }

    #[test]
    fn zones_without_dst_get_one_standard_block() {
        let v = vtimezone(Asia::Kolkata, 2020..=2030);
        assert_eq!(
            v,
            "BEGIN:VTIMEZONE\r\nTZID:Asia/Kolkata\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n\
             TZOFFSETFROM:+0530\r\nTZOFFSETTO:+0530\r\nTZNAME:IST\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
        );
        let utc = vtimezone(Tz::UTC, 2022..=2022);
        assert!(utc.contains("TZOFFSETTO:+0000"), "{utc}");
    }

    #[test]
    fn a_rule_that_stopped_gets_an_until() {
        // Europe/Moscow observed DST until 2010 and stayed on +04 in 2011.
        let v = vtimezone(Europe::Moscow, 2008..=2012);
        assert!(
            v.contains("RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU;UNTIL=20101030T230000Z"),
            "{v}"
        );
        assert!(v.contains("TZOFFSETTO:+0400"), "{v}");
    }

    #[test]
    fn southern_hemisphere() {
        let v = vtimezone(Australia::Sydney, 2024..=2025);
        assert!(v.contains("BYMONTH=10;BYDAY=1SU"), "{v}");
        assert!(v.contains("BYMONTH=4;BYDAY=1SU"), "{v}");
    }

    #[test]
    fn transitions_are_found_to_the_second() {
        let from = Utc.with_ymd_and_hms(2022, 1, 1, 0, 0, 0).unwrap();
        let to = Utc.with_ymd_and_hms(2023, 1, 1, 0, 0, 0).unwrap();
        let t = transitions(Europe::Berlin, from, to);
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].at, Utc.with_ymd_and_hms(2022, 3, 27, 1, 0, 0).unwrap());
        assert_eq!(
            t[1].at,
            Utc.with_ymd_and_hms(2022, 10, 30, 1, 0, 0).unwrap()
        );
        assert_eq!(t[1].local().to_string(), "2022-10-30 03:00:00");
    }

    /// The offset a client would read from our VTIMEZONE at `at`, worked
    /// out with the `rrule` crate: every onset of every sub-component, the
    /// latest one not after `at` wins.
    fn offsets_from_vtimezone(v: &str, until_year: i32) -> Vec<(DateTime<Utc>, i32)> {
        let mut onsets = Vec::new();
        for block in v.split("BEGIN:").skip(2) {
            let get = |k: &str| {
                block
                    .split("\r\n")
                    .find_map(|l| l.strip_prefix(k).and_then(|r| r.strip_prefix(':')))
                    .map(str::to_string)
            };
            let parse_off = |s: String| {
                let sign = if s.starts_with('-') { -1 } else { 1 };
                let h: i32 = s[1..3].parse().unwrap();
                let m: i32 = s[3..5].parse().unwrap();
                sign * (h * 3600 + m * 60)
            };
            let from = parse_off(get("TZOFFSETFROM").unwrap());
            let to = parse_off(get("TZOFFSETTO").unwrap());
            let start = get("DTSTART").unwrap();
            let locals: Vec<NaiveDateTime> = match get("RRULE") {
                None => vec![NaiveDateTime::parse_from_str(&start, "%Y%m%dT%H%M%S").unwrap()],
                Some(rule) => {
                    let (rule, until) = match rule.split_once(";UNTIL=") {
                        Some((r, u)) => (r.to_string(), Some(u.to_string())),
                        None => (rule, None),
                    };
                    let set: rrule::RRuleSet =
                        format!("DTSTART:{start}Z\nRRULE:{rule}").parse().unwrap();
                    let until =
                        until.map(|u| NaiveDateTime::parse_from_str(&u, "%Y%m%dT%H%M%SZ").unwrap());
                    set.all(500)
                        .dates
                        .into_iter()
                        .map(|d| d.naive_utc())
                        .take_while(|l| l.year() <= until_year)
                        .filter(|l| until.is_none_or(|u| *l - Duration::seconds(from.into()) <= u))
                        .collect()
                }
            };
            for l in locals {
                onsets.push(((l - Duration::seconds(from.into())).and_utc(), to));
            }
        }
        onsets.sort();
        onsets
    }

    #[test]
    fn vtimezones_agree_with_the_tz_database_hour_by_hour() {
        let zones = [
            Europe::Berlin,
            Europe::London,
            Europe::Dublin,
            Europe::Moscow,
            America::New_York,
            America::Santiago,
            America::Sao_Paulo,
            Australia::Sydney,
            Australia::Lord_Howe,
            Asia::Tehran,
            Asia::Gaza,
            Asia::Kolkata,
            chrono_tz::Africa::Casablanca,
            chrono_tz::Pacific::Apia,
        ];
        for tz in zones {
            for (first, last) in [(2009, 2013), (2018, 2027)] {
                let v = vtimezone(tz, first..=last);
                let onsets = offsets_from_vtimezone(&v, last);
                let mut t = Utc.with_ymd_and_hms(first, 1, 1, 0, 0, 0).unwrap();
                let end = Utc.with_ymd_and_hms(last + 1, 1, 1, 0, 0, 0).unwrap();
                while t < end {
                    let ours = onsets
                        .iter()
                        .rev()
                        .find(|(at, _)| *at <= t)
                        .map(|(_, o)| *o);
                    let truth = observance(tz, t).offset;
                    assert_eq!(ours, Some(truth), "{} at {t}:\n{v}", tz.name());
                    t += Duration::minutes(30);
                }
            }
        }
    }
}
