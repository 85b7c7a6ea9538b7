//! The listings over the screen: the message log (`@`) and the marked rows (`M`), both
//! scrolled from their newest line.

mod keys;
pub(crate) mod view;
