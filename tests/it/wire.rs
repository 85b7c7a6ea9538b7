//! The client against the emulator over 127.0.0.1: both ends of the wire agree on every
//! endpoint, every error status the emulator can produce, retries, 202 polling and
//! page walks while sessions disappear.

use crate::harness::client::fast_config;
use crate::harness::emulator::{small, start as emulator};
use authtop::authn::model::*;
use authtop::authn::{
    ApiError, ApiStatus, Client, ClientConfig, Error, ListScope, Secret, TransportKind,
};
use authtop::emulator::{EmulatorConfig, Faults, RunningEmulator, UserTokens};
use futures::StreamExt;
use std::collections::{HashMap, HashSet};
use std::time::Duration;

const UNKNOWN_PMT: &str = "pmt_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const UNKNOWN_PTU: &str = "ptu_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const WRONG_SERVICE: &str = "pts_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

/// Retries 1 to 4 ms apart: the emulator's faults are seeded, so many attempts stay quick.
fn config(emu: &RunningEmulator, token: Secret, attempts: u32) -> ClientConfig {
    let mut c = fast_config(emu.base_url(), token, attempts);
    c.retry.base_delay = Duration::from_millis(1);
    c.retry.max_delay = Duration::from_millis(4);
    c.poll_deadline = Duration::from_secs(5);
    c
}

/// A client with the emulator's service token and `attempts` attempts per call.
fn client(emu: &RunningEmulator, attempts: u32) -> Client {
    Client::new(config(emu, emu.service_token(), attempts)).unwrap()
}

fn api(e: &Error) -> &ApiError {
    match e {
        Error::Api(a) => a,
        other => panic!("expected an API error, got {other:?}"),
    }
}

/// Asserts `e` is an API error of `kind` and HTTP `code`, carrying a summary and a request id.
fn assert_api(e: &Error, kind: ApiStatus, code: u16) -> &ApiError {
    let a = api(e);
    assert_eq!((&a.kind, a.http_status), (&kind, code), "{e}");
    assert!(!a.summary.is_empty(), "{e}");
    assert!(a.request_id.starts_with("prq_"), "{e}");
    assert_eq!(e.request_id(), Some(a.request_id.as_str()));
    a
}

/// Asserts `e` is a `ValidationError` naming `source` among its errors.
fn assert_validation(e: &Error, source: &str) {
    let a = assert_api(e, ApiStatus::ValidationError, 400);
    assert_eq!(a.status, "ValidationError");
    assert!(
        a.errors.iter().any(|f| f.source == source),
        "expected an error at {source}: {e}"
    );
}

/// Every row of a walk with `req`, in order.
async fn walk(c: &Client, scope: ListScope, req: SessionListRequest) -> Vec<Session> {
    let mut rows = Vec::new();
    let mut pages = Box::pin(c.pages(scope, req));
    let mut n = 0;
    while let Some(page) = pages.next().await {
        rows.extend(page.unwrap().result.sessions);
        n += 1;
        assert!(n < 2_000, "the walk does not end");
    }
    rows
}

fn ids(rows: &[Session]) -> Vec<String> {
    rows.iter().map(|s| s.id.clone()).collect()
}

/// One user with at least `n` sessions.
fn user_with(emu: &RunningEmulator, n: usize) -> UserTokens {
    emu.tokens(usize::MAX)
        .into_iter()
        .find(|u| u.sessions.len() >= n)
        .expect("a seeded user with enough sessions")
}

// ---------------------------------------------------------------- every endpoint

#[tokio::test]
async fn session_list_applies_a_compiled_filter_order_and_size() {
    let emu = emulator(small()).await;
    let c = client(&emu, 1);
    let user = user_with(&emu, 3);
    let filter =
        authtop::query::compile(&format!("email={}", user.email), jiff::Timestamp::now()).unwrap();
    let req = SessionListRequest {
        filter: Some(filter.clone()),
        order: Some(Order::Asc),
        order_by: Some(OrderBy::CreatedAt),
        size: Some(2),
        last: None,
    };
    let page = c.session_list(&req).await.unwrap();
    assert_eq!(page.attempts, 1);
    assert!(page.request_id.starts_with("prq_"));
    let first = &page.result;
    assert_eq!(first.sessions.len(), 2);
    assert_eq!(first.count, Some(user.sessions.len() as u64));
    assert!(first.last.as_deref().is_some_and(|l| !l.is_empty()));
    let all = walk(&c, ListScope::Service, req).await;
    assert_eq!(all[..2], first.sessions[..]);
    assert!(
        all.iter()
            .all(|s| s.email == user.email && s.identity == user.user_id)
    );
    assert!(all.windows(2).all(|w| w[0].created_at <= w[1].created_at));
    // `tokens` lists a user's sessions oldest first, as this query does.
    let want: Vec<String> = user.sessions.iter().map(|s| s.session_id.clone()).collect();
    assert_eq!(ids(&all), want);
    emu.shutdown().await;
}

