//! Browser and operating system from a User-Agent, with the `ua-parser` crate and the
//! uap-core rules (`assets/ua/regexes.json`: its user-agent and OS parsers, Apache-2.0).
//!
//! The rules are compiled once per process. Sessions repeat a few hundred User-Agents
//! over and over, so [`Devices`] remembers the answers it gave (up to a bound).

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};
use ua_parser::{os, user_agent};

/// The uap-core user-agent and OS rules, as JSON.
const RULES: &str = include_str!("../../assets/ua/regexes.json");

/// What a User-Agent says about the device.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Device {
    /// Browser or client and its major version, e.g. `Firefox 128`, `curl 8`.
    pub browser: String,
    /// Operating system and its major version when known, e.g. `Windows 10`, `iOS 17`;
    /// empty when the User-Agent does not say.
    pub os: String,
}

impl Device {
    /// `Firefox 128 · Linux`, or just the browser when the OS is unknown; empty when the
    /// session sent no User-Agent.
    pub fn label(&self) -> String {
        match (self.browser.is_empty(), self.os.is_empty()) {
            (_, true) => self.browser.clone(),
            (true, false) => self.os.clone(),
            (false, false) => format!("{} · {}", self.browser, self.os),
        }
    }
}

#[derive(serde::Deserialize)]
struct UaRules {
    user_agent_parsers: Vec<user_agent::Parser<'static>>,
}

#[derive(serde::Deserialize)]
struct OsRules {
    os_parsers: Vec<os::Parser<'static>>,
}

// Built on first use; `None` only if the embedded rules were broken, which a unit test
// rules out (the parser then reports every device by its product token). Two values, so
// the two sets of rules compile on two threads at once (see [`warm_up`]).
static UA: LazyLock<Option<user_agent::Extractor<'static>>> = LazyLock::new(|| {
    let rules: UaRules = serde_json::from_str(RULES).ok()?;
    user_agent::Builder::new()
        .push_all(rules.user_agent_parsers)
        .ok()?
        .build()
        .ok()
});

static OS: LazyLock<Option<os::Extractor<'static>>> = LazyLock::new(|| {
    let rules: OsRules = serde_json::from_str(RULES).ok()?;
    os::Builder::new()
        .push_all(rules.os_parsers)
        .ok()?
        .build()
        .ok()
});

/// Compiles the rules on threads of their own, the browser rules and the OS rules at
/// once: compiling them is most of what a short listing costs (~0.1 s of CPU), so a
/// caller that will parse User-Agents soon waits for the longer of the two at most.
pub fn warm_up() {
    std::thread::spawn(|| LazyLock::force(&UA));
    std::thread::spawn(|| LazyLock::force(&OS));
}

/// The product token of a User-Agent the rules do not know: `pangea-go/5.7.0` → `pangea-go 5`.
fn product(ua: &str) -> String {
    let first = ua.split_whitespace().next().unwrap_or("");
    match first.split_once('/') {
        Some((name, version)) if !name.is_empty() => {
            let major = version.split('.').next().unwrap_or("");
            if major.is_empty() {
                name.to_string()
            } else {
                format!("{name} {major}")
            }
        }
        _ => first.to_string(),
    }
}

fn with_major(name: &str, major: Option<&str>) -> String {
    match major.filter(|m| !m.is_empty()) {
        Some(m) => format!("{name} {m}"),
        None => name.to_string(),
    }
}

/// The device a User-Agent names (no caching; see [`Devices`]).
pub fn parse(ua: &str) -> Device {
    let ua = ua.trim();
    if ua.is_empty() {
        return Device {
            browser: String::new(),
            os: String::new(),
        };
    }
    let browser = match UA.as_ref().and_then(|x| x.extract(ua)) {
        Some(v) if v.family != "Other" => with_major(&v.family, v.major),
        _ => product(ua),
    };
    let os = match OS.as_ref().and_then(|x| x.extract(ua)) {
        Some(v) if v.os != "Other" => {
            // Desktop versions read better without their minor ("Mac OS X 10").
            let major = v.major.as_deref();
            match &*v.os {
                "Linux" | "Ubuntu" | "Chrome OS" => v.os.to_string(),
                _ => with_major(&v.os, major),
            }
        }
        _ => String::new(),
    };
    Device { browser, os }
}

/// What is remembered of one User-Agent: its device, label and browser family.
type Known = (Arc<Device>, Arc<str>, Arc<str>);

/// A User-Agent → [`Device`] cache for one walk or view; it holds at most `CAPACITY`
/// answers and starts over when full, so memory stays flat however many sessions pass.
#[derive(Default)]
pub struct Devices {
    seen: HashMap<Box<str>, Known>,
}

impl std::fmt::Debug for Devices {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Devices({} cached)", self.seen.len())
    }
}

impl Devices {
    /// Answers kept before the cache starts over.
    pub const CAPACITY: usize = 4096;

    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// The device of `ua`, parsed once per distinct string.
    pub fn get(&mut self, ua: &str) -> Arc<Device> {
        self.entry(ua).0.clone()
    }

    /// [`Device::label`] of `ua`, made once per distinct string.
    pub fn label(&mut self, ua: &str) -> Arc<str> {
        self.entry(ua).1.clone()
    }

    /// The browser's family without its version ("Firefox", not "Firefox 128"), made
    /// once per distinct string.
    pub fn family(&mut self, ua: &str) -> Arc<str> {
        self.entry(ua).2.clone()
    }

    fn entry(&mut self, ua: &str) -> &Known {
        if !self.seen.contains_key(ua) {
            if self.seen.len() >= Self::CAPACITY {
                self.seen.clear();
            }
            let d = parse(ua);
            let label = Arc::from(d.label());
            let family = match d.browser.rsplit_once(' ') {
                Some((name, v)) if v.chars().all(|c| c.is_ascii_digit()) => Arc::from(name),
                _ => Arc::from(d.browser.as_str()),
            };
            self.seen.insert(ua.into(), (Arc::new(d), label, family));
        }
        // Inserted just above when missing.
        &self.seen[ua]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_rules_compile() {
        assert!(UA.is_some() && OS.is_some());
    }

    #[test]
    fn browsers_phones_and_scripts_are_named() {
        let cases = [
            (
                "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
                "Firefox 128 · Linux",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
                "Chrome 126 · Windows 10",
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
                "Mobile Safari 17 · iOS 17",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.68",
                "Edge 126 · Windows 10",
            ),
            ("curl/8.8.0", "curl 8"),
            ("python-requests/2.32.3", "Python Requests 2"),
            ("pangea-go/5.7.0", "pangea-go 5"),
            ("", ""),
        ];
        for (ua, want) in cases {
            assert_eq!(parse(ua).label(), want, "{ua}");
        }
    }

    #[test]
    fn the_cache_answers_as_the_parser_and_stays_bounded() {
        let mut devices = Devices::new();
        let ua = "curl/8.8.0";
        assert_eq!(*devices.get(ua), parse(ua));
        for i in 0..Devices::CAPACITY + 10 {
            devices.get(&format!("tool{i}/1.0"));
        }
        assert!(devices.seen.len() <= Devices::CAPACITY);
        assert_eq!(devices.get("tool3/1.0").browser, "tool3 1");
    }
}
