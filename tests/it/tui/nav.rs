//! The navigation stack through `App::update` at a fixed clock: a drill-down (Users →
//! a user, Insights → a bar, a session's detail) and `Esc` back to the view it left, the
//! breadcrumb on screen, and what a key that does nothing on a screen says.

use crate::harness::app::*;
use authtop::authn::model::{Order, OrderBy, Session};
use authtop::investigate::insights::{Expiring, RiskBreakdown};
use authtop::investigate::users::RiskSummary;
use authtop::investigate::{Progress, UserRow};
use authtop::tui::app::{App, Tab, Trail};
use authtop::tui::command::{
    Command, EventKind, Figures, ListSource, Msg, Outcome, WalkGoal, Walked,
};
use ratatui::crossterm::event::KeyCode;
use std::collections::BTreeSet;

fn press(app: &mut App, keys: &str) -> Vec<Command> {
    keys.chars()
        .flat_map(|c| app.update(key(c), now()))
        .collect()
}

fn esc(app: &mut App) -> Vec<Command> {
    app.update(code(KeyCode::Esc), now())
}

fn enter(app: &mut App) -> Vec<Command> {
    app.update(code(KeyCode::Enter), now())
}

fn said(app: &App) -> String {
    app.status_message()
        .map(|(_, m)| m.to_string())
        .unwrap_or_default()
}

fn one_list(cmds: &[Command]) -> Command {
    let l = lists(cmds);
    assert_eq!(l.len(), 1, "one list in {cmds:?}");
    l.into_iter().next().unwrap()
}

fn walked(cmd: &Command, matches: Vec<Session>, users: Vec<UserRow>) -> Msg {
    let Command::Walk { walk, .. } = cmd else {
        panic!("not a walk: {cmd:?}");
    };
    event(
        cmd,
        EventKind::Done(Outcome::Walked(Box::new(Walked {
            generation: walk.generation,
            goal: walk.goal,
            progress: Progress {
                pages: 1,
                scanned: 30,
                matches: matches.len() as u64,
            },
            matches,
            anchors: vec![],
            users,
            figures: (walk.goal == WalkGoal::Aggregate).then(figures),
            written: None,
        }))),
    )
}

fn user(n: u64, sessions: u64) -> UserRow {
    UserRow {
        identity: format!("pui_u{n:04}"),
        email: format!("user{n}@example.com"),
        sessions,
        countries: ["FR".to_string()].into_iter().collect::<BTreeSet<_>>(),
        devices: BTreeSet::new(),
        last_login: Some(at(-3600)),
        risk: RiskSummary::default(),
    }
}

fn figures() -> Figures {
    Figures {
        hours: vec![(at(-3600), 10), (now(), 20)],
        days: vec![(now(), 30)],
        countries: vec![("US".into(), 20), ("FR".into(), 10)],
        devices: vec![("Firefox".into(), 30)],
        risk: RiskBreakdown {
            malicious: 1,
            suspicious: 2,
            benign: 27,
            vpn: 0,
            proxy: 0,
            embargo: 0,
            breached: 0,
            not_provided: 0,
            unknown: 0,
        },
        expiring: Expiring {
            within_hour: 0,
            within_day: 1,
            within_week: 2,
            soonest: vec![],
        },
        total: 30,
    }
}

fn selected_id(app: &App) -> String {
    app.table(ListSource::Sessions)
        .selected()
        .map(|s| s.id.clone())
        .unwrap_or_default()
}

/// Sessions under `email~example`, ordered the other way, on page 2 with the fourth row
/// selected and one row marked; then the Users tab with its walk answered.
fn deep_in_a_result() -> App {
    let mut app = loaded(init(), sessions(0, 10), Some("c2"), 120, 30);
    let cmds = apply_query(&mut app, "email~example");
    app.update(listed(&one_list(&cmds), sessions(0, 10), Some("c2")), now());
    let cmds = press(&mut app, "S");
    app.update(listed(&one_list(&cmds), sessions(0, 10), Some("c2")), now());
    let cmds = press(&mut app, "]");
    app.update(listed(&one_list(&cmds), sessions(10, 20), None), now());
    press(&mut app, "jj ");
    assert_eq!(app.table(ListSource::Sessions).page_number(), 2);
    assert_eq!(selected_id(&app), "pmt_s0013");
    assert!(app.table(ListSource::Sessions).is_marked("pmt_s0012"));
    let walk = the_walk(&press(&mut app, "4"));
    app.update(
        walked(&walk, vec![], vec![user(1, 3), user(2, 12), user(3, 7)]),
        now(),
    );
    app
}

