//! The AuthN client against scripted servers on 127.0.0.1, polite and hostile.

use crate::harness::client::{fast_client, fast_config};
use crate::harness::server::{Reply, Server, dead_port, envelope, fixture, page};
use authtop::authn::model::*;
use authtop::authn::{
    ApiStatus, Call, Client, ClientConfig, Error, ListScope, Secret, TransportKind,
};
use futures::StreamExt;
use serde_json::{Value, json};
use std::time::Duration;

const SERVICE: &str = "pts_rutd5xfk2uj4fl3fcmceh26ecb7opuoj";
const USER: &str = "ptu_ayw3wncl4z4nf5pmsb7xzwbw6zc5fqv5";
const REFRESH: &str = "ptr_qjjksb5mrmddagqz2h3aafkgbs6agqef";
const SESSION: &str = "pmt_gp3mwjhq7524xpre56xgfqdwxmgry2vw";

fn config(base: &str) -> ClientConfig {
    fast_config(base, Secret::new(SERVICE), 3)
}

fn client(base: &str) -> Client {
    fast_client(base, Secret::new(SERVICE), 3)
}

fn single_attempt(base: &str) -> Client {
    let mut c = config(base);
    c.retry.max_attempts = 1;
    Client::new(c).unwrap()
}

fn request_id_of(fixture_name: &str) -> String {
    let v: Value = serde_json::from_slice(&fixture(fixture_name)).unwrap();
    v["request_id"].as_str().unwrap().to_string()
}

fn api(e: &Error) -> &authtop::authn::ApiError {
    match e {
        Error::Api(a) => a,
        other => panic!("expected an API error, got {other:?}"),
    }
}

// ---------------------------------------------------------------- success

