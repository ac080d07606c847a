//! Markdown bodies to HTML (and to plain text for calendar descriptions),
//! with heading ids, `@/` links rewritten to page addresses, and every
//! link recorded with its position so the build can check it.

use crate::anchors::{collect_html_ids, heading_ids, options};
use crate::diagnostics::{Diagnostic, LineIndex, Pos};
use crate::entry::{Entry, Kind};
use crate::model::Site;
use pulldown_cmark::{CowStr, Event, Parser, Tag, TagEnd};

/// A link to another page (or an anchor of this one) that must resolve.
#[derive(Clone, Debug, PartialEq)]
pub struct LinkRef {
    /// Source path of the target (`content/partners/x.md`).
    pub target: String,
    pub anchor: Option<String>,
    pub pos: Pos,
}

#[derive(Clone, Debug, Default)]
pub struct Rendered {
    pub html: String,
    /// The body as plain text: paragraphs kept, no Markdown or HTML. Made
    /// for events (calendar descriptions) and, with search on, for every
    /// entry (the index).
    pub plain: String,
    /// The start of the body's text, for the meta description of an entry
    /// without a `summary` (see [`excerpt`]); empty when it has one.
    pub excerpt: String,
    /// Every `id` the page's body defines.
    pub anchors: Vec<String>,
    /// Headings of level 2 and 3, for a table of contents.
    pub toc: Vec<(u8, String, String)>,
    pub links: Vec<LinkRef>,
}

impl Rendered {
    /// An empty body, for a place that needs one without allocating.
    pub const EMPTY: Rendered = Rendered {
        html: String::new(),
        plain: String::new(),
        excerpt: String::new(),
        anchors: Vec::new(),
        toc: Vec::new(),
        links: Vec::new(),
    };
}

/// Renders the Markdown of `e`, an entry or an `_index.md` (home page,
/// listing), with its `@/` links resolved by [`link_address`]. Every body
/// goes through here, so that a link means the same and is checked the
/// same wherever it is written.
pub fn render_in(site: &Site, e: &Entry, diags: &mut Vec<Diagnostic>) -> Rendered {
    render_with(
        e,
        // `/x` in Markdown is an address below the site's root, the same
        // in every language (images, files); `@/` links follow the language.
        &site.config.site_path,
        &|source| link_address(site, source),
        e.kind == Kind::Event || site.config.search,
        &site.images,
        diags,
    )
}

/// The address a `@/` link to the file `source` leads to; `None` when
/// there is no such file.
pub fn link_address(site: &Site, source: &str) -> Option<String> {
    let Some(&i) = site.by_source.get(source) else {
        // A file with errors has no page, but it exists: the link is
        // fine once they are fixed, and they stop the build until then.
        let r = site.rejected.get(source)?;
        return Some(site.config.link(&crate::model::url_of(r.kind, &r.id)));
    };
    if site.visible(i) {
        Some(site.config.link(&site.rel_url(i)))
    } else {
        // A draft has no page: point at its kind's listing (the warning says why).
        Some(
            site.config
                .link(&format!("{}/", site.entries[i].kind.folder())),
        )
    }
}

/// Renders `entry`'s body. `address` maps a source path to the target's
/// site-absolute address; `base_path` prefixes other site-absolute links.
/// The plain text is made for events (their calendar descriptions).
pub fn render(
    entry: &Entry,
    base_path: &str,
    address: &dyn Fn(&str) -> Option<String>,
    diags: &mut Vec<Diagnostic>,
) -> Rendered {
    let no_images = crate::images::Catalog::default();
    render_with(
        entry,
        base_path,
        address,
        entry.kind == Kind::Event,
        &no_images,
        diags,
    )
}

