//! Following logins as they arrive: which request asks for the next ones, which
//! sessions of an answer are new, and how long to wait before asking again. Pure: the
//! caller sends the requests, reads the clock and sleeps; `authtop sessions watch` and
//! the TUI's pulse screen drive the same state.
//!
//! Each poll asks for sessions created at or after the newest one seen, less a small
//! overlap, oldest first. The overlap catches a login the server committed a moment
//! after a later one; the ids seen inside it keep each session reported once.

use crate::authn::model::{Filter, Order, OrderBy, Session, SessionListRequest, Timestamp};
use std::collections::HashMap;
use std::time::Duration;

/// How far before the newest login seen each poll looks again.
pub const OVERLAP: Duration = Duration::from_secs(5);

const GTE: &str = "created_at__gte";

/// What has been seen of a stream of logins, and where the next poll starts.
#[derive(Debug, Clone)]
pub struct Tail {
    base: Filter,
    /// Only sessions created strictly after this are new.
    after: Option<Timestamp>,
    /// The newest login time seen.
    newest: Option<Timestamp>,
    /// Ids seen at or after `newest - OVERLAP`, with their login time.
    recent: HashMap<String, Timestamp>,
}

impl Tail {
    /// Follows the sessions `base` matches that were created strictly after `after`
    /// (every one the server lists, when `None`).
    pub fn new(base: Filter, after: Option<Timestamp>) -> Self {
        Self {
            base,
            after,
            newest: after,
            recent: HashMap::new(),
        }
    }

    /// The newest login time seen (or the start, before any): what `--since` resumes from.
    pub fn newest(&self) -> Option<Timestamp> {
        self.newest
    }

    /// The first page of the next poll, oldest first, `size` sessions a page.
    pub fn request(&self, size: u32) -> SessionListRequest {
        let mut filter = self.base.clone();
        if let Some(newest) = self.newest {
            let from = crate::clock::shift(newest, -duration_ms(OVERLAP));
            // The query's own lower bound stays when it is the later one.
            let own = filter
                .0
                .get(GTE)
                .and_then(|v| v.as_str())
                .and_then(|s| crate::authn::model::parse_timestamp(s).ok());
            if own.is_none_or(|own| own < from) {
                filter.0.insert(GTE.into(), from.to_string().into());
            }
        }
        SessionListRequest {
            filter: Some(filter),
            last: None,
            order: Some(Order::Asc),
            order_by: Some(OrderBy::CreatedAt),
            size: Some(size),
        }
    }

    /// The sessions of a page not reported before, in the page's order, remembering them.
    pub fn take(&mut self, sessions: Vec<Session>) -> Vec<Session> {
        let mut fresh = Vec::new();
        for s in sessions {
            if self.after.is_some_and(|a| s.created_at <= a) || self.recent.contains_key(&s.id) {
                continue;
            }
            if self.newest.is_none_or(|n| s.created_at > n) {
                self.newest = Some(s.created_at);
            }
            self.recent.insert(s.id.clone(), s.created_at);
            fresh.push(s);
        }
        self.forget_old();
        fresh
    }

    /// Drops ids older than the overlap: the next poll cannot list them again.
    fn forget_old(&mut self) {
        if let Some(newest) = self.newest {
            let from = crate::clock::shift(newest, -duration_ms(OVERLAP));
            self.recent.retain(|_, at| *at >= from);
        }
    }
}

fn duration_ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// How long to wait between polls: `base` after a poll that found something, doubling
/// up to `max` while polls find nothing or fail, so an idle watch costs a request every
/// `max` at most.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    base: Duration,
    max: Duration,
    current: Duration,
}

impl Backoff {
    /// Starts at `base`; `max` below `base` counts as `base`.
    pub fn new(base: Duration, max: Duration) -> Self {
        Self {
            base,
            max: max.max(base),
            current: base,
        }
    }

