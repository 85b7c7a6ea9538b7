//! Drawing the Users tab: the query's sessions by user, ordered by any column.

use crate::authn::model::Order;
use crate::investigate::UserColumn;
use crate::tui::app::App;
use crate::tui::command::WalkGoal;
use crate::tui::strings;
use crate::tui::view::investigate::risk_style;
use crate::tui::view::investigate::{empty_text, lines, query_legend, walk_gauge};
use crate::tui::view::style::{bold, clean, dim, fit, reverse};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Draws the Users tab.
#[expect(
    clippy::too_many_lines,
    reason = "one table: its widths, header, rows and the footer read the same measured columns"
)]
pub(crate) fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let (top, body) = lines(area);
    if !walk_gauge(app, &[WalkGoal::Aggregate], frame, top) {
        query_legend(app, frame, top);
    }
    let u = app.users();
    if body.height == 0 {
        return;
    }
    if u.rows().is_empty() {
        frame.render_widget(Paragraph::new(empty_text(app)).style(dim()), body);
        return;
    }
    let (column, order) = u.ordering();
    // Ids are shown whole or not at all: the column is as wide as the widest one.
    let id_w = u
        .rows()
        .iter()
        .map(|r| crate::sanitize::width(&clean(&r.identity)))
        .max()
        .unwrap_or(0)
        .max("IDENTITY".len());
    let id_w = u16::try_from(id_w).unwrap_or(u16::MAX);
    let widths = [
        (UserColumn::Email, "EMAIL", 26u16),
        (UserColumn::Identity, "IDENTITY", id_w),
        (UserColumn::Sessions, "SESSIONS", 9),
        (UserColumn::Countries, "COUNTRIES", 12),
        (UserColumn::Devices, "DEVICES", 18),
        (UserColumn::LastLogin, "LAST LOGIN", 11),
        (UserColumn::Risk, "RISK", 20),
    ];
    // Narrow terminals drop devices, then countries, then identity.
    let drop = [
        UserColumn::Devices,
        UserColumn::Countries,
        UserColumn::Identity,
    ];
    let mut cols: Vec<_> = widths.to_vec();
    let total = |c: &[(UserColumn, &str, u16)]| c.iter().map(|(_, _, w)| w + 1).sum::<u16>();
    for d in drop {
        if total(&cols) <= area.width {
            break;
        }
        cols.retain(|(c, _, _)| *c != d);
    }
    let mut header = Vec::new();
    for (c, name, w) in &cols {
        let arrow = if *c == column {
            if order == Order::Asc { "↑" } else { "↓" }
        } else {
            ""
        };
        header.push(Span::styled(
            format!(
                "{:<width$} ",
                format!("{name}{arrow}"),
                width = usize::from(*w)
            ),
            bold(),
        ));
    }
    let mut out = vec![Line::from(header)];
    let rows = usize::from(body.height.saturating_sub(1));
    let offset = crate::tui::screens::table::state::scroll_offset(
        u.offset(),
        u.selected_index(),
        rows,
        u.rows().len(),
    );
    let now = app.now();
    for (i, r) in u.rows().iter().enumerate().skip(offset).take(rows) {
        let mut spans = Vec::new();
        for (c, _, w) in &cols {
            let w = usize::from(*w);
            let (text, style) = match c {
                UserColumn::Email => (fit(&r.email, w), Style::default()),
                UserColumn::Identity => (clean(&r.identity), dim()),
                UserColumn::Sessions => (
                    format!("{:>8}", strings::thousands(r.sessions)),
                    Style::default(),
                ),
                UserColumn::Countries => (fit(&set(&r.countries), w), Style::default()),
                UserColumn::Devices => (fit(&set(&r.devices), w), Style::default()),
                UserColumn::LastLogin => (
                    r.last_login
                        .map(|t| crate::clock::ago_coarse(t, now))
                        .unwrap_or_default(),
                    Style::default(),
                ),
                UserColumn::Risk => {
                    let flags = r.risk.flags();
                    let style = risk_style(app.theme(), &flags);
                    (whole_words(&flags, w), style)
                }
            };
            // Padded by cells, not chars, so wide characters keep the columns aligned.
            let pad = w.saturating_sub(crate::sanitize::width(&text));
            spans.push(Span::styled(format!("{text}{} ", " ".repeat(pad)), style));
        }
        let mut line = Line::from(spans);
        if i == u.selected_index() {
            line = line.style(reverse());
        }
        out.push(line);
    }
    frame.render_widget(Paragraph::new(out), body);
}

/// As many whole words as fit in `max` cells, then `+N` for the rest: a risk flag is never
/// cut in the middle.
fn whole_words(words: &[&str], max: usize) -> String {
    let mut out = String::new();
    for (i, word) in words.iter().enumerate() {
        let sep = usize::from(!out.is_empty());
        let left = words.len() - i - 1;
        // Room for this word, and for the `+N` of whatever follows it.
        let tail = if left > 0 {
            format!(" +{left}").len()
        } else {
            0
        };
        let word = clean(word);
        if crate::sanitize::width(&out) + sep + crate::sanitize::width(&word) + tail > max {
            let more = format!("+{}", words.len() - i);
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&more);
            return out;
        }
        if sep == 1 {
            out.push(' ');
        }
        out.push_str(&word);
    }
    out
}

fn set(s: &std::collections::BTreeSet<String>) -> String {
    let v: Vec<&str> = s.iter().map(String::as_str).collect();
    format!("{} {}", s.len(), v.join(","))
}
