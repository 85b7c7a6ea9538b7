//! The terminal UI: pure state and drawing, an async worker, and the run loop.

pub mod app;
pub mod command;
pub mod keymap;
pub mod view;
