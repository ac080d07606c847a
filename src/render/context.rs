//! What templates see. Every entry's "card" (the short form lists show) is
//! built once and reused by every page that lists the entry; an entry's
//! page adds its full fields and its relations. docs/theme.md documents
//! these names for theme authors: keep it in step.

use super::component_cache::ComponentCache;
use super::i18n::Labels;
use super::markdown::Rendered;
use super::web_calendars;
use crate::entry::schedule::Occurrence;
use crate::entry::{Attendance, Entry, EventData, Kind, KindData, Location, Status, When};
use crate::model::Site;
use crate::routes::Route;
use chrono::{DateTime, Datelike, Utc};
use rayon::prelude::*;
use serde::ser::{Serialize, SerializeStruct, Serializer};
use serde_json::{Value, json};
use tera::Value as TValue;
use tera::value::Key;

pub struct Contexts<'a> {
    pub site: &'a Site,
    pub labels: &'a Labels,
    /// The rendered bodies that [`Contexts::entry_page`] reads (`serve`
    /// keeps them all). `build` renders each entry's page as soon as its
    /// body is ready ([`Contexts::entry_page_with`]) and leaves this empty,
    /// so that the HTML of every body is never held at once.
    pub bodies: &'a [Rendered],
    /// Every entry's card as a template value. Tera's values share their
    /// maps and lists, so a card listed on a hundred pages is built once
    /// and never copied.
    cards: Vec<TValue>,
    /// `site`, `t` and `lang`: the same on every page.
    base: tera::Context,
    /// Past events in listing order and the archive years, worked out by
    /// the first page that needs them (see `pages::past_once`).
    pub(crate) past: std::sync::OnceLock<Vec<usize>>,
    pub(crate) years: std::sync::OnceLock<Vec<i32>>,
    /// What `component_cached` rendered, for as long as the cards stay.
    components: std::sync::OnceLock<std::sync::Arc<ComponentCache>>,
    /// The label of each status, in the order of [`Status::ALL`].
    status_labels: [TValue; 5],
    /// The [`DateTexts`] of each event's dates (by entry), made by the
    /// first of its card and its page that needs them.
    date_texts: Vec<std::sync::OnceLock<Vec<DateTexts>>>,
    /// The `url`s of `site.nav`, for `nav_current`.
    nav_urls: Vec<String>,
}

/// A template map being made. It is written the way Tera makes a
/// serialised struct into a value: each field converted straight into a
/// template value (no JSON, no value in between) and each key hashed once.
/// Filling a `tera::Map` and calling `Value::from` on it would hash every
/// key a second time, as Tera's `From<IndexMap>` rebuilds the map.
struct Obj<M: SerializeStruct> {
    map: M,
    /// The serialiser's first error (there is none for the plain data
    /// written here; `map_value` would panic on it).
    failed: Option<M::Error>,
}

impl<M: SerializeStruct> Obj<M> {
    /// Sets `key`; a key set twice keeps its first place and its last value.
    fn set<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        if self.failed.is_none()
            && let Err(e) = self.map.serialize_field(key, value)
        {
            self.failed = Some(e);
        }
    }

    /// Sets `key` to a template value (shared, not copied).
    fn put(&mut self, key: &'static str, value: TValue) {
        self.set(key, &value);
    }
}

/// What fills a template map (see [`map_value`]).
trait Fields {
    /// How many fields there will be, to make room for at once.
    fn room(&self) -> usize;
    fn fill<M: SerializeStruct>(&self, m: &mut Obj<M>);
}

/// The template map that `fields` fills.
fn map_value(fields: &impl Fields) -> TValue {
    struct AsMap<'f, F>(&'f F);
    impl<F: Fields> Serialize for AsMap<'_, F> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut m = Obj {
                map: s.serialize_struct("map", self.0.room())?,
                failed: None,
            };
            self.0.fill(&mut m);
            match m.failed {
                Some(e) => Err(e),
                None => m.map.end(),
            }
        }
    }
    TValue::from_serializable(&AsMap(fields))
}

/// The fields of entry `i`'s card.
struct Card<'c, 'a> {
    ctx: &'c Contexts<'a>,
    i: usize,
}

impl Fields for Card<'_, '_> {
    fn room(&self) -> usize {
        match self.ctx.site.entries[self.i].data {
            KindData::Event(_) => 32,
            _ => 9,
        }
    }

    fn fill<M: SerializeStruct>(&self, m: &mut Obj<M>) {
        self.ctx.card_fields(self.i, m);
    }
}

/// The fields of entry `i`'s page: those of its card, then its own.
struct Page<'c, 'a> {
    ctx: &'c Contexts<'a>,
    i: usize,
    body: &'c Rendered,
    /// The card's map, whose fields are copied (values shared). Its keys
    /// are `&'static str`s (see [`Contexts::entry_page_with`]).
    card: Option<&'c tera::Map>,
}

impl Fields for Page<'_, '_> {
    fn room(&self) -> usize {
        // About 37 of the page's own for an event.
        self.card.map_or(0, tera::Map::len) + 37
    }

    fn fill<M: SerializeStruct>(&self, m: &mut Obj<M>) {
        for (k, v) in self.card.into_iter().flatten() {
            if let Key::Str(k) = k {
                m.set(k, v);
            }
        }
        self.ctx.page_fields(self.i, self.body, m);
    }
}

/// A location (see [`Contexts::location_value`]).
struct Place<'c, 'a> {
    ctx: &'c Contexts<'a>,
    loc: &'c Location,
    status: Status,
}

impl Fields for Place<'_, '_> {
    fn room(&self) -> usize {
        12
    }

    fn fill<M: SerializeStruct>(&self, m: &mut Obj<M>) {
        self.ctx.location_fields(self.loc, self.status, m);
    }
}

/// One date of an event's page (`occurrences`, `next_dates`).
struct Date<'c, 'a> {
    ctx: &'c Contexts<'a>,
    ev: &'c EventData,
    o: &'c Occurrence,
    texts: &'c DateTexts,
}

