//! The one action registry: every action's name, default keys, help text, danger flag and
//! the screens it applies to. Key dispatch, the help overlay and the hint bar all read it,
//! so they cannot drift apart; read-only mode removes the dangerous entries entirely.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::BTreeMap;
use std::fmt;

/// Where the user is, for deciding which actions a key can mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Context {
    /// The service-wide session table.
    Sessions,
    /// The user's own session table.
    MySessions,
    /// The token tab.
    Token,
    /// The detail view of one session.
    Detail,
    /// The users of the current query.
    Users,
    /// The charts of the current query.
    Insights,
    /// Logins as they arrive.
    Pulses,
}

/// Something a key can do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    /// Move the selection (or scroll) down one line.
    Down,
    /// Move up one line.
    Up,
    /// Jump to the first line.
    Top,
    /// Jump to the last line.
    Bottom,
    /// One screen down.
    PageDown,
    /// One screen up.
    PageUp,
    /// Fetch the next server page.
    NextPage,
    /// Go back to the previous server page.
    PrevPage,
    /// Edit the query.
    Query,
    /// Order by a column: the order picker on the session tables, the next column on
    /// the Users tab.
    Order,
    /// Flip the order direction.
    FlipOrder,
    /// Reload the current page.
    Reload,
    /// Open the selected session's detail view.
    Open,
    /// Close the current view or dismiss an error.
    Back,
    /// Toggle raw JSON in the detail view.
    ToggleJson,
    /// Invalidate the selected session.
    Invalidate,
    /// Log the selected session's user out everywhere.
    LogoutUser,
    /// Mark or unmark the selected row.
    Mark,
    /// Mark or unmark every row on the page.
    MarkPage,
    /// Invalidate every marked session.
    InvalidateMarked,
    /// Log out the session the TUI's user token belongs to.
    LogoutSelf,
    /// Invalidate everything the current query matches (server count, typed above 100).
    ActOnQuery,
    /// List the marked rows.
    ShowMarks,
    /// Unmark every row.
    UnmarkAll,
    /// Open or close the message log.
    MessageLog,
    /// Copy the selected session id.
    Copy,
    /// Refresh the user token now.
    RefreshNow,
    /// Turn automatic token refresh on or off.
    ToggleAutoRefresh,
    /// Pause or resume automatic reloading.
    PauseReload,
    /// Cycle to the next tab.
    NextTab,
    /// Show the Sessions tab.
    TabSessions,
    /// Show the My sessions tab.
    TabMine,
    /// Show the Token tab.
    TabToken,
    /// Show or hide the help overlay.
    Help,
    /// Quit (waits for in-flight actions; again to force).
    Quit,
    // Layout, columns and colour.
    /// Open the column picker (also `:columns`).
    Columns,

    // Paging by number and the command line.
    /// Jump to a page by its number (a small prompt).
    JumpPage,
    /// Open the `:` command line.
    CommandLine,
    // ---- Investigation ----
    /// Show the Users tab.
    TabUsers,
    /// Show the Insights tab.
    TabInsights,
    /// Users tab: show that user's sessions.
    OpenUser,
    /// Insights tab: add the selected bar's term to the query.
    AddBarTerm,
    /// Insights tab: logins per hour or per day.
    ToggleBucket,
    /// Insights tab: the selection moves to the next chart.
    NextChart,
    /// Write the query's whole result (or the marked rows) to a CSV or NDJSON file.
    Export,
    /// Show the Pulses tab.
    TabPulses,
    /// Pulses tab: open the selected arrival's detail view.
    OpenArrival,
    // ---- Columns: sideways, wide, sorted by risk ----
    /// Scroll the table's columns left (the email stays put).
    ScrollLeft,
    /// Scroll the table's columns right, to the hidden ones.
    ScrollRight,
    /// Every column at its full width, scrolled sideways.
    Wide,
    /// Sort the whole result by risk, worst first (again: flip), by a walk.
    SortRisk,
}

/// What the registry knows about one action.
#[derive(Debug, Clone, Copy)]
pub struct ActionInfo {
    /// The action.
    pub action: Action,
    /// Short label for the hint bar.
    pub label: &'static str,
    /// Name used in the config file (`snake_case`).
    pub name: &'static str,
    /// Default key specs.
    pub keys: &'static [&'static str],
    /// One line of help.
    pub help: &'static str,
    /// Changes server state; removed in read-only mode.
    pub danger: bool,
    /// Shown in the hint bar.
    pub hint: bool,
    /// Where it applies.
    pub contexts: &'static [Context],
}

