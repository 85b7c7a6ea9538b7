//! The TUI's shared state and its one pure update function: keys, ticks and worker
//! events in, commands for the worker (and effects for the run loop) out. No I/O, no
//! clock reads, no async.
//!
//! Each tab and overlay lives in its own folder under [`crate::tui::screens`] (its state,
//! its keys, its drawing); this file holds what they share and what others read of it.
//! The work common to every screen is split by seam: `init` and `start` (what the app is
//! started with, building the state, what a run leaves for the next), `input` (the
//! overlay on top, else the tab, takes a key), `flight` (commands in flight, the tick),
//! `outcome` (worker events), `investigate` (walks), `paging` and `matches` (a table's
//! pages) and `status` (flashes, errors, the log).

pub use crate::clock;
pub mod editor;
mod flight;
mod inert;
mod input;
mod investigate;
pub mod log;
pub mod matches;
pub mod nav;
mod outcome;
mod shared;
mod start;
mod status;
pub mod walk;

// Keys, menus, the command line and what is remembered.
pub mod history;
mod init;
mod paging;
mod withheld;
pub use crate::tui::screens::picker::{Choice, ExportPick, Picker, PickerKind};
pub use history::{History, Recall};
pub use init::AppInit;
pub(crate) use shared::{ErrorKey, Flights, Keys, Setup, StatusLine, Walks};

pub use crate::tui::screens::detail::state::{DetailView, Field};
pub use crate::tui::screens::dialog::state::{Ask, Dialog, Focus, Typed};
pub use crate::tui::screens::insights::state::{Bar, Chart, InsightsView};
pub use crate::tui::screens::table::state::Table;
pub use crate::tui::screens::token::state::{
    LifeChart, Phase, RefreshPolicy, SignedOut, TokenState,
};
pub use crate::tui::screens::users::state::UsersView;
pub use editor::LineEditor;
pub use log::{Level, MessageLog};
pub use nav::{Crumb, Trail};
pub use walk::WalkState;

use crate::authn::model::{Filter, Session, Timestamp};
use crate::sanitize;
use crate::tui::columns::Col;
use crate::tui::command::Failure;
use crate::tui::command::{
    Command, CommandId, Effect, Event, EventKind, ItemOutcome, ListSource, Msg, Outcome, Page,
    RefreshRecord,
};
use crate::tui::keymap::{Action, Context, Keymap};
use crate::tui::layout;
use crate::tui::screens::overlay::Overlay;
use crate::tui::strings;
use crate::tui::theme::Theme;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::time::Duration;

/// How long a result message stays in the status line.
const FLASH_MS: i64 = 5_000;

/// Above this many sessions, acting on a query needs the count typed to confirm.
pub const TYPE_COUNT_ABOVE: usize = crate::results::TYPE_COUNT_ABOVE;

/// Sessions of the act-on-query dialog's sample.
pub(crate) const SAMPLE_SHOWN: usize = 5;

pub use crate::tui::strings::OWN_WARNING;

/// Where quitting stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Quitting {
    /// Running.
    No,
    /// Quit was asked for and waits for destructive actions to finish.
    Waiting,
    /// Done: the run loop restores the terminal and exits.
    Done,
}

/// The top-level screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    /// Every session of the project.
    Sessions,
    /// The user's own sessions.
    MySessions,
    /// The user token.
    Token,
    /// The current query's sessions by user.
    Users,
    /// The current query's sessions as charts.
    Insights,
    /// Logins as they arrive.
    Pulses,
}

/// The whole UI state.
#[derive(Debug, Clone)]
pub struct App {
    /// What the app was started with: profile, host, tokens on hand, settings.
    pub(crate) setup: Setup,
    /// The key bindings in force, and those before the mode withheld some.
    pub(crate) keys: Keys,
    pub(crate) theme: Theme,
    /// The columns chosen for the session tables.
    pub(crate) columns: Vec<Col>,
    pub(crate) tab: Tab,
    /// The tables' result sets and pages.
    pub(crate) sessions: Table,
    pub(crate) mine: Table,
    /// The Token tab's state.
    pub(crate) token: TokenState,
    /// The Users tab's rows.
    pub(crate) users: UsersView,
    /// The Insights tab's figures.
    pub(crate) insights: InsightsView,
    /// The Pulses tab's tail, chart and arrivals.
    pub(crate) pulses: crate::tui::screens::pulses::state::PulsesView,
    /// The detail view, over whichever table it was opened from.
    pub(crate) detail: Option<DetailView>,
    /// What is over the tab, newest on top: it takes the keys and is drawn last.
    pub(crate) overlays: Vec<Overlay>,
    /// The views drill-downs left, oldest first: `Esc` goes back to the last one.
    pub(crate) nav: Vec<Crumb>,
    /// Commands in flight.
    pub(crate) flights: Flights,
    /// The walk in flight and what the Users and Insights figures were built from.
    pub(crate) walks: Walks,
    /// The status line (flash, error, bulk progress, spinner) and the message log.
    pub(crate) status: StatusLine,
    pub(crate) history: History,
    pub(crate) now: Timestamp,
    pub(crate) size: (u16, u16),
    /// What the run loop does itself (clipboard, quit), drained after each update.
    pub(crate) effects: Vec<Effect>,
}

