//! The Pulses tab: move through the arrivals, open one, poll now; and the polls
//! themselves: when one is due, what its answer or its failure changes.
//!
//! Polls run only while the tab is shown: nobody reads a pulse on another tab, and the
//! tail starts again from the newest login seen, so a return lists every login that
//! arrived meanwhile, each once.

use crate::authn::model::Session;
use crate::investigate::tail::Backoff;
use crate::sanitize;
use crate::tui::app::log::{self, Level};
use crate::tui::app::{App, DetailView, Tab, clock};
use crate::tui::command::{Command, CommandId, Failure, ListSource};
use crate::tui::keymap::Action;
use crate::tui::layout;
use crate::tui::screens::pulses::state::{POLL_AT_MOST, POLL_EVERY, POLL_PAGES};
use crate::tui::strings;
use std::time::Duration;

/// Takes the Pulses tab's actions.
pub(crate) fn handle(app: &mut App, action: Action, out: &mut Vec<Command>) -> bool {
    let step = layout::page_step(app.viewport());
    let p = &mut app.pulses;
    match action {
        Action::Down => p.move_by(1),
        Action::Up => p.move_by(-1),
        Action::PageDown => p.move_by(step),
        Action::PageUp => p.move_by(-step),
        Action::Top => p.move_by(isize::MIN / 2),
        Action::Bottom => p.move_by(isize::MAX / 2),
        Action::OpenArrival => app.open_arrival(),
        Action::Reload => app.poll_now(out),
        _ => return false,
    }
    true
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

impl App {
    /// The Pulses tab's figures and arrivals.
    pub fn pulses(&self) -> &crate::tui::screens::pulses::state::PulsesView {
        &self.pulses
    }

    /// Pulses tab, `Enter`: the selected arrival's detail view.
    pub(crate) fn open_arrival(&mut self) {
        if let Some(a) = self.pulses.selected() {
            self.detail = Some(DetailView::new(ListSource::Sessions, a.session.clone()));
        }
    }

    /// Pulses tab, `r`: a poll now, and the short wait again after it.
    pub(crate) fn poll_now(&mut self, out: &mut Vec<Command>) {
        self.pulses.backoff = Backoff::new(POLL_EVERY, POLL_AT_MOST);
        self.pulses.next_poll = None;
        self.poll_if_due(out);
    }

    /// Sends the next poll when the Pulses tab is shown, polling is not paused (`p`), none
    /// is in flight and its wait is over (the tick, showing the tab and `p` call this).
    pub(crate) fn poll_if_due(&mut self, out: &mut Vec<Command>) {
        let p = &self.pulses;
        if self.tab != Tab::Pulses
            || self.flights.paused
            || !self.setup.has_service
            || p.polling.is_some()
            || p.next_poll.is_some_and(|at| self.now < at)
        {
            return;
        }
        let request = self.pulses.request(self.now);
        let id = self.take_id();
        self.pulses.polling = Some(id);
        self.pulses.next_poll = None;
        let cmd = Command::Pulse {
            id,
            request: Box::new(request),
            pages: POLL_PAGES,
        };
        self.dispatch(cmd, out);
    }

    /// A poll's answer: new logins in, the error gone, the next poll scheduled (at once
    /// when the poll stopped at its page limit).
    pub(crate) fn on_pulsed(&mut self, id: CommandId, sessions: Vec<Session>, more: bool) {
        let now = self.now;
        let p = &mut self.pulses;
        if p.polling == Some(id) {
            p.polling = None;
        }
        let found = p.take(sessions, now);
        p.error = None;
        p.polled_at = Some(now);
        let wait = if more {
            Duration::ZERO
        } else {
            p.backoff.after(found > 0)
        };
        p.next_poll = Some(clock::shift(now, millis(wait)));
    }

    /// A poll failed: said on the tab and in the message log with its request id; the
    /// next one waits longer, and at least what the server asked for.
    pub(crate) fn on_pulse_failed(&mut self, id: CommandId, err: &Failure) {
        let now = self.now;
        let p = &mut self.pulses;
        if p.polling == Some(id) {
            p.polling = None;
        }
        let wait = p
            .backoff
            .after(false)
            .max(err.retry_after().unwrap_or_default());
        p.next_poll = Some(clock::shift(now, millis(wait)));
        let mut text = format!("{}: {}", strings::POLL_FAILED, log::cause(err));
        if let Some(rid) = err.request_id() {
            text = strings::with_request_id(&text, rid);
        }
        let text = sanitize::clean(&text).into_owned();
        p.error = Some(text.clone());
        self.status.log.push(now, Level::Error, text, vec![]);
    }

    /// A poll abandoned: the next one may go.
    pub(crate) fn on_pulse_cancelled(&mut self, id: CommandId) {
        if self.pulses.polling == Some(id) {
            self.pulses.polling = None;
        }
    }
}
