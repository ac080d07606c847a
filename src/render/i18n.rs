//! Labels and dates in the site's language, from the theme's translation
//! file (`i18n/de.yaml`, `i18n/en.yaml`). Month and day names come from
//! chrono's locale data; the file only holds the patterns.

use crate::diagnostics::Pos;
use crate::entry::When;
use crate::entry::schedule::Rule;
use chrono::format::{Fixed, Item, Numeric, Pad, StrftimeItems};
use chrono::{Datelike, Locale, NaiveDate, NaiveDateTime, Timelike};
use std::collections::BTreeMap;

#[derive(Clone, Debug)]
pub struct Labels {
    pub map: BTreeMap<String, String>,
    pub locale: Locale,
    /// The date and time patterns, read once: chrono would read a pattern
    /// again on every date of every page.
    patterns: BTreeMap<String, Vec<Item<'static>>>,
    /// The same patterns as pieces written without chrono, for those made
    /// only of the pieces [`Piece`] knows.
    pieces: BTreeMap<String, Vec<Piece>>,
    names: Names,
    /// Times are written without the locale, as chrono's `format` does.
    time_names: Names,
}

/// The keys whose texts are patterns for a date.
const DATE_PATTERNS: [&str; 6] = [
    "date_long",
    "date_short",
    "day_month",
    "range_day",
    "month_year",
    "weekday_short",
];

/// What chrono writes, or `None` where the pattern asks for something the
/// value does not have (chrono's `to_string` would panic).
fn chrono_text(f: impl std::fmt::Display) -> Option<String> {
    use std::fmt::Write;
    let mut out = String::new();
    write!(out, "{f}").ok()?;
    Some(out)
}

/// One piece of a date or time pattern. A large site writes a few dates
/// for every event card, page and date of a series; chrono walks its
/// pattern items and locale tables again for each (a few thousand
/// instructions), where these copy a name or a few digits.
#[derive(Clone, Debug, PartialEq)]
enum Piece {
    Text(Box<str>),
    /// `%-d` (no padding) or `%d` (two digits).
    Day {
        padded: bool,
    },
    /// `%m`
    Month,
    /// `%Y`, four digits.
    Year,
    /// `%H`
    Hour,
    /// `%M`
    Minute,
    /// `%B`, `%b`, `%A`, `%a`: the locale's names.
    MonthName,
    MonthShort,
    Weekday,
    WeekdayShort,
}

impl Piece {
    /// The piece chrono's `item` stands for, if it is one of these.
    fn of(item: &Item<'_>) -> Option<Piece> {
        Some(match item {
            Item::Literal(t) | Item::Space(t) => Piece::Text((*t).into()),
            Item::OwnedLiteral(t) | Item::OwnedSpace(t) => Piece::Text(t.clone()),
            Item::Numeric(Numeric::Day, Pad::None) => Piece::Day { padded: false },
            Item::Numeric(Numeric::Day, Pad::Zero) => Piece::Day { padded: true },
            Item::Numeric(Numeric::Month, Pad::Zero) => Piece::Month,
            Item::Numeric(Numeric::Year, Pad::Zero) => Piece::Year,
            Item::Numeric(Numeric::Hour, Pad::Zero) => Piece::Hour,
            Item::Numeric(Numeric::Minute, Pad::Zero) => Piece::Minute,
            Item::Fixed(Fixed::LongMonthName) => Piece::MonthName,
            Item::Fixed(Fixed::ShortMonthName) => Piece::MonthShort,
            Item::Fixed(Fixed::LongWeekdayName) => Piece::Weekday,
            Item::Fixed(Fixed::ShortWeekdayName) => Piece::WeekdayShort,
            _ => return None,
        })
    }
}

/// The locale's month and weekday names, asked from chrono once.
#[derive(Clone, Debug, Default)]
struct Names {
    months: Vec<String>,
    months_short: Vec<String>,
    /// Monday first.
    weekdays: Vec<String>,
    weekdays_short: Vec<String>,
}