impl App {
    /// Applies one message; returns the commands it causes. Pure: `now` is the only clock.
    pub fn update(&mut self, msg: Msg, now: Timestamp) -> Vec<Command> {
        self.now = now;
        let mut out = Vec::new();
        let typed_before = self
            .dialog()
            .and_then(|d| d.typed.as_ref())
            .map(|t| t.expected.clone());
        match msg {
            Msg::Key(key) => self.on_key(key, &mut out),
            Msg::Paste(text) => {
                if let Some(Overlay::Query { editor, .. }) = self.overlays.last_mut() {
                    editor.insert(&text);
                    self.recompile();
                }
            }
            Msg::Tick => self.on_tick(&mut out),
            Msg::Resize(w, h) => {
                self.size = (w, h);
                let v = self.viewport();
                self.sessions.clamp(v);
                self.mine.clamp(v);
            }
            Msg::Worker(event) => self.on_event(event, &mut out),
        }
        self.follow_stale_lines(typed_before);
        if self
            .status
            .flash
            .as_ref()
            .is_some_and(|(_, at)| clock::millis(*at, now) >= FLASH_MS)
        {
            self.status.flash = None;
        }
        out
    }

    /// What the run loop must do itself since the last call (copy, quit); the worker
    /// never sees these.
    pub fn take_effects(&mut self) -> Vec<Effect> {
        std::mem::take(&mut self.effects)
    }

    /// The app is done: the run loop should restore the terminal and exit.
    pub fn should_quit(&self) -> bool {
        self.flights.quitting == Quitting::Done
    }

    /// Commands sent and not yet finished.
    pub fn in_flight(&self) -> usize {
        self.flights.pending.len()
    }

    /// Destructive commands sent and not yet finished (quit waits for these).
    pub fn destructive_in_flight(&self) -> usize {
        self.flights
            .pending
            .values()
            .filter(|c| c.is_destructive())
            .count()
    }

    /// Commands a quit must not abandon: destructive ones, and refreshes (the server may
    /// already have rotated the pair, so a dropped answer would lose the new tokens).
    pub fn in_flight_to_finish(&self) -> usize {
        self.flights
            .pending
            .values()
            .filter(|c| c.is_destructive() || matches!(c, Command::Refresh { .. }))
            .count()
    }

    /// Quit was asked for and waits for destructive actions to finish.
    pub fn quitting(&self) -> bool {
        self.flights.quitting == Quitting::Waiting
    }

    /// The tab shown.
    pub fn tab(&self) -> Tab {
        self.tab
    }

    /// A table by source.
    pub fn table(&self, source: ListSource) -> &Table {
        match source {
            ListSource::Sessions => &self.sessions,
            ListSource::MySessions => &self.mine,
        }
    }

    /// The open confirmation, if any.
    pub fn dialog(&self) -> Option<&Dialog> {
        self.overlays.iter().rev().find_map(|o| match o {
            Overlay::Dialog(d) => Some(d),
            _ => None,
        })
    }

    /// The query editor, while editing.
    pub fn editor(&self) -> Option<&LineEditor> {
        self.overlays.iter().rev().find_map(|o| match o {
            Overlay::Query { editor, .. } => Some(editor),
            _ => None,
        })
    }

    /// While editing: the filter the query typed so far compiles to (None when it does not
    /// compile; the table's query error says why).
    pub fn query_preview(&self) -> Option<&Filter> {
        self.overlays.iter().rev().find_map(|o| match o {
            Overlay::Query { preview, .. } => preview.as_ref(),
            _ => None,
        })
    }

