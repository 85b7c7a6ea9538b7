//! The async worker: owns the AuthN client, the user's tokens and the audit log, runs
//! every [`Command`] in its own task and answers with [`Event`]s. It never sees UI state.

use crate::actions::refresh::{RefreshError, refresh_and_save};
use crate::actions::{self, Engine, Op, RunInfo, Stop, Target};
use crate::audit::AuditLog;
use crate::authn::model::{SessionListRequest, Timestamp};
use crate::authn::{Client, Secret};
use crate::tui::command::{
    Command, CommandId, Event, EventKind, Failure, ItemOutcome, ListQuery, ListSource, Outcome,
    Page, RefreshRecord,
};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tokio::sync::mpsc;
use tokio::task::{JoinHandle, JoinSet};

mod export;
mod ops;
mod pulse;
mod walk;

/// Everything the worker owns.
pub struct WorkerContext {
    /// The AuthN client (service token as bearer).
    pub client: Client,
    /// Profile name, for audit records.
    pub profile: String,
    /// The user's active token, for the client endpoints.
    pub user_token: Option<Secret>,
    /// The refresh token of the same session.
    pub refresh_token: Option<Secret>,
    /// Where the token pair is kept; rewritten after every refresh.
    pub token_file: Option<PathBuf>,
    /// Where destructive actions are recorded.
    pub audit: Arc<AuditLog>,
    /// Bulk invalidations in flight at once (at least 1).
    pub concurrency: usize,
    /// Pages in flight at most in a walk that needs no order (at least 1).
    pub walk_window: usize,
}

/// The UI's ends of a running worker.
pub struct WorkerHandle {
    /// Where commands go.
    pub commands: mpsc::UnboundedSender<Command>,
    /// Where events come from, at most [`EVENT_CAPACITY`] waiting; closes once the
    /// worker has stopped.
    pub events: mpsc::Receiver<Event>,
    /// The dispatcher; ends after a [`Command::Shutdown`] once in-flight work is over.
    pub join: JoinHandle<()>,
    /// What every destructive run of this worker did.
    pub ledger: Arc<actions::ledger::Ledger>,
}

/// Events waiting for the UI at most. Past this a command's progress coalesces (the
/// latest wins) and its terminal event waits its turn: a bulk of a million sessions
/// holds no million events in memory, and no outcome is ever dropped.
pub const EVENT_CAPACITY: usize = 256;

tokio::task_local! {
    /// The command a task runs and where its events go, for [`retry_hook`].
    static REPORT: (CommandId, mpsc::Sender<Event>);
}

/// A client retry hook that reports each retry as [`EventKind::Retrying`] of the
/// command whose task made the call (calls outside a command task are not reported).
pub fn retry_hook() -> crate::authn::RetryHook {
    Arc::new(|notice: &crate::authn::RetryNotice| {
        // A retry notice is news only until the next one or the outcome: while the UI
        // is behind it is left out rather than waited for.
        let _ = REPORT.try_with(|(id, tx)| {
            let _ = tx.try_send(Event {
                id: *id,
                kind: EventKind::Retrying {
                    reason: notice.reason.clone(),
                    attempt: notice.next_attempt,
                    of: notice.max_attempts,
                    wait: notice.wait,
                },
            });
        });
    })
}

/// Starts the worker on the current tokio runtime.
pub fn spawn(ctx: WorkerContext) -> WorkerHandle {
    let (cmd_tx, cmd_rx) = mpsc::unbounded_channel();
    let (event_tx, event_rx) = mpsc::channel(EVENT_CAPACITY);
    let shared = Arc::new(Shared::new(ctx));
    let ledger = Arc::clone(&shared.ledger);
    let join = tokio::spawn(dispatch(shared, cmd_rx, event_tx));
    WorkerHandle {
        commands: cmd_tx,
        events: event_rx,
        join,
        ledger,
    }
}

/// The token state every client call reads; replaced as a whole by a refresh.
struct Tokens {
    user: Option<Secret>,
    refresh: Option<Secret>,
    /// Id of the current active token, once a check or a refresh has told us.
    active_id: Option<String>,
}

