//! The TUI against servers that never answer: one accepts connections and holds them
//! silently, one answers a byte a second. While the list request hangs the screen is
//! drawn, keys work, `q` quits with the terminal restored; once the request times out the
//! screen names the timeout.

use crate::harness::pty::Tui;
use authtop::tui::app::App;
use authtop::tui::command::Command;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

const COLS: u16 = 200;
const ROWS: u16 = 30;
/// The longest any one step may take before the test fails; a guard, not a measurement.
const GUARD: Duration = Duration::from_secs(5);
const TOKEN: &str = "pts_silentsilentsilentsilentsilent1";

/// How a test server treats a connection.
#[derive(Clone, Copy)]
enum Server {
    /// Accepts and holds the socket, never reading or writing.
    Silent,
    /// Reads the request, then sends a valid answer one byte a second.
    Trickle,
}

/// Starts `kind` on loopback and returns its port. Each connection gets a thread that
/// ends by itself within a minute, so nothing outlives the test run for long.
fn serve(kind: Server) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for conn in listener.incoming().take(64) {
            let Ok(conn) = conn else { continue };
            std::thread::spawn(move || handle(kind, conn));
        }
    });
    port
}

fn handle(kind: Server, mut conn: TcpStream) {
    match kind {
        Server::Silent => std::thread::sleep(Duration::from_secs(60)),
        Server::Trickle => {
            let _ = conn.set_read_timeout(Some(Duration::from_secs(5)));
            let mut buf = [0u8; 4096];
            let _ = conn.read(&mut buf);
            let body = r#"{"request_id":"prq_x","request_time":"2026-01-01T00:00:00Z","response_time":"2026-01-01T00:00:00Z","status":"Success","summary":"ok","result":{"sessions":[],"last":""}}"#;
            let answer = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                body.len()
            );
            for b in answer.bytes().take(60) {
                if conn.write_all(&[b]).is_err() {
                    return;
                }
                std::thread::sleep(Duration::from_secs(1));
            }
        }
    }
}

fn start(kind: Server) -> Tui {
    let url = format!("http://127.0.0.1:{}", serve(kind));
    let tui = Tui::spawn_with(
        COLS,
        ROWS,
        &["--base-url", &url, "--token", TOKEN, "--timeout", "2s"],
        &[],
    );
    must(&tui, "the first screen", |s| s.contains("Sessions"));
    tui
}

fn must(tui: &Tui, what: &str, check: impl Fn(&str) -> bool) -> String {
    tui.poll_until(GUARD, check)
        .unwrap_or_else(|| panic!("waited {GUARD:?} for {what}; screen:\n{}", tui.screen()))
}

fn responsive_then_quit(kind: Server) {
    let mut tui = start(kind);
    // Help opens and closes, tabs switch, all while the list request hangs.
    for _ in 0..2 {
        tui.send("?");
        must(&tui, "help", |s| s.contains("first row"));
        tui.send("?");
        must(&tui, "help closed", |s| !s.contains("first row"));
    }
    tui.send("3");
    must(&tui, "the Token tab", |s| s.contains("▸ 3 Token"));
    // Tab goes on through Users, Insights and Pulses back to Sessions.
    tui.send("\t\t\t\t");
    must(&tui, "the Sessions tab", |s| s.contains("▸ 1 Sessions"));
    assert!(
        !tui.screen().contains("no complete answer"),
        "the request should still be hanging"
    );

    let asked = Instant::now();
    tui.send("q");
    let status = loop {
        if let Some(status) = tui.try_exit() {
            break status;
        }
        assert!(
            asked.elapsed() < GUARD,
            "still running {GUARD:?} after q; screen:\n{}",
            tui.screen()
        );
        std::thread::sleep(Duration::from_millis(10));
    };
    let took = asked.elapsed();
    tui.wait_exit();
    assert!(status.success(), "{status:?}");
    assert!(!tui.alternate_screen(), "still on the alternate screen");
    eprintln!("q to exit with a hanging request: {took:?}");
}

fn error_names_the_timeout(kind: Server) {
    let mut tui = start(kind);
    // Four attempts of 2 s with backoff in between: well within a minute.
    let screen = tui
        .poll_until(Duration::from_secs(60), |s| {
            s.contains("no complete answer")
        })
        .unwrap_or_else(|| panic!("no timeout error; screen:\n{}", tui.screen()));
    assert!(screen.contains("Timeout"), "{screen}");
    assert!(screen.contains("within 2s"), "{screen}");
    tui.send("?");
    must(&tui, "help after the error", |s| s.contains("first row"));
    tui.send("?");
    tui.send("q");
    let status = tui.wait_exit();
    assert!(status.success(), "{status:?}");
    assert!(!tui.alternate_screen());
}

#[test]
fn a_silent_server_leaves_the_ui_responsive_and_q_quits() {
    responsive_then_quit(Server::Silent);
}

#[test]
fn a_trickling_server_leaves_the_ui_responsive_and_q_quits() {
    responsive_then_quit(Server::Trickle);
}

#[test]
fn a_silent_server_ends_in_an_error_naming_the_timeout() {
    error_names_the_timeout(Server::Silent);
}

#[test]
fn a_trickling_server_ends_in_an_error_naming_the_timeout() {
    error_names_the_timeout(Server::Trickle);
}

#[test]
fn quit_abandons_reads_but_not_a_refresh_in_flight() {
    use crate::harness::app::{key, now, quiet};
    // At start the app has a list and a token check in flight: reads only.
    let (mut app, cmds) = App::new(quiet(), now());
    assert!(!cmds.is_empty());
    assert!(
        cmds.iter()
            .all(|c| matches!(c, Command::List { .. } | Command::TokenCheck { .. })),
        "{cmds:?}"
    );
    assert_eq!(app.in_flight_to_finish(), 0, "reads can be dropped at quit");
    app.update(key('3'), now());
    let refresh = app.update(key('f'), now());
    assert!(
        refresh.iter().any(|c| matches!(c, Command::Refresh { .. })),
        "{refresh:?}"
    );
    assert_eq!(app.in_flight_to_finish(), 1, "a refresh must be waited for");
}
