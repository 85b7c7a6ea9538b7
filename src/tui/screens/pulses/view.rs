//! Drawing the Pulses tab: the poll's state and what it shows, the logins per minute
//! (the risky part of each minute in the danger colour), then the latest arrivals.

use super::state::{Arrival, Minute};
use crate::clock;
use crate::sanitize::width;
use crate::tui::app::App;
use crate::tui::keymap::Action;
use crate::tui::strings;
use crate::tui::theme::Theme;
use crate::tui::view::investigate::risk_style;
use crate::tui::view::style::{bold, dim, fit, reverse, wrapped_height};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

/// Cells a minute takes in the chart: its bar and a gap.
const MINUTE_CELLS: u16 = 2;

/// Draws the Pulses tab.
pub(crate) fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let top = state_lines(app);
    let top_h = wrapped_height(&top, area.width).min(area.height);
    let [top_area, body] =
        Layout::vertical([Constraint::Length(top_h), Constraint::Fill(1)]).areas(area);
    frame.render_widget(Paragraph::new(top).wrap(Wrap { trim: false }), top_area);
    if body.height == 0 {
        return;
    }
    let chart_h = (body.height * 2 / 5).clamp(body.height.min(4), 12);
    let [chart_area, list_area] =
        Layout::vertical([Constraint::Length(chart_h), Constraint::Fill(1)]).areas(body);
    chart(app, frame, chart_area);
    arrivals(app, frame, list_area);
}

/// What the tab shows, the poll's state, and the last poll's failure whole.
fn state_lines(app: &App) -> Vec<Line<'static>> {
    let p = app.pulses();
    let now = app.now();
    let mut state = Vec::new();
    let when = if p.polling() {
        strings::POLLING.to_string()
    } else if app.paused() {
        strings::poll_paused(&app.keymap().keys_label(Action::PauseReload))
    } else if let Some(at) = p.next_poll() {
        strings::next_poll_in((clock::millis(now, at) + 999).div_euclid(1000).max(0))
    } else {
        strings::POLL_PAUSED_AWAY.to_string()
    };
    state.push(Span::styled(when, bold()));
    if let Some(at) = p.polled_at() {
        state.push(Span::raw(" · "));
        state.push(Span::raw(strings::last_polled(&clock::ago(at, now))));
    }
    state.push(Span::raw(" · "));
    state.push(Span::styled(strings::PULSES_SCOPE, dim()));
    let mut lines = vec![Line::from(state)];
    if let Some(err) = p.error() {
        lines.push(Line::from(vec![
            Span::styled("✖ ", app.theme().danger()),
            Span::styled(err.to_string(), app.theme().danger_plain()),
        ]));
    }
    lines
}

