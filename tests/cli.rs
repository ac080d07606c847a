//! The command line as an author meets it: `check`, `init`, `new`, help
//! texts and exit statuses (content format, sections 7 and 8).

mod common;
use common::{Site, Snapshot};

#[test]
fn check_writes_nothing_and_exits_0_with_only_warnings() {
    let site = Site::new().file(
        "content/events/x.md",
        "---\ntitle: Ohne Ort\nstart: 2027-03-01\n---\nLorem ipsum.\n",
    );
    let before = Snapshot::of(site.scratch());
    let run = site.check();
    run.assert_code(0);
    assert_eq!(run.warnings().len(), 2, "{}", run.stderr);
    run.assert_stderr("content/events/x.md:2:1: warning: the event has no `location`: add `location: Ort` (a place, or `location: { online: https://… }`)\n2 | title: Ohne Ort\n  | ^\ncontent/events/x.md:5:1: warning: placeholder text (\"Lorem ipsum\") left in the page\n5 | Lorem ipsum.\n  | ^\n0 errors, 2 warnings\nchecked: no errors\n");
    assert!(before == Snapshot::of(site.scratch()), "check wrote files");
}

#[test]
fn check_exits_1_on_errors_and_writes_nothing() {
    let site = Site::new().file(
        "content/events/x.md",
        "---\ntitle: Kaputt\nstart: 2027-03-01\nlocaton: Köln\n---\n",
    );
    let before = Snapshot::of(site.scratch());
    let run = site.check();
    run.assert_code(1);
    run.diag(
        "content/events/x.md",
        4,
        Some(1),
        "error",
        "unknown key `locaton`: not a field of an event — did you mean `location`?",
    );
    assert!(before == Snapshot::of(site.scratch()));
}

#[test]
fn a_folder_without_site_yaml_is_wrong_usage() {
    let site = Site::empty();
    for cmd in ["check", "build"] {
        let run = site.run(&[cmd]);
        run.assert_code(2);
        run.assert_stderr("error: . is not a tandem site: it has no site.yaml (pass the site folder with --root, or create a site with `tandem init`)\n");
    }
    let run = site.run(&["check", "--root", "does-not-exist"]);
    run.assert_code(2);
    run.assert_stderr("error: the site folder does-not-exist does not exist\n");
    let run = site.run(&["new", "event", "Auftakt"]);
    run.assert_code(2);
    assert!(!site.path("content").exists(), "new wrote into a non-site");
}

#[test]
fn init_makes_a_site_that_builds_without_errors_or_warnings() {
    let site = Site::empty();
    let run = site.run(&["init", "x"]);
    run.assert_code(0);
    for f in [
        "site.yaml",
        "content/networks/mein-netzwerk.md",
        "content/partners/beispiel-partner.md",
        "content/projects/beispiel-projekt.md",
        "content/events/auftakt.md",
        "content/posts/willkommen.md",
    ] {
        assert!(site.path(&format!("x/{f}")).is_file(), "{f} missing");
    }
    let run = site.run(&["build", "--root", "x"]);
    run.assert_code(0);
    assert!(run.diagnostics().is_empty(), "{}", run.stderr);
    for page in [
        "index.html",
        "events/auftakt/index.html",
        "events/auftakt/event.ics",
        "partners/beispiel-partner/index.html",
        "networks/mein-netzwerk/calendar.ics",
        "projects/beispiel-projekt/index.html",
        "posts/willkommen/index.html",
        "calendar.ics",
        "atom.xml",
    ] {
        assert!(site.path(&format!("x/output/{page}")).is_file(), "{page}");
    }
    // Also without SOURCE_DATE_EPOCH (the real clock).
    let run = site
        .env("SOURCE_DATE_EPOCH", None)
        .run(&["check", "--root", "x"]);
    run.assert_code(0);
}

#[test]
fn init_in_the_current_empty_folder() {
    let site = Site::empty();
    site.run(&["init"]).assert_code(0);
    assert!(site.path("site.yaml").is_file());
    site.check().assert_code(0);
}

#[test]
fn init_refuses_a_non_empty_folder() {
    let site = Site::empty().file("x/notes.txt", "meine Notizen");
    let before = Snapshot::of(site.scratch());
    let run = site.run(&["init", "x"]);
    run.assert_code(2);
    run.assert_stderr(
        "error: x is not empty; choose a new folder, e.g. `tandem init mein-netzwerk`\n",
    );
    assert!(before == Snapshot::of(site.scratch()));
    // Nor over a file.
    let run = site.run(&["init", "x/notes.txt"]);
    run.assert_code(2);
    assert_eq!(site.read("x/notes.txt"), "meine Notizen");
}

