//! The detail view of one session: labelled fields, or the raw JSON.

use super::{bold, clean, fit};
use crate::tui::app::App;
use crate::tui::app::detail::fields;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

/// Width of the label column.
const LABEL: usize = 18;

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
    let block = Block::bordered().title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let height = usize::from(inner.height);
    let width = usize::from(inner.width);
    let lines: Vec<Line> = match d.json() {
        Some(json) => {
            let scroll = d.scroll().min(json.len().saturating_sub(1));
            json.iter()
                .skip(scroll)
                .take(height)
                .map(|l| Line::raw(fit(l, width)))
                .collect()
        }
        None => {
            let all = fields(d.session(), app.now());
            let scroll = d.scroll().min(all.len().saturating_sub(1));
            all.iter()
                .skip(scroll)
                .take(height)
                .map(|f| {
                    if f.heading {
                        Line::from(Span::styled(format!("── {} ──", clean(&f.label)), bold()))
                    } else {
                        let label = fit(&f.label, LABEL - 1);
                        let pad = LABEL.saturating_sub(crate::sanitize::width(&label));
                        Line::from(vec![
                            Span::styled(format!("{label}{}", " ".repeat(pad)), bold()),
                            Span::raw(fit(&f.value, width.saturating_sub(LABEL))),
                        ])
                    }
                })
                .collect()
        }
    };
    frame.render_widget(Paragraph::new(lines), inner);
}
