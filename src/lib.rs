//! authtop: manage Pangea AuthN login sessions from a terminal.
#![forbid(unsafe_code)]

pub mod actions;
pub mod audit;
/// The AuthN client, under the name the rest of the crate has always used.
pub use pangea_authn as authn;
pub mod cli;
pub mod clock;
pub mod color;
pub mod config;
pub mod demo;
/// The local AuthN emulator.
pub use authtop_emulator as emulator;
pub mod investigate;
pub mod number;
pub mod output;
pub mod query;
pub mod results;
pub mod sanitize;
pub mod tui;
