//! Local matches past the first page, against the emulator: a walk that matches many
//! sessions keeps one display page and an anchor per page, and every later page fetched
//! again from its anchor is exactly the sessions a full listing says it should be, also
//! through `App::update` and for the user's own sessions.

use crate::harness;
use crate::harness::app::{code, key, now, shown};
use crate::harness::worker::{all_sessions, spawn};
use authtop::authn::model::{Order, OrderBy, Session, Timestamp};
use authtop::emulator::{Faults, RunningEmulator};
use authtop::investigate::Anchor;
use authtop::query::compile_query;
use authtop::tui::app::{App, AppInit, Tab};
use authtop::tui::command::{
    Command, Event, EventKind, ListSource, MatchPageRequest, Msg, Outcome, WalkGoal, WalkRequest,
    Walked,
};
use authtop::tui::worker::WorkerHandle;
use ratatui::crossterm::event::KeyCode;
use std::time::Duration;

const PATIENCE: Duration = Duration::from_secs(30);

async fn emulator(users: usize, sessions: usize) -> RunningEmulator {
    harness::emulator::start(harness::emulator::config(
        users,
        sessions,
        Faults::default(),
    ))
    .await
}

fn vpn_flag(s: &Session) -> Option<bool> {
    let intel = s.active_token.as_ref()?.intelligence.as_ref()?;
    Some(intel.ip_intel.as_ref().and_then(|ip| ip.is_vpn) == Some(true))
}

/// `vpn=false`: intelligence sent, and no VPN.
fn not_vpn(s: &Session) -> bool {
    vpn_flag(s) == Some(false)
}

fn vpn(s: &Session) -> bool {
    vpn_flag(s) == Some(true)
}

fn ids(sessions: &[Session]) -> Vec<String> {
    sessions.iter().map(|s| s.id.clone()).collect()
}

fn walk_request(text: &str, size: u32, keep: usize) -> WalkRequest {
    let now = Timestamp::now();
    WalkRequest {
        generation: 1,
        source: ListSource::Sessions,
        query: compile_query(text, now).unwrap(),
        order_by: OrderBy::default(),
        order: Order::default(),
        size,
        display: size,
        goal: WalkGoal::Matches,
        now,
        export: None,
        keep,
        sort: None,
    }
}

/// Sends a command and returns its terminal event, checking it is the only one.
async fn answer(h: &mut WorkerHandle, cmd: Command) -> EventKind {
    let id = cmd.id().unwrap();
    h.commands.send(cmd).unwrap();
    loop {
        let e = tokio::time::timeout(PATIENCE, h.events.recv())
            .await
            .expect("the worker answers in time")
            .expect("the worker is running");
        assert_eq!(e.id, id);
        if e.is_terminal() {
            return e.kind;
        }
    }
}

async fn walk(h: &mut WorkerHandle, req: WalkRequest) -> (Walked, WalkRequest) {
    let cmd = Command::Walk {
        id: 1,
        walk: Box::new(req.clone()),
    };
    match answer(h, cmd).await {
        EventKind::Done(Outcome::Walked(w)) => (*w, req),
        other => panic!("not walked: {other:?}"),
    }
}

/// The command that fetches display page `k` of `req`'s matches again from `anchor`.
fn match_page(id: u64, req: &WalkRequest, anchor: &Anchor, k: usize) -> Command {
    Command::MatchPage {
        id,
        page: Box::new(MatchPageRequest {
            generation: req.generation,
            source: req.source,
            query: req.query.clone(),
            order_by: req.order_by,
            order: req.order,
            size: req.size,
            display: req.size,
            page: k,
            anchor: anchor.clone(),
        }),
    }
}

async fn page(
    h: &mut WorkerHandle,
    id: u64,
    req: &WalkRequest,
    w: &Walked,
    k: usize,
) -> Vec<Session> {
    match answer(h, match_page(id, req, &w.anchors[k], k)).await {
        EventKind::Done(Outcome::MatchPage { page, sessions, .. }) => {
            assert_eq!(page, k);
            sessions
        }
        other => panic!("not a page of matches: {other:?}"),
    }
}

#[tokio::test]
async fn many_matches_keep_one_page_and_every_other_page_comes_back_from_its_anchor() {
    let emu = emulator(40, 800).await;
    let dir = tempfile::tempdir().unwrap();
    let mut h = spawn(&emu, dir.path(), None);
    let truth: Vec<Session> = all_sessions(&emu)
        .await
        .into_iter()
        .filter(not_vpn)
        .collect();
    assert!(truth.len() > 500, "most sessions match: {}", truth.len());

    let (w, req) = walk(&mut h, walk_request("vpn=false", 50, 100)).await;
    assert_eq!(w.progress.matches, truth.len() as u64);
    // The worker handed back one display page, not every match.
    assert_eq!(ids(&w.matches), ids(&truth[..50]));
    assert_eq!(w.anchors.len(), truth.len().div_ceil(50));

    let mut seen = w.matches.clone();
    for k in 1..w.anchors.len() {
        let got = page(&mut h, 10 + k as u64, &req, &w, k).await;
        let want = &truth[k * 50..((k + 1) * 50).min(truth.len())];
        assert_eq!(ids(&got), ids(want), "page {}", k + 1);
        seen.extend(got);
    }
    assert_eq!(ids(&seen), ids(&truth));
}

