//! Reading an event's front matter: its dates, sessions and series rule,
//! settled in its time zone and expanded into its schedule.

use crate::diagnostics::Pos;
use crate::entry::schedule::*;
use crate::entry::{EventData, Kind, Session, Spanned, When};
use crate::frontmatter::fields::{FieldReader, Fields, is_valid_id};
use crate::frontmatter::schema;
use crate::frontmatter::yaml::Value;
use chrono_tz::Tz;

/// `when`, written for `key` at `pos`, as the event uses it in `tz`: a time
/// that does not exist is moved forward by the gap (and said so), so that
/// the page, the structured data and the feeds all show the time calendar
/// clients use; one that happens twice is said to mean the first.
pub fn settle(r: &mut FieldReader, tz: Tz, key: &str, when: When, pos: Pos) -> When {
    let When::Time(t) = when else {
        return when;
    };
    let shown = show(when);
    match local(tz, t) {
        Local::One(_) => when,
        Local::Gap { used, jump, .. } => {
            r.warning(
                pos,
                format!(
                    "`{key}`: {shown} does not exist in {} (the clocks go forward {} that night): {} is used; write that, or the time you meant",
                    tz.name(),
                    span(jump),
                    show(When::Time(used)),
                ),
            );
            When::Time(used)
        }
        Local::Twice {
            offsets: (first, second),
            ..
        } => {
            r.warning(
                pos,
                format!(
                    "`{key}`: {shown} happens twice in {} (the clocks go back {} that night): the first is used, at UTC{first} (the second is at UTC{second})",
                    tz.name(),
                    span(chrono::TimeDelta::seconds(i64::from(
                        first.local_minus_utc() - second.local_minus_utc()
                    ))),
                ),
            );
            when
        }
    }
}

