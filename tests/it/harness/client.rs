//! An AuthN client that gives up or retries quickly, so a failing server fails the test fast.

use authtop::authn::{Client, ClientConfig, RetryPolicy, Secret};
use std::time::Duration;

/// A config for `base` with `token`: `attempts` attempts 5 to 20 ms apart, 2 s to connect,
/// 5 s per request and 3 s for a deferred (202) answer. Callers adjust single fields.
pub(crate) fn fast_config(base: impl Into<String>, token: Secret, attempts: u32) -> ClientConfig {
    let mut c = ClientConfig::new(base, token);
    c.retry = RetryPolicy {
        max_attempts: attempts,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
        throttled_free: 32,
    };
    c.connect_timeout = Duration::from_secs(2);
    c.request_timeout = Duration::from_secs(5);
    c.poll_deadline = Duration::from_secs(3);
    c
}

/// A client built from [`fast_config`].
pub(crate) fn fast_client(base: impl Into<String>, token: Secret, attempts: u32) -> Client {
    Client::new(fast_config(base, token, attempts)).unwrap()
}
