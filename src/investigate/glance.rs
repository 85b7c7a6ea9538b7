//! What the walks read of a session: its ids, times, profile, location and risk,
//! borrowed from a typed session or read from the session's JSON text without building
//! the rest of it (no maps, no token block, no copies of strings without escapes).
//!
//! A session's JSON is read two ways: decoded whole into the typed model (`authn`'s
//! decode, wherever a `Session` is needed), or glanced at here. Walks, their aggregates
//! and matching, and the derived fields NDJSON adds to a session passed through as sent
//! ([`crate::investigate::facts::Derived::of_glance`]) all read this one glance.
//!
//! A walk of a whole result reads every session once and keeps almost none, so reading
//! only this much is what keeps it close to the cost of fetching the pages.

use super::facts::{self, LightToken, Risk};
use crate::authn::model::{Profile, Session, Timestamp, deserialize_timestamp};
use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

/// Where the login came from, as the intelligence block says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Place<'a> {
    /// Country name.
    pub country: Option<Cow<'a, str>>,
    /// City.
    pub city: Option<Cow<'a, str>>,
    /// Two-letter country code.
    pub country_code: Option<Cow<'a, str>>,
}

/// A session's profile: the typed map, or the pairs read from JSON text.
#[derive(Debug, Clone)]
pub enum Pairs<'a> {
    /// A typed session's profile.
    Map(&'a Profile),
    /// Read from JSON text, in the order sent.
    List(Vec<(Cow<'a, str>, Cow<'a, str>)>),
}

impl Pairs<'_> {
    /// The value of a profile key.
    pub fn get(&self, name: &str) -> Option<&str> {
        match self {
            Pairs::Map(m) => m.get(name).map(String::as_str),
            // The last of a repeated key wins, as in a decoded map.
            Pairs::List(v) => v.iter().rev().find(|(k, _)| k == name).map(|(_, v)| &**v),
        }
    }
}

/// The parts of a session the walks, the matcher and the aggregates read.
#[derive(Debug, Clone)]
pub struct Glance<'a> {
    /// `pmt_…`.
    pub id: Cow<'a, str>,
    /// `pui_…`.
    pub identity: Cow<'a, str>,
    /// The owner's email.
    pub email: Cow<'a, str>,
    /// Login time.
    pub created_at: Timestamp,
    /// When the session ends.
    pub expire: Timestamp,
    /// Profile and login metadata.
    pub profile: Pairs<'a>,
    /// Location, when the server sent one.
    pub place: Option<Place<'a>>,
    /// Risk signals ("not provided" without an intelligence block).
    pub risk: Risk,
}

impl<'a> Glance<'a> {
    /// A typed session, borrowed.
    pub fn of(s: &'a Session) -> Self {
        let place = facts::geolocation(s).map(|g| Place {
            country: g.country.as_deref().map(Cow::Borrowed),
            city: g.city.as_deref().map(Cow::Borrowed),
            country_code: g.country_code.as_deref().map(Cow::Borrowed),
        });
        Glance {
            id: Cow::Borrowed(&s.id),
            identity: Cow::Borrowed(&s.identity),
            email: Cow::Borrowed(&s.email),
            created_at: s.created_at,
            expire: s.expire,
            profile: Pairs::Map(&s.profile),
            place,
            risk: Risk::of(s),
        }
    }

    /// A session's JSON text, read for these parts only.
    pub fn from_json(text: &'a str) -> Result<Self, serde_json::Error> {
        let g: Light<'a> = serde_json::from_str(text)?;
        let intel = g.active_token.and_then(|t| t.intelligence);
        let (risk, place) = match intel {
            None => (Risk::default(), None),
            Some(i) => {
                let risk = i.risk();
                let place = i.ip_intel.and_then(|ip| ip.geolocation).map(|g| Place {
                    country: g.country,
                    city: g.city,
                    country_code: g.country_code,
                });
                (risk, place)
            }
        };
        Ok(Glance {
            id: g.id,
            identity: g.identity,
            email: g.email,
            created_at: g.created_at,
            expire: g.expire,
            profile: Pairs::List(g.profile.0),
            place,
            risk,
        })
    }

    /// The login's User-Agent, when the profile carries one.
    pub fn user_agent(&self) -> Option<&str> {
        self.profile.get(facts::USER_AGENT_KEY)
    }

