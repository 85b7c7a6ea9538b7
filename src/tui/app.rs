//! The TUI's state and its one pure update function: keys, ticks and worker events in,
//! commands for the worker out. No I/O, no clock reads, no async.

pub mod clock;
pub mod detail;
pub mod dialog;
pub mod editor;
pub mod log;
pub mod table;
pub mod token;

pub use detail::{DetailView, Field};
pub use dialog::{Dialog, Focus, Typed};
pub use editor::LineEditor;
pub use log::{Level, MessageLog};
pub use table::Table;
pub use token::{Phase, RefreshPolicy, SignedOut, TokenState};

use crate::authn::Error;
use crate::authn::model::{Filter, Session, Timestamp};
use crate::sanitize;
use crate::tui::command::{
    CensusResult, Command, CommandId, Event, EventKind, ItemOutcome, ListSource, Msg, Outcome,
};
use crate::tui::keymap::{Action, Context, Keymap};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::HashMap;
use std::time::Duration;

/// How long a result message stays in the status line.
const FLASH_MS: i64 = 5_000;

/// Above this many sessions, acting on a query needs the count typed to confirm.
pub const TYPE_COUNT_ABOVE: usize = 100;

/// Sessions of the act-on-query dialog's sample.
const SAMPLE_SHOWN: usize = 5;

/// The one warning every destructive dialog shows when it touches authtop's own session.
pub const OWN_WARNING: &str =
    "This touches the session of authtop's own user token (★ you): it signs authtop's user out.";

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
    /// When to refresh the user token.
    pub refresh_policy: RefreshPolicy,
    /// Rows per page.
    pub page_size: u32,
    /// Key bindings.
    pub keymap: Keymap,
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
            auto_reload: Some(Duration::from_secs(30)),
            refresh_policy: RefreshPolicy::default(),
            page_size: 50,
            keymap: Keymap::default(),
        }
    }
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
}

/// The whole UI state.
#[derive(Debug, Clone)]
pub struct App {
    pub(crate) profile: String,
    pub(crate) host: String,
    pub(crate) demo: bool,
    pub(crate) read_only: bool,
    pub(crate) has_user_token: bool,
    pub(crate) has_refresh_token: bool,
    pub(crate) has_service: bool,
    pub(crate) auto_reload: Option<Duration>,
    pub(crate) policy: RefreshPolicy,
    pub(crate) keymap: Keymap,
    pub(crate) tab: Tab,
    pub(crate) sessions: Table,
    pub(crate) mine: Table,
    pub(crate) token: TokenState,
    pub(crate) dialog: Option<Dialog>,
    pub(crate) help: bool,
    pub(crate) detail: Option<DetailView>,
    pub(crate) editing: Option<LineEditor>,
    /// What the query being typed compiles to, redone on every edit.
    preview: Option<Filter>,
    pending: HashMap<CommandId, Command>,
    /// Session ids and user ids with actions in flight, with how many.
    busy: HashMap<String, usize>,
    /// Commands retrying now, with what the worker said (`429, 2/4`).
    retrying: HashMap<CommandId, String>,
    next_id: CommandId,
    pub(crate) flash: Option<(String, Timestamp)>,
    pub(crate) error: Option<String>,
    /// When the error was set and by which operation.
    error_at: Option<(Timestamp, ErrorKey)>,
    pub(crate) log: MessageLog,
    /// The flash reports an action's outcome (not a hint), so a reload error waits.
    flash_is_outcome: bool,
    /// The marked-rows overlay is shown.
    pub(crate) marks_open: bool,
    /// The row `L` was pressed on, while its user's sessions are counted.
    scope_row: Option<Session>,
    pub(crate) progress: Option<(usize, usize)>,
    pub(crate) paused: bool,
    pub(crate) spinner: usize,
    pub(crate) now: Timestamp,
    pub(crate) size: (u16, u16),
    quit_requested: bool,
    quit: bool,
}

impl App {
    /// Builds the state and the commands to run at start (first page, token check).
    pub fn new(init: AppInit, now: Timestamp) -> (App, Vec<Command>) {
        let keymap = if init.read_only {
            init.keymap.without_danger()
        } else {
            init.keymap
        };
        let tab = if init.has_service || !init.has_user_token {
            Tab::Sessions
        } else {
            Tab::MySessions
        };
        let mut app = App {
            profile: init.profile,
            host: init.host,
            demo: init.demo,
            read_only: init.read_only,
            has_user_token: init.has_user_token,
            has_refresh_token: init.has_refresh_token,
            has_service: init.has_service,
            auto_reload: init.auto_reload,
            policy: init.refresh_policy,
            keymap,
            tab,
            sessions: Table::new(ListSource::Sessions, init.page_size),
            mine: Table::new(ListSource::MySessions, init.page_size),
            token: TokenState {
                mask: init.token_mask,
                auto: init.refresh_policy.auto,
                ..TokenState::default()
            },
            dialog: None,
            help: false,
            detail: None,
            editing: None,
            preview: None,
            pending: HashMap::new(),
            busy: HashMap::new(),
            retrying: HashMap::new(),
            next_id: 1,
            flash: None,
            error: None,
            error_at: None,
            log: MessageLog::default(),
            flash_is_outcome: false,
            marks_open: false,
            scope_row: None,
            progress: None,
            paused: false,
            spinner: 0,
            now,
            size: (80, 24),
            quit_requested: false,
            quit: false,
        };
        let mut out = Vec::new();
        if app.has_service {
            app.load(ListSource::Sessions, vec![None], &mut out);
        }
        if app.has_user_token {
            if !app.has_service {
                app.load(ListSource::MySessions, vec![None], &mut out);
            }
            let id = app.take_id();
            app.dispatch(Command::TokenCheck { id }, &mut out);
        }
        (app, out)
    }

