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
//! shows. Why not Pagefind itself: see the README's "Search" section.

use crate::entry::{Kind, KindData};
use crate::model::Site;
use crate::render::context::Contexts;
use crate::routes::Reads;
use pagefind_stem::{Algorithm, Stemmer};
use rayon::prelude::*;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};

/// Where the index goes, below the search page (`search/`).
pub const DATA: &str = "search/data";
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
    /// The body as plain text.
    pub text: String,
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

/// The records of every entry with a page, in the entries' order (the
/// index numbers documents by it): `bodies[i]` is entry `i`'s rendered
/// text. `build` makes them one by one as bodies are rendered and freed;
/// `serve` keeps the bodies and makes them all again here.
pub fn records(ctx: &Contexts, bodies: &[crate::render::markdown::Rendered]) -> Vec<Record> {
    (0..ctx.site.entries.len())
        .into_par_iter()
        .filter_map(|i| record(ctx, i, bodies.get(i).map_or("", |b| b.plain.as_str())))
        .collect()
}

/// The record of entry `i`, from its card and its body's plain text;
/// `None` for an entry without a page (a draft not built).
pub fn record(ctx: &Contexts, i: usize, plain: &str) -> Option<Record> {
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
        summary: e.summary.as_deref().unwrap_or("").trim().to_string(),
        date: date.to_string(),
        place: place.to_string(),
        ends,
        networks,
        projects,
        place_filter: (!place.is_empty() && place != ctx.labels.get("online"))
            .then(|| place.to_string()),
        text: plain.to_string(),
    })
}

/// A word as the index and the search page's script compare it: lower
/// case, German umlauts and `ß` spelled out plainly, so that a query
/// typed without them matches.
pub fn fold(word: &str) -> String {
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

/// The folded words of `text` that are indexed: runs of letters and
/// digits, two characters or longer.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    raw_words(text).map(fold)
}

fn raw_words(text: &str) -> impl Iterator<Item = &str> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() <= MAX_WORD && w.chars().nth(1).is_some())
}

/// The distinct folded words of `texts`: each written word is folded
/// once, however often it occurs.
fn distinct(texts: &[&str]) -> Vec<String> {
    let raw: std::collections::HashSet<&str> = texts.iter().flat_map(|t| raw_words(t)).collect();
    let mut out: Vec<String> = raw
        .into_iter()
        .map(|w| {
            if w.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            {
                w.to_string()
            } else {
                fold(w)
            }
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
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

/// Postings of one word: the documents it occurs in, and those with it in the title.
#[derive(Default, Clone)]
struct Postings {
    docs: Vec<u32>,
    titles: Vec<u32>,
}

/// The index files for `records`: each file's path below the output and
/// its bytes, in a fixed order (the same site gives the same bytes).
pub fn files(records: &[Record]) -> Vec<(String, Vec<u8>)> {
    // Each document's distinct words, in parallel.
    let per_doc: Vec<(Vec<String>, Vec<String>)> = records
        .par_iter()
        .map(|r| {
            let title = distinct(&[&r.title]);
            let all = distinct(&[&r.title, &r.summary, &r.place, &r.date, &r.text]);
            (all, title)
        })
        .collect();
    let mut postings: HashMap<String, Postings> = HashMap::new();
    for (doc, (all, title)) in per_doc.into_iter().enumerate() {
        let doc = doc as u32;
        for w in title {
            postings.entry(w).or_default().titles.push(doc);
        }
        for w in all {
            postings.entry(w).or_default().docs.push(doc);
        }
    }
    let mut vocabulary: Vec<(String, Postings)> = postings.into_iter().collect();
    vocabulary.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let grouped = group_by_stem(&vocabulary);

    // The parts, by the words' first two characters.
    let mut parts: BTreeMap<String, serde_json::Map<String, Value>> = BTreeMap::new();
    for ((word, _), p) in vocabulary.iter().zip(&grouped) {
        parts
            .entry(part_name(word))
            .or_default()
            .insert(word.clone(), json!([deltas(&p.docs), deltas(&p.titles)]));
    }
    let mut out: Vec<(String, Vec<u8>)> = parts
        .into_iter()
        .map(|(name, words)| {
            (
                format!("{DATA}/w-{name}.json"),
                serde_json::to_vec(&Value::Object(words)).unwrap_or_default(),
            )
        })
        .collect();
    out.push((format!("{DATA}/docs.json"), docs_table(records)));
    for (n, chunk) in records.chunks(META_CHUNK).enumerate() {
        let meta: Vec<Value> = chunk
            .iter()
            .map(|r| json!([r.url, r.title, r.kind, r.date, r.place, r.summary]))
            .collect();
        out.push((
            format!("{DATA}/meta-{n}.json"),
            serde_json::to_vec(&meta).unwrap_or_default(),
        ));
    }
    out
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
fn group_by_stem(vocabulary: &[(String, Postings)]) -> Vec<Postings> {
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
    let mut first_de: HashMap<&str, usize> = HashMap::new();
    let mut first_en: HashMap<&str, usize> = HashMap::new();
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
    let mut members: HashMap<usize, Vec<usize>> = HashMap::new();
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
    let groups: HashMap<usize, Postings> = members
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
    roots
        .iter()
        .enumerate()
        .map(|(i, r)| {
            groups
                .get(r)
                .cloned()
                .unwrap_or_else(|| vocabulary[i].1.clone())
        })
        .collect()
}

/// Sorted document numbers as gaps (`[3, 5, 9]` → `[3, 2, 4]`): shorter JSON.
fn deltas(sorted: &[u32]) -> Vec<u32> {
    let mut last = 0;
    sorted
        .iter()
        .map(|&d| {
            let gap = d - last;
            last = d;
            gap
        })
        .collect()
}

/// `docs.json`: the filter values once, and per document what ranking
/// and filtering need without loading its details: kind, end, networks,
/// projects, place (as numbers into the value lists).
fn docs_table(records: &[Record]) -> Vec<u8> {
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

    fn rec(title: &str, text: &str) -> Record {
        Record {
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
            text: text.into(),
        }
    }

    fn part(files: &[(String, Vec<u8>)], word: &str) -> Value {
        let name = format!("{DATA}/w-{}.json", part_name(word));
        let (_, bytes) = files.iter().find(|(p, _)| *p == name).expect("part");
        serde_json::from_slice(bytes).expect("json")
    }

    #[test]
    fn words_are_folded_and_split_on_anything_but_letters_and_digits() {
        let w: Vec<String> = words("Werkstätten-Tag: Straße, 2027 & a B2B").collect();
        assert_eq!(w, ["werkstatten", "tag", "strasse", "2027", "b2b"]);
        assert_eq!(part_name("werkstatt"), "7765");
        assert_eq!(part_name(&fold("Über")), part_name("uber"));
    }

    #[test]
    fn a_word_finds_the_compounds_ending_in_it() {
        let files = files(&[
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
        let files = files(&[
            rec("Werkstatt Digital", "Ein Tag in der Werkstatt."),
            rec("Zwei Werkstätten", "Offene Werkstätten im Herbst."),
            rec("Workshop Daten", "Ein Workshop."),
            rec("Netzwerktreffen", "Workshops und Vorträge."),
        ]);
        let p = part(&files, "werkstatt");
        assert_eq!(p["werkstatt"][0], json!([0, 1]));
        assert_eq!(p["werkstatten"][0], json!([0, 1]));
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
