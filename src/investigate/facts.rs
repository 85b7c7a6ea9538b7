//! What a session says about where it came from and how risky it is, read from its
//! active token's intelligence block (spec 4.4) and its profile's `User-Agent`.
//!
//! "Not provided" and "no risk" are different answers: a session without an
//! intelligence block has [`Risk::provided`] false, never an empty flag list.

use crate::authn::model::{Geolocation, Intelligence, Session};
use crate::query::{Flag, Verdict};

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
    let g = geolocation(s)?;
    let city = g.city.as_deref().filter(|c| !c.is_empty());
    let code = g
        .country_code
        .as_deref()
        .or(g.country.as_deref())
        .filter(|c| !c.is_empty());
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

/// What [`Risk::compact`] says when the server sent no intelligence.
pub const NOT_PROVIDED: &str = "n/a";

impl Risk {
    /// The risk of one session.
    pub fn of(s: &Session) -> Risk {
        let Some(i) = intelligence(s) else {
            return Risk::default();
        };
        let ip = i.ip_intel.as_ref();
        Risk {
            provided: true,
            verdict: ip
                .and_then(|ip| ip.reputation.as_ref())
                .and_then(|r| r.verdict.as_deref())
                .and_then(Verdict::parse),
            vpn: ip.and_then(|ip| ip.is_vpn).unwrap_or(false),
            proxy: ip.and_then(|ip| ip.is_proxy).unwrap_or(false),
            embargo: i.embargo.unwrap_or(false),
            breached: i.user_intel.unwrap_or(false),
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

    /// The flags worth showing, worst first: `malicious`/`suspicious`, then `vpn`,
    /// `proxy`, `embargo`, `breached`.
    pub fn flags(&self) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = self.bad_verdict().map(|v| v.as_str()).into_iter().collect();
        out.extend(Flag::ALL.into_iter().filter(|f| self.has(*f)).map(Flag::name));
        out
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
            profile: Default::default(),
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
                profile: Default::default(),
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
}
