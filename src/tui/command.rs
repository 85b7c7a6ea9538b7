//! The two message enums at the worker boundary, and what the run loop feeds `App::update`.
//!
//! The UI sends [`Command`]s; the worker answers each with any number of
//! [`EventKind::Progress`] events and then exactly one terminal event
//! ([`EventKind::Done`], [`EventKind::Failed`] or [`EventKind::Cancelled`]).
//! Token values never cross this boundary: the worker owns them, the UI sees ids and expiries.

use crate::authn::model::{Filter, Order, OrderBy, Session, Timestamp, TokenInfo};
use crate::investigate::insights::{Expiring, RiskBreakdown};
use crate::investigate::{Anchor, Progress, UserRow};
use crate::query::Query;
use ratatui::crossterm::event::KeyEvent;
use std::time::Duration;

pub use super::failure::Failure;

/// Identifies one command and every event about it.
pub type CommandId = u64;

/// Which list a table shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ListSource {
    /// Every session of the project (service token).
    Sessions,
    /// The sessions of the user whose token the TUI holds (client endpoints).
    MySessions,
}

/// One page request.
#[derive(Debug, Clone, PartialEq)]
pub struct ListQuery {
    /// Compiled server-side filter.
    pub filter: Filter,
    /// Column.
    pub order_by: OrderBy,
    /// Direction.
    pub order: Order,
    /// Page size.
    pub size: u32,
    /// Cursor of the page (None: first page).
    pub cursor: Option<String>,
}

/// Work for the worker. What the run loop does itself is an [`Effect`].
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Fetch one page; `generation` lets the app drop results it no longer wants.
    List {
        /// Command id.
        id: CommandId,
        /// Latest-wins generation of the table.
        generation: u64,
        /// Which list.
        source: ListSource,
        /// What to fetch.
        query: ListQuery,
    },
    /// End one session (service invalidate, or client invalidate for [`ListSource::MySessions`]).
    Invalidate {
        /// Command id.
        id: CommandId,
        /// Which endpoint family.
        source: ListSource,
        /// The session.
        session_id: String,
    },
    /// End every session of a user (service logout).
    Logout {
        /// Command id.
        id: CommandId,
        /// `pui_…`.
        user_id: String,
    },
    /// End many sessions at bounded concurrency, reporting progress per session.
    BulkInvalidate {
        /// Command id.
        id: CommandId,
        /// The sessions.
        session_ids: Vec<String>,
        /// The query they matched, for the audit log (None: marked rows).
        query: Option<String>,
        /// When the walk that found them finished (RFC 3339), for the audit log.
        walked_at: Option<String>,
    },
    /// Count everything a query matches (server count, distinct users, a sample), for
    /// the act-on-query dialog.
    Census {
        /// Command id.
        id: CommandId,
        /// The table's result set (never blank: the app refuses that first).
        set: Box<crate::results::ResultSet>,
    },
    /// How many sessions a user has in all, for the log-out dialog.
    UserScope {
        /// Command id.
        id: CommandId,
        /// `pui_…`.
        user_id: String,
    },
    /// Log out the session the TUI's user token belongs to.
    ClientLogout {
        /// Command id.
        id: CommandId,
    },
    /// Refresh the user token now.
    Refresh {
        /// Command id.
        id: CommandId,
    },
    /// Look up the user token (expiry, identity).
    TokenCheck {
        /// Command id.
        id: CommandId,
    },
    /// Walk every page the query's server part matches, applying its local terms; reports
    /// [`EventKind::Walking`] after each page and ends in [`Outcome::Walked`].
    Walk {
        /// Command id.
        id: CommandId,
        /// What to walk and what to keep.
        walk: Box<WalkRequest>,
    },
    /// Fetch one display page of a finished walk's local matches again, from its anchor;
    /// ends in [`Outcome::MatchPage`].
    MatchPage {
        /// Command id.
        id: CommandId,
        /// Which page, from where.
        page: Box<MatchPageRequest>,
    },
    /// Poll for new logins: the pages of `request` (the Pulses tab's tail builds it), at
    /// most `pages` of them; ends in [`Outcome::Pulsed`].
    Pulse {
        /// Command id.
        id: CommandId,
        /// The first page's request: logins created since the newest seen, oldest first.
        request: Box<crate::authn::model::SessionListRequest>,
        /// Pages read at most.
        pages: usize,
    },
    /// Stop a walk in flight; the walk itself answers (Cancelled), this has no answer.
    CancelWalk {
        /// The walk's command id.
        walk: CommandId,
    },
    /// Stop after in-flight work (or at once when `force`); sent by the TUI's owner when
    /// the loop has ended, never by the app.
    Shutdown {
        /// Abandon in-flight work.
        force: bool,
    },
}

