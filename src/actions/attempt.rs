//! One target's attempts in a run: what each answer means (done, worth another attempt,
//! or given up on) and what bounds a whole run beyond the client's per-call limits.

use super::outcome::{Item, Outcome, Target};
use super::pace;
use crate::authn::{Acted, Error, TransportKind, is_retryable_status};
use std::time::{Duration, Instant};

/// What bounds a whole run beyond the per-call limits of the client.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    /// Stop dispatching this long after the run starts (`--deadline`).
    pub deadline: Option<Duration>,
    /// Stop dispatching after this many transport failures in a row (0: never).
    pub breaker: u32,
    /// Longest a server's `Retry-After` is honoured.
    pub retry_after_cap: Duration,
}

/// Transport failures in a row that stop a run by default.
pub const DEFAULT_BREAKER: u32 = 10;

/// Times one target may be throttled (429) before it is reported failed: throttling
/// costs time, not targets, but a server that throttles one target forever must not
/// hold the run forever either.
pub const MAX_THROTTLED: u32 = 64;

impl Default for Limits {
    fn default() -> Self {
        Self {
            deadline: None,
            breaker: DEFAULT_BREAKER,
            retry_after_cap: pace::DEFAULT_RETRY_AFTER_CAP,
        }
    }
}

/// A target on its way: how often it was tried and what its attempts told.
#[derive(Debug)]
pub(super) struct Pending {
    pub(super) target: Target,
    /// Attempts sent.
    pub(super) tries: u32,
    /// Attempts answered with 429.
    pub(super) throttled: u32,
    /// An attempt was sent and no answer came: the server may have acted on it.
    pub(super) unanswered: bool,
    /// The last attempt's failure.
    pub(super) last: Option<Error>,
    /// Not to be sent again before this.
    pub(super) not_before: Option<Instant>,
}

impl Pending {
    pub(super) fn new(target: Target) -> Self {
        Self {
            target,
            tries: 0,
            throttled: 0,
            unanswered: false,
            last: None,
            not_before: None,
        }
    }

    /// How it ends when it is tried no more: unknown when an attempt may have reached
    /// the server unanswered, else failed with the last reason, else (no attempt ever
    /// ended) not attempted.
    pub(super) fn give_up(self) -> Item {
        let request_id = self
            .last
            .as_ref()
            .and_then(|e| e.request_id().map(str::to_owned));
        let outcome = match self.last {
            _ if self.unanswered => Outcome::Unknown,
            Some(e) => Outcome::Failed(e),
            // Only a target whose attempt failed waits to be tried again, so this is not
            // reached; were it, nothing of it reached the server, and a made-up error would
            // say otherwise.
            None => Outcome::NotAttempted,
        };
        Item {
            target: self.target,
            outcome,
            request_id,
        }
    }
}

/// What one attempt says about its target.
pub(super) enum Verdict {
    /// The target's outcome.
    Final(Item),
    /// Worth another attempt.
    Again {
        error: Error,
        /// 429: costs time, not one of the target's attempts.
        throttled: bool,
        /// No usable exchange (counts toward the breaker).
        transport: bool,
        /// Sent and not answered.
        unanswered: bool,
    },
}

/// What one attempt's answer means for its target.
/// `client_invalidate`: the call was a client invalidate, whose `NotFound` also means
/// "another user's session".
pub(super) fn verdict(client_invalidate: bool, p: &Pending, acted: Acted) -> Verdict {
    let unanswered_now = acted.unanswered_before;
    let e = match acted.result {
        Ok(resp) => {
            return Verdict::Final(Item {
                target: p.target.clone(),
                outcome: Outcome::Done,
                request_id: Some(resp.request_id),
            });
        }
        Err(e) => e,
    };
    let again = |error, throttled, transport, unanswered| Verdict::Again {
        error,
        throttled,
        transport,
        unanswered,
    };
    match &e {
        _ if e.is_not_found() => {
            let request_id = e.request_id().map(str::to_owned);
            // A client invalidate answers NotFound for another user's session too, so
            // even after a lost answer it cannot be taken as done.
            let outcome = if (p.unanswered || unanswered_now) && !client_invalidate {
                Outcome::ConfirmedByRetry
            } else {
                Outcome::NotFound
            };
            Verdict::Final(Item {
                target: p.target.clone(),
                outcome,
                request_id,
            })
        }
        Error::Api(a) if a.http_status == 429 => again(e, true, false, false),
        Error::Api(a) if is_retryable_status(a.http_status) => again(e, false, false, false),
        Error::Decode { http_status, .. } if is_retryable_status(*http_status) => {
            again(e, false, false, false)
        }
        Error::Transport { kind, .. } if !kind.is_permanent() => {
            let unanswered = *kind != TransportKind::Connect;
            again(e, false, true, unanswered)
        }
        // Accepted and never completed in time: the server has it, the outcome is open.
        Error::Pending { .. } => again(e, false, false, true),
        _ => {
            let request_id = e.request_id().map(str::to_owned);
            Verdict::Final(Item {
                target: p.target.clone(),
                outcome: Outcome::Failed(e),
                request_id,
            })
        }
    }
}
