//! The iCalendar feeds, read back with independent parsers: the
//! `icalendar` crate's parser for the bytes and the `rrule` crate for
//! expanding series, so that tandem's own code never checks itself.

mod common;

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use icalendar::parser::{Component, Property, read_calendar, unfold};
use proptest::prelude::*;
use proptest::test_runner::{FileFailurePersistence, TestCaseError, TestRunner};
use std::cell::Cell;
use std::path::{Path, PathBuf};
use tandem::config::{Config, Overrides};
use tandem::diagnostics::Diagnostics;
use tandem::entry::{Kind, KindData, Location};
use tandem::feeds::calendar::{calendar, event_ics, event_vevents, feed_events};
use tandem::feeds::ical::Writer;
use tandem::model::Site;
use tandem::routes::feed_name;

/// The fixture, relative to the crate root.
const FIXTURE: &str = "tests/fixtures/feeds/site";

/// The fixture where it is, for tests that only read it.
fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURE)
}

/// Loads a site with "now" fixed, as `SOURCE_DATE_EPOCH` fixes it for the
/// binary.
fn load(root: &Path, now: &str) -> Site {
    let mut diags = Diagnostics::new();
    let overrides = Overrides {
        now: Some(now.parse::<DateTime<Utc>>().unwrap()),
        ..Overrides::default()
    };
    let config = Config::load(root, &overrides, &mut diags);
    let Some(config) = config else {
        panic!("site.yaml: {:?}", diags.into_vec());
    };
    let loaded = tandem::content::load(&config, &mut diags);
    let site = Site::new(config, loaded, &mut diags);
    let errors: Vec<String> = diags
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.render(false))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    site
}

fn site() -> Site {
    load(&fixture(), "2023-07-01T12:00:00Z")
}

/// One loaded fixture for the property tests, which only change one
/// event's texts in it: loading it for each case would take most of the time.
fn shared_site() -> &'static std::sync::Mutex<Site> {
    static SITE: std::sync::OnceLock<std::sync::Mutex<Site>> = std::sync::OnceLock::new();
    SITE.get_or_init(|| std::sync::Mutex::new(site()))
}

fn plain(site: &Site, i: usize) -> String {
    let address = |src: &str| {
        site.by_source
            .get(src)
            .map(|&t| site.config.link(&site.rel_url(t)))
    };
    tandem::render::markdown::render(
        &site.entries[i],
        &site.config.base_path,
        &address,
        &mut Vec::new(),
    )
    .plain
}

fn event(site: &Site, id: &str) -> usize {
    site.lookup(Kind::Event, id)
        .unwrap_or_else(|| panic!("no event {id}"))
}

fn ics_of(site: &Site, id: &str) -> String {
    let i = event(site, id);
    event_ics(site, i, &event_vevents(site, i, &plain(site, i)))
}

fn site_feed(site: &Site) -> String {
    let events = site.of_kind.get(&Kind::Event).cloned().unwrap_or_default();
    let list = feed_events(site, &events);
    calendar(site, &feed_name(site, None), &list, &|i| {
        event_vevents(site, i, &plain(site, i))
    })
}

fn owner_feed(site: &Site, kind: Kind, id: &str) -> String {
    let i = site.lookup(kind, id).unwrap();
    let list = feed_events(site, &site.links[i].events);
    calendar(site, &feed_name(site, Some(i)), &list, &|e| {
        event_vevents(site, e, &plain(site, e))
    })
}

/// Every feed the build writes for the fixture, by output path.
fn all_files(site: &Site) -> Vec<(String, String)> {
    let mut out = vec![("calendar.ics".to_string(), site_feed(site))];
    for (i, e) in site.entries.iter().enumerate() {
        if !site.visible(i) {
            continue;
        }
        if e.kind == Kind::Event {
            out.push((format!("{}event.ics", site.rel_url(i)), ics_of(site, &e.id)));
        }
        if e.kind.has_feed() {
            out.push((
                format!("{}calendar.ics", site.rel_url(i)),
                owner_feed(site, e.kind, &e.id),
            ));
        }
    }
    out.sort();
    out
}

/// Parses with the `icalendar` crate; the returned components are the
/// children of VCALENDAR.
fn parse(text: &str) -> (Vec<Property<'static>>, Vec<Component<'static>>) {
    let unfolded = unfold(text);
    let cal = read_calendar(&unfolded).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let props = cal.properties.iter().map(own_prop).collect();
    let comps = cal.components.iter().map(own_comp).collect();
    (props, comps)
}

fn own_prop(p: &Property) -> Property<'static> {
    Property {
        name: p.name.to_owned(),
        val: p.val.to_owned(),
        params: p
            .params
            .iter()
            .map(|q| icalendar::parser::Parameter {
                key: q.key.to_owned(),
                val: q.val.as_ref().map(|v| v.to_owned()),
            })
            .collect(),
    }
}

fn own_comp(c: &Component) -> Component<'static> {
    Component {
        name: c.name.to_owned(),
        properties: c.properties.iter().map(own_prop).collect(),
        components: c.components.iter().map(own_comp).collect(),
    }
}

fn prop<'a>(c: &'a Component<'static>, name: &str) -> Option<&'a Property<'static>> {
    c.properties.iter().find(|p| p.name.as_str() == name)
}

fn val(c: &Component<'static>, name: &str) -> String {
    prop(c, name)
        .map(|p| p.val.as_str().to_string())
        .unwrap_or_else(|| panic!("no {name} in {c:?}"))
}

fn param(p: &Property, key: &str) -> Option<String> {
    p.params
        .iter()
        .find(|q| q.key.as_str() == key)
        .and_then(|q| q.val.as_ref())
        .map(|v| v.as_str().to_string())
}

