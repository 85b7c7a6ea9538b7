//! The parts of the app's state every screen may read, each one value: what the app was
//! started with, the key bindings, the commands in flight, the walks, the status line.

use crate::authn::model::Timestamp;
use crate::tui::app::log::MessageLog;
use crate::tui::app::walk::WalkState;
use crate::tui::command::{Command, CommandId, ListSource};
use crate::tui::keymap::Keymap;
use crate::tui::screens::token::state::RefreshPolicy;
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

/// What the app was started with: the one home of the settings and the connection facts.
#[derive(Debug, Clone)]
pub(crate) struct Setup {
    /// Profile name, shown in the header.
    pub(crate) profile: String,
    /// Host talked to, shown in the header.
    pub(crate) host: String,
    /// Running against the embedded emulator.
    pub(crate) demo: bool,
    /// Destructive actions are not offered at all.
    pub(crate) read_only: bool,
    /// A user token is configured (My sessions and Token tabs work).
    pub(crate) has_user_token: bool,
    /// A refresh token is configured, so an expired user token can be renewed.
    pub(crate) has_refresh_token: bool,
    /// A service token is configured (the Sessions, Users and Insights tabs work).
    pub(crate) has_service: bool,
    /// Reload the table this often (None: never).
    pub(crate) auto_reload: Option<Duration>,
    /// A walked result is walked again on the reload timer only once it is this old.
    pub(crate) rewalk_after: Option<Duration>,
    /// When to refresh the user token.
    pub(crate) policy: RefreshPolicy,
    /// Running inside tmux (the clipboard goes through it, unconfirmed).
    pub(crate) in_tmux: bool,
    /// Profile names of the config file, for `:profile`.
    pub(crate) profiles: Vec<String>,
    /// Saved views, for `:views` and `:NAME`.
    pub(crate) views: Vec<crate::config::views::View>,
    /// Where exports are written.
    pub(crate) export_dir: PathBuf,
}

/// Commands sent to the worker and not yet finished.
#[derive(Debug, Clone)]
pub(crate) struct Flights {
    /// Each command in flight by id.
    pub(crate) pending: HashMap<CommandId, Command>,
    /// Session ids and user ids with actions in flight, with how many.
    pub(crate) busy: HashMap<String, usize>,
    /// Commands retrying now, with what the worker said (`429, 2/4`).
    pub(crate) retrying: HashMap<CommandId, String>,
    /// The id the next command gets.
    pub(crate) next_id: CommandId,
    /// Auto-reload is paused by the user.
    pub(crate) paused: bool,
    /// Whether quit was asked for (it waits for the destructive commands in flight), and
    /// whether the app is done.
    pub(crate) quitting: crate::tui::app::Quitting,
}

impl Default for Flights {
    fn default() -> Self {
        Self {
            pending: HashMap::new(),
            busy: HashMap::new(),
            retrying: HashMap::new(),
            next_id: 1,
            paused: false,
            quitting: crate::tui::app::Quitting::No,
        }
    }
}

/// The walk in flight, and what the Users and Insights figures were built from.
#[derive(Debug, Clone, Default)]
pub(crate) struct Walks {
    /// The walk in flight.
    pub(crate) walk: Option<WalkState>,
    /// Latest-wins generation of aggregate walks.
    pub(crate) aggregate_generation: u64,
    /// The Sessions set version (`Table::set_version`) the Users and Insights figures
    /// were built from.
    pub(crate) aggregate_of: Option<u64>,
    /// The user (identity, email) `L` was pressed on, while their sessions are counted.
    pub(crate) scope_row: Option<(String, String)>,
}

/// What the status line and the header show for a while.
#[derive(Debug, Clone, Default)]
pub(crate) struct StatusLine {
    /// The transient message and when it was said.
    pub(crate) flash: Option<(String, Timestamp)>,
    /// The persistent error (until Esc, or until the same operation succeeds).
    pub(crate) error: Option<String>,
    /// When the error was set and by which operation.
    pub(crate) error_at: Option<(Timestamp, ErrorKey)>,
    /// The flash reports an action's outcome (not a hint), so a reload error waits.
    pub(crate) flash_is_outcome: bool,
    /// Progress of a bulk action: finished and total.
    pub(crate) progress: Option<(usize, usize)>,
    /// The spinner's frame, advanced on ticks while anything is in flight.
    pub(crate) spinner: usize,
    /// Every message of the run, for the `@` overlay.
    pub(crate) log: MessageLog,
}

/// The key bindings.
#[derive(Debug, Clone)]
pub(crate) struct Keys {
    /// The bindings in force (without what the mode withholds).
    pub(crate) map: Keymap,
    /// The bindings before read-only mode withheld some, to say why a key does nothing.
    pub(crate) withheld: Keymap,
}

/// Which operation an error in the status line came from; a later success of the same
/// operation clears it, and a background reload never replaces an action's error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ErrorKey {
    /// Loading a table.
    List(ListSource),
    /// A destructive action.
    Action,
    /// The user token.
    Token,
}