#[tokio::test]
#[expect(clippy::too_many_lines, reason = "a case table: one call per endpoint")]
async fn every_endpoint_succeeds_and_sends_what_the_spec_says() {
    let server = Server::start(|_, seen| {
        let name = match seen.path.as_str() {
            "/prefix/v2/session/list" => "session_list.response.json",
            "/prefix/v2/session/invalidate" => "session_invalidate.response.json",
            "/prefix/v2/session/logout" => "session_logout.response.json",
            "/prefix/v2/client/session/list" => "client_session_list.response.json",
            "/prefix/v2/client/session/invalidate" => "client_session_invalidate.response.json",
            "/prefix/v2/client/session/logout" => "client_session_logout.response.json",
            "/prefix/v2/client/session/refresh" => "client_session_refresh.response.json",
            "/prefix/v2/client/token/check" => "client_token_check.response.json",
            _ => "not_found.response.json",
        };
        Reply::json(200, fixture(name))
    })
    .await;
    let mut cfg = config(&format!("{}/prefix/", server.base));
    cfg.user_agent_suffix = Some("tests/1".into());
    let c = Client::new(cfg).unwrap();
    assert_eq!(c.base_url(), format!("{}/prefix", server.base));
    assert_eq!(c.host(), server.base.trim_start_matches("http://"));
    let user = Secret::new(USER);
    let refresh = Secret::new(REFRESH);
    let list_req = SessionListRequest {
        order: Some(Order::Desc),
        order_by: Some(OrderBy::CreatedAt),
        size: Some(2),
        ..Default::default()
    };

    let list = c.session_list(&list_req).await.unwrap();
    assert_eq!(list.result.sessions.len(), 2);
    assert_eq!(list.result.last.as_deref(), Some("Mjoy"));
    assert_eq!(list.result.count, Some(4));
    assert_eq!(list.request_id, request_id_of("session_list.response.json"));
    assert_eq!(list.attempts, 1);

    let r = c.session_invalidate(SESSION).await.unwrap();
    assert_eq!(
        r.request_id,
        request_id_of("session_invalidate.response.json")
    );
    let r = c
        .session_logout("pui_ijp2soilxu2yyvsjssxotjxwowu4dux2")
        .await
        .unwrap();
    assert_eq!(r.summary, "User sessions logged out");

    let mine = c.client_session_list(&user, &list_req).await.unwrap();
    assert!(!mine.result.sessions.is_empty());
    assert_eq!(mine.result.count, None);
    let r = c.client_session_invalidate(&user, SESSION).await.unwrap();
    assert_eq!(
        r.request_id,
        request_id_of("client_session_invalidate.response.json")
    );
    let r = c.client_session_logout(&user).await.unwrap();
    assert_eq!(
        r.request_id,
        request_id_of("client_session_logout.response.json")
    );

    let fresh = c
        .client_session_refresh(&refresh, Some(&user))
        .await
        .unwrap();
    let active = fresh.result.active_token.unwrap();
    assert_eq!(active.info.id, "pmt_slq64mwtdzf7ozvxw5di7fzjzhpx24v2");
    assert_eq!(
        active.token.expose(),
        "ptu_pdg77sgftizsme5f6ncj4fjmxechajy6"
    );

    let info = c.token_check(&user).await.unwrap();
    assert!(info.result.id.starts_with("pmt_"));

    let expected: Vec<(&str, Call)> = vec![
        ("/prefix/v2/session/list", Call::SessionList(&list_req)),
        (
            "/prefix/v2/session/invalidate",
            Call::SessionInvalidate {
                session_id: SESSION,
            },
        ),
        (
            "/prefix/v2/session/logout",
            Call::SessionLogout {
                user_id: "pui_ijp2soilxu2yyvsjssxotjxwowu4dux2",
            },
        ),
        (
            "/prefix/v2/client/session/list",
            Call::ClientSessionList {
                token: &user,
                req: &list_req,
            },
        ),
        (
            "/prefix/v2/client/session/invalidate",
            Call::ClientSessionInvalidate {
                token: &user,
                session_id: SESSION,
            },
        ),
        (
            "/prefix/v2/client/session/logout",
            Call::ClientSessionLogout { token: &user },
        ),
        (
            "/prefix/v2/client/session/refresh",
            Call::ClientSessionRefresh {
                refresh_token: &refresh,
                user_token: Some(&user),
            },
        ),
        (
            "/prefix/v2/client/token/check",
            Call::TokenCheck { token: &user },
        ),
    ];
    let seen = server.seen();
    assert_eq!(seen.len(), expected.len());
    let ua = format!("authtop/{} tests/1", env!("CARGO_PKG_VERSION"));
    for (s, (path, call)) in seen.iter().zip(&expected) {
        assert_eq!(s.method, "POST");
        assert_eq!(&s.path, path);
        assert_eq!(
            s.header("authorization"),
            Some(format!("Bearer {SERVICE}").as_str())
        );
        assert_eq!(s.header("content-type"), Some("application/json"));
        assert_eq!(s.header("user-agent"), Some(ua.as_str()));
        assert_eq!(s.header("x-pangea-retried-request-ids"), None);
        let ours: Value = serde_json::from_slice(&c.body_of(call).unwrap()).unwrap();
        assert_eq!(s.json(), ours, "{path}");
        assert!(s.json().get("config_id").is_none());
    }
}

#[tokio::test]
async fn config_id_is_sent_only_when_configured() {
    let server =
        Server::start(|_, _| Reply::json(200, fixture("session_logout.response.json"))).await;
    let mut cfg = config(&server.base);
    cfg.config_id = Some("pci_zq3j5qs6gvhjkvrryc6yjxlfjo2y7dcn".into());
    Client::new(cfg)
        .unwrap()
        .session_logout("pui_x")
        .await
        .unwrap();
    client(&server.base).session_logout("pui_x").await.unwrap();
    let seen = server.seen();
    assert_eq!(
        seen[0].json(),
        json!({"user_id": "pui_x", "config_id": "pci_zq3j5qs6gvhjkvrryc6yjxlfjo2y7dcn"})
    );
    assert_eq!(seen[1].json(), json!({"user_id": "pui_x"}));
}

