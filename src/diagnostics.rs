//! Problems found in a site, reported the way a compiler reports them:
//! `path:line:col: severity: message`, with the offending source line.
//!
//! Every stage pushes into one [`Diagnostics`] instead of returning early, so
//! an author sees all problems of a site in one run.

use std::fmt;
use std::io::IsTerminal;

/// A 1-based line and column in a source file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

impl Pos {
    pub const START: Pos = Pos { line: 1, col: 1 };

    pub fn new(line: usize, col: usize) -> Pos {
        Pos {
            line: line.max(1) as u32,
            col: col.max(1) as u32,
        }
    }
}

/// Where each line of a text starts, so that the position of a byte
/// offset and the text of a line are found without counting lines from
/// the start of the file: a body full of links, or a file with a finding
/// on every line, costs time in proportion to its size, not its square.
pub struct LineIndex<'a> {
    text: &'a str,
    /// The byte offset of each line's start; line 1 starts at 0.
    starts: Vec<usize>,
    /// The last offset asked for and its column. Positions are asked in
    /// the order of the text, so the characters of a long line are
    /// counted once, not once for every link on it.
    last: std::cell::Cell<(usize, usize)>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> LineIndex<'a> {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex {
            text,
            starts,
            last: std::cell::Cell::new((0, 1)),
        }
    }

    /// The 1-based line and column (in characters) of byte `offset`; an
    /// offset inside a character counts as that character.
    pub fn pos(&self, offset: usize) -> Pos {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        // The number of lines starting at or before `offset`: at least 1.
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        let (last, last_col) = self.last.get();
        let (from, col) = if (start..=offset).contains(&last) {
            (last, last_col)
        } else {
            (start, 1)
        };
        let col = col + self.text[from..offset].chars().count();
        self.last.set((offset, col));
        Pos::new(line, col)
    }

    /// The text of 1-based line `n`, without its line end.
    pub fn line(&self, n: u32) -> Option<&'a str> {
        let i = (n as usize).checked_sub(1)?;
        let start = *self.starts.get(i)?;
        if start == self.text.len() {
            return None; // after the last line end, or an empty text
        }
        let end = self
            .starts
            .get(i + 1)
            .map_or(self.text.len(), |next| next - 1);
        Some(self.text[start..end].trim_end_matches('\r'))
    }
}

/// A text whose lines a diagnostic can quote: a file's whole text (its
/// lines counted for each diagnostic: for files with few findings) or a
/// [`LineIndex`] of it (for many).
pub trait SourceText {
    /// The text of 1-based line `n`, without its line end.
    fn source_line(&self, n: u32) -> Option<&str>;
}

impl SourceText for str {
    fn source_line(&self, n: u32) -> Option<&str> {
        let start = match (n as usize).checked_sub(2) {
            None if n == 1 => 0,
            None => return None,
            Some(k) => memchr::memchr_iter(b'\n', self.as_bytes()).nth(k)? + 1,
        };
        if start == self.len() {
            return None; // after the last line end, or an empty text
        }
        let rest = &self[start..];
        let line = rest.find('\n').map_or(rest, |end| &rest[..end]);
        Some(line.trim_end_matches('\r'))
    }
}

impl SourceText for String {
    fn source_line(&self, n: u32) -> Option<&str> {
        self.as_str().source_line(n)
    }
}

impl SourceText for std::borrow::Cow<'_, str> {
    fn source_line(&self, n: u32) -> Option<&str> {
        self.as_ref().source_line(n)
    }
}

impl SourceText for LineIndex<'_> {
    fn source_line(&self, n: u32) -> Option<&str> {
        self.line(n)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One finding, tied to a place in a file relative to the site root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path relative to the site root, with `/` separators.
    pub path: String,
    pub pos: Pos,
    pub message: String,
    /// The text of the offending line, shown under the message.
    pub source_line: Option<String>,
    /// Notes such as "the first definition is here" pointing at another file.
    pub notes: Vec<String>,
    /// A file could not be read: the run ends with exit status 3, not 1.
    pub io: bool,
}

