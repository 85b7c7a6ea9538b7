//! The action engine against a scripted server that applies an action and then drops the
//! answer (or answers after the client has given up), and against the emulator: outcomes
//! mean what they say, every request has an intent line before it and an outcome line
//! after it, and a failed audit write or a stop ends dispatching at once.

use crate::harness::server::{Reply, Server, envelope};
use authtop::actions::{Engine, Op, Outcome, Progress, RunInfo, Stop, StopReason, Target};
use authtop::audit::{AuditLog, AuditRecord, AuditSink};
use authtop::authn::{Client, ClientConfig, RetryPolicy, Secret};
use authtop::emulator::{EmulatorConfig, Faults, RunningEmulator};
use serde_json::Value;
use std::collections::{BTreeSet, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const SERVICE: &str = "pts_rutd5xfk2uj4fl3fcmceh26ecb7opuoj";

fn client(base: &str, timeout: Duration) -> Client {
    let mut c = ClientConfig::new(base, Secret::new(SERVICE));
    c.retry = RetryPolicy {
        max_attempts: 3,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
        throttled_free: 32,
    };
    c.connect_timeout = Duration::from_secs(2);
    c.request_timeout = timeout;
    c.poll_deadline = Duration::from_secs(3);
    Client::new(c).unwrap()
}

fn not_found_body() -> Vec<u8> {
    envelope(
        "NotFound",
        "prq_nfnfnfnfnfnfnfnfnfnfnfnfnfnfnfnf",
        "Session not found",
        Value::Null,
    )
}

/// A server that ends each session the first time it is asked, answering that first
/// request with `first` (a dropped connection, a hang, or a normal success), and every
/// later request for it with `NotFound`. Ids in `unknown` were never there.
async fn applying_server(first: Reply) -> (Server, Arc<Mutex<HashSet<String>>>) {
    let applied: Arc<Mutex<HashSet<String>>> = Arc::default();
    let a = applied.clone();
    let server = Server::start(move |_, seen| {
        let id = seen.json()["session_id"].as_str().unwrap_or("").to_string();
        if id.starts_with("pmt_unknown") {
            return Reply::json(400, not_found_body());
        }
        if a.lock().unwrap().insert(id) {
            first.clone()
        } else {
            Reply::json(400, not_found_body())
        }
    })
    .await;
    (server, applied)
}

fn audit_lines(path: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn info() -> RunInfo {
    RunInfo::new(Some("test".into()), None)
}

#[tokio::test]
async fn a_lost_answer_then_not_found_is_done_confirmed_by_retry_not_already_gone() {
    let (server, applied) = applying_server(Reply::Drop).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let engine = Engine::new(
        client(&server.base, Duration::from_secs(5)),
        Arc::new(AuditLog::open(&path).unwrap()),
        2,
    );
    let targets = vec![Target::id("pmt_lost"), Target::id("pmt_unknown1")];
    let report = engine
        .run(
            &Op::SessionInvalidate,
            &info(),
            targets,
            &Stop::new(),
            |_| {},
        )
        .await;
    let outcome = |id: &str| {
        report
            .items
            .iter()
            .find(|i| i.target.id == id)
            .unwrap()
            .outcome
            .clone()
    };
    assert_eq!(outcome("pmt_lost"), Outcome::ConfirmedByRetry);
    assert_eq!(outcome("pmt_unknown1"), Outcome::NotFound);
    assert!(applied.lock().unwrap().contains("pmt_lost"));

    let lines = audit_lines(&path);
    let of = |id: &str, phase: &str| -> Vec<Value> {
        lines
            .iter()
            .filter(|l| l["target"] == id && l["phase"] == phase)
            .cloned()
            .collect()
    };
    assert_eq!(of("pmt_lost", "intent").len(), 1);
    let lost = of("pmt_lost", "outcome");
    assert_eq!(lost.len(), 1);
    assert_eq!(lost[0]["outcome"], "ok_confirmed_by_retry");
    assert!(lost[0]["reason"].as_str().unwrap().contains("no answer"));
    assert_eq!(of("pmt_unknown1", "outcome")[0]["outcome"], "not_found");
    assert!(lines.iter().all(|l| l["run_id"] == lines[0]["run_id"]));
}

#[tokio::test]
async fn an_answer_that_comes_after_the_client_gave_up_is_confirmed_by_the_retry() {
    // The server applies the action and then answers too late for the client.
    let (server, applied) = applying_server(Reply::Hang).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let engine = Engine::new(
        client(&server.base, Duration::from_millis(300)),
        Arc::new(AuditLog::open(&path).unwrap()),
        4,
    );
    let report = engine
        .run(
            &Op::SessionInvalidate,
            &info(),
            vec![Target::id("pmt_slow")],
            &Stop::new(),
            |_| {},
        )
        .await;
    assert_eq!(report.items[0].outcome, Outcome::ConfirmedByRetry);
    assert!(applied.lock().unwrap().contains("pmt_slow"));
    assert_eq!(server.seen().len(), 2, "one lost attempt and one retry");
}

#[tokio::test]
async fn a_client_invalidate_not_found_is_never_taken_as_done() {
    let (server, _) = applying_server(Reply::Drop).await;
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::new(
        client(&server.base, Duration::from_secs(5)),
        Arc::new(AuditLog::open(&dir.path().join("a.jsonl")).unwrap()),
        1,
    );
    let report = engine
        .run(
            &Op::ClientInvalidate(Secret::new("ptu_ayw3wncl4z4nf5pmsb7xzwbw6zc5fqv5")),
            &info(),
            vec![Target::id("pmt_foreign")],
            &Stop::new(),
            |_| {},
        )
        .await;
    // The client endpoint says NotFound for another user's session, too.
    assert_eq!(report.items[0].outcome, Outcome::NotFound);
}

/// An audit sink that fails from its `fail_at`-th append on (counting from 1), keeping
/// the lines it accepted.
#[derive(Debug)]
struct FailingSink {
    fail_at: usize,
    writes: AtomicUsize,
    kept: Mutex<Vec<AuditRecord>>,
}

impl AuditSink for FailingSink {
    fn append(&self, record: &AuditRecord) -> std::io::Result<()> {
        let n = self.writes.fetch_add(1, Ordering::SeqCst) + 1;
        if n >= self.fail_at {
            return Err(std::io::Error::new(
                std::io::ErrorKind::StorageFull,
                "No space left on device",
            ));
        }
        self.kept.lock().unwrap().push(record.clone());
        Ok(())
    }

    fn describe(&self) -> String {
        "test sink".into()
    }
}

async fn emulator(sessions: usize, latency_ms: u64) -> RunningEmulator {
    RunningEmulator::start(
        EmulatorConfig {
            seed: 11,
            users: 8,
            sessions,
            user_token_life: Duration::from_secs(900),
            refresh_token_life: Duration::from_secs(86_400),
            faults: Faults {
                latency: Duration::from_millis(latency_ms),
                ..Faults::default()
            },
            intelligence: true,
        },
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap()
}

fn seeded(emu: &RunningEmulator) -> Vec<String> {
    emu.tokens(usize::MAX)
        .iter()
        .flat_map(|u| u.sessions.iter().map(|s| s.session_id.clone()))
        .collect()
}

#[tokio::test]
async fn an_audit_log_that_fails_mid_run_stops_dispatching_at_once() {
    let emu = emulator(40, 20).await;
    let ids = seeded(&emu);
    let concurrency = 4;
    let sink = Arc::new(FailingSink {
        fail_at: 15,
        writes: AtomicUsize::new(0),
        kept: Mutex::default(),
    });
    let client = Client::new(ClientConfig::new(emu.base_url(), emu.service_token())).unwrap();
    let engine = Engine::new(client, sink.clone(), concurrency);
    let targets: Vec<Target> = ids.iter().cloned().map(Target::id).collect();
    let mut sent_after_stop = 0;
    let mut stopping = false;
    let report = engine
        .run(
            &Op::SessionInvalidate,
            &info(),
            targets,
            &Stop::new(),
            |p| match p {
                Progress::Stopping(_) => stopping = true,
                Progress::Sent(_) if stopping => sent_after_stop += 1,
                _ => {}
            },
        )
        .await;
    assert!(
        matches!(report.stopped, Some(StopReason::AuditFailed(_))),
        "{:?}",
        report.stopped
    );
    assert_eq!(sent_after_stop, 0, "nothing is sent once a write failed");

    let kept = sink.kept.lock().unwrap().clone();
    let intents: BTreeSet<String> = kept
        .iter()
        .filter(|r| r.phase == authtop::audit::Phase::Intent)
        .map(|r| r.target.clone())
        .collect();
    let ended: BTreeSet<String> = ids
        .iter()
        .filter(|id| !emu.session_exists(id))
        .cloned()
        .collect();
    // Fail closed: the server never ended a session without an intent line on record,
    // and at most the requests already in flight went out after the failure.
    assert!(
        ended.is_subset(&intents),
        "ended {ended:?} intents {intents:?}"
    );
    assert!(intents.len() < 15, "{}", intents.len());
    let not_attempted = report.not_attempted();
    assert_eq!(not_attempted.len(), ids.len() - intents.len());
    for id in &not_attempted {
        assert!(
            emu.session_exists(id),
            "{id} reported not attempted but ended"
        );
    }
    eprintln!(
        "audit failure at write 15: {} intents, {} ended, {} not attempted of {}",
        intents.len(),
        ended.len(),
        not_attempted.len(),
        ids.len()
    );
}

#[tokio::test]
async fn a_stop_lets_in_flight_requests_finish_and_audits_exactly_what_the_server_ended() {
    let emu = emulator(60, 60).await;
    let ids = seeded(&emu);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let client = Client::new(ClientConfig::new(emu.base_url(), emu.service_token())).unwrap();
    let engine = Engine::new(client, Arc::new(AuditLog::open(&path).unwrap()), 3);
    let stop = Stop::new();
    let trigger = stop.clone();
    let mut finished = 0;
    let report = engine
        .run(
            &Op::SessionInvalidate,
            &info(),
            ids.iter().cloned().map(Target::id).collect(),
            &stop,
            |p| {
                if let Progress::Finished { .. } = p {
                    finished += 1;
                    if finished == 5 {
                        trigger.stop(StopReason::Cancelled);
                    }
                }
            },
        )
        .await;
    assert_eq!(report.stopped, Some(StopReason::Cancelled));
    let lines = audit_lines(&path);
    let intents: BTreeSet<String> = lines
        .iter()
        .filter(|l| l["phase"] == "intent")
        .map(|l| l["target"].as_str().unwrap().to_string())
        .collect();
    let ok: BTreeSet<String> = lines
        .iter()
        .filter(|l| l["phase"] == "outcome" && l["outcome"] == "ok")
        .map(|l| l["target"].as_str().unwrap().to_string())
        .collect();
    let ended: BTreeSet<String> = ids
        .iter()
        .filter(|id| !emu.session_exists(id))
        .cloned()
        .collect();
    assert_eq!(
        ok, ended,
        "the outcome lines say exactly what the server ended"
    );
    assert_eq!(
        intents, ended,
        "every sent request finished and was audited"
    );
    assert!(ended.len() >= 5 && ended.len() <= 5 + 3, "{}", ended.len());
    assert_eq!(report.not_attempted().len(), ids.len() - ended.len());
}

#[tokio::test]
async fn the_tui_worker_sends_nothing_when_the_audit_log_cannot_be_written() {
    use authtop::tui::command::{Command, EventKind, Outcome as Done};
    use authtop::tui::worker::{self, WorkerContext};
    let Ok(full) = AuditLog::open(std::path::Path::new("/dev/full")) else {
        eprintln!("no /dev/full here");
        return;
    };
    let emu = emulator(12, 0).await;
    let ids = seeded(&emu);
    let mut handle = worker::spawn(WorkerContext {
        client: Client::new(ClientConfig::new(emu.base_url(), emu.service_token())).unwrap(),
        profile: "test".into(),
        user_token: None,
        refresh_token: None,
        token_file: None,
        audit: Arc::new(full),
        concurrency: 4,
        walk_window: 8,
    });
    handle
        .commands
        .send(Command::BulkInvalidate {
            id: 1,
            session_ids: ids[..5].to_vec(),
            query: None,
            walked_at: None,
        })
        .unwrap();
    let kind = tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            let ev = handle.events.recv().await.expect("worker stopped");
            if ev.is_terminal() {
                return ev.kind;
            }
        }
    })
    .await
    .unwrap();
    let EventKind::Done(Done::Bulk {
        done,
        not_attempted,
        stopped,
        ..
    }) = kind
    else {
        panic!("{kind:?}")
    };
    assert!(done.is_empty());
    assert_eq!(not_attempted.len(), 5);
    assert!(stopped.unwrap().contains("audit log"));
    assert!(ids[..5].iter().all(|id| emu.session_exists(id)));
    handle
        .commands
        .send(Command::Shutdown { force: false })
        .unwrap();
}

