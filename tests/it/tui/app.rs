//! `App::update` without a worker: keys in, commands out; events in, state out.

use crate::harness::app::*;
use authtop::authn::model::{Order, OrderBy};
use authtop::authn::{ApiError, ApiStatus, Error, TransportKind};
use authtop::tui::app::{App, AppInit, Focus, RefreshPolicy, Tab, clock};
use authtop::tui::command::{
    Command, Effect, Event, EventKind, ItemOutcome, ListSource, Msg, Outcome, RefreshRecord,
};
use authtop::tui::keymap::{Action, Keymap};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::time::Duration;

fn api_error(status: &str) -> Error {
    Error::Api(Box::new(ApiError {
        http_status: 400,
        status: status.to_string(),
        kind: ApiStatus::parse(status),
        summary: "nope".to_string(),
        request_id: "prq_fail".to_string(),
        errors: vec![],
        retry_after: None,
    }))
}

fn transport_error() -> Error {
    Error::Transport {
        kind: TransportKind::Connect,
        host: "127.0.0.1".to_string(),
        message: "refused".to_string(),
        attempts: 3,
    }
}

fn only(cmds: Vec<Command>) -> Command {
    assert_eq!(cmds.len(), 1, "{cmds:?}");
    cmds.into_iter().next().unwrap()
}

fn cursor_of(cmd: &Command) -> Option<String> {
    match cmd {
        Command::List { query, .. } => query.cursor.clone(),
        other => panic!("not a list: {other:?}"),
    }
}

fn ids(app: &App) -> Vec<String> {
    app.table(ListSource::Sessions)
        .rows()
        .iter()
        .map(|s| s.id.clone())
        .collect()
}

#[test]
fn start_lists_the_first_page_and_checks_the_token() {
    let (_, cmds) = App::new(init(), now());
    assert!(matches!(
        &cmds[0],
        Command::List { source: ListSource::Sessions, query, .. } if query.cursor.is_none() && query.size == 50
    ));
    assert!(matches!(cmds[1], Command::TokenCheck { .. }));
    assert_eq!(cmds.len(), 2);

    let (_, cmds) = App::new(
        AppInit {
            has_user_token: false,
            ..init()
        },
        now(),
    );
    assert_eq!(cmds.len(), 1, "no token check without a user token");
}

#[test]
fn d_then_y_invalidates_the_selected_session() {
    let mut app = loaded(quiet(), sessions(0, 3), None, 120, 30);
    app.update(key('j'), now());
    assert!(
        app.update(key('d'), now()).is_empty(),
        "d alone sends nothing"
    );
    let dialog = app.dialog().unwrap();
    assert_eq!(dialog.focus, Focus::Cancel);
    assert!(dialog.lines().iter().any(|l| l.contains("pmt_s0001")));
    assert!(
        dialog
            .lines()
            .iter()
            .any(|l| l.contains("user1@example.com"))
    );
    let cmd = only(app.update(key('y'), now()));
    assert!(matches!(
        &cmd,
        Command::Invalidate { source: ListSource::Sessions, session_id, .. } if session_id == "pmt_s0001"
    ));
    assert!(app.dialog().is_none());
    assert_eq!(app.destructive_in_flight(), 1);
    let row = &app.table(ListSource::Sessions).rows()[1];
    assert!(app.is_busy(row), "the row shows an in-flight mark");

    app.update(
        event(
            &cmd,
            EventKind::Done(Outcome::Invalidated {
                session_id: "pmt_s0001".to_string(),
                already_gone: false,
                request_id: Some("prq_1".to_string()),
            }),
        ),
        now(),
    );
    assert_eq!(ids(&app), ["pmt_s0000", "pmt_s0002"]);
    assert_eq!(app.destructive_in_flight(), 0);
    assert!(!app.is_busy(&session(1)));
    assert!(app.flash().unwrap().contains("invalidated pmt_s0001"));
}

#[test]
fn enter_on_the_initially_focused_cancel_sends_nothing() {
    let mut app = loaded(quiet(), sessions(0, 3), None, 120, 30);
    app.update(key('d'), now());
    assert!(app.update(code(KeyCode::Enter), now()).is_empty());
    assert!(app.dialog().is_none());

    app.update(key('d'), now());
    app.update(code(KeyCode::Tab), now());
    assert_eq!(app.dialog().unwrap().focus, Focus::Confirm);
    let expected = app.dialog().unwrap().command.clone();
    assert_eq!(only(app.update(code(KeyCode::Enter), now())), expected);

    scope_answer(&mut app, 3);
    assert!(app.update(code(KeyCode::Esc), now()).is_empty());
    assert!(app.dialog().is_none());
}

/// Presses `L` and answers the count it asks the server for with `total`.
fn scope_answer(app: &mut App, total: u64) {
    let ask = only(app.update(key('L'), now()));
    let Command::UserScope { user_id, .. } = &ask else {
        panic!("L asks for the user's total first: {ask:?}")
    };
    assert!(
        app.dialog().is_none(),
        "no dialog before the server's count"
    );
    let user_id = user_id.clone();
    app.update(
        event(&ask, EventKind::Done(Outcome::UserScope { user_id, total })),
        now(),
    );
}

