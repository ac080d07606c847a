//! Site search: an index of every entry's page, written as small JSON
//! files below `search/data/` and read by the search page's script
//! (`search.js` of the theme) in the visitor's browser, so that nothing is
//! asked of another host and the site stays static.
//!
//! Words are folded (lower case, `ä` → `a`, `ß` → `ss`) and grouped by
//! their Snowball stems in German and English (Pagefind's stemmers): a
//! word's postings are those of every word sharing a stem with it, so
//! "Werkstätten" finds "Werkstatt" and "workshops" finds "Workshop". The
//! index is split by each word's first two letters; a query loads only
//! the parts its words start with, and the result details of the hits it
//! shows. The forms of a stem that fall into one part share one written
//! list: the first has it, the others name that first form. Why not
//! Pagefind itself: see the README's Design notes, "Own search index,
//! Pagefind's stemmers".

use crate::entry::{Kind, KindData};
use crate::model::Site;
use crate::render::context::Contexts;
use crate::routes::Reads;
use pagefind_stem::{Algorithm, Stemmer};
use rayon::prelude::*;
use rustc_hash::{FxBuildHasher, FxHashMap, FxHashSet};
use serde_json::{Value, json};
use std::collections::hash_map::Entry as MapEntry;
use std::collections::{BTreeMap, HashMap};

/// Where the index goes (the table of addresses owns it).
pub use crate::routes::SEARCH_DATA as DATA;
/// Result details per file (`meta-N.json`).
const META_CHUNK: usize = 500;
/// Words longer than this are not indexed (hashes, run-together URLs).
const MAX_WORD: usize = 40;

/// One page as the search knows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    /// Site-absolute address (with the base path): what a result links to.
    pub url: String,
    pub title: String,
    /// The kind in the site's language ("Termin"), shown and filtered by.
    pub kind: String,
    pub summary: String,
    /// When, in words: an event's date and time, a post's date, a project's period.
    pub date: String,
    /// Where: an event's place, a partner's city, a network's region.
    pub place: String,
    /// An event's end (Unix minutes), so that the page ranks events still
    /// to come first even days after the build.
    pub ends: Option<i64>,
    pub networks: Vec<String>,
    pub projects: Vec<String>,
    /// The place to filter by: a real place, not "Online".
    pub place_filter: Option<String>,
}

impl Record {
    /// The texts whose words find the record: title, summary, date, place
    /// and the body's plain text.
    fn texts<'t>(&'t self, plain: &'t str) -> [&'t str; 5] {
        [&self.title, &self.summary, &self.date, &self.place, plain]
    }
}

/// What the index is made from, in the terms `serve` tracks edits by: any
/// entry's fields, text or relations, the networks' and projects' names
/// (the filters), which entries and pages exist, and the labels.
pub fn reads(site: &Site) -> Vec<Reads> {
    let mut reads = vec![Reads::Site, Reads::Names, Reads::Pages];
    reads.extend(Kind::SECTIONS.into_iter().map(Reads::List));
    reads.extend((0..site.entries.len()).map(Reads::Entry));
    reads
}

