//! Rules for the text tandem writes, shared by pages and feeds.

/// Text as tandem writes it, in calendars and pages alike: CR and CRLF
/// become a line break (LF), and control characters other than tab and
/// line breaks are dropped. RFC 5545 forbids them in TEXT, and clients
/// reject or mangle whole feeds over a stray `\x0c` pasted from a word
/// processor; in HTML they are errors, and a NUL or an escape sequence
/// from a file has no business in a page.
pub fn clean_text(s: &str) -> std::borrow::Cow<'_, str> {
    // Most text has nothing to drop: one byte scan, no copy. C1 controls
    // (U+0080–U+009F) are 0xC2 followed by 0x80–0x9F; other 0xC2
    // sequences (`·`, `°`, a no-break space) are fine.
    let bytes = s.as_bytes();
    let precise = |i: usize| match bytes[i] {
        b'\n' | b'\t' => false,
        0..0x20 | 0x7f => true,
        0xc2 => bytes.get(i + 1).is_some_and(|n| (0x80..=0x9f).contains(n)),
        _ => false,
    };
    // A branch-free test of 32 bytes at a time (it vectorises); only
    // blocks with a candidate byte get the precise look. Line breaks and
    // tabs, common in descriptions, are not candidates.
    let suspicious = bytes.chunks(32).enumerate().any(|(k, block)| {
        let maybe = block.iter().fold(false, |acc, &b| {
            acc | ((b < 0x20) & (b != b'\n') & (b != b'\t')) | (b == 0x7f) | (b == 0xc2)
        });
        maybe && (k * 32..k * 32 + block.len()).any(precise)
    });
    if !suspicious {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push('\n');
            }
            '\n' | '\t' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// "an event", "a partner".
pub fn with_article(word: &str) -> String {
    let an = word.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {word}", if an { "an" } else { "a" })
}
