//! Screens rendered into a TestBackend at a fixed `now`, checked with insta; and every
//! screen at many sizes, checked for panics and for control characters in the buffer.

use crate::harness::app::*;
use authtop::authn::model::{Geolocation, Intelligence, IpIntel, Reputation, Session};
use authtop::authn::{Error, TransportKind};
use authtop::sanitize::is_unsafe;
use authtop::tui::app::{App, AppInit};
use authtop::tui::command::{Command, EventKind, Msg, Outcome, RefreshRecord};
use authtop::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;
use ratatui::style::{Color, Modifier, Style};
use std::time::Duration;

/// A focused dialog button.
fn focused() -> Style {
    Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED)
}

/// A destructive confirmation: its title bold red, its frame red.
fn assert_danger_dialog(buf: &ratatui::buffer::Buffer, title: &str) {
    assert_style(
        buf,
        &format!(" {title} "),
        Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
    );
    assert_style(buf, "┌", Style::new().fg(Color::Red));
    assert_style(buf, "└", Style::new().fg(Color::Red));
}

fn render(app: &App, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| view::draw(app, f)).unwrap();
    t
}

fn press(app: &mut App, keys: &str) -> Vec<Command> {
    keys.chars()
        .flat_map(|c| app.update(key(c), now()))
        .collect()
}

fn hostile() -> Session {
    let mut s = session(7);
    s.email = "evil\u{1b}[31m@x.com\u{202E}moc.lived".to_string();
    s.identity = "pui_\u{1b}]52;c;ZXZpbA==\u{7}x".to_string();
    s.kind = "sess\u{9b}2Jion".to_string();
    s.profile.insert(
        "note".to_string(),
        "line1\r\nline2\u{7f}\u{2066}".to_string(),
    );
    s
}

fn wide() -> Session {
    let mut s = session(4);
    s.email = "山田太郎@例え.jp".to_string();
    s.identity = "pui_😀🎉_wide".to_string();
    s.profile
        .insert("first_name".to_string(), "太郎 🎌".to_string());
    s
}

/// Sessions page with a mark, an action in flight and a selection.
fn table_app() -> App {
    let mut rows = sessions(0, 12);
    rows[4] = wide();
    let mut app = loaded(quiet(), rows, Some("c2"), 120, 30);
    press(&mut app, "j ");
    press(&mut app, "dy");
    app
}

/// A browser's User-Agent: wider than the detail panel, so it wraps.
const LONG_AGENT: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 \
    (KHTML, like Gecko) Version/17.4 Safari/605.1.15 Edge/124.0.2478.51";

fn detailed() -> App {
    let mut s = session(3);
    s.profile
        .insert("User-Agent".to_string(), LONG_AGENT.to_string());
    let tok = s.active_token.as_mut().unwrap();
    tok.intelligence = Some(Intelligence {
        embargo: Some(false),
        ip_intel: Some(IpIntel {
            is_bad: Some(false),
            is_vpn: Some(true),
            is_proxy: Some(false),
            reputation: Some(Reputation {
                category: None,
                score: Some(20),
                verdict: Some("benign".to_string()),
            }),
            geolocation: Some(Geolocation {
                country: Some("Portugal".to_string()),
                city: Some("Lisboa".to_string()),
                country_code: Some("PT".to_string()),
                ..Geolocation::default()
            }),
        }),
        domain_intel: None,
        user_intel: Some(false),
    });
    let mut app = loaded(quiet(), vec![s], None, 100, 40);
    app.update(code(KeyCode::Enter), now());
    app
}

