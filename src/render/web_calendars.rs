//! Links into Google Calendar and Outlook.com: "subscribe by URL" for a
//! feed, and "add this event" for an event page. Many people keep their
//! calendar in one of these two web apps, which do not open `webcal://`
//! links; these are their own addresses for the same actions.
//!
//! They are plain links: nothing is requested from either host until a
//! visitor clicks. Neither service documents these addresses; they are the
//! ones their own "add" buttons and the common add-to-calendar tools use:
//!
//! - Google: `calendar/render?cid=WEBCAL` subscribes;
//!   `calendar/render?action=TEMPLATE&text=…&dates=START/END&details=…&location=…`
//!   adds an event. Timed dates are UTC instants (`20270328T010000Z`), so
//!   the event lands at the right time in any zone and across a change of
//!   the clocks; all-day dates are `YYYYMMDD` with the day after the last
//!   day as the end, as in iCalendar.
//! - Outlook.com: `calendar/0/addfromweb?url=HTTPS&name=…` subscribes;
//!   `calendar/0/action/compose?rru=addevent&subject=…&startdt=…&enddt=…`
//!   adds an event, with `YYYY-MM-DDTHH:MM:SSZ` instants, or `YYYY-MM-DD`
//!   dates (end exclusive, as above) and `allday=true`.

use crate::entry::schedule::{Occurrence, When, next_day};
use crate::entry::{Attendance, EventData};
use chrono::{DateTime, NaiveDate, Utc};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Characters kept as they are in a query value (RFC 3986's unreserved).
const VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `base?k=v&…` with each value percent-encoded.
fn url(base: &str, params: &[(&str, &str)]) -> String {
    let mut out = String::from(base);
    for (n, (k, v)) in params.iter().enumerate() {
        out.push(if n == 0 { '?' } else { '&' });
        out.push_str(k);
        out.push('=');
        out.extend(utf8_percent_encode(v, VALUE));
    }
    out
}

/// Google Calendar's "add by URL" for the feed at `webcal` (`webcal://…`).
pub fn google_subscribe(webcal: &str) -> String {
    url(
        "https://calendar.google.com/calendar/render",
        &[("cid", webcal)],
    )
}

/// Outlook.com's "subscribe from web" for the feed at `https`, named `name`.
pub fn outlook_subscribe(https: &str, name: &str) -> String {
    url(
        "https://outlook.live.com/calendar/0/addfromweb",
        &[("url", https), ("name", name)],
    )
}

/// "Add to Google Calendar" and "add to Outlook" for one event.
#[derive(Debug, serde::Serialize)]
pub struct AddLinks {
    pub google: String,
    pub outlook: String,
    /// The event has more than one date; the links add the next one only.
    pub series: bool,
}

/// The links for the event's next date at `now` (its first, once all are
/// past), titled `title`, described by `summary` and the page's `page_url`.
/// `None` for an event without dates.
pub fn add_links(
    ev: &EventData,
    title: &str,
    summary: Option<&str>,
    page_url: &str,
    now: DateTime<Utc>,
) -> Option<AddLinks> {
    let all = &ev.schedule.occurrences;
    let o = all
        .iter()
        .find(|o| o.is_upcoming(now))
        .or_else(|| all.first())?;
    let at = Attendance::of(ev.location_at(o), ev.status_at(o));
    // Only a link that reading let through, as in the feeds.
    let link = at.link.filter(|l| crate::frontmatter::links::is_web_url(l));
    let place = at.location_line(link).unwrap_or_default();
    let details = match summary.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => format!("{s}\n\n{page_url}"),
        None => page_url.to_string(),
    };
    let (google_dates, start, end, all_day) = dates(o);
    let mut google = vec![
        ("action", "TEMPLATE"),
        ("text", title),
        ("dates", &google_dates),
        ("details", &details),
    ];
    let mut outlook = vec![
        ("rru", "addevent"),
        ("subject", title),
        ("startdt", &start),
        ("enddt", &end),
    ];
    if all_day {
        outlook.push(("allday", "true"));
    }
    outlook.push(("body", &details));
    if !place.is_empty() {
        google.push(("location", &place));
        outlook.push(("location", &place));
    }
    Some(AddLinks {
        google: url("https://calendar.google.com/calendar/render", &google),
        outlook: url(
            "https://outlook.live.com/calendar/0/action/compose",
            &outlook,
        ),
        series: all.len() > 1,
    })
}

/// Google's `START/END`, Outlook's start and end, and whether all-day.
fn dates(o: &Occurrence) -> (String, String, String, bool) {
    match o.start {
        When::Date(first) => {
            let last = o.end.map_or(first, When::date);
            let after = next_day(last);
            let compact = |d: NaiveDate| d.format("%Y%m%d").to_string();
            let iso = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
            (
                format!("{}/{}", compact(first), compact(after)),
                iso(first),
                iso(after),
                true,
            )
        }
        When::Time(_) => {
            let compact = |t: DateTime<Utc>| t.format("%Y%m%dT%H%M%SZ").to_string();
            let iso = |t: DateTime<Utc>| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
            (
                format!("{}/{}", compact(o.start_utc), compact(o.end_utc)),
                iso(o.start_utc),
                iso(o.end_utc),
                false,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_percent_encoded_except_unreserved_characters() {
        assert_eq!(
            url("https://x/", &[("a", "b c/ä&=~-._"), ("n", "1")]),
            "https://x/?a=b%20c%2F%C3%A4%26%3D~-._&n=1"
        );
        assert_eq!(
            google_subscribe("webcal://example.org/calendar.ics"),
            "https://calendar.google.com/calendar/render?cid=webcal%3A%2F%2Fexample.org%2Fcalendar.ics"
        );
    }
}
