//! How others find, share and read a site's events (content format,
//! section 5): Open Graph meta on every page, and microformats (h-event,
//! h-card, h-entry) read back with an independent parser, `mf2py`.

mod common;
use common::{Site, select_all};
use icalendar::parser::{read_calendar, unfold};
use std::path::Path;

/// Every HTML page below `dir`, relative.
fn pages(dir: &Path, rel: &str, out: &mut Vec<String>) {
    for e in std::fs::read_dir(dir.join(rel)).unwrap() {
        let e = e.unwrap();
        let name = format!("{rel}{}", e.file_name().to_string_lossy());
        if e.path().is_dir() {
            pages(dir, &format!("{name}/"), out);
        } else if name.ends_with(".html") {
            out.push(name);
        }
    }
}

#[test]
fn every_page_carries_absolute_open_graph_meta() {
    let site = Site::example();
    site.build_out(&["--base-url", "https://example.org/sub/"])
        .assert_ok();
    let mut all = Vec::new();
    pages(&site.out(), "", &mut all);
    assert!(all.len() > 60, "{}", all.len());
    let mut images = 0;
    for rel in all {
        let doc = site.page(&rel);
        if select_all(&doc, "head").is_empty() || rel == "404.html" {
            continue;
        }
        let meta = |p: &str| -> Option<String> {
            let sel =
                scraper::Selector::parse(&format!("meta[property=\"{p}\"], meta[name=\"{p}\"]"))
                    .unwrap();
            doc.select(&sel)
                .next()
                .and_then(|m| m.value().attr("content").map(str::to_string))
        };
        // Redirect pages of aliases carry no page of their own.
        if meta("og:url").is_none()
            && rel != "index.html"
            && std::fs::read_to_string(site.out().join(&rel))
                .unwrap()
                .contains("http-equiv=\"refresh\"")
        {
            continue;
        }
        for p in [
            "og:title",
            "og:description",
            "og:url",
            "og:type",
            "og:locale",
            "twitter:card",
        ] {
            let v = meta(p).unwrap_or_else(|| panic!("{rel}: no {p}"));
            assert!(!v.trim().is_empty(), "{rel}: empty {p}");
        }
        let url = meta("og:url").unwrap();
        assert!(
            url.starts_with("https://example.org/sub/"),
            "{rel}: og:url {url}"
        );
        if let Some(img) = meta("og:image") {
            assert!(img.starts_with("https://"), "{rel}: og:image {img}");
            images += 1;
        }
    }
    // The example's entries have no `image`: pages share none.
    assert_eq!(images, 0);
    // An event's description names its date and place.
    let doc = site.page("events/netzwerktreffen-2027/index.html");
    let sel = scraper::Selector::parse("meta[property=\"og:description\"]").unwrap();
    let d = doc
        .select(&sel)
        .next()
        .unwrap()
        .value()
        .attr("content")
        .unwrap();
    assert!(
        d.starts_with("Mittwoch, 10. März 2027, 10:00–16:00 Uhr · Beispiel-Bildungszentrum"),
        "{d}"
    );
}

/// The first VEVENT of an `event.ics`: DTSTART and DTEND as instants
/// (dates as they are), SUMMARY, LOCATION, and whether it repeats.
fn first_vevent(ics: &str) -> (String, Option<String>, String, Option<String>, bool, usize) {
    let unfolded = unfold(ics);
    let cal = read_calendar(&unfolded).unwrap();
    let events: Vec<_> = cal
        .components
        .iter()
        .filter(|c| c.name.as_str() == "VEVENT")
        .collect();
    let e = events[0];
    let get = |n: &str| e.properties.iter().find(|p| p.name.as_str() == n);
    let when = |n: &str| {
        get(n).map(|p| {
            let v = p.val.as_str();
            match p
                .params
                .iter()
                .find(|x| x.key.as_str() == "TZID")
                .and_then(|x| x.val.as_ref())
            {
                Some(tz) => instant(v, tz.as_str()),
                None => v.to_string(),
            }
        })
    };
    let text = |n: &str| get(n).map(|p| p.val.as_str().replace("\\,", ",").replace("\\;", ";"));
    (
        when("DTSTART").unwrap(),
        when("DTEND"),
        text("SUMMARY").unwrap(),
        text("LOCATION"),
        get("RRULE").is_some(),
        events.len(),
    )
}

fn instant(local: &str, tz: &str) -> String {
    use chrono::TimeZone;
    let tz: chrono_tz::Tz = tz.parse().unwrap();
    let t = chrono::NaiveDateTime::parse_from_str(local, "%Y%m%dT%H%M%S").unwrap();
    tz.from_local_datetime(&t)
        .single()
        .unwrap()
        .with_timezone(&chrono::Utc)
        .format("%Y%m%dT%H%M%SZ")
        .to_string()
}

