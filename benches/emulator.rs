//! Requests per second the emulator serves for `/v2/session/list` over 100,000 sessions:
//! N loopback clients each walk the cursors from the first page, with pages of 100 and of
//! 1000 rows.
//!
//! `cargo bench --bench emulator` runs the full configuration; under `cargo test --benches`
//! (no `--bench` argument) it serves 2,000 sessions for a moment, just to prove it works.

#[path = "support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

/// Longest wait for one answer.
const PATIENCE: Duration = Duration::from_secs(10);

struct Plan {
    sessions: usize,
    users: usize,
    /// How long each configuration runs at most (a client stops early at the last page).
    budget: Duration,
    /// Walks per client at most.
    walks: usize,
}

const FULL: Plan = Plan {
    sessions: 100_000,
    users: 10_000,
    budget: Duration::from_secs(4),
    walks: 3,
};

const TINY: Plan = Plan {
    sessions: 2_000,
    users: 200,
    budget: Duration::from_millis(300),
    walks: 1,
};

/// What one client did.
#[derive(Default)]
struct Tally {
    requests: usize,
    bytes: usize,
    rows: usize,
    latencies: Vec<Duration>,
}

/// The `last` cursor of a list answer, found without parsing the page: `"last":"` cannot
/// occur inside a JSON string value (its quotes would be escaped), so it is the key.
fn cursor(body: &str) -> Option<&str> {
    let start = body.rfind("\"last\":\"")? + "\"last\":\"".len();
    let len = body[start..].find('"')?;
    Some(&body[start..start + len])
}

/// Walks the list from the first page until the last (or the budget runs out).
async fn walk(
    url: String,
    bearer: String,
    size: usize,
    plan_budget: Duration,
    walks: usize,
) -> Tally {
    let http = reqwest::Client::new();
    let mut tally = Tally::default();
    let deadline = Instant::now() + plan_budget;
    'walks: for _ in 0..walks {
        let mut last: Option<String> = None;
        loop {
            if Instant::now() >= deadline {
                break 'walks;
            }
            let body = match &last {
                Some(c) => format!(r#"{{"size":{size},"last":"{c}"}}"#),
                None => format!(r#"{{"size":{size}}}"#),
            };
            let t = Instant::now();
            let resp = http
                .post(&url)
                .header("authorization", &bearer)
                .header("content-type", "application/json")
                .body(body)
                .timeout(PATIENCE)
                .send()
                .await
                .expect("the emulator answers");
            assert!(resp.status().is_success(), "status {}", resp.status());
            let text = resp.text().await.expect("a body");
            tally.latencies.push(t.elapsed());
            tally.requests += 1;
            tally.bytes += text.len();
            // Active tokens have their own `"type":"user"`; sessions are the rest.
            tally.rows += text.matches(r#""type":"session""#).count();
            match cursor(&text) {
                Some(c) if !c.is_empty() => last = Some(c.to_string()),
                _ => break,
            }
        }
    }
    tally
}

fn main() {
    let plan = if support::full_run() { FULL } else { TINY };
    support::runtime().block_on(bench(&plan));
}

async fn bench(plan: &Plan) {
    let (emu, seeded) = support::seeded_emulator(plan.sessions, plan.users).await;
    println!(
        "emulator /v2/session/list: {} sessions ({} users, seeded in {:.1} s), clients walk cursors from page one, loopback",
        plan.sessions,
        plan.users,
        seeded.as_secs_f64()
    );
    println!(
        "| {:>9} | {:>7} | {:>8} | {:>9} | {:>8} | {:>10} | {:>10} |",
        "page size", "clients", "requests", "req/s", "MB/s", "median", "p95"
    );
    println!(
        "|{:->11}|{:->9}|{:->10}|{:->11}|{:->10}|{:->12}|{:->12}|",
        "", "", "", "", "", "", ""
    );
    let url = format!("{}/v2/session/list", emu.base_url());
    let bearer = format!("Bearer {}", emu.service_token().expose());
    for size in [100, 1000] {
        for clients in [1, 4] {
            let start = Instant::now();
            let tasks: Vec<_> = (0..clients)
                .map(|_| {
                    tokio::spawn(walk(
                        url.clone(),
                        bearer.clone(),
                        size,
                        plan.budget,
                        plan.walks,
                    ))
                })
                .collect();
            let mut all = Tally::default();
            for t in tasks {
                let t = t.await.expect("client task");
                all.requests += t.requests;
                all.bytes += t.bytes;
                all.rows += t.rows;
                all.latencies.extend(t.latencies);
            }
            let secs = start.elapsed().as_secs_f64();
            all.latencies.sort();
            let at =
                |p| support::percentile(&all.latencies, p).map_or(0.0, |d| d.as_secs_f64() * 1e3);
            println!(
                "| {size:>9} | {clients:>7} | {:>8} | {:>9.0} | {:>8.1} | {:>7.2} ms | {:>7.2} ms |",
                all.requests,
                all.requests as f64 / secs,
                all.bytes as f64 / secs / 1e6,
                at(50),
                at(95),
            );
            assert!(all.rows > 0, "pages carried no sessions");
        }
    }
    emu.shutdown().await;
}
