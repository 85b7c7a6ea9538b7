//! Things drawn over the screen: confirmation dialogs, the help overlay, the message log
//! and the list of marked rows.

use super::style::{bold, centered, clean, dim, reverse, wrapped_height};
use crate::tui::app::{App, Dialog, Focus, Level};
use crate::tui::command::ListSource;
use crate::tui::keymap::REGISTRY;
use crate::tui::layout;
use crate::tui::strings;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Padding, Paragraph, Wrap};

/// A confirmation, centred, with Cancel and the action as buttons. The buttons and the
/// key hints always stay on screen (down to [`layout::DIALOG_MIN`]); a body taller than
/// the room left scrolls instead.
pub(crate) fn dialog(app: &App, d: &Dialog, frame: &mut Frame, area: Rect) {
    let theme = app.theme();
    let danger = theme.danger();
    let words = d.ask.wording();
    let mut body: Vec<Line> = words.lines.iter().map(|l| Line::raw(clean(l))).collect();
    if let Some(w) = d.warning() {
        body.push(Line::default());
        body.push(Line::from(vec![
            Span::styled("⚠ WARNING: ", danger),
            Span::styled(clean(w), danger),
        ]));
    }
    if let Some(t) = &d.typed {
        let ok = t.matches();
        body.push(Line::default());
        body.push(Line::from(vec![
            Span::styled(strings::type_count(&t.expected), bold()),
            Span::styled(format!("{}▏", t.input), if ok { bold() } else { danger }),
        ]));
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
    let fits = layout::dialog_buttons_fit((area.width, area.height));
    let width = area.width.saturating_sub(2).clamp(1, 77);
    let inner = width.saturating_sub(3);
    let keys = match d.typed {
        Some(_) => strings::DIALOG_TYPED_KEYS,
        None if usize::from(inner) < strings::DIALOG_KEYS.chars().count() => {
            strings::DIALOG_KEYS_SHORT
        }
        None => strings::DIALOG_KEYS,
    };
    let body_h = wrapped_height(&body, inner);
    let mut foot: Vec<Line> = if fits {
        vec![
            Line::from(vec![
                button("Cancel", d.focus == Focus::Cancel),
                Span::raw("   "),
                button(&clean(&words.confirm), d.focus == Focus::Confirm),
            ]),
            Line::from(Span::styled(keys, dim())),
        ]
    } else {
        vec![Line::from(Span::styled(strings::DIALOG_ENLARGE, danger))]
    };
    // Room for the body: the screen less the borders, the footer and a spacer line.
    let foot_h = wrapped_height(&foot, inner);
    let room = area.height.saturating_sub(2 + foot_h + 1).max(1);
    let scrolls = body_h > room;
    if scrolls && fits {
        foot.push(Line::from(Span::styled(strings::DIALOG_SCROLL_KEYS, dim())));
    }
    let foot_h = wrapped_height(&foot, inner);
    let room = area.height.saturating_sub(2 + foot_h + 1).max(1);
    let shown_h = body_h.min(room);
    let scroll = u16::try_from(d.scroll)
        .unwrap_or(u16::MAX)
        .min(body_h.saturating_sub(shown_h));
    let height = (shown_h + 1 + foot_h + 2).min(area.height);
    let rect = centered(area, width, height);
    let block = Block::bordered()
        .padding(Padding::left(1))
        .title(Span::styled(format!(" {} ", clean(&words.title)), danger))
        .border_style(theme.danger_plain());
    frame.render_widget(Clear, rect);
    let inside = block.inner(rect);
    frame.render_widget(block, rect);
    let body_area = Rect {
        height: shown_h.min(inside.height),
        ..inside
    };
    frame.render_widget(
        Paragraph::new(body)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        body_area,
    );
    let foot_area = Rect {
        y: inside.bottom().saturating_sub(foot_h),
        height: foot_h.min(inside.height),
        ..inside
    };
    frame.render_widget(Paragraph::new(foot).wrap(Wrap { trim: false }), foot_area);
}

/// Every bound action of the current screen, straight from the registry, then the risk
/// codes and the query reference (from the query catalogue): one column, or two when
/// the keys fit side by side; no blank lines; scrolled by `j`/`k`, PgUp/PgDn.
pub(crate) fn help(app: &App, scroll: usize, frame: &mut Frame, area: Rect) {
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
