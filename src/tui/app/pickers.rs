//! Opening the order picker and the copy menu and taking their keys; which keys a mode
//! hides, and what a withheld key says instead of nothing.

use super::{
    Action, App, Command, Effect, KeyCode, KeyEvent, Keymap, ListSource, Menu, MenuItem, MenuKind,
    strings,
};
use crate::authn::model::{Order, OrderBy};
use crate::tui::app::Tab;
use crate::tui::keymap::{Context, KeyCombo};

/// The order picker's key for each column.
const ORDER_KEYS: [(OrderBy, char, &str); 7] = [
    (OrderBy::CreatedAt, 'c', "created"),
    (OrderBy::Expire, 'e', "expires"),
    (OrderBy::Email, 'm', "email"),
    (OrderBy::Identity, 'u', "user (identity)"),
    (OrderBy::Id, 'i', "session id"),
    (OrderBy::Type, 't', "type"),
    (OrderBy::ActiveTokenId, 'k', "token id"),
];

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
        let Some(action) = self.withheld.lookup(key, self.context()) else {
            self.explain_elsewhere(key);
            return;
        };
        if self.read_only && action.info().danger {
            self.say(strings::read_only_key(action.info().label));
        } else if self.read_only && MARKING.contains(&action) {
            self.say(strings::READ_ONLY_MARKING);
        } else if action == Action::TabMine && !self.has_user_token {
            self.say(strings::NO_MY_SESSIONS_TAB);
        }
    }

    /// On the Users and Insights tabs, a key that acts only on the Sessions tab says so
    /// (`/`, `y`, `e`) rather than doing nothing.
    fn explain_elsewhere(&mut self, key: &KeyEvent) {
        if !matches!(self.tab, Tab::Users | Tab::Insights) {
            return;
        }
        let Some(action) = self.keymap.lookup(key, Context::Sessions) else {
            return;
        };
        let pressed = KeyCombo::from_event(key).to_string();
        let tab_key = self.keymap.keys_label(Action::TabSessions);
        let here = match self.tab {
            Tab::Users => "Users",
            _ => "Insights",
        };
        self.say(strings::sessions_only_key(
            &pressed,
            action.info().label,
            here,
            &tab_key,
        ));
    }

    /// `s`: the order picker for the table shown.
    pub(crate) fn open_order_menu(&mut self, source: ListSource) {
        let (by, order) = self.table(source).ordering();
        let items = ORDER_KEYS
            .iter()
            .map(|(col, key, label)| MenuItem {
                key: *key,
                label: if *col == by {
                    format!("{label} {}", if order == Order::Desc { "▼" } else { "▲" })
                } else {
                    (*label).to_string()
                },
                value: Some(col.as_str().to_string()),
                current: *col == by,
            })
            .collect();
        self.menu = Some(Menu {
            kind: MenuKind::Order(source),
            title: strings::ORDER_MENU_TITLE,
            items,
        });
    }

    /// `y`: the copy menu for the session in the detail view, else the selected row.
    pub(crate) fn open_copy_menu(&mut self) {
        let (session, request_id) = match (&self.detail, self.current_source()) {
            (Some(d), _) => (d.session.clone(), self.table(d.source).request_id.clone()),
            (None, Some(s)) => match self.table(s).selected() {
                Some(row) => (row.clone(), self.table(s).request_id.clone()),
                None => return,
            },
            (None, None) => return,
        };
        let some = |v: &str| Some(v.to_string()).filter(|v| !v.is_empty());
        let items = vec![
            ('i', "session id", some(&session.id)),
            ('e', "email", some(&session.email)),
            ('u', "identity", some(&session.identity)),
            (
                't',
                "token id",
                session.active_token.as_ref().and_then(|t| some(&t.id)),
            ),
            ('r', "request id", request_id),
            (
                'a',
                "User-Agent",
                session.profile.get("User-Agent").and_then(|v| some(v)),
            ),
        ];
        self.menu = Some(Menu {
            kind: MenuKind::Copy,
            title: strings::COPY_MENU_TITLE,
            items: items
                .into_iter()
                .map(|(key, label, value)| MenuItem {
                    key,
                    label: label.to_string(),
                    value,
                    current: false,
                })
                .collect(),
        });
    }

    /// A key while a menu is open: its letter picks, Esc (or anything else) closes.
    pub(crate) fn on_menu_key(&mut self, key: KeyEvent, out: &mut Vec<Command>) {
        let Some(menu) = self.menu.take() else {
            return;
        };
        let KeyCode::Char(c) = key.code else {
            return;
        };
        let Some(item) = menu.items.iter().find(|i| i.key == c.to_ascii_lowercase()) else {
            // An unknown letter leaves the menu open: a typo should not lose it.
            self.menu = Some(menu);
            return;
        };
        match menu.kind {
            MenuKind::Order(source) => {
                let Some(by) = item.value.as_deref().and_then(|v| v.parse().ok()) else {
                    return;
                };
                let order = if c.is_ascii_uppercase() {
                    Order::Desc
                } else {
                    Order::Asc
                };
                self.set_order(source, by, order, out);
            }
            MenuKind::Copy => match &item.value {
                Some(v) => {
                    let text = strings::copied_field(&item.label, v, self.in_tmux);
                    self.say(text);
                    self.effects.push(Effect::Clipboard(v.clone()));
                }
                None => self.say(strings::nothing_to_copy(&item.label)),
            },
        }
    }

    /// Orders a table and reloads it from its first page, selection at the top.
    pub(crate) fn set_order(
        &mut self,
        source: ListSource,
        by: OrderBy,
        order: Order,
        out: &mut Vec<Command>,
    ) {
        let t = self.table_mut(source);
        t.order_by = by;
        t.order = order;
        t.queued.clear();
        t.to_top = true;
        self.say(strings::order_label(by.as_str(), order == Order::Desc));
        self.load(source, vec![None], out);
    }
}
