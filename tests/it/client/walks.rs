//! A walk split by login time against the emulator: the sessions of a sequential walk,
//! each once, while sessions come and go and while the server throttles; and in the
//! sequential walk's order when the walk hands its pages on in login-time order.

use crate::harness::client::fast_client;
use crate::harness::emulator::{config, start};
use authtop::actions::pace::Pace;
use authtop::authn::model::{Filter, Order, OrderBy, SessionListRequest, SessionListResult};
use authtop::authn::partition::walk_pace;
use authtop::authn::{Client, ListScope, PageError, Response};
use authtop::emulator::faults::RETRY_AFTER_SECS;
use authtop::emulator::{Faults, RunningEmulator};
use futures::StreamExt;
use std::collections::{BTreeSet, HashSet};
use std::time::Duration;

fn request(filter: Filter, size: u32) -> SessionListRequest {
    SessionListRequest {
        filter: (!filter.is_empty()).then_some(filter),
        last: None,
        order: Some(Order::Desc),
        order_by: Some(OrderBy::CreatedAt),
        size: Some(size),
    }
}

/// The ids of every page a walk hands on, in the order it hands them on.
async fn ids<S>(pages: S, what: &str) -> Vec<String>
where
    S: futures::Stream<Item = Result<Response<SessionListResult>, PageError>>,
{
    let pages: Vec<_> = pages.collect().await;
    pages
        .into_iter()
        .flat_map(|p| {
            p.unwrap_or_else(|e| panic!("{what}: a page failed: {}", e.error))
                .result
                .sessions
        })
        .map(|s| s.id)
        .collect()
}

async fn sequential(client: &Client, req: SessionListRequest) -> Vec<String> {
    ids(client.pages(ListScope::Service, req), "sequential").await
}

async fn partitioned(client: &Client, req: SessionListRequest) -> Vec<String> {
    ids(
        client.partitioned_pages(ListScope::Service, req, 8),
        "partitioned",
    )
    .await
}

fn once(ids: &[String]) -> BTreeSet<String> {
    let set: BTreeSet<String> = ids.iter().cloned().collect();
    assert_eq!(set.len(), ids.len(), "a session was listed twice");
    set
}

/// `split` holds every session a sequential walk listed both before and after it, and
/// none that neither listed: a seeded session may expire while the walks run.
fn lists_the_live(
    before: &BTreeSet<String>,
    split: &BTreeSet<String>,
    after: &BTreeSet<String>,
    what: &str,
) {
    let kept: BTreeSet<&String> = before.intersection(after).collect();
    assert!(
        kept.len() * 10 > before.len() * 9,
        "{what}: most sessions outlive the walks"
    );
    let missed: Vec<_> = kept.iter().filter(|id| !split.contains(**id)).collect();
    assert!(
        missed.is_empty(),
        "{what}: sessions live throughout were missed: {missed:?}"
    );
    let invented: Vec<_> = split
        .iter()
        .filter(|id| !before.contains(*id) && !after.contains(*id))
        .collect();
    assert!(
        invented.is_empty(),
        "{what}: sessions no walk saw were listed: {invented:?}"
    );
}

/// A filter on login time between the 20th and the 70th percentile of the seeded sessions.
async fn middle(client: &Client) -> Filter {
    let all: Vec<_> = client
        .pages(ListScope::Service, request(Filter::default(), 1000))
        .collect()
        .await;
    let mut times: Vec<_> = all
        .into_iter()
        .flat_map(|p| p.unwrap().result.sessions)
        .map(|s| s.created_at)
        .collect();
    times.sort();
    let mut f = Filter::default();
    let at = |q: usize| serde_json::Value::String(times[times.len() * q / 100].to_string());
    f.0.insert("created_at__gte".into(), at(20));
    f.0.insert("created_at__lt".into(), at(70));
    f.0.insert("type__in".into(), serde_json::json!(["session", "user"]));
    f
}

