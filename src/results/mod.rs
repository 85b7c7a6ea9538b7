//! A result set: one query compiled once, bound to the profile and host it runs against,
//! and the snapshot of what it matched that an action acts on.
//!
//! The table, its counts, every dialog, the dry run, the targets and the audit lines read
//! one [`ResultSet`]; nothing compiles the line again elsewhere. A [`Snapshot`] is what a
//! walk of it found (every matching id, distinct users, a sample, when it ran): what
//! the screen counts is what an action touches and what the record names.
//!
//! * [`ids`]: session and user ids checked before anything is sent;
//! * [`plan`]: a snapshot written to a file for review and acted on later, and the one
//!   way files holding people's data are written (mode 0600).

pub mod ids;
pub mod plan;

use crate::actions::Target;
use crate::authn::model::{Filter, Order, OrderBy, Session, SessionListRequest, Timestamp};
use crate::authn::partition::Split;
use crate::authn::{Client, Error, ListScope};
use crate::investigate::{self, Matcher, Progress, WalkError};
use crate::query::{self, LocalTerm, Query, QueryError};
use futures::StreamExt;
use std::collections::BTreeSet;
use std::ops::ControlFlow;
use tokio_util::sync::CancellationToken;

/// The largest page the server hands out (spec: `size` 1 to 1000); every walk uses it.
pub const WALK_PAGE_SIZE: u32 = 1000;

/// Above this many sessions, a confirmation asks for the count to be typed (TUI `D` and
/// `X` alike).
pub const TYPE_COUNT_ABOVE: usize = 100;

/// Sessions a dialog or a dry run shows by default.
pub const SAMPLE: usize = 10;

/// One query compiled once, with where it runs.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultSet {
    /// The compiled line: text, server filter, local terms.
    pub query: Query,
    /// The instant the query's relative times (`now-2h`) were resolved against.
    pub resolved_at: Timestamp,
    /// The profile it runs under.
    pub profile: String,
    /// The host it runs against.
    pub host: String,
}

impl ResultSet {
    /// Compiles `text` at `now` for `profile` on `host`.
    pub fn compile(
        text: &str,
        now: Timestamp,
        profile: impl Into<String>,
        host: impl Into<String>,
    ) -> Result<Self, QueryError> {
        Ok(Self {
            query: query::compile_query(text, now)?,
            resolved_at: now,
            profile: profile.into(),
            host: host.into(),
        })
    }

    /// An empty query (every session) resolved at `now`.
    pub fn blank(now: Timestamp, profile: impl Into<String>, host: impl Into<String>) -> Self {
        Self {
            query: Query {
                text: String::new(),
                server: Filter::default(),
                local: Vec::new(),
                sides: Vec::new(),
            },
            resolved_at: now,
            profile: profile.into(),
            host: host.into(),
        }
    }

    /// The same line resolved again at `now` (relative times slide on reload).
    pub fn at(&self, now: Timestamp) -> Result<Self, QueryError> {
        Ok(Self {
            query: self.query.at(now)?,
            resolved_at: now,
            ..self.clone()
        })
    }

    /// The line as typed.
    pub fn text(&self) -> &str {
        &self.query.text
    }

    /// The filter sent with every page request.
    pub fn server(&self) -> &Filter {
        &self.query.server
    }

    /// The terms checked on each session.
    pub fn local(&self) -> &[LocalTerm] {
        &self.query.local
    }

    /// True when some term is checked locally (the whole result is walked).
    pub fn has_local(&self) -> bool {
        self.query.has_local()
    }

    /// True for an empty or all-space line: never "every session" for an action.
    pub fn is_blank(&self) -> bool {
        self.query.text.trim().is_empty()
    }

    /// `profile @ host`, as dialogs, dry runs and summaries name where they act.
    pub fn place(&self) -> String {
        format!("{} @ {}", self.profile, self.host)
    }

