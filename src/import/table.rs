//! `tandem import csv KIND FILE`: entries from a table saved from a
//! spreadsheet (a programme, a partner list). The `csv` crate splits the
//! cells (`;` or `,`, quoted cells); text that is not UTF-8 is read as
//! Windows-1252, which is what Excel saves in Germany. Dates are read the
//! way German programme tables write them, where that is unambiguous.

use super::{Draft, Value};
use crate::diagnostics::{Diagnostic, Diagnostics, Pos};
use crate::entry::Kind;
use crate::frontmatter::schema::{self, Type};
use chrono::{NaiveDate, NaiveTime};
use chrono_tz::Tz;

/// How to read a table.
pub struct TableOptions<'a> {
    pub kind: Kind,
    /// `--map 'Datum=start,Ort=location'`: header → field, before the
    /// headers tandem knows by itself.
    pub map: &'a [(String, String)],
    /// Leave out rows with a cell that cannot be read instead of failing.
    pub skip_bad_rows: bool,
    pub timezone: Tz,
}

/// Reads `--map`'s text: `Header=field` pairs separated by commas; a
/// header side may name several headers joined by `/`.
pub fn parse_map(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for pair in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((headers, field)) = pair.split_once('=') else {
            return Err(format!(
                "--map: `{pair}` is no `Header=field` pair; write e.g. --map 'Datum=start,Ort=location'"
            ));
        };
        let field = field.trim();
        if field.is_empty() || !field.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
            return Err(format!(
                "--map: `{pair}` names no field after `=`; write e.g. --map 'Datum=start'"
            ));
        }
        // `Thema/Beschreibung=title`: that header, or either of its words.
        out.push((headers.trim().to_string(), field.to_string()));
        for h in headers.split('/').map(str::trim).filter(|h| !h.is_empty()) {
            if h != headers.trim() {
                out.push((h.to_string(), field.to_string()));
            }
        }
    }
    Ok(out)
}

/// What a column holds.
#[derive(Clone, Debug, PartialEq)]
enum Column {
    Field(String),
    /// A time (or a span of times) for the date column.
    Time,
    /// The text below the front matter.
    Body,
    /// A running number, read by nobody.
    Ignored,
}

/// Header words of programme tables and partner lists, after the field
/// names themselves; `date` is the date field of the kind (`start`, or a
/// post's `date`).
fn known_header(word: &str, date: &str) -> Option<Column> {
    let f = |s: &str| Some(Column::Field(s.to_string()));
    match word {
        "datum" | "termin" | "date" | "tag" => f(date),
        "uhrzeit" | "zeit" | "time" => Some(Column::Time),
        "ort" | "veranstaltungsort" | "place" | "location" => f("location"),
        "thema" | "titel" | "veranstaltung" | "title" | "topic" | "name" => f("title"),
        "beschreibung" | "inhalt" | "description" | "kurzbeschreibung" => f("summary"),
        "ende" | "bis" | "end" => f("end"),
        "stadt" | "city" => f("city"),
        "website" | "webseite" | "homepage" | "internet" => f("website"),
        "anmeldung" => f("registration"),
        "text" | "body" => Some(Column::Body),
        "nr." | "nr" | "nummer" | "no." | "no" | "#" => Some(Column::Ignored),
        _ => None,
    }
}

/// The text of the file: UTF-8 (a BOM is dropped), else Windows-1252.
fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(t) => t.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned(),
    }
}

/// `;`, `,` or tab, whichever the header line has most of.
fn delimiter(text: &str) -> u8 {
    let header = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let count = |c: char| header.chars().filter(|&x| x == c).count();
    [(b';', count(';')), (b'\t', count('\t')), (b',', count(','))]
        .into_iter()
        .max_by_key(|&(_, n)| n)
        .map_or(b',', |(d, _)| d)
}

