//! `tandem init` and `tandem new`: files an author starts from.

use crate::entry::Kind;
use crate::error::Error;
use crate::slug::short_slug;
use std::path::Path;

/// The `site.yaml` of `tandem init`, with a `legal:` block of plainly
/// invented facts to replace.
const INIT_SITE_YAML: &str = r#"title: Mein Bildungsnetzwerk
base_url: https://example.org/
language: de
timezone: Europe/Berlin
theme: default
description: Termine, Projekte und Partner unseres Netzwerks.
calendar:
  name: Mein Bildungsnetzwerk – Termine
  refresh: P1D
# Impressum, Datenschutz und Barrierefreiheit schreibt tandem aus diesen Angaben.
# Alle Angaben sind erfunden: Ersetzen Sie jede durch Ihre eigene (docs/authoring.md).
legal:
  provider: Mein Bildungsnetzwerk e. V. (Beispiel)
  address: Musterstraße 1, 00000 Beispielstadt
  representatives: [Erika Muster (Vorsitzende)]
  email: kontakt@example.org
  register: Amtsgericht Beispielstadt, Vereinsregister
  register_number: VR 0000
  responsible: Erika Muster, Musterstraße 1, 00000 Beispielstadt
  host: Beispiel-Hosting GmbH, Serverweg 2, 00000 Beispielstadt
  public_body: false
  accessibility:
    status: partial
    gaps: [Noch nicht geprüft – ersetzen Sie dies durch das Ergebnis Ihrer Prüfung.]
    checked: 2027-01-01
    feedback: { email: kontakt@example.org }
    enforcement:
      name: Schlichtungsstelle nach dem Behindertengleichstellungsgesetz
      url: https://www.schlichtungsstelle-bgg.de/
"#;

const INIT_FILES: &[(&str, &str)] = &[
    ("site.yaml", INIT_SITE_YAML),
    (
        "content/_index.md",
        "---\ntitle: Willkommen\n---\nHier stellt sich unser Netzwerk vor: die Partner, die Projekte und die nächsten Termine.\n",
    ),
    (
        "content/networks/mein-netzwerk.md",
        "---\ntitle: Mein Netzwerk\nsummary: Ein regionales Netzwerk für Weiterbildung.\nregion: Beispielregion\npartners: [beispiel-partner]\n---\n## Schwerpunkte\n\nBeschreiben Sie hier, wofür das Netzwerk steht.\n",
    ),
    (
        "content/partners/beispiel-partner.md",
        "---\ntitle: Beispiel-Bildungsträger\nshort_name: BBT\ncity: Beispielstadt\nwebsite: https://example.org/\ncontact: { name: Erika Muster, email: kontakt@example.org }\n---\n## Profil\n\nEin kurzer Text über die Organisation.\n",
    ),
    (
        "content/projects/beispiel-projekt.md",
        "---\ntitle: Beispielprojekt\nsummary: Ein gefördertes Projekt des Netzwerks.\nstart: 2027-01-01\nend: 2027-12-31\nfunding: Beispielförderung\nlead: beispiel-partner\nnetworks: [mein-netzwerk]\n---\n## Ziele\n\nWas das Projekt erreichen will. Mehr über den [Träger](@/partners/beispiel-partner.md#profil).\n",
    ),
    (
        "content/events/auftakt.md",
        "---\ntitle: Auftaktveranstaltung\nsummary: Der Start des Beispielprojekts.\nproject: beispiel-projekt\norganizers: [beispiel-partner]\nstart: 2027-03-10T10:00\nend: 2027-03-10T15:00\nlocation: { name: Rathaus, city: Beispielstadt }\n---\n## Ablauf\n\nBegrüßung, Vorstellung des Projekts, Austausch.\n",
    ),
    (
        "content/posts/willkommen.md",
        "---\ntitle: Unsere Seite ist online\ndate: 2027-01-15\nauthor: Redaktion\nabout: [networks/mein-netzwerk]\n---\nAb heute finden Sie hier alle Termine – auch als Kalender zum Abonnieren.\n",
    ),
    ("static/.keep", ""),
    // The built site and the image cache are made from the rest.
    (".gitignore", "/output/\n/output.*\n/.tandem-cache/\n"),
];

/// Creates a new site in `dir` (default: the current folder).
pub fn init(dir: Option<&Path>) -> Result<(), Error> {
    let dir = dir.unwrap_or_else(|| Path::new("."));
    if dir.exists() {
        let empty = std::fs::read_dir(dir)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !empty {
            return Err(Error::Usage(format!(
                "{} is not empty; choose a new folder, e.g. `tandem init mein-netzwerk`",
                dir.display()
            )));
        }
    }
    for (rel, text) in INIT_FILES {
        let path = dir.join(rel);
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|_| std::fs::write(&path, text));
        written.map_err(|source| Error::Write { path, source })?;
    }
    crate::to_stderr!(
        "created a new site in {}\nnext: tandem build --root {0}   or   tandem serve --root {0}",
        dir.display()
    );
    Ok(())
}

/// The front matter a new entry of `kind` starts with: every field of the
/// kind, empty or with an example date, each with a comment saying what
/// goes there. The file builds as it is (with warnings for what is still
/// missing), so an author can fill it in step by step. `today` dates the
/// example: events four weeks ahead, posts today, projects from today.
pub fn template(kind: Kind, title: &str, today: chrono::NaiveDate) -> String {
    let title = crate::import::yaml_text(title);
    let later = |days: u64| {
        today
            .checked_add_days(chrono::Days::new(days))
            .unwrap_or(today)
    };
    let fields = crate::frontmatter::schema::scaffold(kind, later);
    format!("---\ntitle: {title}\n{fields}---\n\n")
}

/// `tandem new KIND "Title"`: writes `content/KIND/slug.md` (the slug cut
/// to a few words, see [`short_slug`]), never over a file. `today` dates
/// the example values (see [`template`]).
pub fn new_entry(
    root: &Path,
    kind: &str,
    title: &str,
    today: chrono::NaiveDate,
) -> Result<(), Error> {
    let Some(kind) = Kind::from_name(kind).or_else(|| Kind::from_folder(kind)) else {
        let names: Vec<&str> = Kind::SECTIONS.iter().map(|k| k.name()).collect();
        let hint = crate::diagnostics::did_you_mean(kind, names.iter().copied())
            .map(|s| format!(" — did you mean `{s}`?"))
            .unwrap_or_default();
        return Err(Error::Usage(format!(
            "unknown kind `{kind}`{hint}; use network, partner, project, event or post"
        )));
    };
    if !root.join(crate::config::CONFIG_FILE).is_file() {
        return Err(Error::Usage(format!(
            "{} is not a tandem site (it has no site.yaml); pass the site folder with --root, or create one with `tandem init`",
            root.display()
        )));
    }
    let slug = short_slug(title);
    if slug.is_empty() {
        return Err(Error::Usage(format!(
            "the title `{title}` gives an empty file name; use letters or digits"
        )));
    }
    let path = root
        .join("content")
        .join(kind.folder())
        .join(format!("{slug}.md"));
    if path.exists() {
        return Err(Error::Usage(format!(
            "{} exists already; it was left as it is",
            path.display()
        )));
    }
    let written = path
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|_| {
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
        })
        .and_then(|mut f| {
            std::io::Write::write_all(&mut f, template(kind, title, today).as_bytes())
        });
    written.map_err(|source| Error::Write {
        path: path.clone(),
        source,
    })?;
    crate::to_stdout!("{}", path.display());
    Ok(())
}
