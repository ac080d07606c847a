//! Every kind of problem an author can make is reported as
//! `path:line:col: message` at the offending key, value or link, with the
//! source line, all of them in one run (content format, section 7).

mod common;
use common::Site;

const EV: &str = "content/events/x.md";

/// A valid site with one network, two partners, one project and one
/// event, to which the tests add a broken file.
fn base() -> Site {
    Site::new()
        .file(
            "content/networks/hessenbildung.md",
            "---\ntitle: Hessenbildung\npartners: [bildungsturbo]\n---\n",
        )
        .file(
            "content/partners/bildungsturbo.md",
            "---\ntitle: Bildungsturbo\n---\n## Profil\n\nText.\n",
        )
        .file(
            "content/partners/bildungswerk.md",
            "---\ntitle: Bildungswerk\nnetworks: [hessenbildung]\n---\n",
        )
        .file(
            "content/projects/digit-ready-2.md",
            "---\ntitle: Digit-Ready II\nstart: 2026-01-01\nend: 2027-12-31\nlead: bildungsturbo\n---\n## Ziele und Vorgehen\n\nText.\n",
        )
        .file(
            "content/events/kickoff.md",
            "---\ntitle: Kick-off\nproject: digit-ready-2\nstart: 2027-03-10T10:00\nlocation: Köln\n---\n",
        )
}

/// `base()` plus `content/events/x.md` with this front matter and body.
fn event(front: &str, body: &str) -> Site {
    base().file(EV, &format!("---\n{front}---\n{body}"))
}

#[test]
fn the_base_site_is_clean() {
    let run = base().check();
    run.assert_code(0);
    assert!(run.diagnostics().is_empty(), "{}", run.stderr);
}

#[test]
fn malformed_yaml_points_at_the_line_and_names_the_unclosed_bracket() {
    let run = event(
        "title: Broken\norganizers: [bildungsturbo\nstart: 2027-03-01\n",
        "",
    )
    .check();
    run.assert_code(1);
    let d = run.diag(EV, 4, Some(6), "error", "invalid YAML: illegal placement of ':' indicator — the `[` on line 3 is not closed: add `]` at the end of that line");
    assert!(
        d.message.contains("the `[` on line 3 is not closed"),
        "{}",
        d.message
    );
    // The source line is shown with a caret under the column.
    assert!(d.text.contains("4 | start: 2027-03-01"), "{}", d.text);
    assert!(d.text.contains("  |      ^"), "{}", d.text);
    insta::assert_snapshot!("malformed_yaml", run.findings_text());
}

#[test]
fn an_unquoted_colon_in_a_title_gets_a_quoting_hint() {
    let run = event("title: Workshop: Teil 1\nstart: 2027-03-01\n", "").check();
    run.assert_code(1);
    run.diag(
        EV,
        2,
        Some(16),
        "error",
        "invalid YAML: mapping values are not allowed in this context — text with `: ` in it must be in quotes: `title: \"Workshop: Teil 1\"`",
    );
}

#[test]
fn unknown_key_suggests_the_nearest_known_key() {
    let run = event(
        "title: Unknown key\nstat: 2027-03-19T10:00\nlocation: Köln\n",
        "",
    )
    .check();
    run.assert_code(1);
    run.diag(
        EV,
        3,
        Some(1),
        "error",
        "unknown key `stat`: not a field of an event — did you mean `start`?",
    );
    // The misspelt `start` is not reported a second time as missing.
    assert_eq!(run.errors().len(), 1, "{}", run.stderr);
}

#[test]
fn a_date_that_is_not_a_date() {
    let run = event("title: Types\nstart: morgen früh\nlocation: Köln\n", "").check();
    run.assert_code(1);
    run.diag(
        EV,
        3,
        Some(8),
        "error",
        "`start`: `morgen früh` is not a date (YYYY-MM-DD) or a date and time (YYYY-MM-DDTHH:MM)",
    );
    // The right shape, but no such day or time.
    for (when, why) in [
        ("2027-02-30", "does not exist: February 2027 has 28 days"),
        (
            "2028-02-30T10:00",
            "does not exist: February 2028 has 29 days",
        ),
        ("2027-04-31", "does not exist: April 2027 has 30 days"),
        ("2027-00-10", "does not exist: there is no month 0"),
        (
            "2027-03-01T24:00",
            "is not a time of day: hours go from 00 to 23, minutes from 00 to 59",
        ),
    ] {
        let run = event(
            &format!("title: Types\nstart: {when}\nlocation: Köln\n"),
            "",
        )
        .check();
        assert_eq!(
            run.findings(),
            [format!(
                "content/events/x.md:3:8: error: `start`: `{when}` {why}"
            )],
            "{}",
            run.stderr
        );
    }
    // A year far off is a typo (and would bloat every calendar feed).
    let run = event(
        "title: Types\nstart: 9432-03-12T14:00\nlocation: Köln\n",
        "",
    )
    .check();
    run.diag(
        EV,
        3,
        Some(8),
        "error",
        "`start`: `9432-03-12T14:00` has a year outside 1900–2099: is it a typo?",
    );
    // From 2100 on, the time-zone data has no clock changes.
    let run = event(
        "title: Types\nstart: 2100-07-01T10:00\nlocation: Köln\n",
        "",
    )
    .check();
    assert_eq!(
        run.findings(),
        [
            "content/events/x.md:3:8: error: `start`: `2100-07-01T10:00` has a year after 2099: the time-zone data tandem uses ends there, so its time could not be told"
        ],
        "{}",
        run.stderr
    );
}

#[test]
fn text_where_a_list_belongs() {
    let run = event(
        "title: Types\nstart: 2027-03-01\norganizers: bildungsturbo\nlocation: Köln\n",
        "",
    )
    .check();
    run.assert_code(1);
    run.diag(
        EV,
        4,
        Some(13),
        "error",
        "`organizers` must be a list such as `[a, b]`, found text",
    );
}

#[test]
fn missing_required_field() {
    let run = event("start: 2027-03-01\nlocation: Köln\n", "").check();
    run.assert_code(1);
    run.diag(EV, 2, Some(1), "error", "missing required field `title`");

    let run = base()
        .file("content/posts/news.md", "---\ntitle: News\n---\nText\n")
        .check();
    run.assert_code(1);
    run.diag(
        "content/posts/news.md",
        2,
        Some(1),
        "error",
        "missing required field `date` (a post's publication date)",
    );

    let run = event("title:\nstart: 2027-03-01\nlocation: Köln\n", "").check();
    run.diag(
        EV,
        2,
        Some(1),
        "error",
        "`title` has no value: write it after the `:`",
    );
}

#[test]
fn unknown_reference_suggests_the_nearest_ids() {
    let run = event(
        "title: Ref\nproject: digit-redy-2\norganizers: [bildungsturbo, bildungs]\nstart: 2027-03-01\nlocation: Köln\n",
        "",
    )
    .check();
    run.assert_code(1);
    run.diag(
        EV,
        3,
        Some(10),
        "error",
        "unknown project `digit-redy-2` — did you mean `digit-ready-2`?",
    );
    let d = run.diag(
        EV,
        4,
        Some(29),
        "error",
        "unknown partner `bildungs` — did you mean `bildungswerk` or `bildungsturbo`?",
    );
    assert!(
        d.message.contains("`bildungsturbo`") && d.message.contains("`bildungswerk`"),
        "both near ids are suggested: {}",
        d.message
    );
    // An id of another kind is named as such.
    let run = event(
        "title: Ref\norganizers: [hessenbildung]\nstart: 2027-03-01\nlocation: Köln\n",
        "",
    )
    .check();
    run.diag(
        EV,
        3,
        Some(14),
        "error",
        "unknown partner `hessenbildung` (`hessenbildung` is a network, not a partner); there is no `content/partners/hessenbildung.md`",
    );
}

#[test]
fn dangling_at_link() {
    let run = event(
        "title: Link\nstart: 2027-03-01\nlocation: Köln\n",
        "Erste Zeile.\n\nMehr beim [Träger](@/partners/bildungsturbo-gmbh.md).\n",
    )
    .check();
    run.assert_code(1);
    run.diag(
        EV,
        8,
        Some(11),
        "error",
        "broken link `@/partners/bildungsturbo-gmbh.md`: there is no file `content/partners/bildungsturbo-gmbh.md`",
    );
}

#[test]
fn missing_anchor() {
    let run = event(
        "title: Anchor\nstart: 2027-03-01\nlocation: Köln\n",
        "Siehe [Ziele](@/projects/digit-ready-2.md#ziele).\n",
    )
    .check();
    run.assert_code(1);
    run.diag(
        EV,
        6,
        Some(7),
        "error",
        "broken anchor `#ziele`: content/projects/digit-ready-2.md has no heading with that id — did you mean `#ziele-und-vorgehen`?",
    );
}

