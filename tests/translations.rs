//! A site in German and English (content format §3 "Translations", §5
//! `LANG/`): a bilingual fixture is built, and its pages are read back
//! with an HTML parser, its feeds with the `icalendar` crate's parser.

mod common;

use common::{EPOCH, Site, select_all};
use icalendar::parser::{read_calendar, unfold};
use scraper::{Html, Selector};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const SITE: &str = "\
title: Zweisprachig
base_url: https://example.org/
languages: [de, en]
timezone: Europe/Berlin
legal:
  provider: Testverein
  address: Testweg 1, 00000 Teststadt
  email: test@example.org
";

/// Translated: the home page, the network, the project, event `werkstatt`
/// and the page `ueber`. Untranslated: the partner, event `treffen`, the
/// post.
fn bilingual() -> Site {
    Site::new()
        .file("site.yaml", SITE)
        .file(
            "content/_index.md",
            "---\ntitle: Willkommen\n---\nUnser Netz stellt sich vor.\n",
        )
        .file(
            "content/_index.en.md",
            "---\ntitle: Welcome\n---\nThis is our network.\n",
        )
        .file(
            "content/networks/netz.md",
            "---\ntitle: Lernnetz Ruhr\nsummary: Ein Netz im Ruhrgebiet.\npartners: [traeger]\n---\n## Ziele\n\nGemeinsam lernen.\n",
        )
        .file(
            "content/networks/netz.en.md",
            "---\ntitle: Ruhr Learning Network\nsummary: A network in the Ruhr.\n---\n## Aims {#ziele}\n\nLearning together.\n",
        )
        .file(
            "content/partners/traeger.md",
            "---\ntitle: Bildungsträger Dortmund\ncity: Dortmund\n---\nEin Träger.\n",
        )
        .file(
            "content/projects/projekt.md",
            "---\ntitle: Digitales Lernen\nlead: traeger\nnetworks: [netz]\nstart: 2026-01-01\nend: 2027-12-31\n---\nDas Projekt.\n",
        )
        .file(
            "content/projects/projekt.en.md",
            "---\ntitle: Digital Learning\n---\nThe project. See the [network's aims](@/networks/netz.md#ziele).\n",
        )
        .file(
            "content/events/werkstatt.md",
            "---\ntitle: Lernwerkstatt\nsummary: Ein Tag zum Ausprobieren.\nproject: projekt\norganizers: [traeger]\nstart: 2027-03-27T10:00\nend: 2027-03-27T16:00\nlocation: { name: Rathaus, city: Dortmund }\nregistration: https://example.org/anmeldung\n---\nWir probieren aus.\n",
        )
        .file(
            "content/events/werkstatt.en.md",
            "---\ntitle: Learning Workshop\nsummary: A day to try things out.\nlocation: { name: Town hall }\nregistration: https://example.org/register\n---\nWe try things out.\n",
        )
        .file(
            "content/events/treffen.md",
            "---\ntitle: Netzwerktreffen\nnetworks: [netz]\nstart: 2027-05-12T14:00\nend: 2027-05-12T17:00\nlocation: Essen\n---\nWir treffen uns.\n",
        )
        .file(
            "content/posts/start.md",
            "---\ntitle: Wir sind online\ndate: 2026-11-01\nabout: [networks/netz]\n---\nDie Seite ist da.\n",
        )
        .file(
            "content/ueber.md",
            "---\ntitle: Über uns\n---\nMehr zum [Netz](@/networks/netz.md).\n",
        )
        .file(
            "content/ueber.en.md",
            "---\ntitle: About us\n---\nMore on the [network](@/networks/netz.md).\n",
        )
}

fn build(site: &Site) {
    site.build_out_at(EPOCH, &[]).assert_ok();
}

fn text_of(doc: &Html, sel: &str) -> String {
    select_all(doc, sel)[0]
        .text()
        .collect::<String>()
        .trim()
        .to_string()
}

fn attr(doc: &Html, sel: &str, name: &str) -> Option<String> {
    select_all(doc, sel)[0]
        .value()
        .attr(name)
        .map(str::to_string)
}

/// Every HTML page below `dir`, as paths relative to it.
fn pages(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for item in walkdir::WalkDir::new(dir) {
        let item = item.unwrap();
        let rel = item
            .path()
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        if rel.ends_with(".html") {
            out.push(rel);
        }
    }
    out.sort();
    out
}