#[tokio::test]
async fn sparse_matches_gather_a_page_across_many_server_pages() {
    let emu = emulator(40, 800).await;
    let dir = tempfile::tempdir().unwrap();
    let mut h = spawn(&emu, dir.path(), None);
    let truth: Vec<Session> = all_sessions(&emu).await.into_iter().filter(vpn).collect();
    assert!(truth.len() > 12, "a few VPN sessions: {}", truth.len());

    // Server pages of 6: each display page of 6 matches spans many of them.
    let (w, req) = walk(&mut h, walk_request("vpn", 6, 6)).await;
    assert_eq!(w.matches.len(), 6);
    let mut seen = w.matches.clone();
    for k in 1..w.anchors.len() {
        seen.extend(page(&mut h, 10 + k as u64, &req, &w, k).await);
    }
    assert_eq!(ids(&seen), ids(&truth));
}

#[tokio::test]
async fn a_page_whose_first_match_ended_starts_at_the_next_one() {
    let emu = emulator(40, 800).await;
    let dir = tempfile::tempdir().unwrap();
    let mut h = spawn(&emu, dir.path(), None);
    let truth: Vec<Session> = all_sessions(&emu)
        .await
        .into_iter()
        .filter(not_vpn)
        .collect();
    let (w, req) = walk(&mut h, walk_request("vpn=false", 50, 50)).await;
    assert!(emu.delete_session(&truth[100].id));
    let got = page(&mut h, 5, &req, &w, 2).await;
    assert_eq!(ids(&got), ids(&truth[101..151]));
}

#[tokio::test]
async fn a_failed_fetch_of_a_page_of_matches_ends_once_with_the_cause() {
    let emu = emulator(40, 300).await;
    let dir = tempfile::tempdir().unwrap();
    let mut h = spawn(&emu, dir.path(), None);
    let (w, req) = walk(&mut h, walk_request("vpn=false", 50, 50)).await;
    let mut bad = w.clone();
    bad.anchors[1].cursor = Some("not-a-cursor".into());
    match answer(&mut h, match_page(9, &req, &bad.anchors[1], 1)).await {
        EventKind::Failed(e) => {
            // The cause names the field the server refused and its request id.
            let text = e.to_string();
            assert!(text.contains("ValidationError"), "{text}");
            assert!(text.contains("/last"), "{text}");
            assert!(text.contains("request prq_"), "{text}");
        }
        other => panic!("a bad cursor must fail: {other:?}"),
    }
}

/// A ground-truth test of one session.
type Pick = fn(&Session) -> bool;

/// `ua~curl,python`: a User-Agent naming either, in any case.
fn scripted(s: &Session) -> bool {
    let ua = s.profile.get("User-Agent").map(|u| u.to_lowercase());
    ua.is_some_and(|u| u.contains("curl") || u.contains("python"))
}

// ---- Through App::update with a real worker ----

/// Sends `cmds` and feeds every event back until nothing is in flight.
async fn drive(app: &mut App, h: &mut WorkerHandle, cmds: Vec<Command>) -> Vec<Command> {
    let mut sent = Vec::new();
    for c in cmds {
        sent.push(c.clone());
        h.commands.send(c).unwrap();
    }
    while app.in_flight() > 0 {
        let e: Event = tokio::time::timeout(PATIENCE, h.events.recv())
            .await
            .expect("the worker answers in time")
            .expect("the worker is running");
        for c in app.update(Msg::Worker(e), now()) {
            sent.push(c.clone());
            h.commands.send(c).unwrap();
        }
    }
    sent
}

async fn keys(app: &mut App, h: &mut WorkerHandle, text: &str) -> Vec<Command> {
    let mut cmds = Vec::new();
    for c in text.chars() {
        cmds.extend(app.update(key(c), now()));
    }
    drive(app, h, cmds).await
}

/// Runs a `:` command line.
async fn command(app: &mut App, h: &mut WorkerHandle, text: &str) -> Vec<Command> {
    let mut cmds = app.update(key(':'), now());
    for c in text.chars() {
        cmds.extend(app.update(key(c), now()));
    }
    cmds.extend(app.update(code(KeyCode::Enter), now()));
    drive(app, h, cmds).await
}

async fn query(app: &mut App, h: &mut WorkerHandle, text: &str) -> Vec<Command> {
    let mut cmds = app.update(key('/'), now());
    // Clear what is there.
    for _ in 0..100 {
        cmds.extend(app.update(code(KeyCode::Backspace), now()));
    }
    for c in text.chars() {
        cmds.extend(app.update(key(c), now()));
    }
    cmds.extend(app.update(code(KeyCode::Enter), now()));
    drive(app, h, cmds).await
}

fn fetches(cmds: &[Command]) -> usize {
    cmds.iter()
        .filter(|c| matches!(c, Command::MatchPage { .. }))
        .count()
}

