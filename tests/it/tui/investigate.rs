//! Walks, the Users tab and the Insights tab through `App::update` at a fixed clock, and
//! their screens as snapshots at two sizes.

use crate::harness::app::*;
use authtop::authn::model::{Order, Session};
use authtop::investigate::insights::{Expiring, RiskBreakdown};
use authtop::investigate::users::RiskSummary;
use authtop::investigate::{Progress, UserColumn, UserRow};
use authtop::query::Verdict;
use authtop::tui::app::{App, Ask, Chart, Tab};
use authtop::tui::command::{
    Command, EventKind, Figures, ListSource, Msg, Outcome, WalkGoal, Walked,
};
use ratatui::crossterm::event::KeyCode;
use ratatui::style::{Color, Modifier, Style};
use std::collections::BTreeSet;

fn press(app: &mut App, keys: &str) -> Vec<Command> {
    keys.chars()
        .flat_map(|c| app.update(key(c), now()))
        .collect()
}

fn progress(cmd: &Command, pages: u64, scanned: u64, matches: u64) -> Msg {
    event(
        cmd,
        EventKind::Walking(Progress {
            pages,
            scanned,
            matches,
        }),
    )
}

fn walked(
    cmd: &Command,
    matches: Vec<Session>,
    users: Vec<UserRow>,
    figures: Option<Figures>,
) -> Msg {
    let Command::Walk { walk, .. } = cmd else {
        panic!("not a walk: {cmd:?}");
    };
    // An aggregate walk counts every session it scanned as a match of the query.
    let n = match walk.goal {
        WalkGoal::Matches => matches.len() as u64,
        WalkGoal::Aggregate | WalkGoal::Export => 3000,
    };
    event(
        cmd,
        EventKind::Done(Outcome::Walked(Box::new(Walked {
            generation: walk.generation,
            goal: walk.goal,
            progress: Progress {
                pages: 3,
                scanned: 3000,
                matches: n,
            },
            matches,
            anchors: vec![],
            users,
            figures,
            written: None,
        }))),
    )
}

fn ids(app: &App) -> Vec<String> {
    app.table(ListSource::Sessions)
        .rows()
        .iter()
        .map(|s| s.id.clone())
        .collect()
}

fn user(n: u64, email: &str, sessions: u64, countries: &[&str], risk: RiskSummary) -> UserRow {
    UserRow {
        identity: format!("pui_u{n:04}"),
        email: email.to_string(),
        sessions,
        countries: countries.iter().map(ToString::to_string).collect(),
        devices: ["Firefox 128 / Windows".to_string()]
            .into_iter()
            .collect::<BTreeSet<_>>(),
        last_login: Some(at(-i64::try_from(n).unwrap() * 3600)),
        risk,
    }
}

fn users() -> Vec<UserRow> {
    vec![
        user(1, "ann@example.com", 3, &["FR"], RiskSummary::default()),
        user(
            2,
            "bob@example.com",
            12,
            &["US", "RU", "BR"],
            RiskSummary {
                worst: Some(Verdict::Malicious),
                vpn: 2,
                ..RiskSummary::default()
            },
        ),
        user(
            3,
            "cy@example.com",
            7,
            &["DE", "FR"],
            RiskSummary {
                worst: Some(Verdict::Benign),
                breached: true,
                ..RiskSummary::default()
            },
        ),
    ]
}

fn figures() -> Figures {
    Figures {
        hours: (0..6)
            .map(|h| (at(-6 * 3600 + h * 3600), (h.unsigned_abs() + 1) * 10))
            .collect(),
        days: vec![(at(-86_400), 50), (now(), 160)],
        countries: vec![("US".into(), 90), ("FR".into(), 40), ("DE".into(), 12)],
        devices: vec![("Firefox".into(), 80), ("curl".into(), 30)],
        risk: RiskBreakdown {
            malicious: 2,
            suspicious: 5,
            benign: 150,
            vpn: 11,
            proxy: 4,
            embargo: 1,
            breached: 6,
            not_provided: 3,
            unknown: 0,
        },
        expiring: Expiring {
            within_hour: 4,
            within_day: 20,
            within_week: 200,
            soonest: vec![],
        },
        total: 210,
    }
}

