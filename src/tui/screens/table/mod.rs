//! A session table, as the Sessions and My sessions tabs show it: its state (the result
//! set, the page, marks), the keys every table shares, and its drawing with the query bar.

pub(crate) mod cols;
pub(crate) mod keys;
pub(crate) mod query_bar;
pub mod state;
pub(crate) mod view;
