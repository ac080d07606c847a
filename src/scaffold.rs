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

/// The English words of a bilingual `tandem init`: the home page and the
/// first event; the other entries show the fallback.
const INIT_ENGLISH: &[(&str, &str)] = &[
    (
        "content/_index.en.md",
        "---\ntitle: Welcome\n---\nThis is our network: its partners, its projects and the next events.\n",
    ),
    (
        "content/events/auftakt.en.md",
        "---\ntitle: Kick-off event\nsummary: The start of the example project.\nlocation: { name: Town hall }\n---\n## Programme\n\nWelcome, presentation of the project, exchange.\n",
    ),
];

/// Creates a new site in `dir` (default: the current folder), in
/// `languages` (codes, the main one first; `de` and `en` are known).
pub fn init(dir: Option<&Path>, languages: &[String]) -> Result<(), Error> {
    let dir = dir.unwrap_or_else(|| Path::new("."));
    let langs: Vec<&str> = languages.iter().map(|l| l.trim()).collect();
    if let Some(bad) = langs
        .iter()
        .find(|l| crate::config::Language::from_code(l).is_none())
    {
        return Err(Error::Usage(format!(
            "unknown language `{bad}`: tandem's labels and dates know `de` and `en` (e.g. `--languages de,en`)"
        )));
    }
    let bilingual = langs.len() > 1;
    if bilingual && langs[..2] != ["de", "en"] {
        return Err(Error::Usage(
            "the example content of `tandem init` is German, with English translations: use `--languages de,en`, or `de` alone".into(),
        ));
    }
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
    let site_yaml = INIT_SITE_YAML.replace("language: de\n", "languages: [de, en]\n");
    let english = INIT_ENGLISH.iter().filter(|_| bilingual);
    for (rel, text) in INIT_FILES.iter().chain(english) {
        let text = if bilingual && *rel == "site.yaml" {
            site_yaml.as_str()
        } else {
            text
        };
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
    write_new(&path, &template(kind, title, today))
}

/// Writes a new file at `path` (its folders too) and prints its path;
/// never over a file, even one made meanwhile.
fn write_new(path: &Path, text: &str) -> Result<(), Error> {
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
                .open(path)
        })
        .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()));
    written.map_err(|source| Error::Write {
        path: path.to_path_buf(),
        source,
    })?;
    crate::to_stdout!("{}", path.display());
    Ok(())
}

/// `tandem new KIND "Title" --lang LANG ID`: writes the translation
/// `content/KIND/ID.LANG.md` of the existing entry `ID`, with the fields a
/// translation holds and the main file's words beside them (as comments)
/// to translate; never over a file.
pub fn new_translation(
    root: &Path,
    kind: &str,
    title: &str,
    lang: &str,
    id: &str,
) -> Result<(), Error> {
    let Some(kind) = Kind::from_name(kind).or_else(|| Kind::from_folder(kind)) else {
        return Err(Error::Usage(format!(
            "unknown kind `{kind}`; use network, partner, project, event or post"
        )));
    };
    let mut diags = crate::diagnostics::Diagnostics::new();
    let config =
        crate::config::Config::load(root, &Default::default(), &mut diags).ok_or_else(|| {
            Error::Usage(format!(
                "{} has no usable site.yaml; pass the site folder with --root",
                root.display()
            ))
        })?;
    let language = crate::config::Language::from_code(lang)
        .filter(|l| config.languages[1..].contains(l))
        .ok_or_else(|| {
            let further: Vec<&str> = config.languages[1..].iter().map(|l| l.code()).collect();
            Error::Usage(if further.is_empty() {
                format!("the site has one language: list them in site.yaml first, the main one first (`languages: [{}, {lang}]`)", config.languages[0].code())
            } else {
                format!("`{lang}` is not a further language of the site (site.yaml lists {})", further.join(", "))
            })
        })?;
    let source = format!("content/{}/{id}.md", kind.folder());
    let main_text = std::fs::read_to_string(root.join(&source)).map_err(|_| {
        Error::Usage(format!(
            "there is no {source} to translate: give the id of an existing {} (its file name without .md)",
            kind.name()
        ))
    })?;
    let main = crate::content::parse_entry(
        kind,
        id,
        &source,
        crate::content::normalise(main_text),
        config.timezone,
        &mut diags,
    )
    .map_err(|_| Error::Usage(format!("{source} has errors; run `tandem check` first")))?;
    let path = root
        .join("content")
        .join(kind.folder())
        .join(format!("{id}.{}.md", language.code()));
    write_new(
        &path,
        &translation_template(&main, &source, title, language),
    )
}

/// The text of a new translation of `main`: its title, and each other
/// field a translation may hold that `main` has, commented out with the
/// main file's words; the main text as an HTML comment to translate.
pub fn translation_template(
    main: &crate::entry::Entry,
    source: &str,
    title: &str,
    language: crate::config::Language,
) -> String {
    use crate::import::yaml_text;
    let mut out = format!(
        "---\n# The {} words of {source}: dates, places, links and relations come\n# from that file. Translate each commented field you want, and remove its `#`.\ntitle: {}\n",
        language.english_name(),
        yaml_text(title)
    );
    if let Some(s) = &main.summary {
        out.push_str(&format!("# summary: {}\n", yaml_text(s)));
    }
    if let Some(img) = main.image.as_ref().filter(|i| !i.alt.is_empty()) {
        out.push_str(&format!("# image: {{ alt: {} }}\n", yaml_text(&img.alt)));
    }
    match &main.data {
        crate::entry::KindData::Partner(p) => {
            if let Some(logo) = p.logo.as_ref().filter(|i| !i.alt.is_empty()) {
                out.push_str(&format!("# logo: {{ alt: {} }}\n", yaml_text(&logo.alt)));
            }
        }
        crate::entry::KindData::Event(ev) => {
            if let Some(loc) = &ev.location {
                let words: Vec<String> = [("name", &loc.name), ("address", &loc.address)]
                    .into_iter()
                    .filter_map(|(k, v)| Some(format!("{k}: {}", yaml_text(v.as_deref()?))))
                    .collect();
                if !words.is_empty() {
                    out.push_str(&format!("# location: {{ {} }}\n", words.join(", ")));
                }
            }
            if let Some(r) = &ev.registration {
                out.push_str(&format!("# registration: {r}\n"));
            }
        }
        _ => {}
    }
    out.push_str("---\n\n");
    let body = main.body().trim();
    if !body.is_empty() {
        out.push_str(&format!(
            "<!-- The text of {source}, to translate (then remove this comment):\n\n{}\n\n-->\n",
            body.replace("-->", "-- >")
        ));
    }
    out
}
