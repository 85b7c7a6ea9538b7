//! Layout facts both the state and the drawing need: how many rows of table and how many
//! cells of detail text fit a terminal of a given size. `app` sizes paging and scrolling
//! with them; `view` draws with them; neither asks the other.

/// Lines above the table (header, tabs, query, query info).
pub const TOP: u16 = 4;
/// Lines below the table (status, hints).
pub const BOTTOM: u16 = 2;

/// Rows of table body that fit in a terminal `height` lines tall (after the column header).
pub fn table_height(height: u16) -> usize {
    usize::from(height.saturating_sub(TOP + BOTTOM + 1))
}

/// How far `PageDown` and `PageUp` move the selection in a table `viewport` rows tall: a
/// whole page, at least one row.
pub fn page_step(viewport: usize) -> isize {
    isize::try_from(viewport.max(1)).unwrap_or(isize::MAX)
}

/// Cells of text across the detail view in a terminal `width` cells wide (inside its
/// borders and left padding).
pub fn detail_width(width: u16) -> usize {
    usize::from(width.saturating_sub(3))
}

/// The smallest terminal a dialog keeps its buttons and key hints on screen in; below it
/// the dialog says so and nothing confirms it.
pub const DIALOG_MIN: (u16, u16) = (36, 8);

/// A dialog's buttons and key hints are on screen in a terminal of this size.
pub fn dialog_buttons_fit((width, height): (u16, u16)) -> bool {
    width >= DIALOG_MIN.0 && height >= DIALOG_MIN.1
}

/// The most lines the help overlay can scroll: every action, the notes and the query
/// reference, one per line (the drawing stops at what its layout really needs).
pub fn help_scroll_max(actions: usize, reference: usize) -> usize {
    actions + reference + 4
}
