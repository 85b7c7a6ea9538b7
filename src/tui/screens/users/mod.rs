//! The Users tab: the query's sessions by user, and acting on a user.

pub(crate) mod keys;
pub mod state;
pub(crate) mod view;