#[test]
fn every_page_exists_in_both_languages() {
    let site = bilingual();
    build(&site);
    let all = pages(&site.out());
    let english: BTreeSet<&str> = all.iter().filter_map(|p| p.strip_prefix("en/")).collect();
    let german: BTreeSet<&str> = all
        .iter()
        .filter(|p| !p.starts_with("en/"))
        .map(String::as_str)
        .collect();
    assert_eq!(german, english);
    for page in [
        "index.html",
        "networks/netz/index.html",
        "partners/traeger/index.html",
        "projects/projekt/index.html",
        "events/werkstatt/index.html",
        "events/treffen/index.html",
        "posts/start/index.html",
        "ueber/index.html",
        "impressum/index.html",
        "search/index.html",
        "embed/networks/netz/index.html",
        "404.html",
    ] {
        assert!(german.contains(page), "{page}");
    }
    // The static files once, at the root.
    assert!(site.out().join("style.css").is_file());
    assert!(!site.out().join("en/style.css").exists());
    for feed in [
        "calendar.ics",
        "networks/netz/calendar.ics",
        "events/werkstatt/event.ics",
        "atom.xml",
        "sitemap.xml",
        "events.json",
    ] {
        assert!(site.out().join("en").join(feed).is_file(), "en/{feed}");
    }
}

