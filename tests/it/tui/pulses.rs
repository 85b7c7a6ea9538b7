//! The Pulses tab through `App::update`: polls only while shown and backing off while
//! idle, each login listed once, the logins per minute with the risky ones apart, `Enter`
//! for a login's detail, a failed poll said with its request id until one succeeds.

use crate::harness::app::{
    at, code, drawn, event, key, loaded, now, quiet, session, sessions, text_of,
};
use authtop::authn::model::{Intelligence, Session};
use authtop::authn::{ApiError, ApiStatus, Error};
use authtop::tui::app::{App, Tab};
use authtop::tui::command::{Command, EventKind, Failure, Msg, Outcome};
use authtop::tui::screens::pulses::state::{Minute, minute_of};
use ratatui::crossterm::event::KeyCode;
use std::time::Duration;

/// An app on the Sessions tab, its first page loaded, auto-reload off.
fn app() -> App {
    loaded(quiet(), sessions(0, 3), None, 120, 30)
}

/// The Pulse commands among `cmds`.
fn polls(cmds: &[Command]) -> Vec<Command> {
    cmds.iter()
        .filter(|c| matches!(c, Command::Pulse { .. }))
        .cloned()
        .collect()
}

/// The one poll among `cmds`.
fn the_poll(cmds: &[Command]) -> Command {
    let p = polls(cmds);
    assert_eq!(p.len(), 1, "{cmds:?}");
    p[0].clone()
}

fn pulsed(cmd: &Command, sessions: Vec<Session>) -> Msg {
    event(
        cmd,
        EventKind::Done(Outcome::Pulsed {
            sessions,
            more: false,
            request_id: "prq_pulse".into(),
        }),
    )
}

/// A login `secs` from `now` (negative: before), number `n`.
fn login(n: usize, secs: i64) -> Session {
    let mut s = session(n);
    s.created_at = at(secs);
    s
}

/// A login with a malicious verdict.
fn risky(n: usize, secs: i64) -> Session {
    let mut s = login(n, secs);
    let intel: Intelligence = serde_json::from_value(serde_json::json!({
        "ip_intel": {"is_vpn": true, "reputation": {"verdict": "malicious"}}
    }))
    .unwrap();
    if let Some(t) = s.active_token.as_mut() {
        t.intelligence = Some(intel);
    }
    s
}

fn ids(app: &App) -> Vec<String> {
    app.pulses()
        .arrivals()
        .map(|a| a.session.id.clone())
        .collect()
}

fn api_failure(request_id: &str, retry_after: Option<Duration>) -> Failure {
    Failure::Api(Error::Api(Box::new(ApiError {
        http_status: 429,
        status: "TooManyRequests".into(),
        kind: ApiStatus::TooManyRequests,
        summary: "slow down".into(),
        request_id: request_id.into(),
        errors: vec![],
        retry_after,
    })))
}

/// Ticks once a second from `from` to `to` seconds after `now`, answering each poll with
/// nothing; returns the seconds at which polls were sent.
fn idle(app: &mut App, from: i64, to: i64) -> Vec<i64> {
    let mut sent = Vec::new();
    for s in from..=to {
        let cmds = app.update(Msg::Tick, at(s));
        for p in polls(&cmds) {
            sent.push(s);
            app.update(pulsed(&p, vec![]), at(s));
        }
    }
    sent
}

#[test]
fn the_tab_polls_from_two_hours_back_each_login_is_listed_once_newest_first() {
    let mut app = app();
    assert!(
        polls(&app.update(Msg::Tick, now())).is_empty(),
        "no poll before the tab is shown"
    );
    let first = the_poll(&app.update(key('6'), now()));
    assert_eq!(app.tab(), Tab::Pulses);
    let Command::Pulse { request, .. } = &first else {
        unreachable!()
    };
    let since = request.filter.as_ref().unwrap().0["created_at__gte"].clone();
    assert_eq!(since, serde_json::Value::from(at(-7200).to_string()));

    app.update(pulsed(&first, vec![login(1, -90), login(2, -30)]), now());
    assert_eq!(ids(&app), ["pmt_s0002", "pmt_s0001"]);
    // Not before the short wait.
    assert!(polls(&app.update(Msg::Tick, at(1))).is_empty());
    let second = the_poll(&app.update(Msg::Tick, at(2)));
    // The next poll asks again from a little before the newest seen: that one again, a
    // login the server committed late just after it, and a new one.
    let Command::Pulse { request, .. } = &second else {
        unreachable!()
    };
    let since = request.filter.as_ref().unwrap().0["created_at__gte"].clone();
    assert_eq!(since, serde_json::Value::from(at(-35).to_string()));
    app.update(
        pulsed(&second, vec![login(2, -30), login(4, -28), login(3, 1)]),
        at(2),
    );
    assert_eq!(
        ids(&app),
        ["pmt_s0003", "pmt_s0004", "pmt_s0002", "pmt_s0001"]
    );
    assert_eq!(app.pulses().seen(), 4);
}

