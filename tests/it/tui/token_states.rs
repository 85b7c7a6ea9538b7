//! The Token tab's states and the reload back-off, through `App::update` with a fixed
//! clock: no false sign-out, no refresh storm at session end, retries that respect the
//! token's remaining life and `Retry-After`, polling that backs off and stops.

use crate::harness::app::*;
use authtop::authn::{ApiError, ApiStatus, Error, TransportKind};
use authtop::tui::app::{App, AppInit, Phase, SignedOut};
use authtop::tui::command::{Command, Event, EventKind, Msg, Outcome, RefreshRecord};
use std::time::Duration;

fn api(status: &str, retry_after: Option<u64>) -> Error {
    Error::Api(Box::new(ApiError {
        http_status: if status == "TooManyRequests" {
            429
        } else {
            400
        },
        status: status.to_string(),
        kind: ApiStatus::parse(status),
        summary: "scripted".to_string(),
        request_id: "prq_states".to_string(),
        errors: vec![],
        retry_after: retry_after.map(Duration::from_secs),
    }))
}

fn timeout() -> Error {
    Error::Transport {
        kind: TransportKind::Timeout,
        host: "127.0.0.1".to_string(),
        message: "no answer".to_string(),
        attempts: 4,
    }
}

fn refreshes(cmds: &[Command]) -> Vec<Command> {
    cmds.iter()
        .filter(|c| matches!(c, Command::Refresh { .. }))
        .cloned()
        .collect()
}

/// An app on My sessions only (no service token), its token checked: created at
/// `created`, expiring at `expire` (seconds from `now`), the first page loaded.
fn mine(init: AppInit, created: i64, expire: i64) -> (App, Command) {
    let (mut app, cmds) = App::new(
        AppInit {
            has_service: false,
            ..init
        },
        now(),
    );
    let list = lists(&cmds).remove(0);
    let check = cmds
        .iter()
        .find(|c| matches!(c, Command::TokenCheck { .. }))
        .unwrap()
        .clone();
    app.update(
        event(
            &check,
            EventKind::Done(Outcome::TokenChecked(Box::new(token(
                "pmt_t0001",
                created,
                expire,
            )))),
        ),
        now(),
    );
    app.update(listed(&list, sessions(0, 3), None), now());
    (app, list)
}

fn refreshed(cmd: &Command, new_id: &str, at_s: i64, expire: i64, session_end: Option<i64>) -> Msg {
    event(
        cmd,
        EventKind::Done(Outcome::Refreshed(Box::new(RefreshRecord {
            at: at(at_s),
            old_token_id: Some("pmt_t0001".to_string()),
            new_token: token(new_id, at_s, expire),
            latency: Duration::from_millis(20),
            request_id: "prq_refresh".to_string(),
            session_expire: session_end.map(at),
            note: None,
        }))),
    )
}

#[test]
fn expired_token_on_a_list_refreshes_instead_of_signing_out() {
    let (mut app, _) = mine(quiet(), -30, 30);
    // The token expired while a reload was in flight.
    let reload = lists(&app.update(key('r'), at(31))).remove(0);
    let out = app.update(
        event(&reload, EventKind::failed(api("ExpiredToken", None))),
        at(31),
    );
    let refresh = refreshes(&out);
    assert_eq!(
        refresh.len(),
        1,
        "ExpiredToken must trigger a refresh: {out:?}"
    );
    assert!(!app.token().signed_out());
    assert_eq!(app.token().phase(at(31)), Phase::ExpiredRefreshing);
    // The refresh works: the token is fine again, nobody was signed out, and the list
    // that failed is loaded again at once with the new token.
    let out = app.update(refreshed(&refresh[0], "pmt_t0002", 31, 61, None), at(32));
    let again = lists(&out);
    assert_eq!(again.len(), 1, "{out:?}");
    app.update(listed(&again[0], sessions(0, 3), None), at(32));
    assert_eq!(app.staleness(), None);
    assert_eq!(app.token().phase(at(32)), Phase::Ok);
    assert_eq!(app.token().info().unwrap().id, "pmt_t0002");

    // Only a refresh refused as InvalidToken signs out, and says why.
    let reload = lists(&app.update(key('r'), at(70))).remove(0);
    let out = app.update(
        event(&reload, EventKind::failed(api("InvalidToken", None))),
        at(70),
    );
    let refresh = refreshes(&out).remove(0);
    app.update(
        event(&refresh, EventKind::failed(api("InvalidToken", None))),
        at(71),
    );
    assert_eq!(
        app.token().phase(at(71)),
        Phase::SignedOut(SignedOut::Revoked)
    );
}

#[test]
fn without_a_refresh_token_an_expired_token_signs_out() {
    let (mut app, _) = mine(
        AppInit {
            has_refresh_token: false,
            ..quiet()
        },
        -30,
        30,
    );
    let reload = lists(&app.update(key('r'), at(31))).remove(0);
    let out = app.update(
        event(&reload, EventKind::failed(api("ExpiredToken", None))),
        at(31),
    );
    assert!(refreshes(&out).is_empty());
    assert_eq!(
        app.token().phase(at(31)),
        Phase::SignedOut(SignedOut::Expired)
    );
}