#[test]
fn translated_words_where_given_and_the_marked_fallback_where_not() {
    let site = bilingual();
    build(&site);
    let de = site.page("events/werkstatt/index.html");
    let en = site.page("en/events/werkstatt/index.html");
    assert_eq!(attr(&de, "html", "lang").as_deref(), Some("de"));
    assert_eq!(attr(&en, "html", "lang").as_deref(), Some("en"));
    assert_eq!(text_of(&de, "h1 .p-name"), "Lernwerkstatt");
    assert_eq!(text_of(&en, "h1 .p-name"), "Learning Workshop");
    assert_eq!(text_of(&en, ".lead"), "A day to try things out.");
    assert!(text_of(&en, ".prose").contains("We try things out."));
    assert!(
        en.select(&Selector::parse(".notice-untranslated").unwrap())
            .next()
            .is_none()
    );
    // The place's name is translated, its city is the main file's.
    let place = text_of(&en, ".event-facts");
    assert!(
        place.contains("Town hall") && place.contains("Dortmund"),
        "{place}"
    );
    // Labels and dates in English.
    assert!(place.contains("27 March 2027"), "{place}");
    let link = |doc: &Html| {
        doc.select(&Selector::parse("a[href^='https://example.org/']").unwrap())
            .filter_map(|a| a.value().attr("href"))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert!(link(&en).contains(&"https://example.org/register".to_string()));
    assert!(link(&de).contains(&"https://example.org/anmeldung".to_string()));

    // Untranslated: the German words, marked, with a note in English.
    let partner = site.page("en/partners/traeger/index.html");
    assert_eq!(text_of(&partner, "h1 .p-name"), "Bildungsträger Dortmund");
    assert_eq!(attr(&partner, "h1 .p-name", "lang").as_deref(), Some("de"));
    assert_eq!(attr(&partner, ".prose", "lang").as_deref(), Some("de"));
    assert!(
        text_of(&partner, ".notice-untranslated").starts_with("Not yet translated into English")
    );
    assert!(text_of(&partner, ".facts").contains("City"));
    let german = site.page("partners/traeger/index.html");
    assert_eq!(attr(&german, "h1 .p-name", "lang"), None);
    assert!(
        german
            .select(&Selector::parse(".notice-untranslated").unwrap())
            .next()
            .is_none()
    );
    // A card of an untranslated entry on an English list.
    let events = site.page("en/events/index.html");
    let titles: Vec<(String, Option<String>)> = select_all(&events, ".event-title .p-name")
        .iter()
        .map(|a| {
            (
                a.text().collect(),
                a.value().attr("lang").map(str::to_string),
            )
        })
        .collect();
    assert!(
        titles.contains(&("Learning Workshop".into(), None)),
        "{titles:?}"
    );
    assert!(
        titles.contains(&("Netzwerktreffen".into(), Some("de".into()))),
        "{titles:?}"
    );
    // The home page and a plain page.
    assert_eq!(text_of(&site.page("en/index.html"), "h1"), "Welcome");
    assert_eq!(text_of(&site.page("en/ueber/index.html"), "h1"), "About us");
}

#[test]
fn switcher_and_hreflang_lead_to_the_same_page_in_each_language() {
    let site = bilingual();
    build(&site);
    let out = site.out();
    let file_of = |url: &str| {
        let path = url
            .strip_prefix("https://example.org/")
            .or_else(|| url.strip_prefix('/'))
            .unwrap_or_else(|| panic!("{url}"));
        let file = if path.is_empty() || path.ends_with('/') {
            format!("{path}index.html")
        } else {
            path.to_string()
        };
        assert!(out.join(&file).is_file(), "{url} has no page");
        file
    };
    let mut checked = 0;
    for page in pages(&out) {
        if page.ends_with("404.html") || page.starts_with("embed/") || page.starts_with("en/embed/")
        {
            continue;
        }
        let doc = Html::parse_document(&std::fs::read_to_string(out.join(&page)).unwrap());
        // Redirects of aliases have no switcher.
        if doc
            .select(&Selector::parse("link[rel=canonical]").unwrap())
            .next()
            .is_none()
        {
            continue;
        }
        let alternates: BTreeMap<String, String> =
            select_all(&doc, "link[rel=alternate][hreflang]")
                .iter()
                .map(|l| {
                    let v = l.value();
                    (
                        v.attr("hreflang").unwrap().to_string(),
                        v.attr("href").unwrap().to_string(),
                    )
                })
                .collect();
        let keys: Vec<&str> = alternates.keys().map(String::as_str).collect();
        assert_eq!(keys, ["de", "en", "x-default"], "{page}");
        assert_eq!(alternates["x-default"], alternates["de"], "{page}");
        let lang = if page.starts_with("en/") { "en" } else { "de" };
        assert_eq!(
            file_of(&alternates[lang]),
            page,
            "{page}: its own alternate"
        );
        let other = if lang == "en" { "de" } else { "en" };
        let there = file_of(&alternates[other]);
        // And back: the other page names this one.
        let back = Html::parse_document(&std::fs::read_to_string(out.join(&there)).unwrap());
        let back_href = select_all(&back, &format!("link[rel=alternate][hreflang={lang}]"))[0]
            .value()
            .attr("href")
            .unwrap()
            .to_string();
        assert_eq!(
            file_of(&back_href),
            page,
            "{there} does not lead back to {page}"
        );
        // The switcher: a link to each language, the current one marked.
        let links = select_all(&doc, "nav.lang-switch a");
        assert_eq!(links.len(), 2, "{page}");
        for a in links {
            let v = a.value();
            assert_eq!(v.attr("lang"), v.attr("hreflang"));
            let to = file_of(v.attr("href").unwrap());
            let here = v.attr("hreflang") == Some(lang);
            assert_eq!(v.attr("aria-current").is_some(), here, "{page}");
            assert_eq!(to == page, here, "{page}: {to}");
        }
        checked += 1;
    }
    assert!(checked > 30, "{checked} pages checked");
}

/// The addresses of the entries a page links to, without the language's folder.
fn entry_links(doc: &Html) -> Vec<String> {
    select_all(doc, "main a[href]")
        .iter()
        .filter_map(|a| a.value().attr("href"))
        .map(|h| h.strip_prefix("/en").unwrap_or(h).to_string())
        // Links in the texts (to anchors) are words, not relations.
        .filter(|h| !h.contains('#'))
        .filter(|h| {
            [
                "/events/",
                "/networks/",
                "/partners/",
                "/projects/",
                "/posts/",
            ]
            .iter()
            .any(|k| h.starts_with(k) && h.len() > k.len())
        })
        .collect()
}

#[test]
fn relations_and_event_lists_are_the_same_in_every_language() {
    let site = bilingual();
    build(&site);
    for page in [
        "networks/netz/index.html",
        "partners/traeger/index.html",
        "projects/projekt/index.html",
        "events/werkstatt/index.html",
        "events/index.html",
        "index.html",
    ] {
        let de = entry_links(&site.page(page));
        let en = entry_links(&site.page(&format!("en/{page}")));
        assert!(!de.is_empty(), "{page}");
        assert_eq!(de, en, "{page}");
    }
}

#[test]
fn links_in_a_translation_lead_to_the_same_language() {
    let site = bilingual();
    build(&site);
    let about = site.page("en/ueber/index.html");
    assert_eq!(
        attr(&about, ".prose a", "href").as_deref(),
        Some("/en/networks/netz/")
    );
    let project = site.page("en/projects/projekt/index.html");
    assert_eq!(
        attr(&project, ".prose a", "href").as_deref(),
        Some("/en/networks/netz/#ziele")
    );
    assert_eq!(
        attr(&site.page("ueber/index.html"), ".prose a", "href").as_deref(),
        Some("/networks/netz/")
    );
}

/// `(UID, SEQUENCE, SUMMARY)` of every VEVENT of a feed, read with the
/// `icalendar` crate's parser.
fn vevents(ics: &str) -> BTreeMap<String, (String, String)> {
    let unfolded = unfold(ics);
    let cal = read_calendar(&unfolded).expect("the feed parses");
    let mut out = BTreeMap::new();
    for c in cal.components.iter().filter(|c| c.name == "VEVENT") {
        let get = |name: &str| {
            c.properties
                .iter()
                .find(|p| p.name == name)
                .map(|p| p.val.to_string())
                .unwrap_or_default()
        };
        out.insert(get("UID"), (get("SEQUENCE"), get("SUMMARY")));
    }
    out
}

#[test]
fn english_feeds_have_english_words_and_the_same_uids() {
    let site = bilingual();
    build(&site);
    for feed in [
        "calendar.ics",
        "networks/netz/calendar.ics",
        "projects/projekt/calendar.ics",
        "events/werkstatt/event.ics",
    ] {
        let de = vevents(&site.built(feed));
        let en = vevents(&site.built(&format!("en/{feed}")));
        assert!(!de.is_empty(), "{feed}");
        let (uids_de, uids_en): (Vec<_>, Vec<_>) = (de.keys().collect(), en.keys().collect());
        assert_eq!(uids_de, uids_en, "{feed}: the same events");
        for (uid, (seq, summary)) in &de {
            assert_eq!(&en[uid].0, seq, "{feed}: SEQUENCE of {uid}");
            if summary == "Lernwerkstatt" {
                assert_eq!(en[uid].1, "Learning Workshop", "{feed}");
            }
            if summary == "Netzwerktreffen" {
                assert_eq!(en[uid].1, "Netzwerktreffen", "{feed}: untranslated");
            }
        }
    }
    let en = site.built("en/events/werkstatt/event.ics");
    assert!(
        en.contains("URL:https://example.org/en/events/werkstatt/"),
        "{en}"
    );
    assert!(en.contains("We try things out."), "{en}");
}

#[test]
fn sitemaps_and_json_ld_name_the_languages() {
    let site = bilingual();
    build(&site);
    let sitemap = site.built("en/sitemap.xml");
    assert!(sitemap.contains(
        "<loc>https://example.org/en/events/werkstatt/</loc>\n    <xhtml:link rel=\"alternate\" hreflang=\"de\" href=\"https://example.org/events/werkstatt/\"/>"
    ), "{sitemap}");
    assert!(site.built("sitemap.xml").contains("hreflang=\"x-default\""));
    let ld = |page: &str| {
        let doc = site.page(page);
        let text = text_of(&doc, "script[type='application/ld+json']");
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let one = if v.is_array() { v[0].clone() } else { v };
        one["inLanguage"].as_str().unwrap().to_string()
    };
    assert_eq!(ld("en/events/werkstatt/index.html"), "en");
    assert_eq!(ld("en/events/treffen/index.html"), "de");
    assert_eq!(ld("events/werkstatt/index.html"), "de");
}

#[test]
fn a_base_path_holds_for_every_language() {
    let site = bilingual();
    site.build_out_at(EPOCH, &["--base-url", "https://example.org/sub/"])
        .assert_ok();
    let en = site.page("en/events/werkstatt/index.html");
    assert_eq!(
        attr(&en, "link[rel=stylesheet]", "href").as_deref(),
        Some("/sub/style.css")
    );
    assert_eq!(
        attr(&en, "link[rel=alternate][hreflang=de]", "href").as_deref(),
        Some("https://example.org/sub/events/werkstatt/")
    );
    assert_eq!(attr(&en, "a.brand", "href").as_deref(), Some("/sub/en/"));
    let ics = site.built("en/calendar.ics");
    assert!(ics.contains("URL:https://example.org/sub/en/events/werkstatt/"));
}

#[test]
fn a_field_that_is_not_words_is_an_error_at_its_line() {
    let site = bilingual().file(
        "content/events/werkstatt.en.md",
        "---\ntitle: Learning Workshop\nstart: 2027-03-28T10:00\nlocation: { name: Town hall, city: Dortmund }\n---\nText.\n",
    );
    let run = site.build_out_at(EPOCH, &[]);
    run.assert_code(1);
    run.diag(
        "content/events/werkstatt.en.md",
        3,
        Some(1),
        "error",
        "`start` is not translated: it comes from `content/events/werkstatt.md`, the same in every language; remove it here (a translation holds only `title`, `summary`, `image`, `location`, `registration`, `extra`)",
    );
    // Beside where the main file states it.
    assert!(
        run.stderr
            .contains("note: content/events/werkstatt.md:6:1: `start` as the main file states it"),
        "{}",
        run.stderr
    );
    run.diag(
        "content/events/werkstatt.en.md",
        4,
        Some(30),
        "error",
        "`city` of the location is not translated: it comes from `content/events/werkstatt.md`; a translation gives only `name` and `address`",
    );
    assert!(!site.out().exists(), "nothing written");
}

#[test]
fn a_translation_needs_its_main_file_and_the_site_its_languages() {
    let site = bilingual().file(
        "content/events/verwaist.en.md",
        "---\ntitle: Orphan\n---\nText.\n",
    );
    let run = site.build_out_at(EPOCH, &[]);
    run.assert_code(1);
    run.diag(
        "content/events/verwaist.en.md",
        1,
        Some(1),
        "error",
        "there is no `content/events/verwaist.md` for this file to translate: a translation sits beside its main-language file and has its name (`kickoff.md`, `kickoff.en.md`)",
    );
    let one = Site::new().file("content/events/x.en.md", "---\ntitle: X\n---\n");
    one.build_out_at(EPOCH, &[]).assert_code(1).diag(
        "content/events/x.en.md",
        1,
        Some(1),
        "error",
        "`x.en.md` reads as the English translation of `x.md`, but the site has one language: list them in site.yaml, the main language first (`languages: [de, en]`), or rename the file",
    );
}

#[test]
fn check_lists_what_is_untranslated_and_required_makes_it_warnings() {
    let site = bilingual();
    let run = site.check();
    run.assert_ok();
    assert!(
        run.stderr
            .contains("info: 3 of 7 entries have no English translation"),
        "{}",
        run.stderr
    );
    for f in [
        "content/partners/traeger.md",
        "content/events/treffen.md",
        "content/posts/start.md",
    ] {
        assert!(
            run.stderr.contains(&format!("  {f}\n")),
            "{f}: {}",
            run.stderr
        );
    }
    let required = bilingual().file("site.yaml", &format!("{SITE}translations: required\n"));
    let run = required.check();
    run.assert_ok();
    assert_eq!(run.warnings().len(), 3, "{}", run.stderr);
    run.diag(
        "content/partners/traeger.md",
        1,
        Some(1),
        "warning",
        "no English translation: write `traeger.en.md` beside this file (`tandem new partner --lang en traeger`), or set `translations: optional` in site.yaml",
    );
}

#[test]
fn new_scaffolds_a_translation_that_builds() {
    let site = bilingual();
    let root = site.root().to_string_lossy().into_owned();
    let run = site.run(&[
        "new",
        "--root",
        &root,
        "event",
        "Network meeting",
        "--lang",
        "en",
        "treffen",
    ]);
    run.assert_ok();
    let text = site.read("content/events/treffen.en.md");
    assert!(text.contains("title: Network meeting\n"), "{text}");
    assert!(text.contains("# location: { name: Essen }"), "{text}");
    assert!(text.contains("Wir treffen uns."), "{text}");
    build(&site);
    assert_eq!(
        text_of(&site.page("en/events/treffen/index.html"), "h1 .p-name"),
        "Network meeting"
    );
    // Never over a file.
    site.run(&[
        "new", "--root", &root, "event", "Again", "--lang", "en", "treffen",
    ])
    .assert_code(2);
}

#[test]
fn init_makes_a_bilingual_site_that_builds() {
    let site = Site::empty();
    let dir = site.root().join("neu");
    let dir_text = dir.to_string_lossy().into_owned();
    site.run(&["init", &dir_text, "--languages", "de,en"])
        .assert_ok();
    let yaml = std::fs::read_to_string(dir.join("site.yaml")).unwrap();
    assert!(yaml.contains("languages: [de, en]\n"), "{yaml}");
    let out = site.root().join("out");
    site.build_root_at(&dir, &out, EPOCH, &[]).assert_ok();
    let home = Html::parse_document(&std::fs::read_to_string(out.join("en/index.html")).unwrap());
    assert_eq!(text_of(&home, "h1"), "Welcome");
}

#[test]
fn a_theme_without_labels_for_a_language_falls_back_with_a_warning() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut site = bilingual().file("site.yaml", &format!("{SITE}theme: eigen\n"));
    for rel in ["templates", "static"] {
        common::copy_dir(
            &repo.join("themes/default").join(rel),
            &site.path(&format!("themes/eigen/{rel}")),
        );
    }
    let de = std::fs::read_to_string(repo.join("themes/default/i18n/de.yaml")).unwrap();
    site = site.file("themes/eigen/i18n/de.yaml", &de);
    let run = site.build_out_at(EPOCH, &[]);
    run.assert_ok();
    run.diag(
        "themes/eigen",
        1,
        Some(1),
        "warning",
        "the theme has no `i18n/en.yaml`: tandem's own labels stand in",
    );
    let en = site.page("en/partners/traeger/index.html");
    assert_eq!(
        attr(&en, "nav.lang-switch", "aria-label").as_deref(),
        Some("Language")
    );
}

