//! The TUI's walks over a whole result: the worker's walk (local term `vpn`, and the
//! Users/Insights aggregate) against a raw fetch floor measured in the same run, and
//! key-to-screen latency through the real run loop while a walk runs.
//!
//! The floor is every page of the unfiltered list over one keep-alive connection, each
//! next cursor found by a byte search (nothing parsed). The walk is the worker's
//! `Command::Walk`, timed from sending it to its one terminal event. Latency: while the
//! Users tab's walk streams, keys switch tabs and open help; each key's time is from
//! sending it to the first flushed frame showing its effect.
//!
//! `cargo bench --bench tui_walk` runs 100,000 sessions at pages of 1000 with 5 ms of
//! emulator latency; `cargo test --benches` runs 2,000 sessions to prove it works.

#[path = "support/mod.rs"]
mod support;

use authtop::audit::AuditLog;
use authtop::authn::model::{Order, OrderBy, Timestamp};
use authtop::authn::{Client, ClientConfig};
use authtop::emulator::{EmulatorConfig, Faults, RunningEmulator};
use authtop::tui::app::{App, AppInit};
use authtop::tui::command::{
    Command, EventKind, ListSource, MATCHES_KEPT, Msg, WalkGoal, WalkRequest,
};
use authtop::tui::run;
use authtop::tui::worker::{self, WorkerContext, WorkerHandle};
use futures::channel::mpsc as chan;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyEvent;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};
use std::io;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::watch::{Check, Waiter, Watched, line, press, special};
use tokio::sync::oneshot;

const PATIENCE: Duration = Duration::from_secs(120);
const FRAME: Duration = Duration::from_micros(16_667);
const WIDTH: u16 = 160;
const HEIGHT: u16 = 40;
const PAGE: u32 = 1000;
const ROUNDS: usize = 3;

async fn emulator(sessions: usize) -> RunningEmulator {
    RunningEmulator::start(
        EmulatorConfig {
            sessions,
            users: (sessions / 10).max(1),
            intelligence: true,
            faults: Faults {
                latency: Duration::from_millis(5),
                ..Faults::default()
            },
            ..EmulatorConfig::default()
        },
        ([127, 0, 0, 1], 0).into(),
    )
    .await
    .expect("emulator starts")
}

/// Every page of the unfiltered list, parsing nothing.
async fn floor(emu: &RunningEmulator) -> (Duration, usize) {
    support::floor::raw_floor(
        emu.base_url().as_str(),
        emu.service_token().expose(),
        PAGE as usize,
    )
    .await
}

fn spawn(emu: &RunningEmulator, dir: &std::path::Path) -> WorkerHandle {
    let client = Client::new(ClientConfig::new(emu.base_url(), emu.service_token()))
        .expect("client for the emulator");
    worker::spawn(WorkerContext {
        client,
        profile: "bench".into(),
        user_token: None,
        refresh_token: None,
        token_file: None,
        audit: Arc::new(AuditLog::open(&dir.join("audit.jsonl")).expect("audit log")),
        concurrency: 4,
    })
}

/// One worker walk, timed to its terminal event.
async fn walk(h: &mut WorkerHandle, id: u64, text: &str, goal: WalkGoal) -> Duration {
    let now = Timestamp::now();
    let req = WalkRequest {
        generation: id,
        source: ListSource::Sessions,
        query: authtop::query::compile_query(text, now).expect("query"),
        order_by: OrderBy::default(),
        order: Order::default(),
        size: PAGE,
        display: PAGE,
        goal,
        now,
        export: None,
        keep: MATCHES_KEPT,
    };
    let start = Instant::now();
    h.commands
        .send(Command::Walk {
            id,
            walk: Box::new(req),
        })
        .expect("worker");
    loop {
        let e = tokio::time::timeout(PATIENCE, h.events.recv())
            .await
            .expect("the walk ends in time")
            .expect("worker running");
        if e.is_terminal() {
            assert!(matches!(e.kind, EventKind::Done(_)), "{:?}", e.kind);
            return start.elapsed();
        }
    }
}

