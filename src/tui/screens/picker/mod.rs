//! The one picker: a list of choices and what choosing one does. It serves the order
//! picker (`s`: a letter per column, Shift for descending), the copy menu (`y`: any field
//! of a session), the column picker (`C`: a cursor and a checkbox per column) and the
//! export picker (`e`: format and scope, Enter to go).
//!
//! The picker itself only moves its cursor and says which choice was taken
//! ([`Picked`]); what a choice does for each [`PickerKind`] is in `choose.rs`, its
//! drawing in `view.rs`. A new picker is a kind here, an opener and a `match` arm there.

mod choose;
pub(crate) mod view;

use crate::output::Format;
use crate::tui::command::ListSource;
use ratatui::crossterm::event::{KeyCode, KeyEvent};

/// What a picker is for, with what it needs to act on a choice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PickerKind {
    /// Order a table by a column.
    Order(ListSource),
    /// Copy a field of a session.
    Copy,
    /// Show or hide columns of the session tables.
    Columns,
    /// Export the query's result: the format and scope chosen so far.
    Export(ExportPick),
    /// Show a saved view (`:views`).
    Views,
}

/// The export picker's state: which format, and the whole result or only the marked rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportPick {
    /// CSV or NDJSON.
    pub format: Format,
    /// Only the marked rows (offered when there are marks).
    pub marked_only: bool,
    /// How many rows are marked.
    pub marks: usize,
}

/// One choice: the key that takes it, its label, and its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// The key (lower case; Shift picks descending in the order picker). A choice without
    /// a key is taken at the cursor with space.
    pub key: Option<char>,
    /// What it is.
    pub label: String,
    /// The value taken (copied text, the column's wire name); None when absent.
    pub value: Option<String>,
    /// Marks the choice in force (the current order column).
    pub current: bool,
}

/// An open picker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picker {
    /// What it is for.
    pub kind: PickerKind,
    /// Its title.
    pub title: &'static str,
    /// Its choices, in order.
    pub items: Vec<Choice>,
    /// The choice under the cursor.
    pub cursor: usize,
}

/// What a key did to a picker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Picked {
    /// Nothing to act on (the cursor moved, or a stray key: a typo should not lose it).
    Stay,
    /// Esc: close without choosing.
    Close,
    /// A choice was taken, by its key (`shifted`: with Shift) or at the cursor.
    Choose { at: usize, shifted: bool },
    /// Enter.
    Submit,
    /// A key the picker has no use for; its kind may.
    Other,
}

impl Picker {
    /// A picker on its first choice.
    pub(crate) fn new(kind: PickerKind, title: &'static str, items: Vec<Choice>) -> Self {
        Self {
            kind,
            title,
            items,
            cursor: 0,
        }
    }

    /// Takes a key: a choice's letter takes it, movement keys move the cursor, space or
    /// `x` takes the choice under the cursor. Pure.
    pub(crate) fn on_key(&mut self, key: &KeyEvent) -> Picked {
        let last = self.items.len().saturating_sub(1);
        let keyed = match key.code {
            KeyCode::Char(c) => self
                .items
                .iter()
                .position(|i| i.key == Some(c.to_ascii_lowercase()))
                .map(|at| Picked::Choose {
                    at,
                    shifted: c.is_ascii_uppercase(),
                }),
            _ => None,
        };
        if let Some(picked) = keyed {
            return picked;
        }
        match key.code {
            KeyCode::Esc => return Picked::Close,
            KeyCode::Enter => return Picked::Submit,
            // Space takes the choice under the cursor only where choices have no letter:
            // in a lettered menu it is a stray key like any other.
            KeyCode::Char(' ' | 'x')
                if self.items.get(self.cursor).is_some_and(|i| i.key.is_none()) =>
            {
                return Picked::Choose {
                    at: self.cursor,
                    shifted: false,
                };
            }
            KeyCode::Char('j') | KeyCode::Down => self.cursor = (self.cursor + 1).min(last),
            KeyCode::Char('k') | KeyCode::Up => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Char('g') | KeyCode::Home => self.cursor = 0,
            KeyCode::Char('G') | KeyCode::End => self.cursor = last,
            KeyCode::Char(_) => {}
            _ => return Picked::Other,
        }
        Picked::Stay
    }

    /// The export picker's state, when this is the export picker.
    pub fn export(&self) -> Option<&ExportPick> {
        match &self.kind {
            PickerKind::Export(pick) => Some(pick),
            _ => None,
        }
    }
}
