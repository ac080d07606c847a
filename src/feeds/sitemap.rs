//! `sitemap.xml`: every published HTML page with its absolute address.

use super::xml::escape;
use crate::model::Site;
use crate::routes::Route;

/// `pages` are site-relative addresses (`partners/x/`) with an optional
/// last-modified date (`YYYY-MM-DD`). `languages` holds each language's
/// code and root URL when the site has several: every page is then listed
/// with its address in each of them (and `x-default`, the main one's), as
/// search engines read alternates.
pub fn sitemap(
    base_url: &str,
    languages: &[(&str, String)],
    pages: &[(String, Option<String>)],
) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"",
    );
    if !languages.is_empty() {
        out.push_str(" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\"");
    }
    out.push_str(">\n");
    for (rel, lastmod) in pages {
        out.push_str("  <url>\n    <loc>");
        out.push_str(&escape(&format!("{base_url}{rel}")));
        out.push_str("</loc>\n");
        let main = languages.first().map(|(_, root)| ("x-default", root));
        for (code, root) in languages.iter().map(|(c, r)| (*c, r)).chain(main) {
            out.push_str(&format!(
                "    <xhtml:link rel=\"alternate\" hreflang=\"{code}\" href=\"{}\"/>\n",
                escape(&format!("{root}{rel}"))
            ));
        }
        if let Some(d) = lastmod {
            out.push_str(&format!("    <lastmod>{d}</lastmod>\n"));
        }
        out.push_str("  </url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

/// Each language's code and root URL, for [`sitemap`]; none for a site
/// in one language.
pub fn languages(config: &crate::config::Config) -> Vec<(&'static str, String)> {
    if config.languages.len() < 2 {
        return Vec::new();
    }
    config
        .languages
        .iter()
        .map(|&l| (l.code(), config.link_in(l, "").1))
        .collect()
}

/// The pages `sitemap.xml` lists: every page route of
/// [`Route::in_sitemap`] (home, listings, archive years, published
/// entries), an entry's with its `updated` date.
pub fn pages(site: &Site) -> Vec<(String, Option<String>)> {
    Route::pages(site)
        .iter()
        .filter(|r| r.in_sitemap())
        .filter_map(|r| {
            let lastmod = r
                .entry()
                .and_then(|i| site.entries[i].updated)
                .map(|u| u.date().format("%Y-%m-%d").to_string());
            Some((r.address(site)?, lastmod))
        })
        .collect()
}