/// Every row the service list returns for `filter`, one walk of 40-row pages.
async fn filtered(c: &Client, filter: Filter) -> (Vec<Session>, Option<u64>) {
    let req = SessionListRequest {
        filter: Some(filter),
        size: Some(40),
        ..Default::default()
    };
    let count = c.session_list(&req).await.unwrap().result.count;
    (walk(c, ListScope::Service, req).await, count)
}

#[tokio::test]
async fn every_kind_of_query_term_selects_what_it_says() {
    type Pick = Box<dyn Fn(&Session) -> bool>;
    let emu = emulator(EmulatorConfig {
        seed: 5,
        ..EmulatorConfig::default()
    })
    .await;
    let api = client(&emu, 1);
    let (all, total) = filtered(&api, Filter::default()).await;
    assert_eq!((all.len(), total), (300, Some(300)));
    // Whole seconds, so the wire's timestamps and this side's agree to the microsecond.
    let now = Timestamp::from_second(emu.now().as_second()).unwrap();
    let hours = |h: i64| jiff::SignedDuration::from_hours(h);
    let a = &all[17];
    let b = &all[203];
    let domain = a.email.split('@').nth(1).unwrap().to_string();
    let department = a.profile["department"].clone();
    let active = a.active_token.as_ref().unwrap().id.clone();
    let has_scopes = |want: &'static [&'static str]| -> Pick {
        Box::new(move |s: &Session| {
            want.iter()
                .all(|w| s.scopes.iter().flatten().any(|x| x == w))
        })
    };
    let cases: Vec<(String, Pick)> = vec![
        (format!("email={}", a.email), {
            let e = a.email.clone();
            Box::new(move |s: &Session| s.email == e)
        }),
        (format!("\"@{domain}\""), {
            let d = format!("@{domain}");
            Box::new(move |s: &Session| s.email.contains(&d))
        }),
        (format!("id={},{}", a.id, b.id), {
            let (x, y) = (a.id.clone(), b.id.clone());
            Box::new(move |s: &Session| s.id == x || s.id == y)
        }),
        (format!("user={}", b.identity), {
            let i = b.identity.clone();
            Box::new(move |s: &Session| s.identity == i)
        }),
        (format!("token={active}"), {
            Box::new(move |s: &Session| s.active_token.as_ref().is_some_and(|t| t.id == active))
        }),
        ("type=session".into(), Box::new(|_: &Session| true)),
        ("created>now-2d".into(), {
            let t = now - hours(48);
            Box::new(move |s: &Session| s.created_at > t)
        }),
        ("created<=now-3d expire>now+1d".into(), {
            let (t, u) = (now - hours(72), now + hours(24));
            Box::new(move |s: &Session| s.created_at <= t && s.expire > u)
        }),
        ("scope=read".into(), has_scopes(&["read"])),
        ("scope=read,write".into(), has_scopes(&["read", "write"])),
        (
            "scope=\"profile/edit\"".into(),
            has_scopes(&["profile/edit"]),
        ),
        (format!("profile.department=\"{department}\""), {
            Box::new(move |s: &Session| s.profile.get("department") == Some(&department))
        }),
        (
            "profile.locale?".into(),
            Box::new(|s: &Session| s.profile.contains_key("locale")),
        ),
        (
            "!profile.locale?".into(),
            Box::new(|s: &Session| !s.profile.contains_key("locale")),
        ),
    ];
    for (line, pick) in &cases {
        let filter = authtop::query::compile(line, now).unwrap();
        let (rows, count) = filtered(&api, filter).await;
        let mut got = ids(&rows);
        let mut want: Vec<String> = all
            .iter()
            .filter(|s| pick(s))
            .map(|s| s.id.clone())
            .collect();
        got.sort();
        want.sort();
        assert!(!want.is_empty(), "`{line}` should match something");
        assert_eq!(got, want, "`{line}`");
        assert_eq!(count, Some(want.len() as u64), "`{line}`");
    }
    // Fields the rows do not show still split the sessions in two.
    let mut split = 0;
    for line in ["enabled=true", "enabled=false"] {
        let (rows, count) = filtered(&api, authtop::query::compile(line, now).unwrap()).await;
        assert_eq!(count, Some(rows.len() as u64));
        split += rows.len();
    }
    assert_eq!(split, 300);
    emu.shutdown().await;
}

