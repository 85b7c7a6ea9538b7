//! The detail view of one session: labelled fields, or the raw JSON, wrapped to the panel.

use super::style::{bold, fit};
use crate::tui::app::App;
use crate::tui::app::detail::LABEL;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Padding, Paragraph};

pub(super) fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let Some(d) = app.detail() else {
        return;
    };
    let mode = if d.json().is_some() {
        "raw JSON"
    } else {
        "fields"
    };
    let title = format!(" session {} — {mode} ", fit(&d.session().id, 40));
    let block = Block::bordered().padding(Padding::left(1)).title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let all = d.lines(app.now(), usize::from(inner.width));
    let scroll = d.scroll().min(all.len().saturating_sub(1));
    let lines: Vec<Line> = all
        .into_iter()
        .skip(scroll)
        .take(usize::from(inner.height))
        .map(|f| {
            if f.heading {
                Line::from(Span::styled(format!("── {} ──", f.label), bold()))
            } else if d.json().is_some() {
                Line::raw(f.value)
            } else {
                let pad = LABEL.saturating_sub(crate::sanitize::width(&f.label));
                Line::from(vec![
                    Span::styled(format!("{}{}", f.label, " ".repeat(pad)), bold()),
                    Span::raw(f.value),
                ])
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
