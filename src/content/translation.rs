//! Translations (`kickoff.en.md` beside `kickoff.md`): what they may say
//! and how they are read. A translation holds only words; dates,
//! relations, status and ids are facts the main file states once for
//! every language (content format §3, "Translations").

use crate::config::Language;
use crate::diagnostics::{Diagnostics, Pos};
use crate::entry::Kind;
use crate::frontmatter::fields::FieldReader;
use crate::frontmatter::split::split_front_matter;
use crate::frontmatter::yaml::{self, Node, Value};
use crate::frontmatter::{links, schema};
use crate::text::with_article;

/// The words of one entry, plain page or `_index.md` in another language.
#[derive(Clone, Debug)]
pub struct Translation {
    pub language: Language,
    /// The kind whose fields it was read with (a plain page's for an
    /// `_index`).
    pub kind: Kind,
    /// The file it translates: `content/events/kickoff.md`.
    pub of: String,
    /// Its own file: `content/events/kickoff.en.md`.
    pub source: String,
    /// The whole file, for the body and for source lines in findings.
    pub text: String,
    pub title: String,
    pub summary: Option<String>,
    pub body_start: usize,
    pub body_line: usize,
    /// `location: { name, address }` (or `location: text`, the name),
    /// with where it is written.
    pub location: Option<(Option<String>, Option<String>, Pos)>,
    /// The `alt` of `image: { alt }` and of a partner's `logo: { alt }`.
    pub image_alt: Option<String>,
    pub logo_alt: Option<String>,
    pub registration: Option<String>,
    /// `extra`: its keys replace those of the main file's.
    pub extra: serde_json::Value,
    /// Fields that are not words (`start:`), with where they are: errors
    /// that the model reports beside the main file's line of the same
    /// field (see `Site::take_translations`).
    pub stray: Vec<(String, Pos)>,
}

/// The fields a translation may hold for an entry of `kind`.
pub fn translatable(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Event => &[
            "title",
            "summary",
            "image",
            "location",
            "registration",
            "extra",
        ],
        Kind::Partner => &["title", "summary", "image", "logo", "extra"],
        _ => &["title", "summary", "image", "extra"],
    }
}

/// `name.LANG` of a file stem: the main file's stem and the language,
/// when the part after the last dot is a language code tandem knows.
pub fn split_language(stem: &str) -> Option<(&str, &str)> {
    let (name, code) = stem.rsplit_once('.')?;
    (Language::from_code(code).is_some() && !name.is_empty()).then_some((name, code))
}

/// Reads a translation of `of` (an entry of `kind`) from its normalised
/// text. Its problems go to `diags`; `None` when nothing could be read.
pub fn parse(
    kind: Kind,
    language: Language,
    of: &str,
    source: &str,
    text: String,
    diags: &mut Diagnostics,
) -> Option<Translation> {
    let split = match split_front_matter(&text) {
        Ok(s) => s,
        Err((pos, msg)) => {
            diags.push(crate::diagnostics::Diagnostic::error(source, pos, msg).with_source(&text));
            return None;
        }
    };
    let node = match yaml::parse(&text[split.yaml_start..split.yaml_end], 2) {
        Ok(n) => n,
        Err(e) => {
            diags.push(
                crate::diagnostics::Diagnostic::error(source, e.pos, e.message).with_source(&text),
            );
            return None;
        }
    };
    let mut r = FieldReader::new(source, &text, diags);
    let keys: Vec<&str> = schema::fields_of(kind).map(|f| f.name).collect();
    let f = r.map_fields(
        &node,
        &keys,
        &format!("a field of {}", with_article(kind.name())),
    );
    let words = translatable(kind);
    let stray: Vec<(String, Pos)> = f
        .keys()
        .filter(|(key, _)| !words.contains(key))
        .map(|(key, pos)| (key.to_string(), pos))
        .collect();
    let title = r.required_prose(&f, "title", f.pos);
    let summary = r.prose(&f, "summary");
    let image_alt = f
        .get("image")
        .and_then(|n| alt_only(&mut r, n, "image", of));
    let logo_alt = f.get("logo").and_then(|n| alt_only(&mut r, n, "logo", of));
    let location = f.get("location").and_then(|n| location(&mut r, n, of));
    let registration = if kind == Kind::Event {
        r.link(&f, "registration", links::Accepts::WebOrMail)
    } else {
        None
    };
    let extra = f.get("extra").map_or(serde_json::Value::Null, |n| {
        if !matches!(n.value, Value::Map(_)) {
            r.error(
                n.pos,
                "`extra` must be a map of your own `key: value` fields",
            );
        }
        n.to_json()
    });
    let Some(title) = title else {
        // Not kept: its stray fields are reported here.
        for (key, pos) in &stray {
            r.error(*pos, stray_message(kind, key, of));
        }
        return None;
    };
    Some(Translation {
        language,
        kind,
        of: of.to_string(),
        source: source.to_string(),
        title,
        summary,
        body_start: split.body_start,
        body_line: split.body_line,
        location,
        image_alt,
        logo_alt,
        registration,
        extra,
        stray,
        text,
    })
}

/// The error of a field `key` in a translation of `of` that is not words.
pub fn stray_message(kind: Kind, key: &str, of: &str) -> String {
    format!(
        "`{key}` is not translated: it comes from `{of}`, the same in every language; remove it here (a translation holds only {})",
        translatable(kind)
            .iter()
            .map(|w| format!("`{w}`"))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// `image: { alt: … }`: the file is the main file's, only its words are
/// translated.
fn alt_only(r: &mut FieldReader, node: &Node, key: &str, of: &str) -> Option<String> {
    if !matches!(node.value, Value::Map(_)) {
        r.error(
            node.pos,
            format!(
                "the {key}'s file comes from `{of}`; a translation gives only its words: `{key}: {{ alt: … }}`"
            ),
        );
        return None;
    }
    let m = r.map_fields(node, &schema::names(schema::IMAGE), "an image field");
    for (k, pos) in m.keys() {
        if k != "alt" {
            r.error(
                pos,
                format!("`{k}` of the {key} is not translated: it comes from `{of}`; a translation gives only `alt`"),
            );
        }
    }
    r.prose(&m, "alt")
}

/// `location: text` (its name) or `location: { name, address }`.
fn location(
    r: &mut FieldReader,
    node: &Node,
    of: &str,
) -> Option<(Option<String>, Option<String>, Pos)> {
    if !matches!(node.value, Value::Map(_)) {
        let name = node.as_text().or_else(|| {
            r.error(
                node.pos,
                format!("`location` must be text, found {}", node.type_name()),
            );
            None
        })?;
        return Some((Some(name), None, node.pos));
    }
    let m = r.map_fields(node, &schema::names(schema::LOCATION), "a location field");
    for (k, pos) in m.keys() {
        if k != "name" && k != "address" {
            r.error(
                pos,
                format!("`{k}` of the location is not translated: it comes from `{of}`; a translation gives only `name` and `address`"),
            );
        }
    }
    Some((r.prose(&m, "name"), r.prose(&m, "address"), node.pos))
}