use Context::{Detail, Insights, MySessions, Pulses, Sessions, Token, Users};
const TABLES: &[Context] = &[Sessions, MySessions];
const MOVING: &[Context] = &[Sessions, MySessions, Detail, Users, Insights, Pulses];
const EVERYWHERE: &[Context] = &[Sessions, MySessions, Token, Detail, Users, Insights, Pulses];
const TABS: &[Context] = &[Sessions, MySessions, Token, Users, Insights, Pulses];
const ORDERING: &[Context] = &[Sessions, MySessions, Users];
const RELOADING: &[Context] = &[Sessions, MySessions, Users, Insights, Pulses];
/// Where something reloads or polls by itself, which `p` holds.
const PAUSING: &[Context] = &[Sessions, MySessions, Pulses];

macro_rules! info {
    ($action:ident, $label:literal, $name:literal, [$($key:literal),*], $help:literal, $danger:literal, $hint:literal, $ctx:expr) => {
        ActionInfo {
            action: Action::$action,
            label: $label,
            name: $name,
            keys: &[$($key),*],
            help: $help,
            danger: $danger,
            hint: $hint,
            contexts: $ctx,
        }
    };
}

/// Every action, in help order.
#[rustfmt::skip]
pub const REGISTRY: &[ActionInfo] = &[
    info!(Down, "down", "down", ["j", "down"], "move down", false, false, MOVING),
    info!(Up, "up", "up", ["k", "up"], "move up", false, false, MOVING),
    info!(Top, "top", "top", ["g", "home"], "first row", false, false, MOVING),
    info!(Bottom, "bottom", "bottom", ["G", "end"], "last row", false, false, MOVING),
    info!(PageDown, "page down", "page_down", ["pgdn"], "one screen down", false, false, MOVING),
    info!(PageUp, "page up", "page_up", ["pgup"], "one screen up", false, false, MOVING),
    info!(NextPage, "next page", "next_page", ["]"], "next page", false, true, TABLES),
    info!(PrevPage, "prev page", "prev_page", ["["], "previous page", false, false, TABLES),
    info!(Query, "query", "query", ["/"], "edit the query", false, true, TABLES),
    info!(Order, "order", "order", ["s"], "order by a column (picker)", false, true, ORDERING),
    info!(FlipOrder, "flip", "flip_order", ["S"], "flip the order direction", false, false, ORDERING),
    info!(Reload, "reload", "reload", ["r"], "reload the page", false, false, RELOADING),
    info!(Open, "detail", "open", ["enter"], "session detail", false, true, TABLES),
    info!(Back, "back", "back", ["esc"], "back / dismiss error", false, true, EVERYWHERE),
    info!(ToggleJson, "json", "toggle_json", ["J"], "raw JSON on/off", false, true, &[Detail]),
    info!(Invalidate, "invalidate", "invalidate", ["d"], "invalidate the session", true, true, &[Sessions, MySessions, Detail]),
    info!(LogoutUser, "logout user", "logout_user", ["L"], "log the user out everywhere", true, true, &[Sessions, Detail, Users]),
    info!(Mark, "mark", "mark", ["space"], "mark / unmark the row", false, false, &[Sessions]),
    info!(MarkPage, "mark page", "mark_page", ["a"], "mark / unmark the page", false, false, &[Sessions]),
    info!(InvalidateMarked, "invalidate marked", "invalidate_marked", ["D"], "invalidate marked sessions", true, true, &[Sessions]),
    info!(ActOnQuery, "act on query", "act_on_query", ["X"], "invalidate everything the query matches", true, false, &[Sessions]),
    info!(ShowMarks, "marked", "show_marks", ["M"], "list the marked rows", false, false, &[Sessions]),
    info!(UnmarkAll, "unmark all", "unmark_all", ["U"], "unmark every row", false, false, &[Sessions]),
    info!(MessageLog, "messages", "message_log", ["@"], "message log: every outcome, ids, request ids", false, false, EVERYWHERE),
    info!(LogoutSelf, "logout self", "logout_self", ["O"], "log out this TUI's own session", true, true, &[MySessions, Token]),
    info!(Copy, "copy", "copy", ["y"], "copy a field (menu)", false, false, &[Sessions, MySessions, Detail]),
    info!(RefreshNow, "refresh", "refresh_now", ["f"], "refresh the token now", false, true, &[Token]),
    info!(ToggleAutoRefresh, "auto-refresh", "toggle_auto_refresh", ["A"], "auto-refresh on/off", false, true, &[Token]),
    info!(PauseReload, "pause", "pause_reload", ["p"], "pause / resume auto-reload", false, false, PAUSING),
    // Layout, columns and colour.
    info!(Columns, "columns", "columns", ["C"], "choose the columns shown (saved per profile)", false, false, TABLES),
    info!(NextTab, "next tab", "next_tab", ["tab"], "next tab", false, false, TABS),
    info!(TabSessions, "sessions", "tab_sessions", ["1"], "Sessions tab", false, false, TABS),
    info!(TabMine, "my sessions", "tab_my_sessions", ["2"], "My sessions tab", false, false, TABS),
    info!(TabToken, "token", "tab_token", ["3"], "Token tab", false, false, TABS),
    info!(Help, "help", "help", ["?"], "this help", false, true, EVERYWHERE),
    info!(Quit, "quit", "quit", ["q", "ctrl-c"], "quit (again to force)", false, true, EVERYWHERE),

    // Paging by number and the command line.
    info!(JumpPage, "page #", "jump_page", ["#"], "jump to page N", false, false, TABLES),
    info!(CommandLine, "command", "command_line", [":"], "command line (:profile, :q…)", false, false, EVERYWHERE),
    // ---- Investigation ----
    info!(TabUsers, "users", "tab_users", ["4"], "Users tab: the query's sessions by user", false, false, TABS),
    info!(TabInsights, "insights", "tab_insights", ["5"], "Insights tab: the query's sessions as charts", false, false, TABS),
    info!(OpenUser, "sessions", "open_user", ["enter"], "that user's sessions", false, true, &[Users]),
    info!(AddBarTerm, "add to query", "add_bar_term", ["enter"], "add the bar's term to the query", false, true, &[Insights]),
    info!(ToggleBucket, "hour/day", "toggle_bucket", ["b"], "logins per hour or per day", false, true, &[Insights]),
    info!(NextChart, "next chart", "next_chart", ["c"], "move to the next chart", false, true, &[Insights]),
    info!(Export, "export", "export", ["e"], "export the query's result or the marked rows (CSV / NDJSON)", false, false, &[Sessions]),
    info!(TabPulses, "pulses", "tab_pulses", ["6"], "Pulses tab: logins as they arrive", false, false, TABS),
    info!(OpenArrival, "detail", "open_arrival", ["enter"], "the login's session detail", false, true, &[Pulses]),
    // ---- Columns: sideways, wide, sorted by risk ----
    info!(ScrollLeft, "cols ←", "scroll_left", ["left", "h"], "scroll the columns left", false, false, TABLES),
    info!(ScrollRight, "cols →", "scroll_right", ["right", "l"], "scroll the columns right (hidden columns)", false, false, TABLES),
    info!(Wide, "wide", "wide", ["w"], "every column at full width, scrolled with ←/→", false, true, TABLES),
    info!(SortRisk, "by risk", "sort_risk", ["R"], "sort the whole result by risk, worst first (again: flip)", false, false, TABLES),
];

