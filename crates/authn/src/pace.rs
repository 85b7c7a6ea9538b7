//! One pace for many concurrent requests to one server: how many may be in flight
//! (additive increase on answers, multiplicative decrease on 429, 5xx and timeouts) and
//! when the next may start (a shared pause after a run of 429s, honouring
//! `Retry-After` up to a cap). Callers take a [`Ticket`] per request and report how it
//! went; nothing here sends anything or knows what is sent, so a bulk action and a walk
//! of concurrent page slices can share it.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How a pace adapts.
#[derive(Debug, Clone, PartialEq)]
pub struct PaceConfig {
    /// Most requests in flight (the window never grows past it).
    pub max_window: usize,
    /// Longest a `Retry-After` is honoured; a longer one is cut to this.
    pub retry_after_cap: Duration,
    /// First shared pause when the server slows down without saying for how long;
    /// doubles with each pause in a row.
    pub base_pause: Duration,
    /// Longest shared pause when the server did not say.
    pub max_pause: Duration,
    /// 429s in a row, with no answer between them, before the whole pace pauses.
    pub pause_after: u32,
}

/// Default cap on a server's `Retry-After`.
pub const DEFAULT_RETRY_AFTER_CAP: Duration = Duration::from_secs(60);

impl PaceConfig {
    /// Up to `max_window` in flight, `Retry-After` honoured up to 60 s; the pace pauses
    /// after twice the window's worth of refusals in a row.
    pub fn new(max_window: usize) -> Self {
        let max_window = max_window.max(1);
        Self {
            max_window,
            retry_after_cap: DEFAULT_RETRY_AFTER_CAP,
            base_pause: Duration::from_millis(500),
            max_pause: Duration::from_secs(8),
            pause_after: u32::try_from(max_window * 2).unwrap_or(u32::MAX).max(4),
        }
    }
}

/// How one request went, as far as pacing cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feedback {
    /// The server answered (any answer that is not a request to slow down).
    Answered,
    /// 429: the server asks to slow down, for `retry_after` when it said.
    Throttled {
        /// The server's `Retry-After`, when it sent one.
        retry_after: Option<Duration>,
    },
    /// 5xx or no answer in time: the server is struggling; fewer requests at once.
    Strained,
}

/// Proof a request was started under the pace, carrying the window generation it saw, so
/// refusals from one burst shrink the window once, not once per request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ticket {
    generation: u64,
}

/// How a pace went so far: what the server pushed back with and how far the window fell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaceRecord {
    /// 429 answers reported.
    pub throttled: u64,
    /// 5xx answers and timeouts reported.
    pub strained: u64,
    /// The narrowest the window has been.
    pub narrowest: usize,
    /// Longest `Retry-After` the server sent.
    pub longest_retry_after: Option<Duration>,
}

#[derive(Debug)]
struct State {
    window: f64,
    record: PaceRecord,
    generation: u64,
    refusals_in_a_row: u32,
    pauses_in_a_row: u32,
    not_before: Option<Instant>,
}

/// A pace shared by every task sending to one server (cheap to clone).
#[derive(Debug, Clone)]
pub struct Pace {
    config: PaceConfig,
    state: Arc<Mutex<State>>,
}

impl Pace {
    /// A pace starting with the whole window open.
    pub fn new(config: PaceConfig) -> Self {
        let window = config.max_window as f64;
        let narrowest = config.max_window;
        Self {
            config,
            state: Arc::new(Mutex::new(State {
                window,
                record: PaceRecord {
                    throttled: 0,
                    strained: 0,
                    narrowest,
                    longest_retry_after: None,
                },
                generation: 0,
                refusals_in_a_row: 0,
                pauses_in_a_row: 0,
                not_before: None,
            })),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // Every update leaves the state consistent, so a poisoned lock still holds one.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// How it adapts.
    pub fn config(&self) -> &PaceConfig {
        &self.config
    }

    /// Requests that may be in flight now (at least 1).
    pub fn window(&self) -> usize {
        // The window is kept within 1..=max_window, so the cast cannot truncate.
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "the window is kept within 1..=max_window"
        )]
        let w = self.state().window.floor() as usize;
        w.clamp(1, self.config.max_window)
    }

    /// How it went so far.
    pub fn record(&self) -> PaceRecord {
        self.state().record
    }

    /// Before this instant nothing new may start (a shared pause), if one is on.
    pub fn not_before(&self, now: Instant) -> Option<Instant> {
        self.state().not_before.filter(|t| *t > now)
    }

    /// Waits out a shared pause, if one is on.
    pub async fn ready(&self) {
        while let Some(t) = self.not_before(Instant::now()) {
            tokio::time::sleep_until(t.into()).await;
        }
    }

    /// Marks the start of one request.
    pub fn ticket(&self) -> Ticket {
        Ticket {
            generation: self.state().generation,
        }
    }

    /// The wait before retrying a request the server asked to slow down: its
    /// `Retry-After` up to the cap, else `backoff` (the caller's own, per request).
    pub fn retry_wait(&self, retry_after: Option<Duration>, backoff: Duration) -> Duration {
        retry_after.map_or(backoff, |d| d.min(self.config.retry_after_cap))
    }

