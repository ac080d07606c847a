//! `tandem serve`: incremental rebuilds held to full builds, the HTTP
//! server over real sockets, and a real browser watching a page reload and
//! the error overlay come and go (ignored unless asked for: it needs node,
//! chromium and `npm ci`).

mod common;
use common::Site;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};
use tandem::config::Overrides;
use tandem::serve::incremental::Engine;

/// "Now" for every build here: 2026-11-18T11:06:40Z.
const EPOCH: &str = common::EPOCH;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

// ---------------------------------------------------------------------------
// Incremental rebuilds against full builds
// ---------------------------------------------------------------------------

/// Settings with "now" fixed at [`EPOCH`], as `SOURCE_DATE_EPOCH` fixes
/// it for the binary, so that the engine and the full build it is compared
/// with see the same "now".
fn fixed_now() -> Overrides {
    let epoch: i64 = EPOCH.parse().unwrap();
    Overrides {
        now: chrono::DateTime::from_timestamp(epoch, 0),
        image_cache: Some(common::shared_image_cache()),
        ..Overrides::default()
    }
}

/// Holds the engine's site and findings to a full in-memory build of the
/// same files: byte for byte, finding for finding.
fn assert_same_as_full(engine: &Engine, root: &Path, step: &str) {
    let built = tandem::build::build_in_memory(root, &fixed_now());
    let want_diags: Vec<String> = built.diags.iter().map(|d| d.render(false)).collect();
    let got_diags: Vec<String> = engine
        .diagnostics()
        .iter()
        .map(|d| d.render(false))
        .collect();
    assert_eq!(
        got_diags.join(""),
        want_diags.join(""),
        "{step}: the findings differ from a full build's"
    );
    let want: BTreeMap<&str, &[u8]> = built
        .output
        .files
        .iter()
        .map(|(k, f)| (k.as_str(), f.bytes.as_slice()))
        .collect();
    let got: BTreeMap<&str, &[u8]> = engine
        .files()
        .iter()
        .map(|(k, f)| (k.as_str(), &f.bytes[..]))
        .collect();
    let missing: Vec<&&str> = want.keys().filter(|k| !got.contains_key(*k)).collect();
    let extra: Vec<&&str> = got.keys().filter(|k| !want.contains_key(*k)).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{step}: files missing {missing:?}, files left over {extra:?}"
    );
    for (path, bytes) in &want {
        if got[path] != *bytes {
            let a = String::from_utf8_lossy(got[path]);
            let b = String::from_utf8_lossy(bytes);
            let line = a
                .lines()
                .zip(b.lines())
                .position(|(x, y)| x != y)
                .unwrap_or(0);
            panic!(
                "{step}: `{path}` differs from a full build's at line {}:\n incremental: {:?}\n full build:  {:?}",
                line + 1,
                a.lines().nth(line).unwrap_or(""),
                b.lines().nth(line).unwrap_or("")
            );
        }
    }
}

struct Bench {
    engine: Engine,
    root: PathBuf,
}

impl Bench {
    fn new(root: &Path) -> Bench {
        let mut engine = Engine::new(root, fixed_now());
        engine.full();
        assert_same_as_full(&engine, root, "first build");
        Bench {
            engine,
            root: root.to_path_buf(),
        }
    }

    /// Applies the changed paths like the watcher would report them and
    /// compares; returns whether the rebuild was incremental.
    fn step(&mut self, name: &str, changed: &[PathBuf]) -> bool {
        let report = self.engine.apply(changed);
        self.engine.finish();
        eprintln!(
            "{name}: {} ({} of {} candidate pages rendered, {:.1} ms)",
            if report.full { "full" } else { "incremental" },
            report.rendered,
            report.candidates,
            report.millis
        );
        assert_same_as_full(&self.engine, &self.root, name);
        !report.full
    }
}

const EVENT: &str = "content/events/netzwerktreffen-2027.md";
const PAST_EVENT: &str = "content/events/digit-ready-2-koeln.md";
const PROJECT: &str = "content/projects/digit-ready-2.md";
const NETWORK: &str = "content/networks/hessenbildung-digital.md";
const PARTNER: &str = "content/partners/provadis.md";
const POST: &str = "content/posts/dine-transfer-workshop.md";

