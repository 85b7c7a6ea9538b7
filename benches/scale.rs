//! Key-to-screen latency of the whole TUI (app, worker, view and the real run loop) against
//! an in-process emulator holding 100,000 sessions, pages of 100, on a 200x50 screen.
//!
//! Keys go into the run loop through a channel; the terminal is a `TestBackend` wrapped so
//! that every flush checks whether the screen now shows the effect being waited for. The
//! latency of one key is the time from sending it to the first flush showing its effect,
//! so it includes the worker's round trip to the emulator over loopback. The same
//! requests are then replayed alone (raw HTTP, and through the authtop client) to show
//! how much of that is the emulator and the wire.
//!
//! `cargo bench --bench scale` runs the full configuration; under `cargo test --benches`
//! (no `--bench` argument) it runs 2,000 sessions and a few pages, just to prove it works.

#[path = "support/mod.rs"]
mod support;

use support::watch::{Check, Waiter, Watched, line, press, special};

use authtop::audit::AuditLog;
use authtop::authn::model::{Order, OrderBy, SessionListRequest};
use authtop::authn::{Client, ClientConfig};
use authtop::emulator::RunningEmulator;
use authtop::tui::app::{App, AppInit};
use authtop::tui::run::{self, LoopExit};
use authtop::tui::worker::{self, WorkerContext};
use futures::channel::mpsc as chan;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event as TermEvent, KeyCode, KeyModifiers};
use std::io;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::oneshot;

/// Longest wait for one key's effect; past it the run stops and says so.
const PATIENCE: Duration = Duration::from_secs(10);
/// One frame at 60 Hz.
const FRAME: Duration = Duration::from_micros(16_667);
const WIDTH: u16 = 200;
const HEIGHT: u16 = 50;
/// Screen line holding the query text.
const QUERY_LINE: u16 = 2;
/// Screen line holding filter, order, page and loading state.
const INFO_LINE: u16 = 3;
const PAGE_SIZE: u32 = 100;
const QUERY: &str = "email~ann";

/// What one run does.
struct Plan {
    sessions: usize,
    users: usize,
    pages: usize,
    orders: usize,
    flips: usize,
    queries: usize,
}

const FULL: Plan = Plan {
    sessions: 100_000,
    users: 10_000,
    pages: 50,
    orders: 14,
    flips: 10,
    queries: 5,
};

const TINY: Plan = Plan {
    sessions: 2_000,
    users: 200,
    pages: 3,
    orders: 2,
    flips: 2,
    queries: 1,
};

/// The info line shows `want` and nothing is loading.
fn info_settled(want: String) -> Check {
    Box::new(move |b| {
        let l = line(b, INFO_LINE);
        l.contains(&want) && !l.contains("loading…")
    })
}

/// Latencies by kind of operation, in the order first seen.
#[derive(Default)]
struct Samples(Vec<(String, Vec<Duration>)>);

impl Samples {
    fn add(&mut self, kind: &str, d: Duration) {
        match self.0.iter_mut().find(|(k, _)| k == kind) {
            Some((_, v)) => v.push(d),
            None => self.0.push((kind.to_string(), vec![d])),
        }
    }
}

/// Sends keys and waits for their effect on screen.
struct Driver {
    keys: chan::UnboundedSender<io::Result<TermEvent>>,
    waiter: Arc<Mutex<Option<Waiter>>>,
    samples: Samples,
}

