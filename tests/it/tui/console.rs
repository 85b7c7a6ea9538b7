//! What the status line and the Token tab say stays true: lines about a state go when the
//! state changes, and page jumps report where they ended. `App::update` with a fixed clock.

use crate::harness::app::*;
use authtop::authn::{Error, TransportKind};
use authtop::tui::app::{App, AppInit, TYPE_COUNT_ABOVE};
use authtop::tui::command::{Command, EventKind, ListSource, Msg, Outcome};
use ratatui::crossterm::event::KeyCode;

fn only(cmds: Vec<Command>) -> Command {
    assert_eq!(cmds.len(), 1, "{cmds:?}");
    cmds.into_iter().next().unwrap()
}

fn status(app: &App) -> String {
    app.status_message()
        .map(|(_, m)| m.to_string())
        .unwrap_or_default()
}

fn page(app: &App) -> usize {
    app.table(ListSource::Sessions).page_number()
}

fn typed(app: &mut App, text: &str) -> Vec<Command> {
    text.chars()
        .flat_map(|c| app.update(key(c), now()))
        .collect()
}

/// The answer to a list with the server's count of matches.
fn counted(
    cmd: &Command,
    rows: Vec<authtop::authn::model::Session>,
    next: Option<&str>,
    n: u64,
) -> Msg {
    let mut msg = listed(cmd, rows, next);
    if let Msg::Worker(e) = &mut msg
        && let EventKind::Done(Outcome::Listed { page, .. }) = &mut e.kind
    {
        page.count = Some(n);
    }
    msg
}

fn draw(app: &App, w: u16, h: u16) -> String {
    screen_at(app, w, h)
}

#[test]
fn the_refresh_retry_line_counts_down_with_the_retry_and_goes_with_it() {
    let (mut app, cmds) = App::new(
        AppInit {
            has_service: false,
            ..quiet()
        },
        now(),
    );
    let check = cmds
        .iter()
        .find(|c| matches!(c, Command::TokenCheck { .. }))
        .unwrap()
        .clone();
    app.update(
        event(
            &check,
            EventKind::Done(Outcome::TokenChecked(Box::new(token("pmt_t0001", 0, 30)))),
        ),
        now(),
    );
    let refresh = app
        .update(Msg::Tick, at(15))
        .into_iter()
        .find(|c| matches!(c, Command::Refresh { .. }))
        .expect("a refresh at half life");
    let timeout = Error::Transport {
        kind: TransportKind::Timeout,
        host: "127.0.0.1".to_string(),
        message: "no answer".to_string(),
        attempts: 4,
    };
    app.update(event(&refresh, EventKind::failed(timeout)), at(16));
    assert_eq!(status(&app), "token refresh failed; retrying in 5s");
    app.update(Msg::Tick, at(18));
    assert_eq!(
        status(&app),
        "token refresh failed; retrying in 3s",
        "the line follows the countdown"
    );
    let retry = app.update(Msg::Tick, at(21));
    assert!(retry.iter().any(|c| matches!(c, Command::Refresh { .. })));
    assert!(
        !status(&app).contains("retrying in"),
        "the retry went: {}",
        status(&app)
    );
}

#[test]
fn the_queued_steps_line_goes_once_the_steps_are_taken() {
    let mut app = loaded(quiet(), sessions(0, 3), Some("c2"), 120, 30);
    let first = only(app.update(key(']'), now()));
    assert!(app.update(key(']'), now()).is_empty());
    assert_eq!(status(&app), "1 page step queued");
    let second = only(app.update(listed(&first, sessions(3, 6), Some("c3")), now()));
    assert_ne!(status(&app), "1 page step queued");
    app.update(listed(&second, sessions(6, 9), Some("c4")), now());
    assert_eq!(page(&app), 3);
    assert!(!status(&app).contains("queued"), "{}", status(&app));
}

#[test]
fn the_count_to_type_goes_when_the_dialog_is_cancelled() {
    let n = TYPE_COUNT_ABOVE + 1;
    let mut app = loaded(quiet(), sessions(0, n), None, 160, 40);
    app.update(key('a'), now());
    app.update(key('D'), now());
    let expected = app
        .dialog()
        .unwrap()
        .typed
        .as_ref()
        .unwrap()
        .expected
        .clone();
    app.update(code(KeyCode::Enter), now());
    assert_eq!(status(&app), format!("type {expected} to confirm"));
    app.update(code(KeyCode::Esc), now());
    assert!(app.dialog().is_none());
    assert!(!status(&app).contains("to confirm"), "{}", status(&app));
}

