//! The HTML of a picture: `<picture>` with a WebP `<source>` and an `<img>`
//! in the original's format, both with `srcset`, and `width`/`height` so
//! that the browser keeps the room before the file arrives. Written here
//! once for Markdown bodies, the template function `picture()` and the
//! default theme.

use super::Picture;

/// `sizes` when the caller names none: the text column of the default
/// theme, the whole screen below it.
pub const DEFAULT_SIZES: &str = "(min-width: 48rem) 46rem, 100vw";

/// What a caller says about one use of a picture.
pub struct Use<'a> {
    pub alt: &'a str,
    pub class: Option<&'a str>,
    pub sizes: Option<&'a str>,
    /// `loading="lazy"`: for pictures below the first screen.
    pub lazy: bool,
}

/// Appends the `<picture>` of `pic`; `link` makes a site address of an
/// output path (base path included).
pub fn picture(out: &mut String, pic: &Picture, link: &dyn Fn(&str) -> String, u: &Use) {
    let Some(largest) = pic.largest() else {
        return;
    };
    let sizes = u.sizes.unwrap_or(DEFAULT_SIZES);
    out.push_str("<picture><source type=\"image/webp\" srcset=\"");
    escape(out, &pic.srcset(true, link));
    out.push_str("\" sizes=\"");
    escape(out, sizes);
    out.push_str("\">");
    let (width, height) = (largest.width.to_string(), largest.height.to_string());
    let srcset = pic.srcset(false, link);
    let extra = [
        ("srcset", srcset.as_str()),
        ("sizes", sizes),
        ("width", &width),
        ("height", &height),
    ];
    img(out, &link(&largest.path), &extra, u);
    out.push_str(" decoding=\"async\"></picture>");
}

/// A plain `<img>`, for a picture tandem does not resize (a web address,
/// an SVG, a GIF).
pub fn plain(out: &mut String, src: &str, u: &Use) {
    img(out, src, &[], u);
    out.push('>');
}

/// `<img` with its class, `src`, the `extra` attributes, `alt` and
/// `loading`, left open for the caller's last attributes.
fn img(out: &mut String, src: &str, extra: &[(&str, &str)], u: &Use) {
    out.push_str("<img");
    if let Some(class) = u.class {
        attr(out, "class", class);
    }
    attr(out, "src", src);
    for (name, value) in extra {
        attr(out, name, value);
    }
    attr(out, "alt", u.alt);
    if u.lazy {
        out.push_str(" loading=\"lazy\"");
    }
}

fn attr(out: &mut String, name: &str, value: &str) {
    out.push(' ');
    out.push_str(name);
    out.push_str("=\"");
    escape(out, value);
    out.push('"');
}

fn escape(out: &mut String, s: &str) {
    let _ = pulldown_cmark_escape::escape_html(&mut *out, s);
}

#[cfg(test)]
mod tests {
    use super::super::Variant;
    use super::*;

    #[test]
    fn a_picture_offers_webp_and_the_original_format_with_its_size() {
        let v = |w: u32, h: u32| Variant {
            width: w,
            height: h,
            path: format!("b/f-{w}w.jpg"),
            webp_path: format!("b/f-{w}w.webp"),
            bytes: Vec::new(),
            webp: Vec::new(),
        };
        let pic = Picture {
            width: 4000,
            height: 3000,
            file_bytes: 1,
            variants: vec![v(320, 240), v(1280, 960)],
        };
        let mut out = String::new();
        let u = Use {
            alt: "Tische \"A\" & B",
            class: Some("hero"),
            sizes: None,
            lazy: true,
        };
        picture(&mut out, &pic, &|p| format!("/sub/{p}"), &u);
        assert_eq!(
            out,
            "<picture><source type=\"image/webp\" srcset=\"/sub/b/f-320w.webp 320w, /sub/b/f-1280w.webp 1280w\" sizes=\"(min-width: 48rem) 46rem, 100vw\"><img class=\"hero\" src=\"/sub/b/f-1280w.jpg\" srcset=\"/sub/b/f-320w.jpg 320w, /sub/b/f-1280w.jpg 1280w\" sizes=\"(min-width: 48rem) 46rem, 100vw\" width=\"1280\" height=\"960\" alt=\"Tische &quot;A&quot; &amp; B\" loading=\"lazy\" decoding=\"async\"></picture>"
        );
    }
}
