//! The small drawing helpers every screen shares: styles, safe server text, sizes.

use crate::sanitize;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;

/// Server text made safe and cut to `max` cells.
pub(crate) fn fit(s: &str, max: usize) -> String {
    sanitize::fit(s, max)
}

/// Text made for this frame, kept as it is when it is safe and fits in `max` cells,
/// else made safe and cut.
pub(crate) fn fitted_owned(s: String, max: usize) -> String {
    if sanitize::width(&s) <= max && !s.chars().any(sanitize::is_unsafe) {
        s
    } else {
        fit(&s, max)
    }
}

/// Server text made safe.
pub(crate) fn clean(s: &str) -> String {
    sanitize::clean(s).into_owned()
}

/// Bold text.
pub(crate) fn bold() -> Style {
    Style::default().add_modifier(Modifier::BOLD)
}

/// Dim text.
pub(crate) fn dim() -> Style {
    Style::default().add_modifier(Modifier::DIM)
}

/// Reversed colours (the selected row, the focused button).
pub(crate) fn reverse() -> Style {
    Style::default().add_modifier(Modifier::REVERSED)
}

/// Lines a paragraph takes when wrapped at `width` cells (approximate: by cell count).
pub(crate) fn wrapped_height(lines: &[Line], width: u16) -> u16 {
    let width = usize::from(width).max(1);
    let rows: usize = lines.iter().map(|l| l.width().div_ceil(width).max(1)).sum();
    u16::try_from(rows).unwrap_or(u16::MAX)
}

/// A rectangle of at most `w` x `h` centred in `area`.
pub(crate) fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}
