//! Demo mode: an in-process emulator with seeded data and logins arriving at a gentle
//! rate, so authtop runs without a Pangea project. Started by the binary's entry before the TUI; the TUI only sees a server
//! address and tokens, as it would for a real project.

use crate::authn::{ClientConfig, Secret};
use crate::emulator::{EmulatorConfig, Faults, RunningEmulator};
use std::time::Duration;

/// Overrides the demo user token's life in demo mode (e.g. `5s`), so refreshes can be
/// watched (and tested) without waiting minutes.
pub const DEMO_TOKEN_LIFE_ENV: &str = "AUTHTOP_DEMO_TOKEN_LIFE";

/// A running demo server and the first seeded user's token pair.
pub struct Demo {
    /// The emulator; shut it down when the TUI has closed.
    pub emulator: RunningEmulator,
    /// Where to connect, with the emulator's service token.
    pub client: ClientConfig,
    /// The first seeded user's active token.
    pub user_token: Option<Secret>,
    /// Its refresh token.
    pub refresh_token: Option<Secret>,
}

/// Logins a second arriving while the demo runs: one every three seconds or so, with the
/// seed's mix of users, places, devices and risk, so the Pulses tab is alive out of the box.
pub const DEMO_LOGIN_RATE: f64 = 0.3;

/// Life of the seeded sessions' active tokens: longer than any demo runs, so their
/// intelligence (carried by the active token, as Pangea does) stays on screen.
const SEEDED_TOKEN_LIFE: Duration = Duration::from_secs(7 * 86_400);

/// Starts the demo emulator on a free loopback port. `default_life` is the demo user
/// token's life unless [`DEMO_TOKEN_LIFE_ENV`] names another.
pub async fn start(default_life: Duration) -> std::io::Result<Demo> {
    let life = token_life(default_life);
    let emulator = RunningEmulator::start(
        EmulatorConfig {
            seed: 42,
            users: 40,
            sessions: 300,
            user_token_life: SEEDED_TOKEN_LIFE,
            refresh_token_life: Duration::from_secs(7 * 86_400),
            faults: Faults::default(),
            intelligence: true,
        },
        ([127, 0, 0, 1], 0).into(),
    )
    .await?;
    tracing::info!(base_url = %emulator.base_url(), token_life = ?life, "demo emulator started");
    // Only the demo user's own token lives `life`, so its refreshes can be watched: it is
    // reissued now, and every refresh after issues the same short life.
    emulator.set_user_token_life(life);
    let first_refresh = first_session(&emulator).map(|(_, refresh)| refresh);
    if let Some(refresh) = &first_refresh {
        emulator.refresh(refresh);
    }
    // Started after the demo user's sessions were read, so "the first user's first
    // session" is the seeded one whatever arrives later.
    let first = first_session(&emulator);
    if let Err(why) = emulator.start_logins(DEMO_LOGIN_RATE) {
        tracing::warn!(%why, "demo logins not started");
    }
    let client = ClientConfig::new(emulator.base_url(), emulator.service_token());
    Ok(Demo {
        client,
        user_token: first.as_ref().map(|(user, _)| user.clone()),
        refresh_token: first.map(|(_, refresh)| refresh),
        emulator,
    })
}

/// The first seeded user's first session: its active and refresh tokens.
fn first_session(emulator: &RunningEmulator) -> Option<(Secret, Secret)> {
    emulator
        .tokens(1)
        .into_iter()
        .next()
        .and_then(|u| u.sessions.into_iter().next())
        .map(|s| (s.user_token, s.refresh_token))
}

/// The demo user token life: the env override when set and valid, else `default`.
fn token_life(default: Duration) -> Duration {
    std::env::var(DEMO_TOKEN_LIFE_ENV)
        .ok()
        .and_then(|v| v.trim().parse::<jiff::SignedDuration>().ok())
        .and_then(|d| Duration::try_from(d).ok())
        .filter(|d| !d.is_zero())
        .unwrap_or(default)
}
