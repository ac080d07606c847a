//! `sitemap.xml`: every published HTML page with its absolute address.

use super::xml::escape;
use crate::entry::Kind;
use crate::model::Site;

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

/// The pages `sitemap.xml` lists: home, listings, archive years and every
/// published entry (with its `updated` date).
pub fn pages(site: &Site) -> Vec<(String, Option<String>)> {
    let mut pages: Vec<(String, Option<String>)> = vec![(String::new(), None)];
    pages.extend(
        Kind::SECTIONS
            .iter()
            .map(|k| (format!("{}/", k.folder()), None)),
    );
    pages.extend(
        crate::render::pages::archive_years(site)
            .into_iter()
            .map(|y| (format!("events/archive/{y}/"), None)),
    );
    for (i, e) in site.entries.iter().enumerate() {
        if site.visible(i) {
            let lastmod = e.updated.map(|u| u.date().format("%Y-%m-%d").to_string());
            pages.push((site.rel_url(i), lastmod));
        }
    }
    pages
}
