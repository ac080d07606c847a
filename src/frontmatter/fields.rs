//! Typed reading of positioned YAML: every wrong key, type or value becomes
//! a diagnostic at the place the author wrote it, and reading goes on so
//! that one run reports every problem of a file.

use super::links::{self, Accepts};
use super::schema;
use super::yaml::{Node, Value};
use crate::diagnostics::{Diagnostic, Diagnostics, LineIndex, Pos, did_you_mean};
use crate::entry::schedule::parse_when;
use crate::entry::{Contact, Funder, Image, Kind, Location, Ref, Spanned, Status, When};
use chrono::NaiveDate;
use chrono_tz::Tz;

/// The keys a map accepts.
pub type KeySet = &'static [&'static str];

/// The keys of one map, looked up by name.
pub struct Fields<'n> {
    pub pos: Pos,
    /// Key, position of the key, value.
    entries: Vec<(&'n str, Pos, &'n Node)>,
    /// Known keys that an unknown key was taken for (`stat` → `start`):
    /// their absence is not reported again as a missing field.
    suggested: Vec<String>,
    /// What the map is ("a field of an event"), to tell which table of
    /// [`schema`] a read key belongs to.
    #[cfg(test)]
    what: String,
}

#[cfg(test)]
thread_local! {
    /// Every key read on this thread, with what its map is: the test that
    /// holds the readers to the declared fields.
    pub static READ: std::cell::RefCell<Vec<(String, String)>> = Default::default();
}

impl<'n> Fields<'n> {
    pub fn get(&self, key: &str) -> Option<&'n Node> {
        #[cfg(test)]
        READ.with(|r| r.borrow_mut().push((self.what.clone(), key.to_string())));
        self.entries
            .iter()
            .find(|(k, _, _)| *k == key)
            .map(|(_, _, v)| *v)
            .filter(|v| !v.is_null())
    }

    /// Where the key itself is written (for findings about the field, not its value).
    pub fn key_pos(&self, key: &str) -> Option<Pos> {
        self.entries
            .iter()
            .find(|(k, _, _)| *k == key)
            .map(|(_, p, _)| *p)
    }

    /// Whether an unknown key was reported with `key` as its likely meaning.
    pub fn suggested(&self, key: &str) -> bool {
        self.suggested.iter().any(|s| s == key)
    }

    pub fn contains(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// The keys given, in the order written, with where each is.
    pub fn keys(&self) -> impl Iterator<Item = (&'n str, Pos)> + '_ {
        self.entries.iter().map(|(k, p, _)| (*k, *p))
    }
}

pub struct FieldReader<'a> {
    path: &'a str,
    text: &'a str,
    /// The lines of `text`, made at the first finding: a file may have
    /// one on each of thousands of lines.
    lines: std::cell::OnceCell<LineIndex<'a>>,
    diags: &'a mut Diagnostics,
}

impl<'a> FieldReader<'a> {
    pub fn new(path: &'a str, text: &'a str, diags: &'a mut Diagnostics) -> Self {
        FieldReader {
            path,
            text,
            lines: std::cell::OnceCell::new(),
            diags,
        }
    }

