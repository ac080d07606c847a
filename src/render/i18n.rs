//! Labels and dates in the site's language, from the theme's translation
//! file (`i18n/de.yaml`, `i18n/en.yaml`). Month and day names come from
//! chrono's locale data; the file only holds the patterns.

use crate::model::entry::When;
use crate::model::schedule::Rule;
use chrono::format::{Item, StrftimeItems};
use chrono::{Locale, NaiveDate, NaiveDateTime};
use std::collections::BTreeMap;

#[derive(Clone, Debug)]
pub struct Labels {
    pub map: BTreeMap<String, String>,
    pub locale: Locale,
    /// The date and time patterns, read once: chrono would read a pattern
    /// again on every date of every page.
    patterns: BTreeMap<String, Vec<Item<'static>>>,
}

impl Labels {
    /// Reads a flat `key: text` translation file.
    pub fn parse(text: &str) -> Result<Labels, String> {
        let node = crate::content::yaml::parse(text, 1)
            .map_err(|e| format!("{}:{}: {}", e.pos.line, e.pos.col, e.message))?;
        let crate::content::yaml::Value::Map(entries) = node.value else {
            return Err("a translation file is a map of `key: text`".into());
        };
        let map: BTreeMap<String, String> = entries
            .iter()
            .filter_map(|(k, v)| Some((k.as_text()?, v.as_text()?)))
            .collect();
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
            .collect();
        Ok(Labels {
            map,
            locale,
            patterns,
        })
    }

    pub fn get<'s>(&'s self, key: &'s str) -> &'s str {
        self.map.get(key).map_or(key, String::as_str)
    }

    /// `d` in the pattern under `pattern_key`, with the locale's names.
    pub fn fmt_date(&self, pattern_key: &str, d: NaiveDate) -> String {
        match self.patterns.get(pattern_key) {
            Some(items) => d
                .format_localized_with_items(items.iter(), self.locale)
                .to_string(),
            None => d
                .format_localized(self.get(pattern_key), self.locale)
                .to_string(),
        }
    }

    fn fmt_time(&self, t: NaiveDateTime) -> String {
        match self.patterns.get("time") {
            Some(items) => t.format_with_items(items.iter()).to_string(),
            None => t.format(self.get("time")).to_string(),
        }
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
        crate::content::fields::parse_when(s).unwrap()
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