/// The texts of one date of an event, made once per build for its card
/// and its page, which show them in several places (the card's `when`,
/// `when_long` and `start`; the date's own fields, `when_long` and the
/// JSON-LD on the page).
struct DateTexts {
    /// `start` and `end` as `<time datetime>` wants them.
    start: String,
    end: Option<String>,
    /// The date in words ([`Labels::when_text`]) and short
    /// ([`Labels::when_short`]).
    when: String,
    when_short: String,
}

impl Fields for Date<'_, '_> {
    fn room(&self) -> usize {
        9
    }

    fn fill<M: SerializeStruct>(&self, m: &mut Obj<M>) {
        self.ctx.date_fields(self.ev, self.o, self.texts, m);
    }
}

/// A heading of the table of contents (`toc`).
struct Heading<'c>(&'c (u8, String, String));

impl Fields for Heading<'_> {
    fn room(&self) -> usize {
        3
    }

    fn fill<M: SerializeStruct>(&self, m: &mut Obj<M>) {
        let (level, id, title) = self.0;
        m.set("id", id);
        m.set("level", level);
        m.set("title", title);
    }
}

/// A page's own template variables, in the order they were set; those
/// that every page shares ([`Contexts::shared`]) join them at render time.
#[derive(Clone, Debug, Default)]
pub struct Vars(Vec<(&'static str, TValue)>);

impl Vars {
    /// Sets `key` to a value made from anything serialisable (a copy).
    pub fn insert<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        self.put(key, TValue::from_serializable(value));
    }

    /// Sets `key` to a template value (shared, not copied).
    pub fn put(&mut self, key: &'static str, value: TValue) {
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => self.0.push((key, value)),
        }
    }

    /// The variables with `shared` as the context of a render.
    pub fn to_context(&self, shared: &tera::Context) -> tera::Context {
        let mut ctx = shared.clone();
        for (k, v) in &self.0 {
            ctx.insert_value(*k, v.clone());
        }
        ctx
    }

    /// The variables as one map value (`serve` hashes it).
    pub fn to_value(&self) -> TValue {
        struct Own<'v>(&'v [(&'static str, TValue)]);
        impl Fields for Own<'_> {
            fn room(&self) -> usize {
                self.0.len()
            }
            fn fill<M: SerializeStruct>(&self, m: &mut Obj<M>) {
                for (k, v) in self.0 {
                    m.set(k, v);
                }
            }
        }
        map_value(&Own(&self.0))
    }
}

/// A feed's links: `webcal://` to subscribe and `https://` to download,
/// Google Calendar's and Outlook.com's own subscribe links, and its
/// site-absolute address (keys in alphabetical order).
#[derive(serde::Serialize)]
pub struct FeedLinks {
    google: String,
    /// A sentence saying which events the feed holds (see
    /// `feeds::calendar::within_budget`).
    holds: String,
    https: String,
    outlook: String,
    path: String,
    webcal: String,
}

/// An entry's embed, as templates see it (`entry.embed`): `path` for
/// links within the site, `url` and the `code` to paste for other sites.
#[derive(serde::Serialize)]
pub struct EmbedSnippet {
    pub path: String,
    pub url: String,
    pub code: String,
}

/// The [`FeedLinks`] of `feed`.
pub fn feed_links(site: &Site, labels: &Labels, feed: &Route) -> FeedLinks {
    let rel = &feed.address(site).unwrap_or_default();
    let url = site.config.permalink(rel);
    let webcal = match url.split_once("://") {
        Some((_, rest)) => format!("webcal://{rest}"),
        None => url.clone(),
    };
    let owner = match feed {
        Route::Calendar(i) => Some(*i),
        _ => None,
    };
    let name = crate::routes::feed_name(site, owner);
    FeedLinks {
        google: web_calendars::google_subscribe(&webcal),
        holds: feed_holds(&site.config.calendar, labels),
        outlook: web_calendars::outlook_subscribe(&url, &name),
        https: url,
        path: site.config.link(rel),
        webcal,
    }
}

/// The `legal:` facts as the legal pages' template gets them (`legal`),
/// with the date of the accessibility check written in the site's language.
pub fn legal_value(legal: Option<&crate::legal::Legal>, labels: &Labels) -> Value {
    let Some(l) = legal else {
        return Value::Null;
    };
    let accessibility = l.accessibility.as_ref().map(|a| {
        json!({
            "status": a.status,
            "gaps": a.gaps,
            "checked": iso_date(a.checked),
            "checked_text": labels.date_short(a.checked),
            "method": a.method,
            "feedback": a.feedback,
            "enforcement": { "name": a.enforcement_name, "url": a.enforcement_url },
        })
    });
    json!({
        "provider": l.provider,
        "legal_form": l.legal_form,
        "address": l.address,
        "representatives": l.representatives,
        "email": l.email,
        "phone": l.phone,
        "register": l.register,
        "register_number": l.register_number,
        "vat_id": l.vat_id,
        "responsible": l.responsible,
        "privacy_contact": l.privacy_contact,
        "privacy_notes": l.privacy_notes,
        "host": l.host,
        "public_body": l.public_body,
        "accessibility": accessibility,
    })
}

/// "Holds the upcoming events and those of the past year, at most 1000
/// events.", in the site's language, from `calendar.keep_past` and
/// `calendar.max_events`.
pub fn feed_holds(cal: &crate::config::CalendarConfig, labels: &Labels) -> String {
    let max = cal.max_events.to_string();
    let Some(d) = &cal.keep_past else {
        return labels.get("feed_holds_all").replace("{max}", &max);
    };
    let (n, one, many) = if d.days == 0 && d.seconds == 0 && d.months == 0 {
        (u64::from(d.years), "past_year", "past_years")
    } else if d.days == 0 && d.seconds == 0 {
        (
            u64::from(d.years) * 12 + u64::from(d.months),
            "past_month",
            "past_months",
        )
    } else {
        let days = u64::from(d.years) * 365 + u64::from(d.months) * 30 + d.days;
        (days + d.seconds.div_ceil(86_400), "past_day", "past_days")
    };
    let period = labels
        .get(if n == 1 { one } else { many })
        .replace("{n}", &n.to_string());
    labels
        .get("feed_holds")
        .replace("{period}", &period)
        .replace("{max}", &max)
}

/// An `image` or `logo` as templates get it (keys in alphabetical order).
/// For a JPEG or PNG of `static/`, `src` is its largest published copy,
/// with `srcset`, `webp_srcset`, `width` and `height`; the theme's
/// `picture()` function writes all of it.
#[derive(serde::Serialize)]
struct Image<'e> {
    alt: &'e str,
    height: Option<u32>,
    /// The path or address as the author gave it.
    original: &'e str,
    src: String,
    srcset: String,
    /// Absolute, for Open Graph and other readers outside the site.
    url: String,
    webp_srcset: String,
    width: Option<u32>,
}

