//! The theme: Tera templates, static files and translations, from the
//! site's `themes/NAME/` or the default theme built into the binary, with
//! the site's own `templates/` overriding templates of the same name.

use super::component_cache::{self, ComponentCache};
use super::i18n::Labels;
use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics, Pos};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/default_theme.rs"));
}

/// The labels of `config.language` from the theme's `i18n/LANG.yaml`. A
/// label the file lacks (or the whole file) comes from tandem's own
/// labels of that language, else from the theme's English ones, else
/// from tandem's English ones, with a warning naming what was missing:
/// never an empty string or a template error on a page.
fn theme_labels(
    config: &crate::config::Config,
    files: &BTreeMap<String, (Vec<u8>, String)>,
    diags: &mut Diagnostics,
) -> Option<Labels> {
    let code = config.language.code();
    let read = |bytes: &[u8], origin: &str, diags: &mut Diagnostics| {
        let text = String::from_utf8_lossy(bytes);
        Labels::parse(&text)
            .map_err(|(pos, e)| {
                diags.push(
                    Diagnostic::error(
                        origin.to_string(),
                        pos,
                        format!("cannot read the translations: {e}"),
                    )
                    .with_source(&text),
                );
            })
            .ok()
    };
    let own_file = format!("i18n/{code}.yaml");
    let own = match files.get(&own_file) {
        Some((bytes, origin)) => Some(read(bytes, origin, diags)?),
        None => None,
    };
    let built_in = |rel: &str| {
        embedded::FILES
            .iter()
            .find(|(p, _)| *p == rel)
            .and_then(|(_, b)| Labels::parse(&String::from_utf8_lossy(b)).ok())
    };
    let theme_en = (code != "en")
        .then(|| files.get("i18n/en.yaml"))
        .flatten()
        .and_then(|(b, o)| read(b, o, diags));
    let fallbacks = [
        (built_in(&own_file), "tandem's own"),
        (theme_en, "the theme's English"),
        (built_in("i18n/en.yaml"), "tandem's English"),
    ];
    let where_ = files
        .get(&own_file)
        .map_or_else(|| format!("themes/{}", config.theme), |(_, o)| o.clone());
    let mut labels = own;
    let mut notes = Vec::new();
    for (fallback, name) in fallbacks {
        let Some(fallback) = fallback else { continue };
        let (merged, missing) = match labels {
            Some(l) => l.or(&fallback),
            None => (fallback, vec!["*".to_string()]),
        };
        labels = Some(merged);
        if !missing.is_empty() {
            notes.push((name, missing));
        }
    }
    for (name, missing) in notes {
        let what = if missing == ["*"] {
            format!("the theme has no `{own_file}`: {name} labels stand in")
        } else {
            let shown: Vec<String> = missing.iter().take(5).map(|k| format!("`{k}`")).collect();
            let more = missing.len().saturating_sub(shown.len());
            let more = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            format!(
                "`{own_file}` of the theme has no label {}{more}: {name} labels stand in; add them to the file",
                shown.join(", ")
            )
        };
        diags.push(Diagnostic::warning(where_.clone(), Pos::START, what));
    }
    labels
}

/// The default theme's files, as built into the binary.
pub fn default_theme_files() -> &'static [(&'static str, &'static [u8])] {
    embedded::FILES
}

pub struct Theme {
    /// Shared with [`component_cache`]'s function, which renders
    /// components while a page renders.
    tera: Arc<tera::Tera>,
    pub labels: Labels,
    /// Static files of the theme: (path below `static/`, bytes).
    pub static_files: Vec<(String, Vec<u8>)>,
    /// Where each template came from, for error messages.
    pub origins: BTreeMap<String, String>,
}