impl Names {
    fn of(locale: Locale) -> Names {
        let name = |d: NaiveDate, f: &str| d.format_localized(f, locale).to_string();
        let month = |m: u32| NaiveDate::from_ymd_opt(2001, m, 1).unwrap_or_default();
        // 1 January 2001 was a Monday.
        let day = |n: u32| NaiveDate::from_ymd_opt(2001, 1, n).unwrap_or_default();
        Names {
            months: (1..=12).map(|m| name(month(m), "%B")).collect(),
            months_short: (1..=12).map(|m| name(month(m), "%b")).collect(),
            weekdays: (1..=7).map(|d| name(day(d), "%A")).collect(),
            weekdays_short: (1..=7).map(|d| name(day(d), "%a")).collect(),
        }
    }
}

/// Writes `pieces` for date `d` and time `t`; `None` for a year chrono
/// would write with a sign or more digits.
fn write_pieces(
    pieces: &[Piece],
    names: &Names,
    d: NaiveDate,
    t: Option<NaiveDateTime>,
) -> Option<String> {
    use crate::digits::push_padded;
    let year = u32::try_from(d.year()).ok().filter(|y| *y <= 9999)?;
    let month = d.month0() as usize;
    let weekday = d.weekday().num_days_from_monday() as usize;
    let mut out = String::with_capacity(32);
    for piece in pieces {
        match piece {
            Piece::Text(text) => out.push_str(text),
            Piece::Day { padded } => push_padded(&mut out, d.day(), if *padded { 2 } else { 1 }),
            Piece::Month => push_padded(&mut out, d.month(), 2),
            Piece::Year => push_padded(&mut out, year, 4),
            Piece::Hour => push_padded(&mut out, t?.hour(), 2),
            Piece::Minute => push_padded(&mut out, t?.minute(), 2),
            Piece::MonthName => out.push_str(names.months.get(month)?),
            Piece::MonthShort => out.push_str(names.months_short.get(month)?),
            Piece::Weekday => out.push_str(names.weekdays.get(weekday)?),
            Piece::WeekdayShort => out.push_str(names.weekdays_short.get(weekday)?),
        }
    }
    Some(out)
}

impl Labels {
    /// Reads a flat `key: text` translation file.
    /// Errors come with their place in the file.
    pub fn parse(text: &str) -> Result<Labels, (Pos, String)> {
        let node = crate::frontmatter::yaml::parse(text, 1).map_err(|e| (e.pos, e.message))?;
        let crate::frontmatter::yaml::Value::Map(entries) = node.value else {
            return Err((
                Pos::START,
                "a translation file is a map of `key: text`".into(),
            ));
        };
        let map: BTreeMap<String, String> = entries
            .iter()
            .filter_map(|(k, v)| Some((k.as_text()?, v.as_text()?)))
            .collect();
        // A date pattern with a time in it (or a time pattern with an
        // offset) cannot be written: said here, with its line, instead of
        // failing on the first date of the build.
        let sample = NaiveDate::from_ymd_opt(2022, 4, 6).unwrap_or_default();
        for (k, v) in &entries {
            let (Some(key), Some(pattern)) = (k.as_text(), v.as_text()) else {
                continue;
            };
            let fits = match key.as_str() {
                "time" => chrono_text(sample.and_time(chrono::NaiveTime::MIN).format(&pattern)),
                k if DATE_PATTERNS.contains(&k) => chrono_text(sample.format(&pattern)),
                _ => continue,
            };
            if fits.is_none() {
                let what = if key == "time" { "a time" } else { "a date" };
                return Err((
                    v.pos,
                    format!(
                        "`{key}: \"{pattern}\"` cannot be written for {what} (a date pattern cannot hold %H, %M and the like, a time pattern no offset %z)"
                    ),
                ));
            }
        }
        Ok(Labels::from_map(map))
    }

    /// These labels, with those of `fallback` where these have none;
    /// and the keys that were taken from it.
    pub fn or(self, fallback: &Labels) -> (Labels, Vec<String>) {
        let missing: Vec<String> = fallback
            .map
            .keys()
            .filter(|k| !self.map.contains_key(*k))
            .cloned()
            .collect();
        if missing.is_empty() {
            return (self, missing);
        }
        let mut map = self.map;
        for k in &missing {
            map.insert(k.clone(), fallback.map[k].clone());
        }
        (Labels::from_map(map), missing)
    }

