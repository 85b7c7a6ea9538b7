//! The `[theme]` section of the config file: what colour each meaning is drawn in.
//! Colour names are checked where they are turned into colours (the TUI's theme), which
//! names any that are not colours.

use serde::Deserialize;

/// The `[theme]` section: colour names (`red`, `light-yellow`, `#ff8800`, `208`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThemeConfig {
    /// Destructive dialogs, errors, high-risk flags.
    pub danger: Option<String>,
    /// Retries, staleness, low-risk flags.
    pub warning: Option<String>,
    /// Sessions and tokens that expire within the hour.
    pub expiring: Option<String>,
    /// Administration scopes (`admin`, `owner`, `root`… in the name).
    pub admin: Option<String>,
    /// The DEMO and RO badges' background.
    pub badge: Option<String>,
}
