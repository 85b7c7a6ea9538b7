//! The session table's columns through `App::update` and the drawing: the marker that
//! counts hidden columns, `←`/`→` and the wide view, widths that hold for a whole
//! result, and sorting the whole result by risk with a walk (requested, gauge, shown
//! sorted and paged here, cancelled back to the order before).

use crate::harness::app::{
    code, event, key, listed, lists, loaded, now, quiet, screen_at, session, shown,
};
use authtop::authn::model::{Intelligence, IpIntel, Order, Session};
use authtop::investigate::Progress;
use authtop::investigate::sort::LocalSort;
use authtop::tui::app::{App, AppInit};
use authtop::tui::command::{Command, EventKind, Msg, Outcome, WalkGoal, Walked};
use ratatui::crossterm::event::KeyCode;

/// The header line of the table: the one that names EMAIL.
fn header(screen: &str) -> String {
    screen
        .lines()
        .find(|l| l.contains("EMAIL"))
        .unwrap_or_else(|| panic!("no header:\n{screen}"))
        .to_string()
}

/// Session `n` with Pangea-shaped ids (36 cells) and, when `vpn`, a VPN login.
fn row(n: usize, vpn: bool) -> Session {
    let mut s = session(n);
    s.id = format!("pmt_{:032x}", 0xabc0_0000 + n);
    s.identity = format!("pui_{:032x}", 0xdef0_0000 + n);
    if vpn && let Some(t) = s.active_token.as_mut() {
        t.intelligence = Some(Intelligence {
            ip_intel: Some(IpIntel {
                is_vpn: Some(true),
                ..IpIntel::default()
            }),
            ..Intelligence::default()
        });
    }
    s
}

fn app(w: u16, h: u16) -> App {
    loaded(
        AppInit {
            page_size: 10,
            ..quiet()
        },
        (0..10).map(|n| row(n, n % 3 == 0)).collect(),
        Some("c2"),
        w,
        h,
    )
}

#[test]
fn a_narrow_table_counts_its_hidden_columns_and_the_keys_that_show_them() {
    let app = app(80, 24);
    let head = header(&screen_at(&app, 80, 24));
    assert!(head.contains("RISK"), "RISK shows at 80 columns: {head}");
    assert!(head.contains("SCOPES"), "{head}");
    assert!(!head.contains("LOCATION"), "{head}");
    assert!(head.trim_end().ends_with("+5 cols →/l"), "{head}");
    // Wide enough for every column: no marker.
    let mut wide = app.clone();
    wide.update(Msg::Resize(250, 30), now());
    let head = header(&screen_at(&wide, 250, 30));
    assert!(!head.contains("cols"), "{head}");
}

#[test]
fn the_session_id_is_shown_at_160_columns_and_one_key_away_narrower() {
    let app = app(160, 40);
    let head = header(&screen_at(&app, 160, 40));
    assert!(head.trim_start().starts_with("ID "), "{head}");
    let mut app = app.clone();
    app.update(Msg::Resize(120, 30), now());
    app.update(code(KeyCode::Right), now());
    assert!(header(&screen_at(&app, 120, 30)).contains(" ID "));
}

#[test]
fn right_reveals_hidden_columns_with_the_email_pinned_and_left_comes_back() {
    let mut app = app(80, 24);
    let before = header(&screen_at(&app, 80, 24));
    assert!(!before.contains(" ID "), "{before}");
    app.update(code(KeyCode::Right), now());
    let after = header(&screen_at(&app, 80, 24));
    assert!(after.contains("ID"), "→ shows the session id: {after}");
    assert!(after.trim_start().starts_with("EMAIL"), "{after}");
    app.update(code(KeyCode::Right), now());
    let further = header(&screen_at(&app, 80, 24));
    assert!(further.trim_start().starts_with("EMAIL"), "{further}");
    assert!(
        further.contains("←/h"),
        "the marker counts columns on the left: {further}"
    );
    // `l` steps like `→`; at the last column it says so.
    for _ in 0..12 {
        app.update(key('l'), now());
    }
    assert_eq!(
        app.status_message().map(|m| m.1),
        Some("no more columns to the right")
    );
    for _ in 0..20 {
        app.update(key('h'), now());
    }
    assert_eq!(header(&screen_at(&app, 80, 24)), before);
    assert_eq!(
        app.status_message().map(|m| m.1),
        Some("already at the first column")
    );
}

