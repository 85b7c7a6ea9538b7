//! The Users tab: move, order by a column, open a user's sessions, log a user out.

use crate::investigate::UserColumn;
use crate::tui::app::App;
use crate::tui::command::Command;
use crate::tui::keymap::Action;
use crate::tui::layout;
use crate::tui::strings;

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

impl App {
    /// Users tab: the next column to order by, or the other direction.
    pub(crate) fn order_users(&mut self, next_column: bool) {
        let u = &mut self.users;
        if next_column {
            let all = UserColumn::ALL;
            let i = all.iter().position(|c| *c == u.column).unwrap_or(0);
            u.column = all[(i + 1) % all.len()];
        } else {
            u.order = u.order.flip();
        }
        u.sort();
        let v = self.viewport();
        self.users.move_by(0, v);
    }

    /// Users tab, `Enter`: the Sessions tab with the query set to that user; `Esc`
    /// comes back here.
    pub(crate) fn open_user(&mut self, out: &mut Vec<Command>) {
        match self.users.selected().map(|r| r.identity.clone()) {
            Some(id) => self.drill_down(id.clone(), format!("identity={id}"), out),
            None => self.say(strings::NOTHING_SELECTED),
        }
    }

    /// Users tab `L`: the guarded log-out flow for the selected user.
    pub(crate) fn logout_selected_user(&mut self, out: &mut Vec<Command>) {
        if let Some(r) = self.users.selected() {
            let (identity, email) = (r.identity.clone(), r.email.clone());
            self.confirm_logout(identity, email, out);
        } else {
            self.say(strings::NOTHING_SELECTED);
        }
    }
}
