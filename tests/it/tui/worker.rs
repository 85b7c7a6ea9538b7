//! The TUI worker against the emulator over loopback: terminal events, bulk progress,
//! token refresh write-back, the audit log, and failures that must not hang.

use crate::harness;
use crate::harness::client::fast_config;
use crate::harness::server::dead_port;
use authtop::audit::AuditLog;
use authtop::authn::model::{Filter, Order, OrderBy};
use authtop::authn::{Client, ClientConfig, Error, Secret};
use authtop::config::token_file::{self, TokenPair};
use authtop::emulator::{EmulatorConfig, Faults, RunningEmulator, SessionTokens};
use authtop::tui::command::{
    Command, CommandId, Event, EventKind, Failure, ItemOutcome, ListQuery, ListSource,
    MatchPageRequest, Outcome, WalkGoal, WalkRequest,
};
use authtop::tui::worker::{self, WorkerContext, WorkerHandle};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// Upper bound on any wait in these tests, so a broken worker fails instead of hanging.
const PATIENCE: Duration = Duration::from_secs(30);

fn config(faults: Faults) -> EmulatorConfig {
    EmulatorConfig {
        user_token_life: Duration::from_secs(600),
        ..harness::emulator::config(10, 60, faults)
    }
}

async fn emulator(faults: Faults) -> RunningEmulator {
    harness::emulator::start(config(faults)).await
}

fn user_session(emu: &RunningEmulator) -> SessionTokens {
    emu.tokens(1)[0].sessions[0].clone()
}

struct Setup {
    handle: WorkerHandle,
    audit_path: PathBuf,
    _dir: tempfile::TempDir,
}

fn start_worker(
    client: Client,
    user: Option<&SessionTokens>,
    token_file: Option<PathBuf>,
    concurrency: usize,
) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let audit_path = dir.path().join("audit.jsonl");
    let audit = Arc::new(AuditLog::open(&audit_path).unwrap());
    let handle = worker::spawn(WorkerContext {
        client,
        profile: "test".into(),
        user_token: user.map(|u| u.user_token.clone()),
        refresh_token: user.map(|u| u.refresh_token.clone()),
        token_file,
        audit,
        concurrency,
        walk_window: 8,
    });
    Setup {
        handle,
        audit_path,
        _dir: dir,
    }
}

fn client_for(emu: &RunningEmulator) -> Client {
    Client::new(ClientConfig::new(emu.base_url(), emu.service_token())).unwrap()
}

fn list(id: CommandId, source: ListSource, size: u32) -> Command {
    Command::List {
        id,
        generation: id,
        source,
        query: ListQuery {
            filter: Filter::default(),
            order_by: OrderBy::CreatedAt,
            order: Order::Desc,
            size,
            cursor: None,
        },
    }
}

/// Receives events until `id` has its terminal event; returns every event about `id`.
async fn until_terminal(handle: &mut WorkerHandle, id: CommandId) -> Vec<Event> {
    let mut mine = Vec::new();
    tokio::time::timeout(PATIENCE, async {
        while let Some(ev) = handle.events.recv().await {
            let terminal = ev.is_terminal() && ev.id == id;
            if ev.id == id {
                mine.push(ev);
            }
            if terminal {
                return;
            }
        }
        panic!("worker stopped before command {id} ended");
    })
    .await
    .unwrap_or_else(|_| panic!("command {id} did not end within {PATIENCE:?}"));
    mine
}

fn now() -> authtop::authn::model::Timestamp {
    authtop::authn::model::Timestamp::now()
}

/// A walk for the local matches of `vpn=false` in a table.
fn matches_walk(source: ListSource) -> WalkRequest {
    WalkRequest {
        generation: 1,
        source,
        query: authtop::query::compile_query("vpn=false", now()).unwrap(),
        order_by: OrderBy::default(),
        order: Order::default(),
        size: 5,
        display: 5,
        goal: WalkGoal::Matches,
        now: now(),
        export: None,
        keep: 5,
        sort: None,
    }
}

