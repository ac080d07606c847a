//! When an event takes place: single dates, multi-day spans, sessions and
//! RRULE series, expanded once into occurrences with UTC instants, so that
//! pages, "upcoming/past" and feeds agree on the same dates.

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

/// A date alone (all-day) or a local date and time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum When {
    Date(NaiveDate),
    Time(NaiveDateTime),
}

impl When {
    pub fn date(self) -> NaiveDate {
        match self {
            When::Date(d) => d,
            When::Time(t) => t.date(),
        }
    }

    pub fn is_all_day(self) -> bool {
        matches!(self, When::Date(_))
    }

    /// Midnight for a date, for ordering dates among times.
    pub fn naive(self) -> NaiveDateTime {
        match self {
            When::Date(d) => d.and_time(chrono::NaiveTime::MIN),
            When::Time(t) => t,
        }
    }
}

/// At most this many dates per series: a guard against `COUNT=100000`.
pub const MAX_OCCURRENCES: usize = 1000;

/// One dated occurrence of an event.
#[derive(Clone, Debug, PartialEq)]
pub struct Occurrence {
    pub start: When,
    /// For all-day occurrences the last day, inclusive.
    pub end: Option<When>,
    /// Index into `EventData::sessions` for multi-session events.
    pub session: Option<usize>,
    pub start_utc: DateTime<Utc>,
    /// When the occurrence is over (see [`ends_at`]).
    pub end_utc: DateTime<Utc>,
}

impl Occurrence {
    /// Not over by `now`.
    pub fn is_upcoming(&self, now: DateTime<Utc>) -> bool {
        self.end_utc > now
    }
}

/// The RRULE as the feeds write it: `UNTIL` normalised to UTC for timed
/// series (RFC 5545 §3.3.10) and to a date for all-day ones.
#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    pub text: String,
    pub count: Option<u32>,
    pub freq: String,
    pub interval: u32,
    pub byday: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Schedule {
    pub occurrences: Vec<Occurrence>,
    pub rule: Option<Rule>,
    /// Series dates skipped by `exdates` (for the feed's EXDATE).
    pub exdates: Vec<When>,
}

impl Schedule {
    pub fn first(&self) -> Option<&Occurrence> {
        self.occurrences.first()
    }

    /// The instant after which the whole event is past.
    pub fn end_utc(&self) -> Option<DateTime<Utc>> {
        self.occurrences.iter().map(|o| o.end_utc).max()
    }

    pub fn start_utc(&self) -> Option<DateTime<Utc>> {
        self.occurrences.iter().map(|o| o.start_utc).min()
    }

    pub fn is_past(&self, now: DateTime<Utc>) -> bool {
        self.end_utc().is_some_and(|e| e <= now)
    }

    /// Occurrences that have not ended by `now`.
    pub fn upcoming(&self, now: DateTime<Utc>) -> impl Iterator<Item = &Occurrence> {
        self.occurrences.iter().filter(move |o| o.is_upcoming(now))
    }
}

/// What a local time is in a zone, around the changes of its clocks.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Local {
    /// One instant, as almost always.
    One(DateTime<Utc>),
    /// The time does not exist: the clocks go forward by `jump` over it.
    /// It is read with the offset before the gap, as RFC 5545 (3.3.5) says
    /// and calendar clients do: the instant is that of the local time
    /// `used`, `jump` later on the clock.
    Gap {
        instant: DateTime<Utc>,
        used: NaiveDateTime,
        jump: chrono::TimeDelta,
    },
    /// The time happens twice: the clocks go back over it. RFC 5545 (3.3.5)
    /// means the first; the offsets of both are given for messages.
    Twice {
        first: DateTime<Utc>,
        offsets: (chrono::FixedOffset, chrono::FixedOffset),
    },
}

impl Local {
    /// The instant meant: the only one, the one after the gap, the first.
    pub fn instant(self) -> DateTime<Utc> {
        match self {
            Local::One(i) | Local::Gap { instant: i, .. } | Local::Twice { first: i, .. } => i,
        }
    }
}