#[test]
fn duplicate_ids_name_both_files() {
    let run = base()
        .file(
            "content/events/a.md",
            "---\ntitle: A\nstart: 2027-03-01\nlocation: X\n---\n",
        )
        .file(
            "content/events/sub/a.md",
            "---\ntitle: A again\nstart: 2027-03-02\nlocation: X\n---\n",
        )
        .check();
    run.assert_code(1);
    let d = run.diag(
        "content/events/sub/a.md",
        1,
        Some(1),
        "error",
        "duplicate event id `a`: content/events/a.md and content/events/sub/a.md both have it (ids come from file names and must be unique within `content/events`): rename one of them",
    );
    assert!(
        d.message.contains("content/events/a.md") && d.message.contains("content/events/sub/a.md"),
        "{}",
        d.message
    );
    assert!(
        d.text.contains("note: content/events/a.md:1:1"),
        "{}",
        d.text
    );
    insta::assert_snapshot!("duplicate_ids", run.findings_text());
    // Reported once, not again for every address both would write.
    assert_eq!(run.errors().len(), 1, "{}", run.stderr);
}

#[test]
fn end_before_start() {
    let run = event(
        "title: Span\nstart: 2027-03-05T10:00\nend: 2027-03-04T12:00\nlocation: X\n",
        "",
    )
    .check();
    run.assert_code(1);
    run.diag(
        EV,
        4,
        Some(6),
        "error",
        "the event ends (2027-03-04T12:00) before it starts (2027-03-05T10:00)",
    );
    // The same for a project's funding period.
    let run = base()
        .file(
            "content/projects/p.md",
            "---\ntitle: P\nstart: 2027-01-01\nend: 2026-12-31\n---\n",
        )
        .check();
    run.diag(
        "content/projects/p.md",
        4,
        Some(6),
        "error",
        "the funding period ends (2026-12-31) before it starts (2027-01-01)",
    );
}

#[test]
fn invalid_timezone_and_the_other_errors_of_the_file() {
    let run = event(
        "title: Zone\nstart: 2027-03-05T10:00\nend: 2027-03-04T12:00\ntimezone: Europe/Berln\nlocation: X\n",
        "",
    )
    .check();
    run.assert_code(1);
    run.diag(
        EV,
        5,
        Some(11),
        "error",
        "unknown time zone `Europe/Berln`: use an IANA name such as Europe/Berlin — did you mean `Europe/Berlin`?",
    );
    // The bad zone does not hide the end before the start.
    run.diag(
        EV,
        4,
        Some(6),
        "error",
        "the event ends (2027-03-04T12:00) before it starts (2027-03-05T10:00)",
    );
}

#[test]
fn invalid_rrule() {
    let run = event(
        "title: Rule\nstart: 2027-03-03T18:00\nrecurrence: FREQ=WEEKLY;BYDAI=WE;COUNT=3\nlocation: X\n",
        "",
    )
    .check();
    run.assert_code(1);
    run.diag(
        EV,
        4,
        Some(13),
        "error",
        "invalid `recurrence`: unknown rule part `BYDAI` — did you mean `BYDAY`?",
    );
    // A letter outside ASCII is an error, not a crash of the expander.
    let run = event(
        "title: Rule\nstart: 2027-03-03T18:00\nrecurrence: FREQ=WEEKLY;BYDAY=MÖ;COUNT=3\nlocation: X\n",
        "",
    )
    .check();
    run.diag(
        EV,
        4,
        Some(13),
        "error",
        "invalid `recurrence`: `Ö` cannot be in a rule: it is written with ASCII letters, digits and `;=,+-`",
    );
    let run = event(
        "title: Rule\nstart: 2027-03-03T18:00\nrecurrence: FREQ=WEEKLY\nlocation: X\n",
        "",
    )
    .check();
    run.diag(
        EV,
        4,
        Some(13),
        "error",
        "invalid `recurrence`: a series must end: add `COUNT=n` or `UNTIL=YYYYMMDD`",
    );
    let run = event(
        "title: Rule\nstart: 2027-03-03T18:00\nrecurrence: FREQ=YEARLY;INTERVAL=100;COUNT=5\nlocation: X\n",
        "",
    )
    .check();
    run.diag(
        EV,
        4,
        Some(13),
        "error",
        "invalid `recurrence`: the series runs until 2127-03-03, past the year 2099: give a smaller `COUNT` or an `UNTIL`",
    );
    // An end before the start, in the author's terms.
    for (start, shown) in [
        ("2027-03-03T18:00", "2027-03-03T18:00"),
        ("2027-03-03", "2027-03-03"),
    ] {
        let run = event(
            &format!(
                "title: Rule\nstart: {start}\nrecurrence: FREQ=WEEKLY;UNTIL=20270301\nlocation: X\n"
            ),
            "",
        )
        .check();
        run.assert_code(1);
        assert_eq!(
            run.findings(),
            [format!(
                "content/events/x.md:4:13: error: invalid `recurrence`: UNTIL `20270301` is before the start ({shown}): the series would have no dates; give an UNTIL on or after the first date"
            )],
            "{}",
            run.stderr
        );
    }
}

#[test]
fn start_together_with_sessions() {
    let run = event(
        "title: Both\nstart: 2027-03-05T10:00\nsessions:\n  - { start: 2027-03-06T10:00 }\nlocation: X\n",
        "",
    )
    .check();
    run.assert_code(1);
    run.diag(
        EV,
        4,
        Some(1),
        "error",
        "an event has `start` or `sessions`, not both (`start` is on line 3): move that date into `sessions`",
    );
}

/// Links in fields (content format §3): only `https://`/`http://` (and
/// `mailto:` for a registration) reach a page; anything else is an error
/// at the value that says what to write instead.
#[test]
fn links_in_fields_must_be_web_addresses() {
    let net = "content/networks/n.md";
    let partner = "content/partners/p.md";
    let project = "content/projects/pr.md";
    let reg = "content/events/reg.md";
    let run = base()
        .file(net, "---\ntitle: N\nwebsite: www.bildungsturbo.de\n---\n")
        .file(
            partner,
            "---\ntitle: P\nwebsite: \"javascript:alert(13)\"\nlogo: \"data:image/png;base64,AAAA\"\ncontact: { name: Anna, email: \"mailto:anna@example.org\" }\n---\n",
        )
        .file(
            project,
            "---\ntitle: Pr\nwebsite: \"  JaVaScRiPt:alert(1)\"\nimage: { src: \"ftp://example.org/x.png\", alt: X }\n---\n",
        )
        .file(
            EV,
            "---\ntitle: X\nstart: 2027-03-05T10:00\nregistration: per E-Mail an info@example.org\nlocation: { name: Haus, url: \"vbscript:msgbox(1)\", online: /zoom }\ncontact: { email: Anna <anna@example.org> }\n---\n",
        )
        .file(
            reg,
            "---\ntitle: R\nstart: 2027-03-05T10:00\nlocation: { online: \"https:zoom.us/j/1\" }\nregistration: \"javascript:alert(13)\"\n---\n",
        )
        .check();
    run.assert_code(1);
    run.diag(net, 3, Some(10), "error", "`website`: `www.bildungsturbo.de` is not a whole web address: write `https://www.bildungsturbo.de`");
    run.diag(partner, 3, Some(10), "error", "`website`: `javascript:` links are not allowed: write a web address starting with `https://`");
    run.diag(
        partner,
        4,
        Some(7),
        "error",
        "`logo`: `data:` links are not allowed: write a web address starting with `https://`, or put the file into `static/` and write its path",
    );
    run.diag(
        partner,
        5,
        Some(31),
        "error",
        "`email`: write the address alone, without `mailto:`: `email: anna@example.org`",
    );
    run.diag(
        project,
        3,
        Some(10),
        "error",
        "`website`: `JaVaScRiPt:` links are not allowed: write a web address starting with `https://`",
    );
    run.diag(project, 4, Some(15), "error", "`image`: `ftp:` links are not allowed: write a web address starting with `https://`, or put the file into `static/` and write its path");
    run.diag(EV, 4, Some(15), "error", "`registration`: `per E-Mail an info@example.org` is not a link: write `mailto:info@example.org`");
    run.diag(
        EV,
        5,
        Some(30),
        "error",
        "`url`: `vbscript:` links are not allowed: write a web address starting with `https://`",
    );
    run.diag(
        EV,
        5,
        Some(60),
        "error",
        "`online`: `/zoom` is not a whole web address: write it with `https://` and the host, such as `https://example.org/zoom`",
    );
    run.diag(
        EV,
        6,
        Some(19),
        "error",
        "`email`: `Anna <anna@example.org>` is more than an address: write only `anna@example.org` (a name goes into `name`)",
    );
    run.diag(
        reg,
        4,
        Some(21),
        "error",
        "`online`: `https:zoom.us/j/1` is not a whole web address: write `https://zoom.us/j/1`",
    );
    run.diag(reg, 5, Some(15), "error", "`registration`: `javascript:` links are not allowed: write the address of a web page (`https://…`) or an e-mail link (`mailto:…`)");
    // One error per wrong link, and no follow-on ones (such as an "empty location").
    assert_eq!(run.errors().len(), 12, "{}", run.stderr);
}

