//! Confirmations: what a dialog asks and holds, opening one for each destructive action,
//! and the keys inside one.

mod confirm;
pub mod state;
pub(crate) mod view;