impl Driver {
    /// Sends `event` and waits until `check` holds on a flushed frame; records the latency.
    async fn key(&mut self, kind: &str, event: TermEvent, check: Check) -> Result<(), String> {
        let (tx, rx) = oneshot::channel();
        *self
            .waiter
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Waiter { check, done: tx });
        let sent = Instant::now();
        self.keys
            .unbounded_send(Ok(event))
            .map_err(|_| "the run loop stopped taking keys".to_string())?;
        match tokio::time::timeout(PATIENCE, rx).await {
            Ok(Ok(shown)) => {
                self.samples
                    .add(kind, shown.saturating_duration_since(sent));
                Ok(())
            }
            _ => Err(format!("{kind}: no effect on screen within {PATIENCE:?}")),
        }
    }

    /// Waits for a state without sending anything (the first page).
    async fn until(&mut self, check: Check) -> Result<Duration, String> {
        let (tx, rx) = oneshot::channel();
        *self
            .waiter
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Waiter { check, done: tx });
        let start = Instant::now();
        match tokio::time::timeout(PATIENCE, rx).await {
            Ok(Ok(shown)) => Ok(shown.saturating_duration_since(start)),
            _ => Err(format!("nothing on screen within {PATIENCE:?}")),
        }
    }

    #[expect(
        clippy::too_many_lines,
        reason = "a scripted user: one key and one wait per line"
    )]
    async fn script(&mut self, plan: &Plan) -> Result<(), String> {
        self.until(info_settled("page 1 ".into())).await?;
        for n in 2..=plan.pages + 1 {
            self.key(
                "] next page",
                press(']'),
                info_settled(format!("page {n} ")),
            )
            .await?;
        }
        for n in (1..=plan.pages).rev() {
            self.key(
                "[ prev page",
                press('['),
                info_settled(format!("page {n} ")),
            )
            .await?;
        }
        let mut order_by = OrderBy::default();
        let mut order = Order::default();
        for _ in 0..plan.orders {
            order_by = order_by.next();
            self.key(
                "s open the order picker",
                press('s'),
                Box::new(|b| (0..b.area.height).any(|y| line(b, y).contains("Order by"))),
            )
            .await?;
            // The picker's letter for the column, lower case: ascending.
            let letter = match order_by {
                OrderBy::CreatedAt => 'c',
                OrderBy::Expire => 'e',
                OrderBy::Email => 'm',
                OrderBy::Identity => 'u',
                OrderBy::Id => 'i',
                OrderBy::Type => 't',
                OrderBy::ActiveTokenId => 'k',
            };
            order = Order::Asc;
            let want = format!("order {order_by} {}", arrow(order));
            self.key(
                "s+letter: order by a column",
                press(letter),
                info_settled(want),
            )
            .await?;
        }
        for _ in 0..plan.flips {
            order = order.flip();
            let want = format!("order {order_by} {}", arrow(order));
            self.key("S flip direction", press('S'), info_settled(want))
                .await?;
        }
        for _ in 0..plan.queries {
            self.key(
                "/ open query editor",
                press('/'),
                Box::new(|b| line(b, HEIGHT - 1).contains("apply")),
            )
            .await?;
            for (i, c) in QUERY.char_indices() {
                let typed = format!("/ {}", &QUERY[..i + c.len_utf8()]);
                self.key(
                    "type a query character",
                    press(c),
                    Box::new(move |b| line(b, QUERY_LINE).trim_end() == typed),
                )
                .await?;
            }
            self.key(
                "enter: apply email~ann",
                special(KeyCode::Enter, KeyModifiers::NONE),
                Box::new(|b| {
                    let l = line(b, INFO_LINE);
                    // The info line names a filter only when one is in force.
                    l.contains("filter ") && !l.contains("loading…") && l.contains("page 1 ")
                }),
            )
            .await?;
            // Back to no filter, so the next round measures the same thing.
            self.key(
                "/ open query editor",
                press('/'),
                Box::new(|b| line(b, HEIGHT - 1).contains("apply")),
            )
            .await?;
            self.key(
                "type a query character",
                special(KeyCode::Char('u'), KeyModifiers::CONTROL),
                Box::new(|b| line(b, QUERY_LINE).trim_end() == "/"),
            )
            .await?;
            self.key(
                "enter: clear the query",
                special(KeyCode::Enter, KeyModifiers::NONE),
                Box::new(|b| {
                    let l = line(b, INFO_LINE);
                    !l.contains("filter ") && !l.contains("loading…") && l.contains("page 1 ")
                }),
            )
            .await?;
        }
        Ok(())
    }
}