/// What the link rules let through reaches the page as written; an image
/// on another host is a warning, as embeds are.
#[test]
fn good_links_reach_the_page() {
    let site = base().file(
        EV,
        "---\ntitle: X\nstart: 2027-03-05T10:00\nlocation: Köln\nregistration: \"mailto:info@example.org?subject=Anmeldung\"\nimage: { src: \"https://cdn.example.org/x.png\", alt: Bild }\n---\n",
    );
    let run = site.build();
    run.assert_code(0);
    run.diag(
        EV,
        6,
        Some(15),
        "warning",
        "`image` loads from another host: visitors' browsers contact it, and the image breaks when that host changes; put the file into `static/` and write its path",
    );
    let html = site.read("output/events/x/index.html");
    assert!(
        html.contains(r#"href="mailto:info@example.org?subject=Anmeldung""#),
        "{html}"
    );
    assert!(
        html.contains(r#"src="https://cdn.example.org/x.png""#),
        "{html}"
    );
}

#[test]
fn bad_site_yaml() {
    let run = base()
        .file(
            "site.yaml",
            "titel: Testnetz\nbase_url: example.org\nlanguage: fr\ncalendar:\n  refresh: 1 day\n",
        )
        .check();
    run.assert_code(1);
    run.diag(
        "site.yaml",
        1,
        Some(1),
        "error",
        "unknown key `titel`: not a site setting — did you mean `title`?",
    );
    run.diag(
        "site.yaml",
        2,
        Some(11),
        "error",
        "`base_url` must be an absolute http(s) URL such as https://example.org/, found `example.org`",
    );
    run.diag(
        "site.yaml",
        3,
        Some(11),
        "error",
        "unknown language `fr`; use `de` or `en`",
    );
    run.diag(
        "site.yaml",
        5,
        Some(12),
        "error",
        "`refresh` must be an ISO 8601 duration such as P1D or P2Y, found `1 day`",
    );
    assert_eq!(run.errors().len(), 4, "{}", run.stderr);

    let run = base()
        .file(
            "site.yaml",
            "title: Testnetz\nbase_url: [https://example.org/\n",
        )
        .check();
    run.assert_code(1);
    let d = run.errors().remove(0);
    assert_eq!(d.path, "site.yaml");
    assert!(d.message.starts_with("invalid YAML"), "{}", d.message);
    assert!(
        d.message.contains("the `[` on line 2 is not closed"),
        "{}",
        d.message
    );
}

#[test]
fn template_syntax_error_names_the_template_and_line() {
    let run = base()
        .file(
            "templates/event.html",
            "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ entry.title }</h1>\n{% endblock content %}\n",
        )
        .check();
    run.assert_code(1);
    let d = run.diag(
        "templates/event.html",
        3,
        Some(20),
        "error",
        "template error in `event.html`: Found `}` but expected }}.",
    );
    assert!(d.text.contains("event.html"), "{}", d.text);
    insta::assert_snapshot!("template_syntax_error", run.findings_text());
}

#[test]
fn template_runtime_error_points_at_the_template_line_and_column() {
    let run = base()
        .file(
            "templates/event.html",
            "<!doctype html>\n<title>{{ entry.title }}</title>{{ entry.no_such_field.x }}\n",
        )
        .check();
    run.assert_code(1);
    let d = run.diag(
        "templates/event.html",
        2,
        Some(42),
        "error",
        "template error in `event.html`: Field `no_such_field` is not defined. Available fields: about, add_links, all_day, contact, content, date, dates_count, day, description, draft, end, ends_at, events_past, events_upcoming, extra, has_sessions, hybrid, ics_url, id, image, is_series, json_ld, kind, lead, location, month, month_label, month_short, more_dates, network_ids, networks, next_dates, occurrences, online, organizers, other_zone, partners, past, permalink, place, posts, project, project_id, project_title, projects, registration, registration_open, show_timezone, skipped_dates, source, start, status, status_label, summary, tags, text_lang, timezone, title, toc, updated, url, weekday, when, when_long, year",
    );
    assert!(d.text.contains("no_such_field"), "{}", d.text);
    insta::assert_snapshot!("template_runtime_error", run.findings_text());
}

#[test]
fn error_inside_a_component_says_where_it_was_called() {
    let run = base()
        .file(
            "templates/event.html",
            "<!doctype html>\n<title>{{ entry.title }}</title>\n{{ <inline_list entries={42} /> }}\n",
        )
        .check();
    run.assert_code(1);
    let d = run
        .errors()
        .into_iter()
        .find(|d| d.text.contains("template error"))
        .unwrap_or_else(|| panic!("no template error\n{}", run.stderr));
    assert!(d.path.contains("components.html"), "{}: {}", d.path, d.text);
    assert!(d.text.contains("called from event.html:3:"), "{}", d.text);
}

#[test]
fn error_inside_a_cached_component_points_into_the_component() {
    let run = base()
        .file(
            "templates/parts.html",
            "{% component broken(e) %}<p>\n{{ e.no_such_field.x }}</p>{% endcomponent broken %}\n",
        )
        .file(
            "templates/event.html",
            "<!doctype html>\n<title>{{ entry.title }}</title>\n{{ component_cached(name=\"broken\", e=entry) }}\n",
        )
        .check();
    run.assert_code(1);
    let d = run.diag(
        "templates/parts.html",
        2,
        Some(6),
        "error",
        "template error in `parts.html`: Field `no_such_field` is not defined. Available fields: about, add_links, all_day, contact, content, date, dates_count, day, description, draft, end, ends_at, events_past, events_upcoming, extra, has_sessions, hybrid, ics_url, id, image, is_series, json_ld, kind, lead, location, month, month_label, month_short, more_dates, network_ids, networks, next_dates, occurrences, online, organizers, other_zone, partners, past, permalink, place, posts, project, project_id, project_title, projects, registration, registration_open, show_timezone, skipped_dates, source, start, status, status_label, summary, tags, text_lang, timezone, title, toc, updated, url, weekday, when, when_long, year",
    );
    assert!(d.text.contains("no_such_field"), "{}", d.text);
    assert!(d.text.contains("called from event.html:3:"), "{}", d.text);
    insta::assert_snapshot!("error_inside_a_cached_component", run.findings_text());
}

#[test]
fn warnings_do_not_stop_the_build_unless_denied() {
    let site = base()
        .file(
            "content/events/w.md",
            "---\ntitle: Warn\nproject: digit-ready-2\nstart: 2025-03-05T10:00\nregistration: https://example.org/anmeldung\n---\nLorem ipsum dolor sit amet.\n",
        )
        .file("content/partners/einsam.md", "---\ntitle: Einsam\n---\n");
    let run = site.check();
    run.assert_code(0);
    let w = "content/events/w.md";
    run.diag(w, 2, Some(1), "warning", "the event has no `location`: add `location: Ort` (a place, or `location: { online: https://… }`)");
    run.diag(
        w,
        4,
        Some(8),
        "warning",
        "2025-03-05 lies outside the funding period of project `digit-ready-2` (2026-01-01 – 2027-12-31)",
    );
    run.diag(
        w,
        5,
        Some(1),
        "warning",
        "the event is over but still has a `registration` link",
    );
    run.diag(
        w,
        7,
        Some(1),
        "warning",
        "placeholder text (\"Lorem ipsum\") left in the page",
    );
    run.diag(
        "content/partners/einsam.md",
        2,
        Some(1),
        "warning",
        "partner `einsam` is not referred to by any network, project, event or post: its page is reachable only from the partner list",
    );
    assert_eq!(run.warnings().len(), 5, "{}", run.stderr);
    assert!(run.errors().is_empty());
    assert!(
        run.stderr.lines().any(|l| l == "0 errors, 5 warnings"),
        "{}",
        run.stderr
    );

    // A build with warnings writes the site.
    site.build().assert_code(0);
    assert!(site.path("output/events/w/index.html").is_file());

    // --deny-warnings: the same findings are errors, and nothing is written.
    let root = site.root().to_string_lossy().into_owned();
    let run = site.run(&["check", "--root", &root, "--deny-warnings"]);
    run.assert_code(1);
    assert_eq!(run.errors().len(), 5, "{}", run.stderr);
    assert!(
        run.stderr.lines().any(|l| l
            == "5 errors (5 of them warnings turned into errors by --deny-warnings), 0 warnings"),
        "{}",
        run.stderr
    );
    let before = common::Snapshot::of(&site.path("output"));
    let site = site.file(
        "content/events/w.md",
        "---\ntitle: Warn, edited\nproject: digit-ready-2\nstart: 2025-03-05T10:00\nregistration: https://example.org/anmeldung\n---\nLorem ipsum.\n",
    );
    let run = site.run(&["build", "--root", &root, "--deny-warnings"]);
    run.assert_code(1);
    assert_eq!(common::Snapshot::of(&site.path("output")), before);
}

/// A series or sessions outside the funding period (2026-01-01 –
/// 2027-12-31): the warning points at `recurrence` or at each session and
/// names every date outside, not just the first.
#[test]
fn dates_outside_the_funding_period_of_a_series_or_of_sessions() {
    let series = "content/events/reihe.md";
    let run = base()
        .file(
            series,
            "---\ntitle: Reihe\nproject: digit-ready-2\nstart: 2027-12-01T10:00\nlocation: Köln\nrecurrence: FREQ=WEEKLY;COUNT=12\n---\n",
        )
        .file(
            EV,
            "---\ntitle: Sessions\nproject: digit-ready-2\nlocation: Köln\nsessions:\n  - { start: 2025-12-30T10:00 }\n  - { start: 2027-03-01T10:00 }\n  - { start: 2028-01-05 }\n---\n",
        )
        .check();
    run.assert_code(0);
    run.diag(
        series,
        6,
        Some(13),
        "warning",
        "7 of 12 dates of the series lie outside the funding period of project `digit-ready-2` (2026-01-01 – 2027-12-31): 2028-01-05, 2028-01-12, 2028-01-19, 2028-01-26, 2028-02-02, and 2 more",
    );
    run.diag(
        EV,
        6,
        Some(5),
        "warning",
        "this session (2025-12-30) lies outside the funding period of project `digit-ready-2` (2026-01-01 – 2027-12-31)",
    );
    run.diag(
        EV,
        8,
        Some(5),
        "warning",
        "this session (2028-01-05) lies outside the funding period of project `digit-ready-2` (2026-01-01 – 2027-12-31)",
    );
    assert_eq!(run.warnings().len(), 3, "{}", run.stderr);
}

#[test]
fn a_session_without_a_place_is_pointed_at() {
    let run = event(
        "title: Reihe\nsessions:\n  - { start: 2027-03-01T10:00, location: Köln }\n  - { start: 2027-03-08T10:00 }\n",
        "",
    )
    .check();
    run.assert_code(0);
    run.diag(EV, 5, Some(5), "warning", "this session has no `location`, and the event none either: add `location: Ort` (a place, or `location: { online: https://… }`)");
}

#[test]
fn two_sessions_at_one_start_without_ids_are_pointed_at() {
    let run = event(
        "title: Parallel\nlocation: Köln\nsessions:\n  - { start: 2027-03-01T10:00 }\n  - { start: 2027-03-01T10:00 }\n  - { start: 2027-03-01T10:00, id: raum-b }\n",
        "",
    )
    .check();
    run.assert_code(0);
    run.diag(
        EV,
        6,
        Some(5),
        "warning",
        "another session starts at the same time: give both an `id` (such as `id: raum-a`) so that calendars keep them apart",
    );
    let twins = run
        .warnings()
        .into_iter()
        .filter(|d| d.text.contains("same time"))
        .count();
    assert_eq!(twins, 1, "{}", run.stderr);
}

#[test]
fn every_problem_of_several_files_in_one_run() {
    let run = base()
        // Four problems in one file.
        .file(
            EV,
            "---\ntitle: Many\nstat: 2027-03-01\nstart: 2027-03-05T10:00\nend: 2027-03-04T10:00\norganizers: [nobody]\nstatus: ausgebucht\n---\nSee [x](@/partners/nope.md).\n",
        )
        // One more in another file, and a YAML error in a third.
        .file(
            "content/partners/p.md",
            "---\ntitle: P\nnetworks: [hessenbild]\n---\n",
        )
        .file("content/posts/broken.md", "---\ntitle: [x\ndate: 2027-01-01\n---\n")
        // And a bad setting.
        .file("site.yaml", &format!("{}theme_color: red\n", common::SITE_YAML))
        .check();
    run.assert_code(1);
    run.diag(
        EV,
        3,
        Some(1),
        "error",
        "unknown key `stat`: not a field of an event — did you mean `start`?",
    );
    run.diag(
        EV,
        5,
        Some(6),
        "error",
        "the event ends (2027-03-04T10:00) before it starts (2027-03-05T10:00)",
    );
    run.diag(
        EV,
        6,
        Some(14),
        "error",
        "unknown partner `nobody`; there is no `content/partners/nobody.md`",
    );
    run.diag(EV, 7, Some(9), "error", "unknown status `ausgebucht`; use one of scheduled, cancelled, postponed, full, moved-online");
    run.diag(
        EV,
        9,
        Some(5),
        "error",
        "broken link `@/partners/nope.md`: there is no file `content/partners/nope.md`",
    );
    run.diag(
        "content/partners/p.md",
        3,
        Some(12),
        "error",
        "unknown network `hessenbild` — did you mean `hessenbildung`?",
    );
    run.diag("content/posts/broken.md", 3, None, "error", "invalid YAML: illegal placement of ':' indicator — the `[` on line 2 is not closed: add `]` at the end of that line");
    run.diag(
        "site.yaml",
        9,
        Some(1),
        "error",
        "unknown key `theme_color`: not a site setting — did you mean `theme`?",
    );
    assert_eq!(run.errors().len(), 8, "{}", run.stderr);
}

#[test]
fn bom_and_crlf_keep_positions() {
    let run = base()
        .bytes(
            EV,
            b"\xef\xbb\xbf---\r\ntitle: Windows\r\nstart: 2027-13-01\r\nlocation: X\r\n---\r\nText\r\n",
        )
        .check();
    run.assert_code(1);
    run.diag(
        EV,
        3,
        Some(8),
        "error",
        "`start`: `2027-13-01` does not exist: there is no month 13",
    );
}

#[test]
fn a_file_that_is_not_utf8_or_has_no_front_matter() {
    let run = base()
        .bytes(EV, b"---\ntitle: Caf\xe9\n---\n")
        .file("content/events/plain.md", "# Nur Text\n")
        .file("content/events/open.md", "---\ntitle: Offen\n")
        .check();
    run.assert_code(1);
    run.diag(
        EV,
        2,
        Some(1),
        "error",
        "the file is not UTF-8 text: save it as UTF-8",
    );
    run.diag(
        "content/events/plain.md",
        1,
        Some(1),
        "error",
        "missing front matter: the file must start with a line `---`, then `title: …`, then `---`",
    );
    run.diag(
        "content/events/open.md",
        1,
        Some(1),
        "error",
        "the front matter is not closed: add a line `---` after the last field",
    );
}

#[test]
fn no_colours_without_a_terminal_or_with_no_color() {
    let site = event("title: X\nstat: 2027-03-01\n", "");
    let run = site.check();
    assert!(!run.stderr.is_empty());
    assert!(!run.stderr.contains('\x1b'), "piped output has no escapes");
    let run = site.env("NO_COLOR", Some("1")).check();
    assert!(!run.stderr.contains('\x1b'));
}

/// On a terminal (faked with util-linux's `script`, part of every Linux
/// system this runs on) colours appear, and `NO_COLOR` turns them off.
/// Without `script` the test fails rather than passing unrun.
#[cfg(target_os = "linux")]
#[test]
fn colours_on_a_terminal_unless_no_color() {
    let script = std::path::Path::new("/usr/bin/script");
    assert!(
        script.is_file(),
        "no /usr/bin/script (util-linux) to fake a terminal with"
    );
    let site = event("title: X\nstat: 2027-03-01\n", "");
    let cmd = format!(
        "{} check --root {}",
        env!("CARGO_BIN_EXE_tandem"),
        site.root().display()
    );
    let run_tty = |no_color: Option<&str>| {
        let mut c = std::process::Command::new(script);
        c.args(["-qec", &cmd, "/dev/null"]).env_remove("NO_COLOR");
        if let Some(v) = no_color {
            c.env("NO_COLOR", v);
        }
        let out = c.output().expect("run script");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let coloured = run_tty(None);
    assert!(
        coloured.contains("unknown key"),
        "`script` did not run the command: {coloured:?}"
    );
    assert!(coloured.contains("\x1b["), "{coloured:?}");
    let plain = run_tty(Some("1"));
    assert!(plain.contains("unknown key"), "{plain:?}");
    assert!(!plain.contains("\x1b["), "{plain:?}");
}

/// The short version of the fuzz target (`fuzz/`, see docs/authoring.md):
/// a generated site, mutated line- and byte-wise, goes through loading,
/// relation resolution, warnings and Markdown without a panic. Whatever
/// the mutation, problems must come out as diagnostics.
mod mutated_sites {
    use proptest::prelude::*;
    use std::sync::OnceLock;

    type Files = Vec<(String, Vec<u8>)>;

    /// site.yaml and the Markdown files of a generated site, read once.
    fn seed() -> &'static (String, Files) {
        static SEED: OnceLock<(String, Files)> = OnceLock::new();
        SEED.get_or_init(|| {
            let site = super::Site::generated(20);
            let mut files = Vec::new();
            let mut stack = vec![site.path("content")];
            while let Some(dir) = stack.pop() {
                for item in std::fs::read_dir(&dir).unwrap() {
                    let path = item.unwrap().path();
                    if path.is_dir() {
                        stack.push(path);
                    } else {
                        let rel = path
                            .strip_prefix(site.root())
                            .unwrap()
                            .to_string_lossy()
                            .into_owned();
                        files.push((rel, std::fs::read(&path).unwrap()));
                    }
                }
            }
            // In two languages, with English words for a few entries,
            // so that mutations reach the translations' reader too.
            let english: Vec<(String, Vec<u8>)> = files
                .iter()
                .filter(|(rel, _)| rel.ends_with(".md") && !rel.ends_with("_index.md"))
                .take(4)
                .map(|(rel, _)| {
                    let text = "---\ntitle: In English\nsummary: Words.\nextra: { note: x }\n---\n## Heading\n\nText with a [link](#heading).\n";
                    (rel.replace(".md", ".en.md"), text.as_bytes().to_vec())
                })
                .collect();
            files.extend(english);
            files.sort();
            let yaml = site.read("site.yaml");
            let yaml = if yaml.contains("\nlanguage: ") {
                yaml.replace("\nlanguage: de", "\nlanguages: [de, en]")
            } else {
                format!("{yaml}languages: [de, en]\n")
            };
            (yaml, files)
        })
    }

    /// Values that make front matter interesting.
    const TOKENS: &[&str] = &[
        "",
        "x",
        "-",
        "[",
        "]",
        "{",
        "}",
        ": ",
        "\"",
        "'",
        "#",
        "&a",
        "*a",
        "!!int",
        "|",
        "\t",
        "\r",
        "~",
        "null",
        "true",
        "0",
        "-1",
        "1e999",
        ".nan",
        "9999-12-31",
        "1000-01-01T00:00",
        "2027-03-28T02:30",
        "2027-02-29",
        "0000-01-01",
        "+262142-12-31",
        "2027-03-01T25:00",
        "FREQ=WEEKLY;COUNT=1000",
        "FREQ=SECONDLY;UNTIL=99991231",
        "FREQ=YEARLY;BYSETPOS=-1;COUNT=2",
        "FREQ=MONTHLY;BYMONTHDAY=31;UNTIL=20270101",
        "FREQ=DAILY;COUNT=3;INTERVAL=0",
        "Europe/Berlin",
        "Mars/Olympus",
        "Pacific/Kiritimati",
        "[a, b]",
        "{ name: x }",
        "{ lat: 91, lon: 1 }",
        "[projects/x, kind/y, /]",
        "(@/events/)",
        "(@/partners/x.md#)",
        "[x](@/../site.yaml)",
        "{#}",
        "## ä",
        "<iframe src=//x>",
        "ß",
        "🙂",
        "\u{202e}",
        "scheduled",
        "moved-online",
        "Lorem ipsum",
        "start: 2027-01-01",
        "sessions:\n  - {}",
        "sessions: [{start: 2027-01-01, end: 2026-01-01, id: A}]",
        "---",
        "\n---\n",
    ];

    #[derive(Clone, Debug)]
    enum Mutation {
        /// Replace line `line` of file `file` with a token, or the value after `: `.
        Line {
            file: usize,
            line: usize,
            token: usize,
            value_only: bool,
        },
        /// Delete or duplicate a line.
        Delete {
            file: usize,
            line: usize,
        },
        Duplicate {
            file: usize,
            line: usize,
        },
        /// Insert raw bytes at a position.
        Bytes {
            file: usize,
            at: usize,
            bytes: Vec<u8>,
        },
        /// Cut the file short.
        Truncate {
            file: usize,
            at: usize,
        },
        /// Move a file to another path (another kind, a nested folder, a bad name).
        Rename {
            file: usize,
            to: usize,
        },
    }

    fn mutation() -> impl Strategy<Value = Mutation> {
        let i = || any::<usize>();
        prop_oneof![
            4 => (i(), i(), i(), any::<bool>()).prop_map(|(file, line, token, value_only)| Mutation::Line { file, line, token, value_only }),
            1 => (i(), i()).prop_map(|(file, line)| Mutation::Delete { file, line }),
            1 => (i(), i()).prop_map(|(file, line)| Mutation::Duplicate { file, line }),
            2 => (i(), i(), proptest::collection::vec(any::<u8>(), 1..6)).prop_map(|(file, at, bytes)| Mutation::Bytes { file, at, bytes }),
            1 => (i(), i()).prop_map(|(file, at)| Mutation::Truncate { file, at }),
            1 => (i(), i()).prop_map(|(file, to)| Mutation::Rename { file, to }),
        ]
    }

    const PATHS: &[&str] = &[
        "content/events/x.md",
        "content/events/sub/x.md",
        "content/partners/X Y.md",
        "content/_index.md",
        "content/projects/_index.md",
        "content/a/b/_index.md",
        "content/posts/.md",
        "site.yaml",
    ];

    fn apply(site_yaml: &mut Vec<u8>, files: &mut Files, m: &Mutation) {
        // File index 0 is site.yaml.
        let n = files.len() + 1;
        let pick = |f: usize| f % n;
        let edit_lines =
            |bytes: &mut Vec<u8>, line: usize, f: &dyn Fn(&mut Vec<Vec<u8>>, usize)| {
                let mut lines: Vec<Vec<u8>> =
                    bytes.split(|b| *b == b'\n').map(<[u8]>::to_vec).collect();
                let i = line % lines.len();
                f(&mut lines, i);
                *bytes = lines.join(&b'\n');
            };
        match m {
            Mutation::Rename { file, to } => {
                if pick(*file) > 0 {
                    files[pick(*file) - 1].0 = PATHS[to % PATHS.len()].to_string();
                }
            }
            _ => {
                let buf: &mut Vec<u8> = match pick(match m {
                    Mutation::Line { file, .. }
                    | Mutation::Delete { file, .. }
                    | Mutation::Duplicate { file, .. }
                    | Mutation::Bytes { file, .. }
                    | Mutation::Truncate { file, .. } => *file,
                    Mutation::Rename { .. } => 0,
                }) {
                    0 => site_yaml,
                    k => &mut files[k - 1].1,
                };
                match m {
                    Mutation::Line {
                        line,
                        token,
                        value_only,
                        ..
                    } => {
                        let token = TOKENS[token % TOKENS.len()].as_bytes().to_vec();
                        edit_lines(buf, *line, &|lines, i| {
                            let l = &mut lines[i];
                            match l.windows(2).position(|w| w == b": ") {
                                Some(p) if *value_only => {
                                    l.truncate(p + 2);
                                    l.extend_from_slice(&token);
                                }
                                _ => *l = token.clone(),
                            }
                        });
                    }
                    Mutation::Delete { line, .. } => edit_lines(buf, *line, &|lines, i| {
                        lines.remove(i);
                        if lines.is_empty() {
                            lines.push(Vec::new());
                        }
                    }),
                    Mutation::Duplicate { line, .. } => edit_lines(buf, *line, &|lines, i| {
                        let l = lines[i].clone();
                        lines.insert(i, l);
                    }),
                    Mutation::Bytes { at, bytes, .. } => {
                        let at = at % (buf.len() + 1);
                        buf.splice(at..at, bytes.iter().copied());
                    }
                    Mutation::Truncate { at, .. } => {
                        let at = at % (buf.len() + 1);
                        buf.truncate(at);
                    }
                    Mutation::Rename { .. } => {}
                }
            }
        }
    }

    /// Whether the mutated site still loaded and had its bodies rendered.
    fn run(mutations: &[Mutation]) -> bool {
        let (site_yaml, files) = seed();
        let mut site_yaml = site_yaml.clone().into_bytes();
        let mut files = files.clone();
        for m in mutations {
            apply(&mut site_yaml, &mut files, m);
        }
        let mut diags = tandem::diagnostics::Diagnostics::new();
        let yaml = String::from_utf8_lossy(&site_yaml);
        let site = tandem::model::load_site_from_memory(&yaml, &files, &mut diags);
        if let Some(site) = &site {
            tandem::build::render_bodies(site, &mut diags);
            for &lang in site.config.languages.iter().skip(1) {
                tandem::build::render_bodies(&site.in_language(lang), &mut diags);
            }
        }
        diags.sort();
        for d in diags.iter() {
            let _ = d.render(true);
        }
        site.is_some()
    }

    #[test]
    fn never_panic() {
        let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
            cases: std::env::var("TANDEM_FUZZ_CASES")
                .ok()
                .and_then(|c| c.parse().ok())
                .unwrap_or(150),
            failure_persistence: None,
            ..ProptestConfig::default()
        });
        let (total, rendered) = (std::cell::Cell::new(0), std::cell::Cell::new(0));
        let strategy = proptest::collection::vec(mutation(), 1..12);
        let result = runner.run(&strategy, |mutations| {
            total.set(total.get() + 1);
            rendered.set(rendered.get() + usize::from(run(&mutations)));
            Ok(())
        });
        if let Err(e) = result {
            panic!("{e}");
        }
        // Most mutations leave a site that loads, so that relations,
        // warnings and Markdown are reached, not only the first check.
        super::common::assert_accepted("never_panic", rendered.get(), total.get(), 60);
    }

    /// The seed itself loads without errors (so mutations start from a valid site).
    #[test]
    fn the_seed_is_valid() {
        let (site_yaml, files) = seed();
        let mut diags = tandem::diagnostics::Diagnostics::new();
        let site = tandem::model::load_site_from_memory(site_yaml, files, &mut diags);
        assert!(site.is_some());
        assert!(!diags.has_errors(), "{:?}", diags.iter().next());
        assert!(files.len() > 15);
        let site = site.unwrap();
        assert_eq!(site.config.languages.len(), 2);
        assert_eq!(site.translations.len(), 4);
    }
}