/// An app on the Users tab with the aggregate walk answered.
fn on_users() -> App {
    let mut app = loaded(init(), sessions(0, 5), None, 120, 30);
    let cmds = press(&mut app, "4");
    let walk = the_walk(&cmds);
    app.update(walked(&walk, vec![], users(), Some(figures())), now());
    app
}

fn emails(app: &App) -> Vec<String> {
    app.users().rows().iter().map(|r| r.email.clone()).collect()
}

#[test]
fn my_sessions_show_the_gauge_of_their_own_walk_and_the_sessions_table_does_not() {
    let (mut app, cmds) = App::new(init(), now());
    app.update(Msg::Resize(120, 30), now());
    for c in lists(&cmds) {
        app.update(listed(&c, sessions(0, 5), None), now());
    }
    app.update(key('2'), now());
    assert_eq!(app.tab(), Tab::MySessions);
    let walk = the_walk(&apply_query(&mut app, "country=FR"));
    let Command::Walk { walk: req, .. } = &walk else {
        unreachable!()
    };
    assert_eq!(req.source, ListSource::MySessions);
    app.update(progress(&walk, 1, 40, 3), now());
    let gauge = "walking: 1 page, 40 sessions scanned, 3 matches";
    let text = text_of(&drawn(&app, 120, 30));
    assert!(text.contains(gauge), "{text}");
    // The Sessions table is not the one being walked: it keeps its info line.
    app.update(key('1'), now());
    assert_eq!(app.tab(), Tab::Sessions);
    let text = text_of(&drawn(&app, 120, 30));
    assert!(!text.contains("walking:"), "{text}");
}

#[test]
fn a_local_term_sends_the_server_part_and_walks_with_a_gauge_esc_cancels() {
    let mut app = loaded(init(), sessions(0, 5), None, 120, 30);
    let before = ids(&app);
    let in_flight = app.in_flight();
    let cmds = apply_query(&mut app, "email~example country=FR");
    assert!(cmds.iter().all(|c| !matches!(c, Command::List { .. })));
    let walk = the_walk(&cmds);
    let Command::Walk { walk: req, .. } = &walk else {
        unreachable!()
    };
    assert_eq!(req.goal, WalkGoal::Matches);
    assert_eq!(req.query.explain_local(), "country=FR");
    let wire = serde_json::to_value(&req.query.server).unwrap();
    assert_eq!(wire, serde_json::json!({"email__contains": ["example"]}));

    app.update(progress(&walk, 2, 2000, 17), now());
    let w = app.walk().expect("walk shown");
    assert_eq!(
        (w.progress.pages, w.progress.scanned, w.progress.matches),
        (2, 2000, 17)
    );
    let screen = drawn(&app, 120, 30);
    let text = text_of(&screen);
    assert!(
        text.contains("walking: 2 pages, 2,000 sessions scanned, 17 matches — esc cancels"),
        "{text}"
    );

    let cmds = app.update(code(KeyCode::Esc), now());
    assert_eq!(
        cmds,
        vec![Command::CancelWalk {
            walk: walk.id().unwrap()
        }]
    );
    app.update(event(&walk, EventKind::Cancelled), now());
    assert!(app.walk().is_none());
    assert_eq!(
        ids(&app),
        before,
        "a cancelled walk leaves the table as it was"
    );
    assert!(
        app.flash()
            .unwrap()
            .contains("walk cancelled after 2,000 sessions scanned")
    );
    assert!(!app.table(ListSource::Sessions).is_loading());
    assert_eq!(app.in_flight(), in_flight, "the walk ended exactly once");
}