/// The drafts of the table `bytes` (the file as it is on disk), named
/// `label` in messages. Every cell that cannot be read is an error at
/// `label:row:col` in `diags` (with `skip_bad_rows`, a warning, and its
/// row is left out).
pub fn drafts(
    bytes: &[u8],
    label: &str,
    opts: &TableOptions,
    diags: &mut Diagnostics,
) -> Vec<Draft> {
    let text = decode(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter(&text))
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows: Vec<(usize, Vec<String>)> = Vec::new();
    for record in reader.records() {
        match record {
            Ok(r) => {
                let line = r.position().map_or(rows.len() + 1, |p| p.line() as usize);
                let cells: Vec<String> = r.iter().map(|c| c.trim().to_string()).collect();
                if cells.iter().any(|c| !c.is_empty()) {
                    rows.push((line, cells));
                }
            }
            Err(e) => {
                let line = e.position().map_or(1, |p| p.line() as usize);
                diags.push(Diagnostic::error(
                    label,
                    Pos::new(line, 1),
                    format!("cannot read this row: {e}"),
                ));
                return Vec::new();
            }
        }
    }
    let Some((_, header)) = rows.first() else {
        diags.push(Diagnostic::error(
            label,
            Pos::START,
            "the table is empty: its first row names the columns",
        ));
        return Vec::new();
    };
    let Some(columns) = columns(header, label, opts, diags) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut failed = false;
    for (line, cells) in &rows[1..] {
        let mut problems = Vec::new();
        let draft = row(*line, cells, &columns, opts, &mut problems);
        for (col, message) in &problems {
            let pos = Pos::new(*line, *col);
            diags.push(if opts.skip_bad_rows {
                Diagnostic::warning(label, pos, format!("{message} — row left out"))
            } else {
                Diagnostic::error(label, pos, message.clone())
            });
        }
        if problems.is_empty() {
            out.extend(draft);
        } else {
            failed = true;
        }
    }
    if failed && !opts.skip_bad_rows {
        return Vec::new();
    }
    out
}

/// The meaning of each header, or `None` after reporting those that have
/// none (or a required field without a column).
fn columns(
    header: &[String],
    label: &str,
    opts: &TableOptions,
    diags: &mut Diagnostics,
) -> Option<Vec<Column>> {
    let fields: Vec<&'static str> = schema::fields_of(opts.kind).map(|f| f.name).collect();
    let date = if opts.kind == Kind::Post {
        "date"
    } else {
        "start"
    };
    let mut out = Vec::new();
    let mut ok = true;
    for (k, h) in header.iter().enumerate() {
        let word = h.trim().to_lowercase();
        let mapped = opts
            .map
            .iter()
            .find(|(from, _)| from.trim().to_lowercase() == word)
            .map(|(_, to)| match to.as_str() {
                "body" | "text" => Column::Body,
                "time" => Column::Time,
                f => Column::Field(f.to_string()),
            });
        let by_word = |w: &str| {
            fields
                .contains(&w)
                .then(|| Column::Field(w.to_string()))
                .or_else(|| known_header(w, date))
        };
        // `Thema/Beschreibung`: the first of its words that is known.
        let column = mapped
            .or_else(|| by_word(&word))
            .or_else(|| word.split('/').map(str::trim).find_map(by_word));
        match column {
            Some(Column::Field(f)) if !fields.contains(&f.as_str()) => {
                ok = false;
                diags.push(Diagnostic::error(
                    label,
                    Pos::new(1, k + 1),
                    format!(
                        "column `{h}` is mapped to `{f}`, which is no field of {}",
                        kind_name(opts.kind)
                    ),
                ));
            }
            Some(c) => out.push(c),
            None => {
                ok = false;
                let hint = crate::diagnostics::did_you_mean(&word, fields.iter().copied())
                    .map(|s| format!(" — did you mean `{s}`?"))
                    .unwrap_or_else(|| {
                        format!(
                            "; name a field of {} ({}) or use --map '{h}=field'",
                            kind_name(opts.kind),
                            fields.join(", ")
                        )
                    });
                diags.push(Diagnostic::error(
                    label,
                    Pos::new(1, k + 1),
                    format!("unknown column `{h}`{hint}"),
                ));
            }
        }
    }
    let required: Vec<&str> = schema::fields_of(opts.kind)
        .filter(|f| f.required)
        .map(|f| f.name)
        .collect();
    for r in required {
        if ok && !out.contains(&Column::Field(r.to_string())) {
            ok = false;
            diags.push(Diagnostic::error(
                label,
                Pos::START,
                format!(
                    "the table has no column for `{r}`, which every {} needs",
                    opts.kind.name()
                ),
            ));
        }
    }
    ok.then_some(out)
}

