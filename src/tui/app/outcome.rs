//! Worker events: progress, retries and the one terminal outcome of each command.
//!
//! A non-terminal event reads its command in place (a bulk run's progress events never
//! copy the command and its thousands of ids); the terminal one takes it out of flight.

use super::{
    App, Command, Effect, ErrorKey, Event, EventKind, Failure, ItemOutcome, Level, ListSource,
    Outcome, Page, RefreshRecord, SignedOut, clock, log, sanitize, strings,
};
use crate::tui::screens::token::state as token;

impl App {
    /// One worker event about a command in flight (events about unknown ids are dropped).
    pub(crate) fn on_event(&mut self, event: Event, out: &mut Vec<Command>) {
        if !event.is_terminal() {
            self.on_progress(event);
            return;
        }
        let Some(cmd) = self.flights.pending.remove(&event.id) else {
            return;
        };
        self.flights.retrying.remove(&event.id);
        self.settle(&cmd);
        match event.kind {
            EventKind::Done(outcome) => self.on_done(&cmd, outcome, out),
            EventKind::Failed(err) => self.on_failed(&cmd, &err, out),
            EventKind::Cancelled => self.on_cancelled(&cmd),
            EventKind::Progress { .. } | EventKind::Retrying { .. } | EventKind::Walking(_) => {}
        }
        if self.flights.quitting == super::Quitting::Waiting && self.destructive_in_flight() == 0 {
            self.flights.quitting = super::Quitting::Done;
            self.effects.push(Effect::Quit { force: false });
        }
    }

    /// A retry about to happen, or one item of a bulk run finished.
    fn on_progress(&mut self, event: Event) {
        let Some(cmd) = self.flights.pending.get(&event.id) else {
            return;
        };
        if let EventKind::Walking(progress) = event.kind {
            self.on_walk_progress(event.id, progress);
            return;
        }
        match event.kind {
            EventKind::Retrying {
                reason,
                attempt,
                of,
                ..
            } => {
                let what = match cmd {
                    Command::List { .. } => "list",
                    Command::Walk { .. } => "walk",
                    Command::MatchPage { .. } => "page of matches",
                    Command::Pulse { .. } => "poll",
                    Command::Refresh { .. } => "refresh",
                    Command::TokenCheck { .. } => "token check",
                    _ => "action",
                };
                let text = strings::retrying(what, &reason, attempt, of);
                self.flights.retrying.insert(event.id, text);
            }
            EventKind::Progress {
                session_id,
                outcome,
                finished,
                total,
            } => {
                self.status.progress = Some((finished, total));
                if matches!(outcome, ItemOutcome::Done | ItemOutcome::AlreadyGone) {
                    self.remove_sessions(&[session_id]);
                }
            }
            EventKind::Done(_)
            | EventKind::Failed(_)
            | EventKind::Cancelled
            | EventKind::Walking(_) => {}
        }
    }

    fn on_cancelled(&mut self, cmd: &Command) {
        match cmd {
            Command::List {
                source, generation, ..
            } => {
                let t = self.table_mut(*source);
                if t.generation == *generation {
                    t.list_failed();
                }
            }
            Command::Refresh { .. } => {
                self.token.refreshing = None;
                self.token.announce = false;
            }
            Command::Census { .. } | Command::UserScope { .. } => {
                self.walks.scope_row = None;
            }
            Command::Walk { .. } => self.on_walk_cancelled(cmd),
            Command::MatchPage { page, .. } => self.on_match_page_ended(page, None),
            Command::Pulse { id, .. } => self.on_pulse_cancelled(*id),
            _ => self.note(strings::ACTION_CANCELLED, vec![]),
        }
    }

    pub(crate) fn remove_sessions(&mut self, ids: &[String]) {
        let v = self.viewport();
        self.sessions.remove(ids.iter().map(String::as_str), v);
        self.mine.remove(ids.iter().map(String::as_str), v);
        self.forget_in_crumbs(ids);
        if self
            .detail
            .as_ref()
            .is_some_and(|d| ids.contains(&d.session.id))
        {
            self.detail = None;
        }
    }

    /// Notes which loaded session holds the TUI's token, for its expiry and for warnings.
    pub(crate) fn find_own_session(&mut self) {
        let own = self
            .sessions
            .rows
            .iter()
            .chain(self.mine.rows.iter())
            .find(|s| {
                s.active_token
                    .as_ref()
                    .is_some_and(|t| self.token.is_own_token(&t.id))
            })
            .map(|s| (s.id.clone(), s.expire));
        if let Some((id, expire)) = own {
            self.token.own_session = Some(id);
            // The refresh answer is the authority on when the session ends.
            if !self.token.session_from_refresh {
                self.token.session_expire = Some(expire);
            }
        }
    }

