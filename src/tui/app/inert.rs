//! Every key that does nothing on a screen says why, in words derived from the action
//! registry (`keymap::REGISTRY`): where the key's action works, and what to press here
//! instead (the key of the like action on this screen, or the tab where it works).

use super::{Action, App, KeyCode, KeyEvent, Tab, strings};
use crate::tui::keymap::{Context, KeyCombo, REGISTRY};

/// Where an action that does not apply here has a like one that does: `d` (invalidate a
/// session) on Users, where `L` logs the user out. The one hand-written part: the rest
/// of each message is read from the registry.
const LIKE: &[(Action, Action)] = &[
    (Action::Invalidate, Action::LogoutUser),
    (Action::InvalidateMarked, Action::LogoutUser),
    (Action::ActOnQuery, Action::LogoutUser),
    (Action::NextPage, Action::PageDown),
    (Action::PrevPage, Action::PageUp),
    (Action::Open, Action::OpenUser),
    (Action::Open, Action::AddBarTerm),
];

impl App {
    /// A key with no action on this screen: where its action works and what to press
    /// here instead; a key bound to nothing says so and names help.
    pub(crate) fn explain_elsewhere(&mut self, key: &KeyEvent) {
        if !worth_a_word(key) {
            return;
        }
        let combo = KeyCombo::from_event(key);
        let pressed = combo.to_string();
        let here = self.context();
        let found = REGISTRY
            .iter()
            .filter(|i| self.keys.map.keys(i.action).contains(&combo))
            .find_map(|i| {
                let (tabs, detail) = self.places(i.contexts);
                (!tabs.is_empty() || detail).then_some((i, tabs, detail))
            });
        let Some((info, tabs, detail)) = found else {
            let help = self.keys.map.keys_label(Action::Help);
            self.say(strings::key_means_nothing(&pressed, &help));
            return;
        };
        let names: Vec<&str> = tabs.iter().map(|t| t.title()).collect();
        let places = strings::places(&names, detail);
        let then = self.instead(info.action, here, &tabs);
        self.say(strings::key_acts_elsewhere(
            &pressed,
            info.label,
            &places,
            context_name(here),
            &then,
        ));
    }

    /// An action that applies on this screen but that the screen had no use for.
    pub(crate) fn explain_idle(&mut self, action: Action) {
        let keys = self.keys.map.keys_label(action);
        self.say(strings::key_does_nothing_here(
            &keys,
            action.info().label,
            context_name(self.context()),
        ));
    }

    /// A key that acts on the selected row, pressed on an empty list: says so; true if
    /// it did (the key then goes no further).
    pub(crate) fn nothing_selected(&mut self, action: Action) -> bool {
        const ON_A_ROW: [Action; 7] = [
            Action::Open,
            Action::Invalidate,
            Action::Copy,
            Action::LogoutUser,
            Action::Mark,
            Action::OpenUser,
            Action::AddBarTerm,
        ];
        if self.detail.is_some() || !ON_A_ROW.contains(&action) {
            return false;
        }
        let empty = match self.tab {
            Tab::Users => self.users.rows.is_empty(),
            Tab::Insights => self.insights.bars().is_empty(),
            _ => self
                .current_source()
                .is_some_and(|s| self.table(s).rows.is_empty()),
        };
        if empty {
            self.say(strings::NOTHING_SELECTED);
        }
        empty
    }

    /// The open tabs among `contexts`, and whether the detail view is one of them.
    fn places(&self, contexts: &[Context]) -> (Vec<Tab>, bool) {
        let open = self.tabs();
        let tabs = contexts
            .iter()
            .filter_map(|c| tab_of(*c))
            .filter(|t| open.contains(t))
            .collect();
        (tabs, contexts.contains(&Context::Detail))
    }

    /// What to press here instead of `action`: Esc out of the detail view, else the like
    /// action of this screen, else the key of the first tab where it works.
    fn instead(&self, action: Action, here: Context, tabs: &[Tab]) -> String {
        if here == Context::Detail {
            return strings::close_detail_first(&self.keys.map.keys_label(Action::Back));
        }
        let like = LIKE
            .iter()
            .filter(|(a, _)| *a == action)
            .map(|(_, b)| *b)
            .find(|b| b.info().contexts.contains(&here) && self.keys.map.is_bound(*b));
        if let Some(b) = like {
            return strings::instead_here(&self.keys.map.keys_label(b), b.info().help);
        }
        let key = tabs
            .iter()
            .map(|t| self.keys.map.keys_label(tab_key(*t)))
            .find(|k| !k.is_empty())
            .unwrap_or_default();
        strings::go_there(&key)
    }
}

/// Keys a person presses on purpose; modifier and media keys pass in silence.
fn worth_a_word(key: &KeyEvent) -> bool {
    matches!(
        key.code,
        KeyCode::Char(_)
            | KeyCode::Enter
            | KeyCode::Tab
            | KeyCode::BackTab
            | KeyCode::Left
            | KeyCode::Right
            | KeyCode::Up
            | KeyCode::Down
            | KeyCode::Home
            | KeyCode::End
            | KeyCode::PageUp
            | KeyCode::PageDown
            | KeyCode::Delete
            | KeyCode::Insert
            | KeyCode::Backspace
            | KeyCode::F(_)
    )
}

/// The tab a context is, if it is one.
fn tab_of(c: Context) -> Option<Tab> {
    match c {
        Context::Sessions => Some(Tab::Sessions),
        Context::MySessions => Some(Tab::MySessions),
        Context::Token => Some(Tab::Token),
        Context::Users => Some(Tab::Users),
        Context::Insights => Some(Tab::Insights),
        Context::Pulses => Some(Tab::Pulses),
        Context::Detail => None,
    }
}

/// The action that shows a tab.
fn tab_key(t: Tab) -> Action {
    match t {
        Tab::Sessions => Action::TabSessions,
        Tab::MySessions => Action::TabMine,
        Tab::Token => Action::TabToken,
        Tab::Users => Action::TabUsers,
        Tab::Insights => Action::TabInsights,
        Tab::Pulses => Action::TabPulses,
    }
}

/// A screen's name in a sentence.
fn context_name(c: Context) -> &'static str {
    match tab_of(c) {
        Some(t) => t.title(),
        None => "a session's detail",
    }
}
