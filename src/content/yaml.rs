//! YAML with the position of every key and value.
//!
//! serde-based YAML crates report the position of a syntax error only; an
//! author also needs "line 7: `stat` is not a field" and "line 9: not a
//! date". saphyr's `MarkedYaml` keeps a span on every node, so we load with
//! it and convert into this small owned tree that the front-matter reader
//! walks.

use crate::diagnostics::Pos;
use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    /// Keys in document order; a key is a node so its position is known.
    Map(Vec<(Node, Node)>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: Value,
    pub pos: Pos,
}

/// A YAML syntax error at a position of the file.
#[derive(Clone, Debug, PartialEq)]
pub struct SyntaxError {
    pub pos: Pos,
    pub message: String,
}

/// Parses `text`, whose first line is line `first_line` of the file.
/// An empty document is `Null`.
pub fn parse(text: &str, first_line: usize) -> Result<Node, SyntaxError> {
    let shift = first_line.saturating_sub(1);
    let docs = MarkedYaml::load_from_str(text).map_err(|e| {
        let line = e.marker().line();
        let col = e.marker().col() + 1;
        SyntaxError {
            pos: Pos::new(line + shift, col),
            message: explain(text, line, col, e.info(), shift),
        }
    })?;
    if docs.len() > 1 {
        return Err(SyntaxError {
            pos: Pos::new(first_line, 1),
            message: "front matter holds more than one YAML document".into(),
        });
    }
    match docs.into_iter().next() {
        None => Ok(Node {
            value: Value::Null,
            pos: Pos::new(first_line, 1),
        }),
        Some(doc) => convert(&doc, shift),
    }
}

/// Turns the YAML parser's message into one an author can act on: the
/// parser's own words, and a hint for the mistakes people make in front
/// matter (an unclosed `[`, an unquoted `:` in a title, a tab).
/// `line` is 1-based within `text`, `col` 1-based; `shift` turns lines of
/// `text` into lines of the file.
fn explain(text: &str, line: usize, col: usize, info: &str, shift: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let here = lines.get(line.saturating_sub(1)).copied().unwrap_or("");
    if info.contains("duplicated key") {
        let key = here.trim_start().trim_start_matches("- ").split(':').next();
        return match key {
            Some(k) if !here.contains('{') && !k.trim().is_empty() => {
                format!("`{}` is given twice: keep one of them", k.trim())
            }
            _ => "a key is given twice in this map: keep one of them".into(),
        };
    }
    let mut message = format!("invalid YAML: {info}");
    if let Some((open, opened_at)) = unclosed_bracket(&lines, line) {
        let close = if open == '[' { ']' } else { '}' };
        message.push_str(&format!(
            " — the `{open}` on line {} is not closed: add `{close}` at the end of that line",
            opened_at + shift
        ));
        return message;
    }
    let tab_indent = lines
        .iter()
        .take(line + 1)
        .any(|l| l.starts_with('\t') || l.trim_start_matches(' ').starts_with('\t'));
    if info.contains("tab") || tab_indent {
        message.push_str(" — indent with spaces: YAML does not allow tabs");
        return message;
    }
    if info.contains("mapping values are not allowed") {
        let first_colon = here.find(": ").or_else(|| here.find(':'));
        let err_byte = here
            .char_indices()
            .nth(col.saturating_sub(1))
            .map_or(here.len(), |(i, _)| i);
        match first_colon {
            Some(c) if c < err_byte => {
                let (key, value) = here.split_at(c);
                let value = value[1..].trim().replace('"', "\\\"");
                message.push_str(&format!(
                    " — text with `: ` in it must be in quotes: `{}: \"{value}\"`",
                    key.trim()
                ));
            }
            _ if here.starts_with(' ') => message.push_str(
                " — this line is indented: top-level fields start at the beginning of the line",
            ),
            _ => {}
        }
        return message;
    }
    if info.contains("unexpected character") || info.contains("found character that cannot start") {
        message.push_str(
            " — text that starts with `@`, `` ` ``, `%`, `!`, `&`, `*` or `|` must be in quotes",
        );
    }
    message
}

