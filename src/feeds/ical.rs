//! A small iCalendar (RFC 5545) content-line writer.
//!
//! The `icalendar` crate invents a random UID and the current time when they
//! are missing and writes no VTIMEZONE, both of which break subscribers and
//! reproducible builds; so tandem writes its few properties itself, and this
//! module owns the byte-level rules every client depends on: CRLF line ends,
//! folding at 75 octets without splitting a UTF-8 character, TEXT escaping
//! and safe parameter values.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

/// The longest a physical line may be, in octets, without its CRLF
/// (RFC 5545 §3.1).
pub const MAX_LINE: usize = 75;

/// Builds an iCalendar stream one content line at a time.
#[derive(Clone, Debug, Default)]
pub struct Writer {
    out: String,
    /// The content line being made, before folding; kept between lines
    /// so that a long stream does not allocate one per line.
    line: String,
}

impl Writer {
    pub fn new() -> Writer {
        Writer::default()
    }

    /// A writer with room for `bytes` of output: an event's VEVENTs are a
    /// few kilobytes each, which a growing buffer would copy a dozen times.
    pub fn with_capacity(bytes: usize) -> Writer {
        Writer {
            out: String::with_capacity(bytes),
            line: String::new(),
        }
    }

    pub fn begin(&mut self, component: &str) {
        self.line("BEGIN", &[], component);
    }

    pub fn end(&mut self, component: &str) {
        self.line("END", &[], component);
    }

    /// A property whose value is already in its RFC 5545 form (a date, a
    /// URI, an RRULE): only folded, never escaped. Parameter values are
    /// made safe with [`param_value`].
    pub fn line(&mut self, name: &str, params: &[(&str, &str)], value: &str) {
        self.content_line(name, params, |line| line.push_str(value));
    }

    /// A TEXT property: the value is normalised ([`clean_text`]) and escaped.
    pub fn text(&mut self, name: &str, params: &[(&str, &str)], value: &str) {
        self.content_line(name, params, |line| escape_text_into(line, value));
    }

    /// `NAME;PARAM=…:` and the value `write_value` appends, folded.
    fn content_line(
        &mut self,
        name: &str,
        params: &[(&str, &str)],
        write_value: impl FnOnce(&mut String),
    ) {
        let mut line = std::mem::take(&mut self.line);
        line.clear();
        line.push_str(name);
        for (key, val) in params {
            line.push(';');
            line.push_str(key);
            line.push('=');
            line.push_str(&param_value(val));
        }
        line.push(':');
        write_value(&mut line);
        fold_into(&mut self.out, &line);
        self.line = line;
    }

    /// A multi-valued TEXT property such as `CATEGORIES`: each item escaped,
    /// joined by the unescaped commas that separate them.
    pub fn text_list<S: AsRef<str>>(&mut self, name: &str, items: &[S]) {
        let joined: Vec<String> = items.iter().map(|i| escape_text(i.as_ref())).collect();
        self.line(name, &[], &joined.join(","));
    }

    /// Appends lines that another writer produced (already folded, CRLF).
    pub fn raw(&mut self, lines: &str) {
        self.out.push_str(lines);
        if !lines.is_empty() && !lines.ends_with("\r\n") {
            self.out.push_str("\r\n");
        }
    }

    pub fn as_str(&self) -> &str {
        &self.out
    }

    pub fn finish(self) -> String {
        self.out
    }
}

/// Text as the spec's TEXT rule wants it before escaping; the pages
/// follow the same rule.
pub use crate::text::clean_text;

/// Escapes a TEXT value (RFC 5545 §3.3.11) after [`clean_text`]:
/// backslash, semicolon, comma and line breaks.
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 16 + 8);
    escape_text_into(&mut out, s);
    out
}

/// [`escape_text`] appended to `out`.
pub fn escape_text_into(out: &mut String, s: &str) {
    let clean = clean_text(s);
    out.reserve(clean.len() + clean.len() / 16 + 8);
    // Copy runs between the characters that need escaping in one go,
    // found with memchr's vectorised search; backslashes are rare, so
    // text with one takes the plain byte loop instead.
    let bytes = clean.as_bytes();
    let (mut fast, mut slow);
    let hits: &mut dyn Iterator<Item = usize> = if memchr::memchr(b'\\', bytes).is_none() {
        fast = memchr::memchr3_iter(b',', b';', b'\n', bytes);
        &mut fast
    } else {
        slow = (0..bytes.len()).filter(|&i| matches!(bytes[i], b'\\' | b';' | b',' | b'\n'));
        &mut slow
    };
    let mut start = 0;
    for i in hits {
        out.push_str(&clean[start..i]);
        out.push_str(match bytes[i] {
            b'\\' => "\\\\",
            b';' => "\\;",
            b',' => "\\,",
            _ => "\\n",
        });
        start = i + 1;
    }
    out.push_str(&clean[start..]);
}