#[tokio::test]
async fn empty_results_accept_null_and_any_object_but_not_other_shapes() {
    let results = [json!(null), json!({}), json!({"extra": 1}), json!([1])];
    let server = Server::start(move |n, _| {
        Reply::json(
            200,
            envelope("Success", "prq_e", "ok", results[n.min(3)].clone()),
        )
    })
    .await;
    let c = client(&server.base);
    for _ in 0..3 {
        c.session_invalidate(SESSION).await.unwrap();
    }
    let err = c.session_invalidate(SESSION).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Decode {
                http_status: 200,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(err.request_id(), Some("prq_e"));
}

// ---------------------------------------------------------------- API errors

#[tokio::test]
async fn each_error_status_is_classified_with_its_request_id() {
    let cases: Vec<(&str, u16, ApiStatus)> = vec![
        ("unauthorized.response.json", 401, ApiStatus::Unauthorized),
        ("invalid_token.response.json", 400, ApiStatus::InvalidToken),
        ("expired_token.response.json", 400, ApiStatus::ExpiredToken),
        ("not_found.response.json", 404, ApiStatus::NotFound),
        (
            "too_many_requests.response.json",
            429,
            ApiStatus::TooManyRequests,
        ),
        (
            "internal_error.response.json",
            500,
            ApiStatus::InternalError,
        ),
        (
            "validation_error.response.json",
            400,
            ApiStatus::ValidationError,
        ),
    ];
    let replies: Vec<(Vec<u8>, u16)> = cases.iter().map(|(f, s, _)| (fixture(f), *s)).collect();
    let server = Server::start(move |n, _| Reply::json(replies[n].1, replies[n].0.clone())).await;
    let c = single_attempt(&server.base);
    for (name, http, kind) in cases {
        let err = c.session_invalidate(SESSION).await.unwrap_err();
        let a = api(&err);
        assert_eq!(a.kind, kind, "{name}");
        assert_eq!(a.http_status, http, "{name}");
        assert_eq!(a.request_id, request_id_of(name), "{name}");
        assert!(err.to_string().contains(&a.request_id), "{name}: {err}");
    }
    // The helpers the screens rely on.
    let server =
        Server::start(|_, _| Reply::json(400, fixture("expired_token.response.json"))).await;
    let err = single_attempt(&server.base)
        .token_check(&Secret::new(USER))
        .await
        .unwrap_err();
    assert!(err.is_signed_out() && err.is_auth() && !err.is_unauthorized());
}

#[tokio::test]
async fn an_unknown_status_is_a_generic_api_error() {
    let server = Server::start(|_, _| {
        Reply::json(409, envelope("SomethingNew", "prq_u", "Odd", json!(null)))
    })
    .await;
    let err = client(&server.base)
        .session_logout("pui_x")
        .await
        .unwrap_err();
    assert_eq!(api(&err).kind, ApiStatus::Other("SomethingNew".into()));
    assert_eq!(
        err.to_string(),
        "SomethingNew: Odd (HTTP 409, request prq_u)"
    );
}

#[tokio::test]
async fn validation_details_are_reported() {
    let server =
        Server::start(|_, _| Reply::json(400, fixture("validation_error_multi.response.json")))
            .await;
    let err = client(&server.base)
        .client_session_refresh(&Secret::new(REFRESH), None)
        .await
        .unwrap_err();
    let a = api(&err);
    assert_eq!(a.kind, ApiStatus::ValidationError);
    assert_eq!(a.errors.len(), 2);
    assert!(a.errors.iter().all(|e| e.source.starts_with('/')));
    assert!(a.errors.iter().any(|e| e.path.is_none()));
    for e in &a.errors {
        assert!(err.to_string().contains(&e.source), "{err}");
    }
}

// ---------------------------------------------------------------- malformed answers

#[tokio::test]
async fn malformed_bodies_are_decode_errors_with_status_and_request_id() {
    let mut wrong_type: Value =
        serde_json::from_slice(&fixture("session_list.response.json")).unwrap();
    wrong_type["result"]["sessions"][0]["life"] = json!("a long time");
    let mut missing_key: Value =
        serde_json::from_slice(&fixture("session_list.response.json")).unwrap();
    missing_key.as_object_mut().unwrap().remove("summary");
    let html = b"<html><body><h1>502 Bad Gateway</h1></body></html>".to_vec();
    let full = fixture("session_list.response.json");
    let bodies: Vec<(u16, Vec<u8>)> = vec![
        (200, html.clone()),
        (200, full[..full.len() / 2].to_vec()),
        (200, serde_json::to_vec(&missing_key).unwrap()),
        (200, serde_json::to_vec(&wrong_type).unwrap()),
        (403, html),
        (200, Vec::new()),
    ];
    let replies = bodies.clone();
    let server = Server::start(move |n, _| {
        Reply::json(replies[n].0, replies[n].1.clone())
            .header("x-request-id", &format!("prq_hdr{n}"))
    })
    .await;
    let c = single_attempt(&server.base);
    for (n, (status, body)) in bodies.iter().enumerate() {
        let err = c
            .session_list(&SessionListRequest::default())
            .await
            .unwrap_err();
        match &err {
            Error::Decode {
                http_status,
                request_id,
                snippet,
                ..
            } => {
                assert_eq!(http_status, status, "case {n}");
                assert_eq!(
                    request_id.as_deref(),
                    Some(format!("prq_hdr{n}").as_str()),
                    "case {n}"
                );
                let head = String::from_utf8_lossy(&body[..body.len().min(40)]).to_string();
                assert!(snippet.starts_with(&head), "case {n}: {snippet}");
                assert!(snippet.len() <= 130, "case {n}");
            }
            other => panic!("case {n}: expected Decode, got {other:?}"),
        }
        assert!(err.to_string().contains(&format!("HTTP {status}")), "{err}");
    }
}

#[tokio::test]
async fn a_wrong_result_shape_names_the_envelope_request_id() {
    let server = Server::start(|_, _| {
        Reply::json(
            200,
            envelope("Success", "prq_env", "ok", json!({"sessions": "nope"})),
        )
    })
    .await;
    let err = client(&server.base)
        .session_list(&SessionListRequest::default())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Decode {
                http_status: 200,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(err.request_id(), Some("prq_env"));
}

#[tokio::test]
async fn a_body_over_the_cap_is_refused_with_or_without_a_length() {
    let big = envelope("Success", "prq_big", &"x".repeat(4096), json!({}));
    let body = big.clone();
    let server = Server::start(move |n, _| {
        let r = Reply::json(200, body.clone());
        if n == 0 { r } else { r.without_length() }
    })
    .await;
    let mut cfg = config(&server.base);
    cfg.max_body_bytes = 1024;
    let c = Client::new(cfg).unwrap();
    for case in ["with length", "close-delimited"] {
        let err = c.session_logout("pui_x").await.unwrap_err();
        match &err {
            Error::Decode { reason, .. } => assert!(reason.contains("1024"), "{case}: {reason}"),
            other => panic!("{case}: expected Decode, got {other:?}"),
        }
    }
    // The same body fits under the default cap.
    client(&server.base).session_logout("pui_x").await.unwrap();
}

// ---------------------------------------------------------------- retries

#[tokio::test]
async fn a_503_is_retried_and_the_retry_names_the_failed_attempts() {
    let server = Server::start(|n, _| match n {
        0 | 1 => Reply::json(
            503,
            envelope(
                "ServiceNotAvailable",
                &format!("prq_b{n}"),
                "down",
                json!(null),
            ),
        )
        .header("x-request-id", &format!("prq_fail{n}")),
        _ => Reply::json(200, fixture("session_list.response.json")),
    })
    .await;
    let r = client(&server.base)
        .session_list(&SessionListRequest::default())
        .await
        .unwrap();
    assert_eq!(r.attempts, 3);
    assert_eq!(r.result.sessions.len(), 2);
    let seen = server.seen();
    assert_eq!(seen.len(), 3);
    assert_eq!(seen[0].header("x-pangea-retried-request-ids"), None);
    assert_eq!(
        seen[1].header("x-pangea-retried-request-ids"),
        Some("prq_fail0")
    );
    assert_eq!(
        seen[2].header("x-pangea-retried-request-ids"),
        Some("prq_fail0,prq_fail1")
    );
    assert_eq!(seen[2].body, seen[0].body);
}

#[tokio::test]
async fn a_persistent_500_ends_in_the_last_api_error() {
    let server =
        Server::start(|_, _| Reply::json(500, fixture("internal_error.response.json"))).await;
    let err = client(&server.base)
        .session_logout("pui_x")
        .await
        .unwrap_err();
    assert_eq!(api(&err).kind, ApiStatus::InternalError);
    assert_eq!(server.seen().len(), 3);
    // The envelope id stands in when there is no x-request-id header.
    let id = request_id_of("internal_error.response.json");
    assert_eq!(
        server.seen()[2].header("x-pangea-retried-request-ids"),
        Some(format!("{id},{id}").as_str())
    );
}

#[tokio::test]
async fn a_429_is_retried_after_the_servers_retry_after() {
    // Backoff alone would wait a minute; Retry-After: 0 says go now.
    let server = Server::start(|n, _| match n {
        0 => {
            Reply::json(429, fixture("too_many_requests.response.json")).header("Retry-After", "0")
        }
        _ => Reply::json(200, fixture("session_logout.response.json")),
    })
    .await;
    let mut cfg = config(&server.base);
    cfg.retry.base_delay = Duration::from_secs(60);
    cfg.retry.max_delay = Duration::from_secs(60);
    let c = Client::new(cfg).unwrap();
    let r = tokio::time::timeout(Duration::from_secs(10), c.session_logout("pui_x"))
        .await
        .expect("Retry-After: 0 was not honoured")
        .unwrap();
    assert_eq!(r.attempts, 2);

    // A Retry-After of an hour is capped at max_delay.
    let server = Server::start(|n, _| match n {
        0 => Reply::json(429, fixture("too_many_requests.response.json"))
            .header("Retry-After", "3600"),
        _ => Reply::json(200, fixture("session_logout.response.json")),
    })
    .await;
    let r = tokio::time::timeout(
        Duration::from_secs(10),
        client(&server.base).session_logout("pui_x"),
    )
    .await
    .expect("Retry-After was not capped")
    .unwrap();
    assert_eq!(r.attempts, 2);
}

#[tokio::test]
async fn a_dropped_connection_is_retried_for_a_list() {
    let server = Server::start(|n, _| match n {
        0 => Reply::Drop,
        _ => Reply::json(200, fixture("session_list.response.json")),
    })
    .await;
    let r = client(&server.base)
        .session_list(&SessionListRequest::default())
        .await
        .unwrap();
    assert_eq!(r.attempts, 2);
    assert_eq!(server.seen().len(), 2);
}

#[tokio::test]
async fn refresh_is_not_retried_once_the_server_got_it() {
    let server = Server::start(|_, _| Reply::Drop).await;
    let err = client(&server.base)
        .client_session_refresh(&Secret::new(REFRESH), Some(&Secret::new(USER)))
        .await
        .unwrap_err();
    match &err {
        Error::Transport { kind, attempts, .. } => {
            assert_eq!(*attempts, 1);
            assert_eq!(*kind, TransportKind::Closed);
        }
        other => panic!("expected Transport, got {other:?}"),
    }
    assert_eq!(server.seen().len(), 1);

    // Nor after a 503: the server may have done the work.
    let server =
        Server::start(|_, _| Reply::json(503, fixture("internal_error.response.json"))).await;
    let err = client(&server.base)
        .client_session_refresh(&Secret::new(REFRESH), None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Api(_)));
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn refresh_is_retried_when_the_connection_was_never_made() {
    let port = dead_port();
    let c = client(&format!("http://127.0.0.1:{port}"));
    let err = c
        .client_session_refresh(&Secret::new(REFRESH), None)
        .await
        .unwrap_err();
    match &err {
        Error::Transport {
            kind,
            attempts,
            host,
            ..
        } => {
            assert_eq!(*kind, TransportKind::Connect);
            assert_eq!(*attempts, 3);
            assert_eq!(host, &format!("127.0.0.1:{port}"));
        }
        other => panic!("expected Transport, got {other:?}"),
    }
}

// ---------------------------------------------------------------- 202

#[tokio::test]
async fn an_accepted_call_is_polled_to_its_result() {
    let id = request_id_of("accepted_202.response.json");
    let server = Server::start(|n, seen| match (n, seen.method.as_str()) {
        (0, "POST") | (1, "GET") => Reply::json(202, fixture("accepted_202.response.json")),
        (_, "GET") => Reply::json(200, fixture("request_poll_done.response.json")),
        _ => Reply::json(500, fixture("internal_error.response.json")),
    })
    .await;
    let r = client(&server.base)
        .session_list(&SessionListRequest::default())
        .await
        .unwrap();
    assert_eq!(r.request_id, id);
    assert!(!r.result.sessions.is_empty());
    let seen = server.seen();
    assert_eq!(seen.len(), 3);
    for poll in &seen[1..] {
        assert_eq!(poll.method, "GET");
        assert_eq!(poll.path, format!("/request/{id}"));
        assert_eq!(
            poll.header("authorization"),
            Some(format!("Bearer {SERVICE}").as_str())
        );
        assert!(poll.body.is_empty());
    }
}

#[tokio::test]
async fn an_accepted_call_still_pending_at_the_deadline_is_pending() {
    let server =
        Server::start(|_, _| Reply::json(202, fixture("accepted_202.response.json"))).await;
    let mut cfg = config(&server.base);
    cfg.poll_deadline = Duration::from_millis(350);
    let err = Client::new(cfg)
        .unwrap()
        .session_logout("pui_x")
        .await
        .unwrap_err();
    match &err {
        Error::Pending { request_id, .. } => {
            assert_eq!(request_id, &request_id_of("accepted_202.response.json"));
        }
        other => panic!("expected Pending, got {other:?}"),
    }
    let polls = server.seen().iter().filter(|s| s.method == "GET").count();
    assert!(polls >= 1, "never polled");
}

// ---------------------------------------------------------------- timeouts

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let server = Server::start(|_, _| Reply::Hang).await;
    let mut cfg = config(&server.base);
    cfg.request_timeout = Duration::from_millis(200);
    let err = Client::new(cfg)
        .unwrap()
        .session_list(&SessionListRequest::default())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                kind: TransportKind::Timeout,
                attempts: 3,
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_trickling_server_times_out() {
    let server = Server::start(|_, _| Reply::Trickle {
        status: 200,
        body: fixture("session_list.response.json"),
        every: Duration::from_millis(50),
    })
    .await;
    let mut cfg = config(&server.base);
    cfg.request_timeout = Duration::from_millis(300);
    cfg.retry.max_attempts = 1;
    let err = Client::new(cfg)
        .unwrap()
        .session_list(&SessionListRequest::default())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                kind: TransportKind::Timeout,
                attempts: 1,
                ..
            }
        ),
        "{err:?}"
    );
}

