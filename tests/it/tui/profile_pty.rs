//! The real binary in a pseudo-terminal with a config of two profiles, each pointing at
//! its own emulator (different seeds, so different sessions): `:profile other` reconnects
//! and the table shows the other project's rows.

use crate::harness::emulator::{config, start_on_runtime};
use crate::harness::pty::{Tui, session_ids};
use authtop::emulator::{Faults, RunningEmulator};
use std::collections::BTreeSet;

fn ids_of(emu: &RunningEmulator) -> BTreeSet<String> {
    emu.tokens(100)
        .into_iter()
        .flat_map(|u| u.sessions.into_iter().map(|s| s.session_id))
        .collect()
}

/// Every id on the screen (shortened or whole) is one of `ids`.
fn all_from(screen: &str, ids: &BTreeSet<String>) -> bool {
    let shown = session_ids(screen);
    !shown.is_empty()
        && shown
            .iter()
            .all(|s| ids.iter().any(|full| full.starts_with(s.as_str())))
}

#[test]
fn colon_profile_switches_to_the_other_projects_rows() {
    let mut one_config = config(5, 20, Faults::default());
    one_config.seed = 11;
    let mut other_config = config(5, 20, Faults::default());
    other_config.seed = 12;
    let (_rt_one, one) = start_on_runtime(one_config);
    let (_rt_other, other) = start_on_runtime(other_config);
    let (one_ids, other_ids) = (ids_of(&one), ids_of(&other));
    assert!(one_ids.is_disjoint(&other_ids), "the seeds give other ids");

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(
        &path,
        format!(
            "default_profile = \"one\"\n\
             [profiles.one]\nbase_url = \"{}\"\nallow_http = true\ntoken_env = \"ONE_TOKEN\"\n\
             [profiles.other]\nbase_url = \"{}\"\nallow_http = true\ntoken_env = \"OTHER_TOKEN\"\n",
            one.base_url(),
            other.base_url()
        ),
    )
    .unwrap();
    let one_token = one.service_token().expose().to_string();
    let other_token = other.service_token().expose().to_string();
    let mut tui = Tui::spawn_with(
        200,
        40,
        &[],
        &[
            ("AUTHTOP_CONFIG", path.to_str().unwrap()),
            ("ONE_TOKEN", &one_token),
            ("OTHER_TOKEN", &other_token),
        ],
    );
    let first = tui.wait_until("the first project's rows", |s| all_from(s, &one_ids));
    assert!(first.contains("one @"), "{first}");

    tui.send(":prof\t");
    tui.send("oth\t");
    tui.wait_for(":profile other");
    tui.send("\r");
    let switched = tui.wait_until("the other project's rows", |s| all_from(s, &other_ids));
    assert!(switched.contains("other @"), "{switched}");

    // A typo is answered, and the switch back works the same way.
    tui.send(":profile oen\r");
    tui.wait_for("did you mean `one`");
    tui.send(":profile one\r");
    tui.wait_until("the first project's rows again", |s| all_from(s, &one_ids));
    tui.send("q");
    assert!(tui.wait_exit().success());
}

#[test]
fn query_order_and_history_come_back_and_fresh_starts_clean() {
    let state = tempfile::tempdir().unwrap();
    let dir = state.path().to_str().unwrap().to_string();
    let env = [("AUTHTOP_STATE_DIR", dir.as_str())];

    let mut tui = Tui::spawn_with(200, 40, &[], &env);
    tui.wait_until("rows", |s| !session_ids(s).is_empty());
    tui.send("/email~a\r");
    tui.wait_for("email~a");
    tui.send("s");
    tui.wait_for("Order by");
    tui.send("m");
    tui.wait_for("order email ▲");
    tui.send("q");
    assert!(tui.wait_exit().success());
    let history = std::fs::read_to_string(state.path().join("history/demo.txt")).unwrap();
    assert_eq!(history, "email~a\n");

    let mut tui = Tui::spawn_with(200, 40, &[], &env);
    let screen = tui.wait_for("order email ▲");
    assert!(screen.contains("email~a"), "{screen}");
    // The editor's Up brings the query back from the file.
    tui.send("/\x15");
    tui.send("\x1b[A");
    tui.wait_until("the query from the history", |s| {
        s.lines().any(|l| l.starts_with("/ email~a"))
    });
    // Ctrl-c quits from inside the editor too.
    tui.send("\x03");
    assert!(tui.wait_exit().success());

    let mut tui = Tui::spawn_with(200, 40, &["--fresh"], &env);
    let screen = tui.wait_for("no query");
    assert!(screen.contains("order created_at ▼"), "{screen}");
    tui.send("q");
    assert!(tui.wait_exit().success());
}