/// A parameter value as RFC 5545 §3.2 allows it. A value cannot hold a
/// double quote or a control character in any form, so quotes become
/// apostrophes and line breaks spaces; a value with `:`, `;` or `,` is
/// quoted so that it is not read as the start of the value or the next
/// parameter. Names (`CN`) are always safe to quote, so callers may quote
/// them on purpose with [`quoted`].
pub fn param_value(v: &str) -> String {
    if v.starts_with('"') && v.ends_with('"') && v.len() >= 2 {
        let inner = &v[1..v.len() - 1];
        return format!("\"{}\"", param_safe(inner));
    }
    let safe = param_safe(v);
    if safe.contains([':', ';', ',']) {
        format!("\"{safe}\"")
    } else {
        safe
    }
}

/// Marks a parameter value to be written quoted whatever it holds.
pub fn quoted(v: &str) -> String {
    format!("\"{}\"", param_safe(v))
}

fn param_safe(v: &str) -> String {
    clean_text(v)
        .chars()
        .map(|c| match c {
            '"' => '\'',
            '\n' | '\t' => ' ',
            c => c,
        })
        .collect()
}

/// Appends `content` as one or more physical lines, each ending in CRLF,
/// each at most [`MAX_LINE`] octets including a continuation's leading
/// space. Breaks fall between characters, never inside a UTF-8 sequence,
/// and not between a backslash and the character it escapes (unfolding
/// would rejoin them, but some readers unescape line by line).
pub fn fold_into(out: &mut String, content: &str) {
    let bytes = content.as_bytes();
    let mut start = 0;
    // The first line holds MAX_LINE octets; continuation lines one less,
    // for their leading space.
    let mut room = MAX_LINE;
    while bytes.len() - start > room {
        let mut end = start + room;
        while !content.is_char_boundary(end) {
            end -= 1;
        }
        // Keep an escape (`\n`, `\,`) on one line: an odd run of
        // backslashes before the cut means the last one escapes the next
        // character.
        let run = bytes[start..end]
            .iter()
            .rev()
            .take_while(|&&b| b == b'\\')
            .count();
        if run % 2 == 1 && end - 1 > start {
            end -= 1;
        }
        if end <= start {
            // A single character wider than the line (cannot happen with
            // UTF-8 and 75 octets), written whole rather than looping.
            end = start + content[start..].chars().next().map_or(1, char::len_utf8);
        }
        out.push_str(&content[start..end]);
        out.push_str("\r\n ");
        start = end;
        room = MAX_LINE - 1;
    }
    out.push_str(&content[start..]);
    out.push_str("\r\n");
}

/// One content line folded, for tests and callers that build lines alone.
pub fn fold(content: &str) -> String {
    let mut out = String::new();
    fold_into(&mut out, content);
    out
}

/// `DATE-TIME` in UTC: `20220319T090000Z`.
pub fn utc(t: DateTime<Utc>) -> String {
    let mut out = local(t.naive_utc());
    out.push('Z');
    out
}

// Written out by hand rather than with chrono's `format`, which reads its
// pattern again on every call: every VEVENT has several of these.

/// Local `DATE-TIME` without zone, for use with a `TZID` parameter.
pub fn local(t: NaiveDateTime) -> String {
    let mut s = String::with_capacity(15);
    crate::digits::push_date(&mut s, t.date(), "");
    s.push('T');
    crate::digits::push_time(&mut s, t, "");
    s
}

