//! The TUI: the pure `App`, the worker against the emulator, and the binary against
//! servers that never answer.

mod app;
mod client_token_pty;
mod columns;
mod columns_pty;
mod console;
mod console_pty;
mod failures;
mod investigate;
mod keys;
mod layout;
mod matches;
mod matches_app;
mod nav;
mod nav_pty;
mod profile_pty;
mod pulses;
mod pulses_live;
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
