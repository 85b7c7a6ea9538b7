//! Every destructive action, once: invalidate one or many sessions, log users out, the
//! client invalidate and logout. Guards on the blast radius, an intent audit line before
//! each request and an outcome line after, a stop on the first failed audit write or on
//! a signal. The CLI and the TUI worker are thin callers that watch [`Progress`]; nothing
//! here knows about terminals.

mod attempt;
pub mod guard;
pub mod ledger;
mod outcome;
pub mod refresh;
pub mod signals;
pub mod stop;

use crate::audit::{AuditAction, AuditRecord, AuditSink, Operator, Phase};
use crate::authn::{Call, Client, Error, Secret};
pub use attempt::{DEFAULT_BREAKER, Limits, MAX_THROTTLED};
use attempt::{Pending, Verdict, verdict};
use futures::StreamExt;
use futures::stream::FuturesUnordered;
pub use outcome::{Item, Outcome, Target};
use pace::{Feedback, Pace, PaceConfig};
/// Pacing lives with the client: anything sending many requests to one server uses it.
pub use pangea_authn::pace;
use std::sync::Arc;
use std::time::{Duration, Instant};
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
    /// The profile in force, if one was.
    pub profile: Option<String>,
    /// The query a bulk run acted on.
    pub query: Option<String>,
    /// When the walk that found the targets finished (RFC 3339).
    pub walked_at: Option<String>,
}

