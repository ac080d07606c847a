//! Loading a site's Markdown files: front matter per kind, typed and checked.

pub mod translation;

pub use translation::Translation;

use crate::config::{Config, Language};
use crate::diagnostics::{Diagnostic, Diagnostics, Pos};
use crate::entry::*;
use crate::frontmatter::fields::{FieldReader, Fields, is_valid_id};
pub use crate::frontmatter::split::{Split, normalise, split_front_matter};
use crate::frontmatter::{links, schema, yaml};
pub use crate::text::with_article;
use std::path::Path;

/// The keys each kind accepts, common ones first (see [`schema`]).
pub fn keys_of(kind: Kind) -> Vec<&'static str> {
    schema::fields_of(kind).map(|f| f.name).collect()
}

/// The Markdown files of a site, typed.
#[derive(Debug, Default)]
pub struct Loaded {
    pub entries: Vec<Entry>,
    /// `_index.md` of each kind's folder: the listing's title and text.
    pub sections: Vec<Entry>,
    /// `content/_index.md`: the home page's title and text.
    pub home: Option<Entry>,
    /// Entries with errors that leave nothing to show: they get no page,
    /// but are known by their id and source (see [`Rejected`]).
    pub rejected: Vec<Rejected>,
    /// `calendar.lock` at the site root, if there is one.
    pub lock: Option<crate::lock::Lock>,
    /// `NAME.LANG.md` files: the words of entries in further languages.
    pub translations: Vec<Translation>,
}

/// A file that names an entry (`content/partners/x.md` is partner `x`) but
/// has errors that leave nothing to publish: front matter that cannot be
/// read, an event without a single date. The entry is still known by its
/// id and source, so that references and links to it are not reported as
/// well: one mistake, one message. Its own errors stop the build.
#[derive(Clone, Debug)]
pub struct Rejected {
    pub kind: Kind,
    pub id: String,
    pub source: String,
    /// The entry, when its front matter could be read: its references are
    /// checked too, so that one run reports every problem of the file.
    pub entry: Option<Entry>,
    /// The ids its body defines, for the anchors of links into it; `None`
    /// when the body could not be read (such anchors are not checked).
    pub anchors: Option<Vec<String>>,
}

/// What reading a file gave: its entry, or, when it has none, the anchors
/// of its body if the body could be read (see [`Rejected::anchors`]).
type Read = Result<Entry, Option<Vec<String>>>;

/// What one file becomes in [`Loaded`].
enum Outcome {
    Entry(Entry),
    Section(Entry),
    Home(Entry),
    Translation(Translation),
    Rejected(Rejected),
    Nothing,
}

impl Outcome {
    fn of(f: Found, read: Read) -> Outcome {
        match (f.role, read) {
            (Role::Entry, Ok(e)) if unusable(&e) => Outcome::Rejected(Rejected {
                anchors: Some(crate::anchors::anchors(e.body())),
                kind: f.kind,
                id: f.id,
                source: f.source,
                entry: Some(e),
            }),
            (Role::Entry, Ok(e)) => Outcome::Entry(e),
            (Role::Entry, Err(anchors)) => Outcome::Rejected(Rejected {
                kind: f.kind,
                id: f.id,
                source: f.source,
                entry: None,
                anchors,
            }),
            (Role::Section, Ok(e)) => Outcome::Section(e),
            (Role::Home, Ok(e)) => Outcome::Home(e),
            (_, Err(_)) => Outcome::Nothing,
        }
    }
}

/// A file found under `content/` and what it will become.
struct Found {
    source: String,
    kind: Kind,
    id: String,
    role: Role,
    /// For a translation, its language and the file it translates.
    translates: Option<(Language, String)>,
}

#[derive(Clone, Copy, PartialEq)]
enum Role {
    Entry,
    Section,
    Home,
}

