//! Walks of a whole result: local matches (kept whole while few, else one display page
//! and an anchor per page), the Users/Insights aggregates, exports; and a display page
//! of matches fetched again from its anchor.

use super::export::{Export, write_failed};
use super::{
    CommandId, EventKind, Failure, ListSource, Outcome, Reply, SessionListRequest, Shared,
};
use crate::authn::Error;
use crate::authn::ListScope;
use crate::authn::model::{OrderBy, Session};
use crate::authn::partition::Split;
use crate::investigate::Devices;
use crate::investigate::sort::{self, LocalSort, SortKey};
use crate::investigate::walk::{walk_raw, walk_raw_split};
use crate::investigate::{
    Anchor, Bucket, Glance, Insights, Matcher, Progress, UserColumn, Users, matches_from,
};
use crate::tui::command::{Figures, MatchPageRequest, WalkGoal, WalkRequest, Walked};
use serde_json::value::RawValue;
use std::ops::ControlFlow;
use tokio_util::sync::CancellationToken;

/// Countries and devices the Insights tab names.
const TOP: usize = 10;

/// What a matches walk keeps: the first matches while they fit in `keep`, then only the
/// first display page; and where every display page starts.
struct Kept {
    size: usize,
    keep: usize,
    first: Vec<Session>,
    whole: bool,
    anchors: Vec<Anchor>,
    /// Matches before the page being read.
    seen: usize,
    /// Matches of the page being read so far.
    on_page: usize,
}

impl Kept {
    fn new(size: u32, keep: usize) -> Self {
        let size = (size as usize).max(1);
        Self {
            size,
            keep: keep.max(size),
            first: Vec::new(),
            whole: true,
            anchors: Vec::new(),
            seen: 0,
            on_page: 0,
        }
    }

    /// Counts one match of the page at `cursor`; the first of each display page is an anchor.
    fn note(&mut self, cursor: Option<&str>, id: &str) {
        if (self.seen + self.on_page).is_multiple_of(self.size) {
            self.anchors.push(Anchor {
                cursor: cursor.map(str::to_owned),
                skip: self.on_page,
                first: id.to_owned(),
            });
        }
        self.on_page += 1;
    }

    /// The page's matches (`rows[i]` for each `i` in `hits`) are all noted: keeps
    /// those that fit, each decoded whole.
    fn keep(&mut self, rows: &[Box<RawValue>], hits: &[usize]) -> Result<(), serde_json::Error> {
        self.seen += std::mem::take(&mut self.on_page);
        let room = if self.whole && self.first.len() + hits.len() <= self.keep {
            hits.len()
        } else {
            if self.whole {
                // Too many to keep: from here on only the first display page stays.
                self.whole = false;
                self.first.truncate(self.size);
                self.first.shrink_to_fit();
            }
            self.size.saturating_sub(self.first.len())
        };
        for &i in hits.iter().take(room) {
            self.first.push(serde_json::from_str(rows[i].get())?);
        }
        Ok(())
    }
}

/// What a sorted matches walk keeps: the first `keep` matches in the sorted order, each
/// with its key. Sorted and cut whenever a quarter more than that are held, so memory
/// stays within 1.25 × `keep` sessions; the sort is stable and matches arrive in server
/// order, so equal keys keep the server's order.
struct Sorted {
    by: LocalSort,
    order: crate::authn::model::Order,
    keep: usize,
    rows: Vec<(SortKey, Session)>,
    devices: Devices,
}

impl Sorted {
    fn add(&mut self, s: Session) {
        let key = self.by.key(&s, &mut self.devices);
        self.rows.push((key, s));
        if self.rows.len() > self.keep.saturating_add((self.keep / 4).max(1)) {
            self.cut();
        }
    }

    fn cut(&mut self) {
        sort::sort(&mut self.rows, self.order);
        self.rows.truncate(self.keep);
    }

    fn finish(mut self) -> Vec<Session> {
        self.cut();
        self.rows.into_iter().map(|(_, s)| s).collect()
    }
}

/// Why a walk stopped before its last page, other than a failed page or a cancel.
enum Stopped {
    /// A listed session could not be read.
    Unreadable(serde_json::Error),
    /// The export file could not be written.
    Write(std::io::Error),
}

/// What a walk reads each session for and keeps, by its goal.
struct Reading {
    goal: WalkGoal,
    matcher: Matcher,
    kept: Kept,
    /// Set for a matches walk sorted locally: it keeps the matches instead of `kept`.
    sorted: Option<Sorted>,
    users: Users,
    insights: Insights,
    export: Option<Export>,
    /// The page's sessions the goal takes, by their place on the page.
    hits: Vec<usize>,
    stopped: Option<Stopped>,
}

