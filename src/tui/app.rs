//! The TUI's state and its one pure update function: keys, ticks and worker events in,
//! commands for the worker out. No I/O, no clock reads, no async.

pub mod clock;
pub mod detail;
pub mod dialog;
pub mod editor;
pub mod table;
pub mod token;

pub use detail::{DetailView, Field};
pub use dialog::{Dialog, Focus};
pub use editor::LineEditor;
pub use table::Table;
pub use token::{Phase, RefreshPolicy, SignedOut, TokenState};

use crate::authn::Error;
use crate::authn::model::{Filter, Session, Timestamp};
use crate::sanitize;
use crate::tui::command::{
    Command, CommandId, Event, EventKind, ItemOutcome, ListSource, Msg, Outcome,
};
use crate::tui::keymap::{Action, Context, Keymap};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::HashMap;
use std::time::Duration;

/// How long a result message stays in the status line.
const FLASH_MS: i64 = 5_000;

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

    /// The persistent error (until Esc).
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
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

    /// True if the session holds the TUI's own user token.
    pub fn is_own_session(&self, session: &Session) -> bool {
        session
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
    }

    fn fail(&mut self, what: &str, err: &Error) {
        let mut text = format!("{what}: {err}");
        if let Some(rid) = err.request_id()
            && !text.contains(rid)
        {
            text.push_str(&format!(" (request {rid})"));
        }
        self.error = Some(sanitize::clean(&text).into_owned());
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

    fn on_dialog_key(&mut self, key: KeyEvent, out: &mut Vec<Command>) {
        let Some(dialog) = &mut self.dialog else {
            return;
        };
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
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
                        t.query_text = text;
                        t.filter = filter;
                        self.editing = None;
                        self.preview = None;
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
                self.progress = None;
            }
            Action::Invalidate => self.confirm_invalidate(),
            Action::LogoutUser => self.confirm_logout_user(),
            Action::Mark => {
                let v = viewport;
                if let Some(id) = self.sessions.selected().map(|s| s.id.clone())
                    && self.tab == Tab::Sessions
                {
                    if !self.sessions.marks.remove(&id) {
                        self.sessions.marks.insert(id);
                    }
                    self.sessions.move_by(1, v);
                }
            }
            Action::MarkPage => {
                if self.tab == Tab::Sessions {
                    let t = &mut self.sessions;
                    let all = t.rows.iter().all(|s| t.marks.contains(&s.id));
                    for s in &t.rows {
                        if all {
                            t.marks.remove(&s.id);
                        } else {
                            t.marks.insert(s.id.clone());
                        }
                    }
                }
            }
            Action::InvalidateMarked => self.confirm_bulk(),
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

    fn own_warning(&self) -> String {
        "This is the session of authtop's own user token: it signs authtop's user out.".to_string()
    }

    fn confirm_invalidate(&mut self) {
        let Some(source) = self.current_source() else {
            return;
        };
        let Some(row) = self.table(source).selected().cloned() else {
            return;
        };
        let warning = self.is_own_session(&row).then(|| self.own_warning());
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

    fn confirm_logout_user(&mut self) {
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
        let on_page = self
            .sessions
            .rows
            .iter()
            .filter(|s| s.identity == row.identity)
            .count();
        let own = self
            .token
            .info
            .as_ref()
            .is_some_and(|t| t.identity == row.identity)
            || self.is_own_session(&row);
        let warning = own.then(|| {
            "This user owns authtop's own user token: it signs authtop's user out.".to_string()
        });
        let id = self.take_id();
        self.dialog = Some(Dialog::new(
            "Log out user everywhere",
            vec![
                format!("user      {} ({})", row.email, row.identity),
                format!("Every session of this user ends ({on_page} on this page)."),
            ],
            warning,
            "Log out",
            Command::Logout {
                id,
                user_id: row.identity,
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
        let own = t
            .rows
            .iter()
            .any(|s| t.marks.contains(&s.id) && self.is_own_session(s))
            || self
                .token
                .own_session
                .as_ref()
                .is_some_and(|s| t.marks.contains(s));
        let warning = own.then(|| self.own_warning());
        let id = self.take_id();
        self.dialog = Some(Dialog::new(
            format!(
                "Invalidate {n} marked session{}",
                if n == 1 { "" } else { "s" }
            ),
            vec![
                format!(
                    "{n} marked session{} will end.",
                    if n == 1 { "" } else { "s" }
                ),
                if hidden == 0 {
                    "All of them are on this page.".to_string()
                } else {
                    format!("{hidden} of them are not visible (marked on other pages).")
                },
            ],
            warning,
            format!("Invalidate {n}"),
            Command::BulkInvalidate {
                id,
                session_ids: ids,
            },
        ));
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
            ],
            Some(
                "This signs authtop's own user out; the token cannot be refreshed afterwards."
                    .to_string(),
            ),
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
                _ => self.say("action cancelled"),
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
            .find(|s| self.is_own_session(s))
            .map(|s| (s.id.clone(), s.expire));
        if let Some((id, expire)) = own {
            self.token.own_session = Some(id);
            // The refresh answer is the authority on when the session ends.
            if !self.token.session_from_refresh {
                self.token.session_expire = Some(expire);
            }
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
                self.find_own_session();
            }
            Outcome::Invalidated {
                session_id,
                already_gone,
                ..
            } => {
                self.say(if already_gone {
                    format!("{} was already gone", sanitize::clean(&session_id))
                } else {
                    format!("invalidated {}", sanitize::clean(&session_id))
                });
                self.remove_sessions(&[session_id]);
            }
            Outcome::LoggedOut { user_id, .. } => {
                let v = self.viewport();
                self.sessions.remove_user(&user_id, v);
                self.mine.remove_user(&user_id, v);
                self.say(format!(
                    "logged out {} everywhere",
                    sanitize::clean(&user_id)
                ));
            }
            Outcome::Bulk {
                done,
                already_gone,
                failed,
            } => {
                self.progress = None;
                let gone: Vec<String> = done.iter().chain(&already_gone).cloned().collect();
                self.remove_sessions(&gone);
                let mut text = format!("invalidated {}", done.len());
                if !already_gone.is_empty() {
                    text.push_str(&format!(", {} already gone", already_gone.len()));
                }
                if let Some((id, err)) = failed.first() {
                    self.fail(
                        &format!(
                            "{} of {} failed, first {}",
                            failed.len(),
                            done.len() + already_gone.len() + failed.len(),
                            id
                        ),
                        err,
                    );
                }
                self.say(text);
            }
            Outcome::ClientLoggedOut { .. } => {
                self.token.signed_out = Some(SignedOut::LoggedOut);
                self.token.retry_at = None;
                self.token.last_error = Some("this session was logged out".to_string());
                if let Some(own) = self.token.own_session.clone() {
                    self.remove_sessions(&[own]);
                }
                self.say("logged out: authtop's user session has ended");
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
                let every = self.auto_reload;
                let now = self.now;
                self.table_mut(*source).back_off(now, every, err);
                if *source == ListSource::MySessions && err.is_signed_out() {
                    self.token_refused(err, out);
                } else {
                    self.fail("listing sessions failed", err);
                }
            }
            Command::Invalidate { session_id, .. } if err.is_not_found() => {
                self.say(format!("{} was already gone", sanitize::clean(session_id)));
                self.remove_sessions(std::slice::from_ref(session_id));
            }
            Command::Invalidate { session_id, .. } => {
                self.fail(&format!("invalidating {session_id} failed"), err);
            }
            Command::Logout { user_id, .. } => {
                self.fail(&format!("logging out {user_id} failed"), err);
            }
            Command::BulkInvalidate { .. } => {
                self.progress = None;
                self.fail("bulk invalidation failed", err);
            }
            Command::ClientLogout { .. } => self.fail("logging out this session failed", err),
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
                    self.fail("checking the user token failed", err);
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
        self.fail(&text, err);
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
