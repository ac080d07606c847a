//! The entries of a site as the author wrote them, typed and positioned.

pub mod schedule;

pub use schedule::When;

use crate::diagnostics::Pos;
use chrono::NaiveDate;
use chrono_tz::Tz;
use serde::Serialize;

/// What an entry is, decided by its top folder under `content/`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Network,
    Partner,
    Project,
    Event,
    Post,
    /// Any other Markdown file: a plain page at its path.
    Page,
}

impl Kind {
    /// The kinds with a folder, a listing and one page per entry.
    pub const SECTIONS: [Kind; 5] = [
        Kind::Network,
        Kind::Partner,
        Kind::Project,
        Kind::Event,
        Kind::Post,
    ];

    pub fn folder(self) -> &'static str {
        match self {
            Kind::Network => "networks",
            Kind::Partner => "partners",
            Kind::Project => "projects",
            Kind::Event => "events",
            Kind::Post => "posts",
            Kind::Page => "",
        }
    }

    pub fn from_folder(folder: &str) -> Option<Kind> {
        Kind::SECTIONS.into_iter().find(|k| k.folder() == folder)
    }

    /// The singular word used in messages and front-matter field names.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Network => "network",
            Kind::Partner => "partner",
            Kind::Project => "project",
            Kind::Event => "event",
            Kind::Post => "post",
            Kind::Page => "page",
        }
    }

    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::SECTIONS.into_iter().find(|k| k.name() == name)
    }

    /// Kinds that publish a `calendar.ics` of their own.
    pub fn has_feed(self) -> bool {
        matches!(self, Kind::Network | Kind::Partner | Kind::Project)
    }
}

/// A value with the place the author wrote it.
#[derive(Clone, Debug, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub pos: Pos,
}

