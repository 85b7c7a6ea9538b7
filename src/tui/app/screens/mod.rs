//! Each tab's own actions. A screen takes an action it understands and returns `true`;
//! anything it returns `false` for falls through to the actions every tab shares
//! (`App::act_anywhere`). A new tab is a module here plus one line in [`SCREENS`].

pub(super) mod detail;
mod list;
mod mine;
mod sessions;
mod token;

use super::{App, Tab};
use crate::tui::command::Command;
use crate::tui::keymap::Action;

/// A screen's action handler: `true` when it took the action.
pub(super) type Handler = fn(&mut App, Action, &mut Vec<Command>) -> bool;

/// The registry: which handler serves which tab.
const SCREENS: &[(Tab, Handler)] = &[
    (Tab::Sessions, sessions::handle),
    (Tab::MySessions, mine::handle),
    (Tab::Token, token::handle),
];

/// The handler of a tab (a tab without one takes nothing).
pub(super) fn handler(tab: Tab) -> Handler {
    SCREENS
        .iter()
        .find(|(t, _)| *t == tab)
        .map_or(none, |(_, h)| *h)
}

fn none(_: &mut App, _: Action, _: &mut Vec<Command>) -> bool {
    false
}
