//! The Pulses tab's state: the tail of logins (which request asks for the next ones,
//! which sessions are new), the wait before the next poll, the logins per minute, and
//! the latest arrivals with what the table would show of them.
//!
//! Pure: the app passes `now`; the worker only runs the request the tail builds.

use crate::authn::model::{Filter, Session, SessionListRequest, Timestamp};
use crate::clock;
use crate::investigate::facts::{self, Risk};
use crate::investigate::tail::{Backoff, Tail};
use crate::tui::command::CommandId;
use std::collections::{BTreeMap, VecDeque};
use std::time::Duration;

/// The wait after a poll that found logins.
pub const POLL_EVERY: Duration = Duration::from_secs(2);
/// The longest wait while polls find nothing or fail.
pub const POLL_AT_MOST: Duration = Duration::from_secs(30);
/// How far back the first poll looks, and the most minutes the chart keeps.
pub const WINDOW_MINUTES: i64 = 120;
/// Arrivals kept for the list, newest first.
pub const ARRIVALS_KEPT: usize = 500;
/// Sessions a page of a poll asks for.
pub const POLL_PAGE: u32 = 1000;
/// Pages one poll reads at most; a poll that stops there is followed by another at once.
pub const POLL_PAGES: usize = 5;

/// One login as the list shows it: the session and what is worked out of it once.
#[derive(Debug, Clone)]
pub struct Arrival {
    /// The session, as the server listed it.
    pub session: Session,
    /// `Paris, FR`, when the server sent a location.
    pub location: Option<String>,
    /// The browser or client, from the user agent.
    pub device: Option<String>,
    /// Its risk signals.
    pub risk: Risk,
}

impl Arrival {
    fn of(session: Session) -> Self {
        Self {
            location: facts::location(&session),
            device: facts::user_agent(&session)
                .map(|ua| crate::investigate::device::parse(ua).label()),
            risk: Risk::of(&session),
            session,
        }
    }
}

/// Logins in one minute: all of them, and those with a risk flag raised.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Minute {
    /// Logins.
    pub total: u64,
    /// Logins with a risk flag raised.
    pub risky: u64,
}

/// The Pulses tab.
#[derive(Debug, Clone)]
pub struct PulsesView {
    /// What has been seen; None until the tab is first shown.
    pub(crate) tail: Option<Tail>,
    pub(crate) backoff: Backoff,
    /// The poll in flight.
    pub(crate) polling: Option<CommandId>,
    /// When the next poll is due (None: at once, when the tab is shown).
    pub(crate) next_poll: Option<Timestamp>,
    /// Newest first.
    pub(crate) arrivals: VecDeque<Arrival>,
    /// Logins per minute, by the minute's start (seconds since the epoch).
    pub(crate) minutes: BTreeMap<i64, Minute>,
    /// Logins seen since the tab was first shown.
    pub(crate) seen: u64,
    pub(crate) selected: usize,
    /// The last poll's failure, with its request id, until a poll succeeds.
    pub(crate) error: Option<String>,
    /// When the last poll succeeded.
    pub(crate) polled_at: Option<Timestamp>,
    /// Logins before this were never asked for: the chart leaves those minutes blank.
    pub(crate) from: Option<Timestamp>,
}

impl Default for PulsesView {
    fn default() -> Self {
        Self {
            tail: None,
            backoff: Backoff::new(POLL_EVERY, POLL_AT_MOST),
            polling: None,
            next_poll: None,
            arrivals: VecDeque::new(),
            minutes: BTreeMap::new(),
            seen: 0,
            selected: 0,
            error: None,
            polled_at: None,
            from: None,
        }
    }
}

/// The start of the minute `t` falls in, in seconds since the epoch.
pub fn minute_of(t: Timestamp) -> i64 {
    t.as_second().div_euclid(60) * 60
}

impl PulsesView {
    /// The request of the next poll; the first one starts the tail at `now` less the
    /// chart's window, every login the project has since.
    pub(crate) fn request(&mut self, now: Timestamp) -> SessionListRequest {
        if self.tail.is_none() {
            let from = clock::shift(now, -WINDOW_MINUTES * 60_000);
            self.from = Some(from);
            let mut base = Filter::default();
            base.0
                .insert("created_at__gte".into(), from.to_string().into());
            self.tail = Some(Tail::new(base, None));
        }
        self.tail
            .as_ref()
            .map(|t| t.request(POLL_PAGE))
            .unwrap_or_default()
    }

