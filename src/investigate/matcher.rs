//! Checking a query's local terms on one session.
//!
//! Text terms (country, city, device, ua) ignore case and a list means any of its
//! values; profile terms compare exactly, as the server's profile filters do. A term about
//! intelligence never matches a session whose server sent none: "not provided" is
//! neither `vpn` nor `vpn=false`.

use super::device::Devices;
use super::glance::Glance;
use crate::authn::model::Session;
use crate::query::{LocalTerm, ProfileTest, TextTest};

/// A text test with its needles lower-cased once.
#[derive(Debug, Clone)]
struct Text {
    equals: bool,
    needles: Vec<String>,
}

impl Text {
    fn new(test: &TextTest) -> Self {
        let (equals, values) = match test {
            TextTest::Equals(v) => (true, v),
            TextTest::Contains(v) => (false, v),
        };
        Self {
            equals,
            needles: values.iter().map(|v| v.to_lowercase()).collect(),
        }
    }

    /// Whether any of `candidates` satisfies the test.
    fn any<'a>(&self, candidates: impl IntoIterator<Item = &'a str>) -> bool {
        candidates.into_iter().any(|c| {
            let c = c.to_lowercase();
            self.needles.iter().any(|n| {
                if self.equals {
                    c == *n
                } else {
                    c.contains(n.as_str())
                }
            })
        })
    }
}

#[derive(Debug, Clone)]
enum Check {
    Country(Text),
    City(Text),
    Device(Text),
    UserAgent(Text),
    Term(LocalTerm),
}

/// The local part of a query, ready to check sessions.
#[derive(Debug, Default)]
pub struct Matcher {
    checks: Vec<Check>,
    devices: Devices,
}

impl Matcher {
    /// A matcher for these terms (all must hold); no terms match every session.
    pub fn new(terms: &[LocalTerm]) -> Self {
        let checks = terms
            .iter()
            .map(|t| match t {
                LocalTerm::Country(x) => Check::Country(Text::new(x)),
                LocalTerm::City(x) => Check::City(Text::new(x)),
                LocalTerm::Device(x) => Check::Device(Text::new(x)),
                LocalTerm::UserAgent(x) => Check::UserAgent(Text::new(x)),
                other => Check::Term(other.clone()),
            })
            .collect();
        Self {
            checks,
            devices: Devices::new(),
        }
    }

    /// True when there is nothing to check.
    pub fn is_empty(&self) -> bool {
        self.checks.is_empty()
    }

    /// Whether `s` satisfies every term.
    pub fn matches(&mut self, s: &Session) -> bool {
        self.checks.is_empty() || self.matches_glance(&Glance::of(s))
    }

    /// Whether the session `g` reads satisfies every term.
    pub fn matches_glance(&mut self, g: &Glance<'_>) -> bool {
        let Self { checks, devices } = self;
        checks.iter().all(|c| check(c, g, devices))
    }
}