#[test]
fn the_wide_view_shows_columns_at_full_width_and_scrolls() {
    let mut app = app(120, 30);
    app.update(key('w'), now());
    let head = header(&screen_at(&app, 120, 30));
    assert!(head.trim_start().starts_with("EMAIL"), "{head}");
    assert!(head.contains("ID"), "{head}");
    assert!(head.contains("→/l"), "{head}");
    app.update(code(KeyCode::Right), now());
    let next = header(&screen_at(&app, 120, 30));
    assert_ne!(next, head);
    assert!(next.contains("←/h"), "{next}");
    app.update(key('w'), now());
    let back = header(&screen_at(&app, 120, 30));
    assert!(
        back.trim_start().starts_with("ID") || back.contains("RISK"),
        "{back}"
    );
}

#[test]
fn column_widths_hold_from_page_to_page_and_on_an_empty_result() {
    let mut app = app(200, 40);
    let first = header(&screen_at(&app, 200, 40));
    // Page 2 has shorter ids and no risk flags: the columns do not move.
    let cmds = app.update(key(']'), now());
    let list = lists(&cmds).remove(0);
    let short: Vec<Session> = (10..20).map(session).collect();
    app.update(listed(&list, short, None), now());
    assert_eq!(
        shown(&app, authtop::tui::command::ListSource::Sessions)[0],
        "pmt_s0010"
    );
    assert_eq!(
        header(&screen_at(&app, 200, 40)),
        first,
        "page 2 keeps the widths"
    );
    // A new query whose result is empty keeps the header.
    app.update(key('/'), now());
    for c in "email~nobody".chars() {
        app.update(key(c), now());
    }
    let cmds = app.update(code(KeyCode::Enter), now());
    let list = lists(&cmds).remove(0);
    app.update(listed(&list, vec![], None), now());
    assert!(
        app.table(authtop::tui::command::ListSource::Sessions)
            .rows()
            .is_empty()
    );
    assert_eq!(
        header(&screen_at(&app, 200, 40)),
        first,
        "an empty result keeps the header"
    );
}

/// The walk command among `cmds`.
fn the_walk(cmds: Vec<Command>) -> Command {
    cmds.into_iter()
        .find(|c| matches!(c, Command::Walk { .. }))
        .expect("a walk")
}

#[test]
fn sorting_by_risk_walks_the_result_shows_the_gauge_and_pages_it_sorted() {
    let mut app = app(200, 40);
    let cmds = app.update(key('R'), now());
    let walk = the_walk(cmds);
    let Command::Walk { walk: req, .. } = &walk else {
        unreachable!()
    };
    assert_eq!(req.goal, WalkGoal::Matches);
    assert_eq!(req.sort, Some(LocalSort::Risk));
    assert_eq!(req.order, Order::Desc, "R puts the worst first");
    // The gauge shows while the walk reads pages.
    app.update(
        event(
            &walk,
            EventKind::Walking(Progress {
                pages: 3,
                scanned: 3000,
                matches: 3000,
            }),
        ),
        now(),
    );
    let during = screen_at(&app, 200, 40);
    assert!(during.contains("walking:"), "{during}");
    // The worker answers with the matches sorted: VPN rows first.
    let sorted: Vec<Session> = (0..25)
        .filter(|n| n % 2 == 0)
        .map(|n| row(n, true))
        .chain((0..25).filter(|n| n % 2 == 1).map(|n| row(n, false)))
        .collect();
    let ids: Vec<String> = sorted.iter().map(|s| s.id.clone()).collect();
    let done = Walked {
        generation: req.generation,
        goal: WalkGoal::Matches,
        progress: Progress {
            pages: 1,
            scanned: 25,
            matches: 25,
        },
        matches: sorted,
        anchors: vec![],
        users: vec![],
        figures: None,
        written: None,
    };
    app.update(
        event(&walk, EventKind::Done(Outcome::Walked(Box::new(done)))),
        now(),
    );
    let t = app.table(authtop::tui::command::ListSource::Sessions);
    assert_eq!(t.local_sort(), Some(LocalSort::Risk));
    assert_eq!(t.count(), Some(25), "the count is the result's");
    assert_eq!(
        shown(&app, authtop::tui::command::ListSource::Sessions),
        ids[..10]
    );
    let s = screen_at(&app, 200, 40);
    assert!(header(&s).contains("RISK ▼"), "{s}");
    assert!(s.contains("order risk ▼"), "{s}");
    assert!(s.contains("page 1 of 3"), "{s}");
    // Pages come from the sorted result: no list, no walk.
    let cmds = app.update(key(']'), now());
    assert!(cmds.is_empty(), "{cmds:?}");
    assert_eq!(
        shown(&app, authtop::tui::command::ListSource::Sessions),
        ids[10..20]
    );
    // `S` flips it: another walk, best first.
    let cmds = app.update(key('S'), now());
    let Command::Walk { walk: flip, .. } = the_walk(cmds) else {
        unreachable!()
    };
    assert_eq!((flip.sort, flip.order), (Some(LocalSort::Risk), Order::Asc));
}

