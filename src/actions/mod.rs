//! Every destructive action, once: invalidate one or many sessions, log users out, the
//! client invalidate and logout. Guards on the blast radius, an intent audit line before
//! each request and an outcome line after, a stop on the first failed audit write or on
//! a signal. The CLI and the TUI worker are thin callers that watch [`Progress`]; nothing
//! here knows about terminals.

pub mod guard;
pub mod refresh;
pub mod signals;
pub mod stop;

use crate::audit::{AuditAction, AuditOutcome, AuditRecord, AuditSink, Operator, Phase};
use crate::authn::{Acted, Call, Client, Error, Secret};
use futures::StreamExt;
use futures::stream::FuturesUnordered;
use serde::Serialize;
use std::sync::Arc;
use std::time::Duration;
pub use stop::{Stop, StopReason};

/// What to do to each target.
#[derive(Debug, Clone)]
pub enum Op {
    /// `/v2/session/invalidate` on each session id.
    SessionInvalidate,
    /// `/v2/session/logout` on each user id.
    SessionLogout,
    /// `/v2/client/session/invalidate` with this user token on each session id.
    ClientInvalidate(Secret),
    /// `/v2/client/session/logout` with this user token (one target: its owner).
    ClientLogout(Secret),
}

impl Op {
    /// The audit action.
    pub fn action(&self) -> AuditAction {
        match self {
            Op::SessionInvalidate => AuditAction::SessionInvalidate,
            Op::SessionLogout => AuditAction::SessionLogout,
            Op::ClientInvalidate(_) => AuditAction::ClientInvalidate,
            Op::ClientLogout(_) => AuditAction::ClientLogout,
        }
    }

    fn call<'a>(&'a self, target: &'a str) -> Call<'a> {
        match self {
            Op::SessionInvalidate => Call::SessionInvalidate { session_id: target },
            Op::SessionLogout => Call::SessionLogout { user_id: target },
            Op::ClientInvalidate(token) => Call::ClientSessionInvalidate {
                token,
                session_id: target,
            },
            Op::ClientLogout(token) => Call::ClientSessionLogout { token },
        }
    }
}

/// One thing acted on: a session or a user, with its owner when known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Target {
    /// Session id or user id.
    pub id: String,
    /// The user it belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity: Option<String>,
    /// That user's email.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

impl Target {
    /// A target known only by id.
    pub fn id(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            identity: None,
            email: None,
        }
    }
}

/// How one target ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Ended now.
    Done,
    /// An earlier attempt got no answer; the retry found it gone, so that attempt ended it.
    ConfirmedByRetry,
    /// The server does not know it (a typo, someone else ended it, or, for the client
    /// endpoints, another user's session).
    NotFound,
    /// Refused or failed.
    Failed(Error),
    /// Sent, but the run stopped before an answer came: it may or may not have happened.
    Unknown,
    /// Never sent.
    NotAttempted,
}

impl Outcome {
    /// The audit outcome.
    pub fn audit(&self) -> AuditOutcome {
        match self {
            Outcome::Done => AuditOutcome::Ok,
            Outcome::ConfirmedByRetry => AuditOutcome::OkConfirmedByRetry,
            Outcome::NotFound => AuditOutcome::NotFound,
            Outcome::Failed(_) => AuditOutcome::Failed,
            Outcome::Unknown => AuditOutcome::Unknown,
            Outcome::NotAttempted => AuditOutcome::NotAttempted,
        }
    }

    /// The server ended the target (now, or by the unanswered earlier attempt).
    pub fn ended(&self) -> bool {
        matches!(self, Outcome::Done | Outcome::ConfirmedByRetry)
    }
}

/// One target's result.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// The target.
    pub target: Target,
    /// How it ended.
    pub outcome: Outcome,
    /// The Pangea request id of the final answer, when there is one.
    pub request_id: Option<String>,
}

impl Item {
    /// Why it did not simply succeed, for people.
    pub fn reason(&self) -> Option<String> {
        match &self.outcome {
            Outcome::Failed(e) => Some(e.to_string()),
            Outcome::ConfirmedByRetry => {
                Some("an earlier attempt got no answer; the retry found it already ended".into())
            }
            Outcome::Unknown => {
                Some("sent, but no answer came before the run stopped; it may have ended".into())
            }
            Outcome::NotAttempted => Some("not sent: the run stopped first".into()),
            Outcome::NotFound | Outcome::Done => None,
        }
    }
}