impl Command {
    /// The id of a command that the worker answers; None for [`Command::Shutdown`].
    pub fn id(&self) -> Option<CommandId> {
        match self {
            Command::List { id, .. }
            | Command::Invalidate { id, .. }
            | Command::Logout { id, .. }
            | Command::BulkInvalidate { id, .. }
            | Command::Census { id, .. }
            | Command::UserScope { id, .. }
            | Command::ClientLogout { id }
            | Command::Refresh { id }
            | Command::TokenCheck { id }
            | Command::Walk { id, .. }
            | Command::MatchPage { id, .. }
            | Command::Pulse { id, .. } => Some(*id),
            Command::Shutdown { .. } | Command::CancelWalk { .. } => None,
        }
    }

    /// True for actions that change server state (audited, waited for on quit).
    pub fn is_destructive(&self) -> bool {
        matches!(
            self,
            Command::Invalidate { .. }
                | Command::Logout { .. }
                | Command::BulkInvalidate { .. }
                | Command::ClientLogout { .. }
        )
    }
}

/// What the run loop does itself, apart from the worker's [`Command`]s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Copy text to the terminal clipboard (OSC 52).
    Clipboard(String),
    /// Remember the columns chosen for a profile (by their names) for the next start.
    SaveColumns {
        /// The profile.
        profile: String,
        /// The column names, in display order.
        columns: Vec<String>,
    },
    /// Stop the loop; `force` abandons in-flight work.
    Quit {
        /// Abandon in-flight work.
        force: bool,
    },

    // What is remembered, and switching profiles.
    /// Add an applied query to the profile's history file.
    RecordQuery {
        /// Whose history.
        profile: String,
        /// The query line.
        query: String,
    },
    /// Reconnect with another profile (the app checked nothing destructive is running).
    SwitchProfile(String),
}

/// A page as the worker delivers it.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// Rows.
    pub sessions: Vec<Session>,
    /// Next cursor (None or empty: last page).
    pub next: Option<String>,
    /// Total matched, when the server says.
    pub count: Option<u64>,
    /// The request id of the call.
    pub request_id: String,
}

/// Outcome of one session in a bulk action.
#[derive(Debug, Clone, PartialEq)]
pub enum ItemOutcome {
    /// Invalidated now.
    Done,
    /// Was already gone (`NotFound`).
    AlreadyGone,
    /// Failed, with the cause.
    Failed(Failure),
}

/// One refresh, for the Token tab's history.
#[derive(Debug, Clone, PartialEq)]
pub struct RefreshRecord {
    /// When it completed.
    pub at: Timestamp,
    /// Id of the token replaced.
    pub old_token_id: Option<String>,
    /// The new active token (metadata only).
    pub new_token: TokenInfo,
    /// Round-trip time.
    pub latency: Duration,
    /// Pangea request id.
    pub request_id: String,
    /// When the session ends, as the refresh answer said (a new token never outlives it).
    pub session_expire: Option<Timestamp>,
    /// Something the user must know though the refresh worked (the pair was not saved).
    pub note: Option<String>,
}