/// The record of entry `i`, from its card; `None` for an entry without a
/// page (a draft not built). Its words go to an [`Index`].
pub fn record(ctx: &Contexts, i: usize) -> Option<Record> {
    let site = ctx.site;
    if !site.visible(i) {
        return None;
    }
    let e = &site.entries[i];
    let links = &site.links[i];
    let titles = |list: &[usize]| -> Vec<String> {
        list.iter()
            .map(|&n| site.entries[n].title.trim().to_string())
            .collect()
    };
    let mut networks = titles(&links.networks);
    let mut projects = titles(&links.projects);
    projects.extend(
        links
            .project
            .map(|p| site.entries[p].title.trim().to_string()),
    );
    match e.kind {
        Kind::Network => networks.push(e.title.trim().to_string()),
        Kind::Project => projects.push(e.title.trim().to_string()),
        _ => {}
    }
    networks.sort();
    networks.dedup();
    projects.sort();
    projects.dedup();
    let (date, place) = match &e.data {
        KindData::Event(_) => (ctx.card_text(i, "when_long"), ctx.card_text(i, "place")),
        KindData::Post(_) => (ctx.card_text(i, "date_text"), ""),
        KindData::Project(_) => (ctx.card_text(i, "period"), ""),
        KindData::Partner(_) => ("", ctx.card_text(i, "city")),
        KindData::Network(_) => ("", ctx.card_text(i, "region")),
        KindData::Page => ("", ""),
    };
    let summary = e.summary.as_deref().unwrap_or("").trim();
    let ends = (e.kind == Kind::Event)
        .then(|| e.event().and_then(|ev| ev.schedule.end_utc()))
        .flatten()
        .map(|t| t.timestamp().div_euclid(60));
    let kind = match e.kind {
        Kind::Page => ctx.labels.get("search_kind_page"),
        other => ctx.labels.get(other.name()),
    };
    Some(Record {
        url: site.config.link(&site.rel_url(i)),
        title: e.title.trim().to_string(),
        kind: kind.to_string(),
        summary: summary.to_string(),
        date: date.to_string(),
        place: place.to_string(),
        ends,
        networks,
        projects,
        place_filter: (!place.is_empty() && place != ctx.labels.get("online"))
            .then(|| place.to_string()),
    })
}

/// The document number of each entry in the index: entries with a page
/// ([`record`] gives `Some`), numbered in the entries' order. A build adds
/// documents as their pages are rendered, in any order, under these numbers.
pub fn doc_numbers(site: &Site) -> Vec<Option<u32>> {
    let mut next = 0;
    (0..site.entries.len())
        .map(|i| {
            site.visible(i).then(|| {
                next += 1;
                next - 1
            })
        })
        .collect()
}

/// A word as the index and the search page's script compare it: lower
/// case, German umlauts and `ß` spelled out plainly, so that a query
/// typed without them matches.
pub fn fold(word: &str) -> String {
    if word.is_ascii() {
        return word.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(word.len());
    for c in word.chars().flat_map(char::to_lowercase) {
        match c {
            'ä' => out.push('a'),
            'ö' => out.push('o'),
            'ü' => out.push('u'),
            'ß' => out.push_str("ss"),
            c => out.push(c),
        }
    }
    out
}

/// Runs of letters and digits of `text`, two characters or longer: read
/// byte by byte, decoding only the non-ASCII characters.
fn raw_words(text: &str) -> impl Iterator<Item = &str> + '_ {
    let bytes = text.as_bytes();
    let mut at = 0;
    // Whether the character at `at` belongs to a word, and its length.
    let class = move |at: usize| -> (bool, usize) {
        match bytes[at] {
            b if b < 0x80 => (b.is_ascii_alphanumeric(), 1),
            _ => text[at..]
                .chars()
                .next()
                .map_or((false, 1), |c| (c.is_alphanumeric(), c.len_utf8())),
        }
    };
    std::iter::from_fn(move || {
        loop {
            while at < bytes.len() {
                let (word, len) = class(at);
                if word {
                    break;
                }
                at += len;
            }
            if at >= bytes.len() {
                return None;
            }
            let start = at;
            let mut chars = 0;
            while at < bytes.len() {
                let (word, len) = class(at);
                if !word {
                    break;
                }
                at += len;
                chars += 1;
            }
            if chars >= 2 && at - start <= MAX_WORD {
                return Some(&text[start..at]);
            }
        }
    })
}

/// A document's distinct words as written, one per line, for `serve`,
/// which keeps them per entry and indexes them again after an edit
/// without the entries' text. A build does not make them: it adds each
/// page's words to an [`Index`] straight from the text.
#[derive(Clone, Debug, PartialEq)]
pub struct Words {
    all: String,
    title: String,
}

impl Words {
    pub fn of(record: &Record, plain: &str) -> Words {
        Words {
            all: distinct(&record.texts(plain)),
            title: distinct(&[&record.title]),
        }
    }
}