#[test]
fn incremental_rebuilds_equal_full_builds() {
    let site = Site::example_in_german();
    let root = site.root();
    let mut b = Bench::new(root);

    // Edits that leave the relation graph alone.
    let p = site.edit(EVENT, "\n---\n", "\n---\nEin ganz neuer erster Absatz.\n\n");
    assert!(b.step("event body", &[p]));
    let p = site.edit(
        PARTNER,
        "summary: Bildungsdienstleister",
        "summary: Neuer Bildungsdienstleister",
    );
    assert!(b.step("partner summary", &[p]));
    let p = site.edit(POST, "tags: [transfer", "tags: [neu, transfer");
    assert!(b.step("post tags", &[p]));
    let p = site.edit(EVENT, "\n---\n", "\nupdated: 2026-11-01\n---\n");
    assert!(b.step("event updated", &[p]));

    // Edits of what relations and listings are made of.
    let p = site.edit(
        EVENT,
        "title: Netzwerktreffen 2027 (Beispiel)",
        "title: Jahrestreffen der Verbünde",
    );
    assert!(b.step("upcoming event title", &[p]));
    let p = site.edit(
        PAST_EVENT,
        "title: Organisationsentwicklung",
        "title: Organisationsentwicklung neu",
    );
    assert!(b.step("past event title", &[p]));
    let p = site.edit(
        PAST_EVENT,
        "start: 2022-03-19\nend: 2022-03-20",
        "start: 2027-05-19\nend: 2027-05-20",
    );
    assert!(b.step("event moves from past to upcoming", &[p]));
    let p = site.edit(PAST_EVENT, "project: digit-ready-2", "project: dine");
    assert!(b.step("event changes project", &[p]));
    let p = site.edit(
        PROJECT,
        "lead: bildungsturbo",
        "lead: bildungsturbo\nnetworks: [hessenbildung-digital]",
    );
    assert!(b.step("project joins a network", &[p]));
    let p = site.edit(
        NETWORK,
        "title: \"#HESSENbildung.digital\"",
        "title: \"Hessen digital\"",
    );
    assert!(b.step("network title", &[p]));
    let p = site.edit(
        PARTNER,
        "networks: [hessenbildung-digital]",
        "networks: [hessenbildung-digital, plan-q-dortmund]",
    );
    assert!(b.step("partner joins a network", &[p]));
    let p = site.edit(POST, "date: 2019-11-14", "date: 2026-11-01");
    assert!(b.step("post date", &[p]));
    let p = site.edit(PROJECT, "start: 2022-01-01", "start: 2022-03-20");
    assert!(b.step("project funding period", &[p]));

    // Drafts come and go.
    let p = site.edit(EVENT, "\n---\n", "\ndraft: true\n---\n");
    assert!(b.step("event becomes a draft", &[p]));
    let p = site.edit(EVENT, "\ndraft: true\n", "\n");
    assert!(b.step("draft published", &[p]));
    let p = site.edit(PARTNER, "\n---\n", "\ndraft: true\n---\n");
    assert!(b.step("referenced partner becomes a draft", &[p]));
    let p = site.edit(PARTNER, "\ndraft: true\n", "\n");
    assert!(b.step("partner published again", &[p]));

    // Entries appear, disappear and move.
    let text = site
        .read(EVENT)
        .replace("title: Jahrestreffen", "title: Zweites Jahrestreffen");
    let p = site.write("content/events/zweites-treffen.md", &text);
    assert!(b.step("event added", &[p]));
    let p = site.delete("content/events/zweites-treffen.md");
    assert!(b.step("event removed", &[p]));
    let from = root.join("content/partners/vhs-hamm.md");
    let to = root.join("content/partners/volkshochschule-hamm.md");
    std::fs::rename(&from, &to).unwrap();
    assert!(b.step("referenced partner renamed", &[from.clone(), to.clone()]));
    std::fs::rename(&to, &from).unwrap();
    assert!(b.step("partner renamed back", &[to, from]));
    let p = site.delete(PROJECT);
    b.step("project deleted (its events refer to it)", &[p]);
    let p = site.write(
        PROJECT,
        &String::from_utf8_lossy(&std::fs::read(repo().join(PROJECT)).unwrap()),
    );
    b.step("project back", &[p]);
    let p = site.write("content/ueber-uns/team.md", "---\ntitle: Team\n---\nWir.\n");
    b.step("plain page added in a folder", &[p]);
    let p = site.edit(
        "content/ueber-uns.md",
        "title: Über diese Seite",
        "title: Über uns",
    );
    b.step("plain page title (every page's footer)", &[p]);
    let p = site.write(
        "content/impressum.md",
        "---\ntitle: Impressum\n---\nUnser eigenes Impressum.\n",
    );
    b.step("own Impressum replaces the written one", &[p]);
    let p = site.edit(
        "content/impressum.md",
        "title: Impressum",
        "title: Anbieter",
    );
    b.step("own Impressum renamed", &[p]);
    let p = site.delete("content/impressum.md");
    b.step("own Impressum gone: the written one is back", &[p]);
    let p = site.edit("site.yaml", "status: partial", "status: full");
    b.step("accessibility status (site.yaml)", &[p]);

    // Links between bodies.
    let p = site.edit(
        POST,
        "\n---\n",
        "\n---\nSiehe [neu](@/events/ganz-neu.md).\n\n",
    );
    b.step("broken link", &[p]);
    let p = site.write(
        "content/events/ganz-neu.md",
        "---\ntitle: Ganz neu\nstart: 2027-01-10\nlocation: Online\n---\n## Ablauf\n",
    );
    b.step("link target appears", &[p]);
    let p = site.edit(
        POST,
        "(@/events/ganz-neu.md)",
        "(@/events/ganz-neu.md#ablauf)",
    );
    b.step("anchor link", &[p]);
    let p = site.edit("content/events/ganz-neu.md", "## Ablauf", "## Programm");
    b.step("anchor target heading renamed", &[p]);
    let p = site.edit("content/events/ganz-neu.md", "## Programm", "## Ablauf");
    b.step("anchor fixed", &[p]);
    let p = site.edit(
        "content/networks/_index.md",
        "\n---\n",
        "\n---\nNeu: [ganz neu](@/events/ganz-neu.md).\n\n",
    );
    b.step("listing text links to an entry", &[p]);
    let neu = site.read("content/events/ganz-neu.md");
    let p = site.delete("content/events/ganz-neu.md");
    b.step("entry linked from a listing text removed", &[p]);
    let p = site.write("content/events/ganz-neu.md", &neu);
    b.step("and back", &[p]);

    // Broken and fixed front matter, references and aliases.
    let good = site.read(EVENT);
    let p = site.write(EVENT, &good.replacen("title:", "title [", 1));
    b.step("broken front matter", &[p]);
    let p = site.write(EVENT, &good);
    b.step("front matter fixed", &[p]);
    // A file with errors is still known by its id and source: what names
    // or links to it has nothing to report.
    let p = site.edit(
        PARTNER,
        "city: Frankfurt am Main",
        "city: Frankfurt: Höchst",
    );
    b.step("referenced partner's front matter broken", &[p]);
    let p = site.edit(PARTNER, "\n---\n", "\n---\n## Profil\n\n");
    b.step("and its body edited", &[p]);
    let p = site.edit(
        PARTNER,
        "city: Frankfurt: Höchst",
        "city: Frankfurt am Main",
    );
    b.step("partner's front matter fixed", &[p]);
    let linked = "content/events/design-thinking-workshop-provadis.md";
    let good = site.read(linked);
    let p = site.edit(linked, "start: 2020-03-05T09:30", "start: 2020-02-30T09:30");
    b.step("linked event gets an invalid start", &[p]);
    let p = site.write(linked, &good);
    b.step("linked event fixed", &[p]);
    let p = site.write(
        "content/partners/nur-termin.md",
        "---\ntitle: Nur ein Termin\n---\n",
    );
    b.step("partner named by nothing", &[p]);
    let p = site.write("content/events/mit-partner.md",
        "---\ntitle: Mit Partner\norganizers: [nur-termin]\nstart: 2027-02-30\nlocation: Köln\n---\n",
    );
    b.step("an event with errors names it", &[p]);
    let p = site.edit(
        "content/events/mit-partner.md",
        "organizers: [nur-termin]",
        "organizers: nur-termin: x",
    );
    b.step("its front matter cannot be read", &[p]);
    let p = site.write("content/events/mit-partner.md",
        "---\ntitle: Mit Partner\norganizers: [nur-termin]\nstart: 2027-02-28\nlocation: Köln\n---\n",
    );
    b.step("the event fixed", &[p]);
    let a = site.delete("content/events/mit-partner.md");
    let c = site.delete("content/partners/nur-termin.md");
    b.step("both removed", &[a, c]);
    let p = site.edit(EVENT, "organizers: [", "organizers: [gibt-es-nicht, ");
    b.step("unknown reference", &[p]);
    let p = site.edit(EVENT, "organizers: [gibt-es-nicht, ", "organizers: [");
    b.step("reference fixed", &[p]);
    let p = site.edit(EVENT, "\n---\n", "\nstat: 2027-01-01\n---\n");
    b.step("unknown key", &[p]);
    let p = site.edit(EVENT, "\nstat: 2027-01-01\n", "\n");
    b.step("unknown key fixed", &[p]);
    let p = site.edit(
        EVENT,
        "\n---\n",
        "\naliases: [treffen-2027/, ../weg]\n---\n",
    );
    b.step("aliases, one invalid", &[p]);
    let p = site.edit(
        EVENT,
        "aliases: [treffen-2027/, ../weg]",
        "aliases: [treffen-2027/]",
    );
    b.step("aliases fixed", &[p]);
    let p = site.edit(EVENT, "aliases: [treffen-2027/]", "aliases: [events/]");
    b.step("alias collides with the events listing", &[p]);
    let p = site.edit(EVENT, "aliases: [events/]", "aliases: [treffen/]");
    b.step("collision resolved", &[p]);
    let p = site.write(
        "content/events/ohne-termin.md",
        "---\ntitle: Ohne Termin\norganizers: [nie]\n---\n",
    );
    b.step("event without dates (rejected)", &[p]);
    let p = site.delete("content/events/ohne-termin.md");
    b.step("rejected event removed", &[p]);
    let p = site.write("content/events/Gross.md", "---\ntitle: X\n---\n");
    b.step("invalid file name", &[p]);
    let p = site.delete("content/events/Gross.md");
    b.step("invalid file name removed", &[p]);
    let p = site.edit(
        EVENT,
        "\n---\n",
        "\nregistration: https://example.org/anmeldung\n---\nLorem ipsum dolor sit amet.\n",
    );
    b.step("warnings", &[p]);

    // A symbolic link to a file elsewhere is followed, as the build does.
    #[cfg(unix)]
    {
        // Beside the site folder, not in it.
        let target = site.scratch().join("extern.md");
        std::fs::write(
            &target,
            "---\ntitle: Von außen\nstart: 2027-04-01\nlocation: Online\n---\nVerlinkt.\n",
        )
        .unwrap();
        let link = root.join("content/events/von-aussen.md");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        b.step("symbolic link to an entry", std::slice::from_ref(&link));
        std::fs::remove_file(&link).unwrap();
        b.step("symbolic link removed", &[link]);
    }

    // Listing and home texts.
    let p = site.edit(
        "content/events/_index.md",
        "title: Veranstaltungen",
        "title: Termine und Treffen",
    );
    b.step("events listing text", &[p]);
    let p = site.edit("content/_index.md", "Willkommen!", "Herzlich willkommen!");
    b.step("home text", &[p]);
    // Links in those texts are checked like an entry's: a dangling one is
    // an error at its place, and so is an anchor that a later edit of the
    // linked entry takes away.
    let p = site.edit(
        "content/_index.md",
        "Herzlich willkommen!",
        "Herzlich willkommen! [Weg](@/projects/gibt-es-nicht.md)",
    );
    b.step("home text with a dangling link", &[p]);
    let has = |b: &Bench, what: &str| {
        b.engine
            .diagnostics()
            .iter()
            .any(|d| d.render(false).contains(what))
    };
    assert!(has(&b, "content/_index.md:5:22: error: broken link"));
    let p = site.edit(
        "content/_index.md",
        "[Weg](@/projects/gibt-es-nicht.md)",
        "[Ziele](@/projects/digit-ready-2.md#ziele-und-vorgehen)",
    );
    b.step("home text link fixed", &[p]);
    assert!(!has(&b, "content/_index.md"));
    let p = site.edit(PROJECT, "## Ziele und Vorgehen", "## Ziele");
    b.step("heading a home text links to renamed", &[p]);
    assert!(has(
        &b,
        "content/_index.md:5:22: error: broken anchor `#ziele-und-vorgehen`"
    ));
    let p = site.edit(PROJECT, "## Ziele\n", "## Ziele und Vorgehen\n");
    b.step("heading back", &[p]);
    assert!(!has(&b, "content/_index.md"));
    let p = site.edit(
        "content/events/_index.md",
        "Termine ab 2027 sind Beispiele.",
        "Termine ab 2027 sind Beispiele. Siehe [Bericht](@/posts/dine-transfer-workshop.md).",
    );
    b.step("listing text links to a post", &[p]);
    let p = site.edit(POST, "\n---\n", "\ndraft: true\n---\n");
    b.step("the post a listing text links to becomes a draft", &[p]);
    assert!(has(&b, "content/events/_index.md:5:"));
    let p = site.edit(POST, "\ndraft: true\n", "\n");
    b.step("the post is published again", &[p]);
    let post = site.read(POST);
    let p = site.delete(POST);
    b.step("the post a listing text links to is deleted", &[p]);
    assert!(b.engine.diagnostics().iter().any(|d| {
        let d = d.render(false);
        d.starts_with("content/events/_index.md:5:")
            && d.contains("error: broken link `@/posts/dine-transfer-workshop.md`")
    }));
    let p = site.write(POST, &post);
    b.step("the post is back", &[p]);
    assert!(!has(&b, "content/events/_index.md"));

    // Static files, images, templates, settings.
    let p = site.edit(PARTNER, "\n---\n", "\nlogo: logos/provadis.svg\n---\n");
    b.step("missing logo", &[p]);
    let p = site.write(
        "static/logos/provadis.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    b.step("logo added", &[p]);
    let p = site.write(
        "static/logos/provadis.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"><script>alert(2)</script></svg>",
    );
    b.step("logo gets a script, published without it", &[p]);
    assert!(has(&b, "static/logos/provadis.svg"));
    let p = site.edit(
        PARTNER,
        "logo: logos/provadis.svg",
        "logo: logos/provadis.png",
    );
    b.step("PNG logo missing", &[p]);
    let png = |w: u32, h: u32| {
        let img =
            image::RgbaImage::from_fn(w, h, |x, _| image::Rgba([0, 80, 160, (x % 256) as u8]));
        let mut out = Vec::new();
        img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    };
    let p = site.path("static/logos/provadis.png");
    std::fs::write(&p, png(700, 200)).unwrap();
    b.step(
        "PNG logo added: copies in widths, srcset on the page",
        std::slice::from_ref(&p),
    );
    assert!(b.engine.files().contains_key("logos/provadis-640w.webp"));
    std::fs::write(&p, png(300, 100)).unwrap();
    b.step("PNG logo narrower: fewer copies", std::slice::from_ref(&p));
    assert!(!b.engine.files().contains_key("logos/provadis-640w.webp"));
    std::fs::write(&p, b"not a PNG").unwrap();
    b.step(
        "PNG logo broken: an error at the field",
        std::slice::from_ref(&p),
    );
    std::fs::write(&p, png(300, 100)).unwrap();
    b.step("PNG logo mended", &[p]);
    let p = site.write("static/style.css", "body{}");
    b.step("site stylesheet over the theme's", &[p]);
    let p = site.delete("static/style.css");
    b.step("theme stylesheet back", &[p]);
    let p = site.write("static/events/index.html", "<p>x</p>");
    b.step("static file collides with a page", &[p]);
    let p = site.delete("static/events/index.html");
    b.step("static collision removed", &[p]);
    let p = site.edit(
        "site.yaml",
        "title: Bildungsnetzwerke im Dialog",
        "title: Bildung im Dialog",
    );
    assert!(!b.step("settings", &[p]));
    let p = site.write(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block main %}<h1>Weg</h1>{% endblock %}",
    );
    assert!(!b.step("template", &[p]));
    let p = site.delete("templates/404.html");
    assert!(!b.step("template removed", &[p]));

    // Several files at once, as a save-all or a checkout does.
    let a = site.edit(EVENT, "title: Jahrestreffen der Verbünde", "title: Treffen");
    let c = site.edit(PROJECT, "title: Digit-Ready II", "title: Digit-Ready 2");
    let d = site.write(
        "content/posts/neu-2026.md",
        "---\ntitle: Neu\ndate: 2026-11-10\nabout: [projects/digit-ready-2]\n---\nText.\n",
    );
    assert!(b.step("three files at once", &[a, c, d]));
}

