//! The detail view of one session: labelled fields, or the raw JSON, wrapped to the panel.

use crate::tui::app::App;
use crate::tui::screens::detail::state::{LABEL, Tone};
use crate::tui::theme::Theme;
use crate::tui::view::style::{bold, fit};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Padding, Paragraph};

pub(crate) fn draw(app: &App, frame: &mut Frame, area: Rect) {
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
                let style = tone_style(app.theme(), f.tone);
                Line::from(vec![
                    Span::styled(format!("{}{}", f.label, " ".repeat(pad)), bold()),
                    Span::styled(f.value, style),
                ])
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The colour of a toned value: red for danger, yellow for a warning, green for good,
/// dim when the server sent nothing.
pub(crate) fn tone_style(theme: &Theme, tone: Tone) -> Style {
    match tone {
        Tone::Plain => Style::default(),
        Tone::Good => theme.good(),
        Tone::Warn => theme.warning(),
        Tone::Danger => theme.danger(),
        Tone::Missing => crate::tui::view::style::dim(),
    }
}
