//! Profiles, environment and config file; where tokens come from.

pub mod file;
pub mod paths;
pub mod settings;
pub mod token_file;

pub use settings::{ConfigError, Given, Inputs, Origin, Settings, Source, resolve};
