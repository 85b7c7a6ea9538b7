//! Sessions grouped by user: how many, from where, on what, when last, how risky.
//!
//! Memory grows with the number of users, never with the number of sessions: each
//! user keeps counters and two small bounded sets.

use super::device::Devices;
use super::facts::Risk;
use super::glance::Glance;
use crate::authn::model::{Order, Session, Timestamp};
use crate::query::Verdict;
use std::cmp::Ordering;
use std::collections::{BTreeSet, HashMap};
use std::str::FromStr;

/// Most distinct countries or devices remembered per user: the first in sort order, so a
/// walk whose pages come in any order (a split walk) names the same ones.
pub const SET_CAP: usize = 32;

/// A user's risk across their sessions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RiskSummary {
    /// The worst verdict seen, if any intelligence was provided.
    pub worst: Option<Verdict>,
    /// Sessions through a VPN.
    pub vpn: u64,
    /// Sessions through a proxy.
    pub proxy: u64,
    /// Sessions from an embargoed country.
    pub embargo: u64,
    /// Known to be breached (by any session's intelligence).
    pub breached: bool,
    /// Sessions whose server sent no intelligence.
    pub not_provided: u64,
}

impl RiskSummary {
    fn add(&mut self, r: Risk) {
        if !r.provided {
            self.not_provided += 1;
            return;
        }
        if let Some(v) = r.verdict {
            self.worst = Some(self.worst.map_or(v, |w| w.min(v)));
        }
        self.vpn += u64::from(r.vpn);
        self.proxy += u64::from(r.proxy);
        self.embargo += u64::from(r.embargo);
        self.breached |= r.breached;
    }

    /// The flags worth showing, worst first (as [`Risk::flags`]).
    pub fn flags(&self) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = self
            .worst
            .filter(|v| matches!(v, Verdict::Malicious | Verdict::Suspicious))
            .map(Verdict::as_str)
            .into_iter()
            .collect();
        for (on, name) in [
            (self.vpn > 0, "vpn"),
            (self.proxy > 0, "proxy"),
            (self.embargo > 0, "embargo"),
            (self.breached, "breached"),
        ] {
            if on {
                out.push(name);
            }
        }
        out
    }

    /// How bad, for ordering: a bad verdict first, then embargo, breach, VPN and proxy use.
    pub fn rank(&self) -> (u8, bool, bool, u64) {
        let verdict = match self.worst {
            Some(Verdict::Malicious) => 3,
            Some(Verdict::Suspicious) => 2,
            Some(Verdict::Unknown) => 1,
            _ => 0,
        };
        (
            verdict,
            self.embargo > 0,
            self.breached,
            self.vpn + self.proxy,
        )
    }
}

/// One user's line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRow {
    /// `pui_…`.
    pub identity: String,
    /// The email of their latest session.
    pub email: String,
    /// Sessions counted.
    pub sessions: u64,
    /// Country codes logged in from (at most [`SET_CAP`], the first in sort order).
    pub countries: BTreeSet<String>,
    /// Device labels logged in with (at most [`SET_CAP`], the first in sort order).
    pub devices: BTreeSet<String>,
    /// The latest login.
    pub last_login: Option<Timestamp>,
    /// Risk across the sessions.
    pub risk: RiskSummary,
}

/// A column of the users view, to order by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum UserColumn {
    /// Email.
    Email,
    /// Identity.
    Identity,
    /// Session count.
    #[default]
    Sessions,
    /// Distinct countries.
    Countries,
    /// Distinct devices.
    Devices,
    /// Latest login.
    LastLogin,
    /// Risk rank.
    Risk,
}

impl UserColumn {
    /// Every column, in display order.
    pub const ALL: [UserColumn; 7] = [
        UserColumn::Email,
        UserColumn::Identity,
        UserColumn::Sessions,
        UserColumn::Countries,
        UserColumn::Devices,
        UserColumn::LastLogin,
        UserColumn::Risk,
    ];

