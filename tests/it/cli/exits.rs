//! How a run ends: every documented exit code from a real scenario (and the README's
//! table the same), output that fails (a closed pipe, `| head -1`, a dead terminal)
//! changing nothing about the outcome, a throttling or silent server, `--deadline` and
//! the breaker, and an audit log that a full disk cannot tear.

use crate::harness::cli::{Env, Out, kill};
use crate::harness::server::{Reply, Server, envelope};
use authtop::emulator::Faults;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn lines_of(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("torn line ({e}): {l:?}")))
        .collect()
}

/// Every intent line has exactly one outcome line, and there are no others.
fn paired(lines: &[serde_json::Value]) -> (BTreeSet<String>, BTreeSet<String>) {
    let of = |phase: &str| -> Vec<String> {
        lines
            .iter()
            .filter(|l| l["phase"] == phase)
            .map(|l| l["target"].as_str().unwrap().to_string())
            .collect()
    };
    let (intents, outcomes) = (of("intent"), of("outcome"));
    let i: BTreeSet<String> = intents.iter().cloned().collect();
    let o: BTreeSet<String> = outcomes.iter().cloned().collect();
    assert_eq!(i.len(), intents.len(), "an intent written twice");
    assert_eq!(o.len(), outcomes.len(), "an outcome written twice");
    assert_eq!(i, o, "every intent has its outcome line");
    (i, o)
}

/// The ids in the not-attempted list the run names (on stderr or stdout).
fn listed(out_text: &str) -> Option<Vec<String>> {
    let path = out_text
        .lines()
        .find(|l| l.contains("not attempted:") && l.contains("listed in "))?
        .rsplit("listed in ")
        .next()?
        .trim();
    Some(
        std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("{path}: {e}"))
            .lines()
            .map(str::to_string)
            .collect(),
    )
}

/// The binary with the hermetic env of `env`, stdout and stderr as given.
fn command(env: &Env, base_url: &str, args: &[&str]) -> Command {
    let mut all: Vec<String> = args.iter().map(ToString::to_string).collect();
    all.extend(["--base-url".into(), base_url.to_string()]);
    all.extend(["--token".into(), env.token.clone()]);
    let mut cmd = env.command(&all);
    cmd.stdin(Stdio::null());
    cmd
}