#[test]
fn an_anchor_is_checked_against_the_text_of_the_page_language() {
    // The English network drops the German heading's id.
    let site = bilingual().file(
        "content/networks/netz.en.md",
        "---\ntitle: Ruhr Learning Network\n---\n## Aims\n\nLearning together.\n",
    );
    let run = site.build_out_at(EPOCH, &[]);
    run.assert_code(1);
    run.diag(
        "content/projects/projekt.en.md",
        4,
        Some(22),
        "error",
        "broken anchor `#ziele`: content/networks/netz.en.md (the English text of content/networks/netz.md) has no heading with that id; its headings are `#aims`",
    );
}

#[test]
fn each_language_has_its_own_search_index() {
    let site = bilingual();
    build(&site);
    let meta = |lang: &str| {
        let dir = site.out().join(lang).join("search/data");
        let mut all = String::new();
        for item in std::fs::read_dir(&dir).unwrap() {
            let path = item.unwrap().path();
            if path
                .file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("meta-")
            {
                all.push_str(&std::fs::read_to_string(path).unwrap());
            }
        }
        all
    };
    let (de, en) = (meta(""), meta("en"));
    assert!(
        en.contains("Learning Workshop") && en.contains("/en/events/werkstatt/"),
        "{en}"
    );
    assert!(!en.contains("Lernwerkstatt"), "{en}");
    assert!(de.contains("Lernwerkstatt") && !de.contains("/en/"), "{de}");
    // The English words are in the English index: "learning" from
    // "Learning Workshop", under its first two letters ("le").
    let words = site.built("en/search/data/w-6c65.json");
    assert!(words.contains("learn"), "{words}");
    let page = site.page("en/search/index.html");
    assert_eq!(
        attr(&page, "form[data-search]", "data-search").as_deref(),
        Some("/en/search/data/")
    );
}