    /// Labels from checked `key: text` pairs (see [`Labels::parse`]).
    fn from_map(map: BTreeMap<String, String>) -> Labels {
        let locale = map
            .get("locale")
            .and_then(|l| Locale::try_from(l.as_str()).ok())
            .unwrap_or(Locale::de_DE);
        let patterns = map
            .iter()
            .filter(|(_, v)| v.contains('%'))
            .filter_map(|(k, v)| {
                let items = StrftimeItems::new_with_locale(v, locale)
                    .parse_to_owned()
                    .ok()?;
                Some((k.clone(), items))
            })
            .collect::<BTreeMap<_, _>>();
        let pieces = patterns
            .iter()
            .filter_map(|(k, items)| {
                let pieces: Option<Vec<Piece>> = items.iter().map(Piece::of).collect();
                Some((k.clone(), pieces?))
            })
            .collect();
        Labels {
            map,
            locale,
            patterns,
            pieces,
            names: Names::of(locale),
            time_names: Names::of(Locale::POSIX),
        }
    }

    pub fn get<'s>(&'s self, key: &'s str) -> &'s str {
        self.map.get(key).map_or(key, String::as_str)
    }

    /// `d` in the pattern under `pattern_key`, with the locale's names.
    pub fn fmt_date(&self, pattern_key: &str, d: NaiveDate) -> String {
        if let Some(text) = self
            .pieces
            .get(pattern_key)
            .and_then(|p| write_pieces(p, &self.names, d, None))
        {
            return text;
        }
        let text = match self.patterns.get(pattern_key) {
            Some(items) => chrono_text(d.format_localized_with_items(items.iter(), self.locale)),
            None => chrono_text(d.format_localized(self.get(pattern_key), self.locale)),
        };
        // `parse` checked the patterns; a key that is no pattern reads as is.
        text.unwrap_or_else(|| self.get(pattern_key).to_string())
    }

    fn fmt_time(&self, t: NaiveDateTime) -> String {
        if let Some(text) = self
            .pieces
            .get("time")
            .and_then(|p| write_pieces(p, &self.time_names, t.date(), Some(t)))
        {
            return text;
        }
        let text = match self.patterns.get("time") {
            Some(items) => chrono_text(t.format_with_items(items.iter())),
            None => chrono_text(t.format(self.get("time"))),
        };
        text.unwrap_or_else(|| self.get("time").to_string())
    }

    /// "Mittwoch, 6. April 2022"
    pub fn date_long(&self, d: NaiveDate) -> String {
        self.fmt_date("date_long", d)
    }

    /// "6. April 2022"
    pub fn date_short(&self, d: NaiveDate) -> String {
        self.fmt_date("date_short", d)
    }

    /// "April 2022", for month headings of listings.
    pub fn month_year(&self, d: NaiveDate) -> String {
        self.fmt_date("month_year", d)
    }

    /// A date or time span in words:
    /// "Mittwoch, 6. April 2022, 18:00–20:00 Uhr",
    /// "Samstag, 19. März 2022 – Sonntag, 20. März 2022".
    pub fn when_text(&self, start: When, end: Option<When>) -> String {
        let suffix = self.get("time_suffix");
        match (start, end) {
            (When::Date(s), Some(When::Date(e))) if e > s => {
                format!("{} – {}", self.date_long(s), self.date_long(e))
            }
            (When::Date(s), _) => self.date_long(s),
            (When::Time(s), None) => {
                format!("{}, {}{suffix}", self.date_long(s.date()), self.fmt_time(s))
            }
            (When::Time(s), Some(When::Time(e))) if e.date() == s.date() => format!(
                "{}, {}–{}{suffix}",
                self.date_long(s.date()),
                self.fmt_time(s),
                self.fmt_time(e)
            ),
            (When::Time(s), Some(e)) => format!(
                "{}, {}{suffix} – {}, {}{suffix}",
                self.date_long(s.date()),
                self.fmt_time(s),
                self.date_long(e.date()),
                self.fmt_time(e.naive())
            ),
        }
    }

    /// A span of days, as short as stays clear: "25.–26. Juni 2022",
    /// "19. März – 2. April 2022", "30. Dezember 2022 – 2. Januar 2023"
    /// ("25–26 June 2022" in English).
    pub fn date_range(&self, s: NaiveDate, e: NaiveDate) -> String {
        use chrono::Datelike;
        if e <= s {
            self.date_short(s)
        } else if (s.year(), s.month()) == (e.year(), e.month()) {
            format!("{}–{}", self.fmt_date("range_day", s), self.date_short(e))
        } else if s.year() == e.year() {
            format!("{} – {}", self.fmt_date("day_month", s), self.date_short(e))
        } else {
            format!("{} – {}", self.date_short(s), self.date_short(e))
        }
    }