async fn emulator(faults: Faults) -> (RunningEmulator, Client) {
    let emu = start(config(60, 3_000, faults)).await;
    let client = fast_client(emu.base_url(), emu.service_token(), 20);
    (emu, client)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_split_walk_lists_what_a_sequential_walk_lists_with_and_without_time_terms() {
    let (emu, client) = emulator(Faults::default()).await;
    for filter in [Filter::default(), middle(&client).await] {
        for size in [1000, 40] {
            let req = request(filter.clone(), size);
            let seq = once(&sequential(&client, req.clone()).await);
            let split = once(&partitioned(&client, req.clone()).await);
            assert!(!seq.is_empty());
            let after = once(&sequential(&client, req).await);
            lists_the_live(
                &seq,
                &split,
                &after,
                &format!("filter {filter:?}, pages of {size}"),
            );
        }
    }
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_split_walk_lists_each_session_once_while_sessions_come_and_go() {
    let (emu, client) = emulator(Faults::default()).await;
    let req = request(Filter::default(), 40);
    let before = once(&sequential(&client, req.clone()).await);
    emu.start_logins(400.0).unwrap();
    // Sessions ended while the walk runs: every fifth of the seeded ones.
    let ended: BTreeSet<String> = before.iter().step_by(5).cloned().collect();
    let walk = partitioned(&client, req.clone());
    let ending = async {
        for id in &ended {
            emu.delete_session(id);
            tokio::task::yield_now().await;
        }
    };
    let (split, ()) = futures::join!(walk, ending);
    let split = once(&split);
    let after = once(&sequential(&client, req).await);
    // Everything live from start to end is listed; nothing that never existed is. Live
    // throughout: listed before and after (a seeded session may also expire meanwhile).
    let kept: BTreeSet<String> = before.intersection(&after).cloned().collect();
    assert!(kept.len() * 10 > (before.len() - ended.len()) * 9);
    assert!(kept.is_disjoint(&ended));
    assert!(
        kept.is_subset(&split),
        "a session live throughout was missed"
    );
    let ever: BTreeSet<String> = before.union(&after).cloned().collect();
    assert!(
        split.is_subset(&ever),
        "a session listed that never existed"
    );
    assert!(after.len() > kept.len(), "no login arrived during the walk");
    emu.shutdown().await;
}

/// A split walk under `pace`, which the caller keeps to read how the walk was paced.
async fn paced(client: &Client, req: SessionListRequest, pace: Pace) -> Vec<String> {
    ids(client.paced_pages(ListScope::Service, req, pace), "paced").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_split_walk_under_thirty_percent_throttling_narrows_its_window_and_lists_the_same_sessions()
 {
    let (emu, client) = emulator(Faults::default()).await;
    let req = request(Filter::default(), 100);
    let seq = once(&sequential(&client, req.clone()).await);
    let calm = walk_pace(&client, 8);
    assert_eq!(once(&paced(&client, req.clone(), calm.clone()).await), seq);
    let record = calm.record();
    assert_eq!(
        (record.throttled, record.narrowest),
        (0, 8),
        "a server that never throttles leaves the window whole: {record:?}"
    );
    emu.set_faults(Faults {
        throttle_rate: 0.3,
        ..Faults::default()
    })
    .unwrap();
    let pace = walk_pace(&client, 8);
    let split = once(&paced(&client, req.clone(), pace.clone()).await);
    // A seeded session may expire while a throttled walk waits out its Retry-Afters: the
    // walk must list every session live before and after it, and nothing else.
    emu.set_faults(Faults::default()).unwrap();
    let after = once(&sequential(&client, req).await);
    lists_the_live(&seq, &split, &after, "30% throttling");
    let record = pace.record();
    assert!(record.throttled > 0, "no 429 reached the pace: {record:?}");
    assert!(
        record.narrowest < 8,
        "the window did not narrow on 429s: {record:?}"
    );
    assert_eq!(
        record.longest_retry_after,
        Some(Duration::from_secs(RETRY_AFTER_SECS)),
        "the server's Retry-After did not reach the pace"
    );
    emu.shutdown().await;
}

fn ordered_request(filter: Filter, size: u32, order: Order) -> SessionListRequest {
    SessionListRequest {
        order: Some(order),
        ..request(filter, size)
    }
}

async fn ordered(client: &Client, req: SessionListRequest, window: usize) -> Vec<String> {
    ids(
        client.ordered_pages(ListScope::Service, req, window),
        "ordered",
    )
    .await
}

/// The sessions `walk` and `seq` both list come in the same order in each.
fn in_the_same_order(seq: &[String], walk: &[String], what: &str) {
    let in_walk: HashSet<&String> = walk.iter().collect();
    let in_seq: HashSet<&String> = seq.iter().collect();
    let a: Vec<&String> = seq.iter().filter(|id| in_walk.contains(id)).collect();
    let b: Vec<&String> = walk.iter().filter(|id| in_seq.contains(id)).collect();
    let first = a.iter().zip(&b).position(|(x, y)| x != y);
    assert!(
        first.is_none(),
        "{what}: out of the sequential walk's order from position {first:?} of {}",
        a.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ordered_split_walk_lists_what_a_sequential_walk_lists_in_its_order() {
    let (emu, client) = emulator(Faults::default()).await;
    for filter in [Filter::default(), middle(&client).await] {
        for order in [Order::Desc, Order::Asc] {
            // Pages of 40 make slices of several pages, which the walk cuts as it goes;
            // a window of 2 makes the lanes behind the first wait for room.
            for (size, window) in [(1000, 8), (40, 8), (40, 2)] {
                let req = ordered_request(filter.clone(), size, order);
                let seq = sequential(&client, req.clone()).await;
                let walk = ordered(&client, req.clone(), window).await;
                let after = sequential(&client, req).await;
                let what =
                    format!("filter {filter:?}, {order:?}, pages of {size}, window {window}");
                lists_the_live(&once(&seq), &once(&walk), &once(&after), &what);
                in_the_same_order(&seq, &walk, &what);
            }
        }
    }
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ordered_split_walk_keeps_its_order_while_sessions_come_and_go_and_under_throttling() {
    let (emu, client) = emulator(Faults::default()).await;
    let req = ordered_request(Filter::default(), 40, Order::Desc);
    let before = sequential(&client, req.clone()).await;
    emu.start_logins(400.0).unwrap();
    let ended: BTreeSet<String> = before.iter().step_by(5).cloned().collect();
    let walk = ordered(&client, req.clone(), 8);
    let ending = async {
        for id in &ended {
            emu.delete_session(id);
            tokio::task::yield_now().await;
        }
    };
    let (walk, ()) = futures::join!(walk, ending);
    let listed = once(&walk);
    let after = sequential(&client, req.clone()).await;
    // Live throughout: listed before and after (a seeded session may also expire meanwhile).
    let kept: BTreeSet<String> = once(&before).intersection(&once(&after)).cloned().collect();
    assert!(kept.len() * 10 > (before.len() - ended.len()) * 9);
    assert!(kept.is_disjoint(&ended));
    assert!(
        kept.is_subset(&listed),
        "a session live throughout was missed"
    );
    let ever: BTreeSet<String> = once(&before).union(&once(&after)).cloned().collect();
    assert!(
        listed.is_subset(&ever),
        "a session listed that never existed"
    );
    in_the_same_order(&before, &walk, "sessions ending");
    in_the_same_order(&after, &walk, "logins arriving");

    let seq = sequential(&client, req.clone()).await;
    emu.set_faults(Faults {
        throttle_rate: 0.3,
        ..Faults::default()
    })
    .unwrap();
    let walk = ordered(&client, req.clone(), 8).await;
    emu.set_faults(Faults::default()).unwrap();
    let after = sequential(&client, req).await;
    lists_the_live(
        &once(&seq),
        &once(&walk),
        &once(&after),
        "30% throttling, ordered",
    );
    in_the_same_order(&after, &walk, "30% throttling, ordered");
    emu.shutdown().await;
}