#[test]
fn esc_after_a_users_drill_down_brings_back_query_order_page_selection_and_marks() {
    let mut app = deep_in_a_result();
    let before = app.table(ListSource::Sessions).ordering();
    assert_eq!(before, (OrderBy::default(), Order::default().flip()));
    press(&mut app, "j");
    assert_eq!(app.users().selected().unwrap().identity, "pui_u0003");

    let cmds = enter(&mut app);
    assert_eq!(app.tab(), Tab::Sessions);
    let t = app.table(ListSource::Sessions);
    assert_eq!(t.query_text(), "identity=pui_u0003");
    assert!(t.marks().is_empty(), "marks go aside with the view left");
    assert_eq!(
        said(&app),
        "1 mark set aside with the earlier query: esc brings it back"
    );
    app.update(listed(&one_list(&cmds), sessions(3, 4), None), now());
    assert_eq!(
        app.breadcrumb(),
        [
            Trail::Place("Users"),
            Trail::Chosen("pui_u0003".into()),
            Trail::Place("sessions"),
        ]
    );

    let cmds = esc(&mut app);
    assert_eq!(app.tab(), Tab::Users, "back on the tab the drill-down left");
    assert_eq!(app.users().selected().unwrap().identity, "pui_u0003");
    assert!(
        walks(&cmds).is_empty(),
        "the Users figures are kept, not walked again"
    );
    let t = app.table(ListSource::Sessions);
    assert_eq!(t.query_text(), "email~example");
    assert_eq!(t.ordering(), before);
    assert_eq!(t.page_number(), 2);
    assert!(t.is_marked("pmt_s0012"), "the marks are back");
    assert_eq!(selected_id(&app), "pmt_s0013");
    assert!(app.breadcrumb().is_empty());
    // The same page is asked for again: same query, order and cursor.
    let list = one_list(&cmds);
    let Command::List { query, .. } = &list else {
        unreachable!()
    };
    assert_eq!(query.cursor.as_deref(), Some("c2"));
    assert_eq!((query.order_by, query.order), before);
    assert_eq!(
        serde_json::to_value(&query.filter).unwrap(),
        serde_json::json!({"email__contains": ["example"]})
    );
    // A row ended meanwhile: the selection stays on the same session by its id.
    let mut rows = sessions(10, 20);
    rows.remove(1);
    app.update(listed(&list, rows, None), now());
    assert_eq!(selected_id(&app), "pmt_s0013");
    press(&mut app, "1");
    assert_eq!(app.table(ListSource::Sessions).page_number(), 2);
    // Nothing further to go back to: Esc dismisses as before, and sends nothing.
    assert!(esc(&mut app).is_empty());
    assert_eq!(
        app.table(ListSource::Sessions).query_text(),
        "email~example"
    );
}

#[test]
fn marks_made_after_a_drill_down_stay_with_its_query() {
    let mut app = deep_in_a_result();
    let cmds = enter(&mut app);
    app.update(listed(&one_list(&cmds), sessions(2, 4), None), now());
    press(&mut app, " ");
    assert_eq!(app.table(ListSource::Sessions).marks().len(), 1);
    esc(&mut app);
    assert_eq!(
        said(&app),
        "1 mark cleared: marks belong to the query they were made under"
    );
    let t = app.table(ListSource::Sessions);
    assert_eq!(t.marks().len(), 1);
    assert!(t.is_marked("pmt_s0012"));
}

#[test]
fn esc_after_an_insights_bar_drill_down_brings_back_the_chart_and_the_query() {
    let mut app = deep_in_a_result();
    press(&mut app, "5");
    assert_eq!(app.tab(), Tab::Insights);
    let bars = app.insights().bars();
    let fr = bars.iter().position(|b| b.label == "FR").unwrap();
    for _ in 0..fr {
        press(&mut app, "j");
    }
    let term = bars[fr].term.clone().unwrap();
    // A country is a local term: the drill-down walks for its matches.
    let walk = the_walk(&enter(&mut app));
    assert_eq!(
        app.table(ListSource::Sessions).query_text(),
        format!("email~example {term}")
    );
    assert_eq!(app.breadcrumb()[1], Trail::Chosen(term.clone()));
    app.update(walked(&walk, sessions(0, 2), vec![]), now());

    let cmds = esc(&mut app);
    assert_eq!(app.tab(), Tab::Insights);
    assert_eq!(app.insights().selected_index(), fr);
    assert!(
        walks(&cmds).is_empty(),
        "the charts are kept, not walked again"
    );
    let t = app.table(ListSource::Sessions);
    assert_eq!(t.query_text(), "email~example");
    assert_eq!(t.page_number(), 2);
    assert_eq!(selected_id(&app), "pmt_s0013");
    let Command::List { query, .. } = one_list(&cmds) else {
        unreachable!()
    };
    assert_eq!(query.cursor.as_deref(), Some("c2"));
}