#[test]
fn logout_dialog_names_the_user_and_sends_their_identity() {
    let mut app = loaded(quiet(), sessions(0, 3), None, 120, 30);
    app.update(key('G'), now());
    scope_answer(&mut app, 1608);
    let d = app.dialog().unwrap();
    assert!(
        d.lines()
            .iter()
            .any(|l| l.contains("user2@example.com (pui_u0002)"))
    );
    assert!(
        d.lines()
            .iter()
            .any(|l| l.contains("1,608 in all, 1 on this page")),
        "the dialog states the server's total: {:?}",
        d.lines()
    );
    assert!(d.warning().is_none());
    let cmd = only(app.update(key('y'), now()));
    assert!(matches!(&cmd, Command::Logout { user_id, .. } if user_id == "pui_u0002"));
    app.update(
        event(
            &cmd,
            EventKind::Done(Outcome::LoggedOut {
                user_id: "pui_u0002".to_string(),
                request_id: "prq_2".to_string(),
            }),
        ),
        now(),
    );
    assert_eq!(ids(&app), ["pmt_s0000", "pmt_s0001"]);
}

#[test]
fn acting_on_the_tuis_own_session_warns() {
    let own = token("pmt_t0001", -600, 900);
    let mut app = with_own_token(own, sessions(0, 3), 120, 30);
    app.update(key('d'), now());
    assert!(
        app.dialog().unwrap().warning().is_none(),
        "row 0 is someone else"
    );
    app.update(key('n'), now());
    app.update(key('j'), now());
    app.update(key('d'), now());
    assert!(
        app.dialog()
            .unwrap()
            .warning()
            .unwrap()
            .contains("own user token")
    );
    assert_eq!(
        app.token().session_expire(),
        Some(session(1).expire),
        "the Token tab learns the session expiry from the list"
    );
}

#[test]
fn results_of_an_older_generation_or_another_source_are_dropped() {
    let (mut app, cmds) = App::new(quiet(), now());
    let first = cmds[0].clone();
    let second = only(app.update(key('r'), now()));
    app.update(listed(&first, sessions(0, 2), None), now());
    assert!(ids(&app).is_empty(), "the older answer is dropped");
    assert!(app.table(ListSource::Sessions).is_loading());

    app.update(listed(&second, sessions(3, 5), None), now());
    assert_eq!(ids(&app), ["pmt_s0003", "pmt_s0004"]);

    let third = only(app.update(key('r'), now()));
    let Command::List {
        id,
        generation,
        query,
        ..
    } = third
    else {
        unreachable!()
    };
    let wrong = Command::List {
        id,
        generation,
        source: ListSource::MySessions,
        query,
    };
    app.update(listed(&wrong, sessions(5, 6), None), now());
    assert_eq!(
        ids(&app),
        ["pmt_s0003", "pmt_s0004"],
        "an answer for the other list is dropped"
    );
    assert!(!app.table(ListSource::Sessions).is_loading());
    assert!(app.table(ListSource::MySessions).rows().is_empty());
    assert_eq!(app.in_flight(), 1, "only the token check is left");
}

#[test]
fn the_cursor_stack_walks_forward_and_back_and_resets_on_query_or_order_change() {
    let mut app = loaded(quiet(), sessions(0, 3), Some("c2"), 120, 30);
    let t = app.table(ListSource::Sessions);
    assert!(t.has_more());
    assert_eq!(t.page_number(), 1);

    let next = only(app.update(key(']'), now()));
    assert_eq!(cursor_of(&next), Some("c2".to_string()));
    app.update(listed(&next, sessions(3, 6), Some("c3")), now());
    assert_eq!(app.table(ListSource::Sessions).page_number(), 2);

    let third = only(app.update(key(']'), now()));
    assert_eq!(cursor_of(&third), Some("c3".to_string()));
    app.update(listed(&third, sessions(6, 7), None), now());
    assert_eq!(app.table(ListSource::Sessions).page_number(), 3);
    assert!(!app.table(ListSource::Sessions).has_more());
    assert!(app.update(key(']'), now()).is_empty(), "no further page");

    let back = only(app.update(key('['), now()));
    assert_eq!(cursor_of(&back), Some("c2".to_string()));
    app.update(listed(&back, sessions(3, 6), Some("c3")), now());
    assert_eq!(app.table(ListSource::Sessions).page_number(), 2);

    assert!(app.update(key('s'), now()).is_empty(), "s opens the picker");
    let reordered = only(app.update(key('E'), now()));
    assert_eq!(cursor_of(&reordered), None);
    let Command::List { query, .. } = &reordered else {
        unreachable!()
    };
    assert_eq!(query.order_by, OrderBy::Expire);
    app.update(listed(&reordered, sessions(0, 3), Some("x2")), now());
    assert_eq!(app.table(ListSource::Sessions).page_number(), 1);
    assert!(
        app.update(key('['), now()).is_empty(),
        "already on page one"
    );

    let flipped = only(app.update(key('S'), now()));
    let Command::List { query, .. } = &flipped else {
        unreachable!()
    };
    assert_eq!((query.order, query.cursor.clone()), (Order::Asc, None));
    assert_eq!(query.order_by, OrderBy::Expire);
}

#[test]
fn a_failed_page_change_keeps_the_page_shown() {
    let mut app = loaded(quiet(), sessions(0, 3), Some("c2"), 120, 30);
    let next = only(app.update(key(']'), now()));
    app.update(event(&next, EventKind::failed(transport_error())), now());
    let t = app.table(ListSource::Sessions);
    assert_eq!(t.page_number(), 1);
    assert_eq!(ids(&app).len(), 3);
    assert!(app.error().unwrap().contains("refused"));
    app.update(code(KeyCode::Esc), now());
    assert!(app.error().is_none(), "Esc dismisses the error");
}