/// What a finished command produced.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A page of a list.
    Listed {
        /// Generation echoed from the command.
        generation: u64,
        /// Which list.
        source: ListSource,
        /// The cursor that was used.
        cursor: Option<String>,
        /// The page.
        page: Page,
    },
    /// One session ended (or was already gone).
    Invalidated {
        /// The session.
        session_id: String,
        /// `NotFound`: someone else ended it first.
        already_gone: bool,
        /// Pangea request id.
        request_id: Option<String>,
    },
    /// A user's sessions ended.
    LoggedOut {
        /// The user.
        user_id: String,
        /// Pangea request id.
        request_id: String,
    },
    /// A bulk invalidation finished; every target is in exactly one list.
    Bulk {
        /// Ended now.
        done: Vec<String>,
        /// Already gone.
        already_gone: Vec<String>,
        /// Failed, with reasons.
        failed: Vec<(String, Failure)>,
        /// Never sent: the run stopped first.
        not_attempted: Vec<String>,
        /// Why it stopped early (a failed audit write).
        stopped: Option<String>,
    },
    /// Everything the table's result set matches, walked: the act-on-query dialog's facts.
    Census(Box<crate::results::Snapshot>),
    /// A user's total session count.
    UserScope {
        /// The user.
        user_id: String,
        /// Sessions in all, as the server counts them.
        total: u64,
    },
    /// The TUI's own session was logged out.
    ClientLoggedOut {
        /// Pangea request id.
        request_id: String,
    },
    /// The user token was refreshed; every later client call uses the new one.
    Refreshed(Box<RefreshRecord>),
    /// The user token's metadata.
    TokenChecked(Box<TokenInfo>),
    /// A walk reached the last page.
    Walked(Box<Walked>),
    /// A poll's sessions, every page read, in the server's order (the tail decides
    /// which are new).
    Pulsed {
        /// The sessions listed.
        sessions: Vec<Session>,
        /// The poll stopped at its page limit: more pages follow.
        more: bool,
        /// The request id of the last page.
        request_id: String,
    },
    /// One display page of local matches, fetched again.
    MatchPage {
        /// Generation echoed from the request.
        generation: u64,
        /// Which table.
        source: ListSource,
        /// The display page (0-based).
        page: usize,
        /// Its matches, in server order.
        sessions: Vec<Session>,
    },
}

/// What happened to a command.
#[derive(Debug, Clone, PartialEq)]
pub enum EventKind {
    /// Not terminal: one item of a bulk action finished.
    Progress {
        /// The session.
        session_id: String,
        /// How it ended.
        outcome: ItemOutcome,
        /// Items finished so far.
        finished: usize,
        /// Items in all.
        total: usize,
    },
    /// Not terminal: a call of the command failed and is about to be retried.
    Retrying {
        /// Why: the HTTP status (`429`) or the transport failure (`timeout`).
        reason: String,
        /// The attempt about to be made.
        attempt: u32,
        /// Attempts in all.
        of: u32,
        /// The wait before it.
        wait: Duration,
    },
    /// Not terminal: a walk received another page.
    Walking(Progress),
    /// Terminal: success.
    Done(Outcome),
    /// Terminal: failure, with the cause.
    Failed(Failure),
    /// Terminal: abandoned (forced quit, superseded).
    Cancelled,
}

impl EventKind {
    /// [`EventKind::Failed`] from anything that converts into a [`Failure`] (an AuthN
    /// error among them).
    pub fn failed(cause: impl Into<Failure>) -> Self {
        EventKind::Failed(cause.into())
    }
}

/// An event from the worker about one command.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// The command.
    pub id: CommandId,
    /// What happened.
    pub kind: EventKind,
}

impl Event {
    /// True if this event ends its command.
    pub fn is_terminal(&self) -> bool {
        !matches!(
            self.kind,
            EventKind::Progress { .. } | EventKind::Retrying { .. } | EventKind::Walking(_)
        )
    }
}

/// Everything `App::update` reacts to.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    /// A key press (releases are filtered out by the run loop).
    Key(KeyEvent),
    /// Pasted text (bracketed paste), for the query editor.
    Paste(String),
    /// The one-second tick: clocks, countdowns, auto-reload, auto-refresh.
    Tick,
    /// The terminal was resized.
    Resize(u16, u16),
    /// A worker event.
    Worker(Event),
}

// ---- Walks of a whole result (local terms, users, insights) ----

/// What a walk keeps of the sessions it sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WalkGoal {
    /// The sessions the local terms accept, for the table to page through.
    Matches,
    /// Only the per-user and insight aggregates: memory flat in the number of sessions.
    Aggregate,
    /// Each page written to a file as it arrives (see [`WalkRequest::export`]).
    Export,
}

/// Where and how a walk of goal [`WalkGoal::Export`] writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportSpec {
    /// CSV or NDJSON.
    pub format: crate::output::Format,
    /// The folder; the file is named after the moment and the format.
    pub dir: std::path::PathBuf,
    /// Only these session ids (the marked rows); None: every match.
    pub only: Option<Vec<String>>,
}