fn token_app() -> App {
    let (mut app, cmds) = App::new(quiet(), now());
    app.update(Msg::Resize(120, 30), now());
    let check = cmds
        .iter()
        .find(|c| matches!(c, Command::TokenCheck { .. }))
        .unwrap();
    app.update(
        event(
            check,
            EventKind::Done(Outcome::TokenChecked(Box::new(token(
                "pmt_t0001",
                -600,
                300,
            )))),
        ),
        now(),
    );
    app.update(listed(&cmds[0], sessions(0, 3), None), now());
    let refresh = app.update(key('3'), now());
    assert!(refresh.is_empty());
    let cmd = app.update(key('f'), now()).remove(0);
    app.update(
        event(
            &cmd,
            EventKind::Done(Outcome::Refreshed(Box::new(RefreshRecord {
                at: at(-1),
                old_token_id: Some("pmt_t0001".to_string()),
                new_token: token("pmt_t0009", -1, 899),
                latency: Duration::from_millis(87),
                request_id: "prq_csywl6djqncp2lq4mzt7vbx3okr5hw2e".to_string(),
                session_expire: None,
                note: None,
            }))),
        ),
        now(),
    );
    let cmd = app.update(key('f'), now()).remove(0);
    app.update(
        event(
            &cmd,
            EventKind::failed(Error::Transport {
                kind: TransportKind::Timeout,
                host: "127.0.0.1".to_string(),
                message: "no answer in 10s".to_string(),
                attempts: 2,
            }),
        ),
        now(),
    );
    app
}

#[test]
fn sessions_table() {
    let t = render(&table_app(), 120, 30);
    insta::assert_snapshot!(t.backend());
    let buf = t.backend().buffer();
    assert_style(buf, "▶", Style::new().add_modifier(Modifier::REVERSED));
    assert_style(
        buf,
        "ID ",
        Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
    );
}

#[test]
fn demo_read_only_header_and_empty_list() {
    let app = loaded(
        AppInit {
            demo: true,
            read_only: true,
            ..quiet()
        },
        vec![],
        None,
        100,
        12,
    );
    let t = render(&app, 100, 12);
    insta::assert_snapshot!(t.backend());
    // The badges are what tells a demo and a read-only profile apart from the real thing.
    let buf = t.backend().buffer();
    assert_style(
        buf,
        " DEMO ",
        Style::new()
            .fg(Color::Black)
            .bg(Color::Yellow)
            .add_modifier(Modifier::BOLD | Modifier::REVERSED),
    );
    assert_style(
        buf,
        " RO ",
        Style::new()
            .fg(Color::Black)
            .bg(Color::Yellow)
            .add_modifier(Modifier::BOLD | Modifier::REVERSED),
    );
}

#[test]
fn narrow_terminal_drops_columns() {
    let mut app = table_app();
    app.update(Msg::Resize(60, 20), now());
    insta::assert_snapshot!(render(&app, 60, 20).backend());
}

#[test]
fn confirm_invalidate() {
    let mut app = loaded(quiet(), sessions(0, 5), None, 100, 24);
    press(&mut app, "jd");
    let t = render(&app, 100, 24);
    insta::assert_snapshot!(t.backend());
    let buf = t.backend().buffer();
    assert_danger_dialog(buf, "Invalidate session");
    // The safe choice has the focus until the user moves it.
    assert_style(buf, "▶[ Cancel ]", focused());
}

#[test]
fn confirm_logout_user() {
    let mut app = loaded(quiet(), sessions(0, 5), None, 100, 24);
    let ask = press(&mut app, "L").remove(0);
    app.update(
        event(
            &ask,
            EventKind::Done(Outcome::UserScope {
                user_id: "pui_u0000".into(),
                total: 1608,
            }),
        ),
        now(),
    );
    let t = render(&app, 100, 24);
    insta::assert_snapshot!(t.backend());
    let buf = t.backend().buffer();
    assert_danger_dialog(buf, "Log out user everywhere");
    assert_style(buf, "▶[ Cancel ]", focused());
}

#[test]
fn confirm_bulk_with_hidden_marks() {
    let mut app = loaded(quiet(), sessions(0, 5), Some("c2"), 100, 24);
    press(&mut app, "  ");
    let next = press(&mut app, "]").remove(0);
    app.update(listed(&next, sessions(5, 9), None), now());
    press(&mut app, " D");
    app.update(code(KeyCode::Tab), now());
    let t = render(&app, 100, 24);
    insta::assert_snapshot!(t.backend());
    let buf = t.backend().buffer();
    assert_danger_dialog(buf, "Invalidate 3 marked sessions");
    assert_style(buf, "▶[ Invalidate 3 ]", focused());
    assert!(
        !cells_of(buf, " [ Cancel ]")
            .iter()
            .any(|c| c.modifier.contains(Modifier::REVERSED)),
        "Cancel lost the focus"
    );
}

