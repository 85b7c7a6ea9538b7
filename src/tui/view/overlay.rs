//! Things drawn over the screen: confirmation dialogs, the help overlay, the message log
//! and the list of marked rows.

use super::style::{bold, centered, clean, dim, reverse, wrapped_height};
use crate::tui::app::{App, Dialog, Focus, Level};
use crate::tui::command::ListSource;
use crate::tui::keymap::REGISTRY;
use crate::tui::strings;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Padding, Paragraph, Wrap};

/// A confirmation, centred, with Cancel and the action as buttons.
pub(super) fn dialog(d: &Dialog, frame: &mut Frame, area: Rect) {
    let danger = Style::default().fg(Color::Red).add_modifier(Modifier::BOLD);
    let words = d.ask.wording();
    let mut lines: Vec<Line> = words.lines.iter().map(|l| Line::raw(clean(l))).collect();
    if let Some(w) = d.warning() {
        lines.push(Line::default());
        lines.push(Line::from(vec![
            Span::styled("⚠ WARNING: ", danger),
            Span::styled(clean(w), danger),
        ]));
    }
    lines.push(Line::default());
    if let Some(t) = &d.typed {
        let ok = t.matches();
        lines.push(Line::from(vec![
            Span::styled(strings::type_count(&t.expected), bold()),
            Span::styled(format!("{}▏", t.input), if ok { bold() } else { danger }),
        ]));
        lines.push(Line::default());
    }
    let button = |label: &str, focused: bool| {
        if focused {
            Span::styled(
                format!("▶[ {label} ]"),
                reverse().add_modifier(Modifier::BOLD),
            )
        } else {
            Span::raw(format!(" [ {label} ]"))
        }
    };
    lines.push(Line::from(vec![
        button("Cancel", d.focus == Focus::Cancel),
        Span::raw("   "),
        button(&clean(&words.confirm), d.focus == Focus::Confirm),
    ]));
    lines.push(Line::from(Span::styled(
        if d.typed.is_some() {
            strings::DIALOG_TYPED_KEYS
        } else {
            strings::DIALOG_KEYS
        },
        dim(),
    )));
    let width = area.width.saturating_sub(4).clamp(1, 77);
    let height = wrapped_height(&lines, width.saturating_sub(3)).saturating_add(2);
    let rect = centered(area, width, height);
    let block = Block::bordered()
        .padding(Padding::left(1))
        .title(Span::styled(format!(" {} ", clean(&words.title)), danger))
        .border_style(Style::default().fg(Color::Red));
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        rect,
    );
}

/// Every bound action of the current screen, straight from the registry.
pub(super) fn help(app: &App, frame: &mut Frame, area: Rect) {
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
        + 2;
    let entry_w = key_w + entries.iter().map(|(_, h)| h.len()).max().unwrap_or(0) + 2;
    let two = area.width as usize >= entry_w * 2 + 4 && entries.len() > 8;
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
                spans.push(Span::raw(format!("{h:<w$}", w = entry_w - key_w)));
            }
        }
        lines.push(Line::from(spans));
    }
    lines.push(Line::default());
    for note in strings::HELP_NOTES {
        lines.push(Line::from(Span::styled(note, dim())));
    }
    // Borders and the left padding take three cells.
    let widest = lines.iter().map(Line::width).max().unwrap_or(0);
    let width = u16::try_from(widest + 3).unwrap_or(u16::MAX).max(40);
    let width = width.min(area.width);
    let height = wrapped_height(&lines, width.saturating_sub(3)).saturating_add(2);
    let rect = centered(area, width, height);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .block(
                Block::bordered()
                    .padding(Padding::left(1))
                    .title(strings::HELP_TITLE),
            )
            .wrap(Wrap { trim: false }),
        rect,
    );
}

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

/// The message log, newest at the bottom; failures in red with their details below.
pub(super) fn messages(app: &App, frame: &mut Frame, area: Rect) {
    let log = app.messages();
    let red = Style::default().fg(Color::Red);
    let mut lines: Vec<Line<'static>> = Vec::with_capacity(log.line_count());
    for e in log.entries() {
        let time = e.at.strftime("%H:%M:%S").to_string();
        let (mark, style) = match e.level {
            Level::Error => ("✖", red),
            Level::Info => ("·", Style::default()),
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{time} {mark} "), dim()),
            Span::styled(clean(&e.text), style),
        ]));
        for d in &e.details {
            lines.push(Line::from(Span::styled(
                format!("           {}", clean(d)),
                style,
            )));
        }
    }
    if lines.is_empty() {
        lines.push(Line::from(Span::styled(strings::NO_MESSAGES, dim())));
    }
    let title = strings::messages_title(log.entries().len());
    listing(frame, area, title, lines, log.scroll());
}

/// The marked rows of the Sessions table, with their users when known.
pub(super) fn marks(app: &App, frame: &mut Frame, area: Rect) {
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
