//! The site as one connected model: entries by kind and id, and the
//! relations between them worked out in both directions.

pub mod graph;
pub mod legal;
pub mod site;
mod translate;

pub use site::Site;

use crate::config::Config;
use crate::content::Loaded;
use crate::diagnostics::{Diagnostic, Diagnostics, LineIndex, nearest};
use crate::entry::{Entry, Kind, KindData, Ref};
use crate::frontmatter::{find_key, pos_of_offset};
use std::collections::HashMap;

/// Building the model and checking it; the type itself, with the lookups
/// that [`graph`] needs, is in [`site`].
impl Site {
    /// Builds the model from loaded files: indexes ids, resolves every
    /// reference (unknown ids are errors), and computes the relations.
    pub fn new(config: Config, loaded: Loaded, diags: &mut Diagnostics) -> Site {
        let Loaded {
            entries,
            sections,
            home,
            rejected,
            lock,
            translations,
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
            rejected: rejected
                .into_iter()
                .map(|r| (r.source.clone(), r))
                .collect(),
            lock,
            cancelled: Vec::new(),
            images: Default::default(),
            translations: Vec::new(),
            feeds_kept: None,
        };
        let duplicates = site.index_entries(diags);
        site.check_references(diags);
        let rejected = site.rejected.values().filter_map(|r| r.entry.as_ref());
        for e in rejected.chain(&duplicates) {
            site.check_references_of(e, diags);
        }
        site.links = graph::compute(&site);
        site.of_kind = graph::listing_order(&site);
        site.check_uids(diags);
        site.take_translations(translations, diags);
        site
    }

    /// Site-relative address of an entry's page: `partners/provadis/`.
    pub fn rel_url(&self, i: usize) -> String {
        let e = &self.entries[i];
        url_of(e.kind, &e.id)
    }

    /// Whether a file with errors may refer to entry `id` of `kind`: its
    /// references name it, or could not be read. Then whether anything
    /// refers to the entry is not known until its errors are fixed.
    pub fn may_be_named_by_rejected(&self, kind: Kind, id: &str) -> bool {
        self.rejected.values().any(|r| match &r.entry {
            Some(e) => e.references().iter().any(|x| x.kind == kind && x.id == id),
            None => r.kind != Kind::Page,
        })
    }

    /// Whether a file with errors names the entry `id` of `kind`: it
    /// exists, and its own errors say what is wrong.
    pub fn is_rejected(&self, kind: Kind, id: &str) -> bool {
        self.rejected.values().any(|r| r.kind == kind && r.id == id)
    }

