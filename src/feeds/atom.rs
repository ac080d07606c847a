//! `atom.xml`: the news feed of posts (RFC 4287).

use super::xml::escape;
use crate::entry::{Kind, KindData, When};
use crate::model::Site;
use crate::render::markdown::Rendered;
use chrono::{DateTime, Utc};

/// How many posts the feed carries, newest first.
pub const ATOM_ENTRIES: usize = 50;

fn instant(site: &Site, w: When) -> DateTime<Utc> {
    crate::entry::schedule::to_utc(site.config.timezone, w.naive())
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The posts the feed carries, newest first: a build keeps the HTML of
/// these bodies only, not of every post.
pub fn posts(site: &Site) -> Vec<usize> {
    site.of_kind
        .get(&Kind::Post)
        .into_iter()
        .flatten()
        .copied()
        .take(ATOM_ENTRIES)
        .collect()
}

pub fn atom(site: &Site, bodies: &[Rendered]) -> String {
    let c = &site.config;
    let posts = posts(site);
    let updated_of = |i: usize| {
        let e = &site.entries[i];
        let date = match &e.data {
            KindData::Post(p) => p.date,
            _ => When::Date(chrono::NaiveDate::MIN),
        };
        instant(site, e.updated.unwrap_or(date).max(date))
    };
    // The feed's own date comes from its newest entry, so unchanged content
    // gives unchanged bytes.
    let feed_updated = posts
        .iter()
        .map(|&i| updated_of(i))
        .max()
        .unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
        c.language.code()
    ));
    out.push_str(&format!("  <title>{}</title>\n", escape(&c.title)));
    if let Some(d) = &c.description {
        out.push_str(&format!("  <subtitle>{}</subtitle>\n", escape(d)));
    }
    out.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        escape(&c.permalink("atom.xml"))
    ));
    out.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        escape(&c.base_url)
    ));
    out.push_str(&format!(
        "  <id>{}</id>\n",
        escape(&c.permalink("atom.xml"))
    ));
    out.push_str(&format!("  <updated>{}</updated>\n", rfc3339(feed_updated)));
    out.push_str("  <generator uri=\"https://example.org/tandem\">tandem</generator>\n");
    for i in posts {
        let e = &site.entries[i];
        let url = c.permalink(&site.rel_url(i));
        let published = match &e.data {
            KindData::Post(p) => instant(site, p.date),
            _ => feed_updated,
        };
        out.push_str("  <entry>\n");
        out.push_str(&format!("    <title>{}</title>\n", escape(&e.title)));
        out.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            escape(&url)
        ));
        out.push_str(&format!("    <id>{}</id>\n", escape(&url)));
        out.push_str(&format!(
            "    <published>{}</published>\n",
            rfc3339(published)
        ));
        out.push_str(&format!(
            "    <updated>{}</updated>\n",
            rfc3339(updated_of(i))
        ));
        let author = match &e.data {
            KindData::Post(p) => p.author.clone(),
            _ => None,
        }
        .unwrap_or_else(|| c.title.clone());
        out.push_str(&format!(
            "    <author><name>{}</name></author>\n",
            escape(&author)
        ));
        if let Some(s) = &e.summary {
            out.push_str(&format!("    <summary>{}</summary>\n", escape(s)));
        }
        out.push_str(&format!(
            "    <content type=\"html\">{}</content>\n",
            escape(&bodies[i].html)
        ));
        for t in &e.tags {
            out.push_str(&format!("    <category term=\"{}\"/>\n", escape(t)));
        }
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}
