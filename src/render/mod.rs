//! Rendering: Markdown bodies, the theme's Tera templates, and the
//! contexts handed to them.

pub mod component_cache;
pub mod context;
pub mod i18n;
pub mod markdown;
pub mod pages;
pub mod theme;
pub mod web_calendars;
