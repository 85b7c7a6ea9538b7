//! CLI throughput against an emulator with latency; prints figures, asserts nothing.
//!
//! 1. `sessions list --all -o ndjson --size 1000`: wall time / (pages × latency), and the
//!    child's peak RSS at N sessions vs N/10, as a ratio (memory should be flat: ≤ 1.2).
//! 2. `sessions invalidate --query '' --yes --concurrency 16`: wall time /
//!    (N × latency / 16) (target ≤ 1.3).
//!
//! `cargo bench --bench cli` runs the full sizes; `cargo test --benches` (no `--bench`
//! argument) runs tiny ones so it finishes in seconds.

use authtop::emulator::{EmulatorConfig, Faults, RunningEmulator};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

struct Sizes {
    list_big: usize,
    list_small: usize,
    list_latency: Duration,
    page: usize,
    bulk: usize,
    bulk_latency: Duration,
    concurrency: usize,
}

fn emulator(rt: &tokio::runtime::Runtime, sessions: usize, latency: Duration) -> RunningEmulator {
    let cfg = EmulatorConfig {
        seed: 1,
        users: (sessions / 4).max(1),
        sessions,
        user_token_life: Duration::from_secs(3600),
        refresh_token_life: Duration::from_secs(86_400),
        faults: Faults {
            latency,
            ..Default::default()
        },
    };
    rt.block_on(RunningEmulator::start(cfg, "127.0.0.1:0".parse().unwrap()))
        .expect("emulator")
}

/// Runs the binary to completion; returns wall time and peak RSS in KiB.
fn run(emu: &RunningEmulator, args: &[&str]) -> (Duration, u64) {
    let token = emu.service_token();
    let state = tempfile::tempdir().expect("tempdir");
    let start = Instant::now();
    let child = Command::new(env!("CARGO_BIN_EXE_authtop"))
        .args(args)
        .args(["--base-url", &emu.base_url()])
        .env("PANGEA_AUTHN_TOKEN", token.expose())
        .env("AUTHTOP_STATE_DIR", state.path())
        .env("AUTHTOP_CONFIG", state.path().join("none.toml"))
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn authtop");
    // Reaped below with wait4, which also reports the peak RSS that `wait()` cannot.
    #[allow(clippy::zombie_processes)]
    let child = child;
    let mut status = 0;
    // SAFETY: rusage is plain data; wait4 fills it for our own child, which std has not reaped.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = child.id() as libc::pid_t;
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    if r != pid || !libc::WIFEXITED(status) || libc::WEXITSTATUS(status) != 0 {
        println!("  (authtop {args:?} did not exit cleanly: status {status})");
    }
    (wall, usage.ru_maxrss.max(0) as u64)
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let s = if full {
        Sizes {
            list_big: 100_000,
            list_small: 10_000,
            list_latency: Duration::from_millis(5),
            page: 1000,
            bulk: 1000,
            bulk_latency: Duration::from_millis(20),
            concurrency: 16,
        }
    } else {
        Sizes {
            list_big: 2_000,
            list_small: 200,
            list_latency: Duration::from_millis(1),
            page: 100,
            bulk: 48,
            bulk_latency: Duration::from_millis(5),
            concurrency: 16,
        }
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let page = s.page.to_string();
    let list_args = [
        "sessions",
        "list",
        "--all",
        "-o",
        "ndjson",
        "--size",
        page.as_str(),
    ];

    println!("sessions list --all -o ndjson --size {}:", s.page);
    let mut rss = Vec::new();
    for n in [s.list_small, s.list_big] {
        let emu = emulator(&rt, n, s.list_latency);
        let (wall, kib) = run(&emu, &list_args);
        let pages = n.div_ceil(s.page) + 1;
        let ideal = s.list_latency * pages as u32;
        println!(
            "  {n:>7} sessions: {:>8.3} s, {pages} pages x {:?} = {:.3} s, ratio {:.2}; peak RSS {} KiB",
            wall.as_secs_f64(),
            s.list_latency,
            ideal.as_secs_f64(),
            wall.as_secs_f64() / ideal.as_secs_f64(),
            kib
        );
        rss.push(kib);
        rt.block_on(emu.shutdown());
    }
    if let [small, big] = rss[..] {
        println!(
            "  peak RSS {} vs {} sessions: ratio {:.2} (target <= 1.2)",
            s.list_big,
            s.list_small,
            big as f64 / small.max(1) as f64
        );
    }

    let conc = s.concurrency.to_string();
    println!(
        "sessions invalidate --query '' --yes --concurrency {}:",
        s.concurrency
    );
    let emu = emulator(&rt, s.bulk, s.bulk_latency);
    let (wall, _) = run(
        &emu,
        &[
            "sessions",
            "invalidate",
            "--query",
            "",
            "--yes",
            "-o",
            "json",
            "--concurrency",
            &conc,
        ],
    );
    let ideal = s.bulk_latency * s.bulk as u32 / s.concurrency as u32;
    println!(
        "  {} sessions at {:?}: {:.3} s, ideal {:.3} s, ratio {:.2} (target <= 1.3); {} left",
        s.bulk,
        s.bulk_latency,
        wall.as_secs_f64(),
        ideal.as_secs_f64(),
        wall.as_secs_f64() / ideal.as_secs_f64(),
        emu.session_count()
    );
    rt.block_on(emu.shutdown());
}
