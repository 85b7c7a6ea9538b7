//! The CLI binary against the emulator and scripted servers.

mod client;
mod exits;
mod investigate;
mod options_and_output;
mod progress;
mod results;
mod safety;
mod scripts;
mod sessions;
mod terminal_safety;
mod token_refresh;
mod walks;
pub(crate) mod watch;
