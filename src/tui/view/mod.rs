//! Drawing: a pure function of `&App`. Every server string goes through
//! [`crate::sanitize`] here, and widths are measured in terminal cells.

mod breadcrumb;
pub(crate) mod investigate;
pub(crate) mod style;

use crate::tui::app::{App, Level, Tab};
use crate::tui::command::ListSource;
use crate::tui::keymap::ActionInfo;
use crate::tui::screens;
use crate::tui::strings;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use style::{bold, clean, dim, reverse};

/// Spinner frames, advanced on ticks while anything is in flight.
const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/// Draws the whole screen.
pub fn draw(app: &App, frame: &mut Frame) {
    let area = frame.area();
    if area.width == 0 || area.height == 0 {
        return;
    }
    let rows = split_rows(area);
    header(app, frame, rows.header);
    tabs(app, frame, rows.tabs);
    let body = Rect {
        y: rows.tabs.y.saturating_add(rows.tabs.height),
        height: area.height.saturating_sub(
            rows.header.height + rows.tabs.height + rows.status.height + rows.hints.height,
        ),
        ..area
    };
    if app.detail().is_some() {
        screens::detail::view::draw(app, frame, body);
    } else {
        match app.tab() {
            Tab::Sessions => screens::table::view::draw(app, ListSource::Sessions, frame, body),
            Tab::MySessions => screens::table::view::draw(app, ListSource::MySessions, frame, body),
            Tab::Token => screens::token::view::draw(app, frame, body),
            Tab::Users => screens::users::view::draw(app, frame, body),
            Tab::Insights => screens::insights::view::draw(app, frame, body),
            Tab::Pulses => screens::pulses::view::draw(app, frame, body),
        }
    }
    status(app, frame, rows.status);
    hints(app, frame, rows.hints);
    crate::tui::screens::draw(app, frame, area, rows.status);
    if !app.theme().color {
        crate::tui::theme::Theme::strip(frame.buffer_mut());
    }
}

struct Rows {
    header: Rect,
    tabs: Rect,
    status: Rect,
    hints: Rect,
}

/// Fixed one-line bands; on tiny terminals the lower ones collapse to nothing first.
fn split_rows(area: Rect) -> Rows {
    let line = |y: u16, present: bool| Rect {
        x: area.x,
        y: area.y.saturating_add(y),
        width: area.width,
        height: u16::from(present),
    };
    let h = area.height;
    Rows {
        header: line(0, h >= 1),
        tabs: line(1, h >= 2),
        hints: line(h.saturating_sub(1), h >= 4),
        status: line(h.saturating_sub(2), h >= 5),
    }
}

