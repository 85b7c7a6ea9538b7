//! `authtop client …`, `token check`, `config …` and `completions` against the emulator.

use crate::harness::cli::Env;
use authtop::emulator::UserTokens;
use std::path::Path;

fn write_pair(path: &Path, user: &str, refresh: &str) {
    std::fs::write(
        path,
        serde_json::json!({"user_token": user, "refresh_token": refresh}).to_string(),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
}

/// A user with at least two sessions, and a token file for their first session.
fn user_with_two(env: &Env) -> (UserTokens, String) {
    let user = env
        .users()
        .into_iter()
        .find(|u| u.sessions.len() >= 2)
        .expect("a user with two sessions");
    let path = env.dir.path().join("tokens.json");
    write_pair(
        &path,
        user.sessions[0].user_token.expose(),
        user.sessions[0].refresh_token.expose(),
    );
    (user, path.display().to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_list_shows_only_the_token_owners_sessions() {
    let env = Env::start(4, 16).await;
    let (user, file) = user_with_two(&env);
    let out = env
        .run(&[
            "client",
            "list",
            "--all",
            "--token-file",
            &file,
            "-o",
            "ndjson",
        ])
        .await;
    out.expect_code(0);
    let rows: Vec<serde_json::Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), user.sessions.len());
    assert!(rows.iter().all(|r| r["identity"] == user.user_id.as_str()));
    // The user token can also come from the env.
    let out = env
        .run_raw(
            [
                "client",
                "list",
                "--base-url",
                &env.base_url,
                "--token",
                &env.token,
            ]
            .map(String::from)
            .to_vec(),
            &[("AUTHTOP_USER_TOKEN", user.sessions[0].user_token.expose())],
        )
        .await;
    out.expect_code(0);
    assert!(
        out.stdout.contains(&user.sessions[1].session_id),
        "{}",
        out.stdout
    );
}

/// A client token (`pcl_…`, the browser-safe Bearer) is enough for a user's own
/// sessions; a project-wide command with it is refused before anything is sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_token_lists_the_users_own_sessions_and_nothing_project_wide() {
    let env = Env::start(4, 16).await;
    let (user, file) = user_with_two(&env);
    let client_token = env.emu.client_token().expose().to_string();
    env.remember(&client_token);
    let with_client_token = |args: &[&str]| {
        let mut all: Vec<String> = args.iter().map(ToString::to_string).collect();
        all.extend(["--base-url".into(), env.base_url.clone()]);
        all.extend(["--token".into(), client_token.clone()]);
        all
    };
    let out = env
        .run_raw(
            with_client_token(&[
                "client",
                "list",
                "--all",
                "--token-file",
                &file,
                "-o",
                "ids",
            ]),
            &[],
        )
        .await;
    out.expect_code(0);
    let mut listed: Vec<&str> = out.stdout.lines().collect();
    let mut own: Vec<&str> = user
        .sessions
        .iter()
        .map(|s| s.session_id.as_str())
        .collect();
    listed.sort_unstable();
    own.sort_unstable();
    assert_eq!(listed, own);

    for args in [
        &["sessions", "list"][..],
        &["sessions", "users"],
        &["sessions", "logout", &user.user_id, "--yes"],
    ] {
        let before = env.emu.request_count();
        let out = env.run_raw(with_client_token(args), &[]).await;
        out.expect_code(2);
        assert!(
            out.stderr.contains("client token (pcl_…)") && out.stderr.contains("nothing was sent"),
            "{args:?}: {}",
            out.stderr
        );
        assert_eq!(env.emu.request_count(), before, "{args:?} sent nothing");
    }
    assert_eq!(
        env.emu
            .tokens(usize::MAX)
            .iter()
            .find(|u| u.user_id == user.user_id)
            .map(|u| u.sessions.len()),
        Some(user.sessions.len()),
        "the user's sessions are all still there"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_invalidate_then_logout() {
    let env = Env::start(4, 16).await;
    let (user, file) = user_with_two(&env);
    let other = user.sessions[1].session_id.clone();
    let own = user.sessions[0].session_id.clone();
    let out = env
        .run(&["client", "invalidate", &other, "--token-file", &file])
        .await;
    out.expect_code(0);
    assert!(!env.emu.session_exists(&other));
    assert!(env.emu.session_exists(&own));

    let out = env.run(&["client", "logout", "--token-file", &file]).await;
    out.expect_code(0);
    assert!(!env.emu.session_exists(&own));
    let audit: Vec<serde_json::Value> = env
        .audit()
        .into_iter()
        .filter(|l| l["phase"] == "outcome")
        .collect();
    assert_eq!(env.audit().len(), 4, "an intent and an outcome line each");
    assert_eq!(audit.len(), 2);
    assert_eq!(audit[0]["action"], "client.invalidate");
    assert_eq!(audit[0]["target"], other.as_str());
    assert_eq!(audit[1]["action"], "client.logout");
    assert_eq!(audit[1]["target"], user.user_id.as_str());
    // The token is now revoked: an auth failure.
    let out = env.run(&["token", "check", "--token-file", &file]).await;
    out.expect_code(3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_rewrites_the_token_file_privately_and_the_new_pair_works() {
    let env = Env::start(3, 6).await;
    let (user, file) = user_with_two(&env);
    let out = env.run(&["client", "refresh", "--token-file", &file]).await;
    let text = std::fs::read_to_string(&file).unwrap();
    let pair: serde_json::Value = serde_json::from_str(&text).unwrap();
    let new_user = pair["user_token"].as_str().unwrap().to_string();
    let new_refresh = pair["refresh_token"].as_str().unwrap().to_string();
    env.remember(&new_user);
    env.remember(&new_refresh);
    env.assert_no_secret_in(&out.stdout, "stdout");
    env.assert_no_secret_in(&out.stderr, "stderr");
    out.expect_code(0);
    // The refresh token may stay the same (spec section 8); the user token is new.
    assert_ne!(new_user, user.sessions[0].user_token.expose());
    assert!(
        out.stdout.contains("pmt_"),
        "token id shown: {}",
        out.stdout
    );
    assert!(out.stdout.contains("in "), "expiry shown: {}", out.stdout);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let check = env
        .run(&["token", "check", "--token-file", &file, "-o", "json"])
        .await;
    check.expect_code(0);
    assert_eq!(check.json()["identity"], user.user_id.as_str());
    // The emulator revokes the previous user token on refresh: only the saved pair works.
    let old = env
        .run(&["token", "check", user.sessions[0].user_token.expose()])
        .await;
    assert_eq!(old.code, 3, "the old user token still works: {old:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_without_a_token_file_is_refused_before_sending() {
    let env = Env::start(1, 1).await;
    let u = &env.users()[0];
    let before = env.emu.request_count();
    let out = env
        .run(&[
            "client",
            "refresh",
            "--refresh-token",
            u.sessions[0].refresh_token.expose(),
        ])
        .await;
    out.expect_code(2);
    assert!(out.stderr.contains("--token-file"), "{}", out.stderr);
    assert_eq!(env.emu.request_count(), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_world_readable_token_file_is_refused_with_the_fix() {
    let env = Env::start(2, 4).await;
    let (_, file) = user_with_two(&env);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        let out = env.run(&["token", "check", "--token-file", &file]).await;
        out.expect_code(2);
        assert!(
            out.stderr.contains("accessible by other users")
                && out.stderr.contains(&format!("chmod 600 {file}")),
            "{}",
            out.stderr
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_check_shows_owner_and_time_left() {
    let env = Env::start(2, 4).await;
    let u = env
        .users()
        .into_iter()
        .find(|u| !u.sessions.is_empty())
        .unwrap();
    let out = env
        .run(&["token", "check", u.sessions[0].user_token.expose()])
        .await;
    out.expect_code(0);
    for want in [u.user_id.as_str(), u.email.as_str(), "time_left", "in "] {
        assert!(out.stdout.contains(want), "{want}: {}", out.stdout);
    }
    let csv = env
        .run(&[
            "token",
            "check",
            "-o",
            "csv",
            "--user-token",
            u.sessions[0].user_token.expose(),
        ])
        .await;
    csv.expect_code(0);
    assert!(
        csv.stdout
            .starts_with("id,type,identity,email,expire,time_left\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_show_redacts_and_names_sources() {
    let env = Env::start(1, 1).await;
    env.use_config("valid/work_profile.toml");
    let out = env
        .run_raw(
            ["config", "show", "--profile", "work", "-o", "json"]
                .map(String::from)
                .to_vec(),
            &[("WORK_TOKEN", env.token.as_str())],
        )
        .await;
    out.expect_code(0);
    let v = out.json();
    assert_eq!(v["concurrency"]["value"], "3");
    assert_eq!(v["concurrency"]["from"], "profile work");
    assert_eq!(v["token"]["from"], "profile work");
    assert!(v["token"]["value"].as_str().unwrap().ends_with("••••••••"));

    let out = env.run(&["config", "show"]).await;
    out.expect_code(0);
    assert!(out.stdout.contains("flag"), "{}", out.stdout);

    let out = env.run_raw(vec!["config".into(), "path".into()], &[]).await;
    out.expect_code(0);
    assert_eq!(out.stdout.trim(), env.config_path().display().to_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_file_errors_name_the_key_and_refuse_inline_tokens() {
    let env = Env::start(1, 1).await;
    env.use_config("invalid/unknown_key.toml");
    let out = env.run(&["config", "show", "--profile", "a"]).await;
    out.expect_code(2);
    assert!(out.stderr.contains("colour"), "{}", out.stderr);
    assert!(out.stderr.contains("config.toml"), "{}", out.stderr);

    env.use_config("invalid/inline_token.toml");
    let out = env.run(&["config", "show"]).await;
    out.expect_code(2);
    assert!(out.stderr.contains("never stored"), "{}", out.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completions_and_help_document_the_exit_codes() {
    let env = Env::start(1, 1).await;
    let out = env
        .run_raw(vec!["completions".into(), "bash".into()], &[])
        .await;
    out.expect_code(0);
    assert!(out.stdout.contains("authtop"));
    let help = env.run_raw(vec!["--help".into()], &[]).await;
    help.expect_code(0);
    assert!(help.stdout.contains("Exit codes"), "{}", help.stdout);
    assert!(help.stdout.contains("7  refused"), "{}", help.stdout);
}

/// Every token value a run could know, checked against everything it wrote: each run
/// above already asserts this; this test drives every command with every token kind.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_token_value_reaches_stdout_stderr_or_the_audit_log() {
    let env = Env::start(3, 9).await;
    let (user, file) = user_with_two(&env);
    let ut = user.sessions[0].user_token.expose().to_string();
    let session = user.sessions[1].session_id.clone();
    let runs: Vec<Vec<&str>> = vec![
        vec!["sessions", "list", "--all", "-o", "json"],
        vec!["sessions", "list", "-o", "csv"],
        vec!["config", "show", "--user-token", &ut],
        vec!["config", "show", "-o", "json", "--token-file", &file],
        vec!["token", "check", &ut],
        vec!["token", "check", "-o", "json", "--token-file", &file],
        vec!["client", "list", "--token-file", &file, "-o", "ndjson"],
        vec!["client", "invalidate", &session, "--token-file", &file],
        vec!["sessions", "invalidate", "--all", "-o", "json"],
        vec!["sessions", "list", "nosuchfield=1"],
        vec!["token", "check", "pts_notarealtokennotarealtokennot"],
        vec!["client", "refresh", "--token-file", &file, "-o", "json"],
    ];
    env.remember("pts_notarealtokennotarealtokennot");
    for args in runs {
        let out = env.run(&args).await;
        // A refresh writes new values to the file: they must not have been printed either.
        let pair: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        env.remember(pair["user_token"].as_str().unwrap());
        env.remember(pair["refresh_token"].as_str().unwrap());
        env.assert_no_secret_in(&out.stdout, "stdout");
        env.assert_no_secret_in(&out.stderr, "stderr");
    }
    let out = env.run(&["sessions", "invalidate", "--all", "--yes"]).await;
    out.expect_code(0);
    assert!(!env.audit().is_empty());
    env.assert_no_secret_in(
        &std::fs::read_to_string(env.audit_path()).unwrap(),
        "the audit log",
    );
}
