//! What each command does: the worker's calls to the client and to `actions`, one
//! method of [`Shared`] per command, each ending in an [`Outcome`] or an [`Error`].
//! Walks and pages of matches are in `walk.rs`, the export file in `export.rs`.

use super::{
    Engine, EventKind, Failure, ItemOutcome, ListQuery, ListSource, Mutex, OWNERS_KEPT, Op,
    Outcome, Page, RefreshError, RefreshRecord, Reply, RunInfo, SAMPLE, Secret, SessionListRequest,
    Shared, Stop, Target, Timestamp, Tokens, WorkerContext, actions, refresh_and_save,
};
use crate::authn::Error;
use crate::results::{self, ResultSet};
use std::sync::{Arc, PoisonError};

/// Why an item did not end its target, as the engine recorded it.
fn item_failure(outcome: actions::Outcome) -> Failure {
    match outcome {
        actions::Outcome::Failed(e) => Failure::Api(e),
        actions::Outcome::Unknown => Failure::Unknown,
        actions::Outcome::NotAttempted => Failure::NotSent,
        actions::Outcome::NotFound => Failure::NotFound,
        actions::Outcome::Done | actions::Outcome::ConfirmedByRetry => {
            Failure::Engine("reported an ended target as failed")
        }
    }
}

impl Shared {
    pub(super) fn new(ctx: WorkerContext) -> Self {
        let client_for_engine = ctx.client.clone();
        Self {
            client: ctx.client,
            profile: ctx.profile,
            tokens: Mutex::new(Tokens {
                user: ctx.user_token,
                refresh: ctx.refresh_token,
                active_id: None,
            }),
            refresh_gate: tokio::sync::Mutex::new(()),
            token_file: ctx.token_file,
            audit_path: ctx.audit.path().to_path_buf(),
            engine: Engine::new(client_for_engine, ctx.audit, ctx.concurrency),
            walk_window: ctx.walk_window,
            ledger: Arc::default(),
            runs: Mutex::default(),
            owners: Mutex::default(),
            walks: Mutex::default(),
        }
    }

    pub(super) fn tokens(&self) -> std::sync::MutexGuard<'_, Tokens> {
        // The lock is only held to copy or swap values, so a poisoned one still holds a
        // consistent pair.
        self.tokens.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(super) fn user_token(&self) -> Result<Secret, Failure> {
        self.tokens().user.clone().ok_or(Failure::NoUserToken)
    }

    pub(super) async fn list(
        &self,
        generation: u64,
        source: ListSource,
        query: ListQuery,
    ) -> Result<Outcome, Failure> {
        let req = SessionListRequest {
            filter: (!query.filter.is_empty()).then_some(query.filter),
            last: query.cursor.clone(),
            order: Some(query.order),
            order_by: Some(query.order_by),
            size: Some(query.size),
        };
        let response = match source {
            ListSource::Sessions => self.client.session_list(&req).await?,
            ListSource::MySessions => {
                let token = self.user_token()?;
                self.client.client_session_list(&token, &req).await?
            }
        };
        self.remember_owners(
            response
                .result
                .sessions
                .iter()
                .map(|s| (&s.id, &s.identity, &s.email)),
        );
        Ok(Outcome::Listed {
            generation,
            source,
            cursor: query.cursor,
            page: Page {
                sessions: response.result.sessions,
                next: response.result.last,
                count: response.result.count,
                request_id: response.request_id,
            },
        })
    }

    /// Notes who owns each listed session.
    pub(super) fn remember_owners<'a>(
        &self,
        seen: impl ExactSizeIterator<Item = (&'a String, &'a String, &'a String)>,
    ) {
        let mut owners = self.owners.lock().unwrap_or_else(PoisonError::into_inner);
        if owners.len() + seen.len() > OWNERS_KEPT {
            owners.clear();
        }
        for (id, identity, email) in seen {
            owners.insert(id.clone(), (identity.clone(), email.clone()));
        }
    }

    /// A session as a target, with its owner when a list has shown it.
    pub(super) fn target(&self, session_id: String) -> Target {
        let owners = self.owners.lock().unwrap_or_else(PoisonError::into_inner);
        let known = |v: &String| Some(v.clone()).filter(|v| !v.is_empty());
        let (identity, email) = owners
            .get(&session_id)
            .map(|(i, e)| (known(i), known(e)))
            .unwrap_or_default();
        Target {
            id: session_id,
            identity,
            email,
        }
    }