/// A reference by id from front matter to an entry of a known kind.
#[derive(Clone, Debug, PartialEq)]
pub struct Ref {
    pub kind: Kind,
    pub id: String,
    pub pos: Pos,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Image {
    pub src: String,
    pub alt: String,
    #[serde(skip)]
    pub pos: Pos,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Contact {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Location {
    pub name: Option<String>,
    pub address: Option<String>,
    pub city: Option<String>,
    pub url: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// Link of an online meeting; with a place too, the event is hybrid.
    pub online: Option<String>,
}

impl Location {
    /// Whether it names a physical place (content format §3): an address,
    /// a city, coordinates, or a place written as text (`location: Köln`,
    /// or a `name` alone). Next to an `online` link a `name` only labels
    /// the meeting (`{ name: Zoom, online: … }` is online only), and
    /// "Online" written as the place is no place either.
    pub fn has_place(&self) -> bool {
        self.address.is_some()
            || self.city.is_some()
            || self.lat.is_some()
            || (self.online.is_none() && self.name.is_some() && !self.is_named_online())
    }

    /// Whether people can take part online: a meeting link, or "Online"
    /// written as the place.
    pub fn is_online(&self) -> bool {
        self.online.is_some() || self.is_named_online()
    }

    /// "Online" written where the place would be.
    pub fn is_named_online(&self) -> bool {
        self.name
            .as_deref()
            .is_some_and(|n| n.trim().eq_ignore_ascii_case("online"))
    }

    /// One line for calendars and lists: "Haus der Technik, Hauptstr. 1, Köln".
    pub fn one_line(&self) -> String {
        let mut parts: Vec<&str> = Vec::new();
        for p in [&self.name, &self.address, &self.city]
            .into_iter()
            .flatten()
        {
            if !parts.iter().any(|q| q.contains(p.as_str())) {
                parts.push(p);
            }
        }
        if parts.is_empty()
            && let Some(url) = &self.online
        {
            return url.clone();
        }
        parts.join(", ")
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    #[default]
    Scheduled,
    Cancelled,
    Postponed,
    Full,
    MovedOnline,
}

impl Status {
    pub const ALL: [(&'static str, Status); 5] = [
        ("scheduled", Status::Scheduled),
        ("cancelled", Status::Cancelled),
        ("postponed", Status::Postponed),
        ("full", Status::Full),
        ("moved-online", Status::MovedOnline),
    ];

    pub fn as_str(self) -> &'static str {
        Status::ALL
            .iter()
            .find(|(_, s)| *s == self)
            .map_or("scheduled", |(n, _)| n)
    }
}

/// How an event, or one of its sessions, is attended: what its page, its
/// JSON-LD and its calendar entry present, worked out in one place from
/// its location and its status.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Attendance<'a> {
    /// Where it happens, if anywhere: not the old place of an event that
    /// moved online.
    pub place: Option<&'a Location>,
    /// Whether people take part online.
    pub online: bool,
    /// The meeting link, where one is given.
    pub link: Option<&'a str>,
}

impl<'a> Attendance<'a> {
    pub fn of(location: Option<&'a Location>, status: Status) -> Attendance<'a> {
        let moved = status == Status::MovedOnline;
        Attendance {
            place: location.filter(|l| l.has_place() && !moved),
            online: moved || location.is_some_and(Location::is_online),
            link: location.and_then(|l| l.online.as_deref()),
        }
    }

    /// Online and on site (hybrid).
    pub fn is_mixed(&self) -> bool {
        self.online && self.place.is_some()
    }

    /// Online only.
    pub fn is_online_only(&self) -> bool {
        self.online && self.place.is_none()
    }

    /// What a calendar shows and links as the location: the place, else
    /// the meeting link of an online-only event (never the label of the
    /// meeting, such as "Zoom", nor the old place of an event that moved
    /// online), else "Online". `link` is the meeting link as far as it may
    /// be shown (the caller checks it is a web address).
    pub fn location_line(&self, link: Option<&str>) -> Option<String> {
        match (self.place, link) {
            (Some(place), _) => Some(place.one_line()),
            (None, Some(link)) => Some(link.to_string()),
            (None, None) if self.online => Some("Online".to_string()),
            (None, None) => None,
        }
    }
}

/// One dated session of a multi-session event.
#[derive(Clone, Debug, PartialEq)]
pub struct Session {
    pub start: When,
    pub end: Option<When>,
    pub location: Option<Location>,
    pub status: Option<Status>,
    pub id: Option<String>,
    pub pos: Pos,
}

#[derive(Clone, Debug, PartialEq)]
pub struct EventData {
    pub project: Option<Ref>,
    pub organizers: Vec<Ref>,
    pub networks: Vec<Ref>,
    pub start: Option<Spanned<When>>,
    pub end: Option<Spanned<When>>,
    pub timezone: Tz,
    pub location: Option<Location>,
    pub status: Status,
    pub registration: Option<String>,
    /// The author's RRULE, validated; see [`crate::entry::schedule`].
    pub recurrence: Option<Spanned<String>>,
    pub exdates: Vec<NaiveDate>,
    pub sessions: Vec<Session>,
    pub contact: Option<Contact>,
    /// The UID the event had in the calendar it was imported from: its
    /// feeds keep it, so that subscribers of that calendar see the same
    /// event rather than a second one.
    pub uid: Option<Spanned<String>>,
    /// Every dated occurrence, worked out once when the event is read.
    pub schedule: crate::entry::schedule::Schedule,
}

impl EventData {
    /// The session an occurrence belongs to, if it is one.
    pub fn session_of(&self, o: &schedule::Occurrence) -> Option<&Session> {
        o.session.and_then(|k| self.sessions.get(k))
    }

    /// The status of one occurrence: its session's own, else the event's.
    pub fn status_at(&self, o: &schedule::Occurrence) -> Status {
        self.session_of(o)
            .and_then(|s| s.status)
            .unwrap_or(self.status)
    }

    /// Where one occurrence happens: its session's place, else the event's.
    pub fn location_at(&self, o: &schedule::Occurrence) -> Option<&Location> {
        self.session_of(o)
            .and_then(|s| s.location.as_ref())
            .or(self.location.as_ref())
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct NetworkData {
    pub partners: Vec<Ref>,
    pub region: Option<String>,
    pub website: Option<String>,
    pub contact: Option<Contact>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct PartnerData {
    pub short_name: Option<String>,
    pub website: Option<String>,
    pub city: Option<String>,
    pub networks: Vec<Ref>,
    pub logo: Option<Image>,
    pub contact: Option<Contact>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ProjectData {
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    /// Who funds it, in a few words: `funding` as text, or the funders'
    /// names (cards and the facts box show it).
    pub funding: Option<String>,
    /// `funding` as a list: the acknowledgements the project page shows.
    pub funders: Vec<Funder>,
    pub lead: Option<Ref>,
    pub partners: Vec<Ref>,
    pub networks: Vec<Ref>,
    pub website: Option<String>,
}

/// One funder of a project, with what it asks the project to show.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Funder {
    pub name: String,
    pub statement: Option<String>,
    pub programme: Option<String>,
    pub logo: Option<Image>,
    pub url: Option<String>,
    #[serde(skip)]
    pub pos: Pos,
}

impl Funder {
    /// Whether the funder names the European Social Fund Plus, whose
    /// projects show the EU's co-funding line beside its emblem.
    pub fn is_esf_plus(&self) -> bool {
        [Some(&self.name), self.programme.as_ref()]
            .into_iter()
            .flatten()
            .any(|t| {
                let t: String = t
                    .to_lowercase()
                    .chars()
                    .filter(|c| !c.is_whitespace() && *c != '-')
                    .collect();
                t.contains("esfplus") || t.contains("esf+")
            })
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct PostData {
    pub date: When,
    pub author: Option<String>,
    pub about: Vec<Ref>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum KindData {
    Network(NetworkData),
    Partner(PartnerData),
    Project(ProjectData),
    Event(Box<EventData>),
    Post(PostData),
    Page,
}

/// One Markdown file of the site.
#[derive(Clone, Debug)]
pub struct Entry {
    pub kind: Kind,
    /// The file stem; for plain pages the path below `content/` without `.md`.
    pub id: String,
    /// Path relative to the site root, `/`-separated: `content/partners/x.md`.
    pub source: String,
    /// The whole file, kept for showing source lines in later diagnostics.
    pub text: String,
    pub title: String,
    pub summary: Option<String>,
    pub draft: bool,
    pub tags: Vec<String>,
    pub image: Option<Image>,
    pub updated: Option<When>,
    pub aliases: Vec<Spanned<String>>,
    pub extra: serde_json::Value,
    /// Byte offset of the Markdown body in `text`.
    pub body_start: usize,
    /// File line of the body's first line.
    pub body_line: usize,
    /// Modification time of the file, the last resort for `DTSTAMP`.
    pub mtime: Option<std::time::SystemTime>,
    pub data: KindData,
    /// The language code of its words when a page in another language
    /// shows them, for want of a translation (`Site::in_language`);
    /// `None` when they are in the page's language.
    pub text_lang: Option<&'static str>,
}

impl Entry {
    pub fn body(&self) -> &str {
        self.text.get(self.body_start..).unwrap_or("")
    }

    /// Every front-matter reference to another entry, in order.
    pub fn references(&self) -> Vec<&Ref> {
        let mut refs: Vec<&Ref> = Vec::new();
        match &self.data {
            KindData::Network(n) => refs.extend(&n.partners),
            KindData::Partner(p) => refs.extend(&p.networks),
            KindData::Project(p) => {
                refs.extend(&p.lead);
                refs.extend(&p.partners);
                refs.extend(&p.networks);
            }
            KindData::Event(e) => {
                refs.extend(&e.project);
                refs.extend(&e.organizers);
                refs.extend(&e.networks);
            }
            KindData::Post(p) => refs.extend(&p.about),
            KindData::Page => {}
        }
        refs
    }

    pub fn event(&self) -> Option<&EventData> {
        match &self.data {
            KindData::Event(e) => Some(e),
            _ => None,
        }
    }
}
