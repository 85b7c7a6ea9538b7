//! The help overlay's keys: scroll, close, quit.

use crate::tui::app::App;
use crate::tui::keymap::Action;
use crate::tui::layout;
use crate::tui::screens::overlay::Overlay;
use ratatui::crossterm::event::{KeyCode, KeyEvent};

impl App {
    /// Opens help at its top.
    pub(crate) fn open_help(&mut self) {
        self.open(Overlay::Help { scroll: 0 });
    }

    /// Keys while help is on top: scroll, close, quit.
    pub(crate) fn on_help_key(&mut self, key: KeyEvent, action: Option<Action>) {
        let max = layout::help_scroll_max(
            crate::tui::keymap::REGISTRY.len(),
            crate::query::help_text().lines().count(),
        );
        let page = self.viewport().max(1);
        match (key.code, action) {
            (_, Some(Action::Quit)) => return self.quit(),
            (KeyCode::Esc, _) | (_, Some(Action::Help | Action::Back)) => {
                self.close_where(|o| matches!(o, Overlay::Help { .. }));
                return;
            }
            _ => {}
        }
        let Some(Overlay::Help { scroll }) = self.overlays.last_mut() else {
            return;
        };
        match key.code {
            KeyCode::Char('j') | KeyCode::Down => *scroll = (*scroll + 1).min(max),
            KeyCode::Char('k') | KeyCode::Up => *scroll = scroll.saturating_sub(1),
            KeyCode::PageDown | KeyCode::Char(' ') => *scroll = (*scroll + page).min(max),
            KeyCode::PageUp => *scroll = scroll.saturating_sub(page),
            KeyCode::Char('g') | KeyCode::Home => *scroll = 0,
            KeyCode::Char('G') | KeyCode::End => *scroll = max,
            _ => {}
        }
    }
}