#[test]
fn a_date_pattern_that_cannot_be_written_points_at_its_line_in_the_translations() {
    let mut site = base()
        .file("site.yaml", &format!("{}theme: eigen\n", common::SITE_YAML))
        .copy_in("themes/eigen", "themes/default");
    let theme = site.path("themes/eigen");
    let de = std::fs::read_to_string(theme.join("i18n/de.yaml")).expect("read de.yaml");
    let line = de
        .lines()
        .position(|l| l.starts_with("date_short:"))
        .expect("date_short in de.yaml") as u32
        + 1;
    let broken = de.replace(
        "date_short: \"%-d. %B %Y\"",
        "date_short: \"%-d. %B, %H Uhr\"",
    );
    assert_ne!(broken, de);
    site = site.file("themes/eigen/i18n/de.yaml", &broken);
    let run = site.build();
    run.assert_code(1);
    let d = run.diag(
        "themes/eigen/i18n/de.yaml",
        line,
        Some(13),
        "error",
        "cannot read the translations: `date_short: \"%-d. %B, %H Uhr\"` cannot be written for a date (a date pattern cannot hold %H, %M and the like, a time pattern no offset %z)",
    );
    assert!(d.message.contains("%H"), "{}", d.message);
}

/// Every finding of `run` as `path:line:col: severity: message` (the
/// message's first line), in the order printed.
#[test]
fn a_partner_with_a_front_matter_error_is_still_known_by_its_id() {
    // The network, the project and the event name the partner, the event
    // links to it (and to one of its headings): only its own error shows.
    let run = base()
        .file(
            "content/partners/bildungsturbo.md",
            "---\ntitle: Bildungsturbo\ncity: Köln: Ehrenfeld\n---\n## Profil\n\nText.\n",
        )
        .file(
            EV,
            "---\ntitle: Link\norganizers: [bildungsturbo]\nstart: 2027-03-01\nlocation: Köln\n---\nSiehe [Träger](@/partners/bildungsturbo.md) und [Profil](@/partners/bildungsturbo.md#profil).\n",
        )
        .check();
    run.assert_code(1);
    assert_eq!(
        run.findings(),
        [
            "content/partners/bildungsturbo.md:3:11: error: invalid YAML: mapping values are not allowed in this context — text with `: ` in it must be in quotes: `city: \"Köln: Ehrenfeld\"`"
        ],
        "{}",
        run.stderr
    );
    // Its body could be read: an anchor it lacks is still reported.
    let run = base()
        .file(
            "content/partners/bildungsturbo.md",
            "---\ntitle: Bildungsturbo\ncity: Köln: Ehrenfeld\n---\n## Profil\n\nText.\n",
        )
        .file(
            EV,
            "---\ntitle: Link\nstart: 2027-03-01\nlocation: Köln\n---\n[Ziele](@/partners/bildungsturbo.md#ziele)\n",
        )
        .check();
    run.assert_code(1);
    assert_eq!(
        run.findings(),
        [
            "content/events/x.md:6:1: error: broken anchor `#ziele`: content/partners/bildungsturbo.md has no heading with that id; its headings are `#profil`",
            "content/partners/bildungsturbo.md:3:11: error: invalid YAML: mapping values are not allowed in this context — text with `: ` in it must be in quotes: `city: \"Köln: Ehrenfeld\"`",
        ],
        "{}",
        run.stderr
    );
    // A file that cannot be read at all: its anchors are not judged.
    let run = base()
        .bytes(
            "content/partners/bildungsturbo.md",
            b"---\ntitle: Bildungsturbo Caf\xe9\n---\n## Profil\n",
        )
        .file(
            EV,
            "---\ntitle: Link\norganizers: [bildungsturbo]\nstart: 2027-03-01\nlocation: Köln\n---\n[Ziele](@/partners/bildungsturbo.md#ziele)\n",
        )
        .check();
    run.assert_code(1);
    assert_eq!(
        run.findings(),
        [
            "content/partners/bildungsturbo.md:2:1: error: the file is not UTF-8 text: save it as UTF-8"
        ],
        "{}",
        run.stderr
    );
}