// ---------------------------------------------------------------- pages

#[tokio::test]
async fn a_page_walk_stops_on_a_repeated_cursor() {
    let server = Server::start(|_, seen| {
        let cursor = seen.json()["last"].as_str().map(str::to_string);
        match cursor.as_deref() {
            None => Reply::json(200, page(&["pmt_a"], Some("A"))),
            Some("A") => Reply::json(200, page(&["pmt_b"], Some("B"))),
            Some("B") => Reply::json(200, page(&["pmt_c"], Some("A"))),
            _ => Reply::json(500, fixture("internal_error.response.json")),
        }
    })
    .await;
    let pages: Vec<_> = client(&server.base)
        .pages(ListScope::Service, SessionListRequest::default())
        .collect()
        .await;
    let ids: Vec<String> = pages
        .iter()
        .filter_map(|p| p.as_ref().ok())
        .flat_map(|p| p.result.sessions.iter().map(|s| s.id.clone()))
        .collect();
    assert_eq!(ids, ["pmt_a", "pmt_b", "pmt_c"]);
    assert_eq!(server.seen().len(), 3);
    // The walk does not end as if the list were complete: the last item says it is not.
    assert_eq!(pages.len(), 4);
    let err = pages[3].as_ref().unwrap_err();
    assert!(
        err.error.to_string().contains("incomplete"),
        "{}",
        err.error
    );
}