impl<'e> Image<'e> {
    fn new(site: &Site, alt: &'e str, src: &'e str) -> Image<'e> {
        if crate::frontmatter::links::is_web_url(src) {
            return Image {
                alt,
                height: None,
                original: src,
                src: src.to_string(),
                srcset: String::new(),
                url: src.to_string(),
                webp_srcset: String::new(),
                width: None,
            };
        }
        let picture = site.images.get(src).and_then(|r| r.as_ref().ok());
        let largest = picture.and_then(|p| p.largest());
        let shown = largest.map_or(src, |v| v.path.as_str());
        let link = |path: &str| site.config.static_link(path);
        let srcset = |webp: bool| picture.map_or_else(String::new, |p| p.srcset(webp, &link));
        Image {
            alt,
            height: largest.map(|v| v.height),
            original: src,
            src: site.config.static_link(shown),
            srcset: srcset(false),
            url: site.config.static_permalink(shown),
            webp_srcset: srcset(true),
            width: largest.map(|v| v.width),
        }
    }
}

fn instant(t: DateTime<Utc>) -> String {
    let naive = t.naive_utc();
    if !(0..=9999).contains(&naive.year()) {
        return t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    }
    // `2022-04-06T16:00:00Z`, as `to_rfc3339_opts(Secs, true)` writes it.
    let mut s = String::with_capacity(20);
    crate::digits::push_date(&mut s, naive.date(), "-");
    s.push('T');
    crate::digits::push_time(&mut s, naive, ":");
    s.push(':');
    crate::digits::push_padded(&mut s, chrono::Timelike::second(&naive), 2);
    s.push('Z');
    s
}

/// The `datetime` attribute of a `<time>`: a date, or a local time with offset.
fn machine_time(e: &EventData, w: When) -> String {
    use chrono::Offset;
    match w {
        When::Date(d) => iso_date(d),
        When::Time(t) => {
            let local = crate::entry::schedule::to_utc(e.timezone, t).with_timezone(&e.timezone);
            let off = local.offset().fix().local_minus_utc();
            let mut s = String::with_capacity(22);
            crate::digits::push_date(&mut s, local.date_naive(), "-");
            s.push('T');
            crate::digits::push_time(&mut s, local.naive_local(), ":");
            s.push(if off < 0 { '-' } else { '+' });
            let off = off.unsigned_abs();
            crate::digits::push_padded(&mut s, off / 3600, 2);
            s.push(':');
            crate::digits::push_padded(&mut s, off / 60 % 60, 2);
            s
        }
    }
}

/// Where an `image` or `logo` is: a file below `static/` at its
/// site-absolute address, or the web address it was given as.
/// A project's funder as templates get it (see [`crate::entry::Funder`];
/// keys in alphabetical order).
#[derive(serde::Serialize)]
struct FunderValue<'a> {
    /// An ESF Plus project shows "Co-funded by the European Union".
    eu_cofunded: bool,
    logo: Option<Image<'a>>,
    name: &'a str,
    programme: Option<&'a str>,
    statement: Option<&'a str>,
    url: Option<&'a str>,
}

/// An author's link as templates get it: only a web address or `mailto:`
/// link that reading let through ([`crate::frontmatter::links`]), so that no
/// other scheme can reach an `href` whatever filled the field.
fn safe_link(link: &Option<String>) -> Option<&str> {
    link.as_deref()
        .filter(|l| crate::frontmatter::links::is_safe_href(l))
}

/// `2022-04-06`.
fn iso_date(d: chrono::NaiveDate) -> String {
    let mut s = String::with_capacity(10);
    crate::digits::push_date(&mut s, d, "-");
    s
}

impl<'a> Contexts<'a> {
    pub fn new(site: &'a Site, labels: &'a Labels, bodies: &'a [Rendered]) -> Self {
        let mut ctx = Self::with_cards(site, labels, bodies, Vec::new());
        ctx.cards = (0..site.entries.len())
            .into_par_iter()
            .map(|i| ctx.card_of(i))
            .collect();
        ctx
    }

    /// Like [`Contexts::new`], with the cards given (`cards[i]` for entry
    /// `i`) instead of made: `serve` keeps them between rebuilds and
    /// remakes only those of the entries an edit touches ([`Self::card_of`]).
    pub fn with_cards(
        site: &'a Site,
        labels: &'a Labels,
        bodies: &'a [Rendered],
        cards: Vec<TValue>,
    ) -> Self {
        let c = &site.config;
        let nav_kinds = [
            Kind::Event,
            Kind::Network,
            Kind::Project,
            Kind::Partner,
            Kind::Post,
        ];
        let nav_urls: Vec<String> = nav_kinds
            .iter()
            .map(|k| c.link(&format!("{}/", k.folder())))
            .collect();
        let nav: Vec<Value> = nav_kinds
            .iter()
            .zip(&nav_urls)
            .map(|(k, url)| json!({ "kind": k, "title": labels.get(k.folder()), "url": url }))
            .collect();
        let legal = crate::model::legal::published(site);
        // A page of its own at a legal address is linked with the others.
        let own_legal: Vec<usize> = legal
            .iter()
            .filter_map(|&p| crate::model::legal::own_page(site, p))
            .collect();
        let pages: Vec<Value> = site
            .of_kind
            .get(&Kind::Page)
            .into_iter()
            .flatten()
            .filter(|i| !own_legal.contains(i))
            .map(|&i| json!({ "title": site.entries[i].title, "url": c.link(&site.rel_url(i)), "text_lang": site.entries[i].text_lang }))
            .collect();
        let legal: Vec<Value> = legal
            .into_iter()
            .map(|p| json!({ "name": p.name(), "title": labels.get(p.name()), "url": c.link(&p.address()) }))
            .collect();
        let site_value = json!({
            "title": c.title,
            "description": c.description,
            "base_url": c.base_url,
            "base_path": c.base_path,
            "language": c.language.code(),
            "timezone": c.timezone.name(),
            "now": instant(c.now),
            "nav": nav,
            "pages": pages,
            "legal": legal,
            "calendar": { "name": c.calendar.name, "feed": feed_links(site, labels, &Route::SiteCalendar) },
            "atom_url": c.link("atom.xml"),
            "atom_permalink": c.permalink("atom.xml"),
            "style_url": c.static_link("style.css"),
            "script_url": c.static_link("tandem.js"),
            "static_path": c.site_path,
            "search_url": c.search.then(|| c.link("search/")),
            "extra": c.extra,
        });
        let mut base = tera::Context::new();
        base.insert("site", &site_value);
        base.insert("t", &labels.map);
        base.insert("lang", c.language.code());
        Contexts {
            site,
            labels,
            bodies,
            cards,
            base,
            past: Default::default(),
            years: Default::default(),
            components: Default::default(),
            status_labels: Status::ALL
                .map(|(name, _)| TValue::from(labels.get(&format!("status_{name}")))),
            date_texts: site.entries.iter().map(|_| Default::default()).collect(),
            nav_urls,
        }
    }