    /// The country code of the login (upper case), else the country name.
    pub fn country(&self) -> Option<Cow<'_, str>> {
        let p = self.place.as_ref()?;
        match p.country_code.as_deref().filter(|c| !c.is_empty()) {
            Some(c) if c.bytes().any(|b| b.is_ascii_lowercase()) => {
                Some(Cow::Owned(c.to_ascii_uppercase()))
            }
            Some(c) => Some(Cow::Borrowed(c)),
            None => p
                .country
                .as_deref()
                .filter(|c| !c.is_empty())
                .map(Cow::Borrowed),
        }
    }
}

// ---- Reading from JSON text: what a session's text holds, borrowed where it can be ----

#[derive(Deserialize)]
struct Light<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(default, borrow)]
    identity: Cow<'a, str>,
    #[serde(default, borrow)]
    email: Cow<'a, str>,
    #[serde(deserialize_with = "deserialize_timestamp")]
    created_at: Timestamp,
    #[serde(deserialize_with = "deserialize_timestamp")]
    expire: Timestamp,
    #[serde(default, borrow)]
    profile: PairList<'a>,
    #[serde(default, borrow)]
    active_token: Option<LightToken<'a>>,
}

/// A profile object as its pairs, without a map.
#[derive(Default)]
struct PairList<'a>(Vec<(Cow<'a, str>, Cow<'a, str>)>);

impl<'de: 'a, 'a> Deserialize<'de> for PairList<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = PairList<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a profile object of strings")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
                let mut out = Vec::with_capacity(map.size_hint().unwrap_or(8));
                while let Some((k, v)) = map.next_entry::<BorrowedCow<'a>, BorrowedCow<'a>>()? {
                    out.push((k.0, v.0));
                }
                Ok(PairList(out))
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

/// A string borrowed from the text when it has no escapes.
struct BorrowedCow<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for BorrowedCow<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct W<'a>(#[serde(borrow)] Cow<'a, str>);
        W::deserialize(d).map(|w| BorrowedCow(w.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seeded() -> Vec<String> {
        use crate::emulator::{seed, store::Store, validate};
        let now = 1_780_000_000_000_000;
        let life = 900_000_000;
        let mut store = Store::new(3, life, "pts_x".into(), now);
        seed::populate(&mut store, 3, 40, 300, now, life, 7 * 86_400_000_000, true);
        let body = br#"{"size":1000}"#;
        let b = validate::parse(validate::Endpoint::SessionList, body).unwrap();
        let page = store.list(b.list.as_ref().unwrap(), None, now).unwrap();
        let v: serde_json::Value = serde_json::from_str(&page.json).unwrap();
        v["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .map(std::string::ToString::to_string)
            .collect()
    }

    #[test]
    fn the_json_glance_reads_what_the_typed_session_says() {
        for text in seeded() {
            let s: Session = serde_json::from_str(&text).unwrap();
            let typed = Glance::of(&s);
            let light = Glance::from_json(&text).unwrap();
            assert_eq!(light.id, typed.id);
            assert_eq!(light.identity, typed.identity);
            assert_eq!(light.email, typed.email);
            assert_eq!(light.created_at, typed.created_at);
            assert_eq!(light.expire, typed.expire);
            assert_eq!(light.place, typed.place);
            assert_eq!(light.risk, typed.risk);
            assert_eq!(light.country(), typed.country());
            assert_eq!(light.user_agent(), typed.user_agent());
            for k in s.profile.keys() {
                assert_eq!(light.profile.get(k), typed.profile.get(k), "{k}");
            }
        }
    }

    #[test]
    fn escaped_strings_and_a_missing_block_read_the_same() {
        let text = r#"{"id":"pmt_\u0061","type":"session","life":1,"expire":"2026-01-01T00:00:00Z",
            "identity":"pui_x","email":"a\"b@x.io","profile":{"User-Agent":"curl\/8.0"},
            "created_at":"2026-01-01T00:00:00.123456Z"}"#;
        let g = Glance::from_json(text).unwrap();
        assert_eq!(g.id, "pmt_a");
        assert_eq!(g.email, "a\"b@x.io");
        assert_eq!(g.user_agent(), Some("curl/8.0"));
        assert!(!g.risk.provided);
        assert!(g.place.is_none());
        assert!(
            Glance::from_json(r#"{"id":"x"}"#).is_err(),
            "times are required"
        );
    }
}