fn vevents(comps: &[Component<'static>]) -> Vec<Component<'static>> {
    comps
        .iter()
        .filter(|c| c.name.as_str() == "VEVENT")
        .cloned()
        .collect()
}

/// The UTC instants of a series as a client computes them: DTSTART,
/// RRULE and EXDATE copied verbatim from the parsed VEVENT into the
/// `rrule` crate.
fn expand_utc(ev: &Component<'static>) -> Vec<String> {
    let mut lines = Vec::new();
    for name in ["DTSTART", "RRULE", "EXDATE"] {
        if let Some(p) = prop(ev, name) {
            let params: String = p
                .params
                .iter()
                .map(|q| {
                    format!(
                        ";{}={}",
                        q.key.as_str(),
                        q.val.as_ref().map_or("", |v| v.as_str())
                    )
                })
                .collect();
            lines.push(format!("{name}{params}:{}", p.val.as_str()));
        }
    }
    let set: rrule::RRuleSet = lines
        .join("\n")
        .parse()
        .unwrap_or_else(|e| panic!("{e}: {lines:?}"));
    set.all(100)
        .dates
        .iter()
        .map(|d| d.with_timezone(&Utc).format("%Y-%m-%dT%H:%MZ").to_string())
        .collect()
}

/// The UTC offset (seconds) the file's own VTIMEZONE gives a local time,
/// as Outlook reads it: the latest onset of any sub-component wins.
fn offset_from_vtimezone(vtz: &Component<'static>, local: NaiveDateTime) -> i32 {
    let off = |s: &str| {
        let sign = if s.starts_with('-') { -1 } else { 1 };
        sign * (s[1..3].parse::<i32>().unwrap() * 3600 + s[3..5].parse::<i32>().unwrap() * 60)
    };
    let mut best: Option<(NaiveDateTime, i32)> = None;
    for sub in &vtz.components {
        let start = NaiveDateTime::parse_from_str(&val(sub, "DTSTART"), "%Y%m%dT%H%M%S").unwrap();
        let to = off(&val(sub, "TZOFFSETTO"));
        let onsets: Vec<NaiveDateTime> = match prop(sub, "RRULE") {
            None => vec![start],
            Some(r) => {
                let rule = r.val.as_str().split(";UNTIL=").next().unwrap_or_default();
                let until = r.val.as_str().split(";UNTIL=").nth(1).map(|u| {
                    NaiveDateTime::parse_from_str(u, "%Y%m%dT%H%M%SZ").unwrap()
                        + chrono::Duration::seconds(off(&val(sub, "TZOFFSETFROM")).into())
                });
                let set: rrule::RRuleSet =
                    format!("DTSTART:{}Z\nRRULE:{rule}", val(sub, "DTSTART"))
                        .parse()
                        .unwrap();
                set.all(300)
                    .dates
                    .iter()
                    .map(|d| d.naive_utc())
                    .take_while(|d| *d <= local + chrono::Duration::days(400))
                    .filter(|d| until.is_none_or(|u| *d <= u))
                    .collect()
            }
        };
        for o in onsets {
            if o <= local && best.is_none_or(|(b, _)| o > b) {
                best = Some((o, to));
            }
        }
    }
    best.map(|(_, o)| o)
        .unwrap_or_else(|| panic!("no observance for {local}"))
}

fn check_lines(text: &str) {
    assert!(text.ends_with("\r\n"));
    for raw in text.as_bytes().split(|b| *b == b'\n') {
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        assert!(
            !line.contains(&b'\r'),
            "bare CR in {:?}",
            String::from_utf8_lossy(line)
        );
        assert!(
            line.len() <= 75,
            "{} octets: {}",
            line.len(),
            String::from_utf8_lossy(line)
        );
        assert!(
            std::str::from_utf8(line).is_ok(),
            "a fold split a character: {line:?}"
        );
    }
    let body = text.strip_suffix("\r\n").unwrap_or(text);
    assert!(body.split("\r\n").all(|l| !l.is_empty()), "empty line");
}

fn weekly_series_utc(site: &Site, id: &str, zone: &str) -> Vec<String> {
    let text = ics_of(site, id);
    check_lines(&text);
    let (_, comps) = parse(&text);
    let evs = vevents(&comps);
    assert_eq!(evs.len(), 1, "{text}");
    let dtstart = prop(&evs[0], "DTSTART").unwrap();
    assert_eq!(param(dtstart, "TZID").as_deref(), Some(zone));
    let vtz = comps
        .iter()
        .find(|c| c.name.as_str() == "VTIMEZONE")
        .expect("VTIMEZONE");
    assert_eq!(val(vtz, "TZID"), zone);

    let instants = expand_utc(&evs[0]);
    // The file's own VTIMEZONE gives every occurrence the same instant.
    let tz: chrono_tz::Tz = zone.parse().unwrap();
    for s in &instants {
        let utc = DateTime::parse_from_rfc3339(&s.replace('Z', ":00Z"))
            .unwrap()
            .with_timezone(&Utc);
        let local = utc.with_timezone(&tz).naive_local();
        let offset = offset_from_vtimezone(vtz, local);
        assert_eq!(
            local - chrono::Duration::seconds(offset.into()),
            utc.naive_utc(),
            "{s}"
        );
    }
    instants
}

#[test]
fn weekly_series_crossing_the_end_of_dst_in_berlin() {
    let site = site();
    let utc = weekly_series_utc(&site, "herbstreihe", "Europe/Berlin");
    // 16:00 local: CEST (UTC+2) until 30 October 2022, then CET (UTC+1);
    // 26 October is skipped by `exdates`.
    assert_eq!(
        utc,
        [
            "2022-10-12T14:00Z",
            "2022-10-19T14:00Z",
            "2022-11-02T15:00Z",
            "2022-11-09T15:00Z",
            "2022-11-16T15:00Z"
        ]
    );
}

#[test]
fn weekly_series_in_new_york_changes_a_week_later() {
    let site = site();
    let utc = weekly_series_utc(&site, "new-york-exchange", "America/New_York");
    // EDT (UTC−4) until 6 November 2022, then EST (UTC−5).
    assert_eq!(
        utc,
        [
            "2022-10-26T20:00Z",
            "2022-11-02T20:00Z",
            "2022-11-09T21:00Z",
            "2022-11-16T21:00Z"
        ]
    );
}

#[test]
fn until_of_a_timed_series_is_utc() {
    let site = site();
    let (_, comps) = parse(&ics_of(&site, "herbstreihe"));
    let ev = &vevents(&comps)[0];
    assert_eq!(
        val(ev, "RRULE"),
        "FREQ=WEEKLY;BYDAY=WE;UNTIL=20221116T225959Z"
    );
    let ex = prop(ev, "EXDATE").unwrap();
    assert_eq!(param(ex, "TZID").as_deref(), Some("Europe/Berlin"));
    assert_eq!(ex.val.as_str(), "20221026T160000");
}

/// The TEXT rule of section 6: control characters other than tab and line
/// breaks dropped, CR and CRLF a line break.
fn spec_text(s: &str) -> String {
    let s = s.replace("\r\n", "\n").replace('\r', "\n");
    s.chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect()
}

fn text_strategy() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("ä".to_string()),
        Just("Ö".to_string()),
        Just("ß".to_string()),
        Just("😀".to_string()),
        Just("👩‍👩‍👧".to_string()),
        Just("€".to_string()),
        Just(",".to_string()),
        Just(";".to_string()),
        Just(":".to_string()),
        Just("\\".to_string()),
        Just("\\n".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("\r".to_string()),
        Just("\t".to_string()),
        Just("\"".to_string()),
        Just(" ".to_string()),
        Just("\u{0}\u{7}\u{1b}\u{7f}\u{85}".to_string()),
        "[a-zA-Z0-9 ]{1,20}",
        any::<char>().prop_map(|c| c.to_string()),
    ];
    prop::collection::vec(piece, 0..120).prop_map(|v| v.concat())
}

fn long_text_strategy() -> impl Strategy<Value = String> {
    (text_strategy(), "[a-zäöüß ,;]{300,340}").prop_map(|(a, b)| format!("{a}{b}{a}"))
}

/// Runs `test` on 256 inputs from `strategy`, keeping failures in
/// `tests/feeds.proptest-regressions`. `test` says whether a case reached
/// what the property is about; at least `min_percent` of the cases must,
/// or the property holds only because its inputs missed the point.
fn check_property<S: Strategy>(
    name: &str,
    strategy: S,
    min_percent: usize,
    test: impl Fn(S::Value) -> Result<bool, TestCaseError>,
) {
    let mut runner = TestRunner::new(ProptestConfig {
        cases: 256,
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource(
            "proptest-regressions",
        ))),
        source_file: Some(file!()),
        ..ProptestConfig::default()
    });
    let (total, accepted) = (Cell::new(0), Cell::new(0));
    let result = runner.run(&strategy, |value| {
        total.set(total.get() + 1);
        if test(value)? {
            accepted.set(accepted.get() + 1);
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{name}: {e}");
    }
    common::assert_accepted(name, accepted.get(), total.get(), min_percent);
}

/// Whether the writer has something to do with `text`: characters to
/// escape, or line breaks to turn into `\n`.
fn needs_escaping(text: &str) -> bool {
    text.contains([',', ';', '\\', '\n', '\r'])
}

#[test]
fn text_survives_the_writer_and_an_independent_parser() {
    let strategy = (text_strategy(), long_text_strategy(), text_strategy());
    check_property(
        "text_survives_the_writer_and_an_independent_parser",
        strategy,
        80,
        |(title, description, location)| {
            let mut w = Writer::new();
            w.begin("VCALENDAR");
            w.line("VERSION", &[], "2.0");
            w.line("PRODID", &[], "-//test//EN");
            w.begin("VEVENT");
            w.line("UID", &[], "x@example.org");
            w.line("DTSTAMP", &[], "20220101T000000Z");
            w.line("DTSTART", &[("VALUE", "DATE")], "20220101");
            w.text("SUMMARY", &[], &title);
            w.text("DESCRIPTION", &[], &description);
            w.text("LOCATION", &[], &location);
            w.line(
                "ORGANIZER",
                &[("CN", &tandem::feeds::ical::quoted(&title))],
                "mailto:a@example.org",
            );
            w.end("VEVENT");
            w.end("VCALENDAR");
            let text = w.finish();
            check_lines(&text);
            let (_, comps) = parse(&text);
            let ev = &vevents(&comps)[0];
            prop_assert_eq!(val(ev, "SUMMARY"), spec_text(&title));
            prop_assert_eq!(val(ev, "DESCRIPTION"), spec_text(&description));
            prop_assert_eq!(val(ev, "LOCATION"), spec_text(&location));
            prop_assert_eq!(val(ev, "ORGANIZER"), "mailto:a@example.org");
            prop_assert_eq!(val(ev, "UID"), "x@example.org");
            Ok(needs_escaping(&title) && needs_escaping(&location))
        },
    );
}

#[test]
fn event_text_survives_the_whole_feed() {
    let strategy = (
        text_strategy(),
        text_strategy(),
        long_text_strategy(),
        text_strategy(),
    );
    check_property(
        "event_text_survives_the_whole_feed",
        strategy,
        80,
        |(title, summary, body, place)| {
            let mut site = shared_site().lock().unwrap_or_else(|e| e.into_inner());
            let site = &mut *site;
            let i = event(site, "tagung");
            site.entries[i].title = title.clone();
            site.entries[i].summary = Some(summary.clone());
            if let KindData::Event(ev) = &mut site.entries[i].data {
                ev.location = Some(Location {
                    name: Some(place.clone()),
                    ..Location::default()
                });
            }
            let text = event_ics(site, i, &event_vevents(site, i, &body));
            check_lines(&text);
            let (_, comps) = parse(&text);
            let ev = &vevents(&comps)[0];
            prop_assert_eq!(val(ev, "SUMMARY"), spec_text(&title).trim().to_string());
            let url = "https://example.org/bildung/events/tagung/";
            let mut parts = vec!["verschoben".to_string()];
            for t in [&summary, &body] {
                let t = spec_text(t).trim().to_string();
                if !t.is_empty() {
                    parts.push(t);
                }
            }
            parts.push(url.to_string());
            prop_assert_eq!(val(ev, "DESCRIPTION"), parts.join("\n\n"));
            let place = spec_text(&place).trim().to_string();
            if place.is_empty() {
                prop_assert!(prop(ev, "LOCATION").is_none());
            } else {
                prop_assert_eq!(val(ev, "LOCATION"), place);
            }
            // The case counts when every text reached the file: a title, a
            // summary and a place that are not empty once cleaned.
            Ok(!spec_text(&title).trim().is_empty()
                && parts.len() == 4
                && prop(ev, "LOCATION").is_some())
        },
    );
}

fn uids(text: &str) -> Vec<String> {
    let (_, comps) = parse(text);
    vevents(&comps).iter().map(|e| val(e, "UID")).collect()
}

/// A copy of the fixture in a temporary folder, for tests that edit it.
fn scratch() -> common::Site {
    common::Site::copy_of(FIXTURE)
}

#[test]
fn uids_survive_edits_of_title_times_text_and_place() {
    let fx = scratch();
    let root = fx.root();
    let before = load(root, "2023-07-01T12:00:00Z");
    let series_before = uids(&ics_of(&before, "herbstreihe"));
    let single_before = uids(&ics_of(&before, "abgesagt"));
    assert_eq!(series_before, ["event-herbstreihe@example.org/bildung"]);
    assert_eq!(single_before, ["event-abgesagt@example.org/bildung"]);

    fx.edit(
        "content/events/herbstreihe.md",
        "title: Herbstreihe Digitalisierung",
        "title: Herbstreihe KI",
    );
    fx.edit(
        "content/events/herbstreihe.md",
        "start: 2022-10-12T16:00",
        "start: 2022-10-12T17:00",
    );
    fx.edit(
        "content/events/herbstreihe.md",
        "end: 2022-10-12T17:30",
        "end: 2022-10-12T19:00",
    );
    fx.edit(
        "content/events/herbstreihe.md",
        "Jede Woche",
        "Alle sieben Tage",
    );
    fx.edit(
        "content/events/abgesagt.md",
        "title: Abgesagtes Forum",
        "title: Forum (abgesagt)",
    );
    fx.edit(
        "content/events/abgesagt.md",
        "start: 2023-03-12T14:00",
        "start: 2023-03-19T09:30",
    );
    fx.edit(
        "content/events/abgesagt.md",
        "location: Unna",
        "location: Kamen",
    );
    fx.edit(
        "content/events/abgesagt.md",
        "Fällt aus.",
        "Fällt leider aus.",
    );
    let after = load(root, "2023-07-01T12:00:00Z");
    let text = ics_of(&after, "herbstreihe");
    assert!(text.contains("SUMMARY:Herbstreihe KI"), "{text}");
    assert!(
        text.contains("DTSTART;TZID=Europe/Berlin:20221012T170000"),
        "{text}"
    );
    assert_eq!(uids(&text), series_before);
    let text = ics_of(&after, "abgesagt");
    assert!(text.contains("LOCATION:Kamen"), "{text}");
    assert_eq!(uids(&text), single_before);
}

#[test]
fn uid_domain_is_written_as_text() {
    let mut site = site();
    site.config.calendar.uid_domain = "example.org/netz;a,b".into();
    let text = ics_of(&site, "tagung");
    assert!(
        text.contains("UID:event-tagung@example.org/netz\\;a\\,b\r\n"),
        "{text}"
    );
    assert_eq!(uids(&text), ["event-tagung@example.org/netz;a,b"]);
}

#[test]
fn sessions_have_their_own_stable_uids() {
    let fx = scratch();
    let root = fx.root();
    let before = uids(&ics_of(&load(root, "2023-07-01T12:00:00Z"), "werkstatt"));
    assert_eq!(
        before,
        [
            "event-werkstatt-20230601T1000@example.org/bildung",
            "event-werkstatt-20230928T1000@example.org/bildung",
            "event-werkstatt-abschluss@example.org/bildung",
        ]
    );

    // Adding a session, even between the others, changes no other UID.
    fx.edit(
        "content/events/werkstatt.md",
        "sessions:\n",
        "sessions:\n  - { start: 2023-07-13T09:00, end: 2023-07-13T12:00 }\n",
    );
    let added = uids(&ics_of(&load(root, "2023-07-01T12:00:00Z"), "werkstatt"));
    assert_eq!(added.len(), 4);
    for u in &before {
        assert!(added.contains(u), "{u} lost: {added:?}");
    }
    assert!(added.contains(&"event-werkstatt-20230713T0900@example.org/bildung".to_string()));

    // A session with an id keeps its UID when it moves.
    fx.edit(
        "content/events/werkstatt.md",
        "start: 2023-11-02, id",
        "start: 2023-11-09, id",
    );
    let moved = uids(&ics_of(&load(root, "2023-07-01T12:00:00Z"), "werkstatt"));
    assert_eq!(moved, added);
}

#[test]
fn byte_identical_under_source_date_epoch() {
    let fx = scratch();
    let root = fx.root();
    let first = all_files(&load(root, "2024-01-02T03:04:05Z"));
    // Touch every file: the modification time must not leak into DTSTAMP.
    for e in ["herbstreihe", "werkstatt", "kongress", "new-york-exchange"] {
        let p = root.join(format!("content/events/{e}.md"));
        let text = std::fs::read(&p).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(10));
        std::fs::write(&p, text).unwrap();
    }
    let second = all_files(&load(root, "2024-01-02T03:04:05Z"));
    assert_eq!(first.len(), second.len());
    for ((p1, t1), (p2, t2)) in first.iter().zip(&second) {
        assert_eq!(p1, p2);
        assert!(t1 == t2, "{p1} differs between builds");
    }
    let (_, site_text) = first.iter().find(|(p, _)| p == "calendar.ics").unwrap();
    for ev in vevents(&parse(site_text).1) {
        assert_eq!(val(&ev, "DTSTAMP"), "20240102T030405Z");
    }
    // The fixture's own run gives the same bytes too (paths do not leak).
    let third = all_files(&load(&fixture(), "2024-01-02T03:04:05Z"));
    assert_eq!(first, third);
}