#[test]
fn a_finished_walk_pages_through_its_matches_locally() {
    let mut init = init();
    init.page_size = 10;
    let mut app = loaded(init, sessions(0, 5), None, 120, 30);
    let cmds = apply_query(&mut app, "vpn");
    let walk = the_walk(&cmds);
    app.update(progress(&walk, 1, 1000, 25), now());
    app.update(walked(&walk, sessions(100, 125), vec![], None), now());
    assert!(app.walk().is_none());
    let t = app.table(ListSource::Sessions);
    assert!(t.is_local());
    assert_eq!(t.count(), Some(25));
    assert_eq!(ids(&app).first().unwrap(), "pmt_s0100");
    assert_eq!(ids(&app).len(), 10);

    // `]` pages without asking the server.
    let cmds = press(&mut app, "]");
    assert!(cmds.is_empty(), "{cmds:?}");
    assert_eq!(ids(&app).first().unwrap(), "pmt_s0110");
    press(&mut app, "]");
    assert_eq!(ids(&app).len(), 5);
    assert_eq!(app.table(ListSource::Sessions).page_number(), 3);
    press(&mut app, "]");
    assert!(app.flash().is_some(), "no page past the last says so");
    press(&mut app, "[[");
    assert_eq!(ids(&app).first().unwrap(), "pmt_s0100");

    // A query with no local term goes back to server pages.
    let cmds = apply_query(&mut app, "email~user1");
    assert_eq!(lists(&cmds).len(), 1);
    app.update(listed(&lists(&cmds)[0], sessions(1, 2), None), now());
    assert!(!app.table(ListSource::Sessions).is_local());
}

#[test]
fn a_failed_walk_says_why_and_stops_loading() {
    let mut app = loaded(init(), sessions(0, 5), None, 120, 30);
    let walk = the_walk(&apply_query(&mut app, "breached"));
    let err = authtop::authn::Error::Transport {
        kind: authtop::authn::TransportKind::Closed,
        host: "127.0.0.1:9".into(),
        message: "connection closed".into(),
        attempts: 3,
    };
    app.update(event(&walk, EventKind::failed(err)), now());
    assert!(app.walk().is_none());
    assert!(!app.table(ListSource::Sessions).is_loading());
    assert!(
        app.error()
            .unwrap()
            .contains("walking the query's pages failed")
    );
}

#[test]
fn relative_times_are_evaluated_again_on_every_reload() {
    let mut app = loaded(init(), sessions(0, 5), None, 120, 30);
    let first = lists(&apply_query(&mut app, "created>now-5m"));
    let later = at(600);
    let second = lists(&app.update(key('r'), later));
    let filter = |c: &Command| match c {
        Command::List { query, .. } => serde_json::to_value(&query.filter).unwrap(),
        _ => unreachable!(),
    };
    assert_eq!(filter(&first[0])["created_at__gt"], "2026-03-01T11:55:00Z");
    assert_eq!(filter(&second[0])["created_at__gt"], "2026-03-01T12:05:00Z");

    // The same for a walked query.
    let w1 = the_walk(&apply_query(&mut app, "created>now-5m vpn"));
    app.update(walked(&w1, vec![], vec![], None), now());
    let w2 = the_walk(&app.update(key('r'), later));
    let server = |c: &Command| match c {
        Command::Walk { walk, .. } => serde_json::to_value(&walk.query.server).unwrap(),
        _ => unreachable!(),
    };
    assert_eq!(server(&w1)["created_at__gt"], "2026-03-01T11:55:00Z");
    assert_eq!(server(&w2)["created_at__gt"], "2026-03-01T12:05:00Z");
}

#[test]
fn the_users_tab_walks_the_query_and_orders_by_any_column() {
    let mut app = loaded(init(), sessions(0, 5), None, 120, 30);
    let walk = the_walk(&press(&mut app, "4"));
    assert_eq!(app.tab(), Tab::Users);
    let Command::Walk { walk: req, .. } = &walk else {
        unreachable!()
    };
    assert_eq!(req.goal, WalkGoal::Aggregate);
    app.update(walked(&walk, vec![], users(), Some(figures())), now());
    // Most sessions first by default.
    assert_eq!(
        emails(&app),
        ["bob@example.com", "cy@example.com", "ann@example.com"]
    );
    assert_eq!(app.users().ordering(), (UserColumn::Sessions, Order::Desc));
    press(&mut app, "S");
    assert_eq!(
        emails(&app),
        ["ann@example.com", "cy@example.com", "bob@example.com"]
    );
    press(&mut app, "s");
    assert_eq!(app.users().ordering().0, UserColumn::Countries);
    assert_eq!(emails(&app)[0], "ann@example.com");
    press(&mut app, "S");
    assert_eq!(emails(&app)[0], "bob@example.com", "three countries first");
    press(&mut app, "ss");
    assert_eq!(app.users().ordering().0, UserColumn::LastLogin);
    press(&mut app, "s");
    assert_eq!(app.users().ordering().0, UserColumn::Risk);
    assert_eq!(emails(&app)[0], "bob@example.com", "malicious first");
    // Leaving and coming back with the same query does not walk again.
    press(&mut app, "1");
    assert!(walks(&press(&mut app, "4")).is_empty());
}

