//! Layout at the sizes people use (40×10, 80×24, 120×30, 250×70): the info line's facts
//! first, the columns each size keeps (ids whole or not at all), scrolling help, dialogs
//! that keep their buttons, and colours that mean something (and text that still does
//! with colour off). Fixed clock; snapshots beside this file.

use crate::harness::app::*;
use authtop::authn::model::{Geolocation, Intelligence, IpIntel, Reputation, Session};
use authtop::tui::app::{App, AppInit};
use authtop::tui::command::{Command, Event, EventKind, Msg, Outcome, Page};
use authtop::tui::theme::Theme;
use authtop::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;
use ratatui::style::{Color, Modifier, Style};

const SIZES: [(u16, u16); 4] = [(40, 10), (80, 24), (120, 30), (250, 70)];

/// A query long enough to overflow every width but the widest.
const LONG_QUERY: &str = "email~example created>now-3d expire<now+7d scope=openid type=session";

fn render(app: &App, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| view::draw(app, f)).unwrap();
    t
}

fn text(t: &Terminal<TestBackend>) -> String {
    let buf = t.backend().buffer();
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Session `n` with Pangea-shaped ids (36 cells), and for some rows a location, risk
/// flags, an admin scope or an expiry within the hour.
fn row(n: usize) -> Session {
    let mut s = session(n);
    s.id = format!("pmt_{:032x}", 0xabc0_0000 + n);
    s.identity = format!("pui_{:032x}", 0xdef0_0000 + n);
    if let Some(t) = &mut s.active_token {
        t.id = format!("pmt_{:032x}", 0x1230_0000 + n);
        let verdict = match n % 4 {
            1 => Some("malicious"),
            2 => Some("suspicious"),
            _ => None,
        };
        t.intelligence = (n % 4 != 3).then(|| Intelligence {
            embargo: Some(n % 50 == 7),
            user_intel: Some(n % 50 == 8),
            ip_intel: Some(IpIntel {
                is_vpn: Some(n.is_multiple_of(2)),
                is_proxy: Some(n % 50 == 6),
                reputation: Some(Reputation {
                    verdict: verdict.map(str::to_string),
                    ..Default::default()
                }),
                geolocation: Some(Geolocation {
                    city: Some(["Lyon", "Berlin", "Osaka"][n % 3].to_string()),
                    country_code: Some(["FR", "DE", "JP"][n % 3].to_string()),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            ..Default::default()
        });
    }
    s.profile
        .insert("Login-Time".into(), s.created_at.to_string());
    if n % 50 == 2 {
        s.scopes = Some(vec!["openid".into(), "admin".into()]);
    }
    if n % 50 == 3 {
        s.expire = at(25 * 60);
    }
    s
}

/// The Sessions page answering `cmd`: 50 rows starting at `from`, 100,000 matches.
fn page_answer(cmd: &Command, from: usize) -> Msg {
    let Command::List {
        id,
        generation,
        source,
        query,
    } = cmd
    else {
        panic!("not a list: {cmd:?}");
    };
    Msg::Worker(Event {
        id: *id,
        kind: EventKind::Done(Outcome::Listed {
            generation: *generation,
            source: *source,
            cursor: query.cursor.clone(),
            page: Page {
                sessions: (from..from + 50).map(row).collect(),
                next: Some(format!("c{}", from + 50)),
                count: Some(100_000),
                request_id: "prq_list".into(),
            },
        }),
    })
}

/// Page 2 of 2,000, two rows marked, the 12th row selected; with `query` applied.
fn app_at(init: AppInit, w: u16, h: u16, query: Option<&str>) -> App {
    let (mut app, cmds) = App::new(init, now());
    app.update(Msg::Resize(w, h), now());
    let first = lists(&cmds).remove(0);
    app.update(page_answer(&first, 0), now());
    if let Some(q) = query {
        app.update(key('/'), now());
        app.update(Msg::Paste(q.to_string()), now());
        let cmd = lists(&app.update(code(KeyCode::Enter), now())).remove(0);
        app.update(page_answer(&cmd, 0), now());
    }
    let next = lists(&app.update(key(']'), now())).remove(0);
    app.update(page_answer(&next, 50), now());
    app.update(key(' '), now());
    app.update(key(' '), now());
    for _ in 0..9 {
        app.update(key('j'), now());
    }
    app
}

fn header_line(t: &Terminal<TestBackend>) -> String {
    text(t).lines().nth(4).unwrap_or_default().to_string()
}

#[test]
fn info_line_and_columns_at_each_size() {
    for (w, h) in SIZES {
        for (name, query) in [("plain", None), ("long_query", Some(LONG_QUERY))] {
            let app = app_at(quiet(), w, h, query);
            let t = render(&app, w, h);
            insta::assert_snapshot!(format!("layout_{w}x{h}_{name}"), t.backend());
            let screen = text(&t);
            let info = screen.lines().nth(3).unwrap();
            // The facts come first, so they survive every width that can hold them.
            let facts =
                "page 2 of 2,000 · 100,000 matched · 2 marked · order created_at ▼ · [12/50]";
            let shown = &facts[..facts.len().min(usize::from(w) - 2)];
            assert!(
                info.starts_with(&format!("  {}", shown.trim_end())),
                "{info}"
            );
            if query.is_some() && w >= 250 {
                assert!(info.contains("filter "), "{info}");
                assert!(
                    !info.contains(".000000")
                        && info.contains("created_at__gt=2026-02-26T12:00:00Z"),
                    "times to the second: {info}"
                );
            }
            // Every id on screen is whole: a Pangea id is 36 cells, pmt_ + 32 hex digits.
            for word in screen.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
                if word.starts_with("pmt_") || word.starts_with("pui_") {
                    assert_eq!(word.len(), 36, "{w}x{h}: cut id {word:?}");
                }
            }
            let header = header_line(&t);
            assert!(header.contains("EMAIL"), "{w}x{h}: {header}");
            match w {
                40 => assert!(
                    !header.contains("ID") && !header.contains("TYPE"),
                    "{header}"
                ),
                80 => {
                    // Security first: the risk and the scopes before the place.
                    assert!(
                        header.contains("RISK") && header.contains("SCOPES"),
                        "{header}"
                    );
                    assert!(!header.contains("LOCATION"), "{header}");
                    assert!(header.trim_end().ends_with("cols →/l"), "{header}");
                    assert!(
                        !header.contains("IDENTITY") && !header.contains(" ID "),
                        "{header}"
                    );
                }
                120 => {
                    assert!(
                        header.contains("RISK") && header.contains("SCOPES"),
                        "{header}"
                    );
                    assert!(
                        !header.contains("IDENTITY") && !header.contains("TYPE"),
                        "{header}"
                    );
                }
                _ => assert!(
                    header.contains(" ID ") && header.contains("TYPE"),
                    "{header}"
                ),
            }
        }
    }
}

#[test]
fn risk_expiry_and_admin_scope_are_coloured_and_still_read_without_colour() {
    let app = app_at(quiet(), 250, 70, None);
    let t = render(&app, 250, 70);
    let buf = t.backend().buffer();
    let danger = Style::new().fg(Color::Red).add_modifier(Modifier::BOLD);
    assert_style(buf, "MAL EMB", danger);
    assert_style(buf, "SUS VPN", Style::new().fg(Color::Yellow));
    assert_style(
        buf,
        "admin,openid",
        Style::new().fg(Color::Magenta).add_modifier(Modifier::BOLD),
    );
    assert_style(
        buf,
        "!in 25m",
        Style::new()
            .fg(Color::LightYellow)
            .add_modifier(Modifier::BOLD),
    );

    let mono = AppInit {
        theme: Theme::monochrome(),
        ..quiet()
    };
    let app = app_at(mono, 250, 70, None);
    let t = render(&app, 250, 70);
    let buf = t.backend().buffer();
    for c in &buf.content {
        assert_eq!((c.fg, c.bg), (Color::Reset, Color::Reset), "{c:?}");
    }
    // The meaning is in the text: codes, the ! of a near expiry, bold danger.
    assert_style(buf, "MAL EMB", Style::new().add_modifier(Modifier::BOLD));
    assert!(!cells_of(buf, "!in 25m").is_empty());
}

#[test]
fn help_scrolls_and_holds_the_query_reference() {
    let mut app = app_at(quiet(), 80, 24, None);
    app.update(key('?'), now());
    let top = render(&app, 80, 24);
    insta::assert_snapshot!("layout_help_80x24_top", top.backend());
    let screen = text(&top);
    assert!(screen.contains("j/k pgup/pgdn scroll"), "{screen}");
    assert!(!screen.contains("Query reference"), "{screen}");
    for l in screen.lines().skip(1).take(20) {
        let inside = l.trim_matches(|c| c == '│' || c == ' ');
        assert!(!inside.is_empty(), "no blank line inside help: {screen}");
    }
    app.update(code(KeyCode::PageDown), now());
    app.update(code(KeyCode::PageDown), now());
    let down = render(&app, 80, 24);
    insta::assert_snapshot!("layout_help_80x24_scrolled", down.backend());
    assert!(text(&down).contains("Query reference"), "{}", text(&down));
    assert!(text(&down).contains("email"), "fields from the catalogue");
    for _ in 0..100 {
        app.update(key('k'), now());
    }
    assert_eq!(text(&render(&app, 80, 24)), text(&top), "k scrolls back up");

    let mut small = app_at(quiet(), 40, 10, None);
    small.update(key('?'), now());
    let t = render(&small, 40, 10);
    insta::assert_snapshot!("layout_help_40x10", t.backend());
    small.update(key('j'), now());
    assert_ne!(text(&render(&small, 40, 10)), text(&t), "j scrolls");
}

#[test]
fn dialogs_keep_their_buttons_at_40x10_and_scroll_their_body() {
    let own = token("pmt_t0001", -600, 900);
    let mut app = with_own_token(own, sessions(0, 3), 40, 10);
    app.update(key('j'), now());
    app.update(key('d'), now());
    let t = render(&app, 40, 10);
    insta::assert_snapshot!("layout_dialog_40x10", t.backend());
    let buf = t.backend().buffer();
    assert_style(
        buf,
        "▶[ Cancel ]",
        Style::new().add_modifier(Modifier::REVERSED),
    );
    assert!(!cells_of(buf, "y yes").is_empty(), "key hints stay");
    assert!(!cells_of(buf, "j/k scroll").is_empty(), "the body scrolls");
    assert_style(
        buf,
        " Invalidate session ",
        Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
    );
    for _ in 0..3 {
        app.update(key('j'), now());
    }
    let scrolled = render(&app, 40, 10);
    insta::assert_snapshot!("layout_dialog_40x10_scrolled", scrolled.backend());
    assert!(text(&scrolled).contains("WARNING"), "{}", text(&scrolled));
    assert!(text(&scrolled).contains("[ Cancel ]"));
    let sent = app.update(key('y'), now());
    assert!(
        matches!(sent.as_slice(), [Command::Invalidate { .. }]),
        "{sent:?}"
    );
}

#[test]
fn y_never_confirms_a_dialog_whose_buttons_do_not_show() {
    let mut app = loaded(quiet(), sessions(0, 3), None, 30, 10);
    app.update(key('d'), now());
    let t = render(&app, 30, 10);
    insta::assert_snapshot!("layout_dialog_30x10_too_small", t.backend());
    assert!(!text(&t).contains("[ Cancel ]"));
    assert!(app.update(key('y'), now()).is_empty(), "y is refused");
    assert!(app.dialog().is_some(), "the dialog stays");
    app.update(code(KeyCode::Tab), now());
    assert!(app.update(code(KeyCode::Enter), now()).is_empty());
    app.update(Msg::Resize(80, 24), now());
    let sent = app.update(key('y'), now());
    assert!(
        matches!(sent.as_slice(), [Command::Invalidate { .. }]),
        "{sent:?}"
    );
}

#[test]
fn the_column_picker_adds_login_time_and_token_ids_and_saves_them() {
    let mut app = app_at(quiet(), 250, 70, None);
    app.update(key('C'), now());
    let t = render(&app, 250, 70);
    insta::assert_snapshot!("layout_column_picker", t.backend());
    let names = ["login_time", "token", "created_at"];
    for name in names {
        let at = authtop::tui::columns::CATALOGUE
            .iter()
            .position(|c| c.name == name)
            .unwrap();
        app.update(key('g'), now());
        for _ in 0..at {
            app.update(key('j'), now());
        }
        app.update(key(' '), now());
    }
    let effects = app.take_effects();
    let Some(authtop::tui::command::Effect::SaveColumns { profile, columns }) = effects.last()
    else {
        panic!("no save: {effects:?}");
    };
    assert_eq!(profile, "prod");
    for name in names {
        assert!(columns.iter().any(|c| c == name), "{columns:?}");
    }
    app.update(code(KeyCode::Esc), now());
    assert!(app.picker().is_none());
    let t = render(&app, 250, 70);
    let header = header_line(&t);
    for title in ["LOGIN-TIME", "TOKEN", "CREATED AT"] {
        assert!(header.contains(title), "{header}");
    }
    let screen = text(&t);
    // The 12th row of page 2 is session 61: its token id whole, its login to the second.
    let token = format!("pmt_{:032x}", 0x1230_0000 + 61);
    assert!(screen.contains(&token), "{screen}");
    assert!(
        screen.contains("2026-02-26 23:00:00"),
        "absolute times: {screen}"
    );

    // Restored at start: the app opens with the saved columns.
    let restored = AppInit {
        columns: Some(
            columns
                .iter()
                .filter_map(|c| authtop::tui::columns::Col::by_name(c))
                .collect(),
        ),
        ..quiet()
    };
    let again = app_at(restored, 250, 70, None);
    assert_eq!(header_line(&render(&again, 250, 70)), header);
}
