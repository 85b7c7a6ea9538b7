//! The detail view of one session: its fields or raw JSON, scrolled; acting on it.

pub(crate) mod keys;
pub mod state;
pub(crate) mod view;
