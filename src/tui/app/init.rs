//! What the TUI is started with: the profile, the server, the tokens on hand, the
//! settings that shape it, and what the last run remembered.

use super::history::Recall;
use crate::config::defaults;
use crate::tui::columns::Col;
use crate::tui::keymap::Keymap;
use crate::tui::screens::token::state::RefreshPolicy;
use crate::tui::theme::Theme;
use std::time::Duration;

/// Everything the app needs to start.
#[derive(Debug, Clone)]
pub struct AppInit {
    /// Profile name, shown in the header.
    pub profile: String,
    /// Host talked to, shown in the header.
    pub host: String,
    /// Running against the embedded emulator.
    pub demo: bool,
    /// Destructive actions are not offered at all.
    pub read_only: bool,
    /// A user token is configured (My sessions and Token tabs work).
    pub has_user_token: bool,
    /// A refresh token is configured, so an expired user token can be renewed.
    pub has_refresh_token: bool,
    /// A service token is configured (the Sessions tab works).
    pub has_service: bool,
    /// The user token masked to its prefix (`ptu_••••••••`), for the Token tab.
    pub token_mask: Option<String>,
    /// Reload the table this often (None: never).
    pub auto_reload: Option<Duration>,
    /// A walked result (local terms) is walked again on the timer only this old (None:
    /// only `r` walks again).
    pub rewalk_after: Option<Duration>,
    /// When to refresh the user token.
    pub refresh_policy: RefreshPolicy,
    /// Rows per page.
    pub page_size: u32,
    /// Key bindings.
    pub keymap: Keymap,
    // Layout, columns and colour.
    /// Colours (monochrome when colour is off).
    pub theme: Theme,
    /// The columns chosen for this profile (None: the defaults).
    pub columns: Option<Vec<Col>>,

    // Keys, menus, the command line and what is remembered.
    /// Running inside tmux (the clipboard goes through it, unconfirmed).
    pub in_tmux: bool,
    /// Profile names of the config file, for `:profile`.
    pub profiles: Vec<String>,
    /// Saved views, for `:views` and `:NAME` (the shipped ones unless the config says).
    pub views: Vec<crate::config::views::View>,
    /// This profile's query history, oldest first.
    pub history: Vec<String>,
    /// The query, order and tab of the last run (None: start clean).
    pub recall: Option<Recall>,
    /// Where exports are written.
    pub export_dir: std::path::PathBuf,
}

impl Default for AppInit {
    fn default() -> Self {
        Self {
            profile: "default".to_string(),
            host: String::new(),
            demo: false,
            read_only: false,
            has_user_token: false,
            has_refresh_token: true,
            has_service: true,
            token_mask: None,
            auto_reload: Some(defaults::AUTO_RELOAD),
            rewalk_after: Some(defaults::REWALK_AFTER),
            refresh_policy: RefreshPolicy::default(),
            page_size: defaults::PAGE_SIZE,
            keymap: Keymap::default(),
            theme: Theme::default(),
            columns: None,
            in_tmux: false,
            profiles: Vec::new(),
            views: crate::config::views::merged(&std::collections::BTreeMap::new()),
            history: Vec::new(),
            recall: None,
            export_dir: std::path::PathBuf::from("exports"),
        }
    }
}
