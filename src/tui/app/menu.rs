//! Small menus opened by one key, as data: the order picker (`s`: a letter per column,
//! Shift for descending) and the copy menu (`y`: any field of a session).

use crate::tui::command::ListSource;

/// Which menu is open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MenuKind {
    /// Order a table by a column.
    Order(ListSource),
    /// Copy a field of a session.
    Copy,
}

/// One entry: the key that picks it, its label, and its value (None: nothing to pick).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MenuItem {
    /// The key (lower case; Shift picks descending in the order picker).
    pub key: char,
    /// What it is.
    pub label: String,
    /// The value picked (copied text, or the column's wire name); None when absent.
    pub value: Option<String>,
    /// Marks the entry in force (the current order column).
    pub current: bool,
}

/// An open menu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Menu {
    /// What it is for.
    pub kind: MenuKind,
    /// Its title.
    pub title: &'static str,
    /// Its entries, in order.
    pub items: Vec<MenuItem>,
}