#[tokio::test]
async fn the_sessions_table_pages_through_thousands_of_matches_holding_one_page() {
    let emu = emulator(100, 3000).await;
    let dir = tempfile::tempdir().unwrap();
    let mut h = spawn(&emu, dir.path(), None);
    let truth: Vec<Session> = all_sessions(&emu)
        .await
        .into_iter()
        .filter(not_vpn)
        .collect();
    let kept = authtop::tui::command::MATCHES_KEPT;
    assert!(
        truth.len() > kept,
        "more matches than are kept: {}",
        truth.len()
    );
    let (mut app, start) = App::new(
        AppInit {
            has_service: true,
            has_user_token: false,
            auto_reload: None,
            page_size: 100,
            ..AppInit::default()
        },
        now(),
    );
    app.update(Msg::Resize(120, 30), now());
    drive(&mut app, &mut h, start).await;

    query(&mut app, &mut h, "vpn=false").await;
    let t = app.table(ListSource::Sessions);
    assert!(t.is_local());
    assert_eq!(t.count(), Some(truth.len() as u64));
    assert_eq!(
        t.local_matches()
            .map(authtop::tui::app::walk::LocalMatches::kept),
        Some(100)
    );
    assert_eq!(shown(&app, ListSource::Sessions), ids(&truth[..100]));

    let cmds = keys(&mut app, &mut h, "]").await;
    assert_eq!(fetches(&cmds), 1);
    assert_eq!(app.table(ListSource::Sessions).page_number(), 2);
    assert_eq!(shown(&app, ListSource::Sessions), ids(&truth[100..200]));

    // A jump, then back one page.
    command(&mut app, &mut h, "page 7").await;
    assert_eq!(app.table(ListSource::Sessions).page_number(), 7);
    assert_eq!(shown(&app, ListSource::Sessions), ids(&truth[600..700]));
    keys(&mut app, &mut h, "[").await;
    assert_eq!(shown(&app, ListSource::Sessions), ids(&truth[500..600]));

    // `j` on the last row turns to the next page.
    keys(&mut app, &mut h, "G").await;
    let cmds = keys(&mut app, &mut h, "j").await;
    assert_eq!(fetches(&cmds), 1);
    assert_eq!(shown(&app, ListSource::Sessions), ids(&truth[600..700]));

    // The last page holds the rest, and there is none past it.
    let last = truth.len().div_ceil(100);
    command(&mut app, &mut h, &format!("page {last}")).await;
    assert_eq!(
        shown(&app, ListSource::Sessions),
        ids(&truth[(last - 1) * 100..])
    );
    let cmds = keys(&mut app, &mut h, "]").await;
    assert_eq!(fetches(&cmds), 0, "no page past the last");

    // The first page is kept: back to it without a request.
    let cmds = command(&mut app, &mut h, "page 1").await;
    assert_eq!(fetches(&cmds), 0);
    assert_eq!(shown(&app, ListSource::Sessions), ids(&truth[..100]));
    assert_eq!(app.in_flight(), 0);
}

#[tokio::test]
async fn my_sessions_take_local_terms_and_walk_the_users_own_list() {
    let emu = emulator(3, 60).await;
    let me = emu.tokens(1).remove(0);
    let user = me.sessions[0].user_token.clone();
    let dir = tempfile::tempdir().unwrap();
    let mut h = spawn(&emu, dir.path(), Some(user.clone()));
    let mine: Vec<Session> = all_sessions(&emu)
        .await
        .into_iter()
        .filter(|s| s.identity == me.user_id)
        .collect();
    assert!(
        mine.len() > 3,
        "the user has several sessions: {}",
        mine.len()
    );
    let (mut app, start) = App::new(
        AppInit {
            has_service: false,
            has_user_token: true,
            auto_reload: None,
            ..AppInit::default()
        },
        now(),
    );
    app.update(Msg::Resize(120, 30), now());
    drive(&mut app, &mut h, start).await;
    assert_eq!(app.tab(), Tab::MySessions);
    assert_eq!(shown(&app, ListSource::MySessions).len(), mine.len());

    for (text, pick) in [("vpn=false", not_vpn as Pick), ("ua~curl,python", scripted)] {
        let want: Vec<String> = mine
            .iter()
            .filter(|s| pick(s))
            .map(|s| s.id.clone())
            .collect();
        let cmds = query(&mut app, &mut h, text).await;
        let walk = cmds
            .iter()
            .find_map(|c| match c {
                Command::Walk { walk, .. } => Some(walk.clone()),
                _ => None,
            })
            .unwrap_or_else(|| panic!("`{text}` walks: {cmds:?}"));
        assert_eq!(walk.source, ListSource::MySessions);
        let t = app.table(ListSource::MySessions);
        assert!(t.query_error().is_none(), "{:?}", t.query_error());
        let mut got = shown(&app, ListSource::MySessions);
        let mut want = want;
        got.sort();
        want.sort();
        assert_eq!(got, want, "{text}");
        assert_eq!(t.count(), Some(want.len() as u64));
    }
}