#[test]
fn new_names_the_file_by_the_slug_of_the_title() {
    let site = Site::new();
    let run = site.run(&["new", "event", "Größe & Übermut"]);
    run.assert_code(0);
    let rel = "content/events/groesse-uebermut.md";
    assert!(site.path(rel).is_file(), "{}", run.stderr);
    assert!(run.stdout.trim().ends_with(rel), "{}", run.stdout);
    let text = site.read(rel);
    assert!(
        text.starts_with("---\ntitle: \"Größe & Übermut\"\n"),
        "{text}"
    );

    for (title, slug) in [
        (
            "Ärger über Öl: Straße 2027!",
            "aerger-ueber-oel-strasse-2027",
        ),
        ("  Netzwerk-Treffen (III) ", "netzwerk-treffen-iii"),
        ("Café crème", "cafe-creme"),
        // A long title gives a short id: its first words, up to 40 characters.
        (
            "Fachtag Berufsorientierung: Übergänge von der Schule in Ausbildung und Studium gemeinsam gestalten",
            "fachtag-berufsorientierung-uebergaenge",
        ),
    ] {
        site.run(&["new", "post", title]).assert_code(0);
        assert!(
            site.path(&format!("content/posts/{slug}.md")).is_file(),
            "{title} → {slug}"
        );
    }
}

#[test]
fn every_scaffold_parses_and_builds_as_it_is() {
    let site = Site::new();
    for kind in ["network", "partner", "project", "event", "post"] {
        site.run(&["new", kind, "Größe & Übermut"]).assert_code(0);
    }
    // Only warnings: the fields still to fill in.
    let run = site.check();
    run.assert_code(0);
    assert!(run.errors().is_empty(), "{}", run.stderr);
    run.diag(
        "content/events/groesse-uebermut.md",
        2,
        Some(1),
        "warning",
        "the event has no `location`: add `location: Ort` (a place, or `location: { online: https://… }`)",
    );
    site.build().assert_code(0);
    assert!(
        site.path("output/events/groesse-uebermut/index.html")
            .is_file()
    );
    // The event is dated four weeks after "now".
    assert!(
        site.read("content/events/groesse-uebermut.md")
            .contains("start: 2026-12-16T10:00"),
        "{}",
        site.read("content/events/groesse-uebermut.md")
    );
}