    /// A short form for lists: "19. März 2022, 10:00–16:00 Uhr" or
    /// "19.–20. März 2022".
    pub fn when_short(&self, start: When, end: Option<When>) -> String {
        let d = |d: NaiveDate| self.fmt_date("date_short", d);
        let suffix = self.get("time_suffix");
        match (start, end) {
            (When::Date(s), Some(When::Date(e))) => self.date_range(s, e),
            (When::Date(s), _) => d(s),
            (When::Time(s), Some(When::Time(e))) if e.date() == s.date() => format!(
                "{}, {}–{}{suffix}",
                d(s.date()),
                self.fmt_time(s),
                self.fmt_time(e),
            ),
            (When::Time(s), Some(e)) => self.date_range(s.date(), e.date()),
            (When::Time(s), None) => format!("{}, {}{suffix}", d(s.date()), self.fmt_time(s)),
        }
    }

    /// A series in words: "10 Termine, mittwochs, 6. April – 8. Juni 2022".
    pub fn rule_text(
        &self,
        rule: &Rule,
        first: NaiveDate,
        last: NaiveDate,
        count: usize,
    ) -> String {
        let mut parts = Vec::new();
        parts.push(if count == 1 {
            self.get("dates_count_one").to_string()
        } else {
            self.get("dates_count").replace("%n", &count.to_string())
        });
        let days: Vec<String> = rule
            .byday
            .iter()
            .filter_map(|d| {
                let code =
                    d.trim_start_matches(|c: char| c == '-' || c == '+' || c.is_ascii_digit());
                self.map.get(&format!("weekday_plural_{code}")).cloned()
            })
            .collect();
        if !days.is_empty() && rule.freq == "WEEKLY" && rule.interval == 1 {
            parts.push(days.join(", "));
        } else {
            let key = match (rule.freq.as_str(), rule.interval) {
                ("WEEKLY", 2) => "recurrence_biweekly",
                ("WEEKLY", _) => "recurrence_weekly",
                ("DAILY", _) => "recurrence_daily",
                ("MONTHLY", _) => "recurrence_monthly",
                ("YEARLY", _) => "recurrence_yearly",
                _ => "",
            };
            if !key.is_empty() {
                parts.push(self.get(key).to_string());
            }
            if rule.freq == "WEEKLY" && !days.is_empty() {
                parts.push(days.join(", "));
            }
        }
        let span = self.date_range(first, last);
        parts.push(span);
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(lang: &str) -> Labels {
        let text = match lang {
            "de" => include_str!("../../themes/default/i18n/de.yaml"),
            _ => include_str!("../../themes/default/i18n/en.yaml"),
        };
        Labels::parse(text).unwrap()
    }

    fn t(s: &str) -> When {
        crate::entry::schedule::parse_when(s).unwrap()
    }

    #[test]
    fn dates_in_words_in_both_languages() {
        let de = labels("de");
        let en = labels("en");
        assert_eq!(
            de.when_text(t("2022-04-06T18:00"), Some(t("2022-04-06T20:00"))),
            "Mittwoch, 6. April 2022, 18:00–20:00 Uhr"
        );
        assert_eq!(
            en.when_text(t("2022-04-06T18:00"), Some(t("2022-04-06T20:00"))),
            "Wednesday, 6 April 2022, 18:00–20:00"
        );
        assert_eq!(
            de.when_text(t("2022-03-19"), Some(t("2022-03-20"))),
            "Samstag, 19. März 2022 – Sonntag, 20. März 2022"
        );
    }

    /// The pieces write what chrono writes, for every day of four years,
    /// in the theme's patterns and others, in locales whose names differ
    /// in form (declined months, short names with dots, other scripts).
    #[test]
    fn pieces_write_what_chrono_writes() {
        let patterns = [
            "%A, %-d. %B %Y",
            "%-d %B %Y",
            "%d.%m.%Y",
            "%d/%m/%Y",
            "%-d. %B",
            "%-d.",
            "%a",
            "%b %Y",
            "%a, %d %b",
            "%B %Y",
            "Termine %Y",
            "%H:%M",
            "%Y-%m-%d %H:%M",
            "%a %H:%M",
        ];
        for locale in [
            Locale::de_DE,
            Locale::en_GB,
            Locale::en_US,
            Locale::fr_FR,
            Locale::pl_PL,
            Locale::ru_RU,
            Locale::el_GR,
            Locale::tr_TR,
            Locale::ja_JP,
        ] {
            let (names, time_names) = (Names::of(locale), Names::of(Locale::POSIX));
            for pattern in patterns {
                let items = StrftimeItems::new_with_locale(pattern, locale)
                    .parse_to_owned()
                    .unwrap();
                let pieces: Vec<Piece> = items.iter().map(|i| Piece::of(i).unwrap()).collect();
                let mut day = NaiveDate::from_ymd_opt(2023, 1, 1).unwrap();
                while day.year() < 2027 {
                    let t = day
                        .and_hms_opt(day.day() % 24, day.ordinal() % 60, 0)
                        .unwrap();
                    // As `fmt_date` and `fmt_time` ask chrono: dates with
                    // the locale's names, times without.
                    let (ours, chrono) = if pattern.contains("%H") {
                        (
                            write_pieces(&pieces, &time_names, day, Some(t)),
                            t.format_with_items(items.iter()).to_string(),
                        )
                    } else {
                        (
                            write_pieces(&pieces, &names, day, None),
                            day.format_localized_with_items(items.iter(), locale)
                                .to_string(),
                        )
                    };
                    let ours = ours.unwrap();
                    assert_eq!(ours, chrono, "{pattern} in {locale:?} on {day}");
                    day = day.succ_opt().unwrap();
                }
            }
        }
    }

    #[test]
    fn patterns_with_other_pieces_stay_with_chrono() {
        let text = "locale: de_DE\ndate_short: \"%-d. %B %Y (%j)\"\n";
        let de = Labels::parse(text).unwrap();
        assert!(!de.pieces.contains_key("date_short"));
        let d = NaiveDate::from_ymd_opt(2022, 4, 6).unwrap();
        assert_eq!(de.date_short(d), "6. April 2022 (096)");
    }

    #[test]
    fn a_time_in_a_date_pattern_is_an_error_with_its_line() {
        let (pos, e) =
            Labels::parse("locale: de_DE\ndate_short: \"%-d. %B, %H Uhr\"\n").unwrap_err();
        assert_eq!((pos.line, pos.col), (2, 13));
        assert!(
            e.starts_with("`date_short: \"%-d. %B, %H Uhr\"` cannot be written for a date"),
            "{e}"
        );
        let (pos, e) = Labels::parse("time: \"%H:%M %z\"\n").unwrap_err();
        assert_eq!((pos.line, pos.col), (1, 7));
        assert!(
            e.starts_with("`time: \"%H:%M %z\"` cannot be written for a time"),
            "{e}"
        );
        // Labels that are no patterns may hold any `%`.
        assert!(Labels::parse("period_since: \"seit %s\"\n").is_ok());
    }

    #[test]
    fn series_in_words() {
        let de = labels("de");
        let rule = Rule {
            text: String::new(),
            count: Some(10),
            freq: "WEEKLY".into(),
            interval: 1,
            byday: vec!["WE".into()],
        };
        let s = de.rule_text(&rule, t("2022-04-06").date(), t("2022-06-08").date(), 10);
        assert_eq!(s, "10 Termine, mittwochs, 6. April – 8. Juni 2022");
    }

    #[test]
    fn date_ranges_stay_short() {
        let de = labels("de");
        let en = labels("en");
        let d = |s: &str| t(s).date();
        assert_eq!(
            de.date_range(d("2022-06-25"), d("2022-06-26")),
            "25.–26. Juni 2022"
        );
        assert_eq!(
            en.date_range(d("2022-06-25"), d("2022-06-26")),
            "25–26 June 2022"
        );
        assert_eq!(
            de.date_range(d("2022-03-19"), d("2022-04-02")),
            "19. März – 2. April 2022"
        );
        assert_eq!(
            en.date_range(d("2022-12-30"), d("2023-01-02")),
            "30 December 2022 – 2 January 2023"
        );
        assert_eq!(
            de.when_short(t("2022-04-06T18:00"), Some(t("2022-04-06T20:00"))),
            "6. April 2022, 18:00–20:00 Uhr"
        );
        assert_eq!(
            en.when_short(t("2027-03-10T10:00"), Some(t("2027-03-11T16:00"))),
            "10–11 March 2027"
        );
    }
}