/// The App's own walk of a local-term query at the default display size, as a user
/// starts it (`/vpn⏎`): the list requests it sends and its time, to its one terminal event.
async fn app_walk(emu: &RunningEmulator, h: &mut WorkerHandle) -> (u64, Duration, u32) {
    let now = Timestamp::now();
    let (mut app, _) = App::new(
        AppInit {
            profile: "bench".into(),
            host: "127.0.0.1".into(),
            has_service: true,
            has_user_token: false,
            auto_reload: None,
            ..AppInit::default()
        },
        now,
    );
    let display = app.table(ListSource::Sessions).page_size();
    let mut cmds = Vec::new();
    for c in "/vpn".chars() {
        cmds.extend(app.update(
            Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
            now,
        ));
    }
    cmds.extend(app.update(
        Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
        now,
    ));
    let walk = cmds
        .into_iter()
        .find(|c| matches!(c, Command::Walk { .. }))
        .expect("a local term starts a walk");
    let id = walk.id().expect("a walk has an id");
    let before = emu.request_count();
    let start = Instant::now();
    h.commands.send(walk).expect("worker");
    loop {
        let e = tokio::time::timeout(PATIENCE, h.events.recv())
            .await
            .expect("the walk ends in time")
            .expect("worker running");
        if e.id == id && e.is_terminal() {
            assert!(matches!(e.kind, EventKind::Done(_)), "{:?}", e.kind);
            return (emu.request_count() - before, start.elapsed(), display);
        }
    }
}

fn median(v: &mut [Duration]) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Prints the ratios; returns the aggregate walk's median time.
async fn ratios(emu: &RunningEmulator, sessions: usize) -> Duration {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut h = spawn(emu, dir.path());
    let _ = floor(emu).await;
    let (mut floors, mut locals, mut aggs) = (Vec::new(), Vec::new(), Vec::new());
    let mut pages = 0;
    for r in 0..ROUNDS {
        let (f, p) = floor(emu).await;
        pages = p;
        floors.push(f);
        locals.push(walk(&mut h, 2 * r as u64 + 1, "vpn", WalkGoal::Matches).await);
        aggs.push(walk(&mut h, 2 * r as u64 + 2, "", WalkGoal::Aggregate).await);
    }
    let (requests, took, display) = app_walk(emu, &mut h).await;
    let f = median(&mut floors);
    let l = median(&mut locals);
    let a = median(&mut aggs);
    println!(
        "TUI walk vs raw fetch floor: {sessions} sessions, pages of {PAGE} ({pages} pages), 5 ms emulator latency, medians of {ROUNDS}"
    );
    println!("  raw fetch floor             {:>9.3} s", f.as_secs_f64());
    println!(
        "  walk, local term `vpn`      {:>9.3} s  ratio {:.2}",
        l.as_secs_f64(),
        l.as_secs_f64() / f.as_secs_f64()
    );
    println!(
        "  walk, users + insights      {:>9.3} s  ratio {:.2}",
        a.as_secs_f64(),
        a.as_secs_f64() / f.as_secs_f64()
    );
    println!(
        "  `/vpn` typed in the TUI at the default display size ({display} rows): {requests} list requests in {:.3} s (raw floor: {pages} requests in {:.3} s)",
        took.as_secs_f64(),
        f.as_secs_f64()
    );
    assert!(
        requests <= pages as u64 + 10,
        "the TUI walk sent {requests} requests for {pages} pages"
    );
    a
}

