//! Confirmation dialogs: the exact command they will send, and which button has focus.

use crate::tui::command::Command;

/// Which button has focus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    /// Cancel (the initial focus).
    Cancel,
    /// The action.
    Confirm,
}

/// A confirmation: what it says, what it sends when confirmed.
#[derive(Debug, Clone, PartialEq)]
pub struct Dialog {
    /// Title, e.g. `Invalidate session`.
    pub title: String,
    /// The scope, one line each (may hold server strings; sanitised when drawn).
    pub lines: Vec<String>,
    /// Shown loudly when the action signs the TUI's own user out.
    pub warning: Option<String>,
    /// Label of the confirm button.
    pub confirm_label: String,
    /// Exactly what confirming sends.
    pub command: Command,
    /// Focused button.
    pub focus: Focus,
    /// A count the user must type before confirming (large bulk actions).
    pub typed: Option<Typed>,
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
    pub(crate) fn new(
        title: impl Into<String>,
        lines: Vec<String>,
        warning: Option<String>,
        confirm_label: impl Into<String>,
        command: Command,
    ) -> Self {
        Self {
            title: title.into(),
            lines,
            warning,
            confirm_label: confirm_label.into(),
            command,
            focus: Focus::Cancel,
            typed: None,
        }
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