/// How `t` on the clocks of `tz` maps to instants.
pub fn local(tz: Tz, t: NaiveDateTime) -> Local {
    use chrono::{LocalResult, Offset};
    match tz.from_local_datetime(&t) {
        LocalResult::Single(dt) => Local::One(dt.with_timezone(&Utc)),
        LocalResult::Ambiguous(a, b) => Local::Twice {
            first: a.min(b).with_timezone(&Utc),
            offsets: (a.min(b).offset().fix(), a.max(b).offset().fix()),
        },
        LocalResult::None => {
            // A day earlier, read as UTC, lies before the change (offsets
            // stay within ±26 hours of UTC, and changes are months apart).
            let before = t
                .checked_sub_signed(chrono::TimeDelta::hours(26))
                .map(|earlier| tz.offset_from_utc_datetime(&earlier).fix());
            let Some(before) = before else {
                return Local::One(t.and_utc());
            };
            let instant = (t - before).and_utc();
            let used = instant.with_timezone(&tz).naive_local();
            Local::Gap {
                instant,
                used,
                jump: used - t,
            }
        }
    }
}

/// A local time as an instant (see [`Local::instant`]).
pub fn to_utc(tz: Tz, t: NaiveDateTime) -> DateTime<Utc> {
    local(tz, t).instant()
}

/// The years a date may have. Earlier or later ones are typos (`9432`
/// for `2032`), and would make every calendar feed carry time-zone rules
/// for centuries. It ends with 2099 because chrono-tz, whose time-zone
/// data tandem uses, lists each zone's clock changes only up to 2099 and
/// has none after: `2100-07-01T10:00` in Europe/Berlin would be read as
/// winter time, an hour off from what calendar clients make of it.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2099;

/// Parses the date and date-time forms the format allows, with a year in
/// [`YEARS`]; the error says what is wrong with `text`, to follow it.
pub fn parse_when(text: &str) -> Result<When, String> {
    const SHAPE: &str = "is not a date (YYYY-MM-DD) or a date and time (YYYY-MM-DDTHH:MM)";
    let b = text.as_bytes();
    if !(b.len() >= 10 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-') {
        return Err(SHAPE.into());
    }
    let year: i32 = text[..4].parse().unwrap_or(0);
    if !YEARS.contains(&year) {
        if year > *YEARS.end() && year < 2200 {
            return Err(format!(
                "has a year after {}: the time-zone data tandem uses ends there, so its time could not be told",
                YEARS.end()
            ));
        }
        return Err(format!(
            "has a year outside {}–{}: is it a typo?",
            YEARS.start(),
            YEARS.end()
        ));
    }
    if let Ok(d) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(When::Date(d));
    }
    for fmt in [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(text, fmt) {
            return Ok(When::Time(t));
        }
    }
    if text.ends_with('Z') || text.rfind(['+']).is_some_and(|i| i > 10) {
        return Err("carries a UTC offset: write the local time and set `timezone` instead".into());
    }
    // The shape is right, the day or time is not.
    let number = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = text.get(r)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    if let (Some(month), Some(day), Some(b'-')) = (number(5..7), number(8..10), b.get(7)) {
        let Some(name) = u8::try_from(month)
            .ok()
            .and_then(|m| chrono::Month::try_from(m).ok())
        else {
            return Err(format!("does not exist: there is no month {month}"));
        };
        let first = NaiveDate::from_ymd_opt(year, month, 1);
        let days = first
            .and_then(|f| f.checked_add_months(chrono::Months::new(1)))
            .zip(first)
            .map_or(31, |(next, f)| (next - f).num_days());
        if day == 0 || i64::from(day) > days {
            return Err(format!(
                "does not exist: {} {year} has {days} days",
                name.name()
            ));
        }
        let rest = &text[10..];
        let time = rest.strip_prefix(['T', ' ']).unwrap_or(rest);
        if let (Some(h), Some(m), Some(b':')) = (
            time.get(..2).and_then(|h| h.parse::<u32>().ok()),
            time.get(3..5).and_then(|m| m.parse::<u32>().ok()),
            time.as_bytes().get(2),
        ) && (h > 23 || m > 59)
        {
            return Err(
                "is not a time of day: hours go from 00 to 23, minutes from 00 to 59".into(),
            );
        }
    }
    Err(SHAPE.into())
}

