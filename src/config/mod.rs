//! Profiles, environment and config file; where tokens come from.

pub mod defaults;
pub mod duration;
pub mod file;
pub mod paths;
pub mod secret_file;
pub mod server;
pub mod settings;
pub mod theme;
pub mod token_file;
pub mod user_tokens;

pub use settings::{ConfigError, Given, Inputs, Origin, Settings, Source, resolve};
pub use theme::ThemeConfig;
