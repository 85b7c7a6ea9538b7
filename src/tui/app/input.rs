//! Key dispatch: the overlay on top takes a key (see [`crate::tui::screens`]), else the
//! detail view, the tab shown, then the keys every tab shares.

use super::Quitting;
use super::{
    Action, App, Command, Effect, KeyCode, KeyEvent, KeyModifiers, ListSource, Tab, strings,
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
        let action = self.keys.map.lookup(&key, self.context());
        if self.on_overlay_key(key, action, out) {
            return;
        }
        match action {
            Some(action) => self.act(action, out),
            None => self.explain_unbound(&key),
        }
    }

    /// An action from the keymap: the detail view when open, else the tab shown, then
    /// the actions every tab shares. Each handler says whether it took the action.
    pub(crate) fn act(&mut self, action: Action, out: &mut Vec<Command>) {
        if self.setup.read_only && action.info().danger {
            self.say(strings::read_only_key(action.info().label));
            return;
        }
        if self.nothing_selected(action) {
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
            Action::Back if self.go_back(out) => {}
            Action::Back => {
                self.status.error = None;
                self.status.error_at = None;
                self.status.progress = None;
            }
            Action::MessageLog => {
                self.status.log.scroll = 0;
                self.open(Overlay::Messages);
            }
            Action::PauseReload => {
                self.flights.paused = !self.flights.paused;
                self.say(strings::auto_reload(self.flights.paused));
                // A poll held while paused goes as soon as it is resumed.
                self.poll_if_due(out);
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
            Action::TabPulses => self.switch(Tab::Pulses, out),
            Action::Help => self.open_help(),
            Action::Quit => self.quit(),
            Action::Columns => self.open_column_picker(),
            Action::CommandLine => self.open_command_line(""),
            Action::JumpPage if self.current_source().is_some() => self.open_command_line("page "),
            Action::Reload if matches!(self.tab, Tab::Users | Tab::Insights) => {
                self.reload(ListSource::Sessions, out);
            }
            other => self.explain_idle(other),
        }
    }

    pub(crate) fn switch(&mut self, tab: Tab, out: &mut Vec<Command>) {
        if !self.tabs().contains(&tab) {
            // A tab this setup does not offer says why rather than nothing.
            if tab == Tab::MySessions {
                self.say(strings::NO_MY_SESSIONS_TAB);
            } else {
                self.say(strings::tab_needs_service(tab.title()));
            }
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
        self.poll_if_due(out);
    }

    /// Quits now, or waits for destructive actions in flight (a second quit forces).
    pub(crate) fn quit(&mut self) {
        let n = self.destructive_in_flight();
        if n == 0 {
            self.flights.quitting = Quitting::Done;
            self.effects.push(Effect::Quit { force: false });
        } else if self.flights.quitting != Quitting::No {
            self.flights.quitting = Quitting::Done;
            self.effects.push(Effect::Quit { force: true });
        } else {
            self.flights.quitting = Quitting::Waiting;
            self.say(strings::waiting_for(n));
        }
    }
}
