//! The Insights tab: move between bars, per hour or per day, a bar's term to the query.

use crate::investigate::Bucket;
use crate::tui::app::App;
use crate::tui::command::Command;
use crate::tui::keymap::Action;

/// Takes the Insights tab's actions.
pub(crate) fn handle(app: &mut App, action: Action, out: &mut Vec<Command>) -> bool {
    match action {
        Action::Down => app.move_bar(1),
        Action::Up => app.move_bar(-1),
        Action::Top => app.move_bar(isize::MIN / 2),
        Action::Bottom => app.move_bar(isize::MAX / 2),
        Action::ToggleBucket => {
            let i = &mut app.insights;
            i.bucket = match i.bucket {
                Bucket::Hour => Bucket::Day,
                Bucket::Day => Bucket::Hour,
            };
            i.selected = 0;
        }
        Action::AddBarTerm => app.add_bar_term(out),
        Action::NextChart => app.next_chart(),
        _ => return false,
    }
    true
}
