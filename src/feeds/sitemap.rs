//! `sitemap.xml`: every published HTML page with its absolute address.

use super::xml::escape;
use crate::model::Site;
use crate::routes::Route;

/// `pages` are site-relative addresses (`partners/x/`) with an optional
/// last-modified date (`YYYY-MM-DD`).
pub fn sitemap(base_url: &str, pages: &[(String, Option<String>)]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (rel, lastmod) in pages {
        out.push_str("  <url>\n    <loc>");
        out.push_str(&escape(&format!("{base_url}{rel}")));
        out.push_str("</loc>\n");
        if let Some(d) = lastmod {
            out.push_str(&format!("    <lastmod>{d}</lastmod>\n"));
        }
        out.push_str("  </url>\n");
    }
    out.push_str("</urlset>\n");
    out
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
