//! What is drawn over the tab and takes its keys first: one stack, newest on top.
//!
//! The top overlay takes every key (only Ctrl-c, which quits from anywhere, goes past
//! it), and drawing goes from the bottom of the stack to the top, so the overlay that
//! takes the keys is the one seen on top. A new overlay is a variant of [`Overlay`], its
//! key handler in [`App::on_overlay_key`] and its drawing in [`draw`].

pub mod command_line;
pub mod detail;
pub mod dialog;
pub mod help;
pub mod insights;
pub mod listing;
pub mod mine;
pub mod overlay;
pub mod picker;
pub mod pulses;
pub mod query;
pub mod sessions;
pub mod table;
pub(crate) mod tabs;
pub mod token;
pub mod users;

pub use overlay::Overlay;

use crate::tui::app::{App, LineEditor};
use crate::tui::command::Command;
use crate::tui::keymap::Action;
use crate::tui::view::style::clean;
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph};

impl App {
    /// Puts an overlay on top; one of the same kind already open gives way to it.
    pub(crate) fn open(&mut self, overlay: Overlay) {
        let kind = std::mem::discriminant(&overlay);
        self.overlays.retain(|o| std::mem::discriminant(o) != kind);
        self.overlays.push(overlay);
    }

    /// Takes the topmost overlay `which` matches off the stack.
    pub(crate) fn close_where(&mut self, which: impl Fn(&Overlay) -> bool) -> Option<Overlay> {
        let at = self.overlays.iter().rposition(which)?;
        Some(self.overlays.remove(at))
    }

    /// The overlays open, bottom first.
    pub fn overlays(&self) -> &[Overlay] {
        &self.overlays
    }

    /// A key for the overlay on top; false when there is none and the tab takes the key.
    pub(crate) fn on_overlay_key(
        &mut self,
        key: KeyEvent,
        action: Option<Action>,
        out: &mut Vec<Command>,
    ) -> bool {
        let Some(top) = self.overlays.last() else {
            return false;
        };
        match top {
            Overlay::Query { .. } => self.on_editor_key(key, out),
            Overlay::Command(_) => self.on_command_key(key, out),
            Overlay::Dialog(_) => self.on_dialog_key(key, out),
            Overlay::Pick(_) => self.on_picker_key(key, action, out),
            Overlay::Help { .. } => self.on_help_key(key, action),
            Overlay::Messages | Overlay::Marks => self.on_listing_key(key, action),
        }
        true
    }
}

/// Draws the overlays, bottom first; `status` is the status row the command line takes.
pub(crate) fn draw(app: &App, frame: &mut Frame, area: Rect, status: Rect) {
    for overlay in app.overlays() {
        match overlay {
            // Drawn in its place in the query bar.
            Overlay::Query { .. } => {}
            Overlay::Command(e) => command_line(e, frame, status),
            Overlay::Dialog(d) => dialog::view::draw(app, d, frame, area),
            Overlay::Pick(p) => picker::view::draw(app, p, frame, area),
            Overlay::Help { scroll } => help::view::draw(app, *scroll, frame, area),
            Overlay::Messages => listing::view::messages(app, frame, area),
            Overlay::Marks => listing::view::marks(app, frame, area),
        }
    }
}

/// The command line in the status row, with the terminal cursor at its end.
fn command_line(e: &LineEditor, frame: &mut Frame, area: Rect) {
    let text = clean(&e.text());
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(Line::from(format!(":{text}"))), area);
    let x = area.x as usize
        + 1
        + unicode_width::UnicodeWidthStr::width(clean(&e.before_cursor()).as_str());
    if area.height > 0
        && let Ok(x) = u16::try_from(x)
        && x < area.x + area.width
    {
        frame.set_cursor_position((x, area.y));
    }
}
