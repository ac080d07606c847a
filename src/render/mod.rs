//! Rendering: Markdown bodies, the theme's Tera templates, and the
//! contexts handed to them.

pub mod markdown;