#[test]
fn refresh_retries_stop_short_of_expiry_and_honour_retry_after() {
    // A 30 s token, refreshed at half its life: 15 s left.
    let (mut app, _) = mine(quiet(), 0, 30);
    let first = refreshes(&app.update(Msg::Tick, at(15))).remove(0);
    assert_eq!(app.token().phase(at(15)), Phase::Refreshing);
    app.update(event(&first, EventKind::failed(timeout())), at(16));
    let Phase::Retrying { at: retry_at, why } = app.token().phase(at(16)) else {
        panic!("{:?}", app.token().phase(at(16)));
    };
    assert!(why.contains("Timeout"), "{why}");
    assert_eq!(retry_at, at(21), "5 s: the back-off, within the 14 s left");
    let second = refreshes(&app.update(Msg::Tick, at(21))).remove(0);
    app.update(event(&second, EventKind::failed(timeout())), at(22));
    // The back-off says 10 s, but only 8 s remain: half of that.
    assert_eq!(app.token().retry_at(), Some(at(26)));
    let third = refreshes(&app.update(Msg::Tick, at(26))).remove(0);
    // A throttled answer asking for 3 s while 4 s remain: the server's wait wins.
    app.update(
        event(&third, EventKind::failed(api("TooManyRequests", Some(3)))),
        at(26),
    );
    assert_eq!(app.token().retry_at(), Some(at(29)));
    assert!(!app.token().signed_out());
}

#[test]
fn a_refresh_that_does_not_extend_the_token_stops_refreshing_and_says_when_it_ends() {
    // The session ends at +70 s; tokens live 30 s but never past the session.
    let (mut app, _) = mine(quiet(), 0, 30);
    let r1 = refreshes(&app.update(Msg::Tick, at(15))).remove(0);
    app.update(refreshed(&r1, "pmt_t0002", 15, 45, Some(70)), at(15));
    let r2 = refreshes(&app.update(Msg::Tick, at(30))).remove(0);
    // Capped by the session: the new token ends with it.
    app.update(refreshed(&r2, "pmt_t0003", 30, 70, Some(70)), at(30));
    assert_eq!(
        app.token().phase(at(31)),
        Phase::SessionEnding { at: at(70) }
    );
    assert_eq!(app.token().session_expire(), Some(at(70)));
    assert!(
        app.flash()
            .unwrap()
            .contains("this session ends at 12:01 (in 40s) — sign in again"),
        "{:?}",
        app.flash()
    );
    // No storm: not one more refresh until the end.
    let mut sent = 0;
    for s in 31..=80 {
        sent += refreshes(&app.update(Msg::Tick, at(s))).len();
    }
    assert_eq!(sent, 0, "refreshes sent after the session cap was reached");
}

#[test]
fn the_token_tab_states_are_distinct_and_auto_off_with_an_expired_token_says_so() {
    let (mut app, _) = mine(quiet(), -100, 900);
    assert_eq!(app.token().phase(now()), Phase::Ok);
    app.update(key('3'), now());
    app.update(key('A'), now());
    assert_eq!(app.token().phase(now()), Phase::AutoOff { expired: false });
    assert_eq!(app.token().phase(at(901)), Phase::AutoOff { expired: true });
    app.update(Msg::Resize(120, 30), at(901));
    let text = draw(&app);
    assert!(text.contains("EXPIRED — auto-refresh is off"), "{text}");
    assert!(!text.contains("state           ok"), "{text}");
}

#[test]
fn a_failed_reload_backs_off_from_the_period_and_honours_retry_after() {
    let (mut app, first) = mine(
        AppInit {
            auto_reload: Some(Duration::from_secs(10)),
            ..quiet()
        },
        -100,
        3600,
    );
    drop(first);
    // Idle for 4 minutes against a server that fails every list: count the requests.
    let mut sent = Vec::new();
    let mut headers = Vec::new();
    for s in 1..=240 {
        for cmd in lists(&app.update(Msg::Tick, at(s))) {
            sent.push(s);
            // Unreachable, except the third answer: throttled, with Retry-After: 100.
            let err = if sent.len() == 3 {
                api("TooManyRequests", Some(100))
            } else {
                timeout()
            };
            app.update(event(&cmd, EventKind::failed(err)), at(s));
        }
        if s == 15 || s == 50 {
            headers.push(app.staleness());
        }
    }
    // 10 s after the last load, then 10, 20 after each failure; Retry-After: 100 s
    // beats the 40 s back-off; then 80 (the back-off doubled again).
    assert_eq!(sent, vec![10, 20, 40, 140, 220], "reload times");
    assert_eq!(
        headers[0].as_deref(),
        Some("offline — retrying in 5 s · updated 15s ago")
    );
    assert_eq!(
        headers[1].as_deref(),
        Some("reload failed — retrying in 1m 30s · updated 50s ago")
    );
}

