//! Servers that are slow, silent or restarted: every call still ends, with an error that
//! says what happened, and a page walk cut by a restart resumes without loss or repeats.
//!
//! The outer `tokio::time::timeout`s are guards only (ten times the configured timeout):
//! without the client's own timeout these tests would hang; no duration is asserted.

use crate::harness::client::fast_config;
use crate::harness::server::{Reply, Seen, Server, envelope, fixture};
use authtop::authn::model::SessionListRequest;
use authtop::authn::{Client, ClientConfig, Error, ListScope, Secret, TransportKind};
use futures::StreamExt;
use serde_json::{Value, json};
use std::collections::HashSet;
use std::future::Future;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const SERVICE: &str = "pts_rutd5xfk2uj4fl3fcmceh26ecb7opuoj";
const REFRESH: &str = "ptr_qjjksb5mrmddagqz2h3aafkgbs6agqef";

fn config(base: &str, timeout: Duration, attempts: u32) -> ClientConfig {
    let mut c = fast_config(base, Secret::new(SERVICE), attempts);
    c.request_timeout = timeout;
    c
}

/// Awaits `f`, failing the test if it has not ended after `limit`.
async fn ends_within<T>(limit: Duration, f: impl Future<Output = T>) -> T {
    tokio::time::timeout(limit, f)
        .await
        .unwrap_or_else(|_| panic!("the call was still running after {limit:?}"))
}

/// The call timed out after `attempts` attempts and its message names the timeout.
fn assert_timed_out(err: &Error, timeout: Duration, attempts: u32) {
    match err {
        Error::Transport {
            kind: TransportKind::Timeout,
            attempts: n,
            message,
            ..
        } => {
            assert_eq!(*n, attempts, "{err}");
            assert!(message.contains(&format!("{timeout:?}")), "{message}");
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    let shown = err.to_string();
    assert!(shown.contains("Timeout"), "{shown}");
    assert!(shown.contains(&format!("{timeout:?}")), "{shown}");
}

/// A listener that accepts connections and then neither reads nor writes.
async fn silent_listener() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            held.push(stream);
        }
    });
    base
}

/// A listener that reads a request, then writes `bytes` (head included) one byte per `every`.
async fn trickling_listener(bytes: Vec<u8>, every: Duration) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let bytes = bytes.clone();
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                if stream.read(&mut request).await.is_err() {
                    return;
                }
                for b in bytes {
                    if stream.write_all(&[b]).await.is_err() {
                        return;
                    }
                    tokio::time::sleep(every).await;
                }
            });
        }
    });
    base
}

// ---------------------------------------------------------------- silence