/// `DATE`: `20220319`.
pub fn date(d: NaiveDate) -> String {
    let mut s = String::with_capacity(8);
    crate::digits::push_date(&mut s, d, "");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(s: &str) -> Vec<&str> {
        s.split("\r\n").filter(|l| !l.is_empty()).collect()
    }

    fn unfold(s: &str) -> String {
        s.replace("\r\n ", "")
    }

    #[test]
    fn short_lines_are_left_alone() {
        let mut w = Writer::new();
        w.begin("VCALENDAR");
        w.line("VERSION", &[], "2.0");
        w.end("VCALENDAR");
        assert_eq!(
            w.finish(),
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
        );
    }

    #[test]
    fn exactly_75_octets_is_one_line() {
        let value = "x".repeat(75 - "SUMMARY:".len());
        let out = fold(&format!("SUMMARY:{value}"));
        assert_eq!(lines(&out).len(), 1);
        let out = fold(&format!("SUMMARY:{value}y"));
        assert_eq!(lines(&out), [format!("SUMMARY:{value}").as_str(), " y"]);
    }

    #[test]
    fn folding_never_splits_a_character() {
        for prefix in 0..6 {
            let content = format!("SUMMARY:{}{}", "a".repeat(prefix), "ä€😀ß".repeat(40));
            let out = fold(&content);
            for l in lines(&out) {
                assert!(l.len() <= MAX_LINE, "{} octets: {l}", l.len());
            }
            // Every physical line is valid UTF-8 on its own.
            for raw in out.as_bytes().split(|b| *b == b'\n') {
                assert!(std::str::from_utf8(raw).is_ok());
            }
            assert_eq!(unfold(&out), format!("{content}\r\n"));
        }
    }

    #[test]
    fn continuation_lines_start_with_one_space_and_use_the_full_width() {
        let out = fold(&"b".repeat(200));
        let l = lines(&out);
        assert_eq!(l[0].len(), 75);
        assert!(l[1].starts_with(' ') && !l[1].starts_with("  "));
        assert_eq!(l[1].len(), 75);
    }

    #[test]
    fn escapes_stay_whole_across_folds() {
        for n in 60..80 {
            let content = format!(
                "DESCRIPTION:{}{}",
                "a".repeat(n - 12),
                escape_text("\\;,\n".repeat(10).as_str())
            );
            let out = fold(&content);
            for l in lines(&out) {
                let trailing = l.len() - l.trim_end_matches('\\').len();
                assert_eq!(trailing % 2, 0, "line ends inside an escape: {l:?}");
            }
            assert_eq!(unfold(&out), format!("{content}\r\n"));
        }
    }

    #[test]
    fn text_escaping() {
        assert_eq!(escape_text("a\\b;c,d\ne:f"), "a\\\\b\\;c\\,d\\ne:f");
        assert_eq!(escape_text("Köln, Straße 1"), "Köln\\, Straße 1");
    }

    #[test]
    fn control_characters_and_line_ends() {
        assert_eq!(clean_text("a\r\nb\rc\nd"), "a\nb\nc\nd");
        assert_eq!(
            clean_text("tab\there\u{0}\u{7}\u{1b}[0m\u{7f}\u{85}"),
            "tab\there[0m"
        );
        assert_eq!(escape_text("x\r\n\r\ny"), "x\\n\\ny");
    }

    /// The escaping and cleaning as the RFC states them, character by
    /// character, against which the vectorised versions are checked.
    fn escape_reference(s: &str) -> String {
        let mut out = String::new();
        let mut chars = s.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' => out.push_str("\\\\"),
                ';' => out.push_str("\\;"),
                ',' => out.push_str("\\,"),
                '\n' => out.push_str("\\n"),
                '\r' => {
                    if chars.peek() == Some(&'\n') {
                        chars.next();
                    }
                    out.push_str("\\n");
                }
                '\t' => out.push('\t'),
                c if c.is_control() => {}
                c => out.push(c),
            }
        }
        out
    }

    #[test]
    fn escaping_agrees_with_the_plain_rule_at_every_position() {
        let pieces = [
            "a", "ä", "·", "\u{a0}", "\u{85}", ",", ";", "\\", "\n", "\r", "\r\n", "\t", "\u{7}",
            "\u{7f}", "€", "x",
        ];
        // Texts of 1 to 80 characters (across the 32-byte blocks), each
        // special piece at every position of a plain text.
        for len in [1usize, 31, 32, 33, 63, 64, 65, 80] {
            for (k, piece) in pieces.iter().enumerate() {
                for at in 0..len {
                    let mut t: String = "ab cd".chars().cycle().take(len).collect();
                    t.insert_str(at.min(t.len()), piece);
                    if k % 3 == 0 {
                        t.push_str(pieces[(k + at) % pieces.len()]);
                    }
                    assert_eq!(escape_text(&t), escape_reference(&t), "{t:?}");
                }
            }
        }
    }

    #[test]
    fn parameter_values_are_quoted_when_needed() {
        assert_eq!(param_value("Europe/Berlin"), "Europe/Berlin");
        assert_eq!(param_value("Müller, Anna"), "\"Müller, Anna\"");
        assert_eq!(param_value("a:b"), "\"a:b\"");
        assert_eq!(param_value("x;y"), "\"x;y\"");
        assert_eq!(param_value("say \"hi\"\nnow"), "say 'hi' now");
        assert_eq!(quoted("Anna"), "\"Anna\"");
        let mut w = Writer::new();
        w.line(
            "ORGANIZER",
            &[("CN", &quoted("Bildung \"Turbo\", GmbH"))],
            "mailto:a@b.de",
        );
        assert_eq!(
            w.finish(),
            "ORGANIZER;CN=\"Bildung 'Turbo', GmbH\":mailto:a@b.de\r\n"
        );
    }

    #[test]
    fn text_lists_escape_items_not_separators() {
        let mut w = Writer::new();
        w.text_list("CATEGORIES", &["KI", "Lernen, digital"]);
        assert_eq!(w.finish(), "CATEGORIES:KI,Lernen\\, digital\r\n");
    }

    #[test]
    fn value_formats() {
        let d = NaiveDate::from_ymd_opt(2022, 3, 19).unwrap();
        assert_eq!(date(d), "20220319");
        assert_eq!(local(d.and_hms_opt(10, 0, 0).unwrap()), "20220319T100000");
        assert_eq!(
            utc(d.and_hms_opt(9, 5, 7).unwrap().and_utc()),
            "20220319T090507Z"
        );
    }
}
