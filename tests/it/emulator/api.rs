//! The emulator's envelope, validation, authorisation and session semantics over HTTP.

use crate::harness::emulator::{EmuHttp, assert_envelope};
use authtop::emulator::EmulatorConfig;
use serde_json::json;
use std::time::Duration;

const UNKNOWN_PMT: &str = "pmt_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const UNKNOWN_PTU: &str = "ptu_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const UNKNOWN_PTR: &str = "ptr_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

#[tokio::test]
async fn envelope_and_header_on_success_and_errors() {
    let e = EmuHttp::small().await;
    let ok = e.post("/v2/session/list", json!({})).await;
    assert_eq!((ok.code, ok.status()), (200, "Success"));
    assert_envelope(&ok);
    assert!(ok.result()["last"].is_string());
    assert_eq!(ok.result()["sessions"].as_array().unwrap().len(), 20);

    let bad = e.post("/v2/session/invalidate", json!({})).await;
    assert_eq!((bad.code, bad.status()), (400, "ValidationError"));
    assert_envelope(&bad);

    let nf = e
        .post("/v2/session/invalidate", json!({"session_id": UNKNOWN_PMT}))
        .await;
    assert_eq!((nf.code, nf.status()), (404, "NotFound"));
    assert_envelope(&nf);
    assert!(nf.body.get("result").is_some());

    let empty = e
        .post("/v2/session/logout", json!({"user_id": "pui_nobody"}))
        .await;
    assert_eq!((empty.code, empty.status()), (200, "Success"));
    assert_eq!(empty.result(), &json!({}));
    e.emu.shutdown().await;
}

#[tokio::test]
async fn bad_bearer_is_unauthorized_everywhere() {
    let e = EmuHttp::small().await;
    for path in [
        "/v2/session/list",
        "/v2/client/session/list",
        "/v2/client/token/check",
    ] {
        for bearer in [None, Some("pts_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb")] {
            let r = e.raw(path, bearer, "{}").await;
            assert_eq!((r.code, r.status()), (401, "Unauthorized"), "{path}");
            assert_eq!(r.body["summary"], "Not authorized to access this resource");
            assert_envelope(&r);
        }
    }
    e.emu.shutdown().await;
}

#[tokio::test]
async fn a_client_token_serves_the_client_endpoints_and_nothing_project_wide() {
    let e = EmuHttp::small().await;
    let client = e.emu.client_token().expose().to_owned();
    assert!(client.starts_with("pcl_"), "a client token by its prefix");
    let user = e.user_with_sessions(2);
    let token = user.sessions[0].user_token.expose().to_owned();
    let mine = e
        .raw(
            "/v2/client/session/list",
            Some(&client),
            &json!({ "token": token }).to_string(),
        )
        .await;
    assert_eq!(
        (mine.code, mine.status()),
        (200, "Success"),
        "{}",
        mine.body
    );
    let listed = mine.result()["sessions"].as_array().unwrap();
    assert_eq!(listed.len(), user.sessions.len());
    assert!(
        listed
            .iter()
            .all(|s| s["identity"] == user.user_id.as_str())
    );
    let check = e
        .raw(
            "/v2/client/token/check",
            Some(&client),
            &json!({ "token": token }).to_string(),
        )
        .await;
    assert_eq!(check.status(), "Success", "{}", check.body);

    // The project-wide endpoints refuse it as a bad Bearer, and nothing is ended.
    for (path, body) in [
        ("/v2/session/list", json!({})),
        (
            "/v2/session/invalidate",
            json!({ "session_id": user.sessions[0].session_id }),
        ),
        ("/v2/session/logout", json!({ "user_id": user.user_id })),
    ] {
        let r = e.raw(path, Some(&client), &body.to_string()).await;
        assert_eq!((r.code, r.status()), (401, "Unauthorized"), "{path}");
        assert_envelope(&r);
    }
    let still = e
        .raw(
            "/v2/client/session/list",
            Some(&client),
            &json!({ "token": token }).to_string(),
        )
        .await;
    assert_eq!(
        still.result()["sessions"].as_array().unwrap().len(),
        user.sessions.len(),
        "the refused calls ended nothing"
    );
    e.emu.shutdown().await;
}

