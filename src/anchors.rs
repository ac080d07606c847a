//! The ids a Markdown body defines (its headings' and those in its raw
//! HTML), found the same way for a page being rendered and for a file the
//! loader rejected, so that links into either are checked alike.

use crate::slug::heading_id;
use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// The Markdown extensions every body is read with: one set, so that the
/// ids found here are the ids the rendered page has.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Every `id` a body defines, as rendering the page finds them, without
/// making its HTML: for links into a file whose front matter has errors.
pub fn anchors(body: &str) -> Vec<String> {
    let mut events: Vec<(Event, std::ops::Range<usize>)> = Parser::new_ext(body, options())
        .into_offset_iter()
        .collect();
    let mut anchors = Vec::new();
    heading_ids(&mut events, &mut anchors, &mut Vec::new());
    for (ev, _) in &events {
        if let Event::Html(h) | Event::InlineHtml(h) = ev {
            collect_html_ids(h, &mut anchors);
        }
    }
    anchors
}

/// The ids of every heading (its `{#id}`, else made from its text, repeats
/// numbered), set on the heading and added to the anchors, and the table
/// of contents.
pub fn heading_ids(
    events: &mut [(Event, std::ops::Range<usize>)],
    anchors: &mut Vec<String>,
    toc: &mut Vec<(u8, String, String)>,
) {
    let mut seen: std::collections::HashMap<String, usize> = Default::default();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { id, level, .. }) = &events[i].0 {
            let level = *level;
            let explicit = id.as_ref().map(|s| s.to_string());
            let mut text = String::new();
            let mut j = i + 1;
            while j < events.len() {
                match &events[j].0 {
                    Event::End(TagEnd::Heading(_)) => break,
                    Event::Text(t) | Event::Code(t) => text.push_str(t),
                    _ => {}
                }
                j += 1;
            }
            let base = explicit.unwrap_or_else(|| {
                let id = heading_id(&text);
                if id.is_empty() {
                    "abschnitt".to_string()
                } else {
                    id
                }
            });
            let n = seen.entry(base.clone()).or_insert(0);
            let unique = if *n == 0 {
                base.clone()
            } else {
                format!("{base}-{n}")
            };
            *n += 1;
            if let Event::Start(Tag::Heading { id, .. }) = &mut events[i].0 {
                *id = Some(CowStr::from(unique.clone()));
            }
            if matches!(level, HeadingLevel::H2 | HeadingLevel::H3) {
                toc.push((level as u8, unique.clone(), text.trim().to_string()));
            }
            anchors.push(unique);
            i = j;
        }
        i += 1;
    }
}

pub fn collect_html_ids(html: &str, anchors: &mut Vec<String>) {
    let mut rest = html;
    while let Some(at) = rest.find(" id=\"") {
        let after = &rest[at + 5..];
        if let Some(end) = after.find('"') {
            anchors.push(after[..end].to_string());
            rest = &after[end..];
        } else {
            break;
        }
    }
}
