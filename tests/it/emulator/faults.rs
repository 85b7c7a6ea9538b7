//! Injected faults: rates, determinism, 202 polling and dropped connections.

use crate::harness::emulator::{EmuHttp, assert_envelope};
use authtop::emulator::{EmulatorConfig, Faults};
use serde_json::json;
use std::time::Duration;

fn with_faults(faults: Faults) -> EmulatorConfig {
    EmulatorConfig {
        users: 12,
        sessions: 60,
        seed: 9,
        faults,
        ..EmulatorConfig::default()
    }
}

/// Statuses of `n` sequential list calls.
async fn statuses(e: &EmuHttp, n: usize) -> Vec<String> {
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let r = e.post("/v2/session/list", json!({"size": 1})).await;
        assert_envelope(&r);
        match r.status() {
            "InternalError" => assert_eq!(r.code, 500),
            "TooManyRequests" => {
                assert_eq!(r.code, 429);
                assert_eq!(r.retry_after.as_deref(), Some("1"));
            }
            "Success" => assert_eq!(r.code, 200),
            other => panic!("unexpected {other}"),
        }
        out.push(r.status().to_owned());
    }
    out
}

#[tokio::test]
async fn error_and_throttle_rates_are_honoured_and_repeat_for_a_seed() {
    let faults = Faults {
        error_rate: 0.2,
        throttle_rate: 0.25,
        ..Faults::default()
    };
    let a = EmuHttp::start(with_faults(faults.clone())).await;
    let b = EmuHttp::start(with_faults(faults)).await;
    let sa = statuses(&a, 400).await;
    let sb = statuses(&b, 400).await;
    assert_eq!(sa, sb, "same seed, same sequence");
    let errors = sa.iter().filter(|s| *s == "InternalError").count();
    let throttled = sa.iter().filter(|s| *s == "TooManyRequests").count();
    // 20 % errors; 25 % of the rest throttled (20 % overall).
    assert!((50..=110).contains(&errors), "errors {errors}");
    assert!((45..=115).contains(&throttled), "throttled {throttled}");
    // Unauthorised requests are answered 401 regardless of faults.
    let r = a.raw("/v2/session/list", Some("nope"), "{}").await;
    assert_eq!(r.code, 401);
    a.emu.shutdown().await;
    b.emu.shutdown().await;
}

#[tokio::test]
async fn accepted_then_polled_to_completion_takes_effect_once() {
    let e = EmuHttp::start(with_faults(Faults {
        async_rate: 1.0,
        ..Faults::default()
    }))
    .await;
    let victim = e.emu.tokens(1)[0].sessions[0].session_id.clone();
    let r = e
        .post("/v2/session/invalidate", json!({"session_id": victim}))
        .await;
    assert_eq!((r.code, r.status()), (202, "Accepted"));
    assert_envelope(&r);
    let id = r.body["request_id"].as_str().unwrap().to_owned();
    let res = r.result();
    assert_eq!(res["ttl_mins"], 5);
    assert_eq!(res["retry_counter"], 0);
    let location = res["location"].as_str().unwrap().to_owned();
    assert_eq!(location, format!("{}/request/{id}", e.base));
    assert!(
        e.emu.session_exists(&victim),
        "not done before it is polled"
    );

    let mut polls = Vec::new();
    for _ in 0..5 {
        let p = e.get(&location).await;
        assert_envelope(&p);
        assert_eq!(p.body["request_id"], id.as_str());
        polls.push((p.code, p.status().to_owned()));
        if p.code == 200 {
            break;
        }
    }
    let accepted = polls.iter().filter(|p| p.0 == 202).count();
    assert!((1..=2).contains(&accepted), "{polls:?}");
    assert_eq!(polls.last().unwrap(), &(200, "Success".to_owned()));
    assert!(!e.emu.session_exists(&victim));
    // Later polls repeat the result instead of running it again (which would be NotFound).
    let again = e.get(&location).await;
    assert_eq!((again.code, again.status()), (200, "Success"));
    let unknown = e
        .get(&format!(
            "{}/request/prq_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            e.base
        ))
        .await;
    assert_eq!((unknown.code, unknown.status()), (404, "NotFound"));
    let no_auth = e.http.get(&location).send().await.unwrap();
    assert_eq!(no_auth.status().as_u16(), 401);
    e.emu.shutdown().await;
}

#[tokio::test]
async fn dropped_requests_close_the_connection_without_a_response() {
    let e = EmuHttp::start(with_faults(Faults {
        drop_rate: 1.0,
        ..Faults::default()
    }))
    .await;
    let res = e
        .http
        .post(format!("{}/v2/session/list", e.base))
        .bearer_auth(&e.token)
        .body("{}")
        .send()
        .await;
    let err = res.expect_err("no response");
    assert!(!err.is_timeout(), "closed, not hung: {err}");
    // Faults can be switched off at run time; the server keeps serving.
    e.emu.set_faults(Faults::default()).unwrap();
    let r = e.post("/v2/session/list", json!({})).await;
    assert_eq!(r.status(), "Success");
    assert!(
        e.emu
            .set_faults(Faults {
                drop_rate: 2.0,
                ..Faults::default()
            })
            .is_err()
    );
    e.emu.shutdown().await;
}

#[tokio::test]
async fn some_dropped_among_many() {
    let e = EmuHttp::start(with_faults(Faults {
        drop_rate: 0.3,
        latency: Duration::from_millis(1),
        jitter: Duration::from_millis(2),
        ..Faults::default()
    }))
    .await;
    let mut dropped = 0;
    for _ in 0..100 {
        let res = e
            .http
            .post(format!("{}/v2/session/list", e.base))
            .bearer_auth(&e.token)
            .body("{}")
            .send()
            .await;
        match res {
            Ok(r) => assert_eq!(r.status().as_u16(), 200),
            Err(_) => dropped += 1,
        }
    }
    assert!((15..=45).contains(&dropped), "dropped {dropped}");
    assert!(e.emu.request_count() >= 100);
    e.emu.shutdown().await;
}