/// "1 hour", "2 hours", "30 minutes".
pub fn span(d: chrono::TimeDelta) -> String {
    let minutes = d.num_minutes().abs();
    match (minutes / 60, minutes % 60) {
        (1, 0) => "1 hour".into(),
        (h, 0) => format!("{h} hours"),
        _ => format!("{minutes} minutes"),
    }
}

/// When something starting at `start` and ending at `end` is over: its end,
/// its start when it has no end, the end of its last day when all-day.
pub fn ends_at(tz: Tz, start: When, end: Option<When>) -> DateTime<Utc> {
    match end.unwrap_or(start) {
        When::Time(t) => to_utc(tz, t),
        When::Date(d) => to_utc(tz, next_day(d).and_time(NaiveTime::MIN)),
    }
}

pub fn next_day(d: NaiveDate) -> NaiveDate {
    d.checked_add_days(Days::new(1)).unwrap_or(d)
}

pub fn occurrence(tz: Tz, start: When, end: Option<When>, session: Option<usize>) -> Occurrence {
    Occurrence {
        start,
        end,
        session,
        start_utc: to_utc(tz, start.naive()),
        end_utc: ends_at(tz, start, end),
    }
}

pub fn show(w: When) -> String {
    match w {
        When::Date(d) => d.to_string(),
        When::Time(t) => t.format("%Y-%m-%dT%H:%M").to_string(),
    }
}

const RULE_PARTS: &[&str] = &[
    "FREQ",
    "UNTIL",
    "COUNT",
    "INTERVAL",
    "BYSECOND",
    "BYMINUTE",
    "BYHOUR",
    "BYDAY",
    "BYMONTHDAY",
    "BYYEARDAY",
    "BYWEEKNO",
    "BYMONTH",
    "BYSETPOS",
    "WKST",
];

/// The occurrences, the rule as the feeds write it, the dates `exdates`
/// skipped, the `exdates` that are no date of the series, and notes for
/// warnings.
type Expanded = (
    Vec<Occurrence>,
    Rule,
    Vec<When>,
    Vec<NaiveDate>,
    Vec<String>,
);

