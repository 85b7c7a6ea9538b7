//! Which tab's keys serve which tab. A tab takes an action it understands and returns
//! `true`; anything it returns `false` for falls through to the actions every tab shares
//! (`App::act_anywhere`). A new tab is a folder beside this file (its state, `keys.rs`
//! and view) plus one line in [`SCREENS`].

use super::{insights, mine, pulses, sessions, token, users};
use crate::tui::app::{App, Tab};
use crate::tui::command::Command;
use crate::tui::keymap::Action;

/// A screen's action handler: `true` when it took the action.
pub(crate) type Handler = fn(&mut App, Action, &mut Vec<Command>) -> bool;

/// The registry: which handler serves which tab.
const SCREENS: &[(Tab, Handler)] = &[
    (Tab::Sessions, sessions::keys::handle),
    (Tab::MySessions, mine::keys::handle),
    (Tab::Token, token::keys::handle),
    (Tab::Users, users::keys::handle),
    (Tab::Insights, insights::keys::handle),
    (Tab::Pulses, pulses::keys::handle),
];

/// The handler of a tab (a tab without one takes nothing).
pub(crate) fn handler(tab: Tab) -> Handler {
    SCREENS
        .iter()
        .find(|(t, _)| *t == tab)
        .map_or(none, |(_, h)| *h)
}

fn none(_: &mut App, _: Action, _: &mut Vec<Command>) -> bool {
    false
}