/// [`render`], with the plain text made when `plain` is set (every entry's,
/// for the search index).
pub fn render_with(
    entry: &Entry,
    base_path: &str,
    address: &dyn Fn(&str) -> Option<String>,
    plain: bool,
    images: &crate::images::Catalog,
    diags: &mut Vec<Diagnostic>,
) -> Rendered {
    let body = entry.body();
    let lines = LineIndex::new(&entry.text);
    let file_pos = |off: usize| lines.pos(entry.body_start + off);
    // About one event per 16 bytes of Markdown: sized once instead of
    // growing through a dozen copies.
    let mut events: Vec<(Event, std::ops::Range<usize>)> = Vec::with_capacity(body.len() / 16);
    events.extend(Parser::new_ext(body, options()).into_offset_iter());

    let mut out = Rendered::default();
    heading_ids(&mut events, &mut out.anchors, &mut out.toc);

    // Links: `@/` to another entry, `#x` within this one, `/x` within the site.
    for (ev, range) in events.iter_mut() {
        let (Event::Start(Tag::Link { dest_url, .. }) | Event::Start(Tag::Image { dest_url, .. })) =
            ev
        else {
            if let Event::Html(h) | Event::InlineHtml(h) = ev {
                check_embed(entry, &lines, h, file_pos(range.start), diags);
                collect_html_ids(h, &mut out.anchors);
            }
            continue;
        };
        let pos = file_pos(range.start);
        let url = dest_url.to_string();
        if let Some(rest) = url.strip_prefix("@/") {
            let (path, anchor) = match rest.split_once('#') {
                Some((p, a)) => (p, Some(a.to_string())),
                None => (rest, None),
            };
            let target = format!("content/{path}");
            match address(&target) {
                Some(addr) => {
                    let full = match &anchor {
                        Some(a) => format!("{addr}#{a}"),
                        None => addr,
                    };
                    *dest_url = CowStr::from(full);
                    out.links.push(LinkRef {
                        target,
                        anchor,
                        pos,
                    });
                }
                None => {
                    diags.push(
                        Diagnostic::error(
                            &entry.source,
                            pos,
                            format!("broken link `{url}`: there is no file `{target}`"),
                        )
                        .with_source(&lines),
                    );
                }
            }
        } else if let Some(anchor) = url.strip_prefix('#') {
            if !anchor.is_empty() && anchor != "top" {
                out.links.push(LinkRef {
                    target: entry.source.clone(),
                    anchor: Some(anchor.to_string()),
                    pos,
                });
            }
        } else if url.starts_with('/') && !url.starts_with("//") && base_path != "/" {
            *dest_url = CowStr::from(format!("{}{}", base_path, &url[1..]));
        }
    }

    if plain {
        out.plain = plain_text(events.iter().map(|(e, _)| e), body.len());
    }
    if entry.summary.is_none() {
        out.excerpt = excerpt(events.iter().map(|(e, _)| e), EXCERPT_CHARS);
    }
    let has_images = events
        .iter()
        .any(|(e, _)| matches!(e, Event::Start(Tag::Image { .. })));
    if has_images {
        pictures(
            &mut events,
            entry,
            base_path,
            images,
            &lines,
            &file_pos,
            diags,
        );
    }
    out.html.reserve(body.len() + body.len() / 4);
    pulldown_cmark::html::push_html(&mut out.html, events.into_iter().map(|(e, _)| e));
    // `serve` keeps every body and `build` the posts' (for the news
    // feed): no spare capacity.
    out.html.shrink_to_fit();
    out
}

/// Turns each Markdown image of a JPEG or PNG below `static/`
/// (`![Tische](/bilder/werkstatt.jpg)`) into a `<picture>` of its copies,
/// and tells the author about images without a useful alternative text.
/// Runs after the links were made site addresses (`base_path` prefixed).
fn pictures(
    events: &mut Vec<(Event, std::ops::Range<usize>)>,
    entry: &Entry,
    base_path: &str,
    images: &crate::images::Catalog,
    lines: &LineIndex,
    file_pos: &dyn Fn(usize) -> Pos,
    diags: &mut Vec<Diagnostic>,
) {
    use crate::images::markup;
    let mut i = 0;
    while i < events.len() {
        let Event::Start(Tag::Image { dest_url, .. }) = &events[i].0 else {
            i += 1;
            continue;
        };
        let dest = dest_url.to_string();
        let pos = file_pos(events[i].1.start);
        // The alternative text is the text inside `![…]`.
        let mut end = i + 1;
        let mut alt = String::new();
        while end < events.len() && !matches!(events[end].0, Event::End(TagEnd::Image)) {
            if let Event::Text(t) | Event::Code(t) = &events[end].0 {
                alt.push_str(t);
            }
            end += 1;
        }
        if let Some(why) = crate::images::empty_alt(&alt) {
            diags.push(
                Diagnostic::warning(
                    &entry.source,
                    pos,
                    format!(
                        "the image `{dest}` {why}: write `![what the picture shows]({dest})`, for those who cannot see it"
                    ),
                )
                .with_source(lines),
            );
        }
        let rel = dest
            .strip_prefix(base_path)
            .filter(|_| dest.starts_with('/'));
        let picture = rel.and_then(|rel| {
            if let Some(f) = images.finding(rel) {
                diags.push(f.at(&entry.source, pos).with_source(lines));
            }
            images.get(rel)?.as_ref().ok()
        });
        if let (Some(pic), true) = (picture, end < events.len()) {
            let mut html = String::new();
            let link = |p: &str| crate::config::link_under(base_path, p);
            let u = markup::Use {
                alt: &alt,
                class: None,
                sizes: None,
                lazy: true,
            };
            markup::picture(&mut html, pic, &link, &u);
            let range = events[i].1.clone();
            events.splice(i..=end, [(Event::InlineHtml(CowStr::from(html)), range)]);
        }
        i += 1;
    }
}

