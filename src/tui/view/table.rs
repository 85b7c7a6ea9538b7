//! The query bar and the session table. Only the visible window of rows is ever touched.
//!
//! Past 600 lines only with its unit tests (about 200 lines of column-fitting cases); the
//! drawing itself is about 410.

use super::style::{bold, clean, dim, fit, reverse};
use crate::authn::model::Timestamp;
use crate::authn::model::{Filter, Order, OrderBy, Session};
use crate::clock;
use crate::sanitize;
use crate::tui::app::App;
use crate::tui::app::table::{Table, scroll_offset};
use crate::tui::command::ListSource;
use crate::tui::strings;
use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};
use std::borrow::Cow;
use std::rc::Rc;

/// Table columns, in display order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Id,
    Email,
    Identity,
    Type,
    Created,
    Expires,
    TokenExp,
    Scopes,
}

/// Width of the time columns: a title with its order arrow (`CREATED ▼`) and every
/// [`clock::ago_coarse`] / [`clock::until_coarse`] value (`47m ago`, `in 23h`).
const TIME: u16 = 9;

/// (column, title, min width)
const COLUMNS: [(Col, &str, u16); 8] = [
    (Col::Id, "ID", 14),
    (Col::Email, "EMAIL", 12),
    (Col::Identity, "IDENTITY", 14),
    (Col::Type, "TYPE", 7),
    (Col::Created, "CREATED", TIME),
    (Col::Expires, "EXPIRES", TIME),
    (Col::TokenExp, "TOKEN EXP", TIME),
    (Col::Scopes, "SCOPES", 8),
];

/// Which columns go first when the terminal is narrow.
const DROP_ORDER: [Col; 7] = [
    Col::Scopes,
    Col::Identity,
    Col::TokenExp,
    Col::Type,
    Col::Created,
    Col::Email,
    Col::Expires,
];

/// How spare width is handed out, in turn: each column grows up to the width given.
/// Ids are 36 cells; the scopes take whatever is left once everything else is whole.
const GROW: [(Col, u16); 6] = [
    (Col::Email, 30),
    (Col::Scopes, 20),
    (Col::Id, 36),
    (Col::Type, 8),
    (Col::Identity, 36),
    (Col::Scopes, u16::MAX),
];

/// Width of the marker column: selection, mark, in-flight.
const MARKER: u16 = 3;

/// The columns that fit in `width` cells and their widths.
fn layout(width: u16) -> Vec<(Col, &'static str, u16)> {
    let mut cols: Vec<(Col, &str, u16)> = COLUMNS.to_vec();
    let need =
        |cols: &[(Col, &str, u16)]| -> u16 { cols.iter().map(|c| c.2 + 1).sum::<u16>() + MARKER };
    for drop in DROP_ORDER {
        if need(&cols) <= width {
            break;
        }
        cols.retain(|c| c.0 != drop);
    }
    let mut extra = width.saturating_sub(need(&cols));
    for (grow, upto) in GROW {
        if let Some(c) = cols.iter_mut().find(|c| c.0 == grow) {
            let add = extra.min(upto.saturating_sub(c.2));
            extra -= add;
            c.2 += add;
        }
    }
    cols
}

fn order_column(o: OrderBy) -> Option<Col> {
    match o {
        OrderBy::Id => Some(Col::Id),
        OrderBy::CreatedAt => Some(Col::Created),
        OrderBy::Type => Some(Col::Type),
        OrderBy::Identity => Some(Col::Identity),
        OrderBy::Email => Some(Col::Email),
        OrderBy::Expire => Some(Col::Expires),
        OrderBy::ActiveTokenId => None,
    }
}

fn arrow(o: Order) -> &'static str {
    match o {
        Order::Asc => "▲",
        Order::Desc => "▼",
    }
}

/// Server text made safe and cut to `max` cells, borrowed when it is already both.
fn fitted(s: &str, max: usize) -> Cow<'_, str> {
    let clean = sanitize::clean(s);
    if sanitize::width(&clean) <= max {
        clean
    } else {
        Cow::Owned(fit(s, max))
    }
}

