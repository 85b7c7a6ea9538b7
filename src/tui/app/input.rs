//! Key dispatch: the overlay on top takes a key (see [`crate::tui::screens`]), else the
//! detail view, the tab shown, then the keys every tab shares. The query editor's and the
//! message log's keys are here too.

use super::Quitting;
use super::{
    Action, App, Command, Effect, Filter, KeyCode, KeyEvent, KeyModifiers, LineEditor, ListSource,
    Tab, Timestamp, strings,
};
use crate::tui::screens::overlay::Overlay;

impl App {
    pub(crate) fn on_key(&mut self, key: KeyEvent, out: &mut Vec<Command>) {
        // Ctrl-c quits from anywhere, whatever `quit` is bound to: a remap must never
        // leave the terminal without its usual way out.
        if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
            if let Some(source) = self.current_source()
                && self.editor().is_some()
            {
                self.stop_editing(source);
            }
            self.overlays.clear();
            self.quit();
            return;
        }
        let action = self.keymap.lookup(&key, self.context());
        if self.on_overlay_key(key, action, out) {
            return;
        }
        match action {
            Some(action) => self.act(action, out),
            None => self.explain_unbound(&key),
        }
    }

    /// Keys while the message log or the marked rows are on top: scroll, close, quit.
    pub(crate) fn on_listing_key(&mut self, key: KeyEvent, action: Option<Action>) {
        match (key.code, action) {
            (_, Some(Action::Quit)) => self.quit(),
            (KeyCode::Esc, _)
            | (_, Some(Action::MessageLog | Action::ShowMarks | Action::Back)) => {
                self.close_where(|o| matches!(o, Overlay::Messages | Overlay::Marks));
            }
            (KeyCode::Char('k') | KeyCode::Up, _) => {
                self.log.scroll = self.log.scroll.saturating_add(1);
            }
            (KeyCode::Char('j') | KeyCode::Down, _) => {
                self.log.scroll = self.log.scroll.saturating_sub(1);
            }
            (KeyCode::PageUp, _) => {
                self.log.scroll = self.log.scroll.saturating_add(self.viewport().max(1));
            }
            (KeyCode::PageDown, _) => {
                self.log.scroll = self.log.scroll.saturating_sub(self.viewport().max(1));
            }
            (KeyCode::Char('G') | KeyCode::End, _) => self.log.scroll = 0,
            (KeyCode::Char('g') | KeyCode::Home, _) => self.log.scroll = self.log.line_count(),
            _ => {}
        }
    }

    pub(crate) fn on_editor_key(&mut self, key: KeyEvent, out: &mut Vec<Command>) {
        let Some(source) = self.current_source() else {
            self.close_where(|o| matches!(o, Overlay::Query { .. }));
            return;
        };
        match key.code {
            KeyCode::Esc => self.stop_editing(source),
            _ if key.modifiers.contains(KeyModifiers::CONTROL)
                && self.keymap.lookup(&key, self.context()) == Some(Action::Quit) =>
            {
                self.stop_editing(source);
                self.quit();
            }
            KeyCode::Up => self.browse_history(true),
            KeyCode::Down => self.browse_history(false),
            KeyCode::Tab => self.complete_query(),
            KeyCode::Enter => {
                let text = self.editor().map(LineEditor::text).unwrap_or_default();
                let now = self.now;
                let compiled = self.compile_set(&text, now);
                let t = self.table_mut(source);
                match compiled {
                    Err(e) => t.query_error = Some(e),
                    Ok(set) => {
                        t.query_error = None;
                        let changed = t.replace_set(set);
                        // Marks belong to the query they were made under.
                        let cleared = if changed { t.clear_marks() } else { 0 };
                        if changed {
                            t.to_top = true;
                            t.queued.clear();
                        }
                        self.close_where(|o| matches!(o, Overlay::Query { .. }));
                        self.history.push(&text);
                        if !text.trim().is_empty() {
                            self.effects.push(Effect::RecordQuery {
                                profile: self.setup.profile.clone(),
                                query: text.clone(),
                            });
                        }
                        if cleared > 0 {
                            self.note(strings::marks_cleared_by_query(cleared), vec![]);
                        }
                        self.load(source, vec![None], out);
                    }
                }
            }
            _ => {
                if let Some(e) = self.editor_mut()
                    && e.handle(&key)
                {
                    self.recompile();
                }
            }
        }
    }

    /// Closes the query editor; the query in force stays as it was.
    pub(crate) fn stop_editing(&mut self, source: ListSource) {
        self.close_where(|o| matches!(o, Overlay::Query { .. }));
        self.history.stop();
        self.table_mut(source).query_error = None;
    }

    /// Opens the query editor on the query in force of `source`.
    pub(crate) fn start_editing(&mut self, source: ListSource) {
        let editor = LineEditor::new(self.table(source).query_text());
        self.open(Overlay::Query {
            editor,
            preview: None,
        });
        self.recompile();
    }

    /// The query editor, while editing.
    pub(crate) fn editor_mut(&mut self) -> Option<&mut LineEditor> {
        self.overlays.iter_mut().rev().find_map(|o| match o {
            Overlay::Query { editor, .. } => Some(editor),
            _ => None,
        })
    }

    /// Compiles the query being typed, so the filter it would send (or why it would not)
    /// shows before Enter. Pure and cheap, so it runs on every edit.
    pub(crate) fn recompile(&mut self) {
        let (Some(text), Some(source)) =
            (self.editor().map(LineEditor::text), self.current_source())
        else {
            return;
        };
        let (filter, error) = match server_filter(&text, self.now) {
            Ok(filter) => (Some(filter), None),
            Err(err) => (None, Some(err)),
        };
        if let Some(Overlay::Query { preview, .. }) = self
            .overlays
            .iter_mut()
            .rev()
            .find(|o| matches!(o, Overlay::Query { .. }))
        {
            *preview = filter;
        }
        self.table_mut(source).query_error = error;
    }

    /// An action from the keymap: the detail view when open, else the tab shown, then
    /// the actions every tab shares. Each handler says whether it took the action.
    pub(crate) fn act(&mut self, action: Action, out: &mut Vec<Command>) {
        if self.setup.read_only && action.info().danger {
            self.say(strings::read_only_key(action.info().label));
            return;
        }
        if self.detail.is_some() {
            if !crate::tui::screens::detail::keys::handle(self, action, out) {
                self.act_anywhere(action, out);
            }
            return;
        }
        if !(crate::tui::screens::tabs::handler(self.tab))(self, action, out) {
            self.act_anywhere(action, out);
        }
    }

    /// Actions that mean the same on every tab.
    fn act_anywhere(&mut self, action: Action, out: &mut Vec<Command>) {
        match action {
            Action::Back if self.cancel_walk(out) => {}
            Action::Back if self.cancel_jump() => {}
            Action::Back => {
                self.status.error = None;
                self.status.error_at = None;
                self.status.progress = None;
            }
            Action::MessageLog => {
                self.log.scroll = 0;
                self.open(Overlay::Messages);
            }
            Action::PauseReload => {
                self.paused = !self.paused;
                self.say(strings::auto_reload(self.paused));
            }
            Action::NextTab => {
                let tabs = self.tabs();
                let i = tabs.iter().position(|t| *t == self.tab).unwrap_or(0);
                self.switch(tabs[(i + 1) % tabs.len()], out);
            }
            Action::TabSessions => self.switch(Tab::Sessions, out),
            Action::TabMine => self.switch(Tab::MySessions, out),
            Action::TabToken => self.switch(Tab::Token, out),
            Action::TabUsers => self.switch(Tab::Users, out),
            Action::TabInsights => self.switch(Tab::Insights, out),
            Action::Help => self.open_help(),
            Action::Quit => self.quit(),
            Action::Columns => self.open_column_picker(),
            Action::CommandLine => self.open_command_line(""),
            Action::JumpPage if self.current_source().is_some() => self.open_command_line("page "),
            _ => {}
        }
    }

    pub(crate) fn switch(&mut self, tab: Tab, out: &mut Vec<Command>) {
        if !self.tabs().contains(&tab) {
            return;
        }
        self.tab = tab;
        // The Token tab shows the expiry of the token's session, which only a list tells:
        // the user's own sessions are the one page sure to hold it.
        let wants_mine = tab == Tab::MySessions
            || (tab == Tab::Token && self.setup.has_user_token && self.token.own_session.is_none());
        if wants_mine && !self.mine.loaded_once && !self.mine.loading {
            self.load(ListSource::MySessions, vec![None], out);
        }
        if matches!(tab, Tab::Users | Tab::Insights) {
            self.ensure_aggregate(out);
        }
    }

    /// Quits now, or waits for destructive actions in flight (a second quit forces).
    pub(crate) fn quit(&mut self) {
        let n = self.destructive_in_flight();
        if n == 0 {
            self.quitting = Quitting::Done;
            self.effects.push(Effect::Quit { force: false });
        } else if self.quitting != Quitting::No {
            self.quitting = Quitting::Done;
            self.effects.push(Effect::Quit { force: true });
        } else {
            self.quitting = Quitting::Waiting;
            self.say(strings::waiting_for(n));
        }
    }
}

/// The server filter of a query line, for either table: local terms are walked, and the
/// client list pages like the service list (spec 3.4, 5.3), so both take them alike.
pub(crate) fn server_filter(
    text: &str,
    now: Timestamp,
) -> Result<Filter, crate::query::QueryError> {
    crate::query::compile_query(text, now).map(|q| q.server)
}
