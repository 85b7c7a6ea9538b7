//! The integration tests: one binary, one module per area, one shared harness.
//!
//! Each area talks to the crate the way a user or a caller would: over loopback HTTP to the
//! emulator or a scripted server, through the real binary, or through `App::update` and the
//! view. `harness` holds everything two areas would otherwise each write for themselves.

// A failed unwrap in a test or its harness is a failed test, with the line that broke.
#![allow(clippy::unwrap_used)]

mod harness;

mod actions;
mod chaos;
mod cli;
mod client;
mod config;
mod config_resolve;
mod dead_server_pty;
mod e2e;
mod emulator;
mod fuzz;
mod hostile;
mod house;
mod investigate;
mod readme;
mod secrets;
mod snapshots;
mod spec_fixtures;
mod tui;
mod wire;
