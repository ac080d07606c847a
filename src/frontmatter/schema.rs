//! The front matter of every kind, declared once: the keys a file may
//! hold, the `tandem new` scaffolds, the field tables of
//! `docs/authoring.md` and the JSON Schema of `tandem schema` are all made
//! from these tables, so that they cannot disagree with each other.
//! The readers (`frontmatter::fields`, `frontmatter::event`) read exactly these
//! keys; a test holds them to it.

use crate::entry::Kind;
use serde_json::{Value, json};

/// What a field holds, as the author writes it.
#[derive(Clone, Copy, Debug)]
pub enum Type {
    /// Plain text (a phone number, an id).
    Text,
    /// Text for readers (a title, a place): Markdown-free, one line.
    Prose,
    Bool,
    /// A whole `https://` address.
    Link,
    /// A web address or a `mailto:` link.
    LinkOrMail,
    /// An e-mail address, not a link.
    Email,
    /// `YYYY-MM-DD`.
    Date,
    /// `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM`.
    When,
    /// A time zone name, `Europe/Berlin`.
    Timezone,
    /// One of [`crate::entry::Status::ALL`].
    Status,
    /// An iCalendar `RRULE` value.
    Recurrence,
    /// A number.
    Float,
    /// A session's own id: a-z, 0-9 and -.
    Id,
    /// The id of an entry of that kind.
    Ref(Kind),
    /// A list of ids of entries of that kind.
    Refs(Kind),
    /// A list of `kind/id`.
    KindedRefs,
    /// A list of texts.
    TextList,
    /// A list of dates.
    DateList,
    /// Text, or the map of its sub-fields.
    TextOrMap(&'static [Field]),
    /// A list of maps of these sub-fields.
    MapList(&'static [Field]),
    /// A map of these sub-fields.
    Map(&'static [Field]),
    /// Text, or a list of maps of these sub-fields.
    TextOrList(&'static [Field]),
    /// One of these words.
    OneOf(&'static [&'static str]),
    /// A map of the author's own keys.
    FreeMap,
}

/// One front-matter field.
#[derive(Debug)]
pub struct Field {
    pub name: &'static str,
    pub ty: Type,
    pub required: bool,
    /// One line for authors: what goes there.
    pub doc: &'static str,
    /// A value as an author would write it (empty: none worth showing).
    pub example: &'static str,
    /// What `tandem new` writes for it.
    pub scaffold: Scaffold,
}

/// A field's line in a new entry (see [`scaffold`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scaffold {
    /// Not written: the field is rarer than the ones a new entry needs.
    Omit,
    /// `key:`, to fill in.
    Empty,
    /// `key: []`, to fill in.
    EmptyList,
    /// `key: value`.
    Value(&'static str),
    /// A date this many days after today.
    Date(u64),
    /// A date this many days after today, at this time.
    DateTime(u64, &'static str),
}

const fn field(
    name: &'static str,
    ty: Type,
    doc: &'static str,
    example: &'static str,
    scaffold: Scaffold,
) -> Field {
    Field {
        name,
        ty,
        required: false,
        doc,
        example,
        scaffold,
    }
}

const fn required(field: Field) -> Field {
    Field {
        required: true,
        ..field
    }
}

use Scaffold::{Empty, EmptyList, Omit};

pub const IMAGE: &[Field] = &[
    required(field(
        "src",
        Type::Text,
        "a file under static/, or an https:// address",
        "bilder/auftakt.jpg",
        Omit,
    )),
    field(
        "alt",
        Type::Prose,
        "what the image shows, for those who cannot see it",
        "Teilnehmende im Plenum",
        Omit,
    ),
];

pub const CONTACT: &[Field] = &[
    field(
        "name",
        Type::Prose,
        "a person or office",
        "Erika Muster",
        Omit,
    ),
    field(
        "email",
        Type::Email,
        "an address, not a link",
        "info@example.org",
        Omit,
    ),
    field(
        "phone",
        Type::Text,
        "as it is dialled",
        "+49 2381 123456",
        Omit,
    ),
];

pub const LOCATION: &[Field] = &[
    field(
        "name",
        Type::Prose,
        "the place, or beside `online` the meeting's label",
        "Rathaus",
        Omit,
    ),
    field(
        "address",
        Type::Prose,
        "street and number",
        "Theodor-Heuss-Platz 16",
        Omit,
    ),
    field("city", Type::Prose, "the town", "Hamm", Omit),
    field(
        "url",
        Type::Link,
        "the place's web page",
        "https://example.org/anfahrt",
        Omit,
    ),
    field("lat", Type::Float, "latitude, -90 to 90", "51.68", Omit),
    field("lon", Type::Float, "longitude, -180 to 180", "7.82", Omit),
    field(
        "online",
        Type::Link,
        "the meeting link",
        "https://meet.example.org/treffen",
        Omit,
    ),
];

pub const SESSION: &[Field] = &[
    required(field(
        "start",
        Type::When,
        "local time, or a date for an all-day session",
        "2027-03-10T10:00",
        Omit,
    )),
    field(
        "end",
        Type::When,
        "when the session ends",
        "2027-03-10T12:00",
        Omit,
    ),
    field(
        "location",
        Type::TextOrMap(LOCATION),
        "where, if not the event's place",
        "Köln",
        Omit,
    ),
    field(
        "status",
        Type::Status,
        "this session's status",
        "cancelled",
        Omit,
    ),
    field(
        "id",
        Type::Id,
        "a stable id for its calendar entry",
        "tag-2",
        Omit,
    ),
];

/// One funder of a project (`funding` as a list).
pub const FUNDER: &[Field] = &[
    required(field(
        "name",
        Type::Prose,
        "the funder or funding body",
        "Land Beispiel",
        Omit,
    )),
    field(
        "statement",
        Type::Prose,
        "the sentence the funder asks for",
        "Gefördert vom Land Beispiel",
        Omit,
    ),
    field(
        "programme",
        Type::Prose,
        "the funding programme; `ESF Plus` adds the EU's co-funding line",
        "ESF Plus",
        Omit,
    ),
    field(
        "logo",
        Type::TextOrMap(IMAGE),
        "its logo as a file under static/, best as `{ src, alt }`",
        "{ src: logos/land.svg, alt: Land Beispiel }",
        Omit,
    ),
    field(
        "url",
        Type::Link,
        "the funder's or programme's web page",
        "https://example.org/foerderung",
        Omit,
    ),
];

/// `legal:` in `site.yaml`: the facts the Impressum, the privacy
/// statement and the accessibility statement are written from (spec §9).
pub const LEGAL: &[Field] = &[
    required(field(
        "provider",
        Type::Prose,
        "who runs the site: the organisation's full name",
        "Bildungswerk Beispieltal e. V.",
        Omit,
    )),
    field(
        "legal_form",
        Type::Prose,
        "its legal form, if not in the name",
        "eingetragener Verein",
        Omit,
    ),
    required(field(
        "address",
        Type::Prose,
        "postal address: street, postcode and town",
        "Musterweg 1, 12345 Beispieltal",
        Omit,
    )),
    field(
        "representatives",
        Type::TextList,
        "who represents it (board, managing director)",
        "[Erika Beispiel (Vorsitzende)]",
        Omit,
    ),
    required(field(
        "email",
        Type::Email,
        "the contact address, not a link",
        "info@example.org",
        Omit,
    )),
    field(
        "phone",
        Type::Text,
        "as it is dialled",
        "+49 1234 567890",
        Omit,
    ),
    field(
        "register",
        Type::Prose,
        "register court and register",
        "Amtsgericht Beispieltal, Vereinsregister",
        Omit,
    ),
    field(
        "register_number",
        Type::Text,
        "the number in that register",
        "VR 1234",
        Omit,
    ),
    field(
        "vat_id",
        Type::Text,
        "VAT identification number (USt-IdNr.)",
        "DE123456789",
        Omit,
    ),
    field(
        "responsible",
        Type::Prose,
        "the person responsible for content under § 18 (2) MStV, with address",
        "Erika Beispiel, Musterweg 1, 12345 Beispieltal",
        Omit,
    ),
    field(
        "privacy_contact",
        Type::TextOrMap(CONTACT),
        "data-protection officer or contact",
        "{ name: Datenschutz, email: datenschutz@example.org }",
        Omit,
    ),
    field(
        "privacy_notes",
        Type::TextList,
        "what the site does beyond its own pages, one paragraph each",
        "[Anmeldungen laufen über das Formular der Volkshochschule.]",
        Omit,
    ),
    field(
        "host",
        Type::Prose,
        "who hosts the site, with address",
        "Beispiel Hosting GmbH, Serverweg 2, 10115 Berlin",
        Omit,
    ),
    field(
        "public_body",
        Type::Bool,
        "a public body under BGG § 12 (more than half publicly funded counts)",
        "true",
        Omit,
    ),
    field(
        "accessibility",
        Type::Map(ACCESSIBILITY),
        "the accessibility statement's facts",
        "",
        Omit,
    ),
];

/// `legal.accessibility`: the facts of the accessibility statement.
pub const ACCESSIBILITY: &[Field] = &[
    required(field(
        "status",
        Type::OneOf(&["full", "partial", "none"]),
        "how far the site meets BITV 2.0",
        "partial",
        Omit,
    )),
    field(
        "gaps",
        Type::TextList,
        "what is not yet accessible, and why",
        "[Ältere PDF-Dokumente sind nicht barrierefrei.]",
        Omit,
    ),
    required(field(
        "checked",
        Type::Date,
        "when the site was last checked",
        "2026-11-02",
        Omit,
    )),
    field(
        "method",
        Type::Prose,
        "how it was checked",
        "Selbstbewertung",
        Omit,
    ),
    required(field(
        "feedback",
        Type::Map(CONTACT),
        "where visitors report barriers; an `email` is required",
        "{ name: Redaktion, email: barrierefrei@example.org }",
        Omit,
    )),
    required(field(
        "enforcement",
        Type::Map(ENFORCEMENT),
        "the enforcement or arbitration body",
        "",
        Omit,
    )),
];

/// `legal.accessibility.enforcement`.
pub const ENFORCEMENT: &[Field] = &[
    required(field(
        "name",
        Type::Prose,
        "its name",
        "Schlichtungsstelle nach dem Behindertengleichstellungsgesetz",
        Omit,
    )),
    required(field(
        "url",
        Type::Link,
        "its web page",
        "https://www.schlichtungsstelle-bgg.de/",
        Omit,
    )),
];

/// The fields of every kind, first in each table.
/// `website`, as networks, partners and projects have it.
const WEBSITE: Field = field(
    "website",
    Type::Link,
    "its web site",
    "https://example.org/",
    Empty,
);

/// `contact`, as networks, partners and events have it.
const CONTACT_FIELD: Field = field(
    "contact",
    Type::TextOrMap(CONTACT),
    "text, or { name, email, phone }",
    "{ name: Erika Muster, email: info@example.org }",
    Empty,
);

pub const COMMON: &[Field] = &[
    required(field(
        "title",
        Type::Prose,
        "the entry's name, on its page and in lists",
        "Auftaktveranstaltung",
        Omit,
    )),
    field(
        "summary",
        Type::Prose,
        "one sentence for lists and feeds",
        "",
        Empty,
    ),
    field(
        "draft",
        Type::Bool,
        "left out of every page, list and feed unless `--drafts`",
        "true",
        Omit,
    ),
    field(
        "tags",
        Type::TextList,
        "keywords",
        "[weiterbildung, online]",
        Omit,
    ),
    field(
        "image",
        Type::TextOrMap(IMAGE),
        "a path under static/, or `{ src, alt }`",
        "bilder/auftakt.jpg",
        Omit,
    ),
    field(
        "updated",
        Type::When,
        "when the text last changed",
        "2027-02-01",
        Omit,
    ),
    field(
        "aliases",
        Type::TextList,
        "old addresses that redirect here",
        "[alte-seite/]",
        Omit,
    ),
    field(
        "extra",
        Type::FreeMap,
        "your own `key: value` data for templates",
        "{ raum: A 1.04 }",
        Omit,
    ),
];

pub const NETWORK: &[Field] = &[
    field(
        "partners",
        Type::Refs(Kind::Partner),
        "partner ids (file names without .md)",
        "[provadis, vhs-hamm]",
        EmptyList,
    ),
    field(
        "region",
        Type::Prose,
        "where it works",
        "Südwestfalen",
        Empty,
    ),
    WEBSITE,
    CONTACT_FIELD,
];

pub const PARTNER: &[Field] = &[
    field("short_name", Type::Prose, "a short form", "VHS", Empty),
    WEBSITE,
    field("city", Type::Prose, "its town", "Hamm", Empty),
    field(
        "networks",
        Type::Refs(Kind::Network),
        "network ids",
        "[weiterbildungsverbund-hamm]",
        EmptyList,
    ),
    field(
        "logo",
        Type::TextOrMap(IMAGE),
        "a file under static/",
        "logos/partner.svg",
        Empty,
    ),
    CONTACT_FIELD,
];

pub const PROJECT: &[Field] = &[
    field(
        "start",
        Type::Date,
        "first day of the funding period",
        "2027-01-01",
        Scaffold::Date(0),
    ),
    field(
        "end",
        Type::Date,
        "last day of the funding period",
        "2027-12-31",
        Scaffold::Date(364),
    ),
    field(
        "funding",
        Type::TextOrList(FUNDER),
        "who funds it: text, or funders with statement and logo",
        "[{ name: Land Beispiel, statement: Gefördert vom Land Beispiel }]",
        Empty,
    ),
    field(
        "lead",
        Type::Ref(Kind::Partner),
        "partner id of the lead organisation",
        "provadis",
        Empty,
    ),
    field(
        "partners",
        Type::Refs(Kind::Partner),
        "partner ids",
        "[provadis, vhs-hamm]",
        EmptyList,
    ),
    field(
        "networks",
        Type::Refs(Kind::Network),
        "network ids",
        "[weiterbildungsverbund-hamm]",
        EmptyList,
    ),
    WEBSITE,
];

pub const EVENT: &[Field] = &[
    field(
        "project",
        Type::Ref(Kind::Project),
        "project id",
        "digit-ready-2",
        Empty,
    ),
    field(
        "organizers",
        Type::Refs(Kind::Partner),
        "partner ids",
        "[bildungsturbo]",
        EmptyList,
    ),
    field(
        "networks",
        Type::Refs(Kind::Network),
        "network ids",
        "[weiterbildungsverbund-hamm]",
        EmptyList,
    ),
    field(
        "start",
        Type::When,
        "local time; a date alone is an all-day event",
        "2027-03-10T10:00",
        Scaffold::DateTime(28, "10:00"),
    ),
    field(
        "end",
        Type::When,
        "optional; for all-day events the last day",
        "2027-03-10T12:00",
        Scaffold::DateTime(28, "12:00"),
    ),
    field(
        "timezone",
        Type::Timezone,
        "if not the site's",
        "Europe/Vienna",
        Omit,
    ),
    field(
        "location",
        Type::TextOrMap(LOCATION),
        "a place, or { name, address, city, online }",
        "{ name: Rathaus, city: Hamm }",
        Empty,
    ),
    field(
        "status",
        Type::Status,
        "scheduled | cancelled | postponed | full | moved-online",
        "cancelled",
        Scaffold::Value("scheduled"),
    ),
    field(
        "registration",
        Type::LinkOrMail,
        "optional sign-up link, https://… or mailto:…",
        "https://example.org/anmeldung",
        Empty,
    ),
    field(
        "recurrence",
        Type::Recurrence,
        "repeats, as an iCalendar RRULE",
        "FREQ=WEEKLY;BYDAY=WE;COUNT=12",
        Omit,
    ),
    field(
        "exdates",
        Type::DateList,
        "dates the recurrence skips",
        "[2027-04-14]",
        Omit,
    ),
    field(
        "sessions",
        Type::MapList(SESSION),
        "several dates, each its own calendar entry (instead of `start`)",
        "[{ start: 2027-03-10T10:00, end: 2027-03-10T12:00 }]",
        Omit,
    ),
    field(
        "contact",
        Type::TextOrMap(CONTACT),
        "text, or { name, email, phone }",
        "{ name: Erika Muster, email: info@example.org }",
        Omit,
    ),
    field(
        "uid",
        Type::Text,
        "the UID it had in the calendar it came from (`tandem import ics` writes it); its feeds keep it",
        "3q8f1v0bkd2m@google.com",
        Omit,
    ),
];

pub const POST: &[Field] = &[
    required(field(
        "date",
        Type::When,
        "publication date",
        "2027-01-15",
        Scaffold::Date(0),
    )),
    field("author", Type::Prose, "who wrote it", "Redaktion", Empty),
    field(
        "about",
        Type::KindedRefs,
        "what the post is about",
        "[projects/dine, events/auftakt]",
        EmptyList,
    ),
];

/// The fields `kind` adds to [`COMMON`].
pub fn own_fields(kind: Kind) -> &'static [Field] {
    match kind {
        Kind::Network => NETWORK,
        Kind::Partner => PARTNER,
        Kind::Project => PROJECT,
        Kind::Event => EVENT,
        Kind::Post => POST,
        Kind::Page => &[],
    }
}

/// Every field of `kind`, common ones first.
pub fn fields_of(kind: Kind) -> impl Iterator<Item = &'static Field> {
    COMMON.iter().chain(own_fields(kind))
}

/// The names of `fields`, in their order (the order of "known keys: …").
pub fn names(fields: &'static [Field]) -> Vec<&'static str> {
    fields.iter().map(|f| f.name).collect()
}

/// The front matter lines of a new entry of `kind` (title aside): each
/// field `tandem new` writes, with its documentation as a comment.
/// `date(days)` is the date so many days after today.
pub fn scaffold(kind: Kind, date: impl Fn(u64) -> chrono::NaiveDate) -> String {
    let mut out = String::new();
    for f in fields_of(kind) {
        let value = match f.scaffold {
            Omit => continue,
            Empty => String::new(),
            EmptyList => "[]".to_string(),
            Scaffold::Value(v) => v.to_string(),
            Scaffold::Date(days) => date(days).to_string(),
            Scaffold::DateTime(days, time) => format!("{}T{time}", date(days)),
        };
        let line = format!("{}: {value}", f.name);
        let line = line.trim_end();
        let mut comment = f.doc.to_string();
        if matches!(f.scaffold, Empty | EmptyList) && !f.example.is_empty() {
            comment = format!("{comment}, e.g. {}", f.example);
        }
        out.push_str(&format!("{line:<24} # {comment}\n"));
    }
    out
}

/// How [`Type`] reads in the docs.
fn type_name(ty: Type) -> String {
    match ty {
        Type::Text | Type::Prose => "text".into(),
        Type::Bool => "`true` or `false`".into(),
        Type::Link => "link".into(),
        Type::LinkOrMail => "link or `mailto:`".into(),
        Type::Email => "e-mail address".into(),
        Type::Date => "date".into(),
        Type::When => "date or date and time".into(),
        Type::Timezone => "time zone".into(),
        Type::Status => "status".into(),
        Type::Recurrence => "RRULE".into(),
        Type::Float => "number".into(),
        Type::Id => "id".into(),
        Type::Ref(k) => format!("{} id", k.name()),
        Type::Refs(k) => format!("list of {} ids", k.name()),
        Type::KindedRefs => "list of `kind/id`".into(),
        Type::TextList => "list of texts".into(),
        Type::DateList => "list of dates".into(),
        Type::TextOrMap(sub) => format!("text or `{{ {} }}`", names(sub).join(", ")),
        Type::MapList(sub) => format!("list of `{{ {} }}`", names(sub).join(", ")),
        Type::Map(sub) => format!("`{{ {} }}`", names(sub).join(", ")),
        Type::TextOrList(sub) => format!("text or list of `{{ {} }}`", names(sub).join(", ")),
        Type::OneOf(words) => words
            .iter()
            .map(|w| format!("`{w}`"))
            .collect::<Vec<_>>()
            .join(" \\| "),
        Type::FreeMap => "map".into(),
    }
}

fn table(fields: &mut dyn Iterator<Item = &'static Field>) -> String {
    let mut out = String::from("| field | type | what | example |\n|---|---|---|---|\n");
    for f in fields {
        let name = if f.required {
            format!("`{}` (required)", f.name)
        } else {
            format!("`{}`", f.name)
        };
        let example = if f.example.is_empty() {
            String::new()
        } else {
            format!("`{}`", f.example)
        };
        out.push_str(&format!(
            "| {name} | {} | {} | {example} |\n",
            type_name(f.ty),
            f.doc.replace('|', "\\|")
        ));
    }
    out
}

/// The field tables of `docs/authoring.md`, between its `fields` markers.
pub fn markdown() -> String {
    let mut out = String::from(
        "<!-- Made from src/frontmatter/schema.rs: `TANDEM_BLESS=1 cargo test --test schema` rewrites it. -->\n\n",
    );
    out.push_str("#### Every kind\n\n");
    out.push_str(&table(&mut COMMON.iter()));
    for kind in Kind::SECTIONS {
        out.push_str(&format!("\n#### {}\n\n", capitalised(kind.name())));
        out.push_str(&table(&mut own_fields(kind).iter()));
    }
    for (name, fields) in [
        ("An image", IMAGE),
        ("A contact", CONTACT),
        ("A location", LOCATION),
        ("A session", SESSION),
        ("A funder", FUNDER),
    ] {
        out.push_str(&format!("\n#### {name} as a map\n\n"));
        out.push_str(&table(&mut fields.iter()));
    }
    out
}

/// The tables of `legal:` in `site.yaml`, between the `legal-fields`
/// markers of `docs/authoring.md`.
pub fn legal_markdown() -> String {
    let mut out = String::from(
        "<!-- Made from src/frontmatter/schema.rs: `TANDEM_BLESS=1 cargo test --test schema` rewrites it. -->\n\n",
    );
    for (name, fields) in [
        ("`legal`", LEGAL),
        ("`legal.accessibility`", ACCESSIBILITY),
        ("`legal.accessibility.enforcement`", ENFORCEMENT),
    ] {
        out.push_str(&format!("#### {name}\n\n"));
        out.push_str(&table(&mut fields.iter()));
        out.push('\n');
    }
    out.pop();
    out
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

const ID: &str = "^[a-z0-9]+(-[a-z0-9]+)*$";
const DATE: &str = r"^\d{4}-\d{2}-\d{2}$";
const WHEN: &str = r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?)?$";

/// The JSON Schema of one value of type `ty`.
fn value_schema(ty: Type) -> Value {
    match ty {
        Type::Text | Type::Prose | Type::Timezone | Type::Recurrence => json!({"type": "string"}),
        Type::Bool => json!({"type": "boolean"}),
        Type::Link => json!({"type": "string", "pattern": "^https?://"}),
        Type::LinkOrMail => json!({"type": "string", "pattern": "^(https?://|mailto:)"}),
        Type::Email => json!({"type": "string", "pattern": "^[^@\\s]+@[^@\\s]+$"}),
        Type::Date => json!({"type": "string", "pattern": DATE}),
        Type::When => json!({"type": "string", "pattern": WHEN}),
        Type::Status => {
            let names: Vec<&str> = crate::entry::Status::ALL.iter().map(|(n, _)| *n).collect();
            json!({"enum": names})
        }
        Type::Float => json!({"type": "number"}),
        Type::Id | Type::Ref(_) => json!({"type": "string", "pattern": ID}),
        Type::Refs(_) => json!({"type": "array", "items": {"type": "string", "pattern": ID}}),
        Type::KindedRefs => {
            json!({"type": "array", "items": {"type": "string", "pattern": "^[a-z]+/"}})
        }
        Type::TextList => json!({"type": "array", "items": {"type": "string"}}),
        Type::DateList => json!({"type": "array", "items": {"type": "string", "pattern": DATE}}),
        Type::TextOrMap(sub) => json!({"anyOf": [{"type": "string"}, object(sub.iter())]}),
        Type::MapList(sub) => json!({"type": "array", "items": object(sub.iter())}),
        Type::Map(sub) => object(sub.iter()),
        Type::TextOrList(sub) => json!({"anyOf": [
            {"type": "string"},
            {"type": "array", "items": object(sub.iter())},
        ]}),
        Type::OneOf(words) => json!({"enum": words}),
        Type::FreeMap => json!({"type": "object"}),
    }
}

/// A map of `fields` and no others; an empty value (`key:`) counts as
/// not given, as the readers take it.
fn object<'a>(fields: impl Iterator<Item = &'a Field>) -> Value {
    let mut properties = serde_json::Map::new();
    let mut required = Vec::new();
    for f in fields {
        let mut schema = value_schema(f.ty);
        if !f.required {
            schema = json!({"anyOf": [schema, {"type": "null"}]});
        } else {
            required.push(f.name);
        }
        if let Value::Object(o) = &mut schema {
            o.insert("description".into(), f.doc.into());
            // The example as YAML reads it: `[a, b]` is a list.
            if let Ok(example) = super::yaml::parse(f.example, 1)
                && !example.is_null()
            {
                o.insert("examples".into(), json!([example.to_json()]));
            }
        }
        properties.insert(f.name.into(), schema);
    }
    json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}

/// The JSON Schema (draft 2020-12) of the front matter of `kind`.
pub fn json_schema(kind: Kind) -> Value {
    let mut schema = object(fields_of(kind));
    if let Value::Object(o) = &mut schema {
        o.insert(
            "$schema".into(),
            "https://json-schema.org/draft/2020-12/schema".into(),
        );
        o.insert(
            "title".into(),
            format!("tandem front matter: {}", kind.name()).into(),
        );
    }
    schema
}

/// One schema document with each kind's schema under `$defs`, for
/// `tandem schema` without a kind: `…#/$defs/event` names one.
pub fn json_schemas() -> Value {
    let mut defs = serde_json::Map::new();
    for kind in Kind::SECTIONS.into_iter().chain([Kind::Page]) {
        let mut schema = json_schema(kind);
        if let Value::Object(o) = &mut schema {
            o.remove("$schema");
        }
        defs.insert(kind.name().into(), schema);
    }
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "tandem front matter",
        "$defs": defs,
    })
}
