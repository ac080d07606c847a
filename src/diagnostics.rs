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

    /// The byte offset in `line`, the text of line `pos.line`, of the
    /// character at column `pos.col`; the end of `line` when the column is
    /// beyond it.
    fn column_offset(&self, line: &str, pos: Pos) -> usize {
        offset_of_column(line, 0, 1, pos.col as usize)
    }
}

/// The byte offset in `line` of 1-based column `col`, counting from byte
/// `from`, which is at column `from_col`; the end of `line` when `col`
/// is beyond it.
fn offset_of_column(line: &str, from: usize, from_col: usize, col: usize) -> usize {
    line[from..]
        .char_indices()
        .nth(col.saturating_sub(from_col))
        .map_or(line.len(), |(i, _)| from + i)
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

    /// From the last position found on the same line when it is before
    /// `pos`: findings on one long line come in order, and its characters
    /// are counted once.
    fn column_offset(&self, line: &str, pos: Pos) -> usize {
        let col = pos.col as usize;
        let start = self.starts[pos.line as usize - 1];
        let (last, last_col) = self.last.get();
        let at = if (start..=start + line.len()).contains(&last) && last_col <= col {
            offset_of_column(line, last - start, last_col, col)
        } else {
            offset_of_column(line, 0, 1, col)
        };
        if at < line.len() {
            self.last.set((start + at, col));
        }
        at
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
    /// The text of the offending line, shown under the message: the
    /// [`WIDTH`] characters around the column of a longer line, with `…`
    /// where it is cut.
    pub source_line: Option<String>,
    /// The 1-based column in `source_line` that the caret points at.
    pub caret: u32,
    /// How many findings of this severity on this line were left out
    /// after this one (see [`Diagnostics::sort`]); it says so.
    pub hidden_on_line: u32,
    /// How many of this severity on later lines of the file were left
    /// out after this one.
    pub hidden_after: u32,
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
            caret: 1,
            hidden_on_line: 0,
            hidden_after: 0,
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
        if self.source_line.is_none()
            && let Some(line) = source.source_line(self.pos.line)
        {
            let at = source.column_offset(line, self.pos);
            let (shown, caret) = excerpt(line, at);
            self.source_line = Some(shown);
            self.caret = caret;
        }
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// How many findings this one stands for: itself and those it says
    /// were left out.
    pub fn count(&self) -> usize {
        1 + self.hidden_on_line as usize + self.hidden_after as usize
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
            visible(&self.path, false),
            self.pos.line,
            self.pos.col,
            visible(&self.message, true)
        );
        if let Some(line) = &self.source_line {
            let gutter = self.pos.line.to_string();
            out.push_str(&format!(
                "{dim}{gutter} |{reset} {}\n",
                visible(line, false)
            ));
            // Under each character shown before the caret, as much room
            // as it takes on the line above.
            let mut caret_pad = String::new();
            for c in line.chars().take(self.caret.saturating_sub(1) as usize) {
                match escaped(c) {
                    _ if c == '\t' => caret_pad.push('\t'),
                    Some(e) => caret_pad.extend(e.chars().map(|_| ' ')),
                    None => caret_pad.push(' '),
                }
            }
            out.push_str(&format!(
                "{dim}{} |{reset} {caret_pad}{paint}^{reset}\n",
                " ".repeat(gutter.len())
            ));
        }
        for note in &self.notes {
            out.push_str(&format!("  = note: {}\n", visible(note, true)));
        }
        let what = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        for (n, place, limit, of) in [
            (self.hidden_on_line, "on this line", PER_LINE, "a line"),
            (
                self.hidden_after,
                "after it in this file",
                PER_FILE,
                "a file",
            ),
        ] {
            if n > 0 {
                let s = if n == 1 { "" } else { "s" };
                out.push_str(&format!(
                    "  = note: and {n} more {what}{s} {place} (only the first {limit} {what}s of {of} are shown)\n"
                ));
            }
        }
        out
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

/// How `c` is shown in a message when it must not reach the terminal as
/// it is: control characters (an escape sequence from a file can retitle
/// or clear the terminal, or forge a line of output) and the characters
/// that reorder text, as `\u{1b}`. `None` for the others.
fn escaped(c: char) -> Option<String> {
    let reorders = matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    (c.is_control() || reorders).then(|| c.escape_unicode().to_string())
}

/// `text` as a diagnostic shows it: every character [`escaped`] says
/// must not be shown as it is escaped; tabs are kept, and line breaks
/// where `lines` allows them (messages of several lines).
fn visible(text: &str, lines: bool) -> std::borrow::Cow<'_, str> {
    let keep = |c: char| c == '\t' || (lines && c == '\n');
    if !text.chars().any(|c| !keep(c) && escaped(c).is_some()) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match escaped(c) {
            Some(e) if !keep(c) => out.push_str(&e),
            _ => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Source lines longer than this many characters are shown cut around
/// the column: a line of 10,000 list items would otherwise be printed
/// (and kept in memory) once for every finding on it.
pub const WIDTH: usize = 80;

/// `line` as shown under a message, and the 1-based column in it of the
/// character at byte `at`: the whole line when it has at most [`WIDTH`]
/// characters, else the [`WIDTH`] around `at`, with `…` where cut. Only
/// the characters shown are looked at.
fn excerpt(line: &str, at: usize) -> (String, u32) {
    // Up to WIDTH characters on either side of `at` (the caret's own
    // character being the first after it): where they start.
    let before: Vec<usize> = line[..at]
        .char_indices()
        .rev()
        .take(WIDTH + 1)
        .map(|(i, _)| i)
        .collect();
    let after: Vec<usize> = line[at..]
        .char_indices()
        .take(WIDTH + 1)
        .map(|(i, _)| at + i)
        .collect();
    if before.len() + after.len() <= WIDTH {
        return (line.to_string(), before.len() as u32 + 1);
    }
    // Half before the caret, unless the line ends sooner after it.
    let back = before
        .len()
        .min((WIDTH / 2).max(WIDTH.saturating_sub(after.len())));
    let ahead = after.len().min(WIDTH - back);
    let start = back.checked_sub(1).map_or(at, |k| before[k]);
    let end = after.get(ahead).copied().unwrap_or(line.len());
    let cut_before = start > 0;
    let mut shown = String::with_capacity(end - start + 8);
    if cut_before {
        shown.push('…');
    }
    shown.push_str(&line[start..end]);
    if end < line.len() {
        shown.push('…');
    }
    (shown, (back + 1 + usize::from(cut_before)) as u32)
}

/// How many errors (and, apart, warnings) of one line are shown; the
/// others are counted in one more finding after them.
pub const PER_LINE: usize = 10;

/// How many errors (and, apart, warnings) of one file are shown.
pub const PER_FILE: usize = 100;

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

    /// Errors found, those left out by [`Diagnostics::sort`] included.
    pub fn error_count(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.is_error())
            .map(Diagnostic::count)
            .sum()
    }

    pub fn warning_count(&self) -> usize {
        self.items
            .iter()
            .filter(|d| !d.is_error())
            .map(Diagnostic::count)
            .sum()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Orders by file and position so output is stable across parallel
    /// runs, and keeps at most [`PER_LINE`] errors of one line and
    /// [`PER_FILE`] of one file (and as many warnings): the last one kept
    /// counts those left out. A list of 8,000 wrong dates on one line is
    /// one mistake made 8,000 times; the first few show it.
    pub fn sort(&mut self) {
        self.items.sort_by(|a, b| {
            (&a.path, a.pos, a.severity, &a.message).cmp(&(&b.path, b.pos, b.severity, &b.message))
        });
        self.items.dedup();
        self.cap();
    }

    /// The limits of [`Diagnostics::sort`], on sorted findings.
    fn cap(&mut self) {
        /// For one severity in the current file: how many are shown in
        /// the file and on the current line, and which shown finding
        /// counts those left out of each.
        #[derive(Default)]
        struct Shown {
            in_file: usize,
            line: u32,
            on_line: usize,
            last_of_line: Option<usize>,
            last_of_file: Option<usize>,
        }
        let items = std::mem::take(&mut self.items);
        let mut kept: Vec<Diagnostic> = Vec::with_capacity(items.len());
        let mut shown: [Shown; 2] = Default::default();
        for d in items {
            if kept.last().is_some_and(|k| k.path != d.path) {
                shown = Default::default();
            }
            let s = &mut shown[d.severity as usize];
            if s.line != d.pos.line {
                s.line = d.pos.line;
                s.on_line = 0;
                s.last_of_line = None;
            }
            if let Some(i) = s.last_of_file {
                kept[i].hidden_after = kept[i].hidden_after.saturating_add(d.count() as u32);
                continue;
            }
            if let Some(i) = s.last_of_line {
                kept[i].hidden_on_line = kept[i].hidden_on_line.saturating_add(d.count() as u32);
                continue;
            }
            s.in_file += 1;
            s.on_line += 1;
            if s.on_line == PER_LINE {
                s.last_of_line = Some(kept.len());
            }
            if s.in_file == PER_FILE {
                s.last_of_file = Some(kept.len());
            }
            kept.push(d);
        }
        self.items = kept;
    }

    /// Turns every warning into an error (`--deny-warnings`).
    pub fn deny_warnings(&mut self) {
        for d in &mut self.items {
            if d.severity == Severity::Warning {
                d.severity = Severity::Error;
                self.denied += d.count();
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
        write_stderr(&out);
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// `eprintln!` that ignores a failed write. A closed pipe
/// (`tandem build 2>&1 | head -1`) or a closed terminal makes writing to
/// stderr fail (Rust programs ignore SIGPIPE); `eprintln!` then panics,
/// which ended a build that had written the site with status 101, and
/// ended the threads of `serve` that rebuild and that stop it on Ctrl-C.
/// What tandem tells on stderr is never worth that.
#[macro_export]
macro_rules! to_stderr {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

/// `println!` that ignores a failed write, as [`to_stderr!`] does.
#[macro_export]
macro_rules! to_stdout {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// Writes `text` to stderr as it is, ignoring a failed write (see
/// [`to_stderr!`]).
pub fn write_stderr(text: &str) {
    use std::io::Write as _;
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
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

    /// A line of 26 × 10 characters, the `k` in `- kkkkkkkkkk` at column
    /// 3 + 10 × k.
    fn long_line() -> String {
        let words: Vec<String> = ('a'..='z').map(|c| c.to_string().repeat(9)).collect();
        format!("- {}", words.join(" "))
    }

    #[test]
    fn long_source_lines_are_cut_around_the_column() {
        let text = format!("---\ntitle: x\n{}\n---\n", long_line());
        let at = |col: usize| {
            Diagnostic::error("content/x.md", Pos::new(3, col), "msg")
                .with_source(&text)
                .render(false)
        };
        // In the middle: 40 characters either side.
        assert_eq!(
            at(123),
            "content/x.md:3:123: error: msg\n\
             3 | …iiiiiiiii jjjjjjjjj kkkkkkkkk lllllllll mmmmmmmmm nnnnnnnnn ooooooooo ppppppppp …\n\
             \x20 |                                          ^\n"
        );
        // Near the start: the line's first 80 characters.
        assert_eq!(
            at(3),
            "content/x.md:3:3: error: msg\n\
             3 | - aaaaaaaaa bbbbbbbbb ccccccccc ddddddddd eeeeeeeee fffffffff ggggggggg hhhhhhhh…\n\
             \x20 |   ^\n"
        );
        // Near the end, and beyond it: the last 80.
        let end = "3 | … sssssssss ttttttttt uuuuuuuuu vvvvvvvvv wwwwwwwww xxxxxxxxx yyyyyyyyy zzzzzzzzz\n";
        assert_eq!(
            at(261),
            format!(
                "content/x.md:3:261: error: msg\n{end}  |                                                                                 ^\n"
            )
        );
        assert_eq!(
            at(262),
            format!(
                "content/x.md:3:262: error: msg\n{end}  |                                                                                  ^\n"
            )
        );
        // A line of 80 characters is shown whole, multi-byte ones too.
        let line = "ä".repeat(80);
        let d = Diagnostic::error("x", Pos::new(1, 80), "m").with_source(line.as_str());
        assert_eq!(d.source_line.as_deref(), Some(line.as_str()));
        assert_eq!(d.caret, 80);
        let line = "ä".repeat(81);
        let d = Diagnostic::error("x", Pos::new(1, 81), "m").with_source(line.as_str());
        assert_eq!(d.source_line, Some(format!("…{}", "ä".repeat(80))));
        assert_eq!(d.caret, 81);
    }

    /// The same cut from a [`LineIndex`], whose cursor counts the
    /// characters of a line once for findings in order.
    #[test]
    fn a_line_index_cuts_lines_alike() {
        let text = format!("---\ntitle: x\n{}\n---\n", long_line());
        let index = LineIndex::new(&text);
        let mut cols: Vec<usize> = (1..270).collect();
        cols.extend((1..270).rev());
        for col in cols {
            let d = Diagnostic::error("x", Pos::new(3, col), "m");
            assert_eq!(
                d.clone().with_source(&index),
                d.with_source(&text),
                "column {col}"
            );
        }
    }

    #[test]
    fn findings_beyond_the_limits_of_a_line_and_a_file_are_counted_not_shown() {
        let mut diags = Diagnostics::new();
        // 25 errors and 3 warnings on line 2; 200 errors on lines 3 to 202.
        for col in 1..=25 {
            diags.push(Diagnostic::error("a.md", Pos::new(2, col), "e"));
        }
        for col in 1..=3 {
            diags.push(Diagnostic::warning("a.md", Pos::new(2, col), "w"));
        }
        for line in 3..203 {
            diags.push(Diagnostic::error("a.md", Pos::new(line, 1), "e"));
        }
        diags.push(Diagnostic::error("b.md", Pos::new(2, 1), "e"));
        diags.sort();
        assert_eq!(diags.error_count(), 226);
        assert_eq!(diags.warning_count(), 3);
        let shown: Vec<&Diagnostic> = diags.iter().collect();
        let of_a = |sev| {
            shown
                .iter()
                .filter(|d| d.path == "a.md" && d.severity == sev)
                .count()
        };
        assert_eq!(of_a(Severity::Error), PER_FILE);
        assert_eq!(of_a(Severity::Warning), 3);
        let tenth = shown
            .iter()
            .find(|d| d.pos == Pos::new(2, 10) && d.is_error())
            .unwrap();
        assert_eq!((tenth.hidden_on_line, tenth.hidden_after), (15, 0));
        assert!(
            tenth
                .render(false)
                .ends_with("  = note: and 15 more errors on this line (only the first 10 errors of a line are shown)\n"),
            "{}",
            tenth.render(false)
        );
        // 10 of line 2, then lines 3 to 92: the 100th is on line 92.
        let last = shown.iter().find(|d| d.pos == Pos::new(92, 1)).unwrap();
        assert_eq!((last.hidden_on_line, last.hidden_after), (0, 110));
        assert!(last.render(false).ends_with(
            "  = note: and 110 more errors after it in this file (only the first 100 errors of a file are shown)\n"
        ));
        assert_eq!(shown.iter().filter(|d| d.path == "b.md").count(), 1);
        // Sorting again changes nothing.
        let before: Vec<Diagnostic> = diags.iter().cloned().collect();
        diags.sort();
        assert_eq!(diags.iter().cloned().collect::<Vec<_>>(), before);
        assert_eq!(diags.summary(), "226 errors, 3 warnings");
    }

    #[test]
    fn control_characters_are_shown_escaped_and_the_caret_follows() {
        let d = Diagnostic::error(
            "content/\u{1b}x.md",
            Pos::new(1, 5),
            "`a\u{7}b` is wrong\nsecond line\u{202e}",
        )
        .with_source("a\u{1b}b\tc\u{9b}d")
        .with_note("see \r here");
        assert_eq!(
            d.render(false),
            "content/\\u{1b}x.md:1:5: error: `a\\u{7}b` is wrong\nsecond line\\u{202e}\n\
             1 | a\\u{1b}b\tc\\u{9b}d\n\
             \x20 |         \t^\n\
             \x20 = note: see \\u{d} here\n"
        );
        // Text without any stays as it is, with colours too.
        let d = Diagnostic::warning("a.md", Pos::START, "plain").with_source("x");
        assert!(d.render(true).contains("plain"));
        assert_eq!(d.render(false), "a.md:1:1: warning: plain\n1 | x\n  | ^\n");
    }
}
