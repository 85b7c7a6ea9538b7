//! The help overlay: every key of the registry and the query reference, scrolled.

mod keys;
pub(crate) mod view;
