//! YAML with the position of every key and value.
//!
//! serde-based YAML crates report the position of a syntax error only; an
//! author also needs "line 7: `stat` is not a field" and "line 9: not a
//! date". saphyr's `MarkedYaml` keeps a span on every node, so we load with
//! it and convert into this small owned tree that the front-matter reader
//! walks.

use crate::diagnostics::Pos;
use saphyr::{MarkedYaml, Scalar, YamlData, YamlLoader};
use saphyr_parser::{Event, Marker, Parser, ScanError, SpannedEventReceiver};

/// How many lists and maps may be nested inside each other. Front matter
/// needs a handful; the limit keeps every walk over the tree (here, in
/// templates, in JSON) far from the end of a thread's stack, however the
/// file was written.
pub const MAX_DEPTH: usize = 64;

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
    if let Some(node) = parse_flat(text, first_line) {
        return Ok(node);
    }
    parse_full(text, first_line)
}

/// [`parse`] with saphyr, for every document.
fn parse_full(text: &str, first_line: usize) -> Result<Node, SyntaxError> {
    let shift = first_line.saturating_sub(1);
    let docs = load(text).map_err(|e| match e {
        LoadError::Scan(e) => {
            let line = e.marker().line();
            let col = e.marker().col() + 1;
            let (line, col, message) = explain(text, line, col, e.info(), shift);
            SyntaxError {
                pos: Pos::new(line + shift, col),
                message,
            }
        }
        LoadError::TooDeep(at) => SyntaxError {
            pos: Pos::new(at.line() + shift, at.col() + 1),
            message: too_deep(),
        },
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

enum LoadError {
    Scan(ScanError),
    /// A list or map starts here at a depth beyond [`MAX_DEPTH`].
    TooDeep(Marker),
}

/// What saphyr's `MarkedYaml::load_from_str` does, with the nesting
/// depth checked at every list and map. saphyr's own loop over the
/// parser's events recurses once per level, so a file of `- - - …` on one
/// line would overflow the stack before any check on the finished tree;
/// its parser and loader are each iterative, so they are joined here by a
/// loop.
fn load(text: &str) -> Result<Vec<MarkedYaml<'_>>, LoadError> {
    let mut parser = Parser::new_from_str(text);
    let mut loader = YamlLoader::<MarkedYaml>::default();
    let mut depth = 0usize;
    while let Some(event) = parser.next_event() {
        let (event, span) = event.map_err(LoadError::Scan)?;
        match event {
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(LoadError::TooDeep(span.start));
                }
            }
            Event::SequenceEnd | Event::MappingEnd => depth = depth.saturating_sub(1),
            _ => {}
        }
        loader.on_event(event, span);
        if let Some(e) = loader.error() {
            return Err(LoadError::Scan(e.clone()));
        }
    }
    Ok(loader.into_documents())
}

/// The message for lists and maps nested beyond [`MAX_DEPTH`].
fn too_deep() -> String {
    format!(
        "lists and maps are nested more than {MAX_DEPTH} levels deep here: front matter allows at most {MAX_DEPTH}; write the data flatter"
    )
}

/// The longest key the flat reader takes. YAML allows implicit keys of up
/// to 1024 characters; front matter keys are short, and long ones are
/// saphyr's to judge.
const MAX_KEY: usize = 128;

/// Most front matter is flat: one `key: value` per line, each value a
/// plain or quoted scalar on that line or a flow list of plain words
/// (`tags: [a, b]`), or a block list of such values, one per line. Such
/// a document is read here without the full YAML parser, which takes
/// about half of loading a large site. Anything else
/// (nesting, other block lists, comments, escapes, multi-line values, a key
/// given twice, an empty value) is `None` and goes to saphyr, so errors
/// and unusual YAML are always read by the real parser; plain scalars are
/// resolved by saphyr's own function. The tests check that both readers
/// give the same tree, positions included, for every document this one
/// accepts.
fn parse_flat(text: &str, first_line: usize) -> Option<Node> {
    let body = text.strip_suffix('\n').unwrap_or(text);
    // Characters YAML does not allow, or treats specially, are saphyr's to
    // judge (a NUL ends its input; a byte-order mark may start it).
    let unusual = |c: char| {
        (c.is_control() && c != '\n')
            || matches!(
                c,
                '\u{feff}' | '\u{fffe}' | '\u{ffff}' | '\u{2028}' | '\u{2029}'
            )
    };
    if body.is_empty() || body.contains(unusual) {
        return None;
    }
    let lines: Vec<&str> = body.split('\n').collect();
    let mut pairs: Vec<(Node, Node)> = Vec::new();
    let mut k = 0;
    while k < lines.len() {
        let line_no = first_line + k;
        let (key, rest) = lines[k].split_once(':')?;
        let mut chars = key.bytes();
        let first_ok = key.len() <= MAX_KEY
            && chars
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == b'_');
        if !first_ok || !chars.all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-') {
            return None;
        }
        let value = if rest.is_empty() {
            let (list, used) = block_list(&lines[k + 1..], line_no + 1)?;
            k += used;
            list
        } else {
            // Keys are ASCII: byte and character columns agree up to the value.
            flat_value(rest.strip_prefix(' ')?, line_no, key.len() + 3)?
        };
        push_new_key(&mut pairs, plain(key, line_no, 1), value)?;
        k += 1;
    }
    Some(Node {
        value: Value::Map(pairs),
        pos: Pos::new(first_line, 1),
    })
}