#[test]
fn dtstamp_without_epoch_comes_from_updated_then_mtime() {
    let fx = scratch();
    let root = fx.root();
    fx.edit(
        "content/events/tagung.md",
        "status: postponed",
        "status: postponed\nupdated: 2023-01-10T09:30",
    );
    let mut site = load(root, "2030-01-01T00:00:00Z");
    site.config.reproducible = false;
    let (_, comps) = parse(&ics_of(&site, "tagung"));
    // 09:30 in Berlin in winter.
    assert_eq!(val(&vevents(&comps)[0], "DTSTAMP"), "20230110T083000Z");

    let i = event(&site, "abgesagt");
    let mtime = Utc.with_ymd_and_hms(2022, 12, 24, 18, 0, 0).unwrap();
    site.entries[i].mtime = Some(mtime.into());
    let (_, comps) = parse(&ics_of(&site, "abgesagt"));
    assert_eq!(val(&vevents(&comps)[0], "DTSTAMP"), "20221224T180000Z");
}

#[test]
fn feed_header_comes_before_the_first_component() {
    let site = site();
    let text = owner_feed(&site, Kind::Project, "digit-ready-2");
    let head: Vec<&str> = text
        .split("\r\n")
        .take_while(|l| !l.starts_with("BEGIN:V") || *l == "BEGIN:VCALENDAR")
        .collect();
    assert_eq!(
        head,
        [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            &format!("PRODID:-//tandem//tandem {}//DE", env!("CARGO_PKG_VERSION")),
            "CALSCALE:GREGORIAN",
            "NAME:Digit-Ready II — Termine",
            "X-WR-CALNAME:Digit-Ready II — Termine",
            "REFRESH-INTERVAL;VALUE=DURATION:P1D",
            "X-PUBLISHED-TTL:P1D",
            "X-WR-TIMEZONE:Europe/Berlin",
        ]
    );
    let (props, comps) = parse(&text);
    assert!(
        props
            .iter()
            .any(|p| p.name.as_str() == "VERSION" && p.val.as_str() == "2.0")
    );
    let zones: Vec<String> = comps
        .iter()
        .filter(|c| c.name.as_str() == "VTIMEZONE")
        .map(|c| val(c, "TZID"))
        .collect();
    assert_eq!(zones, ["Europe/Berlin"]);
    assert_eq!(vevents(&comps).len(), 4, "series + three sessions");

    let event_file = ics_of(&site, "tagung");
    assert!(
        !event_file.contains("NAME:") && !event_file.contains("REFRESH-INTERVAL"),
        "{event_file}"
    );
    // No `METHOD` in any file: RFC 5546 would then want an `ORGANIZER` in
    // every event, and an event without a contact address has none.
    let files = all_files(&site);
    assert!(files.len() > 10);
    for (path, text) in &files {
        assert!(!text.contains("\r\nMETHOD"), "{path}: {text}");
    }
}

