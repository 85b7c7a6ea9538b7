//! No token value leaks: every CLI command and a TUI session run with logging at its most
//! verbose (`AUTHTOP_LOG=trace`), with forced errors (a bad token, a dead server, a
//! rotated refresh token, a failing server) and a forced panic; then every stdout and
//! stderr, the log file, the audit log, every captured screen and the raw terminal output
//! are searched for every token value used, including those minted by refreshes.

use crate::harness::cli::{Env, Out};
use crate::harness::emulator;
use crate::harness::pty::Tui;
use crate::harness::server::dead_port;
use authtop::emulator::{EmulatorConfig, Faults};
use std::path::{Path, PathBuf};
use std::time::Duration;

const TRACE: (&str, &str) = ("AUTHTOP_LOG", "trace");
const BAD_SERVICE: &str = "pts_wrongwrongwrongwrongwrongwrong1";
const BAD_USER: &str = "ptu_wrongwrongwrongwrongwrongwrong1";

fn write_pair(path: &Path, user: &str, refresh: &str) {
    let doc = serde_json::json!({ "user_token": user, "refresh_token": refresh });
    std::fs::write(path, doc.to_string()).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
}

fn read_pair(path: &Path) -> (String, String) {
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    (
        v["user_token"].as_str().unwrap().to_owned(),
        v["refresh_token"].as_str().unwrap().to_owned(),
    )
}