#[test]
fn a_filled_in_scaffold_builds_without_warnings() {
    let site = Site::new();
    site.run(&["new", "partner", "Bildungswerk"]).assert_code(0);
    site.run(&["new", "project", "Digit-Ready III"])
        .assert_code(0);
    site.run(&["new", "event", "Größe & Übermut"])
        .assert_code(0);
    let path = site.path("content/events/groesse-uebermut.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let filled = text
        .replace("\nsummary: ", "\nsummary: Ein Workshop. ")
        .replace("\nproject: ", "\nproject: digit-ready-iii ")
        .replace("\norganizers: []", "\norganizers: [bildungswerk]")
        .replace("\nlocation: ", "\nlocation: Köln ");
    std::fs::write(&path, filled).unwrap();
    let run = site.build();
    run.assert_code(0);
    assert!(run.diagnostics().is_empty(), "{}", run.stderr);
    let page = site.read("output/events/groesse-uebermut/index.html");
    assert!(page.contains("Größe &amp; Übermut"));
    assert!(page.contains("Köln"));
}

#[test]
fn new_refuses_to_overwrite() {
    let site = Site::new().file(
        "content/events/auftakt.md",
        "---\ntitle: Auftakt\nstart: 2027-03-01\nlocation: Hamm\n---\nMein Text.\n",
    );
    let before = site.read("content/events/auftakt.md");
    let run = site.run(&["new", "event", "Auftakt"]);
    run.assert_code(2);
    run.assert_stderr("error: ./content/events/auftakt.md exists already; it was left as it is\n");
    assert_eq!(site.read("content/events/auftakt.md"), before);
}

#[test]
fn new_rejects_unknown_kinds_and_empty_slugs() {
    let site = Site::new();
    let run = site.run(&["new", "evnt", "Auftakt"]);
    run.assert_code(2);
    run.assert_stderr("error: unknown kind `evnt` — did you mean `event`?; use network, partner, project, event or post\n");
    let run = site.run(&["new", "event", "!!!"]);
    run.assert_code(2);
    run.assert_stderr("error: the title `!!!` gives an empty file name; use letters or digits\n");
    // The plural folder name is accepted too.
    site.run(&["new", "events", "Auftakt"]).assert_code(0);
    assert!(site.path("content/events/auftakt.md").is_file());
}

#[test]
fn help_on_every_command() {
    let site = Site::empty();
    let run = site.run(&["--help"]);
    run.assert_code(0);
    assert!(run.stdout.contains("Exit status"), "{}", run.stdout);
    for cmd in ["init", "build", "serve", "check", "new"] {
        let run = site.run(&[cmd, "--help"]);
        run.assert_code(0);
        assert!(
            run.stdout.contains(&format!("Usage: tandem {cmd}")),
            "{cmd}: {}",
            run.stdout
        );
        let run = site.run(&["help", cmd]);
        run.assert_code(0);
    }
    for cmd in ["build", "check"] {
        let run = site.run(&[cmd, "--help"]);
        assert!(run.stdout.contains("--deny-warnings"), "{}", run.stdout);
        assert!(run.stdout.contains("--root"), "{}", run.stdout);
    }
}

#[test]
fn wrong_usage_exits_2() {
    let site = Site::new();
    site.run(&[]).assert_code(2);
    site.run(&["bild"]).assert_code(2);
    site.run(&["build", "--nope"]).assert_code(2);
    site.run(&["new", "event"]).assert_code(2);
    site.run(&["serve", "--port", "many"]).assert_code(2);
}

#[test]
fn a_content_file_that_cannot_be_read_is_exit_3() {
    let site = Site::new().file(
        "content/events/ok.md",
        "---\ntitle: Ok\nstart: 2027-03-01\nlocation: Hamm\n---\n",
    );
    std::os::unix::fs::symlink("nowhere.md", site.path("content/events/gone.md")).unwrap();
    let run = site.check();
    run.assert_code(3);
    run.diag("content/events/gone.md", 1, Some(1), "error", "cannot read: IO error for operation on [SCRATCH]/site/content/events/gone.md: No such file or directory (os error 2)");
    let run = site.build();
    run.assert_code(3);
    assert!(!site.path("output").exists());
}

#[test]
fn symlinked_content_is_followed() {
    let site = Site::new()
        .file(
            "shared/treffen.md",
            "---\ntitle: Treffen\nstart: 2027-03-01\nlocation: Hamm\n---\n",
        )
        .dir("content/events");
    std::os::unix::fs::symlink(
        site.path("shared/treffen.md"),
        site.path("content/events/treffen.md"),
    )
    .unwrap();
    site.build().assert_code(0);
    assert!(site.path("output/events/treffen/index.html").is_file());
}

/// `tandem build 2>&1 | head -1`: stderr closed after the first line, or
/// at once. Writing the findings fails, and the build still ends as it
/// would have (exit 0, the site written); `new` with its stdout closed
/// still writes its file.
#[test]
fn a_closed_stderr_or_stdout_does_not_end_the_run() {
    let mut site = Site::new();
    for i in 0..300 {
        // No `location`: a warning each.
        site = site.file(
            &format!("content/events/e{i}.md"),
            &format!("---\ntitle: Treffen {i}\nstart: 2027-03-01\n---\n"),
        );
    }
    let root = site.root().to_string_lossy().into_owned();
    for args in [
        vec!["build", "--root", &root],
        vec!["check", "--root", &root],
    ] {
        let mut child = site
            .command(&args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stderr.take());
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(0), "{args:?} with stderr closed");
    }
    assert!(site.path("output/events/e299/index.html").is_file());

    let mut child = site
        .command(&["new", "--root", &root, "event", "Neu"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    assert_eq!(
        child.wait().unwrap().code(),
        Some(0),
        "new with stdout closed"
    );
    assert!(site.path("content/events/neu.md").is_file());
}

/// A symbolic link under `content/` that leads outside the site is an
/// error at the link, and nothing behind it is read: a folder, a file,
/// the whole file system. A loop ends with an error, not a hang.
#[cfg(unix)]
#[test]
fn symlinks_out_of_the_site_are_errors_at_the_link() {
    use std::os::unix::fs::symlink;
    let site = Site::new().file(
        "content/events/ok.md",
        "---\ntitle: Ok\nstart: 2027-03-01\nlocation: Hamm\n---\n",
    );
    let outside = site.scratch().join("privat");
    std::fs::create_dir_all(outside.join("events")).unwrap();
    std::fs::write(
        outside.join("geheim.md"),
        "---\ntitle: Geheim\n---\nNur für mich.\n",
    )
    .unwrap();
    symlink(&outside, site.path("content/docs")).unwrap();
    symlink(
        outside.join("geheim.md"),
        site.path("content/events/geheim.md"),
    )
    .unwrap();
    symlink("/", site.path("content/alles")).unwrap();
    let run = site.check();
    run.assert_code(1);
    run.diag(
        "content/alles",
        1,
        Some(1),
        "error",
        "`content/alles` is a symbolic link to `/`, outside the site folder: tandem publishes only what is inside the site; copy the files into the site, or link to a place inside it",
    );
    run.diag(
        "content/events/geheim.md",
        1,
        Some(1),
        "error",
        "`content/events/geheim.md` is a symbolic link to `[SCRATCH]/privat/geheim.md`, outside the site folder: tandem publishes only what is inside the site; copy the files into the site, or link to a place inside it",
    );
    let d = run.diag(
        "content/docs",
        1,
        Some(1),
        "error",
        "`content/docs` is a symbolic link to `[SCRATCH]/privat`, outside the site folder: tandem publishes only what is inside the site; copy the files into the site, or link to a place inside it",
    );
    assert!(
        d.message.contains(&outside.to_string_lossy().into_owned()),
        "{}",
        d.message
    );
    assert_eq!(run.errors().len(), 3, "{}", run.stderr);
    let run = site.build();
    run.assert_code(1);
    assert!(!site.path("output").exists());

    // Loops: a link to itself, and one to a folder above it in the site.
    let site = Site::new().dir("content/events");
    symlink("selbst", site.path("content/selbst")).unwrap();
    symlink("..", site.path("content/events/hoch")).unwrap();
    let run = site.check();
    run.assert_code(3);
    run.diag("content/selbst", 1, Some(1), "error", "cannot read: IO error for operation on [SCRATCH]/site/content/selbst: Too many levels of symbolic links (os error 40)");
    run.diag("content/events/hoch", 1, Some(1), "error", "cannot read: File system loop found: [SCRATCH]/site/content/events/hoch points to an ancestor [SCRATCH]/site/content");
}

/// `image:` paths stay inside `static/`. `static/` is copied as it is,
/// without following links: one out of the site is an error where it
/// lies and where it is used as an image; one inside the site is left out
/// with a warning, and an error where it is used as an image.
#[cfg(unix)]
#[test]
fn images_and_static_files_stay_inside_the_site() {
    use std::os::unix::fs::symlink;
    let site = Site::new()
        .file(
            "content/partners/a.md",
            "---\ntitle: A\nimage: ../site.yaml\n---\n",
        )
        .file(
            "content/partners/b.md",
            "---\ntitle: B\nlogo: { src: /logo.png, alt: B }\n---\n",
        )
        .file(
            "content/partners/c.md",
            "---\ntitle: C\nimage: bilder/karte.svg\n---\n",
        )
        .file("assets/karte.svg", "<svg/>")
        .file("static/ok.txt", "ok");
    let outside = site.scratch().join("geheim.png");
    std::fs::write(&outside, "geheim").unwrap();
    symlink(&outside, site.path("static/logo.png")).unwrap();
    symlink(site.path("assets"), site.path("static/bilder")).unwrap();
    symlink(site.path("site.yaml"), site.path("static/site.yaml")).unwrap();
    let run = site.build();
    run.assert_code(1);
    run.diag(
        "content/partners/a.md",
        3,
        Some(8),
        "error",
        "image `../site.yaml` leads out of `static/`: give the path of a file inside `static/`, such as `bilder/foto.jpg`",
    );
    run.diag(
        "content/partners/b.md",
        3,
        Some(14),
        "error",
        "image `/logo.png` is a symbolic link to `[SCRATCH]/geheim.png`, outside the site folder: copy the file into `static/`",
    );
    run.diag(
        "content/partners/c.md",
        3,
        Some(8),
        "error",
        "image `bilder/karte.svg` is reached through a symbolic link, and links in `static/` are not copied: put the file itself there",
    );
    run.diag(
        "static/logo.png",
        1,
        Some(1),
        "error",
        "`static/logo.png` is a symbolic link to `[SCRATCH]/geheim.png`, outside the site folder: tandem publishes only what is inside the site; copy the files into the site, or link to a place inside it",
    );
    assert_eq!(run.errors().len(), 4, "{}", run.stderr);
    for link in ["static/bilder", "static/site.yaml"] {
        run.diag(
            link,
            1,
            Some(1),
            "warning",
            &format!(
                "`{link}` is a symbolic link, and links in `static/` are not followed: \
                 it is left out of the site; put the file itself there"
            ),
        );
    }

    // Without the link out and the images, the site builds; the links
    // inside it are left out.
    std::fs::remove_file(site.path("static/logo.png")).unwrap();
    let site = site
        .file("content/partners/a.md", "---\ntitle: A\n---\n")
        .file("content/partners/b.md", "---\ntitle: B\n---\n")
        .file("content/partners/c.md", "---\ntitle: C\n---\n");
    site.build().assert_code(0);
    assert_eq!(site.read("output/ok.txt"), "ok");
    for gone in ["output/logo.png", "output/bilder", "output/site.yaml"] {
        assert!(!site.path(gone).exists(), "{gone}");
    }
}
