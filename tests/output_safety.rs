//! Output is never lost: a failed or killed build leaves the previous
//! output byte-identical, and tandem refuses output folders whose
//! replacement would destroy an author's files.

mod common;
use common::{Site, Snapshot};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn s(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// The folders an interrupted build may leave beside `out`.
fn leftovers(out: &Path) -> Vec<String> {
    let name = out.file_name().unwrap().to_string_lossy().into_owned();
    std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .map(|i| i.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&format!(".{name}.tandem-")))
        .collect()
}

/// The id of the event that sorts last: its page is among the last rendered.
fn last_event(site: &Site) -> String {
    let mut ids: Vec<String> = std::fs::read_dir(site.path("content/events"))
        .unwrap()
        .map(|i| i.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md") && n != "_index.md")
        .map(|n| n.trim_end_matches(".md").to_string())
        .collect();
    ids.sort();
    ids.pop().expect("the site has events")
}

#[test]
fn a_template_error_on_one_page_leaves_the_previous_output_byte_identical() {
    let site = Site::generated(60);
    site.build().assert_code(0);
    let out = site.path("output");
    let before = Snapshot::of(&out);
    assert!(before.files() > 50, "{} files", before.files());

    // Change content (so a build that went through would change the
    // output), and give the site its own event template that fails on one
    // page only: every other event page renders.
    let failing = last_event(&site);
    let site = site
        .file(
            "content/impressum.md",
            "---\ntitle: Impressum (neu)\n---\nGeändert.\n",
        )
        .file(
            "templates/event.html",
            &format!(
                "<!doctype html><html lang=\"de\"><title>{{{{ entry.title }}}}</title>\n\
                 {{% if entry.id == \"{failing}\" %}}{{{{ entry.no_such_field.x }}}}{{% endif %}}\n</html>\n"
            ),
        );
    let run = site.build();
    run.assert_code(1);
    let errors = run.errors();
    assert_eq!(errors.len(), 1, "{}", run.stderr);
    assert_eq!(errors[0].path, "templates/event.html");
    assert!(errors[0].text.contains("no_such_field"), "{}", run.stderr);
    // The findings are the template's (above); the closing line says
    // where the previous output stays.
    assert_eq!(
        run.stderr.lines().last(),
        Some(
            format!(
                "build failed: the previous output in {} is unchanged",
                out.display()
            )
            .as_str()
        ),
        "{}",
        run.stderr
    );

    let after = Snapshot::of(&out);
    assert!(before == after, "output changed: {}", before.diff(&after));
    assert!(leftovers(&out).is_empty(), "{:?}", leftovers(&out));
}

#[test]
fn sigkill_while_building_leaves_the_previous_output_byte_identical() {
    let site = Site::generated(100);
    site.build().assert_code(0);
    let out = site.path("output");
    let old = Snapshot::of(&out);

    // The new content and what its complete output looks like (built into
    // another folder), to tell a finished build from a broken one.
    let old_impressum = site.read("content/impressum.md");
    let site = site.file(
        "content/impressum.md",
        "---\ntitle: Impressum (neu)\n---\nGeändert.\n",
    );
    let reference = site.scratch().join("reference");
    let started = Instant::now();
    site.build_into(&reference, &[]).assert_code(0);
    let full = started.elapsed();
    let new = Snapshot::of(&reference);
    assert!(new != old);

    // Kill twice while the build renders, then at points after its new
    // sibling folder appeared, that is while it writes and swaps.
    let mut interrupted = 0;
    let mut while_writing = 0;
    let mut finished = 0;
    let plan = [
        (false, full / 10),
        (false, full / 3),
        (true, Duration::ZERO),
        (true, Duration::from_millis(1)),
        (true, Duration::from_millis(3)),
        (true, Duration::from_millis(10)),
        (true, Duration::from_millis(30)),
        (true, Duration::from_millis(100)),
        (true, Duration::from_millis(300)),
    ];
    for (after_fresh, delay) in plan {
        let mut child = site
            .command(&["build", "--root", &s(site.root())])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut saw_fresh = false;
        if after_fresh {
            // Wait (up to the whole build time, twice) for the sibling folder.
            let deadline = Instant::now() + full * 2 + Duration::from_secs(5);
            while Instant::now() < deadline {
                if leftovers(&out).iter().any(|n| n.contains("tandem-new-")) {
                    saw_fresh = true;
                    break;
                }
                if child.try_wait().unwrap().is_some() {
                    break;
                }
                std::thread::sleep(Duration::from_micros(200));
            }
        }
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL
        let status = child.wait().unwrap();
        let now = Snapshot::of(&out);
        if now == old {
            interrupted += 1;
            while_writing += usize::from(saw_fresh);
            continue;
        }
        assert!(
            now == new,
            "after a kill ({delay:?} after the new folder appeared: {saw_fresh}; {status}), the output is neither the previous nor the new one: {}",
            old.diff(&now)
        );
        // The swap was done before the kill (the process may have been
        // killed while removing the previous output or reporting): back
        // to the previous output for the next round.
        finished += 1;
        std::fs::write(site.path("content/impressum.md"), &old_impressum).unwrap();
        site.build().assert_code(0);
        assert!(Snapshot::of(&out) == old);
        std::fs::write(
            site.path("content/impressum.md"),
            "---\ntitle: Impressum (neu)\n---\nGeändert.\n",
        )
        .unwrap();
    }
    eprintln!(
        "{interrupted} builds killed midway ({while_writing} of them while writing), {finished} finished first (full build {full:?})"
    );
    assert!(
        while_writing >= 3,
        "too few builds were killed while writing"
    );

    // The next build cleans what the killed ones left and swaps in the new output.
    site.build().assert_code(0);
    assert!(Snapshot::of(&out) == new);
    assert!(leftovers(&out).is_empty(), "{:?}", leftovers(&out));
}

/// Runs `tandem build --output OUT` for a dangerous OUT and checks that it
/// is refused with exit status 2 and that nothing in the whole scratch
/// folder (site and surroundings) changed.
fn refused(site: &Site, out: &Path, because: &str) {
    let before = Snapshot::of(site.scratch());
    let run = site.build_into(out, &[]);
    run.assert_code(2);
    assert!(
        run.stderr.contains(because),
        "{}: expected {because:?} in\n{}",
        out.display(),
        run.stderr
    );
    let after = Snapshot::of(site.scratch());
    assert!(
        before == after,
        "{}: files changed: {}",
        out.display(),
        before.diff(&after)
    );
}

fn small_site() -> Site {
    Site::new()
        .file(
            "content/events/kickoff.md",
            "---\ntitle: Kick-off\nstart: 2027-03-10T10:00\nlocation: Köln\n---\nText.\n",
        )
        .file(
            "static/logo.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
        )
        .file("templates/.keep", "")
}

#[test]
fn refuses_the_site_root_and_its_source_folders() {
    let site = small_site();
    let root = site.root().to_path_buf();
    refused(&site, &root, "it is the site folder or contains it");
    refused(
        &site,
        &root.join("."),
        "it is the site folder or contains it",
    );
    refused(
        &site,
        &root.join("content"),
        "inside the site's `content/` folder",
    );
    refused(
        &site,
        &root.join("content/../content/events"),
        "inside the site's `content/` folder",
    );
    refused(&site, &root.join("static"), "`static/`");
    refused(&site, &root.join("templates"), "`templates/`");
    // Relative to the working folder (the site root).
    let run = site.run(&["build", "--output", "."]);
    run.assert_code(2);
    let run = site.run(&["build", "--output", "content"]);
    run.assert_code(2);
}

#[test]
fn refuses_an_ancestor_of_the_site() {
    let site = small_site();
    refused(
        &site,
        site.scratch(),
        "it is the site folder or contains it",
    );
    refused(
        &site,
        &site.root().join(".."),
        "it is the site folder or contains it",
    );
    refused(
        &site,
        Path::new("/"),
        "it is the site folder or contains it",
    );
}

#[test]
fn refuses_symlinks_to_the_site_and_its_folders() {
    let site = small_site();
    let to_root = site.scratch().join("link-to-root");
    let to_content = site.scratch().join("link-to-content");
    let to_parent = site.scratch().join("link-to-parent");
    std::os::unix::fs::symlink(site.root(), &to_root).unwrap();
    std::os::unix::fs::symlink(site.path("content"), &to_content).unwrap();
    std::os::unix::fs::symlink(site.scratch(), &to_parent).unwrap();
    refused(&site, &to_root, "it is the site folder or contains it");
    refused(&site, &to_content, "inside the site's `content/` folder");
    refused(&site, &to_parent, "it is the site folder or contains it");
    // Through a symlinked parent folder.
    refused(
        &site,
        &to_root.join("content"),
        "inside the site's `content/` folder",
    );
    // The same when the site itself is reached through a symlink.
    let run = site.run(&[
        "build",
        "--root",
        &s(&to_root),
        "--output",
        &s(&site.path("content")),
    ]);
    run.assert_code(2);
}

#[test]
fn refuses_a_non_empty_folder_tandem_did_not_create() {
    let site = small_site();
    let other = site.scratch().join("documents");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("letter.txt"), "Dear …").unwrap();
    refused(&site, &other, "not empty and was not made by tandem");
    // Nor a file.
    let file = site.scratch().join("notes.txt");
    std::fs::write(&file, "x").unwrap();
    refused(&site, &file, "is a file");
    // The default output folder, when something else put files there.
    std::fs::create_dir(site.path("output")).unwrap();
    std::fs::write(site.path("output/mine.html"), "mine").unwrap();
    let before = Snapshot::of(site.scratch());
    site.build().assert_code(2);
    assert!(before == Snapshot::of(site.scratch()));
}

