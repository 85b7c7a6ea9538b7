//! The blast radius of the destructive CLI commands against the emulator: a blank query
//! is refused, `--all` and `--max` behave, a signal mid-run leaves outcome lines equal to
//! what the server ended, a full disk stops the run, and "not found" is an error.

use crate::harness::cli::{Env, envelope, kill, scripted, session_json};
use authtop::emulator::Faults;
use std::collections::BTreeSet;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

fn outcome_lines(env: &Env) -> Vec<serde_json::Value> {
    env.audit()
        .into_iter()
        .filter(|l| l["phase"] == "outcome")
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blank_query_is_refused_and_nothing_is_sent() {
    let env = Env::start(4, 30).await;
    let before = env.emu.request_count();
    for q in ["", "   ", "\t"] {
        let out = env
            .run(&["sessions", "invalidate", "--query", q, "--yes"])
            .await;
        out.expect_code(2);
        assert!(out.stderr.contains("--all"), "{}", out.stderr);
    }
    assert_eq!(env.emu.request_count(), before, "a request was sent");
    assert_eq!(env.emu.session_count(), 30);
    assert!(env.audit().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_is_explicit_and_its_dry_run_says_every_session_of_the_project() {
    let env = Env::start(4, 30).await;
    let dry = env.run(&["sessions", "invalidate", "--all"]).await;
    dry.expect_code(0);
    assert!(
        dry.stdout
            .contains("30 session(s) of 4 user(s) match every session of the project"),
        "{}",
        dry.stdout
    );
    assert!(
        dry.stdout
            .contains("authtop sessions invalidate --all --yes"),
        "{}",
        dry.stdout
    );
    assert_eq!(env.emu.session_count(), 30);

    let run = env
        .run(&["sessions", "invalidate", "--all", "--yes", "-o", "json"])
        .await;
    run.expect_code(0);
    assert_eq!(run.json()["done"], 30);
    assert_eq!(env.emu.session_count(), 0);
    assert!(env.audit().iter().all(|l| l["query"] == "*all*"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn max_refuses_a_larger_set_before_anything_is_sent() {
    let env = Env::start(4, 30).await;
    let out = env
        .run(&["sessions", "invalidate", "--all", "--max", "29", "--yes"])
        .await;
    out.expect_code(2);
    assert!(
        out.stderr.contains("30 sessions match, more than --max 29"),
        "{}",
        out.stderr
    );
    assert_eq!(env.emu.session_count(), 30);
    assert!(env.audit().is_empty());

    let live = env.live_seeded();
    let out = env
        .run(&["sessions", "invalidate", &live[0], &live[1], "--max", "1"])
        .await;
    out.expect_code(2);
    assert!(env.emu.session_exists(&live[0]));

    let dry = env
        .run(&[
            "sessions",
            "invalidate",
            "--all",
            "--max",
            "30",
            "-o",
            "json",
        ])
        .await;
    dry.expect_code(0);
    let v = dry.json();
    assert_eq!(v["matched"], 30);
    assert_eq!(v["users"], 4);
    assert!(v["run"].as_str().unwrap().contains("--max 30 --yes"), "{v}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_audit_log_on_a_full_disk_ends_nothing_and_exits_9() {
    if !std::path::Path::new("/dev/full").exists() {
        eprintln!("no /dev/full here");
        return;
    }
    let env = Env::start(4, 20).await;
    let out = env
        .run(&[
            "sessions",
            "invalidate",
            "--all",
            "--yes",
            "--audit-log",
            "/dev/full",
        ])
        .await;
    out.expect_code(9);
    assert!(out.stderr.contains("audit log"), "{}", out.stderr);
    assert!(out.stdout.contains("not attempted: 20"), "{}", out.stdout);
    assert_eq!(
        env.emu.session_count(),
        20,
        "a session ended with no record"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_invalidate_of_another_users_session_is_an_error() {
    let env = Env::start(4, 16).await;
    let users = env.users_with_sessions();
    let (me, other) = (&users[0], &users[1]);
    let foreign = other.sessions[0].session_id.clone();
    let out = env
        .run(&[
            "client",
            "invalidate",
            &foreign,
            "--user-token",
            me.sessions[0].user_token.expose(),
        ])
        .await;
    out.expect_code(8);
    assert!(
        out.stderr.contains("not one of the sessions"),
        "{}",
        out.stderr
    );
    assert!(env.emu.session_exists(&foreign));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listing_that_repeats_a_cursor_exits_non_zero_as_incomplete() {
    let env = Env::start(1, 1).await;
    let page = |ids: &[&str]| {
        serde_json::json!({
            "sessions": ids.iter().map(|i| session_json(i, "pui_a", "a@x.io")).collect::<Vec<_>>(),
            "last": "A"
        })
    };
    let (url, _) = scripted(vec![
        (200, envelope("Success", page(&["pmt_1"]))),
        (200, envelope("Success", page(&["pmt_2"]))),
    ])
    .await;
    let out = env
        .run_at(
            &url,
            &[
                "sessions",
                "list",
                "--all",
                "--order-by",
                "created_at",
                "-o",
                "ndjson",
            ],
        )
        .await;
    assert_ne!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("incomplete"), "{}", out.stderr);

    let (url, seen) = scripted(vec![
        (200, envelope("Success", page(&["pmt_1"]))),
        (200, envelope("Success", page(&["pmt_2"]))),
    ])
    .await;
    let out = env
        .run_at(
            &url,
            &["sessions", "invalidate", "--query", "email~x", "--yes"],
        )
        .await;
    assert_ne!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("nothing was sent"), "{}", out.stderr);
    assert!(
        seen.lock()
            .unwrap()
            .iter()
            .all(|(path, _)| path.ends_with("/list")),
        "an action was sent on an incomplete listing"
    );
}

/// Starts the binary like `Env::run` does, but without waiting, so a signal can reach it.
fn spawn(env: &Env, args: &[&str]) -> Child {
    let mut all: Vec<String> = args.iter().map(ToString::to_string).collect();
    all.extend(["--base-url".into(), env.base_url.clone()]);
    all.extend(["--token".into(), env.token.clone()]);
    let mut cmd = env.command(&all);
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd.spawn().unwrap()
}

/// Waits (bounded) until the audit log holds `n` outcome lines.
async fn wait_for_outcomes(env: &Env, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while outcome_lines(env).len() < n {
        assert!(Instant::now() < deadline, "the run never got going");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn interrupted_run(sig: &str, code: i32) {
    let env = Env::with_faults(
        6,
        80,
        Faults {
            latency: Duration::from_millis(120),
            ..Faults::default()
        },
    )
    .await;
    let seeded: Vec<String> = env.live_seeded();
    let child = spawn(
        &env,
        &[
            "sessions",
            "invalidate",
            "--all",
            "--yes",
            "--concurrency",
            "3",
        ],
    );
    wait_for_outcomes(&env, 4).await;
    kill(child.id(), sig);
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    env.assert_no_secret_in(&stdout, "stdout");
    env.assert_no_secret_in(&stderr, "stderr");
    assert_eq!(out.status.code(), Some(code), "{stdout}\n{stderr}");

    let all = env.audit();
    let intents: BTreeSet<String> = all
        .iter()
        .filter(|l| l["phase"] == "intent")
        .map(|l| l["target"].as_str().unwrap().to_string())
        .collect();
    let ok: BTreeSet<String> = outcome_lines(&env)
        .iter()
        .filter(|l| l["outcome"] == "ok")
        .map(|l| l["target"].as_str().unwrap().to_string())
        .collect();
    let ended: BTreeSet<String> = seeded
        .iter()
        .filter(|id| !env.emu.session_exists(id))
        .cloned()
        .collect();
    assert_eq!(ok, ended, "outcome lines equal what the server ended");
    assert_eq!(intents, ended, "every request sent got its outcome line");
    assert!(ended.len() < seeded.len(), "the run was not interrupted");

    let not_attempted = seeded.len() - ended.len();
    assert!(
        stderr.contains(&format!("interrupted by SIG{sig}")),
        "{stderr}"
    );
    assert!(
        stdout.contains(&format!("not attempted: {not_attempted}")),
        "partial summary: {stdout}"
    );
    // The ids never sent are listed (in a file when there are many).
    let listed = stdout
        .lines()
        .find(|l| l.starts_with("not attempted: ") && l.contains("listed in"))
        .and_then(|l| l.rsplit(' ').next())
        .map_or_else(|| stdout.clone(), |p| std::fs::read_to_string(p).unwrap());
    for id in seeded.iter().filter(|id| !ended.contains(*id)) {
        assert!(
            listed.contains(id.as_str()),
            "{id} not listed as not attempted"
        );
    }
    eprintln!(
        "SIG{sig}: {} ended and audited, {not_attempted} not attempted, exit {code}",
        ended.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigint_mid_run_audits_exactly_what_the_server_ended_and_exits_130() {
    interrupted_run("INT", 130).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_mid_run_exits_143_with_a_partial_summary() {
    interrupted_run("TERM", 143).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_signal_forces_the_exit() {
    let env = Env::with_faults(
        4,
        20,
        Faults {
            latency: Duration::from_secs(3),
            ..Faults::default()
        },
    )
    .await;
    let child = spawn(
        &env,
        &[
            "sessions",
            "invalidate",
            "--all",
            "--yes",
            "--concurrency",
            "2",
        ],
    );
    // Both requests are in flight (their intent lines are written) and take 3 s.
    let deadline = Instant::now() + Duration::from_secs(30);
    while env.audit().len() < 2 {
        assert!(Instant::now() < deadline, "the run never started");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // The second SIGINT goes only once the first is seen to be handled: the run says
    // it is sending nothing more.
    let mut child = child;
    let stderr = child.stderr.take().unwrap();
    let (seen_tx, seen_rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        use std::io::BufRead;
        let mut all = String::new();
        for line in std::io::BufReader::new(stderr).lines() {
            let line = line.unwrap();
            if line.contains("sending nothing more") {
                let _ = seen_tx.send(());
            }
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    kill(child.id(), "INT");
    tokio::task::spawn_blocking(move || seen_rx.recv_timeout(Duration::from_secs(30)))
        .await
        .unwrap()
        .expect("the first SIGINT is answered");
    kill(child.id(), "INT");
    let status = tokio::task::spawn_blocking(move || child.wait().unwrap())
        .await
        .unwrap();
    assert_eq!(status.code(), Some(130));
    let stderr = reader.join().unwrap();
    assert!(stderr.contains("exiting now"), "{stderr}");
    // It did not wait for the answers: the requests in flight have intents only, which
    // is the most a forced exit may leave.
    let all = env.audit();
    assert_eq!(all.iter().filter(|l| l["phase"] == "intent").count(), 2);
    assert_eq!(outcome_lines(&env).len(), 0, "{all:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sighup_mid_run_exits_129_with_a_partial_summary() {
    interrupted_run("HUP", 129).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_operator_is_the_account_the_process_runs_as_not_a_leftover_user_variable() {
    let env = Env::start(2, 4).await;
    let live = env.live_seeded();
    let args: Vec<String> = [
        "sessions",
        "invalidate",
        live[0].as_str(),
        "--yes",
        "--base-url",
        env.base_url.as_str(),
        "--token",
        env.token.as_str(),
    ]
    .iter()
    .map(ToString::to_string)
    .collect();
    env.run_raw(args, &[("USER", "mallory"), ("LOGNAME", "mallory")])
        .await
        .expect_code(0);
    let lines = env.audit();
    assert_eq!(lines.len(), 2, "{lines:?}");
    for line in &lines {
        let user = line["operator"]["user"].as_str().unwrap_or_default();
        assert!(
            !user.is_empty() && user != "mallory" && user != "unknown",
            "{line}"
        );
    }
}
