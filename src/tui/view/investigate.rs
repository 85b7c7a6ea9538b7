//! The Users and Insights tabs, the walk's progress gauge and the query bar's
//! server/local colouring.

use super::style::{bold, clean, dim, fit, reverse};
use crate::authn::model::Order;
use crate::investigate::UserColumn;
use crate::query::Side;
use crate::tui::app::{App, Bar, Chart, Tab};
use crate::tui::command::WalkGoal;
use crate::tui::keymap::Action;
use crate::tui::strings;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{BarChart, BarGroup, Block, Gauge, Paragraph};

/// A query line as spans, each term coloured by who decides it (server or local), with a
/// legend when any term is local. A line that does not compile is drawn plain.
pub(crate) fn query_spans(app: &App, text: &str) -> Vec<Span<'static>> {
    let Ok(q) = crate::query::compile_query(text, app.now()) else {
        return vec![Span::raw(clean(text))];
    };
    let mut spans = Vec::new();
    let mut at = 0;
    for (range, side) in &q.sides {
        if let Some(gap) = text.get(at..range.start) {
            spans.push(Span::raw(clean(gap)));
        }
        let style = match side {
            Side::Server => app.theme().server(),
            Side::Local => app.theme().local(),
        };
        if let Some(term) = text.get(range.clone()) {
            spans.push(Span::styled(clean(term), style));
        }
        at = range.end.max(at);
    }
    if let Some(rest) = text.get(at..) {
        spans.push(Span::raw(clean(rest)));
    }
    if q.has_local() {
        spans.push(Span::raw("   "));
        spans.push(Span::styled(strings::SERVER_SIDE, app.theme().server()));
        spans.push(Span::raw(" · "));
        spans.push(Span::styled(strings::LOCAL_SIDE, app.theme().local()));
    }
    spans
}

/// The gauge of a walk of `goal` in flight, drawn in `area` (one line); false when none.
pub(crate) fn walk_gauge(app: &App, goals: &[WalkGoal], frame: &mut Frame, area: Rect) -> bool {
    let Some(w) = app.walk().filter(|w| goals.contains(&w.goal)) else {
        return false;
    };
    if area.height == 0 {
        return true;
    }
    let p = w.progress;
    let key = app.keymap().keys_label(Action::Back);
    let label = strings::walk_progress(p.pages, p.scanned, p.matches, &key);
    // The total is not known before the last page: the bar shows the share of scanned
    // sessions that matched, which is what the gauge's numbers say too.
    let ratio = if p.scanned == 0 {
        0.0
    } else {
        p.matches as f64 / p.scanned as f64
    };
    let gauge = Gauge::default()
        .gauge_style(app.theme().progress())
        .ratio(ratio.clamp(0.0, 1.0))
        .label(Span::styled(label, bold()));
    frame.render_widget(gauge, area);
    true
}

fn lines(area: Rect) -> (Rect, Rect) {
    let top = Rect {
        height: area.height.min(1),
        ..area
    };
    let rest = Rect {
        y: area.y.saturating_add(1),
        height: area.height.saturating_sub(1),
        ..area
    };
    (top, rest)
}

/// Draws the Users tab.
pub(super) fn users(app: &App, frame: &mut Frame, area: Rect) {
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

/// Red for a bad verdict or an embargo, yellow for the rest.
pub(crate) fn risk_style(theme: &Theme, flags: &[&str]) -> Style {
    if flags.iter().any(|f| matches!(*f, "malicious" | "embargo")) {
        theme.danger()
    } else if flags.is_empty() {
        Style::default()
    } else {
        theme.warning()
    }
}

fn empty_text(app: &App) -> &'static str {
    if !app.tabs().contains(&Tab::Users) {
        strings::NEEDS_SERVICE
    } else if app.walk().is_some() {
        strings::NO_FIGURES_YET
    } else {
        strings::NO_SESSIONS
    }
}