/// What the engine reports while it runs.
#[derive(Debug, Clone, PartialEq)]
pub enum Progress {
    /// The intent line is written and the request is on its way.
    Sent(Target),
    /// One target finished (its outcome line is written, or failed to be).
    Finished {
        /// The result.
        item: Item,
        /// Targets finished so far.
        finished: usize,
        /// Targets in the run.
        total: usize,
    },
    /// Dispatching stopped; in-flight requests are still awaited.
    Stopping(StopReason),
}

/// Everything that happened in one run.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// What was done.
    pub action: AuditAction,
    /// The run id written on every audit line.
    pub run_id: String,
    /// One item per target: finished ones in completion order, then the ones never sent.
    pub items: Vec<Item>,
    /// Why the run stopped early, if it did.
    pub stopped: Option<StopReason>,
}

impl Report {
    /// Targets with this kind of outcome.
    pub fn count(&self, f: impl Fn(&Outcome) -> bool) -> usize {
        self.items.iter().filter(|i| f(&i.outcome)).count()
    }

    /// Ids of the targets never sent.
    pub fn not_attempted(&self) -> Vec<&str> {
        self.items
            .iter()
            .filter(|i| i.outcome == Outcome::NotAttempted)
            .map(|i| i.target.id.as_str())
            .collect()
    }
}

/// Who, where and why: the fields every audit line of a run shares.
#[derive(Debug, Clone)]
pub struct RunInfo {
    /// The run id.
    pub run_id: String,
    /// OS user and host.
    pub operator: Operator,
    /// Profile name.
    pub profile: String,
    /// The query a bulk run acted on.
    pub query: Option<String>,
    /// When the walk that found the targets finished (RFC 3339).
    pub walked_at: Option<String>,
}

impl RunInfo {
    /// A fresh run id for this process's operator and `profile`.
    pub fn new(profile: impl Into<String>, query: Option<String>) -> Self {
        Self {
            run_id: new_run_id(),
            operator: Operator::current(),
            profile: profile.into(),
            query,
            walked_at: None,
        }
    }

    /// The same run, recording when the walk that found its targets finished.
    #[must_use]
    pub fn walked_at(mut self, at: Option<String>) -> Self {
        self.walked_at = at;
        self
    }
}

/// `run_` and 16 random hex digits.
pub fn new_run_id() -> String {
    format!("run_{:016x}", fastrand::u64(..))
}

/// The engine: a client, an audit sink and the concurrency to act at.
#[derive(Debug, Clone)]
pub struct Engine {
    client: Client,
    audit: Arc<dyn AuditSink>,
    concurrency: usize,
    /// How long in-flight requests may still take once a stop is asked for.
    grace: Duration,
}

impl Engine {
    /// An engine acting through `client`, recording to `audit`, `concurrency` at a time.
    /// In-flight requests get the client's whole retry budget to finish after a stop.
    pub fn new(client: Client, audit: Arc<dyn AuditSink>, concurrency: usize) -> Self {
        let cfg = client.config();
        let attempts = cfg.retry.max_attempts.max(1);
        let grace = (cfg.connect_timeout + cfg.request_timeout + cfg.retry.max_delay)
            .saturating_mul(attempts)
            + cfg.poll_deadline;
        Self {
            client,
            audit,
            concurrency: concurrency.max(1),
            grace,
        }
    }

    /// The same engine, giving in-flight requests at most `grace` after a stop.
    #[must_use]
    pub fn with_grace(mut self, grace: Duration) -> Self {
        self.grace = grace;
        self
    }

