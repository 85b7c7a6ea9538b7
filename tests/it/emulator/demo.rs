//! Demo mode keeps its sessions' intelligence (LOCATION, RISK) for as long as it runs,
//! while the demo user's own token still lives the short demo life and is refreshed.

use crate::harness::emulator::EmuHttp;
use serde_json::{Value, json};
use std::time::Duration;

fn with_intel(sessions: &[Value]) -> usize {
    sessions
        .iter()
        .filter(|s| s["active_token"].get("intelligence").is_some())
        .count()
}

#[tokio::test]
async fn demo_sessions_keep_their_intelligence_hours_after_start() {
    let demo = authtop::demo::start(Duration::from_secs(120))
        .await
        .unwrap();
    let e = EmuHttp {
        http: reqwest::Client::new(),
        base: demo.emulator.base_url(),
        token: demo.emulator.service_token().expose().to_owned(),
        emu: demo.emulator,
    };
    let before = e.walk("/v2/session/list", json!({}), 1000).await;
    let shown = with_intel(&before);
    assert!(shown > before.len() / 2, "{shown} of {}", before.len());

    // The demo user's token is the short one: two minutes from now.
    let user = demo.user_token.as_ref().unwrap().expose().to_owned();
    let check = e
        .post("/v2/client/token/check", json!({ "token": user }))
        .await;
    assert_eq!(check.status(), "Success", "{}", check.body);
    let life = check.result()["life"].as_i64().unwrap();
    assert!((100..=120).contains(&life), "demo user token life {life}");

    // The demo user's refresh works and issues the short life again.
    let refresh = demo.refresh_token.as_ref().unwrap().expose().to_owned();
    let r = e
        .post(
            "/v2/client/session/refresh",
            json!({ "refresh_token": refresh }),
        )
        .await;
    assert_eq!(r.status(), "Success", "{}", r.body);
    let life = r.result()["active_token"]["life"].as_i64().unwrap();
    assert!((100..=120).contains(&life), "refreshed life {life}");

    // Three hours of demo later, every session still live still shows where it is from.
    e.emu.advance(Duration::from_secs(3 * 3600));
    let after = e.walk("/v2/session/list", json!({}), 1000).await;
    assert!(!after.is_empty());
    let lost: Vec<&str> = after
        .iter()
        .filter(|s| {
            let id = s["id"].as_str().unwrap_or("");
            let had = before
                .iter()
                .any(|b| b["id"] == id && b["active_token"].get("intelligence").is_some());
            had && s["active_token"].get("intelligence").is_none()
        })
        .map(|s| s["id"].as_str().unwrap_or(""))
        .collect();
    assert!(
        lost.is_empty(),
        "sessions lost their intelligence: {lost:?}"
    );
    assert!(with_intel(&after) > after.len() / 2);

    e.emu.shutdown().await;
}
