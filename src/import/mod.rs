//! `tandem import`: entries from what a site had before tandem, so that
//! nobody retypes two years of workshops. [`ics`] reads a calendar export
//! (Google, Outlook, Thunderbird or tandem's own feeds), [`table`] a
//! programme table or partner list saved from a spreadsheet. Both turn
//! what they read into [`Draft`]s; [`write`] makes each a Markdown file
//! under `content/`, never over a file that is there unless asked to,
//! and says what it wrote and what it could not carry over.

pub mod ics;
pub mod table;

use crate::entry::Kind;
use crate::error::Error;
use chrono::NaiveDate;
use std::path::Path;

/// A front-matter value as an import writes it.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// Written as it is: a date, an id, an RRULE, a number, `true`.
    Plain(String),
    /// Text for readers, quoted where YAML would read it otherwise.
    Text(String),
    /// `[a, b]`.
    List(Vec<Value>),
    /// `{ key: value, … }`.
    Map(Vec<(String, Value)>),
}

impl Value {
    fn write(&self, out: &mut String) {
        match self {
            Value::Plain(s) => out.push_str(s),
            Value::Text(s) => out.push_str(&yaml_text(s)),
            Value::List(items) => {
                out.push('[');
                for (k, item) in items.iter().enumerate() {
                    if k > 0 {
                        out.push_str(", ");
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Value::Map(entries) => {
                out.push_str("{ ");
                for (k, (key, value)) in entries.iter().enumerate() {
                    if k > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(key);
                    out.push_str(": ");
                    value.write(out);
                }
                out.push_str(" }");
            }
        }
    }
}

/// `s` as a YAML scalar that reads back as the same text: plain where
/// that is safe, else double-quoted with JSON's escapes (a JSON string
/// is a valid YAML double-quoted scalar). Line breaks become spaces:
/// front-matter texts are one line.
pub fn yaml_text(s: &str) -> String {
    let s: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let s = s.trim();
    let lower = s.to_ascii_lowercase();
    let needs = s.is_empty()
        || s.contains([
            ':', '#', '"', '\'', '[', ']', '{', '}', ',', '&', '*', '!', '|', '>', '%', '@', '`',
            '\\',
        ])
        || s.starts_with(['-', '?', ' '])
        || ["true", "false", "yes", "no", "on", "off", "null", "~"].contains(&lower.as_str())
        || s.parse::<f64>().is_ok()
        || crate::entry::schedule::parse_when(s).is_ok();
    if needs {
        serde_json::Value::String(s.to_string()).to_string()
    } else {
        s.to_string()
    }
}

/// One entry to write: its title, the fields after it in order, its
/// text, and what the source had that the entry cannot hold.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Draft {
    pub title: String,
    /// The date the file name is made with (`titel-2022-03-19`), if any.
    pub date: Option<NaiveDate>,
    pub fields: Vec<(String, Value)>,
    /// Markdown text below the front matter.
    pub body: String,
    /// What could not be carried over, in words, listed after the import.
    pub notes: Vec<String>,
    /// Where it came from, for those notes: `UID abc@example.org`, `row 4`.
    pub origin: String,
}

impl Draft {
    /// The whole file: front matter and text.
    pub fn to_markdown(&self) -> String {
        let mut out = String::from("---\ntitle: ");
        out.push_str(&yaml_text(&self.title));
        out.push('\n');
        for (key, value) in &self.fields {
            out.push_str(key);
            out.push_str(": ");
            value.write(&mut out);
            out.push('\n');
        }
        out.push_str("---\n");
        let body = self.body.trim();
        if !body.is_empty() {
            out.push_str(body);
            out.push('\n');
        }
        out
    }

    /// The file name without `.md`: the title's first words and the date.
    fn id(&self) -> String {
        let mut id = crate::slug::short_slug(&self.title);
        if id.is_empty() {
            id = "eintrag".to_string();
        }
        if let Some(d) = self.date {
            id = format!("{id}-{d}");
        }
        id
    }
}

/// What [`write`] did, file by file, for the command to print.
#[derive(Debug, Default)]
pub struct Written {
    /// `content/events/x.md`, in the order of the drafts.
    pub written: Vec<String>,
    /// Files that were there already, left as they were.
    pub skipped: Vec<String>,
    /// Per written file, what its source had that it cannot hold.
    pub notes: Vec<(String, Vec<String>)>,
}

impl Written {
    /// What the command prints: each file, then what was not carried over.
    pub fn report(&self, force_hint: bool) -> String {
        let mut out = String::new();
        for w in &self.written {
            out.push_str(&format!("wrote {w}\n"));
        }
        for s in &self.skipped {
            let hint = if force_hint {
                " (--force replaces it)"
            } else {
                ""
            };
            out.push_str(&format!("skipped {s}: the file exists{hint}\n"));
        }
        if !self.notes.is_empty() {
            out.push_str("\nnot carried over:\n");
            for (file, notes) in &self.notes {
                for n in notes {
                    out.push_str(&format!("  {file}: {n}\n"));
                }
            }
        }
        out.push_str(&format!(
            "{} written, {} skipped; next: tandem check\n",
            self.written.len(),
            self.skipped.len()
        ));
        out
    }
}

/// Writes each draft to `content/FOLDER/ID.md` below `root`. Ids are made
/// from title and date and made unique among the drafts (`-2`, `-3`); a
/// file that exists is skipped, or replaced with `force`. Nothing is
/// written when a file cannot be: the first failure ends the import with
/// the files before it written (each is whole, written then renamed).
pub fn write(root: &Path, kind: Kind, drafts: &[Draft], force: bool) -> Result<Written, Error> {
    let folder = root.join("content").join(kind.folder());
    std::fs::create_dir_all(&folder).map_err(|source| Error::Write {
        path: folder.clone(),
        source,
    })?;
    let mut done = Written::default();
    let mut taken = std::collections::HashSet::new();
    for d in drafts {
        let base = d.id();
        let mut id = base.clone();
        let mut n = 1;
        while !taken.insert(id.clone()) {
            n += 1;
            id = format!("{base}-{n}");
        }
        let rel = format!("content/{}/{id}.md", kind.folder());
        let path = folder.join(format!("{id}.md"));
        if path.exists() && !force {
            done.skipped.push(rel);
            continue;
        }
        crate::output::replace_file(&path, d.to_markdown().as_bytes()).map_err(|source| {
            Error::Write {
                path: path.clone(),
                source,
            }
        })?;
        if !d.notes.is_empty() {
            let notes = d
                .notes
                .iter()
                .map(|n| {
                    if d.origin.is_empty() {
                        n.clone()
                    } else {
                        format!("{n} ({})", d.origin)
                    }
                })
                .collect();
            done.notes.push((rel.clone(), notes));
        }
        done.written.push(rel);
    }
    Ok(done)
}

/// The site's settings, for its time zone; their errors end the import.
fn site_config(root: &Path) -> Result<crate::config::Config, Error> {
    let mut diags = crate::diagnostics::Diagnostics::new();
    let config =
        crate::config::Config::load(root, &crate::config::Overrides::default(), &mut diags);
    match config {
        Some(c) if !diags.has_errors() => Ok(c),
        _ => {
            diags.print();
            Err(Error::Content)
        }
    }
}

/// Reads `file`, or standard input for `-`.
fn read_input(file: &Path) -> Result<Vec<u8>, Error> {
    use std::io::Read;
    let mut bytes = Vec::new();
    let read = if file == Path::new("-") {
        std::io::stdin().read_to_end(&mut bytes).map(|_| ())
    } else {
        std::fs::read(file).map(|b| bytes = b)
    };
    read.map_err(|e| Error::Read(format!("cannot read {}: {e}", file.display())))?;
    Ok(bytes)
}

/// `tandem import ics FILE|-`.
pub fn import_ics(root: &Path, file: &Path, force: bool) -> Result<(), Error> {
    let config = site_config(root)?;
    let bytes = read_input(file)?;
    let label = if file == Path::new("-") {
        "standard input".to_string()
    } else {
        file.display().to_string()
    };
    let mut diags = crate::diagnostics::Diagnostics::new();
    let text = String::from_utf8_lossy(&bytes);
    let drafts = ics::drafts(&text, &label, config.timezone, &mut diags);
    diags.print();
    if diags.has_errors() {
        return Err(Error::Content);
    }
    let done = write(root, Kind::Event, &drafts, force)?;
    print!("{}", done.report(!force));
    Ok(())
}

/// `tandem import csv KIND FILE`.
pub fn import_table(
    root: &Path,
    kind: &str,
    file: &Path,
    map: Option<&str>,
    skip_bad_rows: bool,
    force: bool,
) -> Result<(), Error> {
    let Some(kind) = Kind::from_name(kind).or_else(|| Kind::from_folder(kind)) else {
        return Err(Error::Usage(format!(
            "unknown kind `{kind}`; use event, partner, network, project or post"
        )));
    };
    let map = match map {
        Some(m) => table::parse_map(m).map_err(Error::Usage)?,
        None => Vec::new(),
    };
    let config = site_config(root)?;
    let bytes = read_input(file)?;
    let mut diags = crate::diagnostics::Diagnostics::new();
    let opts = table::TableOptions {
        kind,
        map: &map,
        skip_bad_rows,
        timezone: config.timezone,
    };
    let drafts = table::drafts(&bytes, &file.display().to_string(), &opts, &mut diags);
    diags.print();
    // With --skip-bad-rows a bad row is a warning and left out.
    if diags.has_errors() {
        return Err(Error::Content);
    }
    let done = write(root, kind, &drafts, force)?;
    print!("{}", done.report(!force));
    Ok(())
}

/// Reads `data` as a calendar and as a table of each kind, as the fuzz
/// target and the mutation tests do: nothing may panic, and every draft
/// must be a front matter that reads back as YAML with its title.
pub fn assert_reads_anything(data: &[u8]) {
    let mut drafts = Vec::new();
    let mut diags = crate::diagnostics::Diagnostics::new();
    let text = String::from_utf8_lossy(data);
    drafts.extend(ics::drafts(
        &text,
        "in.ics",
        chrono_tz::Europe::Berlin,
        &mut diags,
    ));
    for kind in [Kind::Event, Kind::Partner, Kind::Post] {
        let opts = table::TableOptions {
            kind,
            map: &[],
            skip_bad_rows: true,
            timezone: chrono_tz::Europe::Berlin,
        };
        drafts.extend(table::drafts(data, "in.csv", &opts, &mut diags));
    }
    for d in drafts {
        let md = d.to_markdown();
        let split = crate::content::split_front_matter(&md);
        let Ok(split) = split else {
            panic!("a draft without front matter:\n{md}");
        };
        let yaml = &md[split.yaml_start..split.yaml_end];
        let node = crate::frontmatter::yaml::parse(yaml, 2)
            .unwrap_or_else(|e| panic!("a draft that is no YAML ({}):\n{md}", e.message));
        let crate::frontmatter::yaml::Value::Map(entries) = &node.value else {
            panic!("a draft that is no map:\n{md}");
        };
        let title = entries.first().and_then(|(_, v)| v.as_text());
        let want: String = d
            .title
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        assert_eq!(title.as_deref(), Some(want.trim()), "{md}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_read_back_as_they_were() {
        for s in [
            "Workshop: Teil 1",
            "ja",
            "no",
            "2022-03-19",
            "- Liste",
            "Köln, Rathaus",
            "\"zitiert\"",
            "a\\b",
            "12",
            "# kein Kommentar",
            "Größe & Übermut",
        ] {
            let yaml = format!("k: {}\n", yaml_text(s));
            let node = crate::frontmatter::yaml::parse(&yaml, 1).unwrap();
            let crate::frontmatter::yaml::Value::Map(m) = &node.value else {
                panic!("{yaml}")
            };
            assert_eq!(m[0].1.as_text().as_deref(), Some(s), "{yaml}");
        }
    }

    #[test]
    fn a_draft_is_a_file_tandem_reads() {
        let d = Draft {
            title: "Treffen: Netzwerk".into(),
            date: NaiveDate::from_ymd_opt(2022, 3, 19),
            fields: vec![
                ("start".into(), Value::Plain("2022-03-19T10:00".into())),
                (
                    "location".into(),
                    Value::Map(vec![("name".into(), Value::Text("Rathaus, Saal 2".into()))]),
                ),
                ("tags".into(), Value::List(vec![Value::Text("a, b".into())])),
            ],
            body: "Text.".into(),
            ..Draft::default()
        };
        assert_eq!(d.id(), "treffen-netzwerk-2022-03-19");
        assert_eq!(
            d.to_markdown(),
            "---\ntitle: \"Treffen: Netzwerk\"\nstart: 2022-03-19T10:00\nlocation: { name: \"Rathaus, Saal 2\" }\ntags: [\"a, b\"]\n---\nText.\n"
        );
    }
}
