//! SVG files are published as they are, but without what can run code
//! when the file is opened on its own address (where a browser runs an
//! SVG's scripts with the site's origin): `<script>`, `<foreignObject>`
//! (HTML inside an SVG), event attributes (`onload`, …), `javascript:`
//! links, and the DOCTYPE and processing instructions (entities,
//! external style sheets). A logo from a partner's press kit needs none
//! of these.

use quick_xml::events::{BytesStart, Event};

/// Elements left out with everything inside them.
const DROPPED: [&str; 2] = ["script", "foreignObject"];

/// Whether an element is left out whole (in any case: `<SCRIPT>` does
/// nothing in XML, but costs nothing to drop).
fn dropped(name: &str) -> bool {
    DROPPED.iter().any(|d| d.eq_ignore_ascii_case(name))
}

/// The file without its active parts, and what was removed (empty when
/// nothing was: then the bytes are the original's). `Err` with a
/// message and the byte offset when it is not well-formed XML.
pub fn sanitize(bytes: &[u8]) -> Result<(Vec<u8>, Vec<String>), (String, u64)> {
    let mut reader = quick_xml::Reader::from_reader(bytes);
    reader.config_mut().trim_text(false);
    let mut writer = quick_xml::Writer::new(Vec::with_capacity(bytes.len()));
    let mut removed = Vec::new();
    let mut buf = Vec::new();
    // Depth inside a dropped element: nothing is written there.
    let mut skipping = 0usize;
    // Elements open: an SVG that ends inside one is not well-formed.
    let mut open = 0usize;
    loop {
        let ev = match reader.read_event_into(&mut buf) {
            Ok(ev) => ev,
            Err(e) => return Err((e.to_string(), reader.error_position())),
        };
        match ev {
            Event::Eof if open > 0 => {
                return Err(("an element is not closed".into(), reader.buffer_position()));
            }
            Event::Eof => break,
            Event::Start(e) => {
                open += 1;
                if skipping > 0 {
                    skipping += 1;
                } else if dropped(e.local_name().as_ref()) {
                    removed.push(format!("a <{}> element", e.name().as_ref()));
                    skipping = 1;
                } else {
                    let e = clean(e, &mut removed);
                    write(&mut writer, Event::Start(e))?;
                }
            }
            Event::End(e) => {
                open = open.saturating_sub(1);
                if skipping > 0 {
                    skipping -= 1;
                } else {
                    write(&mut writer, Event::End(e))?;
                }
            }
            Event::Empty(e) => {
                if skipping > 0 {
                } else if dropped(e.local_name().as_ref()) {
                    removed.push(format!("a <{}> element", e.name().as_ref()));
                } else {
                    let e = clean(e, &mut removed);
                    write(&mut writer, Event::Empty(e))?;
                }
            }
            Event::DocType(_) => removed.push("the DOCTYPE".into()),
            Event::PI(_) => removed.push("a processing instruction".into()),
            other => {
                if skipping == 0 {
                    write(&mut writer, other)?;
                }
            }
        }
        buf.clear();
    }
    if removed.is_empty() {
        return Ok((bytes.to_vec(), removed));
    }
    Ok((writer.into_inner(), removed))
}

fn write(w: &mut quick_xml::Writer<Vec<u8>>, ev: Event) -> Result<(), (String, u64)> {
    w.write_event(ev).map_err(|e| (e.to_string(), 0))
}