struct Shared {
    client: Client,
    profile: String,
    tokens: Mutex<Tokens>,
    /// Refreshes run one at a time: a second one with the same refresh token would race
    /// the first and could leave the file and memory holding different pairs.
    refresh_gate: tokio::sync::Mutex<()>,
    token_file: Option<PathBuf>,
    engine: Engine,
    /// Pages in flight at most in a walk that needs no order.
    walk_window: usize,
    /// Where the audit log is, so lists of ids not attempted go beside it.
    audit_path: PathBuf,
    /// Every destructive run and what it did, for the summary at exit.
    ledger: Arc<actions::ledger::Ledger>,
    /// The stop of each destructive run in progress.
    runs: Mutex<std::collections::HashMap<u64, Stop>>,
    /// Cancellation of each walk in flight, by command id.
    walks: Mutex<std::collections::HashMap<CommandId, tokio_util::sync::CancellationToken>>,
    /// Owner and email of sessions seen in lists, so audit lines can name them.
    owners: Mutex<std::collections::HashMap<String, (String, String)>>,
}

/// Sessions whose owners are remembered; past this the memory starts over.
const OWNERS_KEPT: usize = 200_000;

/// Sessions shown in the act-on-query dialog.
const SAMPLE: usize = 5;

/// Sends a command's events; if dropped before [`Reply::finish`] (task aborted or
/// panicked), sends [`EventKind::Cancelled`], so every command ends exactly once.
struct Reply {
    id: CommandId,
    tx: mpsc::Sender<Event>,
    /// The latest progress the full channel did not take; the next one replaces it.
    held: Mutex<Option<EventKind>>,
    finished: bool,
}

impl Reply {
    fn new(id: CommandId, tx: mpsc::Sender<Event>) -> Self {
        Self {
            id,
            tx,
            held: Mutex::new(None),
            finished: false,
        }
    }

    /// Reports progress without waiting: when the UI is behind, the latest progress
    /// is held and replaces any older one still held.
    fn progress(&self, kind: EventKind) {
        let mut held = self
            .held
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match self.tx.try_send(Event { id: self.id, kind }) {
            Ok(()) => *held = None,
            Err(mpsc::error::TrySendError::Full(event)) => *held = Some(event.kind),
            // A closed channel means the UI is gone; there is no one left to tell.
            Err(mpsc::error::TrySendError::Closed(_)) => {}
        }
    }

    /// Sends the progress still held, then the one terminal event, waiting for room.
    async fn finish(mut self, kind: EventKind) {
        let held = self
            .held
            .get_mut()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        if let Some(progress) = held {
            let _ = self
                .tx
                .send(Event {
                    id: self.id,
                    kind: progress,
                })
                .await;
        }
        // Marked finished only once sent: a task aborted while it waits for room still
        // ends its command, as cancelled, from `drop`.
        if self.tx.send(Event { id: self.id, kind }).await.is_ok() {
            self.finished = true;
        }
    }
}

impl Drop for Reply {
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        tracing::info!(id = self.id, "command cancelled");
        let event = Event {
            id: self.id,
            kind: EventKind::Cancelled,
        };
        // Drop cannot wait: when the channel is full the terminal event is handed to a
        // task that waits for room, so it is delayed, never lost.
        if let Err(mpsc::error::TrySendError::Full(event)) = self.tx.try_send(event)
            && let Ok(runtime) = tokio::runtime::Handle::try_current()
        {
            let tx = self.tx.clone();
            runtime.spawn(async move {
                let _ = tx.send(event).await;
            });
        }
    }
}