#[tokio::test]
async fn session_invalidate_ends_exactly_that_session() {
    let emu = emulator(small()).await;
    let c = client(&emu, 1);
    let victim = user_with(&emu, 2).sessions[1].session_id.clone();
    let before = emu.session_count();
    assert!(emu.session_exists(&victim));
    c.session_invalidate(&victim).await.unwrap();
    assert!(!emu.session_exists(&victim));
    assert_eq!(emu.session_count(), before - 1);
    let rows = walk(
        &c,
        ListScope::Service,
        SessionListRequest {
            size: Some(1000),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(rows.len(), before - 1);
    assert!(!ids(&rows).contains(&victim));
    emu.shutdown().await;
}

#[tokio::test]
async fn session_logout_ends_every_session_of_that_user_only() {
    let emu = emulator(small()).await;
    let c = client(&emu, 1);
    let everyone = emu.tokens(usize::MAX);
    let user = user_with(&emu, 2);
    let others: Vec<String> = everyone
        .iter()
        .filter(|u| u.user_id != user.user_id)
        .flat_map(|u| u.sessions.iter().map(|s| s.session_id.clone()))
        .collect();
    assert!(!others.is_empty());
    c.session_logout(&user.user_id).await.unwrap();
    for s in &user.sessions {
        assert!(!emu.session_exists(&s.session_id));
    }
    assert!(others.iter().all(|id| emu.session_exists(id)));
    assert_eq!(emu.session_count(), others.len());
    let rows = walk(&c, ListScope::Service, SessionListRequest::default()).await;
    assert!(rows.iter().all(|s| s.identity != user.user_id));
    assert_eq!(rows.len(), others.len());
    emu.shutdown().await;
}

#[tokio::test]
async fn client_list_shows_only_the_token_owners_sessions() {
    let emu = emulator(small()).await;
    let c = client(&emu, 1);
    let user = user_with(&emu, 3);
    let token = user.sessions[0].user_token.clone();
    let req = SessionListRequest {
        size: Some(2),
        ..Default::default()
    };
    let first = c.client_session_list(&token, &req).await.unwrap().result;
    assert_eq!(first.sessions.len(), 2);
    assert_eq!(first.count, None, "the client list has no count");
    let mine = walk(&c, ListScope::Client(token), req).await;
    let mut got = ids(&mine);
    let mut want: Vec<String> = user.sessions.iter().map(|s| s.session_id.clone()).collect();
    got.sort();
    want.sort();
    assert_eq!(got, want);
    assert!(mine.iter().all(|s| s.identity == user.user_id));
    // The same rows as the service list filtered on the owner.
    let filter = authtop::query::compile(
        &format!("identity={}", user.user_id),
        jiff::Timestamp::now(),
    )
    .unwrap();
    let service = walk(
        &c,
        ListScope::Service,
        SessionListRequest {
            filter: Some(filter),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(ids(&service), ids(&mine));
    emu.shutdown().await;
}

#[tokio::test]
async fn client_invalidate_ends_own_sessions_and_not_others() {
    let emu = emulator(small()).await;
    let c = client(&emu, 1);
    let everyone = emu.tokens(usize::MAX);
    let user = everyone.iter().find(|u| u.sessions.len() >= 2).unwrap();
    let stranger = everyone.iter().find(|u| u.user_id != user.user_id).unwrap();
    let token = &user.sessions[0].user_token;
    let own = &user.sessions[1].session_id;
    c.client_session_invalidate(token, own).await.unwrap();
    assert!(!emu.session_exists(own));
    assert!(emu.session_exists(&user.sessions[0].session_id));

    let theirs = &stranger.sessions[0].session_id;
    let e = c
        .client_session_invalidate(token, theirs)
        .await
        .unwrap_err();
    assert!(e.is_not_found(), "{e}");
    assert_api(&e, ApiStatus::NotFound, 404);
    assert!(emu.session_exists(theirs), "another user's session stays");
    emu.shutdown().await;
}

#[tokio::test]
async fn client_logout_ends_that_session_and_signs_the_token_out() {
    let emu = emulator(small()).await;
    let c = client(&emu, 1);
    let user = user_with(&emu, 3);
    let token = &user.sessions[0].user_token;
    c.client_session_logout(token).await.unwrap();
    assert!(!emu.session_exists(&user.sessions[0].session_id));
    for s in &user.sessions[1..] {
        assert!(emu.session_exists(&s.session_id));
    }
    let e = c
        .client_session_list(token, &SessionListRequest::default())
        .await
        .unwrap_err();
    assert!(e.is_signed_out(), "{e}");
    assert_api(&e, ApiStatus::InvalidToken, 400);
    // A sibling session still sees the rest.
    let rest = walk(
        &c,
        ListScope::Client(user.sessions[1].user_token.clone()),
        SessionListRequest::default(),
    )
    .await;
    assert_eq!(rest.len(), user.sessions.len() - 1);
    emu.shutdown().await;
}

#[tokio::test]
async fn client_refresh_issues_a_working_token_and_revokes_the_old_one() {
    let emu = emulator(small()).await;
    let c = client(&emu, 1);
    let user = user_with(&emu, 1);
    let s = &user.sessions[0];
    let old = c.token_check(&s.user_token).await.unwrap().result;
    let r = c
        .client_session_refresh(&s.refresh_token, Some(&s.user_token))
        .await
        .unwrap();
    assert_eq!(r.attempts, 1);
    assert_eq!(r.result.refresh_token.info.identity, user.user_id);
    let active = r.result.active_token.expect("a new active token");
    assert_ne!(active.token, s.user_token);
    assert_ne!(active.info.id, old.id);

    let new = c.token_check(&active.token).await.unwrap().result;
    assert_eq!(new.id, active.info.id);
    assert_eq!(new.identity, user.user_id);
    assert!(new.expire > old.expire, "{} vs {}", new.expire, old.expire);
    let mine = walk(
        &c,
        ListScope::Client(active.token.clone()),
        SessionListRequest::default(),
    )
    .await;
    let row = mine.iter().find(|r| r.id == s.session_id).unwrap();
    assert_eq!(row.active_token.as_ref().unwrap().id, new.id);

    let e = c.token_check(&s.user_token).await.unwrap_err();
    assert!(e.is_signed_out(), "{e}");
    assert_api(&e, ApiStatus::InvalidToken, 400);
    assert!(emu.session_exists(&s.session_id));

    // The refresh token comes back as it was sent, and the pair returned refreshes again.
    assert_eq!(r.result.refresh_token.token, s.refresh_token);
    let again = c
        .client_session_refresh(&r.result.refresh_token.token, Some(&active.token))
        .await
        .unwrap();
    let third = again.result.active_token.expect("another active token");
    assert_ne!(third.token, active.token);
    emu.shutdown().await;
}

#[tokio::test]
async fn token_check_matches_the_listed_session() {
    let emu = emulator(small()).await;
    let c = client(&emu, 1);
    let user = user_with(&emu, 2);
    let s = &user.sessions[1];
    let info = c.token_check(&s.user_token).await.unwrap().result;
    let rows = walk(&c, ListScope::Service, SessionListRequest::default()).await;
    let row = rows.iter().find(|r| r.id == s.session_id).unwrap();
    let active = row.active_token.as_ref().unwrap();
    assert_eq!(info.id, active.id);
    assert_eq!(info.kind, "user");
    assert_eq!(info.identity, row.identity);
    assert_eq!(info.email, row.email);
    assert_eq!(
        (info.identity.as_str(), info.email.as_str()),
        (user.user_id.as_str(), user.email.as_str())
    );
    assert_eq!(info.expire, active.expire);
    assert!(info.expire > emu.now() && info.expire <= row.expire);
    emu.shutdown().await;
}

// ---------------------------------------------------------------- error statuses

#[tokio::test]
async fn validation_errors_name_the_offending_field() {
    let emu = emulator(small()).await;
    let c = client(&emu, 3);
    let e = c.session_invalidate("pmt_bad").await.unwrap_err();
    assert_validation(&e, "/session_id");
    let e = c
        .session_list(&SessionListRequest {
            size: Some(0),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_validation(&e, "/size");
    let e = c.session_logout("bad;id").await.unwrap_err();
    assert_validation(&e, "/user_id");
    let e = c.token_check(&Secret::new("garbage")).await.unwrap_err();
    assert_validation(&e, "/token");
    let user = user_with(&emu, 1);
    // A user token where the refresh token belongs.
    let e = c
        .client_session_refresh(&user.sessions[0].user_token, None)
        .await
        .unwrap_err();
    assert_validation(&e, "/refresh_token");
    // Validation errors are final: no retry.
    let before = emu.request_count();
    let e = c.session_invalidate("pmt_bad").await.unwrap_err();
    assert_validation(&e, "/session_id");
    assert_eq!(emu.request_count(), before + 1);
    assert_eq!(emu.session_count(), 60);
    // A multi-config id is a key the session schemas forbid, except on the service list.
    let mut cfg = config(&emu, emu.service_token(), 3);
    cfg.config_id = Some("pci_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".into());
    let with_config = Client::new(cfg).unwrap();
    let e = with_config
        .session_invalidate(&user.sessions[0].session_id)
        .await
        .unwrap_err();
    assert_validation(&e, "/config_id");
    assert!(emu.session_exists(&user.sessions[0].session_id));
    with_config
        .session_list(&SessionListRequest::default())
        .await
        .unwrap();
    emu.shutdown().await;
}

#[tokio::test]
async fn a_wrong_bearer_is_unauthorized_on_service_and_client_endpoints() {
    let emu = emulator(small()).await;
    let wrong = Client::new(config(&emu, Secret::new(WRONG_SERVICE), 3)).unwrap();
    let user = user_with(&emu, 1);
    let token = &user.sessions[0].user_token;
    let before = emu.request_count();
    let e = wrong
        .session_list(&SessionListRequest::default())
        .await
        .unwrap_err();
    assert!(e.is_unauthorized() && !e.is_signed_out(), "{e}");
    assert_api(&e, ApiStatus::Unauthorized, 401);
    let e = wrong.token_check(token).await.unwrap_err();
    assert_api(&e, ApiStatus::Unauthorized, 401);
    let e = wrong
        .session_invalidate(&user.sessions[0].session_id)
        .await
        .unwrap_err();
    assert_api(&e, ApiStatus::Unauthorized, 401);
    assert_eq!(emu.request_count(), before + 3, "401 is never retried");
    assert!(emu.session_exists(&user.sessions[0].session_id));
    emu.shutdown().await;
}

#[tokio::test]
async fn unknown_and_expired_user_tokens_sign_the_user_out() {
    let emu = emulator(EmulatorConfig {
        user_token_life: Duration::from_secs(60),
        ..small()
    })
    .await;
    let c = client(&emu, 1);
    let e = c.token_check(&Secret::new(UNKNOWN_PTU)).await.unwrap_err();
    assert!(e.is_signed_out(), "{e}");
    assert_eq!(
        assert_api(&e, ApiStatus::InvalidToken, 400).status,
        "InvalidToken"
    );

    let user = user_with(&emu, 1);
    let s = &user.sessions[0];
    c.token_check(&s.user_token).await.unwrap();
    emu.advance(Duration::from_secs(120));
    let e = c
        .client_session_list(&s.user_token, &SessionListRequest::default())
        .await
        .unwrap_err();
    assert!(e.is_signed_out(), "{e}");
    assert_eq!(
        assert_api(&e, ApiStatus::ExpiredToken, 400).status,
        "ExpiredToken"
    );
    let e = c.token_check(&s.user_token).await.unwrap_err();
    assert_api(&e, ApiStatus::ExpiredToken, 400);
    // The session outlives its active token: a refresh brings the user back.
    assert!(emu.session_exists(&s.session_id));
    let fresh = c
        .client_session_refresh(&s.refresh_token, Some(&s.user_token))
        .await
        .unwrap()
        .result
        .active_token
        .unwrap();
    let info = c.token_check(&fresh.token).await.unwrap().result;
    assert!(info.expire > emu.now());
    // Past the session's own end, its refresh token has expired too and it is gone.
    emu.advance(Duration::from_secs(8 * 86_400));
    assert!(!emu.session_exists(&s.session_id));
    let e = c
        .client_session_refresh(&s.refresh_token, None)
        .await
        .unwrap_err();
    assert!(e.is_signed_out(), "{e}");
    assert_api(&e, ApiStatus::ExpiredToken, 400);
    emu.shutdown().await;
}

#[tokio::test]
async fn invalidating_an_unknown_session_is_not_found() {
    let emu = emulator(small()).await;
    let c = client(&emu, 3);
    let before = emu.request_count();
    let e = c.session_invalidate(UNKNOWN_PMT).await.unwrap_err();
    assert!(e.is_not_found(), "{e}");
    assert_eq!(assert_api(&e, ApiStatus::NotFound, 404).status, "NotFound");
    assert_eq!(emu.request_count(), before + 1, "404 is never retried");
    assert_eq!(emu.session_count(), 60);
    emu.shutdown().await;
}

#[tokio::test]
async fn throttled_and_failed_calls_surface_with_status_summary_and_request_id() {
    let emu = emulator(small()).await;
    let c = client(&emu, 1);
    let victim = user_with(&emu, 1).sessions[0].session_id.clone();
    for (faults, kind, code, status) in [
        (
            Faults {
                throttle_rate: 1.0,
                ..Faults::default()
            },
            ApiStatus::TooManyRequests,
            429,
            "TooManyRequests",
        ),
        (
            Faults {
                error_rate: 1.0,
                ..Faults::default()
            },
            ApiStatus::InternalError,
            500,
            "InternalError",
        ),
    ] {
        emu.set_faults(faults).unwrap();
        let before = emu.request_count();
        let e = c
            .session_list(&SessionListRequest::default())
            .await
            .unwrap_err();
        assert_eq!(assert_api(&e, kind.clone(), code).status, status);
        assert!(!e.is_auth() && !e.is_not_found());
        let e = c.session_invalidate(&victim).await.unwrap_err();
        assert_eq!(assert_api(&e, kind, code).status, status);
        assert_eq!(emu.request_count(), before + 2, "one attempt each");
        assert!(
            emu.session_exists(&victim),
            "a failed invalidate changes nothing"
        );
    }
    emu.shutdown().await;
}

// ---------------------------------------------------------------- retries and 202

#[tokio::test]
async fn retries_ride_out_errors_throttling_and_dropped_connections() {
    let emu = emulator(small()).await;
    let c = client(&emu, 60);
    let everyone = emu.tokens(usize::MAX);
    let user = everyone.iter().find(|u| u.sessions.len() >= 3).unwrap();
    let token = &user.sessions[0].user_token;
    let victims: Vec<String> = everyone
        .iter()
        .filter(|u| u.user_id != user.user_id)
        .take(5)
        .map(|u| u.sessions[0].session_id.clone())
        .collect();
    emu.set_faults(Faults {
        error_rate: 0.5,
        throttle_rate: 0.3,
        drop_rate: 0.2,
        ..Faults::default()
    })
    .unwrap();
    let before = emu.request_count();
    let mut attempts = Vec::new();
    for victim in &victims[..4] {
        let page = c
            .session_list(&SessionListRequest {
                size: Some(5),
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(page.result.sessions.len(), 5);
        attempts.push(page.attempts);
        let info = c.token_check(token).await.unwrap();
        assert_eq!(info.result.identity, user.user_id);
        attempts.push(info.attempts);
        let mine = c
            .client_session_list(token, &SessionListRequest::default())
            .await
            .unwrap();
        assert_eq!(mine.result.sessions.len(), user.sessions.len());
        attempts.push(mine.attempts);
        let gone = c.session_invalidate(victim).await.unwrap();
        attempts.push(gone.attempts);
        assert!(!emu.session_exists(victim));
    }
    let calls = attempts.len() as u64;
    let sent: u64 = attempts.iter().map(|&a| u64::from(a)).sum();
    let received = emu.request_count() - before;
    assert!(received > calls, "{received} requests for {calls} calls");
    assert_eq!(
        received, sent,
        "every attempt the client counts reached the server"
    );
    assert_eq!(emu.session_count(), 60 - 4);
    assert!(victims[4..].iter().all(|v| emu.session_exists(v)));
    emu.shutdown().await;
}

#[tokio::test]
async fn an_accepted_invalidate_is_polled_and_takes_effect_once() {
    let emu = emulator(small()).await;
    let c = client(&emu, 1);
    let victim = user_with(&emu, 1).sessions[0].session_id.clone();
    emu.set_faults(Faults {
        async_rate: 1.0,
        ..Faults::default()
    })
    .unwrap();
    let before = emu.request_count();
    let r = c.session_invalidate(&victim).await.unwrap();
    assert_eq!(r.attempts, 1);
    assert!(r.request_id.starts_with("prq_"));
    let polls = emu.request_count() - before - 1;
    assert!(polls >= 1, "the 202 was polled");
    assert!(!emu.session_exists(&victim));
    assert_eq!(emu.session_count(), 59);
    // Asking again is answered, also through a 202, by NotFound: nothing else ended.
    let e = c.session_invalidate(&victim).await.unwrap_err();
    assert!(e.is_not_found(), "{e}");
    assert_eq!(emu.session_count(), 59);
    // A list under 202s arrives complete.
    let page = c
        .session_list(&SessionListRequest {
            size: Some(100),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(page.result.sessions.len(), 59);
    assert_eq!(page.result.count, Some(59));
    // A refresh under a 202 issues one new token: it works and the old one is revoked.
    let s = user_with(&emu, 1).sessions[0].clone();
    let fresh = c
        .client_session_refresh(&s.refresh_token, Some(&s.user_token))
        .await
        .unwrap()
        .result
        .active_token
        .unwrap();
    let info = c.token_check(&fresh.token).await.unwrap().result;
    assert_eq!(info.id, fresh.info.id);
    let e = c.token_check(&s.user_token).await.unwrap_err();
    assert_api(&e, ApiStatus::InvalidToken, 400);
    emu.shutdown().await;
}

#[tokio::test]
async fn a_refresh_whose_connection_drops_is_never_repeated() {
    let emu = emulator(small()).await;
    let c = client(&emu, 5);
    let s = user_with(&emu, 1).sessions[0].clone();
    emu.set_faults(Faults {
        drop_rate: 1.0,
        ..Faults::default()
    })
    .unwrap();
    let before = emu.request_count();
    let e = c
        .client_session_refresh(&s.refresh_token, Some(&s.user_token))
        .await
        .unwrap_err();
    match &e {
        Error::Transport { kind, attempts, .. } => {
            assert_eq!((*kind, *attempts), (TransportKind::Closed, 1), "{e}");
        }
        other => panic!("expected a transport error, got {other:?}"),
    }
    assert_eq!(emu.request_count(), before + 1, "one request only");
    // An idempotent call under the same faults uses every attempt.
    let before = emu.request_count();
    let e = c.token_check(&s.user_token).await.unwrap_err();
    assert!(matches!(e, Error::Transport { attempts: 5, .. }), "{e}");
    assert_eq!(emu.request_count(), before + 5);
    // The dropped refresh never ran: the old tokens still work.
    emu.set_faults(Faults::default()).unwrap();
    let info = c.token_check(&s.user_token).await.unwrap().result;
    assert_eq!(info.kind, "user");
    c.client_session_refresh(&s.refresh_token, Some(&s.user_token))
        .await
        .unwrap();
    emu.shutdown().await;
}

// ---------------------------------------------------------------- page walks

/// The value `by` orders on, comparable across rows.
fn order_key(s: &Session, by: OrderBy) -> String {
    let time = |t: Timestamp| format!("{:020}", t.as_microsecond());
    match by {
        OrderBy::Id => s.id.clone(),
        OrderBy::CreatedAt => time(s.created_at),
        OrderBy::Type => s.kind.clone(),
        OrderBy::Identity => s.identity.clone(),
        OrderBy::Email => s.email.clone(),
        OrderBy::Expire => time(s.expire),
        OrderBy::ActiveTokenId => s.active_token.as_ref().unwrap().id.clone(),
    }
}

#[tokio::test]
async fn a_walk_while_sessions_disappear_lists_every_survivor_once() {
    let emu = emulator(EmulatorConfig {
        seed: 11,
        ..EmulatorConfig::default()
    })
    .await;
    let c = client(&emu, 1);
    let order: Vec<String> = ids(&walk(
        &c,
        ListScope::Service,
        SessionListRequest {
            size: Some(1000),
            ..Default::default()
        },
    )
    .await);
    assert_eq!(order.len(), 300);
    let position: HashMap<&str, usize> = order
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i))
        .collect();

    let mut deleted: HashSet<String> = HashSet::new();
    let mut seen: Vec<String> = Vec::new();
    let mut pages = Box::pin(c.pages(
        ListScope::Service,
        SessionListRequest {
            size: Some(7),
            ..Default::default()
        },
    ));
    let mut page_no = 0usize;
    while let Some(page) = pages.next().await {
        let page = page.unwrap();
        assert!(page.result.sessions.len() <= 7);
        for s in &page.result.sessions {
            assert!(!deleted.contains(&s.id), "{} listed after it ended", s.id);
            seen.push(s.id.clone());
        }
        page_no += 1;
        assert!(page_no < 200, "the walk does not end");
        let Some(cursor_row) = page.result.sessions.last() else {
            continue;
        };
        let at = position[cursor_row.id.as_str()];
        // Ahead of the cursor, behind it, and (every fifth page) the cursor's own row.
        let mut targets = vec![at + 3, at + 11, at.saturating_sub(4)];
        if page_no.is_multiple_of(5) {
            targets.push(at);
        }
        for (k, &i) in targets.iter().enumerate() {
            let Some(id) = order.get(i) else { continue };
            if !deleted.insert(id.clone()) {
                continue;
            }
            if (page_no + k).is_multiple_of(2) {
                assert!(emu.delete_session(id));
            } else {
                c.session_invalidate(id).await.unwrap();
            }
        }
    }
    let unique: HashSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "a session was listed twice");
    let survivors: Vec<&String> = order
        .iter()
        .filter(|id| !deleted.contains(*id) && emu.session_exists(id))
        .collect();
    assert!(survivors.len() > 100 && deleted.len() > 50);
    for id in &survivors {
        assert!(
            unique.contains(id),
            "{id} existed throughout but was missed"
        );
    }
    // The walk kept the server's order.
    let places: Vec<usize> = seen.iter().map(|id| position[id.as_str()]).collect();
    assert!(places.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(emu.session_count(), 300 - deleted.len());
    emu.shutdown().await;
}

#[tokio::test]
async fn a_client_walk_cut_by_sign_out_resumes_with_a_sibling_token() {
    let emu = emulator(small()).await;
    let c = client(&emu, 1);
    let user = user_with(&emu, 4);
    let walker = &user.sessions[0];
    let req = SessionListRequest {
        size: Some(1),
        ..Default::default()
    };
    let mut seen: Vec<String> = Vec::new();
    let mut pages = Box::pin(c.pages(ListScope::Client(walker.user_token.clone()), req.clone()));
    let first = pages.next().await.unwrap().unwrap();
    seen.extend(ids(&first.result.sessions));
    let cursor = first.result.last.clone().unwrap();
    // Another admin ends the walking session between pages.
    assert!(emu.delete_session(&walker.session_id));
    let failed = pages.next().await.unwrap().unwrap_err();
    assert!(failed.error.is_signed_out(), "{failed}");
    assert_eq!(failed.resume_from.as_deref(), Some(cursor.as_str()));
    assert!(pages.next().await.is_none(), "a failed page ends the walk");
    // The cursor is bound to the user, not the token: a sibling session goes on.
    let rest = walk(
        &c,
        ListScope::Client(user.sessions[1].user_token.clone()),
        SessionListRequest {
            last: failed.resume_from,
            ..req
        },
    )
    .await;
    seen.extend(ids(&rest));
    let unique: HashSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "a session was listed twice");
    for s in &user.sessions[1..] {
        assert!(unique.contains(&s.session_id), "{} missed", s.session_id);
    }
    assert!(seen.len() <= user.sessions.len());
    emu.shutdown().await;
}

#[tokio::test]
async fn walks_in_every_order_are_sorted_and_complete() {
    let emu = emulator(EmulatorConfig {
        seed: 12,
        ..EmulatorConfig::default()
    })
    .await;
    let c = client(&emu, 1);
    for by in OrderBy::ALL {
        for order in [Order::Asc, Order::Desc] {
            let req = SessionListRequest {
                order: Some(order),
                order_by: Some(by),
                size: Some(13),
                ..Default::default()
            };
            let count = c.session_list(&req).await.unwrap().result.count;
            let rows = walk(&c, ListScope::Service, req).await;
            assert_eq!(Some(rows.len() as u64), count, "{by} {order:?}");
            assert_eq!(rows.len(), 300);
            let unique: HashSet<&str> = rows.iter().map(|s| s.id.as_str()).collect();
            assert_eq!(unique.len(), rows.len(), "{by} {order:?} repeats a row");
            let keys: Vec<String> = rows.iter().map(|s| order_key(s, by)).collect();
            let sorted = keys.windows(2).all(|w| match order {
                Order::Asc => w[0] <= w[1],
                Order::Desc => w[0] >= w[1],
            });
            assert!(sorted, "{by} {order:?} is out of order");
        }
    }
    emu.shutdown().await;
}

#[tokio::test]
async fn a_cursor_only_serves_the_query_that_made_it() {
    let emu = emulator(small()).await;
    let c = client(&emu, 3);
    let base = SessionListRequest {
        order_by: Some(OrderBy::CreatedAt),
        size: Some(5),
        ..Default::default()
    };
    let last = c.session_list(&base).await.unwrap().result.last.unwrap();
    assert!(!last.is_empty());
    // The same query goes on from it, with any page size.
    let next = SessionListRequest {
        last: Some(last.clone()),
        size: Some(9),
        ..base.clone()
    };
    assert_eq!(
        c.session_list(&next).await.unwrap().result.sessions.len(),
        9
    );

    let user = user_with(&emu, 1);
    let filter = authtop::query::compile("email~example", jiff::Timestamp::now()).unwrap();
    let others = [
        SessionListRequest {
            order_by: Some(OrderBy::Email),
            ..next.clone()
        },
        SessionListRequest {
            order: Some(Order::Asc),
            ..next.clone()
        },
        SessionListRequest {
            filter: Some(filter),
            ..next.clone()
        },
    ];
    for req in &others {
        let before = emu.request_count();
        let e = c.session_list(req).await.unwrap_err();
        assert_validation(&e, "/last");
        assert_eq!(emu.request_count(), before + 1);
    }
    let e = c
        .client_session_list(&user.sessions[0].user_token, &next)
        .await
        .unwrap_err();
    assert_validation(&e, "/last");
    emu.shutdown().await;
}