/// The `sessions` of an event in zone `tz`, their times settled as
/// [`settle`] does.
fn sessions(r: &mut FieldReader, f: &Fields, tz: Tz) -> Vec<Session> {
    let Some(node) = f.get("sessions") else {
        return Vec::new();
    };
    let Value::Seq(items) = &node.value else {
        r.type_error(node, "sessions", "a list of `{ start, end }` maps");
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in items {
        let m = r.map_fields(item, &schema::names(schema::SESSION), "a session field");
        let start = match m.get("start") {
            Some(n) => r.when(n, "start").map(|w| settle(r, tz, "start", w, n.pos)),
            None => {
                r.error(item.pos, "missing required field `start` in this session");
                None
            }
        };
        let end = m.get("end").and_then(|n| {
            let when = r.end(n, start)?;
            Some(settle(r, tz, "end", when, n.pos))
        });
        let location = m.get("location").and_then(|n| r.location(n));
        let status = m.get("status").and_then(|n| r.status(n));
        let id = r.text(&m, "id");
        if let (Some(id), Some(n)) = (&id, m.get("id"))
            && !is_valid_id(id)
        {
            r.error(
                n.pos,
                format!("session id `{id}` may hold only a-z, 0-9 and -"),
            );
        }
        if let Some(start) = start {
            out.push(Session {
                start,
                end,
                location,
                status,
                id,
                pos: item.pos,
            });
        }
    }
    out
}

/// Reads an event's fields and works out its schedule. Problems are
/// reported through `r`; the event is returned all the same, with what
/// could be read (an unknown zone replaced by the site's, a bad rule
/// without its dates), so that its references and links are checked in
/// the same run. The reported errors stop the build.
pub fn read_event(f: &Fields, r: &mut FieldReader, site_tz: Tz) -> EventData {
    // An unknown zone is reported and the site's zone stands in, so that
    // the event's other problems are found in the same run.
    let timezone = match f.get("timezone") {
        Some(n) => r.timezone(n).unwrap_or(site_tz),
        None => site_tz,
    };
    let start = f.get("start").and_then(|n| {
        let when = r.when(n, "start")?;
        Some(Spanned {
            value: settle(r, timezone, "start", when, n.pos),
            pos: n.pos,
        })
    });
    let end = f.get("end").and_then(|n| {
        let when = r.end(n, start.as_ref().map(|s| s.value))?;
        Some(Spanned {
            value: settle(r, timezone, "end", when, n.pos),
            pos: n.pos,
        })
    });
    let sessions = sessions(r, f, timezone);
    let recurrence = r
        .text(f, "recurrence")
        .zip(f.get("recurrence"))
        .map(|(value, n)| Spanned {
            value: value.trim().to_string(),
            pos: n.pos,
        });
    let exdate_items = r.text_list(f, "exdates");
    let mut exdates = Vec::new();
    for item in &exdate_items {
        match crate::entry::schedule::parse_when(item.value.trim()) {
            Ok(When::Date(d)) => exdates.push(d),
            Ok(When::Time(_)) => r.error(
                item.pos,
                format!(
                    "`exdates`: `{}` is a date and time: write the date alone (YYYY-MM-DD)",
                    item.value
                ),
            ),
            Err(why) => r.error(item.pos, format!("`exdates`: `{}` {why}", item.value)),
        }
    }

    let key_pos = |key: &str| f.key_pos(key).unwrap_or(f.pos);
    if f.get("start").is_some() && f.get("sessions").is_some() {
        r.error(
            key_pos("sessions"),
            format!(
                "an event has `start` or `sessions`, not both (`start` is on line {}): move that date into `sessions`",
                key_pos("start").line
            ),
        );
    }
    if f.get("start").is_none()
        && f.get("sessions").is_none()
        && !(f.suggested("start") || f.suggested("sessions"))
    {
        r.error(
            f.pos,
            "missing required field `start` (or a list of `sessions`)",
        );
    }
    if f.get("sessions").is_some() {
        if f.get("end").is_some() {
            r.error(
                key_pos("end"),
                "`end` belongs to each session when an event has `sessions`",
            );
        }
        if f.get("recurrence").is_some() {
            r.error(
                key_pos("recurrence"),
                "`recurrence` cannot be combined with `sessions`",
            );
        }
    }
    if let (Some(s), Some(e)) = (&start, &end) {
        check_span(r, s.value, e.value, e.pos);
    }
    for s in &sessions {
        if let Some(e) = s.end {
            check_span(r, s.start, e, s.pos);
        }
    }
    if let (Some(_), None) = (f.get("exdates"), &recurrence) {
        r.error(
            key_pos("exdates"),
            "`exdates` skip dates of a `recurrence`, and this event has none",
        );
    }

    let mut schedule = Schedule::default();
    if let Some(s) = &start {
        let end = end.as_ref().map(|e| e.value);
        match &recurrence {
            None => schedule
                .occurrences
                .push(occurrence(timezone, s.value, end, None)),
            Some(rule) => match expand(timezone, s.value, end, &rule.value, &exdates) {
                Ok((occ, rule_out, skipped, unmatched, notes)) => {
                    for note in notes {
                        r.warning(rule.pos, format!("`recurrence`: {note}"));
                    }
                    // Where each date is written first: a list may hold
                    // thousands of dates.
                    let mut written = std::collections::HashMap::new();
                    for item in &exdate_items {
                        written.entry(item.value.trim()).or_insert(item.pos);
                    }
                    for d in unmatched {
                        if let Some(&pos) = written.get(d.to_string().as_str()) {
                            r.warning(
                                pos,
                                format!("`exdates`: {d} is not one of the series' dates"),
                            );
                        }
                    }
                    schedule.occurrences = occ;
                    schedule.rule = Some(rule_out);
                    schedule.exdates = skipped;
                }
                Err(msg) => {
                    r.error(rule.pos, format!("invalid `recurrence`: {msg}"));
                }
            },
        }
    }
    for (i, s) in sessions.iter().enumerate() {
        schedule
            .occurrences
            .push(occurrence(timezone, s.start, s.end, Some(i)));
    }
    let mut seen = std::collections::HashSet::new();
    for s in &sessions {
        if let Some(id) = &s.id
            && !seen.insert(id.clone())
        {
            r.error(s.pos, format!("two sessions have the id `{id}`"));
        }
    }
    schedule
        .occurrences
        .sort_by_key(|o| (o.start_utc, o.session));

    let location = f.get("location").and_then(|n| r.location(n));
    let status = f
        .get("status")
        .and_then(|n| r.status(n))
        .unwrap_or_default();
    let registration = r.link(
        f,
        "registration",
        crate::frontmatter::links::Accepts::WebOrMail,
    );
    EventData {
        project: r.reference(f, "project", Kind::Project),
        organizers: r.references(f, "organizers", Kind::Partner),
        networks: r.references(f, "networks", Kind::Network),
        start,
        end,
        timezone,
        location,
        status,
        registration,
        recurrence,
        exdates,
        sessions,
        contact: r.contact(f, "contact"),
        uid: read_uid(f, r),
        schedule,
    }
}

/// `uid:` as RFC 5545 allows it in a calendar: printable text without
/// spaces at its ends, at most a line's worth.
fn read_uid(f: &Fields, r: &mut FieldReader) -> Option<Spanned<String>> {
    let node = f.get("uid")?;
    let value = r.text(f, "uid")?;
    let trimmed = value.trim();
    if trimmed.is_empty() || trimmed.chars().any(char::is_control) || trimmed.len() > 255 {
        r.error(
            node.pos,
            "`uid` is the UID of the calendar the event came from: one line of text, at most 255 characters",
        );
        return None;
    }
    Some(Spanned {
        value: trimmed.to_string(),
        pos: node.pos,
    })
}

fn check_span(r: &mut FieldReader, start: When, end: When, pos: crate::diagnostics::Pos) {
    if start.is_all_day() != end.is_all_day() {
        r.error(
            pos,
            "`start` and `end` must both be dates or both be dates with times",
        );
        return;
    }
    if end < start {
        r.error(
            pos,
            format!(
                "the event ends ({}) before it starts ({})",
                show(end),
                show(start)
            ),
        );
    }
}
