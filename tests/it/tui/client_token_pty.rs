//! The real binary in a pseudo-terminal with a client token (`pcl_…`) and a user token:
//! the end user's mode. It opens on My sessions with the user's own sessions, and the
//! project-wide Sessions tab says why it is empty instead of showing a refusal.

use crate::harness::emulator::{config, start_on_runtime};
use crate::harness::pty::{Tui, session_ids};
use authtop::emulator::Faults;

#[test]
fn a_client_token_opens_on_my_sessions_and_sessions_says_why_it_is_empty() {
    let (_rt, emu) = start_on_runtime(config(5, 20, Faults::default()));
    let user = emu
        .tokens(50)
        .into_iter()
        .find(|u| u.sessions.len() >= 2)
        .expect("a user with two sessions");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(
        &path,
        format!(
            "default_profile = \"me\"\n\
             [profiles.me]\nbase_url = \"{}\"\nallow_http = true\ntoken_env = \"MY_CLIENT_TOKEN\"\n",
            emu.base_url()
        ),
    )
    .unwrap();
    let client_token = emu.client_token().expose().to_string();
    let user_token = user.sessions[0].user_token.expose().to_string();
    let requests_before = emu.request_count();
    let mut tui = Tui::spawn_with(
        120,
        30,
        &[],
        &[
            ("AUTHTOP_CONFIG", path.to_str().unwrap()),
            ("MY_CLIENT_TOKEN", &client_token),
            ("AUTHTOP_USER_TOKEN", &user_token),
        ],
    );
    // Every row is the user's (by email, whose start shows at every width; the narrow
    // layout may leave the id out).
    let start: String = user.email.chars().take(12).collect();
    let mine = tui.wait_until("the user's own sessions", |s| {
        s.contains("▸ 2 My sessions") && s.matches(start.as_str()).count() == user.sessions.len()
    });
    assert!(!mine.contains(&client_token), "{mine}");

    tui.send("1");
    let sessions = tui.wait_for("client token (pcl_");
    assert!(sessions.contains("service token (pts_"), "{sessions}");
    assert!(!sessions.contains("Unauthorized"), "{sessions}");
    assert!(session_ids(&sessions).is_empty(), "{sessions}");
    tui.send("q");
    assert!(tui.wait_exit().success());
    // The user's list and token check, and no project-wide call the server would refuse.
    assert!(emu.request_count() > requests_before);
}