    /// Reloads the tables that show server state an action just changed.
    pub(crate) fn reload_after_action(&mut self, out: &mut Vec<Command>) {
        if self.setup.has_service && self.sessions.loaded_once {
            self.reload(ListSource::Sessions, out);
        }
        if self.mine.loaded_once {
            self.reload(ListSource::MySessions, out);
        }
    }

    fn on_done(&mut self, cmd: &Command, outcome: Outcome, out: &mut Vec<Command>) {
        match outcome {
            Outcome::Listed {
                generation,
                source,
                page,
                ..
            } => {
                self.on_listed(cmd, generation, source, page);
                self.after_page(source, out);
            }
            Outcome::Invalidated {
                session_id,
                already_gone,
                request_id,
            } => {
                self.succeeded(ErrorKey::Action);
                let text = strings::invalidated(&session_id, already_gone, request_id.as_deref());
                self.note(text, vec![]);
                self.remove_sessions(&[session_id]);
            }
            Outcome::LoggedOut {
                user_id,
                request_id,
            } => {
                self.succeeded(ErrorKey::Action);
                let v = self.viewport();
                self.sessions.remove_user(&user_id, v);
                self.mine.remove_user(&user_id, v);
                self.sessions.unmark_user(&user_id);
                self.forget_user_in_crumbs(&user_id);
                self.note(strings::logged_out_user(&user_id, &request_id), vec![]);
                self.reload_after_action(out);
            }
            Outcome::Bulk {
                done,
                already_gone,
                failed,
                not_attempted,
                stopped,
            } => {
                self.on_bulk_done(&done, &already_gone, &failed, &not_attempted, stopped);
                if let Command::BulkInvalidate {
                    walked_at: Some(at),
                    ..
                } = cmd
                {
                    self.note(strings::after_the_walk(at), vec![]);
                }
                self.reload_after_action(out);
            }
            Outcome::Census(census) => self.open_query_dialog(*census),
            Outcome::UserScope { user_id, total } => {
                self.status.flash = None;
                self.open_logout_dialog(&user_id, Ok(total));
            }
            Outcome::ClientLoggedOut { request_id } => {
                self.succeeded(ErrorKey::Action);
                self.token.signed_out = Some(SignedOut::LoggedOut);
                self.token.retry_at = None;
                self.token.last_error = Some(strings::SESSION_LOGGED_OUT.to_string());
                if let Some(own) = self.token.own_session.clone() {
                    self.remove_sessions(&[own]);
                }
                self.note(strings::logged_out_self(&request_id), vec![]);
            }
            Outcome::Refreshed(record) => self.on_refreshed(*record, out),
            Outcome::Walked(walked) => self.on_walked(cmd, *walked),
            Outcome::MatchPage {
                generation,
                source,
                page,
                sessions,
            } => self.on_match_page(generation, source, page, sessions),
            Outcome::Pulsed { sessions, more, .. } => {
                if let Some(id) = cmd.id() {
                    self.on_pulsed(id, sessions, more);
                }
            }
            Outcome::TokenChecked(info) => {
                self.succeeded(ErrorKey::Token);
                self.token.learn(*info);
                self.find_own_session();
            }
        }
    }

    /// A page arrived: applied only if it answers the table's latest request.
    fn on_listed(&mut self, cmd: &Command, generation: u64, source: ListSource, page: Page) {
        let Command::List {
            source: sent_source,
            generation: sent_generation,
            ..
        } = cmd
        else {
            return;
        };
        let v = self.viewport();
        let now = self.now;
        let sent = self.table_mut(*sent_source);
        let current = sent.generation == *sent_generation;
        if source != *sent_source || generation != *sent_generation {
            // A confused answer: drop it, but do not leave the table loading forever.
            if current {
                sent.list_failed();
            }
            return;
        }
        if !current {
            return;
        }
        let t = self.table_mut(source);
        t.apply_page(page, now, v);
        t.load_error = None;
        // The detail view shows the newest copy of its session, not the one it opened with.
        let fresh = self
            .detail
            .as_ref()
            .filter(|d| d.source == source)
            .and_then(|d| {
                self.table(source)
                    .rows
                    .iter()
                    .find(|s| s.id == d.session.id)
            })
            .cloned();
        if let (Some(fresh), Some(d)) = (fresh, &mut self.detail) {
            d.session = fresh;
        }
        self.succeeded(ErrorKey::List(source));
        self.find_own_session();
    }