#[test]
fn marks_survive_paging_and_the_bulk_dialog_counts_the_hidden_ones() {
    let mut app = loaded(quiet(), sessions(0, 3), Some("c2"), 120, 30);
    app.update(key(' '), now());
    app.update(key(' '), now());
    let next = only(app.update(key(']'), now()));
    app.update(listed(&next, sessions(3, 6), None), now());
    app.update(key(' '), now());
    let t = app.table(ListSource::Sessions);
    assert_eq!(t.marks().len(), 3);
    assert_eq!(t.marks_not_visible(), 2);

    app.update(key('D'), now());
    let d = app.dialog().unwrap();
    assert!(d.title().contains("3 marked"), "{}", d.title());
    assert!(
        d.lines()
            .iter()
            .any(|l| l.contains("2 of them are on other pages")),
        "{:?}",
        d.lines()
    );
    let cmd = only(app.update(key('y'), now()));
    let Command::BulkInvalidate { session_ids, .. } = &cmd else {
        panic!("{cmd:?}")
    };
    assert_eq!(session_ids, &["pmt_s0000", "pmt_s0001", "pmt_s0003"]);

    app.update(
        event(
            &cmd,
            EventKind::Progress {
                session_id: "pmt_s0003".to_string(),
                outcome: ItemOutcome::Done,
                finished: 1,
                total: 3,
            },
        ),
        now(),
    );
    assert_eq!(app.progress(), Some((1, 3)));
    assert_eq!(ids(&app), ["pmt_s0004", "pmt_s0005"]);
    app.update(
        event(
            &cmd,
            EventKind::Done(Outcome::Bulk {
                done: vec!["pmt_s0003".to_string(), "pmt_s0000".to_string()],
                already_gone: vec![],
                failed: vec![("pmt_s0001".to_string(), api_error("InternalError").into())],
                not_attempted: vec![],
                stopped: None,
            }),
        ),
        now(),
    );
    let t = app.table(ListSource::Sessions);
    assert_eq!(
        t.marks().iter().collect::<Vec<_>>(),
        ["pmt_s0001"],
        "the failure stays marked"
    );
    let err = app.error().unwrap();
    assert!(err.contains("1 failed") && err.contains('@'), "{err}");
    // The message log lists each failure with its reason and request id.
    let entry = app.messages().entries().last().unwrap();
    assert!(entry.text.contains("invalidated 2 of 3"), "{}", entry.text);
    assert!(
        entry
            .details
            .iter()
            .any(|d| d.contains("pmt_s0001") && d.contains("prq_fail")),
        "{:?}",
        entry.details
    );
    assert_eq!(app.progress(), None);
}

/// The answer to a List command that also says how many sessions match.
fn counted(cmd: &Command, rows: Vec<authtop::authn::model::Session>, count: u64) -> Msg {
    let mut msg = listed(cmd, rows, None);
    if let Msg::Worker(Event {
        kind: EventKind::Done(Outcome::Listed { page, .. }),
        ..
    }) = &mut msg
    {
        page.count = Some(count);
    }
    msg
}

fn count(app: &App) -> Option<u64> {
    app.table(ListSource::Sessions).count()
}

#[test]
fn the_matched_count_and_the_marks_drop_as_sessions_end() {
    let (mut app, cmds) = App::new(quiet(), now());
    app.update(Msg::Resize(120, 30), now());
    app.update(counted(&cmds[0], sessions(0, 6), 40), now());
    assert_eq!(count(&app), Some(40));

    // Rows 0 and 1 marked; row 2 invalidated on its own.
    app.update(key(' '), now());
    app.update(key(' '), now());
    app.update(key('d'), now());
    let one = only(app.update(key('y'), now()));
    app.update(
        event(
            &one,
            EventKind::Done(Outcome::Invalidated {
                session_id: "pmt_s0002".to_string(),
                already_gone: false,
                request_id: None,
            }),
        ),
        now(),
    );
    assert_eq!(count(&app), Some(39));
    app.update(
        event(
            &one,
            EventKind::Done(Outcome::Invalidated {
                session_id: "pmt_s0002".to_string(),
                already_gone: true,
                request_id: None,
            }),
        ),
        now(),
    );
    assert_eq!(
        count(&app),
        Some(39),
        "an answer for a finished command is ignored"
    );

    // The bulk reports each session as it goes, then all of them: each counts once.
    app.update(key('D'), now());
    let bulk = only(app.update(key('y'), now()));
    app.update(
        event(
            &bulk,
            EventKind::Progress {
                session_id: "pmt_s0000".to_string(),
                outcome: ItemOutcome::Done,
                finished: 1,
                total: 2,
            },
        ),
        now(),
    );
    assert_eq!(count(&app), Some(38));
    assert_eq!(app.table(ListSource::Sessions).marks().len(), 1);
    app.update(
        event(
            &bulk,
            EventKind::Done(Outcome::Bulk {
                done: vec!["pmt_s0000".to_string()],
                already_gone: vec!["pmt_s0001".to_string()],
                failed: vec![],
                not_attempted: vec![],
                stopped: None,
            }),
        ),
        now(),
    );
    assert_eq!(count(&app), Some(37));
    assert!(app.table(ListSource::Sessions).marks().is_empty());

    // Logging a user out takes off the rows of that user.
    app.update(key('g'), now());
    scope_answer(&mut app, 5);
    let logout = only(app.update(key('y'), now()));
    let Command::Logout { user_id, .. } = &logout else {
        panic!("{logout:?}")
    };
    assert_eq!(user_id, "pui_u0003");
    app.update(
        event(
            &logout,
            EventKind::Done(Outcome::LoggedOut {
                user_id: user_id.clone(),
                request_id: "prq_2".to_string(),
            }),
        ),
        now(),
    );
    assert_eq!(count(&app), Some(36));

    // A failure leaves the count alone.
    app.update(key('d'), now());
    let failing = only(app.update(key('y'), now()));
    app.update(
        event(&failing, EventKind::failed(api_error("InternalError"))),
        now(),
    );
    assert_eq!(count(&app), Some(36));
    assert_eq!(ids(&app), ["pmt_s0004", "pmt_s0005"]);
}