    pub fn card(&self, i: usize) -> &TValue {
        &self.cards[i]
    }

    /// A text field of entry `i`'s card ("" when it has none).
    pub fn card_text(&self, i: usize, field: &'static str) -> &str {
        self.cards[i]
            .get_from_path(field)
            .and_then(TValue::as_str)
            .unwrap_or("")
    }

    /// Makes entry `i`'s card afresh (for `serve`; [`Self::card`] reads the kept one).
    pub fn card_of(&self, i: usize) -> TValue {
        self.make_card(i)
    }

    /// Replaces the kept card of entry `i`.
    pub fn set_card(&mut self, i: usize, card: TValue) {
        self.cards[i] = card;
        // Components rendered from the old card must not be reused.
        self.components = Default::default();
    }

    /// The components rendered so far with these cards (see
    /// [`crate::render::component_cache`]).
    pub fn component_cache(&self) -> &std::sync::Arc<ComponentCache> {
        self.components.get_or_init(|| {
            std::sync::Arc::new(ComponentCache::new(
                &self.cards,
                ["t", "site"].into_iter().filter_map(|k| self.base.get(k)),
            ))
        })
    }

    /// The cards, for the next [`Self::with_cards`].
    pub fn into_cards(self) -> Vec<TValue> {
        self.cards
    }

    /// The cards of `list`, as a list value sharing each card.
    pub fn cards(&self, list: &[usize]) -> TValue {
        TValue::from(
            list.iter()
                .map(|&i| self.cards[i].clone())
                .collect::<Vec<_>>(),
        )
    }

    /// What every page's context shares: `site`, `t` and `lang`.
    pub fn shared(&self) -> &tera::Context {
        &self.base
    }

    /// The page's own address, `current_url` and `current_permalink`, and
    /// `nav_current`: the `url` of the item of `site.nav` that
    /// `current_url` starts with (at most one does: they are the five
    /// sections' folders), or none.
    pub fn page_base(&self, page_rel: &str) -> Vars {
        let mut vars = Vars::default();
        let url = self.site.config.link(page_rel);
        let nav = self.nav_urls.iter().find(|n| url.starts_with(n.as_str()));
        vars.insert("nav_current", &nav);
        vars.insert("current_url", &url);
        vars.insert("current_permalink", &self.site.config.permalink(page_rel));
        let c = &self.site.config;
        if c.languages.len() > 1 {
            // Every page exists in every language (an untranslated entry
            // shows its main-language words): the same address below
            // each language's folder.
            let translations: Vec<Value> = c
                .languages
                .iter()
                .map(|&l| {
                    let (url, permalink) = c.link_in(l, page_rel);
                    json!({
                        "code": l.code(),
                        "name": l.own_name(),
                        "url": url,
                        "permalink": permalink,
                        "current": l == c.language,
                    })
                })
                .collect();
            vars.insert("translations", &translations);
        }
        vars
    }

    /// The embed of network, partner or project `i` (`embed/FOLDER/ID/`):
    /// its address, and the `<iframe>` code a partner site pastes, made
    /// here so that its title is escaped once as the pasted HTML needs.
    fn embed_snippet(&self, i: usize) -> EmbedSnippet {
        let site = self.site;
        let rel = Route::Embed(i).address(site).unwrap_or_default();
        let url = site.config.permalink(&rel);
        let title = format!(
            "{}: {}",
            self.labels.get("upcoming_events"),
            site.entries[i].title.trim()
        );
        let mut escaped = Vec::new();
        let _ = super::theme::escape_html(&title, &mut escaped);
        let code = format!(
            r#"<iframe src="{url}" title="{}" width="100%" height="420" loading="lazy" style="border:0"></iframe>"#,
            String::from_utf8_lossy(&escaped)
        );
        EmbedSnippet {
            path: site.config.link(&rel),
            url,
            code,
        }
    }

    /// `status_label` of a card or date: the label of `s`, made once.
    fn status_label(&self, s: Status) -> &TValue {
        let at = Status::ALL.iter().position(|(_, x)| *x == s).unwrap_or(0);
        &self.status_labels[at]
    }

    /// A location as templates see it, presented as [`Attendance`] says:
    /// the place of an event that moved online is not shown as where it
    /// happens, and an online-only meeting gets no map.
    fn location_value(&self, loc: &Location, status: Status) -> TValue {
        map_value(&Place {
            ctx: self,
            loc,
            status,
        })
    }