    /// Indexes ids and source paths. A second file with an id already
    /// taken is reported (naming both files) and taken out of the model, so
    /// that it does not also collide at every address the first one
    /// writes; it is returned for its references to be checked, and `@/`
    /// links to it lead to the first file.
    fn index_entries(&mut self, diags: &mut Diagnostics) -> Vec<Entry> {
        // Which entries repeat an id, without moving or copying the
        // entries (a site has thousands, and duplicates are rare).
        let mut first: HashMap<(Kind, &str), usize> = HashMap::with_capacity(self.entries.len());
        let mut repeats: Vec<(usize, String)> = Vec::new();
        for (i, e) in self.entries.iter().enumerate() {
            match first.entry((e.kind, e.id.as_str())) {
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert(i);
                }
                std::collections::hash_map::Entry::Occupied(o) => {
                    repeats.push((i, self.entries[*o.get()].source.clone()));
                }
            }
        }
        drop(first);
        let mut duplicates = Vec::new();
        // From the back, so that the indexes still to remove stay valid.
        for (i, other) in repeats.into_iter().rev() {
            let e = self.entries.remove(i);
            let what = if e.kind == Kind::Page {
                "two pages have the address".to_string()
            } else {
                format!("duplicate {} id", e.kind.name())
            };
            diags.push(
                Diagnostic::error(
                    &e.source,
                    crate::diagnostics::Pos::START,
                    format!(
                        "{what} `{}`: {other} and {} both have it (ids come from file names and must be unique within `content/{}`): rename one of them",
                        e.id,
                        e.source,
                        e.kind.folder()
                    ),
                )
                .with_source(&e.text)
                .with_note(format!("{other}:1:1: the other file with id `{}`", e.id)),
            );
            duplicates.push(e);
        }
        duplicates.reverse();
        self.by_source.reserve(self.entries.len());
        self.index.reserve(self.entries.len());
        for (i, e) in self.entries.iter().enumerate() {
            self.by_source.insert(e.source.clone(), i);
            self.index.insert((e.kind, e.id.clone()), i);
        }
        for e in &duplicates {
            if let Some(&first) = self.index.get(&(e.kind, e.id.clone())) {
                self.by_source.insert(e.source.clone(), first);
            }
        }
        duplicates
    }

    /// Pairs of visible events that carry one imported `uid` (the later
    /// one, the first one): calendars would take them for one event.
    pub fn duplicate_uids(&self) -> Vec<(usize, usize)> {
        let mut first: HashMap<&str, usize> = HashMap::new();
        let mut repeats = Vec::new();
        for i in (0..self.entries.len()).filter(|&i| self.visible(i)) {
            let uid = self.entries[i].event().and_then(|e| e.uid.as_ref());
            if let Some(uid) = uid {
                match first.entry(uid.value.as_str()) {
                    std::collections::hash_map::Entry::Vacant(v) => {
                        v.insert(i);
                    }
                    std::collections::hash_map::Entry::Occupied(o) => repeats.push((i, *o.get())),
                }
            }
        }
        repeats
    }

    fn check_uids(&self, diags: &mut Diagnostics) {
        for (i, other) in self.duplicate_uids() {
            let e = &self.entries[i];
            let Some(uid) = e.event().and_then(|d| d.uid.as_ref()) else {
                continue;
            };
            let other = &self.entries[other].source;
            diags.push(
                Diagnostic::error(
                    &e.source,
                    uid.pos,
                    format!(
                        "`uid` `{}` is also the uid of {other}: calendars would take the two for one event; keep it on the event it came with and remove it here",
                        uid.value
                    ),
                )
                .with_source(&e.text),
            );
        }
    }

    fn check_references(&self, diags: &mut Diagnostics) {
        self.check_each(
            diags,
            |i| self.visible(i),
            |i, d| self.check_references_of(&self.entries[i], d),
        );
    }

    /// Runs `check` on every entry `keep` accepts. Each entry is checked
    /// on its own, so in parallel; the findings are added in entry order.
    pub(crate) fn check_each(
        &self,
        diags: &mut Diagnostics,
        keep: impl Fn(usize) -> bool + Sync,
        check: impl Fn(usize, &mut Diagnostics) + Sync,
    ) {
        use rayon::prelude::*;
        let found: Vec<Diagnostics> = (0..self.entries.len())
            .into_par_iter()
            .filter(|&i| keep(i))
            .map(|i| {
                let mut d = Diagnostics::new();
                check(i, &mut d);
                d
            })
            .collect();
        for d in found {
            diags.extend(d);
        }
    }

    /// Every front-matter reference of `e` must name an entry.
    pub fn check_references_of(&self, e: &Entry, diags: &mut Diagnostics) {
        // Made at the first finding: a list may name thousands of ids.
        let lines = std::cell::OnceCell::new();
        let lines = || lines.get_or_init(|| LineIndex::new(&e.text));
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
                    .with_source(lines()),
                ),
                Some(_) => {}
                None if self.is_rejected(r.kind, &r.id) => {}
                None => diags.push(self.unknown_reference(e, r).with_source(lines())),
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
        Diagnostic::error(&e.source, r.pos, msg)
    }

    /// Warnings that do not stop a build: dates outside the funding period,
    /// registration open after the event, unreferenced partners, events
    /// without a place, placeholder text.
    ///
    /// A file that already has errors gets no warnings: they would mostly be
    /// echoes of its errors (a wrong date "outside the funding period").
    pub fn lint(&self, diags: &mut Diagnostics) {
        diags.extend(legal::findings(self));
        self.lint_translations(diags);
        let with_errors: std::collections::HashSet<String> = diags
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.path.clone())
            .collect();
        self.check_each(
            diags,
            |i| self.visible(i) && !with_errors.contains(&self.entries[i].source),
            |i, d| self.lint_entry(i, d),
        );
    }

    /// The warnings of entry `i` alone: [`Site::lint`] without its checks
    /// of visibility and of earlier errors in the file, so that `serve`
    /// re-lints only the entries an edit touches.
    pub fn lint_entry(&self, i: usize, diags: &mut Diagnostics) {
        let now = self.config.now;
        let e = &self.entries[i];
        if let Some(off) = find_placeholder(&e.text) {
            let pos = pos_of_offset(&e.text, off);
            diags.push(
                Diagnostic::warning(
                    &e.source,
                    pos,
                    "placeholder text (\"Lorem ipsum\") left in the page",
                )
                .with_source(&e.text),
            );
        }
        let title_pos = find_key(&e.text, "title").unwrap_or(crate::diagnostics::Pos::START);
        match &e.data {
            KindData::Event(ev) => {
                let pos = ev.start.as_ref().map_or(title_pos, |s| s.pos);
                if ev.location.is_none() {
                    let unplaced = ev.sessions.iter().find(|s| s.location.is_none());
                    if ev.sessions.is_empty() || unplaced.is_some() {
                        let (at, what) = match unplaced {
                            Some(s) => (
                                s.pos,
                                "this session has no `location`, and the event none either",
                            ),
                            None => (title_pos, "the event has no `location`"),
                        };
                        diags.push(
                            Diagnostic::warning(
                                &e.source,
                                at,
                                format!("{what}: add `location: Ort` (a place, or `location: {{ online: https://… }}`)"),
                            )
                            .with_source(&e.text),
                        );
                    }
                }
                // Sessions without `id` are told apart in calendars by their
                // start: two at the same start would get the same UID were
                // they not numbered, and the numbers follow the order of the
                // list, so reordering them would swap the two in subscribed
                // calendars.
                let mut starts = std::collections::HashSet::new();
                let lines = std::cell::OnceCell::new();
                for s in ev.sessions.iter().filter(|s| s.id.is_none()) {
                    if !starts.insert(&s.start) {
                        let lines = lines.get_or_init(|| LineIndex::new(&e.text));
                        diags.push(
                            Diagnostic::warning(
                                &e.source,
                                s.pos,
                                "another session starts at the same time: give both an `id` (such as `id: raum-a`) so that calendars keep them apart",
                            )
                            .with_source(lines),
                        );
                    }
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
                if let Some(p) = ev.project.as_ref().and_then(|r| self.resolve(r))
                    && let KindData::Project(pd) = &self.entries[p].data
                {
                    self.lint_funding_period(e, ev, p, pd, pos, diags);
                }
            }
            KindData::Partner(_) => {
                let l = &self.links[i];
                if l.networks.is_empty()
                    && l.projects.is_empty()
                    && l.events.is_empty()
                    && l.posts.is_empty()
                    && !self.may_be_named_by_rejected(Kind::Partner, &e.id)
                {
                    diags.push(
                        Diagnostic::warning(
                            &e.source,
                            title_pos,
                            format!(
                                "partner `{}` is not referred to by any network, project, event or post: its page is reachable only from the partner list",
                                e.id
                            ),
                        )
                        .with_source(&e.text),
                    );
                }
            }
            _ => {}
        }
    }
}

