//! Requests per second the emulator serves for `/v2/session/list` over 100,000 sessions:
//! N loopback clients each walk the cursors from the first page, with pages of 100 and of
//! 1000 rows.
//!
//! Then `authtop emulator` itself, as a process: how long it takes to start (until it
//! prints its base URL) and its peak memory, at 100,000 and at 1,000,000 sessions, and the
//! time of one page at the start and at the end of a walk of every session (the keyset
//! cursor makes a page deep in the walk cost what the first page does).
//!
//! `cargo bench --bench emulator` runs the full configuration; under `cargo test --benches`
//! (no `--bench` argument) it serves 2,000 sessions for a moment, just to prove it works.

#[path = "support/mod.rs"]
mod support;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
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
    let full = support::full_run();
    let plan = if full { FULL } else { TINY };
    let rt = support::runtime();
    rt.block_on(bench(&plan));
    let sizes: &[(usize, usize)] = if full {
        &[(100_000, 10_000), (1_000_000, 100_000)]
    } else {
        &[(2_000, 200)]
    };
    rt.block_on(startup_and_walk(sizes));
}

/// A running `authtop emulator` process, stopped (by its pid) when dropped.
struct Process {
    child: Child,
    base_url: String,
    token: String,
    started: Duration,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `authtop emulator` with `sessions` across `users` on a free loopback port and
/// waits for it to print its base URL and token.
fn spawn(sessions: usize, users: usize) -> Process {
    let t = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_authtop"))
        .args(["emulator", "--host", "127.0.0.1", "--port", "0"])
        .args([
            "--sessions",
            &sessions.to_string(),
            "--users",
            &users.to_string(),
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("authtop emulator starts");
    let out = child.stdout.take().expect("piped stdout");
    let (mut base_url, mut token) = (String::new(), String::new());
    for line in BufReader::new(out).lines() {
        let line = line.expect("emulator output");
        if let Some(v) = line.strip_prefix("base URL:") {
            v.trim().clone_into(&mut base_url);
        } else if let Some(v) = line.strip_prefix("service token:") {
            v.trim().clone_into(&mut token);
        } else if line.starts_with("sessions:") {
            break;
        }
    }
    assert!(
        !base_url.is_empty() && !token.is_empty(),
        "the emulator printed no URL"
    );
    Process {
        child,
        base_url,
        token,
        started: t.elapsed(),
    }
}

/// Peak resident memory of process `pid` in MB (Linux's `VmHWM`); `None` elsewhere.
fn peak_mb(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// One page of `size` after `last`: its time, the next cursor and its rows.
async fn page(
    http: &reqwest::Client,
    p: &Process,
    size: usize,
    last: Option<&str>,
) -> (Duration, Option<String>, usize) {
    let body = match last {
        Some(c) => {
            format!(r#"{{"size":{size},"order":"asc","order_by":"created_at","last":"{c}"}}"#)
        }
        None => format!(r#"{{"size":{size},"order":"asc","order_by":"created_at"}}"#),
    };
    let t = Instant::now();
    let resp = http
        .post(format!("{}/v2/session/list", p.base_url))
        .bearer_auth(&p.token)
        .header("content-type", "application/json")
        .body(body)
        .timeout(PATIENCE)
        .send()
        .await
        .expect("the emulator answers");
    assert!(resp.status().is_success(), "status {}", resp.status());
    let text = resp.text().await.expect("a body");
    let took = t.elapsed();
    let rows = text.matches(r#""type":"session""#).count();
    let next = cursor(&text).filter(|c| !c.is_empty()).map(str::to_owned);
    (took, next, rows)
}

/// Median time of `n` pages of 100 rows from the cursor `last`.
async fn page_time(http: &reqwest::Client, p: &Process, last: Option<&str>, n: usize) -> Duration {
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        times.push(page(http, p, 100, last).await.0);
    }
    times.sort();
    support::percentile(&times, 50).unwrap_or_default()
}

async fn startup_and_walk(sizes: &[(usize, usize)]) {
    println!();
    println!(
        "authtop emulator process: start (until it prints its URL), peak memory, and one page of 100 (created_at asc) at the start and at the end of a walk of every session in pages of 1000"
    );
    println!(
        "| {:>9} | {:>7} | {:>8} | {:>9} | {:>10} | {:>10} | {:>8} |",
        "sessions", "users", "start", "peak RSS", "page first", "page last", "walk"
    );
    println!(
        "|{:->11}|{:->9}|{:->10}|{:->11}|{:->12}|{:->12}|{:->10}|",
        "", "", "", "", "", "", ""
    );
    let http = reqwest::Client::new();
    for &(sessions, users) in sizes {
        let p = spawn(sessions, users);
        let peak = peak_mb(p.child.id());
        let first = page_time(&http, &p, None, 20).await;
        // Walk to the end in large pages, keeping the cursor of the second-to-last one.
        let walk = Instant::now();
        let (mut last, mut before_last, mut rows) = (None::<String>, None::<String>, 0);
        for _ in 0..(sessions / 1000 + 10) {
            let (_, next, n) = page(&http, &p, 1000, last.as_deref()).await;
            rows += n;
            match next {
                Some(c) => {
                    before_last = last.take();
                    last = Some(c);
                }
                None => break,
            }
        }
        let walked = walk.elapsed();
        assert_eq!(rows, sessions, "the walk saw every session once");
        let end = page_time(&http, &p, before_last.as_deref().or(last.as_deref()), 20).await;
        println!(
            "| {sessions:>9} | {users:>7} | {:>6.2} s | {:>6} MB | {:>7.2} ms | {:>7.2} ms | {:>6.1} s |",
            p.started.as_secs_f64(),
            peak.map_or("n/a".to_owned(), |m| format!("{m:.0}")),
            first.as_secs_f64() * 1e3,
            end.as_secs_f64() * 1e3,
            walked.as_secs_f64(),
        );
    }
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