impl Action {
    /// The registry entry of this action.
    pub fn info(self) -> &'static ActionInfo {
        REGISTRY
            .iter()
            .find(|i| i.action == self)
            .unwrap_or(&REGISTRY[0])
    }
}

/// One key with its modifiers, as written in the config (`d`, `ctrl-c`, `shift-tab`, `pgdn`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyCombo {
    /// The key.
    pub code: KeyCode,
    /// Ctrl and Alt (Shift is part of the character or of `BackTab`).
    pub mods: KeyModifiers,
}

impl KeyCombo {
    /// Parses a key spec; None if it names no key.
    pub fn parse(spec: &str) -> Option<Self> {
        let mut mods = KeyModifiers::NONE;
        let mut rest = spec.trim();
        let mut shift = false;
        loop {
            let lower = rest.to_ascii_lowercase();
            if lower.len() > 1 && lower.starts_with("ctrl-") {
                mods |= KeyModifiers::CONTROL;
                rest = &rest[5..];
            } else if lower.len() > 1 && lower.starts_with("alt-") {
                mods |= KeyModifiers::ALT;
                rest = &rest[4..];
            } else if lower.len() > 1 && lower.starts_with("shift-") {
                shift = true;
                rest = &rest[6..];
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) if shift => KeyCode::Char(c.to_ascii_uppercase()),
            (Some(c), None) => KeyCode::Char(c),
            _ => match rest.to_ascii_lowercase().as_str() {
                "tab" if shift => KeyCode::BackTab,
                "tab" => KeyCode::Tab,
                "backtab" => KeyCode::BackTab,
                "enter" | "return" => KeyCode::Enter,
                "esc" | "escape" => KeyCode::Esc,
                "space" => KeyCode::Char(' '),
                "up" => KeyCode::Up,
                "down" => KeyCode::Down,
                "left" => KeyCode::Left,
                "right" => KeyCode::Right,
                "home" => KeyCode::Home,
                "end" => KeyCode::End,
                "pgup" | "pageup" => KeyCode::PageUp,
                "pgdn" | "pagedown" => KeyCode::PageDown,
                "backspace" => KeyCode::Backspace,
                "delete" | "del" => KeyCode::Delete,
                "insert" => KeyCode::Insert,
                f if f.len() > 1 && f.starts_with('f') => KeyCode::F(f[1..].parse().ok()?),
                _ => return None,
            },
        };
        Some(Self { code, mods })
    }

