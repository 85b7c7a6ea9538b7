//! Saved views: named queries from the config's `[views]`, beside the few that ship with
//! authtop, for the questions asked in every incident. The TUI reaches one with `:NAME`
//! and lists them with `:views`.
//!
//! ```toml
//! [views]
//! risky = "risk=malicious,suspicious embargo"   # replaces the shipped `risky`
//! finance = "email~@finance.example"
//! new = ""                                      # an empty query removes a shipped view
//! ```

use std::collections::BTreeMap;

/// The views that ship, as `(name, query, what it answers)`.
pub const DEFAULT_VIEWS: &[(&str, &str, &str)] = &[
    (
        "risky",
        "risk=malicious,suspicious",
        "logins the intelligence calls malicious or suspicious",
    ),
    ("embargo", "embargo", "logins from embargoed countries"),
    ("hidden", "vpn", "logins through a VPN"),
    ("admins", "scope=admin", "sessions holding the admin scope"),
    ("new", "created>now-1h", "logins of the last hour"),
    (
        "ending",
        "expire<now+1h",
        "sessions that end within the hour",
    ),
];

/// Names the TUI's command line takes for itself: a view cannot have them.
pub const RESERVED: &[&str] = &["columns", "export", "page", "profile", "q", "quit", "views"];

/// One named query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    /// What `:NAME` calls it.
    pub name: String,
    /// The query, in the query language.
    pub query: String,
    /// What it answers (the shipped ones; the config's say "from the config").
    pub about: String,
}

/// The shipped views with the config's `[views]` over them: a name the config gives
/// replaces the shipped one, an empty query removes it. Sorted by name.
pub fn merged(config: &BTreeMap<String, String>) -> Vec<View> {
    let mut all: BTreeMap<String, View> = DEFAULT_VIEWS
        .iter()
        .map(|(name, query, about)| {
            (
                (*name).to_string(),
                View {
                    name: (*name).to_string(),
                    query: (*query).to_string(),
                    about: (*about).to_string(),
                },
            )
        })
        .collect();
    for (name, query) in config {
        if query.trim().is_empty() {
            all.remove(name);
        } else {
            all.insert(
                name.clone(),
                View {
                    name: name.clone(),
                    query: query.trim().to_string(),
                    about: "from the config".into(),
                },
            );
        }
    }
    all.into_values().collect()
}

/// Why `name` cannot name a view: it must be a word (letters, digits, `-`, `_`, starting
/// with a letter) so `:NAME` can be typed, no longer than 32 characters, and not a command.
pub fn check_name(name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if RESERVED.contains(&name) {
        Err(format!(
            "view name `{name}` is a command of the `:` line: name the view otherwise"
        ))
    } else if first_ok && rest_ok && name.len() <= 32 {
        Ok(())
    } else {
        Err(format!(
            "view name `{}` is not a word: use letters, digits, - and _, starting with a letter (at most 32)",
            crate::sanitize::clean(name)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_config_replaces_adds_and_removes_shipped_views() {
        let config = BTreeMap::from([
            ("risky".to_string(), "risk=malicious embargo".to_string()),
            ("finance".to_string(), "email~@finance.example".to_string()),
            ("new".to_string(), "  ".to_string()),
        ]);
        let views = merged(&config);
        let names: Vec<&str> = views.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(
            names,
            ["admins", "embargo", "ending", "finance", "hidden", "risky"]
        );
        let risky = views.iter().find(|v| v.name == "risky").map(|v| &v.query);
        assert_eq!(risky.map(String::as_str), Some("risk=malicious embargo"));
    }

    #[test]
    fn every_shipped_view_is_a_query_that_compiles() {
        let now = jiff::Timestamp::UNIX_EPOCH;
        for (name, query, _) in DEFAULT_VIEWS {
            assert!(check_name(name).is_ok());
            let compiled = crate::query::compile_query(query, now);
            assert!(compiled.is_ok(), "view {name}: {compiled:?}");
        }
    }

    #[test]
    fn a_view_name_must_be_typeable_after_a_colon() {
        assert!(check_name("after-hours_2").is_ok());
        for bad in [
            "",
            "2fa",
            "my view",
            "x:y",
            &"v".repeat(33),
            "page",
            "views",
        ] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
    }
}