/// Reads every Markdown file under `content/`, in parallel.
pub fn load(config: &Config, diags: &mut Diagnostics) -> Loaded {
    let content = config.root.join("content");
    if !content.is_dir() {
        diags.push(Diagnostic::error(
            "content",
            Pos::START,
            "there is no `content/` folder in the site root",
        ));
        return Loaded::default();
    }
    // Each file is read and parsed as soon as the walk finds it, on the
    // worker threads, while the walk goes on; the results are put back in
    // the walk's (sorted) order.
    type Slot = (usize, (Outcome, Diagnostics));
    let done: std::sync::Mutex<Vec<Slot>> = Default::default();
    let mut found = 0;
    rayon::scope(|scope| {
        for item in walk_inside(&config.root, &content, Links::Follow) {
            let item = match item {
                Ok(i) => i,
                Err(d) => {
                    diags.push(d);
                    continue;
                }
            };
            if !item.file_type().is_file() || item.path().extension().is_none_or(|e| e != "md") {
                continue;
            }
            let source = rel_path(&config.root, item.path());
            let inner = rel_path(&content, item.path());
            let Some(f) = classify(source, &inner, &config.languages, diags) else {
                continue;
            };
            let n = found;
            found += 1;
            let done = &done;
            scope.spawn(move |_| {
                let mut d = Diagnostics::new();
                let outcome = if f.translates.is_some() {
                    match std::fs::read(config.root.join(&f.source)) {
                        Ok(bytes) => match text_of(&f, bytes, &mut d) {
                            Some(text) => translation_of(&f, text, &mut d),
                            None => Outcome::Nothing,
                        },
                        Err(e) => {
                            d.push(Diagnostic::io(&f.source, format!("cannot read: {e}")));
                            Outcome::Nothing
                        }
                    }
                } else {
                    let read = read_entry(config, &f, &mut d);
                    Outcome::of(f, read)
                };
                done.lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push((n, (outcome, d)));
            });
        }
    });
    let mut results = done.into_inner().unwrap_or_else(|p| p.into_inner());
    results.sort_unstable_by_key(|(n, _)| *n);
    let mut loaded = collect(results.into_iter().map(|(_, r)| r).collect(), diags);
    loaded.lock = crate::lock::Lock::read(&config.root, diags);
    loaded
}

/// Like [`load`], from files held in memory instead of the `content/`
/// folder: each file is a path relative to the site root
/// (`content/events/kickoff.md`) and its bytes. Paths outside `content/`
/// or not ending in `.md` are ignored. Used by tests and the fuzz harness,
/// which must not touch the disk.
pub fn load_from_memory(
    config: &Config,
    files: &[(String, Vec<u8>)],
    diags: &mut Diagnostics,
) -> Loaded {
    let mut sorted: Vec<&(String, Vec<u8>)> = files.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let mut results = Vec::new();
    for (path, bytes) in sorted {
        let Some(inner) = path.strip_prefix("content/") else {
            continue;
        };
        if !inner.ends_with(".md") || inner.split('/').any(|p| p.is_empty() || p == "..") {
            continue;
        }
        let Some(f) = classify(path.clone(), inner, &config.languages, diags) else {
            continue;
        };
        let mut d = Diagnostics::new();
        let outcome = if f.translates.is_some() {
            match text_of(&f, bytes.clone(), &mut d) {
                Some(text) => translation_of(&f, text, &mut d),
                None => Outcome::Nothing,
            }
        } else {
            let read = entry_from_bytes(config, &f, bytes.clone(), None, &mut d);
            Outcome::of(f, read)
        };
        results.push((outcome, d));
    }
    collect(results, diags)
}

fn collect(results: Vec<(Outcome, Diagnostics)>, diags: &mut Diagnostics) -> Loaded {
    let mut loaded = Loaded::default();
    for (outcome, d) in results {
        diags.extend(d);
        match outcome {
            Outcome::Entry(e) => loaded.entries.push(e),
            Outcome::Section(e) => loaded.sections.push(e),
            Outcome::Home(e) => loaded.home = Some(e),
            Outcome::Translation(t) => loaded.translations.push(t),
            Outcome::Rejected(r) => loaded.rejected.push(r),
            Outcome::Nothing => {}
        }
    }
    loaded
}

