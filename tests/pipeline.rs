//! The build pipeline as the content format describes it (sections 1–5):
//! a fixture site in, built files out, relations checked where the page
//! shows them.

mod common;
use common::{Site, select_all};

use scraper::{Html, Selector};

/// A copy of `tests/fixtures/relations`.
fn relations() -> Site {
    Site::copy_of("tests/fixtures/relations")
}

/// [`relations`] built into its output folder with `args`.
fn built(args: &[&str]) -> Site {
    let site = relations();
    site.build_out(args).assert_ok();
    site
}

/// Titles of the links inside the elements matching `scope` (which must
/// match at least one).
fn titles_in(html: &Html, scope: &str) -> Vec<String> {
    let heading = Selector::parse("a").unwrap();
    let mut out: Vec<String> = select_all(html, scope)
        .into_iter()
        .flat_map(|s| {
            s.select(&heading)
                .map(|a| a.text().collect::<String>().trim().to_string())
        })
        .collect();
    // A page may show a relation twice (a fact line and a section).
    out.sort();
    out.dedup();
    out
}

fn texts_in(html: &Html, scope: &str) -> String {
    select_all(html, scope)
        .into_iter()
        .map(|e| e.text().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn relations_show_in_both_directions() {
    let b = built(&[]);

    // A network lists its own partners and every partner naming it.
    let nord = b.page("networks/nord/index.html");
    assert_eq!(
        titles_in(&nord, ".related-partners"),
        ["Alpha Bildung", "Beta Verband"]
    );
    assert_eq!(
        titles_in(&nord, "[data-upcoming] .event-list"),
        ["Nordtreffen"]
    );
    assert_eq!(
        titles_in(&nord, ".related-posts"),
        ["Bericht aus dem Projekt"]
    );

    // …its projects, and the events of its projects.
    let sued = b.page("networks/sued/index.html");
    assert_eq!(titles_in(&sued, ".related-partners"), ["Gamma Schule"]);
    assert_eq!(titles_in(&sued, ".related-projects"), ["Projekt Brücke"]);
    assert_eq!(
        titles_in(&sued, "[data-upcoming] .event-list"),
        ["Kommender Workshop"]
    );
    assert_eq!(
        titles_in(&sued, "[data-past] .event-list"),
        ["Vergangener Workshop"]
    );

    // A partner lists its networks, the projects it leads or joins, the events it organises.
    let beta = b.page("partners/beta/index.html");
    assert_eq!(titles_in(&beta, ".related-networks"), ["Netzwerk Nord"]);
    assert_eq!(titles_in(&beta, ".related-projects"), ["Projekt Brücke"]);
    assert_eq!(
        titles_in(&beta, "[data-upcoming] .event-list"),
        ["Nordtreffen"]
    );
    let alpha = b.page("partners/alpha/index.html");
    assert_eq!(titles_in(&alpha, ".related-networks"), ["Netzwerk Nord"]);
    assert_eq!(
        titles_in(&alpha, "[data-past] .event-list"),
        ["Vergangener Workshop"]
    );
    // No upcoming events: the section is there, says so, and lists none.
    assert_eq!(
        texts_in(&alpha, "[data-upcoming] .js-empty"),
        "Zurzeit sind keine Termine geplant."
    );
    let cards = Selector::parse("[data-upcoming] .event-card").unwrap();
    assert_eq!(alpha.select(&cards).count(), 0);
    let gamma = b.page("partners/gamma/index.html");
    assert_eq!(titles_in(&gamma, ".related-projects"), ["Projekt Brücke"]);

    // A project lists lead, partners, networks, events split by the build date, posts.
    let proj = b.page("projects/proj/index.html");
    assert_eq!(titles_in(&proj, ".related-lead"), ["Beta Verband"]);
    assert_eq!(titles_in(&proj, ".related-partners"), ["Gamma Schule"]);
    assert_eq!(titles_in(&proj, ".related-networks"), ["Netzwerk Süd"]);
    assert_eq!(
        titles_in(&proj, ".events-upcoming .event-list"),
        ["Kommender Workshop"]
    );
    assert_eq!(
        titles_in(&proj, ".events-past .event-list"),
        ["Vergangener Workshop"]
    );
    assert_eq!(
        titles_in(&proj, ".related-posts"),
        ["Bericht aus dem Projekt"]
    );

    // An event shows its project, organisers and networks (its project's too).
    let ev = b.page("events/past-ws/index.html");
    assert_eq!(titles_in(&ev, ".related-organizers"), ["Alpha Bildung"]);
    assert_eq!(titles_in(&ev, ".related-networks"), ["Netzwerk Süd"]);
    assert!(texts_in(&ev, ".kicker").contains("Projekt Brücke"));
}

#[test]
fn every_address_of_the_contract_is_written() {
    let b = built(&[]);
    for rel in [
        "index.html",
        "404.html",
        "sitemap.xml",
        "atom.xml",
        "calendar.ics",
        "networks/index.html",
        "partners/index.html",
        "projects/index.html",
        "events/index.html",
        "posts/index.html",
        "networks/nord/index.html",
        "networks/nord/calendar.ics",
        "networks/sued/calendar.ics",
        "partners/alpha/calendar.ics",
        "partners/beta/calendar.ics",
        "projects/proj/calendar.ics",
        "events/past-ws/index.html",
        "events/past-ws/event.ics",
        "posts/bericht/index.html",
        "impressum/index.html",
        "alt/alpha-alt/index.html",
        "events/archive/2022/index.html",
    ] {
        assert!(b.out().join(rel).is_file(), "missing {rel}");
    }
    // The alias redirects to the entry.
    let alias = b.built("alt/alpha-alt/index.html");
    assert!(alias.contains("url=/partners/alpha/"), "{alias}");
    // Feeds are linked twice: webcal to subscribe, https to download.
    let nord = b.built("networks/nord/index.html");
    assert!(nord.contains("webcal://example.org/networks/nord/calendar.ics"));
    assert!(nord.contains("https://example.org/networks/nord/calendar.ics"));
    let sitemap = b.built("sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.org/partners/alpha/</loc>"));
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let b = built(&[]);
    assert!(!b.out().join("partners/delta/index.html").exists());
    let sued = b.page("networks/sued/index.html");
    assert!(!titles_in(&sued, ".related-partners").contains(&"Delta Entwurf".to_string()));
    let listing = b.built("partners/index.html");
    assert!(!listing.contains("Delta Entwurf"));
    let sitemap = b.built("sitemap.xml");
    assert!(!sitemap.contains("delta"));

    let with = built(&["--drafts"]);
    assert!(with.out().join("partners/delta/index.html").is_file());
    let sued = with.page("networks/sued/index.html");
    assert!(titles_in(&sued, ".related-partners").contains(&"Delta Entwurf".to_string()));
}

#[test]
fn a_base_path_is_honoured_in_every_link() {
    let b = built(&["--base-url", "https://example.org/sub/"]);
    for rel in [
        "index.html",
        "partners/alpha/index.html",
        "events/future-ws/index.html",
        "posts/bericht/index.html",
    ] {
        let page = b.page(rel);
        for el in select_all(&page, "a[href], link[href], script[src]") {
            let url = el.value().attr("href").or(el.value().attr("src")).unwrap();
            if url.starts_with('/') {
                assert!(url.starts_with("/sub/"), "{rel}: {url}");
            }
        }
    }
    let alpha = b.page("partners/alpha/index.html");
    assert!(titles_in(&alpha, ".prose").contains(&"Netzwerk Nord".to_string()));
    let html = b.built("partners/alpha/index.html");
    assert!(html.contains(r#"href="/sub/networks/nord/#schwerpunkte""#));
}

#[test]
fn an_unknown_id_fails_the_build_naming_path_and_line() {
    let site = relations();
    site.edit(
        "content/events/nord-treffen.md",
        "organizers: [beta]",
        "organizers: [betta]",
    );
    let run = site.build_out(&[]);
    run.assert_code(1);
    run.assert_findings_text(
        "content/events/nord-treffen.md:4:14: error: unknown partner `betta` — did you mean `beta` or `delta`?\n\
         4 | organizers: [betta]\n  |              ^\n",
    );
    assert!(!site.out().exists(), "a failed build writes nothing");
}

#[test]
fn a_dangling_link_fails_the_build_naming_path_and_line() {
    let site = relations();
    site.edit(
        "content/posts/bericht.md",
        "@/events/past-ws.md",
        "@/events/nope.md",
    );
    let run = site.build_out(&[]);
    run.assert_code(1);
    run.assert_findings_text(
        "content/posts/bericht.md:7:7: error: broken link `@/events/nope.md`: there is no file `content/events/nope.md`\n\
         7 | Siehe [den Workshop](@/events/nope.md).\n  |       ^\n",
    );
}

#[test]
fn two_sources_for_one_address_are_an_error() {
    let site = relations().file("static/impressum/index.html", "x");
    let run = site.build_out(&[]);
    run.assert_code(1);
    run.assert_findings_text(
        "content/impressum.md:1:1: error: two sources write `impressum/index.html`: content/impressum.md and static/impressum/index.html\n\
         1 | ---\n  | ^\n  = note: static/impressum/index.html: the other source\n",
    );
}

#[test]
fn a_rebuild_keeps_unchanged_files_and_their_modification_time() {
    use std::os::unix::fs::MetadataExt;
    let site = relations();
    let out = site.out();
    site.build_out(&[]).assert_ok();
    let unchanged = out.join("impressum/index.html");
    let changed = out.join("events/nord-treffen/index.html");
    let before = std::fs::metadata(&unchanged).unwrap();
    let changed_before = std::fs::metadata(&changed).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    site.edit(
        "content/events/nord-treffen.md",
        "Online-Treffen.",
        "Online-Treffen, neu.",
    );
    site.build_out(&[]).assert_ok();
    let after = std::fs::metadata(&unchanged).unwrap();
    assert_eq!(
        before.ino(),
        after.ino(),
        "an unchanged file is the same file"
    );
    assert_eq!(before.mtime_nsec(), after.mtime_nsec());
    let changed_after = std::fs::metadata(&changed).unwrap();
    assert_ne!(changed_before.ino(), changed_after.ino());
    assert!(
        std::fs::read_to_string(&changed)
            .unwrap()
            .contains("Online-Treffen, neu.")
    );
}

/// Markdown nested 100,000 levels deep (block quotes, list items) renders
/// without running out of stack.
#[test]
fn deeply_nested_markdown_renders() {
    let quotes = ">".repeat(100_000);
    let lists = "- ".repeat(50_000);
    let site = Site::new()
        .file(
            "content/quotes.md",
            &format!("---\ntitle: Q\n---\n{quotes} tief\n"),
        )
        .file(
            "content/lists.md",
            &format!("---\ntitle: L\n---\n{lists}tiefer\n"),
        );
    site.build().assert_code(0);
    let quotes = site.read("output/quotes/index.html");
    assert!(quotes.matches("<blockquote>").count() > 1000);
    assert!(quotes.contains("tief"));
    let lists = site.read("output/lists/index.html");
    assert!(lists.matches("<li>").count() > 1000);
    assert!(lists.contains("tiefer"));
}

/// Control characters in front matter (escaped in YAML) and in a Markdown
/// body (raw, in text, raw HTML and a link) are dropped from the page, as
/// from the calendars: HTML forbids them, and a NUL or an escape
/// sequence has no business in a page.
#[test]
fn control_characters_do_not_reach_the_pages() {
    let site = Site::new().bytes(
        "content/kontrolle.md",
        b"---\ntitle: \"Titel\\e[2J mit\\0NUL\\a\"\nsummary: \"kurz\\x7f\\x9b\"\n---\nText\x1b]0;PWNED\x07 und\x00 NUL\xc2\x9b.\n\n<div>roh\x1b[2J</div>\n\n[Link](https://example.org/\x1b \"Ti\x01tel\")\n",
    );
    site.build().assert_code(0);
    let html = std::fs::read(site.path("output/kontrolle/index.html")).unwrap();
    let html = String::from_utf8(html).unwrap();
    let bad: Vec<char> = html
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\n' | '\t'))
        .collect();
    assert!(bad.is_empty(), "{bad:?} in\n{html}");
    assert!(html.contains("Titel[2J mitNUL"), "{html}");
    assert!(html.contains("Text]0;PWNED und"), "{html}");
    assert!(html.contains("<div>roh[2J</div>"), "{html}");
}
