//! Drawing the help overlay: the keys of the screen shown, the risk codes and the query
//! reference.

use crate::tui::app::App;
use crate::tui::keymap::REGISTRY;
use crate::tui::strings;
use crate::tui::view::style::{bold, centered, dim, wrapped_height};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Padding, Paragraph, Wrap};

/// Every bound action of the current screen, straight from the registry, then the risk
/// codes and the query reference (from the query catalogue): one column, or two when
/// the keys fit side by side; no blank lines; scrolled by `j`/`k`, PgUp/PgDn.
pub(crate) fn draw(app: &App, scroll: usize, frame: &mut Frame, area: Rect) {
    let ctx = app.context();
    let keymap = app.keymap();
    let entries: Vec<(String, &str)> = REGISTRY
        .iter()
        .filter(|i| i.contexts.contains(&ctx) && keymap.is_bound(i.action))
        .map(|i| (keymap.keys_label(i.action), i.help))
        .collect();
    let key_w = entries
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0)
        + 1;
    let help_w = entries
        .iter()
        .map(|(_, h)| h.chars().count())
        .max()
        .unwrap_or(0);
    let entry_w = key_w + help_w + 2;
    let usable = usize::from(area.width.saturating_sub(5));
    let two = usable >= entry_w * 2 && entries.len() > 8;
    let per_col = if two {
        entries.len().div_ceil(2)
    } else {
        entries.len()
    };
    let mut lines = Vec::new();
    for row in 0..per_col {
        let mut spans = Vec::new();
        for col in 0..(if two { 2 } else { 1 }) {
            if let Some((k, h)) = entries.get(col * per_col + row) {
                spans.push(Span::styled(format!("{k:<key_w$}"), bold()));
                let pad = if col == 0 && two { entry_w - key_w } else { 0 };
                spans.push(Span::raw(format!("{h:<pad$}")));
            }
        }
        lines.push(Line::from(spans));
    }
    for note in strings::HELP_NOTES {
        lines.push(Line::from(Span::styled(note, dim())));
    }
    lines.push(Line::from(Span::styled(strings::HELP_RISK, dim())));
    lines.push(Line::from(Span::styled(
        strings::HELP_QUERY_HEADING,
        bold(),
    )));
    for l in crate::query::help_text().lines() {
        if !l.trim().is_empty() {
            lines.push(Line::raw(l.to_string()));
        }
    }
    let width = area.width.saturating_sub(2).max(1);
    let inner_h = area.height.saturating_sub(2);
    let total = wrapped_height(&lines, width.saturating_sub(3));
    let height = total.saturating_add(2).min(area.height);
    let scroll = u16::try_from(scroll)
        .unwrap_or(u16::MAX)
        .min(total.saturating_sub(inner_h));
    let rect = centered(area, width, height);
    let title = if total > inner_h {
        strings::HELP_SCROLL_TITLE
    } else {
        strings::HELP_TITLE
    };
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .block(Block::bordered().padding(Padding::left(1)).title(title))
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        rect,
    );
}
