//! The My sessions tab: the user's own sessions, and logging this session out.

use crate::tui::app::App;
use crate::tui::command::Command;
use crate::tui::keymap::Action;

/// Takes the My sessions tab's actions.
pub(crate) fn handle(app: &mut App, action: Action, out: &mut Vec<Command>) -> bool {
    if crate::tui::screens::table::keys::handle(app, action, out) {
        return true;
    }
    match action {
        Action::LogoutSelf => app.confirm_logout_self(),
        _ => return false,
    }
    true
}
