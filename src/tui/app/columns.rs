//! The column picker and the help overlay's scrolling: keys in, state out. Saving the
//! chosen columns is an effect the run loop carries out.

use super::{Action, App, Effect, KeyCode, KeyEvent, KeyModifiers, layout, strings};
use crate::tui::columns::CATALOGUE;

impl App {
    /// Opens the column picker on the first column (the `columns` action and `:columns`).
    pub(crate) fn open_picker(&mut self) {
        self.picker = Some(0);
    }

    /// Keys while the column picker is open: move, show/hide, close.
    pub(crate) fn on_picker_key(&mut self, key: KeyEvent, action: Option<Action>) {
        let Some(at) = self.picker else {
            return;
        };
        let last = CATALOGUE.len().saturating_sub(1);
        match (key.code, action) {
            (_, Some(Action::Quit)) if key.modifiers.contains(KeyModifiers::CONTROL) => {
                self.picker = None;
                self.quit();
            }
            (KeyCode::Esc | KeyCode::Enter, _) | (_, Some(Action::Columns | Action::Back)) => {
                self.picker = None;
            }
            (KeyCode::Char('j') | KeyCode::Down, _) => self.picker = Some((at + 1).min(last)),
            (KeyCode::Char('k') | KeyCode::Up, _) => self.picker = Some(at.saturating_sub(1)),
            (KeyCode::Char('g') | KeyCode::Home, _) => self.picker = Some(0),
            (KeyCode::Char('G') | KeyCode::End, _) => self.picker = Some(last),
            (KeyCode::Char(' ' | 'x'), _) => self.toggle_column(at),
            _ => {}
        }
    }

    /// Shows or hides the catalogue's column `at`; at least one column stays.
    fn toggle_column(&mut self, at: usize) {
        let Some(info) = CATALOGUE.get(at) else {
            return;
        };
        let shown = if self.columns.contains(&info.col) {
            if self.columns.len() == 1 {
                return;
            }
            self.columns.retain(|c| *c != info.col);
            false
        } else {
            self.columns.push(info.col);
            // Display order is the catalogue's.
            self.columns
                .sort_by_key(|c| CATALOGUE.iter().position(|i| i.col == *c));
            true
        };
        self.say(strings::column_toggled(info.name, shown));
        self.effects.push(Effect::SaveColumns {
            profile: self.profile.clone(),
            columns: self.columns.iter().map(|c| c.info().name.into()).collect(),
        });
    }

    /// Keys while help is shown: scroll, close, quit.
    pub(crate) fn on_help_key(&mut self, key: KeyEvent, action: Option<Action>) {
        let max = layout::help_scroll_max(
            crate::tui::keymap::REGISTRY.len(),
            crate::query::help_text().lines().count(),
        );
        let page = self.viewport().max(1);
        let scroll = &mut self.help_scroll;
        match (key.code, action) {
            (_, Some(Action::Quit)) => self.quit(),
            (KeyCode::Esc, _) | (_, Some(Action::Help | Action::Back)) => self.help = false,
            (KeyCode::Char('j') | KeyCode::Down, _) => *scroll = (*scroll + 1).min(max),
            (KeyCode::Char('k') | KeyCode::Up, _) => *scroll = scroll.saturating_sub(1),
            (KeyCode::PageDown | KeyCode::Char(' '), _) => *scroll = (*scroll + page).min(max),
            (KeyCode::PageUp, _) => *scroll = scroll.saturating_sub(page),
            (KeyCode::Char('g') | KeyCode::Home, _) => *scroll = 0,
            (KeyCode::Char('G') | KeyCode::End, _) => *scroll = max,
            _ => {}
        }
    }
}
