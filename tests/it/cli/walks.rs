//! Whole-result walks: the page size they ask for, counted at the emulator.

use crate::harness::cli::{Env, Out};
use std::collections::BTreeSet;

fn ndjson_ids(out: &Out) -> Vec<String> {
    out.stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

/// Runs `args` and returns the output with the requests it sent, checking that the
/// sessions listed are each listed once, all live before the run, and include every
/// session still live after it (seeded sessions may expire meanwhile).
async fn counted(env: &Env, args: &[&str]) -> (Out, u64) {
    let live_before: BTreeSet<String> = env.live_seeded().into_iter().collect();
    let before = env.emu.request_count();
    let out = env.run(args).await;
    let sent = env.emu.request_count() - before;
    out.expect_code(0);
    if args.contains(&"list") && !args.iter().any(|a| a.contains('~')) {
        let ids = ndjson_ids(&out);
        let listed: BTreeSet<String> = ids.iter().cloned().collect();
        assert_eq!(listed.len(), ids.len(), "a session listed twice");
        assert!(
            listed.is_subset(&live_before),
            "a session not live was listed"
        );
        let live_after: BTreeSet<String> = env.live_seeded().into_iter().collect();
        assert!(
            live_after.is_subset(&listed),
            "{args:?} missed {} live sessions",
            live_after.difference(&listed).count()
        );
    }
    (out, sent)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_result_is_read_in_pages_of_a_thousand_unless_a_size_is_given() {
    let env = Env::start(40, 1_500).await;
    // At the display size (50) 1,500 sessions are 30 pages; at 1,000 they are 2, plus a few
    // for a walk split into slices.
    let few = 12;

    let (all, n) = counted(&env, &["sessions", "list", "--all", "-o", "ndjson"]).await;
    assert!(!all.stdout.is_empty());
    assert!(n <= few, "list --all sent {n} requests");

    let (ordered, n) = counted(
        &env,
        &[
            "sessions",
            "list",
            "--all",
            "--order-by",
            "id",
            "-o",
            "ndjson",
        ],
    )
    .await;
    assert!(!ordered.stdout.is_empty());
    assert!(n <= 3, "an ordered list --all sent {n} requests");

    let (sized, n) = counted(
        &env,
        &["sessions", "list", "--all", "--size", "100", "-o", "ndjson"],
    )
    .await;
    assert!(!sized.stdout.is_empty());
    assert!(n >= 15, "--size 100 was not honoured: {n} requests");

    let (users, n) = counted(&env, &["sessions", "users", "-o", "ndjson"]).await;
    assert_eq!(users.stdout.lines().count(), 40);
    assert!(n <= few, "sessions users sent {n} requests");

    let (local, n) = counted(&env, &["sessions", "list", "email~@", "-o", "ndjson"]).await;
    assert!(!local.stdout.is_empty());
    assert!(n <= few, "a local-term walk sent {n} requests");
}