async fn dispatch(
    shared: Arc<Shared>,
    mut rx: mpsc::UnboundedReceiver<Command>,
    tx: mpsc::Sender<Event>,
) {
    let mut tasks = JoinSet::new();
    // Destructive commands apart: a forced shutdown hurries them instead of aborting
    // them, so each still writes its outcome lines and reports.
    let mut acts = JoinSet::new();
    let mut accepting = true;
    loop {
        if !accepting && tasks.is_empty() && acts.is_empty() {
            break;
        }
        tokio::select! {
            cmd = rx.recv() => match cmd {
                None => accepting = false,
                Some(Command::Shutdown { force }) => {
                    tracing::info!(force, in_flight = tasks.len() + acts.len(), "shutdown requested");
                    accepting = false;
                    if force {
                        shared.hurry_runs();
                        tasks.abort_all();
                    }
                }
                Some(Command::CancelWalk { walk }) => shared.cancel_walk(walk),
                Some(cmd) => {
                    let Some(id) = cmd.id() else { continue };
                    if let Command::Walk { .. } = cmd {
                        // Registered before the task starts, so a cancel sent at once finds it.
                        shared.start_walk(id);
                    }
                    let reply = Reply::new(id, tx.clone());
                    if accepting {
                        let report = (id, tx.clone());
                        let set = if destructive(&cmd) { &mut acts } else { &mut tasks };
                        set.spawn(REPORT.scope(report, run_command(Arc::clone(&shared), cmd, reply)));
                    } else {
                        tracing::info!(id, command = name(&cmd), "refused: shutting down");
                        // Dropping the reply answers Cancelled.
                        drop(reply);
                    }
                }
            },
            Some(joined) = tasks.join_next(), if !tasks.is_empty() => {
                if let Err(e) = joined
                    && e.is_panic()
                {
                    tracing::error!("a command task panicked");
                }
            }
            Some(joined) = acts.join_next(), if !acts.is_empty() => {
                if let Err(e) = joined
                    && e.is_panic()
                {
                    tracing::error!("a destructive command task panicked");
                }
            }
        }
    }
    tracing::info!("worker stopped");
}

/// Commands that go through the action engine.
fn destructive(cmd: &Command) -> bool {
    matches!(
        cmd,
        Command::Invalidate { .. }
            | Command::Logout { .. }
            | Command::BulkInvalidate { .. }
            | Command::ClientLogout { .. }
    )
}

fn name(cmd: &Command) -> &'static str {
    match cmd {
        Command::List { .. } => "list",
        Command::Invalidate { .. } => "invalidate",
        Command::Logout { .. } => "logout",
        Command::BulkInvalidate { .. } => "bulk_invalidate",
        Command::ClientLogout { .. } => "client_logout",
        Command::Census { .. } => "census",
        Command::UserScope { .. } => "user_scope",
        Command::Refresh { .. } => "refresh",
        Command::TokenCheck { .. } => "token_check",
        Command::Walk { .. } => "walk",
        Command::MatchPage { .. } => "match_page",
        Command::Pulse { .. } => "pulse",
        Command::CancelWalk { .. } => "cancel_walk",
        Command::Shutdown { .. } => "shutdown",
    }
}

