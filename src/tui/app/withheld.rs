//! Which keys a mode hides, and what a withheld key says instead of nothing.

use super::{Action, App, KeyEvent, Keymap, strings};

const MARKING: [Action; 4] = [
    Action::Mark,
    Action::MarkPage,
    Action::ShowMarks,
    Action::UnmarkAll,
];

impl App {
    /// Hides what a mode cannot use: marking in read-only mode (nothing could act on the
    /// marks), the My sessions tab without a user token.
    pub(crate) fn hide_unavailable(keymap: &mut Keymap, read_only: bool, has_user_token: bool) {
        if read_only {
            for a in MARKING {
                keymap.unbind(a);
            }
        }
        if !has_user_token {
            keymap.unbind(Action::TabMine);
        }
    }

    /// A key that means nothing now: if it is bound to something this mode withholds,
    /// say why instead of ignoring it.
    pub(crate) fn explain_unbound(&mut self, key: &KeyEvent) {
        let Some(action) = self.keys.withheld.lookup(key, self.context()) else {
            self.explain_elsewhere(key);
            return;
        };
        if self.setup.read_only && action.info().danger {
            self.say(strings::read_only_key(action.info().label));
        } else if self.setup.read_only && MARKING.contains(&action) {
            self.say(strings::READ_ONLY_MARKING);
        } else if action == Action::TabMine && !self.setup.has_user_token {
            self.say(strings::NO_MY_SESSIONS_TAB);
        } else {
            self.explain_elsewhere(key);
        }
    }
}
