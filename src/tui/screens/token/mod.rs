//! The Token tab: the user token's life, its refreshes and where it was used from.

pub(crate) mod keys;
pub mod state;
pub(crate) mod view;
