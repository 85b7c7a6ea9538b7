//! The Token tab: masked token, live countdown, refresh schedule, failures and history.

use crate::authn::model::Timestamp;
use crate::clock;
use crate::tui::app::{App, Phase};
use crate::tui::keymap::Action;
use crate::tui::strings;
use crate::tui::theme::Theme;
use crate::tui::view::style::{bold, dim, fit};
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

pub(crate) fn draw(app: &App, frame: &mut Frame, area: Rect) {
    if area.height == 0 {
        return;
    }
    if !app.setup.has_user_token {
        let msg = Paragraph::new(strings::NO_USER_TOKEN_TAB).style(dim());
        frame.render_widget(msg, area);
        return;
    }
    let w = usize::from(area.width).saturating_sub(LABEL);
    let (top, ratio) = token_lines(app, w);
    let below = schedule_lines(app, w);

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
        let gauge = Gauge::default().ratio(r).label(label).gauge_style(
            Style::default()
                .fg(gauge_colour(app.theme(), r))
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
    let intel = intelligence_lines(app, w);
    put(frame, intel, &mut y);
    // The life chart takes five lines when the history still gets a few rows below it.
    if y + 10 < bottom {
        life_chart(
            app,
            frame,
            Rect {
                y,
                height: 5,
                ..area
            },
        );
        y += 5;
    }
    if y + 2 >= bottom {
        return;
    }
    let history = Rect {
        y: y + 1,
        height: bottom - y - 1,
        ..area
    };
    draw_history(app, frame, history);
}

/// The token itself: mask, id, user, expiry; and the gauge's share of life left.
fn token_lines(app: &App, w: usize) -> (Vec<Line<'static>>, Option<(f64, String)>) {
    let now = app.now();
    let tok = app.token();
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
            let life_ms = clock::millis(info.created_at, info.expire).max(1);
            let left_ms = clock::millis(now, info.expire).max(0);
            let label = if left_ms == 0 {
                "expired".to_string()
            } else {
                format!(
                    "{} left of {}",
                    clock::short(left_ms / 1000),
                    clock::short(life_ms / 1000)
                )
            };
            ratio = Some(((left_ms as f64 / life_ms as f64).clamp(0.0, 1.0), label));
        }
        None => top.push(kv("token id", strings::NOT_CHECKED.to_string())),
    }
    (top, ratio)
}