/// [`fitted`] for text made for this frame, which it keeps when it fits.
fn fitted_owned(s: String, max: usize) -> String {
    if sanitize::width(&s) <= max && !s.chars().any(sanitize::is_unsafe) {
        s
    } else {
        fit(&s, max)
    }
}

/// Marks the session of authtop's own user token, in both tables.
const OWN_MARK: &str = "★ you ";

/// One cell; `own` puts [`OWN_MARK`] before the email.
fn cell(s: &Session, col: Col, width: u16, now: Timestamp, own: bool) -> Cow<'_, str> {
    let w = usize::from(width);
    match col {
        Col::Id => fitted(&s.id, w),
        Col::Email if own => Cow::Owned(fitted_owned(
            format!("{OWN_MARK}{}", sanitize::clean(&s.email)),
            w,
        )),
        Col::Email => fitted(&s.email, w),
        Col::Identity => fitted(&s.identity, w),
        Col::Type => fitted(&s.kind, w),
        Col::Created => Cow::Owned(fitted_owned(clock::ago_coarse(s.created_at, now), w)),
        Col::Expires => Cow::Owned(fitted_owned(clock::until_coarse(s.expire, now), w)),
        Col::TokenExp => match &s.active_token {
            Some(t) => Cow::Owned(fitted_owned(clock::until_coarse(t.expire, now), w)),
            None => Cow::Borrowed("—"),
        },
        Col::Scopes => match &s.scopes {
            Some(v) => Cow::Owned(fitted_owned(v.join(","), w)),
            None => Cow::Borrowed("—"),
        },
    }
}

/// Writes one line of (clean) text into `area`, cut at its right edge: the cells end up
/// exactly as a ratatui table cell holding that text would leave them. Plain ASCII, by
/// far the common case, skips grapheme segmentation.
fn put(buf: &mut Buffer, area: Rect, text: &str) {
    let area = area.intersection(buf.area);
    if area.is_empty() || text.is_empty() {
        return;
    }
    if text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        let n = text.len().min(usize::from(area.width));
        let start = buf.index_of(area.x, area.y);
        for (c, b) in buf.content[start..start + n].iter_mut().zip(text.bytes()) {
            c.set_char(char::from(b));
        }
    } else if sanitize::width(text) > 0 {
        Span::raw(text).render(area, buf);
    }
}

/// Where each column starts and how wide it is, as a ratatui table with these widths
/// and one cell between columns places them (no selection column).
fn column_rects(widths: Vec<Constraint>, width: u16) -> Rc<[Rect]> {
    let [_, columns] = Layout::horizontal([Constraint::Length(0), Constraint::Fill(0)])
        .areas(Rect::new(0, 0, width, 1));
    Layout::horizontal(widths)
        .flex(Flex::Start)
        .spacing(1)
        .split(columns)
}

/// Draws the header and the visible rows straight into the buffer, cell for cell what a
/// ratatui `Table` would draw, without building a widget tree every frame.
fn draw_rows(app: &App, t: &Table, cols: &[(Col, &str, u16)], frame: &mut Frame, area: Rect) {
    let widths: Vec<Constraint> = std::iter::once(MARKER)
        .chain(cols.iter().map(|c| c.2))
        .map(Constraint::Length)
        .collect();
    let rects = column_rects(widths, area.width);
    let at = |i: usize, y: u16| {
        rects.get(i).map(|r| Rect {
            x: area.x + r.x,
            y,
            width: r.width,
            height: 1,
        })
    };
    let buf = frame.buffer_mut();
    let header = Rect { height: 1, ..area };
    buf.set_style(header, bold().add_modifier(Modifier::UNDERLINED));
    for (i, (col, title, _)) in cols.iter().enumerate() {
        let title = if order_column(t.order_by()) == Some(*col) {
            Cow::Owned(format!("{title} {}", arrow(t.order())))
        } else {
            Cow::Borrowed(*title)
        };
        if let Some(r) = at(i + 1, area.y) {
            put(buf, r, &title);
        }
    }
    let height = usize::from(area.height - 1);
    let rows = t.rows();
    let offset = scroll_offset(t.offset(), t.selected_index(), height, rows.len());
    let end = (offset + height).min(rows.len());
    let visible = rows.get(offset..end).unwrap_or(&[]);
    let now = app.now();
    for (i, s) in visible.iter().enumerate() {
        let y = area.y + 1 + i as u16;
        let selected = offset + i == t.selected_index();
        let busy = app.is_busy(s);
        let own = app.is_own_session(s);
        let style = if selected {
            reverse()
        } else if busy {
            dim()
        } else {
            Style::default()
        };
        if style != Style::default() {
            buf.set_style(Rect { y, ..header }, style);
        }
        let marker: String = [
            if selected { '▶' } else { ' ' },
            if t.is_marked(&s.id) { '●' } else { ' ' },
            if busy { '⟳' } else { ' ' },
        ]
        .into_iter()
        .collect();
        if let Some(r) = at(0, y) {
            put(buf, r, &marker);
        }
        for (c, (col, _, w)) in cols.iter().enumerate() {
            if let Some(r) = at(c + 1, y) {
                put(buf, r, &cell(s, *col, *w, now, own));
            }
        }
    }
}

