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
            assert!(
                img.starts_with("https://example.org/sub/"),
                "{rel}: og:image {img}"
            );
            // A copy of at most 1280 pixels, never the original photo.
            assert!(
                img.ends_with("w.jpg") || img.ends_with("w.png") || img.ends_with(".svg"),
                "{rel}: og:image {img}"
            );
            images += 1;
        }
    }
    // Three entries of the example have an `image`, three partners a
    // `logo`: their pages in German and in English.
    assert_eq!(images, 2 * 6);
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

// ------------------------------------------------------------------ search

/// The search index of a built site, read back as the search page's script
/// reads it (`search/data/`, see `src/search.rs`).
struct SearchIndex {
    out: std::path::PathBuf,
    docs: serde_json::Value,
    /// `[url, title, kind, date, place, summary]` of each document.
    meta: Vec<serde_json::Value>,
}

impl SearchIndex {
    fn read(out: &Path) -> SearchIndex {
        let json = |rel: &str| -> serde_json::Value {
            let bytes = std::fs::read(out.join("search/data").join(rel))
                .unwrap_or_else(|e| panic!("search/data/{rel}: {e}"));
            serde_json::from_slice(&bytes).unwrap()
        };
        let docs = json("docs.json");
        assert_eq!(docs["version"], 1);
        let n = docs["docs"].as_array().unwrap().len();
        let chunk = docs["meta_chunk"].as_u64().unwrap() as usize;
        let meta: Vec<serde_json::Value> = (0..n.div_ceil(chunk))
            .flat_map(|c| json(&format!("meta-{c}.json")).as_array().unwrap().clone())
            .collect();
        assert_eq!(meta.len(), n, "one result detail per document");
        SearchIndex {
            out: out.to_path_buf(),
            docs,
            meta,
        }
    }

    /// The documents a folded word is indexed under, and those with it in
    /// the title (the gaps added up).
    fn postings(&self, word: &str) -> (Vec<u64>, Vec<u64>) {
        let part: String = word
            .chars()
            .take(2)
            .collect::<String>()
            .bytes()
            .map(|b| format!("{b:02x}"))
            .collect();
        let path = self.out.join(format!("search/data/w-{part}.json"));
        let Ok(bytes) = std::fs::read(&path) else {
            return (vec![], vec![]);
        };
        let part: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        let undelta = |v: &serde_json::Value| -> Vec<u64> {
            let mut at = 0;
            v.as_array()
                .unwrap()
                .iter()
                .map(|g| {
                    at += g.as_u64().unwrap();
                    at
                })
                .collect()
        };
        // A form of a stem names the word whose lists it shares.
        let lists = match part.get(word) {
            Some(serde_json::Value::String(other)) => part.get(other.as_str()),
            p => p,
        };
        match lists {
            Some(p) => (undelta(&p[0]), undelta(&p[1])),
            None => (vec![], vec![]),
        }
    }

    fn urls(&self, docs: &[u64]) -> Vec<String> {
        docs.iter()
            .map(|&d| self.meta[d as usize][0].as_str().unwrap().to_string())
            .collect()
    }
}

/// Folded as the index folds words: lower case, umlauts plain, ß as ss.
fn fold(w: &str) -> String {
    w.to_lowercase()
        .replace('ä', "a")
        .replace('ö', "o")
        .replace('ü', "u")
        .replace('ß', "ss")
}

