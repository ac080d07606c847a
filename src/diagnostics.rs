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

    /// Attaches the offending line from `source` (the whole file text).
    pub fn with_source(mut self, source: &str) -> Self {
        if self.source_line.is_none() {
            self.source_line = source
                .lines()
                .nth(self.pos.line.saturating_sub(1) as usize)
                .map(|l| l.trim_end_matches('\r').to_string());
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
