//! The CLI binary against the emulator and scripted servers.

mod client;
mod sessions;
mod terminal_safety;