/// A feed over its byte budget keeps the same events in every language,
/// however long the translated words are.
#[test]
fn every_language_keeps_the_same_events_within_the_budget() {
    let mut site = Site::weekly_events("  max_bytes: 10000\n", 40, 0);
    let yaml = site
        .read("site.yaml")
        .replace("language: en\n", "languages: [de, en]\n");
    site = site.file("site.yaml", &yaml);
    let long = "A very long English title that says the same thing in many more words ".repeat(4);
    for k in 0..40 {
        site = site.file(
            &format!("content/events/e{k:03}.en.md"),
            &format!("---\ntitle: {long}{k}\n---\nText.\n"),
        );
    }
    let run = site.build_out_at(EPOCH, &[]);
    run.assert_ok();
    for feed in ["calendar.ics", "networks/netz/calendar.ics"] {
        let de = vevents(&site.built(feed));
        let en = vevents(&site.built(&format!("en/{feed}")));
        assert!(
            de.len() < 40,
            "{feed}: the budget leaves events out ({})",
            de.len()
        );
        assert_eq!(
            de.keys().collect::<Vec<_>>(),
            en.keys().collect::<Vec<_>>(),
            "{feed}"
        );
    }
    // The warning is the main language's, once per feed.
    let warned: Vec<_> = run
        .warnings()
        .into_iter()
        .filter(|d| d.message.starts_with("the subscription feed"))
        .collect();
    assert_eq!(warned.len(), 2, "{}", run.stderr);
}