impl Site {
    /// Warns about dates of event `e` outside the funding period of its
    /// project `p`: a session at its own line, each; a series at its
    /// `recurrence`, naming every date outside (the first
    /// [`MAX_DATES_NAMED`], then how many more); a single date at `start`.
    fn lint_funding_period(
        &self,
        e: &Entry,
        ev: &crate::entry::EventData,
        p: usize,
        pd: &crate::entry::ProjectData,
        start_pos: crate::diagnostics::Pos,
        diags: &mut Diagnostics,
    ) {
        let period = format!(
            "the funding period of project `{}` ({} – {})",
            self.entries[p].id,
            pd.start.map_or("…".into(), |s| s.to_string()),
            pd.end.map_or("…".into(), |s| s.to_string()),
        );
        let outside = |d: chrono::NaiveDate| {
            pd.start.is_some_and(|s| d < s) || pd.end.is_some_and(|en| d > en)
        };
        let mut warn = |pos, message: String| {
            diags.push(Diagnostic::warning(&e.source, pos, message).with_source(&e.text));
        };
        if !ev.sessions.is_empty() {
            for s in ev.sessions.iter().filter(|s| outside(s.start.date())) {
                warn(
                    s.pos,
                    format!("this session ({}) lies outside {period}", s.start.date()),
                );
            }
            return;
        }
        let dates: Vec<chrono::NaiveDate> = ev
            .schedule
            .occurrences
            .iter()
            .map(|o| o.start.date())
            .filter(|d| outside(*d))
            .collect();
        let Some(first) = dates.first() else {
            return;
        };
        match &ev.recurrence {
            Some(rule) if ev.schedule.occurrences.len() > 1 => {
                let mut named: Vec<String> = dates
                    .iter()
                    .take(MAX_DATES_NAMED)
                    .map(|d| d.to_string())
                    .collect();
                if dates.len() > MAX_DATES_NAMED {
                    named.push(format!("and {} more", dates.len() - MAX_DATES_NAMED));
                }
                let (what, verb) = if dates.len() == 1 {
                    ("date", "lies")
                } else {
                    ("dates", "lie")
                };
                warn(
                    rule.pos,
                    format!(
                        "{} of {} {what} of the series {verb} outside {period}: {}",
                        dates.len(),
                        ev.schedule.occurrences.len(),
                        named.join(", ")
                    ),
                );
            }
            _ => warn(start_pos, format!("{first} lies outside {period}")),
        }
    }
}

