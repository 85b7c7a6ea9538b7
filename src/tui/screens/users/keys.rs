//! The Users tab: move, order by a column, open a user's sessions, log a user out.

use crate::tui::app::App;
use crate::tui::command::Command;
use crate::tui::keymap::Action;
use crate::tui::layout;

/// Takes the Users tab's actions.
pub(crate) fn handle(app: &mut App, action: Action, out: &mut Vec<Command>) -> bool {
    let viewport = app.viewport();
    match action {
        Action::Down => app.users.move_by(1, viewport),
        Action::Up => app.users.move_by(-1, viewport),
        Action::PageDown => app.users.move_by(layout::page_step(viewport), viewport),
        Action::PageUp => app.users.move_by(-layout::page_step(viewport), viewport),
        Action::Top => app.users.move_by(isize::MIN / 2, viewport),
        Action::Bottom => app.users.move_by(isize::MAX / 2, viewport),
        Action::Order => app.order_users(true),
        Action::FlipOrder => app.order_users(false),
        Action::OpenUser => app.open_user(out),
        Action::LogoutUser => app.logout_selected_user(out),
        _ => return false,
    }
    true
}
