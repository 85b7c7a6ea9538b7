//! What the integration tests share, one module per kind of thing a test starts.
//!
//! - [`app`]: a fixed clock, sessions, key presses and loaded `App`s for pure TUI tests.
//! - [`cli`]: the real binary run against an emulator in a private folder, with every
//!   token value checked against what it wrote.
//! - [`client`]: an AuthN client that retries fast, for tests that must not wait.
//! - [`emulator`]: starting an emulator (with options) and talking JSON to it.
//! - [`pty`]: the real binary in a pseudo-terminal, its screen read back.
//! - [`server`]: a scripted HTTP/1.1 server that can misbehave byte by byte.
//! - [`watch`]: `sessions watch` in the background, and the emulator's listing to check it.
//! - [`worker`]: the TUI's worker against an emulator, and every session it holds.

pub(crate) mod app;
pub(crate) mod cli;
pub(crate) mod client;
pub(crate) mod emulator;
pub(crate) mod pty;
pub(crate) mod server;
pub(crate) mod watch;
pub(crate) mod worker;

use proptest::test_runner::{FailurePersistence, FileFailurePersistence};

/// Where a property test keeps the failing cases it has found: beside its source file
/// (`fuzz.rs` -> `fuzz.proptest-regressions`), replayed before any new case.
pub(crate) fn regressions() -> Box<dyn FailurePersistence> {
    Box::new(FileFailurePersistence::WithSource("proptest-regressions"))
}