async fn run_command(shared: Arc<Shared>, cmd: Command, reply: Reply) {
    let started = Instant::now();
    let id = reply.id;
    let command = name(&cmd);
    tracing::info!(id, command, "command started");
    let result = match cmd {
        Command::List {
            generation,
            source,
            query,
            ..
        } => shared.list(generation, source, query).await,
        Command::Invalidate {
            source, session_id, ..
        } => shared.invalidate(source, session_id).await,
        Command::Logout { user_id, .. } => shared.logout(user_id).await,
        Command::BulkInvalidate {
            session_ids,
            query,
            walked_at,
            ..
        } => {
            shared
                .bulk_invalidate(session_ids, query, walked_at, &reply)
                .await
        }
        Command::Census { set, .. } => match shared.census(*set).await {
            Ok(Some(outcome)) => Ok(outcome),
            Ok(None) => {
                tracing::info!(id, command, "census cancelled");
                reply.finish(EventKind::Cancelled).await;
                return;
            }
            Err(e) => Err(e),
        },
        Command::UserScope { user_id, .. } => shared.user_scope(user_id).await,
        Command::ClientLogout { .. } => shared.client_logout().await,
        Command::Refresh { .. } => shared.refresh().await,
        Command::TokenCheck { .. } => shared.token_check().await,
        Command::Walk { walk, .. } => match shared.walk(id, *walk, &reply).await {
            Ok(Some(outcome)) => Ok(outcome),
            Ok(None) => {
                tracing::info!(id, command, "walk cancelled");
                reply.finish(EventKind::Cancelled).await;
                return;
            }
            Err(e) => Err(e),
        },
        Command::MatchPage { page, .. } => shared.match_page(*page).await,
        Command::Pulse { request, pages, .. } => shared.pulse(*request, pages).await,
        Command::Shutdown { .. } | Command::CancelWalk { .. } => return,
    };
    let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    match result {
        Ok(outcome) => {
            tracing::info!(id, command, elapsed_ms, "command done");
            reply.finish(EventKind::Done(outcome)).await;
        }
        Err(error) => {
            tracing::warn!(id, command, elapsed_ms, %error, "command failed");
            reply.finish(EventKind::Failed(error)).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_aborted_task_still_ends_its_command() {
        let (tx, mut rx) = mpsc::channel(EVENT_CAPACITY);
        let reply = Reply::new(7, tx);
        let task = tokio::spawn(async move {
            let _reply = reply;
            std::future::pending::<()>().await;
        });
        task.abort();
        let event = rx.recv().await.unwrap();
        assert_eq!(event.id, 7);
        assert_eq!(event.kind, EventKind::Cancelled);
        assert!(rx.recv().await.is_none(), "exactly one terminal event");
    }

    #[tokio::test]
    async fn a_finished_reply_sends_nothing_more() {
        let (tx, mut rx) = mpsc::channel(EVENT_CAPACITY);
        let reply = Reply::new(3, tx);
        reply.progress(EventKind::Progress {
            session_id: "pmt_a".into(),
            outcome: ItemOutcome::Done,
            finished: 1,
            total: 1,
        });
        reply.finish(EventKind::Failed(Failure::NoUserToken)).await;
        let kinds: Vec<_> = std::iter::from_fn(|| rx.try_recv().ok()).collect();
        assert_eq!(kinds.len(), 2);
        assert!(!kinds[0].is_terminal());
        assert!(kinds[1].is_terminal());
    }

    fn item(finished: usize, total: usize) -> EventKind {
        EventKind::Progress {
            session_id: format!("pmt_{finished}"),
            outcome: ItemOutcome::Done,
            finished,
            total,
        }
    }

    #[tokio::test]
    async fn progress_coalesces_behind_a_slow_reader_and_the_outcome_still_arrives() {
        let (tx, mut rx) = mpsc::channel(4);
        let reply = Reply::new(9, tx);
        let total = 10_000;
        for n in 1..=total {
            reply.progress(item(n, total));
        }
        let reader = tokio::spawn(async move {
            let mut seen = Vec::new();
            while let Some(event) = rx.recv().await {
                seen.push(event);
            }
            seen
        });
        reply.finish(EventKind::Cancelled).await;
        let seen = reader.await.unwrap();
        assert!(
            seen.len() <= 6,
            "{} events queued for 10,000 items",
            seen.len()
        );
        let terminal: Vec<_> = seen.iter().filter(|e| e.is_terminal()).collect();
        assert_eq!(terminal.len(), 1, "exactly one outcome");
        assert!(seen.last().unwrap().is_terminal(), "the outcome comes last");
        let last_progress = seen.iter().rev().find_map(|e| match e.kind {
            EventKind::Progress { finished, .. } => Some(finished),
            _ => None,
        });
        assert_eq!(last_progress, Some(total), "progress reaches the total");
    }

    #[tokio::test]
    async fn a_reply_dropped_on_a_full_channel_still_ends_its_command() {
        let (tx, mut rx) = mpsc::channel(1);
        let reply = Reply::new(4, tx);
        reply.progress(item(1, 2));
        drop(reply);
        let first = rx.recv().await.unwrap();
        assert!(!first.is_terminal());
        let second = rx.recv().await.unwrap();
        assert_eq!(second.kind, EventKind::Cancelled);
        assert!(rx.recv().await.is_none(), "exactly one terminal event");
    }
}
