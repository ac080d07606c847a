//! The model's data: every entry, the indexes by id and by source path,
//! and the relations between entries, with the lookups the relation graph
//! ([`super::graph`]) needs. [`Site::new`] builds it all.

use crate::config::Config;
use crate::content::Rejected;
use crate::entry::{Entry, Kind, Ref};
use std::collections::HashMap;

pub struct Site {
    pub config: Config,
    /// Every entry, drafts included (see [`Site::visible`]).
    pub entries: Vec<Entry>,
    pub index: HashMap<(Kind, String), usize>,
    /// Source path (`content/partners/x.md`) to entry, for `@/` links.
    pub by_source: HashMap<String, usize>,
    /// The listing pages' own title and text (`_index.md`).
    pub sections: HashMap<Kind, Entry>,
    pub home: Option<Entry>,
    /// Relations of entry `i` at `links[i]`.
    pub links: Vec<Links>,
    /// Visible entries of each kind in listing order.
    pub of_kind: HashMap<Kind, Vec<usize>>,
    /// Files with errors that leave nothing to publish, by source path:
    /// references and links to them are not reported (see [`Rejected`]).
    pub rejected: HashMap<String, Rejected>,
    /// `calendar.lock` as the build found it: the `SEQUENCE` of each
    /// VEVENT follows from it (see [`crate::lock`]).
    pub lock: Option<crate::lock::Lock>,
    /// Events the lock remembers that left the content before their date:
    /// the feeds carry them as cancelled (set by the build, from
    /// `feeds::calendar::cancelled`).
    pub cancelled: Vec<crate::lock::Record>,
    /// The JPEGs and PNGs of `static/` with their published copies (see
    /// [`crate::images`]); empty until the build scans them.
    pub images: std::sync::Arc<crate::images::Catalog>,
    /// The words of entries in the further languages of `config.languages`
    /// (see [`Site::in_language`]).
    pub translations: Vec<crate::content::Translation>,
    /// In a further language: how many events each subscription feed of
    /// the main language holds (by owner: `None` for the site's
    /// calendar), so that every language's feed holds the same ones
    /// whatever the length of its words (see `build`).
    pub feeds_kept: Option<std::sync::Arc<HashMap<Option<usize>, usize>>>,
}

impl Site {
    pub fn visible(&self, i: usize) -> bool {
        !self.entries[i].draft || self.config.drafts
    }

    pub fn lookup(&self, kind: Kind, id: &str) -> Option<usize> {
        self.index.get(&(kind, id.to_string())).copied()
    }

    pub fn resolve(&self, r: &Ref) -> Option<usize> {
        self.lookup(r.kind, &r.id)
    }

    /// See [`Site::feeds_kept`].
    pub fn kept_in_feeds(&self, owner: Option<usize>) -> Option<usize> {
        self.feeds_kept.as_ref()?.get(&owner).copied()
    }
}

/// What one entry's page lists. Forward references that point at drafts
/// are kept (shown without a link); derived ones only list visible entries.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Links {
    pub networks: Vec<usize>,
    pub partners: Vec<usize>,
    pub projects: Vec<usize>,
    /// Events, in date order.
    pub events: Vec<usize>,
    /// Posts about the entry, newest first.
    pub posts: Vec<usize>,
    pub lead: Option<usize>,
    pub project: Option<usize>,
    pub organizers: Vec<usize>,
    pub about: Vec<usize>,
}