/// Keys through the real run loop while the Users tab's walk streams.
#[expect(
    clippy::too_many_lines,
    reason = "one end-to-end scenario: each step acts on the state the one before left"
)]
async fn latency(emu: &RunningEmulator, sessions: usize, window: Duration) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut handle = spawn(emu, dir.path());
    let (mut app, initial) = App::new(
        AppInit {
            profile: "bench".into(),
            host: "127.0.0.1".into(),
            has_service: true,
            has_user_token: false,
            auto_reload: None,
            page_size: PAGE,
            ..AppInit::default()
        },
        Timestamp::now(),
    );
    let waiter: Arc<Mutex<Option<Waiter>>> = Arc::new(Mutex::new(None));
    let mut terminal = Terminal::new(Watched {
        inner: TestBackend::new(WIDTH, HEIGHT),
        waiter: waiter.clone(),
    })
    .expect("terminal");
    let (keys, input) = chan::unbounded();
    let mut clipboard = io::sink();
    let run_loop = run::event_loop(
        &mut terminal,
        &mut app,
        input,
        &handle.commands,
        &mut handle.events,
        &mut clipboard,
        initial,
    );
    let wait = |check: Check| {
        let (tx, rx) = oneshot::channel();
        *waiter
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Waiter { check, done: tx });
        rx
    };
    // The walk alone took twice `window`; a frame showing its start or end comes well
    // within this, or it already went by.
    let settle = window.mul_f64(4.0) + Duration::from_secs(2);
    let script = async {
        let mut samples = Vec::new();
        let first = wait(Box::new(|b| {
            // The first page is in: the info line shows the row position.
            line(b, 1).contains("▸ 1 Sessions") && line(b, 3).contains("[1/")
        }));
        let _ = tokio::time::timeout(PATIENCE, first).await;
        // The Users tab starts the walk.
        let shown = wait(Box::new(|b| {
            (0..HEIGHT).any(|y| line(b, y).contains("walking:"))
        }));
        let _ = keys.unbounded_send(Ok(press('4')));
        // A short walk can end before its gauge is ever drawn; waiting is bounded by what
        // the walk takes, not by the patience a slow machine gets.
        let _ = tokio::time::timeout(settle, shown).await;
        let started = Instant::now();
        let mut i = 0usize;
        // Keys go in for half the time the same walk took alone, so every one is
        // answered while pages are still arriving.
        while started.elapsed() < window {
            let (key, check): (char, Check) = match i % 4 {
                0 => ('1', Box::new(|b| line(b, 1).contains("▸ 1 Sessions"))),
                1 => ('4', Box::new(|b| line(b, 1).contains("▸ 4 Users"))),
                2 => (
                    '?',
                    Box::new(|b| (0..HEIGHT).any(|y| line(b, y).contains("this help"))),
                ),
                _ => (
                    '?',
                    Box::new(|b| !(0..HEIGHT).any(|y| line(b, y).contains("this help"))),
                ),
            };
            let rx = wait(check);
            let sent = Instant::now();
            let _ = keys.unbounded_send(Ok(press(key)));
            match tokio::time::timeout(PATIENCE, rx).await {
                Ok(Ok(at)) => samples.push(at.saturating_duration_since(sent)),
                _ => break,
            }
            i += 1;
        }
        let took = started.elapsed();
        // The walk was still running: its end shows after the keys stopped.
        let end = wait(Box::new(|b| {
            (0..HEIGHT).any(|y| line(b, y).contains("walked "))
        }));
        let still_walking = tokio::time::timeout(settle, end).await.is_ok();
        for k in [special(KeyCode::Esc, KeyModifiers::NONE), press('q')] {
            let _ = keys.unbounded_send(Ok(k));
        }
        (samples, still_walking, took)
    };
    let (_, (mut samples, still_walking, took)) = tokio::join!(run_loop, script);
    let _ = handle.commands.send(Command::Shutdown { force: true });
    samples.sort();
    let n = samples.len();
    if n == 0 {
        println!("key-to-screen during a walk: no samples");
        return;
    }
    let at = |p| support::percentile(&samples, p).unwrap_or_default();
    let (med, p95, worst) = (at(50), at(95), samples[n - 1]);
    let within = samples.iter().filter(|d| **d <= FRAME).count();
    println!(
        "TUI key-to-screen while the Users walk of {sessions} sessions runs ({:.1} s of keys, {n} keys: tab switches and help; walk finished after the keys: {still_walking})",
        took.as_secs_f64()
    );
    println!(
        "  median {:.2} ms  p95 {:.2} ms  worst {:.2} ms  within one frame (16.7 ms): {within}/{n}",
        ms(med),
        ms(p95),
        ms(worst)
    );
}

fn main() {
    let sessions = if support::full_run() { 100_000 } else { 2_000 };
    support::runtime().block_on(async {
        let emu = emulator(sessions).await;
        let walk = ratios(&emu, sessions).await;
        latency(&emu, sessions, walk.mul_f64(0.5)).await;
    });
}