    fn location_fields<M: SerializeStruct>(&self, loc: &Location, status: Status, m: &mut Obj<M>) {
        let at = Attendance::of(Some(loc), status);
        let osm = at.place.map(|p| match (p.lat, p.lon) {
            (Some(lat), Some(lon)) => {
                format!("https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=16/{lat}/{lon}")
            }
            _ => format!(
                "https://www.openstreetmap.org/search?query={}",
                url_encode(&p.one_line())
            ),
        });
        // `{ name: Zoom, online: … }`: the name labels the meeting link.
        let online_label = loc
            .name
            .as_deref()
            .filter(|_| !loc.has_place() && !loc.is_named_online());
        m.set("address", &loc.address);
        m.set("city", &loc.city);
        m.set("has_place", &at.place.is_some());
        m.set("is_online", &at.online);
        m.set("lat", &loc.lat);
        m.set("lon", &loc.lon);
        m.set("name", &loc.name);
        m.set("one_line", &loc.one_line());
        m.set("online", &safe_link(&loc.online));
        m.set("online_label", &online_label);
        m.set("osm_url", &osm);
        m.set("url", &safe_link(&loc.url));
    }

    /// The place of a card in one word: the city, else the place's name;
    /// "Online" for an event that is online only.
    fn place_text(&self, at: Attendance) -> String {
        match at.place {
            Some(l) => l
                .city
                .clone()
                .or_else(|| l.name.clone())
                .unwrap_or_else(|| l.one_line()),
            None if at.online => self.labels.get("online").to_string(),
            None => String::new(),
        }
    }

    fn make_card(&self, i: usize) -> TValue {
        map_value(&Card { ctx: self, i })
    }

    fn card_fields<M: SerializeStruct>(&self, i: usize, m: &mut Obj<M>) {
        let site = self.site;
        let e = &site.entries[i];
        let url = site.visible(i).then(|| site.config.link(&site.rel_url(i)));
        m.set("kind", &e.kind);
        m.set("id", &e.id);
        m.set("title", &e.title);
        m.set("url", &url);
        m.set("summary", &e.summary);
        // The language of the title, summary and text when they are not
        // in the page's (an untranslated entry): templates mark them.
        m.set("text_lang", &e.text_lang);
        m.set("tags", &e.tags);
        match &e.data {
            KindData::Partner(p) => {
                m.set("short_name", &p.short_name);
                m.set("city", &p.city);
                // Beside the partner's name: its alternative text would
                // only repeat the name.
                m.set(
                    "logo",
                    &p.logo.as_ref().map(|img| Image::new(site, "", &img.src)),
                );
            }
            KindData::Network(n) => {
                m.set("region", &n.region);
            }
            KindData::Project(p) => {
                m.set("period", &self.period_text(p.start, p.end));
                m.set("funding", &p.funding);
            }
            KindData::Post(p) => {
                m.set("date", &iso_date(p.date.date()));
                m.set("date_text", &self.labels.date_short(p.date.date()));
                m.set("author", &p.author);
            }
            KindData::Event(ev) => self.event_card_fields(i, ev, m),
            KindData::Page => {}
        }
    }

    fn period_text(
        &self,
        start: Option<chrono::NaiveDate>,
        end: Option<chrono::NaiveDate>,
    ) -> Option<String> {
        match (start, end) {
            (Some(s), Some(e)) => Some(self.labels.date_range(s, e)),
            (Some(s), None) => Some(
                self.labels
                    .get("period_since")
                    .replace("%s", &self.labels.date_short(s)),
            ),
            (None, Some(e)) => Some(
                self.labels
                    .get("period_until")
                    .replace("%s", &self.labels.date_short(e)),
            ),
            (None, None) => None,
        }
    }

    /// The occurrence a list shows, by its place among the event's dates:
    /// the next one still to come, else the last.
    fn shown_occurrence(&self, ev: &EventData) -> Option<usize> {
        let now = self.site.config.now;
        let dates = &ev.schedule.occurrences;
        dates
            .iter()
            .position(|o| o.is_upcoming(now))
            .or(dates.len().checked_sub(1))
    }

    /// The [`DateTexts`] of the dates of event `i` (`ev`).
    fn date_texts(&self, i: usize, ev: &EventData) -> &[DateTexts] {
        let make = || {
            ev.schedule
                .occurrences
                .iter()
                .map(|o| DateTexts {
                    start: machine_time(ev, o.start),
                    end: o.end.map(|w| machine_time(ev, w)),
                    when: self.labels.when_text(o.start, o.end),
                    when_short: self.labels.when_short(o.start, o.end),
                })
                .collect()
        };
        self.date_texts[i].get_or_init(make)
    }

    fn event_card_fields<M: SerializeStruct>(&self, i: usize, ev: &EventData, m: &mut Obj<M>) {
        let site = self.site;
        let now = site.config.now;
        let shown = self.shown_occurrence(ev);
        let occ = shown.map(|k| &ev.schedule.occurrences[k]);
        let status = occ.map_or(ev.status, |o| ev.status_at(o));
        let n = ev.schedule.occurrences.len();
        if let (Some(o), Some(k)) = (occ, shown) {
            let texts = &self.date_texts(i, ev)[k];
            // Times in another zone than the site's say which.
            let zone = (ev.timezone != site.config.timezone && !o.start.is_all_day())
                .then(|| ev.timezone.name());
            let with_zone = |text: String| match zone {
                Some(z) => format!("{text} ({z})"),
                None => text,
            };
            let (when, when_long) =
                match (ev.schedule.occurrences.first(), ev.schedule.is_past(now)) {
                    // A past series or event with sessions is filed under its
                    // last date, and says that it ran from its first to its last.
                    (Some(first), true) if n > 1 => {
                        let span = self
                            .labels
                            .date_range(first.start.date(), o.end.unwrap_or(o.start).date());
                        (span.clone(), span)
                    }
                    _ => (
                        with_zone(texts.when_short.clone()),
                        with_zone(texts.when.clone()),
                    ),
                };
            m.set("when", &when);
            m.set("when_long", &when_long);
            m.set("other_zone", &zone);
            m.set("start", &texts.start);
            m.set("end", &texts.end);
            m.set("date", &iso_date(o.start.date()));
            m.set("day", &o.start.date().day().to_string());
            m.set(
                "weekday",
                &self.labels.fmt_date("weekday_short", o.start.date()),
            );
            m.set(
                "month_short",
                &o.start
                    .date()
                    .format_localized("%b", self.labels.locale)
                    .to_string(),
            );
            m.set(
                "month",
                &format!("{:04}-{:02}", o.start.date().year(), o.start.date().month()),
            );
            m.set("month_label", &self.labels.month_year(o.start.date()));
            m.set("year", &format!("{:04}", o.start.date().year()));
        }
        let end = ev.schedule.end_utc();
        m.set("ends_at", &end.map(instant));
        m.set("all_day", &occ.is_some_and(|o| o.start.is_all_day()));
        m.set("past", &ev.schedule.is_past(now));
        m.set("dates_count", &n);
        // Dates still to come after the one shown (none once the event is past).
        let more = ev.schedule.upcoming(now).count().saturating_sub(1);
        m.set("more_dates", &more);
        m.set("status", &status);
        m.set("status_label", self.status_label(status));
        let loc = occ
            .and_then(|o| o.session)
            .and_then(|s| ev.sessions.get(s))
            .and_then(|s| s.location.as_ref())
            .or(ev.location.as_ref());
        let at = Attendance::of(loc, status);
        m.set("place", &self.place_text(at));
        m.set("online", &at.online);
        m.set("hybrid", &at.is_mixed());
        let links = &site.links[i];
        let ids = |list: &[usize]| -> Vec<String> {
            list.iter().map(|&j| site.entries[j].id.clone()).collect()
        };
        m.set("network_ids", &ids(&links.networks));
        m.set(
            "project_id",
            &links.project.map(|p| site.entries[p].id.clone()),
        );
        m.set(
            "project_title",
            &links.project.map(|p| site.entries[p].title.clone()),
        );
        m.set("registration", &safe_link(&ev.registration));
    }

