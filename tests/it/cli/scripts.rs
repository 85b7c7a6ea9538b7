//! The CLI as a script uses it, against the emulator with the real binary: formats that
//! pipe cleanly, query words refused rather than guessed, config and token files that
//! fail loudly, and messages a person can act on.

use crate::harness::cli::{Env, write_private};
use crate::harness::pty::on_terminal;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn query_words_it_cannot_mean_are_usage_errors_and_nothing_is_sent() {
    let env = Env::start(3, 12).await;
    let before = env.emu.request_count();
    let cases: &[(&[&str], &str)] = &[
        (&["vnp"], "did you mean `vpn`?"),
        (
            &["email:acme"],
            "write email=acme (equals) or email~acme (contains)",
        ),
        (&["email~a", "OR", "email~b"], "`OR` is not an operator"),
        (
            &["vpn=true", "vpn=false"],
            "`vpn=false` contradicts the earlier `vpn`",
        ),
        (&["country=XX"], "unknown country code `XX` in `country`"),
    ];
    for (words, says) in cases {
        for command in [&["sessions", "list"][..], &["sessions", "users"][..]] {
            let mut args = command.to_vec();
            args.extend_from_slice(words);
            let out = env.run(&args).await;
            out.expect_code(2);
            assert!(out.stderr.contains(says), "{args:?}: {}", out.stderr);
            assert!(out.stdout.is_empty(), "{args:?}: {}", out.stdout);
        }
    }
    let out = env
        .run(&["sessions", "invalidate", "--query", "email:acme"])
        .await;
    out.expect_code(2);
    assert!(
        out.stderr.contains("`:` is not an operator"),
        "{}",
        out.stderr
    );
    assert_eq!(
        env.emu.request_count(),
        before,
        "a refused query sent a request"
    );
    // Quoted, the same words are searched for.
    env.run(&["sessions", "list", "\"vnp\"", "\"OR\""])
        .await
        .expect_code(0);
}