/// Draws the query lines and the table of one source into `area`.
pub(super) fn draw(app: &App, source: ListSource, frame: &mut Frame, area: Rect) {
    let t = app.table(source);
    let line = |i: u16| Rect {
        y: area.y.saturating_add(i),
        height: u16::from(area.height > i),
        ..area
    };
    query_line(app, t, frame, line(0));
    info_line(app, t, frame, line(1));
    let table_area = Rect {
        y: area.y.saturating_add(2),
        height: area.height.saturating_sub(2),
        ..area
    };
    if table_area.height == 0 {
        return;
    }
    if source == ListSource::Sessions && !app.has_service {
        let msg = Paragraph::new(strings::NO_SERVICE_TOKEN).style(dim());
        frame.render_widget(msg, table_area);
        return;
    }
    let cols = layout(area.width);
    draw_rows(app, t, &cols, frame, table_area);
    let rows = t.rows();
    if rows.is_empty() && table_area.height > 1 {
        let failed;
        let msg = if t.is_loading() {
            strings::LOADING
        } else if let Some(cause) = t.load_error() {
            let key = app.keymap().keys_label(crate::tui::keymap::Action::Reload);
            failed = strings::could_not_load(cause, &key);
            failed.as_str()
        } else if t.query_text().is_empty() {
            strings::NO_SESSIONS
        } else {
            strings::NO_MATCHES
        };
        let r = Rect {
            y: table_area.y + 1,
            height: 1,
            ..table_area
        };
        let style = if t.load_error().is_some() && !t.is_loading() {
            Style::default().fg(ratatui::style::Color::Red)
        } else {
            dim()
        };
        frame.render_widget(
            Paragraph::new(format!("   {}", clean(msg)))
                .wrap(ratatui::widgets::Wrap { trim: false })
                .style(style),
            Rect {
                height: table_area.height - 1,
                ..r
            },
        );
    }
}

fn query_line(app: &App, t: &Table, frame: &mut Frame, area: Rect) {
    if area.height == 0 {
        return;
    }
    let line = match app.editor() {
        Some(e) => {
            let before = e.before_cursor();
            let x = area.x as usize + 2 + sanitize::width(&before);
            if x < (area.x + area.width) as usize {
                frame.set_cursor_position((x as u16, area.y));
            }
            Line::from(vec![Span::styled("/ ", bold()), Span::raw(e.text())])
        }
        None if t.query_text().is_empty() => Line::from(vec![
            Span::styled("/ ", bold()),
            Span::styled(strings::NO_QUERY_HINT, dim()),
        ]),
        None => Line::from(vec![
            Span::styled("/ ", bold()),
            Span::raw(t.query_text().to_string()),
        ]),
    };
    frame.render_widget(Paragraph::new(line), area);
}

