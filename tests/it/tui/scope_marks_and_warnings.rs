//! The TUI tells the truth, through `App::update` and the drawn screen: the `L` scope
//! from the server, marks scoped to their query, the own-session marker and one warning
//! on every destructive path, a message log that keeps a bulk summary through reload
//! errors, act-on-query with a typed count, and "could not load" with the cause.

use crate::harness::app::*;
use authtop::authn::model::Session;
use authtop::authn::{ApiError, ApiStatus, Error, TransportKind};
use authtop::tui::app::{App, OWN_WARNING, TYPE_COUNT_ABOVE};
use authtop::tui::command::{Command, EventKind, Failure, ListSource, Msg, Outcome};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;

fn only(cmds: Vec<Command>) -> Command {
    assert_eq!(cmds.len(), 1, "{cmds:?}");
    cmds.into_iter().next().unwrap()
}

fn screen(app: &App) -> String {
    let mut term = Terminal::new(TestBackend::new(120, 30)).unwrap();
    term.draw(|f| authtop::tui::view::draw(app, f)).unwrap();
    let buf = term.backend().buffer().clone();
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn refused() -> Error {
    Error::Transport {
        kind: TransportKind::Connect,
        host: "127.0.0.1:1".to_string(),
        message: "tcp connect error: Connection refused (os error 111)".to_string(),
        attempts: 4,
    }
}

fn api_error(status: &str) -> Error {
    Error::Api(Box::new(ApiError {
        http_status: 500,
        status: status.to_string(),
        kind: ApiStatus::parse(status),
        summary: "broken".to_string(),
        request_id: "prq_bulkfail".to_string(),
        errors: vec![],
        retry_after: None,
    }))
}

/// An app whose user token is the active token of session 1 (`pmt_t0001`).
fn with_own_session(rows: Vec<Session>) -> (App, Vec<Command>) {
    let (mut app, cmds) = App::new(quiet(), now());
    app.update(Msg::Resize(120, 30), now());
    let check = cmds
        .iter()
        .find(|c| matches!(c, Command::TokenCheck { .. }))
        .unwrap();
    let mut info = token("pmt_t0001", -600, 900);
    info.identity = "pui_u0001".into();
    info.email = "user1@example.com".into();
    app.update(
        event(
            check,
            EventKind::Done(Outcome::TokenChecked(Box::new(info))),
        ),
        now(),
    );
    app.update(listed(&cmds[0], rows, None), now());
    (app, cmds)
}

/// Presses `L` on the selected row and answers the count with `total`.
fn logout_dialog(app: &mut App, total: u64) {
    let ask = only(app.update(key('L'), now()));
    let Command::UserScope { user_id, .. } = &ask else {
        panic!("{ask:?}")
    };
    let user_id = user_id.clone();
    app.update(
        event(&ask, EventKind::Done(Outcome::UserScope { user_id, total })),
        now(),
    );
}

#[test]
fn l_states_the_users_total_from_the_server_and_drops_their_marks() {
    let mut rows = sessions(0, 4);
    rows[2].identity = "pui_u0000".into();
    let mut app = loaded(quiet(), rows, None, 120, 30);
    app.update(key(' '), now()); // marks row 0 (pui_u0000)
    app.update(key('j'), now());
    app.update(key(' '), now()); // marks row 2 (pui_u0000), selection moves to row 3
    app.update(key('g'), now());
    logout_dialog(&mut app, 1608);
    let d = app.dialog().unwrap();
    let text = d.lines().join("\n");
    assert!(text.contains("1,608 in all, 2 on this page"), "{text}");
    assert!(text.contains("marked rows belong to this user"), "{text}");
    let cmd = only(app.update(key('y'), now()));
    let cmds = app.update(
        event(
            &cmd,
            EventKind::Done(Outcome::LoggedOut {
                user_id: "pui_u0000".into(),
                request_id: "prq_l".into(),
            }),
        ),
        now(),
    );
    let t = app.table(ListSource::Sessions);
    assert!(
        t.marks()
            .iter()
            .all(|m| m != "pmt_s0000" && m != "pmt_s0002"),
        "{:?}",
        t.marks()
    );
    assert!(
        cmds.iter().any(|c| matches!(c, Command::List { .. })),
        "the page reloads after L: {cmds:?}"
    );
}

#[test]
fn a_failed_count_still_opens_the_dialog_saying_the_total_is_unknown() {
    let mut app = loaded(quiet(), sessions(0, 3), None, 120, 30);
    let ask = only(app.update(key('L'), now()));
    app.update(event(&ask, EventKind::failed(refused())), now());
    let text = app.dialog().unwrap().lines().join("\n");
    assert!(text.contains("total is unknown"), "{text}");
    assert!(text.contains("connection refused by 127.0.0.1:1"), "{text}");
}

#[test]
fn changing_the_query_clears_the_marks_and_says_so() {
    let mut app = loaded(quiet(), sessions(0, 5), None, 120, 30);
    for _ in 0..3 {
        app.update(key(' '), now());
    }
    assert_eq!(app.table(ListSource::Sessions).marks().len(), 3);
    app.update(key('/'), now());
    for c in "email~user4".chars() {
        app.update(key(c), now());
    }
    app.update(code(KeyCode::Enter), now());
    assert!(app.table(ListSource::Sessions).marks().is_empty());
    assert!(
        app.flash().unwrap().contains("3 marks cleared"),
        "{:?}",
        app.flash()
    );
    // With nothing marked, D does not act on marks made under another query.
    assert!(app.update(key('D'), now()).is_empty());
    assert!(app.dialog().is_none());
}

#[test]
fn m_lists_the_marked_rows_and_u_clears_them() {
    let mut app = loaded(quiet(), sessions(0, 5), None, 120, 30);
    app.update(key(' '), now());
    app.update(key(' '), now());
    app.update(key('M'), now());
    assert!(app.marks_open());
    let s = screen(&app);
    assert!(s.contains("2 marked under no query"), "{s}");
    assert!(
        s.contains("pmt_s0001") && s.contains("user1@example.com"),
        "{s}"
    );
    app.update(code(KeyCode::Esc), now());
    assert!(!app.marks_open());
    app.update(key('U'), now());
    assert!(app.table(ListSource::Sessions).marks().is_empty());
}

#[test]
fn the_own_session_is_marked_and_every_destructive_dialog_warns_the_same() {
    let (mut app, _) = with_own_session(sessions(0, 3));
    let s = screen(&app);
    assert!(s.contains("★ you user1@example.com"), "{s}");
    assert!(!s.contains("★ you user0"), "{s}");

    // The same row after a reload in which its active token has expired (none listed).
    let reload = only(app.update(key('r'), now()));
    let mut rows = sessions(0, 3);
    rows[1].active_token = None;
    app.update(listed(&reload, rows, None), now());
    assert!(screen(&app).contains("★ you user1@example.com"));

    let mut warnings = Vec::new();
    // d on the own row.
    app.update(key('j'), now());
    app.update(key('d'), now());
    warnings.push(app.dialog().unwrap().warning().map(str::to_string));
    app.update(key('n'), now());
    // L on its user.
    logout_dialog(&mut app, 4);
    warnings.push(app.dialog().unwrap().warning().map(str::to_string));
    app.update(key('n'), now());
    // D with it marked.
    app.update(key(' '), now());
    app.update(key('D'), now());
    warnings.push(app.dialog().unwrap().warning().map(str::to_string));
    app.update(key('n'), now());
    // X on a query matching it.
    app.update(key('/'), now());
    for c in "email~user".chars() {
        app.update(key(c), now());
    }
    let list = only(app.update(code(KeyCode::Enter), now()));
    app.update(listed(&list, sessions(0, 3), None), now());
    let census = only(app.update(key('X'), now()));
    app.update(
        event(
            &census,
            EventKind::Done(Outcome::Census(Box::new(census_of(
                &census,
                vec!["pmt_s0000".into(), "pmt_s0001".into()],
                2,
                sessions(0, 2),
            )))),
        ),
        now(),
    );
    warnings.push(app.dialog().unwrap().warning().map(str::to_string));
    app.update(key('n'), now());
    // O on the Token tab.
    app.update(key('3'), now());
    app.update(key('O'), now());
    warnings.push(app.dialog().unwrap().warning().map(str::to_string));

    assert_eq!(warnings.len(), 5);
    for w in &warnings {
        assert_eq!(w.as_deref(), Some(OWN_WARNING), "{warnings:?}");
    }
}

#[test]
fn x_acts_on_the_querys_matches_with_the_servers_count_and_a_typed_confirmation() {
    let mut app = loaded(quiet(), sessions(0, 3), None, 120, 30);
    // No query: X refuses to mean every session.
    assert!(app.update(key('X'), now()).is_empty());
    assert!(
        app.flash().unwrap().contains("blank query"),
        "{:?}",
        app.flash()
    );

    app.update(key('/'), now());
    for c in "email~example".chars() {
        app.update(key(c), now());
    }
    let list = only(app.update(code(KeyCode::Enter), now()));
    app.update(listed(&list, sessions(0, 3), None), now());
    let census = only(app.update(key('X'), now()));
    assert!(matches!(&census, Command::Census { set, .. } if set.text() == "email~example"));
    let n = TYPE_COUNT_ABOVE + 20;
    let ids: Vec<String> = (0..n).map(|i| format!("pmt_x{i:04}")).collect();
    app.update(
        event(
            &census,
            EventKind::Done(Outcome::Census(Box::new(census_of(
                &census,
                ids.clone(),
                17,
                sessions(0, 5),
            )))),
        ),
        now(),
    );
    let d = app.dialog().unwrap();
    let text = d.lines().join("\n");
    assert!(
        text.contains(&format!("{n} sessions of 17 users match")),
        "{text}"
    );
    assert!(text.contains("pmt_s0004"), "a sample: {text}");
    assert!(screen(&app).contains(&format!("Type {n} to confirm")));
    // y does not confirm, nor does a wrong count.
    assert!(app.update(key('y'), now()).is_empty());
    for c in (n + 1).to_string().chars() {
        app.update(key(c), now());
    }
    assert!(app.update(code(KeyCode::Enter), now()).is_empty());
    assert!(app.dialog().is_some());
    for _ in 0..4 {
        app.update(code(KeyCode::Backspace), now());
    }
    for c in n.to_string().chars() {
        app.update(key(c), now());
    }
    let cmd = only(app.update(code(KeyCode::Enter), now()));
    let Command::BulkInvalidate {
        session_ids, query, ..
    } = &cmd
    else {
        panic!("{cmd:?}")
    };
    assert_eq!(session_ids, &ids);
    assert_eq!(query.as_deref(), Some("email~example"));
}

#[test]
fn the_message_log_keeps_a_bulk_summary_through_later_reload_errors() {
    let mut app = loaded(quiet(), sessions(0, 10), None, 120, 30);
    app.update(key('a'), now());
    app.update(key('D'), now());
    let bulk = only(app.update(key('y'), now()));
    let failed: Vec<(String, Failure)> = (2..10)
        .map(|i| (format!("pmt_s{i:04}"), api_error("InternalError").into()))
        .collect();
    let cmds = app.update(
        event(
            &bulk,
            EventKind::Done(Outcome::Bulk {
                done: vec!["pmt_s0000".into(), "pmt_s0001".into()],
                already_gone: vec![],
                failed,
                not_attempted: vec![],
                stopped: None,
            }),
        ),
        now(),
    );
    let reload = lists(&cmds).pop().expect("the page reloads after a bulk");
    assert!(app.error().unwrap().contains("8 failed"));
    // The reload fails: the bulk's summary keeps the status line.
    app.update(event(&reload, EventKind::failed(refused())), at(5));
    assert!(
        app.error().unwrap().contains("8 failed"),
        "{:?}",
        app.error()
    );
    app.update(key('@'), at(6));
    let s = screen(&app);
    assert!(s.contains("invalidated 2 of 10, 8 failed"), "{s}");
    assert!(
        s.contains("failed pmt_s0009"),
        "every failure is listed: {s}"
    );
    assert!(s.contains("prq_bulkfail"), "{s}");
    assert!(s.contains("could not load sessions"), "{s}");
    let entries = app.messages().entries().len();
    assert!(entries >= 2);
}

#[test]
fn a_list_error_clears_when_a_later_load_succeeds_and_never_hides_a_result() {
    let mut app = loaded(quiet(), sessions(0, 3), None, 120, 30);
    let reload = only(app.update(key('r'), now()));
    app.update(event(&reload, EventKind::failed(refused())), now());
    assert!(app.error().is_some());
    // A later action's result shows over the older error.
    app.update(key('d'), at(1));
    let inv = only(app.update(key('y'), at(1)));
    app.update(
        event(
            &inv,
            EventKind::Done(Outcome::Invalidated {
                session_id: "pmt_s0000".into(),
                already_gone: false,
                request_id: Some("prq_ok".into()),
            }),
        ),
        at(2),
    );
    assert!(
        screen(&app).contains("invalidated pmt_s0000"),
        "{}",
        screen(&app)
    );
    let reload = only(app.update(key('r'), at(3)));
    app.update(listed(&reload, sessions(1, 3), None), at(4));
    assert!(app.error().is_none(), "{:?}", app.error());
}

#[test]
fn a_failed_first_load_says_it_could_not_load_with_the_cause_and_r_retries() {
    let (mut app, cmds) = App::new(quiet(), now());
    app.update(Msg::Resize(120, 30), now());
    app.update(event(&cmds[0], EventKind::failed(refused())), now());
    let s = screen(&app);
    assert!(
        s.contains("could not load: connection refused by 127.0.0.1:1 after 4 tries"),
        "{s}"
    );
    assert!(!s.contains("no sessions"), "{s}");
    let retry = only(app.update(key('r'), now()));
    assert!(matches!(retry, Command::List { .. }));
    app.update(listed(&retry, sessions(0, 2), None), now());
    assert!(!screen(&app).contains("could not load"));
}

#[test]
fn quitting_during_a_bulk_shows_its_progress_while_it_waits() {
    let mut app = loaded(quiet(), sessions(0, 10), None, 120, 30);
    app.update(key('a'), now());
    app.update(key('D'), now());
    let bulk = only(app.update(key('y'), now()));
    assert!(app.update(key('q'), now()).is_empty(), "quit waits");
    app.update(
        event(
            &bulk,
            EventKind::Progress {
                session_id: "pmt_s0000".into(),
                outcome: authtop::tui::command::ItemOutcome::Done,
                finished: 3,
                total: 10,
            },
        ),
        now(),
    );
    let s = screen(&app);
    assert!(
        s.contains("quitting: waiting for 1 action (bulk 3/10 finished)"),
        "{s}"
    );
}

#[test]
fn a_reload_error_does_not_hide_the_result_of_an_action_just_taken() {
    let mut app = loaded(quiet(), sessions(0, 3), None, 120, 30);
    app.update(key('d'), now());
    let inv = only(app.update(key('y'), now()));
    app.update(
        event(
            &inv,
            EventKind::Done(Outcome::Invalidated {
                session_id: "pmt_s0000".into(),
                already_gone: false,
                request_id: Some("prq_ok".into()),
            }),
        ),
        now(),
    );
    let reload = only(app.update(key('r'), at(1)));
    app.update(event(&reload, EventKind::failed(refused())), at(2));
    let s = screen(&app);
    assert!(s.contains("invalidated pmt_s0000 (request prq_ok)"), "{s}");
    // The reload's error is not lost: the table and the log have it.
    assert!(app.error().unwrap().contains("could not load"));
    assert!(
        app.messages()
            .entries()
            .any(|e| e.text.contains("could not load sessions"))
    );
}
