//! What a session says about where it came from and how risky it is, read from its
//! active token's intelligence block (spec 4.4) and its profile's `User-Agent`.
//!
//! "Not provided" and "no risk" are different answers: a session without an
//! intelligence block has [`Risk::provided`] false, never an empty flag list.

use super::device::Devices;
use super::glance::Glance;
use crate::authn::model::{Geolocation, Intelligence, Session};
use crate::query::{Flag, Verdict};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// The profile key carrying the login's User-Agent.
pub const USER_AGENT_KEY: &str = "User-Agent";

/// The active token's intelligence block, when the server sent one.
pub fn intelligence(s: &Session) -> Option<&Intelligence> {
    s.active_token.as_ref()?.intelligence.as_ref()
}

/// Where the login's address is.
pub fn geolocation(s: &Session) -> Option<&Geolocation> {
    intelligence(s)?.ip_intel.as_ref()?.geolocation.as_ref()
}

/// The login's User-Agent, when the profile carries one.
pub fn user_agent(s: &Session) -> Option<&str> {
    s.profile.get(USER_AGENT_KEY).map(String::as_str)
}

/// `Paris, FR`: city and country code, whichever are known; `None` when neither is.
pub fn location(s: &Session) -> Option<String> {
    location_in(intelligence(s))
}

/// [`location`] from an intelligence block.
pub fn location_in(intel: Option<&Intelligence>) -> Option<String> {
    let g = intel?.ip_intel.as_ref()?.geolocation.as_ref()?;
    place(
        g.city.as_deref(),
        g.country_code.as_deref().or(g.country.as_deref()),
    )
}

/// `city, code` from whichever is known and not empty.
fn place(city: Option<&str>, code: Option<&str>) -> Option<String> {
    let city = city.filter(|c| !c.is_empty());
    let code = code.filter(|c| !c.is_empty());
    match (city, code) {
        (Some(city), Some(code)) => Some(format!("{city}, {code}")),
        (Some(one), None) | (None, Some(one)) => Some(one.to_string()),
        (None, None) => None,
    }
}

/// The country code of the login (upper case), else the country name.
pub fn country(s: &Session) -> Option<String> {
    let g = geolocation(s)?;
    g.country_code
        .as_deref()
        .filter(|c| !c.is_empty())
        .map(str::to_ascii_uppercase)
        .or_else(|| g.country.clone().filter(|c| !c.is_empty()))
}

/// A login's risk signals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Risk {
    /// The server sent an intelligence block; every other field is false/`None` when not.
    pub provided: bool,
    /// The IP's reputation verdict.
    pub verdict: Option<Verdict>,
    /// Through a VPN.
    pub vpn: bool,
    /// Through a proxy.
    pub proxy: bool,
    /// From an embargoed country.
    pub embargo: bool,
    /// The user is known to be breached.
    pub breached: bool,
}

/// How bad a risk flag is, worst first; the flag itself carries the meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Malicious verdict, embargoed country, breached user.
    Danger,
    /// Suspicious verdict, VPN, proxy.
    Warning,
}

/// One raised risk flag: its word, its code in narrow tables and its severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RiskFlag {
    /// `malicious`, `vpn`, …: the query language's word for it.
    pub word: &'static str,
    /// `MAL`, `VPN`, …: three letters for a narrow column.
    pub code: &'static str,
    /// How bad it is.
    pub severity: Severity,
}

impl RiskFlag {
    // The one place the codes are written.
    fn verdict(v: Verdict) -> Self {
        let (code, severity) = match v {
            Verdict::Malicious => ("MAL", Severity::Danger),
            _ => ("SUS", Severity::Warning),
        };
        RiskFlag {
            word: v.as_str(),
            code,
            severity,
        }
    }

    fn flag(f: Flag) -> Self {
        let (code, severity) = match f {
            Flag::Vpn => ("VPN", Severity::Warning),
            Flag::Proxy => ("PRX", Severity::Warning),
            Flag::Embargo => ("EMB", Severity::Danger),
            Flag::Breached => ("BRE", Severity::Danger),
        };
        RiskFlag {
            word: f.name(),
            code,
            severity,
        }
    }
}

/// What [`Risk::compact`] says when the server sent no intelligence.
pub const NOT_PROVIDED: &str = "n/a";

impl Risk {
    /// The risk of one session.
    pub fn of(s: &Session) -> Risk {
        Risk::of_intel(intelligence(s))
    }

