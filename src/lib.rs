//! tandem: a static site generator for education networks, their partner
//! organisations, funded projects and events, with calendar feeds.
//!
//! The modules follow the build pipeline:
//! [`config`] → [`content`] (load, front matter) → [`model`] (entries, ids,
//! relation graph) → [`render`] (Markdown, templates) → [`feeds`] (iCal,
//! Atom, sitemap) → [`output`] (atomic write); [`serve`] sits on top.

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
pub mod model;
pub mod output;
pub mod render;
pub mod scaffold;
pub mod serve;
pub mod slug;
pub mod text;
pub mod timing;

pub use error::Error;
