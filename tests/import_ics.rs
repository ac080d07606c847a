//! `tandem import ics` (content format, sections 3 and 8): events from
//! calendars that other producers wrote (fixtures in the style of Google
//! Calendar, Outlook and Thunderbird exports), and the round trip through
//! tandem's own feed, read back with the `icalendar` crate's parser.

mod common;
use common::Site;
use icalendar::parser::{read_calendar, unfold};
use std::collections::BTreeMap;

fn fixture(name: &str) -> String {
    format!(
        "{}/tests/fixtures/import/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// `tandem import ics --root ROOT FILE ARGS`.
fn import(site: &Site, file: &str, args: &[&str]) -> common::Run {
    let root = site.root().to_string_lossy().into_owned();
    let mut all = vec!["import", "ics", "--root", &root];
    all.extend_from_slice(args);
    all.push(file);
    site.run(&all)
}

/// What a subscriber's calendar keeps of a VEVENT, by UID: start and end
/// as UTC instants (or dates), title, place, status, rule and skipped dates.
type Seen = BTreeMap<String, BTreeMap<&'static str, String>>;

fn seen(ics: &str) -> Seen {
    let unfolded = unfold(ics);
    let cal = read_calendar(&unfolded).expect("a calendar");
    let mut out = Seen::new();
    for e in cal
        .components
        .iter()
        .filter(|c| c.name.as_str() == "VEVENT")
    {
        let mut facts = BTreeMap::new();
        let mut uid = String::new();
        for p in &e.properties {
            let name = p.name.as_str();
            let tzid = p
                .params
                .iter()
                .find(|x| x.key.as_str() == "TZID")
                .and_then(|x| x.val.as_ref())
                .map(|v| v.as_str().to_string());
            let value = p.val.as_str().to_string();
            let key: &'static str = match name {
                "UID" => {
                    uid = value;
                    continue;
                }
                "DTSTART" => "start",
                "DTEND" => "end",
                "SUMMARY" => "title",
                "LOCATION" => "place",
                "STATUS" => "status",
                "RRULE" => "rule",
                "EXDATE" => "exdates",
                "GEO" => "geo",
                _ => continue,
            };
            let value = match (key, tzid) {
                ("start" | "end" | "exdates", Some(tz)) => value
                    .split(',')
                    .map(|v| instant(v, &tz))
                    .collect::<Vec<_>>()
                    .join(","),
                _ => value,
            };
            facts.insert(key, value);
        }
        out.insert(uid, facts);
    }
    out
}

/// A local time in zone `tz` as a UTC instant.
fn instant(local: &str, tz: &str) -> String {
    use chrono::TimeZone;
    let tz: chrono_tz::Tz = tz.parse().expect("an IANA zone");
    let t = chrono::NaiveDateTime::parse_from_str(local, "%Y%m%dT%H%M%S").expect("a local time");
    tz.from_local_datetime(&t)
        .single()
        .expect("one instant")
        .with_timezone(&chrono::Utc)
        .format("%Y%m%dT%H%M%SZ")
        .to_string()
}

#[test]
fn importing_tandem_s_own_feed_gives_the_same_events() {
    // The example site, with every past event in its feed.
    let original = Site::example();
    let yaml = original
        .read("site.yaml")
        .replace("  refresh: P1D\n", "  refresh: P1D\n  keep_past: P30Y\n");
    let original = original.file("site.yaml", &yaml);
    original.build_out(&[]).assert_ok();
    let feed = original.built("calendar.ics");
    let before = seen(&feed);
    assert!(before.len() >= 20, "{}", before.len());
    for fact in ["rule", "exdates", "geo"] {
        assert!(before.values().any(|f| f.contains_key(fact)), "no {fact}");
    }
    assert!(before.values().any(|f| f["status"] == "CANCELLED"));

    // An empty site with the same settings imports it…
    let copy = Site::empty().file("site.yaml", &yaml).dir("content");
    let feed_file = original.out().join("calendar.ics");
    let run = import(&copy, &feed_file.to_string_lossy(), &[]);
    run.assert_code(0);
    assert_eq!(
        run.stdout
            .lines()
            .filter(|l| l.starts_with("wrote "))
            .count(),
        before.len(),
        "{}",
        run.stdout
    );
    copy.check().assert_code(0);
    // …and its feed has the same events at the same instants, with the
    // same titles, places, statuses, rules, skipped dates and UIDs.
    copy.build_out(&[]).assert_ok();
    let after = seen(&copy.built("calendar.ics"));
    assert_eq!(before, after);
}

#[test]
fn a_google_calendar_export() {
    let site = Site::new();
    let run = import(&site, &fixture("google.ics"), &[]);
    run.assert_code(0);
    // UTC times in the site's zone; text unescaped, Markdown kept literal;
    // the first sentence as summary; categories as tags.
    assert_eq!(
        site.read("content/events/netzwerktreffen-weiterbildungsverbund-2027-03-10.md"),
        "---\ntitle: Netzwerktreffen Weiterbildungsverbund\nsummary: Jahrestreffen der Partner im Verbund.\nstart: 2027-03-10T10:00\nend: 2027-03-10T16:00\nlocation: \"Rathaus Hamm, Theodor-Heuss-Platz 16, 59065 Hamm\"\ntags: [Netzwerk, Weiterbildung]\nuid: \"5f1q2d3v4k5m6n7p8r9s0t@google.com\"\n---\nWir sprechen über die Planung 2027, die neuen Beratungsangebote und \\*offene\\* Fragen.\n"
    );
    // All-day: DTEND is exclusive, `end` the last day.
    assert_eq!(
        site.read("content/events/fachtage-digitale-bildung-2027-05-05.md"),
        "---\ntitle: Fachtage Digitale Bildung\nstart: 2027-05-05\nend: 2027-05-06\nlocation: Dortmund\nuid: \"0a1b2c3d4e5f6g7h8i9j@google.com\"\n---\n"
    );
    // A weekly series: its EXDATE and its cancelled instance are skipped
    // dates, the moved instance a note; a meeting link is `online`.
    assert_eq!(
        site.read("content/events/offene-sprechstunde-2027-01-06.md"),
        "---\ntitle: Offene Sprechstunde\nstart: 2027-01-06T18:00\nend: 2027-01-06T19:30\nlocation: { online: \"https://meet.google.com/abc-defg-hij\" }\nrecurrence: FREQ=WEEKLY;WKST=MO;UNTIL=20270224T225959Z;BYDAY=WE\nexdates: [2027-01-20, 2027-02-10]\nuid: \"serie-sprechstunde@google.com\"\n---\n"
    );
    for note in [
        "the date 2027-02-03 of the series was changed in the calendar (to 2027-02-03T19:00)",
        "1 attendee(s) (ATTENDEE) are not carried over",
        "1 reminder(s) (VALARM) are not carried over",
    ] {
        assert!(run.stdout.contains(note), "{note}\n{}", run.stdout);
    }
    site.check().assert_code(0);
    // The feeds keep the calendar's UIDs.
    site.build_out(&[]).assert_ok();
    let feed = seen(&site.built("calendar.ics"));
    assert!(
        feed.contains_key("5f1q2d3v4k5m6n7p8r9s0t@google.com"),
        "{feed:?}"
    );
    assert_eq!(
        feed["5f1q2d3v4k5m6n7p8r9s0t@google.com"]["start"],
        "20270310T090000Z"
    );
    assert_eq!(
        feed["serie-sprechstunde@google.com"]["exdates"],
        "20270120T170000Z,20270210T170000Z"
    );
}

#[test]
fn an_outlook_export_with_windows_zone_names() {
    let site = Site::new();
    let run = import(&site, &fixture("outlook.ics"), &[]);
    run.assert_code(0);
    let text = site.read("content/events/workshop-mit-organisationsexperten-i-2027-03-19.md");
    // "W. Europe Standard Time" is Europe/Berlin, the site's zone; a
    // greeting is no summary; line breaks stay.
    assert_eq!(
        text,
        "---\ntitle: Workshop mit Organisationsexperten I\nstart: 2027-03-19T10:00\nend: 2027-03-20T16:00\nlocation: Bildungszentrum Köln\nuid: 040000008200E00074C5B7101A82E00800000000D0B3A1F2C93FDA01000000000000000010000000A5C7B2E1F3D4C6489A1B2C3D4E5F6071\n---\nLiebe Kolleginnen und Kollegen,\n\nherzliche Einladung zum Workshop mit Organisationsexperten.\\\nBitte melden Sie sich bis zum 1. März an.\n"
    );
    assert!(
        site.read("content/events/infoabend-abgesagt-2027-04-14.md")
            .contains("\nstatus: cancelled\n")
    );
    assert!(
        run.stdout
            .contains("its organiser (Bildungsturbo gGmbH) is not carried over"),
        "{}",
        run.stdout
    );
    site.check().assert_code(0);
}

#[test]
fn a_thunderbird_export_with_a_floating_time_and_a_to_do() {
    let site = Site::new();
    let run = import(&site, &fixture("thunderbird.ics"), &[]);
    run.assert_code(0);
    assert_eq!(
        site.read("content/events/lernwerkstatt-ganztag-2027-06-01.md"),
        "---\ntitle: Lernwerkstatt Ganztag\nstart: 2027-06-01T10:00\nend: 2027-06-01T15:00\nlocation: { name: Arnsberg, lat: 51.4026, lon: 8.0634 }\nstatus: postponed\nuid: 6b9e1c4a-33a1-4b4e-9b1e-2f0c3e7a1d55\n---\nZweite Werkstatt im Verbund.\n"
    );
    // DURATION gives the end; a time without zone is the site's, noted.
    assert_eq!(
        site.read("content/events/telefonkonferenz-2027-06-15.md"),
        "---\ntitle: Telefonkonferenz\nstart: 2027-06-15T14:00\nend: 2027-06-15T15:00\nuid: thunderbird-floating-1\n---\n"
    );
    assert!(
        run.stdout.contains("its times have no zone (floating)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("its status TENTATIVE became `postponed`"),
        "{}",
        run.stdout
    );
    run.diag(
        &fixture("thunderbird.ics"),
        1,
        Some(1),
        "warning",
        "1 component(s) that are no event (to-dos, journal entries) were left out",
    );
}

#[test]
fn standard_input_existing_files_and_force() {
    use std::io::Write;
    let site = Site::new();
    let root = site.root().to_string_lossy().into_owned();
    let ics = std::fs::read(fixture("outlook.ics")).unwrap();
    let mut child = site
        .command(&["import", "ics", "--root", &root, "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&ics).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let file = "content/events/infoabend-abgesagt-2027-04-14.md";
    // An existing file is kept, and said so…
    site.write(
        file,
        "---\ntitle: Mein Text\nstart: 2027-04-14\nlocation: X\n---\n",
    );
    let run = import(&site, &fixture("outlook.ics"), &[]);
    run.assert_code(0);
    assert!(
        run.stdout.contains(&format!(
            "skipped {file}: the file exists (--force replaces it)"
        )),
        "{}",
        run.stdout
    );
    assert!(site.read(file).contains("Mein Text"));
    // …unless replaced on purpose.
    import(&site, &fixture("outlook.ics"), &["--force"]).assert_code(0);
    assert!(site.read(file).contains("Infoabend"));
}

#[test]
fn a_file_that_is_no_calendar_writes_nothing() {
    let site = Site::new().file("kaputt.ics", "BEGIN:VCALENDAR\nthis is not\n");
    let file = site.path("kaputt.ics").to_string_lossy().into_owned();
    let run = import(&site, &file, &[]);
    run.assert_code(1);
    assert!(
        run.stderr.contains("not an iCalendar file"),
        "{}",
        run.stderr
    );
    assert!(!site.path("content/events").exists());
}

#[test]
fn two_events_with_one_uid_are_an_error() {
    let site = Site::new()
        .file(
            "content/events/a.md",
            "---\ntitle: A\nstart: 2027-03-10\nlocation: X\nuid: abc@example.com\n---\n",
        )
        .file(
            "content/events/b.md",
            "---\ntitle: B\nstart: 2027-03-11\nlocation: X\nuid: abc@example.com\n---\n",
        );
    let run = site.check();
    run.assert_code(1);
    run.diag(
        "content/events/b.md",
        5,
        Some(6),
        "error",
        "`uid` `abc@example.com` is also the uid of content/events/a.md: calendars would take the two for one event; keep it on the event it came with and remove it here",
    );
}

/// The calendar and table fixtures, mutated line- and byte-wise: reading never
/// panics and every draft is front matter tandem reads (the short version
/// of the `import` fuzz target; `TANDEM_FUZZ_CASES=N` for more).
#[test]
fn mutated_calendars_and_tables_never_panic() {
    let cases: usize = std::env::var("TANDEM_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(200);
    let inputs: Vec<Vec<u8>> = [
        "google.ics",
        "outlook.ics",
        "thunderbird.ics",
        "programm.csv",
        "programm-cp1252.csv",
        "termine.csv",
        "partner.csv",
    ]
    .iter()
    .map(|f| std::fs::read(fixture(f)).unwrap())
    .collect();
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n.max(1) as u64) as usize
    };
    for case in 0..cases {
        let mut data = inputs[case % inputs.len()].clone();
        for _ in 0..1 + next(4) {
            if data.is_empty() {
                break;
            }
            let at = next(data.len());
            const BYTES: &[u8] = b"\\,;:\"\n\r ZT0-";
            match next(5) {
                0 => data.truncate(at),
                1 => data[at] = BYTES[next(BYTES.len())],
                2 => {
                    let end = (at + next(80)).min(data.len());
                    let copy = data[at..end].to_vec();
                    let to = next(data.len());
                    data.splice(to..to, copy);
                }
                3 => {
                    let end = (at + next(40)).min(data.len());
                    data.drain(at..end);
                }
                _ => data.insert(at, [0xC3, 0xFF, b'=', b'\t'][next(4)]),
            }
        }
        tandem::import::assert_reads_anything(&data);
    }
}