#[test]
fn enter_on_a_user_opens_their_sessions() {
    let mut app = on_users();
    press(&mut app, "j");
    assert_eq!(app.users().selected().unwrap().email, "cy@example.com");
    let cmds = app.update(code(KeyCode::Enter), now());
    assert_eq!(app.tab(), Tab::Sessions);
    assert_eq!(
        app.table(ListSource::Sessions).query_text(),
        "identity=pui_u0003"
    );
    let list = lists(&cmds);
    assert_eq!(list.len(), 1);
    let Command::List { query, .. } = &list[0] else {
        unreachable!()
    };
    assert_eq!(
        serde_json::to_value(&query.filter).unwrap(),
        serde_json::json!({"identity": "pui_u0003"})
    );
    // The Users tab's figures were for the old query: going back walks again.
    assert_eq!(walks(&press(&mut app, "4")).len(), 1);
}

#[test]
fn l_on_a_user_counts_their_sessions_then_asks() {
    let mut app = on_users();
    let cmds = press(&mut app, "L");
    assert_eq!(cmds.len(), 1);
    let Command::UserScope { user_id, .. } = &cmds[0] else {
        panic!("{cmds:?}");
    };
    assert_eq!(user_id, "pui_u0002");
    app.update(
        event(
            &cmds[0],
            EventKind::Done(Outcome::UserScope {
                user_id: "pui_u0002".into(),
                total: 12,
            }),
        ),
        now(),
    );
    let d = app.dialog().expect("the log-out dialog");
    match &d.ask {
        Ask::LogoutUser {
            email,
            user_id,
            total,
            ..
        } => {
            assert_eq!(email, "bob@example.com");
            assert_eq!(user_id, "pui_u0002");
            assert_eq!(total, &Ok(12));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(&d.command, Command::Logout { user_id, .. } if user_id == "pui_u0002"));
}

#[test]
fn l_on_the_users_tab_is_gone_in_read_only_mode() {
    let mut init = init();
    init.read_only = true;
    let mut app = loaded(init, sessions(0, 5), None, 120, 30);
    let walk = the_walk(&press(&mut app, "4"));
    app.update(walked(&walk, vec![], users(), None), now());
    assert!(press(&mut app, "L").is_empty());
    assert!(app.dialog().is_none());
}

#[test]
fn enter_on_an_insights_bar_adds_its_term_to_the_query() {
    let mut app = on_users();
    press(&mut app, "5");
    assert_eq!(app.tab(), Tab::Insights);
    let bars = app.insights().bars();
    let fr = bars.iter().position(|b| b.label == "FR").unwrap();
    for _ in 0..fr {
        press(&mut app, "j");
    }
    assert_eq!(app.insights().selected_index(), fr);
    let cmds = app.update(code(KeyCode::Enter), now());
    assert_eq!(app.tab(), Tab::Sessions);
    assert_eq!(app.table(ListSource::Sessions).query_text(), "country=FR");
    the_walk(&cmds);

    // A second bar adds to the query; a time bar is a server term.
    let walk = the_walk(&press(&mut app, "5"));
    app.update(walked(&walk, vec![], users(), Some(figures())), now());
    press(&mut app, "g");
    let cmds = app.update(code(KeyCode::Enter), now());
    let q = app.table(ListSource::Sessions).query_text().to_string();
    assert_eq!(
        q,
        "country=FR created>=2026-03-01T06:00:00Z created<2026-03-01T07:00:00Z"
    );
    let w = the_walk(&cmds);
    let Command::Walk { walk, .. } = &w else {
        unreachable!()
    };
    assert_eq!(walk.query.explain_local(), "country=FR");
    assert!(!walk.query.server.is_empty());
}

#[test]
fn b_switches_logins_between_hours_and_days_and_a_bar_without_a_term_says_so() {
    let mut app = on_users();
    press(&mut app, "5");
    let hours = app.insights().bars().iter().filter(|b| b.value > 0).count();
    press(&mut app, "b");
    let days = app.insights().bars();
    assert_ne!(days.len(), hours);
    assert_eq!(days[0].label, "02-28");
    let np = days.iter().position(|b| b.label == "not provided").unwrap();
    for _ in 0..np {
        press(&mut app, "j");
    }
    assert!(app.update(code(KeyCode::Enter), now()).is_empty());
    assert_eq!(app.flash(), Some("no query term asks for this bar"));
    assert_eq!(app.tab(), Tab::Insights);
}

// ---- Screens ----

#[test]
fn users_tab_screens() {
    for (w, h) in [(120, 16), (72, 12)] {
        let mut app = on_users();
        app.update(Msg::Resize(w, h), now());
        let t = drawn(&app, w, h);
        insta::assert_snapshot!(format!("users_{w}x{h}"), t.backend());
        let buf = t.backend().buffer();
        assert_style(
            buf,
            "malicious vpn",
            Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
        );
    }
}

#[test]
fn insights_tab_screens() {
    for (w, h) in [(120, 30), (80, 24)] {
        let mut app = on_users();
        app.update(Msg::Resize(w, h), now());
        press(&mut app, "5");
        // Past the six hourly bars: the first country.
        press(&mut app, "jjjjjj");
        let t = drawn(&app, w, h);
        insta::assert_snapshot!(format!("insights_{w}x{h}"), t.backend());
        let buf = t.backend().buffer();
        assert_style(buf, "US ", Style::new().add_modifier(Modifier::REVERSED));
    }
}

#[test]
fn the_query_bar_colours_server_and_local_terms() {
    let mut app = loaded(init(), sessions(0, 5), None, 100, 20);
    apply_query(&mut app, "email~example vpn");
    let t = drawn(&app, 100, 20);
    let buf = t.backend().buffer();
    assert_style(buf, "email~example", Style::new().fg(Color::Cyan));
    assert_style(buf, "vpn", Style::new().fg(Color::Magenta));
    assert!(text_of(&t).contains("server · local"));
}

// ---- Export ----

#[test]
fn e_picks_a_format_and_exports_the_whole_result_with_progress_and_the_path() {
    let mut app = loaded(init(), sessions(0, 5), None, 120, 30);
    let l = lists(&apply_query(&mut app, "email~user"));
    app.update(listed(&l[0], sessions(1, 4), None), now());
    let shown = ids(&app);
    assert!(press(&mut app, "e").is_empty());
    let pick = *app.export_pick().expect("the picker is open");
    assert_eq!(pick.format, authtop::output::Format::Csv);
    assert!(!pick.marked_only, "nothing marked: the whole result");
    let t = drawn(&app, 120, 30);
    assert!(text_of(&t).contains("every session the query matches"));
    press(&mut app, "n");
    let cmds = app.update(code(KeyCode::Enter), now());
    assert!(app.export_pick().is_none());
    let walk = the_walk(&cmds);
    let Command::Walk { walk: req, .. } = &walk else {
        unreachable!()
    };
    assert_eq!(req.goal, WalkGoal::Export);
    let spec = req.export.as_ref().unwrap();
    assert_eq!(spec.format, authtop::output::Format::Ndjson);
    assert_eq!(spec.dir, std::path::PathBuf::from("exports"));
    assert_eq!(spec.only, None);
    assert_eq!(
        serde_json::to_value(&req.query.server).unwrap(),
        serde_json::json!({"email__contains": ["user"]})
    );
    app.update(progress(&walk, 4, 4000, 4000), now());
    let t = drawn(&app, 120, 30);
    assert!(text_of(&t).contains("walking: 4 pages, 4,000 sessions scanned"));
    let Command::Walk { walk: req, .. } = &walk else {
        unreachable!()
    };
    let done = event(
        &walk,
        EventKind::Done(Outcome::Walked(Box::new(Walked {
            generation: req.generation,
            goal: WalkGoal::Export,
            progress: Progress {
                pages: 5,
                scanned: 4321,
                matches: 4321,
            },
            matches: vec![],
            anchors: vec![],
            users: vec![],
            figures: None,
            written: Some(("/state/exports/sessions-1.ndjson".into(), 4321)),
        }))),
    );
    app.update(done, now());
    assert!(app.walk().is_none());
    assert_eq!(
        app.flash(),
        Some("exported 4,321 sessions to /state/exports/sessions-1.ndjson")
    );
    assert_eq!(ids(&app), shown, "the table is untouched");
}

#[test]
fn e_with_marks_exports_only_the_marked_rows_unless_m_says_all() {
    let mut app = loaded(init(), sessions(0, 5), None, 120, 30);
    press(&mut app, "  ");
    press(&mut app, "e");
    let pick = *app.export_pick().unwrap();
    assert!(pick.marked_only);
    assert_eq!(pick.marks, 2);
    let cmds = app.update(code(KeyCode::Enter), now());
    let Command::Walk { walk, .. } = the_walk(&cmds) else {
        unreachable!()
    };
    let mut only = walk.export.unwrap().only.unwrap();
    only.sort();
    assert_eq!(only, ["pmt_s0000", "pmt_s0001"]);

    press(&mut app, "e");
    press(&mut app, "m");
    let cmds = app.update(code(KeyCode::Enter), now());
    let Command::Walk { walk, .. } = the_walk(&cmds) else {
        unreachable!()
    };
    assert_eq!(walk.export.unwrap().only, None);
}

#[test]
fn esc_closes_the_export_picker_and_cancels_a_running_export() {
    let mut app = loaded(init(), sessions(0, 5), None, 120, 30);
    press(&mut app, "e");
    assert!(app.update(code(KeyCode::Esc), now()).is_empty());
    assert!(app.export_pick().is_none());
    press(&mut app, "e");
    let walk = the_walk(&app.update(code(KeyCode::Enter), now()));
    let cmds = app.update(code(KeyCode::Esc), now());
    assert_eq!(
        cmds,
        vec![Command::CancelWalk {
            walk: walk.id().unwrap()
        }]
    );
    app.update(event(&walk, EventKind::Cancelled), now());
    assert!(app.walk().is_none());
}

#[test]
fn export_is_an_action_of_the_registry() {
    let info = authtop::tui::keymap::Action::Export.info();
    assert_eq!(info.name, "export");
    assert_eq!(info.keys, ["e"]);
}

// ---- Detail intelligence and the Token tab's chart ----

use authtop::authn::model::{DomainIntel, Geolocation, Intelligence, IpIntel, Reputation};
use authtop::tui::command::RefreshRecord;

fn risky() -> Intelligence {
    Intelligence {
        embargo: Some(true),
        ip_intel: Some(IpIntel {
            is_bad: Some(true),
            is_vpn: Some(true),
            is_proxy: Some(false),
            reputation: Some(Reputation {
                category: Some(vec!["botnet".into()]),
                score: Some(97),
                verdict: Some("malicious".into()),
            }),
            geolocation: Some(Geolocation {
                country: Some("North Korea".into()),
                city: Some("Pyongyang".into()),
                country_code: Some("KP".into()),
                ..Geolocation::default()
            }),
        }),
        domain_intel: Some(DomainIntel {
            is_bad: Some(false),
            reputation: Some(Reputation {
                category: None,
                score: Some(0),
                verdict: Some("benign".into()),
            }),
        }),
        user_intel: Some(true),
    }
}

#[test]
fn detail_intelligence_is_spelled_out_in_colour_at_two_sizes() {
    for (w, h) in [(100, 40), (64, 44)] {
        let mut s = session(3);
        s.active_token.as_mut().unwrap().intelligence = Some(risky());
        let mut app = loaded(init(), vec![s], None, w, h);
        app.update(code(KeyCode::Enter), now());
        let t = drawn(&app, w, h);
        insta::assert_snapshot!(format!("detail_intelligence_{w}x{h}"), t.backend());
        let buf = t.backend().buffer();
        let danger = Style::new().fg(Color::Red).add_modifier(Modifier::BOLD);
        assert_style(buf, "malicious (score 97)", danger);
        assert_style(buf, "yes — from an embargoed location", danger);
        assert_style(buf, "yes — through a VPN", Style::new().fg(Color::Yellow));
        assert_style(buf, "Pyongyang, North Korea (KP)", Style::new());
    }
}

#[test]
fn detail_without_intelligence_says_the_server_provided_none() {
    let mut app = loaded(init(), vec![session(1)], None, 100, 40);
    app.update(code(KeyCode::Enter), now());
    let text = text_of(&drawn(&app, 100, 40));
    assert!(
        text.contains("intelligence: not provided by the server"),
        "{text}"
    );
}

/// The Token tab after a check an hour ago and five refreshes ten minutes apart.
fn refreshed_token_app(w: u16, h: u16) -> App {
    let (mut app, cmds) = App::new(init(), at(-3600));
    app.update(Msg::Resize(w, h), at(-3600));
    let check = cmds
        .iter()
        .find(|c| matches!(c, Command::TokenCheck { .. }))
        .unwrap();
    app.update(
        event(
            check,
            EventKind::Done(Outcome::TokenChecked(Box::new(token(
                "pmt_t0000",
                -3600,
                -2700,
            )))),
        ),
        at(-3600),
    );
    press(&mut app, "3");
    for (n, r) in [-3000, -2400, -1800, -1200, -600].into_iter().enumerate() {
        let cmd = app.update(key('f'), at(r)).remove(0);
        let mut new_token = token(&format!("pmt_t000{}", n + 1), r, r + 900);
        if n == 4 {
            let mut intel = risky();
            intel.embargo = Some(false);
            intel.user_intel = Some(false);
            new_token.intelligence = Some(intel);
        }
        app.update(
            event(
                &cmd,
                EventKind::Done(Outcome::Refreshed(Box::new(RefreshRecord {
                    at: at(r),
                    old_token_id: None,
                    new_token,
                    latency: std::time::Duration::from_millis(40),
                    request_id: format!("prq_{n}"),
                    session_expire: None,
                    note: None,
                }))),
            ),
            at(r),
        );
    }
    app.update(Msg::Tick, now());
    app
}

#[test]
fn token_tab_charts_life_left_with_each_refresh_marked_at_two_sizes() {
    for (w, h) in [(120, 30), (80, 26)] {
        let app = refreshed_token_app(w, h);
        let chart = app.token().life_chart(now(), 100).unwrap();
        assert_eq!(chart.marks.len(), 5, "one mark per refresh");
        // Life left falls between refreshes and jumps back up at each one.
        let before = chart.values[chart.marks[4] - 1];
        let after = chart.values[chart.marks[4]];
        assert!(after > before, "{before} then {after}");
        assert_eq!(*chart.values.last().unwrap(), 300, "five minutes left now");
        let t = drawn(&app, w, h);
        insta::assert_snapshot!(format!("token_chart_{w}x{h}"), t.backend());
        let buf = t.backend().buffer();
        // The marks under the chart (the title's own ▲ is plain).
        let marks: Vec<_> = buf
            .content
            .iter()
            .filter(|c| c.symbol() == "▲" && c.fg == Color::Cyan)
            .collect();
        assert_eq!(marks.len(), 5);
        assert_style(
            buf,
            "malicious vpn",
            Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
        );
        assert_style(buf, "Pyongyang, KP", Style::new());
    }
}

#[test]
fn c_moves_to_the_next_chart_and_wraps_round() {
    let mut app = on_users();
    press(&mut app, "5");
    let chart = |app: &App| {
        let bars = app.insights().bars();
        let b = &bars[app.insights().selected_index()];
        (b.chart, b.label.clone())
    };
    let mut seen = vec![];
    for _ in 0..5 {
        press(&mut app, "c");
        seen.push(chart(&app));
    }
    assert_eq!(
        seen,
        vec![
            (Chart::Countries, "US".to_string()),
            (Chart::Devices, "Firefox".to_string()),
            (Chart::Risk, "malicious".to_string()),
            (Chart::Expiring, "1 hour".to_string()),
            (Chart::Logins, app.insights().bars()[0].label.clone()),
        ]
    );
    assert_eq!(app.insights().selected_index(), 0);
    let help = app
        .keymap()
        .keys_label(authtop::tui::keymap::Action::NextChart);
    assert_eq!(help, "c");
}

#[test]
fn narrow_hour_bars_show_whole_hours_never_cut_labels() {
    for (w, h) in [(80, 24), (120, 30)] {
        let mut app = loaded(init(), sessions(0, 5), None, w, h);
        let walk = the_walk(&press(&mut app, "4"));
        let full_day = Figures {
            hours: (0..24)
                .map(|h| (at(-24 * 3600 + h * 3600), 10 + h.unsigned_abs()))
                .collect(),
            ..figures()
        };
        app.update(walked(&walk, vec![], users(), Some(full_day)), now());
        press(&mut app, "5");
        let text = text_of(&drawn(&app, w, h));
        let labels = text
            .lines()
            .find(|l| {
                let words: Vec<&str> = l.split_whitespace().collect();
                words
                    .windows(3)
                    .any(|x| x == ["│12", "13", "14"] || x == ["12", "13", "14"])
            })
            .unwrap_or_else(|| panic!("no whole hour labels at {w}x{h}:\n{text}"));
        assert!(!labels.contains(':'), "a cut label at {w}x{h}: {labels}");
    }
}

#[test]
fn on_the_users_tab_l_speaks_of_the_users_total_and_session_keys_say_where_they_work() {
    let mut app = on_users();
    let cmds = press(&mut app, "L");
    app.update(
        event(
            &cmds[0],
            EventKind::Done(Outcome::UserScope {
                user_id: "pui_u0002".into(),
                total: 12,
            }),
        ),
        now(),
    );
    let lines = app.dialog().expect("the log-out dialog").lines().join("\n");
    assert!(lines.contains("12 in all."), "{lines}");
    assert!(!lines.contains("on this page"), "{lines}");
    app.update(code(KeyCode::Esc), now());
    assert!(app.dialog().is_none());

    for (k, label, places) in [
        ("/", "query", "the Sessions and My sessions tabs"),
        (
            "y",
            "copy",
            "the Sessions and My sessions tabs and a session's detail",
        ),
        ("e", "export", "the Sessions tab"),
    ] {
        assert!(press(&mut app, k).is_empty());
        let said = app.flash().unwrap_or_default().to_string();
        assert_eq!(
            said,
            format!("`{k}` ({label}) acts on {places}, not on Users: press 1 to go there")
        );
    }
}

#[test]
fn users_rows_with_wide_characters_stay_aligned_with_whole_ids_and_whole_risk_words() {
    let mut app = loaded(init(), sessions(0, 5), None, 160, 20);
    let walk = the_walk(&press(&mut app, "4"));
    let mut rows = users();
    let mut carol = user(
        4,
        "carol.田中@acme.test",
        5,
        &["JP"],
        RiskSummary {
            worst: Some(Verdict::Suspicious),
            vpn: 1,
            proxy: 1,
            embargo: 1,
            breached: true,
            ..RiskSummary::default()
        },
    );
    carol.identity = "pui_rfiwswkyln3qzd5xam2t7oyupvnbcegh".to_string();
    rows.push(carol);
    app.update(walked(&walk, vec![], rows, Some(figures())), now());
    let t = drawn(&app, 160, 20);
    let buf = t.backend().buffer();
    // The cell (column) where each row's identity starts, measured in cells.
    let id_columns: Vec<u16> = (0..buf.area.height)
        .filter_map(|y| {
            (0..buf.area.width.saturating_sub(4)).find(|&x| {
                (0..4).all(|k| buf[(x + k, y)].symbol() == &"pui_"[k as usize..=k as usize])
            })
        })
        .collect();
    assert_eq!(id_columns.len(), 4, "{}", text_of(&t));
    assert!(
        id_columns.iter().all(|x| *x == id_columns[0]),
        "identities start at {id_columns:?}\n{}",
        text_of(&t)
    );
    let text = text_of(&t);
    assert!(
        text.contains("pui_rfiwswkyln3qzd5xam2t7oyupvnbcegh"),
        "the id whole:\n{text}"
    );
    let carol_line = text.lines().find(|l| l.contains("carol")).unwrap();
    assert!(
        carol_line.contains("suspicious vpn +3"),
        "risk words whole: {carol_line}"
    );

    // Too narrow for the whole id: no IDENTITY column rather than a cut one.
    let t = drawn(&app, 100, 20);
    let text = text_of(&t);
    assert!(!text.contains("pui_"), "{text}");
    assert!(!text.contains("…"), "{text}");
}
