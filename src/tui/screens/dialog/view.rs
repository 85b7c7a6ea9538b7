//! Drawing a confirmation: its facts, the buttons and the keys, scrolled when tall.

use super::state::{Dialog, Focus};
use crate::tui::app::App;
use crate::tui::layout;
use crate::tui::strings;
use crate::tui::view::style::{bold, centered, clean, dim, reverse, wrapped_height};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Padding, Paragraph, Wrap};

/// A confirmation, centred, with Cancel and the action as buttons. The buttons and the
/// key hints always stay on screen (down to [`layout::DIALOG_MIN`]); a body taller than
/// the room left scrolls instead.
pub(crate) fn draw(app: &App, d: &Dialog, frame: &mut Frame, area: Rect) {
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
