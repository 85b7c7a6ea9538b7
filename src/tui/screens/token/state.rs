//! What the app knows about its user token: metadata (never the value), the refresh
//! schedule, failures with back-off, and the refresh history.

use crate::authn::model::{Timestamp, TokenInfo};
use crate::clock;
use crate::config::defaults;
use crate::tui::command::{CommandId, RefreshRecord};
use crate::tui::strings;
use std::collections::HashSet;
use std::time::Duration;

/// When to refresh the user token on its own.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RefreshPolicy {
    /// Refresh when this share of the token's life remains (0.2).
    pub fraction: f64,
    /// ... or when this much remains, whichever comes first (60 s).
    pub margin: Duration,
    /// Auto-refresh starts switched on.
    pub auto: bool,
}

impl Default for RefreshPolicy {
    fn default() -> Self {
        Self {
            fraction: defaults::REFRESH_FRACTION,
            margin: defaults::REFRESH_MARGIN,
            auto: true,
        }
    }
}

/// Back-off after consecutive refresh failures: 5 s, 10 s, 20 s … at most 60 s.
pub fn backoff(failures: u32) -> Duration {
    let exp = failures.saturating_sub(1).min(6);
    Duration::from_secs((5u64 << exp).min(60))
}

/// The wait before retrying a failed refresh: the back-off, but never past the token's
/// remaining life (a retry after expiry is a retry too late), at least 1 s, and never
/// shorter than the server's `Retry-After`.
pub fn retry_delay(
    failures: u32,
    remaining_ms: Option<i64>,
    retry_after: Option<Duration>,
) -> Duration {
    let mut wait = backoff(failures);
    if let Some(ms) = remaining_ms {
        // Half the remaining life leaves room for one more try before expiry.
        let cap = Duration::from_millis(u64::try_from(ms / 2).unwrap_or(0));
        wait = wait.min(cap.max(Duration::from_secs(1)));
    }
    wait.max(retry_after.unwrap_or_default())
}

/// Why the user is signed out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignedOut {
    /// A refresh was answered `InvalidToken`: revoked (or replaced elsewhere).
    Revoked,
    /// A refresh was answered `ExpiredToken`: the session is over.
    Expired,
    /// authtop logged this session out on purpose.
    LoggedOut,
}

impl SignedOut {
    /// The sentence the Token tab shows.
    pub fn explain(&self) -> &'static str {
        match self {
            SignedOut::Revoked => strings::REVOKED,
            SignedOut::Expired => strings::EXPIRED,
            SignedOut::LoggedOut => strings::LOGGED_OUT_HERE,
        }
    }
}

/// What the Token tab says about the token, one state at a time.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    /// Metadata not known yet.
    Unchecked,
    /// Auto-refresh is off; `expired` when the token is past its expiry.
    AutoOff {
        /// The token has expired.
        expired: bool,
    },
    /// Valid and scheduled.
    Ok,
    /// A refresh is in flight while the token is still valid.
    Refreshing,
    /// The token expired (or was refused as expired) and a refresh is in flight.
    ExpiredRefreshing,
    /// The last refresh failed; the next try is due at `at`.
    Retrying {
        /// When.
        at: Timestamp,
        /// Why the last one failed.
        why: String,
    },
    /// Refreshing no longer extends the token: the session ends at `at`.
    SessionEnding {
        /// When the token (and with it the session) ends.
        at: Timestamp,
    },
    /// The user must sign in again.
    SignedOut(SignedOut),
}

/// The Token tab's state.
#[derive(Debug, Clone, Default)]
pub struct TokenState {
    pub(crate) mask: Option<String>,
    pub(crate) info: Option<TokenInfo>,
    pub(crate) own_ids: HashSet<String>,
    pub(crate) own_session: Option<String>,
    pub(crate) session_expire: Option<Timestamp>,
    /// `session_expire` came from a refresh answer, not from a listed session.
    pub(crate) session_from_refresh: bool,
    pub(crate) auto: bool,
    pub(crate) refreshing: Option<CommandId>,
    pub(crate) failures: u32,
    pub(crate) retry_at: Option<Timestamp>,
    pub(crate) last_error: Option<String>,
    pub(crate) signed_out: Option<SignedOut>,
    /// A refresh did not extend the token: refreshing stops, the session is ending.
    pub(crate) ending: bool,
    /// The active token was refused as expired and a refresh was asked for because of it.
    pub(crate) refused_expired: bool,
    pub(crate) history: Vec<RefreshRecord>,
    /// The first token learnt (created, expires): where the life chart starts.
    pub(crate) life_start: Option<(Timestamp, Timestamp)>,
    /// The refresh in flight was asked for with `f`, so its success is flashed.
    pub(crate) announce: bool,
    /// The status line's "retrying in …" text, kept in step with the retry it counts down to.
    pub(crate) retry_said: Option<String>,
}

