//! What the Users and Insights tabs and the tables share in drawing a walk's result: the
//! walk's progress gauge, a query line coloured by who decides each term (server or
//! local), risk flags' style, the line the two tabs keep for the query or the gauge.

use super::style::{bold, clean, dim};
use crate::query::Side;
use crate::tui::app::{App, Tab};
use crate::tui::command::WalkGoal;
use crate::tui::keymap::Action;
use crate::tui::strings;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Gauge, Paragraph};

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

pub(crate) fn lines(area: Rect) -> (Rect, Rect) {
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

pub(crate) fn empty_text(app: &App) -> &'static str {
    if !app.tabs().contains(&Tab::Users) {
        strings::NEEDS_SERVICE
    } else if app.walk().is_some() {
        strings::NO_FIGURES_YET
    } else {
        strings::NO_SESSIONS
    }
}

pub(crate) fn query_legend(app: &App, frame: &mut Frame, area: Rect) {
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
