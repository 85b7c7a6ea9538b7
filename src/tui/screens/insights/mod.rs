//! The Insights tab: the query's sessions as charts; a bar's term to the query.

pub(crate) mod keys;
pub mod state;
pub(crate) mod view;