    /// The combo a key event stands for (Shift folded into the character).
    pub fn from_event(key: &KeyEvent) -> Self {
        Self {
            code: key.code,
            mods: key.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT),
        }
    }
}

impl fmt::Display for KeyCombo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mods.contains(KeyModifiers::CONTROL) {
            f.write_str("ctrl-")?;
        }
        if self.mods.contains(KeyModifiers::ALT) {
            f.write_str("alt-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Tab => f.write_str("tab"),
            KeyCode::BackTab => f.write_str("shift-tab"),
            KeyCode::Enter => f.write_str("enter"),
            KeyCode::Esc => f.write_str("esc"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::Home => f.write_str("home"),
            KeyCode::End => f.write_str("end"),
            KeyCode::PageUp => f.write_str("pgup"),
            KeyCode::PageDown => f.write_str("pgdn"),
            KeyCode::Backspace => f.write_str("backspace"),
            KeyCode::Delete => f.write_str("del"),
            KeyCode::Insert => f.write_str("insert"),
            KeyCode::F(n) => write!(f, "f{n}"),
            other => write!(f, "{other:?}"),
        }
    }
}

/// The key bindings in force: action to keys, after overrides and read-only stripping.
#[derive(Debug, Clone, PartialEq)]
pub struct Keymap {
    bindings: BTreeMap<Action, Vec<KeyCombo>>,
}

impl Default for Keymap {
    fn default() -> Self {
        let bindings = REGISTRY
            .iter()
            .map(|i| {
                let keys = i.keys.iter().filter_map(|k| KeyCombo::parse(k)).collect();
                (i.action, keys)
            })
            .collect();
        Self { bindings }
    }
}

/// Config names of actions renamed since, still read so a config file keeps working.
const FORMER_NAMES: [(&str, &str); 1] = [("next_order", "order")];

impl Keymap {
    /// The defaults with the config's overrides applied; unknown actions and unparsable keys
    /// become warnings and are skipped. An empty list unbinds the action.
    pub fn with_overrides(overrides: &BTreeMap<String, Vec<String>>) -> (Keymap, Vec<String>) {
        let mut map = Keymap::default();
        let mut warnings = Vec::new();
        for (name, specs) in overrides {
            let Some(info) = Keymap::action_named(name).map(Action::info) else {
                warnings.push(format!("unknown key binding action `{name}`"));
                continue;
            };
            let mut keys = Vec::new();
            for spec in specs {
                match KeyCombo::parse(spec) {
                    Some(k) => keys.push(k),
                    None => warnings.push(format!("invalid key `{spec}` for `{name}`")),
                }
            }
            map.bindings.insert(info.action, keys);
        }
        (map, warnings)
    }

