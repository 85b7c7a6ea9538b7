//! The real binary in a pseudo-terminal: a query with a local term shows the walk's
//! gauge while pages arrive, then pages through the matches; `Esc` stops a walk.

use crate::harness::pty::{Tui, session_ids};
use authtop::emulator::{EmulatorConfig, Faults, RunningEmulator};
use std::time::Duration;

#[test]
fn a_local_term_query_shows_progress_then_the_matches() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let emu = rt
        .block_on(RunningEmulator::start(
            EmulatorConfig {
                seed: 11,
                users: 500,
                sessions: 20_000,
                user_token_life: Duration::from_secs(900),
                refresh_token_life: Duration::from_secs(86_400),
                // Slow pages, so the gauge is on screen long enough to be read (walks read
                // pages of 1,000 whatever the display shows).
                faults: Faults {
                    latency: Duration::from_millis(40),
                    ..Faults::default()
                },
                intelligence: true,
            },
            "127.0.0.1:0".parse().unwrap(),
        ))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        "[profiles.default]\npage_size = 20\nauto_reload = \"off\"\n",
    )
    .unwrap();
    let base_url = emu.base_url();
    let service = emu.service_token().expose().to_string();
    let mut tui = Tui::spawn_with(
        200,
        40,
        &["--base-url", &base_url, "--token", &service],
        &[("AUTHTOP_CONFIG", config.to_str().unwrap())],
    );
    tui.wait_until("the first rows", |s| s.contains("pmt_"));
    tui.send("/vpn\r");
    let during = tui.wait_until("the gauge", |s| s.contains("walking:"));
    assert!(during.contains("sessions scanned"), "{during}");
    let after = tui.wait_until("the walk's end", |s| s.contains("walked 20 pages"));
    assert!(after.contains("sessions scanned"), "{after}");
    let first = session_ids(&after);
    assert!(!first.is_empty(), "matches on screen:\n{after}");
    // The next page of matches comes from memory: other ids, no new walk.
    tui.send("]");
    let next = tui.wait_until("page 2 of the matches", |s| {
        let ids = session_ids(s);
        !ids.is_empty() && ids != first
    });
    assert!(!next.contains("walking:"));

    // A second walk, stopped by Esc: the table stays as it was.
    // The editor opens on the query in force: three backspaces clear `vpn`.
    tui.send("/\x7f\x7f\x7fproxy\r");
    tui.wait_until("the second gauge", |s| s.contains("walking:"));
    tui.send("\x1b");
    tui.wait_until("the cancel", |s| s.contains("walk cancelled"));
    tui.send("q");
    assert!(tui.wait_exit().success());
}