fn info_line(app: &App, t: &Table, frame: &mut Frame, area: Rect) {
    if area.height == 0 {
        return;
    }
    let line = match (t.query_error(), app.editor()) {
        (Some(err), Some(e)) => {
            let (pad, carets) = err.caret(&e.text());
            Line::from(vec![
                Span::raw(" ".repeat(2 + pad)),
                Span::styled(
                    "^".repeat(carets),
                    Style::default().fg(Color::Red).add_modifier(Modifier::BOLD),
                ),
                Span::styled(
                    format!(" {}", clean(&err.message)),
                    Style::default().fg(Color::Red),
                ),
            ])
        }
        _ => {
            let explain = |f: &Filter| {
                if f.is_empty() {
                    "none".to_string()
                } else {
                    clean(&crate::query::explain(f))
                }
            };
            // While typing, what Enter would send next to what is in force.
            let filter = match (app.editor(), app.query_preview()) {
                (Some(_), Some(preview)) if preview != t.filter() => format!(
                    "filter {} → {} on enter",
                    explain(t.filter()),
                    explain(preview)
                ),
                _ => format!("filter {}", explain(t.filter())),
            };
            let mut parts = vec![
                filter,
                format!("order {} {}", t.order_by(), arrow(t.order())),
                format!(
                    "page {}{}",
                    t.page_number(),
                    if t.has_more() { " · more ›" } else { "" }
                ),
            ];
            if let Some(n) = t.count() {
                parts.push(format!("{n} matched"));
            }
            if !t.marks().is_empty() {
                let hidden = t.marks_not_visible();
                parts.push(strings::marked_count(t.marks().len(), hidden));
            }
            if app.paused() {
                parts.push(strings::auto_reload(true));
            }
            if t.is_loading() {
                parts.push(strings::LOADING.to_string());
            }
            Line::from(Span::styled(format!("  {}", parts.join(" · ")), dim()))
        }
    };
    frame.render_widget(Paragraph::new(line), area);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::authn::model::TokenInfo;
    use crate::tui::app::AppInit;
    use crate::tui::command::{Command, Event, EventKind, Msg, Outcome, Page};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use ratatui::widgets::{Cell, Row};
    use std::collections::BTreeMap;

    fn now() -> Timestamp {
        "2026-03-01T12:00:00Z".parse().unwrap()
    }

    fn session(n: usize, email: &str) -> Session {
        let at = |secs: i64| Timestamp::from_second(now().as_second() + secs).unwrap();
        Session {
            id: format!("pmt_s{n:04}"),
            kind: "session".to_string(),
            life: 604_800,
            expire: at(7 * 86_400 - n as i64 * 61),
            identity: format!("pui_u{n:04}"),
            email: email.to_string(),
            scopes: (!n.is_multiple_of(3)).then(|| vec!["openid".to_string(), "email".to_string()]),
            profile: BTreeMap::new(),
            created_at: at(-(n as i64) * 3599),
            active_token: (!n.is_multiple_of(4)).then(|| TokenInfo {
                id: format!("pmt_t{n:04}"),
                kind: "user".to_string(),
                life: 900,
                expire: at(900 - n as i64),
                enabled: None,
                identity: format!("pui_u{n:04}"),
                email: email.to_string(),
                scopes: None,
                profile: BTreeMap::new(),
                created_at: at(-600),
                intelligence: None,
                audience: None,
                client_id: None,
                claims: None,
            }),
        }
    }

    /// Plain, long, wide, combining, hostile and empty text, so both ways of writing a
    /// cell are exercised.
    fn app(w: u16, h: u16) -> App {
        let emails = [
            "user@example.com",
            "a.very.long.address.that.will.not.fit@subdomain.example.com",
            "山田太郎@例え.jp",
            "cafe\u{301}@zero-width.example",
            "evil\u{1b}[31m@x.com\u{202E}moc",
            "",
            "😀🎉@emoji.example",
        ];
        let rows: Vec<Session> = (0..60)
            .map(|n| session(n, emails[n % emails.len()]))
            .collect();
        let init = AppInit {
            auto_reload: None,
            ..AppInit::default()
        };
        let (mut app, cmds) = App::new(init, now());
        app.update(Msg::Resize(w, h), now());
        let Some(Command::List {
            id,
            generation,
            source,
            ..
        }) = cmds.into_iter().find(|c| matches!(c, Command::List { .. }))
        else {
            panic!("no first list");
        };
        app.update(
            Msg::Worker(Event {
                id,
                kind: EventKind::Done(Outcome::Listed {
                    generation,
                    source,
                    cursor: None,
                    page: Page {
                        sessions: rows,
                        next: Some("c2".into()),
                        count: None,
                        request_id: "prq_1".into(),
                    },
                }),
            }),
            now(),
        );
        let key = |c: char| Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        // A mark, an invalidation in flight (a busy row), a selection and a new order.
        for c in "j jjdy jjjjjjs".chars() {
            app.update(key(c), now());
        }
        app
    }

    /// The table as ratatui's own `Table` widget draws it: the reference the direct
    /// drawing must match cell for cell, styles included.
    fn reference(app: &App, frame: &mut Frame, area: Rect) {
        let t = app.table(ListSource::Sessions);
        let cols = layout(area.width);
        let mut header_cells = vec![Cell::from("")];
        for (col, title, _) in &cols {
            let title = if order_column(t.order_by()) == Some(*col) {
                format!("{title} {}", arrow(t.order()))
            } else {
                (*title).to_string()
            };
            header_cells.push(Cell::from(title));
        }
        let widths: Vec<Constraint> = std::iter::once(MARKER)
            .chain(cols.iter().map(|c| c.2))
            .map(Constraint::Length)
            .collect();
        let height = usize::from(area.height - 1);
        let rows = t.rows();
        let offset = scroll_offset(t.offset(), t.selected_index(), height, rows.len());
        let end = (offset + height).min(rows.len());
        let body: Vec<Row> = rows[offset..end]
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let selected = offset + i == t.selected_index();
                let marker = format!(
                    "{}{}{}",
                    if selected { "▶" } else { " " },
                    if t.is_marked(&s.id) { "●" } else { " " },
                    if app.is_busy(s) { "⟳" } else { " " },
                );
                let mut cells = vec![Cell::from(marker)];
                cells.extend(cols.iter().map(|(col, _, w)| {
                    Cell::from(cell(s, *col, *w, app.now(), app.is_own_session(s)).into_owned())
                }));
                let style = if selected {
                    reverse()
                } else if app.is_busy(s) {
                    dim()
                } else {
                    Style::default()
                };
                Row::new(cells).style(style)
            })
            .collect();
        let table = ratatui::widgets::Table::new(body, widths)
            .header(Row::new(header_cells).style(bold().add_modifier(Modifier::UNDERLINED)))
            .column_spacing(1);
        frame.render_widget(table, area);
    }

    #[test]
    fn time_columns_keep_their_width_and_scopes_take_the_rest() {
        for w in [40, 80, 93, 120, 160, 200, 300] {
            let cols = layout(w);
            let used: u16 = cols.iter().map(|c| c.2 + 1).sum::<u16>() + MARKER;
            assert!(used <= w, "{w}: {cols:?}");
            for (col, _, width) in &cols {
                if matches!(col, Col::Created | Col::Expires | Col::TokenExp) {
                    assert_eq!(*width, TIME, "{w}: {col:?}");
                }
            }
            if let Some(scopes) = cols.iter().find(|c| c.0 == Col::Scopes) {
                assert!(scopes.2 >= 8, "{w}: {cols:?}");
                if w >= 200 {
                    assert_eq!(used, w, "{w}: nothing left unused: {cols:?}");
                    assert!(scopes.2 > 30, "{w}: {cols:?}");
                }
            }
        }
    }

    #[test]
    fn direct_drawing_matches_the_table_widget_cell_for_cell() {
        for (w, h) in [
            (200, 50),
            (120, 30),
            (80, 24),
            (61, 12),
            (40, 8),
            (17, 5),
            (3, 2),
        ] {
            let app = app(w, h);
            let t = app.table(ListSource::Sessions);
            assert!(t.is_marked("pmt_s0001"), "the fixture marks a row");
            assert!(t.rows().iter().any(|s| app.is_busy(s)), "and has one busy");
            let area = Rect::new(0, 1, w, h - 1);
            let mut ours = Terminal::new(TestBackend::new(w, h)).unwrap();
            ours.draw(|f| {
                let cols = layout(area.width);
                draw_rows(&app, t, &cols, f, area);
            })
            .unwrap();
            let mut theirs = Terminal::new(TestBackend::new(w, h)).unwrap();
            theirs.draw(|f| reference(&app, f, area)).unwrap();
            assert_eq!(
                ours.backend().buffer(),
                theirs.backend().buffer(),
                "{w}x{h}"
            );
        }
    }
}