    /// A bulk run ended: rows gone, a summary, and every failure in the log.
    fn on_bulk_done(
        &mut self,
        done: &[String],
        already_gone: &[String],
        failed: &[(String, Failure)],
        not_attempted: &[String],
        stopped: Option<String>,
    ) {
        self.status.progress = None;
        let gone: Vec<String> = done.iter().chain(already_gone).cloned().collect();
        self.remove_sessions(&gone);
        let text = strings::bulk_summary(
            done.len(),
            already_gone.len(),
            failed.len(),
            not_attempted.len(),
            stopped.as_deref(),
        );
        let mut details: Vec<String> = failed
            .iter()
            .map(|(id, e)| {
                let mut line = strings::failed_item(id, &e.to_string());
                if let Some(rid) = e.request_id() {
                    line = strings::with_request_id(&line, rid);
                }
                sanitize::clean(&line).into_owned()
            })
            .collect();
        details.extend(not_attempted.iter().map(|id| strings::not_attempted(id)));
        let problems = !failed.is_empty() || !not_attempted.is_empty();
        self.status.log.push(
            self.now,
            if problems { Level::Error } else { Level::Info },
            text.clone(),
            details,
        );
        if problems {
            self.set_error(ErrorKey::Action, strings::see_log(&text));
        } else {
            self.succeeded(ErrorKey::Action);
            self.say(text);
        }
    }

    /// The user token was refreshed: new expiry, history, and whether it can go on.
    fn on_refreshed(&mut self, record: RefreshRecord, out: &mut Vec<Command>) {
        self.token.refreshing = None;
        self.token.failures = 0;
        self.token.retry_at = None;
        self.token.last_error = None;
        if let Some(end) = record.session_expire {
            self.token.session_expire = Some(end);
            self.token.session_from_refresh = true;
        }
        // A refresh that does not move the expiry later (the session caps the
        // token) cannot be improved on by refreshing again: stop, and say so.
        let old_expire = self.token.info.as_ref().map(|i| i.expire);
        let new_expire = record.new_token.expire;
        let capped = record
            .session_expire
            .is_some_and(|end| clock::millis(new_expire, end) <= 1_000);
        self.token.ending =
            capped || old_expire.is_some_and(|old| clock::millis(old, new_expire) <= 1_000);
        if self.token.ending {
            self.say(strings::session_ends(
                &new_expire.strftime("%H:%M").to_string(),
                &clock::until(new_expire, self.now),
            ));
        }
        if let Some(note) = &record.note {
            self.status.error = Some(sanitize::clean(note).into_owned());
        }
        // The list that found the token expired is loaded again with the new one,
        // rather than after a whole back-off period.
        let reload_mine = self.token.refused_expired
            && self.mine.failures > 0
            && !self.mine.loading
            && self.current_source() == Some(ListSource::MySessions);
        self.token.learn(record.new_token.clone());
        if reload_mine {
            self.reload(ListSource::MySessions, out);
        }
        self.token.history.push(record);
        self.find_own_session();
        // Automatic refreshes show in the Token tab's history; a flash for each one
        // would push results the user is waiting for off the status line.
        if std::mem::take(&mut self.token.announce) {
            self.say(strings::TOKEN_REFRESHED);
        }
    }