#[test]
fn esc_while_the_drill_down_walks_stops_the_walk_first_then_goes_back() {
    let mut app = deep_in_a_result();
    press(&mut app, "5");
    let fr = app
        .insights()
        .bars()
        .iter()
        .position(|b| b.label == "FR")
        .unwrap();
    for _ in 0..fr {
        press(&mut app, "j");
    }
    let walk = the_walk(&enter(&mut app));
    let cmds = esc(&mut app);
    assert!(
        cmds.iter().any(|c| matches!(c, Command::CancelWalk { .. })),
        "{cmds:?}"
    );
    assert_eq!(app.tab(), Tab::Sessions, "the first Esc stops the walk");
    app.update(event(&walk, EventKind::Cancelled), now());
    esc(&mut app);
    assert_eq!(app.tab(), Tab::Insights);
    assert_eq!(
        app.table(ListSource::Sessions).query_text(),
        "email~example"
    );
}

#[test]
fn a_drill_down_twice_goes_back_one_view_at_a_time() {
    let mut app = deep_in_a_result();
    let cmds = enter(&mut app);
    app.update(listed(&one_list(&cmds), sessions(2, 4), None), now());
    let walk = the_walk(&press(&mut app, "4"));
    app.update(walked(&walk, vec![], vec![user(2, 12)]), now());
    let cmds = enter(&mut app);
    app.update(listed(&one_list(&cmds), sessions(2, 3), None), now());
    assert_eq!(
        app.breadcrumb(),
        [
            Trail::Place("Users"),
            Trail::Chosen("pui_u0002".into()),
            Trail::Place("users"),
            Trail::Chosen("pui_u0002".into()),
            Trail::Place("sessions"),
        ]
    );
    esc(&mut app);
    assert_eq!(app.tab(), Tab::Users);
    assert_eq!(
        app.table(ListSource::Sessions).query_text(),
        "identity=pui_u0002"
    );
    esc(&mut app);
    assert_eq!(
        app.table(ListSource::Sessions).query_text(),
        "email~example"
    );
    assert!(app.crumbs().is_empty());
}

#[test]
fn esc_out_of_a_sessions_detail_keeps_page_and_selection() {
    let mut app = deep_in_a_result();
    press(&mut app, "1");
    assert!(enter(&mut app).is_empty());
    // Without a drill-down before it, the detail's title says where it is.
    assert!(app.breadcrumb().is_empty());
    assert!(app.detail().is_some());
    assert!(
        esc(&mut app).is_empty(),
        "the page under the detail never moved"
    );
    assert!(app.detail().is_none());
    assert_eq!(app.table(ListSource::Sessions).page_number(), 2);
    assert_eq!(selected_id(&app), "pmt_s0013");
    assert!(app.breadcrumb().is_empty());
}

#[test]
fn the_breadcrumb_is_drawn_in_the_header_whole_and_esc_is_offered() {
    let mut app = deep_in_a_result();
    press(&mut app, "j");
    let cmds = enter(&mut app);
    app.update(listed(&one_list(&cmds), sessions(3, 4), None), now());
    for (w, h) in [(80, 24), (120, 30)] {
        app.update(Msg::Resize(w, h), now());
        let s = screen_at(&app, w, h);
        let header = s.lines().next().unwrap();
        assert!(
            header.contains("Users › pui_u0003 › sessions"),
            "{w}x{h}:\n{s}"
        );
        let hints = s.lines().last().unwrap();
        assert!(hints.contains("esc back"), "{w}x{h}:\n{s}");
    }
    // The detail view adds the session it shows.
    enter(&mut app);
    let s = screen_at(&app, 120, 30);
    assert!(
        s.lines()
            .next()
            .unwrap()
            .contains("Users › pui_u0003 › sessions › pmt_s0003"),
        "{s}"
    );
}