#[tokio::test]
async fn a_page_walk_stops_on_each_end_of_list_signal() {
    // Each walk: a first page pointing at cursor X, then the end signal on page two.
    let ends: [(Option<&str>, &[&str]); 3] =
        [(None, &["pmt_z"]), (Some(""), &["pmt_z"]), (Some("C"), &[])];
    for (last, ids) in ends {
        let (last, ids): (Option<String>, Vec<String>) = (
            last.map(str::to_string),
            ids.iter().map(ToString::to_string).collect(),
        );
        let server = Server::start(move |_, seen| match seen.json()["last"].as_str() {
            Some("X") => {
                let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
                Reply::json(200, page(&ids, last.as_deref()))
            }
            _ => Reply::json(200, page(&["pmt_y"], Some("X"))),
        })
        .await;
        let pages: Vec<_> = client(&server.base)
            .pages(
                ListScope::Client(Secret::new(USER)),
                SessionListRequest::default(),
            )
            .collect()
            .await;
        assert_eq!(pages.len(), 2);
        assert!(pages.iter().all(Result::is_ok));
        let seen = server.seen();
        assert_eq!(seen.len(), 2);
        assert_eq!(seen[1].path, "/v2/client/session/list");
        assert_eq!(seen[1].json()["token"], USER);
    }
}