/// Path, raw body, and the `(code, source)` of every expected error.
type Case = (&'static str, String, Vec<(&'static str, &'static str)>);

#[tokio::test]
#[expect(clippy::too_many_lines, reason = "a case table: one row per case")]
async fn every_validation_path_names_its_source() {
    let e = EmuHttp::small().await;
    let cases: Vec<Case> = vec![
        (
            "/v2/session/invalidate",
            "{}".to_string(),
            vec![("FieldRequired", "/")],
        ),
        (
            "/v2/session/invalidate",
            r#"{"session_id": "pmt_nope"}"#.to_string(),
            vec![("DoesNotMatchPattern", "/session_id")],
        ),
        (
            "/v2/session/invalidate",
            format!(r#"{{"session_id": "{UNKNOWN_PMT}", "config_id": "x"}}"#),
            vec![("UnexpectedProperty", "/config_id")],
        ),
        (
            "/v2/session/invalidate",
            format!(r#"{{"session_id": "{UNKNOWN_PMT}", "user_initiated": "yes"}}"#),
            vec![("InvalidBool", "/user_initiated")],
        ),
        (
            "/v2/session/list",
            r#"{"order_by": "colour"}"#.to_string(),
            vec![("NotEnumMember", "/order_by")],
        ),
        (
            "/v2/session/list",
            r#"{"order": "up"}"#.to_string(),
            vec![("NotEnumMember", "/order")],
        ),
        (
            "/v2/session/list",
            r#"{"size": 0}"#.to_string(),
            vec![("NotWithinRange", "/size")],
        ),
        (
            "/v2/session/list",
            r#"{"size": 1.5}"#.to_string(),
            vec![("InvalidInteger", "/size")],
        ),
        (
            "/v2/session/list",
            r#"{"size": "10"}"#.to_string(),
            vec![("InvalidInteger", "/size")],
        ),
        (
            "/v2/session/list",
            r#"{"filter": {"email__in": "a@b"}}"#.to_string(),
            vec![("InvalidArray", "/filter/email__in")],
        ),
        (
            "/v2/session/list",
            r#"{"filter": {"enabled": "true"}}"#.to_string(),
            vec![("InvalidBool", "/filter/enabled")],
        ),
        (
            "/v2/session/list",
            r#"{"filter": {"created_at__gt": "yesterday"}}"#.to_string(),
            vec![("BadFormatDateTime", "/filter/created_at__gt")],
        ),
        (
            "/v2/session/list",
            r#"{"filter": {"scopes": ["a", 1]}}"#.to_string(),
            vec![("InvalidString", "/filter/scopes/1")],
        ),
        (
            "/v2/session/list",
            r#"{"last": "not-a-cursor"}"#.to_string(),
            vec![("BadFormat", "/last")],
        ),
        (
            "/v2/session/list",
            "[]".to_string(),
            vec![("InvalidObject", "/")],
        ),
        (
            "/v2/session/list",
            "{\"size\": ".to_string(),
            vec![("BadFormat", "/")],
        ),
        ("/v2/session/list", String::new(), vec![("BadFormat", "/")]),
        (
            "/v2/client/session/list",
            r#"{"token": "garbage", "x": 1}"#.to_string(),
            vec![
                ("DoesNotMatchPattern", "/token"),
                ("UnexpectedProperty", "/x"),
            ],
        ),
        (
            "/v2/client/session/refresh",
            r#"{"config_id": "c"}"#.to_string(),
            vec![("FieldRequired", "/"), ("UnexpectedProperty", "/config_id")],
        ),
        (
            "/v2/client/session/refresh",
            format!(r#"{{"refresh_token": "{UNKNOWN_PTU}"}}"#),
            vec![("DoesNotMatchPattern", "/refresh_token")],
        ),
        (
            "/v2/client/token/check",
            r#"{"token": "pmt_x"}"#.to_string(),
            vec![("DoesNotMatchPattern", "/token")],
        ),
        (
            "/v2/session/logout",
            r#"{"user_id": "bad;id"}"#.to_string(),
            vec![("DoesNotMatchPattern", "/user_id")],
        ),
    ];
    for (path, body, want) in cases {
        let r = e.raw(path, Some(&e.token), &body).await;
        assert_eq!(
            (r.code, r.status()),
            (400, "ValidationError"),
            "{path} {body}: {}",
            r.body
        );
        assert_envelope(&r);
        let got = r.errors();
        let want: Vec<(String, String)> = want
            .into_iter()
            .map(|(a, b)| (a.into(), b.into()))
            .collect();
        assert_eq!(got, want, "{path} {body}");
    }
    // The service list ignores unknown top-level keys (its schema allows them).
    let r = e.post("/v2/session/list", json!({"config_id": "x"})).await;
    assert_eq!(r.status(), "Success");
    e.emu.shutdown().await;
}

#[tokio::test]
async fn body_tokens_unknown_revoked_and_expired() {
    let e = EmuHttp::start(EmulatorConfig {
        users: 5,
        sessions: 15,
        user_token_life: Duration::from_secs(60),
        refresh_token_life: Duration::from_secs(3600),
        ..EmulatorConfig::default()
    })
    .await;
    for (path, body) in [
        ("/v2/client/session/list", json!({"token": UNKNOWN_PTU})),
        ("/v2/client/session/logout", json!({"token": UNKNOWN_PTU})),
        ("/v2/client/token/check", json!({"token": UNKNOWN_PTU})),
        (
            "/v2/client/session/refresh",
            json!({"refresh_token": UNKNOWN_PTR}),
        ),
        ("/v2/client/session/list", json!({"token": "aaa.bbb.ccc"})),
    ] {
        let r = e.post(path, body).await;
        assert_eq!((r.code, r.status()), (400, "InvalidToken"), "{path}");
        assert_envelope(&r);
    }
    let u = e.user_with_sessions(1);
    let s = &u.sessions[0];
    let check = e
        .post(
            "/v2/client/token/check",
            json!({"token": s.user_token.expose()}),
        )
        .await;
    assert_eq!(check.status(), "Success");
    let info = check.result();
    assert_eq!(info["type"], "user");
    assert_eq!(info["identity"], u.user_id.as_str());
    assert!(info["life"].as_i64().unwrap() >= 1);
    let rcheck = e
        .post(
            "/v2/client/token/check",
            json!({"token": s.refresh_token.expose()}),
        )
        .await;
    assert_eq!(rcheck.result()["type"], "session");
    assert_eq!(rcheck.result()["id"], s.session_id.as_str());
    assert_eq!(rcheck.result()["identity"], u.user_id.as_str());

    // An active token past its life is expired, while its session still refreshes.
    e.emu.advance(Duration::from_secs(61));
    let r = e
        .post(
            "/v2/client/token/check",
            json!({"token": s.user_token.expose()}),
        )
        .await;
    assert_eq!((r.code, r.status()), (400, "ExpiredToken"));
    let r = e
        .post(
            "/v2/client/session/list",
            json!({"token": s.user_token.expose()}),
        )
        .await;
    assert_eq!(r.status(), "ExpiredToken");
    let listed = e
        .post("/v2/session/list", json!({"filter": {"id": s.session_id}}))
        .await;
    let item = &listed.result()["sessions"][0];
    assert_eq!(item["id"], s.session_id.as_str());
    assert!(
        item.get("active_token").is_none(),
        "expired active token is omitted"
    );
    let r = e
        .post(
            "/v2/client/session/refresh",
            json!({"refresh_token": s.refresh_token.expose(), "user_token": s.user_token.expose()}),
        )
        .await;
    assert_eq!(r.status(), "Success", "{}", r.body);

    // Once the session itself has ended, its tokens are expired, and it is not listed.
    e.emu.advance(Duration::from_secs(3600));
    let r = e
        .post(
            "/v2/client/session/refresh",
            json!({"refresh_token": s.refresh_token.expose()}),
        )
        .await;
    assert_eq!(r.status(), "ExpiredToken");
    assert_eq!(e.emu.session_count(), 0);
    let r = e.post("/v2/session/list", json!({})).await;
    assert_eq!(r.result()["sessions"], json!([]));
    assert_eq!(r.result()["count"], 0);
    e.emu.shutdown().await;
}

#[tokio::test]
async fn expired_token_with_a_short_real_life() {
    let e = EmuHttp::start(EmulatorConfig {
        users: 2,
        sessions: 2,
        user_token_life: Duration::from_millis(1500),
        ..EmulatorConfig::default()
    })
    .await;
    let s = e.emu.tokens(1)[0].sessions[0].clone();
    // Less than a second left already counts as expired; the emulator's clock moves
    // forward instead of the test waiting for it.
    e.emu.advance(Duration::from_millis(800));
    let r = e
        .post(
            "/v2/client/token/check",
            json!({"token": s.user_token.expose()}),
        )
        .await;
    assert_eq!(r.status(), "ExpiredToken", "{}", r.body);
    e.emu.shutdown().await;
}

#[tokio::test]
async fn refresh_rotates_the_active_token_and_revokes_the_old_one() {
    let e = EmuHttp::small().await;
    let u = e.user_with_sessions(2);
    let s = &u.sessions[0];
    let before = e
        .post("/v2/session/list", json!({"filter": {"id": s.session_id}}))
        .await;
    let old = &before.result()["sessions"][0];

    // A user token of another session does not authorise this refresh.
    let wrong = e
        .post(
            "/v2/client/session/refresh",
            json!({"refresh_token": s.refresh_token.expose(), "user_token": u.sessions[1].user_token.expose()}),
        )
        .await;
    assert_eq!(wrong.status(), "InvalidToken");

    let r = e
        .post(
            "/v2/client/session/refresh",
            json!({"refresh_token": s.refresh_token.expose(), "user_token": s.user_token.expose()}),
        )
        .await;
    assert_eq!(r.status(), "Success", "{}", r.body);
    assert_envelope(&r);
    let res = r.result();
    let new_user = res["active_token"]["token"].as_str().unwrap().to_owned();
    assert!(new_user.starts_with("ptu_") && new_user != s.user_token.expose());
    assert_eq!(res["active_token"]["type"], "user");
    assert_ne!(res["active_token"]["id"], old["active_token"]["id"]);
    assert_eq!(res["refresh_token"]["token"], s.refresh_token.expose());
    assert_eq!(res["refresh_token"]["id"], s.session_id.as_str());
    assert_eq!(res["refresh_token"]["type"], "session");
    assert_eq!(res["refresh_token"]["expire"], old["expire"]);
    assert!(res["active_token"]["identity"].is_string());

    let old_check = e
        .post(
            "/v2/client/token/check",
            json!({"token": s.user_token.expose()}),
        )
        .await;
    assert_eq!(old_check.status(), "InvalidToken");
    let new_check = e
        .post("/v2/client/token/check", json!({"token": new_user}))
        .await;
    assert_eq!(new_check.status(), "Success");
    assert_eq!(new_check.result()["id"], res["active_token"]["id"]);
    // The list shows the new active token.
    let after = e
        .post("/v2/session/list", json!({"filter": {"id": s.session_id}}))
        .await;
    assert_eq!(
        after.result()["sessions"][0]["active_token"]["id"],
        res["active_token"]["id"]
    );
    // The old user token no longer matches the session's active token.
    let again = e
        .post(
            "/v2/client/session/refresh",
            json!({"refresh_token": s.refresh_token.expose(), "user_token": s.user_token.expose()}),
        )
        .await;
    assert_eq!(again.status(), "InvalidToken");
    e.emu.shutdown().await;
}

#[tokio::test]
async fn invalidate_and_logout_semantics() {
    let e = EmuHttp::small().await;
    let users = e.emu.tokens(10);
    let multi: Vec<_> = users.iter().filter(|u| u.sessions.len() >= 3).collect();
    assert!(multi.len() >= 2, "several seeded users have 3+ sessions");
    let (a, b) = (multi[0], multi[1]);

    // Service invalidate ends exactly one session; twice is NotFound.
    let sid = &a.sessions[0].session_id;
    let r = e
        .post("/v2/session/invalidate", json!({"session_id": sid}))
        .await;
    assert_eq!((r.status(), r.result()), ("Success", &json!({})));
    assert!(!e.emu.session_exists(sid));
    assert!(e.emu.session_exists(&a.sessions[1].session_id));
    let r = e
        .post("/v2/session/invalidate", json!({"session_id": sid}))
        .await;
    assert_eq!((r.code, r.status()), (404, "NotFound"));
    let r = e
        .post(
            "/v2/client/token/check",
            json!({"token": a.sessions[0].user_token.expose()}),
        )
        .await;
    assert_eq!(r.status(), "InvalidToken");
    let listed = e
        .post("/v2/session/list", json!({"filter": {"id": sid}}))
        .await;
    assert_eq!(listed.result()["sessions"], json!([]));

    // Client invalidate: another user's session is NotFound and stays.
    let a_tok = a.sessions[1].user_token.expose();
    let r = e
        .post(
            "/v2/client/session/invalidate",
            json!({"token": a_tok, "session_id": b.sessions[0].session_id}),
        )
        .await;
    assert_eq!(r.status(), "NotFound");
    assert!(e.emu.session_exists(&b.sessions[0].session_id));
    let r = e
        .post(
            "/v2/client/session/invalidate",
            json!({"token": a_tok, "session_id": a.sessions[2].session_id}),
        )
        .await;
    assert_eq!(r.status(), "Success");
    assert!(!e.emu.session_exists(&a.sessions[2].session_id));

    // Client list shows only the owner's sessions, without count.
    let r = e
        .post("/v2/client/session/list", json!({"token": a_tok}))
        .await;
    let listed: Vec<&str> = r.result()["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["identity"].as_str().unwrap())
        .collect();
    assert_eq!(listed.len(), a.sessions.len() - 2);
    assert!(listed.iter().all(|i| *i == a.user_id));
    assert!(r.result().get("count").is_none());

    // Client logout ends only the token's own session.
    let before = e.emu.session_count();
    let r = e
        .post(
            "/v2/client/session/logout",
            json!({"token": b.sessions[0].user_token.expose()}),
        )
        .await;
    assert_eq!(r.status(), "Success");
    assert_eq!(e.emu.session_count(), before - 1);
    assert!(e.emu.session_exists(&b.sessions[1].session_id));
    let r = e
        .post(
            "/v2/client/session/logout",
            json!({"token": b.sessions[0].user_token.expose()}),
        )
        .await;
    assert_eq!(r.status(), "InvalidToken");

    // Service logout ends every session of the user; an unknown user succeeds.
    let r = e
        .post("/v2/session/logout", json!({"user_id": b.user_id}))
        .await;
    assert_eq!(r.status(), "Success");
    assert!(
        b.sessions
            .iter()
            .all(|s| !e.emu.session_exists(&s.session_id))
    );
    let r = e
        .post(
            "/v2/session/list",
            json!({"filter": {"identity": b.user_id}}),
        )
        .await;
    assert_eq!(r.result()["count"], 0);
    let r = e
        .post("/v2/session/logout", json!({"user_id": UNKNOWN_PMT}))
        .await;
    assert_eq!(r.status(), "Success");
    e.emu.shutdown().await;
}

#[tokio::test]
async fn seed_is_deterministic_and_realistic() {
    let a = EmuHttp::small().await;
    let b = EmuHttp::small().await;
    let la = a.post("/v2session/list", json!({})).await;
    assert_eq!(la.code, 404, "unknown paths answer a NotFound envelope");
    assert_envelope(&la);
    let ta = a.emu.tokens(3);
    let tb = b.emu.tokens(3);
    assert_eq!(a.token, b.token);
    for (x, y) in ta.iter().zip(&tb) {
        assert_eq!((&x.user_id, &x.email), (&y.user_id, &y.email));
        assert_eq!(x.sessions.len(), y.sessions.len());
    }
    let all = a.walk("/v2/session/list", json!({}), 100).await;
    assert_eq!(all.len(), 60);
    let text = serde_json::to_string(&all).unwrap();
    assert!(!text.is_ascii(), "some names are not ASCII");
    for s in &all {
        let p = &s["profile"];
        for k in ["first_name", "last_name", "Login-Time", "User-Agent"] {
            assert!(p[k].is_string(), "{k} in {p}");
        }
        assert!(s["life"].as_i64().unwrap() >= 1);
    }
    let agents: std::collections::HashSet<_> = all
        .iter()
        .map(|s| s["profile"]["User-Agent"].as_str().unwrap())
        .collect();
    assert!(agents.len() >= 3);
    assert!(
        all.iter()
            .any(|s| !s["scopes"].as_array().unwrap().is_empty())
    );
    a.emu.shutdown().await;
    b.emu.shutdown().await;
}
