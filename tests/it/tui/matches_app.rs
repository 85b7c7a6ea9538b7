//! Pages of many local matches through `App::update` alone: a later page is fetched
//! from its anchor and the newest step wins, a failed fetch keeps the page and says
//! which and why, and a remembered query with local terms comes back walked.

use crate::harness::app::{code, key, now, shown};
use authtop::authn::model::{Order, OrderBy};
use authtop::tui::app::{App, AppInit};
use authtop::tui::command::{Command, EventKind, ListSource, Outcome, WalkGoal, Walked};
use ratatui::crossterm::event::KeyCode;

/// An app whose Sessions walk of `vpn` found `total` matches and kept only the first
/// page of 10 (`pmt_s0100`…), with an anchor per page.
fn walked_with_anchors(total: usize) -> (App, Command) {
    use crate::harness::app::{event, loaded, sessions};
    use authtop::investigate::{Anchor, Progress};
    let mut app = loaded(
        AppInit {
            page_size: 10,
            ..crate::harness::app::quiet()
        },
        sessions(0, 5),
        None,
        120,
        30,
    );
    app.update(key('/'), now());
    for c in "vpn".chars() {
        app.update(key(c), now());
    }
    let cmds = app.update(code(KeyCode::Enter), now());
    let walk = cmds
        .into_iter()
        .find(|c| matches!(c, Command::Walk { .. }))
        .unwrap();
    let Command::Walk { walk: req, .. } = &walk else {
        unreachable!()
    };
    let anchors = (0..total.div_ceil(10))
        .map(|k| Anchor {
            cursor: (k > 0).then(|| format!("c{k}")),
            skip: 0,
            first: format!("pmt_s{:04}", 100 + k * 10),
        })
        .collect();
    let done = Walked {
        generation: req.generation,
        goal: WalkGoal::Matches,
        progress: Progress {
            pages: 9,
            scanned: 9000,
            matches: total as u64,
        },
        matches: sessions(100, 110),
        anchors,
        users: vec![],
        figures: None,
        written: None,
    };
    app.update(
        event(&walk, EventKind::Done(Outcome::Walked(Box::new(done)))),
        now(),
    );
    (app, walk)
}

fn the_fetch(cmds: Vec<Command>) -> Command {
    let mut f: Vec<Command> = cmds
        .into_iter()
        .filter(|c| matches!(c, Command::MatchPage { .. }))
        .collect();
    assert_eq!(f.len(), 1, "{f:?}");
    f.remove(0)
}

#[test]
fn a_later_page_of_many_matches_is_fetched_from_its_anchor_and_the_newest_step_wins() {
    use crate::harness::app::{event, sessions};
    let (mut app, _) = walked_with_anchors(35);
    let in_flight = app.in_flight();
    let t = app.table(ListSource::Sessions);
    assert_eq!(t.count(), Some(35));
    assert!(t.has_more());
    let first = the_fetch(app.update(key(']'), now()));
    let Command::MatchPage { page, .. } = &first else {
        unreachable!()
    };
    assert_eq!((page.page, page.anchor.cursor.as_deref()), (1, Some("c1")));
    assert_eq!(
        (page.size, page.display),
        (1000, 10),
        "walk pages, display rows"
    );
    assert_eq!(page.query.explain_local(), "vpn");
    // A second `]` before the answer counts from the page on its way.
    let second = the_fetch(app.update(key(']'), now()));
    let Command::MatchPage { page: p2, .. } = &second else {
        unreachable!()
    };
    assert_eq!(p2.page, 2);
    // The older answer is dropped; the newer one is shown.
    let answer = |cmd: &Command, k: usize, rows| {
        let Command::MatchPage { page, .. } = cmd else {
            unreachable!()
        };
        event(
            cmd,
            EventKind::Done(Outcome::MatchPage {
                generation: page.generation,
                source: ListSource::Sessions,
                page: k,
                sessions: rows,
            }),
        )
    };
    app.update(answer(&first, 1, sessions(110, 120)), now());
    assert_eq!(shown(&app, ListSource::Sessions)[0], "pmt_s0100");
    app.update(answer(&second, 2, sessions(120, 130)), now());
    assert_eq!(shown(&app, ListSource::Sessions)[0], "pmt_s0120");
    assert_eq!(app.table(ListSource::Sessions).page_number(), 3);
    assert_eq!(app.in_flight(), in_flight, "each fetch ended once");
    // Back to page 2 fetches it; a second `[` reaches the first page, which is kept,
    // so it shows at once and the late answer for page 2 is dropped.
    let back = the_fetch(app.update(key('['), now()));
    let cmds = app.update(key('['), now());
    assert!(cmds.is_empty(), "{cmds:?}");
    assert_eq!(shown(&app, ListSource::Sessions)[0], "pmt_s0100");
    app.update(answer(&back, 1, sessions(110, 120)), now());
    assert_eq!(shown(&app, ListSource::Sessions)[0], "pmt_s0100");
    assert_eq!(app.table(ListSource::Sessions).page_number(), 1);
    assert!(!app.table(ListSource::Sessions).is_loading());
}

