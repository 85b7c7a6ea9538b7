//! The Token tab: refresh now, auto-refresh on or off, log this session out.

use crate::tui::app::App;
use crate::tui::command::Command;
use crate::tui::keymap::Action;
use crate::tui::strings;

/// Takes the Token tab's actions.
pub(crate) fn handle(app: &mut App, action: Action, out: &mut Vec<Command>) -> bool {
    match action {
        Action::LogoutSelf => app.confirm_logout_self(),
        Action::RefreshNow => {
            if !app.setup.has_user_token {
                app.say(strings::NO_USER_TOKEN);
            } else if app.token.refreshing.is_some() {
                app.say(strings::REFRESH_IN_FLIGHT);
            } else {
                let id = app.take_id();
                app.token.announce = true;
                app.dispatch(Command::Refresh { id }, out);
            }
        }
        Action::ToggleAutoRefresh => {
            app.token.auto = !app.token.auto;
            app.say(strings::auto_refresh(app.token.auto));
        }
        _ => return false,
    }
    true
}
