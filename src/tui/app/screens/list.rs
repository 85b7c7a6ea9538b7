//! What every table tab does: move, page, query, order, reload, open, invalidate, copy.

use crate::tui::app::{App, DetailView, LineEditor};
use crate::tui::command::Command;
use crate::tui::keymap::Action;
use crate::tui::strings;

/// Takes the actions every table shares; `false` for anything else.
pub(super) fn handle(app: &mut App, action: Action, out: &mut Vec<Command>) -> bool {
    let viewport = app.viewport();
    let Some(s) = app.current_source() else {
        // A tab whose table is not on offer (no service token) takes its keys and does
        // nothing with them.
        return is_list_action(action);
    };
    match action {
        Action::Down | Action::Up | Action::Top | Action::Bottom => {
            let t = app.table_mut(s);
            match action {
                Action::Down => t.move_by(1, viewport),
                Action::Up => t.move_by(-1, viewport),
                Action::Top => t.select(0, viewport),
                _ => t.select(usize::MAX, viewport),
            }
        }
        Action::PageDown | Action::PageUp => {
            let step = viewport.max(1) as isize;
            let delta = if action == Action::PageDown {
                step
            } else {
                -step
            };
            app.table_mut(s).move_by(delta, viewport);
        }
        Action::NextPage | Action::PrevPage => {
            let t = app.table(s);
            let stack = if action == Action::NextPage {
                t.next_cursors()
            } else {
                t.prev_cursors()
            };
            match stack {
                Some(c) => app.load(s, c, out),
                None if action == Action::NextPage => app.say(strings::NO_NEXT_PAGE),
                None => app.say(strings::NO_PREV_PAGE),
            }
        }
        Action::Query => {
            app.editing = Some(LineEditor::new(&app.table(s).query_text));
            app.recompile();
        }
        Action::NextOrder | Action::FlipOrder => {
            let t = app.table_mut(s);
            if action == Action::NextOrder {
                t.order_by = t.order_by.next();
            } else {
                t.order = t.order.flip();
            }
            app.load(s, vec![None], out);
        }
        Action::Reload => app.reload(s, out),
        Action::Open => {
            if let Some(row) = app.table(s).selected() {
                app.detail = Some(DetailView::new(s, row.clone()));
            }
        }
        Action::Invalidate => app.confirm_invalidate(),
        Action::Copy => {
            if let Some(id) = app.table(s).selected().map(|r| r.id.clone()) {
                app.copy(id);
            }
        }
        _ => return false,
    }
    true
}

fn is_list_action(action: Action) -> bool {
    matches!(
        action,
        Action::Down
            | Action::Up
            | Action::Top
            | Action::Bottom
            | Action::PageDown
            | Action::PageUp
            | Action::NextPage
            | Action::PrevPage
            | Action::Query
            | Action::NextOrder
            | Action::FlipOrder
            | Action::Reload
            | Action::Open
            | Action::Invalidate
            | Action::Copy
    )
}