#[test]
fn a_failed_fetch_of_a_page_of_matches_keeps_the_page_and_says_which_and_why() {
    use crate::harness::app::event;
    let (mut app, _) = walked_with_anchors(35);
    let in_flight = app.in_flight();
    let before = shown(&app, ListSource::Sessions);
    let fetch = the_fetch(app.update(key(']'), now()));
    let err = authtop::authn::Error::Api(Box::new(authtop::authn::ApiError {
        http_status: 400,
        status: "ValidationError".into(),
        kind: authtop::authn::ApiStatus::ValidationError,
        summary: "the server refused the cursor".into(),
        request_id: "prq_cursor".into(),
        errors: vec![],
        retry_after: None,
    }));
    app.update(event(&fetch, EventKind::failed(err)), now());
    assert_eq!(shown(&app, ListSource::Sessions), before);
    assert_eq!(app.table(ListSource::Sessions).page_number(), 1);
    assert!(!app.table(ListSource::Sessions).is_loading());
    let error = app.error().unwrap_or_default().to_string();
    assert!(
        error.contains("fetching page 2 of the matches again failed")
            && error.contains("refused the cursor")
            && error.contains("prq_cursor"),
        "{error}"
    );
    assert_eq!(app.in_flight(), in_flight);
    // The step can be tried again.
    the_fetch(app.update(key(']'), now()));
}

#[test]
fn a_remembered_query_with_local_terms_comes_back_and_is_walked() {
    use authtop::tui::app::Recall;
    let recall = Recall {
        query: "email~example country=FR vpn".into(),
        order_by: "email".into(),
        order: "asc".into(),
        tab: "sessions".into(),
    };
    let (app, cmds) = App::new(
        AppInit {
            recall: Some(recall.clone()),
            ..crate::harness::app::quiet()
        },
        now(),
    );
    assert_eq!(
        app.table(ListSource::Sessions).query_text(),
        "email~example country=FR vpn"
    );
    let walk = cmds
        .iter()
        .find_map(|c| match c {
            Command::Walk { walk, .. } => Some(walk.clone()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("the remembered query is walked: {cmds:?}"));
    assert_eq!(walk.query.explain_local(), "country=FR vpn");
    assert_eq!(
        serde_json::to_value(&walk.query.server).unwrap(),
        serde_json::json!({"email__contains": ["example"]})
    );
    assert_eq!((walk.order_by, walk.order), (OrderBy::Email, Order::Asc));
    assert!(
        !cmds.iter().any(|c| matches!(
            c,
            Command::List {
                source: ListSource::Sessions,
                ..
            }
        )),
        "{cmds:?}"
    );
}
