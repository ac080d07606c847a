//! The default theme, seen from outside: sites built with the `tandem`
//! binary, read with `scraper` (no browser), and the browser tests of
//! `tests/browser/run.mjs` (axe-core, local-only requests, moving past,
//! listing filter). The browser tests need node, Debian's chromium and the
//! npm packages, so they are `#[ignore]`d: `cargo test -- --include-ignored`
//! runs them (as CI does) and fails when a tool is missing.

mod common;
use common::{Site, select_all};

use scraper::{Html, Selector};
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The browser tests' fixture site (written in English) in `language`.
fn fixture(language: &str) -> Site {
    Site::copy_of("tests/browser/fixture").language(language)
}

/// [`fixture`] built into its output folder.
fn built_fixture(language: &str) -> Site {
    built_fixture_with(language, &[])
}

/// [`built_fixture`] with `files` (path below the site, text) added.
fn built_fixture_with(language: &str, files: &[(&str, &str)]) -> Site {
    let mut site = fixture(language);
    for (rel, text) in files {
        site = site.file(rel, text);
    }
    site.build_out(&[]).assert_ok();
    site
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

fn texts(doc: &Html, s: &str) -> Vec<String> {
    doc.select(&sel(s))
        .map(|e| e.text().collect::<String>().trim().to_string())
        .collect()
}

fn attrs(doc: &Html, s: &str, attr: &str) -> Vec<String> {
    doc.select(&sel(s))
        .filter_map(|e| e.value().attr(attr).map(str::to_string))
        .collect()
}

fn html_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for item in std::fs::read_dir(dir).unwrap() {
        let path = item.unwrap().path();
        if path.is_dir() {
            html_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "html") {
            found.push(path);
        }
    }
}

#[test]
fn english_site_has_lang_and_dates_in_words() {
    let site = built_fixture("en");
    let mut files = Vec::new();
    html_files(&site.out(), &mut files);
    assert!(files.len() > 15, "only {} pages", files.len());
    for f in &files {
        let doc = Html::parse_document(&std::fs::read_to_string(f).unwrap());
        assert_eq!(
            attrs(&doc, "html", "lang"),
            vec!["en".to_string()],
            "{}",
            f.display()
        );
    }
    let ev = site.page("events/evening-talk/index.html");
    let when = texts(&ev, ".fact-when time");
    assert_eq!(when, vec!["Wednesday, 6 April 2022, 18:00–20:00"]);
    assert_eq!(
        attrs(&ev, ".fact-when time", "datetime"),
        vec!["2022-04-06T18:00+02:00"]
    );
    // A series: its rule in words and its next dates.
    let series = site.page("events/online-series/index.html");
    assert_eq!(
        texts(&series, ".rule"),
        vec!["4 dates, on Wednesdays, 3–24 February 2027"]
    );
    assert_eq!(texts(&series, ".next-dates li").len(), 4);
    // A multi-day all-day event in a list, kept short.
    let home = site.page("index.html");
    let whens = texts(&home, ".event-card .when");
    assert!(
        whens.iter().any(|w| w == "4–5 March 2027"),
        "home dates: {whens:?}"
    );
    assert_eq!(texts(&home, "h1"), vec!["Learning together in the region"]);
}

#[test]
fn german_site_has_dates_in_words() {
    let site = built_fixture("de");
    let ev = site.page("events/evening-talk/index.html");
    assert_eq!(attrs(&ev, "html", "lang"), vec!["de"]);
    assert_eq!(
        texts(&ev, ".fact-when time"),
        vec!["Mittwoch, 6. April 2022, 18:00–20:00 Uhr"]
    );
    let series = site.page("events/weekly-clinic/index.html");
    assert_eq!(
        texts(&series, ".rule"),
        vec!["5 Termine, mittwochs, 4. Mai – 8. Juni 2022"]
    );
    assert_eq!(texts(&series, ".skipped"), vec!["Entfällt am 25. Mai 2022"]);
    let full = site.page("events/spring-forum/index.html");
    assert!(texts(&full, "h1 .badge").contains(&"ausgebucht".to_string()));
    let cancelled = site.page("events/cancelled-meeting/index.html");
    assert!(texts(&cancelled, "h1 .badge").contains(&"abgesagt".to_string()));
}

#[test]
fn total_css_stays_under_30_kb() {
    let site = built_fixture("en");
    let mut total = 0;
    let mut stack = vec![site.out()];
    while let Some(dir) = stack.pop() {
        for item in std::fs::read_dir(dir).unwrap() {
            let path = item.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "css") {
                total += std::fs::metadata(&path).unwrap().len();
            }
        }
    }
    assert!(total > 0, "no CSS");
    assert!(total < 30 * 1024, "CSS is {total} bytes");
}