#[test]
fn every_tzid_has_its_vtimezone_and_empty_feeds_carry_the_sites() {
    let site = site();
    let (_, comps) = parse(&site_feed(&site));
    let zones: Vec<String> = comps
        .iter()
        .filter(|c| c.name.as_str() == "VTIMEZONE")
        .map(|c| val(c, "TZID"))
        .collect();
    assert_eq!(zones, ["America/New_York", "Europe/Berlin"]);
    for ev in vevents(&comps) {
        for name in ["DTSTART", "DTEND", "EXDATE"] {
            if let Some(tzid) = prop(&ev, name).and_then(|p| param(p, "TZID")) {
                assert!(zones.contains(&tzid));
            }
        }
    }

    let empty = owner_feed(&site, Kind::Network, "leer");
    let (_, comps) = parse(&empty);
    assert!(vevents(&comps).is_empty());
    let zones: Vec<String> = comps
        .iter()
        .filter(|c| c.name.as_str() == "VTIMEZONE")
        .map(|c| val(c, "TZID"))
        .collect();
    assert_eq!(zones, ["Europe/Berlin"]);
    assert!(empty.contains("NAME:Neues Netz — Termine\r\n"));
}

#[test]
fn all_day_events_have_an_exclusive_end() {
    let site = site();
    let (_, comps) = parse(&ics_of(&site, "kongress"));
    let ev = &vevents(&comps)[0];
    assert_eq!(
        param(prop(ev, "DTSTART").unwrap(), "VALUE").as_deref(),
        Some("DATE")
    );
    assert_eq!(val(ev, "DTSTART"), "20220319");
    assert_eq!(val(ev, "DTEND"), "20220321");
    // No VTIMEZONE is needed for dates alone.
    assert!(comps.iter().all(|c| c.name.as_str() != "VTIMEZONE"));

    let (_, comps) = parse(&ics_of(&site, "tagung"));
    let ev = &vevents(&comps)[0];
    assert_eq!(val(ev, "DTSTART"), "20230214");
    assert_eq!(val(ev, "DTEND"), "20230215");
}

#[test]
fn all_day_series_skip_dates_as_dates() {
    let site = site();
    let (_, comps) = parse(&ics_of(&site, "jahrestreffen"));
    let ev = &vevents(&comps)[0];
    assert_eq!(val(ev, "DTSTART"), "20220610");
    assert_eq!(val(ev, "DTEND"), "20220612", "two days, exclusive end");
    assert_eq!(val(ev, "RRULE"), "FREQ=YEARLY;COUNT=3");
    let ex = prop(ev, "EXDATE").unwrap();
    assert_eq!(param(ex, "VALUE").as_deref(), Some("DATE"));
    assert_eq!(ex.val.as_str(), "20230610");
}

#[test]
fn a_series_starts_on_its_first_date_even_if_the_author_did_not() {
    let site = site();
    let i = event(&site, "sprechstunde");
    let (_, comps) = parse(&ics_of(&site, "sprechstunde"));
    let ev = &vevents(&comps)[0];
    // 3 January 2023 is a Tuesday; the rule only gives Wednesdays.
    assert_eq!(val(ev, "DTSTART"), "20230104T090000");
    assert_eq!(val(ev, "DTEND"), "20230104T100000");
    let theirs = expand_utc(ev);
    let ours: Vec<String> = site.entries[i]
        .event()
        .unwrap()
        .schedule
        .occurrences
        .iter()
        .map(|o| o.start_utc.format("%Y-%m-%dT%H:%MZ").to_string())
        .collect();
    assert_eq!(theirs, ours, "clients list the dates the page lists");
    assert_eq!(
        theirs,
        [
            "2023-01-04T08:00Z",
            "2023-01-11T08:00Z",
            "2023-01-18T08:00Z"
        ]
    );
}

