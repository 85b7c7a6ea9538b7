//! Walks in the worker against the emulator: local matches, aggregates and exports
//! against ground truth read from the sessions themselves, and a cancel that ends the
//! walk once and leaves no file.

use crate::harness;
use crate::harness::worker::all_sessions;
use authtop::authn::model::{Order, OrderBy, Session, Timestamp};
use authtop::emulator::{Faults, RunningEmulator};
use authtop::output::Format;
use authtop::query::compile_query;
use authtop::tui::command::{
    Command, Event, EventKind, ExportSpec, ListSource, MATCHES_KEPT, Outcome, WalkGoal,
    WalkRequest, Walked,
};
use authtop::tui::worker::WorkerHandle;
use std::collections::BTreeSet;
use std::time::Duration;

const PATIENCE: Duration = Duration::from_secs(30);

async fn emulator() -> RunningEmulator {
    harness::emulator::start(harness::emulator::config(40, 800, Faults::default())).await
}

fn vpn(s: &Session) -> bool {
    s.active_token
        .as_ref()
        .and_then(|t| t.intelligence.as_ref())
        .and_then(|i| i.ip_intel.as_ref())
        .and_then(|ip| ip.is_vpn)
        == Some(true)
}

fn request(text: &str, goal: WalkGoal, size: u32, export: Option<ExportSpec>) -> WalkRequest {
    let now = Timestamp::now();
    WalkRequest {
        generation: 1,
        source: ListSource::Sessions,
        query: compile_query(text, now).unwrap(),
        order_by: OrderBy::default(),
        order: Order::default(),
        size,
        display: size,
        goal,
        now,
        export,
        keep: MATCHES_KEPT,
        sort: None,
    }
}

/// Sends a walk and collects its events until the terminal one.
async fn run(
    h: &mut WorkerHandle,
    id: u64,
    walk: WalkRequest,
    cancel_after: Option<u64>,
) -> Vec<Event> {
    h.commands
        .send(Command::Walk {
            id,
            walk: Box::new(walk),
        })
        .unwrap();
    let mut events = Vec::new();
    loop {
        let e = tokio::time::timeout(PATIENCE, h.events.recv())
            .await
            .expect("the walk answers in time")
            .expect("the worker is running");
        if let (EventKind::Walking(p), Some(n)) = (&e.kind, cancel_after)
            && p.pages == n
        {
            h.commands.send(Command::CancelWalk { walk: id }).unwrap();
        }
        let done = e.is_terminal();
        events.push(e);
        if done {
            return events;
        }
    }
}

fn walked(events: &[Event]) -> &Walked {
    match &events.last().unwrap().kind {
        EventKind::Done(Outcome::Walked(w)) => w,
        other => panic!("not walked: {other:?}"),
    }
}

#[tokio::test]
async fn a_local_term_walk_keeps_exactly_the_sessions_that_match() {
    let emu = emulator().await;
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness::worker::spawn(&emu, dir.path(), None);
    let truth: BTreeSet<String> = all_sessions(&emu)
        .await
        .into_iter()
        .filter(vpn)
        .map(|s| s.id)
        .collect();
    assert!(
        !truth.is_empty() && truth.len() < 800,
        "a few VPN sessions: {}",
        truth.len()
    );
    let events = run(
        &mut h,
        1,
        request("vpn", WalkGoal::Matches, 100, None),
        None,
    )
    .await;
    let w = walked(&events);
    let got: BTreeSet<String> = w.matches.iter().map(|s| s.id.clone()).collect();
    assert_eq!(got, truth);
    assert_eq!(w.progress.scanned, 800);
    assert_eq!(w.progress.pages, 8);
    let pages: Vec<u64> = events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::Walking(p) => Some(p.pages),
            _ => None,
        })
        .collect();
    assert_eq!(
        pages,
        (1..=8).collect::<Vec<_>>(),
        "progress after every page"
    );
    assert_eq!(events.iter().filter(|e| e.is_terminal()).count(), 1);
}