/// The schema.org `Event` of an event page, as written and parsed.
fn json_ld(site: &Site, rel: &str) -> (String, serde_json::Value) {
    let doc = site.page(rel);
    let scripts = texts(&doc, r#"script[type="application/ld+json"]"#);
    assert_eq!(scripts.len(), 1, "{rel}");
    let value = serde_json::from_str(&scripts[0]).unwrap_or_else(|e| panic!("{rel}: {e}"));
    (scripts[0].clone(), value)
}

#[test]
fn event_pages_describe_the_event_for_search_engines() {
    let site = built_fixture("en");
    // A place and an online link: mixed attendance, two locations.
    let (_, both) = json_ld(&site, "events/two-day-conference/index.html");
    assert_eq!(both["@type"], "Event");
    assert_eq!(
        both["eventAttendanceMode"],
        "https://schema.org/MixedEventAttendanceMode"
    );
    assert_eq!(both["startDate"], "2027-03-04");
    assert_eq!(both["endDate"], "2027-03-05");
    assert_eq!(both["location"][0]["@type"], "Place");
    assert_eq!(both["location"][0]["name"], "Congress Centre");
    assert_eq!(
        both["location"][0]["address"]["addressLocality"],
        "Frankfurt am Main"
    );
    // No street given: no `streetAddress`, and no empty values anywhere.
    assert!(
        both["location"][0]["address"]
            .get("streetAddress")
            .is_none()
    );
    assert_eq!(both["location"][1]["@type"], "VirtualLocation");
    assert_eq!(
        both["location"][1]["url"],
        "https://example.org/online/conference"
    );
    assert_eq!(both["organizer"].as_array().map(Vec::len), Some(2));
    assert!(
        !serde_json::to_string(&both)
            .unwrap_or_default()
            .contains("null")
    );
    // Moved online: its status, one virtual location, no description.
    let (_, moved) = json_ld(&site, "events/moved-online/index.html");
    assert_eq!(moved["eventStatus"], "https://schema.org/EventMovedOnline");
    assert_eq!(moved["location"]["@type"], "VirtualLocation");
    assert!(moved.get("description").is_none());
    assert_eq!(moved["startDate"], "2027-05-20T09:00+02:00");
    // On site only.
    let (_, on_site) = json_ld(&site, "events/winter-workshop/index.html");
    assert_eq!(
        on_site["eventAttendanceMode"],
        "https://schema.org/OfflineEventAttendanceMode"
    );
    assert_eq!(
        on_site["location"]["address"]["streetAddress"],
        "College Road 5"
    );
    assert_eq!(
        on_site["url"],
        "https://example.org/events/winter-workshop/"
    );
}

#[test]
fn json_ld_cannot_end_its_script_block() {
    let site = built_fixture_with(
        "en",
        &[(
            "content/events/script-title.md",
            "---\ntitle: \"Closing </script> tags\"\nsummary: \"</script><b>x</b>\"\nstart: 2027-01-10T10:00\nlocation: { name: Hall, city: Köln, lat: 50.94, lon: 6.96 }\n---\nText.\n",
        )],
    );
    let (text, v) = json_ld(&site, "events/script-title/index.html");
    assert!(!text.contains('<') && !text.contains('>'), "{text}");
    assert!(text.contains("\\u003c/script\\u003e"), "{text}");
    assert_eq!(v["name"], "Closing </script> tags");
    assert_eq!(v["location"]["geo"]["@type"], "GeoCoordinates");
    assert_eq!(v["location"]["geo"]["latitude"], 50.94);
}

/// `<!--<script>` inside a script block makes an HTML parser read on
/// past `</script>`: with only `</` escaped, the rest of the page became
/// part of the JSON-LD.
#[test]
fn json_ld_cannot_swallow_the_rest_of_the_page() {
    let title = "Kommentar <!--<script> Test & mehr";
    let site = built_fixture_with(
        "en",
        &[(
            "content/events/comment-title.md",
            &format!(
                "---\ntitle: \"{title}\"\nstart: 2027-01-10T10:00\nlocation: Köln\n---\nText.\n"
            ),
        )],
    );
    let (text, v) = json_ld(&site, "events/comment-title/index.html");
    assert_eq!(v["name"], title);
    assert!(
        text.contains("Kommentar \\u003c!--\\u003cscript\\u003e Test \\u0026 mehr"),
        "{text}"
    );
    // The page after the script block is still the page.
    let doc = site.page("events/comment-title/index.html");
    assert_eq!(texts(&doc, "main h1"), vec![title.to_string()]);
    assert_eq!(texts(&doc, "footer .footer-title").len(), 1);
    assert_eq!(attrs(&doc, "script[src]", "src").len(), 1);
}

/// Where an event happens (content format §3): a name next to an online
/// link only labels the meeting; an event that moved online is not shown
/// at its old place; the attendance mode follows, per session too.
#[test]
fn online_events_have_no_place_and_moved_online_leaves_the_old_one() {
    let site = built_fixture_with(
        "en",
        &[
            (
                "content/events/zoom-talk.md",
                "---\ntitle: Zoom talk\nstart: 2027-02-03T18:00\nlocation: { name: Zoom, online: \"https://zoom.example.org/j/1\" }\n---\nText.\n",
            ),
            (
                "content/events/moved-hall.md",
                "---\ntitle: Moved from the hall\nstart: 2027-02-04T18:00\nstatus: moved-online\nlocation: { name: Town Hall, address: Main Street 1, city: Bonn, online: \"https://meet.example.org/m\" }\n---\nText.\n",
            ),
            (
                "content/events/mixed-sessions.md",
                "---\ntitle: Mixed sessions\nlocation: Dortmund\nsessions:\n  - { start: 2027-02-05T10:00, end: 2027-02-05T12:00 }\n  - { start: 2027-02-12T10:00, end: 2027-02-12T12:00, location: { name: Webex, online: \"https://webex.example.org/s\" } }\n  - { start: 2027-02-19T10:00, end: 2027-02-19T12:00, status: moved-online }\n---\nText.\n",
            ),
        ],
    );
    // Online only: no map, the link labelled with the meeting's name.
    let zoom = site.page("events/zoom-talk/index.html");
    assert!(attrs(&zoom, "a.map-link", "href").is_empty());
    assert_eq!(
        attrs(&zoom, ".fact-where a.online-link", "href"),
        vec!["https://zoom.example.org/j/1"]
    );
    assert_eq!(
        texts(&zoom, ".fact-where a.online-link"),
        vec!["Join online (Zoom)"]
    );
    let (_, v) = json_ld(&site, "events/zoom-talk/index.html");
    assert_eq!(
        v["eventAttendanceMode"],
        "https://schema.org/OnlineEventAttendanceMode"
    );
    assert_eq!(v["location"]["@type"], "VirtualLocation");
    assert_eq!(v["location"]["url"], "https://zoom.example.org/j/1");
    // Its card says "Online", not "Zoom".
    let listing = site.page("events/index.html");
    let zoom_card: Vec<String> = listing
        .select(&sel(".event-card"))
        .filter(|c| c.text().any(|t| t.contains("Zoom talk")))
        .filter_map(|c| c.value().attr("data-place").map(str::to_string))
        .collect();
    assert_eq!(zoom_card, vec!["Online"]);

    // Moved online: the old place is not where it happens.
    let moved = site.page("events/moved-hall/index.html");
    let where_ = texts(&moved, ".fact-where dd");
    assert_eq!(where_.len(), 1);
    assert!(!where_[0].contains("Town Hall"), "{where_:?}");
    assert!(attrs(&moved, "a.map-link", "href").is_empty());
    assert_eq!(
        attrs(&moved, ".fact-where a.online-link", "href"),
        vec!["https://meet.example.org/m"]
    );
    let (_, v) = json_ld(&site, "events/moved-hall/index.html");
    assert_eq!(v["eventStatus"], "https://schema.org/EventMovedOnline");
    assert_eq!(
        v["eventAttendanceMode"],
        "https://schema.org/OnlineEventAttendanceMode"
    );
    assert_eq!(v["location"]["@type"], "VirtualLocation");
    assert_eq!(v["location"]["url"], "https://meet.example.org/m");

    // Sessions: each its own Event with its own place and mode; a plain
    // place is the address.
    let (_, v) = json_ld(&site, "events/mixed-sessions/index.html");
    let events = v.as_array().expect("one Event per session");
    assert_eq!(events.len(), 3);
    assert_eq!(events[0]["startDate"], "2027-02-05T10:00+01:00");
    assert_eq!(events[0]["endDate"], "2027-02-05T12:00+01:00");
    assert_eq!(
        events[0]["eventAttendanceMode"],
        "https://schema.org/OfflineEventAttendanceMode"
    );
    assert_eq!(events[0]["location"]["@type"], "Place");
    assert_eq!(events[0]["location"]["address"], "Dortmund");
    assert_eq!(
        events[1]["eventAttendanceMode"],
        "https://schema.org/OnlineEventAttendanceMode"
    );
    assert_eq!(events[1]["location"]["url"], "https://webex.example.org/s");
    assert_eq!(
        events[2]["eventStatus"],
        "https://schema.org/EventMovedOnline"
    );
    assert_eq!(
        events[2]["eventAttendanceMode"],
        "https://schema.org/OnlineEventAttendanceMode"
    );
    assert_eq!(events[2]["location"]["@type"], "VirtualLocation");
    let sessions = site.page("events/mixed-sessions/index.html");
    assert_eq!(
        attrs(&sessions, ".sessions a.online-link", "href"),
        vec!["https://webex.example.org/s"]
    );
}

/// A series is one Event per date, not one event from the first start to
/// the last end; every place has an address; pages without a summary get
/// a meta description from their text.
#[test]
fn json_ld_of_a_series_and_meta_descriptions() {
    let body = "Wir treffen uns jede Woche, um über Werkzeuge, Methoden und Erfahrungen \
                aus der digitalen Bildungsarbeit zu sprechen. Neue Gäste sind immer willkommen, \
                auch ohne Vorwissen.";
    let site = built_fixture_with(
        "en",
        &[(
            "content/events/weekly-round.md",
            &format!(
                "---\ntitle: Weekly round\nstart: 2027-03-03T17:00\nend: 2027-03-03T18:00\nrecurrence: FREQ=WEEKLY;COUNT=5\nexdates: [2027-03-17]\nlocation: Dortmund\n---\n## Worum es geht\n\n{body}\n"
            ),
        )],
    );
    let (_, v) = json_ld(&site, "events/weekly-round/index.html");
    let events = v.as_array().expect("one Event per date");
    let starts: Vec<&str> = events
        .iter()
        .filter_map(|e| e["startDate"].as_str())
        .collect();
    // The skipped date is left out; summer time begins on 28 March.
    assert_eq!(
        starts,
        [
            "2027-03-03T17:00+01:00",
            "2027-03-10T17:00+01:00",
            "2027-03-24T17:00+01:00",
            "2027-03-31T17:00+02:00"
        ]
    );
    for e in events {
        assert_eq!(e["@context"], "https://schema.org");
        assert_eq!(e["@type"], "Event");
        assert_eq!(e["name"], "Weekly round");
        assert_eq!(e["location"]["address"], "Dortmund");
    }
    assert_eq!(events[3]["endDate"], "2027-03-31T18:00+02:00");
    // Every place of the fixture has an address.
    let mut files = Vec::new();
    html_files(&site.out().join("events"), &mut files);
    let mut places = 0;
    for f in files.iter().filter(|f| f.ends_with("index.html")) {
        let rel = f
            .strip_prefix(site.out())
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let doc = site.page(&rel);
        for script in texts(&doc, r#"script[type="application/ld+json"]"#) {
            let v: serde_json::Value = serde_json::from_str(&script).unwrap();
            let all = v.as_array().cloned().unwrap_or_else(|| vec![v.clone()]);
            for e in all {
                let locs = e["location"]
                    .as_array()
                    .cloned()
                    .unwrap_or_else(|| vec![e["location"].clone()]);
                for l in locs.iter().filter(|l| l["@type"] == "Place") {
                    places += 1;
                    assert!(!l["address"].is_null(), "{rel}: {l}");
                }
            }
        }
    }
    assert!(places > 5, "{places}");
    // No summary: the start of the text, cut at a word.
    let doc = site.page("events/weekly-round/index.html");
    let meta = attrs(&doc, r#"meta[name="description"]"#, "content");
    assert_eq!(meta.len(), 1);
    assert!(
        meta[0].starts_with("Wir treffen uns jede Woche, um über Werkzeuge"),
        "{meta:?}"
    );
    assert!(
        meta[0].ends_with("Neue Gäste sind immer willkommen…"),
        "{meta:?}"
    );
    assert!(meta[0].chars().count() <= 155, "{meta:?}");
    // With a summary: the summary.
    let doc = site.page("events/weekly-clinic/index.html");
    assert_eq!(
        attrs(&doc, r#"meta[name="description"]"#, "content"),
        vec!["Questions about digital tools, every Wednesday."]
    );
}

/// The texts of `.when` and `.more` of the event cards titled `title` on a page.
fn card_when(doc: &Html, title: &str) -> Vec<(String, String)> {
    doc.select(&sel(".event-card"))
        .filter(|c| {
            c.select(&sel(".event-title"))
                .any(|t| t.text().collect::<String>().trim() == title)
        })
        .map(|c| {
            let text = |s: &str| {
                c.select(&sel(s))
                    .map(|e| e.text().collect::<String>())
                    .collect::<String>()
            };
            (text(".when"), text(".more"))
        })
        .collect()
}

/// Lists show the zone of times in another zone than the site's, and a
/// past series as the span of its dates (filed under its last date).
#[test]
fn lists_show_foreign_zones_and_the_span_of_past_series() {
    let ny = (
        "content/events/ny-call.md",
        "---\ntitle: New York call\nnetworks: [north-network]\nstart: 2026-11-25T11:00\nend: 2026-11-25T12:30\ntimezone: America/New_York\nlocation: { online: \"https://meet.example.org/ny\" }\n---\n",
    );
    for (lang, ny_when, clinic_when, clinic_more) in [
        (
            "en",
            "25 November 2026, 11:00–12:30 (America/New_York)",
            "4 May – 8 June 2022",
            "5 dates",
        ),
        (
            "de",
            "25. November 2026, 11:00–12:30 Uhr (America/New_York)",
            "4. Mai – 8. Juni 2022",
            "5 Termine",
        ),
    ] {
        let site = built_fixture_with(lang, &[ny]);
        for rel in [
            "index.html",
            "events/index.html",
            "networks/north-network/index.html",
        ] {
            let doc = site.page(rel);
            assert_eq!(
                card_when(&doc, "New York call"),
                vec![(ny_when.to_string(), String::new())],
                "{lang} {rel}"
            );
        }
        // Events in the site's zone say none.
        let doc = site.page("index.html");
        let whens = texts(&doc, ".event-card .when");
        assert!(whens.len() > 3);
        assert_eq!(
            whens.iter().filter(|w| w.contains('(')).count(),
            1,
            "{whens:?}"
        );
        // The weekly clinic (May and June 2022) is filed under its last
        // date and shows all its dates' span.
        for rel in [
            "events/archive/2022/index.html",
            "projects/alpha-project/index.html",
        ] {
            let doc = site.page(rel);
            assert_eq!(
                card_when(&doc, "Weekly online clinic"),
                vec![(clinic_when.to_string(), clinic_more.to_string())],
                "{lang} {rel}"
            );
        }
        let archive = site.page("events/archive/2022/index.html");
        assert_eq!(
            attrs(&archive, ".month[data-month]", "data-month")
                .into_iter()
                .filter(|m| m == "2022-06")
                .count(),
            1
        );
    }
}

#[test]
fn event_pages_show_place_registration_calendar_and_relations() {
    let site = built_fixture("en");
    // Upcoming, with registration: the button carries its end for tandem.js.
    let up = site.page("events/winter-workshop/index.html");
    assert_eq!(
        attrs(&up, "a.js-registration", "href"),
        vec!["https://example.org/register/winter-workshop"]
    );
    assert_eq!(
        attrs(&up, "a.js-registration", "data-ends"),
        vec!["2026-12-02T15:00:00Z"]
    );
    assert_eq!(
        attrs(&up, ".actions a[download]", "href"),
        vec!["/events/winter-workshop/event.ics"]
    );
    assert_eq!(
        texts(&up, ".related-project a"),
        vec!["Alpha Project".to_string()]
    );
    assert_eq!(
        texts(&up, ".related-organizers a"),
        vec!["North College".to_string()]
    );
    assert_eq!(
        texts(&up, ".related-networks a"),
        vec!["North Network".to_string()]
    );
    assert_eq!(attrs(&up, ".js-past-notice[hidden]", "class").len(), 1);
    // Past: no registration button, the notice shows; the place links to OpenStreetMap.
    let past = site.page("events/evening-talk/index.html");
    assert!(attrs(&past, ".js-registration", "href").is_empty());
    assert_eq!(
        attrs(&past, ".js-past-notice:not([hidden])", "class").len(),
        1
    );
    let osm = attrs(&past, "a.map-link", "href");
    assert_eq!(osm.len(), 1);
    assert!(
        osm[0].starts_with("https://www.openstreetmap.org/?mlat=50.9375&mlon=6.9603"),
        "{osm:?}"
    );
    // Booked out and cancelled: a badge, no registration button.
    let full = site.page("events/spring-forum/index.html");
    assert!(texts(&full, "h1 .badge").contains(&"booked out".to_string()));
    assert!(attrs(&full, ".js-registration", "href").is_empty());
    // Sessions: each its own date, the second with its own place and status.
    let sessions = site.page("events/workshop-sessions/index.html");
    let items = texts(&sessions, ".sessions li");
    assert_eq!(items.len(), 2, "{items:?}");
    assert!(items[1].contains("Bonn") && items[1].contains("postponed"));
    // Online and hybrid.
    let hybrid = site.page("events/two-day-conference/index.html");
    assert_eq!(
        attrs(&hybrid, "a.online-link", "href"),
        vec!["https://example.org/online/conference"]
    );
    assert!(texts(&hybrid, ".fact-when time")[0].contains("4 March 2027"));
}

#[test]
fn feeds_are_linked_twice_on_network_partner_project_home_and_events() {
    let site = built_fixture("en");
    for (rel, feed) in [
        (
            "networks/north-network/index.html",
            "networks/north-network/calendar.ics",
        ),
        (
            "partners/third-org/index.html",
            "partners/third-org/calendar.ics",
        ),
        (
            "projects/beta-project/index.html",
            "projects/beta-project/calendar.ics",
        ),
        ("index.html", "calendar.ics"),
        ("events/index.html", "calendar.ics"),
    ] {
        let doc = site.page(rel);
        let links = attrs(&doc, "main .subscribe a.button", "href");
        assert_eq!(
            links,
            vec![
                format!("webcal://example.org/{feed}"),
                format!("https://example.org/{feed}")
            ],
            "{rel}"
        );
        // And through the web calendars' own subscribe pages.
        let google = attrs(&doc, "main .subscribe a.subscribe-google", "href");
        let outlook = attrs(&doc, "main .subscribe a.subscribe-outlook", "href");
        assert_eq!(
            param(&query(&google[0]), "cid"),
            Some(format!("webcal://example.org/{feed}")),
            "{rel}"
        );
        assert_eq!(
            param(&query(&outlook[0]), "url"),
            Some(format!("https://example.org/{feed}")),
            "{rel}"
        );
    }
}

#[test]
fn project_network_and_partner_pages_show_their_relations() {
    let site = built_fixture("en");
    let p = site.page("projects/alpha-project/index.html");
    assert_eq!(
        texts(&p, ".fact-period dd"),
        vec!["1 January 2022 – 31 December 2027"]
    );
    assert_eq!(
        texts(&p, ".fact-funding dd"),
        vec!["Example Foundation, European Social Fund Plus"]
    );
    // The funders' acknowledgements, the ESF Plus one with the EU's line.
    assert_eq!(
        texts(&p, ".funder-statement"),
        vec![
            "Funded by the Example Foundation (fictitious).",
            "This project shows how an ESF Plus acknowledgement looks."
        ]
    );
    assert_eq!(
        texts(&p, ".funder-eu"),
        vec!["Co-funded by the European Union"]
    );
    assert_eq!(texts(&p, ".related-lead a"), vec!["North College"]);
    assert_eq!(
        texts(&p, ".related-partners a"),
        vec!["South Agency", "Third Organisation"]
    );
    assert_eq!(texts(&p, ".related-networks a"), vec!["North Network"]);
    let upcoming = texts(&p, ".events-upcoming .event-title");
    let past = texts(&p, ".events-past .event-title");
    assert_eq!(
        upcoming,
        vec!["Winter workshop", "Workshop in two sessions"]
    );
    assert_eq!(
        past,
        vec!["Weekly online clinic", "Evening talk on digital learning"]
    );
    assert_eq!(
        texts(&p, ".related-posts h3"),
        vec!["Alpha halfway through"]
    );
    let beta = site.page("projects/beta-project/index.html");
    assert_eq!(
        texts(&beta, ".fact-period dd"),
        vec!["since 1 January 2026"]
    );
    // No past events yet: the past section is there, hidden, for tandem.js.
    assert_eq!(attrs(&beta, "#past[data-past][hidden]", "id").len(), 1);

    let n = site.page("networks/north-network/index.html");
    assert_eq!(texts(&n, ".related-partners h3"), vec!["North College"]);
    assert_eq!(texts(&n, ".related-projects h3"), vec!["Alpha Project"]);
    let events = texts(&n, ".events-upcoming .event-title");
    assert_eq!(
        events,
        vec![
            "Winter workshop",
            "Two-day conference",
            "Workshop in two sessions",
            "Annual conference 2028"
        ]
    );

    let partner = site.page("partners/north-college/index.html");
    assert_eq!(
        attrs(&partner, "img.logo", "alt"),
        vec!["North College logo"]
    );
    assert_eq!(
        attrs(&partner, "img.logo", "src"),
        vec!["/img/north-college.svg"]
    );
    assert_eq!(
        texts(&partner, ".related-networks a"),
        vec!["North Network"]
    );
}

#[test]
fn events_listing_groups_by_month_and_carries_filter_data() {
    let site = built_fixture("en");
    let doc = site.page("events/index.html");
    assert_eq!(
        texts(&doc, "[data-upcoming] .month-heading"),
        vec![
            "December 2026",
            "January 2027",
            "February 2027",
            "March 2027",
            "April 2027",
            "May 2027",
            "September 2027",
            "February 2028"
        ]
    );
    assert_eq!(
        texts(&doc, "[data-past] .month-heading"),
        vec!["June 2022", "April 2022"]
    );
    assert_eq!(
        attrs(&doc, "form[data-filter][hidden] select", "name"),
        vec!["network", "project", "place"]
    );
    for card in select_all(&doc, ".event-card") {
        let v = card.value();
        assert!(v.attr("data-ends").is_some_and(|e| e.ends_with('Z')));
        assert!(v.attr("data-networks").is_some());
        assert!(v.attr("data-project").is_some());
        assert!(v.attr("data-place").is_some());
    }
    assert_eq!(
        attrs(&doc, "nav.archive a", "href"),
        vec!["/events/archive/2022/"]
    );
    let archive = site.page("events/archive/2022/index.html");
    assert_eq!(texts(&archive, "h1"), vec!["Events 2022"]);
}

#[test]
fn pages_have_landmarks_skip_link_alt_text_and_no_foreign_resources() {
    let site = built_fixture("en");
    let mut files = Vec::new();
    html_files(&site.out(), &mut files);
    // How often each per-page check found something to look at, over all pages.
    let mut images = 0;
    let mut loaded = [0; 4];
    for f in files {
        let doc = Html::parse_document(&std::fs::read_to_string(&f).unwrap());
        let name = f.display().to_string();
        if !attrs(&doc, "meta[http-equiv=refresh]", "content").is_empty() {
            continue; // an alias page
        }
        assert_eq!(doc.select(&sel("h1")).count(), 1, "{name}");
        if name.contains("/out/embed/") {
            // Shown inside other sites' pages: a main landmark and a
            // heading, but no site header, footer or skip link (its
            // own checks are in tests/found.rs).
            assert_eq!(doc.select(&sel("body > main")).count(), 1, "{name}");
            assert!(
                doc.select(&sel("body > header, a.skip-link"))
                    .next()
                    .is_none(),
                "{name}"
            );
            continue;
        }
        assert_eq!(doc.select(&sel("main#main")).count(), 1, "{name}");
        assert_eq!(doc.select(&sel("body > header")).count(), 1, "{name}");
        assert_eq!(doc.select(&sel("body > footer")).count(), 1, "{name}");
        assert_eq!(attrs(&doc, "a.skip-link", "href"), vec!["#main"], "{name}");
        for img in doc.select(&sel("img")) {
            images += 1;
            let alt = img.value().attr("alt");
            // A logo on a card stands beside the partner's name, which its
            // text would only repeat: it is marked decorative (`alt=""`).
            let decorative = img.value().classes().any(|c| c == "card-logo") && alt == Some("");
            assert!(
                decorative || !alt.unwrap_or("").trim().is_empty(),
                "{name}: an image without alt text"
            );
        }
        for (k, (s, a)) in [
            ("link[rel~=stylesheet]", "href"),
            ("link[rel~=icon]", "href"),
            ("script[src]", "src"),
            ("img", "src"),
        ]
        .into_iter()
        .enumerate()
        {
            for u in attrs(&doc, s, a) {
                loaded[k] += 1;
                assert!(
                    u.starts_with('/') && !u.starts_with("//"),
                    "{name}: {s} loads {u}"
                );
            }
        }
        assert!(
            doc.select(&sel("link[rel~=preconnect], link[rel~=dns-prefetch]"))
                .next()
                .is_none(),
            "{name}"
        );
    }
    assert!(images > 0, "no page has an image");
    assert!(loaded.iter().all(|&n| n > 0), "{loaded:?}");
    let css = site.built("style.css");
    assert!(
        !css.contains("@import") && !css.contains("url("),
        "style.css loads something"
    );
    let post = site.page("posts/alpha-news/index.html");
    assert_eq!(
        attrs(&post, "img.hero-image", "alt"),
        vec!["Drawing of people around a table"]
    );
}

#[test]
fn a_site_overrides_one_template() {
    // The example of docs/theme.md.
    let site = built_fixture_with(
        "en",
        &[(
            "templates/page.html",
            r#"{% extends "base.html" %}
{% block title %}{{ entry.title }} – {{ site.title }}{% endblock title %}
{% block content %}
<article class="entry page">
  <h1>{{ entry.title }}</h1>
  <p class="updated-note">{{ t.updated }}: {{ entry.updated or "–" }}</p>
  <div class="prose">{{ entry.content | safe }}</div>
</article>
{% endblock content %}
"#,
        )],
    );
    let about = site.page("about/index.html");
    assert_eq!(texts(&about, ".updated-note"), vec!["updated: –"]);
    // Every other template is still the theme's.
    let home = site.page("index.html");
    assert_eq!(home.select(&sel(".event-card:not([hidden])")).count(), 8);
}

#[test]
fn base_path_is_honoured_by_theme_links() {
    let site = fixture("en");
    site.build_out(&["--base-url", "https://example.org/sub/"])
        .assert_ok();
    let doc = site.page("events/winter-workshop/index.html");
    for (s, a) in [
        ("link[rel~=stylesheet]", "href"),
        ("script[src]", "src"),
        ("a.brand", "href"),
        (".actions a[download]", "href"),
        (".site-header nav a", "href"),
    ] {
        for u in select_all(&doc, s) {
            let u = u.value().attr(a).unwrap_or_default();
            assert!(u.starts_with("/sub/"), "{s}: {u}");
        }
    }
}

// ------------------------------------------------------------------ browser

/// Runs `tests/browser/run.mjs` on a built site.
fn run_browser_tests(site: &Path, extra: &[&str]) {
    let browser = common::Browser::require(&["playwright-core", "axe-core"]);
    let output = Command::new("node")
        .arg(repo().join("tests/browser/run.mjs"))
        .arg(site)
        .args(extra)
        .current_dir(repo())
        .env("CHROMIUM", &browser.chromium)
        .output()
        .expect("run node");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    assert!(
        output.status.success(),
        "browser tests failed on {}:\n{stdout}\n{stderr}",
        site.display()
    );
}

#[test]
#[ignore = "needs node, chromium and `npm ci`; CI runs it with --include-ignored"]
fn browser_tests_on_the_fixture() {
    let site = built_fixture("en");
    run_browser_tests(&site.out(), &[]);
}

#[test]
#[ignore = "needs node, chromium and `npm ci`; CI runs it with --include-ignored"]
fn browser_tests_on_the_example_site_under_a_base_path() {
    let site = Site::example();
    site.build_out(&["--base-url", "https://example.org/sub/"])
        .assert_ok();
    run_browser_tests(
        &site.out(),
        &[
            "--base-path",
            "/sub/",
            "--quick",
            // Compounds: the project "Entwicklungswerkstätten", the event
            // "Entwicklungswerkstatt …"; the word alone in the network's text.
            "--search",
            "Werkstatt=projects/entwicklungswerkstaetten/,\
             events/entwicklungswerkstatt-ganztag-suedwestfalen/,\
             networks/weiterbildungsverbund-hamm/",
            // Typed without umlauts: "Beratungsbuero" for "Beratungsbüro".
            "--search",
            "Beratungsbuero=events/eroeffnung-beratungsbuero-hamm/,networks/weiterbildungsverbund-hamm/",
            // Stems: both say "Workshop", never "Workshops" (the last query:
            // the filters test narrows its results).
            "--search",
            "workshops=events/dine-transfer-workshop/,events/design-thinking-workshop-provadis/",
        ],
    );
}

/// The main navigation marks the section a page is in: its listing as the
/// current page, the pages inside it (entries, archives) as being in it,
/// and nothing on the home page.
#[test]
fn the_navigation_marks_the_section_a_page_is_in() {
    let site = built_fixture("de");
    let marked = |rel: &str| -> Vec<(String, String)> {
        let html = std::fs::read_to_string(site.out().join(rel)).unwrap();
        let doc = Html::parse_document(&html);
        doc.select(&sel("header.site-header nav a"))
            .filter_map(|a| {
                let current = a.value().attr("aria-current")?;
                Some((a.value().attr("href")?.to_string(), current.to_string()))
            })
            .collect()
    };
    let pair = |href: &str, current: &str| vec![(href.to_string(), current.to_string())];
    assert_eq!(marked("events/index.html"), pair("/events/", "page"));
    assert_eq!(
        marked("events/autumn-meetup/index.html"),
        pair("/events/", "true")
    );
    assert_eq!(marked("partners/index.html"), pair("/partners/", "page"));
    assert_eq!(marked("index.html"), vec![]);
    assert_eq!(marked("404.html"), vec![]);
}

/// The query of `href` as (name, decoded value) pairs.
fn query(href: &str) -> Vec<(String, String)> {
    let (_, q) = href.split_once('?').unwrap();
    q.split('&')
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap();
            let v = percent_encoding::percent_decode_str(v)
                .decode_utf8()
                .unwrap();
            (k.to_string(), v.into_owned())
        })
        .collect()
}

fn param(q: &[(String, String)], name: &str) -> Option<String> {
    q.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
}

/// Event pages link Google Calendar and Outlook.com with the event's
/// instants: a timed event across the spring change of the clocks in
/// Europe/Berlin in UTC, an all-day one as dates with the day after the
/// last as the end; a series says that only the next date goes there.
#[test]
fn web_calendar_links_carry_the_right_dates() {
    let site = Site::copy_of("tests/fixtures/relations")
        .file(
            "content/events/uhrumstellung.md",
            "---\ntitle: Nacht der Uhrumstellung\nstart: 2027-03-27T23:00\nend: 2027-03-28T04:00\nlocation: { name: Rathaus, city: Bonn }\n---\nText.\n",
        )
        .file(
            "content/events/zwei-tage.md",
            "---\ntitle: Zwei Tage\nsummary: Ein Treffen über zwei Tage.\nstart: 2027-05-04\nend: 2027-05-05\nlocation: { name: Online, online: https://example.org/meet }\n---\nText.\n",
        )
        .file(
            "content/events/reihe.md",
            "---\ntitle: Reihe\nstart: 2027-01-06T10:00\nend: 2027-01-06T11:00\nrecurrence: FREQ=WEEKLY;COUNT=3\nlocation: Köln\n---\nText.\n",
        );
    site.build_out(&[]).assert_ok();
    let links = |id: &str| {
        let html =
            std::fs::read_to_string(site.out().join(format!("events/{id}/index.html"))).unwrap();
        let doc = Html::parse_document(&html);
        let google = attrs(&doc, "a.add-google", "href");
        let outlook = attrs(&doc, "a.add-outlook", "href");
        assert_eq!((google.len(), outlook.len()), (1, 1), "{id}");
        assert!(google[0].starts_with("https://calendar.google.com/calendar/render?"));
        assert!(outlook[0].starts_with("https://outlook.live.com/calendar/0/action/compose?"));
        let series = doc.select(&sel(".add-series")).next().is_some();
        (query(&google[0]), query(&outlook[0]), series)
    };

    // 23:00 CET is 22:00 UTC; 04:00 CEST (after the change) is 02:00 UTC.
    let (g, o, series) = links("uhrumstellung");
    assert_eq!(param(&g, "action").as_deref(), Some("TEMPLATE"));
    assert_eq!(
        param(&g, "text").as_deref(),
        Some("Nacht der Uhrumstellung")
    );
    assert_eq!(
        param(&g, "dates").as_deref(),
        Some("20270327T220000Z/20270328T020000Z")
    );
    assert_eq!(param(&g, "location").as_deref(), Some("Rathaus, Bonn"));
    assert_eq!(param(&o, "rru").as_deref(), Some("addevent"));
    assert_eq!(
        param(&o, "subject").as_deref(),
        Some("Nacht der Uhrumstellung")
    );
    assert_eq!(
        param(&o, "startdt").as_deref(),
        Some("2027-03-27T22:00:00Z")
    );
    assert_eq!(param(&o, "enddt").as_deref(), Some("2027-03-28T02:00:00Z"));
    assert_eq!(param(&o, "allday"), None);
    assert!(!series);
    let page = "https://example.org/events/uhrumstellung/";
    assert_eq!(param(&g, "details").as_deref(), Some(page));

    // Two days, 4 and 5 May: the end is the 6th, exclusive.
    let (g, o, series) = links("zwei-tage");
    assert_eq!(param(&g, "dates").as_deref(), Some("20270504/20270506"));
    assert_eq!(param(&o, "startdt").as_deref(), Some("2027-05-04"));
    assert_eq!(param(&o, "enddt").as_deref(), Some("2027-05-06"));
    assert_eq!(param(&o, "allday").as_deref(), Some("true"));
    // Online only: the meeting link is the place.
    assert_eq!(
        param(&o, "location").as_deref(),
        Some("https://example.org/meet")
    );
    assert_eq!(
        param(&o, "body").as_deref(),
        Some("Ein Treffen über zwei Tage.\n\nhttps://example.org/events/zwei-tage/")
    );
    assert!(!series);

    // A series: its next date, and the sentence that the file has them all.
    let (g, _, series) = links("reihe");
    assert_eq!(
        param(&g, "dates").as_deref(),
        Some("20270106T090000Z/20270106T100000Z")
    );
    assert!(series);

    // Pages with a feed link the web calendars' subscribe pages.
    let html = std::fs::read_to_string(site.out().join("networks/nord/index.html")).unwrap();
    let doc = Html::parse_document(&html);
    let google = attrs(&doc, "a.subscribe-google", "href");
    let outlook = attrs(&doc, "a.subscribe-outlook", "href");
    assert_eq!(
        param(&query(&google[0]), "cid").as_deref(),
        Some("webcal://example.org/networks/nord/calendar.ics")
    );
    let q = query(&outlook[0]);
    assert_eq!(
        param(&q, "url").as_deref(),
        Some("https://example.org/networks/nord/calendar.ics")
    );
    assert_eq!(
        param(&q, "name").as_deref(),
        Some("Netzwerk Nord — Termine")
    );
}
