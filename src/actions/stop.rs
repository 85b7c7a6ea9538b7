//! Stopping a run: the signals that ask for it, why a run stopped, and the stop request
//! a run shares with whoever may stop it (signal handler, UI).

use std::sync::{Arc, PoisonError};
use tokio_util::sync::CancellationToken;

/// A signal that asks a run to stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sig {
    /// Ctrl-C.
    Int,
    /// `kill`, `timeout`, CI runners.
    Term,
    /// The terminal went away.
    Hup,
}

impl Sig {
    /// `SIGINT` …
    pub fn name(self) -> &'static str {
        match self {
            Sig::Int => "SIGINT",
            Sig::Term => "SIGTERM",
            Sig::Hup => "SIGHUP",
        }
    }

    /// The conventional exit status: 128 + the signal number.
    pub fn exit_code(self) -> u8 {
        match self {
            Sig::Int => 130,
            Sig::Term => 143,
            Sig::Hup => 129,
        }
    }
}

/// Why a run stopped before every target was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StopReason {
    /// A signal (SIGINT, SIGTERM, SIGHUP) asked the process to stop.
    Signal(Sig),
    /// An audit line could not be written: nothing more is sent without a record.
    AuditFailed(String),
    /// The caller cancelled (the TUI quitting).
    Cancelled,
    /// `--deadline` passed: what was in flight ended as unknown, the rest was not sent.
    Deadline(std::time::Duration),
    /// This many transport failures in a row: the server looks unreachable.
    Breaker {
        /// Failures in a row.
        failures: u32,
        /// The last of them.
        last: String,
    },
}

impl std::fmt::Display for StopReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StopReason::Signal(s) => write!(f, "interrupted by {}", s.name()),
            StopReason::AuditFailed(e) => write!(f, "the audit log could not be written: {e}"),
            StopReason::Cancelled => f.write_str("cancelled"),
            StopReason::Deadline(d) => write!(f, "the run's deadline of {d:?} passed"),
            StopReason::Breaker { failures, last } => write!(
                f,
                "{failures} transport failures in a row, the server looks unreachable (last: {last})"
            ),
        }
    }
}

/// A stop request shared by a run and whoever may stop it (signal handler, UI).
#[derive(Debug, Clone, Default)]
pub struct Stop {
    token: CancellationToken,
    hurry: CancellationToken,
    reason: Arc<std::sync::Mutex<Option<StopReason>>>,
}

impl Stop {
    /// A stop nobody has asked for yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks the run to stop dispatching; the first reason wins.
    pub fn stop(&self, reason: StopReason) {
        {
            let mut r = self.reason.lock().unwrap_or_else(PoisonError::into_inner);
            r.get_or_insert(reason);
        }
        self.token.cancel();
    }

    /// Why it was asked to stop, if it was.
    pub fn reason(&self) -> Option<StopReason> {
        self.reason
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Resolves once a stop is asked for.
    pub async fn stopped(&self) {
        self.token.cancelled().await;
    }

    /// Stops (if not stopped yet) and waits no longer for requests in flight: they end
    /// at once as `unknown`, each with its outcome line.
    pub fn hurry(&self, reason: StopReason) {
        self.stop(reason);
        self.hurry.cancel();
    }

    /// Whether [`Stop::hurry`] was asked for.
    pub fn hurried(&self) -> bool {
        self.hurry.is_cancelled()
    }

    /// Resolves once [`Stop::hurry`] is asked for.
    pub async fn hurried_wait(&self) {
        self.hurry.cancelled().await;
    }
}
