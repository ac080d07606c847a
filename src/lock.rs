//! `calendar.lock`: what the subscription feeds last told subscribers about
//! each event, so that a static build knows which events changed.
//!
//! Calendar clients update an event they already hold only when its
//! `SEQUENCE` rises, and learn that it is off only from `STATUS:CANCELLED`.
//! A build sees only today's files, so it keeps that memory in a file at
//! the site root that authors commit, as `Cargo.lock` keeps versions: one
//! record per `UID` with the facts a subscriber would act on (start, end,
//! recurrence, skipped dates, status, place, title), its `SEQUENCE` and
//! `LAST-MODIFIED`. One JSON object per line, sorted by `UID`, so that a
//! change to an event is a change of its line in a commit, and a large
//! site's lock (tens of megabytes at 100,000 entries) is read and written
//! line by line in parallel.

use crate::diagnostics::{Diagnostic, Diagnostics, Pos};
use crate::feeds::ical::utc;
use chrono::{DateTime, Utc};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// The lock's name at the site root.
pub const LOCK_FILE: &str = "calendar.lock";

const HEADER: &str = "\
# calendar.lock: what the calendar feeds last told subscribers about each
# event, one per line. Written by `tandem build`; commit it with the
# content. Clients update an event only when its SEQUENCE rises, so a build
# needs to know what changed since the last one. Do not edit it by hand.
";

/// What a subscriber would act on when it changes: one VEVENT's start,
/// end, recurrence, skipped dates, status, place and title, as the feed
/// writes them (`TZID=Europe/Berlin:20270110T100000`, `VALUE=DATE:…`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Facts {
    pub title: String,
    pub start: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exdates: Option<String>,
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

/// One VEVENT as the lock remembers it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    pub uid: String,
    pub sequence: u32,
    /// `LAST-MODIFIED`, as iCalendar writes UTC (`20261205T100000Z`).
    pub modified: String,
    /// When its last date is over (UTC, as `modified`); none for a series
    /// without end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
    /// The event left the content (file deleted or made a draft): the
    /// feeds keep it as cancelled until `until`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub removed: bool,
    /// The owners whose feeds listed it (`networks/ID`, …), besides the
    /// site's: where its cancellation goes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub feeds: Vec<String>,
    pub facts: Facts,
}

/// The records of a lock by `UID`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Lock {
    pub records: BTreeMap<String, Record>,
}

/// `SEQUENCE` and `LAST-MODIFIED` of one VEVENT.
#[derive(Clone, Debug, PartialEq)]
pub struct Stamp {
    pub sequence: u32,
    pub modified: String,
}

impl Lock {
    /// Reads `calendar.lock` from `root`: `None` when there is none; a
    /// file that cannot be read is an error in `diags` (and no lock).
    pub fn read(root: &Path, diags: &mut Diagnostics) -> Option<Lock> {
        let path = root.join(LOCK_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
            Err(e) => {
                diags.push(Diagnostic::io(LOCK_FILE, format!("cannot read it: {e}")));
                return None;
            }
        };
        match Lock::parse(&text) {
            Ok(lock) => Some(lock),
            Err(d) => {
                diags.push(d);
                None
            }
        }
    }

    /// A lock from its text; an error names the line and column. Lines
    /// starting with `#` and empty lines are comments.
    pub fn parse(text: &str) -> Result<Lock, Diagnostic> {
        let lines: Vec<(usize, &str)> = text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
            .collect();
        let read: Result<Vec<Record>, Diagnostic> = lines
            .par_iter()
            .map(|&(n, line)| {
                serde_json::from_str::<Record>(line).map_err(|e| {
                    let pos = Pos::new(n + 1, e.column().max(1));
                    Diagnostic::error(LOCK_FILE, pos, format!("{e} (delete the file and build to write it anew; every SEQUENCE then starts again at 0)"))
                        .with_source(text)
                })
            })
            .collect();
        let records = read?.into_iter().map(|r| (r.uid.clone(), r)).collect();
        Ok(Lock { records })
    }

    /// The lock's text: a header, then one line per record, by `UID`.
    pub fn to_text(&self) -> String {
        let records: Vec<&Record> = self.records.values().collect();
        let lines: Vec<String> = records
            .par_iter()
            .map(|r| serde_json::to_string(r).unwrap_or_default())
            .collect();
        let mut out =
            String::with_capacity(HEADER.len() + lines.iter().map(|l| l.len() + 1).sum::<usize>());
        out.push_str(HEADER);
        for line in lines {
            out.push_str(&line);
            out.push('\n');
        }
        out
    }

