//! Profiles, environment and config file; where tokens come from.

pub mod defaults;
pub mod duration;
pub mod error;
pub mod file;
pub mod inputs;
pub mod paths;
pub mod secret_file;
pub mod server;
pub mod settings;
pub mod theme;
pub mod token_file;
pub mod user_tokens;
pub mod views;

pub use error::ConfigError;
pub use inputs::{Given, Inputs, Source};
pub use settings::{Origin, Settings, resolve};
pub use theme::ThemeConfig;