/// The bracket (`[` or `{`) and 1-based line of a flow collection opened
/// before `line` and never closed, if any.
fn unclosed_bracket(lines: &[&str], line: usize) -> Option<(char, usize)> {
    let mut stack: Vec<(char, usize)> = Vec::new();
    for (i, l) in lines.iter().enumerate().take(line.saturating_sub(1)) {
        let mut quote: Option<char> = None;
        // The last character that was not a space: a quote only opens a
        // quoted scalar where a value begins.
        let mut last = ':';
        let mut prev = ' ';
        for c in l.chars() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '#') if prev == ' ' => break,
                (None, '"' | '\'') if matches!(last, ':' | '[' | '{' | ',' | '-') => {
                    quote = Some(c)
                }
                (None, '[' | '{') if matches!(last, ':' | '[' | '{' | ',' | '-') => {
                    stack.push((c, i + 1))
                }
                (None, ']' | '}') => {
                    stack.pop();
                }
                _ => {}
            }
            if c != ' ' {
                last = c;
            }
            prev = c;
        }
    }
    stack.first().copied()
}

fn convert(node: &MarkedYaml<'_>, shift: usize) -> Result<Node, SyntaxError> {
    let pos = Pos::new(node.span.start.line() + shift, node.span.start.col() + 1);
    let value = match &node.data {
        YamlData::Value(s) => scalar(s),
        YamlData::Representation(text, _, _) => Value::Str(text.to_string()),
        YamlData::Sequence(items) => Value::Seq(
            items
                .iter()
                .map(|n| convert(n, shift))
                .collect::<Result<_, _>>()?,
        ),
        YamlData::Mapping(map) => Value::Map(
            map.iter()
                .map(|(k, v)| Ok((convert(k, shift)?, convert(v, shift)?)))
                .collect::<Result<_, _>>()?,
        ),
        YamlData::Tagged(_, inner) => return convert(inner, shift),
        YamlData::Alias(_) => {
            return Err(SyntaxError {
                pos,
                message: "YAML aliases (`*name`) are not supported in front matter".into(),
            });
        }
        YamlData::BadValue => {
            return Err(SyntaxError {
                pos,
                message: "this value cannot be read (it does not fit its YAML tag)".into(),
            });
        }
    };
    Ok(Node { value, pos })
}

fn scalar(s: &Scalar<'_>) -> Value {
    match s {
        Scalar::Null => Value::Null,
        Scalar::Boolean(b) => Value::Bool(*b),
        Scalar::Integer(i) => Value::Int(*i),
        Scalar::FloatingPoint(f) => Value::Float(f.into_inner()),
        Scalar::String(s) => Value::Str(s.to_string()),
    }
}

impl Node {
    /// What the author wrote, in words, for "expected X, found Y" messages.
    pub fn type_name(&self) -> &'static str {
        match self.value {
            Value::Null => "nothing",
            Value::Bool(_) => "true/false",
            Value::Int(_) => "a number",
            Value::Float(_) => "a number",
            Value::Str(_) => "text",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a map",
        }
    }

    /// Scalars as text: `title: 2024` is the title "2024".
    pub fn as_text(&self) -> Option<String> {
        match &self.value {
            Value::Str(s) => Some(s.clone()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    /// Free-form data (`extra`) for templates.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
            Value::Str(s) => J::String(s.clone()),
            Value::Seq(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(entries) => J::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.as_text().unwrap_or_default(), v.to_json()))
                    .collect(),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_file_lines_and_one_based_columns() {
        let node = parse("title: Hallo\nstart: 2022-03-19T10:00\n", 2).unwrap();
        let Value::Map(entries) = node.value else {
            panic!("not a map")
        };
        assert_eq!(entries[1].0.pos, Pos::new(3, 1));
        assert_eq!(entries[1].1.pos, Pos::new(3, 8));
        assert_eq!(entries[1].1.value, Value::Str("2022-03-19T10:00".into()));
    }

    #[test]
    fn syntax_errors_carry_a_file_position() {
        let err = parse("title: [unclosed\n", 2).unwrap_err();
        assert!(err.pos.line >= 2, "{err:?}");
        assert!(err.message.starts_with("invalid YAML"));
    }
}