    /// Applies one message; returns the commands it causes. Pure: `now` is the only clock.
    pub fn update(&mut self, msg: Msg, now: Timestamp) -> Vec<Command> {
        self.now = now;
        let mut out = Vec::new();
        match msg {
            Msg::Key(key) => self.on_key(key, &mut out),
            Msg::Paste(text) => {
                if let Some(e) = &mut self.editing {
                    e.insert(&text);
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
        if self
            .flash
            .as_ref()
            .is_some_and(|(_, at)| clock::millis(*at, now) >= FLASH_MS)
        {
            self.flash = None;
        }
        out
    }

    /// The app is done: the run loop should restore the terminal and exit.
    pub fn should_quit(&self) -> bool {
        self.quit
    }

    /// Commands sent and not yet finished.
    pub fn in_flight(&self) -> usize {
        self.pending.len()
    }

    /// Destructive commands sent and not yet finished (quit waits for these).
    pub fn destructive_in_flight(&self) -> usize {
        self.pending.values().filter(|c| c.is_destructive()).count()
    }

    /// Commands a quit must not abandon: destructive ones, and refreshes (the server may
    /// already have rotated the pair, so a dropped answer would lose the new tokens).
    pub fn in_flight_to_finish(&self) -> usize {
        self.pending
            .values()
            .filter(|c| c.is_destructive() || matches!(c, Command::Refresh { .. }))
            .count()
    }

    /// Quit was asked for and waits for destructive actions to finish.
    pub fn quitting(&self) -> bool {
        self.quit_requested && !self.quit
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
        self.dialog.as_ref()
    }

    /// The query editor, while editing.
    pub fn editor(&self) -> Option<&LineEditor> {
        self.editing.as_ref()
    }

    /// While editing: the filter the query typed so far compiles to (None when it does not
    /// compile; the table's query error says why).
    pub fn query_preview(&self) -> Option<&Filter> {
        self.preview.as_ref()
    }

    /// The open detail view, if any.
    pub fn detail(&self) -> Option<&DetailView> {
        self.detail.as_ref()
    }

    /// The help overlay is shown.
    pub fn help_open(&self) -> bool {
        self.help
    }

    /// The transient status message.
    pub fn flash(&self) -> Option<&str> {
        self.flash.as_ref().map(|(m, _)| m.as_str())
    }

    /// The persistent error (until Esc, or until the same operation succeeds).
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// What the status line shows: the newer of the error and the flash.
    /// A reload's error does not hide an action's result that is still on show.
    pub fn status_message(&self) -> Option<(Level, &str)> {
        match (&self.error, &self.flash, self.error_at) {
            (Some(_), Some((f, at)), Some((eat, _))) if *at > eat => Some((Level::Info, f)),
            (Some(_), Some((f, _)), Some((_, ErrorKey::List(_)))) if self.flash_is_outcome => {
                Some((Level::Info, f))
            }
            (Some(e), _, _) => Some((Level::Error, e)),
            (None, Some((f, _)), _) => Some((Level::Info, f)),
            (None, None, _) => None,
        }
    }

    /// The message log.
    pub fn messages(&self) -> &MessageLog {
        &self.log
    }

    /// The marked-rows overlay is shown.
    pub fn marks_open(&self) -> bool {
        self.marks_open
    }

    /// The user token's state.
    pub fn token(&self) -> &TokenState {
        &self.token
    }

    /// Retries in progress, e.g. `list: 429, 2/4`, oldest command first.
    pub fn retries(&self) -> Vec<&str> {
        let mut ids: Vec<_> = self.retrying.keys().copied().collect();
        ids.sort_unstable();
        ids.iter()
            .filter_map(|id| self.retrying.get(id).map(String::as_str))
            .collect()
    }

    /// How fresh the data of the tab shown is, for the header: `offline — retrying in
    /// 20 s`, `updated 2m ago`; None while it is current.
    pub fn staleness(&self) -> Option<String> {
        let t = self.table(self.current_source()?);
        let updated = t
            .last_loaded
            .map(|at| format!("updated {}", clock::ago(at, self.now)));
        if t.failures > 0 {
            let retry = match t.retry_at {
                Some(at) if !self.paused && self.auto_reload.is_some() => {
                    let secs = (clock::millis(self.now, at) / 1000).max(0);
                    if secs < 60 {
                        format!("retrying in {secs} s")
                    } else {
                        format!("retrying in {}", clock::short(secs))
                    }
                }
                _ => "press r to retry".to_string(),
            };
            let what = if t.unreachable {
                "offline"
            } else {
                "reload failed"
            };
            return Some(match updated {
                Some(u) => format!("{what} — {retry} · {u}"),
                None => format!("{what} — {retry}"),
            });
        }
        let every = self.auto_reload.unwrap_or(Duration::from_secs(60));
        let age = clock::millis(t.last_loaded?, self.now);
        (age >= 2 * i64::try_from(every.as_millis()).unwrap_or(i64::MAX)).then_some(updated?)
    }

    /// Auto-reload is paused by the user.
    pub fn paused(&self) -> bool {
        self.paused
    }

    /// Progress of a bulk action: finished and total.
    pub fn progress(&self) -> Option<(usize, usize)> {
        self.progress
    }

    /// The bindings in force (without dangerous actions in read-only mode).
    pub fn keymap(&self) -> &Keymap {
        &self.keymap
    }

    /// The last `now` given to the app (drawing uses it for relative times).
    pub fn now(&self) -> Timestamp {
        self.now
    }

    /// True if an action on this session (or its user) is in flight.
    pub fn is_busy(&self, session: &Session) -> bool {
        self.busy.contains_key(&session.id)
            || (!session.identity.is_empty() && self.busy.contains_key(&session.identity))
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

    /// The tabs on offer, in order.
    pub fn tabs(&self) -> Vec<Tab> {
        let mut tabs = vec![Tab::Sessions];
        if self.has_user_token {
            tabs.push(Tab::MySessions);
        }
        tabs.push(Tab::Token);
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
        }
    }

    /// Rows of table that fit on screen.
    pub(crate) fn viewport(&self) -> usize {
        crate::tui::view::table_height(self.size.1)
    }

    /// The table of the tab shown (None on the Token tab).
    pub(crate) fn current_source(&self) -> Option<ListSource> {
        match self.tab {
            Tab::Sessions if !self.has_service => None,
            Tab::Sessions => Some(ListSource::Sessions),
            Tab::MySessions => Some(ListSource::MySessions),
            Tab::Token => None,
        }
    }

    fn table_mut(&mut self, source: ListSource) -> &mut Table {
        match source {
            ListSource::Sessions => &mut self.sessions,
            ListSource::MySessions => &mut self.mine,
        }
    }

    fn take_id(&mut self) -> CommandId {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    fn say(&mut self, text: impl Into<String>) {
        self.flash = Some((text.into(), self.now));
        self.flash_is_outcome = false;
    }

    /// A result worth keeping: flashed and logged.
    fn note(&mut self, text: impl Into<String>, details: Vec<String>) {
        let text = text.into();
        self.log.push(self.now, Level::Info, text.clone(), details);
        self.say(text);
        self.flash_is_outcome = true;
    }

    /// A failure: the cause first in the status line, everything in the log. A reload's
    /// failure never takes the status line from an action's error.
    fn fail(&mut self, key: ErrorKey, what: &str, err: &Error) {
        let mut full = format!("{what}: {err}");
        if let Some(rid) = err.request_id()
            && !full.contains(rid)
        {
            full.push_str(&format!(" (request {rid})"));
        }
        self.log.push(
            self.now,
            Level::Error,
            sanitize::clean(&full).into_owned(),
            vec![],
        );
        let short = format!("{what}: {}", log::cause(err));
        self.set_error(key, short);
    }

    /// Shows an error (also logged by the caller) unless an action's error would be
    /// replaced by a reload's.
    fn set_error(&mut self, key: ErrorKey, text: String) {
        let action_shown = matches!(self.error_at, Some((_, ErrorKey::Action)));
        if matches!(key, ErrorKey::List(_)) && action_shown && self.error.is_some() {
            return;
        }
        self.error = Some(sanitize::clean(&text).into_owned());
        self.error_at = Some((self.now, key));
    }

    /// The operation succeeded: an error it left behind is no longer true.
    fn succeeded(&mut self, key: ErrorKey) {
        if self.error_at.is_some_and(|(_, k)| k == key) {
            self.error = None;
            self.error_at = None;
        }
    }

    /// Records a command as in flight and sends it.
    fn dispatch(&mut self, cmd: Command, out: &mut Vec<Command>) {
        if let Some(id) = cmd.id() {
            for key in busy_keys(&cmd) {
                *self.busy.entry(key).or_default() += 1;
            }
            if let Command::Refresh { .. } = cmd {
                self.token.refreshing = Some(id);
            }
            self.pending.insert(id, cmd.clone());
        }
        out.push(cmd);
    }

    fn settle(&mut self, cmd: &Command) {
        for key in busy_keys(cmd) {
            if let Some(n) = self.busy.get_mut(&key) {
                *n -= 1;
                if *n == 0 {
                    self.busy.remove(&key);
                }
            }
        }
    }

    /// Requests a page of a table with the given cursor stack.
    fn load(&mut self, source: ListSource, cursors: Vec<Option<String>>, out: &mut Vec<Command>) {
        let id = self.take_id();
        let (generation, query) = self.table_mut(source).request(cursors);
        self.dispatch(
            Command::List {
                id,
                generation,
                source,
                query,
            },
            out,
        );
    }

    fn reload(&mut self, source: ListSource, out: &mut Vec<Command>) {
        let cursors = self.table(source).cursors.clone();
        self.load(source, cursors, out);
    }

    fn on_tick(&mut self, out: &mut Vec<Command>) {
        if !self.pending.is_empty() {
            self.spinner = self.spinner.wrapping_add(1);
        }
        if let (Some(every), Some(source)) = (self.auto_reload, self.current_source()) {
            let every = i64::try_from(every.as_millis()).unwrap_or(i64::MAX);
            let t = self.table(source);
            // After a failure the back-off decides; otherwise the period since the last
            // successful load.
            let due = match t.retry_at {
                Some(at) => self.now >= at,
                None => t
                    .last_loaded
                    .is_some_and(|at| clock::millis(at, self.now) >= every),
            };
            // A signed-out user's list can only fail: stop polling it.
            let signed_out = source == ListSource::MySessions && self.token.signed_out();
            if due
                && !signed_out
                && !t.loading
                && !self.paused
                && self.dialog.is_none()
                && self.editing.is_none()
            {
                self.reload(source, out);
            }
        }
        if self.has_user_token && self.token.due(&self.policy, self.now) {
            let id = self.take_id();
            self.dispatch(Command::Refresh { id }, out);
        }
    }

    fn on_key(&mut self, key: KeyEvent, out: &mut Vec<Command>) {
        if self.dialog.is_some() {
            self.on_dialog_key(key, out);
            return;
        }
        if self.editing.is_some() {
            self.on_editor_key(key, out);
            return;
        }
        let action = self.keymap.lookup(&key, self.context());
        if self.log.open || self.marks_open {
            self.on_overlay_key(key, action, out);
            return;
        }
        if self.help {
            match action {
                Some(Action::Quit) => self.quit(out),
                Some(Action::Help | Action::Back) => self.help = false,
                _ => {}
            }
            return;
        }
        if let Some(action) = action {
            self.act(action, out);
        }
    }

    /// Keys while the message log or the marked rows are shown: scroll, close, quit.
    fn on_overlay_key(&mut self, key: KeyEvent, action: Option<Action>, out: &mut Vec<Command>) {
        match (key.code, action) {
            (_, Some(Action::Quit)) => self.quit(out),
            (KeyCode::Esc, _)
            | (_, Some(Action::MessageLog | Action::ShowMarks | Action::Back)) => {
                self.log.open = false;
                self.marks_open = false;
            }
            (KeyCode::Char('k') | KeyCode::Up, _) => {
                self.log.scroll = self.log.scroll.saturating_add(1)
            }
            (KeyCode::Char('j') | KeyCode::Down, _) => {
                self.log.scroll = self.log.scroll.saturating_sub(1)
            }
            (KeyCode::PageUp, _) => {
                self.log.scroll = self.log.scroll.saturating_add(self.viewport().max(1))
            }
            (KeyCode::PageDown, _) => {
                self.log.scroll = self.log.scroll.saturating_sub(self.viewport().max(1))
            }
            (KeyCode::Char('G') | KeyCode::End, _) => self.log.scroll = 0,
            (KeyCode::Char('g') | KeyCode::Home, _) => self.log.scroll = self.log.line_count(),
            _ => {}
        }
    }

    fn on_dialog_key(&mut self, key: KeyEvent, out: &mut Vec<Command>) {
        let Some(dialog) = &mut self.dialog else {
            return;
        };
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if let Some(typed) = &mut dialog.typed {
            // A count to type: digits go to it, and only Enter on a match confirms.
            match key.code {
                KeyCode::Char(c) if c.is_ascii_digit() && !ctrl => {
                    if typed.input.len() < 12 {
                        typed.input.push(c);
                    }
                    return;
                }
                KeyCode::Backspace => {
                    typed.input.pop();
                    return;
                }
                KeyCode::Char('y' | 'Y') if !ctrl => return,
                KeyCode::Enter if !typed.matches() => {
                    let want = typed.expected.clone();
                    self.say(format!("type {want} to confirm"));
                    return;
                }
                KeyCode::Enter => {
                    if let Some(d) = self.dialog.take() {
                        self.dispatch(d.command, out);
                    }
                    return;
                }
                _ => {}
            }
        }
        let confirm = match key.code {
            KeyCode::Char('y' | 'Y') if !ctrl => Some(true),
            KeyCode::Char('n' | 'N') | KeyCode::Esc => Some(false),
            KeyCode::Char('c') if ctrl => Some(false),
            KeyCode::Enter => Some(dialog.focus == Focus::Confirm),
            KeyCode::Tab
            | KeyCode::BackTab
            | KeyCode::Left
            | KeyCode::Right
            | KeyCode::Char('h' | 'l') => {
                dialog.toggle_focus();
                None
            }
            _ => None,
        };
        match confirm {
            Some(true) => {
                if let Some(d) = self.dialog.take() {
                    self.dispatch(d.command, out);
                }
            }
            Some(false) => self.dialog = None,
            None => {}
        }
    }

    fn on_editor_key(&mut self, key: KeyEvent, out: &mut Vec<Command>) {
        let Some(source) = self.current_source() else {
            self.editing = None;
            return;
        };
        match key.code {
            KeyCode::Esc => self.stop_editing(source),
            _ if key.modifiers.contains(KeyModifiers::CONTROL)
                && self.keymap.lookup(&key, self.context()) == Some(Action::Quit) =>
            {
                self.stop_editing(source);
                self.quit(out);
            }
            KeyCode::Enter => {
                let text = self
                    .editing
                    .as_ref()
                    .map(LineEditor::text)
                    .unwrap_or_default();
                let now = self.now;
                let t = self.table_mut(source);
                match crate::query::compile(&text, now) {
                    Err(e) => t.query_error = Some(e),
                    Ok(filter) => {
                        t.query_error = None;
                        let changed = t.query_text != text || t.filter != filter;
                        t.query_text = text;
                        t.filter = filter;
                        // Marks belong to the query they were made under.
                        let cleared = if changed { t.clear_marks() } else { 0 };
                        self.editing = None;
                        self.preview = None;
                        if cleared > 0 {
                            self.note(
                                format!(
                                    "{cleared} mark{} cleared: marks belong to the query they were made under",
                                    if cleared == 1 { "" } else { "s" }
                                ),
                                vec![],
                            );
                        }
                        self.load(source, vec![None], out);
                    }
                }
            }
            _ => {
                if let Some(e) = &mut self.editing
                    && e.handle(&key)
                {
                    self.recompile();
                }
            }
        }
    }

    /// Closes the query editor; the query in force stays as it was.
    fn stop_editing(&mut self, source: ListSource) {
        self.editing = None;
        self.preview = None;
        self.table_mut(source).query_error = None;
    }

    /// Compiles the query being typed, so the filter it would send (or why it would not)
    /// shows before Enter. Pure and cheap, so it runs on every edit.
    fn recompile(&mut self) {
        let (Some(e), Some(source)) = (&self.editing, self.current_source()) else {
            return;
        };
        let compiled = crate::query::compile(&e.text(), self.now);
        let (preview, error) = match compiled {
            Ok(filter) => (Some(filter), None),
            Err(err) => (None, Some(err)),
        };
        self.preview = preview;
        self.table_mut(source).query_error = error;
    }

    fn act(&mut self, action: Action, out: &mut Vec<Command>) {
        if self.read_only && action.info().danger {
            return;
        }
        let viewport = self.viewport();
        let detail_width = crate::tui::view::detail_width(self.size.0);
        if let Some(d) = &mut self.detail {
            let max = d.lines(self.now, detail_width).len().saturating_sub(1);
            let step = viewport.max(1);
            match action {
                Action::Down => d.scroll = (d.scroll + 1).min(max),
                Action::Up => d.scroll = d.scroll.saturating_sub(1),
                Action::Top => d.scroll = 0,
                Action::Bottom => d.scroll = max,
                Action::PageDown => d.scroll = (d.scroll + step).min(max),
                Action::PageUp => d.scroll = d.scroll.saturating_sub(step),
                Action::ToggleJson => d.toggle_json(),
                Action::Back => self.detail = None,
                Action::Copy => {
                    let id = d.session.id.clone();
                    self.copy(id, out);
                }
                Action::Help => self.help = true,
                Action::MessageLog => {
                    self.log.open = true;
                    self.log.scroll = 0;
                }
                Action::Quit => self.quit(out),
                _ => {}
            }
            return;
        }
        match action {
            Action::Down | Action::Up | Action::Top | Action::Bottom => {
                if let Some(s) = self.current_source() {
                    let t = self.table_mut(s);
                    match action {
                        Action::Down => t.move_by(1, viewport),
                        Action::Up => t.move_by(-1, viewport),
                        Action::Top => t.select(0, viewport),
                        _ => t.select(usize::MAX, viewport),
                    }
                }
            }
            Action::PageDown | Action::PageUp => {
                if let Some(s) = self.current_source() {
                    let step = viewport.max(1) as isize;
                    let delta = if action == Action::PageDown {
                        step
                    } else {
                        -step
                    };
                    self.table_mut(s).move_by(delta, viewport);
                }
            }
            Action::NextPage | Action::PrevPage => {
                if let Some(s) = self.current_source() {
                    let t = self.table(s);
                    let stack = if action == Action::NextPage {
                        t.next_cursors()
                    } else {
                        t.prev_cursors()
                    };
                    match stack {
                        Some(c) => self.load(s, c, out),
                        None if action == Action::NextPage => self.say("no further page"),
                        None => self.say("already on the first page"),
                    }
                }
            }
            Action::Query => {
                if let Some(s) = self.current_source() {
                    self.editing = Some(LineEditor::new(&self.table(s).query_text));
                    self.recompile();
                }
            }
            Action::NextOrder | Action::FlipOrder => {
                if let Some(s) = self.current_source() {
                    let t = self.table_mut(s);
                    if action == Action::NextOrder {
                        t.order_by = t.order_by.next();
                    } else {
                        t.order = t.order.flip();
                    }
                    self.load(s, vec![None], out);
                }
            }
            Action::Reload => {
                if let Some(s) = self.current_source() {
                    self.reload(s, out);
                }
            }
            Action::Open => {
                if let Some(s) = self.current_source()
                    && let Some(row) = self.table(s).selected()
                {
                    self.detail = Some(DetailView::new(s, row.clone()));
                }
            }
            Action::Back => {
                self.error = None;
                self.error_at = None;
                self.progress = None;
            }
            Action::Invalidate => self.confirm_invalidate(),
            Action::LogoutUser => self.confirm_logout_user(out),
            Action::Mark => {
                let v = viewport;
                if let Some(row) = self.sessions.selected().cloned()
                    && self.tab == Tab::Sessions
                {
                    self.sessions.toggle_mark(&row);
                    self.sessions.move_by(1, v);
                }
            }
            Action::MarkPage => {
                if self.tab == Tab::Sessions {
                    let t = &mut self.sessions;
                    let all = t.rows.iter().all(|s| t.marks.contains(&s.id));
                    let rows = t.rows.clone();
                    for s in &rows {
                        if all {
                            t.unmark(&s.id);
                        } else {
                            t.set_mark(s);
                        }
                    }
                }
            }
            Action::InvalidateMarked => self.confirm_bulk(),
            Action::ActOnQuery => self.confirm_act_on_query(out),
            Action::ShowMarks => {
                if self.sessions.marks.is_empty() {
                    self.say("nothing marked (Space marks a row)");
                } else {
                    self.marks_open = true;
                }
            }
            Action::UnmarkAll => {
                let n = self.sessions.clear_marks();
                self.say(format!("{n} mark{} cleared", if n == 1 { "" } else { "s" }));
            }
            Action::MessageLog => {
                self.log.open = true;
                self.log.scroll = 0;
            }
            Action::LogoutSelf => self.confirm_logout_self(),
            Action::Copy => {
                if let Some(s) = self.current_source()
                    && let Some(id) = self.table(s).selected().map(|r| r.id.clone())
                {
                    self.copy(id, out);
                }
            }
            Action::RefreshNow => {
                if !self.has_user_token {
                    self.say("no user token configured");
                } else if self.token.refreshing.is_some() {
                    self.say("a refresh is already in flight");
                } else {
                    let id = self.take_id();
                    self.token.announce = true;
                    self.dispatch(Command::Refresh { id }, out);
                }
            }
            Action::ToggleAutoRefresh => {
                self.token.auto = !self.token.auto;
                let state = if self.token.auto { "on" } else { "off" };
                self.say(format!("auto-refresh {state}"));
            }
            Action::PauseReload => {
                self.paused = !self.paused;
                let state = if self.paused { "paused" } else { "resumed" };
                self.say(format!("auto-reload {state}"));
            }
            Action::NextTab => {
                let tabs = self.tabs();
                let i = tabs.iter().position(|t| *t == self.tab).unwrap_or(0);
                self.switch(tabs[(i + 1) % tabs.len()], out);
            }
            Action::TabSessions => self.switch(Tab::Sessions, out),
            Action::TabMine => self.switch(Tab::MySessions, out),
            Action::TabToken => self.switch(Tab::Token, out),
            Action::Help => self.help = true,
            Action::Quit => self.quit(out),
            Action::ToggleJson => {}
        }
    }

    fn switch(&mut self, tab: Tab, out: &mut Vec<Command>) {
        if !self.tabs().contains(&tab) {
            return;
        }
        self.tab = tab;
        // The Token tab shows the expiry of the token's session, which only a list tells:
        // the user's own sessions are the one page sure to hold it.
        let wants_mine = tab == Tab::MySessions
            || (tab == Tab::Token && self.has_user_token && self.token.own_session.is_none());
        if wants_mine && !self.mine.loaded_once && !self.mine.loading {
            self.load(ListSource::MySessions, vec![None], out);
        }
    }

    fn copy(&mut self, id: String, out: &mut Vec<Command>) {
        self.say(format!("copied {}", sanitize::clean(&id)));
        out.push(Command::Clipboard(id));
    }

    fn quit(&mut self, out: &mut Vec<Command>) {
        let n = self.destructive_in_flight();
        if n == 0 {
            self.quit = true;
            out.push(Command::Shutdown { force: false });
        } else if self.quit_requested {
            self.quit = true;
            out.push(Command::Shutdown { force: true });
        } else {
            self.quit_requested = true;
            self.say(format!(
                "waiting for {n} action{} — press q again to force",
                if n == 1 { "" } else { "s" }
            ));
        }
    }

    /// The warning for a dialog that touches authtop's own session, the same on every path.
    fn own_warning(&self, touches: bool) -> Option<String> {
        touches.then(|| OWN_WARNING.to_string())
    }

    /// True if the user owns authtop's own user token.
    fn owns_the_tui_token(&self, user_id: &str) -> bool {
        !user_id.is_empty()
            && (self
                .token
                .info
                .as_ref()
                .is_some_and(|t| t.identity == user_id)
                || self
                    .sessions
                    .rows
                    .iter()
                    .chain(self.mine.rows.iter())
                    .any(|s| s.identity == user_id && self.is_own_session(s)))
    }

    fn confirm_invalidate(&mut self) {
        let Some(source) = self.current_source() else {
            return;
        };
        let Some(row) = self.table(source).selected().cloned() else {
            return;
        };
        let warning = self.own_warning(self.is_own_session(&row));
        let id = self.take_id();
        self.dialog = Some(Dialog::new(
            "Invalidate session",
            vec![
                format!("session   {}", row.id),
                format!("user      {} ({})", row.email, row.identity),
                "The session ends now; its tokens stop working.".to_string(),
            ],
            warning,
            "Invalidate",
            Command::Invalidate {
                id,
                source,
                session_id: row.id,
            },
        ));
    }

    /// `L`: asks the server how many sessions the user has; the dialog opens with it.
    fn confirm_logout_user(&mut self, out: &mut Vec<Command>) {
        if self.tab != Tab::Sessions {
            return;
        }
        let Some(row) = self.sessions.selected().cloned() else {
            return;
        };
        if row.identity.is_empty() {
            self.say("this session names no user");
            return;
        }
        let id = self.take_id();
        self.say(format!(
            "counting the sessions of {}…",
            sanitize::clean(&row.email)
        ));
        self.scope_row = Some(row.clone());
        self.dispatch(
            Command::UserScope {
                id,
                user_id: row.identity,
            },
            out,
        );
    }

    /// The log-out dialog, with the server's total (or why it is unknown).
    fn open_logout_dialog(&mut self, user_id: &str, total: Result<u64, String>) {
        let row = self
            .scope_row
            .take()
            .filter(|r| r.identity == user_id)
            .or_else(|| {
                self.sessions
                    .rows
                    .iter()
                    .find(|s| s.identity == user_id)
                    .cloned()
            });
        let email = row.as_ref().map(|r| r.email.clone()).unwrap_or_default();
        let on_page = self
            .sessions
            .rows
            .iter()
            .filter(|s| s.identity == user_id)
            .count();
        let scope = match total {
            Ok(n) => {
                format!("Every session of this user ends: {n} in all, {on_page} on this page.")
            }
            Err(cause) => format!(
                "Every session of this user ends: the total is unknown (counting failed: {cause}); {on_page} on this page."
            ),
        };
        let marked = self
            .sessions
            .mark_meta
            .values()
            .filter(|m| m.identity == user_id)
            .count();
        let mut lines = vec![format!("user      {email} ({user_id})"), scope];
        if marked > 0 {
            lines.push(format!(
                "{marked} of your marked rows belong to this user; their marks are dropped."
            ));
        }
        let warning = self.own_warning(self.owns_the_tui_token(user_id));
        let id = self.take_id();
        self.dialog = Some(Dialog::new(
            "Log out user everywhere",
            lines,
            warning,
            "Log out",
            Command::Logout {
                id,
                user_id: user_id.to_string(),
            },
        ));
    }

    fn confirm_bulk(&mut self) {
        let t = &self.sessions;
        if t.marks.is_empty() {
            self.say("nothing marked (Space marks a row)");
            return;
        }
        let mut ids: Vec<String> = t.marks.iter().cloned().collect();
        ids.sort();
        let hidden = t.marks_not_visible();
        let n = ids.len();
        let own = ids.iter().any(|id| {
            self.token.own_session.as_deref() == Some(id.as_str())
                || t.rows.iter().any(|s| &s.id == id && self.is_own_session(s))
        });
        let warning = self.own_warning(own);
        let query = if t.query_text.trim().is_empty() {
            "no query".to_string()
        } else {
            format!("the query `{}`", t.query_text)
        };
        let id = self.take_id();
        self.dialog = Some(Dialog::new(
            format!(
                "Invalidate {n} marked session{}",
                if n == 1 { "" } else { "s" }
            ),
            vec![
                format!(
                    "{n} marked session{} will end (marked under {query}).",
                    if n == 1 { "" } else { "s" }
                ),
                if hidden == 0 {
                    "All of them are on this page.".to_string()
                } else {
                    format!("{hidden} of them are on other pages of this query (M lists them).")
                },
            ],
            warning,
            format!("Invalidate {n}"),
            Command::BulkInvalidate {
                id,
                session_ids: ids,
                query: None,
            },
        ));
    }

    /// `X`: asks the server for everything the query matches; the dialog opens with it.
    fn confirm_act_on_query(&mut self, out: &mut Vec<Command>) {
        if self.tab != Tab::Sessions {
            return;
        }
        let t = &self.sessions;
        if t.query_text.trim().is_empty() || t.filter.is_empty() {
            self.say("X acts on the query's matches: type a query first (/); a blank query never means every session");
            return;
        }
        let (filter, query) = (t.filter.clone(), t.query_text.clone());
        let id = self.take_id();
        self.say("counting the query's matches…");
        self.dispatch(Command::Census { id, filter, query }, out);
    }

    fn open_query_dialog(&mut self, census: CensusResult) {
        let n = census.session_ids.len();
        if n == 0 {
            self.note(format!("nothing matches `{}`", census.query), vec![]);
            return;
        }
        if census.query != self.sessions.query_text {
            self.say("the query changed while counting; press X again");
            return;
        }
        let own = self
            .token
            .own_session
            .as_ref()
            .is_some_and(|s| census.session_ids.contains(s));
        let warning = self.own_warning(own);
        let mut lines = vec![
            format!("query     {}", census.query),
            format!(
                "{n} session{} of {} user{} match (counted by the server).",
                if n == 1 { "" } else { "s" },
                census.users,
                if census.users == 1 { "" } else { "s" }
            ),
        ];
        for s in census.sample.iter().take(SAMPLE_SHOWN) {
            lines.push(format!("  {}  {}", s.id, s.email));
        }
        if n > census.sample.len().min(SAMPLE_SHOWN) {
            lines.push(format!(
                "  … and {} more",
                n - census.sample.len().min(SAMPLE_SHOWN)
            ));
        }
        let id = self.take_id();
        let mut dialog = Dialog::new(
            format!(
                "Invalidate {n} matching session{}",
                if n == 1 { "" } else { "s" }
            ),
            lines,
            warning,
            format!("Invalidate {n}"),
            Command::BulkInvalidate {
                id,
                session_ids: census.session_ids,
                query: Some(census.query),
            },
        );
        if n > TYPE_COUNT_ABOVE {
            dialog.typed = Some(dialog::Typed::new(n.to_string()));
        }
        self.dialog = Some(dialog);
    }

    fn confirm_logout_self(&mut self) {
        if !self.has_user_token {
            self.say("no user token configured");
            return;
        }
        let who = self
            .token
            .info
            .as_ref()
            .map(|t| format!("{} ({})", t.email, t.identity))
            .unwrap_or_else(|| "the configured user".to_string());
        let id = self.take_id();
        self.dialog = Some(Dialog::new(
            "Log out this session",
            vec![
                format!("the session of {who}"),
                format!(
                    "user token {}",
                    self.token.mask.as_deref().unwrap_or("••••••••")
                ),
                "The token cannot be refreshed afterwards.".to_string(),
            ],
            self.own_warning(true),
            "Log out",
            Command::ClientLogout { id },
        ));
    }

    fn on_event(&mut self, event: Event, out: &mut Vec<Command>) {
        let Some(cmd) = self.pending.get(&event.id).cloned() else {
            return;
        };
        if event.is_terminal() {
            self.pending.remove(&event.id);
            self.retrying.remove(&event.id);
            self.settle(&cmd);
        }
        match event.kind {
            EventKind::Retrying {
                reason,
                attempt,
                of,
                ..
            } => {
                let what = match &cmd {
                    Command::List { .. } => "list",
                    Command::Refresh { .. } => "refresh",
                    Command::TokenCheck { .. } => "token check",
                    _ => "action",
                };
                self.retrying.insert(
                    event.id,
                    format!(
                        "{what}: retrying ({}, {attempt}/{of})",
                        sanitize::clean(&reason)
                    ),
                );
            }
            EventKind::Progress {
                session_id,
                outcome,
                finished,
                total,
            } => {
                self.progress = Some((finished, total));
                if matches!(outcome, ItemOutcome::Done | ItemOutcome::AlreadyGone) {
                    self.remove_sessions(&[session_id]);
                }
            }
            EventKind::Done(outcome) => self.on_done(&cmd, outcome, out),
            EventKind::Failed(err) => self.on_failed(&cmd, &err, out),
            EventKind::Cancelled => match &cmd {
                Command::List {
                    source, generation, ..
                } => {
                    let t = self.table_mut(*source);
                    if t.generation == *generation {
                        t.list_failed();
                    }
                }
                Command::Refresh { .. } => {
                    self.token.refreshing = None;
                    self.token.announce = false;
                }
                Command::Census { .. } | Command::UserScope { .. } => {
                    self.scope_row = None;
                }
                _ => self.note("action cancelled", vec![]),
            },
        }
        if self.quit_requested && !self.quit && self.destructive_in_flight() == 0 {
            self.quit = true;
            out.push(Command::Shutdown { force: false });
        }
    }

    fn remove_sessions(&mut self, ids: &[String]) {
        let v = self.viewport();
        self.sessions.remove(ids.iter().map(String::as_str), v);
        self.mine.remove(ids.iter().map(String::as_str), v);
        if self
            .detail
            .as_ref()
            .is_some_and(|d| ids.contains(&d.session.id))
        {
            self.detail = None;
        }
    }

    /// Notes which loaded session holds the TUI's token, for its expiry and for warnings.
    fn find_own_session(&mut self) {
        let own = self
            .sessions
            .rows
            .iter()
            .chain(self.mine.rows.iter())
            .find(|s| {
                s.active_token
                    .as_ref()
                    .is_some_and(|t| self.token.is_own_token(&t.id))
            })
            .map(|s| (s.id.clone(), s.expire));
        if let Some((id, expire)) = own {
            self.token.own_session = Some(id);
            // The refresh answer is the authority on when the session ends.
            if !self.token.session_from_refresh {
                self.token.session_expire = Some(expire);
            }
        }
    }

    /// Reloads the tables that show server state an action just changed.
    fn reload_after_action(&mut self, out: &mut Vec<Command>) {
        if self.has_service && self.sessions.loaded_once {
            self.reload(ListSource::Sessions, out);
        }
        if self.mine.loaded_once {
            self.reload(ListSource::MySessions, out);
        }
    }

    fn on_done(&mut self, cmd: &Command, outcome: Outcome, out: &mut Vec<Command>) {
        match outcome {
            Outcome::Listed {
                generation,
                source,
                page,
                ..
            } => {
                let Command::List {
                    source: sent_source,
                    generation: sent_generation,
                    ..
                } = cmd
                else {
                    return;
                };
                let v = self.viewport();
                let now = self.now;
                let sent = self.table_mut(*sent_source);
                let current = sent.generation == *sent_generation;
                if source != *sent_source || generation != *sent_generation {
                    // A confused answer: drop it, but do not leave the table loading forever.
                    if current {
                        sent.list_failed();
                    }
                    return;
                }
                if !current {
                    return;
                }
                let t = self.table_mut(source);
                t.apply_page(page, now, v);
                t.load_error = None;
                self.succeeded(ErrorKey::List(source));
                self.find_own_session();
            }
            Outcome::Invalidated {
                session_id,
                already_gone,
                request_id,
            } => {
                self.succeeded(ErrorKey::Action);
                let rid = request_id
                    .map(|r| format!(" (request {r})"))
                    .unwrap_or_default();
                self.note(
                    if already_gone {
                        format!("{} was already gone{rid}", sanitize::clean(&session_id))
                    } else {
                        format!("invalidated {}{rid}", sanitize::clean(&session_id))
                    },
                    vec![],
                );
                self.remove_sessions(&[session_id]);
            }
            Outcome::LoggedOut {
                user_id,
                request_id,
            } => {
                self.succeeded(ErrorKey::Action);
                let v = self.viewport();
                self.sessions.remove_user(&user_id, v);
                self.mine.remove_user(&user_id, v);
                self.sessions.unmark_user(&user_id);
                self.note(
                    format!(
                        "logged out {} everywhere (request {request_id})",
                        sanitize::clean(&user_id)
                    ),
                    vec![],
                );
                self.reload_after_action(out);
            }
            Outcome::Bulk {
                done,
                already_gone,
                failed,
                not_attempted,
                stopped,
            } => {
                self.progress = None;
                let gone: Vec<String> = done.iter().chain(&already_gone).cloned().collect();
                self.remove_sessions(&gone);
                let total = done.len() + already_gone.len() + failed.len() + not_attempted.len();
                let mut text = format!("invalidated {} of {total}", done.len());
                if !already_gone.is_empty() {
                    text.push_str(&format!(", {} already gone", already_gone.len()));
                }
                if !failed.is_empty() {
                    text.push_str(&format!(", {} failed", failed.len()));
                }
                if !not_attempted.is_empty() {
                    text.push_str(&format!(", {} not attempted", not_attempted.len()));
                }
                if let Some(why) = &stopped {
                    text.push_str(&format!(" — stopped: {why}"));
                }
                let mut details: Vec<String> = failed
                    .iter()
                    .map(|(id, e)| {
                        let mut line = format!("failed {id}: {e}");
                        if let Some(rid) = e.request_id()
                            && !line.contains(rid)
                        {
                            line.push_str(&format!(" (request {rid})"));
                        }
                        sanitize::clean(&line).into_owned()
                    })
                    .collect();
                details.extend(not_attempted.iter().map(|id| format!("not attempted {id}")));
                let problems = !failed.is_empty() || !not_attempted.is_empty();
                self.log.push(
                    self.now,
                    if problems { Level::Error } else { Level::Info },
                    text.clone(),
                    details,
                );
                if problems {
                    self.set_error(ErrorKey::Action, format!("{text} (@ lists them)"));
                } else {
                    self.succeeded(ErrorKey::Action);
                    self.say(text);
                }
                self.reload_after_action(out);
            }
            Outcome::Census(census) => self.open_query_dialog(*census),
            Outcome::UserScope { user_id, total } => {
                self.flash = None;
                self.open_logout_dialog(&user_id, Ok(total));
            }
            Outcome::ClientLoggedOut { request_id } => {
                self.succeeded(ErrorKey::Action);
                self.token.signed_out = Some(SignedOut::LoggedOut);
                self.token.retry_at = None;
                self.token.last_error = Some("this session was logged out".to_string());
                if let Some(own) = self.token.own_session.clone() {
                    self.remove_sessions(&[own]);
                }
                self.note(
                    format!("logged out: authtop's user session has ended (request {request_id})"),
                    vec![],
                );
            }
            Outcome::Refreshed(record) => {
                self.token.refreshing = None;
                self.token.failures = 0;
                self.token.retry_at = None;
                self.token.last_error = None;
                if let Some(end) = record.session_expire {
                    self.token.session_expire = Some(end);
                    self.token.session_from_refresh = true;
                }
                // A refresh that does not move the expiry later (the session caps the
                // token) cannot be improved on by refreshing again: stop, and say so.
                let old_expire = self.token.info.as_ref().map(|i| i.expire);
                let new_expire = record.new_token.expire;
                let capped = record
                    .session_expire
                    .is_some_and(|end| clock::millis(new_expire, end) <= 1_000);
                self.token.ending =
                    capped || old_expire.is_some_and(|old| clock::millis(old, new_expire) <= 1_000);
                if self.token.ending {
                    self.say(format!(
                        "this session ends at {} ({}) — sign in again",
                        new_expire.strftime("%H:%M"),
                        clock::until(new_expire, self.now)
                    ));
                }
                if let Some(note) = &record.note {
                    self.error = Some(sanitize::clean(note).into_owned());
                }
                // The list that found the token expired is loaded again with the new one,
                // rather than after a whole back-off period.
                let reload_mine = self.token.refused_expired
                    && self.mine.failures > 0
                    && !self.mine.loading
                    && self.current_source() == Some(ListSource::MySessions);
                self.token.learn(record.new_token.clone());
                if reload_mine {
                    self.reload(ListSource::MySessions, out);
                }
                self.token.history.push(*record);
                self.find_own_session();
                // Automatic refreshes show in the Token tab's history; a flash for each one
                // would push results the user is waiting for off the status line.
                if std::mem::take(&mut self.token.announce) {
                    self.say("user token refreshed");
                }
            }
            Outcome::TokenChecked(info) => {
                self.succeeded(ErrorKey::Token);
                self.token.learn(*info);
                self.find_own_session();
            }
        }
    }

    fn on_failed(&mut self, cmd: &Command, err: &Error, out: &mut Vec<Command>) {
        match cmd {
            Command::List {
                source, generation, ..
            } => {
                let t = self.table_mut(*source);
                if t.generation != *generation {
                    return;
                }
                t.list_failed();
                t.load_error = Some(sanitize::clean(&log::cause(err)).into_owned());
                let every = self.auto_reload;
                let now = self.now;
                self.table_mut(*source).back_off(now, every, err);
                if *source == ListSource::MySessions && err.is_signed_out() {
                    self.token_refused(err, out);
                } else {
                    self.fail(ErrorKey::List(*source), "could not load sessions", err);
                }
            }
            // A row of the project's list that the server no longer knows: someone else
            // ended it. (The client endpoint's NotFound may be another user's session, so
            // there it stays an error.)
            Command::Invalidate {
                session_id,
                source: ListSource::Sessions,
                ..
            } if err.is_not_found() => {
                self.succeeded(ErrorKey::Action);
                self.note(
                    format!("{} was already gone", sanitize::clean(session_id)),
                    vec![],
                );
                self.remove_sessions(std::slice::from_ref(session_id));
            }
            Command::Invalidate { session_id, .. } => {
                self.fail(
                    ErrorKey::Action,
                    &format!("invalidating {} failed", sanitize::clean(session_id)),
                    err,
                );
            }
            Command::Logout { user_id, .. } => {
                self.fail(
                    ErrorKey::Action,
                    &format!("logging out {} failed", sanitize::clean(user_id)),
                    err,
                );
            }
            Command::BulkInvalidate { .. } => {
                self.progress = None;
                self.fail(ErrorKey::Action, "bulk invalidation failed", err);
            }
            Command::Census { .. } => {
                self.fail(
                    ErrorKey::Action,
                    "counting the query's matches failed; nothing was sent",
                    err,
                );
            }
            Command::UserScope { user_id, .. } => {
                let user_id = user_id.clone();
                self.log.push(
                    self.now,
                    Level::Error,
                    sanitize::clean(&format!("counting the sessions of {user_id} failed: {err}"))
                        .into_owned(),
                    vec![],
                );
                self.open_logout_dialog(&user_id, Err(log::cause(err)));
            }
            Command::ClientLogout { .. } => {
                self.fail(ErrorKey::Action, "logging out this session failed", err)
            }
            Command::Refresh { .. } => {
                self.token.refreshing = None;
                self.token.announce = false;
                // Only the refresh itself being refused means the session is over.
                if err.is_signed_out() {
                    let why = match err.api_status() {
                        Some(crate::authn::ApiStatus::ExpiredToken) => SignedOut::Expired,
                        _ => SignedOut::Revoked,
                    };
                    self.signed_out(err, why);
                } else {
                    self.token.failures += 1;
                    let remaining = self
                        .token
                        .info
                        .as_ref()
                        .map(|i| clock::millis(self.now, i.expire));
                    let wait =
                        token::retry_delay(self.token.failures, remaining, err.retry_after());
                    let ms = i64::try_from(wait.as_millis()).unwrap_or(i64::MAX);
                    self.token.retry_at = Some(clock::shift(self.now, ms));
                    self.token.last_error = Some(sanitize::clean(&err.to_string()).into_owned());
                    self.say(format!(
                        "token refresh failed; retrying in {}",
                        clock::short(ms / 1000)
                    ));
                }
            }
            Command::TokenCheck { .. } => {
                if err.is_signed_out() {
                    self.token_refused(err, out);
                } else {
                    self.fail(ErrorKey::Token, "checking the user token failed", err);
                }
            }
            Command::Clipboard(_) | Command::Shutdown { .. } => {}
        }
    }

    /// The active token was refused (`ExpiredToken`/`InvalidToken`) by a list or a
    /// check. While a refresh token lives that means "refresh now", never "signed out":
    /// only a refused refresh ends the session.
    fn token_refused(&mut self, err: &Error, out: &mut Vec<Command>) {
        if self.token.signed_out() {
            return;
        }
        if !self.has_refresh_token || self.token.ending {
            let why = match err.api_status() {
                Some(crate::authn::ApiStatus::ExpiredToken) => SignedOut::Expired,
                _ => SignedOut::Revoked,
            };
            self.signed_out(err, why);
            return;
        }
        self.token.refused_expired = true;
        if self.token.refreshing.is_none() {
            // An earlier failure's back-off does not apply: the token is unusable now.
            self.token.retry_at = None;
            let id = self.take_id();
            self.dispatch(Command::Refresh { id }, out);
        }
    }

    fn signed_out(&mut self, err: &Error, why: SignedOut) {
        let text = format!("signed out: {} — sign in again", why.explain());
        self.token.signed_out = Some(why);
        self.token.retry_at = None;
        self.token.last_error = Some(sanitize::clean(&err.to_string()).into_owned());
        self.fail(ErrorKey::Token, &text, err);
    }
}

/// The session and user ids a command acts on, for the in-flight marks.
fn busy_keys(cmd: &Command) -> Vec<String> {
    match cmd {
        Command::Invalidate { session_id, .. } => vec![session_id.clone()],
        Command::Logout { user_id, .. } => vec![user_id.clone()],
        Command::BulkInvalidate { session_ids, .. } => session_ids.clone(),
        _ => Vec::new(),
    }
}