/// Random edits of random entries, each compared with a full build: titles,
/// bodies, summaries, dates, references, links, drafts, deletions and
/// restorations. `TANDEM_RANDOM_SITE` (a site folder, copied first) and
/// `TANDEM_RANDOM_STEPS` run it on another site, e.g. a large generated
/// one; `TANDEM_RANDOM_SEED` varies the edits. Without them it reads only
/// the repository's example site.
#[test]
fn random_edits_equal_full_builds() {
    let site = match std::env::var_os("TANDEM_RANDOM_SITE") {
        Some(other) => Site::copy_of(other),
        None => Site::example_in_german(),
    };
    let steps: usize = std::env::var("TANDEM_RANDOM_STEPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let root = site.root();
    let mut b = Bench::new(root);
    let mut files: Vec<String> = Vec::new();
    for kind in ["networks", "partners", "projects", "events", "posts"] {
        for item in std::fs::read_dir(root.join("content").join(kind)).unwrap() {
            let name = item.unwrap().file_name().to_string_lossy().to_string();
            if name != "_index.md" {
                files.push(format!("content/{kind}/{name}"));
            }
        }
    }
    files.sort();
    // The texts of the home page and the listings.
    let indexes: Vec<String> = std::iter::once("content/_index.md".to_string())
        .chain(
            ["networks", "partners", "projects", "events", "posts"]
                .iter()
                .map(|k| format!("content/{k}/_index.md")),
        )
        .filter(|f| root.join(f).is_file())
        .collect();
    let id_of = |f: &str| {
        f.rsplit('/')
            .next()
            .unwrap_or("")
            .trim_end_matches(".md")
            .to_string()
    };
    let of_kind = |kind: &str| -> Vec<String> {
        files
            .iter()
            .filter(|f| f.starts_with(&format!("content/{kind}/")))
            .map(|f| id_of(f))
            .collect()
    };
    let (projects, networks) = (of_kind("projects"), of_kind("networks"));
    // A fixed pseudo-random sequence (xorshift), so that a failure repeats.
    let mut seed: u64 = std::env::var("TANDEM_RANDOM_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x9e37_79b9_7f4a_7c15);
    let mut next = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n.max(1) as u64) as usize
    };
    let mut deleted: Vec<(String, String)> = Vec::new();
    for step in 0..steps {
        let file = files[next(files.len())].clone();
        let Ok(text) = std::fs::read_to_string(root.join(&file)) else {
            continue;
        };
        let op = next(10);
        let (what, new_text) = match op {
            0 => ("retitle", text.replacen("title: ", "title: Neu ", 1)),
            1 => ("body", format!("{text}\nNoch ein Absatz {step}.\n")),
            2 => (
                "toggle draft",
                if text.contains("\ndraft: true\n") {
                    text.replacen("\ndraft: true\n", "\n", 1)
                } else {
                    text.replacen("\n---\n", "\ndraft: true\n---\n", 1)
                },
            ),
            3 if deleted.is_empty() => {
                deleted.push((file.clone(), text));
                let p = site.delete(&file);
                b.step(&format!("{step}: delete {file}"), &[p]);
                continue;
            }
            3 | 4 if !deleted.is_empty() => {
                let (f, t) = deleted.remove(0);
                let p = site.write(&f, &t);
                b.step(&format!("{step}: restore {f}"), &[p]);
                continue;
            }
            5 => {
                // One year later (or earlier) for the first date.
                let shifted = text.find("start: 20").map(|at| {
                    let year: i32 = text[at + 7..at + 11].parse().unwrap_or(2025);
                    let year = if next(2) == 0 { year + 1 } else { year - 1 };
                    format!("{}{year}{}", &text[..at + 7], &text[at + 11..])
                });
                ("shift dates", shifted.unwrap_or(text))
            }
            6 => {
                let project = &projects[next(projects.len())];
                let t = match text.find("\nproject: ") {
                    Some(at) => {
                        let end = text[at + 1..].find('\n').map_or(text.len(), |e| at + 1 + e);
                        format!("{}\nproject: {project}{}", &text[..at], &text[end..])
                    }
                    None => text,
                };
                ("change project", t)
            }
            7 => {
                let network = &networks[next(networks.len())];
                let t = if text.contains("\nnetworks: [") {
                    text.replacen("\nnetworks: [", &format!("\nnetworks: [{network}, "), 1)
                } else {
                    text
                };
                ("add a network", t)
            }
            8 => {
                let target = &files[next(files.len())];
                let link = target.trim_start_matches("content/");
                let anchor = if next(2) == 0 { "#ablauf" } else { "" };
                ("link", format!("{text}\nSiehe [dort](@/{link}{anchor}).\n"))
            }
            9 if next(2) == 0 && !indexes.is_empty() => {
                // A home or listing text gains a link, or loses its dangling one.
                const DANGLING: &str = "\n[Weg](@/projects/gibt-es-nicht.md)\n";
                let index = &indexes[next(indexes.len())];
                let text = site.read(index);
                let (what, new_text) = if text.contains(DANGLING) {
                    ("fix the dangling link", text.replacen(DANGLING, "\n", 1))
                } else {
                    let target = &files[next(files.len())];
                    let link = target.trim_start_matches("content/");
                    let anchor = if next(2) == 0 { "#ablauf" } else { "" };
                    (
                        "add links",
                        format!("{text}{DANGLING}Siehe [dort](@/{link}{anchor}).\n"),
                    )
                };
                let p = site.write(index, &new_text);
                b.step(&format!("{step}: {what} of {index}"), &[p]);
                continue;
            }
            _ => ("summary", text.replacen("summary: ", "summary: Kurz – ", 1)),
        };
        let p = site.write(&file, &new_text);
        b.step(&format!("{step}: {what} of {file}"), &[p]);
    }
}