#[test]
fn idle_polls_back_off_to_one_every_thirty_seconds_and_stop_on_another_tab() {
    let mut app = app();
    let first = the_poll(&app.update(key('6'), now()));
    app.update(pulsed(&first, vec![]), now());
    let sent = idle(&mut app, 1, 300);
    let gaps: Vec<i64> = std::iter::once(0)
        .chain(sent.iter().copied())
        .collect::<Vec<_>>()
        .windows(2)
        .map(|w| w[1] - w[0])
        .collect();
    assert_eq!(&gaps[..5], [2, 4, 8, 16, 30], "{sent:?}");
    assert!(gaps[4..].iter().all(|g| *g == 30), "{gaps:?}");
    assert!(
        sent.len() <= 14,
        "{} polls in five idle minutes",
        sent.len()
    );

    // Another tab: no poll at all, however long.
    app.update(key('1'), at(301));
    assert!(idle(&mut app, 302, 900).is_empty());
    // Back on the tab, the poll that was due goes at once.
    the_poll(&app.update(key('6'), at(901)));
}

#[test]
fn a_new_login_resets_the_wait_to_the_short_one() {
    let mut app = app();
    let first = the_poll(&app.update(key('6'), now()));
    app.update(pulsed(&first, vec![]), now());
    assert_eq!(idle(&mut app, 1, 60), [2, 6, 14, 30, 60]);
    let next = 60;
    // `r` polls at once; its answer finds a login, so the one after waits 2 s again.
    let now_poll = the_poll(&app.update(key('r'), at(next + 1)));
    app.update(pulsed(&now_poll, vec![login(7, next)]), at(next + 1));
    assert!(polls(&app.update(Msg::Tick, at(next + 2))).is_empty());
    the_poll(&app.update(Msg::Tick, at(next + 3)));
}

#[test]
fn the_chart_counts_logins_per_minute_and_the_risky_ones_apart() {
    let mut app = app();
    let first = the_poll(&app.update(key('6'), now()));
    app.update(
        pulsed(
            &first,
            vec![login(1, -170), risky(2, -165), login(3, -100), risky(4, -5)],
        ),
        now(),
    );
    let m = |secs: i64| minute_of(at(secs));
    let chart = app.pulses().chart(now(), 4);
    assert_eq!(
        chart,
        [
            (m(-180), Some(Minute { total: 2, risky: 1 })),
            (m(-120), Some(Minute { total: 1, risky: 0 })),
            (m(-60), Some(Minute { total: 1, risky: 1 })),
            (m(0), Some(Minute::default())),
        ]
    );
    // Minutes before the first poll's window were never asked for: not zero, unknown.
    let long = app.pulses().chart(now(), 500);
    assert_eq!(long.len(), 120);
    assert!(long.iter().all(|(_, v)| v.is_some()));
}

#[test]
fn risky_logins_are_drawn_in_the_danger_colour_in_the_chart_and_the_list() {
    let mut app = app();
    let first = the_poll(&app.update(key('6'), now()));
    app.update(pulsed(&first, vec![login(1, -90), risky(2, -30)]), now());
    let t = drawn(&app, 120, 30);
    let screen = text_of(&t);
    assert!(screen.contains("every login in the project"), "{screen}");
    assert!(screen.contains("user2@example.com"), "{screen}");
    let buf = t.backend().buffer();
    let danger = app.theme().danger();
    crate::harness::app::assert_style(buf, "malicious vpn", danger);
    let plain = app.theme().danger_plain();
    let bars = buf
        .content()
        .iter()
        .filter(|c| "▁▂▃▄▅▆▇█".contains(c.symbol()) && Some(c.fg) == plain.fg)
        .count();
    // The legend's block, and the bar of the minute with the risky login.
    assert!(bars >= 2, "{screen}");
}