#[tokio::test]
async fn a_failed_page_reports_where_to_resume() {
    let server = Server::start(|_, seen| match seen.json()["last"].as_str() {
        None => Reply::json(200, page(&["pmt_a"], Some("A"))),
        Some("A") => Reply::json(200, page(&["pmt_b"], Some("B"))),
        _ => Reply::json(401, fixture("unauthorized.response.json")),
    })
    .await;
    let start = SessionListRequest {
        size: Some(1),
        ..Default::default()
    };
    let pages: Vec<_> = client(&server.base)
        .pages(ListScope::Service, start)
        .collect()
        .await;
    assert_eq!(pages.len(), 3);
    assert!(pages[0].is_ok() && pages[1].is_ok());
    let failure = pages[2].as_ref().unwrap_err();
    assert_eq!(failure.resume_from.as_deref(), Some("B"));
    assert!(failure.error.is_unauthorized());
    // Every page carried the same size.
    assert!(server.seen().iter().all(|s| s.json()["size"] == 1));
}

#[tokio::test]
async fn a_walk_that_fails_at_once_resumes_from_its_start() {
    let server =
        Server::start(|_, _| Reply::json(401, fixture("unauthorized.response.json"))).await;
    let start = SessionListRequest {
        last: Some("Q".into()),
        ..Default::default()
    };
    let pages: Vec<_> = client(&server.base)
        .pages(ListScope::Service, start)
        .collect()
        .await;
    assert_eq!(pages.len(), 1);
    assert_eq!(
        pages[0].as_ref().unwrap_err().resume_from.as_deref(),
        Some("Q")
    );
}