/// What an edit changed reaches the routes that read it (`Route::reads`),
/// and only those: the rules `serve` picks candidates by, on the
/// relations fixture (`nord-treffen` is in network `nord`, organised by
/// `beta`; project `proj` is in network `sued`).
#[test]
fn what_an_edit_changed_reaches_the_routes_that_read_it() {
    use tandem::entry::Kind;
    use tandem::routes::{Changes, Route, archive_years};
    let fixture = Site::copy_of("tests/fixtures/relations");
    let mut diags = tandem::diagnostics::Diagnostics::new();
    let site = tandem::build::load_site(fixture.root(), &fixed_now(), &mut diags).unwrap();
    let at = |kind: Kind, id: &str| site.lookup(kind, id).unwrap();
    let (treffen, past) = (at(Kind::Event, "nord-treffen"), at(Kind::Event, "past-ws"));
    let (nord, sued) = (at(Kind::Network, "nord"), at(Kind::Network, "sued"));
    let (beta, proj) = (at(Kind::Partner, "beta"), at(Kind::Project, "proj"));
    let reached = |ch: &Changes| -> Vec<Route> {
        Route::all(&site)
            .into_iter()
            .filter(|r| ch.reaches(&site, r))
            .collect()
    };

    // An event's VEVENTs: its own, the site's and its owners' calendars.
    let ch = Changes {
        events: [treffen].into(),
        ..Changes::default()
    };
    let mut want = vec![
        Route::SiteCalendar,
        Route::Calendar(nord),
        Route::Calendar(beta),
        Route::EventIcs(treffen),
    ];
    want.sort();
    let mut got = reached(&ch);
    got.sort();
    assert_eq!(got, want);

    // The networks' and projects' names: the events listing and every
    // archive page (their filters), nothing else.
    let years = archive_years(&site);
    assert!(!years.is_empty());
    let ch = Changes {
        names: true,
        ..Changes::default()
    };
    let mut want: Vec<Route> = years.iter().copied().map(Route::Archive).collect();
    want.push(Route::Listing(Kind::Event));
    want.sort();
    let mut got = reached(&ch);
    got.sort();
    assert_eq!(got, want);

    // Partners joining or leaving: their listing; the home page lists none.
    let ch = Changes {
        lists: [Kind::Partner].into(),
        ..Changes::default()
    };
    assert_eq!(reached(&ch), vec![Route::Listing(Kind::Partner)]);

    // A project's own fields: its page, embed and calendar; the events'
    // pages show it as a card (`related`), which is another change.
    let ch = Changes {
        entries: [proj].into(),
        ..Changes::default()
    };
    assert_eq!(
        reached(&ch),
        vec![
            Route::Entry(proj),
            Route::Embed(proj),
            Route::Calendar(proj)
        ]
    );
    assert!(!reached(&ch).contains(&Route::Calendar(sued)));
    assert!(!reached(&ch).contains(&Route::EventIcs(past)));

    // The settings: everything.
    let ch = Changes {
        site: true,
        ..Changes::default()
    };
    assert_eq!(reached(&ch), Route::all(&site));
}

