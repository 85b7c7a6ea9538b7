//! Ordering a result by what the server cannot order by: risk, location, device and
//! scopes. The key of each session is worked out once; the sort is stable, so sessions
//! with equal keys keep the server's order.
//!
//! The documented orders, ascending (descending is the reverse, but a session without
//! the value always comes last, in both directions):
//!
//! * **risk**: clean, then a warning (suspicious verdict, VPN, proxy), then a danger
//!   (malicious verdict, embargoed country, breached user); within a severity, fewer
//!   danger flags first, then fewer flags in all. So descending puts the worst first.
//!   `n/a` (the server sent no intelligence) has no value: last.
//! * **location**: `City, CC` as text, case ignored; none: last.
//! * **device**: the `Browser · OS` label as text, case ignored; none: last.
//! * **scopes**: by privilege (see [`super::scopes`]): no privileged scope, then
//!   changing data, then administration; within a rank, more privileged scopes, then
//!   the scopes as text. Descending puts administration first. No scopes: last.

use super::device::Devices;
use super::facts::{Risk, Severity, location, user_agent};
use super::scopes;
use crate::authn::model::{Order, Session};
use std::cmp::Ordering;

/// A column the result is sorted by locally.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LocalSort {
    /// Risk severity.
    Risk,
    /// City and country.
    Location,
    /// Browser and OS.
    Device,
    /// Privileged scopes.
    Scopes,
}

/// One session's place in a local sort; `None` parts sort last in both directions.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SortKey(Option<(u32, String)>);

impl LocalSort {
    /// Every local sort, in the order the order picker lists them.
    pub const ALL: [LocalSort; 4] = [
        LocalSort::Risk,
        LocalSort::Location,
        LocalSort::Device,
        LocalSort::Scopes,
    ];

    /// The name the picker and the info line use (the column's name).
    pub fn as_str(self) -> &'static str {
        match self {
            LocalSort::Risk => "risk",
            LocalSort::Location => "location",
            LocalSort::Device => "device",
            LocalSort::Scopes => "scopes",
        }
    }

    /// The sort called `name`, if any.
    pub fn parse(name: &str) -> Option<LocalSort> {
        LocalSort::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// The key of one session (`devices` caches User-Agent parsing).
    pub fn key(self, s: &Session, devices: &mut Devices) -> SortKey {
        SortKey(match self {
            LocalSort::Risk => risk_rank(Risk::of(s)).map(|r| (r, String::new())),
            LocalSort::Location => location(s).map(|l| (0, l.to_lowercase())),
            LocalSort::Device => user_agent(s)
                .map(|ua| devices.label(ua).to_lowercase())
                .filter(|d| !d.is_empty())
                .map(|d| (0, d)),
            LocalSort::Scopes => s.scopes.as_ref().filter(|v| !v.is_empty()).map(|v| {
                let top = v.iter().map(|s| scopes::rank(s)).max().unwrap_or(0);
                let n = v.iter().filter(|s| scopes::is_privileged(s)).count();
                let n = u32::try_from(n).unwrap_or(u32::MAX).min(0xFFFF);
                let text = scopes::privileged_first(v).join(",").to_lowercase();
                ((u32::from(top) << 16) | n, text)
            }),
        })
    }
}

/// The risk's place: `None` when not provided; else severity, danger flags, all flags.
fn risk_rank(r: Risk) -> Option<u32> {
    if !r.provided {
        return None;
    }
    let raised = r.raised();
    let severity = match r.severity() {
        None => 0,
        Some(Severity::Warning) => 1,
        Some(Severity::Danger) => 2,
    };
    let danger = raised
        .iter()
        .filter(|f| f.severity == Severity::Danger)
        .count();
    let all = raised.len();
    Some(
        (severity << 16)
            | (u32::try_from(danger).unwrap_or(0) << 8)
            | u32::try_from(all).unwrap_or(0),
    )
}

/// Compares two keys in `order`, a missing value last either way.
pub fn compare(a: &SortKey, b: &SortKey, order: Order) -> Ordering {
    match (&a.0, &b.0) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(x), Some(y)) => match order {
            Order::Asc => x.cmp(y),
            Order::Desc => y.cmp(x),
        },
    }
}

/// Sorts keyed sessions in `order`, stably.
pub fn sort<T>(rows: &mut [(SortKey, T)], order: Order) {
    rows.sort_by(|a, b| compare(&a.0, &b.0, order));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(rank: u32) -> SortKey {
        SortKey(Some((rank, String::new())))
    }

    #[test]
    fn missing_values_come_last_in_both_directions_and_ties_keep_their_order() {
        let mut rows = vec![(SortKey(None), 'a'), (k(1), 'b'), (k(2), 'c'), (k(1), 'd')];
        sort(&mut rows, Order::Desc);
        let got: String = rows.iter().map(|r| r.1).collect();
        assert_eq!(got, "cbda");
        sort(&mut rows, Order::Asc);
        let got: String = rows.iter().map(|r| r.1).collect();
        assert_eq!(got, "bdca");
    }

    #[test]
    fn danger_outranks_warning_outranks_clean() {
        let clean = Risk {
            provided: true,
            ..Risk::default()
        };
        let vpn = Risk { vpn: true, ..clean };
        let vpn_proxy = Risk { proxy: true, ..vpn };
        let embargo = Risk {
            embargo: true,
            ..clean
        };
        let r = |x: &Risk| risk_rank(*x).unwrap();
        assert!(r(&clean) < r(&vpn));
        assert!(r(&vpn) < r(&vpn_proxy));
        assert!(r(&vpn_proxy) < r(&embargo));
        assert_eq!(risk_rank(Risk::default()), None);
    }
}