#[test]
fn the_matched_count_never_drops_below_zero() {
    let (mut app, cmds) = App::new(quiet(), now());
    app.update(Msg::Resize(120, 30), now());
    // A server that counts fewer matches than it returns.
    app.update(counted(&cmds[0], sessions(0, 3), 1), now());
    app.update(key('a'), now());
    app.update(key('D'), now());
    let bulk = only(app.update(key('y'), now()));
    app.update(
        event(
            &bulk,
            EventKind::Done(Outcome::Bulk {
                done: vec![
                    "pmt_s0000".to_string(),
                    "pmt_s0001".to_string(),
                    "pmt_s0002".to_string(),
                ],
                already_gone: vec![],
                failed: vec![],
                not_attempted: vec![],
                stopped: None,
            }),
        ),
        now(),
    );
    assert_eq!(count(&app), Some(0));
    assert!(ids(&app).is_empty());
}

#[test]
fn a_marks_the_page_and_again_unmarks_it() {
    let mut app = loaded(quiet(), sessions(0, 4), None, 120, 30);
    app.update(key('a'), now());
    assert_eq!(app.table(ListSource::Sessions).marks().len(), 4);
    app.update(key('a'), now());
    assert!(app.table(ListSource::Sessions).marks().is_empty());
    assert!(app.update(key('D'), now()).is_empty());
    assert!(app.dialog().is_none(), "nothing marked, nothing to confirm");
}

#[test]
fn read_only_mode_has_no_destructive_keys() {
    let mut app = loaded(
        AppInit {
            read_only: true,
            ..quiet()
        },
        sessions(0, 3),
        None,
        120,
        30,
    );
    for c in ['d', 'L', ' ', 'D', 'O'] {
        assert!(app.update(key(c), now()).is_empty());
        assert!(
            app.dialog().is_none(),
            "{c} opened a dialog in read-only mode"
        );
    }
    for a in [
        Action::Invalidate,
        Action::LogoutUser,
        Action::InvalidateMarked,
        Action::LogoutSelf,
    ] {
        assert!(!app.keymap().is_bound(a), "{a:?}");
    }
    assert!(
        !app.keymap().is_bound(Action::Mark),
        "marking is hidden: nothing could act on the marks"
    );
}

#[test]
fn an_unbound_key_does_nothing() {
    let mut o = std::collections::BTreeMap::new();
    o.insert("invalidate".to_string(), vec![]);
    o.insert("reload".to_string(), vec!["ctrl-r".to_string()]);
    let (keymap, warnings) = Keymap::with_overrides(&o);
    assert!(warnings.is_empty());
    let mut app = loaded(AppInit { keymap, ..quiet() }, sessions(0, 2), None, 120, 30);
    app.update(key('d'), now());
    assert!(app.dialog().is_none());
    assert!(app.update(key('r'), now()).is_empty());
    let cmds = app.update(
        Msg::Key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL)),
        now(),
    );
    assert!(matches!(only(cmds), Command::List { .. }));
}

#[test]
fn a_query_error_sends_nothing_and_shows_where() {
    let bad = "emial=x";
    let Err(expected) = authtop::query::compile(bad, now()) else {
        eprintln!("this build's query compiler accepts `{bad}`; nothing to check");
        return;
    };
    let mut app = loaded(quiet(), sessions(0, 2), None, 120, 30);
    app.update(key('/'), now());
    app.update(Msg::Paste(bad.to_string()), now());
    assert!(app.update(code(KeyCode::Enter), now()).is_empty());
    let t = app.table(ListSource::Sessions);
    assert_eq!(t.query_error(), Some(&expected));
    assert_eq!(t.query_text(), "", "the applied query is unchanged");
    assert!(app.editor().is_some(), "the editor stays open to fix it");
    app.update(code(KeyCode::Esc), now());
    assert!(app.editor().is_none());
    assert!(app.table(ListSource::Sessions).query_error().is_none());
}