#[tokio::test]
async fn the_tui_workers_audit_lines_name_the_owner_of_a_listed_session() {
    use authtop::authn::model::{Filter, Order, OrderBy};
    use authtop::tui::command::{Command, EventKind, ListQuery, ListSource, Outcome as Done};
    use authtop::tui::worker::{self, WorkerContext};
    async fn next(handle: &mut worker::WorkerHandle, cmd: Command) -> EventKind {
        handle.commands.send(cmd).unwrap();
        loop {
            let ev = handle.events.recv().await.expect("worker stopped");
            if ev.is_terminal() {
                return ev.kind;
            }
        }
    }
    let emu = emulator(12, 0).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let mut handle = worker::spawn(WorkerContext {
        client: Client::new(ClientConfig::new(emu.base_url(), emu.service_token())).unwrap(),
        profile: "test".into(),
        user_token: None,
        refresh_token: None,
        token_file: None,
        audit: Arc::new(AuditLog::open(&path).unwrap()),
        concurrency: 2,
        walk_window: 8,
    });
    let listed = next(
        &mut handle,
        Command::List {
            id: 1,
            generation: 1,
            source: ListSource::Sessions,
            query: ListQuery {
                filter: Filter::default(),
                order_by: OrderBy::CreatedAt,
                order: Order::Desc,
                size: 5,
                cursor: None,
            },
        },
    )
    .await;
    let EventKind::Done(Done::Listed { page, .. }) = listed else {
        panic!("{listed:?}")
    };
    let row = page.sessions[0].clone();
    let done = next(
        &mut handle,
        Command::Invalidate {
            id: 2,
            source: ListSource::Sessions,
            session_id: row.id.clone(),
        },
    )
    .await;
    assert!(
        matches!(done, EventKind::Done(Done::Invalidated { .. })),
        "{done:?}"
    );
    let lines = audit_lines(&path);
    assert_eq!(lines.len(), 2);
    for l in &lines {
        assert_eq!(l["identity"], row.identity.as_str(), "{l}");
        assert_eq!(l["email"], row.email.as_str(), "{l}");
    }
}