#[test]
fn status_description_and_details() {
    let site = site();
    let (_, comps) = parse(&ics_of(&site, "kongress"));
    let ev = &vevents(&comps)[0];
    assert_eq!(
        val(ev, "SUMMARY"),
        "Kongress: Bildung, Arbeit; Zukunft \\ 2022 🎓"
    );
    assert_eq!(val(ev, "STATUS"), "CONFIRMED");
    assert_eq!(
        val(ev, "DESCRIPTION"),
        "ausgebucht\n\nZwei Tage Kongress.\n\nErster Absatz mit Umlauten: äöü ß.\n\nZweiter Absatz.\n\n\
         https://example.org/bildung/events/kongress/"
    );
    assert_eq!(
        val(ev, "URL"),
        "https://example.org/bildung/events/kongress/"
    );
    assert_eq!(val(ev, "CATEGORIES"), "kongress");
    assert!(
        prop(ev, "ORGANIZER").is_none(),
        "no organiser with an email"
    );

    let (_, comps) = parse(&ics_of(&site, "abgesagt"));
    assert_eq!(val(&vevents(&comps)[0], "STATUS"), "CANCELLED");
    let (_, comps) = parse(&ics_of(&site, "tagung"));
    assert_eq!(val(&vevents(&comps)[0], "STATUS"), "TENTATIVE");

    let text = ics_of(&site, "herbstreihe");
    let (_, comps) = parse(&text);
    let ev = &vevents(&comps)[0];
    assert_eq!(val(ev, "LOCATION"), "Bildungszentrum, Hauptstraße 1, Köln");
    assert_eq!(val(ev, "GEO"), "50.9375;6.9603");
    assert!(
        text.contains("CATEGORIES:weiterbildung,digital\\; vernetzt\r\n"),
        "{text}"
    );
    // The organisation's name, not its contact person's: `ohne-mail` comes
    // first but has no address to write to.
    assert!(
        unfold(&text)
            .contains("ORGANIZER;CN=\"Bildungsturbo gGmbH\":mailto:anna.mueller@example.org\r\n"),
        "the first organiser with an email: {text}"
    );
    assert_eq!(
        val(ev, "DESCRIPTION"),
        "Wöchentlicher Austausch am Mittwochnachmittag.\n\nJede Woche ein Thema, danach offener Austausch.\n\n\
         - Einführung\n- Praxis\n\nhttps://example.org/bildung/events/herbstreihe/"
    );

    // The event's own contact, and no organising partner to name.
    let text = ics_of(&site, "new-york-exchange");
    let (_, comps) = parse(&text);
    let ev = &vevents(&comps)[0];
    assert_eq!(val(ev, "LOCATION"), "https://meet.example.org/exchange");
    assert!(
        text.contains("ORGANIZER:mailto:sam@example.org\r\n"),
        "{text}"
    );
    // An organising partner with the event's contact: the partner's name.
    let fx = scratch();
    fx.edit(
        "content/events/new-york-exchange.md",
        "networks: [testnetz]",
        "networks: [testnetz]\norganizers: [ohne-mail]",
    );
    let text = ics_of(
        &load(fx.root(), "2023-07-01T12:00:00Z"),
        "new-york-exchange",
    );
    assert!(
        text.contains("ORGANIZER;CN=\"Verein ohne Mail\":mailto:sam@example.org\r\n"),
        "{text}"
    );
}

/// Where an event happens (content format §3) reaches the calendar entry:
/// the place in LOCATION, else the meeting link; the link also at the top
/// of DESCRIPTION and as RFC 7986 CONFERENCE; never the meeting's label
/// ("Zoom") nor the old place of an event that moved online.
#[test]
fn online_hybrid_and_moved_online_events_in_the_calendar() {
    let fx = scratch();
    let root = fx.root();
    let file = |name: &str, front: &str| {
        fx.write(
            &format!("content/events/{name}.md"),
            &format!("---\ntitle: {name}\nstart: 2023-09-05T10:00\nend: 2023-09-05T12:00\n{front}---\nText.\n"),
        );
    };
    file(
        "zoom",
        "location: { name: Zoom, online: \"https://zoom.example.org/j/1\" }\n",
    );
    file(
        "hybrid",
        "location: { name: Haus, city: Köln, lat: 50.9, lon: 6.9, online: \"https://meet.example.org/h\" }\n",
    );
    file(
        "moved",
        "location: { name: Haus, city: Köln, lat: 50.9, lon: 6.9, online: \"https://meet.example.org/m\" }\nstatus: moved-online\n",
    );
    file("moved-no-link", "location: Köln\nstatus: moved-online\n");
    fx.write(
        "content/events/mixed-sessions.md",
        "---\ntitle: Sessions\nlocation: Hamm\nsessions:\n  - { start: 2023-09-05T10:00 }\n  - { start: 2023-09-12T10:00, location: { name: Webex, online: \"https://webex.example.org/s\" } }\n---\n",
    );
    let site = load(root, "2023-07-01T12:00:00Z");
    let one = |id: &str| {
        let text = ics_of(&site, id);
        let (_, comps) = parse(&text);
        (text, vevents(&comps).remove(0))
    };

    let (text, ev) = one("zoom");
    assert_eq!(val(&ev, "LOCATION"), "https://zoom.example.org/j/1");
    assert!(!text.contains("Zoom"), "the label is no place: {text}");
    assert!(prop(&ev, "GEO").is_none());
    assert_eq!(val(&ev, "CONFERENCE"), "https://zoom.example.org/j/1");
    assert_eq!(
        param(prop(&ev, "CONFERENCE").unwrap(), "VALUE"),
        Some("URI".into())
    );
    assert!(
        val(&ev, "DESCRIPTION").starts_with("Online-Termin: https://zoom.example.org/j/1\n\nText."),
        "{text}"
    );

    let (_, ev) = one("hybrid");
    assert_eq!(val(&ev, "LOCATION"), "Haus, Köln");
    assert_eq!(val(&ev, "GEO"), "50.9;6.9");
    assert_eq!(val(&ev, "CONFERENCE"), "https://meet.example.org/h");
    assert!(val(&ev, "DESCRIPTION").starts_with("Online-Termin: https://meet.example.org/h\n\n"));

    let (text, ev) = one("moved");
    assert_eq!(val(&ev, "LOCATION"), "https://meet.example.org/m");
    assert!(prop(&ev, "GEO").is_none());
    assert!(
        !text.contains("Haus"),
        "the old place is not where it happens: {text}"
    );
    assert!(
        val(&ev, "DESCRIPTION")
            .starts_with("findet online statt\n\nOnline-Termin: https://meet.example.org/m\n\n"),
        "{text}"
    );

    let (text, ev) = one("moved-no-link");
    assert_eq!(val(&ev, "LOCATION"), "Online");
    assert!(prop(&ev, "CONFERENCE").is_none());
    assert!(!text.contains("Köln"), "{text}");

    let text = ics_of(&site, "mixed-sessions");
    let (_, comps) = parse(&text);
    let evs = vevents(&comps);
    assert_eq!(evs.len(), 2);
    assert_eq!(val(&evs[0], "LOCATION"), "Hamm");
    assert!(prop(&evs[0], "CONFERENCE").is_none());
    assert_eq!(val(&evs[1], "LOCATION"), "https://webex.example.org/s");
    assert_eq!(val(&evs[1], "CONFERENCE"), "https://webex.example.org/s");
    assert!(
        val(&evs[1], "DESCRIPTION").starts_with("Online-Termin: https://webex.example.org/s\n\n")
    );
    assert!(!val(&evs[0], "DESCRIPTION").contains("webex"));
}