    /// The open detail view, if any.
    pub fn detail(&self) -> Option<&DetailView> {
        self.detail.as_ref()
    }

    /// The help overlay is shown.
    pub fn help_open(&self) -> bool {
        self.help_scroll().is_some()
    }

    /// The message log is shown.
    pub fn messages_open(&self) -> bool {
        self.overlays.iter().any(|o| matches!(o, Overlay::Messages))
    }

    /// The transient status message.
    pub fn flash(&self) -> Option<&str> {
        self.status.flash.as_ref().map(|(m, _)| m.as_str())
    }

    /// The persistent error (until Esc, or until the same operation succeeds).
    pub fn error(&self) -> Option<&str> {
        self.status.error.as_deref()
    }

    /// What the status line shows: the newer of the error and the flash.
    /// A reload's error does not hide an action's result that is still on show.
    pub fn status_message(&self) -> Option<(Level, &str)> {
        match (&self.status.error, &self.status.flash, self.status.error_at) {
            (Some(_), Some((f, at)), Some((eat, _))) if *at > eat => Some((Level::Info, f)),
            (Some(_), Some((f, _)), Some((_, ErrorKey::List(_))))
                if self.status.flash_is_outcome =>
            {
                Some((Level::Info, f))
            }
            (Some(e), _, _) => Some((Level::Error, e)),
            (None, Some((f, _)), _) => Some((Level::Info, f)),
            (None, None, _) => None,
        }
    }

    /// The message log.
    pub fn messages(&self) -> &MessageLog {
        &self.status.log
    }

    /// The marked-rows overlay is shown.
    pub fn marks_open(&self) -> bool {
        self.overlays.iter().any(|o| matches!(o, Overlay::Marks))
    }

    /// The user token's state.
    pub fn token(&self) -> &TokenState {
        &self.token
    }

    /// Retries in progress, e.g. `list: 429, 2/4`, oldest command first.
    pub fn retries(&self) -> Vec<&str> {
        let mut ids: Vec<_> = self.flights.retrying.keys().copied().collect();
        ids.sort_unstable();
        ids.iter()
            .filter_map(|id| self.flights.retrying.get(id).map(String::as_str))
            .collect()
    }

    /// How fresh the data of the tab shown is, for the header: `offline — retrying in
    /// 20 s`, `updated 2m ago`; None while it is current.
    pub fn staleness(&self) -> Option<String> {
        let t = self.table(self.current_source()?);
        let updated = t
            .last_loaded
            .map(|at| strings::updated(&clock::ago(at, self.now)));
        if t.failures > 0 {
            let retry = match t.retry_at {
                Some(at) if !self.flights.paused && self.setup.auto_reload.is_some() => {
                    let secs = (clock::millis(self.now, at) / 1000).max(0);
                    if secs < 60 {
                        strings::retrying_in(&format!("{secs} s"))
                    } else {
                        strings::retrying_in(&clock::short(secs))
                    }
                }
                _ => strings::PRESS_R_TO_RETRY.to_string(),
            };
            return Some(strings::stale(t.unreachable, &retry, updated.as_deref()));
        }
        if t.walked() {
            // A walked result says how old it is on the info line (`walked 2m ago`).
            return None;
        }
        let every = self.setup.auto_reload.unwrap_or(Duration::from_secs(60));
        let age = clock::millis(t.last_loaded?, self.now);
        (age >= 2 * i64::try_from(every.as_millis()).unwrap_or(i64::MAX)).then_some(updated?)
    }

    /// Auto-reload is paused by the user.
    pub fn paused(&self) -> bool {
        self.flights.paused
    }

    /// Progress of a bulk action: finished and total.
    pub fn progress(&self) -> Option<(usize, usize)> {
        self.status.progress
    }

    /// The bindings in force (without dangerous actions in read-only mode).
    pub fn keymap(&self) -> &Keymap {
        &self.keys.map
    }

    /// The colours in force.
    pub fn theme(&self) -> &Theme {
        &self.theme
    }

    /// The columns chosen for the session tables (a narrow terminal shows fewer).
    pub fn columns(&self) -> &[Col] {
        &self.columns
    }

    /// The open picker (order, copy, columns, export), if any.
    pub fn picker(&self) -> Option<&Picker> {
        self.overlays.iter().rev().find_map(|o| match o {
            Overlay::Pick(p) => Some(p),
            _ => None,
        })
    }