#[test]
fn an_event_with_an_invalid_start_is_still_known_by_its_id() {
    // The partner is named by the event alone: it is not said to be
    // named by nothing.
    let run = base()
        .file("content/partners/einsam.md", "---\ntitle: Einsam\n---\n")
        .file(
            EV,
            "---\ntitle: Termin\norganizers: [einsam]\nstart: 2027-03-40T10:00\nlocation: Köln\n---\n## Ablauf\n",
        )
        .file(
            "content/posts/a.md",
            "---\ntitle: A\ndate: 2027-01-01\nabout: [events/x]\n---\nZum [Termin](@/events/x.md) und [Ablauf](@/events/x.md#ablauf).\n",
        )
        .file(
            "content/posts/b.md",
            "---\ntitle: B\ndate: 2027-01-02\n---\n[Termin](@/events/x.md#ablau)\n",
        )
        .check();
    run.assert_code(1);
    assert_eq!(
        run.findings(),
        [
            "content/events/x.md:4:8: error: `start`: `2027-03-40T10:00` does not exist: March 2027 has 31 days",
            "content/posts/b.md:5:1: error: broken anchor `#ablau`: content/events/x.md has no heading with that id — did you mean `#ablauf`?",
        ],
        "{}",
        run.stderr
    );
}

#[test]
fn a_comment_that_cuts_a_text_short_is_pointed_at_with_the_quoted_fix() {
    let run = event(
        "title: Workshop #1 in Köln\nsummary: Ein \"Test\" mit #hash # und mehr\n# Eine Zeile für sich\nstart: 2027-03-10T10:00 # zehn Uhr\norganizers: [bildungsturbo] # wer einlädt\nlocation:\n  name: Haus\t#2\n  city: Köln      # ein Kommentar, wie tandem new sie schreibt\nstatus: scheduled # noch\n",
        "",
    )
    .check();
    run.assert_code(0);
    assert_eq!(
        run.findings(),
        [
            "content/events/x.md:2:17: warning: `title` ends before ` #`: YAML reads the rest of the line as a comment — text with ` #` in it must be in quotes: `title: \"Workshop #1 in Köln\"` (a comment goes on a line of its own)",
            "content/events/x.md:3:25: warning: `summary` ends before ` #`: YAML reads the rest of the line as a comment — text with ` #` in it must be in quotes: `summary: \"Ein \\\"Test\\\" mit #hash # und mehr\"` (a comment goes on a line of its own)",
            "content/events/x.md:8:14: warning: `name` ends before ` #`: YAML reads the rest of the line as a comment — text with ` #` in it must be in quotes: `name: \"Haus\t#2\"` (a comment goes on a line of its own)",
        ],
        "{}",
        run.stderr
    );
    // Quoted, the text is whole and nothing is said.
    let run = event(
        "title: \"Workshop #1 in Köln\"\nstart: 2027-03-10T10:00\nlocation: Köln\n",
        "",
    )
    .check();
    run.assert_code(0);
    assert!(run.diagnostics().is_empty(), "{}", run.stderr);
    // site.yaml's title is text for readers too.
    let run = base()
        .file(
            "site.yaml",
            &common::SITE_YAML.replace("title: Testnetz", "title: Netz #3"),
        )
        .check();
    run.assert_code(0);
    assert_eq!(
        run.findings(),
        [
            "site.yaml:1:13: warning: `title` ends before ` #`: YAML reads the rest of the line as a comment — text with ` #` in it must be in quotes: `title: \"Netz #3\"` (a comment goes on a line of its own)"
        ],
        "{}",
        run.stderr
    );
}