fn kind_name(kind: Kind) -> String {
    format!("a {}", kind.name())
}

/// One row as a draft; unreadable cells go to `problems` as (column, message).
fn row(
    line: usize,
    cells: &[String],
    columns: &[Column],
    opts: &TableOptions,
    problems: &mut Vec<(usize, String)>,
) -> Option<Draft> {
    let cell = |c: &Column| -> Option<(usize, &str)> {
        let k = columns.iter().position(|x| x == c)?;
        cells
            .get(k)
            .map(|s| (k + 1, s.as_str()))
            .filter(|(_, s)| !s.is_empty())
    };
    let mut d = Draft {
        origin: format!("row {line}"),
        ..Draft::default()
    };
    match cell(&Column::Field("title".into())) {
        Some((_, t)) => d.title = t.to_string(),
        None => {
            let col = columns
                .iter()
                .position(|c| *c == Column::Field("title".into()))
                .map_or(1, |k| k + 1);
            problems.push((col, "this row has no title".into()));
        }
    }
    // Dates: the date column, with the time column's times.
    let date_field = if opts.kind == Kind::Post {
        "date"
    } else {
        "start"
    };
    let time = match cell(&Column::Time) {
        Some((col, t)) => match parse_times(t) {
            Some(times) => Some(times),
            None => {
                problems.push((
                    col,
                    format!(
                        "cannot read the time \"{t}\": write it as 10:00, 10 Uhr or 10:00–16:00"
                    ),
                ));
                None
            }
        },
        None => None,
    };
    let mut values: Vec<(String, Value)> = Vec::new();
    if let Some((col, text)) = cell(&Column::Field(date_field.into())) {
        match parse_dates(text) {
            Some((first, last, own_time)) => {
                let times = own_time.or(time);
                d.date = Some(first);
                let (start, end) = with_times(first, last, times);
                values.push((date_field.into(), Value::Plain(start)));
                if let Some(end) = end.filter(|_| opts.kind != Kind::Post) {
                    values.push(("end".into(), Value::Plain(end)));
                }
            }
            None => problems.push((
                col,
                format!("cannot read the date \"{text}\": write it as 07.11.2019, 19/20.03.2022 or 06.04. – 22.06.2022"),
            )),
        }
    }
    for (k, c) in columns.iter().enumerate() {
        let Column::Field(name) = c else { continue };
        if name == "title" || name == date_field {
            continue;
        }
        let Some(text) = cells.get(k).map(String::as_str).filter(|s| !s.is_empty()) else {
            continue;
        };
        let Some(field) = schema::fields_of(opts.kind).find(|f| f.name == name) else {
            continue;
        };
        let value = match field.ty {
            Type::Date | Type::When => match parse_dates(text) {
                Some((first, _, times)) => Value::Plain(with_times(first, first, times).0),
                None => {
                    problems.push((
                        k + 1,
                        format!("cannot read the date \"{text}\": write it as 07.11.2019"),
                    ));
                    continue;
                }
            },
            Type::Refs(_) | Type::KindedRefs => {
                Value::List(split_list(text).into_iter().map(Value::Plain).collect())
            }
            Type::TextList | Type::DateList => {
                Value::List(split_list(text).into_iter().map(Value::Text).collect())
            }
            Type::Bool => match text.to_lowercase().as_str() {
                "ja" | "yes" | "true" | "x" => Value::Plain("true".into()),
                "nein" | "no" | "false" => Value::Plain("false".into()),
                _ => {
                    problems.push((k + 1, format!("cannot read \"{text}\" as yes or no")));
                    continue;
                }
            },
            Type::Ref(_) | Type::Id | Type::Status => Value::Plain(text.to_string()),
            _ => Value::Text(text.to_string()),
        };
        // An `end` column after a date span: the column wins.
        values.retain(|(n, _)| n != name);
        values.push((name.clone(), value));
    }
    if let Some((_, body)) = cell(&Column::Body) {
        d.body = body.to_string();
    }
    // The fields in the order of the kind's table, as `tandem new` writes them.
    for f in schema::fields_of(opts.kind) {
        if let Some(k) = values.iter().position(|(n, _)| n == f.name) {
            d.fields.push(values.remove(k));
        }
    }
    problems.is_empty().then_some(d)
}