#[test]
fn the_search_index_holds_every_page_once_and_finds_it_by_each_word_of_its_title() {
    let site = Site::example();
    site.build_out(&["--base-url", "https://example.org/sub/"])
        .assert_ok();
    let index = SearchIndex::read(&site.out());
    let urls = index.urls(&(0..index.meta.len() as u64).collect::<Vec<_>>());
    let mut unique = urls.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), urls.len(), "a page indexed twice");
    // Every entry page of the sitemap is a document, and every document a page.
    let sitemap = site.built("sitemap.xml");
    let entry_pages: Vec<&str> = sitemap
        .split("<loc>https://example.org")
        .skip(1)
        .filter_map(|l| l.split("</loc>").next())
        .filter(|u| {
            let rest = u.trim_start_matches("/sub/");
            ["networks/", "partners/", "projects/", "events/", "posts/"]
                .iter()
                .any(|k| rest.starts_with(k) && rest.len() > k.len() && !rest.contains("archive/"))
        })
        .collect();
    assert!(entry_pages.len() > 40, "{}", entry_pages.len());
    for u in &entry_pages {
        assert!(
            urls.iter().any(|x| x == u),
            "{u} is not in the search index"
        );
    }
    for u in &urls {
        let file = site
            .out()
            .join(u.trim_start_matches("/sub/"))
            .join("index.html");
        assert!(file.is_file(), "{u} is indexed but not built");
    }
    // Each word of each title finds its page, as a word of the title.
    for (d, m) in index.meta.iter().enumerate() {
        let title = m[1].as_str().unwrap();
        for w in title
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().count() > 1)
        {
            let (docs, titles) = index.postings(&fold(w));
            assert!(docs.contains(&(d as u64)), "{w:?} does not find {:?}", m[0]);
            assert!(
                titles.contains(&(d as u64)),
                "{w:?} is not in the title of {:?}",
                m[0]
            );
        }
        // Kind, and for events date and place, shown with each result.
        assert!(!m[2].as_str().unwrap().is_empty(), "{:?} has no kind", m[0]);
        if m[0].as_str().unwrap().starts_with("/sub/events/") {
            assert!(!m[3].as_str().unwrap().is_empty(), "{:?} has no date", m[0]);
            assert!(
                !m[4].as_str().unwrap().is_empty(),
                "{:?} has no place",
                m[0]
            );
        }
    }
    // German word forms: stems and compounds.
    let found = |w: &str| index.urls(&index.postings(w).0);
    let werkstatt = found("werkstatt");
    for want in [
        "/sub/projects/entwicklungswerkstaetten/",
        "/sub/events/entwicklungswerkstatt-ganztag-suedwestfalen/",
        "/sub/networks/weiterbildungsverbund-hamm/",
    ] {
        assert!(
            werkstatt.iter().any(|u| u == want),
            "werkstatt: {werkstatt:?}"
        );
    }
    let workshops = found("workshops");
    assert!(
        workshops
            .iter()
            .any(|u| u == "/sub/events/dine-transfer-workshop/"),
        "workshops: {workshops:?}"
    );
    // Text of the body, not only the title: a partner named only there.
    let kolping = found("kolping");
    assert!(
        kolping
            .iter()
            .any(|u| u == "/sub/networks/weiterbildungsverbund-hamm/"),
        "kolping: {kolping:?}"
    );
    // Filters: every network and project of the example is offered.
    for (list, folder) in [("networks", "networks"), ("projects", "projects")] {
        let offered = index.docs[list].as_array().unwrap().len();
        let pages = std::fs::read_dir(site.out().join(folder))
            .unwrap()
            .filter(|e| e.as_ref().unwrap().path().join("index.html").is_file())
            .count();
        assert_eq!(offered, pages, "{list} to filter by");
    }
    // The search page and the header field that leads to it.
    let page = site.page("search/index.html");
    let form = select_all(&page, "form[data-search]");
    assert_eq!(form.len(), 1);
    assert_eq!(
        form[0].value().attr("data-search"),
        Some("/sub/search/data/")
    );
    let home = site.page("index.html");
    let header = select_all(&home, "header form[role=search]");
    assert_eq!(header[0].value().attr("action"), Some("/sub/search/"));
}

#[test]
fn search_false_leaves_out_the_page_the_field_and_the_index() {
    let site = Site::example();
    let yaml = site.read("site.yaml");
    let site = site.file("site.yaml", &format!("{yaml}\nsearch: false\n"));
    site.build_out(&[]).assert_ok();
    assert!(site.out().join("index.html").is_file());
    assert!(!site.out().join("search").exists());
    let home = site.built("index.html");
    assert!(
        !home.contains("role=\"search\""),
        "a search field without search"
    );
    assert!(
        !home.contains("/search/"),
        "a link to the search page without search"
    );
}