#[tokio::test]
async fn an_aggregate_walk_counts_every_user_and_keeps_no_session() {
    let emu = emulator().await;
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness::worker::spawn(&emu, dir.path(), None);
    let all = all_sessions(&emu).await;
    let users: BTreeSet<&str> = all.iter().map(|s| s.identity.as_str()).collect();
    let events = run(&mut h, 1, request("", WalkGoal::Aggregate, 250, None), None).await;
    let w = walked(&events);
    assert!(w.matches.is_empty());
    assert_eq!(w.users.len(), users.len());
    assert_eq!(w.users.iter().map(|u| u.sessions).sum::<u64>(), 800);
    let f = w.figures.as_ref().unwrap();
    assert_eq!(f.total, 800);
    assert_eq!(f.risk.vpn, all.iter().filter(|s| vpn(s)).count() as u64);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_aggregate_walk_under_thirty_percent_throttling_counts_the_same() {
    let emu = emulator().await;
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness::worker::spawn(&emu, dir.path(), None);
    let calm = run(&mut h, 1, request("", WalkGoal::Aggregate, 100, None), None).await;
    emu.set_faults(Faults {
        throttle_rate: 0.3,
        ..Faults::default()
    })
    .unwrap();
    let throttled = run(&mut h, 2, request("", WalkGoal::Aggregate, 100, None), None).await;
    let (calm, throttled) = (walked(&calm), walked(&throttled));
    let counts = |w: &Walked| {
        w.users
            .iter()
            .map(|u| (u.identity.clone(), u.sessions))
            .collect::<BTreeSet<_>>()
    };
    assert_eq!(counts(throttled), counts(calm));
    assert_eq!(throttled.progress.scanned, 800);
    let total = |w: &Walked| w.figures.as_ref().map(|f| f.total);
    assert_eq!(total(throttled), total(calm));
}

#[tokio::test]
async fn an_export_writes_every_match_as_ndjson_and_says_where() {
    let emu = emulator().await;
    let dir = tempfile::tempdir().unwrap();
    let exports = dir.path().join("exports");
    let mut h = harness::worker::spawn(&emu, dir.path(), None);
    let truth: BTreeSet<String> = all_sessions(&emu)
        .await
        .into_iter()
        .filter(vpn)
        .map(|s| s.id)
        .collect();
    let spec = ExportSpec {
        format: Format::Ndjson,
        dir: exports.clone(),
        only: None,
    };
    let events = run(
        &mut h,
        1,
        request("vpn", WalkGoal::Export, 100, Some(spec)),
        None,
    )
    .await;
    let (path, rows) = walked(&events).written.clone().unwrap();
    assert!(path.starts_with(&exports));
    assert_eq!(rows, truth.len() as u64);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600, "an export names people: private");
        assert_eq!(mode(&exports), 0o700, "its folder too");
    }
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let ids: BTreeSet<String> = lines
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, truth);
    // In the table's order (newest login first), though its slices were read at once.
    let times: Vec<Timestamp> = lines
        .iter()
        .map(|v| v["created_at"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(
        times.windows(2).all(|w| w[0] >= w[1]),
        "the export is not in the table's order"
    );

    // Only the marked rows, as CSV: a header and one record each.
    let only: Vec<String> = truth.iter().take(3).cloned().collect();
    let spec = ExportSpec {
        format: Format::Csv,
        dir: exports.clone(),
        only: Some(only.clone()),
    };
    let events = run(
        &mut h,
        2,
        request("", WalkGoal::Export, 500, Some(spec)),
        None,
    )
    .await;
    let (csv_path, rows) = walked(&events).written.clone().unwrap();
    assert_ne!(csv_path, path, "a second export never replaces the first");
    assert_eq!(rows, 3);
    let csv = std::fs::read_to_string(&csv_path).unwrap();
    assert_eq!(csv.lines().count(), 4, "{csv}");
    for id in &only {
        assert!(csv.contains(id.as_str()));
    }
}

#[tokio::test]
async fn a_cancelled_export_ends_once_and_leaves_no_file() {
    let emu = emulator().await;
    let dir = tempfile::tempdir().unwrap();
    let exports = dir.path().join("exports");
    let mut h = harness::worker::spawn(&emu, dir.path(), None);
    let spec = ExportSpec {
        format: Format::Csv,
        dir: exports.clone(),
        only: None,
    };
    let events = run(
        &mut h,
        9,
        request("", WalkGoal::Export, 10, Some(spec)),
        Some(2),
    )
    .await;
    assert_eq!(events.last().unwrap().kind, EventKind::Cancelled);
    assert_eq!(events.iter().filter(|e| e.is_terminal()).count(), 1);
    let left: Vec<_> = std::fs::read_dir(&exports).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
}

#[tokio::test]
async fn an_export_to_a_folder_that_cannot_be_made_fails_with_the_path() {
    let emu = emulator().await;
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, "not a folder").unwrap();
    let mut h = harness::worker::spawn(&emu, dir.path(), None);
    let spec = ExportSpec {
        format: Format::Csv,
        dir: blocker.join("exports"),
        only: None,
    };
    let events = run(
        &mut h,
        3,
        request("", WalkGoal::Export, 100, Some(spec)),
        None,
    )
    .await;
    match &events.last().unwrap().kind {
        EventKind::Failed(e) => assert!(e.to_string().contains("exports"), "{e}"),
        other => panic!("{other:?}"),
    }
}