    /// The own context of an entry's page (without [`Contexts::shared`]),
    /// with its body from [`Contexts::bodies`].
    pub fn entry_page(&self, i: usize) -> Vars {
        static NONE: Rendered = Rendered::EMPTY;
        self.entry_page_with(i, self.bodies.get(i).unwrap_or(&NONE))
    }

    /// [`Contexts::entry_page`] with the rendered body given.
    pub fn entry_page_with(&self, i: usize, body: &Rendered) -> Vars {
        let e = &self.site.entries[i];
        let mut ctx = self.page_base(&self.site.rel_url(i));
        let card = self.cards[i].as_map();
        // The card's fields (shared values), then the page's own. The
        // cards made here have `&'static str` keys only; a card given from
        // outside with other keys is merged the slow way (Tera rebuilds
        // the map).
        let entry = match card {
            Some(c) if !c.keys().all(|k| matches!(k, Key::Str(_))) => {
                let own = map_value(&Page {
                    ctx: self,
                    i,
                    body,
                    card: None,
                });
                let mut m = c.clone();
                for (k, v) in own.as_map().into_iter().flatten() {
                    m.insert(k.clone(), v.clone());
                }
                TValue::from(m)
            }
            _ => map_value(&Page {
                ctx: self,
                i,
                body,
                card,
            }),
        };
        ctx.put("entry", entry);
        ctx.insert("page_kind", &e.kind);
        ctx
    }

    /// The fields of entry `i`'s page that its card does not have.
    fn page_fields<M: SerializeStruct>(&self, i: usize, body: &Rendered, m: &mut Obj<M>) {
        let site = self.site;
        let e = &site.entries[i];
        let rel = site.rel_url(i);
        m.put("content", TValue::from(body.html.as_str()));
        m.put(
            "toc",
            TValue::from(
                body.toc
                    .iter()
                    .map(|h| map_value(&Heading(h)))
                    .collect::<Vec<_>>(),
            ),
        );
        m.set("permalink", &site.config.permalink(&rel));
        // The page's meta description: its summary, else the start of its text.
        let description = e
            .summary
            .as_deref()
            .or_else(|| Some(body.excerpt.as_str()).filter(|x| !x.is_empty()));
        m.set("description", &description);
        m.set("source", &e.source);
        m.set("extra", &e.extra);
        m.set("draft", &e.draft);
        m.set(
            "updated",
            &e.updated.map(|u| self.labels.date_short(u.date())),
        );
        m.set(
            "image",
            &e.image
                .as_ref()
                .map(|img| Image::new(site, &img.alt, &img.src)),
        );
        let links = &site.links[i];
        let now = site.config.now;
        let (upcoming, past): (Vec<usize>, Vec<usize>) = links.events.iter().partition(|&&ev| {
            !site.entries[ev]
                .event()
                .is_some_and(|d| d.schedule.is_past(now))
        });
        // Past events newest first, by the end of their last date (the
        // date their cards show), as in the events listing.
        let mut past = past;
        past.sort_by_cached_key(|&ev| {
            std::cmp::Reverse(site.entries[ev].event().and_then(|d| d.schedule.end_utc()))
        });
        if e.kind.has_feed() {
            m.set("feed", &feed_links(site, self.labels, &Route::Calendar(i)));
            m.set("embed", &self.embed_snippet(i));
        }
        match &e.data {
            KindData::Network(n) => {
                m.set("website", &safe_link(&n.website));
                m.set("contact", &n.contact);
            }
            KindData::Partner(p) => {
                m.set("website", &safe_link(&p.website));
                m.set("contact", &p.contact);
                m.set(
                    "logo",
                    &p.logo.as_ref().map(|img| {
                        let alt = if img.alt.is_empty() {
                            &e.title
                        } else {
                            &img.alt
                        };
                        Image::new(site, alt, &img.src)
                    }),
                );
            }
            KindData::Project(p) => {
                m.set("website", &safe_link(&p.website));
                m.set("start", &p.start.map(|d| d.to_string()));
                m.set("end", &p.end.map(|d| d.to_string()));
                m.set(
                    "funders",
                    &p.funders
                        .iter()
                        .map(|f| FunderValue {
                            name: &f.name,
                            statement: f.statement.as_deref(),
                            programme: f.programme.as_deref(),
                            url: safe_link(&f.url),
                            // A logo without its own text says whose it is.
                            logo: f.logo.as_ref().map(|img| {
                                let alt = if img.alt.is_empty() {
                                    &f.name
                                } else {
                                    &img.alt
                                };
                                Image::new(site, alt, &img.src)
                            }),
                            eu_cofunded: f.is_esf_plus(),
                        })
                        .collect::<Vec<_>>(),
                );
            }
            KindData::Event(ev) => self.event_page_fields(i, e, ev, m),
            KindData::Post(_) | KindData::Page => {}
        }
        let some_card = |c: Option<usize>| c.map_or_else(TValue::none, |c| self.cards[c].clone());
        m.put("networks", self.cards(&links.networks));
        m.put("partners", self.cards(&links.partners));
        m.put("projects", self.cards(&links.projects));
        m.put("events_upcoming", self.cards(&upcoming));
        m.put("events_past", self.cards(&past));
        m.put("posts", self.cards(&links.posts));
        m.put("organizers", self.cards(&links.organizers));
        m.put("about", self.cards(&links.about));
        m.put("lead", some_card(links.lead));
        m.put("project", some_card(links.project));
    }