#[test]
fn sessions_take_their_own_place_and_status() {
    let site = site();
    let (_, comps) = parse(&ics_of(&site, "werkstatt"));
    let evs = vevents(&comps);
    assert_eq!(evs.len(), 3);
    assert_eq!(val(&evs[0], "LOCATION"), "Hamm");
    assert_eq!(val(&evs[0], "STATUS"), "CONFIRMED");
    assert_eq!(val(&evs[0], "DTSTART"), "20230601T100000");
    assert_eq!(val(&evs[0], "DTEND"), "20230601T150000");
    assert_eq!(val(&evs[1], "LOCATION"), "Arnsberg");
    assert!(val(&evs[1], "DESCRIPTION").starts_with("ausgebucht\n\n"));
    assert_eq!(val(&evs[2], "STATUS"), "CANCELLED");
    assert_eq!(val(&evs[2], "DTSTART"), "20231102");
    assert_eq!(val(&evs[2], "DTEND"), "20231103");
    assert_eq!(val(&evs[2], "LOCATION"), "Hamm");
}

#[test]
fn keep_past_drops_old_events_and_drafts_stay_out() {
    let site = site();
    let text = site_feed(&site);
    let got = uids(&text);
    assert!(
        !got.iter().any(|u| u.starts_with("event-alt@")),
        "ended 2019, more than P2Y before 2023-07"
    );
    assert!(
        !got.iter().any(|u| u.starts_with("event-entwurf@")),
        "a draft"
    );
    assert!(got.contains(&"event-kongress@example.org/bildung".to_string()));
    // The same filter holds for a network's feed, even if a caller passes
    // every event it lists.
    let net = site.lookup(Kind::Network, "testnetz").unwrap();
    let all: Vec<usize> = site
        .entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.kind == Kind::Event)
        .map(|(i, _)| i)
        .collect();
    let text = calendar(&site, "x", &all, &|e| event_vevents(&site, e, ""));
    assert!(
        !uids(&text)
            .iter()
            .any(|u| u.starts_with("event-alt@") || u.starts_with("event-entwurf@"))
    );
    let listed = feed_events(&site, &site.links[net].events);
    assert!(!listed.is_empty());
    assert!(listed.iter().all(|&i| site.entries[i].id != "alt"));

    // Ten years later the 2022 events have left the feed too.
    let late = load(&fixture(), "2030-01-01T00:00:00Z");
    assert!(
        !uids(&site_feed(&late))
            .iter()
            .any(|u| u.starts_with("event-kongress@"))
    );
}

/// Writes every feed of the fixture (and of `TANDEM_ICS_SITE` if set) to
/// `TANDEM_ICS_OUT` for `check-ics`; without it, to a temporary folder.
#[test]
fn write_feeds_for_external_checks() {
    let scratch = common::Site::empty();
    let out = match std::env::var_os("TANDEM_ICS_OUT") {
        Some(p) => PathBuf::from(p),
        None => scratch.scratch().join("feeds"),
    };
    let mut roots = vec![("fixture".to_string(), fixture())];
    if let Some(extra) = std::env::var_os("TANDEM_ICS_SITE") {
        roots.push(("site".to_string(), PathBuf::from(extra)));
    }
    for (name, root) in roots {
        let site = load(&root, "2025-01-01T00:00:00Z");
        for (path, text) in all_files(&site) {
            check_lines(&text);
            parse(&text);
            write(&out.join(&name).join(path), &text);
        }
    }
    // Texts no author should write, through the whole event path.
    let mut site = site();
    let i = event(&site, "tagung");
    site.entries[i].title = "Bla\u{0}ck; \\ \"Tit,le\"\r\n👩‍👩‍👧 ß".repeat(6);
    site.entries[i].summary = Some("Zeile 1\r\nZeile 2\rZeile 3\u{c}\u{85} ;,:\\n".repeat(20));
    if let KindData::Event(ev) = &mut site.entries[i].data {
        ev.location = Some(Location {
            name: Some("Saal \"A\"; Köln, 1. OG\n😀".into()),
            ..Location::default()
        });
    }
    write(&out.join("fixture/odd-text.ics"), &ics_of(&site, "tagung"));

    // VTIMEZONEs of zones with unusual histories, each with one event.
    for (zone, first, last) in [
        ("Europe/Moscow", 2008, 2012),
        ("Pacific/Apia", 2009, 2013),
        ("Africa/Casablanca", 2018, 2024),
        ("Australia/Lord_Howe", 2024, 2025),
        ("America/Sao_Paulo", 2017, 2021),
        ("Asia/Kolkata", 2024, 2024),
        ("Asia/Gaza", 2022, 2024),
        ("Europe/Dublin", 2022, 2023),
    ] {
        let tz: chrono_tz::Tz = zone.parse().unwrap();
        let mut w = Writer::new();
        w.begin("VCALENDAR");
        w.line("VERSION", &[], "2.0");
        w.line("PRODID", &[], "-//tandem tests//EN");
        tandem::feeds::vtimezone::write(&mut w, tz, first..=last);
        w.begin("VEVENT");
        w.line("UID", &[], &format!("zone-{first}@example.org"));
        w.line("DTSTAMP", &[], "20250101T000000Z");
        w.line("DTSTART", &[("TZID", zone)], &format!("{first}0601T120000"));
        w.line(
            "RRULE",
            &[],
            &format!("FREQ=MONTHLY;UNTIL={last}1231T000000Z"),
        );
        w.text("SUMMARY", &[], zone);
        w.end("VEVENT");
        w.end("VCALENDAR");
        write(
            &out.join(format!("zones/{}.ics", zone.replace('/', "-"))),
            &w.finish(),
        );
    }
}

fn write(target: &Path, text: &str) {
    check_lines(text);
    parse(text);
    std::fs::create_dir_all(target.parent().unwrap()).unwrap();
    std::fs::write(target, text).unwrap();
}

#[test]
fn subscription_feeds_carry_the_start_of_a_long_text_and_event_ics_all_of_it() {
    let word = "Lernwerkstatt ";
    let body = word.repeat(100); // 1,400 characters
    let fx = scratch().file(
        "content/events/lang.md",
        &format!(
            "---\ntitle: Lange Beschreibung\nsummary: Kurz gesagt.\nnetworks: [testnetz]\nstart: 2027-05-04T10:00\nend: 2027-05-04T12:00\n---\n{body}\nSCHLUSSWORT\n"
        ),
    );
    fx.build_out(&[]).assert_ok();
    let description = |text: &str| {
        let (_, comps) = parse(text);
        let ev = vevents(&comps)
            .into_iter()
            .find(|e| val(e, "UID").starts_with("event-lang@"))
            .expect("the event is in the feed");
        val(&ev, "DESCRIPTION")
    };
    let url = "https://example.org/bildung/events/lang/";
    for feed in ["calendar.ics", "networks/testnetz/calendar.ics"] {
        let d = description(&fx.built(feed));
        let text = d.strip_prefix("Kurz gesagt.\n\n").expect(&d);
        let (start, end) = text.split_once("\n\n").expect(&d);
        assert_eq!(end, url, "{feed}: the address closes the description");
        assert!(
            start.ends_with("Lernwerkstatt…"),
            "{feed}: cut at a word: {start}"
        );
        let chars = start.chars().count();
        assert!((400..=501).contains(&chars), "{feed}: {chars} characters");
        assert!(!d.contains("SCHLUSSWORT"), "{feed}");
    }
    let whole = description(&fx.built("events/lang/event.ics"));
    assert!(whole.contains("Lernwerkstatt SCHLUSSWORT"), "{whole}");
    assert!(whole.chars().count() > 1400, "{whole}");
    assert!(whole.ends_with(url));

    // With sessions, event.ics has the whole text once, in the first
    // session's entry; the others carry its start, like the feeds.
    let fx = fx.file(
        "content/events/reihe.md",
        &format!(
            "---\ntitle: Reihe\nlocation: Köln\nsessions:\n  - {{ start: 2027-05-04T10:00 }}\n  - {{ start: 2027-05-11T10:00 }}\n  - {{ start: 2027-05-18T10:00 }}\n---\n{body}\nSCHLUSSWORT\n"
        ),
    );
    fx.build_out(&[]).assert_ok();
    let (_, comps) = parse(&fx.built("events/reihe/event.ics"));
    let texts: Vec<String> = vevents(&comps)
        .iter()
        .map(|e| val(e, "DESCRIPTION"))
        .collect();
    assert_eq!(texts.len(), 3);
    assert!(texts[0].contains("SCHLUSSWORT"), "{}", texts[0]);
    for t in &texts[1..] {
        assert!(
            !t.contains("SCHLUSSWORT") && t.contains("Lernwerkstatt…"),
            "{t}"
        );
        assert!(
            t.ends_with("https://example.org/bildung/events/reihe/"),
            "{t}"
        );
    }
}