/// The block list under a `key:` of [`parse_flat`], `lines` being the
/// lines after it (the first is line `first_line`): items `  - value`,
/// all indented alike, each value one [`flat_value`] (as the sessions of
/// an event: `  - { start: 2026-10-12T17:00, end: 2026-10-12T19:00 }`),
/// up to the next line that is not indented. With the number of lines
/// read; `None` for anything else.
fn block_list(lines: &[&str], first_line: usize) -> Option<(Node, usize)> {
    let indent = lines.first()?.bytes().take_while(|&b| b == b' ').count();
    if indent == 0 {
        return None;
    }
    let mut items = Vec::new();
    for (n, line) in lines.iter().enumerate() {
        let spaces = line.bytes().take_while(|&b| b == b' ').count();
        if spaces == 0 {
            break;
        }
        if spaces != indent {
            return None;
        }
        let item = line[indent..].strip_prefix("- ")?;
        items.push(flat_value(item, first_line + n, indent + 3)?);
    }
    let used = items.len();
    let list = Node {
        value: Value::Seq(items),
        pos: Pos::new(first_line, indent + 1),
    };
    Some((list, used))
}

/// One value of [`parse_flat`], starting at `line`:`col`.
fn flat_value(v: &str, line: usize, col: usize) -> Option<Node> {
    let first = v.chars().next()?;
    if v.ends_with(' ') {
        return None;
    }
    let value = match first {
        '"' | '\'' => {
            let inner = v.strip_prefix(first)?.strip_suffix(first)?;
            if inner.contains([first, '\\']) {
                return None;
            }
            Value::Str(inner.to_string())
        }
        '[' => {
            let inner = v.strip_prefix('[')?.strip_suffix(']')?;
            let mut items = Vec::new();
            if !inner.is_empty() {
                let mut offset = 1; // bytes of `v` before the item
                for (n, piece) in inner.split(',').enumerate() {
                    let item = if n == 0 {
                        piece
                    } else {
                        piece.strip_prefix(' ')?
                    };
                    let start = offset + (piece.len() - item.len());
                    if !is_flow_word(item) {
                        return None;
                    }
                    items.push(plain(item, line, col + v[..start].chars().count()));
                    offset += piece.len() + 1;
                }
            }
            Value::Seq(items)
        }
        '{' => flow_map(v, line, col)?,
        _ => {
            let plain_start =
                (!"-?:,[]{}#&*!|>'\"%@`".contains(first) && first != ' ') || negative_number(v);
            if !plain_start || v.contains(": ") || v.contains(" #") || v.ends_with(':') {
                return None;
            }
            return Some(plain(v, line, col));
        }
    };
    Some(Node {
        value,
        pos: Pos::new(line, col),
    })
}

/// A plain scalar at `line`:`col`, resolved by saphyr's own rules (`12`
/// is a number, `true` a boolean, `~` null).
fn plain(text: &str, line: usize, col: usize) -> Node {
    Node {
        value: scalar(&Scalar::parse_from_cow(text.into())),
        pos: Pos::new(line, col),
    }
}