impl TokenState {
    /// The token's metadata, once checked or refreshed.
    pub fn info(&self) -> Option<&TokenInfo> {
        self.info.as_ref()
    }

    /// The masked token (prefix only), when configured.
    pub fn mask(&self) -> Option<&str> {
        self.mask.as_deref()
    }

    /// Expiry of the session the token belongs to, once that session was seen in a list.
    pub fn session_expire(&self) -> Option<Timestamp> {
        self.session_expire
    }

    /// Auto-refresh is on.
    pub fn auto(&self) -> bool {
        self.auto
    }

    /// A refresh is in flight.
    pub fn is_refreshing(&self) -> bool {
        self.refreshing.is_some()
    }

    /// The user must sign in again.
    pub fn signed_out(&self) -> bool {
        self.signed_out.is_some()
    }

    /// Why the user must sign in again.
    pub fn signed_out_reason(&self) -> Option<&SignedOut> {
        self.signed_out.as_ref()
    }

    /// Refreshing no longer extends the token.
    pub fn ending(&self) -> bool {
        self.ending
    }

    /// The state to show, at `now`.
    pub fn phase(&self, now: Timestamp) -> Phase {
        let expired = self.info.as_ref().is_some_and(|i| i.expire <= now);
        if let Some(why) = &self.signed_out {
            return Phase::SignedOut(why.clone());
        }
        if self.ending
            && let Some(info) = &self.info
        {
            return Phase::SessionEnding { at: info.expire };
        }
        if self.refreshing.is_some() {
            return if expired || self.refused_expired {
                Phase::ExpiredRefreshing
            } else {
                Phase::Refreshing
            };
        }
        if let Some(at) = self.retry_at {
            return Phase::Retrying {
                at,
                why: self.last_error.clone().unwrap_or_default(),
            };
        }
        if self.info.is_none() {
            return Phase::Unchecked;
        }
        if !self.auto {
            return Phase::AutoOff { expired };
        }
        Phase::Ok
    }

    /// Why the last refresh failed.
    pub fn last_error(&self) -> Option<&str> {
        self.last_error.as_deref()
    }

    /// When the next automatic attempt after a failure is due.
    pub fn retry_at(&self) -> Option<Timestamp> {
        self.retry_at
    }

    /// Completed refreshes, oldest first.
    pub fn history(&self) -> &[RefreshRecord] {
        &self.history
    }

    /// True if a token id is (or was) the TUI's own token.
    pub fn is_own_token(&self, token_id: &str) -> bool {
        self.own_ids.contains(token_id)
    }

    /// When the policy wants the token refreshed: the earlier of "fraction of life left"
    /// and "margin left".
    ///
    /// The margin is capped at half the token's life: a token living less than twice the
    /// margin would otherwise be due the moment it is issued, and every refresh would
    /// trigger the next one at once.
    pub fn refresh_at(&self, policy: &RefreshPolicy) -> Option<Timestamp> {
        let info = self.info.as_ref()?;
        Some(clock::shift(info.expire, -lead_ms(policy, info)))
    }

    /// The rule [`TokenState::refresh_at`] applies to this token, in words.
    pub fn rule_text(&self, policy: &RefreshPolicy) -> Option<String> {
        let info = self.info.as_ref()?;
        let life_ms = clock::millis(info.created_at, info.expire).max(0);
        let margin_ms = i64::try_from(policy.margin.as_millis()).unwrap_or(i64::MAX);
        let pct = (policy.fraction.clamp(0.0, 1.0) * 100.0).round();
        let (life, margin) = (clock::short(life_ms / 1000), clock::short(margin_ms / 1000));
        Some(if margin_ms > life_ms / 2 {
            strings::rule_half_life(&life, &margin)
        } else {
            strings::rule_fraction(pct, &margin)
        })
    }

    /// True when an automatic refresh should start now.
    pub(crate) fn due(&self, policy: &RefreshPolicy, now: Timestamp) -> bool {
        self.auto
            && self.signed_out.is_none()
            && !self.ending
            && self.refreshing.is_none()
            && self.retry_at.is_none_or(|t| now >= t)
            && self.refresh_at(policy).is_some_and(|t| now >= t)
    }

    /// Records a new token (from a check or a refresh).
    pub(crate) fn learn(&mut self, info: TokenInfo) {
        self.own_ids.insert(info.id.clone());
        if self.life_start.is_none() {
            self.life_start = Some((info.created_at, info.expire));
        }
        self.info = Some(info);
        self.signed_out = None;
        self.refused_expired = false;
    }
}

