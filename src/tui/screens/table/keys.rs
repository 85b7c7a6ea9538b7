//! What every table tab does: move, page, query, order, reload, open, invalidate, copy.

use super::state::Step;
use crate::tui::app::{App, DetailView};
use crate::tui::command::Command;
use crate::tui::keymap::Action;
use crate::tui::layout;

/// Takes the actions every table shares; `false` for anything else.
pub(crate) fn handle(app: &mut App, action: Action, out: &mut Vec<Command>) -> bool {
    let viewport = app.viewport();
    let Some(s) = app.current_source() else {
        // A tab whose table is not on offer (no service token) takes its keys and does
        // nothing with them.
        return is_list_action(action);
    };
    match action {
        Action::Down | Action::Up if app.move_across_pages(s, action == Action::Down, out) => {}
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
            let step = layout::page_step(viewport);
            let delta = if action == Action::PageDown {
                step
            } else {
                -step
            };
            app.table_mut(s).move_by(delta, viewport);
        }
        Action::NextPage => app.page_step(s, Step::Next, out),
        Action::PrevPage => app.page_step(s, Step::Prev, out),
        Action::Query => {
            app.start_editing(s);
        }
        Action::Order => app.open_order_picker(s),
        Action::FlipOrder => {
            let (by, order) = app.table(s).ordering();
            if let Some(local) = app.table(s).local_sort() {
                app.sort_locally(s, local, order.flip(), out);
            } else {
                app.set_order(s, by, order.flip(), out);
            }
        }
        Action::ScrollLeft | Action::ScrollRight => {
            super::cols::scroll(app, s, action == Action::ScrollRight);
        }
        Action::Wide => super::cols::toggle_wide(app, s),
        Action::SortRisk => app.sort_by_risk(s, out),
        Action::Reload => app.reload(s, out),
        Action::Open => {
            if let Some(row) = app.table(s).selected() {
                app.detail = Some(DetailView::new(s, row.clone()));
            }
        }
        Action::Invalidate => app.confirm_invalidate(),
        Action::Copy => app.open_copy_picker(),
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
            | Action::Order
            | Action::FlipOrder
            | Action::Reload
            | Action::Open
            | Action::Invalidate
            | Action::Copy
            | Action::ScrollLeft
            | Action::ScrollRight
            | Action::Wide
            | Action::SortRisk
    )
}