    /// The risk an intelligence block describes; not provided when there is none.
    pub fn of_intel(intel: Option<&Intelligence>) -> Risk {
        let Some(i) = intel else {
            return Risk::default();
        };
        let ip = i.ip_intel.as_ref();
        Risk::provided(
            ip.and_then(|ip| ip.reputation.as_ref())
                .and_then(|r| r.verdict.as_deref()),
            [
                ip.and_then(|ip| ip.is_vpn),
                ip.and_then(|ip| ip.is_proxy),
                i.embargo,
                i.user_intel,
            ],
        )
    }

    /// The risk an intelligence block sent: its verdict, then the VPN, proxy, embargo
    /// and breached signals (absent is false).
    fn provided(verdict: Option<&str>, [vpn, proxy, embargo, breached]: [Option<bool>; 4]) -> Risk {
        Risk {
            provided: true,
            verdict: verdict.and_then(Verdict::parse),
            vpn: vpn.unwrap_or(false),
            proxy: proxy.unwrap_or(false),
            embargo: embargo.unwrap_or(false),
            breached: breached.unwrap_or(false),
        }
    }

    /// Whether a flag is set.
    pub fn has(&self, flag: Flag) -> bool {
        match flag {
            Flag::Vpn => self.vpn,
            Flag::Proxy => self.proxy,
            Flag::Embargo => self.embargo,
            Flag::Breached => self.breached,
        }
    }

    /// The bad verdict, if the verdict is one worth flagging.
    pub fn bad_verdict(&self) -> Option<Verdict> {
        self.verdict
            .filter(|v| matches!(v, Verdict::Malicious | Verdict::Suspicious))
    }

    /// The flags raised, worst first: `malicious`/`suspicious`, then `vpn`, `proxy`,
    /// `embargo`, `breached`; each with its code and severity.
    pub fn raised(&self) -> Vec<RiskFlag> {
        let mut out: Vec<RiskFlag> = self
            .bad_verdict()
            .map(RiskFlag::verdict)
            .into_iter()
            .collect();
        out.extend(
            Flag::ALL
                .into_iter()
                .filter(|f| self.has(*f))
                .map(RiskFlag::flag),
        );
        out
    }

    /// The words of the flags raised, worst first (as JSON, CSV and queries write them).
    pub fn flags(&self) -> Vec<&'static str> {
        self.raised().into_iter().map(|f| f.word).collect()
    }

    /// The worst severity among the flags raised; `None` when clean.
    pub fn severity(&self) -> Option<Severity> {
        self.raised().into_iter().map(|f| f.severity).min()
    }

    /// True when any flag is shown.
    pub fn is_flagged(&self) -> bool {
        self.bad_verdict().is_some() || Flag::ALL.into_iter().any(|f| self.has(f))
    }

    /// The flags separated by spaces; empty when clean, [`NOT_PROVIDED`] when the server
    /// sent no intelligence.
    pub fn compact(&self) -> String {
        if !self.provided {
            return NOT_PROVIDED.to_string();
        }
        self.flags().join(" ")
    }
}

/// The fields authtop works out for a session: the table's LOCATION, DEVICE and RISK,
/// written as `derived` beside each session in JSON output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Derived {
    /// `Paris, FR`; null when the server sent no location.
    pub location: Option<String>,
    /// `Firefox 128 · Linux`; null when the profile has no User-Agent.
    pub device: Option<String>,
    /// The risk flags, worst first; null when the server sent no intelligence.
    pub risk: Option<Vec<&'static str>>,
}

/// The active token's intelligence as [`Glance::from_json`] reads it from a session's
/// JSON text, borrowed where the text allows.
#[derive(Deserialize)]
pub(super) struct LightToken<'a> {
    #[serde(default, borrow)]
    pub(super) intelligence: Option<LightIntel<'a>>,
}

#[derive(Deserialize)]
pub(super) struct LightIntel<'a> {
    #[serde(default)]
    pub(super) embargo: Option<bool>,
    #[serde(default, borrow)]
    pub(super) ip_intel: Option<LightIp<'a>>,
    #[serde(default)]
    pub(super) user_intel: Option<bool>,
}

#[derive(Deserialize)]
pub(super) struct LightIp<'a> {
    #[serde(default)]
    pub(super) is_vpn: Option<bool>,
    #[serde(default)]
    pub(super) is_proxy: Option<bool>,
    #[serde(default, borrow)]
    pub(super) reputation: Option<LightReputation<'a>>,
    #[serde(default, borrow)]
    pub(super) geolocation: Option<LightGeo<'a>>,
}

#[derive(Deserialize)]
pub(super) struct LightReputation<'a> {
    #[serde(default, borrow)]
    pub(super) verdict: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