/// Adds a key and its value to a map of the flat reader; `None` when the
/// key is there already (saphyr's error to report), the map is long (the
/// search is quadratic) or the key is a number with a point (`.nan` is not
/// equal to itself here, but saphyr finds it twice), so that saphyr reads
/// the document.
fn push_new_key(pairs: &mut Vec<(Node, Node)>, key: Node, value: Node) -> Option<()> {
    if matches!(key.value, Value::Float(_))
        || pairs.len() > 64
        || pairs.iter().any(|(k, _)| k.value == key.value)
    {
        return None;
    }
    pairs.push((key, value));
    Some(())
}

/// Panics when the flat reader accepts `text` and reads it otherwise than
/// saphyr does. For the `front_matter` fuzz target; the tests do the same
/// on chosen and generated documents.
#[doc(hidden)]
pub fn assert_flat_reader_agrees(text: &str) {
    flat_reader_agrees(text, 1);
}

/// [`assert_flat_reader_agrees`] with `text` starting at `first_line`;
/// whether the flat reader took it.
fn flat_reader_agrees(text: &str, first_line: usize) -> bool {
    let Some(flat) = parse_flat(text, first_line) else {
        return false;
    };
    // Debug text, not `==`: NaN is not equal to itself.
    assert_eq!(
        format!("{:?}", Ok::<_, SyntaxError>(flat)),
        format!("{:?}", parse_full(text, first_line)),
        "{text:?}"
    );
    true
}

/// A flow map of [`parse_flat`]: `{ name: "Rathaus, Saal", lat: 51.2 }`,
/// each value a double- or single-quoted text without escapes or a
/// [flow word](is_flow_word).
fn flow_map(v: &str, line: usize, col: usize) -> Option<Value> {
    let bytes = v.as_bytes();
    let end = v.len().checked_sub(1).filter(|&e| bytes[e] == b'}')?;
    let at_col = |i: usize| col + v[..i].chars().count();
    let skip_spaces = |mut i: usize| {
        while i < end && bytes[i] == b' ' {
            i += 1;
        }
        i
    };
    let mut pairs: Vec<(Node, Node)> = Vec::new();
    let mut at = skip_spaces(1);
    while at < end {
        let key_end = at + v[at..end].find(": ")?;
        let key = &v[at..key_end];
        if key.len() > MAX_KEY || !is_flow_word(key) {
            return None;
        }
        let key = plain(key, line, at_col(at));
        let start = key_end + 2;
        let quote = *bytes.get(start)?;
        let (value, after) = if quote == b'"' || quote == b'\'' {
            let close = start + 1 + v[start + 1..end].find(quote as char)?;
            let text = &v[start + 1..close];
            if text.contains('\\') {
                return None;
            }
            let value = Node {
                value: Value::Str(text.to_string()),
                pos: Pos::new(line, at_col(start)),
            };
            (value, close + 1)
        } else {
            let stop = v[start..end].find(',').map_or(end, |i| start + i);
            let word = v[start..stop].trim_end_matches(' ');
            if !is_flow_value(word) {
                return None;
            }
            (plain(word, line, at_col(start)), start + word.len())
        };
        push_new_key(&mut pairs, key, value)?;
        let after = skip_spaces(after);
        if after == end {
            break;
        }
        if bytes[after] != b',' {
            return None;
        }
        at = skip_spaces(after + 1);
        if at == end {
            return None; // a trailing comma
        }
    }
    Some(Value::Map(pairs))
}

/// `-3`, `-7.1`: a plain scalar may start with `-` when a digit follows.
fn negative_number(v: &str) -> bool {
    v.strip_prefix('-')
        .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
}

/// A plain scalar that is safe inside `[ ]`: a word or words without any
/// character that means something in a flow list.
fn is_flow_word(item: &str) -> bool {
    flow_word(item, false)
}

/// A value of a flow map: a [flow word](is_flow_word) that may also hold
/// `:` between two letters or digits (`2026-10-12T17:00`), which YAML
/// reads as part of the plain scalar.
fn is_flow_value(item: &str) -> bool {
    flow_word(item, true)
}

fn flow_word(item: &str, inner_colons: bool) -> bool {
    let Some(first) = item.chars().next() else {
        return false;
    };
    let b = item.as_bytes();
    let colon_ok = |i: usize| {
        inner_colons
            && i > 0
            && b[i - 1].is_ascii_alphanumeric()
            && b.get(i + 1).is_some_and(u8::is_ascii_alphanumeric)
    };
    !item.ends_with(' ')
        && (!"-?!&*|>'\"%@`~ ".contains(first) || negative_number(item))
        && b.iter().enumerate().all(|(i, &c)| c != b':' || colon_ok(i))
        && !item.contains(['#', ',', '[', ']', '{', '}', '"', '\''])
        // After a space an indicator may start a new token in a flow.
        && !item
            .as_bytes()
            .windows(2)
            .any(|w| w[0] == b' ' && b"-?!&*|>%@`~".contains(&w[1]))
}