impl Theme {
    /// Loads the theme of `config`; its `picture()` function shows the
    /// pictures of `images`.
    pub fn load(
        config: &Config,
        images: Arc<crate::images::Catalog>,
        diags: &mut Diagnostics,
    ) -> Option<Theme> {
        let mut files: BTreeMap<String, (Vec<u8>, String)> = BTreeMap::new();
        let theme_dir = config.root.join("themes").join(&config.theme);
        if theme_dir.is_dir() {
            read_dir_files(&config.root, &theme_dir, &mut files, diags);
        } else if config.theme == "default" {
            for (rel, bytes) in embedded::FILES {
                files.insert(
                    rel.to_string(),
                    (bytes.to_vec(), format!("themes/default/{rel} (built in)")),
                );
            }
        } else {
            diags.push(Diagnostic::error(
                crate::config::CONFIG_FILE,
                crate::config::find_key_in(&config.root.join(crate::config::CONFIG_FILE), "theme"),
                format!(
                    "theme `{}` not found: there is no folder `themes/{}/`",
                    config.theme, config.theme
                ),
            ));
            return None;
        }
        // The site's own templates override the theme's.
        let site_templates = config.root.join("templates");
        if site_templates.is_dir() {
            let mut own = BTreeMap::new();
            read_dir_files(&config.root, &site_templates, &mut own, diags);
            for (rel, v) in own {
                files.insert(format!("templates/{rel}"), v);
            }
        }

        let labels = theme_labels(config, &files, diags)?;

        let mut tera = tera::Tera::default();
        tera.autoescape_on([".html", ".xml"]);
        tera.set_escape_fn(escape_html);
        tera.register_function(component_cache::FUNCTION, component_cache::function);
        let base_path = config.site_path.clone();
        tera.register_function("picture", move |kwargs: tera::Kwargs, _: &tera::State| {
            picture_function(&images, &base_path, &kwargs)
        });
        let mut origins = BTreeMap::new();
        let mut templates = Vec::new();
        let mut static_files = Vec::new();
        for (rel, (bytes, origin)) in files {
            if let Some(name) = rel.strip_prefix("templates/") {
                match String::from_utf8(bytes) {
                    Ok(text) => {
                        origins.insert(name.to_string(), origin);
                        templates.push((name.to_string(), text));
                    }
                    Err(_) => diags.push(Diagnostic::error(
                        origin,
                        Pos::START,
                        "a template must be UTF-8 text",
                    )),
                }
            } else if let Some(name) = rel.strip_prefix("static/") {
                static_files.push((name.to_string(), bytes));
            }
        }
        if let Err(e) = tera.add_raw_templates(templates) {
            diags.push(template_error(&e, &origins));
            return None;
        }
        Some(Theme {
            tera: Arc::new(tera),
            labels,
            static_files,
            origins,
        })
    }

    /// Renders a template, turning Tera's error chain into a diagnostic.
    /// `cache` keeps what `component_cached` renders for the next pages
    /// of the same build (see [`component_cache`]).
    pub fn render(
        &self,
        name: &str,
        ctx: &tera::Context,
        cache: &Arc<ComponentCache>,
    ) -> Result<Vec<u8>, Diagnostic> {
        // Bytes, not a String: they go straight to a file, and the
        // templates and values are UTF-8 already.
        let mut out = Vec::with_capacity(16 * 1024);
        component_cache::with_scope(&self.tera, Some(cache), || {
            self.tera.render_to(name, ctx, &mut out)
        })
        .map_err(|e| match component_cache::take_failure() {
            // Where it went wrong inside the component, then where the
            // component was called from.
            Some(inner) => {
                let mut d = template_error(&inner, &self.origins);
                d.message.push_str(&called_from(&e));
                d
            }
            None => template_error(&e, &self.origins),
        })?;
        Ok(without_controls(out))
    }

    pub fn has(&self, name: &str) -> bool {
        self.origins.contains_key(name)
    }
}

fn read_dir_files(
    root: &Path,
    dir: &Path,
    files: &mut BTreeMap<String, (Vec<u8>, String)>,
    diags: &mut Diagnostics,
) {
    for item in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let Ok(item) = item else { continue };
        if !item.file_type().is_file() {
            continue;
        }
        let rel = crate::content::rel_path(dir, item.path());
        let origin = crate::content::rel_path(root, item.path());
        match std::fs::read(item.path()) {
            Ok(bytes) => {
                files.insert(rel, (bytes, origin));
            }
            Err(e) => diags.push(Diagnostic::io(origin, format!("cannot read: {e}"))),
        }
    }
}

/// Turns a Tera error into a diagnostic at the template's own file, line
/// and column: Tera 2 keeps the span of what failed for syntax errors and
/// for errors while rendering alike.
pub fn template_error(e: &tera::Error, origins: &BTreeMap<String, String>) -> Diagnostic {
    let report = match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => Some(r),
        _ => None,
    };
    let mut message = match report {
        Some(r) => r.message().to_string(),
        None => e.to_string(),
    };
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        message.push_str(&format!("\n  caused by: {s}"));
        source = s.source();
    }
    let name = match report {
        Some(r) => r.filename().to_string(),
        None => origins
            .keys()
            .find(|n| message.contains(&format!("'{n}'")))
            .cloned()
            .unwrap_or_default(),
    };
    let path = origins
        .get(&name)
        .cloned()
        .unwrap_or_else(|| format!("templates/{name}"));
    let pos = report.map_or(Pos::START, |r| {
        let span = r.span();
        Pos::new(span.start_line.max(1), span.start_col + 1)
    });
    if report.is_some() {
        message.push_str(&caller_notes(e));
    }
    let name = if name.is_empty() {
        String::new()
    } else {
        format!(" in `{name}`")
    };
    Diagnostic::error(path, pos, format!("template error{name}: {message}"))
}

