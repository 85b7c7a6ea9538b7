//! The My sessions tab: the user's own sessions, and logging this session out.

pub(crate) mod keys;