/// The element without event attributes and script links; unchanged (its
/// original bytes) when it has none.
fn clean<'a>(e: BytesStart<'a>, removed: &mut Vec<String>) -> BytesStart<'a> {
    let bad = |a: &quick_xml::events::attributes::Attribute| {
        let key = a.key.local_name();
        let key = key.as_ref();
        if key.len() > 2 && key.is_char_boundary(2) && key[..2].eq_ignore_ascii_case("on") {
            return true;
        }
        let Ok(value) = quick_xml::escape::unescape(&a.value) else {
            return true;
        };
        let squeezed: String = value
            .chars()
            .filter(|c| !c.is_whitespace() && !c.is_control())
            .collect::<String>()
            .to_ascii_lowercase();
        ["javascript:", "vbscript:", "data:text/html"]
            .iter()
            .any(|p| squeezed.starts_with(p))
    };
    let attrs: Vec<_> = e.attributes().with_checks(false).collect();
    if !attrs.iter().any(|a| a.as_ref().map_or(true, bad)) {
        return e;
    }
    let mut out = BytesStart::new(e.name().as_ref().to_string());
    for a in attrs.into_iter().flatten() {
        if bad(&a) {
            removed.push(format!("the attribute `{}`", a.key.as_ref()));
        } else {
            out.push_attribute(a);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean_text(s: &str) -> (String, Vec<String>) {
        let (b, r) = sanitize(s.as_bytes()).unwrap();
        (String::from_utf8(b).unwrap(), r)
    }

    #[test]
    fn an_svg_without_active_parts_stays_byte_for_byte() {
        let s = "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\"><rect width=\"10\" height=\"10\" fill=\"#c00\"/><text x='1'>A &amp; B</text></svg>\n";
        assert_eq!(clean_text(s), (s.to_string(), vec![]));
    }

    #[test]
    fn scripts_event_attributes_and_script_links_are_removed() {
        let s = "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"><script>alert(2)</script><script href=\"x.js\"/><a href=\" jav&#x61;script:alert(3)\"><circle r=\"4\" onclick=\"x()\"/></a><foreignObject><div>x</div></foreignObject><rect width=\"1\"/></svg>";
        let (out, removed) = clean_text(s);
        assert_eq!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\"><a><circle r=\"4\"/></a><rect width=\"1\"/></svg>"
        );
        assert_eq!(removed.len(), 6, "{removed:?}");
    }

    proptest::proptest! {
        /// Whatever pieces an SVG is made of, what is published runs
        /// nothing; and no input makes the reader panic.
        #[test]
        fn nothing_active_survives(parts in proptest::collection::vec(proptest::sample::select(vec![
            "<svg xmlns=\"http://www.w3.org/2000/svg\">", "</svg>", "<script>", "</script>", "<SCRIPT>",
            "<a href=\"javascript:x()\">", "<a xlink:href=\" JavaScript:x\">", "</a>", "<g onload=\"x\"/>",
            "<g ONCLICK='y'>", "</g>", "<foreignObject>", "</foreignObject>", "text", "&amp;", "<![CDATA[<script>]]>",
            "<!DOCTYPE svg [<!ENTITY x \"y\">]>", "<?xml-stylesheet href=\"a.css\"?>", "<!-- c -->",
        ]), 0..14)) {
            let input = parts.concat();
            if let Ok((out, _)) = sanitize(input.as_bytes()) {
                let out = String::from_utf8_lossy(&out).to_ascii_lowercase();
                // CDATA text is only text: `<script>` inside it is escaped by browsers.
                let outside_cdata: String = out.split("<![cdata[").map(|p| p.split_once("]]>").map_or(p, |(_, rest)| rest)).collect();
                proptest::prop_assert!(!outside_cdata.contains("<script"), "{}", out);
                proptest::prop_assert!(!out.contains("javascript:"), "{}", out);
                proptest::prop_assert!(!out.contains("onload") && !out.contains("onclick"), "{}", out);
                proptest::prop_assert!(!out.contains("<!doctype") && !out.contains("<?xml-stylesheet"), "{}", out);
            }
        }

        #[test]
        fn any_bytes_are_read_without_a_panic(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..400)) {
            let _ = sanitize(&bytes);
        }
    }

    #[test]
    fn a_broken_svg_is_an_error() {
        assert!(sanitize(b"<svg><g></svg>").is_err());
    }
}