fn query_legend(app: &App, frame: &mut Frame, area: Rect) {
    let text = app
        .table(crate::tui::command::ListSource::Sessions)
        .query_text();
    let mut spans = vec![Span::styled("/ ", bold())];
    if text.is_empty() {
        spans.push(Span::styled(strings::NO_QUERY_HINT, dim()));
    } else {
        spans.extend(query_spans(app, text));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// Draws the Insights tab.
pub(super) fn insights(app: &App, frame: &mut Frame, area: Rect) {
    let (top, body) = lines(area);
    if !walk_gauge(app, &[WalkGoal::Aggregate], frame, top) {
        query_legend(app, frame, top);
    }
    if body.height == 0 {
        return;
    }
    let view = app.insights();
    let bars = view.bars();
    if bars.is_empty() {
        frame.render_widget(Paragraph::new(empty_text(app)).style(dim()), body);
        return;
    }
    let selected = view.selected_index();
    let [chart_area, rest] =
        Layout::vertical([Constraint::Percentage(45), Constraint::Fill(1)]).areas(body);
    let per = match view.bucket() {
        crate::investigate::Bucket::Hour => "hour",
        crate::investigate::Bucket::Day => "day",
    };
    let logins: Vec<(usize, &Bar)> = indexed(&bars, Chart::Logins);
    let width = chart_area.width.saturating_sub(2);
    let n = u16::try_from(logins.len().max(1)).unwrap_or(u16::MAX);
    let bar_width = (width / n).saturating_sub(1).clamp(1, 6);
    let hour = view.bucket() == crate::investigate::Bucket::Hour;
    let chart_bars: Vec<ratatui::widgets::Bar> = logins
        .iter()
        .map(|(i, b)| {
            let style = if *i == selected {
                app.theme().warning().add_modifier(Modifier::REVERSED)
            } else {
                app.theme().good()
            };
            ratatui::widgets::Bar::default()
                .value(b.value)
                .label(Line::from(bar_label(&b.label, hour, bar_width)))
                .style(style)
                .value_style(style.add_modifier(Modifier::REVERSED))
        })
        .collect();
    let chart = BarChart::default()
        .block(Block::bordered().title(format!(" logins per {per} ")))
        .data(BarGroup::default().bars(&chart_bars))
        .bar_width(bar_width)
        .bar_gap(1);
    frame.render_widget(chart, chart_area);
    let columns = Layout::horizontal([Constraint::Fill(1); 4]).split(rest);
    for (k, (chart, title)) in [
        (Chart::Countries, " countries "),
        (Chart::Devices, " devices "),
        (Chart::Risk, " risk "),
        (Chart::Expiring, " expiring within "),
    ]
    .into_iter()
    .enumerate()
    {
        hbars(
            app.theme(),
            &indexed(&bars, chart),
            selected,
            title,
            frame,
            columns[k],
        );
    }
}

/// A time bar's label whole, or its short form (the hour, the day of the month) when the
/// bar is too narrow, or nothing: never a cut one such as `18:`.
fn bar_label(label: &str, hour: bool, width: u16) -> String {
    let width = usize::from(width);
    let short = if hour {
        label.split(':').next().unwrap_or(label)
    } else {
        label.rsplit('-').next().unwrap_or(label)
    };
    [label, short]
        .into_iter()
        .find(|l| crate::sanitize::width(l) <= width)
        .unwrap_or("")
        .to_string()
}

fn indexed(bars: &[Bar], chart: Chart) -> Vec<(usize, &Bar)> {
    bars.iter()
        .enumerate()
        .filter(|(_, b)| b.chart == chart)
        .collect()
}

/// A chart of horizontal bars: label, bar, value; the selected one reversed.
fn hbars(
    theme: &Theme,
    bars: &[(usize, &Bar)],
    selected: usize,
    title: &str,
    frame: &mut Frame,
    area: Rect,
) {
    let block = Block::bordered().title(title.to_string());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let label_w = bars
        .iter()
        .map(|(_, b)| crate::sanitize::width(&clean(&b.label)))
        .max()
        .unwrap_or(0)
        .min(usize::from(inner.width / 3));
    let max = bars.iter().map(|(_, b)| b.value).max().unwrap_or(0).max(1);
    let mut lines = Vec::new();
    for (i, b) in bars {
        let value = strings::thousands(b.value);
        let room = usize::from(inner.width).saturating_sub(label_w + value.len() + 2);
        let len = usize::try_from(b.value.saturating_mul(room as u64) / max).unwrap_or(room);
        let style = match (b.chart, b.label.as_str()) {
            (Chart::Risk, "malicious" | "embargo") => theme.danger_plain(),
            (Chart::Risk, "not provided") => theme.faint(),
            (Chart::Risk | Chart::Expiring, _) => theme.warning(),
            _ => theme.good(),
        };
        let mut line = Line::from(vec![
            Span::raw(format!("{:<label_w$} ", fit(&b.label, label_w))),
            Span::styled("█".repeat(len), style),
            Span::raw(format!(" {value}")),
        ]);
        if *i == selected {
            line = line.style(reverse());
        }
        lines.push(line);
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