/// Warns about raw HTML that loads from another host: it leaks visitors'
/// data, and such widgets die (the seeds are full of dead Zoom widgets).
fn check_embed(
    entry: &Entry,
    lines: &LineIndex,
    html: &str,
    pos: Pos,
    diags: &mut Vec<Diagnostic>,
) {
    let lower = html.to_ascii_lowercase();
    for tag in [
        "<iframe", "<script", "<img", "<video", "<audio", "<embed", "<object", "<source",
    ] {
        if let Some(at) = lower.find(tag) {
            let rest = &lower[at..];
            let end = rest.find('>').unwrap_or(rest.len());
            let tag_text = &rest[..end];
            if tag_text.contains("src=\"http")
                || tag_text.contains("src='http")
                || tag_text.contains("src=\"//")
                || tag_text.contains("data=\"http")
            {
                diags.push(
                    Diagnostic::warning(
                        &entry.source,
                        pos,
                        format!("`{}` loads content from another host: visitors' browsers contact it, and such embeds break when the host changes; link to it instead", &tag[1..]),
                    )
                    .with_source(lines),
                );
                return;
            }
        }
    }
}

/// The body as plain text, for calendar descriptions and the search index.
fn plain_text<'e>(events: impl Iterator<Item = &'e Event<'e>>, size: usize) -> String {
    let mut out = String::with_capacity(size);
    let mut list_depth = 0usize;
    let block_end = |out: &mut String| {
        while out.ends_with(' ') {
            out.pop();
        }
        if !out.is_empty() && !out.ends_with("\n\n") {
            if out.ends_with('\n') {
                out.push('\n');
            } else {
                out.push_str("\n\n");
            }
        }
    };
    for ev in events {
        match ev {
            Event::Text(t) | Event::Code(t) => out.push_str(t),
            Event::SoftBreak => out.push(' '),
            Event::HardBreak => out.push('\n'),
            Event::Start(Tag::Item) => {
                if !out.is_empty() && !out.ends_with('\n') {
                    out.push('\n');
                }
                for _ in 1..list_depth {
                    out.push_str("  ");
                }
                out.push_str("- ");
            }
            Event::Start(Tag::List(_)) => {
                if list_depth == 0 {
                    block_end(&mut out);
                }
                list_depth += 1;
            }
            Event::End(TagEnd::List(_)) => {
                list_depth = list_depth.saturating_sub(1);
                if list_depth == 0 {
                    block_end(&mut out);
                }
            }
            Event::End(TagEnd::TableCell) => out.push_str(" | "),
            Event::End(TagEnd::TableRow) | Event::End(TagEnd::TableHead) => {
                while out.ends_with(" | ") {
                    out.truncate(out.len() - 3);
                }
                out.push('\n');
            }
            Event::End(TagEnd::Paragraph) if list_depth > 0 => {}
            Event::End(TagEnd::Paragraph)
            | Event::End(TagEnd::Heading(_))
            | Event::End(TagEnd::BlockQuote(_))
            | Event::End(TagEnd::CodeBlock)
            | Event::End(TagEnd::Table) => block_end(&mut out),
            _ => {}
        }
    }
    // Trimmed in place: the text is most of the body.
    let end = out.trim_end().len();
    out.truncate(end);
    let start = out.len() - out.trim_start().len();
    out.drain(..start);
    out
}

/// How long a meta description may be: search engines show about 155
/// characters.
pub const EXCERPT_CHARS: usize = 155;