#[tokio::test]
async fn a_server_that_reads_the_request_and_never_answers_times_out() {
    let timeout = Duration::from_millis(500);
    let server = Server::start(|_, _| Reply::Hang).await;
    let client = Client::new(config(&server.base, timeout, 1)).unwrap();
    let err = ends_within(
        timeout * 10,
        client.session_list(&SessionListRequest::default()),
    )
    .await
    .unwrap_err();
    assert_timed_out(&err, timeout, 1);
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn a_server_that_accepts_and_never_reads_times_out() {
    let timeout = Duration::from_millis(500);
    let base = silent_listener().await;
    let client = Client::new(config(&base, timeout, 1)).unwrap();
    let err = ends_within(timeout * 10, client.session_logout("pui_x"))
        .await
        .unwrap_err();
    assert_timed_out(&err, timeout, 1);
}

#[tokio::test]
async fn a_silent_server_is_retried_for_a_list_but_never_for_a_refresh() {
    let timeout = Duration::from_millis(300);
    let server = Server::start(|_, _| Reply::Hang).await;
    let client = Client::new(config(&server.base, timeout, 2)).unwrap();
    let err = ends_within(
        timeout * 20,
        client.session_list(&SessionListRequest::default()),
    )
    .await
    .unwrap_err();
    assert_timed_out(&err, timeout, 2);
    assert_eq!(server.seen().len(), 2);

    let err = ends_within(
        timeout * 10,
        client.client_session_refresh(&Secret::new(REFRESH), None),
    )
    .await
    .unwrap_err();
    assert_timed_out(&err, timeout, 1);
    assert_eq!(server.seen().len(), 3, "the refresh was sent once");
    assert!(!err.to_string().contains(&REFRESH[..12]));
}

// ---------------------------------------------------------------- one byte a second

#[tokio::test]
async fn a_body_arriving_one_byte_a_second_times_out() {
    let timeout = Duration::from_millis(1500);
    let server = Server::start(|_, _| Reply::Trickle {
        status: 200,
        body: fixture("session_list.response.json"),
        every: Duration::from_secs(1),
    })
    .await;
    let client = Client::new(config(&server.base, timeout, 1)).unwrap();
    let err = ends_within(
        timeout * 10,
        client.session_list(&SessionListRequest::default()),
    )
    .await
    .unwrap_err();
    assert_timed_out(&err, timeout, 1);
}

#[tokio::test]
async fn a_status_line_arriving_one_byte_a_second_times_out() {
    let timeout = Duration::from_millis(1500);
    let body = fixture("session_logout.response.json");
    let mut bytes = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    bytes.extend(body);
    let base = trickling_listener(bytes, Duration::from_secs(1)).await;
    let client = Client::new(config(&base, timeout, 1)).unwrap();
    let err = ends_within(timeout * 10, client.session_logout("pui_x"))
        .await
        .unwrap_err();
    assert_timed_out(&err, timeout, 1);
}

#[tokio::test]
async fn a_slow_answer_inside_the_timeout_succeeds() {
    // The same trickle, fast enough: the timeout covers the whole answer, not each byte.
    let server = Server::start(|_, _| Reply::Trickle {
        status: 200,
        body: fixture("session_logout.response.json"),
        every: Duration::from_millis(1),
    })
    .await;
    let client = Client::new(config(&server.base, Duration::from_secs(10), 1)).unwrap();
    let r = ends_within(Duration::from_secs(100), client.session_logout("pui_x"))
        .await
        .unwrap();
    assert_eq!(r.summary, "User sessions logged out");
}

// ---------------------------------------------------------------- restart mid-walk

const SESSIONS: usize = 10;
const PAGE: usize = 3;

fn id(n: usize) -> String {
    format!("pmt_{n:02}")
}

/// Ten sessions served three a page; the cursor `cN` means "from session N".
fn listing(_: usize, seen: &Seen) -> Reply {
    let from = seen.json()["last"]
        .as_str()
        .and_then(|c| c.strip_prefix('c'))
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(0);
    let to = (from + PAGE).min(SESSIONS);
    let template: Value = serde_json::from_slice(&fixture("session_list.response.json")).unwrap();
    let sessions: Vec<Value> = (from..to)
        .map(|n| {
            let mut s = template["result"]["sessions"][0].clone();
            s["id"] = json!(id(n));
            s
        })
        .collect();
    let last = if to < SESSIONS {
        format!("c{to}")
    } else {
        String::new()
    };
    Reply::json(
        200,
        envelope(
            "Success",
            "prq_page",
            "Listed",
            json!({"sessions": sessions, "last": last}),
        ),
    )
}

#[tokio::test]
async fn a_walk_cut_by_a_restart_resumes_from_the_failed_page_without_loss_or_repeats() {
    let first = Server::start(listing).await;
    let client = Client::new(config(&first.base, Duration::from_secs(5), 2)).unwrap();
    let start = SessionListRequest {
        size: Some(u32::try_from(PAGE).unwrap()),
        ..Default::default()
    };
    let mut walk = Box::pin(client.pages(ListScope::Service, start.clone()));
    let mut ids = Vec::new();
    let mut cursor = None;
    for _ in 0..2 {
        let page = walk.next().await.unwrap().unwrap();
        ids.extend(page.result.sessions.iter().map(|s| s.id.clone()));
        cursor = page.result.last.clone();
    }
    first.stop().await;

    let failed = ends_within(Duration::from_secs(30), walk.next())
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(
        failed.resume_from, cursor,
        "the cursor of the page that failed"
    );
    assert!(
        matches!(
            failed.error,
            Error::Transport {
                kind: TransportKind::Connect,
                attempts: 2,
                ..
            }
        ),
        "{:?}",
        failed.error
    );
    assert!(walk.next().await.is_none(), "a failed walk ends");

    let second = Server::start_on(first.addr, listing).await;
    let resume = SessionListRequest {
        last: failed.resume_from.clone(),
        ..start
    };
    let rest: Vec<_> = ends_within(
        Duration::from_secs(30),
        client.pages(ListScope::Service, resume).collect::<Vec<_>>(),
    )
    .await;
    for page in rest {
        let page = page.unwrap();
        ids.extend(page.result.sessions.iter().map(|s| s.id.clone()));
    }
    let all: Vec<String> = (0..SESSIONS).map(id).collect();
    assert_eq!(ids, all, "every session once, in order");
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), SESSIONS);
    let seen = second.seen();
    assert_eq!(seen[0].json()["last"], json!(cursor.unwrap()));
    assert!(seen.iter().all(|s| s.json()["size"] == PAGE));
}