#[test]
fn the_token_tab_does_not_claim_refreshes_it_has_not_made() {
    let (mut app, cmds) = App::new(quiet(), now());
    app.update(Msg::Resize(120, 30), now());
    let check = cmds
        .iter()
        .find(|c| matches!(c, Command::TokenCheck { .. }))
        .unwrap()
        .clone();
    app.update(
        event(
            &check,
            EventKind::Done(Outcome::TokenChecked(Box::new(token(
                "pmt_t0001",
                -100,
                900,
            )))),
        ),
        now(),
    );
    app.update(key('3'), now());
    let text = draw(&app, 120, 30);
    assert!(text.contains("refresh history (0)"), "{text}");
    assert!(!text.contains("refreshed automatically"), "{text}");
    assert!(text.contains("will refresh automatically"), "{text}");
}

#[test]
fn a_walked_jump_ends_on_its_page_without_saying_it_was_already_there() {
    let mut app = loaded(quiet(), sessions(0, 3), Some("c2"), 120, 30);
    app.update(key('#'), now());
    typed(&mut app, "3");
    let step = only(app.update(code(KeyCode::Enter), now()));
    assert_eq!(status(&app), "walking to page 3…");
    let step = only(app.update(listed(&step, sessions(3, 6), Some("c3")), now()));
    let rest = app.update(listed(&step, sessions(6, 9), Some("c4")), now());
    assert!(lists(&rest).is_empty());
    assert_eq!(page(&app), 3);
    assert!(
        !status(&app).contains("already on page"),
        "{}",
        status(&app)
    );
    assert!(!status(&app).contains("walking"), "{}", status(&app));

    // `:page 4` is one step forward, and ends as quietly.
    app.update(key(':'), now());
    typed(&mut app, "page 4");
    let step = only(app.update(code(KeyCode::Enter), now()));
    app.update(listed(&step, sessions(9, 12), Some("c5")), now());
    assert_eq!(page(&app), 4);
    assert!(
        !status(&app).contains("already on page"),
        "{}",
        status(&app)
    );

    // Asked for the page shown, it still says so.
    app.update(key('#'), now());
    typed(&mut app, "4");
    app.update(code(KeyCode::Enter), now());
    assert_eq!(status(&app), "already on page 4");
}

#[test]
fn a_jump_past_the_known_last_page_goes_to_the_last_page_and_says_so() {
    let (mut app, cmds) = App::new(quiet(), now());
    app.update(Msg::Resize(120, 30), now());
    let size = app.table(ListSource::Sessions).page_size() as usize;
    let first = lists(&cmds).remove(0);
    // Three pages in all, the last one short.
    let total = (size * 3 - 1) as u64;
    app.update(counted(&first, sessions(0, size), Some("c2"), total), now());
    app.update(key('#'), now());
    typed(&mut app, "500");
    let step = only(app.update(code(KeyCode::Enter), now()));
    assert_eq!(
        status(&app),
        "no page 500: the query has 3 pages; going to page 3"
    );
    let step = only(app.update(
        counted(&step, sessions(size, 2 * size), Some("c3"), total),
        now(),
    ));
    let rest = app.update(
        counted(&step, sessions(2 * size, 3 * size - 1), None, total),
        now(),
    );
    assert!(lists(&rest).is_empty(), "no walk past the last page");
    assert_eq!(page(&app), 3);
    assert!(status(&app).contains("no page 500"), "{}", status(&app));

    // From the last page, a jump past it goes nowhere.
    app.update(key('#'), now());
    typed(&mut app, "9");
    assert!(lists(&app.update(code(KeyCode::Enter), now())).is_empty());
    assert_eq!(status(&app), "no page beyond 3: the query has 3 pages");
}

#[test]
fn esc_stops_a_long_jump_on_the_page_it_reached() {
    let mut app = loaded(quiet(), sessions(0, 3), Some("c2"), 120, 30);
    app.update(key('#'), now());
    typed(&mut app, "1500");
    let step = only(app.update(code(KeyCode::Enter), now()));
    let step = only(app.update(listed(&step, sessions(3, 6), Some("c3")), now()));
    app.update(code(KeyCode::Esc), now());
    assert_eq!(status(&app), "jump cancelled on page 2");
    // The page on its way still lands, and nothing follows it.
    let rest = app.update(listed(&step, sessions(6, 9), Some("c4")), now());
    assert!(lists(&rest).is_empty(), "{rest:?}");
    assert_eq!(page(&app), 3);
}

