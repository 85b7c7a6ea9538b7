//! authtop: manage Pangea AuthN login sessions from a terminal.
#![forbid(unsafe_code)]

pub mod actions;
pub mod audit;
pub mod authn;
pub mod cli;
pub mod clock;
pub mod color;
pub mod config;
pub mod demo;
pub mod emulator;
pub mod investigate;
pub mod number;
pub mod output;
pub mod query;
pub mod results;
pub mod sanitize;
pub mod tui;