/// How many dates outside a funding period one warning names.
pub const MAX_DATES_NAMED: usize = 5;

/// Site-relative address of the page of entry `id` of `kind`.
pub fn url_of(kind: Kind, id: &str) -> String {
    match kind {
        Kind::Page => format!("{id}/"),
        k => format!("{}/{id}/", k.folder()),
    }
}

/// The placeholder phrases, lower-case, each with a fragment of four
/// letters that every spelling of the phrase contains at a fixed offset.
const PLACEHOLDERS: [(&str, usize); 2] = [("lorem ipsum", 7), ("dolor sit amet", 10)];

/// The byte offset in `text` of the first placeholder text ("Lorem
/// ipsum", "dolor sit amet"), ignoring ASCII case: only the letters of the
/// phrases themselves need folding, so every other letter (umlauts
/// included) keeps its bytes and an offset found is one of `text` itself.
///
/// Every build scans every file, so the scan must cost little per byte.
/// A case-insensitive automaton over whole phrases has four possible first
/// bytes and no fast prefilter (about 18 instructions a byte); instead,
/// aho-corasick's packed SIMD searcher looks for every case spelling of
/// the fragments `psum` and `amet` (32 short needles, which it handles in
/// one vectorised pass), and each rare hit is checked against its whole
/// phrase. Where the packed searcher is unavailable (no SSSE3), one
/// case-insensitive automaton over the whole phrases does the same.
pub fn find_placeholder(text: &str) -> Option<usize> {
    use aho_corasick::{AhoCorasick, MatchKind, packed};
    enum Finder {
        Fragments(packed::Searcher),
        Phrases(AhoCorasick),
    }
    static FINDER: std::sync::LazyLock<Option<Finder>> = std::sync::LazyLock::new(|| {
        let mut config = packed::Config::new();
        config.match_kind(packed::MatchKind::LeftmostFirst);
        let mut builder = config.builder();
        for (phrase, at) in PLACEHOLDERS {
            let fragment = &phrase.as_bytes()[at..at + 4];
            for case in 0..16u8 {
                let spelt: Vec<u8> = (0..4)
                    .map(|k| {
                        let b = fragment[k];
                        if case & (1 << k) != 0 {
                            b.to_ascii_uppercase()
                        } else {
                            b
                        }
                    })
                    .collect();
                builder.add(spelt);
            }
        }
        match builder.build() {
            Some(searcher) => Some(Finder::Fragments(searcher)),
            None => AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::LeftmostFirst)
                .build(PLACEHOLDERS.map(|(phrase, _)| phrase))
                .ok()
                .map(Finder::Phrases),
        }
    });
    match FINDER.as_ref()? {
        Finder::Phrases(ac) => Some(ac.find(text)?.start()),
        Finder::Fragments(searcher) => {
            let bytes = text.as_bytes();
            // The phrase a fragment belongs to: its pattern number / 16.
            let mut best: Option<usize> = None;
            for m in searcher.find_iter(bytes) {
                // A phrase starts at most 10 bytes before its fragment:
                // past that, no later hit can start before the best one.
                if best.is_some_and(|b| m.start() > b + 10) {
                    break;
                }
                let (phrase, at) = PLACEHOLDERS[m.pattern().as_usize() / 16];
                let Some(start) = m.start().checked_sub(at) else {
                    continue;
                };
                let whole = bytes.get(start..start + phrase.len());
                if whole.is_some_and(|w| w.eq_ignore_ascii_case(phrase.as_bytes())) {
                    best = Some(best.map_or(start, |b| b.min(start)));
                }
            }
            best
        }
    }
}

