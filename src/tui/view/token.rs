//! The Token tab: masked token, live countdown, refresh schedule, failures and history.

use super::{bold, clean, dim, fit};
use crate::tui::app::App;
use crate::tui::app::clock;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Gauge, Paragraph, Row, Table};

const LABEL: usize = 14;

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
        "session",
        match tok.session_expire() {
            Some(t) => format!("expires {} ({})", clock::absolute(t), clock::until(t, now)),
            None => "expiry unknown until the session shows up in a list".to_string(),
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
    let rows: Vec<Row> = tok
        .history()
        .iter()
        .rev()
        .take(usize::from(bottom - y).saturating_sub(3))
        .map(|r| {
            Row::new(vec![
                clock::absolute(r.at),
                fit(r.old_token_id.as_deref().unwrap_or("—"), 24),
                fit(&r.new_token.id, 24),
                clock::absolute(r.new_token.expire),
                format!("{} ms", r.latency.as_millis()),
                clean(&r.request_id),
            ])
        })
        .collect();
    let table = Table::new(
        rows,
        [
            Constraint::Length(20),
            Constraint::Length(24),
            Constraint::Length(24),
            Constraint::Length(20),
            Constraint::Length(8),
            Constraint::Fill(1),
        ],
    )
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
    .block(Block::bordered().title(format!(" refresh history ({}) ", tok.history().len())));
    frame.render_widget(
        table,
        Rect {
            y: y + 1,
            height: bottom - y - 1,
            ..area
        },
    );
}