fn feed_ids(text: &str) -> Vec<String> {
    let mut ids: Vec<String> = uids(text)
        .into_iter()
        .map(|u| {
            u.trim_start_matches("event-")
                .split('@')
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    ids.sort();
    ids
}

#[test]
fn over_budget_the_longest_past_events_leave_first() {
    // Three upcoming and four past events, five allowed: the two past
    // events that ended longest ago leave; no warning.
    let fx = common::Site::weekly_events("  max_events: 5\n", 3, 4);
    let run = fx.build_out(&[]);
    run.assert_ok();
    assert!(run.warnings().is_empty(), "{}", run.stderr);
    for feed in ["calendar.ics", "networks/netz/calendar.ics"] {
        assert_eq!(
            feed_ids(&fx.built(feed)),
            ["e000", "e001", "e002", "e003", "e004"],
            "{feed}"
        );
    }
    // Every event keeps its page and its own event.ics.
    assert!(fx.out().join("events/e006/event.ics").exists());
    // The page linking a feed says what it holds.
    let page = fx.page("networks/netz/index.html");
    let holds = common::select_all(&page, ".feed-holds");
    assert_eq!(holds.len(), 1);
    assert_eq!(
        holds[0].text().collect::<String>(),
        "This calendar holds the upcoming events and those of the past year, at most 5 events; older ones stay on this website."
    );
}

#[test]
fn upcoming_events_over_budget_warn_and_the_latest_leave() {
    let fx = common::Site::weekly_events("  max_events: 4\n  keep_past: P6M\n", 6, 2);
    let run = fx.build_out(&[]);
    run.assert_code(0);
    let warnings = run.warnings();
    assert_eq!(warnings.len(), 2, "{}", run.stderr);
    for feed in ["calendar.ics", "networks/netz/calendar.ics"] {
        assert!(
            warnings.iter().any(|w| w
                .message
                .contains(&format!("`{feed}` keeps 4 of its 6 upcoming events"))
                && w.message.contains("from 2026-12-29 on are left out")
                && w.path == "site.yaml"),
            "{feed}: {}",
            run.stderr
        );
        assert_eq!(
            feed_ids(&fx.built(feed)),
            ["e000", "e001", "e002", "e003"],
            "{feed}"
        );
    }
    assert!(
        fx.page("events/index.html")
            .html()
            .contains("those of the past 6 months, at most 4 events")
    );
    // `--deny-warnings` (CI) fails on it.
    fx.build_out(&["--deny-warnings"]).assert_code(1);

    // The byte budget holds as well, the file's head and end included.
    let fx = common::Site::weekly_events("  max_bytes: 10000\n", 40, 0);
    fx.build_out(&[]).assert_code(0);
    let text = fx.built("calendar.ics");
    assert!(text.len() <= 10_000, "{}", text.len());
    let kept = feed_ids(&text);
    assert!(kept.len() > 3 && kept.len() < 40, "{kept:?}");
    let want: Vec<String> = (0..kept.len()).map(|k| format!("e{k:03}")).collect();
    assert_eq!(kept, want, "the soonest stay");
}

// ---------------------------------------------------------------------------
// SEQUENCE, LAST-MODIFIED and calendar.lock (section 6)
// ---------------------------------------------------------------------------

/// `SOURCE_DATE_EPOCH` of a later build: 2026-11-20T12:00:00Z.
const LATER: &str = "1795176000";

/// (SEQUENCE, LAST-MODIFIED, STATUS) of the VEVENT of event `id` in the
/// built file `rel`, read with the `icalendar` parser; `None` when absent.
fn stamp_in(fx: &common::Site, rel: &str, id: &str) -> Option<(String, String, String)> {
    let (_, comps) = parse(&fx.built(rel));
    let prefix = format!("event-{id}@");
    vevents(&comps)
        .into_iter()
        .find(|e| val(e, "UID").starts_with(&prefix))
        .map(|e| {
            (
                val(&e, "SEQUENCE"),
                val(&e, "LAST-MODIFIED"),
                val(&e, "STATUS"),
            )
        })
}

const FEEDS: [&str; 2] = ["calendar.ics", "networks/netz/calendar.ics"];

#[test]
fn a_new_start_raises_sequence_everywhere_and_a_new_text_nothing() {
    let fx = common::Site::weekly_events("  keep_past: P1Y\n", 3, 1);
    fx.build_out(&[]).assert_ok();
    let lock = fx.read("calendar.lock");
    assert!(
        lock.contains("{\"uid\":\"event-e000@example.org\",\"sequence\":0,"),
        "{lock}"
    );
    let first = "20261118T110640Z"; // EPOCH
    for rel in FEEDS.iter().copied().chain(["events/e000/event.ics"]) {
        assert_eq!(
            stamp_in(&fx, rel, "e000"),
            Some(("0".into(), first.into(), "CONFIRMED".into())),
            "{rel}"
        );
    }

    // The text alone: neither changes, nor does the lock.
    fx.edit("content/events/e000.md", "Text.", "Ein neuer Text.");
    fx.build_out_at(LATER, &[]).assert_ok();
    assert_eq!(fx.read("calendar.lock"), lock);
    assert_eq!(stamp_in(&fx, "calendar.ics", "e000").unwrap().0, "0");
    assert_eq!(stamp_in(&fx, "calendar.ics", "e000").unwrap().1, first);

    // The start: one more everywhere, last modified by this build.
    fx.edit(
        "content/events/e000.md",
        "start: 2026-12-01T10:00",
        "start: 2026-12-01T09:00",
    );
    fx.build_out_at(LATER, &[]).assert_ok();
    for rel in FEEDS.iter().copied().chain(["events/e000/event.ics"]) {
        assert_eq!(
            stamp_in(&fx, rel, "e000"),
            Some(("1".into(), "20261120T120000Z".into(), "CONFIRMED".into())),
            "{rel}"
        );
        if rel.ends_with("calendar.ics") {
            assert_eq!(
                stamp_in(&fx, rel, "e001").unwrap().0,
                "0",
                "{rel}: the others stay"
            );
        }
    }
    // Built again: nothing changes (the lock holds the raised one).
    let lock = fx.read("calendar.lock");
    fx.build_out_at("1795200000", &[]).assert_ok();
    assert_eq!(fx.read("calendar.lock"), lock);
    assert_eq!(stamp_in(&fx, "calendar.ics", "e000").unwrap().0, "1");
    // A place or a title counts too.
    fx.edit("content/events/e001.md", "location: Köln", "location: Bonn");
    fx.edit(
        "content/events/e002.md",
        "title: Termin 2",
        "title: Termin zwei",
    );
    fx.build_out_at(LATER, &[]).assert_ok();
    assert_eq!(stamp_in(&fx, "calendar.ics", "e001").unwrap().0, "1");
    assert_eq!(stamp_in(&fx, "calendar.ics", "e002").unwrap().0, "1");
}

#[test]
fn a_removed_future_event_stays_cancelled_until_its_date() {
    let fx = common::Site::weekly_events("  keep_past: P1Y\n", 3, 1);
    fx.build_out(&[]).assert_ok();
    // e001 (2026-12-08) is deleted, e002 (2026-12-15) made a draft, e003
    // (past) deleted.
    fx.delete("content/events/e001.md");
    fx.edit(
        "content/events/e002.md",
        "title: Termin 2",
        "title: Termin 2\ndraft: true",
    );
    fx.delete("content/events/e003.md");
    fx.build_out_at(LATER, &[]).assert_ok();
    for rel in FEEDS {
        for id in ["e001", "e002"] {
            assert_eq!(
                stamp_in(&fx, rel, id),
                Some(("1".into(), "20261120T120000Z".into(), "CANCELLED".into())),
                "{rel}: {id}"
            );
        }
        assert_eq!(
            stamp_in(&fx, rel, "e003"),
            None,
            "{rel}: a past event just goes"
        );
    }
    assert!(!fx.out().join("events/e001/event.ics").exists());
    // The cancellation keeps its time, so clients strike the right date.
    let (_, comps) = parse(&fx.built("calendar.ics"));
    let gone = vevents(&comps)
        .into_iter()
        .find(|e| val(e, "UID").starts_with("event-e001@"))
        .unwrap();
    assert_eq!(val(&gone, "DTSTART"), "20261208T100000");
    assert_eq!(val(&gone, "SUMMARY"), "Termin 1");
    // Built again: raised once, not at every build.
    fx.build_out_at("1795200000", &[]).assert_ok();
    assert_eq!(stamp_in(&fx, "calendar.ics", "e001").unwrap().0, "1");
    // After its date it leaves the feeds; its UID stays in the lock.
    fx.build_out_at("1797000000", &[]).assert_ok();
    assert_eq!(stamp_in(&fx, "calendar.ics", "e001"), None);
    assert!(fx.read("calendar.lock").contains("event-e001@"));
    // The draft published again comes back above its cancellation.
    fx.edit("content/events/e002.md", "\ndraft: true", "");
    fx.edit("content/events/e002.md", "2026-12-15", "2027-01-15");
    fx.edit("content/events/e002.md", "2026-12-15", "2027-01-15");
    fx.build_out_at("1797000000", &[]).assert_ok();
    assert_eq!(
        stamp_in(&fx, "calendar.ics", "e002").map(|s| (s.0, s.2)),
        Some(("2".into(), "CONFIRMED".into()))
    );
}

#[test]
fn previews_check_drafts_and_other_addresses_never_write_the_lock() {
    let fx = common::Site::weekly_events("  keep_past: P1Y\n", 2, 0);
    fx.check().assert_ok();
    fx.build_out(&["--drafts"]).assert_ok();
    let mut engine = tandem::serve::incremental::Engine::new(fx.root(), Overrides::default());
    engine.full();
    assert!(!fx.path("calendar.lock").exists());
    fx.build_out(&[]).assert_ok();
    let lock = fx.read("calendar.lock");
    // A draft previewed with --drafts is not remembered, so leaving it out
    // later does not cancel it.
    fx.write(
        "content/events/entwurf.md",
        "---\ntitle: Entwurf\ndraft: true\nnetworks: [netz]\nlocation: Köln\nstart: 2027-02-01T10:00\n---\n",
    );
    fx.build_out(&["--drafts"]).assert_ok();
    assert!(stamp_in(&fx, "calendar.ics", "entwurf").is_some());
    assert_eq!(fx.read("calendar.lock"), lock);
    fx.build_out(&[]).assert_ok();
    assert_eq!(stamp_in(&fx, "calendar.ics", "entwurf"), None);
    assert_eq!(fx.read("calendar.lock"), lock);
    // A build for another address has other UIDs: it neither writes the
    // lock nor cancels the real calendar's events.
    fx.build_out(&["--base-url", "https://staging.example.net/"])
        .assert_ok();
    assert_eq!(fx.read("calendar.lock"), lock);
    let text = fx.built("calendar.ics");
    assert!(!text.contains("CANCELLED"), "{text}");
    assert!(text.contains("event-e000@staging.example.net"), "{text}");
}

#[test]
fn locked_fails_when_the_lock_would_change_and_leaves_the_output() {
    let fx = common::Site::weekly_events("  keep_past: P1Y\n", 2, 0);
    // No lock yet.
    let run = fx.build_out(&["--locked"]);
    run.assert_code(1);
    assert!(run.stderr.contains("calendar.lock"), "{}", run.stderr);
    assert!(!fx.out().exists() && !fx.path("calendar.lock").exists());

    fx.build_out(&[]).assert_ok();
    fx.build_out(&["--locked"]).assert_ok();
    let lock = fx.read("calendar.lock");
    let before = common::Snapshot::of(&fx.out());
    fx.edit(
        "content/events/e000.md",
        "start: 2026-12-01T10:00",
        "start: 2026-12-02T10:00",
    );
    let run = fx.build_out(&["--locked"]);
    run.assert_code(1);
    assert!(
        run.stderr.contains("calendar.lock:1:1: error:") && run.stderr.contains("`--locked`"),
        "{}",
        run.stderr
    );
    assert_eq!(fx.read("calendar.lock"), lock);
    let after = common::Snapshot::of(&fx.out());
    assert!(
        before == after,
        "the output changed: {}",
        before.diff(&after)
    );
    // A text edit does not change the lock: --locked builds it.
    fx.edit(
        "content/events/e000.md",
        "start: 2026-12-02T10:00",
        "start: 2026-12-01T10:00",
    );
    fx.edit("content/events/e000.md", "Text.", "Anderer Text.");
    fx.build_out(&["--locked"]).assert_ok();
}

#[test]
fn two_fresh_clones_with_the_committed_lock_build_the_same_bytes() {
    let fx = common::Site::weekly_events("  keep_past: P1Y\n", 3, 1);
    let git = |dir: &Path, args: &[&str]| {
        let out = std::process::Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.org"])
            .args(args)
            .current_dir(dir)
            .output()
            .expect("git");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    fx.build_out(&[]).assert_ok();
    fx.edit(
        "content/events/e000.md",
        "start: 2026-12-01T10:00",
        "start: 2026-12-01T11:00",
    );
    fx.delete("content/events/e001.md");
    fx.build_out_at(LATER, &[]).assert_ok();
    std::fs::remove_dir_all(fx.out()).unwrap();
    git(fx.root(), &["init", "-q"]);
    git(fx.root(), &["add", "."]);
    git(fx.root(), &["commit", "-qm", "site"]);
    let mut outs = Vec::new();
    for n in 0..2 {
        let clone = fx.scratch().join(format!("clone{n}"));
        git(
            fx.scratch(),
            &[
                "clone",
                "-q",
                &fx.root().to_string_lossy(),
                &clone.to_string_lossy(),
            ],
        );
        let out = fx.scratch().join(format!("out{n}"));
        fx.build_root_at(&clone, &out, "1795200000", &["--locked"])
            .assert_ok();
        outs.push(common::Snapshot::of(&out));
        let text = std::fs::read_to_string(out.join("calendar.ics")).unwrap();
        assert!(text.contains("SEQUENCE:1"), "{text}");
    }
    assert!(
        outs[0] == outs[1],
        "two clones differ: {}",
        outs[0].diff(&outs[1])
    );
    assert!(outs[0].files() > 10);
}
