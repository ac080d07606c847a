//! tandem: a static site generator for education networks, their partner
//! organisations, funded projects and events, with calendar feeds.
//!
//! The modules are layered, each using only those before it (the leaves
//! [`diagnostics`], [`text`], [`slug`], [`anchors`], [`digits`] and
//! [`error`] aside): [`entry`] (the types, event dates) → [`frontmatter`]
//! (yaml, schema, typed fields) → [`config`] → [`content`] (walk, file →
//! entry) → [`model`] (ids, relation graph, lint; reads no files) →
//! [`output`] (where built files go, atomic write) → [`render`] (Markdown,
//! templates) → [`feeds`] (iCal, Atom, sitemap); [`build`], [`serve`] and
//! [`cli`] sit on top.

pub mod anchors;
pub mod build;
pub mod cli;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod digits;
pub mod entry;
pub mod error;
pub mod feeds;
pub mod frontmatter;
pub mod images;
pub mod import;
pub mod legal;
pub mod lock;
pub mod model;
pub mod output;
pub mod progress;
pub mod render;
pub mod routes;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod slug;
pub mod text;
pub mod timing;

pub use error::Error;