/// The distinct words of `texts` as written, one per line.
fn distinct(texts: &[&str]) -> String {
    let mut seen: FxHashSet<&str> = FxHashSet::default();
    let mut out = String::new();
    for w in texts.iter().flat_map(|t| raw_words(t)) {
        if seen.insert(w) {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(w);
        }
    }
    out
}

/// Postings of one word: the documents it occurs in, and those with it in the title.
#[derive(Default, Clone)]
struct Postings {
    docs: Vec<u32>,
    titles: Vec<u32>,
}

/// A list of document numbers as it grows while the pages are rendered:
/// each number as its difference from the one before, in a variable
/// number of bytes (zigzag LEB128; a thread may take up an earlier page
/// after a later one, so a difference may be negative). A word's
/// documents are mostly close together, so a number takes one or two
/// bytes instead of four: at 100,000 entries the lists are the largest
/// thing a build holds besides the content itself.
#[derive(Default)]
struct Growing {
    bytes: Vec<u8>,
    /// The last number added; `None` before the first.
    last: Option<u32>,
}

impl Growing {
    /// Adds `doc` unless it is the last one added: a document's words are
    /// added together, so this keeps each document once.
    fn add(&mut self, doc: u32) {
        if self.last == Some(doc) {
            return;
        }
        let diff = i64::from(doc) - i64::from(self.last.unwrap_or(0));
        let mut zigzag = ((diff << 1) ^ (diff >> 63)) as u64;
        loop {
            let byte = (zigzag & 0x7f) as u8;
            zigzag >>= 7;
            if zigzag == 0 {
                self.bytes.push(byte);
                break;
            }
            self.bytes.push(byte | 0x80);
        }
        self.last = Some(doc);
    }

    /// The numbers in the order they were added.
    fn numbers(&self) -> impl Iterator<Item = u32> + '_ {
        let mut at = 0;
        let mut last: i64 = 0;
        std::iter::from_fn(move || {
            let mut zigzag: u64 = 0;
            let mut shift = 0;
            loop {
                let byte = *self.bytes.get(at)?;
                at += 1;
                zigzag |= u64::from(byte & 0x7f) << shift;
                shift += 7;
                if byte & 0x80 == 0 {
                    break;
                }
            }
            last += ((zigzag >> 1) as i64) ^ -((zigzag & 1) as i64);
            u32::try_from(last).ok()
        })
    }
}

/// [`Postings`] while the pages are rendered (see [`Growing`]).
#[derive(Default)]
struct GrowingPostings {
    docs: Growing,
    titles: Growing,
}

/// Postings by word as written ("Werkstätten", "werkstätten"), for the
/// documents added to it: one per thread while a build renders its pages,
/// so that each word occurrence costs one lookup and nothing of a page's
/// text is kept; the words are folded once each in [`write`].
#[derive(Default)]
pub struct Index {
    words: hashbrown::HashMap<String, GrowingPostings, FxBuildHasher>,
}

impl Index {
    /// Adds document `doc`: the words of `record`'s texts and `plain`.
    pub fn add(&mut self, doc: u32, record: &Record, plain: &str) {
        for w in raw_words(&record.title) {
            self.entry(w).titles.add(doc);
        }
        for text in record.texts(plain) {
            for w in raw_words(text) {
                self.entry(w).docs.add(doc);
            }
        }
    }

    /// Adds document `doc` from words kept by `serve`.
    pub fn add_words(&mut self, doc: u32, words: &Words) {
        for w in words.title.split('\n').filter(|w| !w.is_empty()) {
            self.entry(w).titles.add(doc);
        }
        for w in words.all.split('\n').filter(|w| !w.is_empty()) {
            self.entry(w).docs.add(doc);
        }
    }

    fn entry(&mut self, word: &str) -> &mut GrowingPostings {
        // One lookup per occurrence; a new word is copied once.
        self.words.entry_ref(word).or_default()
    }
}