    /// The same map without any dangerous action: read-only mode.
    #[must_use]
    pub fn without_danger(mut self) -> Keymap {
        self.bindings.retain(|a, _| !a.info().danger);
        self
    }

    /// Removes every key of an action (read-only mode hides marking this way).
    pub fn unbind(&mut self, action: Action) {
        self.bindings.remove(&action);
    }

    /// The action a config name stands for (`export`, `columns`), if the registry has it.
    pub fn action_named(name: &str) -> Option<Action> {
        let name = FORMER_NAMES
            .iter()
            .find(|(old, _)| *old == name)
            .map_or(name, |(_, new)| *new);
        REGISTRY.iter().find(|i| i.name == name).map(|i| i.action)
    }

    /// True if the action has at least one key.
    pub fn is_bound(&self, action: Action) -> bool {
        self.bindings.get(&action).is_some_and(|k| !k.is_empty())
    }

    /// The keys bound to an action.
    pub fn keys(&self, action: Action) -> &[KeyCombo] {
        self.bindings.get(&action).map_or(&[], Vec::as_slice)
    }

    /// The keys of an action joined for display (`j/↓`).
    pub fn keys_label(&self, action: Action) -> String {
        let keys: Vec<String> = self.keys(action).iter().map(ToString::to_string).collect();
        keys.join("/")
    }

    /// The action a key means in a context, if any.
    pub fn lookup(&self, key: &KeyEvent, ctx: Context) -> Option<Action> {
        let combo = KeyCombo::from_event(key);
        REGISTRY
            .iter()
            .filter(|i| i.contexts.contains(&ctx))
            .map(|i| i.action)
            .find(|a| self.keys(*a).contains(&combo))
    }

    /// Every bound action that applies in a context, in registry order.
    pub fn actions(&self, ctx: Context) -> impl Iterator<Item = &'static ActionInfo> + '_ {
        REGISTRY
            .iter()
            .filter(move |i| i.contexts.contains(&ctx) && self.is_bound(i.action))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(c: KeyCode, m: KeyModifiers) -> KeyEvent {
        KeyEvent::new(c, m)
    }

    #[test]
    fn shifted_letters_and_ctrl_keys_match_their_specs() {
        let map = Keymap::default();
        assert_eq!(
            map.lookup(&key(KeyCode::Char('S'), KeyModifiers::SHIFT), Sessions),
            Some(Action::FlipOrder)
        );
        assert_eq!(
            map.lookup(&key(KeyCode::Char('c'), KeyModifiers::CONTROL), Token),
            Some(Action::Quit)
        );
        assert_eq!(
            map.lookup(&key(KeyCode::Char('c'), KeyModifiers::NONE), Token),
            None
        );
    }

    #[test]
    fn an_action_renamed_since_is_still_bound_by_its_former_name() {
        let overrides = BTreeMap::from([("next_order".to_string(), vec!["o".to_string()])]);
        let (map, warnings) = Keymap::with_overrides(&overrides);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(
            map.lookup(&key(KeyCode::Char('o'), KeyModifiers::NONE), Sessions),
            Some(Action::Order)
        );
    }

    #[test]
    fn overrides_rebind_unbind_and_warn() {
        let mut o = BTreeMap::new();
        o.insert("invalidate".to_string(), vec![]);
        o.insert(
            "quit".to_string(),
            vec!["ctrl-q".to_string(), "nokey".to_string()],
        );
        o.insert("frobnicate".to_string(), vec!["x".to_string()]);
        let (map, warnings) = Keymap::with_overrides(&o);
        assert!(!map.is_bound(Action::Invalidate));
        assert_eq!(map.keys_label(Action::Quit), "ctrl-q");
        assert_eq!(warnings.len(), 2, "{warnings:?}");
    }

    #[test]
    fn read_only_strips_every_dangerous_action() {
        let map = Keymap::default().without_danger();
        for i in REGISTRY {
            assert_eq!(map.is_bound(i.action), !i.danger, "{}", i.name);
        }
    }

    #[test]
    fn key_specs_round_trip_through_display() {
        for spec in [
            "d",
            "ctrl-c",
            "shift-tab",
            "enter",
            "space",
            "pgdn",
            "G",
            "f5",
        ] {
            let k = KeyCombo::parse(spec).unwrap();
            assert_eq!(KeyCombo::parse(&k.to_string()), Some(k), "{spec}");
        }
    }
}
