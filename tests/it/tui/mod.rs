//! The TUI: the pure `App`, the worker against the emulator, and the binary against
//! servers that never answer.

mod app;
mod refresh_pty;
mod responsive;
mod token_states;
mod truth;
mod worker;
