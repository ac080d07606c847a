//! The relation graph of section 4 of the content format: every fact is
//! stated once by an author and shows on both sides.

pub use super::site::Links;
use super::site::Site;
use crate::entry::{Kind, KindData};
use rayon::prelude::*;
use std::collections::HashMap;

fn add(list: &mut Vec<usize>, i: usize) {
    if !list.contains(&i) {
        list.push(i);
    }
}

pub fn compute(site: &Site) -> Vec<Links> {
    let n = site.entries.len();
    let mut links = vec![Links::default(); n];
    let res = |r: &crate::entry::Ref| site.resolve(r);

    // Forward references, as written.
    for (i, e) in site.entries.iter().enumerate() {
        if !site.visible(i) {
            continue;
        }
        let l = &mut links[i];
        match &e.data {
            KindData::Network(d) => d
                .partners
                .iter()
                .filter_map(res)
                .for_each(|t| add(&mut l.partners, t)),
            KindData::Partner(d) => d
                .networks
                .iter()
                .filter_map(res)
                .for_each(|t| add(&mut l.networks, t)),
            KindData::Project(d) => {
                l.lead = d.lead.as_ref().and_then(res);
                d.partners
                    .iter()
                    .filter_map(res)
                    .for_each(|t| add(&mut l.partners, t));
                d.networks
                    .iter()
                    .filter_map(res)
                    .for_each(|t| add(&mut l.networks, t));
            }
            KindData::Event(d) => {
                l.project = d.project.as_ref().and_then(res);
                d.organizers
                    .iter()
                    .filter_map(res)
                    .for_each(|t| add(&mut l.organizers, t));
                d.networks
                    .iter()
                    .filter_map(res)
                    .for_each(|t| add(&mut l.networks, t));
            }
            KindData::Post(d) => d
                .about
                .iter()
                .filter_map(res)
                .for_each(|t| add(&mut l.about, t)),
            KindData::Page => {}
        }
    }

    // The other direction, from visible sources only.
    for i in 0..n {
        if !site.visible(i) {
            continue;
        }
        let fwd = links[i].clone();
        match site.entries[i].kind {
            Kind::Network => {
                for &p in &fwd.partners {
                    add(&mut links[p].networks, i);
                }
            }
            Kind::Partner => {
                for &nw in &fwd.networks {
                    add(&mut links[nw].partners, i);
                }
            }
            Kind::Project => {
                for &p in fwd.lead.iter().chain(&fwd.partners) {
                    add(&mut links[p].projects, i);
                }
                for &nw in &fwd.networks {
                    add(&mut links[nw].projects, i);
                }
            }
            Kind::Event => {
                if let Some(p) = fwd.project {
                    add(&mut links[p].events, i);
                }
                for &o in &fwd.organizers {
                    add(&mut links[o].events, i);
                }
                for &nw in &fwd.networks {
                    add(&mut links[nw].events, i);
                }
            }
            Kind::Post => {
                for &t in &fwd.about {
                    add(&mut links[t].posts, i);
                }
            }
            Kind::Page => {}
        }
    }

    // A project's events belong to its networks, and the event shows them.
    for i in 0..n {
        if site.entries[i].kind != Kind::Event || !site.visible(i) {
            continue;
        }
        if let Some(p) = links[i].project {
            let nets = links[p].networks.clone();
            for nw in nets {
                if site.visible(nw) {
                    add(&mut links[nw].events, i);
                }
                add(&mut links[i].networks, nw);
            }
        }
    }

    // Derived lists never show drafts; order everything for display.
    let event_key = |i: &usize| {
        let e = &site.entries[*i];
        let start = e.event().and_then(|d| d.schedule.start_utc());
        (start, e.id.clone())
    };
    // Each entry's lists sort on their own: in parallel.
    links.par_iter_mut().for_each(|l| {
        for list in [&mut l.networks, &mut l.partners, &mut l.projects] {
            sort_by_title(site, list);
        }
        l.events.retain(|e| site.visible(*e));
        l.events.sort_by_cached_key(event_key);
        l.posts.retain(|p| site.visible(*p));
        sort_posts(site, &mut l.posts);
    });
    links
}

fn title_key(site: &Site, i: usize) -> (String, String) {
    let e = &site.entries[i];
    (e.title.to_lowercase(), e.id.clone())
}

pub fn sort_by_title(site: &Site, list: &mut [usize]) {
    list.sort_by_cached_key(|i| title_key(site, *i));
}

pub fn sort_posts(site: &Site, list: &mut [usize]) {
    list.sort_by_cached_key(|i| {
        let e = &site.entries[*i];
        let date = match &e.data {
            KindData::Post(p) => Some(p.date.naive()),
            _ => None,
        };
        (std::cmp::Reverse(date), e.id.clone())
    });
}

/// Visible entries of each kind in the order their listing shows them.
pub fn listing_order(site: &Site) -> HashMap<Kind, Vec<usize>> {
    let mut map: HashMap<Kind, Vec<usize>> = HashMap::new();
    for (i, e) in site.entries.iter().enumerate() {
        if site.visible(i) {
            map.entry(e.kind).or_default().push(i);
        }
    }
    map.par_iter_mut()
        .for_each(|(kind, list)| sort_listing(site, *kind, list));
    map
}

/// Sorts entries of `kind` into the order their listing shows them. Public
/// so that `serve` can re-sort one kind after an edit instead of all.
pub fn sort_listing(site: &Site, kind: Kind, list: &mut [usize]) {
    match kind {
        Kind::Event => list.sort_by_cached_key(|i| {
            let e = &site.entries[*i];
            (e.event().and_then(|d| d.schedule.start_utc()), e.id.clone())
        }),
        Kind::Post => sort_posts(site, list),
        Kind::Page => list.sort_by(|a, b| site.entries[*a].id.cmp(&site.entries[*b].id)),
        _ => sort_by_title(site, list),
    }
}
