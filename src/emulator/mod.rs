//! A local AuthN session API server (axum) faithful enough for the official SDKs.
//!
//! INTERFACE SKETCH: filled in by the emulator work.

pub mod cli;

use crate::authn::Secret;
use std::net::SocketAddr;
use std::time::Duration;

/// Injected faults; every rate is a fraction from 0 to 1, drawn from a seeded generator.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// Added to every response.
    pub latency: Duration,
    /// Uniform extra latency in 0..=jitter.
    pub jitter: Duration,
    /// 5xx answers.
    pub error_rate: f64,
    /// 429 with Retry-After.
    pub throttle_rate: f64,
    /// 202, answered later by the poll endpoint.
    pub async_rate: f64,
    /// Connection closed with no response.
    pub drop_rate: f64,
}

/// What the emulator serves.
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    /// Seed for data and faults.
    pub seed: u64,
    /// Users to create.
    pub users: usize,
    /// Sessions to create across them.
    pub sessions: usize,
    /// Life of a new active (user) token.
    pub user_token_life: Duration,
    /// Life of a session / refresh token.
    pub refresh_token_life: Duration,
    /// Faults.
    pub faults: Faults,
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

/// A running emulator.
#[derive(Debug)]
pub struct RunningEmulator {}

#[allow(unused_variables)]
impl RunningEmulator {
    /// Starts serving on `addr` (port 0 picks a free one).
    pub async fn start(config: EmulatorConfig, addr: SocketAddr) -> std::io::Result<Self> {
        todo!()
    }
    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        todo!()
    }
    /// The accepted service token.
    pub fn service_token(&self) -> Secret {
        todo!()
    }
    /// Live tokens of the seeded sessions of the first `max_users` users.
    pub fn tokens(&self, max_users: usize) -> Vec<UserTokens> {
        todo!()
    }
    /// Whether a session is live (not invalidated, logged out or expired).
    pub fn session_exists(&self, session_id: &str) -> bool {
        todo!()
    }
    /// Live sessions.
    pub fn session_count(&self) -> usize {
        todo!()
    }
    /// HTTP requests received so far (every path).
    pub fn request_count(&self) -> u64 {
        todo!()
    }
    /// Stops serving and waits for the server task.
    pub async fn shutdown(self) {
        todo!()
    }
}