// ---------------------------------------------------------------- secrets

fn assert_no_secret(err: &dyn std::fmt::Debug, display: String, case: &str) {
    let debug = format!("{err:?}");
    for secret in [SERVICE, USER, REFRESH] {
        let fragment = &secret[..12];
        assert!(
            !display.contains(fragment),
            "{case}: Display leaks: {display}"
        );
        assert!(!debug.contains(fragment), "{case}: Debug leaks: {debug}");
    }
}

#[tokio::test]
async fn no_error_carries_a_token_even_when_the_server_echoes_it() {
    let echo = format!("bearer {SERVICE} user {USER} refresh {REFRESH}");
    let bodies: Vec<(u16, Vec<u8>)> = vec![
        // Every envelope string echoes the tokens.
        (
            400,
            envelope(
                "ValidationError",
                &format!("prq_{USER}"),
                &echo,
                json!({"errors": [{"code": echo, "detail": echo, "source": echo, "path": echo}]}),
            ),
        ),
        (
            401,
            envelope(&format!("Weird{REFRESH}"), "prq_1", &echo, json!(null)),
        ),
        // An HTML page and a body with the token at the snippet boundary.
        (502, format!("<html>{echo}</html>").into_bytes()),
        (200, format!("{}{USER}{USER}", "x".repeat(110)).into_bytes()),
        // The token as a wrongly typed value (serde quotes it in its message).
        (
            200,
            envelope(
                "Success",
                "prq_2",
                "ok",
                json!({"sessions": USER, "last": REFRESH}),
            ),
        ),
        (
            200,
            envelope(
                "Success",
                "prq_3",
                "ok",
                json!({"refresh_token": {"token": SERVICE, "life": USER}}),
            ),
        ),
    ];
    let n_cases = bodies.len();
    let replies = bodies.clone();
    let server = Server::start(move |n, _| {
        let (status, body) = &replies[n % replies.len()];
        Reply::json(*status, body.clone()).header("x-request-id", &format!("prq_{USER}"))
    })
    .await;
    let c = single_attempt(&server.base);
    let (user, refresh) = (Secret::new(USER), Secret::new(REFRESH));
    for case in 0..n_cases {
        let err = c
            .client_session_refresh(&refresh, Some(&user))
            .await
            .unwrap_err();
        assert_no_secret(&err, err.to_string(), &format!("case {case}"));
        assert!(err.to_string().contains("[REDACTED]"), "case {case}: {err}");
    }
    // A list knows the bearer and the user token.
    let err = c
        .client_session_list(&user, &SessionListRequest::default())
        .await
        .unwrap_err();
    assert!(!format!("{err}{err:?}").contains(&USER[4..]), "{err:?}");
    assert!(!format!("{err}{err:?}").contains(&SERVICE[4..]), "{err:?}");
}