#[test]
fn keys_that_do_nothing_on_a_screen_say_why() {
    let mut app = deep_in_a_result();
    assert_eq!(app.tab(), Tab::Users);
    let cases = [
        (
            "d",
            "`d` (invalidate) acts on the Sessions and My sessions tabs and a session's detail, \
             not on Users: here, L: log the user out everywhere",
        ),
        (
            "]",
            "`]` (next page) acts on the Sessions and My sessions tabs, not on Users: \
             here, pgdn: one screen down",
        ),
        (
            "/",
            "`/` (query) acts on the Sessions and My sessions tabs, not on Users: press 1 to go there",
        ),
        ("z", "`z` is not a key of authtop: ? lists the keys"),
    ];
    for (k, want) in cases {
        assert!(press(&mut app, k).is_empty(), "{k}");
        assert_eq!(said(&app), want, "{k}");
    }

    press(&mut app, "5");
    assert!(press(&mut app, "D").is_empty());
    assert_eq!(
        said(&app),
        "`D` (invalidate marked) acts on the Sessions tab, not on Insights: press 1 to go there"
    );
    // `r` on Insights reloads the page and walks the query again rather than doing nothing.
    let cmds = press(&mut app, "r");
    assert_eq!(walks(&cmds).len(), 1);
    app.update(listed(&one_list(&cmds), sessions(10, 20), None), now());

    press(&mut app, "3");
    assert!(press(&mut app, "/").is_empty());
    assert_eq!(
        said(&app),
        "`/` (query) acts on the Sessions and My sessions tabs, not on Token: press 1 to go there"
    );

    press(&mut app, "1");
    enter(&mut app);
    assert!(app.detail().is_some());
    assert!(press(&mut app, "]").is_empty());
    assert_eq!(
        said(&app),
        "`]` (next page) acts on the Sessions and My sessions tabs, not on a session's detail: \
         esc closes the detail first"
    );
    esc(&mut app);
    // Page 2 is the last one.
    assert!(press(&mut app, "]").is_empty());
    assert_eq!(said(&app), "already on the last page");
}

#[test]
fn keys_on_the_selected_row_of_an_empty_list_say_there_is_none() {
    let mut app = loaded(init(), sessions(0, 3), None, 120, 30);
    let walk = the_walk(&press(&mut app, "4"));
    app.update(walked(&walk, vec![], vec![]), now());
    assert!(enter(&mut app).is_empty());
    assert_eq!(said(&app), "nothing selected: the list is empty");
    assert!(app.crumbs().is_empty());
    assert!(press(&mut app, "L").is_empty());
    assert_eq!(said(&app), "nothing selected: the list is empty");
    // The same on an empty Sessions page, for the keys that act on its selected row.
    press(&mut app, "1");
    let cmds = apply_query(&mut app, "email~nobody");
    app.update(listed(&one_list(&cmds), vec![], None), now());
    for k in ["d", "y", " ", "L"] {
        assert!(press(&mut app, k).is_empty(), "{k}");
        assert_eq!(said(&app), "nothing selected: the list is empty", "{k}");
    }
    assert!(enter(&mut app).is_empty());
    assert!(app.detail().is_none());
    assert_eq!(said(&app), "nothing selected: the list is empty");
}

#[test]
fn a_session_ended_after_a_drill_down_is_gone_from_the_view_esc_brings_back() {
    let mut app = deep_in_a_result();
    let cmds = enter(&mut app);
    app.update(listed(&one_list(&cmds), vec![session(12)], None), now());
    press(&mut app, "d");
    let cmds = press(&mut app, "y");
    let sent = cmds
        .iter()
        .find(|c| matches!(c, Command::Invalidate { .. }))
        .expect("the invalidate command");
    app.update(
        event(
            sent,
            EventKind::Done(Outcome::Invalidated {
                session_id: "pmt_s0012".into(),
                already_gone: false,
                request_id: None,
            }),
        ),
        now(),
    );
    esc(&mut app);
    let t = app.table(ListSource::Sessions);
    assert_eq!(t.query_text(), "email~example");
    assert!(!t.is_marked("pmt_s0012"), "its mark went with it");
    assert!(
        !t.rows().iter().any(|s| s.id == "pmt_s0012"),
        "and its row, before the page comes again"
    );
    assert_eq!(selected_id(&app), "pmt_s0013");
}

/// The walk's totals on Users describe Users: after a drill-down they are gone, not shown
/// under the user's sessions as if they were theirs.
#[test]
fn a_drill_down_takes_the_walks_totals_off_the_status_line() {
    let mut app = loaded(init(), sessions(0, 10), None, 120, 30);
    let walk = the_walk(&press(&mut app, "4"));
    app.update(walked(&walk, vec![], vec![user(1, 3), user(2, 12)]), now());
    assert!(
        said(&app).contains("walked"),
        "the walk's totals are on the status line first: {}",
        said(&app)
    );
    enter(&mut app);
    assert!(!said(&app).contains("walked"), "{}", said(&app));
}
