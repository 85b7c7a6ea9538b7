//! Reading the next page early lists what the plain walk lists, through faults.

use crate::harness::client::fast_config;
use crate::harness::emulator::{config, start};
use authtop::authn::model::{SessionListRequest, SessionListResult};
use authtop::authn::{Client, ListScope, PageError, Response, RetryPolicy};
use authtop::emulator::Faults;
use futures::StreamExt;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_early_walk_lists_what_the_plain_walk_lists_through_faults() {
    let mut emu_config = config(
        20,
        230,
        Faults {
            error_rate: 0.2,
            throttle_rate: 0.1,
            async_rate: 0.2,
            ..Faults::default()
        },
    );
    emu_config.seed = 3;
    let emu = start(emu_config).await;
    let mut client_config = fast_config(emu.base_url(), emu.service_token(), 10);
    client_config.retry = RetryPolicy {
        max_attempts: 10,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(4),
        throttled_free: 32,
    };
    client_config.poll_deadline = Duration::from_secs(10);
    let client = Client::new(client_config).unwrap();
    let req = SessionListRequest {
        size: Some(9),
        ..SessionListRequest::default()
    };
    let plain: Vec<_> = client
        .pages(ListScope::Service, req.clone())
        .collect()
        .await;
    let ahead: Vec<_> = client.pages_ahead(ListScope::Service, req).collect().await;
    let (plain, ahead) = (ids(plain), ids(ahead));
    assert_eq!(plain.len(), 230);
    assert_eq!(plain, ahead);
    emu.shutdown().await;
}

fn ids(pages: Vec<Result<Response<SessionListResult>, PageError>>) -> Vec<String> {
    pages
        .into_iter()
        .flat_map(|p| {
            p.expect("a page failed through retryable faults")
                .result
                .sessions
        })
        .map(|s| s.id)
        .collect()
}