/// The index part a word belongs to: the hex of its first two characters'
/// UTF-8 bytes (the search page's script names it the same way).
pub fn part_name(word: &str) -> String {
    let end = word.char_indices().nth(2).map_or(word.len(), |(at, _)| at);
    word.as_bytes()[..end]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The index files for `records` ([`write`]), each file's path below the
/// output and its bytes, sorted by path.
pub fn files(records: &[&Record], indexes: Vec<Index>) -> Vec<(String, Vec<u8>)> {
    let made = std::sync::Mutex::new(Vec::new());
    write(records, indexes, &|path, bytes| {
        made.lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((path, bytes));
    });
    let mut made = made.into_inner().unwrap_or_else(|p| p.into_inner());
    made.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    made
}

/// Makes the index files for `records`, whose words `indexes` hold under
/// the records' positions as document numbers, and hands each to `put`
/// (its path below the output, its bytes) as soon as it is made, from
/// any thread: at 100,000 entries the index is 100 MB, never held whole.
/// The same site gives the same bytes, however the documents were shared
/// among the indexes.
pub fn write(records: &[&Record], indexes: Vec<Index>, put: &(dyn Fn(String, Vec<u8>) + Sync)) {
    let mut timer = crate::timing::Timer::new();
    // Each written form folded once; forms folding into one word, and the
    // indexes' runs of documents, joined and put in order. Each index's
    // compact lists are freed as they are read.
    let mut postings: FxHashMap<String, Postings> = FxHashMap::default();
    for index in indexes {
        for (w, p) in index.words {
            let folded = if w
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            {
                w
            } else {
                fold(&w)
            };
            let joined = postings.entry(folded).or_default();
            joined.docs.extend(p.docs.numbers());
            joined.titles.extend(p.titles.numbers());
        }
    }
    let mut vocabulary: Vec<(String, Postings)> = postings.into_iter().collect();
    vocabulary.par_iter_mut().for_each(|(_, p)| {
        for list in [&mut p.docs, &mut p.titles] {
            list.sort_unstable();
            list.dedup();
        }
    });
    vocabulary.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    timer.lap("search: postings");
    let joined = group_by_stem(&vocabulary);
    timer.lap("search: stems and compounds");

    // The parts, by the words' first two characters, written straight
    // from the lists (no JSON value per number, no copy of a list).
    let mut parts: BTreeMap<String, Vec<(&str, &Postings)>> = BTreeMap::new();
    for (i, (word, own)) in vocabulary.iter().enumerate() {
        let p = joined.of(i, own);
        parts.entry(part_name(word)).or_default().push((word, p));
    }
    let parts: Vec<(String, Vec<(&str, &Postings)>)> = parts.into_iter().collect();
    parts.par_iter().for_each(|(name, words)| {
        // The forms of one stem share their lists: the first form (in
        // the part's order) has them, the others name it.
        let mut first: FxHashMap<*const Postings, &str> = FxHashMap::default();
        let words: BTreeMap<&str, PartEntry> = words
            .iter()
            .map(|&(w, p)| match first.entry(std::ptr::from_ref(p)) {
                MapEntry::Occupied(o) => (w, PartEntry::SameAs(o.get())),
                MapEntry::Vacant(v) => {
                    v.insert(w);
                    (w, PartEntry::Lists(Gaps(&p.docs), Gaps(&p.titles)))
                }
            })
            .collect();
        put(
            format!("{DATA}/w-{name}.json"),
            serde_json::to_vec(&words).unwrap_or_default(),
        );
    });
    put(format!("{DATA}/docs.json"), docs_table(records));
    records
        .par_chunks(META_CHUNK)
        .enumerate()
        .for_each(|(n, chunk)| {
            let meta: Vec<[&str; 6]> = chunk
                .iter()
                .map(|r| {
                    [&r.url, &r.title, &r.kind, &r.date, &r.place, &r.summary].map(String::as_str)
                })
                .collect();
            put(
                format!("{DATA}/meta-{n}.json"),
                serde_json::to_vec(&meta).unwrap_or_default(),
            );
        });
    timer.lap("search: files");
}

/// The shortest part of a compound the index knows on its own ("netz" of
/// "bildungsnetz"), and the shortest rest before it.
const MIN_PART: usize = 4;
const MIN_REST: usize = 3;

/// Each word's postings joined with those of every word that shares its
/// German or English stem (union-find over the sorted vocabulary), and
/// with those of the compounds ending in it.
///
/// German writes compounds as one word: "Entwicklungswerkstätten" holds
/// "Werkstatt", "Netzwerktreffen" holds "Treffen". A compound whose
/// German stem ends in the stem of a word the site also uses on its own
/// lends its documents to that word's group (not the other way round), so
/// that "Werkstatt" finds the "Entwicklungswerkstatt" but
/// "Entwicklungswerkstatt" does not find every "Werkstatt". Only stems of
/// words of the site count as parts, which keeps the index from filling
/// with every ending of every long word.
fn group_by_stem(vocabulary: &[(String, Postings)]) -> Joined {
    let stems: Vec<(String, String)> = vocabulary
        .par_iter()
        .map_init(
            || {
                (
                    Stemmer::create(Algorithm::German),
                    Stemmer::create(Algorithm::English),
                )
            },
            |(de, en), (w, _)| (de.stem(w).into_owned(), en.stem(w).into_owned()),
        )
        .collect();
    let mut parent: Vec<usize> = (0..vocabulary.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut first_de: FxHashMap<&str, usize> = FxHashMap::default();
    let mut first_en: FxHashMap<&str, usize> = FxHashMap::default();
    for (i, (de, en)) in stems.iter().enumerate() {
        for (seen, stem) in [(&mut first_de, de), (&mut first_en, en)] {
            let j = *seen.entry(stem.as_str()).or_insert(i);
            let (a, b) = (root(&mut parent, i), root(&mut parent, j));
            if a != b {
                parent[a.max(b)] = a.min(b);
            }
        }
    }
    let roots: Vec<usize> = (0..vocabulary.len())
        .map(|i| root(&mut parent, i))
        .collect();
    let mut members: FxHashMap<usize, Vec<usize>> = FxHashMap::default();
    for (i, &r) in roots.iter().enumerate() {
        members.entry(r).or_default().push(i);
    }
    let union = |list: &[usize], pick: fn(&Postings) -> &Vec<u32>| -> Vec<u32> {
        let mut all: Vec<u32> = list
            .iter()
            .flat_map(|&m| pick(&vocabulary[m].1).iter().copied())
            .collect();
        all.sort_unstable();
        all.dedup();
        all
    };
    // The compounds lending their documents to each group, by its root.
    let lenders: Vec<(usize, usize)> = stems
        .par_iter()
        .enumerate()
        .flat_map_iter(|(i, (de, _))| {
            de.char_indices()
                .map(|(at, _)| at)
                .filter(|&at| de[..at].chars().count() >= MIN_REST)
                .filter(|&at| de[at..].chars().count() >= MIN_PART)
                .filter_map(|at| first_de.get(&de[at..]))
                .map(|&j| (roots[j], i))
                .filter(|&(r, i)| r != roots[i])
                .collect::<Vec<_>>()
        })
        .collect();
    for (r, i) in lenders {
        members.entry(r).or_default().push(i);
    }
    let groups: FxHashMap<usize, Postings> = members
        .par_iter()
        .filter(|(_, list)| list.len() > 1)
        .map(|(&r, list)| {
            (
                r,
                Postings {
                    docs: union(list, |p| &p.docs),
                    titles: union(list, |p| &p.titles),
                },
            )
        })
        .collect();
    Joined { roots, groups }
}

/// What [`group_by_stem`] found: each word's group, and the joined
/// postings of the groups of more than one word.
struct Joined {
    roots: Vec<usize>,
    groups: FxHashMap<usize, Postings>,
}

impl Joined {
    /// The postings of word `i`: its group's, else `own`.
    fn of<'p>(&'p self, i: usize, own: &'p Postings) -> &'p Postings {
        self.groups.get(&self.roots[i]).unwrap_or(own)
    }
}

/// A word of an index part: its documents and those with it in the title
/// (`[docs, titles]`), or the word before it in the part whose lists
/// they are (`"werkstatt"` for "werkstatten"): a stem's forms share one
/// list, written once.
enum PartEntry<'p> {
    Lists(Gaps<'p>, Gaps<'p>),
    SameAs(&'p str),
}

impl serde::Serialize for PartEntry<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            PartEntry::Lists(docs, titles) => (docs, titles).serialize(s),
            PartEntry::SameAs(word) => word.serialize(s),
        }
    }
}

