//! Keys while the message log or the marked rows are on top: scroll, close, quit.

use crate::tui::app::App;
use crate::tui::keymap::Action;
use crate::tui::screens::overlay::Overlay;
use ratatui::crossterm::event::{KeyCode, KeyEvent};

impl App {
    /// Keys while the message log or the marked rows are on top: scroll, close, quit.
    pub(crate) fn on_listing_key(&mut self, key: KeyEvent, action: Option<Action>) {
        match (key.code, action) {
            (_, Some(Action::Quit)) => self.quit(),
            (KeyCode::Esc, _)
            | (_, Some(Action::MessageLog | Action::ShowMarks | Action::Back)) => {
                self.close_where(|o| matches!(o, Overlay::Messages | Overlay::Marks));
            }
            (KeyCode::Char('k') | KeyCode::Up, _) => {
                self.status.log.scroll = self.status.log.scroll.saturating_add(1);
            }
            (KeyCode::Char('j') | KeyCode::Down, _) => {
                self.status.log.scroll = self.status.log.scroll.saturating_sub(1);
            }
            (KeyCode::PageUp, _) => {
                self.status.log.scroll = self
                    .status
                    .log
                    .scroll
                    .saturating_add(self.viewport().max(1));
            }
            (KeyCode::PageDown, _) => {
                self.status.log.scroll = self
                    .status
                    .log
                    .scroll
                    .saturating_sub(self.viewport().max(1));
            }
            (KeyCode::Char('G') | KeyCode::End, _) => self.status.log.scroll = 0,
            (KeyCode::Char('g') | KeyCode::Home, _) => {
                self.status.log.scroll = self.status.log.line_count();
            }
            _ => {}
        }
    }
}
