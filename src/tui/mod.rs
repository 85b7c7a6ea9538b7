//! The terminal UI: pure state and drawing, an async worker, and the run loop.

pub mod command;
pub mod worker;