    /// The export picker's choices so far, while it is open.
    pub fn export_pick(&self) -> Option<&ExportPick> {
        self.picker().and_then(Picker::export)
    }

    /// Lines of help scrolled past, while help is shown.
    pub fn help_scroll(&self) -> Option<usize> {
        self.overlays.iter().rev().find_map(|o| match o {
            Overlay::Help { scroll } => Some(*scroll),
            _ => None,
        })
    }

    /// The last `now` given to the app (drawing uses it for relative times).
    pub fn now(&self) -> Timestamp {
        self.now
    }

    /// True if an action on this session (or its user) is in flight.
    pub fn is_busy(&self, session: &Session) -> bool {
        self.flights.busy.contains_key(&session.id)
            || (!session.identity.is_empty() && self.flights.busy.contains_key(&session.identity))
    }

    /// True if the session holds the TUI's own user token: its active token is one the
    /// TUI held, or it is the session already found to be the TUI's (whose active token
    /// may have expired since).
    pub fn is_own_session(&self, session: &Session) -> bool {
        self.token.own_session.as_deref() == Some(session.id.as_str())
            || session
                .active_token
                .as_ref()
                .is_some_and(|t| self.token.is_own_token(&t.id))
    }

    /// The keys an action had before this mode withheld any, for labels of what is off.
    pub fn keys_label_withheld(&self, action: Action) -> String {
        self.keys.withheld.keys_label(action)
    }

    /// The tabs open in this setup, in key order.
    pub fn tabs(&self) -> Vec<Tab> {
        let mut tabs = vec![Tab::Sessions];
        if self.setup.has_user_token {
            tabs.push(Tab::MySessions);
        }
        tabs.push(Tab::Token);
        if self.setup.has_service {
            tabs.extend([Tab::Users, Tab::Insights, Tab::Pulses]);
        }
        tabs
    }

    /// Where keys are interpreted now.
    pub fn context(&self) -> Context {
        if self.detail.is_some() {
            return Context::Detail;
        }
        match self.tab {
            Tab::Sessions => Context::Sessions,
            Tab::MySessions => Context::MySessions,
            Tab::Token => Context::Token,
            Tab::Users => Context::Users,
            Tab::Insights => Context::Insights,
            Tab::Pulses => Context::Pulses,
        }
    }

    /// Rows of table that fit on screen.
    pub(crate) fn viewport(&self) -> usize {
        layout::table_height(self.size.1)
    }

    /// The table of the tab shown (None on the Token tab).
    pub(crate) fn current_source(&self) -> Option<ListSource> {
        match self.tab {
            Tab::Sessions if !self.setup.has_service => None,
            Tab::Sessions => Some(ListSource::Sessions),
            Tab::MySessions => Some(ListSource::MySessions),
            Tab::Token | Tab::Users | Tab::Insights | Tab::Pulses => None,
        }
    }

    // Keys, menus, the command line and what is remembered.

    /// The `:` command line, while typing.
    pub fn command_line(&self) -> Option<&LineEditor> {
        self.overlays.iter().rev().find_map(|o| match o {
            Overlay::Command(e) => Some(e),
            _ => None,
        })
    }

    /// This profile's query history, oldest first.
    pub fn history(&self) -> &[String] {
        self.history.entries()
    }

    /// The order in force on the tab shown: column and direction (None on the Token tab).
    pub fn ordering(&self) -> Option<(crate::authn::model::OrderBy, crate::authn::model::Order)> {
        self.current_source().map(|s| self.table(s).ordering())
    }

    /// Puts an error from outside the app (a failed profile switch) in the status line
    /// and the message log.
    pub fn report_error(&mut self, text: String) {
        self.status
            .log
            .push(self.now, Level::Error, text.clone(), vec![]);
        self.status.error = Some(text);
    }

    /// `text` compiled once into a result set at `now`, bound to this profile and host.
    pub(crate) fn compile_set(
        &self,
        text: &str,
        now: Timestamp,
    ) -> Result<crate::results::ResultSet, crate::query::QueryError> {
        crate::results::ResultSet::compile(
            text,
            now,
            self.setup.profile.clone(),
            self.setup.host.clone(),
        )
    }

    /// The profile in use.
    pub fn profile(&self) -> &str {
        &self.setup.profile
    }

    pub(crate) fn table_mut(&mut self, source: ListSource) -> &mut Table {
        match source {
            ListSource::Sessions => &mut self.sessions,
            ListSource::MySessions => &mut self.mine,
        }
    }
}
