//! Feeds: iCalendar (per event, per network/partner/project, whole site),
//! the Atom news feed and the sitemap.

pub mod calendar;
pub mod ical;
pub mod vtimezone;