fn arrow(o: Order) -> &'static str {
    match o {
        Order::Asc => "▲",
        Order::Desc => "▼",
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Median, 95th percentile and worst of `v` (sorted in place).
fn stats(v: &mut [Duration]) -> (Duration, Duration, Duration) {
    v.sort();
    let at = |p| support::percentile(v, p).unwrap_or_default();
    (at(50), at(95), v[v.len() - 1])
}

/// The same list requests the script makes, sent alone: raw HTTP (emulator and loopback)
/// and through the authtop client (plus decoding). Returns medians per kind.
async fn replay(emu: &RunningEmulator, plan: &Plan) -> Vec<(&'static str, Duration, Duration)> {
    let client = Client::new(ClientConfig::new(emu.base_url(), emu.service_token()))
        .expect("client for the emulator");
    let http = reqwest::Client::new();
    let url = format!("{}/v2/session/list", emu.base_url());
    let bearer = format!("Bearer {}", emu.service_token().expose());
    let filter = authtop::query::compile(QUERY, jiff::Timestamp::now()).expect("query compiles");
    let mut kinds: Vec<(&'static str, Vec<SessionListRequest>)> = Vec::new();
    let req = |filter, order_by, order, last| SessionListRequest {
        filter,
        last,
        order: Some(order),
        order_by: Some(order_by),
        size: Some(PAGE_SIZE),
    };
    // Walk the cursors once to have the exact page requests of `]`.
    let mut pages = Vec::new();
    let mut last = None;
    for _ in 0..plan.pages {
        let r = req(None, OrderBy::default(), Order::default(), last.clone());
        let page = client.session_list(&r).await.expect("page");
        pages.push(r);
        last = page.result.last.filter(|c| !c.is_empty());
    }
    kinds.push(("page of 100 (] and [)", pages));
    let mut firsts = Vec::new();
    let mut ob = OrderBy::default();
    for _ in 0..plan.orders {
        ob = ob.next();
        firsts.push(req(None, ob, Order::default(), None));
    }
    kinds.push(("first page, other order (s, S)", firsts));
    kinds.push((
        "first page, email~ann",
        vec![req(Some(filter), OrderBy::default(), Order::default(), None); plan.queries * 4],
    ));
    let mut out = Vec::new();
    for (kind, reqs) in kinds {
        let mut raw = Vec::new();
        let mut full = Vec::new();
        for r in &reqs {
            let body = serde_json::to_vec(r).expect("request body");
            let t = Instant::now();
            let resp = http
                .post(&url)
                .header("authorization", &bearer)
                .header("content-type", "application/json")
                .body(body)
                .timeout(PATIENCE)
                .send()
                .await
                .expect("emulator answers");
            let bytes = resp.bytes().await.expect("body");
            raw.push(t.elapsed());
            assert!(!bytes.is_empty());
            let t = Instant::now();
            client.session_list(r).await.expect("page");
            full.push(t.elapsed());
        }
        out.push((kind, stats(&mut raw).0, stats(&mut full).0));
    }
    out
}

fn main() {
    let plan = if support::full_run() { FULL } else { TINY };
    support::runtime().block_on(bench(&plan));
}

#[expect(
    clippy::too_many_lines,
    reason = "the bench's plan: one measured step per surface, printed in order"
)]
async fn bench(plan: &Plan) {
    let (emu, seeded) = support::seeded_emulator(plan.sessions, plan.users).await;
    let client = Client::new(ClientConfig::new(emu.base_url(), emu.service_token()))
        .expect("client for the emulator");
    let dir = tempfile::tempdir().expect("temp dir");
    let audit = Arc::new(AuditLog::open(&dir.path().join("audit.jsonl")).expect("audit log"));
    let mut handle = worker::spawn(WorkerContext {
        client,
        profile: "bench".into(),
        user_token: None,
        refresh_token: None,
        token_file: None,
        audit,
        concurrency: 4,
        walk_window: 8,
    });
    let (mut app, initial) = App::new(
        AppInit {
            profile: "bench".into(),
            host: "127.0.0.1".into(),
            has_service: true,
            has_user_token: false,
            auto_reload: None,
            page_size: PAGE_SIZE,
            ..AppInit::default()
        },
        jiff::Timestamp::now(),
    );
    let waiter = Arc::new(Mutex::new(None));
    let mut terminal = Terminal::new(Watched {
        inner: TestBackend::new(WIDTH, HEIGHT),
        waiter: waiter.clone(),
    })
    .expect("terminal");
    let (keys, input) = chan::unbounded();
    let mut driver = Driver {
        keys: keys.clone(),
        waiter,
        samples: Samples::default(),
    };
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
    let script = async {
        let result = driver.script(plan).await;
        // Quit whatever happened (leaving an open editor first), so the loop always ends.
        for k in [
            special(KeyCode::Esc, KeyModifiers::NONE),
            special(KeyCode::Esc, KeyModifiers::NONE),
            press('q'),
        ] {
            let _ = keys.unbounded_send(Ok(k));
        }
        result
    };
    let (exit, result) = tokio::join!(run_loop, script);
    let _ = handle
        .commands
        .send(authtop::tui::command::Command::Shutdown { force: true });
    let _ = tokio::time::timeout(PATIENCE, handle.join).await;

    println!(
        "TUI key-to-screen latency: {} sessions ({} users, seeded in {:.1} s), pages of {PAGE_SIZE}, {WIDTH}x{HEIGHT}, loopback",
        plan.sessions,
        plan.users,
        seeded.as_secs_f64()
    );
    println!(
        "| {:<32} | {:>4} | {:>9} | {:>9} | {:>9} | {:>26} |",
        "operation", "n", "median", "p95", "worst", "within one frame (16.7 ms)"
    );
    println!(
        "|{:-<34}|{:->6}|{:->11}|{:->11}|{:->11}|{:->28}|",
        "", "", "", "", "", ""
    );
    for (kind, v) in &mut driver.samples.0 {
        let n = v.len();
        let (med, p95, worst) = stats(v);
        let verdict = if worst <= FRAME {
            "yes"
        } else if p95 <= FRAME {
            "yes (p95), worst no"
        } else if med <= FRAME {
            "median yes, p95 no"
        } else {
            "no"
        };
        println!(
            "| {kind:<32} | {n:>4} | {:>6.2} ms | {:>6.2} ms | {:>6.2} ms | {verdict:>26} |",
            ms(med),
            ms(p95),
            ms(worst)
        );
    }
    if let Err(e) = &result {
        println!("STOPPED EARLY: {e}");
    }
    match exit {
        Ok(LoopExit::Quit { .. }) => {}
        other => println!("run loop ended unexpectedly: {other:?}"),
    }
    if result.is_ok() {
        println!();
        println!(
            "the same list requests alone (medians): emulator + loopback, and via the authtop client (+ decode)"
        );
        println!(
            "| {:<32} | {:>16} | {:>16} |",
            "request", "raw HTTP", "authtop client"
        );
        println!("|{:-<34}|{:->18}|{:->18}|", "", "", "");
        for (kind, raw, full) in replay(&emu, plan).await {
            println!(
                "| {kind:<32} | {:>13.2} ms | {:>13.2} ms |",
                ms(raw),
                ms(full)
            );
        }
    }
    emu.shutdown().await;
    if result.is_err() {
        std::process::exit(1);
    }
}
