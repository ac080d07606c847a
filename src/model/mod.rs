//! The site as one connected model: entries by kind and id, and the
//! relations between them worked out in both directions.

pub mod entry;
pub mod graph;
pub mod schedule;

use crate::config::Config;
use crate::content::Loaded;
use crate::diagnostics::{Diagnostic, Diagnostics, nearest};
use entry::{Entry, Kind, KindData, Ref};
use graph::Links;
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
}

impl Site {
    /// Builds the model from loaded files: indexes ids, resolves every
    /// reference (unknown ids are errors), and computes the relations.
    pub fn new(config: Config, loaded: Loaded, diags: &mut Diagnostics) -> Site {
        let Loaded {
            entries,
            sections,
            home,
        } = loaded;
        let mut site = Site {
            config,
            entries,
            index: HashMap::new(),
            by_source: HashMap::new(),
            sections: sections.into_iter().map(|e| (e.kind, e)).collect(),
            home,
            links: Vec::new(),
            of_kind: HashMap::new(),
        };
        site.index_entries(diags);
        site.check_references(diags);
        site.links = graph::compute(&site);
        site.of_kind = graph::listing_order(&site);
        site
    }

    pub fn visible(&self, i: usize) -> bool {
        !self.entries[i].draft || self.config.drafts
    }

    pub fn lookup(&self, kind: Kind, id: &str) -> Option<usize> {
        self.index.get(&(kind, id.to_string())).copied()
    }

    pub fn resolve(&self, r: &Ref) -> Option<usize> {
        self.lookup(r.kind, &r.id)
    }

    /// Site-relative address of an entry's page: `partners/provadis/`.
    pub fn rel_url(&self, i: usize) -> String {
        let e = &self.entries[i];
        match e.kind {
            Kind::Page => format!("{}/", e.id),
            k => format!("{}/{}/", k.folder(), e.id),
        }
    }

    fn index_entries(&mut self, diags: &mut Diagnostics) {
        for (i, e) in self.entries.iter().enumerate() {
            self.by_source.insert(e.source.clone(), i);
            if let Some(&first) = self.index.get(&(e.kind, e.id.clone())) {
                let other = &self.entries[first].source;
                diags.push(
                    Diagnostic::error(
                        &e.source,
                        crate::diagnostics::Pos::START,
                        format!(
                            "duplicate {} id `{}`: {} has it too",
                            e.kind.name(),
                            e.id,
                            other
                        ),
                    )
                    .with_note(format!("{other}:1:1: the other file with id `{}`", e.id)),
                );
                continue;
            }
            self.index.insert((e.kind, e.id.clone()), i);
        }
    }

    fn check_references(&self, diags: &mut Diagnostics) {
        for (i, e) in self.entries.iter().enumerate() {
            if !self.visible(i) {
                continue;
            }
            for r in e.references() {
                match self.resolve(r) {
                    Some(t) if !self.visible(t) => diags.push(
                        Diagnostic::warning(
                            &e.source,
                            r.pos,
                            format!(
                                "{} `{}` is a draft: it is shown without a link until it is published",
                                r.kind.name(),
                                r.id
                            ),
                        )
                        .with_source(&e.text),
                    ),
                    Some(_) => {}
                    None => diags.push(self.unknown_reference(e, r)),
                }
            }
        }
    }

    fn unknown_reference(&self, e: &Entry, r: &Ref) -> Diagnostic {
        let ids = self
            .index
            .keys()
            .filter(|(k, _)| *k == r.kind)
            .map(|(_, id)| id.as_str());
        let near = nearest(&r.id, ids, 3);
        let other_kind = Kind::SECTIONS
            .into_iter()
            .find(|k| *k != r.kind && self.lookup(*k, &r.id).is_some());
        let mut msg = format!("unknown {} `{}`", r.kind.name(), r.id);
        if let Some(k) = other_kind {
            msg.push_str(&format!(
                " (`{}` is a {}, not a {})",
                r.id,
                k.name(),
                r.kind.name()
            ));
        }
        if !near.is_empty() {
            let list: Vec<String> = near.iter().map(|n| format!("`{n}`")).collect();
            msg.push_str(&format!(" — did you mean {}?", list.join(" or ")));
        } else {
            msg.push_str(&format!(
                "; there is no `content/{}/{}.md`",
                r.kind.folder(),
                r.id
            ));
        }
        Diagnostic::error(&e.source, r.pos, msg).with_source(&e.text)
    }