impl Diagnostic {
    pub fn error(path: impl Into<String>, pos: Pos, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            path: path.into(),
            pos,
            message: message.into(),
            source_line: None,
            notes: Vec::new(),
            io: false,
        }
    }

    /// An error reading `path` (exit status 3).
    pub fn io(path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            io: true,
            ..Diagnostic::error(path, Pos::START, message)
        }
    }

    pub fn warning(path: impl Into<String>, pos: Pos, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(path, pos, message)
        }
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// Attaches the offending line from `source` (the whole file text,
    /// or a [`LineIndex`] of it).
    pub fn with_source<S: SourceText + ?Sized>(mut self, source: &S) -> Self {
        if self.source_line.is_none() {
            self.source_line = source.source_line(self.pos.line).map(str::to_string);
        }
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Renders the diagnostic, with ANSI colours when `color` is set.
    pub fn render(&self, color: bool) -> String {
        let (label, paint) = match self.severity {
            Severity::Error => ("error", "\x1b[1;31m"),
            Severity::Warning => ("warning", "\x1b[1;33m"),
        };
        let (bold, reset, dim) = if color {
            ("\x1b[1m", "\x1b[0m", "\x1b[2m")
        } else {
            ("", "", "")
        };
        let paint = if color { paint } else { "" };
        let mut out = format!(
            "{bold}{}:{}:{}:{reset} {paint}{label}:{reset} {}\n",
            self.path, self.pos.line, self.pos.col, self.message
        );
        if let Some(line) = &self.source_line {
            let gutter = self.pos.line.to_string();
            out.push_str(&format!("{dim}{gutter} |{reset} {line}\n"));
            let caret_pad: String = line
                .chars()
                .take(self.pos.col.saturating_sub(1) as usize)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            out.push_str(&format!(
                "{dim}{} |{reset} {caret_pad}{paint}^{reset}\n",
                " ".repeat(gutter.len())
            ));
        }
        for note in &self.notes {
            out.push_str(&format!("  = note: {note}\n"));
        }
        out
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

/// The findings of one run.
#[derive(Clone, Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
    /// How many errors were warnings before [`Diagnostics::deny_warnings`].
    denied: usize,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(other);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    /// Whether a file could not be read (exit status 3).
    pub fn has_io_errors(&self) -> bool {
        self.items.iter().any(|d| d.io)
    }

    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Orders by file and position so output is stable across parallel runs.
    pub fn sort(&mut self) {
        self.items.sort_by(|a, b| {
            (&a.path, a.pos, a.severity, &a.message).cmp(&(&b.path, b.pos, b.severity, &b.message))
        });
        self.items.dedup();
    }

    /// Turns every warning into an error (`--deny-warnings`).
    pub fn deny_warnings(&mut self) {
        for d in &mut self.items {
            if d.severity == Severity::Warning {
                d.severity = Severity::Error;
                self.denied += 1;
            }
        }
    }

    /// The closing line: "2 errors, 1 warning".
    pub fn summary(&self) -> String {
        let plural = |n: usize, word: &str| {
            if n == 1 {
                format!("1 {word}")
            } else {
                format!("{n} {word}s")
            }
        };
        let mut s = plural(self.error_count(), "error");
        if self.denied > 0 {
            s.push_str(&format!(
                " ({} of them {} turned into errors by --deny-warnings)",
                self.denied,
                if self.denied == 1 {
                    "a warning"
                } else {
                    "warnings"
                }
            ));
        }
        s.push_str(", ");
        s.push_str(&plural(self.warning_count(), "warning"));
        s
    }

    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }

    /// Prints every finding and a summary line to stderr.
    pub fn print(&self) {
        let color = use_color();
        let mut out = String::new();
        for d in &self.items {
            out.push_str(&d.render(color));
        }
        if !self.items.is_empty() {
            out.push_str(&self.summary());
            out.push('\n');
        }
        eprint!("{out}");
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// Colours only on a terminal, and never when `NO_COLOR` is set.
pub fn use_color() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stderr().is_terminal()
}

/// The known name closest to `unknown`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    unknown: &str,
    known: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let mut best: Option<(&str, f64)> = None;
    for k in known {
        let score = strsim::jaro_winkler(unknown, k);
        if score > best.map_or(0.0, |b| b.1) {
            best = Some((k, score));
        }
    }
    best.filter(|b| b.1 >= 0.7).map(|b| b.0)
}

/// Up to `n` known names closest to `unknown`, best first.
pub fn nearest<'a>(
    unknown: &str,
    known: impl IntoIterator<Item = &'a str>,
    n: usize,
) -> Vec<&'a str> {
    let mut scored: Vec<(&str, f64)> = known
        .into_iter()
        .map(|k| (k, strsim::jaro_winkler(unknown, k)))
        .filter(|(_, s)| *s >= 0.6)
        .collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
    scored.into_iter().take(n).map(|(k, _)| k).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The position of byte `offset` counted from the start of `text`,
    /// as a reference for [`LineIndex::pos`].
    fn counted(text: &str, offset: usize) -> Pos {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Pos::new(line, before[line_start..].chars().count() + 1)
    }

    #[test]
    fn line_index_positions_agree_with_counting_from_the_start() {
        for text in [
            "",
            "\n",
            "a",
            "ab\ncd\n",
            "\n\nx\n\n",
            "Größe\r\nÜbermut ✓ [x](@/a.md)\n\n日本\n",
        ] {
            // In order, backwards, and jumping about: the cursor must not
            // change the answers.
            let offsets: Vec<usize> = (0..=text.len() + 2).collect();
            let jumping = offsets.iter().map(|&o| (o * 7) % (text.len() + 3));
            let index = LineIndex::new(text);
            for o in offsets
                .iter()
                .copied()
                .chain(offsets.iter().rev().copied())
                .chain(jumping)
            {
                assert_eq!(index.pos(o), counted(text, o), "{text:?} at {o}");
            }
        }
    }

    #[test]
    fn line_index_lines_are_the_lines_of_the_text() {
        for text in ["", "\n", "a", "a\n", "ab\r\ncd\n\nef", "x\n\n"] {
            let index = LineIndex::new(text);
            let lines: Vec<&str> = text.lines().collect();
            for n in 0..lines.len() as u32 + 3 {
                let expected = n
                    .checked_sub(1)
                    .and_then(|i| lines.get(i as usize).copied());
                assert_eq!(index.line(n), expected, "{text:?} line {n}");
                assert_eq!(text.source_line(n), expected, "{text:?} line {n}");
            }
        }
    }
}