/// When the next refresh is due, the session's end, auto-refresh, and the state line.
fn schedule_lines(app: &App, w: usize) -> Vec<Line<'static>> {
    let now = app.now();
    let tok = app.token();
    let mut below = Vec::new();
    if let (Some(at), Some(rule)) = (
        tok.refresh_at(&app.setup.policy),
        tok.rule_text(&app.setup.policy),
    ) && !tok.ending()
        && !tok.signed_out()
    {
        below.push(kv(
            "refresh at",
            format!(
                "{} ({}) — {rule}",
                clock::absolute(at),
                clock::until(at, now).replace("expired", "due"),
            ),
        ));
    }
    below.push(kv(
        "session expiry",
        match tok.session_expire() {
            Some(t) => format!("{} ({})", clock::absolute(t), clock::until(t, now)),
            None => strings::NOT_LOADED.to_string(),
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
    let keys = Keys {
        refresh: app.keymap().keys_label(Action::RefreshNow),
        auto: app.keymap().keys_label(Action::ToggleAutoRefresh),
    };
    let refreshed = !tok.history().is_empty();
    below.push(state_line(
        app.theme(),
        tok.phase(now),
        now,
        w,
        &keys,
        refreshed,
    ));
    below
}

/// The refresh history, newest first, as many rows as fit.
fn draw_history(app: &App, frame: &mut Frame, area: Rect) {
    let tok = app.token();
    let widths = history_widths(area.width.saturating_sub(3));
    let rows: Vec<Row> = tok
        .history()
        .iter()
        .rev()
        .take(usize::from(area.height).saturating_sub(2))
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
    frame.render_widget(table, area);
}

/// Good with most of the life left, a warning under half, danger under a fifth.
fn gauge_colour(theme: &Theme, left: f64) -> Color {
    if left < 0.2 {
        theme.danger
    } else if left < 0.5 {
        theme.warning
    } else {
        theme.good
    }
}

/// The keys the state line names, as bound.
struct Keys {
    refresh: String,
    auto: String,
}

/// The `state` line: one distinct text per [`Phase`].
fn state_line(
    theme: &Theme,
    phase: Phase,
    now: Timestamp,
    w: usize,
    keys: &Keys,
    refreshed: bool,
) -> Line<'static> {
    let red = theme.danger();
    let yellow = theme.warning();
    let (text, style) = match phase {
        Phase::Unchecked => (strings::NOT_CHECKED.to_string(), dim()),
        Phase::Ok if refreshed => (strings::STATE_OK.to_string(), Style::default()),
        Phase::Ok => (strings::STATE_OK_AUTO.to_string(), Style::default()),
        Phase::AutoOff { expired: false } => (strings::auto_off(&keys.refresh, &keys.auto), yellow),
        Phase::AutoOff { expired: true } => (strings::expired_auto_off(&keys.refresh), red),
        Phase::Refreshing => (strings::REFRESHING.to_string(), yellow),
        Phase::ExpiredRefreshing => (strings::EXPIRED_REFRESHING.to_string(), yellow),
        Phase::Retrying { at, why } => (
            strings::state_retrying(&clock::until(at, now).replace("expired", "now"), &why),
            theme.danger_plain(),
        ),
        Phase::SessionEnding { at } => (
            strings::session_ends(&at.strftime("%H:%M").to_string(), &clock::until(at, now)),
            red,
        ),
        Phase::SignedOut(why) => (strings::state_signed_out(why.explain()), red),
    };
    Line::from(vec![
        Span::styled(format!("{:<LABEL$}", "state"), bold()),
        Span::styled(fit(&text, w), style),
    ])
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

/// Where the token was used from and how risky that is, as the server's intelligence
/// says; says so when the server sent none.
fn intelligence_lines(app: &App, w: usize) -> Vec<Line<'static>> {
    let Some(info) = app.token().info() else {
        return Vec::new();
    };
    let intel = info.intelligence.as_ref();
    let risk = crate::investigate::Risk::of_intel(intel);
    if !risk.provided {
        return vec![kv("intelligence", strings::INTEL_NOT_PROVIDED.to_string()).style(dim())];
    }
    let place = crate::investigate::facts::location_in(intel)
        .unwrap_or_else(|| strings::INTEL_NOT_PROVIDED.to_string());
    let flags = risk.flags();
    let (text, style) = if flags.is_empty() {
        (strings::NOTHING_FLAGGED.to_string(), app.theme().good())
    } else {
        (
            flags.join(" "),
            crate::tui::view::investigate::risk_style(app.theme(), &flags),
        )
    };
    vec![
        kv("location", fit(&place, w)),
        Line::from(vec![
            Span::styled(format!("{:<LABEL$}", "risk"), bold()),
            Span::styled(text, style),
        ]),
    ]
}

/// The token's remaining life over time as a sparkline, each refresh marked under it.
fn life_chart(app: &App, frame: &mut Frame, area: Rect) {
    let block = Block::bordered()
        .padding(Padding::left(1))
        .title(strings::LIFE_CHART_TITLE);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(chart) = app.token().life_chart(app.now(), usize::from(inner.width)) else {
        return;
    };
    let spark = ratatui::widgets::Sparkline::default()
        .data(&chart.values)
        .style(app.theme().good());
    frame.render_widget(
        spark,
        Rect {
            height: inner.height.saturating_sub(1),
            ..inner
        },
    );
    let mut marks = vec![' '; usize::from(inner.width)];
    for m in &chart.marks {
        if let Some(c) = marks.get_mut(*m) {
            *c = '▲';
        }
    }
    let line: String = marks.into_iter().collect();
    frame.render_widget(
        Paragraph::new(Span::styled(line, app.theme().server())),
        Rect {
            y: inner.y + inner.height.saturating_sub(1),
            height: 1,
            ..inner
        },
    );
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
