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
//! Scale: Users + Insights over 100,000 and 1,000,000 sessions (the same 10,000 users), each
//! walk in a child process of this bench against an `authtop emulator` process; the child
//! reports its own peak RSS (`VmHWM`, which starts afresh at exec, unlike the `ru_maxrss`
//! a parent reads, which carries the parent's peak at the fork), so the figure is the
//! walk's memory alone. Then key-to-screen during the 1,000,000-session walk.
//!
//! `cargo bench --bench tui_walk` runs 100,000 sessions at pages of 1000 with 5 ms of
//! emulator latency, and the scale run to 1,000,000; `cargo test --benches` runs 2,000
//! sessions, and 1,000 and 5,000 for the scale run, to prove it works.

#[path = "support/mod.rs"]
mod support;

use authtop::audit::AuditLog;
use authtop::authn::model::{Order, OrderBy, Timestamp};
use authtop::authn::{Client, ClientConfig, Secret};
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
    spawn_for(&emu.base_url(), emu.service_token(), dir)
}

fn spawn_for(base_url: &str, token: Secret, dir: &std::path::Path) -> WorkerHandle {
    let client = Client::new(ClientConfig::new(base_url, token)).expect("client for the emulator");
    worker::spawn(WorkerContext {
        client,
        profile: "bench".into(),
        user_token: None,
        refresh_token: None,
        token_file: None,
        audit: Arc::new(AuditLog::open(&dir.join("audit.jsonl")).expect("audit log")),
        concurrency: 4,
        walk_window: 8,
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
        sort: None,
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
async fn latency(base_url: &str, token: Secret, sessions: usize, window: Duration) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut handle = spawn_for(base_url, token, dir.path());
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

/// Set in a child run of this bench: the walk to make, as `base URL`, `token file`, one a line.
const CHILD: &str = "AUTHTOP_BENCH_TUI_WALK";

/// A running `authtop emulator` process, stopped on drop.
struct EmulatorProcess {
    child: std::process::Child,
    base_url: String,
    token: String,
    dir: tempfile::TempDir,
}

impl Drop for EmulatorProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `authtop emulator` with `sessions` across `users`, 5 ms latency, as its own process, so
/// its memory is not counted as the walk's; and how long it took to start.
fn emulator_process(sessions: usize, users: usize) -> (EmulatorProcess, Duration) {
    let dir = tempfile::tempdir().expect("tempdir");
    let tokens = dir.path().join("tokens.json");
    let started = Instant::now();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_authtop"))
        .args(["emulator", "--port", "0", "--seed", "1", "--latency", "5ms"])
        .args(["--sessions", &sessions.to_string()])
        .args(["--users", &users.to_string()])
        .arg("--tokens-out")
        .arg(&tokens)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .expect("spawn authtop emulator");
    let mut emu = EmulatorProcess {
        child,
        base_url: String::new(),
        token: String::new(),
        dir,
    };
    let deadline = Instant::now() + Duration::from_secs(600);
    while Instant::now() < deadline {
        let parsed = std::fs::read(&tokens)
            .ok()
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok());
        if let Some(v) = parsed {
            emu.base_url = v["base_url"].as_str().unwrap_or_default().to_string();
            emu.token = v["service_token"].as_str().unwrap_or_default().to_string();
            return (emu, started.elapsed());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("the emulator did not start within 600 s");
}

/// The child's side: one Users + Insights walk through the worker, its time on stdout.
fn child_walk(spec: &str) {
    let mut lines = spec.lines();
    let (Some(base_url), Some(token_file)) = (lines.next(), lines.next()) else {
        panic!("{CHILD} names a base URL and a token file");
    };
    let token = std::fs::read_to_string(token_file).expect("token file");
    support::runtime().block_on(async {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut h = spawn_for(base_url, Secret::new(token.trim()), dir.path());
        let took = walk(&mut h, 1, "", WalkGoal::Aggregate).await;
        println!("{} {}", took.as_secs_f64(), own_peak_kib());
    });
}

/// This process's own peak RSS in KiB (Linux's `VmHWM`, 0 elsewhere). Unlike the
/// `ru_maxrss` a parent reads, it starts afresh at exec, so none of the parent's peak is in it.
fn own_peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
            line.split_whitespace().nth(1)?.parse().ok()
        })
        .unwrap_or(0)
}

/// Runs one Users + Insights walk in a child process; its time and the child's own peak
/// RSS in KiB (the whole process: runtime, worker, the pages in flight and the aggregates).
fn walk_in_child(emu: &EmulatorProcess) -> (Duration, u64) {
    use std::os::unix::fs::PermissionsExt;
    let token_file = emu.dir.path().join("service-token");
    std::fs::write(&token_file, &emu.token).expect("write the token file");
    std::fs::set_permissions(&token_file, std::fs::Permissions::from_mode(0o600))
        .expect("token file mode");
    let spec = format!("{}\n{}", emu.base_url, token_file.display());
    let child = std::process::Command::new(std::env::current_exe().expect("this bench"))
        .env(CHILD, spec)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .expect("spawn the walk");
    // Reaped below with wait4, which also reports the peak RSS that `wait()` cannot.
    #[allow(clippy::zombie_processes)]
    let mut child = child;
    let mut out = String::new();
    if let Some(mut pipe) = child.stdout.take() {
        let _ = std::io::Read::read_to_string(&mut pipe, &mut out);
    }
    let mut status = 0;
    // SAFETY: rusage is plain data; wait4 fills it for our own child, which std has not reaped.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = libc::pid_t::try_from(child.id()).expect("a child pid fits pid_t");
    let r = unsafe { libc::wait4(pid, &raw mut status, 0, &raw mut usage) };
    assert!(
        r == pid && libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "the walk did not exit cleanly: status {status}"
    );
    let mut words = out.split_whitespace();
    let secs: f64 = words
        .next()
        .and_then(|w| w.parse().ok())
        .expect("the walk prints its time");
    // The kernel's figure carries the parent's peak at the fork; the child's own is exact.
    let own: u64 = words.next().and_then(|w| w.parse().ok()).unwrap_or(0);
    let kib = if own > 0 {
        own
    } else {
        u64::try_from(usage.ru_maxrss).unwrap_or(0)
    };
    (Duration::from_secs_f64(secs), kib)
}

/// Users + Insights over `sizes` sessions (the same users each time, so the walk's own
/// memory is what grows, if anything), each walk a child process whose peak RSS the
/// kernel reports; beside the raw sequential floor measured against the same emulator.
/// Returns the largest emulator, for the key-to-screen run during that walk.
fn scale(sizes: [usize; 2], users: usize, rounds: usize) -> (EmulatorProcess, Duration) {
    println!(
        "TUI Users + Insights walk (the worker's, a child process each run), {users} users, pages of {PAGE}, 5 ms emulator latency (an `authtop emulator` process), window 8, medians of {rounds}"
    );
    let mut rss = Vec::new();
    let mut last = None;
    for n in sizes {
        let (emu, start) = emulator_process(n, users);
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let floor_of = || {
            rt.block_on(support::floor::raw_floor(
                &emu.base_url,
                &emu.token,
                PAGE as usize,
            ))
        };
        let _ = floor_of();
        let (mut floors, mut walks, mut kib) = (Vec::new(), Vec::new(), 0);
        let mut pages = 0;
        for _ in 0..rounds {
            let (f, p) = floor_of();
            floors.push(f);
            pages = p;
            let (w, k) = walk_in_child(&emu);
            walks.push(w);
            kib = kib.max(k);
        }
        let (f, w) = (median(&mut floors), median(&mut walks));
        println!(
            "  {n:>9} sessions: walk {:>7.3} s; raw sequential floor {:>7.3} s ({pages} pages): ratio {:.2}; peak RSS {:>7} KiB; emulator start {:.1} s",
            w.as_secs_f64(),
            f.as_secs_f64(),
            w.as_secs_f64() / f.as_secs_f64(),
            kib,
            start.as_secs_f64()
        );
        rss.push(kib);
        last = Some((emu, w));
    }
    if let [small, big] = rss[..] {
        println!(
            "  peak RSS {} vs {} sessions: ratio {:.2} (target <= 1.5)",
            sizes[1],
            sizes[0],
            big as f64 / small.max(1) as f64
        );
    }
    last.expect("two sizes")
}

fn main() {
    if let Ok(spec) = std::env::var(CHILD) {
        child_walk(&spec);
        return;
    }
    let full = support::full_run();
    // First, while this process is small: a child inherits its parent's peak RSS.
    let (big, took) = if full {
        scale([100_000, 1_000_000], 10_000, ROUNDS)
    } else {
        scale([1_000, 5_000], 100, 1)
    };
    let sessions = if full { 100_000 } else { 2_000 };
    support::runtime().block_on(async {
        let emu = emulator(sessions).await;
        let walk = ratios(&emu, sessions).await;
        latency(
            &emu.base_url(),
            emu.service_token(),
            sessions,
            walk.mul_f64(0.5),
        )
        .await;
        let n = if full { 1_000_000 } else { 5_000 };
        latency(
            &big.base_url,
            Secret::new(big.token.clone()),
            n,
            took.mul_f64(0.5),
        )
        .await;
    });
}
