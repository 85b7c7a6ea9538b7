//! The session tables under their query bar (drawn by `query_bar`). Only the visible
//! window of rows is ever touched.

use super::query_bar;
use super::state::{RowFacts, Table, scroll_offset};
use crate::authn::model::Timestamp;
use crate::authn::model::{Order, OrderBy, Session};
use crate::investigate::facts::Severity;
use crate::investigate::scopes;
use crate::investigate::sort::LocalSort;
use crate::output::columns::{Facts, Form, Mark};
use crate::sanitize;
use crate::tui::app::App;
use crate::tui::columns::{Col, MARKER};
use crate::tui::command::ListSource;
use crate::tui::strings;
use crate::tui::theme::Theme;
use crate::tui::view::style::{bold, clean, dim, fit, fitted_owned, reverse};
use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Span;
use ratatui::widgets::{Paragraph, Widget};
use std::borrow::Cow;
use std::rc::Rc;

/// The column a server order sorts by.
fn order_column(o: OrderBy) -> Col {
    match o {
        OrderBy::Id => Col::Id,
        OrderBy::CreatedAt => Col::Created,
        OrderBy::Type => Col::Type,
        OrderBy::Identity => Col::Identity,
        OrderBy::Email => Col::Email,
        OrderBy::Expire => Col::Expire,
        OrderBy::ActiveTokenId => Col::Token,
    }
}

/// The header of a column, with the order arrow when the table is ordered by it (the
/// absolute twin of a time column carries it too).
fn title(col: Col, t: &Table) -> Cow<'static, str> {
    let by = match t.local_sort() {
        Some(local) => local_column(local),
        None => order_column(t.order_by()),
    };
    let twin = match col {
        Col::CreatedAt => Some(Col::Created),
        Col::ExpireAt => Some(Col::Expire),
        _ => None,
    };
    if by == col || twin == Some(by) {
        Cow::Owned(format!("{} {}", col.info().title, arrow(t.order())))
    } else {
        Cow::Borrowed(col.info().title)
    }
}

