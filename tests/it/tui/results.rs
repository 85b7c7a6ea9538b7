//! What the Sessions table shows is what `X` and `D` act on: one result set from the
//! query to the audit line, walks that cost what they should, and failures that say so.

use crate::harness::app::*;
use crate::harness::emulator::{config, start};
use crate::harness::worker::{all_sessions, drive, spawn, truth};
use authtop::emulator::Faults;
use authtop::tui::app::{App, AppInit, TYPE_COUNT_ABOVE};
use authtop::tui::command::{Command, EventKind, ListSource, Msg, Outcome, WalkGoal};
use ratatui::crossterm::event::KeyCode;
use std::collections::BTreeSet;
use std::time::Duration;

fn screen(app: &App) -> String {
    let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(160, 40)).unwrap();
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

fn app_for(page_size: u32, auto_reload: Option<Duration>) -> (App, Vec<Command>) {
    let (mut app, cmds) = App::new(
        AppInit {
            profile: "prod".into(),
            host: "authn.example".into(),
            has_service: true,
            has_user_token: false,
            auto_reload,
            page_size,
            ..AppInit::default()
        },
        now(),
    );
    app.update(Msg::Resize(160, 40), now());
    (app, cmds)
}

/// Types `/text⏎` and returns what it sent.
fn apply(app: &mut App, text: &str) -> Vec<Command> {
    let mut cmds = app.update(key('/'), now());
    for _ in 0..40 {
        cmds.extend(app.update(code(KeyCode::Backspace), now()));
    }
    for c in text.chars() {
        cmds.extend(app.update(key(c), now()));
    }
    cmds.extend(app.update(code(KeyCode::Enter), now()));
    cmds
}

