//! The Pulses tab against the emulator: the real worker and `App`, logins created at a
//! rate, each listed once, and the same logins printed once each by `sessions watch -o
//! ndjson` running beside it; an idle tab's requests counted on the emulator's side.

use crate::harness::app::screen_at;
use crate::harness::cli::Env;
use crate::harness::watch::{Watch, created_between, each_once, ids, newest_login, until};
use crate::harness::worker;
use authtop::authn::model::Timestamp;
use authtop::clock;
use authtop::tui::app::{App, AppInit, Tab};
use authtop::tui::command::Msg;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::time::{Duration, Instant};

fn init() -> AppInit {
    AppInit {
        auto_reload: None,
        has_user_token: false,
        ..AppInit::default()
    }
}

fn six() -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char('6'), KeyModifiers::NONE))
}

fn arrival_ids(app: &App) -> Vec<String> {
    app.pulses()
        .arrivals()
        .map(|a| a.session.id.clone())
        .collect()
}

fn screen(app: &App) -> String {
    screen_at(app, 140, 40)
}

#[tokio::test]
async fn new_logins_appear_once_on_the_pulses_tab_and_in_the_watch() {
    let env = Env::start(20, 60).await;
    // The newest login before either starts: everything after it is new to both.
    let newest = newest_login(&env).await;
    let mut h = worker::spawn(&env.emu, env.dir.path(), None);
    let (mut app, first) = App::new(init(), Timestamp::now());
    worker::drive(&mut app, &mut h, first, Timestamp::now()).await;
    let cmds = app.update(six(), Timestamp::now());
    assert_eq!(app.tab(), Tab::Pulses);
    worker::drive(&mut app, &mut h, cmds, Timestamp::now()).await;
    let backfill = arrival_ids(&app);

    let before = env.emu.request_count();
    let watch = Watch::start(&env, &["--interval", "200ms", "--max-interval", "1s"]);
    until(60, "the watch's first poll", || {
        env.emu.request_count() >= before + 2
    })
    .await;
    env.emu.start_logins(25.0).unwrap();

    // The run loop: worker events as they come, a tick at the wall clock's time.
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    while app.pulses().seen() < backfill.len() as u64 + 60 || watch.count() < 60 {
        assert!(Instant::now() < deadline, "60 logins not seen within 60 s");
        let cmds = tokio::select! {
            Some(e) = h.events.recv() => app.update(Msg::Worker(e), Timestamp::now()),
            _ = tick.tick() => app.update(Msg::Tick, Timestamp::now()),
        };
        for c in cmds {
            h.commands.send(c).unwrap();
        }
    }
    let (code, printed, stderr) = watch.stop("TERM").await;
    assert_eq!(code, 0, "stderr:\n{stderr}");
    let printed = ids(&printed);
    each_once(&printed);
    let shown = arrival_ids(&app);
    each_once(&shown);

    // Every login up to the newest both have seen, from before either started: once in
    // each, and nothing else new.
    let newest_of = |ids: &[String]| {
        app.pulses()
            .arrivals()
            .filter(|a| ids.contains(&a.session.id))
            .map(|a| a.session.created_at)
            .max()
    };
    let upto = newest_of(&printed)
        .min(app.pulses().arrivals().map(|a| a.session.created_at).max())
        .unwrap();
    let mut expected = created_between(&env, &newest, &upto.to_string()).await;
    expected.sort();
    assert!(expected.len() >= 30, "{} logins compared", expected.len());
    let upto_of = |ids: &[String]| {
        let mut v: Vec<String> = app
            .pulses()
            .arrivals()
            .filter(|a| ids.contains(&a.session.id) && a.session.created_at <= upto)
            .map(|a| a.session.id.clone())
            .filter(|id| !backfill.contains(id))
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        upto_of(&shown),
        expected,
        "the Pulses tab missed or invented logins"
    );
    let mut in_watch: Vec<String> = printed
        .iter()
        .filter(|id| expected.contains(id))
        .cloned()
        .collect();
    in_watch.sort();
    assert_eq!(in_watch, expected, "the watch missed logins");

    // On screen: the newest login first under the chart.
    let text = screen(&app);
    let top = app.pulses().arrivals().next().unwrap();
    let row = text
        .lines()
        .find(|l| l.contains(&top.session.created_at.strftime("%H:%M:%S").to_string()))
        .unwrap_or_else(|| panic!("the newest login is not on screen:\n{text}"));
    assert!(row.contains(&top.session.email), "{text}");
    assert!(text.contains("all logins per minute"), "{text}");
    env.emu.shutdown().await;
}

#[tokio::test]
async fn an_idle_pulses_tab_asks_the_server_at_most_once_every_thirty_seconds() {
    let env = Env::start(5, 20).await;
    let mut h = worker::spawn(&env.emu, env.dir.path(), None);
    let t0 = Timestamp::now();
    let (mut app, first) = App::new(init(), t0);
    worker::drive(&mut app, &mut h, first, t0).await;
    let cmds = app.update(six(), t0);
    worker::drive(&mut app, &mut h, cmds, t0).await;
    let before = env.emu.request_count();
    // Ten idle minutes on the app's clock, each second's tick answered before the next.
    for s in 1..=600 {
        let at = clock::shift(t0, s * 1000);
        let cmds = app.update(Msg::Tick, at);
        worker::drive(&mut app, &mut h, cmds, at).await;
    }
    let requests = env.emu.request_count() - before;
    // 2, 6, 14 and 30 s, then every 30 s: 23 polls of one page each.
    assert!(
        (20..=23).contains(&requests),
        "{requests} requests in ten idle minutes"
    );
    assert!(app.pulses().error().is_none());
    env.emu.shutdown().await;
}
