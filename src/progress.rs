//! Progress bars for long work on a terminal (many images to make, a
//! large site's pages). Nothing is drawn when stderr is no terminal, under
//! `NO_COLOR`, or in CI, so logs and pipes get only the findings.

use std::io::IsTerminal;

/// A bar of `len` steps labelled `label`, or `None` where none is drawn.
pub fn bar(len: u64, label: &'static str) -> Option<indicatif::ProgressBar> {
    let quiet = |var: &str| std::env::var_os(var).is_some_and(|v| !v.is_empty());
    if len == 0 || quiet("NO_COLOR") || quiet("CI") || !std::io::stderr().is_terminal() {
        return None;
    }
    let style =
        indicatif::ProgressStyle::with_template("{msg:>7} [{bar:30}] {pos}/{len} {elapsed}")
            .ok()?
            .progress_chars("=> ");
    let bar = indicatif::ProgressBar::new(len)
        .with_style(style)
        .with_message(label);
    Some(bar)
}
