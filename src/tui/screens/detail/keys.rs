//! The detail view of one session: scrolling, raw JSON, copy, back to the table.

use crate::tui::app::App;
use crate::tui::command::Command;
use crate::tui::keymap::Action;
use crate::tui::layout;

/// Takes the detail view's own actions (the view is open).
pub(crate) fn handle(app: &mut App, action: Action, out: &mut Vec<Command>) -> bool {
    let step = app.viewport().max(1);
    let width = layout::detail_width(app.size.0);
    let now = app.now;
    let Some(d) = &mut app.detail else {
        return false;
    };
    let max = d.lines(now, width).len().saturating_sub(1);
    match action {
        Action::Down => d.scroll = (d.scroll + 1).min(max),
        Action::Up => d.scroll = d.scroll.saturating_sub(1),
        Action::Top => d.scroll = 0,
        Action::Bottom => d.scroll = max,
        Action::PageDown => d.scroll = (d.scroll + step).min(max),
        Action::PageUp => d.scroll = d.scroll.saturating_sub(step),
        Action::ToggleJson => d.toggle_json(),
        Action::Back => app.detail = None,
        Action::Copy => app.open_copy_picker(),
        // The session shown, not whatever row the table has selected behind it.
        Action::Invalidate => app.confirm_invalidate(),
        Action::LogoutUser => app.confirm_logout_user(out),
        // Everything else but the shared help, log and quit is ignored here.
        Action::Help | Action::MessageLog | Action::Quit | Action::CommandLine => return false,
        _ => {}
    }
    true
}
