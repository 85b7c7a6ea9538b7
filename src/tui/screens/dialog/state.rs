//! Confirmation dialogs as data: what is asked (typed facts, worded by
//! [`crate::tui::strings`]), the exact command confirming sends, and which button has focus.

use crate::tui::command::Command;
use crate::tui::strings::{self, Wording};

/// Which button has focus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    /// Cancel (the initial focus).
    Cancel,
    /// The action.
    Confirm,
}

/// What a confirmation asks about: the facts its wording is made from.
#[derive(Debug, Clone, PartialEq)]
pub enum Ask {
    /// `d`: end one session.
    Invalidate {
        /// The session.
        session_id: String,
        /// Its user's email.
        email: String,
        /// Its user.
        user_id: String,
    },
    /// `L`: end every session of a user.
    LogoutUser {
        /// The user's email.
        email: String,
        /// The user.
        user_id: String,
        /// The server's count of the user's sessions, or why counting failed.
        total: Result<u64, String>,
        /// The user's rows on the page shown; None from the Users tab, where no page of
        /// sessions is in view.
        on_page: Option<usize>,
        /// Marked rows of the user (their marks are dropped).
        marked: usize,
    },
    /// `D`: end the marked sessions.
    Marked {
        /// How many.
        count: usize,
        /// The query they were marked under.
        query: String,
        /// How many are on other pages.
        hidden: usize,
    },
    /// `X`: end everything a query matches.
    Query {
        /// `profile @ host`.
        place: String,
        /// The query as typed.
        query: String,
        /// When the walk that found them finished (HH:MM:SS UTC).
        walked: String,
        /// Sessions matched.
        count: usize,
        /// Distinct users among them.
        users: usize,
        /// A few of them: id and email.
        sample: Vec<(String, String)>,
    },
    /// `O`: log out authtop's own session.
    LogoutSelf {
        /// Email and user id, when the token was looked up.
        who: Option<(String, String)>,
        /// The token masked to its prefix.
        mask: Option<String>,
    },
}

impl Ask {
    /// The words for these facts.
    pub fn wording(&self) -> Wording {
        match self {
            Ask::Invalidate {
                session_id,
                email,
                user_id,
            } => strings::invalidate_dialog(session_id, email, user_id),
            Ask::LogoutUser {
                email,
                user_id,
                total,
                on_page,
                marked,
            } => strings::logout_user_dialog(
                email,
                user_id,
                total.as_ref().copied().map_err(String::as_str),
                *on_page,
                *marked,
            ),
            Ask::Marked {
                count,
                query,
                hidden,
            } => strings::marked_dialog(*count, query, *hidden),
            Ask::Query {
                place,
                query,
                walked,
                count,
                users,
                sample,
            } => strings::query_dialog(place, query, *count, *users, walked, sample),
            Ask::LogoutSelf { who, mask } => strings::logout_self_dialog(
                who.as_ref().map(|(e, i)| (e.as_str(), i.as_str())),
                mask.as_deref(),
            ),
        }
    }
}

/// A confirmation: what it asks, what it sends when confirmed.
#[derive(Debug, Clone, PartialEq)]
pub struct Dialog {
    /// What is asked.
    pub ask: Ask,
    /// The action signs the TUI's own user out (the dialog warns loudly).
    pub own: bool,
    /// Exactly what confirming sends.
    pub command: Command,
    /// Focused button.
    pub focus: Focus,
    /// A count the user must type before confirming (large bulk actions).
    pub typed: Option<Typed>,
    /// Lines of the body scrolled past, when it is taller than the screen allows.
    pub scroll: usize,
}

/// A typed confirmation: the dialog confirms only once `input` equals `expected`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Typed {
    /// What must be typed (the count).
    pub expected: String,
    /// What was typed so far.
    pub input: String,
}

impl Typed {
    pub(crate) fn new(expected: String) -> Self {
        Self {
            expected,
            input: String::new(),
        }
    }

    /// The typed text matches.
    pub fn matches(&self) -> bool {
        self.input == self.expected
    }
}

impl Dialog {
    pub(crate) fn new(ask: Ask, own: bool, command: Command) -> Self {
        Self {
            ask,
            own,
            command,
            focus: Focus::Cancel,
            typed: None,
            scroll: 0,
        }
    }

    /// Title, e.g. `Invalidate session`.
    pub fn title(&self) -> String {
        self.ask.wording().title
    }

    /// The scope, one line each (may hold server strings; sanitised when drawn).
    pub fn lines(&self) -> Vec<String> {
        self.ask.wording().lines
    }

    /// Label of the confirm button.
    pub fn confirm_label(&self) -> String {
        self.ask.wording().confirm
    }

    /// The warning shown when the action signs the TUI's own user out.
    pub fn warning(&self) -> Option<&'static str> {
        self.own.then_some(strings::OWN_WARNING)
    }

    /// Confirming is possible now (no count to type, or the count typed).
    pub fn can_confirm(&self) -> bool {
        self.typed.as_ref().is_none_or(Typed::matches)
    }

    pub(crate) fn toggle_focus(&mut self) {
        self.focus = match self.focus {
            Focus::Cancel => Focus::Confirm,
            Focus::Confirm => Focus::Cancel,
        };
    }
}