#[test]
fn a_cancelled_sort_keeps_the_order_and_the_page_it_had() {
    let mut app = app(200, 40);
    let before = shown(&app, authtop::tui::command::ListSource::Sessions);
    let walk = the_walk(app.update(key('R'), now()));
    let cmds = app.update(code(KeyCode::Esc), now());
    assert!(
        cmds.iter().any(|c| matches!(c, Command::CancelWalk { .. })),
        "{cmds:?}"
    );
    app.update(event(&walk, EventKind::Cancelled), now());
    let t = app.table(authtop::tui::command::ListSource::Sessions);
    assert_eq!(t.local_sort(), None);
    assert_eq!(t.order(), Order::Desc);
    assert_eq!(
        shown(&app, authtop::tui::command::ListSource::Sessions),
        before
    );
    let s = screen_at(&app, 200, 40);
    assert!(s.contains("order created_at ▼"), "{s}");
    assert!(!header(&s).contains("RISK ▼"), "{s}");
    assert!(s.contains("walk cancelled"), "{s}");
}

#[test]
fn the_order_picker_lists_the_columns_sorted_by_a_walk() {
    let mut app = app(200, 40);
    app.update(key('s'), now());
    let labels: Vec<String> = app
        .picker()
        .unwrap()
        .items
        .iter()
        .map(|i| i.label.clone())
        .collect();
    for want in ["risk", "location", "device", "scopes"] {
        assert!(labels.iter().any(|l| l.starts_with(want)), "{labels:?}");
    }
    // `L` (Shift: descending) in the picker sorts by location, a walk.
    let cmds = app.update(key('L'), now());
    let Command::Walk { walk, .. } = the_walk(cmds) else {
        unreachable!()
    };
    assert_eq!(
        (walk.sort, walk.order),
        (Some(LocalSort::Location), Order::Desc)
    );
    // Choosing a server column while it walks leaves the local sort.
    app.update(key('s'), now());
    let cmds = app.update(key('m'), now());
    assert_eq!(lists(&cmds).len(), 1, "{cmds:?}");
    assert!(
        cmds.iter().any(|c| matches!(c, Command::CancelWalk { .. })),
        "the sort still being walked stops: {cmds:?}"
    );
    assert_eq!(
        app.table(authtop::tui::command::ListSource::Sessions)
            .local_sort(),
        None
    );
}

#[test]
fn a_sorted_result_larger_than_what_is_kept_says_so_and_pages_what_is_kept() {
    let mut app = app(200, 40);
    let walk = the_walk(app.update(key('R'), now()));
    let Command::Walk { walk: req, .. } = &walk else {
        unreachable!()
    };
    let done = Walked {
        generation: req.generation,
        goal: WalkGoal::Matches,
        progress: Progress {
            pages: 100,
            scanned: 100_000,
            matches: 100_000,
        },
        matches: (0..30).map(|n| row(n, true)).collect(),
        anchors: vec![],
        users: vec![],
        figures: None,
        written: None,
    };
    app.update(
        event(&walk, EventKind::Done(Outcome::Walked(Box::new(done)))),
        now(),
    );
    let s = screen_at(&app, 200, 40);
    assert!(
        s.contains("page 1 of 3 · 100,000 matched · first 30 sorted"),
        "{s}"
    );
    assert!(
        s.contains("sorted by risk: the first 30 of 100,000 are kept"),
        "{s}"
    );
}
