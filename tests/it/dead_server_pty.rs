//! The real binary in a pseudo-terminal against a server that is not there: the table
//! says it could not load, with the cause first, and the message log holds the full error.

use crate::harness::pty::Tui;

#[test]
fn a_dead_server_shows_could_not_load_with_the_cause_and_the_log_has_the_rest() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let base = format!("http://127.0.0.1:{port}");
    let mut tui = Tui::spawn_with(
        200,
        36,
        &[
            "--base-url",
            &base,
            "--token",
            "pts_deaddeaddeaddeaddeaddeaddeaddead",
        ],
        &[],
    );
    let screen = tui.wait_for("could not load: connection refused by 127.0.0.1");
    assert!(!screen.contains("no sessions"), "{screen}");
    assert!(screen.contains("retries"), "{screen}");
    tui.send("@");
    let log = tui.wait_for("messages (");
    assert!(log.contains("could not load sessions"), "{log}");
    assert!(
        log.contains("Connect error talking to"),
        "the full error: {log}"
    );
    tui.send("\x1b");
    tui.wait_until("the log to close", |s| !s.contains("messages ("));
    tui.send("q");
    let status = tui.wait_exit();
    assert!(status.success(), "{status:?}");
}

/// Session ids (`pmt_…`) visible on the screen.
fn session_ids(screen: &str) -> usize {
    screen
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| w.starts_with("pmt_") && w.len() > 8)
        .count()
}

#[test]
fn demo_l_states_the_servers_total_and_my_sessions_marks_you() {
    let mut tui = Tui::spawn(200, 40, &[]);
    tui.wait_until("session rows", |s| session_ids(s) >= 5);
    tui.send("L");
    let dialog = tui.wait_for("in all,");
    assert!(dialog.contains("on this page"), "{dialog}");
    tui.send("n");
    tui.wait_until("the dialog to close", |s| !s.contains("in all,"));
    tui.send("2");
    tui.wait_for("★ you");
    // Move the selection onto the own row.
    let on_own = |s: &str| s.lines().any(|l| l.starts_with('▶') && l.contains('★'));
    for _ in 0..60 {
        if on_own(&tui.screen()) {
            break;
        }
        let before = tui.screen();
        tui.send("j");
        tui.poll_until(std::time::Duration::from_secs(2), |s| s != before);
    }
    assert!(on_own(&tui.screen()), "{}", tui.screen());
    tui.send("d");
    let warn = tui.wait_for("WARNING");
    assert!(warn.contains("authtop's own user token"), "{warn}");
    tui.send("n");
    tui.send("q");
    let status = tui.wait_exit();
    assert!(status.success(), "{status:?}");
}
