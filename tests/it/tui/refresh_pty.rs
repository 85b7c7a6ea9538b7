//! The real binary in a pseudo-terminal against an emulator that fails 30 % of calls
//! and throttles 20 %, with short-lived user tokens: the Token tab keeps refreshing
//! through the faults, never shows a false sign-out, and the whole run stays within a
//! bounded number of requests.
//!
//! By default the run lasts until one refresh got through (tokens living 4 s, a few
//! seconds). `AUTHTOP_SOAK=1` makes it the 30 s soak with tokens living 8 s, three or
//! four lifetimes.

use crate::harness::pty::Tui;
use authtop::emulator::{EmulatorConfig, Faults, RunningEmulator};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

/// The value of the Token tab's `token id` line.
fn token_id(screen: &str) -> Option<String> {
    screen
        .lines()
        .find_map(|l| l.strip_prefix("token id"))
        .map(|v| v.trim().to_string())
        .filter(|v| v.starts_with("pmt_"))
}

/// The long run is asked for, not paid on every test run.
fn soak() -> bool {
    std::env::var("AUTHTOP_SOAK").is_ok_and(|v| v == "1")
}

#[test]
fn refreshes_ride_out_faults_without_a_false_sign_out() {
    // (token life, the longest run, token ids to see before it may end)
    let (life, run, wanted) = if soak() {
        (Duration::from_secs(8), Duration::from_secs(30), usize::MAX)
    } else {
        (Duration::from_secs(4), Duration::from_secs(20), 2)
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let emu = rt
        .block_on(RunningEmulator::start(
            EmulatorConfig {
                seed: 5,
                users: 4,
                sessions: 12,
                user_token_life: life,
                refresh_token_life: Duration::from_secs(86_400),
                faults: Faults {
                    error_rate: 0.30,
                    throttle_rate: 0.20,
                    ..Faults::default()
                },
                intelligence: true,
            },
            "127.0.0.1:0".parse().unwrap(),
        ))
        .unwrap();
    let first = emu.tokens(1).remove(0).sessions.remove(0);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("me.json");
    authtop::config::token_file::write_atomic(
        &file,
        &authtop::config::token_file::TokenPair {
            user_token: first.user_token.clone(),
            refresh_token: first.refresh_token.clone(),
        },
    )
    .unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "[profiles.default]\nauto_reload = \"2s\"\n").unwrap();
    let base_url = emu.base_url();
    let service = emu.service_token().expose().to_string();
    let mut tui = Tui::spawn_with(
        200,
        40,
        &[
            "--base-url",
            &base_url,
            "--token",
            &service,
            "--token-file",
            file.to_str().unwrap(),
        ],
        &[("AUTHTOP_CONFIG", config.to_str().unwrap())],
    );
    tui.wait_until("the first rows", |s| s.contains("pmt_"));
    tui.send("3");
    let started_requests = emu.request_count();
    let started = Instant::now();
    let mut ids = BTreeSet::new();
    let mut states = BTreeSet::new();
    while started.elapsed() < run && ids.len() < wanted {
        let screen = tui.screen();
        assert!(
            !screen.contains("SIGNED OUT"),
            "false sign-out after {:?}:\n{screen}",
            started.elapsed()
        );
        if let Some(id) = token_id(&screen) {
            ids.insert(id);
        }
        if let Some(state) = screen.lines().find_map(|l| l.strip_prefix("state")) {
            let word = state
                .trim()
                .split([' ', '—'])
                .next()
                .unwrap_or("")
                .to_string();
            states.insert(word);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let requests = emu.request_count() - started_requests;
    let secs = started.elapsed().as_secs();
    println!(
        "{secs} s with {life:?} tokens under 30% 5xx + 20% 429: {} tokens seen, {requests} requests, states {states:?}",
        ids.len()
    );
    if soak() {
        // Three or four lifetimes passed: refreshes got through the faults.
        assert!(ids.len() >= 3, "token ids seen: {ids:?}");
    } else {
        assert!(
            ids.len() >= wanted,
            "no refresh got through in {run:?}: {ids:?}"
        );
    }
    // Generous: a storm (a refresh or reload per tick) would be hundreds.
    assert!(requests < 5 * secs + 10, "{requests} requests in {secs} s");
    tui.send("q");
    tui.wait_exit();
    // The file holds the pair in force.
    let pair = authtop::config::token_file::read(&file).unwrap();
    assert_ne!(pair.user_token, first.user_token);
    rt.block_on(emu.shutdown());
}