#[test]
fn tabs_and_nul_characters_are_named_where_they_are() {
    let run = base()
        .file(
            "content/events/a.md",
            "---\ntitle: A\nlocation:\tKöln\nstart: 2027-01-01\n---\n",
        )
        .file(
            "content/events/b.md",
            "---\ntitle: B\nstart: 2027-01-01\nlocation:\n  name: Haus\n\tcity: Köln\n---\n",
        )
        .file(
            "content/events/c.md",
            "---\ntitle: C\n  \tstart: 2027-01-01\nlocation: Köln\n---\n",
        )
        .file(
            "content/events/d.md",
            "---\ntitle: D\0\nstart: 2027-01-01\nlocation: Köln\n---\n",
        )
        .check();
    run.assert_code(1);
    assert_eq!(
        run.findings(),
        [
            "content/events/a.md:3:10: error: invalid YAML: a tab after `:` — YAML needs a space there: `location: Köln`",
            "content/events/b.md:6:1: error: invalid YAML: YAML does not allow tabs for indentation; use spaces",
            "content/events/c.md:3:3: error: invalid YAML: YAML does not allow tabs for indentation; use spaces",
            "content/events/d.md:2:9: error: a NUL character (a zero byte, invisible in most editors) cannot be in front matter: remove it",
        ],
        "{}",
        run.stderr
    );
}

