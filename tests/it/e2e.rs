//! The real binary in a pseudo-terminal, in demo mode (no credentials): what a user sees
//! and what the audit log records.

use crate::harness::pty::{Tui, session_ids};

const COLS: u16 = 200;
const ROWS: u16 = 40;

/// Whole ASCII email addresses visible on the screen (not cut short to fit a column),
/// in screen order, without repeats.
fn emails(screen: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in screen.split(|c: char| c.is_whitespace() || c == '│' || c == '|') {
        let whole = !word.contains('…') && word.is_ascii();
        let word = word.trim_matches(|c: char| !c.is_ascii_alphanumeric());
        if whole && word.contains('@') && word.contains('.') && !out.iter().any(|e| e == word) {
            out.push(word.to_owned());
        }
    }
    out
}

fn demo() -> Tui {
    let mut tui = Tui::spawn(COLS, ROWS, &[]);
    tui.wait_until("session rows", |s| session_ids(s).len() >= 5);
    tui
}

#[test]
fn demo_mode_shows_sessions_under_a_demo_badge() {
    let mut tui = demo();
    let screen = tui.wait_for("DEMO");
    assert!(tui.alternate_screen());
    assert!(session_ids(&screen).len() >= 5, "{screen}");
    assert!(!emails(&screen).is_empty(), "{screen}");
}

#[test]
fn a_query_narrows_the_rows() {
    let mut tui = demo();
    let screen = tui.screen();
    let all = emails(&screen);
    let target = all.first().expect("an email on screen").clone();
    let others: Vec<String> = all.iter().filter(|e| **e != target).cloned().collect();
    assert!(
        !others.is_empty(),
        "need more than one user on screen:\n{screen}"
    );
    let local = target.split('@').next().unwrap().to_owned();

    tui.send("/");
    tui.send(&format!("email={target}"));
    tui.send("\r");
    let narrowed = tui.wait_until("only the chosen user's rows", |s| {
        s.contains(&target) && emails(s).iter().all(|e| !others.contains(e))
    });
    assert!(narrowed.contains(&local));
}

#[test]
fn invalidating_a_session_removes_its_row_and_is_audited() {
    let mut tui = demo();
    tui.send("d");
    tui.wait_until("a confirmation", |s| s.to_lowercase().contains("cancel"));
    tui.send("y");
    let line = tui.wait_for_line(&tui.audit_path(), "an outcome line", |l| {
        l.contains("session.invalidate") && l.contains("\"phase\":\"outcome\"")
    });
    let record: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(record["outcome"], "ok", "{line}");
    assert_eq!(record["profile"], "demo");
    let target = record["target"].as_str().unwrap().to_owned();
    assert!(target.starts_with("pmt_"), "{line}");
    tui.wait_until("the row to disappear", |s| {
        session_ids(s)
            .iter()
            .all(|id| !target.starts_with(id.as_str()))
    });
}

#[test]
fn the_token_tab_shows_a_refresh_with_a_short_token_life() {
    let mut tui = Tui::spawn(COLS, ROWS, &[("AUTHTOP_DEMO_TOKEN_LIFE", "5s")]);
    tui.wait_until("session rows", |s| session_ids(s).len() >= 5);
    tui.send("3");
    let log = tui.log_path();
    let line = tui.wait_for_line(&log, "a refresh in the log", |l| {
        l.contains("user token refreshed")
    });
    let new_id = line
        .split_whitespace()
        .find_map(|w| w.strip_prefix("new_token_id="))
        .expect("new token id in the log line")
        .trim_matches('"')
        .to_owned();
    // The Token tab shows the new token (its id, possibly shortened to fit).
    let prefix = &new_id[..new_id.len().min(12)];
    tui.wait_for(prefix);
    let log_text = std::fs::read_to_string(&log).unwrap();
    assert!(
        !log_text.contains("ptu_"),
        "a user token value reached the log"
    );
    assert!(
        !log_text.contains("ptr_"),
        "a refresh token value reached the log"
    );
}

#[test]
fn quitting_leaves_the_terminal_restored_and_exits_cleanly() {
    let mut tui = demo();
    assert!(tui.alternate_screen());
    tui.send("q");
    let status = tui.wait_exit();
    assert!(status.success(), "exit status {status:?}");
    assert!(!tui.alternate_screen(), "still on the alternate screen");
}

fn signal(tui: &Tui, name: &str) {
    let status = std::process::Command::new("kill")
        .arg(format!("-{name}"))
        .arg(tui.pid().to_string())
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn sigterm_restores_the_terminal_and_exits_as_signalled() {
    let mut tui = demo();
    signal(&tui, "TERM");
    let status = tui.wait_exit();
    assert_eq!(status.exit_code(), 128 + 15, "{status:?}");
    assert!(!tui.alternate_screen(), "still on the alternate screen");
}

#[test]
fn sighup_restores_the_terminal_and_exits_as_signalled() {
    let mut tui = demo();
    signal(&tui, "HUP");
    let status = tui.wait_exit();
    assert_eq!(status.exit_code(), 128 + 1, "{status:?}");
    assert!(!tui.alternate_screen(), "still on the alternate screen");
}