/// Matches a walk of goal [`WalkGoal::Matches`] keeps by default: more are fetched
/// again a display page at a time, from anchors.
pub const MATCHES_KEPT: usize = 2_000;

/// One walk: the query (already evaluated at `now`), the order and page size, the goal.
#[derive(Debug, Clone, PartialEq)]
pub struct WalkRequest {
    /// Latest-wins generation of the view that asked.
    pub generation: u64,
    /// Which list: the project's sessions, or the user's own (matches only).
    pub source: ListSource,
    /// Server filter and local terms.
    pub query: Query,
    /// Column.
    pub order_by: OrderBy,
    /// Direction.
    pub order: Order,
    /// Page size of each request: the server's largest, whatever the display shows.
    pub size: u32,
    /// Rows of a display page: where the kept matches' anchors fall.
    pub display: u32,
    /// What to keep.
    pub goal: WalkGoal,
    /// "Expiring soon" is measured from here.
    pub now: Timestamp,
    /// For [`WalkGoal::Export`]: the file to write.
    pub export: Option<ExportSpec>,
    /// For [`WalkGoal::Matches`]: the most matches kept whole (at least one display page
    /// of `size`); past that only the first page and the anchors are kept.
    pub keep: usize,
    /// For [`WalkGoal::Matches`]: sort the matches by a column the server cannot order
    /// by, in `order`; the first `keep` of them (the app asks for [`SORTED_KEPT`]) are
    /// kept whole, no anchors.
    pub sort: Option<crate::investigate::sort::LocalSort>,
}

/// Matches a sorted walk keeps whole: the first this many in the sorted order (a
/// result's worst sessions first, when sorted by risk descending).
pub const SORTED_KEPT: usize = 10_000;

/// One display page of a walk's local matches, fetched again from its anchor with the
/// walk's query, order and page size.
#[derive(Debug, Clone, PartialEq)]
pub struct MatchPageRequest {
    /// The table's generation (the walk's).
    pub generation: u64,
    /// Which list.
    pub source: ListSource,
    /// The walk's query, as evaluated then.
    pub query: Query,
    /// Column.
    pub order_by: OrderBy,
    /// Direction.
    pub order: Order,
    /// The walk's page size (the anchor's cursor is of a page this size).
    pub size: u32,
    /// Rows of a display page.
    pub display: u32,
    /// The display page (0-based).
    pub page: usize,
    /// Where its first match is.
    pub anchor: Anchor,
}

/// The figures the Insights tab draws.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Figures {
    /// Logins per hour (bucket start, count).
    pub hours: Vec<(Timestamp, u64)>,
    /// Logins per day.
    pub days: Vec<(Timestamp, u64)>,
    /// Top countries, most first.
    pub countries: Vec<(String, u64)>,
    /// Top browsers or clients, most first.
    pub devices: Vec<(String, u64)>,
    /// Sessions by risk signal.
    pub risk: RiskBreakdown,
    /// Sessions by how soon they end.
    pub expiring: Expiring,
    /// Sessions counted.
    pub total: u64,
}

/// What a finished walk produced.
#[derive(Debug, Clone, PartialEq)]
pub struct Walked {
    /// Generation echoed from the request.
    pub generation: u64,
    /// The goal echoed from the request.
    pub goal: WalkGoal,
    /// Pages, sessions scanned and matches.
    pub progress: Progress,
    /// The first matches ([`WalkGoal::Matches`] only), in server order: every match
    /// when they fit in [`WalkRequest::keep`], else the first display page.
    pub matches: Vec<Session>,
    /// Where each display page of `size` matches starts ([`WalkGoal::Matches`] only):
    /// memory in matches over the page size, never in sessions.
    pub anchors: Vec<Anchor>,
    /// One row per user ([`WalkGoal::Aggregate`] only).
    pub users: Vec<UserRow>,
    /// The insight figures ([`WalkGoal::Aggregate`] only).
    pub figures: Option<Figures>,
    /// The file written and its rows ([`WalkGoal::Export`] only).
    pub written: Option<(std::path::PathBuf, u64)>,
}