    fn event_page_fields<M: SerializeStruct>(
        &self,
        i: usize,
        e: &Entry,
        ev: &EventData,
        m: &mut Obj<M>,
    ) {
        let site = self.site;
        let now = site.config.now;
        let ics = Route::EventIcs(i).address(site).unwrap_or_default();
        m.set("ics_url", &site.config.link(&ics));
        let page_url = site.config.permalink(&site.rel_url(i));
        m.set(
            "add_links",
            &web_calendars::add_links(ev, &e.title, e.summary.as_deref(), &page_url, now),
        );
        m.set("timezone", ev.timezone.name());
        m.set("show_timezone", &(ev.timezone != site.config.timezone));
        m.set("contact", &ev.contact);
        m.put(
            "location",
            ev.location
                .as_ref()
                .map_or_else(TValue::none, |l| self.location_value(l, ev.status)),
        );
        // Not once the event is over, nor while it is cancelled or booked out.
        m.set(
            "registration_open",
            &(ev.registration.is_some()
                && !ev.schedule.is_past(now)
                && !matches!(ev.status, Status::Cancelled | Status::Full)),
        );
        let texts = self.date_texts(i, ev);
        let occurrences: Vec<TValue> = ev
            .schedule
            .occurrences
            .iter()
            .zip(texts)
            .map(|(o, texts)| {
                map_value(&Date {
                    ctx: self,
                    ev,
                    o,
                    texts,
                })
            })
            .collect();
        m.set("is_series", &ev.schedule.rule.is_some());
        m.set("has_sessions", &!ev.sessions.is_empty());
        if let (Some(rule), Some(first), Some(last)) = (
            &ev.schedule.rule,
            ev.schedule.occurrences.first(),
            ev.schedule.occurrences.last(),
        ) {
            m.set(
                "rule_text",
                &self.labels.rule_text(
                    rule,
                    first.start.date(),
                    last.start.date(),
                    ev.schedule.occurrences.len(),
                ),
            );
        }
        let skipped: Vec<String> = ev
            .schedule
            .exdates
            .iter()
            .map(|w| self.labels.date_short(w.date()))
            .collect();
        m.set("skipped_dates", &skipped);
        // The next dates are some of the same values.
        let next: Vec<TValue> = ev
            .schedule
            .occurrences
            .iter()
            .zip(&occurrences)
            .filter(|(o, _)| o.is_upcoming(now))
            .take(5)
            .map(|(_, v)| v.clone())
            .collect();
        m.put("next_dates", TValue::from(next));
        m.put("occurrences", TValue::from(occurrences));
        if let Some(first) = texts.first() {
            m.set("when_long", &first.when);
        }
        m.set("json_ld", &self.event_json_ld(i, e, ev, texts));
    }

    /// One date of an event's page.
    fn date_fields<M: SerializeStruct>(
        &self,
        ev: &EventData,
        o: &Occurrence,
        texts: &DateTexts,
        m: &mut Obj<M>,
    ) {
        let session = ev.session_of(o);
        let status = ev.status_at(o);
        m.set("end", &texts.end);
        m.set("ends_at", &instant(o.end_utc));
        m.put(
            "location",
            session
                .and_then(|s| s.location.as_ref())
                .map_or_else(TValue::none, |l| self.location_value(l, status)),
        );
        m.set("past", &(o.end_utc <= self.site.config.now));
        m.set("start", &texts.start);
        m.set("status", &status);
        m.set("status_label", self.status_label(status));
        m.set("when", &texts.when);
        m.set("when_short", &texts.when_short);
    }