#[test]
fn accepts_an_empty_folder_and_its_own_output() {
    let site = small_site();
    let out = site.scratch().join("public");
    std::fs::create_dir(&out).unwrap();
    site.build_into(&out, &[]).assert_code(0);
    assert!(out.join(".tandem-output").is_file());
    assert!(out.join("events/kickoff/index.html").is_file());
    // Its own output is replaced; a file that is no longer produced goes.
    let site = site.remove("static/logo.svg");
    assert!(out.join("logo.svg").is_file());
    site.build_into(&out, &[]).assert_code(0);
    assert!(!out.join("logo.svg").exists());
    assert!(leftovers(&out).is_empty());
    // Through a symlink to it, too; the symlink stays a symlink.
    let link = site.scratch().join("public-link");
    std::os::unix::fs::symlink(&out, &link).unwrap();
    site.build_into(&link, &[]).assert_code(0);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(out.join("events/kickoff/index.html").is_file());
}

#[test]
fn unchanged_files_keep_their_identity_across_builds() {
    let site = small_site();
    site.build().assert_code(0);
    let page = site.path("output/events/kickoff/index.html");
    let before = std::fs::metadata(&page).unwrap().modified().unwrap();
    std::thread::sleep(Duration::from_millis(20));
    site.build().assert_code(0);
    let after = std::fs::metadata(&page).unwrap().modified().unwrap();
    assert_eq!(before, after, "an unchanged page is not rewritten");
}

#[test]
fn an_output_folder_that_cannot_be_created_is_an_io_error() {
    let site = small_site();
    let blocker = site.scratch().join("a-file");
    std::fs::write(&blocker, "x").unwrap();
    let out: PathBuf = blocker.join("output");
    let run = site.build_into(&out, &[]);
    run.assert_code(3);
    run.assert_stderr("error: cannot create [SCRATCH]/a-file: File exists (os error 17); the previous output is unchanged\n");
}

#[test]
fn leftovers_of_a_dead_build_are_removed_by_the_next() {
    let site = small_site();
    site.build().assert_code(0);
    // What a build killed while writing leaves: a half-written sibling
    // (its pid long gone).
    let stale = site.root().join(".output.tandem-new-4194000");
    std::fs::create_dir_all(stale.join("events")).unwrap();
    std::fs::write(stale.join("events/half.html"), "<ht").unwrap();
    site.build().assert_code(0);
    assert!(!stale.exists());
    assert!(leftovers(&site.path("output")).is_empty());
}
