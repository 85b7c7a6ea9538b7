//! Fixed sessions, tokens and key presses for the TUI tests and the draw benchmark.

use authtop::authn::model::{Session, Timestamp, TokenInfo};
use authtop::tui::app::{App, AppInit};
use authtop::tui::command::{Command, Event, EventKind, ListSource, Msg, Outcome, Page};
use ratatui::buffer::{Buffer, Cell};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::Style;
use std::collections::BTreeMap;
use std::time::Duration;

/// The instant every test runs at.
pub(crate) fn now() -> Timestamp {
    "2026-03-01T12:00:00Z".parse().unwrap()
}

/// `now` moved by whole seconds.
pub(crate) fn at(secs: i64) -> Timestamp {
    Timestamp::from_second(now().as_second() + secs).unwrap()
}

/// Token metadata with a given id and life around `now`.
pub(crate) fn token(id: &str, created: i64, expire: i64) -> TokenInfo {
    TokenInfo {
        id: id.to_string(),
        kind: "user".to_string(),
        life: expire,
        expire: at(expire),
        enabled: Some(true),
        identity: "pui_alice".to_string(),
        email: "alice@example.com".to_string(),
        scopes: None,
        profile: BTreeMap::new(),
        created_at: at(created),
        intelligence: None,
        audience: None,
        client_id: None,
        claims: None,
    }
}

/// Session number `n`: id `pmt_s{n:04}`, user `user{n}@example.com`, created `n` hours ago.
pub(crate) fn session(n: usize) -> Session {
    let mut profile = BTreeMap::new();
    profile.insert("first_name".to_string(), format!("User{n}"));
    profile.insert("User-Agent".to_string(), "curl/8.5".to_string());
    Session {
        id: format!("pmt_s{n:04}"),
        kind: "session".to_string(),
        life: 604_800,
        expire: at(7 * 86_400 - i64::try_from(n).unwrap() * 60),
        identity: format!("pui_u{n:04}"),
        email: format!("user{n}@example.com"),
        scopes: Some(vec!["openid".to_string()]),
        profile,
        created_at: at(-i64::try_from(n).unwrap() * 3600),
        active_token: Some(token(&format!("pmt_t{n:04}"), -600, 900)),
    }
}

/// Sessions `from..to`.
pub(crate) fn sessions(from: usize, to: usize) -> Vec<Session> {
    (from..to).map(session).collect()
}

/// A service + user token setup with the default keymap.
pub(crate) fn init() -> AppInit {
    AppInit {
        profile: "prod".to_string(),
        host: "authn.aws.us.pangea.cloud".to_string(),
        has_user_token: true,
        token_mask: Some("ptu_••••••••".to_string()),
        ..AppInit::default()
    }
}

/// A key press.
pub(crate) fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

/// A special key press.
pub(crate) fn code(c: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

/// The List commands among `cmds`.
pub(crate) fn lists(cmds: &[Command]) -> Vec<Command> {
    cmds.iter()
        .filter(|c| matches!(c, Command::List { .. }))
        .cloned()
        .collect()
}

/// The answer to a List command with these rows and next cursor.
pub(crate) fn listed(cmd: &Command, rows: Vec<Session>, next: Option<&str>) -> Msg {
    let Command::List {
        id,
        generation,
        source,
        query,
    } = cmd
    else {
        panic!("not a list command: {cmd:?}");
    };
    Msg::Worker(Event {
        id: *id,
        kind: EventKind::Done(Outcome::Listed {
            generation: *generation,
            source: *source,
            cursor: query.cursor.clone(),
            page: Page {
                sessions: rows,
                next: next.map(str::to_string),
                count: None,
                request_id: "prq_list".to_string(),
            },
        }),
    })
}

/// A worker event for a command.
pub(crate) fn event(cmd: &Command, kind: EventKind) -> Msg {
    Msg::Worker(Event {
        id: cmd.id().unwrap(),
        kind,
    })
}

/// An app with the first Sessions page loaded from `rows`, sized `w` x `h`.
pub(crate) fn loaded(init: AppInit, rows: Vec<Session>, next: Option<&str>, w: u16, h: u16) -> App {
    let (mut app, cmds) = App::new(init, now());
    app.update(Msg::Resize(w, h), now());
    let list = lists(&cmds)
        .into_iter()
        .find(|c| {
            matches!(
                c,
                Command::List {
                    source: ListSource::Sessions,
                    ..
                }
            )
        })
        .unwrap();
    app.update(listed(&list, rows, next), now());
    app
}

/// A quiet app sized `w` x `h` whose token check found the token `own` (so the session
/// holding it is the app's own) and whose first Sessions page is `rows`.
pub(crate) fn with_own_token(own: TokenInfo, rows: Vec<Session>, w: u16, h: u16) -> App {
    let (mut app, cmds) = App::new(quiet(), now());
    app.update(Msg::Resize(w, h), now());
    let check = cmds
        .iter()
        .find(|c| matches!(c, Command::TokenCheck { .. }))
        .unwrap();
    app.update(
        event(check, EventKind::Done(Outcome::TokenChecked(Box::new(own)))),
        now(),
    );
    app.update(listed(&cmds[0], rows, None), now());
    app
}

/// Auto-reload off, so tick tests see only what they are about.
pub(crate) fn quiet() -> AppInit {
    AppInit {
        auto_reload: None,
        ..init()
    }
}

/// One second.
pub(crate) const SEC: Duration = Duration::from_secs(1);

/// The cells where `text` first appears on screen, left to right; empty when it does not.
/// Meant for narrow text: a wide character's second cell is not matched.
pub(crate) fn cells_of<'a>(buf: &'a Buffer, text: &str) -> Vec<&'a Cell> {
    let area = buf.area;
    for y in area.top()..area.bottom() {
        let mut line = String::new();
        let mut starts = Vec::new();
        for x in area.left()..area.right() {
            starts.push((line.len(), x));
            line.push_str(buf[(x, y)].symbol());
        }
        if let Some(at) = line.find(text) {
            return starts
                .iter()
                .filter(|(i, _)| (at..at + text.len()).contains(i))
                .map(|&(_, x)| &buf[(x, y)])
                .collect();
        }
    }
    Vec::new()
}

