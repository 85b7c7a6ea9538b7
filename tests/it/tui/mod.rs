//! The TUI: the pure `App`, the worker against the emulator, and the binary against
//! servers that never answer.

mod app;
mod columns;
mod columns_pty;
mod console;
mod failures;
mod investigate;
mod keys;
mod layout;
mod matches;
mod matches_app;
mod profile_pty;
mod quit;
mod refresh_pty;
mod responsive;
mod results;
mod scope_marks_and_warnings;
mod token_states;
mod views;
mod walk_pty;
mod walks;
mod worker;
