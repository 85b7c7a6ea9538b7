//! The figures a picture of a query's set is drawn from: logins over time, top
//! countries and devices, the risk breakdown and what expires soon. Fed one session at a
//! time; memory grows with distinct hours, countries and devices, not with sessions.

use super::device::Devices;
use super::glance::Glance;
use crate::authn::model::{Session, Timestamp};
use crate::query::{LocalTerm, TextTest, Verdict};
use std::collections::{BTreeMap, HashMap};

/// Seconds in an hour.
const HOUR: i64 = 3_600;
/// Seconds in a day.
const DAY: i64 = 86_400;
/// Most buckets a time series fills in between its first and last login.
pub const MAX_BUCKETS: usize = 10_000;
/// Sessions the "expiring soonest" list keeps.
pub const SOONEST: usize = 10;

/// The width of a time bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bucket {
    /// One hour.
    Hour,
    /// One day (UTC).
    Day,
}

impl Bucket {
    fn seconds(self) -> i64 {
        match self {
            Bucket::Hour => HOUR,
            Bucket::Day => DAY,
        }
    }
}

/// Sessions by risk signal; one session may count under several flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RiskBreakdown {
    /// Verdict malicious.
    pub malicious: u64,
    /// Verdict suspicious.
    pub suspicious: u64,
    /// Verdict unknown, or no verdict in a block that was sent.
    pub unknown: u64,
    /// Verdict benign.
    pub benign: u64,
    /// No intelligence sent by the server.
    pub not_provided: u64,
    /// Through a VPN.
    pub vpn: u64,
    /// Through a proxy.
    pub proxy: u64,
    /// From an embargoed country.
    pub embargo: u64,
    /// Of a breached user.
    pub breached: u64,
}

/// Sessions by how soon they end, counted from the `now` the insights were made with.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Expiring {
    /// Within the hour.
    pub within_hour: u64,
    /// Within a day (the hour included).
    pub within_day: u64,
    /// Within a week (the day included).
    pub within_week: u64,
    /// The soonest, earliest first: (expiry, session id, email).
    pub soonest: Vec<(Timestamp, String, String)>,
}

/// The aggregates of one set of sessions.
#[derive(Debug)]
pub struct Insights {
    now: Timestamp,
    total: u64,
    hours: BTreeMap<i64, u64>,
    countries: HashMap<String, u64>,
    devices: HashMap<String, u64>,
    risk: RiskBreakdown,
    expiring: Expiring,
    parser: Devices,
}

impl Insights {
    /// Nothing counted yet; "expiring soon" is measured from `now`.
    pub fn new(now: Timestamp) -> Self {
        Self {
            now,
            total: 0,
            hours: BTreeMap::new(),
            countries: HashMap::new(),
            devices: HashMap::new(),
            risk: RiskBreakdown::default(),
            expiring: Expiring::default(),
            parser: Devices::new(),
        }
    }

    /// Counts one session.
    pub fn add(&mut self, s: &Session) {
        self.add_glance(&Glance::of(s));
    }

    /// Counts the session `g` reads.
    pub fn add_glance(&mut self, g: &Glance<'_>) {
        self.total += 1;
        let created = g.created_at.as_second();
        *self.hours.entry(created.div_euclid(HOUR)).or_default() += 1;
        if let Some(c) = g.country() {
            count(&mut self.countries, &c);
        }
        if let Some(ua) = g.user_agent() {
            let family = self.parser.family(ua);
            if !family.is_empty() {
                count(&mut self.devices, &family);
            }
        }
        let r = g.risk;
        let b = &mut self.risk;
        if r.provided {
            match r.verdict {
                Some(Verdict::Malicious) => b.malicious += 1,
                Some(Verdict::Suspicious) => b.suspicious += 1,
                Some(Verdict::Benign) => b.benign += 1,
                Some(Verdict::Unknown) | None => b.unknown += 1,
            }
            b.vpn += u64::from(r.vpn);
            b.proxy += u64::from(r.proxy);
            b.embargo += u64::from(r.embargo);
            b.breached += u64::from(r.breached);
        } else {
            b.not_provided += 1;
        }
        let left = g.expire.as_second() - self.now.as_second();
        let e = &mut self.expiring;
        e.within_hour += u64::from(left <= HOUR);
        e.within_day += u64::from(left <= DAY);
        e.within_week += u64::from(left <= 7 * DAY);
        let at = e.soonest.partition_point(|(t, _, _)| *t <= g.expire);
        if at < SOONEST {
            e.soonest
                .insert(at, (g.expire, g.id.to_string(), g.email.to_string()));
            e.soonest.truncate(SOONEST);
        }
    }

    /// Sessions counted.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Logins per bucket from the first to the last, empty buckets included (at most
    /// [`MAX_BUCKETS`], the latest kept); each with the bucket's start.
    pub fn logins(&self, bucket: Bucket) -> Vec<(Timestamp, u64)> {
        let per = bucket.seconds() / HOUR;
        let mut merged: BTreeMap<i64, u64> = BTreeMap::new();
        for (h, n) in &self.hours {
            *merged.entry(h.div_euclid(per)).or_default() += n;
        }
        let (Some((&first, _)), Some((&last, _))) =
            (merged.first_key_value(), merged.last_key_value())
        else {
            return Vec::new();
        };
        let keep = i64::try_from(MAX_BUCKETS).unwrap_or(i64::MAX);
        let first = first.max(last.saturating_sub(keep - 1));
        (first..=last)
            .map(|b| {
                let start = Timestamp::from_second(b * bucket.seconds()).unwrap_or_default();
                (start, merged.get(&b).copied().unwrap_or(0))
            })
            .collect()
    }

    /// The `n` countries with most sessions, most first (ties by code).
    pub fn top_countries(&self, n: usize) -> Vec<(String, u64)> {
        top(&self.countries, n)
    }

    /// The `n` browsers or clients with most sessions, most first.
    pub fn top_devices(&self, n: usize) -> Vec<(String, u64)> {
        top(&self.devices, n)
    }

    /// Sessions by risk signal.
    pub fn risk(&self) -> &RiskBreakdown {
        &self.risk
    }

    /// Sessions by how soon they end.
    pub fn expiring(&self) -> &Expiring {
        &self.expiring
    }
}

/// One more for `key`, allocating only for a key not seen before.
fn count(counts: &mut HashMap<String, u64>, key: &str) {
    match counts.get_mut(key) {
        Some(n) => *n += 1,
        None => {
            counts.insert(key.to_string(), 1);
        }
    }
}

fn top(counts: &HashMap<String, u64>, n: usize) -> Vec<(String, u64)> {
    let mut v: Vec<(String, u64)> = counts.iter().map(|(k, c)| (k.clone(), *c)).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v.truncate(n);
    v
}

/// The query term a country bar stands for, e.g. `country=FR`.
pub fn country_term(code: &str) -> String {
    LocalTerm::Country(TextTest::Equals(vec![code.to_string()])).to_string()
}

/// The query term a device bar stands for, e.g. `device~Firefox`.
pub fn device_term(family: &str) -> String {
    LocalTerm::Device(TextTest::Contains(vec![family.to_string()])).to_string()
}