/// Waits (bounded) until `path` holds at least `n` lines of `phase`.
async fn wait_for_lines(path: &Path, phase: &str, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let count = text
            .lines()
            .filter(|l| l.contains(&format!("\"phase\":\"{phase}\"")))
            .count();
        if count >= n {
            return;
        }
        assert!(Instant::now() < deadline, "never {n} {phase} lines");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A server that lists nothing and answers every invalidate with `reply`.
async fn answering(reply: Reply) -> Server {
    Server::start(move |_, _| reply.clone()).await
}

fn hang() -> Reply {
    Reply::Hang
}

/// A session id of the right shape that no server knows.
fn ghost(n: usize) -> String {
    let letter = |k: usize| char::from(b'a' + u8::try_from(k % 26).unwrap());
    format!("pmt_{}{}{}", "q".repeat(30), letter(n / 26), letter(n))
}

/// Runs a destructive command in the background until its first intent line, then
/// sends `sig`.
async fn signalled(sig: &str) -> Out {
    let env = Env::start(1, 1).await;
    let server = answering(hang()).await;
    let child = command(
        &env,
        &server.base,
        &[
            "sessions",
            "invalidate",
            &ghost(1),
            &ghost(2),
            "--timeout",
            "2s",
        ],
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    wait_for_lines(&env.audit_path(), "intent", 1).await;
    kill(child.id(), sig);
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    let out = Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    paired(&env.audit());
    out
}

/// Exit 10: a refresh whose token file's folder disappears while the server answers.
async fn refreshed_not_saved() -> Out {
    let env = Env::with_faults(
        2,
        4,
        Faults {
            latency: Duration::from_millis(1500),
            ..Faults::default()
        },
    )
    .await;
    let user = env.users_with_sessions().remove(0);
    let s = &user.sessions[0];
    let dir = env.dir.path().join("going");
    std::fs::create_dir(&dir).unwrap();
    let file = dir.join("me.json");
    crate::harness::cli::write_pair(&file, s.user_token.expose(), s.refresh_token.expose());
    let f = file.to_str().unwrap().to_string();
    let lock = dir.join("me.json.lock");
    let argv = ["client", "refresh", "--token-file", f.as_str()];
    let run = env.run(&argv);
    let remove = async {
        for _ in 0..600 {
            if lock.exists() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        std::fs::remove_dir_all(&dir).unwrap();
    };
    let (out, ()) = tokio::join!(run, remove);
    out
}

/// One real scenario per documented exit code.
async fn scenario(code: i32) -> Out {
    let env = Env::start(2, 6).await;
    let live = env.live_seeded();
    match code {
        0 => env.run(&["sessions", "invalidate", &live[0]]).await,
        1 => {
            env.run(&["sessions", "logout", "--email", "nobody@nowhere.example"])
                .await
        }
        2 => {
            env.run(&["sessions", "invalidate", "--query", " ", "--yes"])
                .await
        }
        3 => {
            let bad = "pts_zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz";
            env.remember(bad);
            let args = [
                "sessions",
                "list",
                "--base-url",
                &env.base_url,
                "--token",
                bad,
            ];
            env.run_raw(args.map(String::from).to_vec(), &[]).await
        }
        4 => {
            let body = envelope(
                "ValidationError",
                "prq_four",
                "bad size",
                serde_json::json!({}),
            );
            let server = answering(Reply::json(400, body)).await;
            env.run_at(&server.base, &["sessions", "list"]).await
        }
        5 => {
            let url = format!("http://127.0.0.1:{}", crate::harness::server::dead_port());
            env.run_at(&url, &["sessions", "list", "--timeout", "2s"])
                .await
        }
        6 => {
            // Every target failing is 6 too, not the class of the first failure.
            let body = envelope("Unauthorized", "prq_six", "no", serde_json::json!({}));
            let server = answering(Reply::json(401, body)).await;
            env.run_at(
                &server.base,
                &["sessions", "invalidate", &ghost(1), &ghost(2)],
            )
            .await
        }
        7 => {
            env.run(&["sessions", "invalidate", &live[0], "--read-only"])
                .await
        }
        8 => env.run(&["sessions", "invalidate", &ghost(3)]).await,
        9 => {
            // A file where a folder should be: the log cannot even be opened.
            let file = env.dir.path().join("plain");
            std::fs::write(&file, "").unwrap();
            let log = file.join("audit.jsonl");
            env.run(&[
                "sessions",
                "invalidate",
                &live[0],
                "--audit-log",
                log.to_str().unwrap(),
            ])
            .await
        }
        10 => refreshed_not_saved().await,
        11 => {
            let server = answering(hang()).await;
            env.run_at(
                &server.base,
                &["sessions", "invalidate", &ghost(1), "--deadline", "1s"],
            )
            .await
        }
        129 => signalled("HUP").await,
        130 => signalled("INT").await,
        143 => signalled("TERM").await,
        other => panic!("no scenario for exit {other}"),
    }
}

/// The codes a table lists: rows `| 6 | … |` and `| 129 / 130 / 143 | … |`.
fn codes_in_markdown(text: &str) -> BTreeSet<i32> {
    let table = text
        .split("| exit code | meaning |")
        .nth(1)
        .expect("the README has an exit-code table");
    table
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .flat_map(|l| {
            l.split('|')
                .nth(1)
                .unwrap_or_default()
                .split('/')
                .map(|c| c.trim().parse::<i32>().unwrap())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The codes `--help` lists (`  6  …`, `129  SIGHUP, 130  SIGINT, …`).
fn codes_in_help() -> BTreeSet<i32> {
    authtop::cli::exit::EXIT_CODES_HELP
        .lines()
        .skip(1)
        .flat_map(|l| {
            l.split(',')
                .filter_map(|part| part.split_whitespace().next()?.parse::<i32>().ok())
                .collect::<Vec<_>>()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_documented_exit_code_comes_from_a_real_scenario() {
    let table: Vec<(i32, &str)> = vec![
        (0, "success"),
        (1, "no sessions for that email"),
        (2, "blank"),
        (3, "Unauthorized"),
        (4, "ValidationError"),
        (5, "127.0.0.1"),
        (6, "2 of 2 target(s) failed"),
        (7, "read-only"),
        (8, "not found"),
        (9, "cannot open the audit log"),
        (10, "recover"),
        (11, "deadline"),
        (129, "SIGHUP"),
        (130, "SIGINT"),
        (143, "SIGTERM"),
    ];
    let codes: BTreeSet<i32> = table.iter().map(|(c, _)| *c).collect();
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    assert_eq!(codes_in_markdown(&readme), codes, "README's table");
    assert_eq!(codes_in_help(), codes, "--help's table");
    for (code, says) in table {
        let out = scenario(code).await;
        out.expect_code(code);
        if code != 0 {
            let text = format!("{}{}", out.stdout, out.stderr);
            assert!(
                text.to_lowercase().contains(&says.to_lowercase()),
                "exit {code} does not say {says:?}:\n{text}"
            );
        }
        eprintln!("exit {code}: ok");
    }
}

/// Invalidates 12 explicit ids against an emulator failing every request.
fn failing_args(env: &Env) -> Vec<String> {
    let mut args: Vec<String> = vec!["sessions".into(), "invalidate".into()];
    args.extend(env.live_seeded().into_iter().take(12));
    args.extend(["--concurrency".into(), "12".into()]);
    args
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_stdout_after_failures_still_exits_6_with_the_summary_on_stderr() {
    let env = Env::with_faults(
        3,
        12,
        Faults {
            error_rate: 1.0,
            ..Faults::default()
        },
    )
    .await;
    let args = failing_args(&env);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = command(&env, &env.base_url, &args)
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(6), "{stderr}");
    assert!(
        stderr.contains("invalidated: 0"),
        "summary on stderr: {stderr}"
    );
    assert!(stderr.contains("12 of 12 target(s) failed"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    paired(&env.audit());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn head_1_keeps_the_failure_and_its_summary() {
    let env = Env::with_faults(
        3,
        12,
        Faults {
            error_rate: 1.0,
            ..Faults::default()
        },
    )
    .await;
    let args = failing_args(&env);
    let script = "\"$0\" \"$@\" | head -1; echo \"status=${PIPESTATUS[0]}\" >&2";
    let mut all = vec![
        "-c".to_string(),
        script.to_string(),
        env!("CARGO_BIN_EXE_authtop").to_string(),
    ];
    all.extend(args);
    all.extend([
        "--base-url".into(),
        env.base_url.clone(),
        "--token".into(),
        env.token.clone(),
    ]);
    let out = Command::new("bash")
        .args(&all)
        .env("HOME", env.dir.path())
        .env("AUTHTOP_STATE_DIR", env.state_dir())
        .env("AUTHTOP_CONFIG", env.config_path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    env.assert_no_secret_in(&stdout, "stdout");
    env.assert_no_secret_in(&stderr, "stderr");
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(stderr.contains("status=6"), "{stderr}");
    assert!(stderr.contains("failed: 12"), "summary on stderr: {stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigint_to_a_tee_pipeline_exits_130_with_the_not_attempted_list() {
    let env = Env::with_faults(
        6,
        60,
        Faults {
            latency: Duration::from_millis(150),
            ..Faults::default()
        },
    )
    .await;
    let seeded: BTreeSet<String> = env.live_seeded().into_iter().collect();
    let tee_log = env.dir.path().join("run.log");
    // `exec` keeps the pid of authtop; tee reads its stdout.
    let mut child = command(
        &env,
        &env.base_url,
        &[
            "sessions",
            "invalidate",
            "--all",
            "--yes",
            "--concurrency",
            "2",
        ],
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let mut tee = Command::new("tee")
        .arg(&tee_log)
        .stdin(child.stdout.take().unwrap())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    wait_for_lines(&env.audit_path(), "outcome", 4).await;
    // Ctrl-C reaches the whole pipeline: tee dies first, then authtop hears SIGINT.
    kill(tee.id(), "INT");
    kill(child.id(), "INT");
    let out = tokio::task::spawn_blocking(move || {
        let _ = tee.wait();
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    env.assert_no_secret_in(&stderr, "stderr");
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted by SIGINT"), "{stderr}");
    let (intents, _) = paired(&env.audit());
    let ended: BTreeSet<String> = seeded
        .iter()
        .filter(|id| !env.emu.session_exists(id))
        .cloned()
        .collect();
    assert_eq!(intents, ended, "what was sent is what ended");
    let list: BTreeSet<String> = listed(&stderr)
        .unwrap_or_else(|| panic!("no list named on stderr: {stderr}"))
        .into_iter()
        .collect();
    let left: BTreeSet<String> = seeded.difference(&ended).cloned().collect();
    assert_eq!(list, left, "the list holds exactly the sessions still live");
}

#[test]
fn sighup_with_the_terminal_already_gone_exits_129_with_every_outcome() {
    use portable_pty::{CommandBuilder, PtySize, native_pty_system};
    use std::io::Read;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let rt = tokio::runtime::Runtime::new().unwrap();
    let env = rt.block_on(Env::with_faults(
        6,
        60,
        Faults {
            latency: Duration::from_millis(150),
            ..Faults::default()
        },
    ));
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 40,
            cols: 120,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_authtop"));
    for (k, _) in std::env::vars() {
        if k.starts_with("AUTHTOP_") || k.starts_with("PANGEA_") {
            cmd.env_remove(k);
        }
    }
    cmd.env("TERM", "xterm-256color");
    cmd.env("HOME", env.dir.path());
    cmd.env("AUTHTOP_STATE_DIR", env.state_dir());
    cmd.env("AUTHTOP_CONFIG", env.config_path());
    cmd.args([
        "sessions",
        "invalidate",
        "--all",
        "--yes",
        "--concurrency",
        "2",
        "--base-url",
        &env.base_url,
        "--token",
        &env.token,
    ]);
    let mut child = pty.slave.spawn_command(cmd).unwrap();
    drop(pty.slave);
    let pid = child.process_id().unwrap();
    let closing = Arc::new(AtomicBool::new(false));
    let mut reader = pty.master.try_clone_reader().unwrap();
    let stop_reading = Arc::clone(&closing);
    // Drains the terminal (so the progress bar never blocks) until asked to let go.
    let drain = std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 || stop_reading.load(Ordering::SeqCst) {
                break;
            }
        }
    });
    rt.block_on(wait_for_lines(&env.audit_path(), "outcome", 4));
    closing.store(true, Ordering::SeqCst);
    // The bar redraws as targets finish, which wakes the reader to let go.
    let deadline = Instant::now() + Duration::from_secs(30);
    while !drain.is_finished() {
        assert!(
            Instant::now() < deadline,
            "the terminal reader never let go"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    // Every end of the terminal's master side closes: the terminal is gone.
    drop(pty.master);
    kill(pid, "HUP");
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "authtop never exited");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.exit_code(), 129, "{status:?}");
    let lines = env.audit();
    let (intents, _) = paired(&lines);
    assert!(intents.len() < 60, "the run was not stopped");
    // Nobody could read the summary: the list is beside the audit log.
    let lists: Vec<PathBuf> = std::fs::read_dir(env.state_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains("not-attempted-"))
        .collect();
    assert_eq!(lists.len(), 1, "{lists:?}");
    let list = std::fs::read_to_string(&lists[0]).unwrap();
    assert_eq!(list.lines().count() + intents.len(), 60);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_throttling_server_costs_time_not_targets() {
    let env = Env::with_faults(
        10,
        80,
        Faults {
            throttle_rate: 0.7,
            ..Faults::default()
        },
    )
    .await;
    // Explicit ids: the listing before a query's run is not what is measured here.
    let ids = env.live_seeded();
    let mut args: Vec<&str> = vec!["sessions", "invalidate", "-o", "json"];
    args.extend(ids.iter().map(String::as_str));
    let out = env.run(&args).await;
    out.expect_code(0);
    let v = out.json();
    assert_eq!(v["failed"], 0, "{v}");
    assert_eq!(v["unknown"], 0, "{v}");
    assert_eq!(v["done"], 80);
    assert_eq!(env.emu.session_count(), 0);
    paired(&env.audit());
}

/// The listing a run by query starts with is throttled too: its pages wait out the 429s
/// instead of failing the run before anything is sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_by_query_against_a_throttling_server_walks_and_ends_every_target() {
    let env = Env::with_faults(
        10,
        80,
        Faults {
            throttle_rate: 0.7,
            ..Faults::default()
        },
    )
    .await;
    for _ in 0..3 {
        let out = env
            .run(&["sessions", "list", "--all", "--size", "10", "-o", "ids"])
            .await;
        out.expect_code(0);
        assert_eq!(
            out.stdout.lines().count(),
            80,
            "every page of the walk arrives"
        );
    }
    let out = env
        .run(&["sessions", "invalidate", "--all", "--yes", "-o", "json"])
        .await;
    out.expect_code(0);
    let v = out.json();
    assert_eq!(v["failed"], 0, "{v}");
    assert_eq!(v["done"], 80, "{v}");
    assert_eq!(env.emu.session_count(), 0);
    paired(&env.audit());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_after_is_honoured_for_the_whole_run_up_to_the_cap() {
    let env = Env::start(1, 1).await;
    let throttled = envelope(
        "TooManyRequests",
        "prq_slow",
        "slow down",
        serde_json::json!({}),
    );
    let ok = envelope("Success", "prq_ok", "ok", serde_json::json!({}));
    // The first answer asks for 2 s; then the server answers normally.
    let server = Server::start(move |n, _| {
        if n == 0 {
            Reply::json(429, throttled.clone()).header("Retry-After", "2")
        } else {
            Reply::json(200, ok.clone())
        }
    })
    .await;
    let started = Instant::now();
    let out = env
        .run_at(&server.base, &["sessions", "invalidate", &ghost(1)])
        .await;
    out.expect_code(0);
    let seen = server.seen();
    assert_eq!(seen.len(), 2, "one throttled attempt, one retry");
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "retried too soon"
    );

    // A cap shorter than the server's Retry-After wins.
    let throttled = envelope(
        "TooManyRequests",
        "prq_slow",
        "slow down",
        serde_json::json!({}),
    );
    let ok = envelope("Success", "prq_ok", "ok", serde_json::json!({}));
    let server = Server::start(move |n, _| {
        if n == 0 {
            Reply::json(429, throttled.clone()).header("Retry-After", "30")
        } else {
            Reply::json(200, ok.clone())
        }
    })
    .await;
    let started = Instant::now();
    let out = env
        .run_at(
            &server.base,
            &[
                "sessions",
                "invalidate",
                &ghost(1),
                "--max-retry-after",
                "1s",
            ],
        )
        .await;
    out.expect_code(0);
    let took = started.elapsed();
    assert!(
        took >= Duration::from_secs(1) && took < Duration::from_secs(10),
        "{took:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_sent_and_never_answered_is_unknown_and_the_deadline_ends_the_run() {
    let env = Env::start(1, 1).await;
    let server = answering(hang()).await;
    let ids: Vec<String> = (0..20).map(ghost).collect();
    let mut args: Vec<&str> = vec!["sessions", "invalidate"];
    args.extend(ids.iter().map(String::as_str));
    args.extend(["--deadline", "5s", "--concurrency", "4", "-o", "json"]);
    let started = Instant::now();
    let out = env.run_at(&server.base, &args).await;
    let took = started.elapsed();
    out.expect_code(11);
    assert!(
        took >= Duration::from_secs(5) && took < Duration::from_secs(9),
        "--deadline 5s took {took:?}"
    );
    let v = out.json();
    assert_eq!(v["unknown"], 4, "the four in flight: {v}");
    assert_eq!(v["not_attempted"], 16);
    assert_eq!(v["failed"], 0);
    assert!(out.stderr.contains("deadline"), "{}", out.stderr);
    let list = listed(&out.stderr).expect("the list is named on stderr");
    assert_eq!(list.len(), 16);
    let lines = env.audit();
    paired(&lines);
    assert!(
        lines
            .iter()
            .filter(|l| l["phase"] == "outcome")
            .all(|l| l["outcome"] == "unknown" && l.get("request_id").is_none()),
        "{lines:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_breaker_stops_a_run_after_ten_transport_failures_in_a_row() {
    let env = Env::start(1, 1).await;
    let url = format!("http://127.0.0.1:{}", crate::harness::server::dead_port());
    let ids: Vec<String> = (0..40).map(ghost).collect();
    let mut args: Vec<&str> = vec!["sessions", "invalidate"];
    args.extend(ids.iter().map(String::as_str));
    args.extend(["--concurrency", "2", "-o", "json"]);
    let out = env.run_at(&url, &args).await;
    out.expect_code(5);
    assert!(
        out.stderr.contains("10 transport failures in a row"),
        "{}",
        out.stderr
    );
    let v = out.json();
    let not_attempted = v["not_attempted"].as_u64().unwrap();
    assert!(not_attempted >= 30, "{v}");
    assert_eq!(v["done"], 0);
    paired(&env.audit());
}

#[test]
fn an_audit_log_cut_short_by_a_full_disk_leaves_no_torn_line() {
    // RLIMIT_FSIZE makes a write past the limit short (EFBIG), as a full disk does;
    // prlimit applies it to one run only.
    if Command::new("prlimit").arg("--version").output().is_err() {
        eprintln!("no prlimit here");
        return;
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    let env = rt.block_on(Env::start(4, 40));
    let audit = env.audit_path();
    std::fs::create_dir_all(env.state_dir()).unwrap();
    // A torn line left by some earlier writer: the next run starts on a clean line.
    std::fs::write(&audit, "{\"phase\":\"intent\",\"tar").unwrap();
    let limit = 6000;
    // SIGXFSZ ignored (and so inherited ignored) so the write fails instead of killing.
    let mut cmd = Command::new("bash");
    cmd.args(["-c", "trap '' XFSZ; exec prlimit \"--fsize=$0\" \"$@\""])
        .arg(limit.to_string())
        .arg(env!("CARGO_BIN_EXE_authtop"))
        .args([
            "sessions",
            "invalidate",
            "--all",
            "--yes",
            "--concurrency",
            "1",
        ])
        .args(["--base-url", &env.base_url, "--token", &env.token])
        .env("HOME", env.dir.path())
        .env("AUTHTOP_STATE_DIR", env.state_dir())
        .env("AUTHTOP_CONFIG", env.config_path());
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(9), "{stderr}");
    let text = std::fs::read_to_string(&audit).unwrap();
    assert!(text.ends_with('\n'), "the log ends on a whole line");
    assert!(text.len() <= limit, "{}", text.len());
    let first = lines_of(&audit);
    assert!(!first.is_empty());
    let live = env.live_seeded().len();
    assert!(
        live > 0 && live < 40,
        "the run was not cut short: {live} live"
    );

    // The next run, with room, appends lines that all parse.
    let next = rt.block_on(env.run(&["sessions", "invalidate", "--all", "--yes"]));
    next.expect_code(0);
    let all = lines_of(&audit);
    assert!(all.len() > first.len());
    assert_eq!(env.emu.session_count(), 0);
}