/// What a walk with [`walk_inside`] does with a symbolic link that stays
/// inside the site.
#[derive(Clone, Copy, PartialEq)]
pub enum Links {
    /// Follows it (`content/`: a folder shared by sections, say).
    Follow,
    /// Leaves it out with a warning (`static/`, copied as it is: a link
    /// there would publish whatever it leads to, `site.yaml` or drafts).
    LeaveOut,
}

/// The files and folders below `dir`, a folder of the site at `root`,
/// sorted by name, with what to do about symbolic links. A link that
/// leads outside the site is an error at the link, and the walk does not
/// enter it; a loop of links is reported by walkdir, not walked forever.
///
/// An error, not a warning: whoever made the link meant what it leads to
/// to be published, and a site built without it would lack those pages
/// or files without anyone noticing; following it would publish files
/// from anywhere on the machine (`ln -s / content/x` walked the whole
/// file system).
pub fn walk_inside(
    root: &Path,
    dir: &Path,
    links: Links,
) -> impl Iterator<Item = Result<walkdir::DirEntry, Diagnostic>> {
    let site = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let root = root.to_path_buf();
    let mut walk = walkdir::WalkDir::new(dir)
        .follow_links(links == Links::Follow)
        .sort_by_file_name()
        .into_iter();
    std::iter::from_fn(move || {
        let item = match walk.next()? {
            Ok(item) => item,
            Err(e) => {
                let path = e
                    .path()
                    .map(|p| rel_path(&root, p))
                    .unwrap_or_else(|| rel_path(&root, dir));
                return Some(Err(Diagnostic::io(path, format!("cannot read: {e}"))));
            }
        };
        if !item.path_is_symlink() {
            return Some(Ok(item));
        }
        let rel = rel_path(&root, item.path());
        let target = item.path().canonicalize();
        Some(match target {
            Ok(target) if !target.starts_with(&site) => {
                if item.file_type().is_dir() {
                    walk.skip_current_dir();
                }
                Err(Diagnostic::error(
                    &rel,
                    Pos::START,
                    format!(
                        "`{rel}` is a symbolic link to `{}`, outside the site folder: tandem publishes only what is inside the site; copy the files into the site, or link to a place inside it",
                        target.display()
                    ),
                ))
            }
            // The walked folder itself is always followed.
            Ok(_) if links == Links::Follow || item.depth() == 0 => Ok(item),
            Ok(_) => Err(Diagnostic::warning(
                &rel,
                Pos::START,
                format!(
                    "`{rel}` is a symbolic link, and links in `static/` are not followed: it is left out of the site; put the file itself there"
                ),
            )),
            Err(e) if links == Links::Follow => {
                Err(Diagnostic::io(rel, format!("cannot read: {e}")))
            }
            // A link to nothing, left out as any link there.
            Err(_) => Err(Diagnostic::warning(
                &rel,
                Pos::START,
                format!(
                    "`{rel}` is a symbolic link that leads nowhere: it is left out of the site"
                ),
            )),
        })
    })
}

