//! The Sessions tab: the project's list, plus marks, bulk actions and logging a user out.

use crate::tui::app::App;
use crate::tui::command::Command;
use crate::tui::keymap::Action;
use crate::tui::strings;

/// Takes the Sessions tab's actions.
pub(crate) fn handle(app: &mut App, action: Action, out: &mut Vec<Command>) -> bool {
    if crate::tui::screens::table::keys::handle(app, action, out) {
        return true;
    }
    let viewport = app.viewport();
    match action {
        Action::LogoutUser => app.confirm_logout_user(out),
        Action::Mark => {
            if let Some(row) = app.sessions.selected().cloned() {
                app.sessions.toggle_mark(&row);
                app.sessions.move_by(1, viewport);
            }
        }
        Action::MarkPage => {
            let t = &mut app.sessions;
            let all = t.rows.iter().all(|s| t.marks.contains(&s.id));
            let rows = t.rows.clone();
            for s in &rows {
                if all {
                    t.unmark(&s.id);
                } else {
                    t.set_mark(s);
                }
            }
        }
        Action::InvalidateMarked => app.confirm_bulk(),
        Action::Export => app.open_export_picker(),
        Action::ActOnQuery => app.confirm_act_on_query(out),
        Action::ShowMarks => {
            if app.sessions.marks.is_empty() {
                app.say(strings::NOTHING_MARKED);
            } else {
                app.open(crate::tui::screens::overlay::Overlay::Marks);
            }
        }
        Action::UnmarkAll => {
            let n = app.sessions.clear_marks();
            app.say(strings::marks_cleared(n));
        }
        _ => return false,
    }
    true
}