#[test]
fn confirm_own_session_warns_in_red() {
    let own = token("pmt_t0001", -600, 900);
    let mut app = with_own_token(own, sessions(0, 3), 100, 24);
    press(&mut app, "jd");
    let t = render(&app, 100, 24);
    insta::assert_snapshot!(t.backend());
    let buf = t.backend().buffer();
    assert_danger_dialog(buf, "Invalidate session");
    let danger = Style::new().fg(Color::Red).add_modifier(Modifier::BOLD);
    assert_style(buf, "WARNING: This touches the session", danger);
    assert_style(buf, "own user token", danger);
}

#[test]
fn detail_fields() {
    insta::assert_snapshot!(render(&detailed(), 100, 40).backend());
}

#[test]
fn detail_raw_json() {
    let mut app = detailed();
    press(&mut app, "J");
    insta::assert_snapshot!(render(&app, 100, 40).backend());
}

#[test]
fn help_overlay() {
    let mut app = table_app();
    press(&mut app, "?");
    insta::assert_snapshot!(render(&app, 120, 30).backend());
}

#[test]
fn token_tab() {
    let t = render(&token_app(), 120, 30);
    insta::assert_snapshot!(t.backend());
    assert_style(
        t.backend().buffer(),
        "refresh failed: Timeout",
        Style::new().fg(Color::Red),
    );
}

#[test]
fn token_tab_wide_shows_whole_request_ids() {
    let t = render(&token_app(), 160, 20);
    let screen: String = t
        .backend()
        .buffer()
        .content
        .iter()
        .map(ratatui::buffer::Cell::symbol)
        .collect();
    assert!(screen.contains("prq_csywl6djqncp2lq4mzt7vbx3okr5hw2e"));
    insta::assert_snapshot!(t.backend());
}

#[test]
fn query_preview_while_typing() {
    let mut app = loaded(quiet(), sessions(0, 3), None, 100, 12);
    press(&mut app, "/email~acme created>now-2h");
    insta::assert_snapshot!(render(&app, 100, 12).backend());
}

#[test]
fn persistent_error() {
    let mut app = loaded(quiet(), sessions(0, 3), None, 100, 12);
    let cmd = press(&mut app, "r").remove(0);
    app.update(
        event(
            &cmd,
            EventKind::failed(Error::Decode {
                http_status: 502,
                request_id: Some("prq_bad\u{1b}[2J".to_string()),
                reason: "expected an envelope".to_string(),
                snippet: "<html>\u{1b}]0;pwned\u{7}".to_string(),
            }),
        ),
        now(),
    );
    let t = render(&app, 100, 12);
    insta::assert_snapshot!(t.backend());
    let buf = t.backend().buffer();
    assert_style(
        buf,
        "✖",
        Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
    );
    assert_style(buf, "could not load sessions", Style::new().fg(Color::Red));
}

#[test]
fn hostile_and_wide_strings_are_sanitised_and_aligned() {
    let mut app = loaded(quiet(), vec![session(1), hostile(), wide()], None, 120, 10);
    press(&mut app, "j");
    let t = render(&app, 120, 10);
    insta::assert_snapshot!(t.backend());
    app.update(code(KeyCode::Enter), now());
    insta::assert_snapshot!("hostile_detail", render(&app, 120, 30).backend());
}

#[test]
fn query_error_under_the_bar() {
    let bad = "acme creatd>now";
    if authtop::query::compile(bad, now()).is_ok() {
        eprintln!("this build's query compiler accepts `{bad}`; nothing to render");
        return;
    }
    let mut app = loaded(quiet(), sessions(0, 3), None, 100, 12);
    press(&mut app, "/");
    app.update(Msg::Paste(bad.to_string()), now());
    assert!(app.update(code(KeyCode::Enter), now()).is_empty());
    let t = render(&app, 100, 12);
    insta::assert_snapshot!(t.backend());
    let buf = t.backend().buffer();
    assert_style(
        buf,
        "^^^^^^",
        Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
    );
    assert_style(buf, "unknown field", Style::new().fg(Color::Red));
}

