//! What the command line and the environment said, with where each value came from,
//! and the names of the variables read.

use crate::authn::Secret;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

/// Env var holding the service token.
pub const TOKEN_ENV: &str = "PANGEA_AUTHN_TOKEN";
/// Env var holding the Pangea domain.
pub const DOMAIN_ENV: &str = "PANGEA_DOMAIN";
/// Env var holding the user's active token.
pub const USER_TOKEN_ENV: &str = "AUTHTOP_USER_TOKEN";
/// Env var holding the user's refresh token.
pub const REFRESH_TOKEN_ENV: &str = "AUTHTOP_REFRESH_TOKEN";
/// Env var choosing a profile (as explicit as `--profile`).
pub const PROFILE_ENV: &str = "AUTHTOP_PROFILE";

/// Where a resolved value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A command-line flag.
    Flag,
    /// An env var (its name).
    Env(String),
    /// The named profile of the config file.
    Profile(String),
    /// A token pair file.
    TokenFile(PathBuf),
    /// A file holding the service token.
    File(PathBuf),
    /// Standard input.
    Stdin,
    /// Built in.
    Default,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Flag => f.write_str("flag"),
            Source::Env(name) => write!(f, "env {name}"),
            Source::Profile(name) => write!(f, "profile {name}"),
            Source::TokenFile(path) => write!(f, "token file {}", path.display()),
            Source::File(path) => write!(f, "file {}", path.display()),
            Source::Stdin => f.write_str("standard input"),
            Source::Default => f.write_str("default"),
        }
    }
}

/// A value given on the command line or through the env, with where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Given<T> {
    /// The value.
    pub value: T,
    /// [`Source::Flag`] or [`Source::Env`].
    pub source: Source,
}

impl<T> Given<T> {
    /// A value from a flag.
    pub fn flag(value: T) -> Self {
        Self {
            value,
            source: Source::Flag,
        }
    }
    /// A value from the named env var.
    pub fn env(value: T, name: &str) -> Self {
        Self {
            value,
            source: Source::Env(name.to_string()),
        }
    }
}

/// What the command line and env said; `None` means not given.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// `--base-url`.
    pub base_url: Option<Given<String>>,
    /// `--domain` / `PANGEA_DOMAIN`.
    pub domain: Option<Given<String>>,
    /// `--token` / `PANGEA_AUTHN_TOKEN` / `--service-token-file -` (standard input).
    pub token: Option<Given<Secret>>,
    /// `--service-token-file FILE`.
    pub service_token_file: Option<Given<PathBuf>>,
    /// `--profile` / `AUTHTOP_PROFILE`.
    pub profile: Option<Given<String>>,
    /// `--allow-http`.
    pub allow_http: Option<Given<bool>>,
    /// `--concurrency`.
    pub concurrency: Option<Given<usize>>,
    /// `--walk-window`.
    pub walk_window: Option<Given<usize>>,
    /// `--timeout`: the whole call.
    pub timeout: Option<Given<Duration>>,
    /// `--attempt-timeout`: one attempt.
    pub attempt_timeout: Option<Given<Duration>>,
    /// `--read-only`.
    pub read_only: Option<Given<bool>>,
    /// `--audit-log`.
    pub audit_log: Option<Given<PathBuf>>,
    /// `--config` / `AUTHTOP_CONFIG`.
    pub config: Option<Given<PathBuf>>,
    /// `--user-token` / `AUTHTOP_USER_TOKEN`.
    pub user_token: Option<Given<Secret>>,
    /// `--refresh-token` / `AUTHTOP_REFRESH_TOKEN`.
    pub refresh_token: Option<Given<Secret>>,
    /// `--token-file`.
    pub token_file: Option<Given<PathBuf>>,
    /// `--color`.
    pub color: Option<Given<crate::color::ColorChoice>>,
}

/// The notices for ambient variables that were set but not used, and why.
pub(crate) fn unused_notices(set: &[Option<&str>], why: &str) -> Vec<String> {
    set.iter()
        .flatten()
        .map(|name| format!("{name} is set but not used: {why}"))
        .collect()
}