    /// The client it acts through.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Acts on every target (duplicates once), `concurrency` at a time, until done or
    /// stopped. Each request is preceded by an intent line and followed by an outcome
    /// line; a failed write stops the run and the rest are reported not attempted.
    pub async fn run(
        &self,
        op: &Op,
        info: &RunInfo,
        targets: Vec<Target>,
        stop: &Stop,
        mut on: impl FnMut(&Progress),
    ) -> Report {
        let mut seen = std::collections::HashSet::new();
        let targets: Vec<Target> = targets
            .into_iter()
            .filter(|t| seen.insert(t.id.clone()))
            .collect();
        let total = targets.len();
        let mut queue = targets.into_iter();
        let mut items = Vec::with_capacity(total);
        let mut in_flight = FuturesUnordered::new();
        let mut flying = std::collections::HashMap::new();
        let mut announced = false;
        let mut deadline: Option<std::pin::Pin<Box<tokio::time::Sleep>>> = None;
        loop {
            while stop.reason().is_none() && in_flight.len() < self.concurrency {
                let Some(target) = queue.next() else { break };
                if let Err(e) = self.write(op, info, &target, Phase::Intent, None) {
                    stop.stop(StopReason::AuditFailed(self.audit_error(&e)));
                    items.push(not_attempted(target));
                    break;
                }
                on(&Progress::Sent(target.clone()));
                flying.insert(target.id.clone(), target.clone());
                let client = self.client.clone();
                let op = op.clone();
                in_flight.push(async move {
                    let acted = client.act(op.call(&target.id)).await;
                    (target, acted)
                });
            }
            if let Some(reason) = stop.reason()
                && !announced
            {
                announced = true;
                on(&Progress::Stopping(reason));
                deadline = Some(Box::pin(tokio::time::sleep(self.grace)));
            }
            if in_flight.is_empty() {
                if stop.reason().is_some() || queue.len() == 0 {
                    break;
                }
                continue;
            }
            let finished: Vec<Item> = tokio::select! {
                Some((target, acted)) = in_flight.next() => {
                    flying.remove(&target.id);
                    vec![classify(op, target, acted)]
                }
                () = stop.stopped(), if !announced => Vec::new(),
                () = async {
                    if let Some(d) = deadline.as_mut() {
                        d.await;
                    }
                }, if deadline.is_some() => {
                    // The grace is over: what is still in flight ends as unknown.
                    in_flight = FuturesUnordered::new();
                    let mut left: Vec<Target> = std::mem::take(&mut flying).into_values().collect();
                    left.sort_by(|a, b| a.id.cmp(&b.id));
                    left.into_iter()
                        .map(|target| Item { target, outcome: Outcome::Unknown, request_id: None })
                        .collect()
                }
            };
            for item in finished {
                if let Err(e) = self.write(op, info, &item.target, Phase::Outcome, Some(&item)) {
                    stop.stop(StopReason::AuditFailed(self.audit_error(&e)));
                }
                items.push(item);
                on(&Progress::Finished {
                    item: items[items.len() - 1].clone(),
                    finished: items.len(),
                    total,
                });
            }
        }
        items.extend(queue.map(not_attempted));
        Report {
            action: op.action(),
            run_id: info.run_id.clone(),
            items,
            stopped: stop.reason(),
        }
    }

    fn audit_error(&self, e: &std::io::Error) -> String {
        format!("{}: {e}", self.audit.describe())
    }

    fn write(
        &self,
        op: &Op,
        info: &RunInfo,
        target: &Target,
        phase: Phase,
        item: Option<&Item>,
    ) -> std::io::Result<()> {
        self.audit.append(&AuditRecord {
            time: jiff::Timestamp::now().to_string(),
            run_id: info.run_id.clone(),
            phase,
            operator: info.operator.clone(),
            profile: info.profile.clone(),
            host: self.client.host().to_string(),
            action: op.action(),
            target: target.id.clone(),
            identity: target.identity.clone(),
            email: target.email.clone(),
            query: info.query.clone(),
            walked_at: info.walked_at.clone(),
            outcome: item.map(|i| i.outcome.audit()),
            reason: item.and_then(Item::reason),
            request_id: item.and_then(|i| i.request_id.clone()),
        })
    }
}

fn not_attempted(target: Target) -> Item {
    Item {
        target,
        outcome: Outcome::NotAttempted,
        request_id: None,
    }
}

/// The outcome of one answer.
fn classify(op: &Op, target: Target, acted: Acted) -> Item {
    let (outcome, request_id) = match acted.result {
        Ok(resp) => (Outcome::Done, Some(resp.request_id)),
        Err(e) if e.is_not_found() => {
            let rid = e.request_id().map(str::to_owned);
            // A client invalidate answers NotFound for another user's session too, so
            // even after a lost answer it cannot be taken as done.
            if acted.unanswered_before && !matches!(op, Op::ClientInvalidate(_)) {
                (Outcome::ConfirmedByRetry, rid)
            } else {
                (Outcome::NotFound, rid)
            }
        }
        Err(e) => {
            let rid = e.request_id().map(str::to_owned);
            (Outcome::Failed(e), rid)
        }
    };
    Item {
        target,
        outcome,
        request_id,
    }
}
