//! The listings drawn over the screen: the message log and the list of marked rows.

use crate::tui::app::{App, Level};
use crate::tui::command::ListSource;
use crate::tui::strings;
use crate::tui::view::style::{bold, centered, clean, dim};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Padding, Paragraph};

/// A bordered list filling most of the screen, scrolled `scroll` lines up from the end.
fn listing(frame: &mut Frame, area: Rect, title: String, lines: Vec<Line<'static>>, scroll: usize) {
    let width = area.width.saturating_sub(4).max(1);
    let height = area.height.saturating_sub(2).max(1);
    let rect = centered(area, width, height);
    let inner = usize::from(height.saturating_sub(2)).max(1);
    let end = lines
        .len()
        .saturating_sub(scroll.min(lines.len().saturating_sub(inner)));
    let start = end.saturating_sub(inner);
    let shown: Vec<Line> = lines.into_iter().skip(start).take(end - start).collect();
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(shown).block(
            Block::bordered()
                .padding(Padding::left(1))
                .title(Span::styled(title, bold())),
        ),
        rect,
    );
}

/// The cells of `HH:MM:SS ✖ ` before a message, under which its further lines hang.
const INDENT: usize = 11;

/// The message log, newest at the bottom; failures in red with their details below.
pub(crate) fn messages(app: &App, frame: &mut Frame, area: Rect) {
    let log = app.messages();
    let red = app.theme().danger_plain();
    let mut lines: Vec<Line<'static>> = Vec::with_capacity(log.line_count());
    // Inside the listing's border and padding; text hangs under the time and mark, and
    // wraps whole so a long failure keeps its request id at the end.
    let room = usize::from(area.width.saturating_sub(4))
        .saturating_sub(3 + INDENT)
        .max(8);
    let indent = " ".repeat(INDENT);
    for e in log.entries() {
        let time = e.at.strftime("%H:%M:%S").to_string();
        let (mark, style) = match e.level {
            Level::Error => ("✖", red),
            Level::Info => ("·", Style::default()),
        };
        for (i, part) in wrap_cells(&clean(&e.text), room).into_iter().enumerate() {
            let lead = if i == 0 {
                Span::styled(format!("{time} {mark} "), dim())
            } else {
                Span::raw(indent.clone())
            };
            lines.push(Line::from(vec![lead, Span::styled(part, style)]));
        }
        for d in &e.details {
            for part in wrap_cells(&clean(d), room) {
                lines.push(Line::from(Span::styled(format!("{indent}{part}"), style)));
            }
        }
    }
    if lines.is_empty() {
        lines.push(Line::from(Span::styled(strings::NO_MESSAGES, dim())));
    }
    let title = strings::messages_title(log.entries().len());
    listing(frame, area, title, lines, log.scroll());
}

/// Words laid into lines of at most `room` cells; a word longer than a line is split.
fn wrap_cells(text: &str, room: usize) -> Vec<String> {
    let w = crate::sanitize::width;
    let mut out = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let sep = usize::from(!line.is_empty());
        if w(&line) + sep + w(word) <= room {
            if sep == 1 {
                line.push(' ');
            }
            line.push_str(word);
            continue;
        }
        if !line.is_empty() {
            out.push(std::mem::take(&mut line));
        }
        for c in word.chars() {
            let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
            if w(&line) + cw > room && !line.is_empty() {
                out.push(std::mem::take(&mut line));
            }
            line.push(c);
        }
    }
    out.push(line);
    out
}

/// The marked rows of the Sessions table, with their users when known.
pub(crate) fn marks(app: &App, frame: &mut Frame, area: Rect) {
    let t = app.table(ListSource::Sessions);
    let mut ids: Vec<&String> = t.marks().iter().collect();
    ids.sort();
    let query = strings::marked_under(&clean(t.query_text()));
    let lines: Vec<Line<'static>> = ids
        .into_iter()
        .map(|id| {
            let who = t
                .mark_meta(id)
                .map(|m| format!("{}  {}", clean(&m.email), clean(&m.identity)))
                .unwrap_or_default();
            Line::from(vec![
                Span::styled(format!("{:<40}", clean(id)), bold()),
                Span::raw(format!(" {who}")),
            ])
        })
        .collect();
    let title = strings::marks_title(t.marks().len(), &query);
    listing(frame, area, title, lines, 0);
}