/// Turns the YAML parser's message into one an author can act on: the
/// parser's own words, and a hint for the mistakes people make in front
/// matter (an unclosed `[`, an unquoted `:` in a title, a tab, an invisible
/// control character), with the place to show it: the parser's, or the
/// character at fault when the parser notices it elsewhere (a tab that
/// indents a line is found at the end of the line above).
/// `line` is 1-based within `text`, `col` 1-based, as is the place
/// returned; `shift` turns lines of `text` into lines of the file.
fn explain(
    text: &str,
    line: usize,
    col: usize,
    info: &str,
    shift: usize,
) -> (usize, usize, String) {
    let lines: Vec<&str> = text.lines().collect();
    let here = lines.get(line.saturating_sub(1)).copied().unwrap_or("");
    // The scanner's own limit on `[`/`{` nesting, met before ours when
    // the brackets are on one line.
    if info.contains("recursion limit exceeded") {
        return (line, col, too_deep());
    }
    if info.contains("duplicated key") {
        let key = here.trim_start().trim_start_matches("- ").split(':').next();
        let message = match key {
            Some(k) if !here.contains('{') && !k.trim().is_empty() => {
                format!("`{}` is given twice: keep one of them", k.trim())
            }
            _ => "a key is given twice in this map: keep one of them".into(),
        };
        return (line, col, message);
    }
    // The only character the parser refuses outright.
    if info.contains("unprintable character")
        && let Some((at_line, at_col)) = nul(&lines)
    {
        return (
            at_line,
            at_col,
            "a NUL character (a zero byte, invisible in most editors) cannot be in front matter: remove it".into(),
        );
    }
    let mut message = format!("invalid YAML: {info}");
    if let Some((open, opened_at)) = unclosed_bracket(&lines, line) {
        let close = if open == '[' { ']' } else { '}' };
        message.push_str(&format!(
            " — the `{open}` on line {} is not closed: add `{close}` at the end of that line",
            opened_at + shift
        ));
        return (line, col, message);
    }
    // `key:<TAB>value`: the parser stops after the tab.
    let before: Vec<char> = here.chars().take(col.saturating_sub(1)).collect();
    if info.contains("must be followed by a valid YAML whitespace")
        && let [.., ':', '\t'] = before[..]
    {
        let tab = before.iter().map(|c| c.len_utf8()).sum::<usize>() - 1;
        let fixed = format!(
            "{} {}",
            here[..tab].trim_start(),
            here[tab..].trim_start_matches(['\t', ' ']).trim_end()
        );
        let message = format!(
            "invalid YAML: a tab after `:` — YAML needs a space there: `{}`",
            fixed.replace('`', "'")
        );
        return (line, before.len(), message);
    }
    // A tab in the indentation of this line or the next (the parser
    // notices one at the end of the line before it).
    let indented_by_tab = (line..=line + 1).find_map(|l| {
        let indent = lines.get(l.checked_sub(1)?)?;
        let spaces = indent.len() - indent.trim_start_matches([' ', '\t']).len();
        let tab = indent[..spaces].find('\t')?;
        Some((l, tab + 1))
    });
    if let Some((tab_line, tab_col)) = indented_by_tab {
        return (
            tab_line,
            tab_col,
            "invalid YAML: YAML does not allow tabs for indentation; use spaces".into(),
        );
    }
    // The word, not "unprintable".
    if info
        .split(|c: char| !c.is_ascii_alphabetic())
        .any(|w| w == "tab" || w == "tabs")
    {
        message.push_str(" — use spaces instead of tabs: YAML does not allow them here");
        return (line, col, message);
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
        return (line, col, message);
    }
    if info.contains("unexpected character") || info.contains("found character that cannot start") {
        message.push_str(
            " — text that starts with `@`, `` ` ``, `%`, `!`, `&`, `*` or `|` must be in quotes",
        );
    }
    (line, col, message)
}