pub fn rel_path(root: &Path, p: &Path) -> String {
    p.strip_prefix(root)
        .unwrap_or(p)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Decides what the file at `source` (relative to the site root) becomes;
/// `inner` is its path below `content/`.
fn classify(
    source: String,
    inner: &str,
    languages: &[Language],
    diags: &mut Diagnostics,
) -> Option<Found> {
    let stem = inner.strip_suffix(".md").unwrap_or(inner);
    let mut parts: Vec<&str> = stem.split('/').collect();
    let mut file = parts.pop().unwrap_or_default();
    let mut translates = None;
    if let Some((name, code)) = translation::split_language(file) {
        let of = format!(
            "{}{name}.md",
            source
                .strip_suffix(&format!("{file}.md"))
                .unwrap_or_default()
        );
        let lang = Language::from_code(code).unwrap_or(Language::De);
        let problem = if languages.len() < 2 {
            Some(format!(
                "`{file}.md` reads as the {} translation of `{name}.md`, but the site has one language: list them in site.yaml, the main language first (`languages: [{}, {code}]`), or rename the file",
                lang.english_name(),
                languages[0].code()
            ))
        } else if lang == languages[0] {
            Some(format!(
                "`{code}` is the site's main language: its text is `{name}.md` itself, not a translation (rename the file to `{name}.md`)"
            ))
        } else if !languages.contains(&lang) {
            Some(format!(
                "`{code}` is not one of the site's `languages` in site.yaml: add it there, or rename the file"
            ))
        } else {
            None
        };
        if let Some(message) = problem {
            diags.push(Diagnostic::error(source, Pos::START, message));
            return None;
        }
        file = name;
        translates = Some((lang, of));
    }
    let kind = parts.first().and_then(|f| Kind::from_folder(f));
    let (kind, id, role) = match kind {
        Some(kind) if file == "_index" && parts.len() == 1 => (kind, String::new(), Role::Section),
        Some(kind) => (kind, file.to_string(), Role::Entry),
        None if file == "_index" && parts.is_empty() => (Kind::Page, String::new(), Role::Home),
        None if file == "_index" => (Kind::Page, parts.join("/"), Role::Entry),
        None => {
            parts.push(file);
            (Kind::Page, parts.join("/"), Role::Entry)
        }
    };
    if role == Role::Entry && !id.split('/').all(is_valid_id) {
        // The file's name, or the folder of a page, that is at fault. A
        // name without a letter or digit (`..md`, `-.md`) has nothing to
        // keep: the title is what `tandem new` would name it after.
        let folders = id.split('/').count() - 1;
        let (k, bad) = id
            .split('/')
            .enumerate()
            .find(|(_, p)| !is_valid_id(p))
            .unwrap_or((folders, file));
        let slug = crate::slug::short_slug(bad);
        let message = if k < folders {
            let folder = if slug.is_empty() { "ueber-uns" } else { &slug };
            format!(
                "the folder `{bad}` does not make a valid address: folder names may hold only lower-case a-z, 0-9 and - (rename it, e.g. to `{folder}`)"
            )
        } else {
            let rename = if slug.is_empty() {
                "name the file after its title, as `tandem new` does: e.g. `workshop-koeln.md`"
                    .to_string()
            } else {
                format!("rename the file, e.g. to `{slug}.md`")
            };
            let name = inner.rsplit('/').next().unwrap_or(inner);
            format!(
                "`{name}` does not make a valid id: file names may hold only lower-case a-z, 0-9 and - ({rename})"
            )
        };
        diags.push(Diagnostic::error(source, Pos::START, message));
        return None;
    }
    Some(Found {
        source,
        kind,
        id,
        role,
        translates,
    })
}

/// The text of a file, normalised; `None` (and an error at the first
/// bad byte's line) when it is not UTF-8.
fn text_of(f: &Found, raw: Vec<u8>, diags: &mut Diagnostics) -> Option<String> {
    // simdutf8 checks the common case, valid text, several times faster
    // than the standard library (German text leaves its ASCII fast path at
    // every umlaut); invalid text takes the standard check for its place.
    let checked = if simdutf8::basic::from_utf8(&raw).is_ok() {
        // SAFETY: `raw` was just checked to be UTF-8.
        Ok(unsafe { String::from_utf8_unchecked(raw) })
    } else {
        String::from_utf8(raw)
    };
    match checked {
        Ok(t) => Some(normalise(t)),
        Err(e) => {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
            diags.push(Diagnostic::error(
                &f.source,
                Pos::new(line, 1),
                "the file is not UTF-8 text: save it as UTF-8",
            ));
            None
        }
    }
}

/// A translation file read (see [`translation::parse`]).
fn translation_of(f: &Found, text: String, diags: &mut Diagnostics) -> Outcome {
    let Some((language, of)) = &f.translates else {
        return Outcome::Nothing;
    };
    let kind = if f.role == Role::Entry {
        f.kind
    } else {
        Kind::Page
    };
    match translation::parse(kind, *language, of, &f.source, text, diags) {
        Some(t) => Outcome::Translation(t),
        None => Outcome::Nothing,
    }
}

fn read_entry(config: &Config, f: &Found, diags: &mut Diagnostics) -> Read {
    let path = config.root.join(&f.source);
    // One open: its metadata gives the size to read and the modification
    // time (the feeds' DTSTAMP when nothing else says).
    let read = || -> std::io::Result<(Vec<u8>, Option<std::time::SystemTime>)> {
        use std::io::Read;
        let mut file = std::fs::File::open(&path)?;
        let meta = file.metadata()?;
        let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0) + 1);
        // Through `take`: `File`'s own `read_to_end` would ask the size
        // and the position again (two more system calls per file).
        (&mut file).take(u64::MAX).read_to_end(&mut bytes)?;
        Ok((bytes, meta.modified().ok()))
    };
    match read() {
        Ok((bytes, mtime)) => entry_from_bytes(config, f, bytes, mtime, diags),
        Err(e) => {
            diags.push(Diagnostic::io(&f.source, format!("cannot read: {e}")));
            Err(None)
        }
    }
}

