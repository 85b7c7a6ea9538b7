//! `authtop emulator`: the emulator as a standalone server.

use super::CliError;
pub use crate::config::duration::parse_duration;
use crate::emulator::{EmulatorConfig, Faults, RunningEmulator};
use serde_json::json;
use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

/// Flags of `authtop emulator`.
#[derive(Debug, Clone, clap::Args)]
pub struct EmulatorArgs {
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: IpAddr,
    /// Seed for the data and the injected faults.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Users to create.
    #[arg(long, default_value_t = 60)]
    pub users: usize,
    /// Sessions to create across the users.
    #[arg(long, default_value_t = 300)]
    pub sessions: usize,
    /// Life of an active (user) token, e.g. 90s, 15m.
    #[arg(long, default_value = "15m", value_parser = parse_duration)]
    pub user_token_life: Duration,
    /// Life of a session (refresh token), e.g. 48h, 7d.
    #[arg(long, default_value = "7d", value_parser = parse_duration)]
    pub refresh_token_life: Duration,
    /// Delay added to every API response, e.g. 20ms.
    #[arg(long, default_value = "0ms", value_parser = parse_duration)]
    pub latency: Duration,
    /// Uniform extra delay up to this much, e.g. 5ms.
    #[arg(long, default_value = "0ms", value_parser = parse_duration)]
    pub jitter: Duration,
    /// Fraction (0 to 1) of API requests answered `InternalError` (500).
    #[arg(long, default_value_t = 0.0, value_parser = parse_rate)]
    pub error_rate: f64,
    /// Fraction (0 to 1) answered `TooManyRequests` (429, Retry-After: 1).
    #[arg(long, default_value_t = 0.0, value_parser = parse_rate)]
    pub throttle_rate: f64,
    /// Fraction (0 to 1) answered Accepted (202), completed by GET /request/{id}.
    #[arg(long, default_value_t = 0.0, value_parser = parse_rate)]
    pub async_rate: f64,
    /// Fraction (0 to 1) whose connection is closed without a response.
    #[arg(long, default_value_t = 0.0, value_parser = parse_rate)]
    pub drop_rate: f64,
    /// Logins arriving while it runs, e.g. 5/s, 120/m, 2/h (same mix of places, devices and
    /// risk as the seeded sessions).
    #[arg(long, value_parser = parse_login_rate)]
    pub login_rate: Option<f64>,
    /// Send no intelligence blocks (a project without the intelligence add-ons).
    #[arg(long)]
    pub no_intelligence: bool,
    /// Write the base URL, the service token and the live tokens of the first ten seeded
    /// users to this JSON file (mode 0600); it says how many of how many users it holds.
    #[arg(long)]
    pub tokens_out: Option<PathBuf>,
}

/// Parses a fraction from 0 to 1.
pub fn parse_rate(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a number"))?;
    if (0.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        Err(format!("`{s}` is not a fraction from 0 to 1"))
    }
}

/// Parses a rate of logins, `N/s`, `N/m` or `N/h` (or a bare `N`, per second), into
/// logins per second.
pub fn parse_login_rate(s: &str) -> Result<f64, String> {
    let t = s.trim();
    let (n, per) = match t.split_once('/') {
        Some((n, unit)) => match unit.trim() {
            "s" => (n, 1.0),
            "m" => (n, 60.0),
            "h" => (n, 3600.0),
            other => return Err(format!("`{other}` is not a unit of a rate: use s, m or h")),
        },
        None => (t, 1.0),
    };
    let v: f64 = n
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a rate such as 5/s or 120/m"))?;
    if v.is_finite() && v > 0.0 {
        Ok(v / per)
    } else {
        Err(format!("`{s}` is not a rate above zero"))
    }
}

impl EmulatorArgs {
    /// The server configuration these flags describe.
    pub fn config(&self) -> EmulatorConfig {
        EmulatorConfig {
            seed: self.seed,
            users: self.users,
            sessions: self.sessions,
            user_token_life: self.user_token_life,
            refresh_token_life: self.refresh_token_life,
            faults: Faults {
                latency: self.latency,
                jitter: self.jitter,
                error_rate: self.error_rate,
                throttle_rate: self.throttle_rate,
                async_rate: self.async_rate,
                drop_rate: self.drop_rate,
            },
            intelligence: !self.no_intelligence,
        }
    }
}

/// Users whose tokens `--tokens-out` writes.
const TOKEN_USERS: usize = 10;