/// mf2's `2027-03-10T10:00+0100` (or a date) in the form of [`instant`].
fn mf2_instant(v: &str) -> String {
    match chrono::DateTime::parse_from_str(v, "%Y-%m-%dT%H:%M%z") {
        Ok(t) => t
            .with_timezone(&chrono::Utc)
            .format("%Y%m%dT%H%M%SZ")
            .to_string(),
        Err(_) => v.replace('-', ""),
    }
}

#[test]
#[ignore = "needs python3 with mf2py (`pip install mf2py`); CI installs it and runs it"]
fn a_microformats_parser_finds_every_event_with_its_name_dates_and_place() {
    let site = Site::example();
    site.build_out(&[]).assert_ok();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mf2/events.py");
    let out = std::process::Command::new("python3")
        .arg(&script)
        .arg(site.out())
        .arg("https://example.org/")
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "mf2py: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let items: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let events_dir = site.out().join("events");
    let mut checked = 0;
    for e in std::fs::read_dir(&events_dir).unwrap() {
        let dir = e.unwrap().path();
        let ics = dir.join("event.ics");
        if !ics.is_file() {
            continue;
        }
        let id = dir.file_name().unwrap().to_string_lossy().into_owned();
        let page = format!("events/{id}/index.html");
        let own: Vec<&serde_json::Value> = items
            .iter()
            .filter(|i| {
                i["page"] == page.as_str()
                    && i["type"] == "h-event"
                    && i["url"]
                        .as_str()
                        .is_some_and(|u| u.ends_with(&format!("/events/{id}/")))
            })
            .collect();
        assert_eq!(own.len(), 1, "{page}: {own:?}");
        let h = own[0];
        let (start, end, title, place, repeats, n) =
            first_vevent(&std::fs::read_to_string(&ics).unwrap());
        assert_eq!(h["name"].as_str(), Some(title.as_str()), "{page}");
        if let Some(place) = place {
            assert_eq!(h["location"].as_str(), Some(place.as_str()), "{page}");
        }
        // A single date: the same instants as the calendar file (an
        // all-day event's DTEND is the day after its last day).
        if !repeats && n == 1 {
            assert_eq!(mf2_instant(h["start"].as_str().unwrap()), start, "{page}");
            match (h["end"].as_str(), end) {
                (Some(e), Some(want)) if want.len() == 8 => {
                    let last = chrono::NaiveDate::parse_from_str(&want, "%Y%m%d")
                        .unwrap()
                        .pred_opt()
                        .unwrap();
                    assert_eq!(mf2_instant(e), last.format("%Y%m%d").to_string(), "{page}");
                }
                (Some(e), Some(want)) => assert_eq!(mf2_instant(e), want, "{page}"),
                (None, None) => {}
                // One whole day: no end on the page, the day after in the file.
                (None, Some(want)) if want.len() == 8 => {
                    let next = chrono::NaiveDate::parse_from_str(&start, "%Y%m%d")
                        .unwrap()
                        .succ_opt()
                        .unwrap();
                    assert_eq!(want, next.format("%Y%m%d").to_string(), "{page}");
                }
                (e, want) => panic!("{page}: end {e:?} against {want:?}"),
            }
            checked += 1;
        } else {
            assert!(h["start"].as_str().is_some(), "{page}");
        }
        // The events listing or an archive lists it as an h-event too.
        assert!(
            items.iter().any(|i| i["page"] != page.as_str()
                && i["type"] == "h-event"
                && i["url"] == h["url"]),
            "{page} is in no list as an h-event"
        );
    }
    assert!(checked >= 10, "{checked}");
    // Embeds list events as h-events with the names and starts of their pages.
    let embedded: Vec<&serde_json::Value> = items
        .iter()
        .filter(|i| i["page"].as_str().is_some_and(|p| p.starts_with("embed/")))
        .collect();
    assert!(embedded.len() >= 5, "{}", embedded.len());
    for h in embedded {
        let page = items
            .iter()
            .find(|i| {
                i["type"] == "h-event"
                    && i["url"] == h["url"]
                    && i["page"].as_str().is_some_and(|p| p.starts_with("events/"))
            })
            .unwrap_or_else(|| panic!("{h}: no event page"));
        assert_eq!(h["name"], page["name"], "{h}");
        assert_eq!(h["type"], "h-event", "{h}");
    }
    // Partners are h-cards, posts h-entries.
    assert!(items.iter().any(|i| i["type"] == "h-card"
        && i["page"] == "partners/provadis/index.html"
        && i["name"] == "Provadis Partner für Bildung"));
    assert!(items.iter().any(|i| i["type"] == "h-entry"
        && i["page"].as_str().is_some_and(|p| p.starts_with("posts/"))
        && i["published"].as_str().is_some()));
}

