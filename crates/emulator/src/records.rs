//! The emulator's records: users, sessions and their tokens as the store keeps them,
//! and the live tokens it hands out for tests and demos.

use super::intel::Intel;
use pangea_authn_model::Profile;
use pangea_authn_model::Secret;
use std::sync::Arc;

/// One microsecond-based second.
pub const SECOND: i64 = 1_000_000;

/// A user of the project.
#[derive(Debug, Clone)]
pub struct User {
    /// `pui_…`.
    pub id: String,
    /// Email.
    pub email: String,
    /// Username.
    pub username: String,
    /// Whether the account is enabled.
    pub enabled: bool,
    /// Profile (names, display name).
    pub profile: Profile,
}

/// A session's current active (user) token (no `Debug`: it holds the value).
#[derive(Clone)]
pub struct Active {
    /// `pmt_…`.
    pub id: String,
    /// `ptu_…` value.
    pub value: String,
    /// Issue time.
    pub created_at: i64,
    /// Expiry.
    pub expire: i64,
}

/// A login session (the refresh-token record; no `Debug`: it holds token values).
#[derive(Clone)]
pub struct SessionRec {
    /// `pmt_…`.
    pub id: Arc<str>,
    /// Index of the owner in the user table.
    pub user: usize,
    /// Login time.
    pub created_at: i64,
    /// Session (refresh token) expiry.
    pub expire: i64,
    /// Browser that logged in.
    pub user_agent: &'static str,
    /// Scopes granted.
    pub scopes: Vec<String>,
    /// Login risk signals, rendered complete on the active token, or absent.
    pub intelligence: Option<Intel>,
    /// `ptr_…` value.
    pub refresh: String,
    /// Current active token.
    pub active: Active,
}

/// The record type every listed session reports.
pub const SESSION_TYPE: &str = "session";

/// An instant from microseconds (always in range for the times the store makes).
pub fn ts(us: i64) -> jiff::Timestamp {
    jiff::Timestamp::from_microsecond(us).unwrap_or_default()
}

/// Live tokens of one seeded session.
#[derive(Debug, Clone)]
pub struct SessionTokens {
    /// `pmt_…`.
    pub session_id: String,
    /// Active token value.
    pub user_token: Secret,
    /// Refresh token value.
    pub refresh_token: Secret,
}

/// A seeded user and the tokens of their sessions.
#[derive(Debug, Clone)]
pub struct UserTokens {
    /// `pui_…`.
    pub user_id: String,
    /// Email.
    pub email: String,
    /// Sessions.
    pub sessions: Vec<SessionTokens>,
}
