//! Commands in flight: ids, the pending table, the busy marks on rows, and what the tick
//! starts on its own (auto-reload, auto-refresh).

use super::{App, Command, CommandId, ListSource, Tab, clock};
use std::time::Duration;

impl App {
    pub(crate) fn take_id(&mut self) -> CommandId {
        let id = self.flights.next_id;
        self.flights.next_id += 1;
        id
    }

    /// Records a command as in flight and sends it.
    pub(crate) fn dispatch(&mut self, cmd: Command, out: &mut Vec<Command>) {
        if let Some(id) = cmd.id() {
            for key in busy_keys(&cmd) {
                *self.flights.busy.entry(key).or_default() += 1;
            }
            if let Command::Refresh { .. } = cmd {
                self.token.refreshing = Some(id);
            }
            self.flights.pending.insert(id, cmd.clone());
        }
        out.push(cmd);
    }

    pub(crate) fn settle(&mut self, cmd: &Command) {
        for key in busy_keys(cmd) {
            if let Some(n) = self.flights.busy.get_mut(&key) {
                *n -= 1;
                if *n == 0 {
                    self.flights.busy.remove(&key);
                }
            }
        }
    }

    /// Requests a page of a table with the given cursor stack.
    pub(crate) fn load(
        &mut self,
        source: ListSource,
        cursors: Vec<Option<String>>,
        out: &mut Vec<Command>,
    ) {
        // Relative times slide: the set resolves its times again at this moment.
        let now = self.now;
        if let Ok(set) = self.table(source).set.at(now) {
            self.table_mut(source).set = set;
        }
        if self.table(source).walked() {
            self.walk_matches(source, out);
            return;
        }
        let id = self.take_id();
        let (generation, query) = self.table_mut(source).request(cursors);
        self.dispatch(
            Command::List {
                id,
                generation,
                source,
                query,
            },
            out,
        );
    }

    pub(crate) fn reload(&mut self, source: ListSource, out: &mut Vec<Command>) {
        let cursors = self.table(source).cursors.clone();
        self.load(source, cursors, out);
        if matches!(self.tab, Tab::Users | Tab::Insights) {
            self.walks.aggregate_of = None;
            self.ensure_aggregate(out);
        }
    }

    pub(crate) fn on_tick(&mut self, out: &mut Vec<Command>) {
        if !self.flights.pending.is_empty() {
            self.status.spinner = self.status.spinner.wrapping_add(1);
        }
        if let (Some(every), Some(source)) = (self.setup.auto_reload, self.current_source()) {
            let every = i64::try_from(every.as_millis()).unwrap_or(i64::MAX);
            let t = self.table(source);
            // After a failure the back-off decides; otherwise the period since the last
            // successful load.
            let age = |d: Duration| {
                let d = i64::try_from(d.as_millis()).unwrap_or(i64::MAX);
                t.last_loaded
                    .is_some_and(|at| clock::millis(at, self.now) >= d)
            };
            let due = match t.retry_at {
                Some(at) => self.now >= at,
                // A walked result (local terms) reads every matching page: the reload
                // timer leaves it alone until it is `rewalk_after` old; `r` walks at once.
                None if t.walked() => self.setup.rewalk_after.is_some_and(age),
                None => t
                    .last_loaded
                    .is_some_and(|at| clock::millis(at, self.now) >= every),
            };
            // A signed-out user's list can only fail: stop polling it.
            let signed_out = source == ListSource::MySessions && self.token.signed_out();
            if due
                && !signed_out
                && !t.loading
                && !self.flights.paused
                && self.dialog().is_none()
                && self.editor().is_none()
            {
                self.reload(source, out);
            }
        }
        self.poll_if_due(out);
        if self.setup.has_user_token && self.token.due(&self.setup.policy, self.now) {
            let id = self.take_id();
            self.dispatch(Command::Refresh { id }, out);
        }
    }
}

/// The session and user ids a command acts on, for the in-flight marks.
pub(crate) fn busy_keys(cmd: &Command) -> Vec<String> {
    match cmd {
        Command::Invalidate { session_id, .. } => vec![session_id.clone()],
        Command::Logout { user_id, .. } => vec![user_id.clone()],
        Command::BulkInvalidate { session_ids, .. } => session_ids.clone(),
        _ => Vec::new(),
    }
}