/// An API error whose summary, request id and details came from a hostile server.
fn hostile_error() -> Error {
    Error::Api(Box::new(authtop::authn::ApiError {
        http_status: 400,
        status: "Bad\u{1b}[2JStatus".to_string(),
        kind: authtop::authn::ApiStatus::parse("ValidationError"),
        summary: "nope\u{1b}]52;c;ZXZpbA==\u{7}\u{202e}txet\r\nforged line".to_string(),
        request_id: "prq_\u{9b}6n".to_string(),
        errors: vec![],
        retry_after: None,
    }))
}

/// My sessions showing hostile rows.
fn mine_hostile() -> App {
    let mut app = loaded(quiet(), sessions(0, 2), None, 100, 24);
    let cmds = press(&mut app, "2");
    let list = lists(&cmds)
        .into_iter()
        .next()
        .expect("My sessions asks for its list");
    app.update(listed(&list, vec![hostile(), wide()], None), now());
    app
}

/// The Token tab after a token check answered with hostile strings.
fn token_hostile() -> App {
    let (mut app, cmds) = App::new(quiet(), now());
    app.update(Msg::Resize(120, 30), now());
    let check = cmds
        .iter()
        .find(|c| matches!(c, Command::TokenCheck { .. }))
        .unwrap();
    let mut t = token("pmt_t\u{1b}[2J0001", -600, 300);
    t.kind = "user\u{9b}31m".to_string();
    t.email = "a\u{1b}]52;c;ZXZpbA==\u{7}@x.io".to_string();
    t.identity = "pui_\u{202e}x".to_string();
    t.scopes = Some(vec!["openid\u{7}".to_string()]);
    t.profile
        .insert("\u{1b}[1mname".to_string(), "\u{2066}山田\r\n".to_string());
    t.client_id = Some("cli\u{1b}P+q".to_string());
    app.update(
        event(check, EventKind::Done(Outcome::TokenChecked(Box::new(t)))),
        now(),
    );
    app.update(listed(&cmds[0], sessions(0, 3), None), now());
    press(&mut app, "3");
    app
}

/// The Pulses tab after one poll: a plain login, a risky one (malicious, embargoed), a
/// hostile and a wide one, two minutes apart at most.
fn pulses_app() -> App {
    let mut app = loaded(quiet(), sessions(0, 3), None, 100, 28);
    let poll = press(&mut app, "6").remove(0);
    let mut risky = session(2);
    risky.created_at = at(-150);
    risky.active_token.as_mut().unwrap().intelligence = Some(Intelligence {
        embargo: Some(true),
        ip_intel: Some(IpIntel {
            reputation: Some(Reputation {
                verdict: Some("malicious".to_string()),
                ..Reputation::default()
            }),
            geolocation: Some(Geolocation {
                country_code: Some("KP".to_string()),
                city: Some("Pyongyang".to_string()),
                ..Geolocation::default()
            }),
            ..IpIntel::default()
        }),
        ..Intelligence::default()
    });
    let mut plain = session(1);
    plain.created_at = at(-170);
    let mut evil = hostile();
    evil.created_at = at(-70);
    let mut wide = wide();
    wide.created_at = at(-20);
    app.update(
        event(
            &poll,
            EventKind::Done(Outcome::Pulsed {
                sessions: vec![plain, risky, evil, wide],
                more: false,
                request_id: "prq_pulse".to_string(),
            }),
        ),
        now(),
    );
    app
}

#[test]
fn pulses_tab_shows_risky_logins_in_the_danger_colour() {
    let app = pulses_app();
    let t = render(&app, 100, 28);
    insta::assert_snapshot!(t.backend());
    let buf = t.backend().buffer();
    assert_style(buf, "malicious embargo", Style::new().fg(Color::Red));
    // The minute holding the risky login is drawn red, the others in the good colour.
    let red_bars = buf
        .content
        .iter()
        .filter(|c| c.symbol() == "█" && c.fg == Color::Red)
        .count();
    assert!(red_bars >= 2, "the legend and a bar");
}