    /// The wait before the next poll, given whether the last one found new logins.
    pub fn after(&mut self, found: bool) -> Duration {
        if found {
            self.current = self.base;
        } else {
            let now = self.current;
            self.current = (self.current * 2).min(self.max);
            return now;
        }
        self.current
    }
}

/// Logins at fixed instants, for the tests of a tail and of the screens that drive one.
#[cfg(test)]
pub(crate) mod fixtures {
    use crate::authn::model::{Session, Timestamp};

    /// `secs` after a fixed instant.
    pub(crate) fn at(secs: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + secs).unwrap_or(Timestamp::UNIX_EPOCH)
    }

    /// A session `id` created at [`at`]`(secs)`.
    pub(crate) fn session(id: &str, secs: i64) -> Session {
        let mut s: Session = serde_json::from_value(serde_json::json!({
            "id": id, "type": "session", "life": 60, "expire": at(secs + 3600).to_string(),
            "identity": "pui_x", "email": "a@b.test", "profile": {},
            "created_at": at(secs).to_string(),
        }))
        .expect("a session");
        s.created_at = at(secs);
        s
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::{at, session};
    use super::*;

    fn ids(v: &[Session]) -> Vec<&str> {
        v.iter().map(|s| s.id.as_str()).collect()
    }

    #[test]
    fn each_login_is_new_once_across_overlapping_polls() {
        let mut t = Tail::new(Filter::default(), Some(at(0)));
        // A session at the start instant is not after it.
        let first = t.take(vec![session("a", 0), session("b", 1), session("c", 2)]);
        assert_eq!(ids(&first), ["b", "c"]);
        // The next poll lists b and c again (inside the overlap) and a late commit at 1.
        let second = t.take(vec![
            session("b", 1),
            session("late", 1),
            session("c", 2),
            session("d", 3),
        ]);
        assert_eq!(ids(&second), ["late", "d"]);
        assert_eq!(t.newest(), Some(at(3)));
        assert!(t.take(vec![session("d", 3)]).is_empty());
    }

    #[test]
    fn the_next_poll_starts_an_overlap_before_the_newest_and_keeps_a_later_own_bound() {
        let mut t = Tail::new(Filter::default(), None);
        assert!(
            !t.request(1000)
                .filter
                .unwrap_or_default()
                .0
                .contains_key(GTE)
        );
        t.take(vec![session("a", 100)]);
        let req = t.request(1000);
        assert_eq!(req.order, Some(Order::Asc));
        assert_eq!(req.order_by, Some(OrderBy::CreatedAt));
        assert_eq!(
            req.filter.unwrap_or_default().0[GTE],
            serde_json::Value::from(at(95).to_string())
        );
        let mut own = Filter::default();
        own.0.insert(GTE.into(), at(500).to_string().into());
        own.0.insert("email".into(), "a@b.test".into());
        let mut t = Tail::new(own, None);
        t.take(vec![session("a", 100)]);
        let f = t.request(10).filter.unwrap_or_default();
        assert_eq!(f.0[GTE], serde_json::Value::from(at(500).to_string()));
        assert_eq!(f.0["email"], "a@b.test");
    }

    #[test]
    fn ids_older_than_the_overlap_are_forgotten() {
        let mut t = Tail::new(Filter::default(), None);
        t.take(vec![session("a", 0)]);
        t.take(vec![session("b", 60)]);
        assert!(!t.recent.contains_key("a"));
        assert!(t.recent.contains_key("b"));
    }

    #[test]
    fn idle_polls_back_off_to_the_ceiling_and_a_find_resets_it() {
        let mut b = Backoff::new(Duration::from_secs(1), Duration::from_secs(5));
        let waits: Vec<u64> = (0..5).map(|_| b.after(false).as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 5, 5]);
        assert_eq!(b.after(true), Duration::from_secs(1));
        assert_eq!(b.after(false), Duration::from_secs(1));
        assert_eq!(b.after(false), Duration::from_secs(2));
    }
}