    /// Runs the engine on targets with a fresh run id; `on` sees its progress.
    pub(super) async fn act(
        &self,
        op: Op,
        targets: Vec<Target>,
        query: Option<String>,
        walked_at: Option<String>,
        on: impl FnMut(&actions::Progress),
    ) -> actions::Report {
        let info = RunInfo::new(Some(self.profile.clone()), query).walked_at(walked_at);
        let stop = Stop::new();
        let key = {
            let mut runs = self.runs.lock().unwrap_or_else(PoisonError::into_inner);
            let key = runs.keys().max().map_or(0, |k| k + 1);
            runs.insert(key, stop.clone());
            key
        };
        self.ledger.begin(&info.run_id, targets.len());
        let report = self.engine.run(&op, &info, targets, &stop, on).await;
        self.runs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&key);
        self.ledger.end(&report);
        let skipped = report.not_attempted();
        if !skipped.is_empty() {
            match crate::audit::save_not_attempted(&self.audit_path, &report.run_id, &skipped) {
                Ok(path) => self.ledger.listed(path),
                Err(e) => tracing::warn!(error = %e, "the ids not attempted were not saved"),
            }
        }
        report
    }

    /// Stops every destructive run at once: nothing more is sent, what is in flight ends
    /// as unknown with its outcome line, the rest is not attempted.
    pub(super) fn hurry_runs(&self) {
        for stop in self
            .runs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .values()
        {
            stop.hurry(actions::StopReason::Cancelled);
        }
    }

    /// One target through the engine: its item, or why it could not be recorded.
    pub(super) async fn act_one(&self, op: Op, target: Target) -> Result<actions::Item, Failure> {
        let report = self.act(op, vec![target], None, None, |_| {}).await;
        let item = report
            .items
            .into_iter()
            .next()
            .ok_or(Failure::Engine("reported nothing"))?;
        match &report.stopped {
            Some(actions::StopReason::AuditFailed(e))
                if item.outcome == actions::Outcome::NotAttempted =>
            {
                Err(Failure::AuditBeforeSend { reason: e.clone() })
            }
            // Sent, but its outcome line is missing: say so rather than report a clean result.
            Some(actions::StopReason::AuditFailed(e)) => Err(Failure::AuditAfterSend {
                target: item.target.id.clone(),
                outcome: item.outcome.audit().as_str().to_string(),
                reason: e.clone(),
            }),
            _ => Ok(item),
        }
    }

    pub(super) async fn invalidate(
        &self,
        source: ListSource,
        session_id: String,
    ) -> Result<Outcome, Failure> {
        let op = match source {
            ListSource::Sessions => Op::SessionInvalidate,
            ListSource::MySessions => Op::ClientInvalidate(self.user_token()?),
        };
        let item = self.act_one(op, self.target(session_id.clone())).await?;
        match item.outcome {
            actions::Outcome::Done | actions::Outcome::ConfirmedByRetry => {
                Ok(Outcome::Invalidated {
                    session_id,
                    already_gone: false,
                    request_id: item.request_id,
                })
            }
            // The client endpoint answers NotFound for another user's session too.
            actions::Outcome::NotFound if source == ListSource::MySessions => {
                Err(Failure::NotYours {
                    session_id,
                    request_id: item.request_id,
                })
            }
            actions::Outcome::NotFound => Ok(Outcome::Invalidated {
                session_id,
                already_gone: true,
                request_id: item.request_id,
            }),
            other => Err(item_failure(other)),
        }
    }

    pub(super) async fn logout(&self, user_id: String) -> Result<Outcome, Failure> {
        let item = self
            .act_one(Op::SessionLogout, Target::id(user_id.clone()))
            .await?;
        match item.outcome {
            o if o.ended() || o == actions::Outcome::NotFound => Ok(Outcome::LoggedOut {
                user_id,
                request_id: item.request_id.unwrap_or_default(),
            }),
            other => Err(item_failure(other)),
        }
    }

    pub(super) async fn bulk_invalidate(
        &self,
        session_ids: Vec<String>,
        query: Option<String>,
        walked_at: Option<String>,
        reply: &Reply,
    ) -> Result<Outcome, Failure> {
        let targets = session_ids.into_iter().map(|id| self.target(id)).collect();
        let report = self
            .act(Op::SessionInvalidate, targets, query, walked_at, |p| {
                if let actions::Progress::Finished {
                    item,
                    finished,
                    total,
                } = p
                {
                    reply.progress(EventKind::Progress {
                        session_id: item.target.id.clone(),
                        outcome: match &item.outcome {
                            o if o.ended() => ItemOutcome::Done,
                            actions::Outcome::NotFound => ItemOutcome::AlreadyGone,
                            other => ItemOutcome::Failed(item_failure(other.clone())),
                        },
                        finished: *finished,
                        total: *total,
                    });
                }
            })
            .await;
        let (mut done, mut already_gone, mut failed, mut not_attempted) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for item in report.items {
            let id = item.target.id;
            match item.outcome {
                o if o.ended() => done.push(id),
                actions::Outcome::NotFound => already_gone.push(id),
                actions::Outcome::NotAttempted => not_attempted.push(id),
                other => failed.push((id, item_failure(other))),
            }
        }
        tracing::info!(
            done = done.len(),
            already_gone = already_gone.len(),
            failed = failed.len(),
            not_attempted = not_attempted.len(),
            "bulk invalidation finished"
        );
        Ok(Outcome::Bulk {
            done,
            already_gone,
            failed,
            not_attempted,
            stopped: report.stopped.map(|r| r.to_string()),
        })
    }

    /// Walks the table's result set (pages of the server's largest size, local terms
    /// applied) for the act-on-query dialog, with the project's whole count beside it.
    /// `None`: the walk was cancelled before its last page.
    pub(super) async fn census(&self, set: ResultSet) -> Result<Option<Outcome>, Failure> {
        let cancel = tokio_util::sync::CancellationToken::new();
        let snapshot = results::snapshot(
            &self.client,
            crate::authn::ListScope::Service,
            &set,
            results::Walk {
                sample: SAMPLE,
                whole: true,
                window: self.walk_window,
            },
            &cancel,
            |_| {},
        )
        .await
        .map_err(|e| e.error)?;
        let Some(snapshot) = snapshot else {
            return Ok(None);
        };
        let none = String::new();
        self.remember_owners(snapshot.targets.iter().map(|t| {
            (
                &t.id,
                t.identity.as_ref().unwrap_or(&none),
                t.email.as_ref().unwrap_or(&none),
            )
        }));
        Ok(Some(Outcome::Census(Box::new(snapshot))))
    }

    pub(super) async fn user_scope(&self, user_id: String) -> Result<Outcome, Failure> {
        let total = results::user_sessions(&self.client, &user_id).await?;
        Ok(Outcome::UserScope { user_id, total })
    }
    pub(super) async fn client_logout(&self) -> Result<Outcome, Failure> {
        let (token, target) = {
            let t = self.tokens();
            let token = t.user.clone().ok_or(Failure::NoUserToken)?;
            // The session itself is not known by id here; its active token id is, once checked.
            let target = t
                .active_id
                .clone()
                .unwrap_or_else(|| "current-session".into());
            (token, target)
        };
        let item = self
            .act_one(Op::ClientLogout(token), Target::id(target))
            .await?;
        match item.outcome {
            o if o.ended() => Ok(Outcome::ClientLoggedOut {
                request_id: item.request_id.unwrap_or_default(),
            }),
            other => Err(item_failure(other)),
        }
    }

    /// Refreshes through the one shared flow ([`crate::actions::refresh`]), then swaps
    /// the pair in memory.
    pub(super) async fn refresh(&self) -> Result<Outcome, Failure> {
        let _gate = self.refresh_gate.lock().await;
        let (refresh, user, old_token_id) = {
            let t = self.tokens();
            (t.refresh.clone(), t.user.clone(), t.active_id.clone())
        };
        let result = refresh_and_save(
            &self.client,
            refresh.as_ref(),
            user.as_ref(),
            self.token_file.as_deref(),
        )
        .await;
        let (done, note) = match result {
            Ok(done) => (done, None),
            Err(e) => {
                let text = e.to_string();
                match e {
                    RefreshError::Api(e) => return Err(Failure::Api(e)),
                    RefreshError::NotSaved { refreshed, .. } => {
                        tracing::error!(error = %text, "refreshed, but the token file was not written");
                        (*refreshed, Some(text))
                    }
                    _ => return Err(Failure::Refresh(text)),
                }
            }
        };
        let active_id = done.active.as_ref().map(|i| i.id.clone());
        {
            let mut t = self.tokens();
            t.user = Some(done.pair.user_token.clone());
            t.refresh = Some(done.pair.refresh_token.clone());
            t.active_id.clone_from(&active_id);
        }
        let Some(active) = done.active else {
            return Err(Failure::Api(Error::Decode {
                http_status: 200,
                request_id: Some(done.request_id),
                reason: "refresh returned no active token".into(),
                snippet: String::new(),
            }));
        };
        tracing::info!(
            old_token_id = old_token_id.as_deref().unwrap_or("unknown"),
            new_token_id = %active.id,
            expire = %active.expire,
            adopted = done.adopted,
            "user token refreshed"
        );
        Ok(Outcome::Refreshed(Box::new(RefreshRecord {
            at: Timestamp::now(),
            old_token_id,
            new_token: active,
            latency: done.latency,
            request_id: done.request_id,
            session_expire: done.session_expire,
            note,
        })))
    }

    pub(super) async fn token_check(&self) -> Result<Outcome, Failure> {
        let token = self.user_token()?;
        let info = self.client.token_check(&token).await?.result;
        {
            let mut t = self.tokens();
            // A refresh may have replaced the token while the check was in flight.
            if t.user.as_ref() == Some(&token) {
                t.active_id = Some(info.id.clone());
            }
        }
        Ok(Outcome::TokenChecked(Box::new(info)))
    }
}
