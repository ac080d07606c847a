//! `site.yaml`: the site's settings, with command-line overrides applied.

use crate::diagnostics::{Diagnostic, Diagnostics, Pos};
use crate::frontmatter::fields::{FieldReader, KeySet};
use crate::frontmatter::yaml;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use std::path::{Path, PathBuf};

/// Site language: labels and date formats of the theme.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    De,
    En,
}

impl Language {
    pub const ALL: [Language; 2] = [Language::De, Language::En];

    pub fn code(self) -> &'static str {
        match self {
            Language::De => "de",
            Language::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Language> {
        Language::ALL.into_iter().find(|l| l.code() == code)
    }

    /// The language's name in English, for messages.
    pub fn english_name(self) -> &'static str {
        match self {
            Language::De => "German",
            Language::En => "English",
        }
    }

    /// The language's name in itself, as a language switcher shows it to
    /// those who read it.
    pub fn own_name(self) -> &'static str {
        match self {
            Language::De => "Deutsch",
            Language::En => "English",
        }
    }
}

/// An ISO 8601 duration as the feeds use it (`P1D`, `PT12H`, `P2Y`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IsoDuration {
    pub text: String,
    pub years: u32,
    pub months: u32,
    pub days: u64,
    pub seconds: u64,
}

impl IsoDuration {
    /// Reads the ISO 8601 form (`jiff`'s parser, weeks combinable with
    /// days as in `P1W2D`); `None` for anything else, negative durations
    /// and fractions of a second, which iCalendar cannot carry.
    pub fn parse(text: &str) -> Option<IsoDuration> {
        static PARSER: jiff::fmt::temporal::SpanParser = jiff::fmt::temporal::SpanParser::new();
        if !text.starts_with('P') {
            return None;
        }
        let span = PARSER.parse_span(text).ok()?;
        let subsecond = span.get_milliseconds() != 0
            || span.get_microseconds() != 0
            || span.get_nanoseconds() != 0;
        if subsecond {
            return None;
        }
        let days = i64::from(span.get_weeks()) * 7 + i64::from(span.get_days());
        let seconds =
            i64::from(span.get_hours()) * 3600 + span.get_minutes() * 60 + span.get_seconds();
        Some(IsoDuration {
            text: text.to_string(),
            years: u32::try_from(span.get_years()).ok()?,
            months: u32::try_from(span.get_months()).ok()?,
            days: u64::try_from(days).ok()?,
            seconds: u64::try_from(seconds).ok()?,
        })
    }

    /// `instant` minus this duration, calendar-aware for years and months.
    pub fn before(&self, instant: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let months = self.years.checked_mul(12)?.checked_add(self.months)?;
        instant
            .checked_sub_months(chrono::Months::new(months))?
            .checked_sub_signed(chrono::TimeDelta::try_days(i64::try_from(self.days).ok()?)?)?
            .checked_sub_signed(chrono::TimeDelta::try_seconds(
                i64::try_from(self.seconds).ok()?,
            )?)
    }
}

#[derive(Clone, Debug)]
pub struct CalendarConfig {
    pub name: String,
    pub refresh: IsoDuration,
    pub keep_past: Option<IsoDuration>,
    pub uid_domain: String,
    /// The budget of each subscription feed: clients fetch them unattended
    /// and some stop reading at about 1 MB or 1,000 events (see
    /// `feeds::calendar::within_budget`).
    pub max_bytes: usize,
    pub max_events: usize,
}