    /// Multiplicative decrease, once per burst: a ticket from before the last decrease
    /// does not decrease again.
    fn decrease(s: &mut State, ticket: Ticket) {
        if ticket.generation == s.generation {
            s.window = (s.window / 2.0).max(1.0);
            s.generation += 1;
            // The window is kept within 1..=max_window, so the cast cannot truncate.
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "the window is kept within 1..=max_window"
            )]
            let w = s.window.floor() as usize;
            s.record.narrowest = s.record.narrowest.min(w);
        }
    }

    /// Records how a request went at `now`: an answer widens the window a little; a 429,
    /// a 5xx or a timeout halves it (once per burst), and a long enough run of 429s with
    /// no answer between them pauses everyone, for the server's `Retry-After` (capped) or a
    /// pause doubling with each pause in a row.
    pub fn report(&self, ticket: Ticket, feedback: Feedback, now: Instant) {
        let mut s = self.state();
        match feedback {
            Feedback::Answered => {
                s.refusals_in_a_row = 0;
                s.pauses_in_a_row = 0;
                // Additive increase: about one more request per window of answers.
                s.window = (s.window + 1.0 / s.window).min(self.config.max_window as f64);
            }
            Feedback::Strained => {
                s.record.strained += 1;
                Self::decrease(&mut s, ticket);
            }
            Feedback::Throttled { retry_after } => {
                s.record.throttled += 1;
                s.record.longest_retry_after = s.record.longest_retry_after.max(retry_after);
                Self::decrease(&mut s, ticket);
                s.refusals_in_a_row = s.refusals_in_a_row.saturating_add(1);
                if s.refusals_in_a_row >= self.config.pause_after
                    && s.not_before.is_none_or(|t| t <= now)
                {
                    // Nothing got through for a while: the whole pace waits.
                    let backoff = self
                        .config
                        .base_pause
                        .saturating_mul(1 << s.pauses_in_a_row.min(16))
                        .min(self.config.max_pause);
                    s.pauses_in_a_row = s.pauses_in_a_row.saturating_add(1);
                    let wait = retry_after.map_or(backoff, |d| d.min(self.config.retry_after_cap));
                    s.not_before = Some(now + wait);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_halves_once_per_burst_and_grows_back_by_one_per_window() {
        let pace = Pace::new(PaceConfig::new(8));
        let now = Instant::now();
        assert_eq!(pace.window(), 8);
        let burst: Vec<Ticket> = (0..8).map(|_| pace.ticket()).collect();
        for t in &burst {
            pace.report(*t, Feedback::Strained, now);
        }
        assert_eq!(pace.window(), 4, "one burst halves the window once");
        let t = pace.ticket();
        pace.report(t, Feedback::Throttled { retry_after: None }, now);
        assert_eq!(
            pace.window(),
            2,
            "a refusal from the next burst halves it again"
        );
        for _ in 0..3 {
            let t = pace.ticket();
            pace.report(t, Feedback::Answered, now);
        }
        assert_eq!(
            pace.window(),
            3,
            "a window's worth of answers adds about one"
        );
        for _ in 0..200 {
            let t = pace.ticket();
            pace.report(t, Feedback::Answered, now);
        }
        assert_eq!(pace.window(), 8, "never past the configured window");
        let record = pace.record();
        assert_eq!((record.strained, record.throttled), (8, 1));
        assert_eq!(record.narrowest, 2, "the record keeps the narrowest window");
    }

    #[test]
    fn retry_after_is_honoured_up_to_the_cap_and_pauses_everyone_after_a_run_of_refusals() {
        let mut config = PaceConfig::new(1);
        config.retry_after_cap = Duration::from_secs(30);
        let pace = Pace::new(config);
        let now = Instant::now();
        let backoff = Duration::from_millis(500);
        assert_eq!(
            pace.retry_wait(Some(Duration::from_secs(20)), backoff),
            Duration::from_secs(20)
        );
        assert_eq!(
            pace.retry_wait(Some(Duration::from_secs(90)), backoff),
            Duration::from_secs(30)
        );
        assert_eq!(pace.retry_wait(None, backoff), backoff);
        let slow = |s| Feedback::Throttled {
            retry_after: Some(Duration::from_secs(s)),
        };
        for _ in 0..3 {
            pace.report(pace.ticket(), slow(20), now);
        }
        assert_eq!(
            pace.not_before(now),
            None,
            "a few refusals slow those requests only"
        );
        pace.report(pace.ticket(), slow(20), now);
        assert_eq!(
            pace.not_before(now),
            Some(now + Duration::from_secs(20)),
            "four refusals in a row pause the whole pace as the server said"
        );
        let later = now + Duration::from_secs(21);
        pace.report(pace.ticket(), Feedback::Answered, later);
        for _ in 0..4 {
            pace.report(
                pace.ticket(),
                Feedback::Throttled { retry_after: None },
                later,
            );
            pace.report(pace.ticket(), Feedback::Strained, later);
        }
        assert_eq!(
            pace.not_before(later),
            Some(later + Duration::from_millis(500)),
            "an answer restarts the pauses from the first"
        );
    }
}