#[tokio::test]
async fn an_accepted_answer_naming_a_token_as_its_id_is_refused() {
    let server = Server::start(|_, _| {
        let result = json!({"ttl_mins": 5, "retry_counter": 0, "location": "x"});
        Reply::json(202, envelope("Accepted", USER, "queued", result))
    })
    .await;
    let err = client(&server.base)
        .token_check(&Secret::new(USER))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Decode {
                http_status: 202,
                ..
            }
        ),
        "{err:?}"
    );
    assert_no_secret(&err, err.to_string(), "202 id");
    assert_eq!(server.seen().len(), 1, "polled a token-named request");
}

#[tokio::test]
async fn transport_errors_carry_no_token() {
    let server = Server::start(|_, _| Reply::Drop).await;
    let err = client(&server.base)
        .client_session_list(&Secret::new(USER), &SessionListRequest::default())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_no_secret(&err, err.to_string(), "dropped");
}

// ---------------------------------------------------------------- configuration

#[test]
fn plain_http_to_a_remote_host_needs_allow_http() {
    let err = Client::new(ClientConfig::new(
        "http://10.1.2.3:8080",
        Secret::new(SERVICE),
    ))
    .unwrap_err();
    assert!(
        matches!(&err, Error::Config(m) if m.contains("plain http")),
        "{err}"
    );
    let mut cfg = ClientConfig::new("http://10.1.2.3:8080", Secret::new(SERVICE));
    cfg.allow_http = true;
    assert!(Client::new(cfg).is_ok());
    assert!(
        Client::new(ClientConfig::new(
            "https://authn.example.com",
            Secret::new(SERVICE)
        ))
        .is_ok()
    );
    assert_eq!(
        authtop::authn::client_config::base_url_from_template("http://127.0.0.1:1/prefix").unwrap(),
        "http://127.0.0.1:1/prefix"
    );
    assert_eq!(
        authtop::authn::client_config::base_url_from_domain("aws.eu.pangea.cloud").unwrap(),
        "https://authn.aws.eu.pangea.cloud"
    );
}

#[test]
fn a_client_prints_no_token() {
    let c = Client::new(ClientConfig::new(
        "http://127.0.0.1:9",
        Secret::new(SERVICE),
    ))
    .unwrap();
    assert!(!format!("{c:?}").contains(&SERVICE[4..]));
}

#[tokio::test]
async fn a_token_echoed_inside_a_successful_answer_never_reaches_the_caller() {
    // A hostile or buggy server puts our bearer and the user's token into session fields.
    let server = Server::start(|_, _| {
        let body = String::from_utf8(fixture("client_session_list.response.json"))
            .unwrap()
            .replace("alice@example.com", SERVICE)
            .replace("\"Alice\"", &format!("\"{USER}\""));
        Reply::json(200, body)
    })
    .await;
    let c = client(&server.base);
    let user = Secret::new(USER);
    let list = c
        .client_session_list(&user, &SessionListRequest::default())
        .await
        .unwrap();
    let printed = serde_json::to_string(&list.result).unwrap();
    assert!(!printed.contains(SERVICE), "{printed}");
    assert!(!printed.contains(USER), "{printed}");
    assert_eq!(list.result.sessions[0].email, "[REDACTED]");
}