/// The 1-based line and column of the first NUL character.
fn nul(lines: &[&str]) -> Option<(usize, usize)> {
    lines.iter().enumerate().find_map(|(n, l)| {
        let at = l.find('\0')?;
        Some((n + 1, l[..at].chars().count() + 1))
    })
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

    /// Both readers, for a document the flat reader accepts.
    fn both(text: &str) -> Option<(Node, Node)> {
        let flat = parse_flat(text, 2)?;
        let full = parse_full(text, 2).unwrap_or_else(|e| panic!("{text:?}: saphyr failed: {e:?}"));
        Some((flat, full))
    }

    #[test]
    fn flat_front_matter_reads_as_saphyr_reads_it() {
        let docs = [
            "title: Hallo\nstart: 2022-03-19T10:00\n",
            "title: \"Für Lehrkräfte: Sprache in Hagen, 26.12.2022.\"\ntags: [Fachkräfte, Kommunen, Berufsorientierung]\n",
            "count: 12\nratio: 1.5\nflag: true\nnothing: null\ntilde: ~\nhex: 0x1F\noct: 0o17\nplus: +5\ninf: .inf\n",
            "title: 'Einfach: zitiert'\nurl: https://www.example.org/a?b=c#frag\n",
            "networks: [a-b, c_d, Ünterwegs 2]\nempty: []\nnumbers: [1, 2.5, true, null]\n",
            "title: Weiter.Bilden Allgäu 8\nstart: 2024-05-03\nrecurrence: FREQ=YEARLY;COUNT=3\n",
            "title: a, b and c\ncity: Frankfurt am Main",
            "True: x\nnull: y\n",
            "location: { name: \"Berufskolleg, Aula\", address: Hauptstraße 41, city: Lüneburg, lat: 52.11446, lon: -6.59667 }\n",
            "extra: { foerderkennzeichen: BMBF-2024-17, kurz: 'Ä' }\n",
        ];
        for d in docs {
            let (flat, full) = both(d).unwrap_or_else(|| panic!("{d:?} should be read flat"));
            assert_eq!(flat, full, "{d:?}");
        }
    }

    #[test]
    fn anything_else_goes_to_saphyr() {
        for d in [
            "",
            "title: x\n\nsummary: y\n",
            "title: x # comment\n",
            "title:\n",
            "title: x\ntitle: y\n",
            "location:\n  name: x\n",
            "tags:\n  - a\n    b\n",
            "tags:\n  - - a\n",
            "title: \"a \\\" b\"\n",
            "title: a: b\n",
            "title: x \n",
            "title:  x\n",
            " title: x\n",
            "tags: [a, [b]]\n",
            "tags: [a,b]\n",
            "tags: [a, ]\n",
            "title: |\n  x\n",
            "title: &a x\nother: *a\n",
            "title: x\r\n",
            "title: \"a\0b\"\n",
            &format!("{}: x\n", "k".repeat(1100)),
            &format!("m: {{ {}: x }}\n", "k".repeat(1100)),
            "title: \u{feff}x\n",
            "- a\n",
            "# comment\ntitle: x\n",
        ] {
            assert!(parse_flat(d, 2).is_none(), "{d:?} should go to saphyr");
        }
    }

    #[test]
    fn tricky_values_read_alike_or_go_to_saphyr() {
        let values = [
            " x",
            " 12",
            " -3",
            " +5",
            " 1_000",
            " 0x1F",
            " 1e3",
            " .5",
            " .inf",
            " .NaN",
            " ~",
            " Null",
            " TRUE",
            " no",
            " 2022-03-19",
            " 18:30",
            " 1:30",
            " a:b",
            " a: b",
            " a #b",
            " a#b",
            " #a",
            " -a",
            " - a",
            " ?a",
            " :a",
            " !a",
            " &a",
            " *a",
            " %a",
            " @a",
            " `a",
            " |a",
            " >a",
            " 'a'",
            " 'a''b'",
            " \"a\"",
            " \"a'b\"",
            " 'a\"b'",
            " \"a\\nb\"",
            " \"\"",
            " ''",
            " []",
            " [a]",
            " [ a]",
            " [a ]",
            " [a, b]",
            " [a,b]",
            " [a, b c]",
            " [1, x]",
            " [a:b]",
            " [a -]",
            " [a - b]",
            " { a: b - }",
            " [-a]",
            " [~]",
            " [ä, ß]",
            " [a, 'b']",
            " a, b",
            " {a: b}",
            " {}",
            " Ä",
            " äö ü",
            " a  b",
            " x:",
            " http://x.y/z",
            "",
            "  x",
            " [-1, -2.5]",
            " -a1",
            " { a: b }",
            " {a: b}",
            " { name: \"x, y\", lat: 51.2, lon: -7.1 }",
            " { a: b, a: c }",
            " { a: b, }",
            " { a: \"b\\\"c\" }",
            " { a: 'b''c' }",
            " { a: 'b' }",
            " { }",
            " { a: b c }",
            " { a: [b] }",
            " { a: {b: c} }",
            " { a:b }",
            " { a:  b }",
            " { a: b ,c: d }",
            " { a: b,c: d }",
            " { a: b }x",
            " { ä: ö, 1: 2 }",
            " { a: http://x }",
            " { a: b, c: \"\" }",
            " { a: - }",
            " { .nan: a, .nan: b }",
            " { 1.5: a, 1.50: b }",
            " { a: -1 }",
            " { a: 10:00 }",
            " { a: 2026-10-12T17:00 }",
            " { a: 2026-10-12T17:00:30Z }",
            " { a: 1:30 }",
            " { a: b:c }",
            " { a: b:c d }",
            " { a: b: c }",
            " { a: b:}",
            " { a: b:, c: d }",
            " { a: :b }",
            " { a: b :c }",
            " { a: b::c }",
            " { a: ä:ö }",
            " { a: b:c, d: e:f }",
            " { a:b: c }",
        ];
        let mut flat_count = 0;
        for a in values {
            for b in values {
                flat_count += usize::from(flat_reader_agrees(
                    &format!("first:{a}\nsecond_key:{b}\n"),
                    3,
                ));
            }
        }
        // Most of the simple shapes must be read flat, or this proves nothing.
        assert!(flat_count > 2000, "only {flat_count} read flat");
    }

    #[test]
    fn block_lists_read_alike_or_go_to_saphyr() {
        let items = [
            "{ start: 2026-10-12T17:00, end: 2026-10-12T19:00 }",
            "{ start: 2026-10-12T17:00, status: cancelled, location: \"Rathaus, Saal 2\" }",
            "{ a: b, a: c }",
            "{}",
            "a",
            "12",
            "\"a, b\"",
            "[a, b]",
            "- a",
            "a: b",
            "a #b",
            "",
            "x ",
            "{ a: b } # c",
        ];
        let shapes = [
            "sessions:\n  - A\n  - B\ntitle: T\n",
            "title: T\nsessions:\n  - A\n  - B\n",
            "sessions:\n    - A\n    - B\n",
            "sessions:\n - A\n",
            "sessions:\n- A\n- B\n",
            "sessions:\n  - A\n   - B\n",
            "sessions:\n  - A\n    B\n",
            "sessions:\n  -A\n",
            "sessions:\n  - A\n\n  - B\n",
            "sessions:\ntitle: T\n",
            "sessions:\n",
            "sessions:\n  - A\nsessions:\n  - B\n",
            "a:\n  - A\nb:\n  - B\n",
            "sessions: \n  - A\n",
            "sessions:\n  - A\n  # c\n",
            "sessions:\n  - A\n  x: B\n",
        ];
        let mut flat_count = 0;
        for shape in shapes {
            for a in items {
                for b in items {
                    flat_count += usize::from(flat_reader_agrees(
                        &shape.replace('A', a).replace('B', b),
                        3,
                    ));
                }
            }
        }
        assert!(flat_count > 150, "only {flat_count} read flat");
        // The shape of generated and real events is read flat.
        let sessions = "title: X\nsessions:\n  - { start: 2026-10-12T17:00, end: 2026-10-12T19:00 }\n  - { start: 2026-10-19T17:00, end: 2026-10-19T19:00 }\nlocation: Köln\n";
        assert!(parse_flat(sessions, 2).is_some());
    }

    /// Lines made of the characters that matter to YAML: whatever the
    /// flat reader accepts, saphyr reads the same. The flat reader must
    /// accept a fair share of the cases, or the agreement is never tested.
    #[test]
    fn flat_reader_agrees_with_saphyr() {
        use proptest::test_runner::{Config, TestRunner};
        use std::cell::Cell;
        // Values of every character that matters to YAML, and values in
        // the shapes front matter has (plain, flow list, flow map, quoted)
        // made of such characters, so that the flat reader has something
        // to accept.
        let value = proptest::prop_oneof![
            1 => "[ a-zA-Z0-9äß:#,\\[\\]{}'\"~.+\\-?!&*|>%@`/\\\\]{0,14}",
            4 => " [a-zA-Z0-9äß][a-zA-Z0-9äß:#,.~+/\\-]{0,6}( [a-zA-Z0-9äß][a-zA-Z0-9äß:#,.~+/\\-]{0,5})?",
            2 => " \\[([a-zA-Z0-9äß.:#\\-]{1,5}(, ?[a-zA-Z0-9äß.:#\\-]{1,5}){0,3})?\\]",
            2 => " \\{ [a-zä]{1,3}: [a-zA-Z0-9.:#\\-]{1,6}(, [a-z]{1,3}: '[ a-z,:#]{0,6}')? \\}",
            1 => " '[ a-zA-Z0-9äß:#,\"\\[\\]{}]{0,10}'",
            1 => " \"[ a-zA-Z0-9äß:#,'\\[\\]{}]{0,10}\"",
        ];
        let lines = proptest::collection::vec(
            (
                proptest::prop_oneof![
                    8 => "[a-zA-Z_][a-zA-Z0-9_-]{0,6}",
                    1 => "true|null|1",
                ],
                value,
            ),
            1..5,
        );
        let (total, accepted) = (Cell::new(0_usize), Cell::new(0_usize));
        let mut runner = TestRunner::new(Config {
            cases: 3000,
            source_file: Some(file!()),
            ..Config::default()
        });
        let result = runner.run(&lines, |lines| {
            total.set(total.get() + 1);
            let text: String = lines.iter().map(|(k, v)| format!("{k}:{v}\n")).collect();
            // The same lines with every value that starts with two spaces
            // moved onto a line of its own as a block list item.
            let listed: String = lines
                .iter()
                .map(|(k, v)| match v.strip_prefix("  ") {
                    Some(item) => format!("{k}:\n  - {item}\n"),
                    None => format!("{k}:{v}\n"),
                })
                .collect();
            let mut read_flat = false;
            for doc in [&text, &listed] {
                if let Some(flat) = parse_flat(doc, 2) {
                    read_flat = true;
                    let full = parse_full(doc, 2);
                    proptest::prop_assert_eq!(
                        format!("{:?}", Ok::<_, SyntaxError>(flat)),
                        format!("{full:?}"),
                        "{:?}",
                        doc
                    );
                }
            }
            accepted.set(accepted.get() + usize::from(read_flat));
            Ok(())
        });
        if let Err(e) = result {
            panic!("{e}");
        }
        // About 45 % are read flat.
        assert!(
            accepted.get() * 100 >= total.get() * 30,
            "the flat reader took only {} of {} cases",
            accepted.get(),
            total.get()
        );
    }

    /// 64 levels of lists and maps are read; the 65th is an error at its
    /// own position, before saphyr's recursive loader and this module's
    /// conversion see it, however deep the rest goes.
    #[test]
    fn nesting_is_limited_at_the_level_too_deep() {
        let flow = |depth: usize| format!("a: {}1{}\n", "[".repeat(depth), "]".repeat(depth));
        assert!(parse(&flow(MAX_DEPTH - 1), 2).is_ok());
        let err = parse(&flow(MAX_DEPTH), 2).unwrap_err();
        assert_eq!(err.pos, Pos::new(2, 3 + MAX_DEPTH));
        assert_eq!(err.message, too_deep());
        let block = |depth: usize| format!("a:\n  {}1\n", "- ".repeat(depth));
        assert!(parse(&block(MAX_DEPTH - 1), 2).is_ok());
        let err = parse(&block(MAX_DEPTH), 2).unwrap_err();
        assert_eq!(err.pos, Pos::new(3, 3 + 2 * (MAX_DEPTH - 1)));
        // Maps nest as deep as lists, one indentation step a level.
        let maps: String = (0..200).map(|i| format!("{}k:\n", " ".repeat(i))).collect();
        let err = parse(&maps, 2).unwrap_err();
        assert_eq!(err.pos, Pos::new(2 + MAX_DEPTH, MAX_DEPTH + 1));
        // Deeper than the stack of a small thread would hold.
        let deep = block(1_000_000);
        let err = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || parse(&deep, 2).unwrap_err())
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(err.message, too_deep());
    }

    #[test]
    fn syntax_errors_carry_a_file_position() {
        let err = parse("title: [unclosed\n", 2).unwrap_err();
        assert!(err.pos.line >= 2, "{err:?}");
        assert!(err.message.starts_with("invalid YAML"));
    }
}