impl Reading {
    fn new(req: &WalkRequest) -> Result<Self, Failure> {
        let export = match (&req.goal, &req.export) {
            (WalkGoal::Export, Some(spec)) => Some(Export::create(spec, req.now)?),
            (WalkGoal::Export, None) => {
                return Err(Failure::Unsupported("an export without a file to write"));
            }
            _ => None,
        };
        Ok(Self {
            goal: req.goal,
            matcher: Matcher::new(&req.query.local),
            kept: Kept::new(req.display, req.keep),
            sorted: req
                .sort
                .filter(|_| req.goal == WalkGoal::Matches)
                .map(|by| Sorted {
                    by,
                    order: req.order,
                    keep: req.keep.max(1),
                    rows: Vec::new(),
                    devices: Devices::new(),
                }),
            users: Users::new(),
            insights: Insights::new(req.now),
            export,
            hits: Vec::new(),
            stopped: None,
        })
    }

    /// Reads one page (its request's `cursor`, its sessions as sent); `Break` when the
    /// walk must stop, with why in `stopped`.
    fn page(
        &mut self,
        cursor: Option<&str>,
        rows: Vec<Box<RawValue>>,
        progress: &mut Progress,
    ) -> ControlFlow<()> {
        if let Err(e) = self.select(cursor, &rows) {
            self.stopped = Some(Stopped::Unreadable(e));
            return ControlFlow::Break(());
        }
        progress.matches += self.hits.len() as u64;
        match self.take(rows) {
            Ok(()) => ControlFlow::Continue(()),
            Err(stopped) => {
                self.stopped = Some(stopped);
                ControlFlow::Break(())
            }
        }
    }

    /// Finds the page's sessions the goal takes, reading each for what the goal needs,
    /// and counts them into the aggregates or the anchors.
    fn select(
        &mut self,
        cursor: Option<&str>,
        rows: &[Box<RawValue>],
    ) -> Result<(), serde_json::Error> {
        self.hits.clear();
        let only = self.export.as_ref().and_then(|x| x.only.as_ref());
        for (i, raw) in rows.iter().enumerate() {
            let g = Glance::from_json(raw.get())?;
            if !self.matcher.matches_glance(&g) {
                continue;
            }
            match self.goal {
                WalkGoal::Export if only.is_some_and(|o| !o.contains(&*g.id)) => continue,
                WalkGoal::Export => {}
                WalkGoal::Matches => self.kept.note(cursor, &g.id),
                WalkGoal::Aggregate => {
                    self.users.add_glance(&g);
                    self.insights.add_glance(&g);
                }
            }
            self.hits.push(i);
        }
        Ok(())
    }

    /// Keeps or writes the sessions [`Reading::select`] found; only kept matches are
    /// decoded whole.
    fn take(&mut self, rows: Vec<Box<RawValue>>) -> Result<(), Stopped> {
        match (self.goal, self.export.as_mut()) {
            (WalkGoal::Export, Some(x)) => {
                let mut rows = rows.into_iter().map(Some).collect::<Vec<_>>();
                let page: Vec<Box<RawValue>> =
                    self.hits.iter().filter_map(|&i| rows[i].take()).collect();
                x.write_raw(&page).map_err(Stopped::Write)
            }
            (WalkGoal::Matches, _) if self.sorted.is_some() => {
                for &i in &self.hits {
                    let s: Session =
                        serde_json::from_str(rows[i].get()).map_err(Stopped::Unreadable)?;
                    if let Some(sorted) = self.sorted.as_mut() {
                        sorted.add(s);
                    }
                }
                Ok(())
            }
            (WalkGoal::Matches, _) => self
                .kept
                .keep(&rows, &self.hits)
                .map_err(Stopped::Unreadable),
            _ => Ok(()),
        }
    }

    /// The walk's result from how it ended: an error (a half-written export removed),
    /// None when cancelled (no export left behind), else what it found.
    fn finish(
        self,
        outcome: Result<crate::investigate::Outcome, Error>,
        generation: u64,
    ) -> Result<Option<Walked>, Failure> {
        let outcome = match (outcome, self.stopped) {
            (_, Some(Stopped::Write(e))) => {
                let path = self
                    .export
                    .as_ref()
                    .map(|x| x.path.clone())
                    .unwrap_or_default();
                if let Some(x) = self.export {
                    x.discard();
                }
                return Err(write_failed(&path, &e));
            }
            (_, Some(Stopped::Unreadable(e))) => Err(unreadable(&e)),
            (o, None) => o,
        };
        let outcome = match outcome {
            Ok(o) if o.complete => o,
            other => {
                if let Some(x) = self.export {
                    x.discard();
                }
                // Cancelled: no half-written file, no result.
                return other.map(|_| None).map_err(Failure::from);
            }
        };
        let written = match self.export {
            Some(x) => Some(x.finish()?),
            None => None,
        };
        let figures = (self.goal == WalkGoal::Aggregate).then(|| figures(&self.insights));
        let users = self
            .users
            .into_rows(UserColumn::Sessions, crate::authn::model::Order::Desc);
        let (matches, anchors) = match self.sorted {
            // Sorted: every kept match in order, paged through locally; no anchors.
            Some(sorted) => (sorted.finish(), Vec::new()),
            None => (self.kept.first, self.kept.anchors),
        };
        Ok(Some(Walked {
            generation,
            goal: self.goal,
            progress: outcome.progress,
            matches,
            anchors,
            users,
            figures,
            written,
        }))
    }
}

