//! Which legal pages (spec §9) a site writes and links, and the warnings
//! when it publishes none: the facts are [`crate::legal`]'s; here they
//! meet the site's own plain pages, which win their addresses.

use crate::diagnostics::{Diagnostic, Pos};
use crate::entry::Kind;
use crate::legal::LegalPage;
use crate::model::Site;

/// The plain page (`content/impressum.md`) the site has of its own at
/// `page`'s address, if it is published: it is kept instead.
pub fn own_page(site: &Site, page: LegalPage) -> Option<usize> {
    let address = page.address();
    site.of_kind
        .get(&Kind::Page)?
        .iter()
        .copied()
        .find(|&i| site.rel_url(i) == address)
}

/// The pages tandem writes: those the facts allow (the accessibility
/// statement only with `legal.accessibility`) that the site has no own
/// page for.
pub fn written(site: &Site) -> Vec<LegalPage> {
    let Some(legal) = &site.config.legal else {
        return Vec::new();
    };
    LegalPage::ALL
        .into_iter()
        .filter(|&p| p != LegalPage::Accessibility || legal.accessibility.is_some())
        .filter(|&p| own_page(site, p).is_none())
        .collect()
}

/// The pages at the three addresses, written or the site's own: every
/// page's footer links them.
pub fn published(site: &Site) -> Vec<LegalPage> {
    let written = written(site);
    LegalPage::ALL
        .into_iter()
        .filter(|p| written.contains(p) || own_page(site, *p).is_some())
        .collect()
}

/// Whether some plain page is an Impressum by its address or title
/// (`kontakt-impressum/`, "Legal notice"): then the site publishes one.
fn has_own_impressum(site: &Site) -> bool {
    site.of_kind
        .get(&Kind::Page)
        .into_iter()
        .flatten()
        .any(|&i| {
            let words = format!("{} {}", site.rel_url(i), site.entries[i].title).to_lowercase();
            ["impressum", "imprint", "legal notice"]
                .iter()
                .any(|w| words.contains(w))
        })
}

/// The site's own findings: no Impressum at all, or a public body
/// without an accessibility statement.
pub fn findings(site: &Site) -> Vec<Diagnostic> {
    let file = crate::config::CONFIG_FILE;
    let mut out = Vec::new();
    match &site.config.legal {
        None if !has_own_impressum(site) => out.push(Diagnostic::warning(
            file,
            Pos::START,
            "the site publishes no Impressum: add `legal:` with the provider's facts to site.yaml (docs/authoring.md, \"What a publicly funded site must publish\"), or write content/impressum.md",
        )),
        None => {}
        Some(legal) => {
            let statement = legal.accessibility.is_some()
                || own_page(site, LegalPage::Accessibility).is_some();
            if legal.public_body && !statement {
                out.push(Diagnostic::warning(
                    file,
                    legal.public_body_pos,
                    "a public body publishes an accessibility statement (BGG § 12b): add `accessibility:` under `legal:` with `status`, `checked`, `feedback` and `enforcement`, or write content/barrierefreiheit.md",
                ));
            }
        }
    }
    out
}