#[test]
fn polling_stops_while_the_user_is_signed_out() {
    let (mut app, _) = mine(
        AppInit {
            auto_reload: Some(Duration::from_secs(5)),
            ..quiet()
        },
        -100,
        3600,
    );
    let reload = lists(&app.update(Msg::Tick, at(5))).remove(0);
    let out = app.update(
        event(&reload, EventKind::failed(api("InvalidToken", None))),
        at(5),
    );
    let refresh = refreshes(&out).remove(0);
    app.update(
        event(&refresh, EventKind::failed(api("InvalidToken", None))),
        at(6),
    );
    assert!(app.token().signed_out());
    let mut sent = 0;
    for s in 7..600 {
        sent += app.update(Msg::Tick, at(s)).len();
    }
    assert_eq!(sent, 0, "commands sent for a signed-out user");
}

#[test]
fn retries_in_progress_and_staleness_show_in_the_header() {
    let (mut app, _) = mine(quiet(), -100, 3600);
    let reload = lists(&app.update(key('r'), at(1))).remove(0);
    app.update(
        Msg::Worker(Event {
            id: reload.id().unwrap(),
            kind: EventKind::Retrying {
                reason: "429".to_string(),
                attempt: 2,
                of: 4,
                wait: Duration::from_secs(1),
            },
        }),
        at(1),
    );
    app.update(Msg::Resize(120, 30), at(1));
    assert!(
        draw(&app).contains("list: retrying (429, 2/4)"),
        "{}",
        draw(&app)
    );
    app.update(listed(&reload, sessions(0, 3), None), at(2));
    assert!(
        app.retries().is_empty(),
        "a finished command is no longer retrying"
    );
    // With auto-reload off, data over a minute old says how old.
    assert_eq!(app.staleness(), None);
    app.update(Msg::Tick, at(200));
    assert_eq!(app.staleness().as_deref(), Some("updated 3m 18s ago"));
}

fn draw(app: &App) -> String {
    screen_at(app, 120, 30)
}

/// The worker reports each retry of a command as it happens, then exactly one outcome.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_worker_reports_retries_in_progress() {
    use authtop::authn::model::{Filter, Order, OrderBy};
    use authtop::authn::{Client, ClientConfig, RetryPolicy};
    use authtop::emulator::{EmulatorConfig, Faults, RunningEmulator};
    use authtop::tui::command::{ListQuery, ListSource};
    use authtop::tui::worker::{self, WorkerContext};

    let emu = RunningEmulator::start(
        EmulatorConfig {
            seed: 3,
            users: 2,
            sessions: 4,
            user_token_life: Duration::from_secs(600),
            refresh_token_life: Duration::from_secs(86_400),
            faults: Faults {
                throttle_rate: 1.0,
                ..Faults::default()
            },
            intelligence: true,
        },
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap();
    let mut cfg = ClientConfig::new(emu.base_url(), emu.service_token());
    cfg.retry = RetryPolicy {
        max_attempts: 3,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(20),
        // Every 429 spends an attempt here: what is checked is the notices of counted ones.
        throttled_free: 0,
    };
    cfg.on_retry = Some(worker::retry_hook());
    let dir = tempfile::tempdir().unwrap();
    let mut handle = worker::spawn(WorkerContext {
        client: Client::new(cfg).unwrap(),
        profile: "test".into(),
        user_token: None,
        refresh_token: None,
        token_file: None,
        audit: std::sync::Arc::new(
            authtop::audit::AuditLog::open(&dir.path().join("audit.jsonl")).unwrap(),
        ),
        concurrency: 1,
        walk_window: 8,
    });
    handle
        .commands
        .send(Command::List {
            id: 9,
            generation: 1,
            source: ListSource::Sessions,
            query: ListQuery {
                filter: Filter::default(),
                order_by: OrderBy::default(),
                order: Order::default(),
                size: 10,
                cursor: None,
            },
        })
        .unwrap();
    let mut kinds = Vec::new();
    while let Ok(Some(ev)) =
        tokio::time::timeout(Duration::from_secs(30), handle.events.recv()).await
    {
        assert_eq!(ev.id, 9);
        let terminal = ev.is_terminal();
        kinds.push(ev.kind);
        if terminal {
            break;
        }
    }
    let retries: Vec<(String, u32, u32)> = kinds
        .iter()
        .filter_map(|k| match k {
            EventKind::Retrying {
                reason,
                attempt,
                of,
                ..
            } => Some((reason.clone(), *attempt, *of)),
            _ => None,
        })
        .collect();
    assert_eq!(
        retries,
        vec![("429".to_string(), 2, 3), ("429".to_string(), 3, 3)]
    );
    assert!(
        matches!(kinds.last(), Some(EventKind::Failed(_))),
        "{kinds:?}"
    );
    handle
        .commands
        .send(Command::Shutdown { force: true })
        .unwrap();
    emu.shutdown().await;
}