/// Checks an author's RRULE, normalises its `UNTIL`, and lists its dates.
pub fn expand(
    tz: Tz,
    start: When,
    end: Option<When>,
    rule: &str,
    exdates: &[NaiveDate],
) -> Result<Expanded, String> {
    let rule = rule.strip_prefix("RRULE:").unwrap_or(rule);
    // The rrule crate slices its input by bytes: a letter outside ASCII
    // (`BYDAY=MÖ`) would panic it, and no RRULE has one.
    if let Some(c) = rule.chars().find(|c| !c.is_ascii()) {
        return Err(format!(
            "`{c}` cannot be in a rule: it is written with ASCII letters, digits and `;=,+-`"
        ));
    }
    let mut parts: Vec<(String, String)> = Vec::new();
    for part in rule.split(';').filter(|p| !p.trim().is_empty()) {
        let Some((k, v)) = part.split_once('=') else {
            return Err(format!("`{part}` is not a `NAME=VALUE` part"));
        };
        let k = k.trim().to_ascii_uppercase();
        if !RULE_PARTS.contains(&k.as_str()) {
            let hint = crate::diagnostics::did_you_mean(&k, RULE_PARTS.iter().copied())
                .map(|s| format!(" — did you mean `{s}`?"))
                .unwrap_or_default();
            return Err(format!("unknown rule part `{k}`{hint}"));
        }
        if parts.iter().any(|(seen, _)| *seen == k) {
            return Err(format!("`{k}` is given twice"));
        }
        parts.push((k, v.trim().to_ascii_uppercase()));
    }
    let get = |k: &str| parts.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let freq = get("FREQ").ok_or("the rule needs a `FREQ` (e.g. FREQ=WEEKLY)")?;
    if ![
        "SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY",
    ]
    .contains(&freq.as_str())
    {
        return Err(format!("unknown FREQ `{freq}`"));
    }
    let count = match get("COUNT") {
        Some(c) => Some(
            c.parse::<u32>()
                .ok()
                .filter(|c| *c > 0)
                .ok_or(format!("COUNT `{c}` is not a positive number"))?,
        ),
        None => None,
    };
    let until = get("UNTIL");
    match (&count, &until) {
        (None, None) => return Err("a series must end: add `COUNT=n` or `UNTIL=YYYYMMDD`".into()),
        (Some(_), Some(_)) => return Err("give `COUNT` or `UNTIL`, not both".into()),
        _ => {}
    }
    if count.is_some_and(|c| c as usize > MAX_OCCURRENCES) {
        return Err(format!("at most {MAX_OCCURRENCES} dates per series"));
    }
    let interval = match get("INTERVAL") {
        Some(i) => i
            .parse::<u32>()
            .ok()
            .filter(|i| *i > 0)
            .ok_or(format!("INTERVAL `{i}` is not a positive number"))?,
        None => 1,
    };
    // UNTIL as the feed writes it, and as the expander reads it.
    let mut notes = Vec::new();
    let until_out = match &until {
        None => None,
        Some(u) => Some(normalise_until(tz, start, u, &mut notes)?),
    };
    let rule_out: String = parts
        .iter()
        .map(|(k, v)| match (k.as_str(), &until_out) {
            ("UNTIL", Some(u)) => format!("UNTIL={u}"),
            _ => format!("{k}={v}"),
        })
        .collect::<Vec<_>>()
        .join(";");

    // Expand in the event's zone (all-day: in UTC at midnight). The start
    // is given as an instant: a local time that happens twice is the first
    // (the expander refuses it written as text).
    let (dtstart, exp_rule) = match start {
        When::Time(t) => (
            to_utc(tz, t).with_timezone(&rrule::Tz::Tz(tz)),
            rule_out.clone(),
        ),
        When::Date(d) => {
            let r = parts
                .iter()
                .map(|(k, v)| match (k.as_str(), &until_out) {
                    ("UNTIL", Some(u)) => format!("UNTIL={u}T235959Z"),
                    _ => format!("{k}={v}"),
                })
                .collect::<Vec<_>>()
                .join(";");
            let midnight = d.and_time(NaiveTime::MIN).and_utc();
            (midnight.with_timezone(&rrule::Tz::UTC), r)
        }
    };
    if let Some(u) = &until_out {
        // As RFC 5545 compares them: in UTC, or as dates.
        let start_text = match start {
            When::Time(t) => to_utc(tz, t).format("%Y%m%dT%H%M%SZ").to_string(),
            When::Date(d) => d.format("%Y%m%d").to_string(),
        };
        if *u < start_text {
            return Err(format!(
                "UNTIL `{}` is before the start ({}): the series would have no dates; give an UNTIL on or after the first date",
                until.as_deref().unwrap_or_default(),
                show(start)
            ));
        }
    }
    let set = exp_rule
        .parse::<rrule::RRule<rrule::Unvalidated>>()
        .and_then(|r| r.build(dtstart))
        .map_err(|e| e.to_string())?;
    let result = set.all(MAX_OCCURRENCES as u16 + 1);
    if result.dates.len() > MAX_OCCURRENCES {
        return Err(format!("the series has more than {MAX_OCCURRENCES} dates"));
    }
    if result.dates.is_empty() {
        return Err("the rule gives no dates at all".into());
    }
    let duration = end.map(|e| e.naive() - start.naive());
    let mut occ = Vec::new();
    let mut skipped = Vec::new();
    let mut matched = vec![false; exdates.len()];
    // The first place of each date in `exdates`.
    let mut first = std::collections::HashMap::with_capacity(exdates.len());
    for (i, d) in exdates.iter().enumerate().rev() {
        first.insert(*d, i);
    }
    for dt in result.dates {
        let s = match start {
            When::Time(_) => When::Time(dt.naive_local()),
            When::Date(_) => When::Date(dt.naive_utc().date()),
        };
        if let Some(&i) = first.get(&s.date()) {
            matched[i] = true;
            skipped.push(s);
            continue;
        }
        let e = match duration {
            None => None,
            Some(d) => Some(
                match s {
                    When::Time(t) => t.checked_add_signed(d).map(When::Time),
                    When::Date(day) => day.checked_add_signed(d).map(When::Date),
                }
                .ok_or("the series runs beyond the year 9999")?,
            ),
        };
        occ.push(occurrence(tz, s, e, None));
    }
    if occ.is_empty() {
        return Err("`exdates` skip every date of the series".into());
    }
    if let Some(o) = occ
        .iter()
        .find(|o| !crate::entry::schedule::YEARS.contains(&o.start.date().year()))
    {
        return Err(format!(
            "the series runs until {}, past the year {}: give a smaller `COUNT` or an `UNTIL`",
            o.start.date(),
            crate::entry::schedule::YEARS.end()
        ));
    }
    let unmatched = exdates
        .iter()
        .zip(matched)
        .filter(|(_, m)| !m)
        .map(|(d, _)| *d)
        .collect();
    let byday = get("BYDAY")
        .map(|b| b.split(',').map(str::to_string).collect())
        .unwrap_or_default();
    Ok((
        occ,
        Rule {
            text: rule_out,
            count,
            freq,
            interval,
            byday,
        },
        skipped,
        unmatched,
        notes,
    ))
}