/// Sorted document numbers written as gaps (`[3, 5, 9]` → `[3, 2, 4]`):
/// shorter JSON, made while it is written.
struct Gaps<'p>(&'p [u32]);

impl serde::Serialize for Gaps<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        let mut last = 0;
        for &d in self.0 {
            seq.serialize_element(&(d - last))?;
            last = d;
        }
        seq.end()
    }
}

/// `docs.json`: the filter values once, and per document what ranking
/// and filtering need without loading its details: kind, end, networks,
/// projects, place (as numbers into the value lists).
fn docs_table(records: &[&Record]) -> Vec<u8> {
    let mut kinds = Values::default();
    let mut networks = Values::default();
    let mut projects = Values::default();
    let mut places = Values::default();
    let docs: Vec<Value> = records
        .iter()
        .map(|r| {
            let k = kinds.id(&r.kind);
            let n: Vec<usize> = r.networks.iter().map(|x| networks.id(x)).collect();
            let p: Vec<usize> = r.projects.iter().map(|x| projects.id(x)).collect();
            let place = r.place_filter.as_ref().map_or(-1, |x| places.id(x) as i64);
            json!([k, r.ends.unwrap_or(0), n, p, place])
        })
        .collect();
    serde_json::to_vec(&json!({
        "version": 1,
        "meta_chunk": META_CHUNK,
        "kinds": kinds.list,
        "networks": networks.list,
        "projects": projects.list,
        "places": places.list,
        "docs": docs,
    }))
    .unwrap_or_default()
}

