//! Confirmations: opening each dialog with what it will do, and the keys inside one.

use super::state::{self as dialog, Ask, Dialog, Focus};
use crate::authn::model::Session;
use crate::results::Snapshot;
use crate::tui::app::{App, SAMPLE_SHOWN, TYPE_COUNT_ABOVE, Tab};
use crate::tui::command::{Command, ListSource};
use crate::tui::layout;
use crate::tui::screens::overlay::Overlay;
use crate::tui::strings;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

impl App {
    /// Keys while a dialog is open: only an explicit yes (or the typed count) confirms.
    pub(crate) fn on_dialog_key(&mut self, key: KeyEvent, out: &mut Vec<Command>) {
        let size = self.size;
        let Some(Overlay::Dialog(dialog)) = self.overlays.last_mut() else {
            return;
        };
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if let Some(typed) = &mut dialog.typed {
            // A count to type: digits go to it, and only Enter on a match confirms.
            match key.code {
                KeyCode::Char(c) if c.is_ascii_digit() && !ctrl => {
                    if typed.input.len() < 12 {
                        typed.input.push(c);
                    }
                    return;
                }
                KeyCode::Backspace => {
                    typed.input.pop();
                    return;
                }
                KeyCode::Char('y' | 'Y') if !ctrl => return,
                KeyCode::Enter if !typed.matches() => {
                    let text = strings::type_to_confirm(&typed.expected);
                    self.say(text);
                    return;
                }
                KeyCode::Enter => {
                    if let Some(Overlay::Dialog(d)) = self.overlays.pop() {
                        self.dispatch(d.command, out);
                    }
                    return;
                }
                _ => {}
            }
        }
        let confirm = match key.code {
            // A confirmation the user cannot see is never given blind.
            KeyCode::Char('y' | 'Y') if !ctrl && !layout::dialog_buttons_fit(size) => {
                self.say(strings::DIALOG_TOO_SMALL.to_string());
                None
            }
            KeyCode::Char('y' | 'Y') if !ctrl => Some(true),
            KeyCode::Char('j') | KeyCode::Down | KeyCode::PageDown => {
                dialog.scroll = dialog.scroll.saturating_add(1);
                None
            }
            KeyCode::Char('k') | KeyCode::Up | KeyCode::PageUp => {
                dialog.scroll = dialog.scroll.saturating_sub(1);
                None
            }
            KeyCode::Char('n' | 'N') | KeyCode::Esc => Some(false),
            KeyCode::Char('c') if ctrl => Some(false),
            KeyCode::Enter
                if dialog.focus == Focus::Confirm && !layout::dialog_buttons_fit(size) =>
            {
                self.say(strings::DIALOG_TOO_SMALL.to_string());
                None
            }
            KeyCode::Enter => Some(dialog.focus == Focus::Confirm),
            KeyCode::Tab
            | KeyCode::BackTab
            | KeyCode::Left
            | KeyCode::Right
            | KeyCode::Char('h' | 'l') => {
                dialog.toggle_focus();
                None
            }
            _ => None,
        };
        match confirm {
            Some(true) => {
                if let Some(Overlay::Dialog(d)) = self.overlays.pop() {
                    self.dispatch(d.command, out);
                }
            }
            Some(false) => {
                self.overlays.pop();
            }
            None => {}
        }
    }

    /// True if the user owns authtop's own user token.
    pub(crate) fn owns_the_tui_token(&self, user_id: &str) -> bool {
        !user_id.is_empty()
            && (self
                .token
                .info
                .as_ref()
                .is_some_and(|t| t.identity == user_id)
                || self
                    .sessions
                    .rows
                    .iter()
                    .chain(self.mine.rows.iter())
                    .any(|s| s.identity == user_id && self.is_own_session(s)))
    }

    /// The session an action means: the one in the detail view, else the selected row.
    fn acted_on(&self) -> Option<(ListSource, Session)> {
        if let Some(d) = &self.detail {
            return Some((d.source, d.session.clone()));
        }
        let source = self.current_source()?;
        Some((source, self.table(source).selected()?.clone()))
    }

    /// `d`: the selected row of the table shown.
    pub(crate) fn confirm_invalidate(&mut self) {
        let Some((source, row)) = self.acted_on() else {
            return;
        };
        let own = self.is_own_session(&row);
        let id = self.take_id();
        let ask = Ask::Invalidate {
            session_id: row.id.clone(),
            email: row.email,
            user_id: row.identity,
        };
        let command = Command::Invalidate {
            id,
            source,
            session_id: row.id,
        };
        self.open(Overlay::Dialog(Dialog::new(ask, own, command)));
    }

    /// `L`: asks the server how many sessions the user has; the dialog opens with it.
    pub(crate) fn confirm_logout_user(&mut self, out: &mut Vec<Command>) {
        if self.tab != Tab::Sessions {
            self.say(strings::LOGOUT_USER_ON_SESSIONS);
            return;
        }
        let Some((_, row)) = self.acted_on() else {
            return;
        };
        self.confirm_logout(row.identity, row.email, out);
    }

    /// Counts a user's sessions on the server, then opens the log-out dialog.
    pub(crate) fn confirm_logout(
        &mut self,
        identity: String,
        email: String,
        out: &mut Vec<Command>,
    ) {
        if identity.is_empty() {
            self.say(strings::NO_USER_ON_ROW);
            return;
        }
        let id = self.take_id();
        self.say(strings::counting_sessions_of(&email));
        self.walks.scope_row = Some((identity.clone(), email));
        self.dispatch(
            Command::UserScope {
                id,
                user_id: identity,
            },
            out,
        );
    }

