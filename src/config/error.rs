//! A configuration that cannot be used as it stands.

use super::file::FileError;
use super::inputs::Source;

/// A configuration that cannot be used as it stands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// The config file is unreadable or invalid.
    #[error(transparent)]
    File(#[from] FileError),
    /// `--profile` (or `default_profile`) names a profile the file lacks.
    #[error("no profile `{name}` in {path}{}", if available.is_empty() { String::new() } else { format!(" (profiles: {})", available.join(", ")) })]
    UnknownProfile {
        /// The requested name.
        name: String,
        /// The config file.
        path: String,
        /// Profiles the file has.
        available: Vec<String>,
    },
    /// A setting has a value that makes no sense.
    #[error("{setting} (from {origin}): {reason}")]
    BadValue {
        /// Which setting.
        setting: &'static str,
        /// Where the value came from.
        origin: Source,
        /// What is wrong.
        reason: String,
    },
    /// No way to talk to a real server.
    #[error("{0}")]
    Missing(String),
}