#[derive(Clone, Debug)]
pub struct Config {
    /// The site folder (`--root`).
    pub root: PathBuf,
    pub title: String,
    /// Absolute, always ending in `/`.
    pub base_url: String,
    /// The path part of `base_url`, starting and ending with `/`.
    pub base_path: String,
    /// The address of the site's root, where its static files are: the
    /// same in every language. `base_url` and `base_path` are the root of
    /// this build's language (`…/en/` for English when German comes
    /// first), where its pages and feeds are.
    pub site_url: String,
    pub site_path: String,
    /// The language this build writes: labels, dates, and which text of
    /// each entry it shows.
    pub language: Language,
    /// Every language of the site, the main one (at the site root) first;
    /// `[language]` for a site in one language.
    pub languages: Vec<Language>,
    /// `translations: required`: an untranslated entry is a warning,
    /// not only listed by `check`.
    pub translations_required: bool,
    pub timezone: Tz,
    pub theme: String,
    pub description: Option<String>,
    pub calendar: CalendarConfig,
    /// What the Impressum and the other legal pages say (spec §9).
    pub legal: Option<crate::legal::Legal>,
    /// Whether to write the search page and its index (`search: false`
    /// leaves both out).
    pub search: bool,
    pub extra: serde_json::Value,
    /// Build drafts too (`--drafts`).
    pub drafts: bool,
    /// The build's "now": [`Overrides::now`] when set, else the clock.
    pub now: DateTime<Utc>,
    /// Whether `now` was fixed (`SOURCE_DATE_EPOCH`); then it is also every `DTSTAMP`.
    pub reproducible: bool,
}

/// Settings from the command line that take precedence over `site.yaml`.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub base_url: Option<String>,
    pub drafts: bool,
    /// A fixed "now" for a reproducible build (`SOURCE_DATE_EPOCH`, read
    /// by the binary with [`now_from_env`]): it is then also every
    /// `DTSTAMP`. `None`: the clock, read when the settings are loaded.
    pub now: Option<DateTime<Utc>>,
    /// The image cache's folder (see [`crate::images`]); `None`: the
    /// folder `TANDEM_CACHE_DIR` names, else `.tandem-cache/` in the site.
    pub image_cache: Option<std::path::PathBuf>,
}

const KEYS: KeySet = &[
    "title",
    "base_url",
    "language",
    "languages",
    "translations",
    "timezone",
    "theme",
    "description",
    "calendar",
    "legal",
    "search",
    "extra",
];
const CALENDAR_KEYS: KeySet = &[
    "name",
    "refresh",
    "keep_past",
    "uid_domain",
    "max_bytes",
    "max_events",
];

/// Google Calendar stops reading a subscribed feed at about this size
/// and number of events.
pub const DEFAULT_MAX_BYTES: usize = 1_000_000;
pub const DEFAULT_MAX_EVENTS: usize = 1_000;

pub const CONFIG_FILE: &str = "site.yaml";

/// The fixed "now" that `SOURCE_DATE_EPOCH` asks for, if it is set and a
/// number of seconds. Only the binary calls this, once; the library takes
/// "now" as [`Overrides::now`].
pub fn now_from_env() -> Option<DateTime<Utc>> {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|v| v.trim().parse::<i64>().ok())
        .and_then(|s| DateTime::from_timestamp(s, 0))
}

/// Splits an absolute URL into its normalised form (trailing `/`), host and path.
pub fn split_base_url(url: &str) -> Option<(String, String, String)> {
    let (scheme, rest) = url.split_once("://")?;
    if !(scheme == "http" || scheme == "https") || rest.is_empty() {
        return None;
    }
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    if host.is_empty() || host.contains(char::is_whitespace) || path.contains(['?', '#']) {
        return None;
    }
    let mut path = path.to_string();
    if !path.ends_with('/') {
        path.push('/');
    }
    Some((format!("{scheme}://{host}{path}"), host.to_string(), path))
}