#[test]
fn enter_opens_the_selected_login_and_the_selection_stays_on_its_row() {
    let mut app = app();
    let first = the_poll(&app.update(key('6'), now()));
    app.update(pulsed(&first, vec![login(1, -90), login(2, -30)]), now());
    app.update(code(KeyCode::Enter), now());
    assert_eq!(app.detail().unwrap().session().id, "pmt_s0002");
    app.update(code(KeyCode::Esc), now());
    assert!(app.detail().is_none());
    assert_eq!(app.tab(), Tab::Pulses);
    app.update(key('j'), now());
    let second = the_poll(&app.update(Msg::Tick, at(2)));
    app.update(pulsed(&second, vec![login(3, 1)]), at(2));
    app.update(code(KeyCode::Enter), at(2));
    assert_eq!(
        app.detail().unwrap().session().id,
        "pmt_s0001",
        "a new login does not move the selection off its row"
    );
}

#[test]
fn a_failed_poll_is_shown_with_its_request_id_until_a_poll_succeeds() {
    let mut app = app();
    let first = the_poll(&app.update(key('6'), now()));
    app.update(
        event(
            &first,
            EventKind::Failed(api_failure("prq_pulse_fail", Some(Duration::from_secs(45)))),
        ),
        now(),
    );
    let err = app.pulses().error().unwrap().to_string();
    assert!(err.contains("prq_pulse_fail"), "{err}");
    let screen = text_of(&drawn(&app, 80, 24));
    assert!(screen.contains("prq_pulse_fail"), "{screen}");
    assert!(
        app.messages()
            .entries()
            .any(|e| e.text.contains("prq_pulse_fail")),
        "the message log keeps it"
    );
    // The server asked for 45 s: no poll before.
    assert!(idle(&mut app, 1, 44).is_empty());
    let again = the_poll(&app.update(Msg::Tick, at(45)));
    app.update(pulsed(&again, vec![login(1, 30)]), at(45));
    assert_eq!(app.pulses().error(), None);
    let screen = text_of(&drawn(&app, 80, 24));
    assert!(!screen.contains("prq_pulse_fail"), "{screen}");
    assert!(screen.contains("next poll in 2 s"), "{screen}");
}

#[test]
fn a_poll_cut_at_its_page_limit_is_followed_by_another_at_once() {
    let mut app = app();
    let first = the_poll(&app.update(key('6'), now()));
    app.update(
        event(
            &first,
            EventKind::Done(Outcome::Pulsed {
                sessions: vec![login(1, -60)],
                more: true,
                request_id: "prq".into(),
            }),
        ),
        now(),
    );
    the_poll(&app.update(Msg::Tick, at(1)));
}

#[test]
fn a_sessions_key_on_the_pulses_tab_says_where_it_works() {
    let mut app = app();
    app.update(key('6'), now());
    assert!(app.update(key('/'), now()).is_empty());
    let said = app.flash().unwrap_or_default().to_string();
    assert!(
        said.contains("Sessions and My sessions tabs, not on Pulses: press 1"),
        "{said}"
    );
    assert_eq!(app.tab(), Tab::Pulses);
}

#[test]
fn p_holds_the_polls_says_so_and_a_second_p_polls_at_once() {
    let mut app = app();
    let first = the_poll(&app.update(key('6'), now()));
    app.update(pulsed(&first, vec![]), now());
    app.update(key('p'), at(1));
    assert!(app.paused());
    assert!(idle(&mut app, 2, 600).is_empty(), "a poll while paused");
    let screen = text_of(&drawn(&app, 120, 30));
    assert!(screen.contains("polling paused (p resumes)"), "{screen}");
    // Resumed: the poll that was due goes at once, and the wait starts again after it.
    let resumed = the_poll(&app.update(key('p'), at(601)));
    assert!(!app.paused());
    app.update(pulsed(&resumed, vec![login(9, 600)]), at(601));
    assert_eq!(ids(&app), ["pmt_s0009"]);
    the_poll(&app.update(Msg::Tick, at(603)));
}