#[test]
fn times_in_the_clock_changes_are_warned_about_and_used_alike_everywhere() {
    let site = base()
        .file(
            "content/events/gap.md",
            "---\ntitle: Nachts\nstart: 2032-03-28T02:30\nend: 2032-03-28T04:00\nlocation: Köln\n---\n",
        )
        .file(
            "content/events/twice.md",
            "---\ntitle: Zweimal\nstart: 2032-10-31T02:30\nlocation: Köln\nrecurrence: FREQ=DAILY;UNTIL=20321102T023000\n---\n",
        )
        .file(
            "content/events/sessions.md",
            "---\ntitle: Reihe\nlocation: Köln\nsessions:\n  - { start: 2032-03-28T02:15, end: 2032-03-28T05:00 }\n  - start: 2032-04-04T10:00\n    end: 2032-10-31T02:59\n---\n",
        )
        .file(
            "content/events/until.md",
            "---\ntitle: Bis\nstart: 2032-03-01T02:30\nlocation: Köln\nrecurrence: FREQ=DAILY;UNTIL=20320328T023000\n---\n",
        );
    let run = site.build();
    run.assert_code(0);
    assert_eq!(
        run.findings(),
        [
            "content/events/gap.md:3:8: warning: `start`: 2032-03-28T02:30 does not exist in Europe/Berlin (the clocks go forward 1 hour that night): 2032-03-28T03:30 is used; write that, or the time you meant",
            "content/events/sessions.md:5:14: warning: `start`: 2032-03-28T02:15 does not exist in Europe/Berlin (the clocks go forward 1 hour that night): 2032-03-28T03:15 is used; write that, or the time you meant",
            "content/events/sessions.md:7:10: warning: `end`: 2032-10-31T02:59 happens twice in Europe/Berlin (the clocks go back 1 hour that night): the first is used, at UTC+02:00 (the second is at UTC+01:00)",
            "content/events/twice.md:3:8: warning: `start`: 2032-10-31T02:30 happens twice in Europe/Berlin (the clocks go back 1 hour that night): the first is used, at UTC+02:00 (the second is at UTC+01:00)",
            "content/events/until.md:5:13: warning: `recurrence`: UNTIL `20320328T023000` does not exist in Europe/Berlin: the clocks go forward over it, and 2032-03-28T03:30 is used",
        ],
        "{}",
        run.stderr
    );
    // The page, its structured data and the calendar say the same time.
    let page = site.read("output/events/gap/index.html");
    assert!(
        page.contains("<time datetime=\"2032-03-28T03:30+02:00\">") && page.contains("03:30–04:00"),
        "{page}"
    );
    assert!(
        page.contains("\"startDate\":\"2032-03-28T03:30+02:00\""),
        "{page}"
    );
    let ics = site.read("output/events/gap/event.ics");
    assert!(
        ics.contains("DTSTART;TZID=Europe/Berlin:20320328T033000\r\n"),
        "{ics}"
    );
    let ics = site.read("output/events/sessions/event.ics");
    assert!(
        ics.contains("DTSTART;TZID=Europe/Berlin:20320328T031500\r\n"),
        "{ics}"
    );
    // A series that starts in the hour that happens twice: its first.
    let page = site.read("output/events/twice/index.html");
    assert!(
        page.contains("\"startDate\":\"2032-10-31T02:30+02:00\""),
        "{page}"
    );
    let ics = site.read("output/events/twice/event.ics");
    assert!(
        ics.contains("DTSTART;TZID=Europe/Berlin:20321031T023000\r\nRRULE:FREQ=DAILY;UNTIL=20321102T013000Z\r\n"),
        "{ics}"
    );
}

#[test]
fn two_sources_for_one_address_are_named_where_they_are_written() {
    let site = base()
        .file(
            "content/events/a.md",
            "---\ntitle: A\nstart: 2027-01-01\nlocation: Köln\naliases:\n  - alt/\n  - events/\n  - index.html\n---\n",
        )
        .file(
            "content/events/b.md",
            "---\ntitle: B\nstart: 2027-01-02\nlocation: Köln\naliases: [alt/]\n---\n",
        )
        .file("content/impressum.md", "---\ntitle: Impressum\n---\n")
        .file("static/impressum/index.html", "<p>alt</p>");
    let run = site.check();
    run.assert_code(1);
    let with_notes = |run: &common::Run| -> Vec<String> {
        run.diagnostics()
            .iter()
            .map(|d| {
                let notes: Vec<&str> = d
                    .text
                    .lines()
                    .filter_map(|l| l.strip_prefix("  = note: "))
                    .collect();
                format!(
                    "{}:{}:{}: {} [{}]",
                    d.path,
                    d.line,
                    d.col,
                    d.message,
                    notes.join("; ")
                )
            })
            .collect()
    };
    assert_eq!(
        with_notes(&run),
        [
            "content/events/a.md:7:5: two sources write `events/index.html`: alias `events/` of content/events/a.md and the events listing, which tandem makes []",
            "content/events/a.md:8:5: two sources write `index.html`: alias `index.html` of content/events/a.md and the home page, which tandem makes []",
            "content/events/b.md:5:11: two sources write `alt/index.html`: alias `alt/` of content/events/b.md and alias `alt/` of content/events/a.md [content/events/a.md:6:5: the other source]",
            "content/impressum.md:1:1: two sources write `impressum/index.html`: content/impressum.md and static/impressum/index.html [static/impressum/index.html: the other source]",
        ],
        "{}",
        run.stderr
    );
    // With the texts of the home page and the listing, their files.
    let run = site
        .file("content/_index.md", "---\ntitle: Start\n---\n")
        .file("content/events/_index.md", "---\ntitle: Termine\n---\n")
        .remove("content/events/b.md")
        .remove("static/impressum/index.html")
        .check();
    run.assert_code(1);
    assert_eq!(
        with_notes(&run),
        [
            "content/events/a.md:7:5: two sources write `events/index.html`: alias `events/` of content/events/a.md and the events listing (content/events/_index.md) [content/events/_index.md:1:1: the other source]",
            "content/events/a.md:8:5: two sources write `index.html`: alias `index.html` of content/events/a.md and the home page (content/_index.md) [content/_index.md:1:1: the other source]",
        ],
        "{}",
        run.stderr
    );
}

#[test]
fn an_end_without_a_date_is_offered_the_start_date() {
    let run = event(
        "title: Abend\nstart: 2022-04-06T17:00\nend: 19:00\nlocation: Köln\n",
        "",
    )
    .check();
    run.assert_code(1);
    assert_eq!(
        run.findings(),
        [
            "content/events/x.md:4:6: error: `end`: `19:00` has no date — add the date: `2022-04-06T19:00`"
        ],
        "{}",
        run.stderr
    );
    let run = event(
        "title: Reihe\nlocation: Köln\nsessions:\n  - { start: 2022-04-06T17:00, end: 19:00 }\n  - start: 2022-04-13T17:00\n    end: 9:30\n",
        "",
    )
    .check();
    run.assert_code(1);
    assert_eq!(
        run.findings(),
        [
            "content/events/x.md:5:37: error: `end`: `19:00` has no date — add the date: `2022-04-06T19:00`",
            "content/events/x.md:7:10: error: `end`: `9:30` has no date — add the date: `2022-04-13T09:30`",
        ],
        "{}",
        run.stderr
    );
}

#[test]
fn a_wrong_coordinate_is_one_error() {
    let run = event(
        "title: Ort\nstart: 2027-03-01\nlocation: { name: Rathaus, lat: \"x\", lon: 7.1 }\n",
        "",
    )
    .check();
    run.assert_code(1);
    assert_eq!(
        run.findings(),
        ["content/events/x.md:4:33: error: `lat` must be a number, found text"],
        "{}",
        run.stderr
    );
    // Only one of them given is still said.
    let run = event(
        "title: Ort\nstart: 2027-03-01\nlocation: { name: Rathaus, lat: 51.2 }\n",
        "",
    )
    .check();
    assert_eq!(
        run.findings(),
        ["content/events/x.md:4:11: error: give both `lat` and `lon`, or neither"],
        "{}",
        run.stderr
    );
}

#[test]
fn file_names_that_make_no_id_get_a_name_they_could_have() {
    let run = base()
        .file("content/events/..md", "---\ntitle: A\n---\n")
        .file("content/events/Über Uns.md", "---\ntitle: A\n---\n")
        .file("content/Team/wir.md", "---\ntitle: A\n---\n")
        .check();
    run.assert_code(1);
    assert_eq!(
        run.findings(),
        [
            "content/Team/wir.md:1:1: error: the folder `Team` does not make a valid address: folder names may hold only lower-case a-z, 0-9 and - (rename it, e.g. to `team`)",
            "content/events/..md:1:1: error: `..md` does not make a valid id: file names may hold only lower-case a-z, 0-9 and - (name the file after its title, as `tandem new` does: e.g. `workshop-koeln.md`)",
            "content/events/Über Uns.md:1:1: error: `Über Uns.md` does not make a valid id: file names may hold only lower-case a-z, 0-9 and - (rename the file, e.g. to `ueber-uns.md`)",
        ],
        "{}",
        run.stderr
    );
}