/// `UNTIL` in the form RFC 5545 wants for the series' start: a UTC time for
/// timed series (a date alone meaning the end of that local day), a date
/// for all-day series. A local time that does not exist or happens twice
/// is read as [`to_utc`] reads it, with a note saying so.
fn normalise_until(
    tz: Tz,
    start: When,
    until: &str,
    notes: &mut Vec<String>,
) -> Result<String, String> {
    let bad =
        || format!("UNTIL `{until}` is not a date (YYYYMMDD) or date-time (YYYYMMDDTHHMMSS[Z])");
    let date =
        NaiveDate::parse_from_str(until.get(..8).ok_or_else(bad)?, "%Y%m%d").map_err(|_| bad())?;
    let time = match until.get(8..) {
        Some("") | None => None,
        Some(rest) => {
            let (t, utc) = match rest.strip_suffix('Z') {
                Some(t) => (t, true),
                None => (rest, false),
            };
            let t = t.strip_prefix('T').ok_or_else(bad)?;
            let t = NaiveTime::parse_from_str(t, "%H%M%S").map_err(|_| bad())?;
            Some((t, utc))
        }
    };
    match start {
        When::Date(_) => Ok(date.format("%Y%m%d").to_string()),
        When::Time(_) => {
            let instant = match time {
                None => to_utc(tz, date.and_hms_opt(23, 59, 59).ok_or_else(bad)?),
                Some((t, true)) => date.and_time(t).and_utc(),
                Some((t, false)) => {
                    let t = date.and_time(t);
                    let at = local(tz, t);
                    match at {
                        Local::One(_) => {}
                        Local::Gap { used, .. } => notes.push(format!(
                            "UNTIL `{until}` does not exist in {}: the clocks go forward over it, and {} is used",
                            tz.name(),
                            show(When::Time(used))
                        )),
                        Local::Twice { .. } => notes.push(format!(
                            "UNTIL `{until}` happens twice in {}: the clocks go back over it, and the first is used",
                            tz.name()
                        )),
                    }
                    at.instant()
                }
            };
            Ok(instant.format("%Y%m%dT%H%M%SZ").to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Europe::Berlin;

    fn t(s: &str) -> When {
        crate::entry::schedule::parse_when(s).unwrap()
    }

    #[test]
    fn times_in_clock_changes_read_as_rfc_5545_says() {
        let at = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").unwrap();
        // Spring: read with the offset before the gap.
        let Local::Gap {
            instant,
            used,
            jump,
        } = local(Berlin, at("2032-03-28T02:30"))
        else {
            panic!("not a gap")
        };
        assert_eq!(instant.to_rfc3339(), "2032-03-28T01:30:00+00:00");
        assert_eq!(used, at("2032-03-28T03:30"));
        assert_eq!(span(jump), "1 hour");
        // A gap of half an hour.
        let lord_howe: Tz = "Australia/Lord_Howe".parse().unwrap();
        let Local::Gap { used, jump, .. } = local(lord_howe, at("2032-10-03T02:10")) else {
            panic!("not a gap")
        };
        assert_eq!(
            (used, span(jump)),
            (at("2032-10-03T02:40"), "30 minutes".into())
        );
        // Autumn: the first of the two.
        let l = local(Berlin, at("2032-10-31T02:30"));
        assert_eq!(l.instant().to_rfc3339(), "2032-10-31T00:30:00+00:00");
        assert!(matches!(l, Local::Twice { .. }));
        assert!(matches!(
            local(Berlin, at("2032-10-31T03:30")),
            Local::One(_)
        ));
    }

    #[test]
    fn weekly_series_keeps_wall_clock_time_across_dst() {
        let (occ, rule, _, _, _) = expand(
            Berlin,
            t("2022-10-19T16:00"),
            Some(t("2022-10-19T18:00")),
            "FREQ=WEEKLY;COUNT=3",
            &[],
        )
        .unwrap();
        assert_eq!(rule.text, "FREQ=WEEKLY;COUNT=3");
        let utc: Vec<String> = occ
            .iter()
            .map(|o| o.start_utc.format("%d %H:%M").to_string())
            .collect();
        assert_eq!(utc, ["19 14:00", "26 14:00", "02 15:00"]);
    }

    #[test]
    fn date_only_until_is_end_of_local_day_in_utc() {
        let (occ, rule, _, _, _) = expand(
            Berlin,
            t("2022-04-06T18:00"),
            None,
            "FREQ=WEEKLY;UNTIL=20220420",
            &[],
        )
        .unwrap();
        assert_eq!(rule.text, "FREQ=WEEKLY;UNTIL=20220420T215959Z");
        assert_eq!(occ.len(), 3);
    }

    #[test]
    fn exdates_skip_and_unending_series_are_refused() {
        let ex = [NaiveDate::from_ymd_opt(2022, 4, 13).unwrap()];
        let (occ, _, skipped, unmatched, _) = expand(
            Berlin,
            t("2022-04-06T18:00"),
            None,
            "FREQ=WEEKLY;COUNT=3",
            &ex,
        )
        .unwrap();
        assert_eq!(occ.len(), 2);
        assert_eq!(skipped.len(), 1);
        assert!(unmatched.is_empty());
        assert!(expand(Berlin, t("2022-04-06T18:00"), None, "FREQ=WEEKLY", &[]).is_err());
        assert!(
            expand(
                Berlin,
                t("2022-04-06T18:00"),
                None,
                "FREQ=WEEKLY;COUNT=2;BYDAI=MO",
                &[]
            )
            .is_err()
        );
    }

    #[test]
    fn all_day_series_and_past() {
        let (occ, rule, _, _, _) = expand(
            Berlin,
            t("2022-01-01"),
            None,
            "FREQ=YEARLY;UNTIL=20240101",
            &[],
        )
        .unwrap();
        assert_eq!(rule.text, "FREQ=YEARLY;UNTIL=20240101");
        assert_eq!(occ.len(), 3);
        assert_eq!(occ[2].end_utc.to_rfc3339(), "2024-01-01T23:00:00+00:00");
    }
}