/// Every screen this file renders, by name.
fn screens() -> Vec<(&'static str, App)> {
    let mut help = table_app();
    press(&mut help, "?");
    let mut json = detailed();
    press(&mut json, "J");
    let mut bulk = loaded(quiet(), sessions(0, 5), Some("c2"), 100, 24);
    press(&mut bulk, " jD");
    let mut confirm = loaded(quiet(), vec![hostile(), wide()], None, 100, 24);
    let ask = press(&mut confirm, "L").remove(0);
    if let Command::UserScope { user_id, .. } = &ask {
        let user_id = user_id.clone();
        confirm.update(
            event(
                &ask,
                EventKind::Done(Outcome::UserScope { user_id, total: 2 }),
            ),
            now(),
        );
    }
    let mut editing = loaded(quiet(), sessions(0, 3), None, 100, 24);
    press(&mut editing, "/");
    editing.update(Msg::Paste("email~山田 \u{1b}[2J".to_string()), now());
    let mut hostile_rows = loaded(quiet(), vec![hostile(), wide(), session(1)], None, 80, 24);
    press(&mut hostile_rows, "j");
    let mut hostile_detail = hostile_rows.clone();
    hostile_detail.update(code(KeyCode::Enter), now());
    let mut error = loaded(quiet(), sessions(0, 3), None, 100, 12);
    let cmd = press(&mut error, "r").remove(0);
    error.update(event(&cmd, EventKind::failed(hostile_error())), now());
    let mut preview = loaded(quiet(), sessions(0, 3), None, 100, 24);
    press(&mut preview, "/email~acme created>now-2h");
    let mut mine_token = mine_hostile();
    press(&mut mine_token, "3");
    let mut pulse_failed = pulses_app();
    let poll = pulse_failed.update(Msg::Tick, at(2)).remove(0);
    pulse_failed.update(event(&poll, EventKind::failed(hostile_error())), at(2));
    vec![
        ("pulses", pulses_app()),
        ("pulse_failed", pulse_failed),
        ("preview", preview),
        ("mine_token", mine_token),
        ("error", error),
        ("mine_hostile", mine_hostile()),
        ("token_hostile", token_hostile()),
        ("table", table_app()),
        ("help", help),
        ("detail", detailed()),
        ("json", json),
        ("bulk", bulk),
        ("confirm", confirm),
        ("editing", editing),
        ("token", token_app()),
        ("hostile", hostile_rows),
        ("hostile_detail", hostile_detail),
        (
            "empty",
            loaded(
                AppInit {
                    demo: true,
                    read_only: true,
                    ..quiet()
                },
                vec![],
                None,
                80,
                24,
            ),
        ),
    ]
}

#[test]
fn every_screen_renders_at_any_size_without_control_characters() {
    let widths = [1u16, 2, 3, 7, 15, 30, 59, 60, 61, 80, 119, 200, 400];
    let heights = [1u16, 2, 3, 4, 5, 6, 7, 8, 12, 20, 40, 120];
    for (name, app) in screens() {
        for &w in &widths {
            for &h in &heights {
                let mut app = app.clone();
                app.update(Msg::Resize(w, h), now());
                let t = render(&app, w, h);
                for (i, cell) in t.backend().buffer().content.iter().enumerate() {
                    assert!(
                        !cell.symbol().chars().any(is_unsafe),
                        "{name} at {w}x{h}: cell {i} holds {:?}",
                        cell.symbol()
                    );
                }
            }
        }
    }
}

#[test]
fn the_hostile_screens_show_the_hostile_data_cleaned() {
    let text = |app: &App| {
        let t = render(app, 120, 30);
        let buf = t.backend().buffer().clone();
        buf.content
            .iter()
            .map(ratatui::buffer::Cell::symbol)
            .collect::<String>()
    };
    assert!(
        text(&mine_hostile()).contains("@x.com"),
        "My sessions shows the rows"
    );
    assert!(
        text(&token_hostile()).contains("@x.io"),
        "the Token tab shows the check"
    );
    let mut error = loaded(quiet(), sessions(0, 3), None, 120, 30);
    let cmd = press(&mut error, "r").remove(0);
    error.update(event(&cmd, EventKind::failed(hostile_error())), now());
    assert!(text(&error).contains("forged line"), "the error is shown");
}