fn entry_from_bytes(
    config: &Config,
    f: &Found,
    raw: Vec<u8>,
    mtime: Option<std::time::SystemTime>,
    diags: &mut Diagnostics,
) -> Read {
    let Some(text) = text_of(f, raw, diags) else {
        return Err(None);
    };
    let kind = if f.role == Role::Entry {
        f.kind
    } else {
        Kind::Page
    };
    let mut entry = parse_entry(kind, &f.id, &f.source, text, config.timezone, diags)?;
    entry.kind = f.kind;
    entry.mtime = mtime;
    Ok(entry)
}

/// Parses one file's text (normalised) into an entry of `kind`; without
/// one (its problems are in `diags`), the anchors of its body if the front
/// matter could at least be told from the body.
pub fn parse_entry(
    kind: Kind,
    id: &str,
    source: &str,
    text: String,
    site_tz: chrono_tz::Tz,
    diags: &mut Diagnostics,
) -> Read {
    let split = match split_front_matter(&text) {
        Ok(s) => s,
        Err((pos, msg)) => {
            diags.push(Diagnostic::error(source, pos, msg).with_source(&text));
            return Err(None);
        }
    };
    let body_anchors = || Some(crate::anchors::anchors(&text[split.body_start..]));
    let node = match yaml::parse(&text[split.yaml_start..split.yaml_end], 2) {
        Ok(n) => n,
        Err(e) => {
            diags.push(Diagnostic::error(source, e.pos, e.message).with_source(&text));
            return Err(body_anchors());
        }
    };
    if !matches!(node.value, yaml::Value::Map(_) | yaml::Value::Null) {
        diags.push(
            Diagnostic::error(
                source,
                node.pos,
                format!(
                    "the front matter must be `key: value` lines (such as `title: …`), found {}",
                    node.type_name()
                ),
            )
            .with_source(&text),
        );
        return Err(body_anchors());
    }
    let mut r = FieldReader::new(source, &text, diags);
    let keys = keys_of(kind);
    let what = format!("a field of {}", with_article(kind.name()));
    let f = r.map_fields(&node, &keys, &what);
    let title = r.required_prose(&f, "title", f.pos);
    let summary = r.prose(&f, "summary");
    let draft = r.bool(&f, "draft").unwrap_or(false);
    let tags = r
        .text_list(&f, "tags")
        .into_iter()
        .map(|s| s.value)
        .collect();
    let image = r.image(&f, "image");
    let updated = f.get("updated").and_then(|n| r.when(n, "updated"));
    let aliases = r.text_list(&f, "aliases");
    let extra = f.get("extra").map_or(serde_json::Value::Null, |n| {
        if !matches!(n.value, yaml::Value::Map(_)) {
            r.error(
                n.pos,
                "`extra` must be a map of your own `key: value` fields",
            );
        }
        n.to_json()
    });
    let data = read_kind_data(kind, &f, &mut r, site_tz);
    // An entry with errors is kept, a missing title replaced by its id, so
    // that its references and links are checked in the same run; the errors
    // reported above stop the build.
    let title = title.unwrap_or_else(|| id.rsplit('/').next().unwrap_or(id).to_string());
    Ok(Entry {
        kind,
        id: id.to_string(),
        source: source.to_string(),
        title,
        summary,
        draft,
        tags,
        image,
        updated,
        aliases,
        extra,
        body_start: split.body_start,
        body_line: split.body_line,
        mtime: None,
        data,
        text,
        text_lang: None,
    })
}

