//! Reading front matter: the YAML subset, typed fields with their
//! positions, links, the schema of every kind, and an event's dates. It
//! knows only the entry types and reads no files, so that the settings and
//! the content loader can both build on it.

pub mod event;
pub mod fields;
pub mod links;
pub mod schema;
pub mod split;
pub mod yaml;

use crate::diagnostics::Pos;

/// The 1-based line and column of byte `offset` in `text` (an offset
/// inside a character counts as that character), counted from the start
/// of `text`: for one position; [`crate::diagnostics::LineIndex`] finds many.
pub fn pos_of_offset(text: &str, offset: usize) -> Pos {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    // Every link of every body gets a position: count with memchr.
    let line = memchr::memchr_iter(b'\n', before.as_bytes()).count() + 1;
    let line_start = memchr::memrchr(b'\n', before.as_bytes()).map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    Pos::new(line, col)
}

/// Position of a top-level front-matter key, for findings made after parsing.
pub fn find_key(text: &str, key: &str) -> Option<Pos> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.starts_with(key) && line[key.len()..].trim_start().starts_with(':') {
            return Some(pos_of_offset(text, offset));
        }
        offset += line.len();
    }
    None
}
