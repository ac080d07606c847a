//! Images: every JPEG and PNG of the site's `static/` is published in a
//! few widths, as WebP and in its own format, so that pages can offer
//! `srcset` and `width`/`height` instead of a phone photo at full size.
//!
//! Why every file and not only those an entry names: the copies then
//! depend on `static/` alone, never on which entry shows what, so `serve`
//! and `build` agree without following templates, and an edit of an entry
//! never makes image work. The [`cache`] makes a file that did not change
//! cost one hash on the next build.
//!
//! [`Catalog::scan`] does all the work when the site is loaded, before any
//! page is rendered: pages need each image's size, and a file that cannot
//! be decoded must be an error at the line of the entry that shows it.

mod cache;
mod encode;
pub mod markup;
pub mod svg;

use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The widths published, never wider than the original (which then adds
/// its own width as the largest).
pub const WIDTHS: [u32; 3] = [320, 640, 1280];

/// An original larger than this gets a warning: it slows the build and
/// the repository, and no page needs it.
pub const LARGE_BYTES: u64 = 5 * 1024 * 1024;
/// An original wider or taller than this gets a warning.
pub const LARGE_PIXELS: u32 = 6000;

/// What is known about the images of `static/`, by their path there.
#[derive(Default)]
pub struct Catalog {
    images: BTreeMap<String, Result<Picture, String>>,
    made: AtomicUsize,
    cached: AtomicUsize,
}

/// One original and its published copies.
#[derive(Debug)]
pub struct Picture {
    /// The size it is shown at, after its EXIF orientation.
    pub width: u32,
    pub height: u32,
    /// The original file's size in bytes.
    pub file_bytes: u64,
    /// Narrowest first; the last one is the `src` of `<img>`.
    pub variants: Vec<Variant>,
}

/// One width of a picture, in the original's format and as WebP.
#[derive(Debug)]
pub struct Variant {
    pub width: u32,
    pub height: u32,
    /// Output paths (`bilder/foto-640w.jpg`, `bilder/foto-640w.webp`).
    pub path: String,
    pub webp_path: String,
    bytes: Vec<u8>,
    webp: Vec<u8>,
}

/// The formats that are resized; others (GIF, WebP, SVG) are copied as
/// they are.
fn format_of(rel: &str) -> Option<encode::Format> {
    let ext = rel.rsplit_once('.')?.1.to_ascii_lowercase();
    match ext.as_str() {
        "jpg" | "jpeg" => Some(encode::Format::Jpeg),
        "png" => Some(encode::Format::Png),
        _ => None,
    }
}

/// Whether the file at `rel` (any folder) is one that gets copies.
pub fn is_resized(rel: &str) -> bool {
    format_of(rel).is_some()
}

/// The widths of the copies of an image `width` pixels wide.
pub fn widths_for(width: u32) -> Vec<u32> {
    let mut ws: Vec<u32> = WIDTHS.iter().copied().filter(|&w| w < width).collect();
    if width <= WIDTHS[WIDTHS.len() - 1] {
        ws.push(width);
    }
    ws
}

/// The output path of the copy of `rel` at width `w` with extension `ext`.
fn variant_path(rel: &str, w: u32, ext: &str) -> String {
    let stem = rel.rsplit_once('.').map_or(rel, |(s, _)| s);
    format!("{stem}-{w}w.{ext}")
}

impl Catalog {
    /// Reads every JPEG and PNG below `root/static/` and makes (or takes
    /// from the cache, see [`cache::Cache::at`]) its copies, in parallel. Symbolic
    /// links are left out, as the copy of `static/` leaves them out.
    pub fn scan(root: &Path, cache_dir: Option<&Path>) -> Catalog {
        let static_dir = root.join("static");
        if !static_dir.is_dir() {
            return Catalog::default();
        }
        let files: Vec<(String, std::path::PathBuf)> =
            crate::content::walk_inside(root, &static_dir, crate::content::Links::LeaveOut)
                .filter_map(Result::ok)
                .filter(|item| item.file_type().is_file())
                .map(|item| {
                    let rel = crate::content::rel_path(&static_dir, item.path());
                    (rel, item.into_path())
                })
                .filter(|(rel, _)| format_of(rel).is_some())
                .collect();
        let catalog = Catalog::default();
        if files.is_empty() {
            return catalog;
        }
        let cache = cache::Cache::at(root, cache_dir);
        let progress = crate::progress::bar(files.len() as u64, "images");
        let images = files
            .par_iter()
            .map(|(rel, path)| {
                let r = catalog.picture(&cache, rel, path);
                if let Some(p) = &progress {
                    p.inc(1);
                }
                (rel.clone(), r)
            })
            .collect();
        if let Some(p) = progress {
            p.finish_and_clear();
        }
        Catalog { images, ..catalog }
    }

    fn picture(&self, cache: &cache::Cache, rel: &str, path: &Path) -> Result<Picture, String> {
        let format = format_of(rel).ok_or_else(|| "not a JPEG or PNG".to_string())?;
        let bytes = std::fs::read(path).map_err(|e| format!("cannot read it: {e}"))?;
        let key = cache::key(&bytes);
        let (width, height) = encode::shown_size(&bytes, format)?;
        let widths = widths_for(width);
        let ext = format.ext();
        let cached = cache.get(&key, &widths, ext);
        let copies = match cached {
            Some(c) => {
                self.cached.fetch_add(1, Ordering::Relaxed);
                c
            }
            None => {
                let made = encode::copies(&bytes, format, &widths)?;
                cache.put(&key, &widths, ext, &made);
                self.made.fetch_add(1, Ordering::Relaxed);
                made
            }
        };
        let variants = widths
            .iter()
            .zip(copies)
            .map(|(&w, (bytes, webp))| Variant {
                width: w,
                height: encode::height_at(width, height, w),
                path: variant_path(rel, w, ext),
                webp_path: variant_path(rel, w, "webp"),
                bytes,
                webp,
            })
            .collect();
        Ok(Picture {
            width,
            height,
            file_bytes: bytes.len() as u64,
            variants,
        })
    }

    /// The picture of `static/rel`: `None` when it is no JPEG or PNG there.
    pub fn get(&self, rel: &str) -> Option<&Result<Picture, String>> {
        self.images.get(rel.trim_start_matches('/'))
    }

    /// Every copy to publish: (output path, bytes, the original's path).
    pub fn files(&self) -> impl Iterator<Item = (&str, &[u8], &str)> {
        self.images.iter().flat_map(|(rel, r)| {
            r.iter().flat_map(move |p| {
                p.variants.iter().flat_map(move |v| {
                    [
                        (v.path.as_str(), v.bytes.as_slice(), rel.as_str()),
                        (v.webp_path.as_str(), v.webp.as_slice(), rel.as_str()),
                    ]
                })
            })
        })
    }

    /// Originals that could not be read, with why: (path below `static/`,
    /// message).
    pub fn failures(&self) -> impl Iterator<Item = (&str, &str)> {
        self.images
            .iter()
            .filter_map(|(rel, r)| r.as_ref().err().map(|e| (rel.as_str(), e.as_str())))
    }

    /// How many originals had their copies made, and how many came from
    /// the cache, in this scan.
    pub fn stats(&self) -> Stats {
        Stats {
            made: self.made.load(Ordering::Relaxed),
            cached: self.cached.load(Ordering::Relaxed),
        }
    }

    /// What an entry that shows `src` is told about it: an error when it
    /// cannot be decoded, a warning when the original is huge.
    pub fn finding(&self, src: &str) -> Option<Finding> {
        match self.get(src)? {
            Err(why) => Some(Finding::Error(format!("image `{src}` {why}"))),
            Ok(p) => p.too_large().map(|size| {
                Finding::Warning(format!(
                    "image `{src}` is large ({size}): pages get copies of at most 1280 pixels either way, but the original slows every clone and cold build; scale it to about 2500 pixels before adding it"
                ))
            }),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.images.is_empty()
    }
}

/// See [`Catalog::finding`].
pub enum Finding {
    Error(String),
    Warning(String),
}

impl Finding {
    pub fn at(self, path: &str, pos: crate::diagnostics::Pos) -> crate::diagnostics::Diagnostic {
        use crate::diagnostics::Diagnostic;
        match self {
            Finding::Error(m) => Diagnostic::error(path, pos, m),
            Finding::Warning(m) => Diagnostic::warning(path, pos, m),
        }
    }
}

/// Counts of [`Catalog::stats`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub made: usize,
    pub cached: usize,
}

impl Picture {
    /// Whether the original is so large that an author should know.
    pub fn too_large(&self) -> Option<String> {
        if self.file_bytes > LARGE_BYTES || self.width > LARGE_PIXELS || self.height > LARGE_PIXELS
        {
            Some(format!(
                "{:.1} MB, {} × {} pixels",
                self.file_bytes as f64 / 1_000_000.0,
                self.width,
                self.height
            ))
        } else {
            None
        }
    }

    /// The `srcset` of its copies (`/b/f-320w.jpg 320w, …`), in the
    /// original's format or as WebP; `link` makes a site address of an
    /// output path.
    pub fn srcset(&self, webp: bool, link: &dyn Fn(&str) -> String) -> String {
        self.variants
            .iter()
            .map(|v| {
                let path = if webp { &v.webp_path } else { &v.path };
                format!("{} {}w", link(path), v.width)
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The largest copy: the `src` of `<img>`.
    pub fn largest(&self) -> Option<&Variant> {
        self.variants.last()
    }
}

/// Why an alternative text says nothing to someone who cannot see the
/// picture, if it does not: a file name, or a word such as "Bild".
pub fn empty_alt(alt: &str) -> Option<&'static str> {
    let a = alt.trim();
    if a.is_empty() {
        return Some("has no alternative text");
    }
    let lower = a.to_lowercase();
    const WORDS: [&str; 12] = [
        "bild",
        "image",
        "foto",
        "photo",
        "picture",
        "grafik",
        "graphic",
        "logo",
        "img",
        "abbildung",
        "pic",
        "photograph",
    ];
    if WORDS.contains(&lower.trim_end_matches(['.', ':'])) {
        return Some("has an alternative text that only says it is a picture");
    }
    let file_like = !lower.contains(' ')
        && lower.rsplit_once('.').is_some_and(|(_, ext)| {
            matches!(
                ext,
                "jpg" | "jpeg" | "png" | "gif" | "webp" | "svg" | "avif" | "tif" | "tiff" | "heic"
            )
        });
    if file_like || lower.starts_with("img_") || lower.starts_with("dsc") && !lower.contains(' ') {
        return Some("has a file name as its alternative text");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_are_never_wider_than_the_original() {
        assert_eq!(widths_for(4000), vec![320, 640, 1280]);
        assert_eq!(widths_for(1280), vec![320, 640, 1280]);
        assert_eq!(widths_for(800), vec![320, 640, 800]);
        assert_eq!(widths_for(200), vec![200]);
    }

    #[test]
    fn copies_are_named_beside_the_original() {
        assert_eq!(
            variant_path("bilder/foto.jpg", 640, "webp"),
            "bilder/foto-640w.webp"
        );
        assert_eq!(
            variant_path("a.b/logo.png", 320, "png"),
            "a.b/logo-320w.png"
        );
    }

    #[test]
    fn alternative_texts_that_say_nothing_are_told_apart() {
        assert!(empty_alt("").is_some());
        assert!(empty_alt("Bild").is_some());
        assert!(empty_alt("image").is_some());
        assert!(empty_alt("IMG_2041.JPG").is_some());
        assert!(empty_alt("werkstatt.jpg").is_some());
        assert!(empty_alt("Teilnehmende an Stehtischen mit Klebezetteln").is_none());
        assert!(empty_alt("Logo der Stadt Hamm").is_none());
    }
}