impl Config {
    /// Loads `root/site.yaml`. Problems go to `diags`; `None` when the file
    /// cannot be used at all (unreadable, or not YAML). A setting that is
    /// wrong is reported and replaced by its default, so that the content
    /// is still checked in the same run (the build fails on the error).
    pub fn load(root: &Path, overrides: &Overrides, diags: &mut Diagnostics) -> Option<Config> {
        let path = root.join(CONFIG_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                let message = format!("cannot read the site settings: {e}");
                // Text that is not UTF-8 is the author's to fix (exit 1);
                // anything else is the machine's (exit 3).
                diags.push(if e.kind() == std::io::ErrorKind::InvalidData {
                    Diagnostic::error(CONFIG_FILE, Pos::START, message)
                } else {
                    Diagnostic::io(CONFIG_FILE, message)
                });
                return None;
            }
        };
        Config::parse(root, &text, overrides, diags)
    }

    pub fn parse(
        root: &Path,
        text: &str,
        overrides: &Overrides,
        diags: &mut Diagnostics,
    ) -> Option<Config> {
        let text = text
            .strip_prefix('\u{feff}')
            .unwrap_or(text)
            .replace("\r\n", "\n");
        let node = match yaml::parse(&text, 1) {
            Ok(n) => n,
            Err(e) => {
                diags.push(Diagnostic::error(CONFIG_FILE, e.pos, e.message).with_source(&text));
                return None;
            }
        };
        let mut r = FieldReader::new(CONFIG_FILE, &text, diags);
        let fields = r.map_fields(&node, KEYS, "a site setting");
        let title = r.required_prose(&fields, "title", node.pos);
        let base_pos = fields.get("base_url").map_or(node.pos, |n| n.pos);
        let base_url = overrides
            .base_url
            .clone()
            .or_else(|| r.text(&fields, "base_url"))
            .unwrap_or_else(|| "http://localhost:1111/".to_string());
        let language = match r.text(&fields, "language").as_deref() {
            None => None,
            Some(code) => Language::from_code(code).or_else(|| {
                let pos = fields.get("language").map_or(node.pos, |n| n.pos);
                r.error(pos, format!("unknown language `{code}`; use `de` or `en`"));
                None
            }),
        };
        let languages = read_languages(&mut r, &fields, language);
        let language = languages[0];
        let translations_required = match fields.get("translations") {
            None => false,
            Some(n) => match n.as_text().as_deref() {
                Some("required") => true,
                Some("optional") => false,
                _ => {
                    r.error(
                        n.pos,
                        "`translations` is `required` (an untranslated entry is a warning) or `optional` (the default: `tandem check` lists them)",
                    );
                    false
                }
            },
        };
        let timezone = fields
            .get("timezone")
            .and_then(|n| r.timezone(n))
            .unwrap_or(chrono_tz::Europe::Berlin);
        let theme = r.text(&fields, "theme").unwrap_or_else(|| "default".into());
        let description = r.prose(&fields, "description");
        let search = r.bool(&fields, "search").unwrap_or(true);
        let extra = fields
            .get("extra")
            .map_or(serde_json::Value::Null, |n| n.to_json());

        let (base_url, host, base_path) = match split_base_url(&base_url) {
            Some(parts) => parts,
            None => {
                r.error(
                    base_pos,
                    format!("`base_url` must be an absolute http(s) URL such as https://example.org/, found `{base_url}`"),
                );
                ("http://localhost/".into(), "localhost".into(), "/".into())
            }
        };

        let mut calendar = CalendarConfig {
            name: title.clone().unwrap_or_default(),
            refresh: IsoDuration::parse("P1D").expect("constant duration"),
            keep_past: IsoDuration::parse("P1Y"),
            uid_domain: format!("{host}{}", base_path.trim_end_matches('/')),
            max_bytes: DEFAULT_MAX_BYTES,
            max_events: DEFAULT_MAX_EVENTS,
        };
        if let Some(cal) = fields.get("calendar") {
            let cf = r.map_fields(cal, CALENDAR_KEYS, "a calendar setting");
            if let Some(name) = r.prose(&cf, "name") {
                calendar.name = name;
            }
            for key in ["refresh", "keep_past"] {
                let Some(n) = cf.get(key) else { continue };
                let Some(text) = r.text(&cf, key) else {
                    continue;
                };
                match IsoDuration::parse(&text) {
                    Some(d) if key == "refresh" => calendar.refresh = d,
                    Some(d) => calendar.keep_past = Some(d),
                    None => r.error(
                        n.pos,
                        format!("`{key}` must be an ISO 8601 duration such as P1D or P2Y, found `{text}`"),
                    ),
                }
            }
            if let Some(d) = r.text(&cf, "uid_domain") {
                calendar.uid_domain = d;
            }
            for key in ["max_bytes", "max_events"] {
                let Some(n) = cf.get(key) else { continue };
                let least = if key == "max_bytes" { 10_000 } else { 1 };
                match n.value {
                    crate::frontmatter::yaml::Value::Int(v) if v >= least => {
                        let v = usize::try_from(v).unwrap_or(usize::MAX);
                        if key == "max_bytes" {
                            calendar.max_bytes = v;
                        } else {
                            calendar.max_events = v;
                        }
                    }
                    _ => r.error(
                        n.pos,
                        format!("`{key}` must be a whole number of at least {least}"),
                    ),
                }
            }
        }
        let legal = fields
            .get("legal")
            .and_then(|n| crate::legal::read(&mut r, n));
        let (now, reproducible) = match overrides.now {
            Some(now) => (now, true),
            None => (Utc::now(), false),
        };
        Some(Config {
            root: root.to_path_buf(),
            title: title.unwrap_or_default(),
            site_url: base_url.clone(),
            site_path: base_path.clone(),
            base_url,
            base_path,
            language,
            languages,
            translations_required,
            timezone,
            theme,
            description,
            calendar,
            legal,
            search,
            extra,
            drafts: overrides.drafts,
            now,
            reproducible,
        })
    }

    /// Absolute URL of a site-relative path such as `events/x/`.
    pub fn permalink(&self, rel: &str) -> String {
        format!("{}{}", self.base_url, rel.trim_start_matches('/'))
    }

    /// Site-absolute link of a site-relative path: `/bildung/events/x/`.
    pub fn link(&self, rel: &str) -> String {
        link_under(&self.base_path, rel)
    }

    /// Site-absolute link of a static file (`style.css`, an image of
    /// `static/`): below the site's root in every language.
    pub fn static_link(&self, rel: &str) -> String {
        link_under(&self.site_path, rel)
    }

    /// Absolute URL of a static file (see [`Config::static_link`]).
    pub fn static_permalink(&self, rel: &str) -> String {
        format!("{}{}", self.site_url, rel.trim_start_matches('/'))
    }

    /// The main language, built at the site root.
    pub fn main_language(&self) -> Language {
        self.languages[0]
    }

    /// Whether this build writes a further language (below `LANG/`).
    pub fn is_translation(&self) -> bool {
        self.language != self.main_language()
    }

    /// The folder of `lang`'s pages below the site root: "" for the main
    /// language, `en/` for English when German comes first.
    pub fn language_folder(&self, lang: Language) -> String {
        if lang == self.main_language() {
            String::new()
        } else {
            format!("{}/", lang.code())
        }
    }

    /// Site-absolute link and absolute URL of site-relative path `rel` in
    /// language `lang`: the same page below that language's folder (as
    /// [`Config::link`] and [`Config::permalink`] of
    /// [`Config::for_language`]`(lang)` would give).
    pub fn link_in(&self, lang: Language, rel: &str) -> (String, String) {
        let rel = format!(
            "{}{}",
            self.language_folder(lang),
            rel.trim_start_matches('/')
        );
        (self.static_link(&rel), self.static_permalink(&rel))
    }

    /// These settings for a build of `lang`: its labels and dates, and its
    /// pages and feeds below [`Config::language_folder`]. The UIDs of the
    /// calendar stay those of the site (`calendar.uid_domain` was worked
    /// out from the site's root), so that an event is the same event in
    /// every language's feed.
    pub fn for_language(&self, lang: Language) -> Config {
        let folder = self.language_folder(lang);
        Config {
            language: lang,
            base_url: format!("{}{folder}", self.site_url),
            base_path: format!("{}{folder}", self.site_path),
            ..self.clone()
        }
    }
}

