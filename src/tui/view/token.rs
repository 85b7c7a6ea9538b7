//! The Token tab: masked token, live countdown, refresh schedule, failures and history.

use super::{bold, dim, fit};
use crate::tui::app::App;
use crate::tui::app::clock;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Gauge, Padding, Paragraph, Row, Table};

/// Width of the label column (`session expiry` and a gap).
const LABEL: usize = 16;

fn kv(label: &str, value: String) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{label:<LABEL$}"), bold()),
        Span::raw(value),
    ])
}

pub(super) fn draw(app: &App, frame: &mut Frame, area: Rect) {
    if area.height == 0 {
        return;
    }
    let now = app.now();
    let tok = app.token();
    if !app.has_user_token {
        let msg =
            "No user token: pass --user-token (and --refresh-token) to watch and refresh one.";
        frame.render_widget(Paragraph::new(msg).style(dim()), area);
        return;
    }
    let w = usize::from(area.width).saturating_sub(LABEL);
    let mut top = vec![kv(
        "user token",
        tok.mask().unwrap_or("••••••••").to_string(),
    )];
    let mut ratio = None;
    match tok.info() {
        Some(info) => {
            top.push(kv("token id", fit(&info.id, w)));
            top.push(kv(
                "user",
                fit(&format!("{} ({})", info.email, info.identity), w),
            ));
            top.push(kv(
                "expires",
                format!(
                    "{} ({})",
                    clock::absolute(info.expire),
                    clock::until(info.expire, now)
                ),
            ));
            let life = clock::millis(info.created_at, info.expire).max(1) as f64;
            let left = clock::millis(now, info.expire).max(0) as f64;
            ratio = Some((
                (left / life).clamp(0.0, 1.0),
                clock::until(info.expire, now),
            ));
        }
        None => top.push(kv("token id", "not checked yet".to_string())),
    }
    let mut below = Vec::new();
    if let Some(at) = tok.refresh_at(&app.policy) {
        below.push(kv(
            "refresh at",
            format!(
                "{} ({}) — when {:.0}% of its life or {} remain, whichever comes first",
                clock::absolute(at),
                clock::until(at, now).replace("expired", "due"),
                app.policy.fraction * 100.0,
                clock::short(app.policy.margin.as_secs() as i64),
            ),
        ));
    }
    below.push(kv(
        "session expiry",
        match tok.session_expire() {
            Some(t) => format!("{} ({})", clock::absolute(t), clock::until(t, now)),
            None => "not loaded yet".to_string(),
        },
    ));
    below.push(kv(
        "auto-refresh",
        if tok.auto() {
            "on".to_string()
        } else {
            "off".to_string()
        },
    ));
    let state = if tok.signed_out() {
        Line::from(vec![
            Span::styled(format!("{:<LABEL$}", "state"), bold()),
            Span::styled(
                "SIGNED OUT — the token was revoked or expired; sign in again",
                Style::default().fg(Color::Red).add_modifier(Modifier::BOLD),
            ),
        ])
    } else if tok.is_refreshing() {
        kv("state", "refreshing…".to_string())
    } else if let Some(err) = tok.last_error() {
        let retry = tok
            .retry_at()
            .map(|t| {
                format!(
                    "; next try {}",
                    clock::until(t, now).replace("expired", "now")
                )
            })
            .unwrap_or_default();
        Line::from(vec![
            Span::styled(format!("{:<LABEL$}", "state"), bold()),
            Span::styled(
                fit(&format!("refresh failed: {err}{retry}"), w),
                Style::default().fg(Color::Red),
            ),
        ])
    } else {
        kv("state", "ok".to_string())
    };
    below.push(state);

    let mut y = area.y;
    let bottom = area.y + area.height;
    let put = |frame: &mut Frame, lines: Vec<Line>, y: &mut u16| {
        let h = (u16::try_from(lines.len()).unwrap_or(u16::MAX)).min(bottom - *y);
        frame.render_widget(
            Paragraph::new(lines),
            Rect {
                y: *y,
                height: h,
                ..area
            },
        );
        *y += h;
    };
    put(frame, top, &mut y);
    if let Some((r, label)) = ratio
        && y < bottom
    {
        let gauge = Gauge::default()
            .ratio(r)
            .label(format!("{label} left of the token's life"))
            .gauge_style(
                Style::default()
                    .fg(Color::Cyan)
                    .add_modifier(Modifier::BOLD),
            );
        frame.render_widget(
            gauge,
            Rect {
                y,
                height: 1,
                ..area
            },
        );
        y += 1;
    }
    put(frame, below, &mut y);
    if y + 2 >= bottom {
        return;
    }
    let widths = history_widths(area.width.saturating_sub(3));
    let rows: Vec<Row> = tok
        .history()
        .iter()
        .rev()
        .take(usize::from(bottom - y).saturating_sub(3))
        .map(|r| {
            let cells = [
                clock::absolute(r.at),
                r.old_token_id.as_deref().unwrap_or("—").to_string(),
                r.new_token.id.clone(),
                clock::absolute(r.new_token.expire),
                latency(r.latency),
                r.request_id.clone(),
            ];
            Row::new(
                cells
                    .iter()
                    .zip(widths)
                    .map(|(c, w)| fit(c, usize::from(w))),
            )
        })
        .collect();
    let table = Table::new(rows, widths.map(Constraint::Length))
        .header(
            Row::new([
                "AT",
                "OLD TOKEN",
                "NEW TOKEN",
                "NEW EXPIRY",
                "LATENCY",
                "REQUEST",
            ])
            .style(bold()),
        )
        .block(
            Block::bordered()
                .padding(Padding::left(1))
                .title(format!(" refresh history ({}) ", tok.history().len())),
        );
    frame.render_widget(
        table,
        Rect {
            y: y + 1,
            height: bottom - y - 1,
            ..area
        },
    );
}

/// Widths of the history columns (at, old token, new token, new expiry, latency,
/// request) in `inner` cells: the token ids get 24 cells, then the request id room for a
/// whole id (36), then the token ids grow to whole ids too.
fn history_widths(inner: u16) -> [u16; 6] {
    const ID: u16 = 36;
    let mut w = [20, 12, 12, 20, 7, 0];
    let mut spare = inner.saturating_sub(w.iter().sum::<u16>() + 5);
    for (i, upto) in [(1, 24), (2, 24), (5, ID), (1, ID), (2, ID)] {
        let add = spare.min(upto - w[i]);
        w[i] += add;
        spare -= add;
    }
    w
}

/// A refresh's latency in at most seven cells, the width of its column's title.
fn latency(d: std::time::Duration) -> String {
    match d.as_millis() {
        ms @ 0..10_000 => format!("{ms} ms"),
        _ => format!("{} s", d.as_secs()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_columns_fit_and_a_whole_request_id_gets_room_first() {
        for inner in [0, 40, 76, 117, 140, 200] {
            let w = history_widths(inner);
            let used = w.iter().sum::<u16>() + 5;
            assert!(used <= inner.max(76), "{inner}: {w:?}");
        }
        assert_eq!(history_widths(117)[1..3], [24, 24]);
        assert_eq!(history_widths(140)[5], 36, "a whole request id");
        assert_eq!(history_widths(200), [20, 36, 36, 20, 7, 36]);
        assert_eq!(latency(std::time::Duration::from_millis(87)), "87 ms");
        assert_eq!(latency(std::time::Duration::from_secs(12)), "12 s");
    }
}
