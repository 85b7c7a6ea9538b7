//! The real binary in a pseudo-terminal against a server that is not there: the table
//! says it could not load, with the cause first, and the message log holds the full error.

mod common;

use common::Tui;

#[test]
fn a_dead_server_shows_could_not_load_with_the_cause_and_the_log_has_the_rest() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let base = format!("http://127.0.0.1:{port}");
    let mut tui = Tui::spawn_with(
        120,
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
