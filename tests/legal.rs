//! What a German public body must publish (content format, section 9):
//! the Impressum, privacy and accessibility pages written from `legal:`
//! in `site.yaml`, the footer that links them, a page of the site's own
//! that replaces one, a project's funders, and the findings when facts
//! are missing or wrong.

mod common;
use common::{Site, select_all};

/// Every fact `legal:` can hold, each with a value found nowhere else.
const LEGAL: &str = "\
legal:
  provider: Bildungswerk Beispieltal e. V.
  legal_form: eingetragener Verein
  address: Musterweg 1, 12345 Beispieltal
  representatives: [Erika Beispiel (Vorsitzende), Max Muster (Geschäftsführer)]
  email: info@example.org
  phone: +49 1234 567890
  register: Amtsgericht Beispieltal, Vereinsregister
  register_number: VR 4711
  vat_id: DE123456789
  responsible: Rita Redaktion, Redaktionsweg 5, 12345 Beispieltal
  privacy_contact: { name: Dora Datenschutz, email: datenschutz@example.org, phone: +49 1234 99 }
  privacy_notes: [Anmeldungen nimmt die Volkshochschule Beispieltal über ihr eigenes Formular entgegen.]
  host: Wolkenhost GmbH, Serverweg 2, 10115 Berlin
  public_body: true
  accessibility:
    status: partial
    gaps: [Die Protokolle von 2019 sind gescannte PDF-Dateien., Videos haben noch keine Untertitel.]
    checked: 2026-11-02
    method: Selbstbewertung mit Tastaturtest
    feedback: { name: Barrierefrei-Team, email: barrierefrei@example.org, phone: +49 1234 77 }
    enforcement:
      name: Schlichtungsstelle nach dem Behindertengleichstellungsgesetz
      url: https://www.schlichtungsstelle-bgg.de/
";

/// A site in `language` with [`LEGAL`], a plain page and an event.
fn legal_site(language: &str) -> Site {
    let yaml = format!(
        "title: Netz\nbase_url: https://example.org/bildung/\nlanguage: {language}\ntimezone: Europe/Berlin\n{LEGAL}"
    );
    Site::empty()
        .file("site.yaml", &yaml)
        .file(
            "content/ueber-uns.md",
            "---\ntitle: Über uns\n---\nWir sind ein Netz.\n",
        )
        .file(
            "content/events/treffen.md",
            "---\ntitle: Treffen\nstart: 2027-03-10T10:00\nlocation: Köln\n---\nText.\n",
        )
}

