//! Flows shared by the command line and the terminal UI, so both behave the same.

pub mod refresh;