/// The screen as drawn at 120x30, one string per line.
fn screen(app: &App) -> Vec<String> {
    let mut term = Terminal::new(TestBackend::new(120, 30)).unwrap();
    term.draw(|f| authtop::tui::view::draw(app, f)).unwrap();
    let buf = term.backend().buffer();
    (0..buf.area.height)
        .map(|y| (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect())
        .collect()
}

/// The line under the query bar, as drawn.
fn info_line(app: &App) -> String {
    screen(app).swap_remove(3)
}

#[test]
fn the_compiled_filter_is_previewed_while_typing_and_nothing_is_sent() {
    let mut app = loaded(quiet(), sessions(0, 3), None, 120, 30);
    // No filter: the line holds only the facts, page first.
    assert!(
        info_line(&app).starts_with("  page 1 · order created_at ▼ · [1/3]"),
        "{}",
        info_line(&app)
    );
    assert!(!info_line(&app).contains("filter"), "{}", info_line(&app));
    app.update(key('/'), now());
    assert_eq!(
        app.query_preview(),
        Some(&authtop::authn::model::Filter::default())
    );

    // A later `now` each key: the preview is compiled against the app's clock.
    let typed = "email~acme created>now-2h";
    for (i, c) in (0..).zip(typed.chars()) {
        assert!(app.update(key(c), at(i)).is_empty(), "typing sends nothing");
    }
    let expected =
        authtop::query::compile(typed, at(i64::try_from(typed.len()).unwrap() - 1)).unwrap();
    assert_eq!(app.query_preview(), Some(&expected));
    let shown = authtop::query::explain(&expected);
    let line = info_line(&app);
    assert!(
        line.contains(&format!("filter none → {shown} on enter")),
        "{shown} not in {line}"
    );
    let t = app.table(ListSource::Sessions);
    assert!(t.filter().is_empty(), "the filter in force is unchanged");
    assert!(t.query_error().is_none());

    // Broken mid-way: the error shows instead, and goes when the text is fixed.
    app.update(Msg::Paste(" emial=x".to_string()), now());
    assert_eq!(app.query_preview(), None);
    let err = app
        .table(ListSource::Sessions)
        .query_error()
        .cloned()
        .unwrap();
    assert!(
        info_line(&app).contains(&err.message),
        "{}",
        info_line(&app)
    );
    for _ in 0..8 {
        app.update(code(KeyCode::Backspace), now());
    }
    assert!(app.table(ListSource::Sessions).query_error().is_none());
    assert_eq!(
        app.query_preview(),
        Some(&authtop::query::compile(typed, now()).unwrap())
    );

    assert!(app.update(code(KeyCode::Esc), now()).is_empty());
    assert_eq!(app.query_preview(), None);
    // Back to the facts alone: no filter is in force.
    assert!(
        info_line(&app).starts_with("  page 1 ·") && !info_line(&app).contains("filter"),
        "{}",
        info_line(&app)
    );
}

#[test]
fn a_good_query_resets_to_page_one_and_sends_the_compiled_filter() {
    let mut app = loaded(quiet(), sessions(0, 3), Some("c2"), 120, 30);
    let next = only(app.update(key(']'), now()));
    app.update(listed(&next, sessions(3, 6), None), now());
    app.update(key('/'), now());
    for c in "acme".chars() {
        app.update(key(c), now());
    }
    let cmd = only(app.update(code(KeyCode::Enter), now()));
    let expected = authtop::query::compile("acme", now()).unwrap();
    assert!(
        matches!(&cmd, Command::List { query, .. } if query.cursor.is_none() && query.filter == expected)
    );
    app.update(listed(&cmd, sessions(0, 1), None), now());
    let t = app.table(ListSource::Sessions);
    assert_eq!((t.page_number(), t.query_text()), (1, "acme"));
}

#[test]
fn selection_survives_a_reload_by_session_id() {
    let mut app = loaded(quiet(), sessions(0, 5), None, 120, 30);
    app.update(key('j'), now());
    app.update(key('j'), now());
    assert_eq!(
        app.table(ListSource::Sessions).selected().unwrap().id,
        "pmt_s0002"
    );
    let reload = only(app.update(key('r'), now()));
    let mut rows = sessions(0, 5);
    rows.remove(0);
    rows.insert(3, session(9));
    app.update(listed(&reload, rows, None), now());
    let t = app.table(ListSource::Sessions);
    assert_eq!(t.selected().unwrap().id, "pmt_s0002");
    assert_eq!(t.selected_index(), 1);
}

#[test]
fn paging_keys_move_by_the_visible_height() {
    let mut app = loaded(quiet(), sessions(0, 100), None, 120, 30);
    let height = authtop::tui::layout::table_height(30);
    app.update(code(KeyCode::PageDown), now());
    assert_eq!(app.table(ListSource::Sessions).selected_index(), height);
    app.update(key('G'), now());
    let t = app.table(ListSource::Sessions);
    assert_eq!(t.selected_index(), 99);
    assert_eq!(t.offset(), 100 - height, "the last row is at the bottom");
    app.update(code(KeyCode::PageUp), now());
    assert_eq!(
        app.table(ListSource::Sessions).selected_index(),
        99 - height
    );
    app.update(key('g'), now());
    assert_eq!(app.table(ListSource::Sessions).selected_index(), 0);
}

#[test]
fn detail_view_opens_toggles_json_and_goes_back() {
    let mut app = loaded(quiet(), sessions(0, 3), None, 120, 30);
    app.update(key('j'), now());
    app.update(code(KeyCode::Enter), now());
    assert_eq!(app.detail().unwrap().session().id, "pmt_s0001");
    app.update(key('J'), now());
    let json = app.detail().unwrap().json().unwrap().join("\n");
    let back: authtop::authn::model::Session = serde_json::from_str(&json).unwrap();
    assert_eq!(back, session(1));
    app.update(key('j'), now());
    assert_eq!(app.detail().unwrap().scroll(), 1);
    assert!(
        app.update(key('d'), now()).is_empty(),
        "d asks first, from the detail view too"
    );
    assert!(app.dialog().is_some());
    app.update(code(KeyCode::Esc), now());
    assert!(app.dialog().is_none());
    assert!(app.detail().is_some());
    app.update(code(KeyCode::Esc), now());
    assert!(app.detail().is_none());
}

#[test]
fn y_copies_the_selected_id() {
    let mut app = loaded(quiet(), sessions(0, 3), None, 120, 30);
    app.update(key('k'), now());
    assert!(
        app.update(key('y'), now()).is_empty(),
        "nothing for the worker"
    );
    assert!(app.take_effects().is_empty(), "y opens the copy menu");
    app.update(key('i'), now());
    assert_eq!(
        app.take_effects(),
        [Effect::Clipboard("pmt_s0000".to_string())]
    );
}

#[test]
fn tabs_switch_and_my_sessions_loads_on_first_visit() {
    let mut app = loaded(quiet(), sessions(0, 3), None, 120, 30);
    let cmd = only(app.update(key('2'), now()));
    assert!(matches!(
        cmd,
        Command::List {
            source: ListSource::MySessions,
            ..
        }
    ));
    assert_eq!(app.tab(), Tab::MySessions);
    app.update(listed(&cmd, sessions(1, 2), None), now());
    app.update(key('d'), now());
    let d = only(app.update(key('y'), now()));
    assert!(matches!(
        d,
        Command::Invalidate {
            source: ListSource::MySessions,
            ..
        }
    ));
    app.update(code(KeyCode::Tab), now());
    assert_eq!(app.tab(), Tab::Token);
    app.update(code(KeyCode::Tab), now());
    assert_eq!(app.tab(), Tab::Users);
    app.update(code(KeyCode::Tab), now());
    assert_eq!(app.tab(), Tab::Insights);
    app.update(code(KeyCode::Tab), now());
    assert_eq!(app.tab(), Tab::Pulses);
    app.update(code(KeyCode::Tab), now());
    assert_eq!(app.tab(), Tab::Sessions);
    assert!(
        app.update(key('2'), now()).is_empty(),
        "loaded once already"
    );

    let (mut no_user, _) = App::new(
        AppInit {
            has_user_token: false,
            ..quiet()
        },
        now(),
    );
    no_user.update(key('2'), now());
    assert_eq!(
        no_user.tab(),
        Tab::Sessions,
        "no My sessions tab without a user token"
    );
}

#[test]
fn auto_reload_fires_on_ticks_and_pauses() {
    let init = AppInit {
        auto_reload: Some(Duration::from_secs(30)),
        ..init()
    };
    let mut app = loaded(init, sessions(0, 2), None, 120, 30);
    assert!(app.update(Msg::Tick, at(29)).is_empty());
    let cmd = only(app.update(Msg::Tick, at(30)));
    assert!(matches!(
        cmd,
        Command::List {
            source: ListSource::Sessions,
            ..
        }
    ));
    assert!(
        app.update(Msg::Tick, at(61)).is_empty(),
        "not while one is loading"
    );
    app.update(listed(&cmd, sessions(0, 2), None), at(61));
    app.update(key('p'), at(61));
    assert!(app.update(Msg::Tick, at(200)).is_empty(), "paused");
    app.update(key('p'), at(200));
    app.update(key('d'), at(200));
    assert!(
        app.update(Msg::Tick, at(201)).is_empty(),
        "not while a dialog is open"
    );
    app.update(key('n'), at(201));
    assert_eq!(app.update(Msg::Tick, at(202)).len(), 1);
}

fn checked_app(created: i64, expire: i64) -> App {
    let (mut app, cmds) = App::new(quiet(), now());
    let check = cmds
        .iter()
        .find(|c| matches!(c, Command::TokenCheck { .. }))
        .unwrap();
    app.update(
        event(
            check,
            EventKind::Done(Outcome::TokenChecked(Box::new(token(
                "pmt_t0001",
                created,
                expire,
            )))),
        ),
        now(),
    );
    app
}

/// The Token tab's session expiry line, as drawn.
fn session_expiry_line(app: &App) -> String {
    screen(app)
        .into_iter()
        .find(|l| l.starts_with("session expiry"))
        .unwrap_or_else(|| panic!("no session expiry line:\n{}", screen(app).join("\n")))
}

/// A Sessions page of `rows` and a checked user token `token_id`, at 120x30.
fn sessions_and_token(rows: Vec<authtop::authn::model::Session>, token_id: &str) -> App {
    let (mut app, cmds) = App::new(quiet(), now());
    app.update(Msg::Resize(120, 30), now());
    app.update(listed(&cmds[0], rows, None), now());
    let check = cmds
        .iter()
        .find(|c| matches!(c, Command::TokenCheck { .. }))
        .unwrap();
    app.update(
        event(
            check,
            EventKind::Done(Outcome::TokenChecked(Box::new(token(token_id, -100, 900)))),
        ),
        now(),
    );
    app
}

#[test]
fn the_token_tab_finds_its_session_in_my_sessions_and_shows_its_expiry() {
    let mut app = sessions_and_token(sessions(2, 5), "pmt_t0001");
    assert_eq!(
        app.token().session_expire(),
        None,
        "not on the Sessions page"
    );

    let mine = only(app.update(key('3'), now()));
    assert!(
        matches!(
            mine,
            Command::List {
                source: ListSource::MySessions,
                ..
            }
        ),
        "{mine:?}"
    );
    let line = session_expiry_line(&app);
    assert!(line.contains("not loaded yet"), "{line}");

    app.update(listed(&mine, vec![session(0), session(1)], None), now());
    let expire = session(1).expire;
    assert_eq!(app.token().session_expire(), Some(expire));
    let line = session_expiry_line(&app);
    assert!(line.contains(&clock::absolute(expire)), "{line}");
    assert!(line.contains("in 6d 23h"), "{line}");
    assert!(app.update(key('1'), now()).is_empty());
    assert!(
        app.update(key('3'), now()).is_empty(),
        "loaded once is enough"
    );
}

#[test]
fn the_token_tab_needs_no_list_when_the_session_is_already_loaded() {
    let mut app = sessions_and_token(sessions(0, 3), "pmt_t0002");
    assert!(app.update(key('3'), now()).is_empty());
    assert_eq!(app.token().session_expire(), Some(session(2).expire));
    let line = session_expiry_line(&app);
    assert!(line.contains(&clock::absolute(session(2).expire)), "{line}");
}

#[test]
fn auto_refresh_fires_once_when_a_fifth_of_the_life_or_a_minute_remains() {
    // A 1000 s token: 20% is 200 s, more than the 60 s margin, so refresh 200 s before expiry.
    let mut app = checked_app(-100, 900);
    assert!(app.update(Msg::Tick, at(699)).is_empty());
    let cmd = only(app.update(Msg::Tick, at(700)));
    assert!(matches!(cmd, Command::Refresh { .. }));
    assert!(
        app.update(Msg::Tick, at(701)).is_empty(),
        "not again while in flight"
    );
    assert!(app.update(key('f'), at(701)).is_empty(), "nor by hand");

    // A 150 s token: 20% is 30 s, so the 60 s margin comes first.
    let mut short = checked_app(0, 150);
    assert!(short.update(Msg::Tick, at(89)).is_empty());
    assert!(matches!(
        only(short.update(Msg::Tick, at(90))),
        Command::Refresh { .. }
    ));

    // A 100 s token: the margin is capped at half its life, so it is not due at issue.
    let mut shorter = checked_app(0, 100);
    assert!(shorter.update(Msg::Tick, at(1)).is_empty());
    assert!(shorter.update(Msg::Tick, at(49)).is_empty());
    assert!(matches!(
        only(shorter.update(Msg::Tick, at(50))),
        Command::Refresh { .. }
    ));
}

#[test]
fn a_refresh_updates_the_token_and_history_and_reschedules() {
    let mut app = checked_app(-100, 900);
    let cmd = only(app.update(Msg::Tick, at(700)));
    let record = RefreshRecord {
        at: at(701),
        old_token_id: Some("pmt_t0001".to_string()),
        new_token: token("pmt_t0002", 701, 1701),
        latency: Duration::from_millis(42),
        request_id: "prq_ref".to_string(),
        session_expire: None,
        note: None,
    };
    app.update(
        event(&cmd, EventKind::Done(Outcome::Refreshed(Box::new(record)))),
        at(701),
    );
    let t = app.token();
    assert_eq!(t.info().unwrap().id, "pmt_t0002");
    assert_eq!(t.history().len(), 1);
    assert!(!t.is_refreshing());
    assert!(app.update(Msg::Tick, at(1500)).is_empty());
    assert_eq!(app.update(Msg::Tick, at(1501)).len(), 1);
}

#[test]
fn failed_refreshes_back_off_and_signed_out_stops_retrying() {
    let mut app = checked_app(-100, 900);
    let cmd = only(app.update(Msg::Tick, at(700)));
    app.update(event(&cmd, EventKind::failed(transport_error())), at(700));
    assert_eq!(app.token().retry_at(), Some(at(705)));
    assert!(app.token().last_error().unwrap().contains("refused"));
    assert!(app.update(Msg::Tick, at(704)).is_empty());
    let cmd = only(app.update(Msg::Tick, at(705)));
    app.update(event(&cmd, EventKind::failed(transport_error())), at(705));
    assert_eq!(app.token().retry_at(), Some(at(715)), "the wait doubles");

    let cmd = only(app.update(Msg::Tick, at(715)));
    app.update(
        event(&cmd, EventKind::failed(api_error("ExpiredToken"))),
        at(715),
    );
    assert!(app.token().signed_out());
    assert!(app.error().unwrap().contains("signed out"));
    for s in 716..800 {
        assert!(app.update(Msg::Tick, at(s)).is_empty(), "retried at {s}");
    }
}

#[test]
fn auto_refresh_toggles_off() {
    let mut app = checked_app(-100, 900);
    app.update(key('3'), now());
    app.update(key('A'), now());
    assert!(!app.token().auto());
    assert!(app.update(Msg::Tick, at(800)).is_empty());
    let (app2, _) = App::new(
        AppInit {
            refresh_policy: RefreshPolicy {
                auto: false,
                ..RefreshPolicy::default()
            },
            ..quiet()
        },
        now(),
    );
    assert!(!app2.token().auto());
}

#[test]
fn quit_waits_for_destructive_work_and_a_second_q_forces() {
    let mut app = loaded(quiet(), sessions(0, 3), None, 120, 30);
    app.update(key('d'), now());
    let inv = only(app.update(key('y'), now()));
    assert!(app.update(key('q'), now()).is_empty());
    assert!(!app.should_quit());
    assert!(app.flash().unwrap().contains("waiting for 1 action"));
    app.update(Msg::Tick, at(10));
    assert!(app.quitting(), "still waiting after the flash has gone");
    let cmds = app.update(
        event(
            &inv,
            EventKind::Done(Outcome::Invalidated {
                session_id: "pmt_s0000".to_string(),
                already_gone: true,
                request_id: None,
            }),
        ),
        now(),
    );
    assert!(app.should_quit(), "quits once the action finished");
    assert!(cmds.is_empty(), "nothing for the worker");
    assert_eq!(app.take_effects(), [Effect::Quit { force: false }]);

    let mut app = loaded(quiet(), sessions(0, 3), None, 120, 30);
    app.update(key('d'), now());
    app.update(key('y'), now());
    app.update(key('q'), now());
    let cmds = app.update(
        Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
        now(),
    );
    assert!(app.should_quit());
    assert!(cmds.is_empty(), "nothing for the worker");
    assert_eq!(app.take_effects(), [Effect::Quit { force: true }]);
}

#[test]
fn quit_with_nothing_destructive_in_flight_is_immediate() {
    let (mut app, _) = App::new(quiet(), now());
    assert_eq!(app.in_flight(), 2, "the first list and the token check");
    assert!(app.update(key('q'), now()).is_empty());
    assert_eq!(app.take_effects(), [Effect::Quit { force: false }]);
    assert!(app.should_quit());
}

#[test]
fn not_found_counts_as_already_gone_and_other_failures_stay_with_the_request_id() {
    let mut app = loaded(quiet(), sessions(0, 3), None, 120, 30);
    app.update(key('d'), now());
    let cmd = only(app.update(key('y'), now()));
    app.update(event(&cmd, EventKind::failed(api_error("NotFound"))), now());
    assert_eq!(ids(&app), ["pmt_s0001", "pmt_s0002"]);
    assert!(app.flash().unwrap().contains("already gone"));
    assert!(app.error().is_none());

    app.update(key('d'), now());
    let cmd = only(app.update(key('y'), now()));
    app.update(
        event(&cmd, EventKind::failed(api_error("InternalError"))),
        now(),
    );
    assert_eq!(ids(&app).len(), 2, "the row stays");
    assert!(app.error().unwrap().contains("prq_fail"));
    app.update(Msg::Tick, at(60));
    assert!(app.error().is_some(), "errors stay until dismissed");
}

#[test]
fn flashes_clear_after_a_few_seconds() {
    let mut app = loaded(quiet(), sessions(0, 3), None, 120, 30);
    app.update(key('y'), now());
    app.update(key('i'), now());
    assert!(app.flash().is_some());
    app.update(Msg::Tick, at(4));
    assert!(app.flash().is_some());
    app.update(Msg::Tick, at(5));
    assert!(app.flash().is_none());
}

#[test]
fn client_logout_confirms_with_a_warning_and_signs_out() {
    let mut app = checked_app(-100, 900);
    app.update(key('3'), now());
    app.update(key('O'), now());
    let d = app.dialog().unwrap();
    assert!(d.warning().is_some());
    assert!(d.lines().iter().any(|l| l.contains("alice@example.com")));
    let cmd = only(app.update(key('y'), now()));
    assert!(matches!(cmd, Command::ClientLogout { .. }));
    app.update(
        event(
            &cmd,
            EventKind::Done(Outcome::ClientLoggedOut {
                request_id: "prq_x".to_string(),
            }),
        ),
        now(),
    );
    assert!(app.token().signed_out());
    assert!(
        app.update(Msg::Tick, at(850)).is_empty(),
        "no refresh after signing out"
    );
}

#[test]
fn unknown_and_cancelled_events_leave_no_work_behind() {
    let (mut app, cmds) = App::new(quiet(), now());
    app.update(
        Msg::Worker(authtop::tui::command::Event {
            id: 999,
            kind: EventKind::Cancelled,
        }),
        now(),
    );
    app.update(event(&cmds[0], EventKind::Cancelled), now());
    assert!(!app.table(ListSource::Sessions).is_loading());
    assert_eq!(app.in_flight(), 1);
}

#[test]
fn ctrl_c_quits_even_while_editing_the_query() {
    let mut app = loaded(quiet(), sessions(0, 2), None, 120, 30);
    app.update(key('/'), now());
    app.update(key('x'), now());
    let cmds = app.update(
        Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
        now(),
    );
    assert!(cmds.is_empty(), "nothing for the worker");
    assert_eq!(app.take_effects(), [Effect::Quit { force: false }]);
    assert!(app.should_quit());
}

#[test]
fn without_a_service_token_the_app_starts_on_my_sessions() {
    let (mut app, cmds) = App::new(
        AppInit {
            has_service: false,
            ..quiet()
        },
        now(),
    );
    assert_eq!(app.tab(), Tab::MySessions);
    assert!(matches!(
        cmds[0],
        Command::List {
            source: ListSource::MySessions,
            ..
        }
    ));
    app.update(key('1'), now());
    assert_eq!(app.tab(), Tab::Sessions);
    assert!(
        app.update(key('r'), now()).is_empty(),
        "nothing to list without a service token"
    );
}
