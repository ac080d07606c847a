//! `tandem import csv KIND FILE` (content format, section 8): a seed's
//! programme table in UTF-8 and in Windows-1252 with semicolons, a
//! comma-separated partner list, unusual headers with `--map`, and bad
//! cells reported at row and column with nothing written.

mod common;
use common::Site;

fn fixture(name: &str) -> String {
    format!(
        "{}/tests/fixtures/import/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// `tandem import csv --root ROOT ARGS KIND FILE`.
fn import(site: &Site, kind: &str, file: &str, args: &[&str]) -> common::Run {
    let root = site.root().to_string_lossy().into_owned();
    let mut all = vec!["import", "csv", "--root", &root];
    all.extend_from_slice(args);
    all.push(kind);
    all.push(file);
    site.run(&all)
}

/// Every file below `content/`, path and text.
fn written(site: &Site) -> Vec<(String, String)> {
    let dir = site.path("content/events");
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .map(|d| {
            d.map(|e| {
                let p = e.unwrap().path();
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                (name, std::fs::read_to_string(&p).unwrap())
            })
            .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

#[test]
fn the_seed_s_programme_table_in_utf8_and_windows_1252() {
    let utf8 = Site::new();
    let run = import(&utf8, "event", &fixture("programm.csv"), &[]);
    run.assert_code(0);
    assert!(
        run.stdout
            .contains("wrote content/events/workshop-mit-organisationsexperten-aus-2022-03-19.md"),
        "{}",
        run.stdout
    );
    let files = written(&utf8);
    assert_eq!(files.len(), 4);
    // Two days of one month; a span; the `Nr.` column is no field.
    assert_eq!(
        utf8.read("content/events/workshop-mit-organisationsexperten-aus-2022-03-19.md"),
        "---\ntitle: \"Workshop mit Organisationsexperten aus MSO I: Konzipierung eines Organisationsentwicklungsansatzes für MSO\"\nstart: 2022-03-19\nend: 2022-03-20\nlocation: Köln\n---\n"
    );
    assert_eq!(
        utf8.read("content/events/online-beratung-zur-2022-04-06.md"),
        "---\ntitle: Online-Beratung zur Organisationsentwicklung\nstart: 2022-04-06\nend: 2022-06-22\nlocation: Online\n---\n"
    );
    // Excel's CSV in Germany (Windows-1252, CRLF) gives the same files.
    let cp1252 = Site::new();
    import(&cp1252, "event", &fixture("programm-cp1252.csv"), &[]).assert_code(0);
    assert_eq!(written(&cp1252), files);
    // What was written is a site tandem builds.
    utf8.check().assert_code(0);
}

#[test]
fn times_summaries_and_organisers_from_a_comma_separated_table() {
    let site = Site::new().file(
        "content/partners/vhs-hamm.md",
        "---\ntitle: Volkshochschule Hamm\n---\nText.\n",
    );
    import(&site, "event", &fixture("termine.csv"), &[]).assert_code(0);
    assert_eq!(
        site.read("content/events/transfer-workshop-digitalisierung-2019-11-07.md"),
        "---\ntitle: Transfer-Workshop Digitalisierung\nsummary: \"Für Ausbilderinnen, Ausbilder und Lernbegleitung.\"\norganizers: [vhs-hamm]\nstart: 2019-11-07T10:00\nend: 2019-11-07T16:00\nlocation: Hamm\n---\n"
    );
    assert_eq!(
        site.read("content/events/workshop-organisationsentwicklung-2023-01-25.md"),
        "---\ntitle: Workshop Organisationsentwicklung\nstart: 2023-01-25T10:00\nlocation: Fürth\n---\n"
    );
    site.check().assert_code(0);
}

#[test]
fn a_partner_list() {
    let site = Site::new();
    import(&site, "partner", &fixture("partner.csv"), &[]).assert_code(0);
    assert_eq!(
        site.read("content/partners/volkshochschule-hamm.md"),
        "---\ntitle: Volkshochschule Hamm\nshort_name: VHS Hamm\nwebsite: \"https://example.org/vhs-hamm\"\ncity: Hamm\n---\n"
    );
    site.check().assert_code(0);
}

#[test]
fn bad_cells_are_reported_at_row_and_column_and_nothing_is_written() {
    let site = Site::new();
    let file = fixture("bad.csv");
    let run = import(&site, "event", &file, &[]);
    run.assert_code(1);
    run.diag(
        &file,
        3,
        Some(2),
        "error",
        "cannot read the date \"demnächst\": write it as 07.11.2019, 19/20.03.2022 or 06.04. – 22.06.2022",
    );
    run.diag(&file, 4, Some(4), "error", "this row has no title");
    assert_eq!(run.errors().len(), 2, "{}", run.stderr);
    assert!(written(&site).is_empty());
    // With --skip-bad-rows the good row is written, the others warned.
    let run = import(&site, "event", &file, &["--skip-bad-rows"]);
    run.assert_code(0);
    assert_eq!(run.warnings().len(), 2, "{}", run.stderr);
    assert_eq!(written(&site).len(), 1);
}

#[test]
fn unknown_headers_are_errors_and_map_names_them() {
    let site = Site::new();
    let file = fixture("odd.csv");
    let run = import(&site, "event", &file, &[]);
    run.assert_code(1);
    let unknown: Vec<u32> = run.errors().iter().map(|d| d.col).collect();
    assert_eq!(unknown, vec![1, 2, 3, 4], "{}", run.stderr);
    assert!(
        run.stderr.contains("unknown column `Termin am`"),
        "{}",
        run.stderr
    );
    let run = import(
        &site,
        "event",
        &file,
        &["--map", "Lfd=nr,Termin am=start,Raum=location,Was=title"],
    );
    // `nr` is no field of an event.
    run.assert_code(1);
    let run = import(
        &site,
        "event",
        &file,
        &["--map", "Termin am=start,Raum=location,Was=title,Lfd=body"],
    );
    run.assert_code(0);
    assert_eq!(
        site.read("content/events/workshop-i-2022-03-19.md"),
        "---\ntitle: Workshop I\nstart: 2022-03-19\nlocation: Köln\n---\n1\n"
    );
    let run = import(&site, "event", &file, &["--map", "Termin am"]);
    run.assert_code(2);
}

#[test]
fn existing_files_are_skipped_unless_forced() {
    let site = Site::new();
    import(&site, "event", &fixture("programm.csv"), &[]).assert_code(0);
    let file = "content/events/digitalisierung-und-2021-10-16.md";
    site.write(
        file,
        "---\ntitle: Eigener Text\nstart: 2021-10-16\nlocation: Worms\n---\n",
    );
    let run = import(&site, "event", &fixture("programm.csv"), &[]);
    run.assert_code(0);
    assert!(
        run.stdout.contains(&format!("skipped {file}")),
        "{}",
        run.stdout
    );
    assert!(site.read(file).contains("Eigener Text"));
    import(&site, "event", &fixture("programm.csv"), &["--force"]).assert_code(0);
    assert!(site.read(file).contains("zivilgesellschaftliches"));
}
