//! The Users tab's state: one row per user of the current query, ordered by a column.

use crate::authn::model::Order;
use crate::investigate::{UserColumn, UserRow};
use crate::tui::screens::table::state as table;

/// The Users tab: one row per user of the current query, ordered by a column.
#[derive(Debug, Clone)]
pub struct UsersView {
    pub(crate) rows: Vec<UserRow>,
    pub(crate) column: UserColumn,
    pub(crate) order: Order,
    pub(crate) selected: usize,
    pub(crate) offset: usize,
}

impl Default for UsersView {
    fn default() -> Self {
        // Most sessions first: the question in an incident is who holds the most.
        Self {
            rows: Vec::new(),
            column: UserColumn::Sessions,
            order: Order::Desc,
            selected: 0,
            offset: 0,
        }
    }
}

impl UsersView {
    /// The rows in the order shown.
    pub fn rows(&self) -> &[UserRow] {
        &self.rows
    }

    /// The ordering column and direction.
    pub fn ordering(&self) -> (UserColumn, Order) {
        (self.column, self.order)
    }

    /// Index of the selected row.
    pub fn selected_index(&self) -> usize {
        self.selected
    }

    /// First visible row.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// The selected user.
    pub fn selected(&self) -> Option<&UserRow> {
        self.rows.get(self.selected)
    }

    pub(crate) fn sort(&mut self) {
        let keep = self.selected().map(|r| r.identity.clone());
        let (column, order) = (self.column, self.order);
        self.rows.sort_by(|a, b| match order {
            Order::Asc => column.compare(a, b),
            Order::Desc => column.compare(b, a),
        });
        self.selected = keep
            .and_then(|id| self.rows.iter().position(|r| r.identity == id))
            .unwrap_or(0);
    }

    pub(crate) fn move_by(&mut self, delta: isize, viewport: usize) {
        let max = self.rows.len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(max);
        self.offset = table::scroll_offset(self.offset, self.selected, viewport, self.rows.len());
    }
}