/// Distinct values in order of first use, numbered.
#[derive(Default)]
struct Values {
    list: Vec<String>,
    ids: HashMap<String, usize>,
}

impl Values {
    fn id(&mut self, v: &str) -> usize {
        if let Some(&id) = self.ids.get(v) {
            return id;
        }
        self.list.push(v.to_string());
        self.ids.insert(v.to_string(), self.list.len() - 1);
        self.list.len() - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn growing_lists_give_back_every_number_in_the_order_added() {
        // Rising, falling (a thread taking up an earlier page), repeated
        // (dropped when it follows itself), and the extremes.
        let added = [
            7,
            7,
            8,
            300,
            2,
            2,
            0,
            u32::MAX,
            0,
            70_000,
            69_999,
            u32::MAX - 1,
        ];
        let mut list = Growing::default();
        for n in added {
            list.add(n);
        }
        let back: Vec<u32> = list.numbers().collect();
        assert_eq!(
            back,
            [7, 8, 300, 2, 0, u32::MAX, 0, 70_000, 69_999, u32::MAX - 1]
        );
        // Close numbers take one byte each.
        let mut close = Growing::default();
        for n in 1000..1100 {
            close.add(n);
        }
        assert_eq!(close.bytes.len(), 2 + 99);
        assert_eq!(close.numbers().count(), 100);
    }

    fn rec(title: &str, text: &str) -> (Record, String) {
        let record = Record {
            url: format!("/{}/", fold(title)),
            title: title.into(),
            kind: "Termin".into(),
            summary: String::new(),
            date: String::new(),
            place: String::new(),
            ends: None,
            networks: vec![],
            projects: vec![],
            place_filter: None,
        };
        (record, text.to_string())
    }

    /// The files of `docs` added to two indexes, as two threads of a
    /// build would, and again from the words `serve` keeps: both the same.
    fn files_of(docs: &[(Record, String)]) -> Vec<(String, Vec<u8>)> {
        let records: Vec<&Record> = docs.iter().map(|(r, _)| r).collect();
        let mut odd = Index::default();
        let mut even = Index::default();
        let mut kept = Index::default();
        for (doc, (record, text)) in docs.iter().enumerate().rev() {
            let into = if doc % 2 == 0 { &mut even } else { &mut odd };
            into.add(doc as u32, record, text);
        }
        for (doc, (record, text)) in docs.iter().enumerate() {
            kept.add_words(doc as u32, &Words::of(record, text));
        }
        let built = files(&records, vec![odd, even]);
        assert!(
            built == files(&records, vec![kept]),
            "serve's index differs"
        );
        built
    }

    /// The part of `word` as written.
    fn raw_part(files: &[(String, Vec<u8>)], word: &str) -> Value {
        let name = format!("{DATA}/w-{}.json", part_name(word));
        let (_, bytes) = files.iter().find(|(p, _)| *p == name).expect("part");
        serde_json::from_slice(bytes).expect("json")
    }

    /// The part of `word` with every word's own lists, as `search.js`
    /// reads them: a word that names another has that word's lists.
    fn part(files: &[(String, Vec<u8>)], word: &str) -> Value {
        let raw = raw_part(files, word);
        let Value::Object(words) = &raw else {
            panic!("a part is an object: {raw}")
        };
        let resolved = words.iter().map(|(w, v)| {
            let lists = match v {
                Value::String(other) => {
                    let target = &words[other];
                    assert!(target.is_array(), "`{w}` names `{other}`, which has lists");
                    target.clone()
                }
                _ => v.clone(),
            };
            (w.clone(), lists)
        });
        Value::Object(resolved.collect())
    }

    #[test]
    fn words_are_folded_and_split_on_anything_but_letters_and_digits() {
        let words = |text| raw_words(text).map(fold);
        let w: Vec<String> = words("Werkstätten-Tag: Straße, 2027 & a B2B").collect();
        assert_eq!(w, ["werkstatten", "tag", "strasse", "2027", "b2b"]);
        assert_eq!(part_name("werkstatt"), "7765");
        assert_eq!(part_name(&fold("Über")), part_name("uber"));
    }

    #[test]
    fn a_word_finds_the_compounds_ending_in_it() {
        let files = files_of(&[
            rec("Werkstatt", "Offene Werkstatt."),
            rec("Entwicklungswerkstätten", "Im Ganztag."),
            rec("Netzwerktreffen", "Ein Treffen."),
            rec("Werk", "Zu kurz, ein Teil zu sein."),
        ]);
        let p = part(&files, "werkstatt");
        assert_eq!(p["werkstatt"][0], json!([0, 1]), "documents 0 and 1");
        let p = part(&files, "treffen");
        assert_eq!(p["treffen"][0], json!([2]));
        assert_eq!(p["treffen"][1], json!([2]), "in the title of the compound");
        let p = part(&files, "entwicklungswerkstatten");
        assert_eq!(
            p["entwicklungswerkstatten"][0],
            json!([1]),
            "not every Werkstatt"
        );
        let p = part(&files, "werk");
        assert_eq!(
            p["werk"][0],
            json!([3]),
            "a part is four letters or more, after three"
        );
    }

    #[test]
    fn words_sharing_a_stem_share_their_documents() {
        let files = files_of(&[
            rec("Werkstatt Digital", "Ein Tag in der Werkstatt."),
            rec("Zwei Werkstätten", "Offene Werkstätten im Herbst."),
            rec("Workshop Daten", "Ein Workshop."),
            rec("Netzwerktreffen", "Workshops und Vorträge."),
        ]);
        let p = part(&files, "werkstatt");
        assert_eq!(p["werkstatt"][0], json!([0, 1]));
        assert_eq!(p["werkstatten"][0], json!([0, 1]));
        assert_eq!(
            raw_part(&files, "werkstatt")["werkstatten"],
            json!("werkstatt"),
            "the shared lists are written once"
        );
        let p = part(&files, "workshops");
        assert_eq!(p["workshops"][0], json!([2, 1]), "gaps: documents 2 and 3");
        assert_eq!(
            p["workshop"][1],
            json!([2]),
            "in the title of document 2 only"
        );
        let docs: Value = serde_json::from_slice(
            &files
                .iter()
                .find(|(p, _)| p.ends_with("docs.json"))
                .expect("docs")
                .1,
        )
        .expect("json");
        assert_eq!(docs["docs"].as_array().map(Vec::len), Some(4));
    }
}
