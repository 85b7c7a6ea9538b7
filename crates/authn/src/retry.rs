//! When to retry and how long to wait (spec 6.2, plus 429 and connection failures).

use super::error::{Error, TransportKind};
use std::sync::Arc;
use std::time::Duration;

/// How retries back off (spec 6.2, plus 429 and connection failures for idempotent calls).
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// Delay before the first retry; doubles each time.
    pub base_delay: Duration,
    /// Cap on one delay (also caps a server's Retry-After).
    pub max_delay: Duration,
    /// Throttled (429) answers a call may wait out without spending an attempt, within its
    /// whole-call budget: a throttling server makes a walk slower, never failed. Only
    /// calls that may retry at all (`max_attempts` above 1) use them.
    pub throttled_free: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
            throttled_free: 32,
        }
    }
}

/// A retry about to be made, for a caller that shows retries in progress.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryNotice {
    /// The path called.
    pub path: String,
    /// Why: the HTTP status (`429`) or the transport failure (`timeout`).
    pub reason: String,
    /// The attempt about to be made (2 for the first retry).
    pub next_attempt: u32,
    /// Attempts in all.
    pub max_attempts: u32,
    /// The wait before it.
    pub wait: Duration,
}

/// Called before each retry.
pub type RetryHook = Arc<dyn Fn(&RetryNotice) + Send + Sync>;

/// HTTP codes worth another attempt of an idempotent call.
pub fn is_retryable_status(status: u16) -> bool {
    matches!(status, 429 | 500 | 502 | 503 | 504)
}

/// Whether a transport failure may be retried. A call that is not idempotent is retried
/// only when the connection was never made, so the server cannot have seen it.
pub(crate) fn is_retryable_error(error: &Error, idempotent: bool) -> bool {
    match error {
        Error::Transport { kind, .. } if kind.is_permanent() => false,
        Error::Transport { kind, .. } => idempotent || *kind == TransportKind::Connect,
        _ => false,
    }
}

impl RetryPolicy {
    /// Attempts in all, never fewer than one.
    pub fn attempts(&self) -> u32 {
        self.max_attempts.max(1)
    }

    /// Wait before retry `n` (0 for the first): `base * 2^n` capped at `max_delay`, minus
    /// up to 25 % jitter so many clients do not retry in step.
    pub fn backoff(&self, n: u32) -> Duration {
        let full = self
            .base_delay
            .saturating_mul(2u32.saturating_pow(n.min(31)))
            .min(self.max_delay);
        full.mul_f64(1.0 - 0.25 * fastrand::f64())
    }

    /// Wait before retry `n`, honouring a server's `Retry-After` (capped at `max_delay`).
    pub fn delay(&self, n: u32, retry_after: Option<Duration>) -> Duration {
        match retry_after {
            Some(d) => d.min(self.max_delay),
            None => self.backoff(n),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_within_the_cap_and_jitter() {
        let p = RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(350),
            throttled_free: 0,
        };
        for (n, full) in [(0, 100), (1, 200), (2, 350), (9, 350), (40, 350)] {
            let d = p.backoff(n);
            let full = Duration::from_millis(full);
            assert!(d <= full && d >= full.mul_f64(0.75), "{n}: {d:?}");
        }
        assert_eq!(
            p.delay(0, Some(Duration::from_secs(60))),
            Duration::from_millis(350)
        );
        assert_eq!(p.delay(0, Some(Duration::ZERO)), Duration::ZERO);
    }

    #[test]
    fn refresh_retries_only_connect_failures() {
        let t = |kind| Error::Transport {
            kind,
            host: "h".into(),
            message: String::new(),
            attempts: 1,
        };
        assert!(is_retryable_error(&t(TransportKind::Connect), false));
        assert!(!is_retryable_error(&t(TransportKind::Closed), false));
        assert!(!is_retryable_error(&t(TransportKind::Timeout), false));
        assert!(is_retryable_error(&t(TransportKind::Timeout), true));
        assert!(!is_retryable_error(&Error::Config(String::new()), true));
        for permanent in [
            TransportKind::Certificate,
            TransportKind::Dns,
            TransportKind::Redirect,
        ] {
            assert!(!is_retryable_error(&t(permanent), true));
        }
    }
}