impl RunInfo {
    /// A fresh run id for this process's operator and `profile` (the one in force).
    pub fn new(profile: Option<String>, query: Option<String>) -> Self {
        Self {
            run_id: new_run_id(),
            operator: Operator::current(),
            profile,
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
    /// The same client making each call once: the engine retries, paced for the run.
    once: Client,
    audit: Arc<dyn AuditSink>,
    concurrency: usize,
    /// How long in-flight requests may still take once a stop is asked for.
    grace: Duration,
    limits: Limits,
}

impl Engine {
    /// An engine acting through `client`, recording to `audit`, `concurrency` at a time.
    /// In-flight requests get one attempt's whole time to finish after a stop.
    pub fn new(client: Client, audit: Arc<dyn AuditSink>, concurrency: usize) -> Self {
        let cfg = client.config();
        let grace = cfg.connect_timeout + cfg.request_timeout + cfg.poll_deadline;
        Self {
            once: client.single_attempt(),
            client,
            audit,
            concurrency: concurrency.max(1),
            grace,
            limits: Limits::default(),
        }
    }

    /// The same engine under these run limits.
    #[must_use]
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The client it acts through.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Acts on every target (duplicates once), paced (at most `concurrency` at a time,
    /// fewer while the server slows down), until done or stopped. Each target gets an
    /// intent line before its first request and an outcome line once settled; a failed
    /// write stops the run and the rest are reported not attempted.
    #[expect(
        clippy::too_many_lines,
        reason = "one scheduling loop: admitting, retrying, stopping and settling share the queue, the in-flight set and the pace, and read best in one place"
    )]
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
        let started = Instant::now();
        let run_deadline = self.limits.deadline.map(|d| (started + d, d));
        let retry = &self.client.config().retry;
        let mut pace_config = PaceConfig::new(self.concurrency);
        pace_config.retry_after_cap = self.limits.retry_after_cap;
        pace_config.base_pause = retry.base_delay;
        pace_config.max_pause = retry.max_delay;
        let pace = Pace::new(pace_config);
        let attempts = retry.attempts();
        let mut queue: std::collections::VecDeque<Pending> =
            targets.into_iter().map(Pending::new).collect();
        let mut waiting: Vec<Pending> = Vec::new();
        let mut items = Vec::with_capacity(total);
        let mut in_flight = FuturesUnordered::new();
        let mut flying: std::collections::HashMap<String, Pending> =
            std::collections::HashMap::new();
        let mut transport_in_a_row = 0u32;
        let mut announced = false;
        let mut grace: Option<std::pin::Pin<Box<tokio::time::Sleep>>> = None;
        loop {
            let now = Instant::now();
            while stop.reason().is_none()
                && in_flight.len() < pace.window()
                && pace.not_before(now).is_none()
            {
                let due = waiting
                    .iter()
                    .position(|p| p.not_before.is_none_or(|t| t <= now));
                let Some(mut p) = due
                    .map(|i| waiting.swap_remove(i))
                    .or_else(|| queue.pop_front())
                else {
                    break;
                };
                if p.tries == 0 {
                    if let Err(e) = self.write(op, info, &p.target, Phase::Intent, None) {
                        stop.stop(StopReason::AuditFailed(self.audit_error(&e)));
                        queue.push_front(p);
                        break;
                    }
                    on(&Progress::Sent(p.target.clone()));
                }
                p.tries += 1;
                let ticket = pace.ticket();
                let client = self.once.clone();
                let op = op.clone();
                let id = p.target.id.clone();
                flying.insert(id.clone(), p);
                in_flight.push(async move {
                    let acted = client.act(op.call(&id)).await;
                    (id, ticket, acted)
                });
            }
            if let Some(reason) = stop.reason()
                && !announced
            {
                announced = true;
                on(&Progress::Stopping(reason));
                let wait = if stop.hurried() {
                    Duration::ZERO
                } else {
                    self.grace
                };
                grace = Some(Box::pin(tokio::time::sleep(wait)));
            }
            if in_flight.is_empty()
                && (stop.reason().is_some() || (queue.is_empty() && waiting.is_empty()))
            {
                break;
            }
            // The next time something may be sent without an answer arriving first.
            let wake = if stop.reason().is_some() {
                None
            } else {
                let retry = waiting.iter().filter_map(|p| p.not_before).min();
                let paused = pace.not_before(now);
                match (retry, paused) {
                    (Some(r), Some(p)) => Some(r.max(p)),
                    (r, p) => r.or(p).or_else(|| {
                        (in_flight.len() < pace.window() && !queue.is_empty()).then_some(now)
                    }),
                }
            };
            let finished: Vec<Item> = tokio::select! {
                Some((id, ticket, acted)) = in_flight.next() => {
                    let Some(mut p) = flying.remove(&id) else { continue };
                    let now = Instant::now();
                    match verdict(matches!(op, Op::ClientInvalidate(_)), &p, acted) {
                        Verdict::Final(item) => {
                            pace.report(ticket, Feedback::Answered, now);
                            transport_in_a_row = 0;
                            vec![item]
                        }
                        Verdict::Again { error, throttled, transport, unanswered } => {
                            let feedback = if throttled {
                                Feedback::Throttled { retry_after: error.retry_after() }
                            } else {
                                Feedback::Strained
                            };
                            pace.report(ticket, feedback, now);
                            if transport {
                                transport_in_a_row += 1;
                                if self.limits.breaker > 0 && transport_in_a_row >= self.limits.breaker {
                                    stop.stop(StopReason::Breaker {
                                        failures: transport_in_a_row,
                                        last: error.to_string(),
                                    });
                                }
                            } else {
                                transport_in_a_row = 0;
                            }
                            p.unanswered |= unanswered;
                            p.throttled += u32::from(throttled);
                            p.last = Some(error);
                            let spent = if throttled {
                                p.throttled >= MAX_THROTTLED
                            } else {
                                p.tries - p.throttled >= attempts
                            };
                            if spent || stop.reason().is_some() {
                                vec![p.give_up()]
                            } else {
                                let own = retry.backoff((p.tries - p.throttled).saturating_sub(1));
                                let wait = pace.retry_wait(p.last.as_ref().and_then(Error::retry_after), own);
                                p.not_before = Some(now + wait);
                                waiting.push(p);
                                Vec::new()
                            }
                        }
                    }
                }
                () = stop.stopped(), if !announced => Vec::new(),
                () = stop.hurried_wait(), if announced && !stop.hurried() => Vec::new(),
                () = async {
                    if let Some(d) = grace.as_mut() {
                        d.await;
                    }
                }, if grace.is_some() && !in_flight.is_empty() => {
                    // The grace is over: what is still in flight ends as unknown.
                    in_flight = FuturesUnordered::new();
                    let mut left: Vec<Pending> = std::mem::take(&mut flying).into_values().collect();
                    left.sort_by(|a, b| a.target.id.cmp(&b.target.id));
                    left.into_iter()
                        .map(|p| Item { target: p.target, outcome: Outcome::Unknown, request_id: None })
                        .collect()
                }
                () = async {
                    if let Some(w) = wake {
                        tokio::time::sleep_until(w.into()).await;
                    }
                }, if wake.is_some() => Vec::new(),
                () = async {
                    if let Some((at, _)) = run_deadline {
                        tokio::time::sleep_until(at.into()).await;
                    }
                }, if run_deadline.is_some() && stop.reason().is_none() => {
                    if let Some((_, d)) = run_deadline {
                        stop.hurry(StopReason::Deadline(d));
                    }
                    Vec::new()
                }
            };
            if stop.hurried() && grace.is_some() && !in_flight.is_empty() {
                // Hurried after the grace started: it ends now.
                grace = Some(Box::pin(tokio::time::sleep(Duration::ZERO)));
            }
            let mut finished = finished;
            if stop.reason().is_some() {
                // Targets waiting for a retry were sent: they end with what they got.
                finished.extend(waiting.drain(..).map(Pending::give_up));
            }
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
        items.extend(queue.into_iter().map(|p| not_attempted(p.target)));
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