/// The Insights tab's figures.
fn figures(insights: &Insights) -> Figures {
    Figures {
        hours: insights.logins(Bucket::Hour),
        days: insights.logins(Bucket::Day),
        countries: insights.top_countries(TOP),
        devices: insights.top_devices(TOP),
        risk: *insights.risk(),
        expiring: insights.expiring().clone(),
        total: insights.total(),
    }
}

/// A session the walk could not read.
fn unreadable(e: &serde_json::Error) -> Error {
    Error::Decode {
        http_status: 200,
        request_id: None,
        reason: format!("a listed session could not be read: {e}"),
        snippet: String::new(),
    }
}

fn scope_error() -> Failure {
    Failure::Unsupported("only the project's sessions can be aggregated or exported")
}

impl Shared {
    fn walks(
        &self,
    ) -> std::sync::MutexGuard<'_, std::collections::HashMap<CommandId, CancellationToken>> {
        // Only inserts and removes happen under the lock, so a poisoned map is still whole.
        self.walks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub(super) fn start_walk(&self, id: CommandId) {
        self.walks().insert(id, CancellationToken::new());
    }

    pub(super) fn cancel_walk(&self, id: CommandId) {
        if let Some(token) = self.walks().get(&id) {
            token.cancel();
        }
    }

    fn scope(&self, source: ListSource) -> Result<ListScope, Failure> {
        Ok(match source {
            ListSource::Sessions => ListScope::Service,
            ListSource::MySessions => ListScope::Client(self.user_token()?),
        })
    }

    /// Streams every page through the local terms, keeping the matches or only the
    /// aggregates; None when it was cancelled.
    pub(super) async fn walk(
        &self,
        id: CommandId,
        req: WalkRequest,
        reply: &Reply,
    ) -> Result<Option<Outcome>, Failure> {
        let cancel = self.walks().get(&id).cloned().unwrap_or_default();
        let result = self.walk_pages(&req, &cancel, reply).await;
        self.walks().remove(&id);
        Ok(result?.map(|walked| Outcome::Walked(Box::new(walked))))
    }

    async fn walk_pages(
        &self,
        req: &WalkRequest,
        cancel: &CancellationToken,
        reply: &Reply,
    ) -> Result<Option<Walked>, Failure> {
        if req.source != ListSource::Sessions && req.goal != WalkGoal::Matches {
            return Err(scope_error());
        }
        let scope = self.scope(req.source)?;
        let list = SessionListRequest {
            filter: (!req.query.server.is_empty()).then(|| req.query.server.clone()),
            last: None,
            order: Some(req.order),
            order_by: Some(req.order_by),
            size: Some(req.size),
        };
        let mut reading = Reading::new(req)?;
        let mut each = |cursor: Option<&str>, rows, progress: &mut Progress| {
            let flow = reading.page(cursor, rows, progress);
            if flow.is_continue() {
                reply.progress(EventKind::Walking(*progress));
            }
            flow
        };
        let outcome = if req.goal == WalkGoal::Matches {
            // The kept matches' anchors name server pages by cursor, in the order shown.
            walk_raw(&self.client, scope, list, cancel, each).await
        } else if req.goal == WalkGoal::Export && req.order_by != OrderBy::CreatedAt {
            // An export file lists the sessions in the table's order: page after page in
            // an order other than login time.
            walk_raw(&self.client, scope, list, cancel, |_, rows, p| {
                each(None, rows, p)
            })
            .await
        } else {
            // Counts need no order; an export in login-time order is handed on in it.
            let split = Split {
                window: self.walk_window,
                in_order: req.goal == WalkGoal::Export,
            };
            walk_raw_split(&self.client, scope, list, split, cancel, |rows, p| {
                each(None, rows, p)
            })
            .await
        };
        reading.finish(outcome.map_err(|e| e.error), req.generation)
    }

    /// One display page of a walk's matches, fetched again from its anchor.
    pub(super) async fn match_page(&self, req: MatchPageRequest) -> Result<Outcome, Failure> {
        let scope = self.scope(req.source)?;
        let list = SessionListRequest {
            filter: (!req.query.server.is_empty()).then(|| req.query.server.clone()),
            last: None,
            order: Some(req.order),
            order_by: Some(req.order_by),
            size: Some(req.size),
        };
        let mut matcher = Matcher::new(&req.query.local);
        let size = (req.display as usize).max(1);
        let sessions = matches_from(&self.client, scope, list, &mut matcher, &req.anchor, size)
            .await
            .map_err(|e| e.error)?;
        self.remember_owners(sessions.iter().map(|s| (&s.id, &s.identity, &s.email)));
        Ok(Outcome::MatchPage {
            generation: req.generation,
            source: req.source,
            page: req.page,
            sessions,
        })
    }
}