    /// A list request for this query.
    pub fn request(&self, order_by: OrderBy, order: Order, size: u32) -> SessionListRequest {
        SessionListRequest {
            filter: (!self.query.server.is_empty()).then(|| self.query.server.clone()),
            last: None,
            order: Some(order),
            order_by: Some(order_by),
            size: Some(size),
        }
    }
}

/// What a walk of a result set found: the targets an action acts on.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    /// The result set walked.
    pub set: ResultSet,
    /// When the walk finished: sessions created later are not in it.
    pub walked_at: Timestamp,
    /// How long the walk took, in milliseconds.
    pub walk_ms: u64,
    /// Every matching session (once each), with its owner.
    pub targets: Vec<Target>,
    /// Distinct users among them.
    pub users: usize,
    /// The first few matching sessions.
    pub sample: Vec<Session>,
    /// Pages, sessions the server filter matched, and matches.
    pub progress: Progress,
    /// Sessions in the whole project when the walk began, when asked for.
    pub whole: Option<u64>,
}

impl Snapshot {
    /// Matching sessions.
    pub fn count(&self) -> usize {
        self.targets.len()
    }

    /// True when the query matched every session of the project: such a query needs an
    /// explicit `--all`, whatever its text.
    pub fn matches_everything(&self) -> bool {
        self.whole
            .is_some_and(|w| w > 0 && self.targets.len() as u64 >= w)
    }

    /// Distinct user ids among the targets, in order of first appearance.
    pub fn user_ids(&self) -> Vec<String> {
        let mut seen = BTreeSet::new();
        self.targets
            .iter()
            .filter_map(|t| t.identity.clone())
            .filter(|i| seen.insert(i.clone()))
            .collect()
    }

    /// The walk's time of day (UTC), as dialogs and summaries print it.
    pub fn walked_clock(&self) -> String {
        self.walked_at.strftime("%H:%M:%S").to_string()
    }

    /// "76 session(s) of 31 user(s) match `q` on prod @ host, walked 12:04:31 UTC".
    pub fn headline(&self) -> String {
        let what = if self.set.is_blank() {
            "every session of the project".to_string()
        } else {
            format!("`{}`", crate::sanitize::clean(self.set.text()))
        };
        format!(
            "{} session(s) of {} user(s) match {what} on {}, walked {} UTC",
            crate::number::thousands(self.count() as u64),
            crate::number::thousands(self.users as u64),
            crate::sanitize::clean(&self.set.place()),
            self.walked_clock()
        )
    }
}

/// How many sessions the project has: the server's `count` of an unfiltered list, or, when
/// it gives none, a walk that counts them.
pub async fn whole_count(client: &Client) -> Result<u64, WalkError> {
    let req = SessionListRequest {
        filter: None,
        last: None,
        order: None,
        order_by: None,
        size: Some(1),
    };
    let first = client.session_list(&req).await.map_err(|error| WalkError {
        error,
        resume_from: None,
        progress: Progress::default(),
    })?;
    if let Some(n) = first.result.count {
        return Ok(n);
    }
    let req = SessionListRequest {
        size: Some(WALK_PAGE_SIZE),
        ..req
    };
    let mut n = 0u64;
    let mut pages = std::pin::pin!(client.pages(ListScope::Service, req));
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| WalkError {
            error: e.error,
            resume_from: e.resume_from,
            progress: Progress::default(),
        })?;
        n += page.result.sessions.len() as u64;
    }
    Ok(n)
}

/// Options of a snapshot walk.
#[derive(Debug, Clone, Copy)]
pub struct Walk {
    /// Sessions kept as a sample.
    pub sample: usize,
    /// Also count the whole project first (for [`Snapshot::matches_everything`]).
    pub whole: bool,
    /// Pages in flight at most.
    pub window: usize,
}