fn check(c: &Check, g: &Glance<'_>, devices: &mut Devices) -> bool {
    match c {
        Check::Country(t) => g.place.as_ref().is_some_and(|p| {
            t.any(
                [p.country_code.as_deref(), p.country.as_deref()]
                    .into_iter()
                    .flatten(),
            )
        }),
        Check::City(t) => g.place.as_ref().is_some_and(|p| t.any(p.city.as_deref())),
        Check::UserAgent(t) => g.user_agent().is_some_and(|ua| t.any([ua])),
        Check::Device(t) => g.user_agent().is_some_and(|ua| {
            let label = devices.label(ua);
            let d = devices.get(ua);
            t.any([&*label, d.browser.as_str(), d.os.as_str()])
        }),
        Check::Term(LocalTerm::Flag(flag, want)) => g.risk.provided && g.risk.has(*flag) == *want,
        Check::Term(LocalTerm::Risk(verdicts)) => {
            g.risk.verdict.is_some_and(|v| verdicts.contains(&v))
        }
        Check::Term(LocalTerm::Profile { name, test }) => {
            let value = g.profile.get(name);
            match test {
                ProfileTest::Equals(v) => value == Some(v.as_str()),
                ProfileTest::Contains(vs) => {
                    value.is_some_and(|have| vs.iter().any(|v| have.contains(v.as_str())))
                }
                ProfileTest::Exists(want) => value.is_some() == *want,
            }
        }
        // The text terms were prepared above.
        Check::Term(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::investigate::facts::{self, Risk};
    use crate::query::compile_query;

    fn seeded() -> Vec<Session> {
        use crate::emulator::{seed, store::Store, validate};
        let now = 1_780_000_000_000_000;
        let life = 900_000_000;
        let mut store = Store::new(3, life, "pts_x".into(), now);
        seed::populate(&mut store, 3, 40, 400, now, life, 7 * 86_400_000_000, true);
        let body = br#"{"size":1000}"#;
        let b = validate::parse(validate::Endpoint::SessionList, body).unwrap();
        let page = store.list(b.list.as_ref().unwrap(), None, now).unwrap();
        let v: serde_json::Value = serde_json::from_str(&page.json).unwrap();
        serde_json::from_value(v["sessions"].clone()).unwrap()
    }

    fn count(all: &[Session], q: &str) -> usize {
        let query = compile_query(q, "2026-01-01T00:00:00Z".parse().unwrap()).unwrap();
        let mut m = Matcher::new(&query.local);
        all.iter().filter(|s| m.matches(s)).count()
    }

    /// Every local term agrees with a direct reading of the same sessions.
    #[test]
    fn every_local_term_matches_what_the_session_says() {
        let all = seeded();
        let by = |f: &dyn Fn(&Session) -> bool| all.iter().filter(|s| f(s)).count();
        let geo = |s: &Session| facts::geolocation(s).cloned();
        let ua = |s: &Session| facts::user_agent(s).unwrap_or("").to_string();
        let cases: Vec<(&str, usize)> = vec![
            (
                "country=US",
                by(&|s| geo(s).and_then(|g| g.country_code).as_deref() == Some("US")),
            ),
            (
                "country=us,fr",
                by(&|s| {
                    matches!(
                        geo(s).and_then(|g| g.country_code).as_deref(),
                        Some("US" | "FR")
                    )
                }),
            ),
            (
                "country=France",
                by(&|s| geo(s).and_then(|g| g.country).as_deref() == Some("France")),
            ),
            (
                "city~par",
                by(&|s| {
                    geo(s)
                        .and_then(|g| g.city)
                        .is_some_and(|c| c.to_lowercase().contains("par"))
                }),
            ),
            ("vpn", by(&|s| Risk::of(s).vpn)),
            (
                "vpn=false",
                by(&|s| Risk::of(s).provided && !Risk::of(s).vpn),
            ),
            ("proxy", by(&|s| Risk::of(s).proxy)),
            ("embargo", by(&|s| Risk::of(s).embargo)),
            ("breached", by(&|s| Risk::of(s).breached)),
            (
                "risk=malicious,suspicious",
                by(&|s| Risk::of(s).bad_verdict().is_some()),
            ),
            ("ua~curl", by(&|s| ua(s).contains("curl"))),
            (
                "ua~CURL,python",
                by(&|s| ua(s).contains("curl") || ua(s).contains("python")),
            ),
            ("device~firefox", by(&|s| ua(s).contains("Firefox/"))),
            (
                "device~iOS",
                by(&|s| ua(s).contains("iPhone OS") || ua(s).contains("CPU OS")),
            ),
            ("profile.User-Agent~curl", by(&|s| ua(s).contains("curl"))),
            ("profile.first_name?", all.len()),
            ("!profile.first_name?", 0),
            (
                "vpn country=US",
                by(&|s| {
                    Risk::of(s).vpn && geo(s).and_then(|g| g.country_code).as_deref() == Some("US")
                }),
            ),
        ];
        for (q, want) in cases {
            assert_eq!(count(&all, q), want, "{q}");
        }
        // the seeded mix makes these non-trivial
        assert!(count(&all, "vpn") > 0 && count(&all, "vpn") < all.len() / 5);
        assert!(count(&all, "ua~curl") > 0);
        assert!(count(&all, "device~firefox") > 0);
        let first = all[0].profile["first_name"].clone();
        assert!(count(&all, &format!("profile.first_name=\"{first}\"")) > 0);
    }

    #[test]
    fn intelligence_terms_never_match_a_session_without_intelligence() {
        let mut s = seeded().remove(0);
        if let Some(t) = s.active_token.as_mut() {
            t.intelligence = None;
        }
        for q in [
            "vpn",
            "vpn=false",
            "country=US",
            "risk=benign,unknown,malicious,suspicious",
            "city~a",
        ] {
            let query = compile_query(q, "2026-01-01T00:00:00Z".parse().unwrap()).unwrap();
            assert!(!Matcher::new(&query.local).matches(&s), "{q}");
        }
        assert!(Matcher::new(&[]).matches(&s));
    }
}
