//! Walks of a whole result: local matches (kept whole while few, else one display page
//! and an anchor per page), the Users/Insights aggregates, exports; and a display page
//! of matches fetched again from its anchor.

use super::export::{Export, write_failed};
use super::{
    CommandId, EventKind, Failure, ListSource, Outcome, Reply, SessionListRequest, Shared,
};
use crate::authn::Error;
use crate::authn::ListScope;
use crate::authn::model::Session;
use crate::investigate::walk::walk_raw;
use crate::investigate::{
    Anchor, Bucket, Glance, Insights, Matcher, UserColumn, Users, matches_from,
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
        let mut export = match (&req.goal, &req.export) {
            (WalkGoal::Export, Some(spec)) => Some(Export::create(spec, req.now)?),
            (WalkGoal::Export, None) => {
                return Err(Failure::Unsupported("an export without a file to write"));
            }
            _ => None,
        };
        let mut write_error: Option<std::io::Error> = None;
        let mut bad: Option<serde_json::Error> = None;
        let mut matcher = Matcher::new(&req.query.local);
        let mut kept = Kept::new(req.display, req.keep);
        let mut users = Users::new();
        let mut insights = Insights::new(req.now);
        let only = export.as_ref().and_then(|x| x.only.clone());
        let goal = req.goal;
        let mut hits = Vec::new();
        let outcome = walk_raw(
            &self.client,
            scope,
            list,
            cancel,
            |cursor, rows, progress| {
                // Each session is read for what the goal needs; only kept matches are decoded.
                hits.clear();
                for (i, raw) in rows.iter().enumerate() {
                    let g = match Glance::from_json(raw.get()) {
                        Ok(g) => g,
                        Err(e) => {
                            bad = Some(e);
                            return ControlFlow::Break(());
                        }
                    };
                    if !matcher.matches_glance(&g) {
                        continue;
                    }
                    match goal {
                        WalkGoal::Export if only.as_ref().is_some_and(|o| !o.contains(&*g.id)) => {
                            continue;
                        }
                        WalkGoal::Export => {}
                        WalkGoal::Matches => kept.note(cursor, &g.id),
                        WalkGoal::Aggregate => {
                            users.add_glance(&g);
                            insights.add_glance(&g);
                        }
                    }
                    hits.push(i);
                }
                progress.matches += hits.len() as u64;
                match goal {
                    WalkGoal::Export => {
                        if let Some(x) = export.as_mut() {
                            let mut rows = rows.into_iter().map(Some).collect::<Vec<_>>();
                            let page: Vec<Box<RawValue>> =
                                hits.iter().filter_map(|&i| rows[i].take()).collect();
                            if let Err(e) = x.write_raw(&page) {
                                write_error = Some(e);
                                return ControlFlow::Break(());
                            }
                        }
                    }
                    WalkGoal::Matches => {
                        if let Err(e) = kept.keep(&rows, &hits) {
                            bad = Some(e);
                            return ControlFlow::Break(());
                        }
                    }
                    WalkGoal::Aggregate => {}
                }
                reply.progress(EventKind::Walking(*progress));
                ControlFlow::Continue(())
            },
        )
        .await
        .map_err(|e| e.error);
        let outcome = match (outcome, bad) {
            (_, Some(e)) => Err(unreadable(&e)),
            (o, None) => o,
        };
        let outcome = match (outcome, write_error) {
            (_, Some(e)) => {
                let path = export.as_ref().map(|x| x.path.clone()).unwrap_or_default();
                if let Some(x) = export {
                    x.discard();
                }
                return Err(write_failed(&path, &e));
            }
            (Err(e), None) => {
                if let Some(x) = export {
                    x.discard();
                }
                return Err(e.into());
            }
            (Ok(o), None) => o,
        };
        if !outcome.complete {
            // A cancelled export leaves no half-written file behind.
            if let Some(x) = export {
                x.discard();
            }
            return Ok(None);
        }
        let written = match export {
            Some(x) => Some(x.finish()?),
            None => None,
        };
        let figures = (goal == WalkGoal::Aggregate).then(|| Figures {
            hours: insights.logins(Bucket::Hour),
            days: insights.logins(Bucket::Day),
            countries: insights.top_countries(TOP),
            devices: insights.top_devices(TOP),
            risk: *insights.risk(),
            expiring: insights.expiring().clone(),
            total: insights.total(),
        });
        let users = users
            .rows(UserColumn::Sessions, crate::authn::model::Order::Desc)
            .into_iter()
            .cloned()
            .collect();
        Ok(Some(Walked {
            generation: req.generation,
            goal,
            progress: outcome.progress,
            matches: kept.first,
            anchors: kept.anchors,
            users,
            figures,
            written,
        }))
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
