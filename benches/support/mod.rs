//! Set-up shared by the benchmarks that run against an in-process emulator.
// Every bench compiles this whole module and uses only its own part of it.
#![allow(dead_code)]

pub(crate) mod floor;
pub(crate) mod watch;

use authtop::emulator::{EmulatorConfig, RunningEmulator};
use std::time::{Duration, Instant};

/// True under `cargo bench` (full size); false under `cargo test --benches` (tiny size).
pub(crate) fn full_run() -> bool {
    std::env::args().any(|a| a == "--bench")
}

/// The `p`th percentile (0 to 100) of `sorted`, by nearest rank; `None` when it is empty.
pub(crate) fn percentile<T: Copy>(sorted: &[T], p: usize) -> Option<T> {
    let last = sorted.len().checked_sub(1)?;
    sorted.get((last * p + 50) / 100).copied()
}

/// A two-thread runtime, like the machine the figures are quoted for.
pub(crate) fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// An emulator on loopback seeded with `sessions` across `users`, and how long seeding took.
pub(crate) async fn seeded_emulator(sessions: usize, users: usize) -> (RunningEmulator, Duration) {
    let seeding = Instant::now();
    let emu = RunningEmulator::start(
        EmulatorConfig {
            sessions,
            users,
            ..EmulatorConfig::default()
        },
        ([127, 0, 0, 1], 0).into(),
    )
    .await
    .expect("emulator starts");
    (emu, seeding.elapsed())
}