/// `languages: [de, en]`, or the one `language`: never empty, the main
/// language first. Both given must agree on the main language.
fn read_languages(
    r: &mut FieldReader,
    fields: &crate::frontmatter::fields::Fields,
    language: Option<Language>,
) -> Vec<Language> {
    let Some(node) = fields.get("languages") else {
        return vec![language.unwrap_or(Language::De)];
    };
    let yaml::Value::Seq(items) = &node.value else {
        r.error(
            node.pos,
            "`languages` is a list, the main language first: `languages: [de, en]`",
        );
        return vec![language.unwrap_or(Language::De)];
    };
    let mut out: Vec<Language> = Vec::new();
    for item in items {
        match item
            .as_text()
            .as_deref()
            .map(|c| (c, Language::from_code(c)))
        {
            Some((_, Some(l))) if !out.contains(&l) => out.push(l),
            Some((code, Some(_))) => r.error(item.pos, format!("`{code}` is listed twice")),
            Some((code, None)) => r.error(
                item.pos,
                format!("unknown language `{code}`: tandem's labels and dates know `de` and `en`"),
            ),
            None => r.error(item.pos, "a language is a code such as `de` or `en`"),
        }
    }
    if out.is_empty() {
        r.error(
            node.pos,
            "`languages` needs at least one language, the main one first",
        );
        return vec![language.unwrap_or(Language::De)];
    }
    if let Some(l) = language.filter(|l| *l != out[0]) {
        let pos = fields.key_pos("language").unwrap_or(node.pos);
        r.error(
            pos,
            format!(
                "`language: {}` and `languages` (main language `{}`) disagree: keep `languages` alone, the main language first",
                l.code(),
                out[0].code()
            ),
        );
    }
    out
}