    /// Line `n` (1-based) of the file, without its line end.
    fn line(&mut self, n: usize) -> &'a str {
        let text = self.text;
        let lines = self.lines.get_or_init(|| LineIndex::new(text));
        lines.line(n as u32).unwrap_or("")
    }

    /// Warns when the plain (unquoted) text `node` of `key` is followed by a
    /// comment on its line that reads as part of the text: YAML ends the
    /// text at ` #`, so `title: Workshop #1` is the title "Workshop". Only
    /// for prose, which may hold a `#`; a comment after a date or a list of
    /// ids cuts nothing. A `#` followed by a space is taken for the comment
    /// it looks like: `tandem new` writes such comments after the fields,
    /// and they stay when the fields are filled in.
    fn warn_if_cut(&mut self, node: &Node, key: &str) {
        let Value::Str(value) = &node.value else {
            return;
        };
        let line = self.line(node.pos.line as usize);
        let Some((at, _)) = line
            .char_indices()
            .nth((node.pos.col as usize).saturating_sub(1))
        else {
            return;
        };
        // A quoted or multi-line value does not start with its text.
        let Some(after) = line[at..].strip_prefix(value.as_str()) else {
            return;
        };
        let comment = after.trim_start_matches([' ', '\t']);
        let Some(words) = comment.strip_prefix('#') else {
            return;
        };
        if value.is_empty()
            || comment.len() == after.len()
            || words.is_empty()
            || words.starts_with([' ', '\t'])
        {
            return;
        }
        let hash = line.len() - comment.len();
        let col = line[..hash].chars().count() + 1;
        let whole = line[at..]
            .trim_end()
            .replace('\\', "\\\\")
            .replace('"', "\\\"");
        self.warning(
            Pos::new(node.pos.line as usize, col),
            format!(
                "`{key}` ends before ` #`: YAML reads the rest of the line as a comment — text with ` #` in it must be in quotes: `{key}: \"{whole}\"` (a comment goes on a line of its own)"
            ),
        );
    }

    pub fn error(&mut self, pos: Pos, message: impl Into<String>) {
        let d = Diagnostic::error(self.path, pos, message);
        self.push(d);
    }

    pub fn warning(&mut self, pos: Pos, message: impl Into<String>) {
        let d = Diagnostic::warning(self.path, pos, message);
        self.push(d);
    }

    fn push(&mut self, d: Diagnostic) {
        let lines = self.lines.get_or_init(|| LineIndex::new(self.text));
        self.diags.push(d.with_source(lines));
    }

    pub(super) fn type_error(&mut self, node: &Node, key: &str, expected: &str) {
        self.error(
            node.pos,
            format!("`{key}` must be {expected}, found {}", node.type_name()),
        );
    }

    /// Reads a map, reporting keys outside `keys` with the nearest known one.
    pub fn map_fields<'n>(&mut self, node: &'n Node, keys: &[&str], what: &str) -> Fields<'n> {
        let mut fields = Fields {
            pos: node.pos,
            entries: Vec::new(),
            suggested: Vec::new(),
            #[cfg(test)]
            what: what.to_string(),
        };
        let Value::Map(entries) = &node.value else {
            if !node.is_null() {
                self.error(
                    node.pos,
                    format!(
                        "expected a map of `key: value` lines, found {}",
                        node.type_name()
                    ),
                );
            }
            return fields;
        };
        for (k, v) in entries {
            let Value::Str(key) = &k.value else {
                self.error(
                    k.pos,
                    format!("a key must be text, found {}", k.type_name()),
                );
                continue;
            };
            if !keys.contains(&key.as_str()) {
                let hint = match did_you_mean(key, keys.iter().copied()) {
                    Some(s) => {
                        fields.suggested.push(s.to_string());
                        format!(" — did you mean `{s}`?")
                    }
                    None => format!("; known keys: {}", keys.join(", ")),
                };
                self.error(k.pos, format!("unknown key `{key}`: not {what}{hint}"));
                continue;
            }
            if fields.entries.iter().any(|(seen, _, _)| *seen == key) {
                self.error(k.pos, format!("`{key}` is given twice"));
                continue;
            }
            fields.entries.push((key.as_str(), k.pos, v));
        }
        fields
    }

    pub fn text(&mut self, f: &Fields, key: &str) -> Option<String> {
        let node = f.get(key)?;
        self.node_text(node, key)
    }

    /// Text written for readers (a title, a place): [`FieldReader::text`],
    /// with a warning when a ` #` comment cut it short.
    pub fn prose(&mut self, f: &Fields, key: &str) -> Option<String> {
        let node = f.get(key)?;
        self.node_prose(node, key)
    }

    fn node_prose(&mut self, node: &Node, key: &str) -> Option<String> {
        let text = self.node_text(node, key)?;
        self.warn_if_cut(node, key);
        Some(text)
    }

    fn node_text(&mut self, node: &Node, key: &str) -> Option<String> {
        match node.as_text() {
            Some(t) => Some(t),
            None => {
                self.type_error(node, key, "text");
                None
            }
        }
    }

    /// [`FieldReader::required_text`] for [prose](FieldReader::prose).
    pub fn required_prose(&mut self, f: &Fields, key: &str, pos: Pos) -> Option<String> {
        let text = self.required_text(f, key, pos)?;
        if let Some(node) = f.get(key) {
            self.warn_if_cut(node, key);
        }
        Some(text)
    }

    /// A text field that must be there and must not be empty; a missing
    /// one is reported at `pos` (usually the start of the map).
    pub fn required_text(&mut self, f: &Fields, key: &str, pos: Pos) -> Option<String> {
        match f.get(key) {
            Some(node) => {
                let t = self.node_text(node, key)?;
                if t.trim().is_empty() {
                    self.error(node.pos, format!("`{key}` must not be empty"));
                    return None;
                }
                Some(t)
            }
            None => {
                match f.key_pos(key) {
                    Some(p) => {
                        self.error(p, format!("`{key}` has no value: write it after the `:`"))
                    }
                    None if f.suggested(key) => {}
                    None => self.error(pos, format!("missing required field `{key}`")),
                }
                None
            }
        }
    }

    /// A link field (see [`links::check_link`]): a link that is not one
    /// `key` accepts is reported at its value and left out.
    pub fn link(&mut self, f: &Fields, key: &str, accepts: Accepts) -> Option<String> {
        let node = f.get(key)?;
        self.node_link(node, key, accepts)
    }

    fn node_link(&mut self, node: &Node, key: &str, accepts: Accepts) -> Option<String> {
        let text = self.node_text(node, key)?;
        match links::check_link(key, &text, accepts) {
            Ok(link) => Some(link),
            Err(message) => {
                self.error(node.pos, message);
                None
            }
        }
    }

    pub fn bool(&mut self, f: &Fields, key: &str) -> Option<bool> {
        let node = f.get(key)?;
        match node.value {
            Value::Bool(b) => Some(b),
            _ => {
                self.type_error(node, key, "true or false");
                None
            }
        }
    }

    pub fn text_list(&mut self, f: &Fields, key: &str) -> Vec<Spanned<String>> {
        let Some(node) = f.get(key) else {
            return Vec::new();
        };
        let Value::Seq(items) = &node.value else {
            self.type_error(node, key, "a list such as `[a, b]`");
            return Vec::new();
        };
        items
            .iter()
            .filter_map(|item| {
                self.node_text(item, key).map(|value| Spanned {
                    value,
                    pos: item.pos,
                })
            })
            .collect()
    }

    pub fn float(&mut self, node: &Node, key: &str) -> Option<f64> {
        match node.value {
            Value::Float(f) => Some(f),
            Value::Int(i) => Some(i as f64),
            _ => {
                self.type_error(node, key, "a number");
                None
            }
        }
    }

    /// A date (`2022-03-19`) or a local date and time (`2022-03-19T10:00`).
    pub fn when(&mut self, node: &Node, key: &str) -> Option<When> {
        let Some(text) = node.as_text() else {
            self.type_error(
                node,
                key,
                "a date (YYYY-MM-DD) or date and time (YYYY-MM-DDTHH:MM)",
            );
            return None;
        };
        let text = text.trim();
        match parse_when(text) {
            Ok(w) => Some(w),
            Err(why) => {
                self.error(node.pos, format!("`{key}`: `{text}` {why}"));
                None
            }
        }
    }

    /// An event's `end`: as [`FieldReader::when`], but a time alone
    /// (`19:00`) is an error that offers it on the date of `start`.
    pub fn end(&mut self, node: &Node, start: Option<When>) -> Option<When> {
        let text = node.as_text().unwrap_or_default();
        let Ok(time) = chrono::NaiveTime::parse_from_str(text.trim(), "%H:%M") else {
            return self.when(node, "end");
        };
        let date = start.map_or_else(|| "YYYY-MM-DD".to_string(), |s| s.date().to_string());
        self.error(
            node.pos,
            format!(
                "`end`: `{}` has no date — add the date: `{date}T{}`",
                text.trim(),
                time.format("%H:%M")
            ),
        );
        None
    }

    pub fn date(&mut self, node: &Node, key: &str) -> Option<NaiveDate> {
        match self.when(node, key)? {
            When::Date(d) => Some(d),
            When::Time(_) => {
                self.error(
                    node.pos,
                    format!("`{key}` must be a date without a time (YYYY-MM-DD)"),
                );
                None
            }
        }
    }

    pub fn timezone(&mut self, node: &Node) -> Option<Tz> {
        let name = self.node_text(node, "timezone")?;
        match name.parse::<Tz>() {
            Ok(tz) => Some(tz),
            Err(_) => {
                let hint = did_you_mean(&name, chrono_tz::TZ_VARIANTS.iter().map(|t| t.name()))
                    .map(|s| format!(" — did you mean `{s}`?"))
                    .unwrap_or_default();
                self.error(
                    node.pos,
                    format!(
                        "unknown time zone `{name}`: use an IANA name such as Europe/Berlin{hint}"
                    ),
                );
                None
            }
        }
    }

    /// One id of `kind`.
    pub fn reference(&mut self, f: &Fields, key: &str, kind: Kind) -> Option<Ref> {
        let node = f.get(key)?;
        let id = self.node_text(node, key)?;
        Some(Ref {
            kind,
            id: id.trim().to_string(),
            pos: node.pos,
        })
    }

    /// A list of ids of `kind`.
    pub fn references(&mut self, f: &Fields, key: &str, kind: Kind) -> Vec<Ref> {
        self.text_list(f, key)
            .into_iter()
            .map(|s| Ref {
                kind,
                id: s.value.trim().to_string(),
                pos: s.pos,
            })
            .collect()
    }

    /// `kind/id` references, as posts write them in `about`.
    pub fn kinded_references(&mut self, f: &Fields, key: &str) -> Vec<Ref> {
        let mut out = Vec::new();
        for s in self.text_list(f, key) {
            let value = s.value.trim().trim_end_matches(".md");
            let parsed = value
                .split_once('/')
                .and_then(|(folder, id)| Some((Kind::from_folder(folder)?, id)));
            match parsed {
                Some((kind, id)) => out.push(Ref {
                    kind,
                    id: id.to_string(),
                    pos: s.pos,
                }),
                None => self.error(
                    s.pos,
                    format!("`{key}` entries are written `kind/id` (e.g. `projects/dine`), found `{value}`"),
                ),
            }
        }
        out
    }

    /// `image: path` or `image: { src, alt }`. A path names a file below
    /// `static/`; a URL must be a web address (and loads from another host).
    pub fn image(&mut self, f: &Fields, key: &str) -> Option<Image> {
        let node = f.get(key)?;
        let (src, alt, pos) = if let Value::Map(_) = node.value {
            let m = self.map_fields(node, &schema::names(schema::IMAGE), "an image field");
            let src = self.required_text(&m, "src", node.pos)?;
            let alt = self.prose(&m, "alt").unwrap_or_default();
            (src, alt, m.get("src").map_or(node.pos, |n| n.pos))
        } else {
            (self.node_text(node, key)?, String::new(), node.pos)
        };
        if !links::is_url_like(&src) {
            return Some(Image { src, alt, pos });
        }
        match links::check_link(key, &src, Accepts::Web) {
            Ok(src) => {
                self.warning(
                    pos,
                    format!("`{key}` loads from another host: visitors' browsers contact it, and the image breaks when that host changes; put the file into `static/` and write its path"),
                );
                Some(Image { src, alt, pos })
            }
            Err(message) => {
                self.error(
                    pos,
                    format!("{message}, or put the file into `static/` and write its path"),
                );
                None
            }
        }
    }

    /// `funding: text` or a list of funders (see [`schema::FUNDER`]): the
    /// text the facts show (the funders' names for a list) and the funders.
    pub fn funding(&mut self, f: &Fields, key: &str) -> (Option<String>, Vec<Funder>) {
        let Some(node) = f.get(key) else {
            return (None, Vec::new());
        };
        let Value::Seq(items) = &node.value else {
            return (self.node_prose(node, key), Vec::new());
        };
        let keys = schema::names(schema::FUNDER);
        let mut funders = Vec::new();
        for item in items {
            if !matches!(item.value, Value::Map(_)) {
                self.type_error(item, key, "a list of `{ name, statement, logo, url }`");
                continue;
            }
            let m = self.map_fields(item, &keys, "a funder field");
            let statement = self.prose(&m, "statement");
            let programme = self.prose(&m, "programme");
            let logo = self.image(&m, "logo");
            let url = self.link(&m, "url", Accepts::Web);
            if let Some(name) = self.required_prose(&m, "name", item.pos) {
                funders.push(Funder {
                    name,
                    statement,
                    programme,
                    logo,
                    url,
                    pos: item.pos,
                });
            }
        }
        let names: Vec<&str> = funders.iter().map(|f| f.name.as_str()).collect();
        let text = (!names.is_empty()).then(|| names.join(", "));
        (text, funders)
    }

    /// `contact: text` or `{ name, email, phone }`.
    pub fn contact(&mut self, f: &Fields, key: &str) -> Option<Contact> {
        let node = f.get(key)?;
        if let Value::Map(_) = node.value {
            let m = self.map_fields(node, &schema::names(schema::CONTACT), "a contact field");
            // An address, not a URL: the theme makes the `mailto:` link.
            let email = self
                .text(&m, "email")
                .zip(m.get("email"))
                .and_then(|(e, n)| match links::check_email(&e) {
                    Ok(address) => Some(address),
                    Err(message) => {
                        self.error(n.pos, message);
                        None
                    }
                });
            return Some(Contact {
                name: self.prose(&m, "name"),
                email,
                phone: self.text(&m, "phone"),
            });
        }
        Some(Contact {
            name: Some(self.node_prose(node, key)?),
            ..Contact::default()
        })
    }

    /// `location: text` or a map of place and online link.
    pub fn location(&mut self, node: &Node) -> Option<Location> {
        if let Value::Map(_) = node.value {
            let keys = schema::names(schema::LOCATION);
            let m = self.map_fields(node, &keys, "a location field");
            let lat = m.get("lat").and_then(|n| self.float(n, "lat"));
            let lon = m.get("lon").and_then(|n| self.float(n, "lon"));
            if let (Some(n), Some(v)) = (m.get("lat"), lat)
                && !(-90.0..=90.0).contains(&v)
            {
                self.error(n.pos, "`lat` must lie between -90 and 90");
            }
            if let (Some(n), Some(v)) = (m.get("lon"), lon)
                && !(-180.0..=180.0).contains(&v)
            {
                self.error(n.pos, "`lon` must lie between -180 and 180");
            }
            // Whether they are given: a wrong one has its own error.
            if m.contains("lat") != m.contains("lon") {
                self.error(node.pos, "give both `lat` and `lon`, or neither");
            }
            let loc = Location {
                name: self.prose(&m, "name"),
                address: self.prose(&m, "address"),
                city: self.prose(&m, "city"),
                url: m
                    .get("url")
                    .and_then(|n| self.node_link(n, "url", Accepts::Web)),
                lat,
                lon,
                online: m
                    .get("online")
                    .and_then(|n| self.node_link(n, "online", Accepts::Web)),
            };
            // A field given with a wrong value has had its error.
            if loc == Location::default() {
                if !keys.iter().any(|k| m.contains(k)) {
                    self.error(
                        node.pos,
                        "an empty location: give at least a `name`, `city` or `online` link",
                    );
                }
                return None;
            }
            return Some(loc);
        }
        let name = self.node_prose(node, "location")?;
        Some(Location {
            name: Some(name),
            ..Location::default()
        })
    }

    pub fn status(&mut self, node: &Node) -> Option<Status> {
        let text = self.node_text(node, "status")?;
        match Status::ALL.iter().find(|(n, _)| *n == text) {
            Some((_, s)) => Some(*s),
            None => {
                let names: Vec<&str> = Status::ALL.iter().map(|(n, _)| *n).collect();
                let hint = did_you_mean(&text, names.iter().copied())
                    .map(|s| format!(" — did you mean `{s}`?"))
                    .unwrap_or_else(|| format!("; use one of {}", names.join(", ")));
                self.error(node.pos, format!("unknown status `{text}`{hint}"));
                None
            }
        }
    }
}

/// Ids are lower-case `[a-z0-9-]`, as in addresses and calendar UIDs.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}