fn split_list(text: &str) -> Vec<String> {
    text.split([',', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

type Times = (NaiveTime, Option<NaiveTime>);

/// `start` (and `end`) of a date span with optional times.
fn with_times(first: NaiveDate, last: NaiveDate, times: Option<Times>) -> (String, Option<String>) {
    match times {
        Some((from, until)) => {
            let start = format!("{first}T{}", from.format("%H:%M"));
            let end = until.map(|u| format!("{last}T{}", u.format("%H:%M")));
            (start, end)
        }
        None => (first.to_string(), (last != first).then(|| last.to_string())),
    }
}

/// `10:00`, `10.00`, `10 Uhr`, `10:00–16:00 Uhr`.
fn parse_times(text: &str) -> Option<Times> {
    let t = text
        .trim()
        .trim_end_matches("Uhr")
        .trim_end_matches("uhr")
        .trim();
    let parts: Vec<&str> = t.split(['–', '—', '-']).map(str::trim).collect();
    match parts.as_slice() {
        [one] => Some((parse_time(one)?, None)),
        [a, b] => {
            let from = parse_time(a.trim_end_matches("Uhr").trim())?;
            let until = parse_time(b)?;
            Some((from, Some(until)))
        }
        _ => None,
    }
}

fn parse_time(t: &str) -> Option<NaiveTime> {
    let t = t.trim();
    let (h, m) = match t.split_once([':', '.']) {
        Some((h, m)) => (h, m),
        None => (t, "0"),
    };
    let h: u32 = h.trim().parse().ok()?;
    let m: u32 = m.trim().parse().ok()?;
    NaiveTime::from_hms_opt(h, m, 0)
}

/// A date cell: one date, two days (`19/20.03.2022`), a span
/// (`06.04. – 22.06.2022`), ISO (`2019-11-07`), each perhaps followed by
/// a time (`07.11.2019, 10:00`); `None` when it is none of these.
fn parse_dates(text: &str) -> Option<(NaiveDate, NaiveDate, Option<Times>)> {
    let text = text.trim();
    // A time after the date: `07.11.2019, 10:00` or `07.11.2019 10:00–12:00 Uhr`.
    let (date_part, times) =
        match text
            .find(|c: char| c == ',' || c.is_whitespace())
            .and_then(|i| {
                let rest = text[i..].trim_start_matches([',', ' ']).trim();
                let times = parse_times(rest)?;
                Some((text[..i].trim(), times))
            }) {
            Some((d, t)) => (d, Some(t)),
            None => (text, None),
        };
    if let Ok(w) = crate::entry::schedule::parse_when(date_part) {
        return match w {
            crate::entry::When::Date(d) => Some((d, d, times)),
            crate::entry::When::Time(t) => Some((t.date(), t.date(), Some((t.time(), None)))),
        };
    }
    let (first, last) = span(date_part)?;
    (last >= first).then_some((first, last, times))
}

/// `07.11.2019`, `19/20.03.2022`, `19./20.03.2022`, `19.–20.03.2022`,
/// `06.04. – 22.06.2022`, `30.12.2021 – 02.01.2022`, `06.04. bis 22.06.2022`.
fn span(text: &str) -> Option<(NaiveDate, NaiveDate)> {
    let compact: String = text
        .replace(" bis ", "–")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    // Two days of one month: `19/20.03.2022`, `19./20.03.2022`, `19.–20.03.2022`.
    for sep in ["/", ".–", ".-", "./", "–", "-"] {
        if let Some((a, b)) = compact.split_once(sep) {
            let a = a.trim_end_matches('.');
            if let (Ok(day), Some(last)) = (a.parse::<u32>(), german_date(b, None))
                && !a.is_empty()
                && a.len() <= 2
            {
                let first = NaiveDate::from_ymd_opt(
                    chrono::Datelike::year(&last),
                    chrono::Datelike::month(&last),
                    day,
                )?;
                return Some((first, last));
            }
        }
    }
    for sep in ['–', '—', '-'] {
        if let Some((a, b)) = compact.split_once(sep) {
            let last = german_date(b, None)?;
            let first = german_date(a, Some(chrono::Datelike::year(&last)))?;
            return Some((first, last));
        }
    }
    let d = german_date(&compact, None)?;
    Some((d, d))
}

/// `07.11.2019`, `7.11.19`; with `year`, also `06.04.` (the year of the
/// span's end).
fn german_date(text: &str, year: Option<i32>) -> Option<NaiveDate> {
    let parts: Vec<&str> = text.trim().trim_end_matches('.').split('.').collect();
    let (d, m, y) = match parts.as_slice() {
        [d, m, y] => (*d, *m, y.parse::<i32>().ok()?),
        [d, m] => (*d, *m, year?),
        _ => return None,
    };
    let y = if (0..100).contains(&y) && parts.get(2).is_some_and(|s| s.len() == 2) {
        2000 + y
    } else {
        y
    };
    if !(1000..=9999).contains(&y) || d.is_empty() || d.len() > 2 || m.is_empty() || m.len() > 2 {
        return None;
    }
    NaiveDate::from_ymd_opt(y, m.parse().ok()?, d.parse().ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn german_dates_as_programme_tables_write_them() {
        let one = |y, m, d| Some((date(y, m, d), date(y, m, d), None));
        assert_eq!(parse_dates("07.11.2019"), one(2019, 11, 7));
        assert_eq!(parse_dates("7.11.19"), one(2019, 11, 7));
        assert_eq!(parse_dates("2019-11-07"), one(2019, 11, 7));
        for two in ["19/20.03.2022", "19./20.03.2022", "19.–20.03.2022"] {
            assert_eq!(
                parse_dates(two),
                Some((date(2022, 3, 19), date(2022, 3, 20), None)),
                "{two}"
            );
        }
        for span in [
            "06.04. – 22.06.2022",
            "06.04.-22.06.2022",
            "06.04. bis 22.06.2022",
        ] {
            assert_eq!(
                parse_dates(span),
                Some((date(2022, 4, 6), date(2022, 6, 22), None)),
                "{span}"
            );
        }
        assert_eq!(
            parse_dates("30.12.2021 – 02.01.2022"),
            Some((date(2021, 12, 30), date(2022, 1, 2), None))
        );
        assert_eq!(
            parse_dates("07.11.2019, 10:00"),
            Some((date(2019, 11, 7), date(2019, 11, 7), Some((t(10, 0), None))))
        );
        assert_eq!(
            parse_dates("07.11.2019 10:00–12:00 Uhr"),
            Some((
                date(2019, 11, 7),
                date(2019, 11, 7),
                Some((t(10, 0), Some(t(12, 0))))
            ))
        );
        for bad in [
            "März 2022",
            "32.01.2022",
            "demnächst",
            "22.06. – 06.04.2022",
            "",
            "1.2.3.4",
        ] {
            assert_eq!(parse_dates(bad), None, "{bad}");
        }
    }

    #[test]
    fn times() {
        assert_eq!(parse_times("10:00"), Some((t(10, 0), None)));
        assert_eq!(parse_times("10.30"), Some((t(10, 30), None)));
        assert_eq!(parse_times("10 Uhr"), Some((t(10, 0), None)));
        assert_eq!(
            parse_times("10:00 - 16:00 Uhr"),
            Some((t(10, 0), Some(t(16, 0))))
        );
        assert_eq!(parse_times("10:00–16:00"), Some((t(10, 0), Some(t(16, 0)))));
        assert_eq!(parse_times("abends"), None);
        assert_eq!(parse_times("25:00"), None);
    }

    #[test]
    fn maps() {
        assert_eq!(
            parse_map("Datum=start, Thema/Beschreibung=title").unwrap(),
            vec![
                ("Datum".to_string(), "start".to_string()),
                ("Thema/Beschreibung".to_string(), "title".to_string()),
                ("Thema".to_string(), "title".to_string()),
                ("Beschreibung".to_string(), "title".to_string())
            ]
        );
        assert!(parse_map("Datum").is_err());
        assert!(parse_map("Datum=").is_err());
    }
}