/// Loads a whole site held in memory, through relation resolution and the
/// warnings: `site.yaml`'s text and the files below it (see
/// [`crate::content::load_from_memory`]). Nothing is read from or written to disk; the
/// root is only a name. `None` when the settings are unusable (their
/// problem is in `diags`). This is the entry point of the fuzz targets.
pub fn load_site_from_memory(
    site_yaml: &str,
    files: &[(String, Vec<u8>)],
    diags: &mut Diagnostics,
) -> Option<Site> {
    let root = std::path::Path::new("/nonexistent/tandem-in-memory-site");
    let config = Config::parse(root, site_yaml, &crate::config::Overrides::default(), diags)?;
    let loaded = crate::content::load_from_memory(&config, files, diags);
    let site = Site::new(config, loaded, diags);
    site.lint(diags);
    Some(site)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_found_at_offsets_in_the_text_itself() {
        assert_eq!(find_placeholder("Lorem ipsum dolor"), Some(0));
        assert_eq!(
            find_placeholder("Größe: LOREM IPSUM"),
            Some("Größe: ".len())
        );
        assert_eq!(find_placeholder("x lorem Ipsum"), Some(2));
        assert_eq!(find_placeholder("x lOrEm iPsUm"), Some(2));
        assert_eq!(
            find_placeholder("Übung: Dolor Sit Amet"),
            Some("Übung: ".len())
        );
        // The earliest of several spellings and phrases wins.
        assert_eq!(find_placeholder("ab lorem ipsum, Lorem Ipsum"), Some(3));
        assert_eq!(
            find_placeholder("ä dolor sit amet, lorem ipsum"),
            Some("ä ".len())
        );
        assert_eq!(find_placeholder("ipsum alone, lorem elsewhere"), None);
        // Fragments without their phrase (or at the very start) are passed over.
        assert_eq!(
            find_placeholder("psum Amet; Kamet dolor sit AMET"),
            Some(17)
        );
        assert_eq!(find_placeholder("amet, psum, Ipsum"), None);
        assert_eq!(find_placeholder("ipsum"), None);
        assert_eq!(find_placeholder(""), None);
        // Only ASCII letters fold: no other letter stands in for one.
        assert_eq!(find_placeholder("lorem ıpsum"), None);
        assert_eq!(find_placeholder("lorem ipſum"), None);
        assert_eq!(find_placeholder("lorem\u{a0}ipsum"), None);
    }
}