/// The logins per minute, as many minutes as fit, the latest on the right.
fn chart(app: &App, frame: &mut Frame, area: Rect) {
    let theme = app.theme();
    let inner_w = area.width.saturating_sub(2);
    let n = usize::from(inner_w / MINUTE_CELLS);
    let minutes = app.pulses().chart(app.now(), n);
    let peak = minutes
        .iter()
        .filter_map(|(_, m)| m.map(|m| m.total))
        .max()
        .unwrap_or(0);
    let title = Line::from(vec![
        Span::raw(strings::pulse_chart_title(minutes.len(), peak)),
        Span::styled("█", theme.danger_plain()),
        Span::raw(strings::RISKY_LEGEND),
    ]);
    let block = Block::bordered().title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height == 0 || minutes.is_empty() {
        return;
    }
    let bars_h = if inner.height >= 3 {
        inner.height - 1
    } else {
        inner.height
    };
    let mut lines = bars(theme, &minutes, bars_h, peak);
    if bars_h < inner.height {
        lines.push(Line::styled(axis(&minutes, usize::from(inner_w)), dim()));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// Rows of bars, top first: each minute's logins in eighths of a cell, the risky part
/// (at least one eighth when there is any) at the bottom in the danger colour.
fn bars(
    theme: &Theme,
    minutes: &[(i64, Option<Minute>)],
    rows: u16,
    peak: u64,
) -> Vec<Line<'static>> {
    const LEVELS: [&str; 9] = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"];
    let full = u64::from(rows) * 8;
    let scale = |v: u64| {
        if v == 0 || peak == 0 {
            0
        } else {
            (v * full).div_ceil(peak).max(1)
        }
    };
    (0..u64::from(rows))
        .rev()
        .map(|row| {
            let spans: Vec<Span> = minutes
                .iter()
                .flat_map(|(_, m)| {
                    let Some(m) = m else {
                        return [Span::raw(" "), Span::raw(" ")];
                    };
                    let total = scale(m.total).saturating_sub(row * 8).min(8);
                    let risky = scale(m.risky).saturating_sub(row * 8).min(8);
                    let style = if risky > 0 {
                        theme.danger_plain()
                    } else {
                        theme.good()
                    };
                    let level = usize::try_from(total).unwrap_or(8);
                    [Span::styled(LEVELS[level], style), Span::raw(" ")]
                })
                .collect();
            Line::from(spans)
        })
        .collect()
}

/// Times under the chart: `HH:MM` at each ten minutes that has room.
fn axis(minutes: &[(i64, Option<Minute>)], w: usize) -> String {
    let mut cells = vec![' '; w];
    let mut free = 0;
    for (i, (start, _)) in minutes.iter().enumerate() {
        let col = i * usize::from(MINUTE_CELLS);
        if start.rem_euclid(600) != 0 || col < free || col + 5 > w {
            continue;
        }
        let Ok(t) = jiff::Timestamp::from_second(*start) else {
            continue;
        };
        for (k, c) in t.strftime("%H:%M").to_string().chars().enumerate() {
            cells[col + k] = c;
        }
        free = col + 6;
    }
    cells.into_iter().collect()
}

/// The latest arrivals, newest first: time, email, risk, location, device; the risk
/// before the place and the device when the width is short.
fn arrivals(app: &App, frame: &mut Frame, area: Rect) {
    let p = app.pulses();
    let shown = p.arrivals().len();
    let block = Block::bordered().title(strings::arrivals_title(shown, p.seen()));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height == 0 {
        return;
    }
    if shown == 0 {
        frame.render_widget(
            Paragraph::new(strings::NO_ARRIVALS)
                .style(dim())
                .wrap(Wrap { trim: false }),
            inner,
        );
        return;
    }
    let rows = usize::from(inner.height.saturating_sub(1));
    let selected = p.selected_index();
    let first = selected.saturating_sub(rows.saturating_sub(1));
    let list: Vec<&Arrival> = p.arrivals().skip(first).take(rows).collect();
    let w = usize::from(inner.width);
    let email_w = list
        .iter()
        .map(|a| width(&crate::sanitize::clean(&a.session.email)))
        .max()
        .unwrap_or(0)
        .clamp(5, 30);
    let words = |a: &Arrival| a.risk.compact();
    let risk_w = list
        .iter()
        .map(|a| width(&words(a)))
        .max()
        .unwrap_or(0)
        .max(4);
    // Time, email and risk first; what is left goes to the place, then the device.
    let fixed = 8 + 1 + email_w + 1 + risk_w + 1;
    let widest = |f: fn(&Arrival) -> Option<&str>| {
        list.iter()
            .map(|a| width(&crate::sanitize::clean(f(a).unwrap_or("—"))))
            .max()
            .unwrap_or(0)
    };
    let rest = w.saturating_sub(fixed);
    let loc_w = widest(|a| a.location.as_deref()).clamp(8, 24);
    let loc_w = if rest >= 8 { rest.min(loc_w) } else { 0 };
    let dev_w = widest(|a| a.device.as_deref()).clamp(6, 36);
    let dev_w = rest.saturating_sub(loc_w + 1).min(dev_w);
    let dev_w = if dev_w >= 6 { dev_w } else { 0 };
    let mut lines = vec![Line::styled(
        row_text(
            ["TIME", "EMAIL", "RISK", "LOCATION", "DEVICE"],
            [8, email_w, risk_w, loc_w, dev_w],
        ),
        bold(),
    )];
    for (i, a) in list.iter().enumerate() {
        let flags = a.risk.flags();
        let time = a.session.created_at.strftime("%H:%M:%S").to_string();
        let cells = [
            time.as_str(),
            &a.session.email,
            &words(a),
            a.location.as_deref().unwrap_or("—"),
            a.device.as_deref().unwrap_or("—"),
        ];
        let widths = [8, email_w, risk_w, loc_w, dev_w];
        let mut spans = Vec::new();
        for (k, (text, cw)) in cells.iter().zip(widths).enumerate() {
            if cw == 0 {
                continue;
            }
            let style = if k == 2 {
                risk_style(app.theme(), &flags)
            } else {
                Style::default()
            };
            spans.push(Span::styled(pad(text, cw), style));
            spans.push(Span::raw(" "));
        }
        let mut line = Line::from(spans);
        if first + i == selected {
            line = line.patch_style(reverse());
        }
        lines.push(line);
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// Safe text cut to `w` cells and padded to them.
fn pad(text: &str, w: usize) -> String {
    let t = fit(text, w);
    let fill = w.saturating_sub(width(&t));
    format!("{t}{}", " ".repeat(fill))
}

fn row_text(titles: [&str; 5], widths: [usize; 5]) -> String {
    titles
        .iter()
        .zip(widths)
        .filter(|(_, w)| *w > 0)
        .map(|(t, w)| pad(t, w))
        .collect::<Vec<_>>()
        .join(" ")
}