/// `note: called from FILE:LINE:COL` for where `e` happened, then the
/// notes of its own callers.
fn called_from(e: &tera::Error) -> String {
    let mut notes = String::new();
    if let tera::ErrorKind::RenderingError(r) = e.kind() {
        let span = r.span();
        notes.push_str(&format!(
            "\n  note: called from {}:{}:{}",
            r.filename(),
            span.start_line,
            span.start_col + 1
        ));
    }
    notes.push_str(&caller_notes(e));
    notes
}

/// The `note:` lines of `e`'s report, one per line: an error inside a
/// component says where the component was called from only in its
/// report text.
fn caller_notes(e: &tera::Error) -> String {
    let mut notes = String::new();
    for note in e.to_string().lines().filter(|l| l.starts_with("note: ")) {
        notes.push_str(&format!("\n  {note}"));
    }
    notes
}

/// `page` without the control characters that no text tandem writes
/// holds ([`crate::text::clean_text`], as in the calendars): a NUL or an
/// escape sequence in a title or a Markdown body, or in a template, is an
/// error in HTML and a hazard where the page is shown as text. Done once
/// for the whole page, so that no value or piece of Markdown can bring
/// one in; a page without any is not copied.
fn without_controls(page: Vec<u8>) -> Vec<u8> {
    let cleaned = match simdutf8::basic::from_utf8(&page).map(crate::text::clean_text) {
        Ok(std::borrow::Cow::Owned(clean)) => Some(clean),
        _ => None,
    };
    cleaned.map_or(page, String::into_bytes)
}

/// HTML escaping without Tera's `/` → `&#x2F;`, which bloats every URL and
/// protects nothing inside quoted attributes or text: `&`, `<`, `>`, `"`
/// and `'` only, by pulldown-cmark's escaper, which scans 16 bytes at a
/// time where the processor allows (every value on every page passes
/// through here).
pub fn escape_html(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    pulldown_cmark_escape::escape_html(pulldown_cmark_escape::IoWriter(out), input)
}

/// The template function `picture()`: the `<picture>` of an image value
/// (`image=entry.image`) or of a file below `static/` (`src="logos/a.png"`),
/// with `alt`, `class`, `sizes` and `lazy` (default true). A file tandem
/// does not resize (SVG, GIF, a web address) gets a plain `<img>`.
fn picture_function(
    images: &crate::images::Catalog,
    base_path: &str,
    kwargs: &tera::Kwargs,
) -> tera::TeraResult<tera::Value> {
    use crate::images::markup;
    let image: Option<&tera::Value> = kwargs.get("image")?;
    let field = |k: &str| {
        image
            .and_then(|v| v.get_from_path(k))
            .and_then(|v| v.as_str().map(str::to_string))
    };
    let src: String = match kwargs.get::<&str>("src")? {
        Some(s) => s.to_string(),
        None => match field("original") {
            Some(s) => s,
            None if image.is_some_and(|v| v.is_none()) => return Ok(tera::Value::safe_string("")),
            None => {
                return Err(tera::Error::message(
                    "picture() needs `image` (an image value such as entry.image) or `src` (a path below static/)",
                ));
            }
        },
    };
    let alt: String = match kwargs.get::<&str>("alt")? {
        Some(a) => a.to_string(),
        None => field("alt").unwrap_or_default(),
    };
    let u = markup::Use {
        alt: &alt,
        class: kwargs.get::<&str>("class")?,
        sizes: kwargs.get::<&str>("sizes")?,
        lazy: kwargs.get::<bool>("lazy")?.unwrap_or(true),
    };
    let link = |p: &str| crate::config::link_under(base_path, p);
    let mut out = String::new();
    if crate::frontmatter::links::is_web_url(&src) {
        markup::plain(&mut out, &src, &u);
    } else if let Some(Ok(pic)) = images.get(&src) {
        markup::picture(&mut out, pic, &link, &u);
    } else {
        markup::plain(&mut out, &link(&src), &u);
    }
    Ok(tera::Value::safe_string(&out))
}

#[cfg(test)]
mod tests {
    use super::escape_html;

    fn escaped(s: &str) -> String {
        let mut out = Vec::new();
        escape_html(s, &mut out).expect("write to a Vec");
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn escapes_the_five_characters_and_leaves_slashes() {
        assert_eq!(
            escaped(r#"<a href="/x/">Müller & 'Söhne'</a>"#),
            "&lt;a href=&quot;/x/&quot;&gt;Müller &amp; &#39;Söhne&#39;&lt;/a&gt;"
        );
        // Short and long texts (the escaper works 16 bytes at a time), a
        // special character at every position.
        for len in [0usize, 1, 15, 16, 17, 40] {
            for at in 0..=len {
                let mut s: String = "äb/c".chars().cycle().take(len).collect();
                let at = s.char_indices().nth(at).map_or(s.len(), |(i, _)| i);
                s.insert(at, '&');
                let want = s.replace('&', "&amp;");
                assert_eq!(escaped(&s), want, "{s:?}");
            }
        }
    }
}
