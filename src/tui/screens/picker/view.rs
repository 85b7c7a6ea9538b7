//! Drawing the pickers: the lettered menus (order, copy), the column picker with its
//! cursor and checkboxes, and the export picker's format and scope.

use super::{ExportPick, Picker, PickerKind};
use crate::tui::app::App;
use crate::tui::columns::CATALOGUE;
use crate::tui::strings;
use crate::tui::view::style::{bold, centered, clean, dim, reverse, wrapped_height};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Padding, Paragraph, Wrap};

/// Draws a picker over `area`.
pub(crate) fn draw(app: &App, picker: &Picker, frame: &mut Frame, area: Rect) {
    match &picker.kind {
        PickerKind::Order(_) | PickerKind::Copy => menu(picker, frame, area),
        PickerKind::Columns => columns(app, picker.cursor, frame, area),
        PickerKind::Export(pick) => export(pick, frame, area),
        PickerKind::Views => views(picker, frame, area),
    }
}

/// The saved views: name and query, the one under the cursor marked.
fn views(m: &Picker, frame: &mut Frame, area: Rect) {
    let name_w = m
        .items
        .iter()
        .map(|i| i.label.chars().count())
        .max()
        .unwrap_or(0);
    let mut lines: Vec<Line> = m
        .items
        .iter()
        .enumerate()
        .map(|(at, i)| {
            let here = at == m.cursor;
            let text = format!(
                "{} {:<name_w$}  {}",
                if here { '▶' } else { ' ' },
                clean(&i.label),
                clean(i.value.as_deref().unwrap_or_default()),
            );
            Line::styled(
                text,
                if here {
                    reverse()
                } else {
                    ratatui::style::Style::default()
                },
            )
        })
        .collect();
    lines.push(Line::default());
    lines.push(Line::styled(strings::VIEWS_KEYS, dim()));
    boxed(m.title, lines, frame, area);
}

/// `lines` in a bordered box titled `title`, centred and as small as they allow.
fn boxed(title: &str, lines: Vec<Line>, frame: &mut Frame, area: Rect) {
    let widest = lines
        .iter()
        .map(Line::width)
        .chain(std::iter::once(title.chars().count()))
        .max()
        .unwrap_or(0);
    let w = u16::try_from(widest + 4).unwrap_or(u16::MAX);
    let h = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let rect = centered(area, w, h);
    frame.render_widget(Clear, rect);
    let block = Block::bordered()
        .title(title)
        .padding(Padding::horizontal(1));
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}

/// A menu, centred: one entry a line, its key first; absent values dimmed.
fn menu(m: &Picker, frame: &mut Frame, area: Rect) {
    let order = matches!(m.kind, PickerKind::Order(_));
    let lines: Vec<Line> = m
        .items
        .iter()
        .map(|i| {
            let key = i.key.unwrap_or(' ');
            let keys = if order {
                format!("{key} {}  ", key.to_ascii_uppercase())
            } else {
                format!("{key}  ")
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
    boxed(m.title, lines, frame, area);
}

/// The column picker: every column with whether it is shown.
fn columns(app: &App, at: usize, frame: &mut Frame, area: Rect) {
    let shown = app.columns();
    let mut lines: Vec<Line> = CATALOGUE
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let on = shown.contains(&c.col);
            let text = format!(
                "{} [{}] {:<12} {}",
                if i == at { '▶' } else { ' ' },
                if on { 'x' } else { ' ' },
                c.name,
                c.about
            );
            if i == at {
                Line::from(Span::styled(text, reverse()))
            } else {
                Line::raw(text)
            }
        })
        .collect();
    lines.push(Line::from(Span::styled(strings::PICKER_NOTE, dim())));
    let width = area.width.saturating_sub(2).clamp(1, 72);
    let total = wrapped_height(&lines, width.saturating_sub(3));
    let inner_h = area.height.saturating_sub(2);
    let height = total.saturating_add(2).min(area.height);
    // Keep the cursor in view.
    let cursor = u16::try_from(at).unwrap_or(u16::MAX);
    let scroll = cursor.saturating_sub(inner_h.saturating_sub(1));
    let rect = centered(area, width, height);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .block(
                Block::bordered()
                    .padding(Padding::left(1))
                    .title(Span::styled(strings::PICKER_TITLE, bold())),
            )
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        rect,
    );
}

/// The export picker: format and scope, with its keys.
fn export(pick: &ExportPick, frame: &mut Frame, area: Rect) {
    use crate::output::Format;
    let r = centered(area, 64, 7);
    frame.render_widget(ratatui::widgets::Clear, r);
    let block = Block::bordered()
        .title(strings::EXPORT_TITLE)
        .padding(ratatui::widgets::Padding::horizontal(1));
    let inner = block.inner(r);
    frame.render_widget(block, r);
    let choice = |f: Format, name: &'static str| {
        if pick.format == f {
            Span::styled(format!(" {name} "), reverse().add_modifier(Modifier::BOLD))
        } else {
            Span::raw(format!(" {name} "))
        }
    };
    let lines = vec![
        Line::from(vec![
            Span::styled("format  ", bold()),
            choice(Format::Csv, "CSV"),
            Span::raw(" "),
            choice(Format::Ndjson, "NDJSON"),
        ]),
        Line::from(vec![
            Span::styled("rows    ", bold()),
            Span::raw(strings::export_scope(pick.marked_only, pick.marks)),
        ]),
        Line::default(),
        Line::from(Span::styled(strings::EXPORT_KEYS, dim())),
    ];
    frame.render_widget(
        Paragraph::new(lines).wrap(ratatui::widgets::Wrap { trim: true }),
        inner,
    );
}