#[test]
fn without_a_user_token_the_hints_name_the_file_and_the_tabs_keep_their_numbers() {
    let no_user = || AppInit {
        has_user_token: false,
        token_mask: None,
        ..quiet()
    };
    let mut app = loaded(no_user(), sessions(0, 3), None, 120, 30);
    app.update(key('2'), now());
    let hint = status(&app);
    assert!(hint.contains("user_token_file"), "{hint}");
    assert!(!hint.contains("--user-token"), "{hint}");
    assert!(
        hint.find("user_token_file") < hint.find("--token-file"),
        "the profile's file first: {hint}"
    );

    let text = draw(&app, 120, 30);
    let tabs = text.lines().find(|l| l.contains("Sessions")).unwrap();
    let at = |name: &str| tabs.find(name).unwrap_or_else(|| panic!("{name}: {tabs}"));
    assert!(at("2 My sessions") < at("3 Token"), "{tabs}");
    assert!(at("3 Token") < at("4 Users"), "{tabs}");

    app.update(key('3'), now());
    let text = draw(&app, 120, 30);
    assert!(text.contains("user_token_file"), "{text}");
    assert!(!text.contains("--user-token"), "{text}");
}

#[test]
fn a_long_failure_wraps_whole_in_the_message_log_with_its_request_id() {
    use authtop::authn::{ApiError, ApiStatus};
    let (mut app, cmds) = App::new(quiet(), now());
    app.update(Msg::Resize(80, 24), now());
    let list = lists(&cmds).remove(0);
    let err = Error::Api(Box::new(ApiError {
        http_status: 400,
        status: "ValidationError".to_string(),
        kind: ApiStatus::parse("ValidationError"),
        summary: "the filter is not valid for this endpoint because the created_at bound \
                  lies outside the retention window of the project"
            .to_string(),
        request_id: "prq_tail7long".to_string(),
        errors: vec![],
        retry_after: None,
    }));
    app.update(event(&list, EventKind::failed(err)), now());
    app.update(key('@'), now());
    let text = draw(&app, 80, 24);
    assert!(text.contains("prq_tail7long"), "{text}");
    assert!(text.contains("retention"), "{text}");
}

#[test]
fn a_narrow_header_keeps_the_offline_countdown_whole() {
    let (mut app, first) = App::new(
        AppInit {
            auto_reload: Some(std::time::Duration::from_secs(10)),
            host: "authn.a-rather-long-deployment-name.aws.us.pangea.cloud".to_string(),
            ..quiet()
        },
        now(),
    );
    app.update(Msg::Resize(60, 20), now());
    let first = lists(&first).remove(0);
    app.update(listed(&first, sessions(0, 3), None), now());
    let timeout = || Error::Transport {
        kind: TransportKind::Timeout,
        host: "127.0.0.1".to_string(),
        message: "no answer".to_string(),
        attempts: 4,
    };
    for s in 1..=15 {
        for cmd in lists(&app.update(Msg::Tick, at(s))) {
            app.update(event(&cmd, EventKind::failed(timeout())), at(s));
        }
    }
    let stale = app.staleness().expect("stale after failed reloads");
    assert!(stale.starts_with("offline — retrying in"), "{stale}");
    let text = draw(&app, 60, 20);
    let header = text.lines().next().unwrap();
    assert!(header.contains(&stale), "{header}");
    assert!(header.contains("authtop"), "{header}");
}

/// With a client token (no service token) the project-wide tabs are not offered; their
/// keys, and the Sessions tab's list keys, say why instead of doing nothing.
#[test]
fn with_a_client_token_the_project_wide_keys_say_why_they_do_nothing() {
    let (mut app, first) = App::new(
        AppInit {
            has_service: false,
            has_user_token: true,
            ..quiet()
        },
        now(),
    );
    assert!(
        first.iter().all(|c| !matches!(
            c,
            Command::List {
                source: ListSource::Sessions,
                ..
            }
        )),
        "nothing project-wide is asked for: {first:?}"
    );
    for (k, tab) in [('4', "Users"), ('5', "Insights"), ('6', "Pulses")] {
        assert!(app.update(key(k), now()).is_empty());
        let said = status(&app);
        assert!(
            said.contains(&format!("the {tab} tab")) && said.contains("service token"),
            "{k}: {said}"
        );
    }
    app.update(key('1'), now());
    for k in ['/', ']', 'r', 'd'] {
        let sent = app.update(key(k), now());
        assert!(
            sent.iter().all(|c| !matches!(
                c,
                Command::List {
                    source: ListSource::Sessions,
                    ..
                }
            )),
            "{k}: {sent:?}"
        );
        assert!(!status(&app).is_empty(), "{k} says something");
    }
    let screen = draw(&app, 80, 24);
    assert!(screen.contains("client token (pcl_"), "{screen}");
}
