//! The Sessions tab: every session of the project, with marks, bulk actions and export.

pub(crate) mod keys;