/// Runs `script` under `sh` with `$AUTHTOP` the binary pointed at the emulator (the token
/// in a private file) and the hermetic environment of [`Env::run_raw`]; its stdout.
fn sh(env: &Env, script: &str) -> String {
    let token_file = env.dir.path().join("service-token");
    write_private(&token_file, &env.token);
    let mut cmd = env.hermetic(std::process::Command::new("/bin/sh"));
    let bin = assert_cmd::cargo::cargo_bin!("authtop");
    let out = cmd
        .current_dir(env.dir.path())
        .env(
            "AUTHTOP",
            format!(
                "{} --base-url {} --service-token-file {}",
                bin.display(),
                env.base_url,
                token_file.display()
            ),
        )
        .args(["-c", &format!("set -eu\n{script}")])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.success(),
        "{script}\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    env.assert_no_secret_in(&stdout, "stdout");
    env.assert_no_secret_in(&stderr, "stderr");
    stdout
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ids_pipe_through_sort_and_comm_and_csv_lines_end_in_lf() {
    let env = Env::start(6, 45).await;
    let seeded = env.live_seeded();
    let mut want = seeded.join("\n");
    want.push('\n');
    std::fs::write(env.dir.path().join("want"), want).unwrap();
    // Every session, paged small; `comm -3` prints what only one side has: nothing.
    let diff = sh(
        &env,
        "$AUTHTOP sessions list --all --size 7 -o ids | sort > got\n\
         sort want > want.sorted\n\
         comm -3 got want.sorted\n\
         wc -l < got",
    );
    assert_eq!(diff.trim(), seeded.len().to_string(), "{diff}");
    let raw = std::fs::read(env.dir.path().join("got")).unwrap();
    assert!(!raw.contains(&b'\r') && !raw.contains(&b' '), "{raw:?}");

    // `sessions users -o ids` is one user id per line, the users holding sessions.
    let users = env.run(&["sessions", "users", "-o", "ids"]).await;
    users.expect_code(0);
    let mut got: Vec<&str> = users.stdout.lines().collect();
    got.sort_unstable();
    let mut want: Vec<String> = env
        .users_with_sessions()
        .into_iter()
        .map(|u| u.user_id)
        .collect();
    want.sort();
    assert_eq!(got, want);
    assert!(users.stdout.ends_with('\n') && !users.stdout.contains('\r'));

    // A local term walks and still prints ids alone; --columns with ids is refused.
    let vpn = env.run(&["sessions", "list", "vpn", "-o", "ids"]).await;
    vpn.expect_code(0);
    assert!(
        vpn.stdout.lines().all(|l| l.starts_with("pmt_")),
        "{}",
        vpn.stdout
    );
    let out = env
        .run(&["sessions", "list", "-o", "ids", "--columns", "id"])
        .await;
    out.expect_code(2);
    assert!(
        out.stderr.contains("-o ids prints the id alone"),
        "{}",
        out.stderr
    );
    let out = env.run(&["config", "show", "-o", "ids"]).await;
    out.expect_code(2);
    assert!(
        out.stderr.contains("-o ids applies to listings"),
        "{}",
        out.stderr
    );

    // CSV: LF by default, so `xargs` and `comm` see clean ids; CRLF on request.
    let csv = env
        .run(&[
            "sessions",
            "list",
            "--all",
            "-o",
            "csv",
            "--columns",
            "id",
            "--no-headers",
        ])
        .await;
    csv.expect_code(0);
    assert!(!csv.stdout.contains('\r'), "{:?}", csv.stdout);
    let mut from_csv: Vec<&str> = csv.stdout.lines().collect();
    from_csv.sort_unstable();
    let mut all = seeded.clone();
    all.sort();
    assert_eq!(from_csv, all);
    let users_csv = env.run(&["sessions", "users", "-o", "csv"]).await;
    assert!(!users_csv.stdout.contains('\r') && users_csv.stdout.starts_with("email,"));
    let crlf = env
        .run(&["sessions", "list", "-o", "csv", "--crlf", "--size", "3"])
        .await;
    crlf.expect_code(0);
    assert_eq!(crlf.stdout.matches("\r\n").count(), 4, "{:?}", crlf.stdout);
    assert_eq!(crlf.stdout.matches('\n').count(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tables_are_cut_only_on_a_terminal_and_never_with_wide() {
    let env = Env::start(3, 8).await;
    let args = ["sessions", "list", "--columns", "id,profile"];
    // Piped: every profile whole, as JSON prints it.
    let piped = env.run(&args).await;
    piped.expect_code(0);
    assert!(!piped.stdout.contains('…'), "{}", piped.stdout);
    let longest = piped
        .stdout
        .lines()
        .skip(1)
        .map(str::len)
        .max()
        .unwrap_or(0);
    assert!(
        longest > 80,
        "the fixture's profiles are too short to test cutting"
    );
    let users = env.run(&["sessions", "users"]).await;
    assert!(!users.stdout.contains('…'), "{}", users.stdout);
    // On a terminal the profile column is cut to its cap, unless --wide.
    let args = ["sessions", "list", "--columns", "id,profile", "--size", "3"];
    tokio::task::block_in_place(|| {
        let (screen, _, code) = on_terminal(&env.emu, &args, &[]);
        assert_eq!(code, 0, "{screen}");
        assert!(screen.contains('…'), "{screen}");
        let mut wide = args.to_vec();
        wide.push("--wide");
        let (screen, _, code) = on_terminal(&env.emu, &wide, &[]);
        assert_eq!(code, 0, "{screen}");
        assert!(!screen.contains('…'), "{screen}");
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_fails_loudly_a_missing_named_file_a_used_bad_profile() {
    let env = Env::start(2, 4).await;
    let missing = env.dir.path().join("nonexistent.toml");
    let missing = missing.to_str().unwrap();
    let out = env.run(&["--config", missing, "sessions", "list"]).await;
    out.expect_code(2);
    assert!(
        out.stderr.contains("nonexistent.toml does not exist"),
        "{}",
        out.stderr
    );
    let out = env
        .run_raw(
            vec!["config".into(), "show".into()],
            &[("AUTHTOP_CONFIG", missing)],
        )
        .await;
    out.expect_code(2);
    assert!(out.stderr.contains("AUTHTOP_CONFIG"), "{}", out.stderr);

    // A mistake in one profile stops only that profile.
    std::fs::write(
        env.config_path(),
        "[profiles.default]\npage_size = 3\n\n[profiles.typo]\nread_only = true\ncolour = \"red\"\n",
    )
    .unwrap();
    let out = env.run(&["sessions", "list", "-o", "ids"]).await;
    out.expect_code(0);
    assert_eq!(out.stdout.lines().count(), 3, "{}", out.stdout);
    let out = env.run(&["--profile", "typo", "sessions", "list"]).await;
    out.expect_code(2);
    for want in [
        "profile `typo`",
        "unknown key `colour`",
        "did you mean `color`?",
        "line 6",
    ] {
        assert!(out.stderr.contains(want), "{want}: {}", out.stderr);
    }
    let takes = out
        .stderr
        .split("a profile takes")
        .nth(1)
        .unwrap_or_default();
    assert!(takes.contains("token_file"), "{}", out.stderr);
    for token_key in ["token,", "service_token", "user_token,", "refresh_token"] {
        assert!(!takes.contains(token_key), "{}", out.stderr);
    }

    // AUTHTOP_PROFILE set but empty: unset, with a notice; the default profile applies.
    let out = env
        .run_raw(
            vec![
                "sessions".into(),
                "list".into(),
                "--base-url".into(),
                env.base_url.clone(),
                "--token".into(),
                env.token.clone(),
            ],
            &[("AUTHTOP_PROFILE", "")],
        )
        .await;
    out.expect_code(0);
    assert!(
        out.stderr
            .contains("AUTHTOP_PROFILE is set but empty: treated as unset"),
        "{}",
        out.stderr
    );
    let out = env.run(&["--profile", "", "config", "show"]).await;
    out.expect_code(2);
    assert!(out.stderr.contains("cannot be empty"), "{}", out.stderr);

    // AUTHTOP_CONFIG set but empty: the same; an empty --config is a mistake.
    let out = env
        .run_raw(
            vec!["config".into(), "show".into()],
            &[("AUTHTOP_CONFIG", "")],
        )
        .await;
    out.expect_code(0);
    assert!(
        out.stderr.contains(
            "AUTHTOP_CONFIG is set but empty: treated as unset, so the default config file applies"
        ),
        "{}",
        out.stderr
    );
    let out = env.run(&["--config", "", "config", "show"]).await;
    out.expect_code(2);
    assert!(
        out.stderr.contains("config file (from flag): it is empty"),
        "{}",
        out.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[expect(clippy::too_many_lines, reason = "a case table: one row per case")]
async fn token_files_are_checked_as_ssh_checks_keys_and_messages_name_the_problem() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::start(2, 4).await;
    let before = env.emu.request_count();
    let with_file = |path: &std::path::Path| {
        vec![
            "sessions".to_string(),
            "list".into(),
            "--base-url".into(),
            env.base_url.clone(),
            "--service-token-file".into(),
            path.display().to_string(),
        ]
    };
    let refused = |out: &crate::harness::cli::Out, says: &str| {
        out.expect_code(2);
        assert!(out.stderr.contains(says), "{says}: {}", out.stderr);
    };
    // A private file in a folder anyone can write: they could swap it.
    let open = env.dir.path().join("open");
    std::fs::create_dir(&open).unwrap();
    std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o777)).unwrap();
    let file = open.join("svc.token");
    write_private(&file, &env.token);
    let out = env.run_raw(with_file(&file), &[]).await;
    refused(&out, "writable by other users");
    refused(&out, "chmod go-w");
    std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o700)).unwrap();
    env.run_raw(with_file(&file), &[]).await.expect_code(0);
    let before_refusals = env.emu.request_count();
    // Owned by someone else (only root can make such a file to test with).
    if std::os::unix::fs::chown(&file, Some(65534), None).is_ok() {
        let out = env.run_raw(with_file(&file), &[]).await;
        refused(&out, "belongs to another user");
        std::os::unix::fs::chown(&file, Some(0), None).unwrap();
    }
    // Two lines: not silently the first.
    write_private(&file, &format!("{}\nsecond line\n", env.token));
    refused(
        &env.run_raw(with_file(&file), &[]).await,
        "more than one line",
    );
    // A huge file is refused unread.
    let big = env.dir.path().join("big.token");
    write_private(&big, "");
    std::fs::File::options()
        .write(true)
        .open(&big)
        .unwrap()
        .set_len(100 << 20)
        .unwrap();
    refused(
        &env.run_raw(with_file(&big), &[]).await,
        "larger than 16 KiB",
    );
    // A folder, and a symlink loop, are named as what they are.
    refused(
        &env.run_raw(with_file(&open), &[]).await,
        "is a folder, not a token file",
    );
    let looped = env.dir.path().join("loop.json");
    std::os::unix::fs::symlink(&looped, &looped).unwrap();
    let out = env
        .run(&["client", "list", "--token-file", looped.to_str().unwrap()])
        .await;
    refused(&out, "symlink loop");
    assert!(!out.stderr.contains("pass --token-file"), "{}", out.stderr);
    let out = env
        .run(&[
            "--service-token-file",
            looped.to_str().unwrap(),
            "sessions",
            "list",
        ])
        .await;
    assert_ne!(out.code, 0);
    // Standard input holds one thing: not the token and the ids.
    write_private(&file, &env.token);
    let out = env
        .run_fed(
            vec![
                "--base-url".into(),
                env.base_url.clone(),
                "--service-token-file".into(),
                "-".into(),
                "sessions".into(),
                "invalidate".into(),
                "-".into(),
            ],
            &[],
            Some(format!("{}\n", env.token)),
        )
        .await;
    refused(
        &out,
        "both the service token (--service-token-file -) and the session ids",
    );
    let out = env
        .run_fed(
            vec![
                "--base-url".into(),
                env.base_url.clone(),
                "--service-token-file".into(),
                "-".into(),
                "sessions".into(),
                "list".into(),
            ],
            &[],
            Some(format!("{}\nsomething else\n", env.token)),
        )
        .await;
    refused(&out, "standard input holds more than one line");
    assert_eq!(
        env.emu.request_count(),
        before_refusals,
        "a refused token file sent a request"
    );
    assert!(before_refusals > before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_typed_on_the_command_line_gets_a_notice_naming_the_safer_way() {
    let env = Env::start(2, 4).await;
    let out = env.run(&["sessions", "list", "-o", "ids"]).await;
    out.expect_code(0);
    let notices: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(notices.len(), 1, "{}", out.stderr);
    assert!(
        notices[0].starts_with("authtop: notice: --token is visible to other local users")
            && notices[0].contains("--service-token-file FILE"),
        "{}",
        out.stderr
    );
    let user = env.users_with_sessions()[0].sessions[0]
        .user_token
        .expose()
        .to_string();
    let out = env.run(&["token", "check", &user]).await;
    out.expect_code(0);
    assert!(
        out.stderr.contains("authtop token check -"),
        "{}",
        out.stderr
    );
    // The same token on standard input: no notice about it.
    let file = env.dir.path().join("svc.token");
    write_private(&file, &env.token);
    let out = env
        .run_fed(
            vec![
                "--base-url".into(),
                env.base_url.clone(),
                "--service-token-file".into(),
                file.display().to_string(),
                "token".into(),
                "check".into(),
                "-".into(),
            ],
            &[],
            Some(format!("{user}\n")),
        )
        .await;
    out.expect_code(0);
    assert!(!out.stderr.contains("notice"), "{}", out.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bare_authtop_without_a_terminal_names_the_terminal_and_the_cli() {
    let env = Env::start(1, 1).await;
    let bin = assert_cmd::cargo::cargo_bin!("authtop");
    let home = env.dir.path().to_path_buf();
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(bin)
            .env_clear()
            .env("HOME", &home)
            .env("PATH", "/usr/bin:/bin")
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("the TUI needs a terminal; for scripts use `authtop sessions list`"),
        "{stderr}"
    );
    assert!(!stderr.contains("raw mode"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_queued_call_names_its_request_and_request_get_asks_again() {
    use crate::harness::cli::{envelope, scripted};
    // A server that keeps the call queued for ever: the error names the request, the
    // command that asks again, and the wait rounded.
    let env = Env::start(2, 6).await;
    let accepted = envelope(
        "Accepted",
        serde_json::json!({"ttl_mins": 1, "retry_counter": 0, "location": "http://127.0.0.1/request/x"}),
    );
    let (url, _) = scripted(vec![(202, accepted)]).await;
    let out = env
        .run_at(&url, &["sessions", "list", "--timeout", "1s"])
        .await;
    out.expect_code(5);
    assert!(
        out.stderr.contains("request prq_scriptedscriptedscriptedscript still in progress after ")
            && out.stderr.contains(
                "; ask for its result later with: authtop request get prq_scriptedscriptedscriptedscript"
            ),
        "{}",
        out.stderr
    );
    // The wait is rounded: `986ms` or `1s`, never `0.986204117s`.
    let waited = out
        .stderr
        .split("after ")
        .nth(1)
        .unwrap()
        .split(';')
        .next()
        .unwrap();
    let rounded = waited
        .strip_suffix("ms")
        .is_some_and(|n| n.parse::<u32>().is_ok())
        || waited.strip_suffix('s').is_some_and(|n| {
            n.parse::<f64>().is_ok() && n.split('.').nth(1).is_none_or(|d| d.len() == 1)
        });
    assert!(rounded, "{waited}");

    // A call the emulator queued: `request get` polls once per run until it completes.
    let faults = authtop::emulator::Faults {
        async_rate: 1.0,
        ..Default::default()
    };
    let env = Env::with_faults(2, 6, faults).await;
    let queued: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/v2/session/list", env.base_url))
        .bearer_auth(&env.token)
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(queued["status"], "Accepted", "{queued}");
    let id = queued["request_id"].as_str().unwrap().to_string();
    let mut done = None;
    for _ in 0..4 {
        let out = env.run(&["request", "get", &id]).await;
        match out.code {
            0 => {
                done = Some(out);
                break;
            }
            5 => assert!(
                out.stderr.contains(&format!(
                    "request {id} is still in progress; ask again later with: authtop request get {id}"
                )),
                "{}",
                out.stderr
            ),
            _ => panic!("exit {}: {}", out.code, out.stderr),
        }
    }
    let done = done.expect("the queued call never completed");
    let v = done.json();
    assert_eq!(v["request_id"], id.as_str());
    assert_eq!(v["result"]["sessions"].as_array().map(Vec::len), Some(6));
    // Something that is not an id never reaches a URL.
    let before = env.emu.request_count();
    let out = env
        .run(&["request", "get", "prq_../v2/session/logout"])
        .await;
    assert_ne!(out.code, 0);
    assert_eq!(env.emu.request_count(), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tls_handshake_failure_is_not_retried() {
    use tokio::io::AsyncWriteExt;
    let env = Env::start(1, 1).await;
    // Plain http where https is expected: every connection is a failed handshake.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut conn, _)) = listener.accept().await {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let _ = conn
                .write_all(
                    b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                )
                .await;
        }
    });
    let out = env
        .run_at(&format!("https://127.0.0.1:{port}"), &["sessions", "list"])
        .await;
    out.expect_code(5);
    assert!(
        out.stderr.contains("Tls error") && out.stderr.contains("after 1 attempt(s)"),
        "{}",
        out.stderr
    );
    assert_eq!(
        seen.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "{}",
        out.stderr
    );
}

/// `groff -ww` on a page: what it warned (empty when clean). A missing groff fails the
/// test: the check is never skipped.
fn groff_warnings(page: &std::path::Path) -> String {
    let out = std::process::Command::new("groff")
        .args(["-ww", "-man", "-Tutf8", "-z"])
        .arg(page)
        .output()
        .unwrap_or_else(|e| panic!("groff is needed to check the manual pages: {e}"));
    assert!(out.status.success(), "groff failed on {}", page.display());
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The `authtop…(n)` page references in roff source.
fn page_refs(roff: &str) -> Vec<String> {
    let plain = roff
        .replace("\\-", "-")
        .replace("\\fB", "")
        .replace("\\fR", "");
    let mut refs = Vec::new();
    let mut rest = plain.as_str();
    while let Some(at) = rest.find("authtop") {
        let tail = &rest[at..];
        let name_len = tail
            .find(|c: char| !(c.is_ascii_lowercase() || c == '-'))
            .unwrap_or(tail.len());
        if tail[name_len..].starts_with("(1)") {
            refs.push(tail[..name_len].to_string());
        }
        rest = &tail[name_len..];
    }
    refs
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_manual_is_full_renders_clean_and_every_reference_has_its_page() {
    let env = Env::start(1, 1).await;
    let man = env.run_raw(vec!["man".into()], &[]).await;
    man.expect_code(0);
    for section in [
        ".SH OPTIONS",
        ".SH COMMANDS",
        ".SH \"QUERY LANGUAGE\"",
        ".SH ENVIRONMENT",
        ".SH FILES",
        ".SH \"EXIT STATUS\"",
        ".SH EXAMPLES",
        "\\-\\-query",
        "\\-\\-max",
        "\\-\\-yes",
        "AUTHTOP_PROFILE",
        "token_file",
        "authtop request get",
    ] {
        assert!(
            man.stdout.contains(section),
            "{section} missing from authtop man"
        );
    }
    assert!(man.stdout.is_ascii(), "non-ASCII left unescaped");
    let single = env.dir.path().join("authtop-single.1");
    std::fs::write(&single, &man.stdout).unwrap();
    assert_eq!(groff_warnings(&single), "");
    assert!(
        page_refs(&man.stdout).is_empty(),
        "the single page names pages it does not come with"
    );

    let dir = env.dir.path().join("man1");
    let out = env
        .run_raw(
            vec!["man".into(), "--dir".into(), dir.display().to_string()],
            &[],
        )
        .await;
    out.expect_code(0);
    let mut pages: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    pages.sort();
    let names: Vec<String> = pages
        .iter()
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    for want in [
        "authtop",
        "authtop-sessions",
        "authtop-sessions-list",
        "authtop-request-get",
        "authtop-man",
    ] {
        assert!(names.iter().any(|n| n == want), "{want} missing: {names:?}");
    }
    let mut references = 0;
    for page in &pages {
        assert_eq!(groff_warnings(page), "", "{}", page.display());
        let roff = std::fs::read_to_string(page).unwrap();
        assert!(roff.contains(".SH \"SEE ALSO\""), "{}", page.display());
        for r in page_refs(&roff) {
            references += 1;
            assert!(
                dir.join(format!("{r}.1")).exists(),
                "{} refers to {r}(1), which has no page",
                page.display()
            );
        }
    }
    assert!(
        references >= pages.len(),
        "{references} references in {} pages",
        pages.len()
    );
}