pub(super) struct LightGeo<'a> {
    #[serde(default, borrow)]
    pub(super) country: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub(super) city: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub(super) country_code: Option<Cow<'a, str>>,
}

impl LightIntel<'_> {
    /// The risk flags this block carries.
    pub(super) fn risk(&self) -> Risk {
        let ip = self.ip_intel.as_ref();
        Risk::provided(
            ip.and_then(|ip| ip.reputation.as_ref())
                .and_then(|r| r.verdict.as_deref()),
            [
                ip.and_then(|ip| ip.is_vpn),
                ip.and_then(|ip| ip.is_proxy),
                self.embargo,
                self.user_intel,
            ],
        )
    }
}

impl Derived {
    /// The derived fields of a session.
    pub fn of(s: &Session, devices: &mut Devices) -> Self {
        Self::of_glance(&Glance::of(s), devices)
    }

    /// The derived fields of what a walk read of a session, from a typed session or from
    /// its JSON text ([`Glance::from_json`]) alike.
    pub fn of_glance(g: &Glance<'_>, devices: &mut Devices) -> Self {
        let location = g.place.as_ref().and_then(|p| {
            place(
                p.city.as_deref(),
                p.country_code.as_deref().or(p.country.as_deref()),
            )
        });
        Derived {
            location,
            device: g
                .user_agent()
                .map(|ua| devices.label(ua).to_string())
                .filter(|d| !d.is_empty()),
            risk: g.risk.provided.then(|| g.risk.flags()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::authn::model::{IpIntel, Reputation, TokenInfo};

    fn session(intel: Option<Intelligence>) -> Session {
        let t: crate::authn::model::Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        Session {
            id: "pmt_x".into(),
            kind: "session".into(),
            life: 1,
            expire: t,
            identity: "pui_x".into(),
            email: "a@x.io".into(),
            scopes: None,
            profile: crate::authn::model::Profile::default(),
            created_at: t,
            active_token: Some(TokenInfo {
                id: "pmt_y".into(),
                kind: "user".into(),
                life: 1,
                expire: t,
                enabled: None,
                identity: "pui_x".into(),
                email: "a@x.io".into(),
                scopes: None,
                profile: crate::authn::model::Profile::default(),
                created_at: t,
                intelligence: intel,
                audience: None,
                client_id: None,
                claims: None,
            }),
        }
    }

    #[test]
    fn not_provided_is_not_clean() {
        let none = Risk::of(&session(None));
        assert!(!none.provided);
        assert_eq!(none.compact(), NOT_PROVIDED);
        let clean = Risk::of(&session(Some(Intelligence::default())));
        assert!(clean.provided && !clean.is_flagged());
        assert_eq!(clean.compact(), "");
        let bad = Risk::of(&session(Some(Intelligence {
            embargo: Some(true),
            ip_intel: Some(IpIntel {
                is_vpn: Some(true),
                reputation: Some(Reputation {
                    verdict: Some("Malicious".into()),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            user_intel: Some(true),
            ..Default::default()
        })));
        assert_eq!(bad.compact(), "malicious vpn embargo breached");
    }

    #[test]
    fn derived_fields_read_the_same_from_a_session_and_from_its_json() {
        let mut s = session(Some(Intelligence {
            ip_intel: Some(IpIntel {
                is_proxy: Some(true),
                geolocation: Some(Geolocation {
                    city: Some("Lyon".into()),
                    country_code: Some("FR".into()),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            ..Default::default()
        }));
        s.profile.insert(USER_AGENT_KEY.into(), "curl/8.8.0".into());
        let mut devices = Devices::new();
        let typed = Derived::of(&s, &mut devices);
        let json = serde_json::to_string(&s).unwrap();
        let glance = Glance::from_json(&json).unwrap();
        assert_eq!(Derived::of_glance(&glance, &mut devices), typed);
        assert_eq!(
            serde_json::to_value(&typed).unwrap(),
            serde_json::json!({"location": "Lyon, FR", "device": "curl 8", "risk": ["proxy"]})
        );
        // The session's own profile is read, not the active token's.
        let mut other = s.clone();
        if let Some(t) = other.active_token.as_mut() {
            t.profile.insert(USER_AGENT_KEY.into(), "Wget/1.21".into());
        }
        let text = serde_json::to_string_pretty(&other).unwrap();
        let glance = Glance::from_json(&text).unwrap();
        assert_eq!(Derived::of_glance(&glance, &mut devices), typed);
        let bare = session(None);
        let d = Derived::of(&bare, &mut devices);
        assert_eq!((d.location, d.device, d.risk), (None, None, None));
    }
}
