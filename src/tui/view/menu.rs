//! The small menus (order picker, copy) and the `:` command line.

use super::style::{bold, centered, clean, dim};
use crate::tui::app::{App, Menu, MenuKind};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Padding, Paragraph};

/// A menu, centred: one entry a line, its key first; absent values dimmed.
pub(super) fn menu(m: &Menu, frame: &mut Frame, area: Rect) {
    let order = matches!(m.kind, MenuKind::Order(_));
    let lines: Vec<Line> = m
        .items
        .iter()
        .map(|i| {
            let keys = if order {
                format!("{} {}  ", i.key, i.key.to_ascii_uppercase())
            } else {
                format!("{}  ", i.key)
            };
            let label = match (&i.value, order) {
                (Some(v), false) => format!("{:<12}{}", i.label, clean(v)),
                (None, false) => format!("{:<12}—", i.label),
                _ => i.label.clone(),
            };
            let style = if i.value.is_none() {
                dim()
            } else if i.current {
                bold()
            } else {
                ratatui::style::Style::default()
            };
            Line::from(vec![Span::styled(keys, bold()), Span::styled(label, style)])
        })
        .collect();
    let widest = lines
        .iter()
        .map(Line::width)
        .chain(std::iter::once(m.title.chars().count()))
        .max()
        .unwrap_or(0);
    let w = u16::try_from(widest + 4).unwrap_or(u16::MAX);
    let h = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let rect = centered(area, w, h);
    frame.render_widget(Clear, rect);
    let block = Block::bordered()
        .title(m.title)
        .padding(Padding::horizontal(1));
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}

/// The command line in the status row, with the terminal cursor at its end.
pub(super) fn command_line(app: &App, frame: &mut Frame, area: Rect) {
    let Some(e) = app.command_line() else {
        return;
    };
    let text = clean(&e.text());
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(Line::from(format!(":{text}"))), area);
    let x = area.x as usize
        + 1
        + unicode_width::UnicodeWidthStr::width(clean(&e.before_cursor()).as_str());
    if area.height > 0
        && let Ok(x) = u16::try_from(x)
        && x < area.x + area.width
    {
        frame.set_cursor_position((x, area.y));
    }
}