/// The start of a body's running text, at most `max` characters, cut
/// after a whole word (with "…" when cut): paragraphs and list items,
/// without headings, code blocks, tables or raw HTML, which read badly as
/// a description.
pub fn excerpt<'e>(events: impl Iterator<Item = &'e Event<'e>>, max: usize) -> String {
    let mut out = String::new();
    let mut skip = 0usize;
    let mut chars = 0;
    for ev in events {
        match ev {
            Event::Start(Tag::Heading { .. } | Tag::CodeBlock(_) | Tag::Table(_)) => skip += 1,
            Event::End(TagEnd::Heading(_) | TagEnd::CodeBlock | TagEnd::Table) => {
                skip = skip.saturating_sub(1)
            }
            Event::Text(t) | Event::Code(t) if skip == 0 => {
                for c in t.chars() {
                    let c = if c.is_whitespace() || c.is_control() {
                        ' '
                    } else {
                        c
                    };
                    if c == ' ' && (out.is_empty() || out.ends_with(' ')) {
                        continue;
                    }
                    out.push(c);
                    chars += 1;
                }
            }
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::BlockQuote(_))
                if !out.is_empty() && !out.ends_with(' ') =>
            {
                out.push(' ');
                chars += 1;
            }
            _ => {}
        }
        if chars > max {
            break;
        }
    }
    let text = out.trim_end();
    if text.chars().count() <= max {
        return text.to_string();
    }
    // Room for the "…": cut at the last space before it.
    let limit = text
        .char_indices()
        .nth(max.saturating_sub(1))
        .map_or(text.len(), |(i, _)| i);
    let cut = text[..limit].rfind(' ').unwrap_or(limit);
    format!(
        "{}…",
        text[..cut].trim_end_matches([' ', ',', ';', ':', '-', '–'])
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::{Kind, KindData};

    fn entry(body: &str) -> Entry {
        let text = format!("---\ntitle: T\n---\n{body}");
        Entry {
            kind: Kind::Page,
            id: "x".into(),
            source: "content/x.md".into(),
            body_start: 17,
            body_line: 4,
            text,
            title: "T".into(),
            summary: None,
            draft: false,
            tags: vec![],
            image: None,
            updated: None,
            aliases: vec![],
            extra: serde_json::Value::Null,
            mtime: None,
            data: KindData::Page,
            text_lang: None,
        }
    }

    #[test]
    fn headings_get_unique_ids_and_links_resolve() {
        let e = entry(
            "## Ziele\n\n## Ziele\n\n## Eigene {#own}\n\nSiehe [P](@/partners/p.md#profil) und [oben](#ziele).\n",
        );
        let mut d = Vec::new();
        let r = render(
            &e,
            "/sub/",
            &|p| (p == "content/partners/p.md").then(|| "/sub/partners/p/".to_string()),
            &mut d,
        );
        assert_eq!(r.anchors, ["ziele", "ziele-1", "own"]);
        assert!(r.html.contains(r#"<h2 id="ziele-1">"#), "{}", r.html);
        assert!(r.html.contains(r#"href="/sub/partners/p/#profil""#));
        assert_eq!(r.links[0].pos, Pos::new(10, 7));
        assert!(d.is_empty());
    }

    #[test]
    fn dangling_link_is_an_error_with_its_line() {
        let e = entry("Text\n\n[x](@/partners/nope.md)\n");
        let mut d = Vec::new();
        render(&e, "/", &|_| None, &mut d);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].pos, Pos::new(6, 1));
    }

    #[test]
    fn excerpts_are_running_text_cut_at_a_word() {
        let e = entry(
            "## Profil\n\nDer **Verein** bildet\nweiter.\n\n```\ncode\n```\n\n- eins\n- zwei\n",
        );
        let r = render(&e, "/", &|_| None, &mut Vec::new());
        assert_eq!(r.excerpt, "Der Verein bildet weiter. eins zwei");
        let long = entry(&"Wort ".repeat(100));
        let r = render(&long, "/", &|_| None, &mut Vec::new());
        assert!(r.excerpt.ends_with("Wort…"), "{}", r.excerpt);
        assert!(r.excerpt.chars().count() <= EXCERPT_CHARS, "{}", r.excerpt);
        // An entry with a summary needs none.
        let with_summary = Entry {
            summary: Some("Kurz.".into()),
            ..long
        };
        assert_eq!(
            render(&with_summary, "/", &|_| None, &mut Vec::new()).excerpt,
            ""
        );
    }

    #[test]
    fn plain_text_keeps_paragraphs_and_drops_markup() {
        let e = entry(
            "Erster **fetter** Absatz.\n\n- eins\n- zwei\n\nLetzter [Link](https://example.org).\n",
        );
        // Only events get plain text (only calendar descriptions use it).
        assert_eq!(render(&e, "/", &|_| None, &mut Vec::new()).plain, "");
        let e = Entry {
            kind: Kind::Event,
            ..e
        };
        let r = render(&e, "/", &|_| None, &mut Vec::new());
        assert_eq!(
            r.plain,
            "Erster fetter Absatz.\n\n- eins\n- zwei\n\nLetzter Link."
        );
    }
}