/// Asserts that every cell of the first `text` on screen is drawn as `want` says: its
/// foreground and background where `want` sets them, and at least its modifiers.
pub(crate) fn assert_style(buf: &Buffer, text: &str, want: Style) {
    let cells = cells_of(buf, text);
    assert!(!cells.is_empty(), "{text:?} is not on screen");
    for cell in cells {
        let ok = want.fg.is_none_or(|fg| cell.fg == fg)
            && want.bg.is_none_or(|bg| cell.bg == bg)
            && cell.modifier.contains(want.add_modifier);
        assert!(
            ok,
            "{text:?}: cell {:?} is drawn {:?} on {:?} with {:?}, wanted {want:?}",
            cell.symbol(),
            cell.fg,
            cell.bg,
            cell.modifier
        );
    }
}

/// What the worker answers a `Census` command with: the walk of the command's own result
/// set, finding `ids` of `users` users, `sample` first.
pub(crate) fn census_of(
    cmd: &Command,
    ids: Vec<String>,
    users: usize,
    sample: Vec<Session>,
) -> authtop::results::Snapshot {
    let Command::Census { set, .. } = cmd else {
        panic!("not a census: {cmd:?}");
    };
    authtop::results::Snapshot {
        set: (**set).clone(),
        walked_at: now(),
        walk_ms: 1,
        targets: ids.into_iter().map(authtop::actions::Target::id).collect(),
        users,
        sample,
        progress: authtop::investigate::Progress::default(),
        whole: None,
    }
}

/// The ids of the rows `source`'s table shows, in order.
pub(crate) fn shown(app: &App, source: ListSource) -> Vec<String> {
    app.table(source)
        .rows()
        .iter()
        .map(|s| s.id.clone())
        .collect()
}

/// `app` drawn once on a test terminal of `w`×`h` cells.
pub(crate) fn drawn(app: &App, w: u16, h: u16) -> ratatui::Terminal<ratatui::backend::TestBackend> {
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
    t.draw(|f| authtop::tui::view::draw(app, f)).unwrap();
    t
}

/// What a test terminal shows, a line per row.
pub(crate) fn text_of(t: &ratatui::Terminal<ratatui::backend::TestBackend>) -> String {
    let buf = t.backend().buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

/// `app`'s screen at `w`×`h` cells, as text.
pub(crate) fn screen_at(app: &App, w: u16, h: u16) -> String {
    text_of(&drawn(app, w, h))
}

/// Types `text` into the Sessions query editor over what is there, and applies it.
pub(crate) fn apply_query(app: &mut App, text: &str) -> Vec<Command> {
    app.update(key('/'), now());
    for _ in 0..200 {
        app.update(code(KeyCode::Backspace), now());
    }
    for c in text.chars() {
        app.update(key(c), now());
    }
    app.update(code(KeyCode::Enter), now())
}

/// The walk commands among `cmds`.
pub(crate) fn walks(cmds: &[Command]) -> Vec<Command> {
    cmds.iter()
        .filter(|c| matches!(c, Command::Walk { .. }))
        .cloned()
        .collect()
}

/// The one walk command among `cmds`.
pub(crate) fn the_walk(cmds: &[Command]) -> Command {
    let w = walks(cmds);
    assert_eq!(w.len(), 1, "one walk in {cmds:?}");
    w.into_iter().next().unwrap()
}
