//! Progress while a long command runs: drawn whenever stderr is a terminal (stdout may
//! be a file), erased before the summary, and never written into a pipe, onto a dumb
//! terminal or a closed stderr.

use crate::harness::cli::Env;
use crate::harness::emulator::{config, start_on_runtime};
use crate::harness::pty::{on_terminal, on_terminal_with};
use authtop::emulator::{Faults, RunningEmulator};

fn has(raw: &[u8], text: &str) -> bool {
    raw.windows(text.len()).any(|w| w == text.as_bytes())
}

fn session_ids(emu: &RunningEmulator, n: usize) -> Vec<String> {
    emu.tokens(usize::MAX)
        .iter()
        .flat_map(|u| u.sessions.iter().map(|s| s.session_id.clone()))
        .take(n)
        .collect()
}

/// No session's user or refresh token among the bytes a run wrote.
fn assert_no_session_token(emu: &RunningEmulator, raw: &[u8]) {
    for u in emu.tokens(usize::MAX) {
        for s in &u.sessions {
            for t in [s.user_token.expose(), s.refresh_token.expose()] {
                assert!(!has(raw, t), "a session token reached the terminal");
            }
        }
    }
}

#[test]
fn a_bulk_run_on_a_terminal_draws_a_bar_and_erases_it_before_the_summary() {
    let (_rt, emu) = start_on_runtime(config(4, 30, Faults::default()));
    let ids = session_ids(&emu, 12);
    let mut args = vec!["sessions", "invalidate"];
    args.extend(ids.iter().map(String::as_str));
    let (screen, raw, code) = on_terminal(&emu, &args, &[]);
    assert_eq!(code, 0, "{screen}");
    assert!(has(&raw, "invalidated 0/12 ["), "no bar drawn:\n{screen}");
    assert!(screen.contains("invalidated"), "{screen}");
    assert!(
        !screen.contains("/12 ["),
        "the bar stayed on screen:\n{screen}"
    );
    assert_no_session_token(&emu, &raw);
    // Every target was ended: the bar counted real work.
    assert!(ids.iter().all(|id| !emu.session_exists(id)));
}

#[test]
fn a_walk_and_a_long_listing_count_pages_on_a_terminal_between_whole_rows() {
    let (_rt, emu) = start_on_runtime(config(4, 40, Faults::default()));
    // `vpn` is a local term: every page of the server's matches is walked.
    let (screen, raw, code) = on_terminal(&emu, &["sessions", "list", "vpn", "--size", "7"], &[]);
    assert_eq!(code, 0, "{screen}");
    assert!(has(&raw, "walking: "), "no walk count drawn:\n{screen}");
    assert!(!screen.contains("walking: "), "the count stayed:\n{screen}");
    let (screen, raw, code) = on_terminal(&emu, &["sessions", "users", "--size", "7"], &[]);
    assert_eq!(code, 0, "{screen}");
    assert!(has(&raw, "walking: "), "no walk count drawn:\n{screen}");
    assert!(!screen.contains("walking: "), "the count stayed:\n{screen}");
    let (screen, raw, code) = on_terminal(
        &emu,
        &[
            "sessions",
            "list",
            "--all",
            "--size",
            "7",
            "--columns",
            "id",
        ],
        &[],
    );
    assert_eq!(code, 0, "{screen}");
    assert!(has(&raw, "listing: "), "no listing count drawn:\n{screen}");
    assert!(!screen.contains("listing: "), "the count stayed:\n{screen}");
    // The count never tore a row: every listed id sits whole on its own line.
    let rows: Vec<&str> = screen
        .lines()
        .map(str::trim_end)
        .filter(|l| l.starts_with("pmt_"))
        .collect();
    assert_eq!(rows.len(), 40, "{screen}");
    assert!(screen.contains("40 sessions"), "{screen}");
    assert_no_session_token(&emu, &raw);
}

#[test]
fn progress_beside_a_file_but_never_into_it_a_dumb_terminal_or_a_closed_stderr() {
    let (_rt, emu) = start_on_runtime(config(4, 40, Faults::default()));
    let walk = ["sessions", "list", "vpn", "--size", "7"];
    let drawn = |raw: &[u8]| has(raw, "walking") || has(raw, "listing") || has(raw, "0/");
    // Stdout into a file, stderr still the terminal: the count shows on stderr and the
    // file holds the rows alone.
    let file = tempfile::NamedTempFile::new().unwrap();
    let redirect = format!("> '{}'", file.path().display());
    let (screen, raw, code) = on_terminal_with(&emu, &redirect, &walk, &[]);
    assert_eq!(code, 0, "{screen}");
    assert!(drawn(&raw), "no progress beside a file:\n{screen}");
    assert!(!screen.contains("walking"), "the count stayed:\n{screen}");
    let saved = std::fs::read_to_string(file.path()).unwrap();
    assert!(saved.contains("pmt_"), "{saved}");
    assert!(
        !saved.contains('\u{1b}') && !saved.contains("walking"),
        "{saved:?}"
    );
    let (screen, raw, code) = on_terminal(&emu, &walk, &[("TERM", "dumb")]);
    assert_eq!(code, 0, "{screen}");
    assert!(!drawn(&raw), "progress on a dumb terminal:\n{screen}");
    // Stderr closed: no progress, no panic, the same output.
    let (screen, raw, code) = on_terminal_with(&emu, "2>&-", &walk, &[]);
    assert_eq!(code, 0, "{screen}");
    assert!(!drawn(&raw), "{screen}");
    assert!(screen.contains("pmt_"), "{screen}");
    let ids = session_ids(&emu, 3);
    let mut args = vec!["sessions", "invalidate"];
    args.extend(ids.iter().map(String::as_str));
    let (screen, raw, code) = on_terminal_with(&emu, "2>&-", &args, &[]);
    assert_eq!(code, 0, "{screen}");
    assert!(!drawn(&raw), "{screen}");
    assert!(screen.contains("invalidated"), "{screen}");
    assert!(ids.iter().all(|id| !emu.session_exists(id)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn piped_runs_carry_no_progress_on_either_stream() {
    let env = Env::start(4, 40).await;
    for args in [
        &["sessions", "list", "vpn", "--size", "7"][..],
        &["sessions", "users", "--size", "7"],
        &["sessions", "list", "--all", "--size", "7"],
    ] {
        let out = env.run(args).await;
        out.expect_code(0);
        for stream in [&out.stdout, &out.stderr] {
            assert!(
                !stream.contains("walking") && !stream.contains("listing:"),
                "{args:?}: {stream}"
            );
            assert!(!stream.contains('\u{1b}'), "{args:?}: {stream:?}");
        }
    }
    let ids: Vec<String> = env
        .users()
        .iter()
        .flat_map(|u| u.sessions.iter().map(|s| s.session_id.clone()))
        .take(5)
        .collect();
    let mut args = vec!["sessions", "invalidate"];
    args.extend(ids.iter().map(String::as_str));
    let out = env.run(&args).await;
    out.expect_code(0);
    assert!(!out.stderr.contains("0/5"), "{}", out.stderr);
    assert!(!out.stdout.contains('\u{1b}') && !out.stderr.contains('\u{1b}'));
}