fn header(app: &App, frame: &mut Frame, area: Rect) {
    // Pieces in display order, each with its rank: when the line is too narrow the least
    // important go first (the host, then the in-flight count), so the offline countdown
    // and the badges stay whole.
    let mut pieces: Vec<(u8, Vec<Span<'static>>)> = vec![(
        0,
        vec![Span::styled(
            " authtop ",
            bold().add_modifier(Modifier::REVERSED),
        )],
    )];
    if app.setup.demo {
        pieces.push((
            1,
            vec![Span::raw(" "), Span::styled(" DEMO ", app.theme().badge())],
        ));
    }
    pieces.push((
        2,
        vec![
            Span::raw(" "),
            Span::styled(clean(&app.setup.profile), bold()),
        ],
    ));
    pieces.push((6, vec![Span::raw(" @ "), Span::raw(clean(&app.setup.host))]));
    if app.setup.read_only {
        pieces.push((
            1,
            vec![Span::raw(" "), Span::styled(" RO ", app.theme().badge())],
        ));
    }
    // Where the user is: room is made for it before anything but the badges and the
    // staleness, and only then is it cut (see `breadcrumb`).
    let trail = app.breadcrumb();
    pieces.push((0, Vec::new()));
    let n = app.in_flight();
    if n > 0 {
        pieces.push((
            5,
            vec![Span::raw(format!(
                "  {} {} in flight",
                SPINNER[app.status.spinner % SPINNER.len()],
                crate::number::thousands_usize(n)
            ))],
        ));
    }
    if let Some(retry) = app.retries().first() {
        pieces.push((
            4,
            vec![Span::styled(format!("  {retry}"), app.theme().warning())],
        ));
    }
    if let Some(stale) = app.staleness() {
        let style = if stale.contains(" — ") {
            app.theme().danger()
        } else {
            app.theme().warning()
        };
        pieces.push((3, vec![Span::styled(format!("  {stale}"), style)]));
    }
    let width = |p: &[Span]| p.iter().map(Span::width).sum::<usize>();
    let room = usize::from(area.width);
    let mut used: usize = pieces.iter().map(|(_, p)| width(p)).sum();
    if !trail.is_empty() {
        let whole =
            breadcrumb::fit(&trail, usize::MAX).map_or(0, |t| crate::sanitize::width(&t) + 2);
        // The host, the in-flight count and retries give way to the trail.
        used = give_way(&mut pieces, used, room.saturating_sub(whole), 3);
        let at = pieces.iter().position(|(_, p)| p.is_empty());
        if let (Some(at), Some(text)) = (at, breadcrumb::fit(&trail, room.saturating_sub(used + 2)))
        {
            used += crate::sanitize::width(&text) + 2;
            pieces[at].1 = vec![Span::raw("  "), Span::styled(text, bold())];
        }
    }
    give_way(&mut pieces, used, room, 0);
    let spans: Vec<Span> = pieces.into_iter().flat_map(|(_, p)| p).collect();
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// Drops the header's pieces ranked above `floor`, the highest rank first, until the
/// `used` cells fit in `room`; returns the cells still used.
fn give_way(
    pieces: &mut Vec<(u8, Vec<Span<'_>>)>,
    mut used: usize,
    room: usize,
    floor: u8,
) -> usize {
    while used > room {
        let Some(i) = pieces
            .iter()
            .enumerate()
            .filter(|(_, (rank, _))| *rank > floor)
            .max_by_key(|(_, (rank, _))| *rank)
            .map(|(i, _)| i)
        else {
            break;
        };
        used -= pieces[i].1.iter().map(Span::width).sum::<usize>();
        pieces.remove(i);
    }
    used
}

fn tabs(app: &App, frame: &mut Frame, area: Rect) {
    // Roomy when it fits, else closer together; a tab that still does not fit is left
    // out whole rather than cut.
    let mut spans = tab_spans(app, true);
    let width = |spans: &[Span]| spans.iter().map(Span::width).sum::<usize>();
    if width(&spans) > usize::from(area.width) {
        spans = tab_spans(app, false);
    }
    while width(&spans) > usize::from(area.width) {
        spans.pop();
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn tab_spans(app: &App, roomy: bool) -> Vec<Span<'static>> {
    use crate::tui::keymap::Action;
    let mut spans = Vec::new();
    let open = app.tabs();
    let last = open.last().copied().unwrap_or(Tab::Sessions);
    // A tab left out between two shown ones stays in its place, dimmed, so each tab keeps
    // the number its key has.
    let all = [
        Tab::Sessions,
        Tab::MySessions,
        Tab::Token,
        Tab::Users,
        Tab::Insights,
        Tab::Pulses,
    ];
    let upto = all.iter().position(|t| *t == last).unwrap_or(0);
    for tab in all.into_iter().take(upto + 1) {
        let (action, name) = match tab {
            Tab::Sessions => (Action::TabSessions, "Sessions"),
            Tab::MySessions => (Action::TabMine, "My sessions"),
            Tab::Token => (Action::TabToken, "Token"),
            Tab::Users => (Action::TabUsers, "Users"),
            Tab::Insights => (Action::TabInsights, "Insights"),
            Tab::Pulses => (Action::TabPulses, "Pulses"),
        };
        let key = if open.contains(&tab) {
            app.keymap().keys_label(action)
        } else {
            app.keys_label_withheld(action)
        };
        let text = if roomy {
            format!(" {key} {name} ")
        } else {
            format!("{key} {name}")
        };
        if !open.contains(&tab) {
            spans.push(Span::styled(format!(" {text}"), dim()));
        } else if tab == app.tab() {
            spans.push(Span::styled(
                format!("▸{text}"),
                reverse().add_modifier(Modifier::BOLD),
            ));
        } else {
            spans.push(Span::raw(format!(" {text}")));
        }
        spans.push(Span::raw(" "));
    }
    spans
}

fn status(app: &App, frame: &mut Frame, area: Rect) {
    let log_key = app
        .keymap()
        .keys_label(crate::tui::keymap::Action::MessageLog);
    let line = if app.quitting() {
        let n = app.destructive_in_flight();
        Line::from(Span::styled(strings::quitting(n, app.progress()), bold()))
    } else if let Some((Level::Error, err)) = app.status_message() {
        Line::from(vec![
            Span::styled(" ✖ ", app.theme().danger()),
            Span::styled(clean(err), app.theme().danger_plain()),
            Span::styled(strings::error_keys(&log_key), dim()),
        ])
    } else if let Some((done, total)) = app.progress() {
        Line::from(strings::bulk_progress(done, total))
    } else if let Some((_, msg)) = app.status_message() {
        Line::from(format!(" {}", clean(msg)))
    } else if app.setup.demo {
        Line::from(vec![
            Span::styled(" DEMO ", app.theme().badge()),
            Span::styled(strings::DEMO_HINT, bold()),
        ])
    } else {
        Line::default()
    };
    frame.render_widget(Paragraph::new(line), area);
}

fn hints(app: &App, frame: &mut Frame, area: Rect) {
    let pairs: Vec<(String, String)> = if app.dialog().is_some() {
        // The dialog lists its own keys under its buttons.
        Vec::new()
    } else if app.editor().is_some() {
        vec![
            ("enter".into(), "apply".into()),
            ("esc".into(), "cancel".into()),
            ("ctrl-u".into(), "clear".into()),
        ]
    } else {
        // Help first, so the way to every other key survives a narrow terminal.
        let (help, rest): (Vec<&ActionInfo>, Vec<&ActionInfo>) = app
            .keymap()
            .actions(app.context())
            .filter(|i| i.hint)
            .filter(|i| {
                i.action != crate::tui::keymap::Action::Back
                    || app.detail().is_some()
                    || app.can_go_back()
                    || app.error().is_some()
                    || app.messages_open()
                    || app.marks_open()
            })
            .partition(|i| i.action == crate::tui::keymap::Action::Help);
        help.into_iter()
            .chain(rest)
            .map(|i| (app.keymap().keys_label(i.action), i.label.to_string()))
            .collect()
    };
    // A hint is shown whole or not at all: a key without its label (`w`) reads as noise.
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1;
    for (k, label) in pairs {
        let need = crate::sanitize::width(&k) + 1 + crate::sanitize::width(&label);
        if used + need > usize::from(area.width) {
            break;
        }
        used += need + 2;
        spans.push(Span::styled(k, bold()));
        spans.push(Span::raw(format!(" {label}  ")));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)).style(dim()), area);
}