/// How long before expiry the policy refreshes.
fn lead_ms(policy: &RefreshPolicy, info: &TokenInfo) -> i64 {
    let life_ms = clock::millis(info.created_at, info.expire).max(0);
    // A fraction (0 to 1) of a non-negative i64 fits an i64; `as` drops the part of a
    // millisecond, which is what is wanted.
    #[expect(clippy::cast_possible_truncation)]
    let by_fraction = (life_ms as f64 * policy.fraction.clamp(0.0, 1.0)) as i64;
    let by_margin = i64::try_from(policy.margin.as_millis())
        .unwrap_or(i64::MAX)
        .min(life_ms / 2);
    by_fraction.max(by_margin)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token_living(secs: i64) -> TokenState {
        let created: Timestamp = "2026-01-01T12:00:00Z".parse().unwrap();
        let info = TokenInfo {
            id: "pmt_x".into(),
            kind: "user".into(),
            life: secs,
            expire: clock::shift(created, secs * 1000),
            enabled: None,
            identity: "pui_x".into(),
            email: "x@example.com".into(),
            scopes: None,
            profile: crate::authn::model::Profile::default(),
            created_at: created,
            intelligence: None,
            audience: None,
            client_id: None,
            claims: None,
        };
        TokenState {
            info: Some(info),
            ..TokenState::default()
        }
    }

    /// Seconds before expiry at which the default policy refreshes.
    fn lead(secs: i64) -> i64 {
        let t = token_living(secs);
        let at = t.refresh_at(&RefreshPolicy::default()).unwrap();
        clock::millis(at, t.info.unwrap().expire) / 1000
    }

    #[test]
    fn refresh_lead_is_the_larger_of_a_fifth_and_a_minute_but_never_past_half_the_life() {
        assert_eq!(lead(900), 180, "15 min: a fifth of the life comes first");
        assert_eq!(lead(120), 60, "2 min: the minute comes first");
        assert_eq!(lead(30), 15, "30 s: capped at half, not due at issue");
        assert!(lead(30) < 30);
    }

    #[test]
    fn retry_delays_stop_short_of_expiry_and_honour_retry_after() {
        assert_eq!(retry_delay(2, Some(60_000), None), Duration::from_secs(10));
        assert_eq!(retry_delay(2, Some(8_000), None), Duration::from_secs(4));
        assert_eq!(retry_delay(2, Some(-5_000), None), Duration::from_secs(1));
        assert_eq!(
            retry_delay(1, Some(8_000), Some(Duration::from_secs(7))),
            Duration::from_secs(7)
        );
    }

    #[test]
    fn the_rule_text_says_what_the_schedule_does() {
        let long = token_living(900);
        let text = long.rule_text(&RefreshPolicy::default()).unwrap();
        assert!(text.contains("20% of its life or 1m"), "{text}");
        let short = token_living(30);
        let text = short.rule_text(&RefreshPolicy::default()).unwrap();
        assert!(text.starts_with("at half its life"), "{text}");
    }

    #[test]
    fn backoff_doubles_and_caps_at_a_minute() {
        let secs: Vec<u64> = (1..=6).map(|n| backoff(n).as_secs()).collect();
        assert_eq!(secs, [5, 10, 20, 40, 60, 60]);
    }
}

/// The token's remaining life over time, one value per column, and the columns where a
/// refresh happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LifeChart {
    /// Seconds of life left at each column's moment.
    pub values: Vec<u64>,
    /// Columns holding a refresh.
    pub marks: Vec<usize>,
    /// When the first column starts.
    pub from: Timestamp,
}

impl TokenState {
    /// The remaining life from the first token learnt until `now`, sampled over
    /// `columns`; None before any token is known or when no time has passed.
    pub fn life_chart(&self, now: Timestamp, columns: usize) -> Option<LifeChart> {
        let (first_start, first_expire) = self.life_start?;
        let mut segments: Vec<(i64, i64)> =
            vec![(first_start.as_second(), first_expire.as_second())];
        segments.extend(
            self.history
                .iter()
                .map(|r| (r.at.as_second(), r.new_token.expire.as_second())),
        );
        segments.sort_unstable();
        let from = segments[0].0;
        let span = now.as_second() - from;
        if span <= 0 || columns == 0 {
            return None;
        }
        let cols = i64::try_from(columns).ok()?;
        let values = (0..cols)
            .map(|c| {
                // The end of each column's slice, so the last column is `now`.
                let t = from + span * (c + 1) / cols;
                let expire = segments
                    .iter()
                    .rev()
                    .find(|(start, _)| *start <= t)
                    .map_or(0, |(_, e)| *e);
                u64::try_from(expire - t).unwrap_or(0)
            })
            .collect();
        let marks = self
            .history
            .iter()
            .filter_map(|r| {
                let off = r.at.as_second() - from;
                (0..=span)
                    .contains(&off)
                    .then(|| usize::try_from((off * cols / span).min(cols - 1)).unwrap_or(0))
            })
            .collect();
        Some(LifeChart {
            values,
            marks,
            from: first_start,
        })
    }
}