/// Walks every session `set` matches (pages of [`WALK_PAGE_SIZE`], local terms applied),
/// keeping each match as a target. A walk that fails is an error and one cancelled before
/// its last page is `None`, never a snapshot: acting on part of a set while saying it is
/// the whole would mislead.
pub async fn snapshot(
    client: &Client,
    scope: ListScope,
    set: &ResultSet,
    opts: Walk,
    cancel: &CancellationToken,
    mut on: impl FnMut(Progress),
) -> Result<Option<Snapshot>, WalkError> {
    let started = std::time::Instant::now();
    let whole = if opts.whole {
        Some(whole_count(client).await?)
    } else {
        None
    };
    let req = set.request(OrderBy::CreatedAt, Order::Desc, WALK_PAGE_SIZE);
    let mut matcher = Matcher::new(set.local());
    let mut seen = BTreeSet::new();
    let mut users = BTreeSet::new();
    let mut targets = Vec::new();
    let mut sample = Vec::new();
    let split = Split {
        window: opts.window,
        in_order: false,
    };
    let outcome = investigate::walk_split(
        client,
        scope,
        req,
        split,
        &mut matcher,
        cancel,
        |page, p| {
            for s in page {
                if !seen.insert(s.id.clone()) {
                    continue;
                }
                if !s.identity.is_empty() {
                    users.insert(s.identity.clone());
                }
                targets.push(Target {
                    id: s.id.clone(),
                    identity: Some(s.identity.clone()).filter(|i| !i.is_empty()),
                    email: Some(s.email.clone()).filter(|e| !e.is_empty()),
                });
                if sample.len() < opts.sample {
                    sample.push(s);
                }
            }
            on(p);
            ControlFlow::Continue(())
        },
    )
    .await?;
    if !outcome.complete {
        return Ok(None);
    }
    Ok(Some(Snapshot {
        set: set.clone(),
        walked_at: Timestamp::now(),
        walk_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        targets,
        users: users.len(),
        sample,
        progress: outcome.progress,
        whole,
    }))
}

/// How many sessions a user has in all: the server's `count` of a list filtered by the
/// identity, or, when the server gives none, a walk that counts them.
pub async fn user_sessions(client: &Client, user_id: &str) -> Result<u64, Error> {
    let mut filter = Filter::default();
    filter
        .0
        .insert("identity".into(), serde_json::Value::String(user_id.into()));
    let req = SessionListRequest {
        filter: Some(filter.clone()),
        last: None,
        order: None,
        order_by: None,
        size: Some(1),
    };
    let first = client.session_list(&req).await?;
    if let Some(n) = first.result.count {
        return Ok(n);
    }
    let req = SessionListRequest {
        size: Some(WALK_PAGE_SIZE),
        ..req
    };
    let mut n = 0u64;
    let mut pages = std::pin::pin!(client.pages(ListScope::Service, req));
    while let Some(page) = pages.next().await {
        n += page.map_err(|e| e.error)?.result.sessions.len() as u64;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(text: &str) -> ResultSet {
        ResultSet::compile(text, Timestamp::UNIX_EPOCH, "prod", "authn.example").unwrap()
    }

    #[test]
    fn a_set_holds_its_parts_and_where_it_runs() {
        let s = set("email~acme country=TR");
        assert_eq!(s.text(), "email~acme country=TR");
        assert!(s.has_local() && !s.server().is_empty());
        assert_eq!(s.place(), "prod @ authn.example");
        assert!(set("  ").is_blank());
    }

    #[test]
    fn matching_the_whole_count_is_matching_everything() {
        let mut snap = Snapshot {
            set: set("type=session"),
            walked_at: Timestamp::UNIX_EPOCH,
            walk_ms: 0,
            targets: vec![Target::id("a"), Target::id("b")],
            users: 1,
            sample: vec![],
            progress: Progress::default(),
            whole: Some(2),
        };
        assert!(snap.matches_everything());
        snap.whole = Some(3);
        assert!(!snap.matches_everything());
        snap.whole = None;
        assert!(!snap.matches_everything());
    }
}
