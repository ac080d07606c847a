//! Where a Markdown file's front matter ends and its body begins, after
//! the line ends of Windows editors and a BOM are taken out once.

use crate::diagnostics::Pos;

/// Where the YAML and the Markdown of a file are.
#[derive(Debug, PartialEq)]
pub struct Split {
    pub yaml_start: usize,
    pub yaml_end: usize,
    pub body_start: usize,
    /// File line of the first body line.
    pub body_line: usize,
}

/// Finds the front matter between a first line `---` and the next `---`.
/// `text` has its BOM removed and `\n` line ends.
pub fn split_front_matter(text: &str) -> Result<Split, (Pos, String)> {
    let first_end = text.find('\n').unwrap_or(text.len());
    if text[..first_end].trim_end() != "---" {
        return Err((
            Pos::START,
            "missing front matter: the file must start with a line `---`, then `title: …`, then `---`".into(),
        ));
    }
    let yaml_start = (first_end + 1).min(text.len());
    let mut offset = yaml_start;
    let mut line = 2;
    while offset < text.len() {
        let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
        if text[offset..end].trim_end() == "---" {
            return Ok(Split {
                yaml_start,
                yaml_end: offset,
                body_start: (end + 1).min(text.len()),
                body_line: line + 1,
            });
        }
        offset = end + 1;
        line += 1;
    }
    Err((
        Pos::START,
        "the front matter is not closed: add a line `---` after the last field".into(),
    ))
}

/// A BOM and Windows line ends are accepted and removed once, here, so that
/// every later position is in terms of `\n` lines.
pub fn normalise(raw: String) -> String {
    let text = raw
        .strip_prefix('\u{feff}')
        .map(str::to_string)
        .unwrap_or(raw);
    if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_is_found_with_body_line() {
        let s = split_front_matter("---\ntitle: A\n---\nBody\n").unwrap();
        assert_eq!(s.body_line, 4);
        assert_eq!(s.body_start, 17);
        assert!(split_front_matter("title: A\n").is_err());
        assert!(split_front_matter("---\ntitle: A\n").is_err());
    }

    #[test]
    fn bom_and_crlf_are_accepted() {
        let t = normalise("\u{feff}---\r\ntitle: A\r\n---\r\nx".into());
        assert_eq!(t, "---\ntitle: A\n---\nx");
    }
}
