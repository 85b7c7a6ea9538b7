//! Logins arriving while the emulator runs (`--login-rate`).

use crate::harness::emulator::EmuHttp;
use serde_json::json;
use std::time::{Duration, Instant};

#[tokio::test]
async fn logins_arrive_while_it_runs_as_new_live_sessions_with_the_seeds_mix() {
    let e = EmuHttp::small().await;
    let before = e.emu.session_count();
    let started = e.emu.now();
    assert!(e.emu.start_logins(0.0).is_err());
    e.emu.start_logins(400.0).unwrap();
    // Wait on the count itself, for at most ten seconds (40 logins take 0.1 s at this rate).
    let deadline = Instant::now() + Duration::from_secs(10);
    while e.emu.session_count() < before + 40 {
        assert!(
            Instant::now() < deadline,
            "only {} new sessions in 10 s",
            e.emu.session_count() - before
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let newer = e
        .walk(
            "/v2/session/list",
            json!({"filter": {"created_at__gte": started.to_string()}}),
            100,
        )
        .await;
    assert!(newer.len() >= 40, "{} listed", newer.len());
    // Each is a live login of a seeded user, with a device and, mostly, intelligence.
    let owners: std::collections::HashSet<&str> = newer
        .iter()
        .map(|s| s["identity"].as_str().unwrap())
        .collect();
    assert!(owners.len() > 1, "every login was the same user's");
    assert!(newer.iter().all(|s| {
        s["profile"]["User-Agent"]
            .as_str()
            .is_some_and(|ua| !ua.is_empty())
            && s["active_token"]["id"].as_str().is_some()
    }));
    let with_intel = newer
        .iter()
        .filter(|s| s["active_token"].get("intelligence").is_some())
        .count();
    assert!(
        with_intel * 2 > newer.len(),
        "{with_intel} of {} with intelligence",
        newer.len()
    );
    e.emu.shutdown().await;
}