/// Writes the tokens file; returns how many users it holds.
fn write_tokens(emu: &RunningEmulator, path: &PathBuf, all: usize) -> Result<usize, CliError> {
    let users: Vec<_> = emu
        .tokens(TOKEN_USERS)
        .into_iter()
        .map(|u| {
            let sessions: Vec<_> = u
                .sessions
                .iter()
                .map(|s| {
                    json!({
                        "session_id": s.session_id,
                        "user_token": s.user_token.expose(),
                        "refresh_token": s.refresh_token.expose(),
                    })
                })
                .collect();
            json!({ "user_id": u.user_id, "email": u.email, "sessions": sessions })
        })
        .collect();
    let held = users.len();
    // Said in the file itself, so nobody takes the first users for all of them.
    let doc = json!({
        "base_url": emu.base_url(),
        "service_token": emu.service_token().expose(),
        "client_token": emu.client_token().expose(),
        "users_held": held,
        "users_total": all,
        "note": format!(
            "live tokens of the first {held} of {all} users; every user's sessions are listed by the API"
        ),
        "users": users,
    });
    let text = serde_json::to_string_pretty(&doc)
        .map_err(|e| CliError::other(format!("cannot write the tokens file: {e}")))?;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .map_err(|e| CliError::other(format!("cannot create a file in {}: {e}", dir.display())))?;
    let cannot_write = |e: &dyn std::fmt::Display| {
        CliError::other(format!("cannot write {}: {e}", path.display()))
    };
    // NamedTempFile is created 0600, so the tokens are never readable by others.
    tmp.write_all(text.as_bytes())
        .and_then(|()| tmp.write_all(b"\n"))
        .map_err(|e| cannot_write(&e))?;
    tmp.persist(path).map_err(|e| cannot_write(&e.error))?;
    Ok(held)
}

async fn stop_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// Runs the emulator until Ctrl-c or SIGTERM.
pub async fn run(args: EmulatorArgs) -> Result<(), CliError> {
    // Warnings about requests served (ignored filter keys) go to stderr, unless
    // `AUTHTOP_LOG` already set up logging its own way.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("authtop::emulator=warn"))
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .try_init();
    let config = args.config();
    config.faults.validate().map_err(CliError::usage)?;
    let addr = SocketAddr::new(args.host, args.port);
    let emu = RunningEmulator::start(config, addr)
        .await
        .map_err(|e| CliError::other(format!("cannot listen on {addr}: {e}")))?;
    let held = match &args.tokens_out {
        Some(path) => Some(write_tokens(&emu, path, args.users)?),
        None => None,
    };
    if let Some(rate) = args.login_rate {
        emu.start_logins(rate).map_err(CliError::usage)?;
    }
    let mut out = std::io::stdout().lock();
    // The one place a token is shown on purpose: this is a local test server and
    // clients need its tokens.
    writeln!(out, "authtop emulator listening")?;
    writeln!(out, "base URL:      {}", emu.base_url())?;
    writeln!(out, "service token: {}", emu.service_token().expose())?;
    writeln!(
        out,
        "client token:  {} (client endpoints only)",
        emu.client_token().expose()
    )?;
    writeln!(
        out,
        "sessions:      {} (seed {}); Ctrl-c stops",
        emu.session_count(),
        args.seed
    )?;
    if let (Some(path), Some(held)) = (&args.tokens_out, held) {
        writeln!(
            out,
            "tokens file:   {} (tokens of {held} of {} users)",
            path.display(),
            args.users
        )?;
    }
    out.flush()?;
    drop(out);
    stop_signal().await;
    emu.shutdown().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_rates_parse() {
        assert_eq!(parse_duration("5ms"), Ok(Duration::from_millis(5)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("48h"), Ok(Duration::from_secs(48 * 3600)));
        assert!(parse_duration("2 weeks").is_err());
        assert!(parse_duration("ms").is_err());
        assert_eq!(parse_rate("0.25"), Ok(0.25));
        assert!(parse_rate("1.5").is_err());
        assert!(parse_rate("-0.1").is_err());
        assert!(parse_rate("NaN").is_err());
        assert_eq!(parse_login_rate("5/s"), Ok(5.0));
        assert_eq!(parse_login_rate("120/m"), Ok(2.0));
        assert_eq!(parse_login_rate("2"), Ok(2.0));
        assert!(parse_login_rate("5/d").is_err());
        assert!(parse_login_rate("0/s").is_err());
        assert!(parse_login_rate("fast").is_err());
    }
}