    /// Takes a poll's sessions: the new ones become arrivals (newest first) and count in
    /// their minute; returns how many were new. The selection stays on its row unless
    /// it was on the newest, which it follows.
    pub(crate) fn take(&mut self, sessions: Vec<Session>, now: Timestamp) -> usize {
        let Some(tail) = &mut self.tail else {
            return 0;
        };
        let mut fresh = tail.take(sessions);
        fresh.sort_by_key(|s| s.created_at);
        let n = fresh.len();
        for s in fresh {
            let a = Arrival::of(s);
            let m = self
                .minutes
                .entry(minute_of(a.session.created_at))
                .or_default();
            m.total += 1;
            m.risky += u64::from(a.risk.is_flagged());
            self.arrivals.push_front(a);
        }
        self.arrivals.truncate(ARRIVALS_KEPT);
        self.seen += n as u64;
        if self.selected > 0 {
            self.selected = (self.selected + n).min(self.arrivals.len().saturating_sub(1));
        }
        let oldest = minute_of(now) - (WINDOW_MINUTES - 1) * 60;
        self.minutes.retain(|m, _| *m >= oldest);
        n
    }

    /// The latest arrivals, newest first.
    pub fn arrivals(&self) -> impl ExactSizeIterator<Item = &Arrival> {
        self.arrivals.iter()
    }

    /// The arrival selected.
    pub fn selected(&self) -> Option<&Arrival> {
        self.arrivals.get(self.selected)
    }

    /// Index of the selected arrival.
    pub fn selected_index(&self) -> usize {
        self.selected
    }

    /// Moves the selection, within the arrivals.
    pub(crate) fn move_by(&mut self, delta: isize) {
        let last = self.arrivals.len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
    }

    /// The `n` minutes up to and including `now`'s, oldest first: each minute's start
    /// and its logins (None for a minute before the first poll asked for any).
    pub fn chart(&self, now: Timestamp, n: usize) -> Vec<(i64, Option<Minute>)> {
        let last = minute_of(now);
        let from = self.from.map(minute_of);
        let n = i64::try_from(n).unwrap_or(0).min(WINDOW_MINUTES);
        (0..n)
            .rev()
            .map(|k| {
                let m = last - k * 60;
                let known = from.is_some_and(|f| m >= f);
                (
                    m,
                    known.then(|| self.minutes.get(&m).copied().unwrap_or_default()),
                )
            })
            .collect()
    }

    /// The last poll's failure, with its request id, until a poll succeeds.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// When the next poll is due, while one is scheduled.
    pub fn next_poll(&self) -> Option<Timestamp> {
        self.next_poll
    }

    /// A poll is in flight.
    pub fn polling(&self) -> bool {
        self.polling.is_some()
    }

    /// When the last poll succeeded.
    pub fn polled_at(&self) -> Option<Timestamp> {
        self.polled_at
    }

    /// Logins seen since the tab was first shown.
    pub fn seen(&self) -> u64 {
        self.seen
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::investigate::tail::fixtures::{at, session as login};

    #[test]
    fn minutes_before_the_first_poll_are_unknown_and_old_minutes_are_dropped() {
        let mut v = PulsesView::default();
        let start = at(0);
        let _ = v.request(start);
        let chart = v.chart(start, 200);
        assert_eq!(chart.len(), 120, "two hours at most");
        assert!(chart.iter().all(|(_, m)| m.is_some()));
        // Three hours on: the first poll's window is past, its minutes forgotten.
        v.take(vec![login("a", 60)], start);
        assert_eq!(v.minutes.len(), 1);
        let later = at(3 * 3600);
        v.take(vec![login("b", 3 * 3600 - 30)], later);
        assert_eq!(v.minutes.len(), 1, "{:?}", v.minutes);
        let fresh = PulsesView::default();
        assert!(fresh.chart(start, 3).iter().all(|(_, m)| m.is_none()));
    }

    #[test]
    fn the_arrivals_keep_the_newest_and_the_selection_stays_within_them() {
        let mut v = PulsesView::default();
        let _ = v.request(at(0));
        let many: Vec<Session> = (0..ARRIVALS_KEPT + 20)
            .map(|i| login(&format!("s{i}"), i64::try_from(i).unwrap_or(0)))
            .collect();
        v.selected = 3;
        v.take(many, at(0));
        assert_eq!(v.arrivals.len(), ARRIVALS_KEPT);
        assert_eq!(v.seen, (ARRIVALS_KEPT + 20) as u64);
        assert_eq!(
            v.arrivals.front().map(|a| a.session.id.as_str()),
            Some(format!("s{}", ARRIVALS_KEPT + 19).as_str())
        );
        assert!(v.selected < ARRIVALS_KEPT);
    }
}
