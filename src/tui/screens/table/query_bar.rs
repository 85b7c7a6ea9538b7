//! The two lines above a session table: the query (or its editor) and the info line
//! (page, matches, marks, order, position; the filter in force; a caret under a mistake).

use super::state::Table;
use crate::authn::model::{Filter, Order, Timestamp};
use crate::number::{thousands, thousands_usize};
use crate::sanitize;
use crate::tui::app::App;
use crate::tui::command::ListSource;
use crate::tui::strings;
use crate::tui::view::style::{bold, clean, dim, fitted_owned};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// The query line: the editor while typing, else the query in force (or a hint).
pub(crate) fn query(app: &App, t: &Table, frame: &mut Frame, area: Rect) {
    if area.height == 0 {
        return;
    }
    let line = match app.editor() {
        Some(e) => {
            let before = e.before_cursor();
            let x = area.x as usize + 2 + sanitize::width(&before);
            if let Ok(x) = u16::try_from(x)
                && x < area.x + area.width
            {
                frame.set_cursor_position((x, area.y));
            }
            let mut spans = vec![Span::styled("/ ", bold())];
            if t.source() == ListSource::Sessions {
                spans.extend(crate::tui::view::investigate::query_spans(app, &e.text()));
            } else {
                spans.push(Span::raw(e.text()));
            }
            Line::from(spans)
        }
        None if t.query_text().is_empty() => Line::from(vec![
            Span::styled("/ ", bold()),
            Span::styled(strings::NO_QUERY_HINT, dim()),
        ]),
        None => {
            let mut spans = vec![Span::styled("/ ", bold())];
            spans.extend(crate::tui::view::investigate::query_spans(
                app,
                t.query_text(),
            ));
            Line::from(spans)
        }
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// The line under the query: a caret under a mistake, the filter while typing, else the
/// table's facts and its filter.
pub(crate) fn info(app: &App, t: &Table, frame: &mut Frame, area: Rect) {
    if area.height == 0 {
        return;
    }
    let danger = app.theme().danger();
    let line = match (t.query_error(), app.editor()) {
        (Some(err), Some(e)) => {
            let (pad, carets) = err.caret(&e.text());
            Line::from(vec![
                Span::raw(" ".repeat(2 + pad)),
                Span::styled("^".repeat(carets), danger),
                Span::styled(
                    format!(" {}", clean(&err.message)),
                    app.theme().danger_plain(),
                ),
            ])
        }
        (_, Some(_)) => {
            // While typing: the filter in force and, when it differs, what Enter would
            // send, both exactly as sent.
            let full = |f: &Filter| {
                if f.is_empty() {
                    "none".to_string()
                } else {
                    clean(&crate::query::explain(f))
                }
            };
            let text = match app.query_preview() {
                Some(preview) if preview != t.filter() => {
                    format!("  filter {} → {} on enter", full(t.filter()), full(preview))
                }
                _ => format!("  filter {}", full(t.filter())),
            };
            Line::from(Span::styled(text, dim()))
        }
        (_, None) => {
            let mut parts = facts(app, t);
            if !t.filter().is_empty() {
                parts.push(format!("filter {}", clean(&short_filter(t.filter()))));
            }
            let text = fitted_owned(format!("  {}", parts.join(" · ")), usize::from(area.width));
            Line::from(Span::styled(text, dim()))
        }
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// The facts that come first on the info line, so a narrow terminal keeps them: page,
/// matches, marks, order, row position, then pause and loading.
fn facts(app: &App, t: &Table) -> Vec<String> {
    // A sorted result keeps its first sessions only: its pages are those kept.
    let kept = t
        .local_matches()
        .filter(|_| t.local_sort().is_some())
        .map(|m| m.kept() as u64)
        .filter(|k| t.count().is_some_and(|n| *k < n));
    let pages = kept.or(t.count()).map(|n| {
        let size = u64::from(t.page_size.max(1));
        thousands(n.div_ceil(size).max(1))
    });
    let mut parts = vec![strings::page_of(
        &thousands_usize(t.page_number()),
        pages.as_deref(),
        t.has_more(),
    )];
    if let Some(n) = t.count() {
        parts.push(strings::matched(&thousands(n)));
    }
    if let Some(k) = kept {
        parts.push(strings::sorted_first(&thousands(k)));
    }
    if let (Some(_), Some(at)) = (t.local_matches(), t.last_loaded()) {
        parts.push(strings::walked_ago(&crate::clock::ago_coarse(
            at,
            app.now(),
        )));
    }
    if !t.marks().is_empty() {
        let hidden = t.marks_not_visible();
        parts.push(strings::marked_count(t.marks().len(), hidden));
    }
    let by = t.local_sort().map_or(t.order_by().as_str(), |l| l.as_str());
    parts.push(strings::order_label(by, t.order() == Order::Desc));
    if !t.rows().is_empty() {
        parts.push(strings::position(
            &thousands_usize(t.selected_index() + 1),
            &thousands_usize(t.rows().len()),
        ));
    }
    if app.paused() {
        parts.push(strings::auto_reload(true));
    }
    if t.is_loading() {
        parts.push(strings::LOADING.to_string());
    }
    parts
}

/// The filter in force, as [`crate::query::explain`] writes it but with times to the
/// second: the info line shows what is filtered, the editor shows exactly what is sent.
fn short_filter(f: &Filter) -> String {
    let terms: Vec<String> =
        f.0.iter()
            .map(|(k, v)| match v {
                serde_json::Value::String(text) => match text.parse::<Timestamp>() {
                    Ok(at) => format!("{k}={}", at.strftime("%Y-%m-%dT%H:%M:%SZ")),
                    Err(_) => format!("{k}={v}"),
                },
                _ => format!("{k}={v}"),
            })
            .collect();
    terms.join(" ")
}
