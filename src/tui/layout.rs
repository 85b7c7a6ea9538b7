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

/// Cells of text across the detail view in a terminal `width` cells wide (inside its
/// borders and left padding).
pub fn detail_width(width: u16) -> usize {
    usize::from(width.saturating_sub(3))
}