async fn run_one(handle: &mut WorkerHandle, cmd: Command) -> EventKind {
    let id = cmd.id().unwrap();
    handle.commands.send(cmd).unwrap();
    until_terminal(handle, id).await.pop().unwrap().kind
}

/// Shuts the worker down and collects every event still to come until its channel closes.
async fn shutdown(mut handle: WorkerHandle, force: bool) -> Vec<Event> {
    // The dispatcher may already have stopped after an earlier shutdown.
    let _ = handle.commands.send(Command::Shutdown { force });
    let mut rest = Vec::new();
    tokio::time::timeout(PATIENCE, async {
        while let Some(ev) = handle.events.recv().await {
            rest.push(ev);
        }
    })
    .await
    .expect("worker did not stop");
    tokio::time::timeout(PATIENCE, handle.join)
        .await
        .expect("dispatcher did not end")
        .unwrap();
    rest
}

async fn service_page(handle: &mut WorkerHandle, id: CommandId, size: u32) -> Vec<String> {
    match run_one(handle, list(id, ListSource::Sessions, size)).await {
        EventKind::Done(Outcome::Listed { page, .. }) => {
            page.sessions.into_iter().map(|s| s.id).collect()
        }
        other => panic!("list failed: {other:?}"),
    }
}

fn audit_lines(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[tokio::test]
async fn every_command_ends_in_exactly_one_terminal_event() {
    let emu = emulator(Faults::default()).await;
    let me = user_session(&emu);
    let mut s = start_worker(client_for(&emu), Some(&me), None, 4);
    let ids = service_page(&mut s.handle, 1, 10).await;
    let other_user = emu.tokens(3)[2].user_id.clone();

    let commands = vec![
        list(10, ListSource::Sessions, 5),
        list(11, ListSource::MySessions, 5),
        Command::TokenCheck { id: 12 },
        Command::Invalidate {
            id: 13,
            source: ListSource::Sessions,
            session_id: ids[0].clone(),
        },
        Command::Invalidate {
            id: 14,
            source: ListSource::Sessions,
            session_id: ids[0].clone(),
        },
        Command::Logout {
            id: 15,
            user_id: other_user,
        },
        Command::BulkInvalidate {
            id: 16,
            session_ids: ids[1..5].to_vec(),
            query: None,
            walked_at: None,
        },
        Command::Refresh { id: 17 },
        Command::Walk {
            id: 18,
            walk: Box::new(matches_walk(ListSource::MySessions)),
        },
        Command::MatchPage {
            id: 19,
            page: Box::new(MatchPageRequest {
                generation: 1,
                source: ListSource::Sessions,
                query: authtop::query::compile_query("vpn=false", now()).unwrap(),
                order_by: OrderBy::default(),
                order: Order::default(),
                size: 5,
                display: 5,
                page: 1,
                anchor: authtop::investigate::Anchor {
                    cursor: None,
                    skip: 3,
                    first: "pmt_none".into(),
                },
            }),
        },
    ];
    let expected: BTreeSet<CommandId> = commands.iter().filter_map(Command::id).collect();
    for c in commands {
        s.handle.commands.send(c).unwrap();
    }
    let mut terminal: BTreeMap<CommandId, usize> = BTreeMap::new();
    tokio::time::timeout(PATIENCE, async {
        while terminal.len() < expected.len() {
            let ev = s.handle.events.recv().await.expect("worker stopped early");
            if ev.is_terminal() {
                *terminal.entry(ev.id).or_default() += 1;
            }
        }
    })
    .await
    .expect("not every command ended");
    let rest = shutdown(s.handle, false).await;
    for ev in rest.into_iter().filter(Event::is_terminal) {
        *terminal.entry(ev.id).or_default() += 1;
    }
    assert_eq!(terminal.keys().copied().collect::<BTreeSet<_>>(), expected);
    assert!(
        terminal.values().all(|n| *n == 1),
        "terminal events per command: {terminal:?}"
    );
}

#[tokio::test]
async fn bulk_reports_progress_per_item_and_matches_the_server() {
    let emu = emulator(Faults {
        latency: Duration::from_millis(20),
        ..Faults::default()
    })
    .await;
    let mut s = start_worker(client_for(&emu), None, None, 4);
    let mut targets = service_page(&mut s.handle, 1, 20).await;
    assert_eq!(targets.len(), 20);
    // One target is ended before the bulk starts: it must come back as already gone.
    let EventKind::Done(Outcome::Invalidated { .. }) = run_one(
        &mut s.handle,
        Command::Invalidate {
            id: 2,
            source: ListSource::Sessions,
            session_id: targets[0].clone(),
        },
    )
    .await
    else {
        panic!("single invalidate failed");
    };
    let before = emu.session_count();

    s.handle
        .commands
        .send(Command::BulkInvalidate {
            id: 3,
            session_ids: targets.clone(),
            query: None,
            walked_at: None,
        })
        .unwrap();
    let mut events = until_terminal(&mut s.handle, 3).await;
    let EventKind::Done(Outcome::Bulk {
        done,
        already_gone,
        failed,
        ..
    }) = events.pop().unwrap().kind
    else {
        panic!("bulk did not succeed");
    };

    assert_eq!(events.len(), targets.len(), "one progress event per target");
    let mut finished: Vec<usize> = events
        .iter()
        .map(|e| match &e.kind {
            EventKind::Progress {
                finished, total, ..
            } => {
                assert_eq!(*total, targets.len());
                *finished
            }
            other => panic!("unexpected non-terminal event {other:?}"),
        })
        .collect();
    finished.sort_unstable();
    assert_eq!(finished, (1..=targets.len()).collect::<Vec<_>>());

    assert!(failed.is_empty(), "{failed:?}");
    assert_eq!(already_gone, vec![targets[0].clone()]);
    let mut reported: Vec<String> = done.iter().chain(&already_gone).cloned().collect();
    reported.sort();
    targets.sort();
    assert_eq!(reported, targets, "every target in exactly one list");
    for id in &targets {
        assert!(!emu.session_exists(id), "{id} still live");
    }
    assert_eq!(emu.session_count(), before - done.len());
    let gone_items = events
        .iter()
        .filter(|e| {
            matches!(
                e.kind,
                EventKind::Progress {
                    outcome: ItemOutcome::AlreadyGone,
                    ..
                }
            )
        })
        .count();
    assert_eq!(gone_items, 1);
    shutdown(s.handle, false).await;
}

#[tokio::test]
async fn refresh_replaces_both_tokens_and_rewrites_the_token_file() {
    let emu = emulator(Faults::default()).await;
    let me = user_session(&emu);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tokens.json");
    token_file::write_atomic(
        &file,
        &TokenPair {
            user_token: me.user_token.clone(),
            refresh_token: me.refresh_token.clone(),
        },
    )
    .unwrap();
    let mut s = start_worker(client_for(&emu), Some(&me), Some(file.clone()), 4);

    let EventKind::Done(Outcome::TokenChecked(before)) =
        run_one(&mut s.handle, Command::TokenCheck { id: 1 }).await
    else {
        panic!("token check failed");
    };
    let EventKind::Done(Outcome::Refreshed(record)) =
        run_one(&mut s.handle, Command::Refresh { id: 2 }).await
    else {
        panic!("refresh failed");
    };
    assert_eq!(record.old_token_id.as_deref(), Some(before.id.as_str()));
    assert_ne!(record.new_token.id, before.id);

    // Later client calls must carry the new token: the old one is revoked by the refresh.
    let EventKind::Done(Outcome::Listed { page, .. }) =
        run_one(&mut s.handle, list(3, ListSource::MySessions, 10)).await
    else {
        panic!("client list after refresh failed");
    };
    assert!(page.sessions.iter().any(|s| s.id == me.session_id));
    let EventKind::Done(Outcome::TokenChecked(after)) =
        run_one(&mut s.handle, Command::TokenCheck { id: 4 }).await
    else {
        panic!("token check after refresh failed");
    };
    assert_eq!(after.id, record.new_token.id);

    let on_disk = token_file::read(&file).unwrap();
    assert_ne!(on_disk.user_token, me.user_token);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // The pair on disk is the live one: a fresh client can check it.
    let checked = client_for(&emu)
        .token_check(&on_disk.user_token)
        .await
        .unwrap();
    assert_eq!(checked.result.id, record.new_token.id);
    shutdown(s.handle, false).await;
}

#[tokio::test]
#[expect(
    clippy::too_many_lines,
    reason = "one end-to-end scenario: each step acts on the state the one before left"
)]
async fn audit_log_has_one_line_per_target_and_no_token_value() {
    let emu = emulator(Faults::default()).await;
    let me = user_session(&emu);
    let mut s = start_worker(client_for(&emu), Some(&me), None, 2);
    let ids = service_page(&mut s.handle, 1, 30).await;
    let victim_user = emu.tokens(4)[3].user_id.clone();
    let bulk: Vec<String> = ids
        .iter()
        .filter(|id| **id != me.session_id)
        .take(3)
        .cloned()
        .collect();
    let single = ids
        .iter()
        .find(|id| **id != me.session_id && !bulk.contains(id))
        .unwrap()
        .clone();

    run_one(
        &mut s.handle,
        Command::BulkInvalidate {
            id: 2,
            session_ids: bulk.clone(),
            query: None,
            walked_at: None,
        },
    )
    .await;
    run_one(
        &mut s.handle,
        Command::Invalidate {
            id: 3,
            source: ListSource::Sessions,
            session_id: single.clone(),
        },
    )
    .await;
    run_one(
        &mut s.handle,
        Command::Invalidate {
            id: 4,
            source: ListSource::Sessions,
            session_id: single.clone(),
        },
    )
    .await;
    run_one(
        &mut s.handle,
        Command::Logout {
            id: 5,
            user_id: victim_user.clone(),
        },
    )
    .await;
    run_one(&mut s.handle, Command::ClientLogout { id: 6 }).await;
    shutdown(s.handle, false).await;

    let all = audit_lines(&s.audit_path);
    // An intent line before each request, an outcome line after it.
    assert_eq!(all.len(), 2 * (3 + 1 + 1 + 1 + 1));
    for (i, l) in all.iter().enumerate() {
        if l["phase"] == "outcome" {
            assert!(
                all[..i].iter().any(|e| e["phase"] == "intent"
                    && e["target"] == l["target"]
                    && e["run_id"] == l["run_id"]),
                "outcome without an earlier intent: {l}"
            );
        }
    }
    let lines: Vec<&serde_json::Value> = all.iter().filter(|l| l["phase"] == "outcome").collect();
    assert_eq!(lines.len(), 7);
    let summary: Vec<(String, String, String)> = lines
        .iter()
        .map(|l| {
            assert_eq!(l["profile"], "test");
            assert!(
                l["time"]
                    .as_str()
                    .unwrap()
                    .parse::<jiff::Timestamp>()
                    .is_ok()
            );
            (
                l["action"].as_str().unwrap().to_owned(),
                l["target"].as_str().unwrap().to_owned(),
                l["outcome"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    for id in &bulk {
        assert!(summary.contains(&("session.invalidate".into(), id.clone(), "ok".into())));
    }
    assert!(summary.contains(&("session.invalidate".into(), single.clone(), "ok".into())));
    assert!(summary.contains(&(
        "session.invalidate".into(),
        single.clone(),
        "not_found".into()
    )));
    assert!(summary.contains(&("session.logout".into(), victim_user, "ok".into())));
    assert!(
        summary
            .iter()
            .any(|(a, _, o)| a == "client.logout" && o == "ok")
    );

    let text = std::fs::read_to_string(&s.audit_path).unwrap();
    for secret in [&me.user_token, &me.refresh_token, &emu.service_token()] {
        assert!(
            !text.contains(secret.expose()),
            "a token value reached the audit log"
        );
    }
}

#[tokio::test]
async fn a_dead_server_fails_with_a_transport_error() {
    let mut cfg = fast_config(
        format!("http://127.0.0.1:{}", dead_port()),
        Secret::new("pts_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
        2,
    );
    cfg.request_timeout = Duration::from_secs(2);
    let mut s = start_worker(Client::new(cfg).unwrap(), None, None, 4);
    match run_one(&mut s.handle, list(1, ListSource::Sessions, 10)).await {
        EventKind::Failed(Failure::Api(Error::Transport { host, .. })) => {
            assert!(host.contains("127.0.0.1"));
        }
        other => panic!("expected a transport failure, got {other:?}"),
    }
    shutdown(s.handle, false).await;
}

#[tokio::test]
async fn client_commands_without_a_user_token_fail_with_a_reason() {
    let emu = emulator(Faults::default()).await;
    let mut s = start_worker(client_for(&emu), None, None, 4);
    for cmd in [
        list(1, ListSource::MySessions, 10),
        Command::Refresh { id: 2 },
        Command::TokenCheck { id: 3 },
        Command::ClientLogout { id: 4 },
    ] {
        match run_one(&mut s.handle, cmd).await {
            EventKind::Failed(f @ Failure::NoUserToken) => {
                assert!(f.to_string().contains("user token"), "{f}");
            }
            EventKind::Failed(Failure::Refresh(msg)) => {
                assert!(msg.contains("no refresh token"), "{msg}");
            }
            other => panic!("expected a failure for want of a token, got {other:?}"),
        }
    }
    shutdown(s.handle, false).await;
}

#[tokio::test]
async fn forced_shutdown_cancels_in_flight_work() {
    let emu = emulator(Faults {
        latency: Duration::from_secs(20),
        ..Faults::default()
    })
    .await;
    let s = start_worker(client_for(&emu), None, None, 4);
    s.handle
        .commands
        .send(list(1, ListSource::Sessions, 10))
        .unwrap();
    // The dispatcher handles commands in order, so the list is in flight when the
    // shutdown arrives; the 20 s latency keeps it from finishing first.
    let rest = shutdown(s.handle, true).await;
    assert_eq!(
        rest,
        vec![Event {
            id: 1,
            kind: EventKind::Cancelled
        }]
    );
}

#[tokio::test]
async fn graceful_shutdown_finishes_in_flight_work_and_refuses_new_commands() {
    let emu = emulator(Faults {
        latency: Duration::from_millis(300),
        ..Faults::default()
    })
    .await;
    let s = start_worker(client_for(&emu), None, None, 4);
    s.handle
        .commands
        .send(list(1, ListSource::Sessions, 10))
        .unwrap();
    s.handle
        .commands
        .send(Command::Shutdown { force: false })
        .unwrap();
    s.handle
        .commands
        .send(list(2, ListSource::Sessions, 10))
        .unwrap();
    let rest = shutdown(s.handle, false).await;
    assert_eq!(rest.len(), 2, "{rest:?}");
    let first = rest.iter().find(|e| e.id == 1).unwrap();
    assert!(matches!(
        first.kind,
        EventKind::Done(Outcome::Listed { .. })
    ));
    let second = rest.iter().find(|e| e.id == 2).unwrap();
    assert_eq!(second.kind, EventKind::Cancelled);
}

#[tokio::test]
async fn my_sessions_invalidate_uses_the_user_token_and_refuses_others() {
    let emu = emulator(Faults::default()).await;
    let users = emu.tokens(10);
    let owner = users
        .iter()
        .position(|u| u.sessions.len() >= 2)
        .expect("a seeded user with two sessions");
    let me = users[owner].sessions[0].clone();
    let own = users[owner].sessions[1].session_id.clone();
    let other = users[(owner + 1) % users.len()].clone();
    let mut s = start_worker(client_for(&emu), Some(&me), None, 4);
    let mine: Vec<String> = match run_one(&mut s.handle, list(1, ListSource::MySessions, 50)).await
    {
        EventKind::Done(Outcome::Listed { page, .. }) => {
            page.sessions.into_iter().map(|s| s.id).collect()
        }
        other => panic!("client list failed: {other:?}"),
    };
    assert!(
        mine.contains(&own) && mine.contains(&me.session_id),
        "{mine:?}"
    );
    let someone_elses = other.sessions[0].session_id.clone();
    let invalidate = |id, session_id: &str| Command::Invalidate {
        id,
        source: ListSource::MySessions,
        session_id: session_id.to_owned(),
    };
    match run_one(&mut s.handle, invalidate(2, &own)).await {
        EventKind::Done(Outcome::Invalidated { already_gone, .. }) => assert!(!already_gone),
        other => panic!("own session invalidate failed: {other:?}"),
    }
    assert!(!emu.session_exists(&own));
    match run_one(&mut s.handle, invalidate(3, &someone_elses)).await {
        EventKind::Failed(e @ Failure::NotYours { .. }) => assert!(
            e.to_string().contains("not one of the sessions")
                && e.request_id().is_some_and(|r| r.starts_with("prq_")),
            "the refusal names its request: {e:?}"
        ),
        other => panic!("another user's session is an error, never success: {other:?}"),
    }
    assert!(
        emu.session_exists(&someone_elses),
        "another user's session must survive"
    );
    shutdown(s.handle, false).await;
    let actions: Vec<String> = audit_lines(&s.audit_path)
        .iter()
        .filter(|l| l["phase"] == "outcome")
        .map(|l| {
            format!(
                "{} {}",
                l["action"].as_str().unwrap(),
                l["outcome"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        actions,
        vec!["client.invalidate ok", "client.invalidate not_found"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bulk_the_ui_reads_late_coalesces_its_progress_and_ends_once() {
    let total = 1_200;
    let emu =
        harness::emulator::start(harness::emulator::config(60, total, Faults::default())).await;
    let ids: Vec<String> = harness::worker::all_sessions(&emu)
        .await
        .into_iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(ids.len(), total);
    let mut s = start_worker(client_for(&emu), None, None, 8);
    s.handle
        .commands
        .send(Command::BulkInvalidate {
            id: 1,
            session_ids: ids,
            query: None,
            walked_at: None,
        })
        .unwrap();
    // The UI is busy elsewhere: nothing is read until the server holds no session.
    tokio::time::timeout(PATIENCE, async {
        while emu.session_count() > 0 {
            tokio::task::yield_now().await;
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
    .expect("the bulk ends every session in time");
    let events = until_terminal(&mut s.handle, 1).await;
    // What the channel holds, the progress held back, the items in flight when the
    // server emptied (reported once reading began) and the outcome.
    assert!(
        events.len() <= worker::EVENT_CAPACITY + 1 + 8 + 1,
        "{} events waited for {total} items",
        events.len()
    );
    assert_eq!(events.iter().filter(|e| e.is_terminal()).count(), 1);
    let last = events.iter().rev().find_map(|e| match &e.kind {
        EventKind::Progress {
            finished, total, ..
        } => Some((*finished, *total)),
        _ => None,
    });
    assert_eq!(last, Some((total, total)), "progress reaches the total");
    let Some(EventKind::Done(Outcome::Bulk { done, failed, .. })) = events.last().map(|e| &e.kind)
    else {
        panic!("the bulk did not end in its outcome: {:?}", events.last());
    };
    assert_eq!((done.len(), failed.len()), (total, 0));
}
