//! `sitemap.xml`: every published HTML page with its absolute address.

use super::xml::escape;

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