fn ids(sessions: &[authtop::authn::model::Session]) -> BTreeSet<String> {
    sessions.iter().map(|s| s.id.clone()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn x_ends_exactly_the_sessions_the_table_matched_for_every_kind_of_query() {
    // Server and local terms, local terms only, server terms only.
    for text in ["email~e vpn", "risk=malicious,suspicious", "email~a"] {
        let emu = start(config(20, 300, Faults::default())).await;
        let dir = tempfile::tempdir().unwrap();
        let mut h = spawn(&emu, dir.path(), None);
        let (mut app, first) = app_for(50, None);
        drive(&mut app, &mut h, first, now()).await;
        let cmds = apply(&mut app, text);
        drive(&mut app, &mut h, cmds, now()).await;
        let matched = app.table(ListSource::Sessions).count().unwrap();
        let expected = ids(&truth(&emu, text).await);
        assert_eq!(
            usize::try_from(matched).unwrap(),
            expected.len(),
            "{text}: the table's count"
        );
        assert!(matched > 0, "{text}");
        let before = ids(&all_sessions(&emu).await);

        let cmds = app.update(key('X'), now());
        drive(&mut app, &mut h, cmds, now()).await;
        let d = app
            .dialog()
            .unwrap_or_else(|| panic!("{text}: {:?}", app.flash()));
        let words = d.lines().join("\n");
        assert!(
            words.contains(&format!("{matched} session"))
                || words.contains(&format!("{} session", authtop::number::thousands(matched))),
            "{text}: the dialog counts what the table counts: {words}"
        );
        assert!(words.contains("prod @ authn.example"), "{words}");
        assert!(words.contains(&format!("`{text}`")), "{words}");
        assert!(words.contains("walked"), "{words}");
        let cmds = if expected.len() > TYPE_COUNT_ABOVE {
            let mut c = Vec::new();
            for ch in matched.to_string().chars() {
                c.extend(app.update(key(ch), now()));
            }
            c.extend(app.update(code(KeyCode::Enter), now()));
            c
        } else {
            app.update(key('y'), now())
        };
        let sent = drive(&mut app, &mut h, cmds, now()).await;
        assert!(
            sent.iter().any(|c| matches!(c, Command::BulkInvalidate { query: Some(q), walked_at: Some(_), .. } if q == text)),
            "{sent:?}"
        );
        assert!(
            app.messages()
                .entries()
                .any(|e| e.text.contains("logins after it were not touched")),
            "the summary says what the walk left out"
        );
        let after = ids(&all_sessions(&emu).await);
        let gone: BTreeSet<String> = before.difference(&after).cloned().collect();
        assert_eq!(gone, expected, "{text}: exactly the matched sessions ended");
        assert_eq!(after.len() + expected.len(), before.len());

        let audit = std::fs::read_to_string(dir.path().join("audit.jsonl")).unwrap();
        let lines: Vec<serde_json::Value> = audit
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2 * expected.len());
        for l in &lines {
            assert_eq!(l["query"], text, "{l}");
            assert!(l["walked_at"].is_string(), "{l}");
        }
        let _ = h.commands.send(Command::Shutdown { force: true });
    }
}

#[test]
fn x_works_on_a_local_only_query_and_refuses_one_that_matches_everything() {
    let (mut app, _) = app_for(50, None);
    let cmds = apply(&mut app, "risk=malicious,suspicious");
    let walk = cmds
        .iter()
        .find(|c| matches!(c, Command::Walk { .. }))
        .expect("a walk")
        .clone();
    let Command::Walk { walk: req, .. } = &walk else {
        unreachable!()
    };
    assert_eq!(
        (req.size, req.display),
        (1000, 50),
        "walks read pages of the server's largest size"
    );
    let census = app.update(key('X'), now());
    let [Command::Census { set, .. }] = census.as_slice() else {
        panic!(
            "X on a local-only query walks it: {census:?} {:?}",
            app.flash()
        );
    };
    assert_eq!(set.text(), "risk=malicious,suspicious");
    assert_eq!(set.place(), "prod @ authn.example");

    // The walk found every session of the project: refused, whatever the text.
    let ids: Vec<String> = (0..40).map(|i| format!("pmt_e{i:04}")).collect();
    let mut snap = census_of(&census[0], ids, 3, sessions(0, 3));
    snap.whole = Some(40);
    app.update(
        event(&census[0], EventKind::Done(Outcome::Census(Box::new(snap)))),
        now(),
    );
    assert!(app.dialog().is_none(), "no dialog for everything");
    assert!(
        app.messages()
            .entries()
            .any(|e| e.text.contains("matches all 40 sessions")),
        "{:?}",
        app.flash()
    );
}

#[test]
fn d_and_x_share_one_rule_above_a_hundred_the_count_is_typed() {
    let n = TYPE_COUNT_ABOVE + 1;
    let mut app = loaded(quiet(), sessions(0, n), None, 160, 40);
    app.update(key('a'), now());
    app.update(key('D'), now());
    let d = app.dialog().expect("the D dialog");
    assert!(
        d.typed.is_some(),
        "D on {n} marks asks for the count to be typed"
    );
    assert!(
        app.update(key('y'), now()).is_empty(),
        "y alone does not confirm"
    );
}

#[test]
fn a_new_query_opens_on_page_one() {
    use authtop::tui::command::Walked;
    let (mut app, _) = app_for(10, None);
    let walked = |app: &mut App, cmds: &[Command], rows| {
        let walk = cmds
            .iter()
            .find(|c| matches!(c, Command::Walk { .. }))
            .unwrap()
            .clone();
        let Command::Walk { walk: req, .. } = &walk else {
            unreachable!()
        };
        let done = Walked {
            generation: req.generation,
            goal: WalkGoal::Matches,
            progress: authtop::investigate::Progress {
                pages: 1,
                scanned: 100,
                matches: rows as u64,
            },
            matches: sessions(0, rows),
            anchors: vec![],
            users: vec![],
            figures: None,
            written: None,
        };
        app.update(
            event(&walk, EventKind::Done(Outcome::Walked(Box::new(done)))),
            now(),
        );
    };
    let cmds = apply(&mut app, "vpn");
    walked(&mut app, &cmds, 40);
    for _ in 0..3 {
        app.update(key(']'), now());
    }
    assert_eq!(app.table(ListSource::Sessions).page_number(), 4);
    let cmds = apply(&mut app, "proxy");
    walked(&mut app, &cmds, 40);
    assert_eq!(
        app.table(ListSource::Sessions).page_number(),
        1,
        "a fresh result opens on its first page"
    );
}

#[test]
fn auto_reload_never_walks_again_on_its_timer_before_rewalk_after() {
    use authtop::tui::command::Walked;
    let (mut app, _) = app_for(50, Some(Duration::from_secs(30)));
    let cmds = apply(&mut app, "vpn");
    let walk = cmds
        .iter()
        .find(|c| matches!(c, Command::Walk { .. }))
        .unwrap()
        .clone();
    let Command::Walk { walk: req, .. } = &walk else {
        unreachable!()
    };
    let done = Walked {
        generation: req.generation,
        goal: WalkGoal::Matches,
        progress: authtop::investigate::Progress::default(),
        matches: sessions(0, 5),
        anchors: vec![],
        users: vec![],
        figures: None,
        written: None,
    };
    app.update(
        event(&walk, EventKind::Done(Outcome::Walked(Box::new(done)))),
        now(),
    );
    // Ticks every second for four minutes: the 30-second timer fires eight times over.
    for s in 1..=240 {
        let cmds = app.update(Msg::Tick, at(s));
        assert!(
            !cmds
                .iter()
                .any(|c| matches!(c, Command::Walk { .. } | Command::List { .. })),
            "a walk started on the reload timer at {s} s: {cmds:?}"
        );
    }
    let screen = screen(&app);
    assert!(screen.contains("walked 4m ago"), "{screen}");
    // `r` walks again at once.
    let cmds = app.update(key('r'), at(241));
    assert!(
        cmds.iter().any(|c| matches!(c, Command::Walk { .. })),
        "{cmds:?}"
    );
}

#[test]
fn a_failed_walk_shows_the_error_and_the_offline_badge_never_zero_matched() {
    let (mut app, _) = app_for(50, Some(Duration::from_secs(30)));
    let cmds = apply(&mut app, "vpn");
    let walk = cmds
        .iter()
        .find(|c| matches!(c, Command::Walk { .. }))
        .unwrap()
        .clone();
    let err = authtop::authn::Error::Transport {
        kind: authtop::authn::TransportKind::Connect,
        host: "authn.example".into(),
        message: "connection refused".into(),
        attempts: 1,
    };
    app.update(event(&walk, EventKind::failed(err)), now());
    let t = app.table(ListSource::Sessions);
    assert_eq!(t.count(), None);
    let screen = screen(&app);
    assert!(!screen.contains("0 matched"), "{screen}");
    assert!(screen.contains("offline"), "{screen}");
    assert!(screen.contains("connection refused"), "{screen}");
}