    fn on_failed(&mut self, cmd: &Command, err: &Failure, out: &mut Vec<Command>) {
        match cmd {
            Command::Walk { walk, .. } => {
                self.on_walk_ended(cmd);
                let every = self.setup.auto_reload;
                let now = self.now;
                let t = self.table_mut(walk.source);
                if walk.goal == crate::tui::command::WalkGoal::Matches
                    && t.generation == walk.generation
                {
                    // A walk that failed counted nothing: no "0 matched", the error and
                    // (when the server did not answer) the offline badge instead.
                    t.load_error = Some(sanitize::clean(&log::cause(err)).into_owned());
                    t.count = None;
                    t.back_off(now, every, err);
                }
                self.fail(ErrorKey::List(walk.source), strings::WALK_FAILED, err);
            }
            Command::MatchPage { page, .. } => self.on_match_page_ended(page, Some(err)),
            Command::Pulse { id, .. } => self.on_pulse_failed(*id, err),
            Command::List {
                source, generation, ..
            } => {
                let t = self.table_mut(*source);
                if t.generation != *generation {
                    return;
                }
                t.list_failed();
                t.load_error = Some(sanitize::clean(&log::cause(err)).into_owned());
                let every = self.setup.auto_reload;
                let now = self.now;
                self.table_mut(*source).back_off(now, every, err);
                if *source == ListSource::MySessions && err.is_signed_out() {
                    self.token_refused(err, out);
                } else {
                    self.fail(ErrorKey::List(*source), strings::LOAD_FAILED, err);
                }
            }
            // A row of the project's list that the server no longer knows: someone else
            // ended it. (The client endpoint's NotFound may be another user's session, so
            // there it stays an error.)
            Command::Invalidate {
                session_id,
                source: ListSource::Sessions,
                ..
            } if err.is_not_found() => {
                self.succeeded(ErrorKey::Action);
                self.note(strings::invalidated(session_id, true, None), vec![]);
                self.remove_sessions(std::slice::from_ref(session_id));
            }
            Command::Invalidate { session_id, .. } => {
                self.fail(
                    ErrorKey::Action,
                    &strings::invalidate_failed(session_id),
                    err,
                );
            }
            Command::Logout { user_id, .. } => {
                self.fail(ErrorKey::Action, &strings::logout_user_failed(user_id), err);
            }
            Command::BulkInvalidate { .. } => {
                self.status.progress = None;
                self.fail(ErrorKey::Action, strings::BULK_FAILED, err);
            }
            Command::Census { .. } => {
                self.fail(ErrorKey::Action, strings::CENSUS_FAILED, err);
            }
            Command::UserScope { user_id, .. } => {
                let user_id = user_id.clone();
                self.status.log.push(
                    self.now,
                    Level::Error,
                    sanitize::clean(&strings::counting_user_failed(&user_id, &err.to_string()))
                        .into_owned(),
                    vec![],
                );
                self.open_logout_dialog(&user_id, Err(log::cause(err)));
            }
            Command::ClientLogout { .. } => {
                self.fail(ErrorKey::Action, strings::LOGOUT_SELF_FAILED, err);
            }
            Command::Refresh { .. } => self.refresh_failed(err),
            Command::TokenCheck { .. } => {
                if err.is_signed_out() {
                    self.token_refused(err, out);
                } else {
                    self.fail(ErrorKey::Token, strings::TOKEN_CHECK_FAILED, err);
                }
            }
            Command::CancelWalk { .. } | Command::Shutdown { .. } => {}
        }
    }

    /// The active token was refused (`ExpiredToken`/`InvalidToken`) by a list or a
    /// check. While a refresh token lives that means "refresh now", never "signed out":
    /// only a refused refresh ends the session.
    pub(crate) fn token_refused(&mut self, err: &Failure, out: &mut Vec<Command>) {
        if self.token.signed_out() {
            return;
        }
        if !self.setup.has_refresh_token || self.token.ending {
            let why = match err.api_status() {
                Some(crate::authn::ApiStatus::ExpiredToken) => SignedOut::Expired,
                _ => SignedOut::Revoked,
            };
            self.signed_out(err, why);
            return;
        }
        self.token.refused_expired = true;
        if self.token.refreshing.is_none() {
            // An earlier failure's back-off does not apply: the token is unusable now.
            self.token.retry_at = None;
            let id = self.take_id();
            self.dispatch(Command::Refresh { id }, out);
        }
    }

    pub(crate) fn signed_out(&mut self, err: &Failure, why: SignedOut) {
        let text = strings::signed_out(why.explain());
        self.token.signed_out = Some(why);
        self.token.retry_at = None;
        self.token.last_error = Some(sanitize::clean(&err.to_string()).into_owned());
        self.fail(ErrorKey::Token, &text, err);
    }

    /// A refresh failed: refused means signed out; anything else is retried later.
    fn refresh_failed(&mut self, err: &Failure) {
        self.token.refreshing = None;
        self.token.announce = false;
        // Only the refresh itself being refused means the session is over.
        if err.is_signed_out() {
            let why = match err.api_status() {
                Some(crate::authn::ApiStatus::ExpiredToken) => SignedOut::Expired,
                _ => SignedOut::Revoked,
            };
            self.signed_out(err, why);
        } else {
            self.token.failures += 1;
            let remaining = self
                .token
                .info
                .as_ref()
                .map(|i| clock::millis(self.now, i.expire));
            let wait = token::retry_delay(self.token.failures, remaining, err.retry_after());
            let ms = i64::try_from(wait.as_millis()).unwrap_or(i64::MAX);
            self.token.retry_at = Some(clock::shift(self.now, ms));
            self.token.last_error = Some(sanitize::clean(&err.to_string()).into_owned());
            let text = strings::refresh_retrying(&clock::short(ms / 1000));
            self.token.retry_said = Some(text.clone());
            self.say(text);
        }
    }
}
