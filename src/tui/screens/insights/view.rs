//! Drawing the Insights tab: logins over time, then the risk, expiry and type charts.

use crate::tui::app::{App, Bar, Chart};
use crate::tui::command::WalkGoal;
use crate::tui::strings;
use crate::tui::theme::Theme;
use crate::tui::view::investigate::{empty_text, lines, query_legend, walk_gauge};
use crate::tui::view::style::{clean, dim, fit, reverse};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{BarChart, BarGroup, Block, Paragraph};

/// Draws the Insights tab.
pub(crate) fn draw(app: &App, frame: &mut Frame, area: Rect) {
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