    /// The log-out dialog, with the server's total (or why it is unknown).
    pub(crate) fn open_logout_dialog(&mut self, user_id: &str, total: Result<u64, String>) {
        let email = self
            .walks
            .scope_row
            .take()
            .filter(|(identity, _)| identity == user_id)
            .map(|(_, email)| email)
            .or_else(|| {
                self.sessions
                    .rows
                    .iter()
                    .find(|s| s.identity == user_id)
                    .map(|s| s.email.clone())
            })
            .unwrap_or_default();
        let on_page = (self.tab != Tab::Users).then(|| {
            self.sessions
                .rows
                .iter()
                .filter(|s| s.identity == user_id)
                .count()
        });
        let marked = self
            .sessions
            .mark_meta
            .values()
            .filter(|m| m.identity == user_id)
            .count();
        let own = self.owns_the_tui_token(user_id);
        let id = self.take_id();
        let ask = Ask::LogoutUser {
            email,
            user_id: user_id.to_string(),
            total,
            on_page,
            marked,
        };
        let command = Command::Logout {
            id,
            user_id: user_id.to_string(),
        };
        self.open(Overlay::Dialog(Dialog::new(ask, own, command)));
    }

    /// `D`: the marked rows, wherever they are.
    pub(crate) fn confirm_bulk(&mut self) {
        let t = &self.sessions;
        if t.marks.is_empty() {
            self.say(strings::NOTHING_MARKED);
            return;
        }
        let mut ids: Vec<String> = t.marks.iter().cloned().collect();
        ids.sort();
        let own = ids.iter().any(|id| {
            self.token.own_session.as_deref() == Some(id.as_str())
                || t.rows.iter().any(|s| &s.id == id && self.is_own_session(s))
        });
        let n = ids.len();
        let ask = Ask::Marked {
            count: n,
            query: t.query_text().to_string(),
            hidden: t.marks_not_visible(),
        };
        let id = self.take_id();
        let command = Command::BulkInvalidate {
            id,
            session_ids: ids,
            query: None,
            walked_at: None,
        };
        self.open(Overlay::Dialog(confirm_count(
            Dialog::new(ask, own, command),
            n,
        )));
    }

    /// `X`: walks everything the table's result set matches (local terms included); the
    /// dialog opens with it.
    pub(crate) fn confirm_act_on_query(&mut self, out: &mut Vec<Command>) {
        if self.tab != Tab::Sessions {
            return;
        }
        let set = self.sessions.set().clone();
        if set.is_blank() {
            self.say(strings::QUERY_FIRST);
            return;
        }
        let id = self.take_id();
        self.say(strings::COUNTING_MATCHES);
        self.dispatch(
            Command::Census {
                id,
                set: Box::new(set),
            },
            out,
        );
    }

    /// The act-on-query dialog, once the walk has found every match.
    pub(crate) fn open_query_dialog(&mut self, snap: Snapshot) {
        let n = snap.count();
        if snap.set.text() != self.sessions.query_text() {
            self.say(strings::QUERY_CHANGED);
            return;
        }
        if n == 0 {
            self.note(strings::nothing_matches(snap.set.text()), vec![]);
            return;
        }
        if snap.matches_everything() {
            let text =
                strings::query_matches_everything(snap.set.text(), snap.whole.unwrap_or_default());
            self.note(text, vec![]);
            return;
        }
        let own = self
            .token
            .own_session
            .as_ref()
            .is_some_and(|s| snap.targets.iter().any(|t| &t.id == s));
        let ask = Ask::Query {
            place: snap.set.place(),
            query: snap.set.text().to_string(),
            walked: snap.walked_clock(),
            count: n,
            users: snap.users,
            sample: snap
                .sample
                .iter()
                .take(SAMPLE_SHOWN)
                .map(|s| (s.id.clone(), s.email.clone()))
                .collect(),
        };
        let id = self.take_id();
        let command = Command::BulkInvalidate {
            id,
            session_ids: snap.targets.into_iter().map(|t| t.id).collect(),
            query: Some(snap.set.text().to_string()),
            walked_at: Some(snap.walked_at.to_string()),
        };
        self.open(Overlay::Dialog(confirm_count(
            Dialog::new(ask, own, command),
            n,
        )));
    }

    /// `O`: authtop's own session.
    pub(crate) fn confirm_logout_self(&mut self) {
        if !self.setup.has_user_token {
            self.say(strings::NO_USER_TOKEN);
            return;
        }
        let ask = Ask::LogoutSelf {
            who: self
                .token
                .info
                .as_ref()
                .map(|t| (t.email.clone(), t.identity.clone())),
            mask: self.token.mask.clone(),
        };
        let id = self.take_id();
        self.open(Overlay::Dialog(Dialog::new(
            ask,
            true,
            Command::ClientLogout { id },
        )));
    }
}

/// `D` and `X` share one rule: above [`TYPE_COUNT_ABOVE`] sessions the count is typed.
fn confirm_count(mut dialog: Dialog, n: usize) -> Dialog {
    if n > TYPE_COUNT_ABOVE {
        dialog.typed = Some(dialog::Typed::new(n.to_string()));
    }
    dialog
}