    /// Warnings that do not stop a build: dates outside the funding period,
    /// registration open after the event, unreferenced partners, events
    /// without a place, placeholder text.
    pub fn lint(&self, diags: &mut Diagnostics) {
        let now = self.config.now;
        for (i, e) in self.entries.iter().enumerate() {
            if !self.visible(i) {
                continue;
            }
            for (needle, what) in [
                ("lorem ipsum", "placeholder text"),
                ("dolor sit amet", "placeholder text"),
            ] {
                if let Some(off) = e.text.to_lowercase().find(needle) {
                    let pos = pos_of_offset(&e.text, off);
                    diags.push(
                        Diagnostic::warning(
                            &e.source,
                            pos,
                            format!("{what} (\"Lorem ipsum\") left in the page"),
                        )
                        .with_source(&e.text),
                    );
                    break;
                }
            }
            match &e.data {
                KindData::Event(ev) => {
                    let pos = ev
                        .start
                        .as_ref()
                        .map_or(crate::diagnostics::Pos::START, |s| s.pos);
                    if ev.location.is_none() && ev.sessions.iter().any(|s| s.location.is_none())
                        || ev.location.is_none() && ev.sessions.is_empty()
                    {
                        diags.push(
                            Diagnostic::warning(
                                &e.source,
                                crate::diagnostics::Pos::START,
                                "the event has no `location` (a place, or `Online`)",
                            )
                            .with_source(&e.text),
                        );
                    }
                    if ev.registration.is_some() && ev.schedule.is_past(now) {
                        let rpos = find_key(&e.text, "registration").unwrap_or(pos);
                        diags.push(
                            Diagnostic::warning(
                                &e.source,
                                rpos,
                                "the event is over but still has a `registration` link",
                            )
                            .with_source(&e.text),
                        );
                    }
                    if let Some(p) = ev.project.as_ref().and_then(|r| self.resolve(r)) {
                        if let KindData::Project(pd) = &self.entries[p].data {
                            for o in &ev.schedule.occurrences {
                                let d = o.start.date();
                                let before = pd.start.is_some_and(|s| d < s);
                                let after = pd.end.is_some_and(|en| d > en);
                                if before || after {
                                    let opos = o
                                        .session
                                        .and_then(|s| ev.sessions.get(s))
                                        .map_or(pos, |s| s.pos);
                                    diags.push(
                                        Diagnostic::warning(
                                            &e.source,
                                            opos,
                                            format!(
                                                "{d} lies outside the funding period of project `{}` ({} – {})",
                                                self.entries[p].id,
                                                pd.start.map_or("…".into(), |s| s.to_string()),
                                                pd.end.map_or("…".into(), |s| s.to_string()),
                                            ),
                                        )
                                        .with_source(&e.text),
                                    );
                                    break;
                                }
                            }
                        }
                    }
                }
                KindData::Partner(_) => {
                    let l = &self.links[i];
                    if l.networks.is_empty()
                        && l.projects.is_empty()
                        && l.events.is_empty()
                        && l.posts.is_empty()
                    {
                        diags.push(Diagnostic::warning(
                            &e.source,
                            crate::diagnostics::Pos::START,
                            format!("partner `{}` is not referred to by any network, project, event or post", e.id),
                        ));
                    }
                }
                _ => {}
            }
        }
    }
}

/// The 1-based line and column of byte `offset` in `text`.
pub fn pos_of_offset(text: &str, offset: usize) -> crate::diagnostics::Pos {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    crate::diagnostics::Pos::new(line, col)
}

/// Position of a top-level front-matter key, for findings made after parsing.
pub fn find_key(text: &str, key: &str) -> Option<crate::diagnostics::Pos> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.starts_with(key) && line[key.len()..].trim_start().starts_with(':') {
            return Some(pos_of_offset(text, offset));
        }
        offset += line.len();
    }
    None
}

/// Position of a top-level key in a file on disk (for settings found wrong
/// after parsing); the file's start when it cannot be read.
pub fn find_key_in(path: &std::path::Path, key: &str) -> crate::diagnostics::Pos {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|t| find_key(&t, key))
        .unwrap_or(crate::diagnostics::Pos::START)
}