/// The site address of `rel` (a path below the output) under the base
/// path `base_path` (`/` or `/bildung/`): what [`Config::link`] does, for
/// code that holds only the base path.
pub fn link_under(base_path: &str, rel: &str) -> String {
    format!("{base_path}{}", rel.trim_start_matches('/'))
}

/// Position of a top-level key in a file on disk (for settings found wrong
/// after parsing); the file's start when it cannot be read.
pub fn find_key_in(path: &std::path::Path, key: &str) -> Pos {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|t| crate::frontmatter::find_key(&t, key))
        .unwrap_or(Pos::START)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// "Now" comes from the caller, not from the environment: fixed, it
    /// makes the build reproducible; left out, it is the clock.
    #[test]
    fn now_is_passed_in() {
        let yaml = "title: T\nbase_url: https://example.org/\n";
        let at = DateTime::from_timestamp(1_795_000_000, 0);
        let fixed = Overrides {
            now: at,
            ..Overrides::default()
        };
        let c = Config::parse(Path::new("s"), yaml, &fixed, &mut Diagnostics::new());
        let c = c.map(|c| (Some(c.now), c.reproducible));
        assert_eq!(c, Some((at, true)));
        let before = Utc::now();
        let c = Config::parse(
            Path::new("s"),
            yaml,
            &Overrides::default(),
            &mut Diagnostics::new(),
        );
        assert!(c.is_some_and(|c| !c.reproducible && c.now >= before));
    }

    #[test]
    fn durations() {
        let d = IsoDuration::parse("P2Y").unwrap();
        assert_eq!(d.years, 2);
        assert_eq!(IsoDuration::parse("PT12H").unwrap().seconds, 43200);
        assert_eq!(IsoDuration::parse("P1W2D").unwrap().days, 9);
        assert!(IsoDuration::parse("P").is_none());
        assert!(IsoDuration::parse("1D").is_none());
        assert!(IsoDuration::parse("PT").is_none());
        assert_eq!(IsoDuration::parse("P1W").unwrap().days, 7);
        assert_eq!(IsoDuration::parse("P1M").unwrap().months, 1);
        let d = IsoDuration::parse("P1Y2M3DT4H5M6S").unwrap();
        assert_eq!((d.years, d.months, d.days, d.seconds), (1, 2, 3, 14706));
        assert_eq!(IsoDuration::parse("PT90M").unwrap().seconds, 5400);
        for bad in ["", "P1DT", "-P1D", "p1d", "1 day", "P1D ", "PT0.5S", "P1X"] {
            assert!(IsoDuration::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn base_url_keeps_its_path() {
        let (url, host, path) = split_base_url("https://example.org/bildung").unwrap();
        assert_eq!(url, "https://example.org/bildung/");
        assert_eq!(host, "example.org");
        assert_eq!(path, "/bildung/");
        assert!(split_base_url("example.org").is_none());
        assert!(split_base_url("ftp://example.org/").is_none());
    }
}
