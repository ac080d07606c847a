//! Typed reading of positioned YAML: every wrong key, type or value becomes
//! a diagnostic at the place the author wrote it, and reading goes on so
//! that one run reports every problem of a file.

use super::yaml::{Node, Value};
use crate::diagnostics::{Diagnostic, Diagnostics, LineIndex, Pos, did_you_mean};
use crate::model::entry::{Contact, Image, Kind, Location, Ref, Session, Spanned, Status, When};
use chrono::{NaiveDate, NaiveDateTime};
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
}

impl<'n> Fields<'n> {
    pub fn get(&self, key: &str) -> Option<&'n Node> {
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

    fn type_error(&mut self, node: &Node, key: &str, expected: &str) {
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

    fn node_text(&mut self, node: &Node, key: &str) -> Option<String> {
        match node.as_text() {
            Some(t) => Some(t),
            None => {
                self.type_error(node, key, "text");
                None
            }
        }
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

    /// `image: path` or `image: { src, alt }`.
    pub fn image(&mut self, f: &Fields, key: &str) -> Option<Image> {
        let node = f.get(key)?;
        if let Value::Map(_) = node.value {
            let m = self.map_fields(node, &["src", "alt"], "an image field");
            let src = self.required_text(&m, "src", node.pos)?;
            let alt = self.text(&m, "alt").unwrap_or_default();
            let pos = m.get("src").map_or(node.pos, |n| n.pos);
            return Some(Image { src, alt, pos });
        }
        let src = self.node_text(node, key)?;
        Some(Image {
            src,
            alt: String::new(),
            pos: node.pos,
        })
    }

    /// `contact: text` or `{ name, email, phone }`.
    pub fn contact(&mut self, f: &Fields, key: &str) -> Option<Contact> {
        let node = f.get(key)?;
        if let Value::Map(_) = node.value {
            let m = self.map_fields(node, &["name", "email", "phone"], "a contact field");
            let email = self.text(&m, "email");
            if let (Some(e), Some(n)) = (&email, m.get("email"))
                && (!e.contains('@') || e.contains(char::is_whitespace))
            {
                self.error(n.pos, format!("`email`: `{e}` is not an e-mail address"));
            }
            return Some(Contact {
                name: self.text(&m, "name"),
                email,
                phone: self.text(&m, "phone"),
            });
        }
        Some(Contact {
            name: Some(self.node_text(node, key)?),
            ..Contact::default()
        })
    }

    /// `location: text` or a map of place and online link.
    pub fn location(&mut self, node: &Node) -> Option<Location> {
        if let Value::Map(_) = node.value {
            let m = self.map_fields(
                node,
                &["name", "address", "city", "url", "lat", "lon", "online"],
                "a location field",
            );
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
            if lat.is_some() != lon.is_some() {
                self.error(node.pos, "give both `lat` and `lon`, or neither");
            }
            let loc = Location {
                name: self.text(&m, "name"),
                address: self.text(&m, "address"),
                city: self.text(&m, "city"),
                url: self.text(&m, "url"),
                lat,
                lon,
                online: self.text(&m, "online"),
            };
            if loc == Location::default() {
                self.error(
                    node.pos,
                    "an empty location: give at least a `name`, `city` or `online` link",
                );
                return None;
            }
            return Some(loc);
        }
        let name = self.node_text(node, "location")?;
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

    pub fn sessions(&mut self, f: &Fields) -> Vec<Session> {
        let Some(node) = f.get("sessions") else {
            return Vec::new();
        };
        let Value::Seq(items) = &node.value else {
            self.type_error(node, "sessions", "a list of `{ start, end }` maps");
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items {
            let m = self.map_fields(
                item,
                &["start", "end", "location", "status", "id"],
                "a session field",
            );
            let start = match m.get("start") {
                Some(n) => self.when(n, "start"),
                None => {
                    self.error(item.pos, "missing required field `start` in this session");
                    None
                }
            };
            let end = m.get("end").and_then(|n| self.when(n, "end"));
            let location = m.get("location").and_then(|n| self.location(n));
            let status = m.get("status").and_then(|n| self.status(n));
            let id = self.text(&m, "id");
            if let (Some(id), Some(n)) = (&id, m.get("id"))
                && !is_valid_id(id)
            {
                self.error(
                    n.pos,
                    format!("session id `{id}` may hold only a-z, 0-9 and -"),
                );
            }
            if let Some(start) = start {
                out.push(Session {
                    start,
                    end,
                    location,
                    status,
                    id,
                    pos: item.pos,
                });
            }
        }
        out
    }
}

/// The years a date may have. Anything else is a typo (`9432` for
/// `2032`), and would make every calendar feed carry time-zone rules for
/// thousands of years.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2199;

/// Parses the date and date-time forms the format allows, with a year in
/// [`YEARS`].
pub fn parse_when(text: &str) -> Result<When, &'static str> {
    let b = text.as_bytes();
    if !(b.len() >= 10 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-') {
        return Err("is not a date (YYYY-MM-DD) or a date and time (YYYY-MM-DDTHH:MM)");
    }
    let year: i32 = text[..4].parse().unwrap_or(0);
    if !YEARS.contains(&year) {
        return Err("has a year outside 1900–2199: is it a typo?");
    }
    if let Ok(d) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(When::Date(d));
    }
    for fmt in [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(text, fmt) {
            return Ok(When::Time(t));
        }
    }
    if text.ends_with('Z') || text.rfind(['+']).is_some_and(|i| i > 10) {
        return Err("carries a UTC offset: write the local time and set `timezone` instead");
    }
    Err("is not a date (YYYY-MM-DD) or a date and time (YYYY-MM-DDTHH:MM)")
}

/// Ids are lower-case `[a-z0-9-]`, as in addresses and calendar UIDs.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}
