//! Feeds: iCalendar (per event, per network/partner/project, whole site),
//! the Atom news feed and the sitemap.

pub mod atom;
pub mod calendar;
pub mod ical;
pub mod sitemap;
pub mod vtimezone;
pub mod xml;