/// The column a local sort sorts by.
fn local_column(l: LocalSort) -> Col {
    match l {
        LocalSort::Risk => Col::Risk,
        LocalSort::Location => Col::Location,
        LocalSort::Device => Col::Device,
        LocalSort::Scopes => Col::Scopes,
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

/// Marks the session of authtop's own user token, in both tables.
const OWN_MARK: &str = "★ you ";

/// Marks a time that runs out within the hour, so it reads without colour too.
const SOON_MARK: &str = "!";

/// Catalogue text made safe and cut to `max` cells, borrowed when it is already both.
fn fit_cell(text: Cow<'_, str>, max: usize) -> Cow<'_, str> {
    match text {
        Cow::Borrowed(b) => fitted(b, max),
        Cow::Owned(o) => Cow::Owned(fitted_owned(o, max)),
    }
}

/// One cell and the style its meaning asks for; `own` puts [`OWN_MARK`] before the email.
fn cell<'a>(
    s: &'a Session,
    facts: Option<&'a RowFacts>,
    col: Col,
    width: u16,
    now: Timestamp,
    own: bool,
    theme: &Theme,
) -> (Cow<'a, str>, Style) {
    let facts = facts.map_or_else(Facts::default, |f| Facts {
        location: f.location.as_deref(),
        device: f.device.as_deref(),
        risk: f.risk,
    });
    let cell = col.field().cell(s, &facts, now, Form::Screen);
    let Some(text) = cell.text else {
        return (Cow::Borrowed("—"), dim());
    };
    let text = match cell.mark {
        _ if own && col == Col::Email => {
            Cow::Owned(format!("{OWN_MARK}{}", sanitize::clean(&text)))
        }
        Some(Mark::Expiring) => Cow::Owned(format!("{SOON_MARK}{text}")),
        _ => text,
    };
    let style = match cell.mark {
        None => Style::default(),
        Some(Mark::Risk(Severity::Danger)) => theme.danger(),
        Some(Mark::Risk(Severity::Warning)) => theme.warning(),
        Some(Mark::Expiring) => theme.expiring(),
        Some(Mark::Admin) => theme.admin(),
        Some(Mark::NotProvided) => dim(),
    };
    if col == Col::Scopes
        && let Some(v) = &s.scopes
    {
        // Scopes are cut whole: the privileged ones first, the rest counted (`admin,+3`).
        let clean: Vec<String> = v.iter().map(|s| sanitize::clean(s).into_owned()).collect();
        let text = scopes::fit(&clean, usize::from(width), sanitize::width);
        return (Cow::Owned(text), style);
    }
    (fit_cell(text, usize::from(width)), style)
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
fn draw_rows(app: &App, t: &Table, cols: &[(Col, u16)], frame: &mut Frame, area: Rect) {
    let widths: Vec<Constraint> = std::iter::once(MARKER)
        .chain(cols.iter().map(|c| c.1))
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
    for (i, (col, _)) in cols.iter().enumerate() {
        if let Some(r) = at(i + 1, area.y) {
            put(buf, r, &title(*col, t));
        }
    }
    let height = usize::from(area.height - 1);
    let rows = t.rows();
    let offset = scroll_offset(t.offset(), t.selected_index(), height, rows.len());
    let end = (offset + height).min(rows.len());
    let visible = rows.get(offset..end).unwrap_or(&[]);
    let now = app.now();
    let theme = app.theme();
    for ((i, s), y) in visible.iter().enumerate().zip(area.y + 1..) {
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
        let facts = t.facts(&s.id);
        for (c, (col, w)) in cols.iter().enumerate() {
            if let Some(r) = at(c + 1, y) {
                let (text, style) = cell(s, facts, *col, *w, now, own, theme);
                if style != Style::default() {
                    buf.set_style(r, style);
                }
                put(buf, r, &text);
            }
        }
    }
}

/// Draws the query lines and the table of one source into `area`.
pub(crate) fn draw(app: &App, source: ListSource, frame: &mut Frame, area: Rect) {
    let t = app.table(source);
    let line = |i: u16| Rect {
        y: area.y.saturating_add(i),
        height: u16::from(area.height > i),
        ..area
    };
    query_bar::query(app, t, frame, line(0));
    // The gauge shows on the table whose query is being walked (Sessions or My sessions).
    let walking = app.walk().is_some_and(|w| w.source == source)
        && crate::tui::view::investigate::walk_gauge(
            app,
            &[
                crate::tui::command::WalkGoal::Matches,
                crate::tui::command::WalkGoal::Export,
            ],
            frame,
            line(1),
        );
    if !walking {
        query_bar::info(app, t, frame, line(1));
    }
    let table_area = Rect {
        y: area.y.saturating_add(2),
        height: area.height.saturating_sub(2),
        ..area
    };
    if table_area.height == 0 {
        return;
    }
    if source == ListSource::Sessions && !app.setup.has_service {
        let msg = Paragraph::new(strings::NO_SERVICE_TOKEN)
            .style(dim())
            .wrap(ratatui::widgets::Wrap { trim: true });
        frame.render_widget(msg, table_area);
        return;
    }
    let (fitted, marker) = super::cols::fitted(app, t, area.width);
    draw_rows(app, t, &fitted.cols, frame, table_area);
    if let Some(text) = marker {
        // The hidden-columns marker, at the header's right edge (its cells kept free).
        let w = u16::try_from(sanitize::width(&text)).unwrap_or(u16::MAX);
        let r = Rect {
            x: table_area.x + table_area.width.saturating_sub(w),
            width: w.min(table_area.width),
            height: 1,
            ..table_area
        };
        frame.render_widget(Paragraph::new(text).style(bold()), r);
    }
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
            app.theme().danger_plain()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::authn::model::{Geolocation, Intelligence, IpIntel, Reputation, TokenInfo};
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
            expire: at(7 * 86_400 - i64::try_from(n).unwrap() * 61),
            identity: format!("pui_u{n:04}"),
            email: email.to_string(),
            scopes: (!n.is_multiple_of(3)).then(|| vec!["openid".to_string(), "admin".to_string()]),
            profile: BTreeMap::from([("User-Agent".to_string(), "curl/8.5.0".to_string())]),
            created_at: at(-i64::try_from(n).unwrap() * 3599),
            active_token: (!n.is_multiple_of(4)).then(|| TokenInfo {
                id: format!("pmt_t{n:04}"),
                kind: "user".to_string(),
                life: 900,
                expire: at(900 - i64::try_from(n).unwrap()),
                enabled: None,
                identity: format!("pui_u{n:04}"),
                email: email.to_string(),
                scopes: None,
                profile: BTreeMap::new(),
                created_at: at(-600),
                intelligence: (n % 5 == 1).then(|| Intelligence {
                    embargo: Some(n % 10 == 1),
                    ip_intel: Some(IpIntel {
                        is_vpn: Some(true),
                        reputation: Some(Reputation {
                            verdict: Some("malicious".into()),
                            ..Default::default()
                        }),
                        geolocation: Some(Geolocation {
                            city: Some("Lyon".into()),
                            country_code: Some("FR".into()),
                            ..Default::default()
                        }),
                        ..Default::default()
                    }),
                    ..Default::default()
                }),
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
        // Keys at a size where the dialog's buttons show (else `y` does not confirm).
        app.update(Msg::Resize(200, 50), now());
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
        app.update(Msg::Resize(w, h), now());
        app
    }

    /// The table as ratatui's own `Table` widget draws it: the reference the direct
    /// drawing must match cell for cell, styles included.
    fn reference(app: &App, frame: &mut Frame, area: Rect) {
        let t = app.table(ListSource::Sessions);
        let cols = crate::tui::columns::fit(area.width, app.columns(), t.widest());
        let mut header_cells = vec![Cell::from("")];
        for (col, _) in &cols {
            header_cells.push(Cell::from(title(*col, t).into_owned()));
        }
        let widths: Vec<Constraint> = std::iter::once(MARKER)
            .chain(cols.iter().map(|c| c.1))
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
                cells.extend(cols.iter().map(|(col, w)| {
                    let (text, style) = cell(
                        s,
                        t.facts(&s.id),
                        *col,
                        *w,
                        app.now(),
                        app.is_own_session(s),
                        app.theme(),
                    );
                    Cell::from(text.into_owned()).style(style)
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
                let cols = crate::tui::columns::fit(area.width, app.columns(), t.widest());
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