// ---------------------------------------------------------------------------
// The server over HTTP
// ---------------------------------------------------------------------------

/// A running `tandem serve`, stopped (SIGKILL) when dropped.
struct Server {
    child: Child,
    base: String,
    log: Receiver<String>,
    /// Lines printed before the address.
    early: Vec<String>,
}

impl Server {
    fn start(site: &Site, extra: &[&str]) -> Server {
        let root = site.root().to_string_lossy().into_owned();
        let mut args = vec!["serve", "--root", &root, "--port", "0"];
        args.extend_from_slice(extra);
        let mut child = site
            .command(&args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        // Owned by the guard at once, so that a failure below kills it.
        let mut server = Server {
            child,
            base: String::new(),
            log: rx,
            early: Vec::new(),
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = server
                .log
                .recv_timeout(left)
                .expect("serve did not print its address");
            server.early.push(line.clone());
            if let Some(at) = line.find("serving http://") {
                let url = line[at + "serving ".len()..]
                    .split_whitespace()
                    .next()
                    .unwrap()
                    .to_string();
                let base = url
                    .trim_start_matches("http://")
                    .split('/')
                    .next()
                    .unwrap()
                    .to_string();
                server.base = base;
                return server;
            }
        }
    }

    fn get(&self, path: &str) -> Reply {
        request(&self.base, "GET", path)
    }

    /// GETs `path` until its body contains `text` (the rebuild runs
    /// behind the watcher); panics after a while.
    fn wait_for(&self, path: &str, text: &str) -> Reply {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let r = self.get(path);
            if r.body_text().contains(text) {
                return r;
            }
            assert!(
                Instant::now() < deadline,
                "{path} never showed `{text}`; last answer {}:\n{}",
                r.status,
                r.body_text()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits until the server reports a rebuild whose status is `ok`.
    fn wait_status(&self, ok: bool) -> serde_json::Value {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let r = self.get("/__tandem/wait?version=-1");
            let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
            if v["ok"] == ok {
                return v;
            }
            assert!(
                Instant::now() < deadline,
                "status never became ok={ok}: {v}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn log_lines(&mut self) -> Vec<String> {
        let mut lines = std::mem::take(&mut self.early);
        lines.extend(self.log.try_iter());
        lines
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).to_string()
    }
}

/// A minimal HTTP/1.1 client: sends the path exactly as given (no
/// normalising of `..`, as browsers and curl would do).
fn request(host: &str, method: &str, path: &str) -> Reply {
    let mut s = TcpStream::connect(host).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("no end of headers");
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    // tiny_http answers HTTP/1.1 with a length; decode chunks if not.
    let reply = Reply {
        status,
        headers,
        body: Vec::new(),
    };
    if reply
        .header("Transfer-Encoding")
        .is_some_and(|t| t.contains("chunked"))
    {
        body = dechunk(&body);
    }
    Reply { body, ..reply }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = data.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(
            String::from_utf8_lossy(&data[..eol])
                .split(';')
                .next()
                .unwrap_or("0")
                .trim(),
            16,
        )
        .unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&data[eol + 2..eol + 2 + size]);
        data = &data[eol + 2 + size + 2..];
    }
    out
}

#[test]
fn serves_edits_deletions_and_errors_over_http() {
    let site = Site::example_in_german();
    let mut server = Server::start(&site, &[]);
    let page = "/events/netzwerktreffen-2027/";

    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
    assert!(
        home.body_text().contains("/__tandem/live.js"),
        "no live-reload script"
    );
    let before = server.get(page);
    assert_eq!(before.status, 200);
    assert!(
        before
            .body_text()
            .contains("Netzwerktreffen 2027 (Beispiel)")
    );

    // The text on the entry page, the title on the listing and home.
    let text = site
        .read(EVENT)
        .replacen(
            "title: Netzwerktreffen 2027 (Beispiel)",
            "title: Großes Verbundtreffen",
            1,
        )
        .replacen("\n---\n", "\n---\nFrisch geschriebener Absatz.\n\n", 1);
    site.write(EVENT, &text);
    server.wait_for(page, "Frisch geschriebener Absatz.");
    assert!(
        server
            .get("/events/")
            .body_text()
            .contains("Großes Verbundtreffen")
    );
    assert!(
        server
            .get("/")
            .body_text()
            .contains("Großes Verbundtreffen")
    );
    let project = server.get("/projects/weiterbildungslotsen-2027/");
    assert!(project.body_text().contains("Großes Verbundtreffen"));
    let ics = server.get("/events/netzwerktreffen-2027/event.ics");
    let unfolded = ics.body_text().replace("\r\n ", "");
    assert!(
        unfolded.contains("Frisch geschriebener Absatz."),
        "{unfolded}"
    );

    // A broken file keeps the last good site; the fix clears the errors.
    let good = site.read(EVENT);
    site.write(
        EVENT,
        &good.replacen("start: 2027-03-10T10:00", "start: 2027-03-40T10:00", 1),
    );
    let status = server.wait_status(false);
    let errors = status["errors"].to_string();
    assert!(
        errors.contains("content/events/netzwerktreffen-2027.md:"),
        "errors without the file: {errors}"
    );
    assert!(
        server
            .get(page)
            .body_text()
            .contains("Frisch geschriebener Absatz.")
    );
    site.write(
        EVENT,
        &good.replacen("Frisch geschriebener", "Wieder richtiger", 1),
    );
    server.wait_for(page, "Wieder richtiger Absatz.");
    let status = server.wait_status(true);
    assert_eq!(status["errors"].as_array().map(Vec::len), Some(0));

    // A deleted entry's page is gone (the site's 404 page, status 404),
    // and so is it from the listing.
    site.delete(EVENT);
    let deadline = Instant::now() + Duration::from_secs(20);
    while server.get(page).status != 404 {
        assert!(Instant::now() < deadline, "the deleted entry's page stayed");
        std::thread::sleep(Duration::from_millis(20));
    }
    let gone = server.get(page);
    assert_eq!(
        gone.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
    assert!(
        gone.body_text().contains("kind-404"),
        "not the site's 404 page"
    );
    assert!(
        !server
            .get("/events/")
            .body_text()
            .contains("Großes Verbundtreffen")
    );
    assert_eq!(
        server.get("/events/netzwerktreffen-2027/event.ics").status,
        404
    );

    // A new entry appears.
    site.write(
        "content/events/neu-im-kalender.md",
        "---\ntitle: Neu im Kalender\nstart: 2027-02-02\nlocation: Online\n---\nHallo.\n",
    );
    server.wait_for("/events/neu-im-kalender/", "Neu im Kalender");
    assert!(
        server
            .get("/events/")
            .body_text()
            .contains("Neu im Kalender")
    );

    let log = server.log_lines().join("\n");
    assert!(log.contains("rebuilt in"), "no rebuild reported:\n{log}");
    assert!(
        log.contains("content/events/netzwerktreffen-2027.md:"),
        "no error printed:\n{log}"
    );
}

#[test]
fn a_site_broken_from_the_start_is_served_once_fixed() {
    let site = Site::example();
    let good = site.read(EVENT);
    site.write(EVENT, &good.replacen("title:", "title: [", 1));
    let server = Server::start(&site, &[]);
    let r = server.get("/");
    assert_eq!(r.status, 500);
    assert!(
        r.body_text().contains("/__tandem/live.js"),
        "no overlay script"
    );
    let status = server.wait_status(false);
    assert!(status["errors"].to_string().contains(EVENT), "{status}");
    site.write(EVENT, &good);
    let home = server.wait_for("/", "Bildungsnetzwerke im Dialog");
    assert_eq!(home.status, 200);
    assert_eq!(server.get("/events/netzwerktreffen-2027/").status, 200);
    // The settings broken and fixed: a full rebuild each time.
    let yaml = site.read("site.yaml");
    site.write("site.yaml", &yaml.replacen("title:", "titel:", 1));
    server.wait_status(false);
    assert_eq!(server.get("/").status, 200, "the last good site stays");
    site.write(
        "site.yaml",
        &yaml.replacen(
            "title: Bildungsnetzwerke im Dialog",
            "title: Netz im Dialog",
            1,
        ),
    );
    server.wait_for("/", "Netz im Dialog");
}

#[test]
fn a_dangling_link_in_the_home_text_is_shown_and_cleared() {
    let site = Site::example();
    let server = Server::start(&site, &[]);
    let good = site.read("content/_index.md");
    site.write(
        "content/_index.md",
        &good.replacen(
            "Willkommen!",
            "Willkommen! [Weg](@/projects/gibt-es-nicht.md)",
            1,
        ),
    );
    let status = server.wait_status(false);
    let errors = status["errors"].to_string();
    assert!(
        errors.contains("content/_index.md:5:13") && errors.contains("broken link"),
        "{errors}"
    );
    assert!(
        !server.get("/").body_text().contains("@/projects"),
        "the literal link was served"
    );
    site.write(
        "content/_index.md",
        &good.replacen("Willkommen!", "Hallo!", 1),
    );
    server.wait_for("/", "Hallo!");
    let status = server.wait_status(true);
    assert_eq!(status["errors"].as_array().map(Vec::len), Some(0));
}

#[test]
fn serves_only_the_site_with_the_right_types() {
    let site = Site::example();
    let root = site.root();
    site.write("static/docs/hinweis.txt", "Hinweis");
    #[cfg(unix)]
    std::os::unix::fs::symlink(root.join("site.yaml"), root.join("static/link.yaml")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(root.join("content"), root.join("static/inhalt")).unwrap();
    let server = Server::start(&site, &[]);

    for (path, ct) in [
        ("/calendar.ics", "text/calendar; charset=utf-8"),
        (
            "/events/netzwerktreffen-2027/event.ics",
            "text/calendar; charset=utf-8",
        ),
        (
            "/projects/digit-ready-2/calendar.ics",
            "text/calendar; charset=utf-8",
        ),
        ("/atom.xml", "application/atom+xml"),
        ("/sitemap.xml", "application/xml"),
        ("/style.css", "text/css; charset=utf-8"),
        ("/tandem.js", "application/javascript; charset=utf-8"),
        ("/favicon.svg", "image/svg+xml"),
        ("/docs/hinweis.txt", "text/plain; charset=utf-8"),
        ("/events/", "text/html; charset=utf-8"),
    ] {
        let r = server.get(path);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("Content-Type"), Some(ct), "{path}");
    }
    // Only HTML gets the live-reload script.
    assert!(!server.get("/calendar.ics").body_text().contains("__tandem"));
    assert!(!server.get("/style.css").body_text().contains("__tandem"));

    // A folder without its slash is redirected; HEAD has no body.
    let r = server.get("/events");
    assert_eq!(r.status, 301);
    assert_eq!(r.header("Location"), Some("/events/"));
    let r = request(&server.base, "HEAD", "/events/");
    assert_eq!(r.status, 200);
    assert!(r.body.is_empty());
    assert!(r.header("Content-Length").is_some_and(|l| l != "0"));
    assert_eq!(request(&server.base, "POST", "/").status, 405);

    // Traversal and other ways out of the site: 400 or 404, never a file.
    let secrets = ["title: Bildungsnetzwerke", "base_url", "---\ntitle:"];
    for path in [
        "/../site.yaml",
        "/../../etc/passwd",
        "/events/../../site.yaml",
        "/%2e%2e/site.yaml",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/events/%2e%2e/%2e%2e/site.yaml",
        "/events%2f..%2f..%2fsite.yaml",
        "/events%2F%2E%2E%2F%2E%2E%2Fsite.yaml",
        "/..%5csite.yaml",
        "/..\\site.yaml",
        "/events\\..\\..\\site.yaml",
        "//etc/passwd",
        "/./site.yaml",
        "/site.yaml",
        "/content/events/netzwerktreffen-2027.md",
        "/link.yaml",
        "/inhalt/events/netzwerktreffen-2027.md",
        "/%00",
        "/events/netzwerktreffen-2027/%2e%2e%2findex.html",
    ] {
        let r = server.get(path);
        assert!(
            r.status == 400 || r.status == 404,
            "{path}: status {}",
            r.status
        );
        let body = r.body_text();
        for s in secrets {
            assert!(!body.contains(s), "{path} leaked a source file");
        }
    }
    // No directory listings: a folder without index.html is a 404.
    assert_eq!(server.get("/docs/").status, 404);
    assert_eq!(server.get("/events/archive/").status, 404);
}

#[test]
fn base_path_and_non_loopback_warning() {
    let site = Site::example();
    site.edit(
        "site.yaml",
        "base_url: https://example.org/",
        "base_url: https://example.org/bildung/",
    );
    let mut server = Server::start(&site, &["--bind", "0.0.0.0"]);
    let port = server.base.rsplit(':').next().unwrap().to_string();
    let local = format!("127.0.0.1:{port}");
    let r = request(&local, "GET", "/");
    assert_eq!(r.status, 301);
    assert_eq!(r.header("Location"), Some("/bildung/"));
    let r = request(&local, "GET", "/bildung/events/");
    assert_eq!(r.status, 200);
    assert!(
        r.body_text()
            .contains("href=\"/bildung/events/netzwerktreffen-2027/\"")
    );
    assert_eq!(request(&local, "GET", "/events/").status, 404);
    // Absolute addresses point at the preview, with the path kept.
    let atom = request(&local, "GET", "/bildung/atom.xml").body_text();
    assert!(
        atom.contains(&format!(":{port}/bildung/atom.xml")),
        "{atom}"
    );
    std::thread::sleep(Duration::from_millis(100));
    let log = server.log_lines().join("\n");
    assert!(log.contains("warning: listening on 0.0.0.0"), "{log}");
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_cleanly() {
    let site = Site::example();
    let mut server = Server::start(&site, &[]);
    assert_eq!(server.get("/").status, 200);
    let pid = server.child.id().to_string();
    let sent = Command::new("kill").args(["-INT", &pid]).status().unwrap();
    assert!(sent.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            assert_eq!(status.code(), Some(0), "exit status after Ctrl-C");
            break;
        }
        assert!(Instant::now() < deadline, "serve did not stop on SIGINT");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A symbolic link out of the site saved while serving is the same error
/// as in a build, and what it leads to is not read (here: the whole file
/// system).
#[cfg(unix)]
#[test]
fn a_symlink_out_of_the_site_made_while_serving_is_an_error() {
    let site = Site::example();
    let root = site.root();
    let mut engine = Engine::new(root, Overrides::default());
    engine.full();
    assert!(!engine.has_errors());
    let link = root.join("content/alles");
    std::os::unix::fs::symlink("/", &link).unwrap();
    let report = engine.apply(&[link]);
    assert!(report.full, "a new link is rebuilt in full");
    let errors: Vec<String> = engine
        .diagnostics()
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.render(false))
        .collect();
    assert_eq!(
        errors,
        [
            "content/alles:1:1: error: `content/alles` is a symbolic link to `/`, outside the site folder: \
             tandem publishes only what is inside the site; copy the files into the site, or link to a place inside it\n"
        ]
    );
}

/// `tandem serve 2>&1 | head -2`: stderr closed once the address is
/// printed. Edits are still rebuilt and served (the rebuild messages
/// cannot be written), and SIGTERM still stops the server.
#[cfg(unix)]
#[test]
fn serve_goes_on_with_its_stderr_closed() {
    let site = Site::example();
    let root = site.root().to_string_lossy().into_owned();
    let mut child = site
        .command(&["serve", "--root", &root, "--port", "0"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let base = loop {
        let Some(Ok(line)) = lines.next() else {
            let _ = child.kill();
            panic!("serve did not print its address");
        };
        if let Some(at) = line.find("serving http://") {
            let host = line[at + "serving http://".len()..].split('/').next();
            break host.unwrap().to_string();
        }
    };
    drop(lines);
    let (_tx, log) = channel();
    let mut server = Server {
        child,
        base,
        log,
        early: Vec::new(),
    };
    let page = "/events/netzwerktreffen-2027/";
    for text in ["Erster neuer Absatz", "Zweiter neuer Absatz"] {
        site.edit(EVENT, "\n---\n", &format!("\n---\n{text}.\n\n"));
        server.wait_for(page, text);
    }
    let pid = server.child.id().to_string();
    let sent = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(sent.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            assert_eq!(status.code(), Some(0), "exit status after SIGTERM");
            break;
        }
        assert!(Instant::now() < deadline, "serve did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn refuses_a_folder_that_is_no_site() {
    let site = Site::empty();
    let root = site.root().to_string_lossy().into_owned();
    let run = site.run(&["serve", "--port", "0", "--root", &root]);
    run.assert_code(2);
    assert!(run.stderr.contains("site.yaml"), "{}", run.stderr);
}

// ---------------------------------------------------------------------------
// A real browser
// ---------------------------------------------------------------------------

/// Opens an event page in headless chromium (node + playwright-core), edits
/// the event's Markdown, and sees the page reload with the new text; breaks
/// the front matter and sees the error overlay; fixes it and sees it go.
#[test]
#[ignore = "needs node, chromium and `npm ci`; CI runs it with --include-ignored"]
fn browser_reloads_and_shows_the_error_overlay() {
    let browser = common::Browser::require(&["playwright-core"]);
    let chromium = browser.chromium;
    let script = repo().join("tests/browser_serve/run.mjs");
    let site = Site::example();
    let root = site.root();
    let mut server = Server::start(&site, &[]);
    let out = Command::new("node")
        .arg(&script)
        .arg(format!("http://{}", server.base))
        .arg(root)
        .env("CHROMIUM", &chromium)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "browser test failed:\n{stdout}\n{stderr}\nserver:\n{}",
        server.log_lines().join("\n")
    );
    eprintln!("{stdout}");
}

#[test]
fn serve_keeps_the_feed_budget_as_the_build_does() {
    // Five events allowed: three upcoming and two of the four past ones.
    let site = Site::weekly_events("  max_events: 5\n", 3, 4);
    let mut b = Bench::new(site.root());
    let p = site.write(
        "content/events/neu.md",
        "---\ntitle: Neu\nnetworks: [netz]\nlocation: Köln\nstart: 2027-03-01T10:00\n---\nNeu.\n",
    );
    b.step("an upcoming event pushes a past one out", &[p]);
    let p = site.edit("content/events/e000.md", "Text.", "Ein anderer Text.");
    b.step("a text edit in a feed at its budget", &[p]);
    // e004 is the most recent past event (2026-11-03).
    site.edit(
        "content/events/e004.md",
        "start: 2026-11-03",
        "start: 2027-11-03",
    );
    let p = site.edit(
        "content/events/e004.md",
        "end: 2026-11-03",
        "end: 2027-11-03",
    );
    b.step("a past event moves to the future", &[p]);
    // Upcoming events beyond the budget: the build warns, serve too.
    let mut added = Vec::new();
    for k in 0..3 {
        added.push(site.write(
            &format!("content/events/mehr{k}.md"),
            &format!(
                "---\ntitle: Mehr {k}\nnetworks: [netz]\nlocation: Köln\nstart: 2027-0{}-01\n---\n",
                k + 4
            ),
        ));
    }
    b.step("upcoming events over the budget", &added);
    assert!(
        b.engine
            .diagnostics()
            .iter()
            .any(|d| d.render(false).contains("keeps 5 of its 8 upcoming events")),
        "the warning: {:?}",
        b.engine
            .diagnostics()
            .iter()
            .map(|d| d.render(false))
            .collect::<Vec<_>>()
    );
    let p = site.edit(
        "content/events/e000.md",
        "Ein anderer Text.",
        "Noch ein Text.",
    );
    b.step("an edit while over the budget", &[p]);
    let removed: Vec<PathBuf> = (0..3)
        .map(|k| site.delete(&format!("content/events/mehr{k}.md")))
        .collect();
    b.step("back within the budget", &removed);
}

/// A site in two languages (the example) is rebuilt in full on an edit
/// of either language's file: both languages' pages follow, and the
/// output is a full build's.
#[test]
fn an_edit_of_either_language_reaches_both() {
    let site = Site::example();
    let root = site.root();
    let mut b = Bench::new(root);
    const EN: &str = "content/events/digit-ready-2-koeln.en.md";
    let p = site.edit(
        EN,
        "title: Organisational development",
        "title: Organisational change",
    );
    assert!(!b.step("English title", &[p]), "a full rebuild");
    let page = |rel: &str| String::from_utf8_lossy(&b.engine.files()[rel].bytes[..]).into_owned();
    assert!(page("en/events/digit-ready-2-koeln/index.html").contains("Organisational change"));
    assert!(
        page("events/digit-ready-2-koeln/index.html").contains("Organisationsentwicklung für MSO")
    );
    // A fact in the German file shows in both languages.
    let p = site.edit(PAST_EVENT, "start: 2022-03-19", "start: 2022-03-18");
    b.step("German date", &[p]);
    let page = |rel: &str| String::from_utf8_lossy(&b.engine.files()[rel].bytes[..]).into_owned();
    assert!(page("en/events/digit-ready-2-koeln/index.html").contains("18 March 2022"));
    assert!(page("events/digit-ready-2-koeln/index.html").contains("18. März 2022"));
}