/// The visible text of the page's `main`, with runs of white space made one.
fn main_text(site: &Site, rel: &str) -> String {
    let page = site.page(rel);
    let main = select_all(&page, "main");
    let text: Vec<String> = main[0].text().map(str::to_string).collect();
    text.join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[track_caller]
fn assert_holds(text: &str, facts: &[&str]) {
    for fact in facts {
        assert!(text.contains(fact), "`{fact}` missing from:\n{text}");
    }
}

/// The facts that belong on each page, by page.
const IMPRESSUM_FACTS: &[&str] = &[
    "Bildungswerk Beispieltal e. V.",
    "eingetragener Verein",
    "Musterweg 1, 12345 Beispieltal",
    "Erika Beispiel (Vorsitzende)",
    "Max Muster (Geschäftsführer)",
    "info@example.org",
    "+49 1234 567890",
    "Amtsgericht Beispieltal, Vereinsregister",
    "VR 4711",
    "DE123456789",
    "Rita Redaktion, Redaktionsweg 5, 12345 Beispieltal",
    "Wolkenhost GmbH, Serverweg 2, 10115 Berlin",
];
const PRIVACY_FACTS: &[&str] = &[
    "Bildungswerk Beispieltal e. V.",
    "Dora Datenschutz",
    "datenschutz@example.org",
    "+49 1234 99",
    "Anmeldungen nimmt die Volkshochschule Beispieltal über ihr eigenes Formular entgegen.",
    "Wolkenhost GmbH",
];
const ACCESSIBILITY_FACTS: &[&str] = &[
    "Die Protokolle von 2019 sind gescannte PDF-Dateien.",
    "Videos haben noch keine Untertitel.",
    "Selbstbewertung mit Tastaturtest",
    "Barrierefrei-Team",
    "barrierefrei@example.org",
    "+49 1234 77",
    "Schlichtungsstelle nach dem Behindertengleichstellungsgesetz",
];

#[test]
fn the_three_pages_state_every_fact_in_german() {
    let site = legal_site("de");
    site.build_out(&["--deny-warnings"]).assert_ok();
    let impressum = main_text(&site, "impressum/index.html");
    assert_holds(&impressum, IMPRESSUM_FACTS);
    assert_holds(
        &impressum,
        &[
            "Angaben gemäß § 5 DDG",
            "Vertreten durch",
            "Verantwortlich für den Inhalt nach § 18 Abs. 2 MStV",
        ],
    );
    let privacy = main_text(&site, "datenschutz/index.html");
    assert_holds(&privacy, PRIVACY_FACTS);
    assert_holds(
        &privacy,
        &["keine Cookies", "Server-Protokolle", "abonnieren"],
    );
    let a11y = main_text(&site, "barrierefreiheit/index.html");
    assert_holds(&a11y, ACCESSIBILITY_FACTS);
    assert_holds(
        &a11y,
        &[
            "Bildungswerk Beispieltal e. V. möchte",
            "teilweise vereinbar",
            "Prüfung vom 2. November 2026",
        ],
    );
    // Links a visitor acts on.
    let page = site.page("barrierefreiheit/index.html");
    let hrefs: Vec<&str> = select_all(&page, "main a")
        .iter()
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert!(
        hrefs.contains(&"mailto:barrierefrei@example.org"),
        "{hrefs:?}"
    );
    assert!(
        hrefs.contains(&"https://www.schlichtungsstelle-bgg.de/"),
        "{hrefs:?}"
    );
    let page = site.page("impressum/index.html");
    assert_eq!(
        select_all(&page, "html")[0].value().attr("lang"),
        Some("de")
    );
    // The sitemap lists them with the other pages.
    let sitemap = site.built("sitemap.xml");
    for name in ["impressum", "datenschutz", "barrierefreiheit"] {
        assert!(
            sitemap.contains(&format!("<loc>https://example.org/bildung/{name}/</loc>")),
            "{sitemap}"
        );
    }
}

#[test]
fn the_three_pages_state_every_fact_in_english() {
    let site = legal_site("en");
    site.build_out(&["--deny-warnings"]).assert_ok();
    let impressum = main_text(&site, "impressum/index.html");
    assert_holds(&impressum, IMPRESSUM_FACTS);
    assert_holds(
        &impressum,
        &[
            "Legal notice",
            "Represented by",
            "Responsible for the content under § 18 (2) MStV",
        ],
    );
    let privacy = main_text(&site, "datenschutz/index.html");
    assert_holds(&privacy, PRIVACY_FACTS);
    assert_holds(&privacy, &["sets no cookies", "Server logs", "subscribe"]);
    let a11y = main_text(&site, "barrierefreiheit/index.html");
    assert_holds(&a11y, ACCESSIBILITY_FACTS);
    assert_holds(
        &a11y,
        &[
            "Bildungswerk Beispieltal e. V. wants",
            "partially complies",
            "review of 2 November 2026",
        ],
    );
    let page = site.page("datenschutz/index.html");
    assert_eq!(
        select_all(&page, "html")[0].value().attr("lang"),
        Some("en")
    );
}

/// Every HTML page of the output but the aliases' redirects.
fn html_pages(out: &std::path::Path) -> Vec<String> {
    let mut pages = Vec::new();
    for entry in walk(out) {
        let rel = entry
            .strip_prefix(out)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel.ends_with(".html") {
            pages.push(rel);
        }
    }
    pages.sort();
    pages
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// The links of the footer's legal list, as (text, href).
fn footer_legal(site: &Site, rel: &str) -> Vec<(String, String)> {
    let page = site.page(rel);
    let sel = scraper::Selector::parse("footer .footer-legal a").unwrap();
    page.select(&sel)
        .map(|a| {
            (
                a.text().collect::<String>(),
                a.value().attr("href").unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[test]
fn every_page_s_footer_links_the_three_pages() {
    let site = legal_site("de").file(
        "content/events/alt.md",
        "---\ntitle: Alt\nstart: 2020-03-10T10:00\nlocation: Köln\naliases: [altes-treffen/]\n---\nText.\n",
    );
    site.build_out(&["--deny-warnings"]).assert_ok();
    let want = vec![
        ("Impressum".to_string(), "/bildung/impressum/".to_string()),
        (
            "Datenschutz".to_string(),
            "/bildung/datenschutz/".to_string(),
        ),
        (
            "Barrierefreiheit".to_string(),
            "/bildung/barrierefreiheit/".to_string(),
        ),
    ];
    let pages = html_pages(&site.out());
    assert!(pages.len() >= 15, "{pages:?}");
    for rel in pages {
        if rel == "altes-treffen/index.html" {
            continue; // a redirect, with no footer
        }
        assert_eq!(footer_legal(&site, &rel), want, "{rel}");
    }
}

#[test]
fn a_page_of_the_site_s_own_replaces_the_written_one() {
    let site = legal_site("de").file(
        "content/impressum.md",
        "---\ntitle: Impressum\n---\nUnser eigenes Impressum, von der Rechtsabteilung.\n",
    );
    site.build_out(&["--deny-warnings"]).assert_ok();
    let impressum = main_text(&site, "impressum/index.html");
    assert_holds(
        &impressum,
        &["Unser eigenes Impressum, von der Rechtsabteilung."],
    );
    assert!(!impressum.contains("Angaben gemäß § 5 DDG"), "{impressum}");
    // The others are still written, and the footer links the own page
    // once, among the legal pages, not again among the plain pages.
    assert_holds(&main_text(&site, "datenschutz/index.html"), PRIVACY_FACTS);
    let page = site.page("index.html");
    let plain: Vec<String> = select_all(&page, "footer a")
        .iter()
        .filter_map(|a| a.value().attr("href").map(str::to_string))
        .filter(|h| h == "/bildung/impressum/")
        .collect();
    assert_eq!(plain.len(), 1, "{plain:?}");
    assert_eq!(footer_legal(&site, "index.html").len(), 3);
}

#[test]
fn without_legal_facts_nothing_is_written_and_check_warns() {
    let site = Site::empty()
        .file(
            "site.yaml",
            "title: Netz\nbase_url: https://example.org/\nlanguage: de\n",
        )
        .dir("content");
    let run = site.check();
    run.assert_code(0);
    run.diag(
        "site.yaml",
        1,
        Some(1),
        "warning",
        "the site publishes no Impressum: add `legal:` with the provider's facts to site.yaml (docs/authoring.md, \"What a publicly funded site must publish\"), or write content/impressum.md",
    );
    site.build_out(&[]).assert_ok();
    assert!(!site.out().join("impressum").exists());
    assert!(!site.out().join("datenschutz").exists());
    assert!(footer_legal(&site, "index.html").is_empty());
    // An Impressum of its own, at another address, is one.
    let site = site.file(
        "content/kontakt.md",
        "---\ntitle: Kontakt und Impressum\n---\nText.\n",
    );
    site.check().assert_code(0).assert_findings(&[]);
    // And one at the address is linked in the footer.
    let site = site.remove("content/kontakt.md").file(
        "content/impressum.md",
        "---\ntitle: Impressum\n---\nText.\n",
    );
    site.build_out(&["--deny-warnings"]).assert_ok();
    assert_eq!(
        footer_legal(&site, "index.html"),
        vec![("Impressum".to_string(), "/impressum/".to_string())]
    );
}

#[test]
fn a_public_body_without_an_accessibility_statement_is_warned_at_its_line() {
    let site = Site::empty()
        .file(
            "site.yaml",
            "title: Netz\nbase_url: https://example.org/\nlegal:\n  provider: Amt\n  address: Weg 1\n  email: amt@example.org\n  public_body: true\n",
        )
        .dir("content");
    let run = site.check();
    run.assert_code(0);
    run.diag(
        "site.yaml",
        7,
        Some(16),
        "warning",
        "a public body publishes an accessibility statement (BGG § 12b): add `accessibility:` under `legal:` with `status`, `checked`, `feedback` and `enforcement`, or write content/barrierefreiheit.md",
    );
    assert_eq!(run.warnings().len(), 1, "{}", run.stderr);
    site.build_out(&[]).assert_ok();
    assert!(site.out().join("impressum/index.html").is_file());
    assert!(!site.out().join("barrierefreiheit").exists());
    // An own statement answers it.
    let site = site.file(
        "content/barrierefreiheit.md",
        "---\ntitle: Barrierefreiheit\n---\nUnsere Erklärung.\n",
    );
    site.check().assert_code(0).assert_findings(&[]);
}

#[test]
fn wrong_or_missing_facts_are_errors_at_their_lines() {
    let site = Site::empty()
        .file(
            "site.yaml",
            "title: Netz\nbase_url: https://example.org/\nlegal:\n  provider: Amt\n  adress: Weg 1\n  email: amt(at)example.org\n  accessibility:\n    status: teilweise\n    checked: 2. November\n    feedback: { name: Team }\n",
        )
        .dir("content");
    let run = site.check();
    run.assert_code(1);
    run.diag(
        "site.yaml",
        5,
        Some(3),
        "error",
        "unknown key `adress`: not a `legal` setting — did you mean `address`?",
    );
    let email = run.errors().into_iter().find(|d| d.line == 6);
    assert!(email.is_some_and(|d| d.col == 10), "{}", run.stderr);
    run.diag(
        "site.yaml",
        8,
        Some(13),
        "error",
        "unknown accessibility status `teilweise`; use full, partial or none",
    );
    let checked = run.errors().into_iter().find(|d| d.line == 9);
    assert!(
        checked.is_some_and(|d| d.message.starts_with("`checked`")),
        "{}",
        run.stderr
    );
    run.diag(
        "site.yaml",
        10,
        Some(15),
        "error",
        "missing required field `email`",
    );
    run.diag(
        "site.yaml",
        8,
        Some(5),
        "error",
        "missing required field `enforcement`",
    );
    // The `address` missing is not reported again: `adress` was taken for it.
    assert_eq!(run.errors().len(), 6, "{}", run.stderr);
    // Nothing is written.
    site.build_out(&[]).assert_code(1);
    assert!(!site.out().exists());
}

#[test]
fn a_project_shows_its_funders_and_check_warns_about_their_logos() {
    let site = Site::new()
        .bytes("static/logos/land.svg", b"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\"/>")
        .file(
            "content/projects/p.md",
            "---\ntitle: Projekt\nfunding:\n  - name: Land Beispiel\n    statement: Gefördert vom Land Beispiel.\n    logo: { src: logos/land.svg, alt: Wappen des Landes Beispiel }\n    url: https://example.org/land\n  - name: Europäischer Sozialfonds Plus\n    programme: ESF Plus\n    statement: Kofinanziert aus dem ESF Plus.\n    logo: logos/esf.png\n  - name: Stiftung\n---\nText.\n",
        );
    let run = site.check();
    run.assert_code(0);
    run.diag(
        "content/projects/p.md",
        11,
        Some(11),
        "warning",
        "the logo of funder `Europäischer Sozialfonds Plus` has no alternative text: write `logo: { src: logos/esf.png, alt: … }` with what the logo says",
    );
    run.diag(
        "content/projects/p.md",
        11,
        Some(11),
        "warning",
        "the logo of funder `Europäischer Sozialfonds Plus`: image `logos/esf.png` not found: there is no file `static/logos/esf.png` (tandem ships no funders' logos; put the file the funder provides there)",
    );
    assert_eq!(run.warnings().len(), 2, "{}", run.stderr);

    site.build_out(&[]).assert_ok();
    let page = site.page("projects/p/index.html");
    let funders = select_all(&page, ".funders .funder");
    assert_eq!(funders.len(), 3);
    let img = select_all(&page, ".funder img")[0];
    assert_eq!(img.value().attr("src"), Some("/logos/land.svg"));
    assert_eq!(img.value().attr("alt"), Some("Wappen des Landes Beispiel"));
    let text = main_text(&site, "projects/p/index.html");
    assert_holds(
        &text,
        &[
            "Gefördert von",
            "Gefördert vom Land Beispiel.",
            "Kofinanziert aus dem ESF Plus.",
            "Kofinanziert von der Europäischen Union",
            // The facts box names them all.
            "Land Beispiel, Europäischer Sozialfonds Plus, Stiftung",
        ],
    );
    // Only the ESF Plus funder has the EU's line.
    assert_eq!(select_all(&page, ".funder-eu").len(), 1);
    // A funder's name links its page.
    let link = select_all(&page, ".funder-name a")[0];
    assert_eq!(link.value().attr("href"), Some("https://example.org/land"));
}

#[test]
fn a_funder_without_a_name_is_an_error_and_funding_as_text_still_works() {
    let site = Site::new()
        .file(
            "content/projects/p.md",
            "---\ntitle: Projekt\nfunding:\n  - statement: Gefördert.\n---\nText.\n",
        )
        .file(
            "content/projects/q.md",
            "---\ntitle: Q\nfunding: Land Beispiel\n---\nText.\n",
        );
    let run = site.check();
    run.assert_code(1);
    run.diag(
        "content/projects/p.md",
        4,
        Some(5),
        "error",
        "missing required field `name`",
    );
    assert_eq!(run.errors().len(), 1, "{}", run.stderr);
    let site = site.remove("content/projects/p.md");
    site.build_out(&["--deny-warnings"]).assert_ok();
    assert_holds(
        &main_text(&site, "projects/q/index.html"),
        &["Land Beispiel"],
    );
    assert!(select_all(&site.page("projects/q/index.html"), ".fact-funding").len() == 1);
}