    /// The name used on the command line and in headers (lower case).
    pub fn name(self) -> &'static str {
        match self {
            UserColumn::Email => "email",
            UserColumn::Identity => "identity",
            UserColumn::Sessions => "sessions",
            UserColumn::Countries => "countries",
            UserColumn::Devices => "devices",
            UserColumn::LastLogin => "last_login",
            UserColumn::Risk => "risk",
        }
    }

    /// How two rows compare on this column (ascending); ties break on identity.
    pub fn compare(self, a: &UserRow, b: &UserRow) -> Ordering {
        let by = match self {
            UserColumn::Email => a.email.cmp(&b.email),
            UserColumn::Identity => Ordering::Equal,
            UserColumn::Sessions => a.sessions.cmp(&b.sessions),
            UserColumn::Countries => a.countries.len().cmp(&b.countries.len()),
            UserColumn::Devices => a.devices.len().cmp(&b.devices.len()),
            UserColumn::LastLogin => a.last_login.cmp(&b.last_login),
            UserColumn::Risk => a.risk.rank().cmp(&b.risk.rank()),
        };
        by.then_with(|| a.identity.cmp(&b.identity))
    }
}

impl FromStr for UserColumn {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        UserColumn::ALL
            .into_iter()
            .find(|c| c.name().eq_ignore_ascii_case(s))
            .or(match s {
                "user" => Some(UserColumn::Identity),
                "last" | "last-login" => Some(UserColumn::LastLogin),
                _ => None,
            })
            .ok_or_else(|| {
                let names: Vec<_> = UserColumn::ALL.iter().map(|c| c.name()).collect();
                format!(
                    "unknown column `{s}` (expected one of {})",
                    names.join(", ")
                )
            })
    }
}

/// Adds `item` to `set` while it holds fewer than [`SET_CAP`], or in place of its last
/// when `item` sorts before it: the set ends as the first [`SET_CAP`] of all it was given,
/// in whatever order they came.
fn keep_first(set: &mut BTreeSet<String>, item: &str) {
    let full = set.len() >= SET_CAP;
    if set.contains(item) || (full && set.last().is_some_and(|last| item > last.as_str())) {
        return;
    }
    set.insert(item.to_string());
    if set.len() > SET_CAP {
        set.pop_last();
    }
}

/// The aggregation, fed one session at a time.
#[derive(Debug, Default)]
pub struct Users {
    rows: HashMap<String, UserRow>,
    devices: Devices,
}

impl Users {
    /// Nothing counted yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Counts one session.
    pub fn add(&mut self, s: &Session) {
        self.add_glance(&Glance::of(s));
    }

    /// Counts the session `g` reads.
    pub fn add_glance(&mut self, g: &Glance<'_>) {
        // Looked up before inserting, so a user seen before costs no allocation.
        if !self.rows.contains_key(&*g.identity) {
            self.rows.insert(
                g.identity.to_string(),
                UserRow {
                    identity: g.identity.to_string(),
                    email: g.email.to_string(),
                    sessions: 0,
                    countries: BTreeSet::new(),
                    devices: BTreeSet::new(),
                    last_login: None,
                    risk: RiskSummary::default(),
                },
            );
        }
        let Some(row) = self.rows.get_mut(&*g.identity) else {
            return;
        };
        row.sessions += 1;
        if row.last_login.is_none_or(|t| g.created_at > t) {
            row.last_login = Some(g.created_at);
            if !g.email.is_empty() && row.email != g.email {
                row.email = g.email.to_string();
            }
        }
        if let Some(c) = g.country() {
            keep_first(&mut row.countries, &c);
        }
        if let Some(ua) = g.user_agent() {
            let label = self.devices.label(ua);
            if !label.is_empty() {
                keep_first(&mut row.devices, &label);
            }
        }
        row.risk.add(g.risk);
    }

    /// Users counted.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// True when no session was counted.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The rows ordered by `column` in `order`, handed over rather than copied, so a
    /// table of many users is never held twice.
    pub fn into_rows(self, column: UserColumn, order: Order) -> Vec<UserRow> {
        let mut rows: Vec<UserRow> = self.rows.into_values().collect();
        rows.sort_by(|a, b| match order {
            Order::Asc => column.compare(a, b),
            Order::Desc => column.compare(b, a),
        });
        rows
    }

    /// The rows ordered by `column` in `order`.
    pub fn rows(&self, column: UserColumn, order: Order) -> Vec<&UserRow> {
        let mut rows: Vec<&UserRow> = self.rows.values().collect();
        rows.sort_by(|a, b| match order {
            Order::Asc => column.compare(a, b),
            Order::Desc => column.compare(b, a),
        });
        rows
    }

    /// The row of one identity.
    pub fn get(&self, identity: &str) -> Option<&UserRow> {
        self.rows.get(identity)
    }
}
