//! Frame and key-press cost with 100 and with 100,000 rows loaded: both should be flat.
//! Also the cost of one bulk progress event with 1,000 and with 20,000 sessions in the run:
//! flat too, since an event reads its command in place instead of copying its ids.
//!
//! `cargo bench --bench draw` times 2000 iterations after warm-up; under `cargo test
//! --benches` (no `--bench` argument) it runs a handful, just to prove it still works.

// The test harness unwraps (a broken fixture should stop the bench at its line), and this
// bench uses only the fixtures that build a loaded app.
#[allow(clippy::unwrap_used, dead_code)]
#[path = "../tests/it/harness/app.rs"]
mod tui_fixtures;

use authtop::tui::app::{App, AppInit};
use authtop::tui::command::{Command, EventKind, ItemOutcome, Outcome};
use authtop::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::hint::black_box;
use std::time::Instant;
use tui_fixtures::{census_of, code, event, key, listed, loaded, now, quiet, sessions};

const SIZES: [usize; 2] = [100, 100_000];

fn app_with(rows: usize) -> App {
    let init = AppInit {
        page_size: u32::try_from(rows).unwrap_or(u32::MAX),
        ..quiet()
    };
    let mut app = loaded(init, sessions(0, rows), Some("more"), 200, 50);
    // Park the selection mid-page so the visible window is not the first one.
    for _ in 0..60 {
        app.update(key('j'), now());
    }
    app
}

/// An app with a bulk invalidation of `n` sessions in flight, started the way a user does
/// (a query, `X`, the typed count), and the ids it acts on.
fn bulk_in_flight(n: usize) -> (App, Command, Vec<String>) {
    let mut app = loaded(quiet(), sessions(0, 10), None, 200, 50);
    app.update(key('/'), now());
    for c in "email~example".chars() {
        app.update(key(c), now());
    }
    let list = app.update(code(ratatui::crossterm::event::KeyCode::Enter), now());
    app.update(listed(&list[0], sessions(0, 10), None), now());
    let census = app.update(key('X'), now()).remove(0);
    let ids: Vec<String> = (0..n).map(|i| format!("pmt_b{i:06}")).collect();
    let result = census_of(&census, ids.clone(), 1, sessions(0, 5));
    let done = EventKind::Done(Outcome::Census(Box::new(result)));
    app.update(event(&census, done), now());
    for c in n.to_string().chars() {
        app.update(key(c), now());
    }
    let bulk = app
        .update(code(ratatui::crossterm::event::KeyCode::Enter), now())
        .remove(0);
    assert!(matches!(bulk, Command::BulkInvalidate { .. }), "{bulk:?}");
    (app, bulk, ids)
}

/// Mean microseconds per call of `op` over `iters` runs, after `warm` unmeasured ones.
fn time(warm: usize, iters: usize, mut op: impl FnMut(usize)) -> f64 {
    for i in 0..warm {
        op(i);
    }
    let start = Instant::now();
    for i in 0..iters {
        op(i);
    }
    start.elapsed().as_secs_f64() * 1e6 / iters as f64
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let (warm, iters) = if full { (200, 2000) } else { (1, 3) };
    // What ratatui itself costs per 200x50 frame (buffer reset and diff), for scale.
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).expect("test backend");
    let empty = time(warm, iters, |_| {
        terminal.draw(|_| {}).expect("draw");
    });
    println!("empty frame 200x50 (ratatui overhead): {empty:9.1} µs/frame");
    let mut draw_us = Vec::new();
    let mut key_us = Vec::new();
    for rows in SIZES {
        let mut app = app_with(rows);
        let mut terminal = Terminal::new(TestBackend::new(200, 50)).expect("test backend");
        let d = time(warm, iters, |_| {
            terminal
                .draw(|f| view::draw(black_box(&app), f))
                .expect("draw");
        });
        // Alternate down and up so the selection stays in the same place at both sizes.
        let k = time(warm, iters, |i| {
            let c = if i % 2 == 0 { 'j' } else { 'k' };
            black_box(app.update(key(c), now()));
        });
        println!("draw 200x50, {rows:>7} rows loaded: {d:9.1} µs/frame");
        println!("key j/k,     {rows:>7} rows loaded: {k:9.3} µs/key");
        draw_us.push(d);
        key_us.push(k);
    }
    println!(
        "ratio {}/{} rows: draw {:.2}x, key {:.2}x (flat is 1.0; budget: well under 1000 µs/frame)",
        SIZES[1],
        SIZES[0],
        draw_us[1] / draw_us[0],
        key_us[1] / key_us[0]
    );
    // Progress events of a bulk run: the cost of one must not grow with the run's size.
    // Above the typed-count threshold, so `bulk_in_flight` confirms by typing the count.
    let runs = if full { [1_000, 20_000] } else { [150, 1_500] };
    let mut event_us = Vec::new();
    for n in runs {
        let (mut app, bulk, ids) = bulk_in_flight(n);
        let start = Instant::now();
        for (i, id) in ids.iter().enumerate() {
            let kind = EventKind::Progress {
                session_id: id.clone(),
                outcome: ItemOutcome::Done,
                finished: i + 1,
                total: n,
            };
            black_box(app.update(event(&bulk, kind), now()));
        }
        let us = start.elapsed().as_secs_f64() * 1e6 / n as f64;
        assert_eq!(app.progress(), Some((n, n)));
        println!("bulk progress event, {n:>6} in the run: {us:9.3} µs/event");
        event_us.push(us);
    }
    println!(
        "ratio {}/{} in the run: progress event {:.2}x (flat is 1.0)",
        runs[1],
        runs[0],
        event_us[1] / event_us[0]
    );
}