    /// The stamp of a VEVENT with `facts` now: unchanged facts keep the
    /// recorded stamp; changed ones (or an event that comes back) raise
    /// `SEQUENCE` by one at `now`; a VEVENT the lock does not know starts
    /// at 0, last modified when its source was (`first`).
    pub fn stamp(
        lock: Option<&Lock>,
        uid: &str,
        facts: &Facts,
        now: DateTime<Utc>,
        first: DateTime<Utc>,
    ) -> Stamp {
        match lock.and_then(|l| l.records.get(uid)) {
            Some(r) if !r.removed && r.facts == *facts => Stamp {
                sequence: r.sequence,
                modified: r.modified.clone(),
            },
            Some(r) => Stamp {
                sequence: r.sequence.saturating_add(1),
                modified: utc(now),
            },
            None => Stamp {
                sequence: 0,
                modified: utc(first),
            },
        }
    }

    /// The lock after a build: `live` (each visible VEVENT's record,
    /// stamped by [`Lock::stamp`]) and the [gone](Lock::gone) ones.
    pub fn next(old: Option<&Lock>, live: Vec<Record>, now: DateTime<Utc>) -> Lock {
        let mut records: BTreeMap<String, Record> =
            live.into_iter().map(|r| (r.uid.clone(), r)).collect();
        let gone = Lock::gone(old, |uid| records.contains_key(uid), now);
        records.extend(gone.into_iter().map(|r| (r.uid.clone(), r)));
        Lock { records }
    }

    /// What `old` remembers of VEVENTs that are no longer there (`is_live`
    /// says which are): as removed, the `SEQUENCE` raised once, at `now`.
    pub fn gone(
        old: Option<&Lock>,
        is_live: impl Fn(&str) -> bool,
        now: DateTime<Utc>,
    ) -> Vec<Record> {
        let records = old.map(|l| &l.records).into_iter().flatten();
        records
            .filter(|(uid, _)| !is_live(uid))
            .map(|(_, r)| {
                let mut gone = r.clone();
                if !gone.removed {
                    gone.removed = true;
                    gone.sequence = gone.sequence.saturating_add(1);
                    gone.modified = utc(now);
                }
                gone
            })
            .collect()
    }

    /// Whether `r` is over by `now` (a series without end never is).
    pub fn is_over(r: &Record, now: DateTime<Utc>) -> bool {
        // Both are `YYYYMMDDTHHMMSSZ`: the text order is the time order.
        r.until.as_ref().is_some_and(|u| *u <= utc(now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(start: &str) -> Facts {
        Facts {
            title: "Werkstatt".into(),
            start: start.into(),
            status: "scheduled".into(),
            ..Facts::default()
        }
    }

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn a_change_raises_the_sequence_once_and_text_round_trips() {
        let now = at("2026-12-05T10:00:00Z");
        let first = at("2026-01-01T00:00:00Z");
        let f = facts("TZID=Europe/Berlin:20270110T100000");
        let s = Lock::stamp(None, "event-a@x", &f, now, first);
        assert_eq!(s.sequence, 0);
        assert_eq!(s.modified, "20260101T000000Z");
        let record = |f: &Facts, s: &Stamp| Record {
            uid: "event-a@x".into(),
            sequence: s.sequence,
            modified: s.modified.clone(),
            until: Some("20270110T110000Z".into()),
            removed: false,
            feeds: vec!["networks/netz".into()],
            facts: f.clone(),
        };
        let lock = Lock::next(None, vec![record(&f, &s)], now);
        let text = lock.to_text();
        assert_eq!(Lock::parse(&text).unwrap(), lock, "{text}");
        // Unchanged: the same stamp.
        assert_eq!(Lock::stamp(Some(&lock), "event-a@x", &f, now, first), s);
        // Moved: one more, now.
        let moved = facts("TZID=Europe/Berlin:20270111T100000");
        let s2 = Lock::stamp(Some(&lock), "event-a@x", &moved, now, first);
        assert_eq!(s2.sequence, 1);
        assert_eq!(s2.modified, "20261205T100000Z");
        // Gone: removed, raised once, cancelled until its end.
        let later = at("2026-12-06T10:00:00Z");
        let gone = Lock::next(Some(&lock), Vec::new(), later);
        let r = &gone.records["event-a@x"];
        assert!(r.removed);
        assert_eq!(r.sequence, 1);
        assert_eq!(
            Lock::next(Some(&gone), Vec::new(), later),
            gone,
            "raised once"
        );
        assert!(!Lock::is_over(r, later));
        assert!(Lock::is_over(r, at("2027-01-10T11:00:00Z")));
        // Back again: one more than the cancellation.
        let back = Lock::stamp(Some(&gone), "event-a@x", &f, later, first);
        assert_eq!(back.sequence, 2);
    }

    #[test]
    fn a_broken_lock_is_an_error_with_its_place() {
        let err = Lock::parse("# lock\n\n{\"uid\": \"a\", \"sequence\": \"x\"}\n").unwrap_err();
        let text = err.render(false);
        assert!(text.starts_with("calendar.lock:3:"), "{text}");
    }
}