/// Runs against the emulator with the service token and trace logging.
async fn run(env: &Env, args: &[&str]) -> Out {
    let mut all: Vec<String> = args.iter().map(ToString::to_string).collect();
    all.extend(["--base-url".into(), env.base_url.clone()]);
    all.extend(["--token".into(), env.token.clone()]);
    let out = env.run_raw(all, &[TRACE]).await;
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[expect(
    clippy::too_many_lines,
    reason = "a case table: every command that could print or log a token"
)]
async fn no_cli_command_prints_or_logs_a_token() {
    let env = Env::start(6, 30).await;
    env.remember(BAD_SERVICE);
    env.remember(BAD_USER);
    let users = env.users();
    let (a, b, c) = (&users[0], &users[1], &users[2]);
    let file = env.dir.path().join("tokens.json");
    let file_arg = file.to_str().unwrap();
    let mine = &a.sessions[0];
    write_pair(&file, mine.user_token.expose(), mine.refresh_token.expose());

    // Traced output proves the most verbose level really was on.
    let out = run(&env, &["sessions", "list", "--all", "-o", "json"]).await;
    out.expect_code(0);
    assert!(
        out.stderr.contains("TRACE") || out.stderr.contains("DEBUG"),
        "{}",
        out.stderr
    );
    run(&env, &["sessions", "list", "email~a", "-o", "csv"])
        .await
        .expect_code(0);
    run(&env, &["sessions", "invalidate", &c.sessions[0].session_id])
        .await
        .expect_code(0);
    run(&env, &["sessions", "logout", &b.user_id])
        .await
        .expect_code(0);
    run(&env, &["client", "list", "--token-file", file_arg])
        .await
        .expect_code(0);
    run(&env, &["token", "check", "--token-file", file_arg])
        .await
        .expect_code(0);
    run(&env, &["token", "check", mine.refresh_token.expose()]).await;

    // A refresh mints a new pair and rewrites the file; the new values are secrets too.
    run(&env, &["client", "refresh", "--token-file", file_arg])
        .await
        .expect_code(0);
    let (new_user, new_refresh) = read_pair(&file);
    assert_ne!(new_user, mine.user_token.expose());
    env.remember(&new_user);
    env.remember(&new_refresh);
    run(&env, &["client", "refresh", "--token-file", file_arg])
        .await
        .expect_code(0);
    let (newer_user, newer_refresh) = read_pair(&file);
    env.remember(&newer_user);
    env.remember(&newer_refresh);
    run(
        &env,
        &["client", "list", "--token-file", file_arg, "-o", "ndjson"],
    )
    .await
    .expect_code(0);
    if let Some(other) = a.sessions.get(1) {
        run(
            &env,
            &[
                "client",
                "invalidate",
                &other.session_id,
                "--token-file",
                file_arg,
            ],
        )
        .await
        .expect_code(0);
    }

    // Forced errors: a rotated refresh token, a wrong user token, a wrong service token,
    // a dead server.
    let stale = env.dir.path().join("stale.json");
    write_pair(
        &stale,
        mine.user_token.expose(),
        mine.refresh_token.expose(),
    );
    let out = run(
        &env,
        &["client", "refresh", "--token-file", stale.to_str().unwrap()],
    )
    .await;
    assert_ne!(out.code, 0, "a rotated refresh token must be refused");
    let out = run(&env, &["token", "check", BAD_USER]).await;
    assert_ne!(out.code, 0);
    let out = env
        .run_raw(
            [
                "sessions",
                "list",
                "--base-url",
                &env.base_url,
                "--token",
                BAD_SERVICE,
            ]
            .map(String::from)
            .to_vec(),
            &[TRACE],
        )
        .await;
    out.expect_code(3);
    let dead = format!("http://127.0.0.1:{}", dead_port());
    let out = env
        .run_raw(
            [
                "client",
                "refresh",
                "--base-url",
                &dead,
                "--token",
                &env.token,
                "--token-file",
                file_arg,
            ]
            .map(String::from)
            .to_vec(),
            &[TRACE],
        )
        .await;
    out.expect_code(5);

    // Tokens from every source at once, shown by `config show`.
    let out = env
        .run_raw(
            ["config", "show", "--token-file", file_arg]
                .map(String::from)
                .to_vec(),
            &[
                TRACE,
                ("PANGEA_AUTHN_TOKEN", env.token.as_str()),
                ("PANGEA_DOMAIN", "aws.us.pangea.cloud"),
                ("AUTHTOP_USER_TOKEN", newer_user.as_str()),
                ("AUTHTOP_REFRESH_TOKEN", newer_refresh.as_str()),
            ],
        )
        .await;
    out.expect_code(0);
    assert!(!out.stdout.is_empty());

    run(&env, &["client", "logout", "--token-file", file_arg])
        .await
        .expect_code(0);
    assert!(
        env.audit().len() >= 4,
        "destructive commands were audited: {:?}",
        env.audit()
    );
}

/// Everything a TUI run left behind, searched for token values.
struct Leaks<'a> {
    secrets: Vec<String>,
    places: Vec<(&'a str, String)>,
}

impl<'a> Leaks<'a> {
    fn add(&mut self, what: &'a str, text: String) {
        self.places.push((what, text));
    }

    fn assert_none(&self) {
        for (what, text) in &self.places {
            for s in &self.secrets {
                assert!(
                    !text.contains(s.as_str()),
                    "a token value ({}…) appeared in {what}",
                    &s[..4]
                );
            }
        }
    }
}

fn screen_shot(tui: &Tui, shots: &mut Vec<String>) {
    shots.push(tui.screen());
}

#[test]
#[expect(
    clippy::too_many_lines,
    reason = "one end-to-end scenario: each step acts on the state the one before left"
)]
fn a_tui_session_with_a_refresh_an_error_and_a_panic_leaks_no_token() {
    let (rt, emu) = emulator::start_on_runtime(EmulatorConfig {
        seed: 5,
        ..emulator::config(8, 40, Faults::default())
    });
    let service = emu.service_token().expose().to_owned();
    let mut secrets = vec![service.clone()];
    for u in emu.tokens(usize::MAX) {
        for s in &u.sessions {
            secrets.push(s.user_token.expose().to_owned());
            secrets.push(s.refresh_token.expose().to_owned());
        }
    }
    let first = emu.tokens(1).remove(0).sessions.remove(0);
    let dir = tempfile::tempdir().unwrap();
    let file: PathBuf = dir.path().join("tokens.json");
    write_pair(
        &file,
        first.user_token.expose(),
        first.refresh_token.expose(),
    );
    let base_url = emu.base_url();
    let mut tui = Tui::spawn_with(
        200,
        40,
        &[
            "--base-url",
            &base_url,
            "--token",
            &service,
            "--token-file",
            file.to_str().unwrap(),
        ],
        &[TRACE, ("AUTHTOP_DEBUG_PANIC_KEY", "F12")],
    );
    let mut shots = Vec::new();
    tui.wait_until("session rows", |s| s.contains("pmt_"));
    screen_shot(&tui, &mut shots);

    // My sessions (client list with the user token), then two refreshes on the Token tab.
    tui.send("2");
    tui.wait_for("▸ 2 My sessions");
    screen_shot(&tui, &mut shots);
    tui.send("3");
    tui.wait_for("▸ 3 Token");
    let log = tui.log_path();
    for n in 1..=2 {
        tui.send("f");
        let deadline = std::time::Instant::now() + crate::harness::pty::PATIENCE;
        loop {
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            if text.matches("user token refreshed").count() >= n {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "no refresh {n}:\n{}",
                tui.screen()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let (user, refresh) = read_pair(&file);
        assert!(
            !secrets.contains(&user),
            "refresh {n} minted a new user token"
        );
        secrets.push(user);
        secrets.push(refresh);
        screen_shot(&tui, &mut shots);
    }

    // A destructive action, audited.
    tui.send("1");
    tui.wait_for("▸ 1 Sessions");
    tui.send("d");
    tui.wait_for("Cancel");
    screen_shot(&tui, &mut shots);
    tui.send("y");
    tui.wait_for_line(&tui.audit_path(), "an audit line", |l| {
        l.contains("session.invalidate")
    });

    // A forced error: the server fails every request for a while.
    emu.set_faults(Faults {
        error_rate: 1.0,
        ..Faults::default()
    })
    .unwrap();
    tui.send("r");
    tui.wait_until("an error", |s| s.contains('✖'));
    screen_shot(&tui, &mut shots);
    emu.set_faults(Faults::default()).unwrap();

    // The forced panic: terminal restored, a report printed, a non-zero exit.
    tui.send("\x1b[24~");
    let status = tui.wait_exit();
    assert!(!status.success(), "{status:?}");
    assert!(!tui.alternate_screen(), "still on the alternate screen");
    // The report is printed after the alternate screen was left, on the normal screen.
    let raw = String::from_utf8_lossy(&tui.raw_output()).into_owned();
    let left = raw
        .rfind("\x1b[?1049l")
        .expect("the alternate screen was left");
    let report = &raw[left..];
    assert!(
        report.contains("deliberate panic") && report.contains("panicked"),
        "no panic report after leaving the alternate screen:\n{report}"
    );
    shots.push(tui.screen());

    let log_text = std::fs::read_to_string(&log).unwrap();
    assert!(log_text.contains("TRACE"), "the log was not at trace level");
    let mut leaks = Leaks {
        secrets,
        places: Vec::new(),
    };
    leaks.add("the log file", log_text);
    leaks.add(
        "the audit log",
        std::fs::read_to_string(tui.audit_path()).unwrap(),
    );
    leaks.add(
        "the terminal output",
        String::from_utf8_lossy(&tui.raw_output()).into_owned(),
    );
    for shot in shots {
        leaks.add("a screen", shot);
    }
    leaks.assert_none();
    eprintln!(
        "TUI secrets: {} token values searched in {} places",
        leaks.secrets.len(),
        leaks.places.len()
    );
    rt.block_on(emu.shutdown());
}