/// Lists nested deeper than front matter allows (64 levels) are an error
/// at the list that goes too deep, in `check` and in `build`, never a
/// crash: block lists (`- - - …`, 5,000 deep on one line), flow lists
/// just over the limit, and flow lists 100,000 deep (where the YAML
/// scanner's own limit of 255 meets them first).
#[test]
fn lists_nested_too_deeply_are_an_error_not_a_crash() {
    let too_deep = "lists and maps are nested more than 64 levels deep here: \
                    front matter allows at most 64; write the data flatter";
    // The document's map is level 1, the list under `extra` level 2: the
    // 64th `- ` (column 3 + 63 × 2) is level 65.
    let block = event(
        &format!(
            "title: C\nstart: 2027-03-10T10:00\nlocation: Köln\nextra:\n  {}1\n",
            "- ".repeat(5000)
        ),
        "",
    );
    let flow = |depth: usize| {
        event(
            &format!(
                "title: C\nstart: 2027-03-10T10:00\nlocation: Köln\nextra:\n  x: {}1{}\n",
                "[".repeat(depth),
                "]".repeat(depth)
            ),
            "",
        )
    };
    for run in [block.check(), block.build()] {
        run.assert_code(1);
        run.diag(EV, 6, Some(129), "error", too_deep);
        assert_eq!(run.errors().len(), 1, "{}", run.stderr);
    }
    // `x`'s map is level 2: its 63rd `[` (column 6 + 62) is level 65.
    let run = flow(100).check();
    run.assert_code(1);
    run.diag(EV, 6, Some(68), "error", too_deep);
    let run = flow(100_000).build();
    run.assert_code(1);
    let d = run.errors();
    assert_eq!(d.len(), 1, "{}", run.stderr);
    assert_eq!((d[0].path.as_str(), d[0].line), (EV, 6), "{}", run.stderr);
    assert_eq!(d[0].message, too_deep);
    // 64 levels are fine.
    flow(62).check().assert_code(0);
}

/// 8,000 `exdates` that are not dates of the series, and 15,000 unknown
/// organisers, each list on one line: the first ten findings of the line
/// are shown, their source line cut around the column, and a note counts
/// the others (these once took gigabytes: every finding copied the
/// whole line).
#[test]
fn thousands_of_findings_on_one_line_show_the_first_ten_and_a_count() {
    let day = chrono::NaiveDate::from_ymd_opt(2030, 1, 1).unwrap();
    let dates: Vec<String> = (0..8000)
        .map(|i| (day + chrono::Duration::days(i)).to_string())
        .collect();
    let run = event(
        &format!(
            "title: Serie\nstart: 2027-03-01T10:00\nlocation: Köln\nrecurrence: FREQ=WEEKLY;COUNT=4\nexdates: [{}]\n",
            dates.join(", ")
        ),
        "",
    )
    .check();
    run.assert_code(0);
    let shown = run.warnings();
    assert_eq!(shown.len(), 10, "{}", run.stderr);
    for (k, d) in shown.iter().enumerate() {
        assert_eq!((d.path.as_str(), d.line), (EV, 6));
        assert_eq!(d.col as usize, 11 + 12 * k);
        assert_eq!(
            d.message,
            format!("`exdates`: {} is not one of the series' dates", dates[k])
        );
    }
    assert!(
        shown[9].text.contains(
            "\n  = note: and 7990 more warnings on this line (only the first 10 warnings of a line are shown)"
        ),
        "{}",
        shown[9].text
    );
    assert!(
        run.stderr
            .ends_with("0 errors, 8000 warnings\nchecked: no errors\n"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.lines().all(|l| l.chars().count() < 130),
        "{}",
        run.stderr
    );

    let ids: Vec<String> = (0..15_000).map(|i| format!("traeger-{i:05}")).collect();
    let run = event(
        &format!(
            "title: X\nstart: 2027-03-01T10:00\nlocation: Köln\norganizers: [{}]\n",
            ids.join(", ")
        ),
        "",
    )
    .check();
    run.assert_code(1);
    let shown = run.errors();
    assert_eq!(shown.len(), 10, "{}", run.stderr);
    assert!(
        shown[0]
            .message
            .starts_with("unknown partner `traeger-00000`")
    );
    assert!(
        shown[0]
            .text
            .contains("\n5 | organizers: [traeger-00000, traeger-00001, "),
        "{}",
        shown[0].text
    );
    assert!(
        shown[9].text.contains(
            "  = note: and 14990 more errors on this line (only the first 10 errors of a line are shown)"
        ),
        "{}",
        shown[9].text
    );
    assert!(
        run.stderr.contains("\n15000 errors, 0 warnings\n"),
        "{}",
        run.stderr
    );
}

/// Control characters from a file never reach the terminal as they are:
/// in messages and in source lines they are shown escaped, and the caret
/// still stands under its column.
#[test]
fn control_characters_in_findings_are_shown_escaped() {
    let run = base()
        .bytes(
            EV,
            b"---\ntitle: X\nstart: 2027-03-10T10:00\nlocation: K\xc3\xb6ln\nstatus: \"\\e]0;PWNED\\a\\e[2J\"\nstat\x1b[2J: x\n---\n",
        )
        .check();
    run.assert_code(1);
    assert!(!run.stderr.contains('\x1b'), "{:?}", run.stderr);
    assert!(!run.stderr.contains('\x07'), "{:?}", run.stderr);
    let d = run.diag(EV, 5, Some(9), "error", "unknown status `\\u{1b}]0;PWNED\\u{7}\\u{1b}[2J`; use one of scheduled, cancelled, postponed, full, moved-online");
    assert!(
        d.message.contains("`\\u{1b}]0;PWNED\\u{7}\\u{1b}[2J`"),
        "{}",
        d.message
    );
    let d = run.diag(
        EV,
        6,
        Some(1),
        "error",
        "unknown key `stat\\u{1b}[2J`: not a field of an event — did you mean `start`?",
    );
    assert!(
        d.text.contains("\n6 | stat\\u{1b}[2J: x\n  | ^"),
        "{}",
        d.text
    );
}

#[test]
fn links_in_the_home_and_listing_texts_are_checked_like_an_entrys() {
    // The texts of `_index.md` files go through the same resolver and
    // checks as entries: a dangling link or anchor stops the build at its
    // place instead of shipping as a literal `@/` address.
    let site = base()
        .file(
            "content/_index.md",
            "---\ntitle: Start\n---\n## Willkommen\n\n[Weg](@/projects/gibt-es-nicht.md), [Ziele](@/projects/digit-ready-2.md#ziele)\nund [oben](#willkommen), [unten](#unten).\n",
        )
        .file(
            "content/events/_index.md",
            "---\ntitle: Termine\n---\nMit [Entwurf](@/posts/entwurf.md) und [Träger](@/partners/bildungsturbo.md#profil).\n",
        )
        .file(
            "content/posts/entwurf.md",
            "---\ntitle: Entwurf\ndate: 2026-05-01\ndraft: true\n---\nText.\n",
        );
    let want = [
        "content/_index.md:6:1: error: broken link `@/projects/gibt-es-nicht.md`: there is no file `content/projects/gibt-es-nicht.md`",
        "content/_index.md:6:37: error: broken anchor `#ziele`: content/projects/digit-ready-2.md has no heading with that id — did you mean `#ziele-und-vorgehen`?",
        "content/_index.md:7:26: error: broken anchor `#unten`: content/_index.md has no heading with that id; its headings are `#willkommen`",
        "content/events/_index.md:4:5: warning: `content/posts/entwurf.md` is a draft: the link leads to its listing until it is published",
    ];
    let run = site.check();
    run.assert_code(1);
    assert_eq!(run.findings(), want, "{}", run.stderr);
    let run = site.build();
    run.assert_code(1);
    assert_eq!(run.findings(), want, "{}", run.stderr);
    assert!(!site.path("output/index.html").exists());

    // Fixed, the links lead to the pages (the draft's to its listing).
    let site = site.file(
        "content/_index.md",
        "---\ntitle: Start\n---\n## Willkommen\n\n[Ziele](@/projects/digit-ready-2.md#ziele-und-vorgehen) und [oben](#willkommen).\n",
    );
    let run = site.build();
    run.assert_code(0);
    let home = site.read("output/index.html");
    assert!(
        home.contains("href=\"/projects/digit-ready-2/#ziele-und-vorgehen\""),
        "{home}"
    );
    assert!(!home.contains("@/"), "{home}");
    let events = site.read("output/events/index.html");
    assert!(events.contains("href=\"/posts/\""), "{events}");
    assert!(
        events.contains("href=\"/partners/bildungsturbo/#profil\""),
        "{events}"
    );
}

#[test]
fn an_alias_outside_the_site_is_an_error_at_its_line_each_one() {
    let run = event(
        "title: Ort\nstart: 2027-03-01\nlocation: Rathaus\naliases: [\"../weg/\", alt/, \"a\\\\b\"]\n",
        "",
    )
    .check();
    run.assert_code(1);
    assert_eq!(
        run.findings(),
        [
            "content/events/x.md:5:11: error: alias `../weg/` is not a site path such as `alte-seite/`",
            "content/events/x.md:5:28: error: alias `a\\b` is not a site path such as `alte-seite/`",
        ],
        "{}",
        run.stderr
    );
}