/// The ground truth of a sorted walk: every session in server order, sorted stably by
/// `by`, worst first.
async fn sorted_ids(
    emu: &RunningEmulator,
    by: authtop::investigate::sort::LocalSort,
) -> Vec<String> {
    let mut devices = authtop::investigate::Devices::new();
    let mut truth: Vec<_> = all_sessions(emu)
        .await
        .into_iter()
        .map(|s| (by.key(&s, &mut devices), s.id))
        .collect();
    authtop::investigate::sort::sort(&mut truth, Order::Desc);
    truth.into_iter().map(|(_, id)| id).collect()
}

#[tokio::test]
async fn a_walk_sorted_by_risk_keeps_every_match_worst_first_and_equal_risks_in_server_order() {
    use authtop::investigate::sort::LocalSort;
    let emu = emulator().await;
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness::worker::spawn(&emu, dir.path(), None);
    let want = sorted_ids(&emu, LocalSort::Risk).await;
    let mut req = request("", WalkGoal::Matches, 100, None);
    req.sort = Some(LocalSort::Risk);
    req.order = Order::Desc;
    let events = run(&mut h, 1, req, None).await;
    let w = walked(&events);
    let got: Vec<String> = w.matches.iter().map(|s| s.id.clone()).collect();
    assert_eq!(got.len(), 800, "every match is kept");
    assert_eq!(got, want);
    assert!(
        w.anchors.is_empty(),
        "a sorted result is paged here, not from anchors"
    );
    let first = authtop::investigate::Risk::of(&w.matches[0]);
    assert!(first.is_flagged(), "the worst comes first: {first:?}");
}

#[tokio::test]
async fn a_sorted_walk_past_what_it_keeps_keeps_exactly_the_first_of_the_sorted_order() {
    use authtop::investigate::sort::LocalSort;
    let emu = emulator().await;
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness::worker::spawn(&emu, dir.path(), None);
    let mut want = sorted_ids(&emu, LocalSort::Scopes).await;
    want.truncate(37);
    let mut req = request("", WalkGoal::Matches, 100, None);
    req.sort = Some(LocalSort::Scopes);
    req.order = Order::Desc;
    // Fewer kept than matched: the walk cuts as it goes, and keeps the first 37.
    req.keep = 37;
    let events = run(&mut h, 1, req, None).await;
    let w = walked(&events);
    assert_eq!(w.progress.matches, 800, "the count is every match");
    let got: Vec<String> = w.matches.iter().map(|s| s.id.clone()).collect();
    assert_eq!(got, want);
}
