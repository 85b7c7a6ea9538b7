//! Leaving the TUI in the middle of a bulk invalidation: the run stops with an outcome
//! line for every request sent, and once the screen is restored stderr says what was
//! done and what was not, with an exit code that is not success.

use crate::harness::emulator;
use crate::harness::pty::{Tui, session_ids};
use authtop::emulator::{EmulatorConfig, Faults};
use std::collections::BTreeSet;
use std::time::Duration;

/// The count in the table's "N marked" note, 0 when absent.
fn marked(screen: &str) -> usize {
    screen
        .match_indices(" marked")
        .find_map(|(at, _)| {
            let digits: String = screen[..at]
                .chars()
                .rev()
                .take_while(char::is_ascii_digit)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            digits.parse().ok()
        })
        .unwrap_or(0)
}

fn lines(path: &std::path::Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn a_forced_quit_mid_bulk_reports_on_stderr_and_exits_130() {
    let (_rt, emu) = emulator::start_on_runtime(EmulatorConfig {
        seed: 17,
        ..emulator::config(20, 80, Faults::default())
    });
    let base_url = emu.base_url();
    let token = emu.service_token().expose().to_owned();
    let mut tui = Tui::spawn_with(200, 40, &["--base-url", &base_url, "--token", &token], &[]);
    let patience = Duration::from_secs(20);
    tui.poll_until(patience, |s| session_ids(s).len() >= 5)
        .expect("session rows");
    tui.send("a");
    let screen = tui
        .poll_until(patience, |s| marked(s) >= 20)
        .expect("a page marked");
    let n = marked(&screen);
    emu.set_faults(Faults {
        latency: Duration::from_millis(300),
        ..Faults::default()
    })
    .unwrap();
    tui.send("D");
    tui.poll_until(patience, |s| s.contains("Cancel"))
        .expect("the confirmation");
    tui.send("y");
    let audit = tui.audit_path();
    let deadline = std::time::Instant::now() + patience;
    while lines(&audit)
        .iter()
        .filter(|l| l["phase"] == "outcome")
        .count()
        < 3
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the bulk never got going"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    tui.send("q");
    tui.poll_until(patience, |s| s.contains("press q again to force"))
        .expect("the quit to wait for the bulk");
    tui.send("q");
    let status = tui.wait_exit();
    assert_eq!(status.exit_code(), 130, "screen:\n{}", tui.screen());

    let all = lines(&audit);
    let of = |phase: &str| -> BTreeSet<String> {
        all.iter()
            .filter(|l| l["phase"] == phase)
            .map(|l| l["target"].as_str().unwrap().to_string())
            .collect()
    };
    let (intents, outcomes) = (of("intent"), of("outcome"));
    assert_eq!(intents, outcomes, "every request sent has its outcome line");
    assert!(
        intents.len() < n,
        "the bulk was not cut short: {} of {n}",
        intents.len()
    );

    let screen = tui.screen();
    assert!(!tui.alternate_screen(), "the screen is restored");
    assert!(
        screen.contains("destructive work of this session"),
        "{screen}"
    );
    let left = n - intents.len();
    assert!(
        screen.contains(&format!("{left} not attempted")),
        "{left} not attempted:\n{screen}"
    );
    let list = screen
        .lines()
        .find_map(|l| l.split("listed in ").nth(1))
        .map_or_else(|| panic!("no list named:\n{screen}"), str::trim);
    let listed = std::fs::read_to_string(list).unwrap();
    assert_eq!(listed.lines().count(), left);
    for id in listed.lines() {
        assert!(
            !intents.contains(id),
            "{id} was sent but listed as not attempted"
        );
        assert!(emu.session_exists(id), "{id} listed but gone");
    }
}