/// An event without a single date cannot be shown or put in a feed (its
/// errors have been reported).
fn unusable(e: &Entry) -> bool {
    matches!(&e.data, KindData::Event(ev) if ev.schedule.occurrences.is_empty())
}

fn read_kind_data(kind: Kind, f: &Fields, r: &mut FieldReader, site_tz: chrono_tz::Tz) -> KindData {
    match kind {
        Kind::Network => KindData::Network(NetworkData {
            partners: r.references(f, "partners", Kind::Partner),
            region: r.prose(f, "region"),
            website: r.link(f, "website", links::Accepts::Web),
            contact: r.contact(f, "contact"),
        }),
        Kind::Partner => KindData::Partner(PartnerData {
            short_name: r.prose(f, "short_name"),
            website: r.link(f, "website", links::Accepts::Web),
            city: r.prose(f, "city"),
            networks: r.references(f, "networks", Kind::Network),
            logo: r.image(f, "logo"),
            contact: r.contact(f, "contact"),
        }),
        Kind::Project => {
            let start = f.get("start").and_then(|n| r.date(n, "start"));
            let end = f.get("end").and_then(|n| r.date(n, "end"));
            if let (Some(s), Some(e), Some(n)) = (start, end, f.get("end"))
                && e < s
            {
                r.error(
                    n.pos,
                    format!("the funding period ends ({e}) before it starts ({s})"),
                );
            }
            let (funding, funders) = r.funding(f, "funding");
            KindData::Project(ProjectData {
                start,
                end,
                funding,
                funders,
                lead: r.reference(f, "lead", Kind::Partner),
                partners: r.references(f, "partners", Kind::Partner),
                networks: r.references(f, "networks", Kind::Network),
                website: r.link(f, "website", links::Accepts::Web),
            })
        }
        Kind::Event => KindData::Event(Box::new(crate::frontmatter::event::read_event(
            f, r, site_tz,
        ))),
        Kind::Post => {
            let date = match f.get("date") {
                Some(n) => r.when(n, "date"),
                None if f.suggested("date") => None,
                None => {
                    r.error(
                        f.pos,
                        "missing required field `date` (a post's publication date)",
                    );
                    None
                }
            };
            KindData::Post(PostData {
                // A missing or wrong date is an error; 1970-01-01 stands in.
                date: date.unwrap_or(When::Date(chrono::NaiveDate::default())),
                author: r.prose(f, "author"),
                about: r.kinded_references(f, "about"),
            })
        }
        Kind::Page => KindData::Page,
    }
}

/// The schema against its readers: kept beside [`parse_entry`], which it
/// drives, so that the front-matter module needs nothing above it.
#[cfg(test)]
mod schema_tests {
    use crate::entry::Kind;
    use crate::frontmatter::fields::READ;
    use crate::frontmatter::schema::*;
    use std::collections::BTreeSet;