    /// schema.org `Event` JSON-LD for search engines, escaped for a
    /// `<script>` block.
    ///
    /// An event on one date (or one span of days) is one `Event`. A series
    /// or an event with sessions is a list of `Event`s, one per date, each
    /// with its own status, place and attendance mode: Google's event
    /// guidelines ask for each date of an event held on several dates to be
    /// marked up as an event of its own, and neither `eventSchedule` nor a
    /// parent event with `subEvent`s gives search engines the dates (the
    /// parent would still claim one event from the first start to the last
    /// end). The list holds at most [`JSON_LD_DATES`] dates, from the first
    /// one not over at build time (a past event: its last ones), so that a
    /// long series keeps its page light.
    fn event_json_ld(&self, i: usize, e: &Entry, ev: &EventData, texts: &[DateTexts]) -> String {
        use json_ld::*;
        let site = self.site;
        let url = site.config.permalink(&site.rel_url(i));
        let organizer: Vec<Organization> = site.links[i]
            .organizers
            .iter()
            .map(|&o| {
                let p = &site.entries[o];
                let url = match &p.data {
                    KindData::Partner(pd) => pd.website.clone(),
                    _ => None,
                }
                .unwrap_or_else(|| site.config.permalink(&site.rel_url(o)));
                Organization {
                    kind: "Organization",
                    name: &p.title,
                    url,
                }
            })
            .collect();
        let one = |(o, t): (&Occurrence, &DateTexts)| {
            let status = ev.status_at(o);
            let at = Attendance::of(ev.location_at(o), status);
            let mut locations = Vec::new();
            if let Some(l) = at.place {
                // Every place has an address (Google requires one): the
                // street and city where given, else the place as written
                // (`location: Dortmund`), which schema.org accepts as text.
                let address = if l.address.is_some() || l.city.is_some() {
                    Address::Postal(PostalAddress {
                        kind: "PostalAddress",
                        locality: l.city.as_deref(),
                        street: l.address.as_deref(),
                    })
                } else {
                    Address::Text(l.one_line())
                };
                // Coordinates were checked to lie in range (so not NaN) when read.
                let geo = l.lat.zip(l.lon).map(|(latitude, longitude)| Geo {
                    kind: "GeoCoordinates",
                    latitude,
                    longitude,
                });
                locations.push(Place::Place {
                    kind: "Place",
                    address,
                    geo,
                    name: l
                        .name
                        .clone()
                        .or_else(|| l.city.clone())
                        .unwrap_or_else(|| l.one_line()),
                });
            }
            if at.online {
                locations.push(Place::Virtual {
                    kind: "VirtualLocation",
                    url: at.link.map_or_else(|| url.clone(), str::to_string),
                });
            }
            let mode = if at.is_mixed() {
                "https://schema.org/MixedEventAttendanceMode"
            } else if at.online {
                "https://schema.org/OnlineEventAttendanceMode"
            } else {
                "https://schema.org/OfflineEventAttendanceMode"
            };
            let location = match locations.len() {
                0 => None,
                1 => locations.pop().map(OneOrMore::One),
                _ => Some(OneOrMore::More(locations)),
            };
            Event {
                context: "https://schema.org",
                kind: "Event",
                description: e.summary.as_deref(),
                end_date: Some(t.end.as_ref().unwrap_or(&t.start).clone()),
                attendance_mode: mode,
                status: match status {
                    Status::Scheduled | Status::Full => "https://schema.org/EventScheduled",
                    Status::Cancelled => "https://schema.org/EventCancelled",
                    Status::Postponed => "https://schema.org/EventPostponed",
                    Status::MovedOnline => "https://schema.org/EventMovedOnline",
                },
                in_language: e.text_lang.unwrap_or(site.config.language.code()),
                location,
                name: &e.title,
                organizer: organizer.clone(),
                start_date: Some(t.start.clone()),
                url: url.clone(),
            }
        };
        let dates = &ev.schedule.occurrences;
        let text = match (dates.as_slice(), texts) {
            ([o], [t]) => serde_json::to_string(&one((o, t))),
            _ => {
                let now = site.config.now;
                let from = dates
                    .iter()
                    .position(|o| o.is_upcoming(now))
                    .unwrap_or(dates.len().saturating_sub(JSON_LD_DATES));
                let shown: Vec<Event> = dates
                    .iter()
                    .zip(texts)
                    .skip(from)
                    .take(JSON_LD_DATES)
                    .map(one)
                    .collect();
                serde_json::to_string(&shown)
            }
        };
        script_safe(text.unwrap_or_default())
    }
}

/// At most this many dates of a series or of sessions in an event page's
/// JSON-LD (see `Contexts::event_json_ld`).
pub const JSON_LD_DATES: usize = 50;

/// JSON that can stand inside a `<script>` element: `<`, `>` and `&`
/// written as `\u003c`, `\u003e` and `\u0026`. Escaping only `</` is not
/// enough: `<!--<script>` in a title would make the HTML parser read the
/// rest of the page as part of the script. These characters occur in JSON
/// only inside strings, where the escapes mean the same.
fn script_safe(json: String) -> String {
    if !json.contains(['<', '>', '&']) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 32);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            c => out.push(c),
        }
    }
    out
}

/// schema.org's `Event` as the event pages carry it. The fields are in
/// alphabetical order, as search engines' examples and earlier builds
/// have them; empty ones are left out.
mod json_ld {
    use serde::Serialize;

    #[derive(Serialize)]
    pub struct Event<'a> {
        #[serde(rename = "@context")]
        pub context: &'static str,
        #[serde(rename = "@type")]
        pub kind: &'static str,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub description: Option<&'a str>,
        #[serde(rename = "endDate", skip_serializing_if = "Option::is_none")]
        pub end_date: Option<String>,
        #[serde(rename = "eventAttendanceMode")]
        pub attendance_mode: &'static str,
        #[serde(rename = "eventStatus")]
        pub status: &'static str,
        #[serde(rename = "inLanguage")]
        pub in_language: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub location: Option<OneOrMore<Place<'a>>>,
        pub name: &'a str,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub organizer: Vec<Organization<'a>>,
        #[serde(rename = "startDate", skip_serializing_if = "Option::is_none")]
        pub start_date: Option<String>,
        pub url: String,
    }

    #[derive(Serialize)]
    #[serde(untagged)]
    pub enum OneOrMore<T> {
        One(T),
        More(Vec<T>),
    }

    #[derive(Serialize)]
    #[serde(untagged)]
    pub enum Place<'a> {
        Place {
            #[serde(rename = "@type")]
            kind: &'static str,
            address: Address<'a>,
            #[serde(skip_serializing_if = "Option::is_none")]
            geo: Option<Geo>,
            name: String,
        },
        Virtual {
            #[serde(rename = "@type")]
            kind: &'static str,
            url: String,
        },
    }

    #[derive(Serialize)]
    #[serde(untagged)]
    pub enum Address<'a> {
        Postal(PostalAddress<'a>),
        Text(String),
    }

    #[derive(Serialize)]
    pub struct PostalAddress<'a> {
        #[serde(rename = "@type")]
        pub kind: &'static str,
        #[serde(rename = "addressLocality", skip_serializing_if = "Option::is_none")]
        pub locality: Option<&'a str>,
        #[serde(rename = "streetAddress", skip_serializing_if = "Option::is_none")]
        pub street: Option<&'a str>,
    }

    #[derive(Serialize)]
    pub struct Geo {
        #[serde(rename = "@type")]
        pub kind: &'static str,
        pub latitude: f64,
        pub longitude: f64,
    }

    #[derive(Clone, Serialize)]
    pub struct Organization<'a> {
        #[serde(rename = "@type")]
        pub kind: &'static str,
        pub name: &'a str,
        pub url: String,
    }
}

/// Percent-encodes a query value (RFC 3986 unreserved characters kept).
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