#[test]
fn events_json_follows_its_schema_and_agrees_with_the_calendar_files() {
    let site = Site::example();
    site.build_out(&[]).assert_ok();
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/events.schema.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&site.built("events.json")).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let events = doc["events"].as_array().unwrap();
    // The upcoming events (2027 and later at the build's fixed "now").
    assert_eq!(events.len(), 4, "{doc}");
    let mut last = String::new();
    for e in events {
        let id = e["id"].as_str().unwrap();
        let ics = site.built(&format!("events/{id}/event.ics"));
        let (start, end, title, _, _, _) = first_vevent(&ics);
        assert_eq!(e["title"].as_str(), Some(title.as_str()));
        let json_instant =
            |v: &serde_json::Value| match chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap())
            {
                Ok(t) => t
                    .with_timezone(&chrono::Utc)
                    .format("%Y%m%dT%H%M%SZ")
                    .to_string(),
                Err(_) => v.as_str().unwrap().replace('-', ""),
            };
        assert_eq!(json_instant(&e["start"]), start, "{id}");
        if let (Some(want), false) = (end, e["all_day"].as_bool().unwrap()) {
            assert_eq!(json_instant(&e["end"]), want, "{id}");
        }
        // Soonest first.
        let next = json_instant(&e["dates"][0]["start"]);
        assert!(next >= last, "{id}");
        last = next;
        assert_eq!(
            e["url"].as_str(),
            Some(format!("https://example.org/events/{id}/").as_str())
        );
    }
}

/// The text of the first element matching `sel`.
fn text_of(doc: &scraper::Html, sel: &str) -> Option<String> {
    let sel = scraper::Selector::parse(sel).unwrap();
    doc.select(&sel).next().map(|e| e.text().collect())
}

/// The `href`s of the event links in a list below `sel`.
fn event_links(doc: &scraper::Html, sel: &str) -> Vec<String> {
    let sel = scraper::Selector::parse(sel).unwrap();
    doc.select(&sel)
        .filter_map(|a| a.value().attr("href").map(str::to_string))
        .collect()
}

#[test]
fn every_network_partner_and_project_has_a_small_self_contained_embed() {
    let site = Site::example();
    site.build_out(&["--base-url", "https://example.org/sub/"])
        .assert_ok();
    let mut checked = 0;
    let mut with_events = 0;
    for folder in ["networks", "partners", "projects"] {
        for e in std::fs::read_dir(site.out().join(folder)).unwrap() {
            let e = e.unwrap();
            if !e.path().is_dir() {
                continue;
            }
            let id = e.file_name().to_string_lossy().into_owned();
            let rel = format!("embed/{folder}/{id}/index.html");
            let html = std::fs::read_to_string(site.out().join(&rel))
                .unwrap_or_else(|_| panic!("no {rel}"));
            // A few kB, nothing to run and nothing loaded from anywhere.
            assert!(html.len() < 8 * 1024, "{rel}: {} bytes", html.len());
            let lower = html.to_ascii_lowercase();
            for no in [
                "<script",
                "<img",
                "<iframe",
                "<link rel=\"stylesheet",
                " src=",
            ] {
                assert!(!lower.contains(no), "{rel}: {no}");
            }
            assert!(html.contains("<base target=\"_blank\">"), "{rel}");
            assert!(html.contains("prefers-color-scheme:dark"), "{rel}");
            // The same upcoming events as the entry's page, in its order,
            // at most ten.
            let embed = site.page(&rel);
            let page = site.page(&format!("{folder}/{id}/index.html"));
            let shown = event_links(&embed, "main li a.u-url");
            let mut listed = event_links(&page, ".events-upcoming .event-card a.u-url");
            listed.truncate(10);
            assert_eq!(shown, listed, "{rel}");
            if !shown.is_empty() {
                with_events += 1;
            } else {
                assert!(text_of(&embed, "main p").is_some(), "{rel}: no empty note");
            }
            // The page offers the code to paste, pointing at the embed.
            let code = text_of(&page, ".embed-snippet code")
                .unwrap_or_else(|| panic!("{folder}/{id}: no embed code"));
            let want =
                format!("<iframe src=\"https://example.org/sub/embed/{folder}/{id}/\" title=\"");
            assert!(code.starts_with(&want), "{code}");
            assert!(code.ends_with("></iframe>"), "{code}");
            checked += 1;
        }
    }
    assert!(checked >= 15, "{checked}");
    assert!(with_events >= 3, "{with_events}");
    // Embeds are for other sites, not for search engines or the sitemap.
    let sitemap = std::fs::read_to_string(site.out().join("sitemap.xml")).unwrap();
    assert!(!sitemap.contains("/embed/"));
}