    /// A value of `ty` that makes its reader read every sub-field.
    fn sample(ty: Type) -> String {
        let map = |sub: &[Field]| {
            let items: Vec<String> = sub
                .iter()
                .map(|f| format!("{}: {}", f.name, sample(f.ty)))
                .collect();
            format!("{{ {} }}", items.join(", "))
        };
        match ty {
            Type::Text | Type::Prose => "x".into(),
            Type::Bool => "true".into(),
            Type::Link | Type::LinkOrMail => "https://example.org/".into(),
            Type::Email => "a@example.org".into(),
            Type::Date => "2027-01-01".into(),
            Type::When => "2027-01-01T10:00".into(),
            Type::Timezone => "Europe/Berlin".into(),
            Type::Status => "scheduled".into(),
            Type::Recurrence => "FREQ=WEEKLY;COUNT=2".into(),
            Type::Float => "1.5".into(),
            Type::Id | Type::Ref(_) => "a".into(),
            Type::Refs(_) => "[a]".into(),
            Type::KindedRefs => "[projects/a]".into(),
            Type::TextList => "[a]".into(),
            Type::DateList => "[2027-01-08]".into(),
            Type::TextOrMap(sub) => map(sub),
            Type::MapList(sub) | Type::TextOrList(sub) => format!("[{}]", map(sub)),
            Type::Map(sub) => map(sub),
            Type::OneOf(words) => words[0].into(),
            Type::FreeMap => "{ a: 1 }".into(),
        }
    }

    /// The table a map read under `what` is declared in.
    fn table_of(what: &str, kind: Kind) -> Option<Vec<&'static str>> {
        let of_kind = format!("a field of {}", super::with_article(kind.name()));
        Some(match what {
            "an image field" => names(IMAGE),
            "a contact field" => names(CONTACT),
            "a location field" => names(LOCATION),
            "a session field" => names(SESSION),
            "a funder field" => names(FUNDER),
            w if w == of_kind => fields_of(kind).map(|f| f.name).collect(),
            _ => return None,
        })
    }

    /// The readers read exactly the declared keys: a key added to a table
    /// without a reader, or read without being declared, fails here.
    #[test]
    fn the_readers_read_every_declared_key_and_no_other() {
        let mut maps_read = BTreeSet::new();
        for kind in Kind::SECTIONS.into_iter().chain([Kind::Page]) {
            let mut text = String::from("---\n");
            for f in fields_of(kind) {
                text.push_str(&format!("{}: {}\n", f.name, sample(f.ty)));
            }
            text.push_str("---\nText.\n");
            READ.with(|r| r.borrow_mut().clear());
            let mut diags = crate::diagnostics::Diagnostics::new();
            let read = super::parse_entry(
                kind,
                "a",
                "content/a.md",
                text.clone(),
                chrono_tz::Europe::Berlin,
                &mut diags,
            );
            assert!(read.is_ok(), "{kind:?}: {text}");
            let reads: BTreeSet<(String, String)> =
                READ.with(|r| r.borrow().iter().cloned().collect());
            let mut declared = BTreeSet::new();
            let mut seen_maps = BTreeSet::new();
            for (what, key) in &reads {
                let table = table_of(what, kind)
                    .unwrap_or_else(|| panic!("{kind:?}: a map `{what}` not in the schema"));
                assert!(
                    table.contains(&key.as_str()),
                    "{kind:?}: `{key}` of {what} is read but not declared in src/frontmatter/schema.rs"
                );
                if seen_maps.insert(what.clone()) {
                    declared.extend(table.iter().map(|k| (what.clone(), k.to_string())));
                }
            }
            let unread: Vec<_> = declared.difference(&reads).collect();
            assert!(
                unread.is_empty(),
                "{kind:?}: declared but never read: {unread:?}"
            );
            maps_read.extend(seen_maps);
        }
        // Each table of sub-fields has had its keys compared above.
        for what in [
            "an image field",
            "a contact field",
            "a location field",
            "a session field",
            "a funder field",
        ] {
            assert!(maps_read.contains(what), "no {what} was read");
        }
    }
}
