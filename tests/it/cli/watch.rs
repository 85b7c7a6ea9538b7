//! `authtop sessions watch`: logins arriving at the emulator printed as they come, each
//! once, resumable, and quiet on the wire while nothing happens.

use crate::harness::cli::Env;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A watch running in the background, its stdout lines collected as they come (the
/// Pulses tab's test runs one beside the TUI's worker).
pub(crate) struct Watch {
    child: Child,
    lines: Arc<Mutex<Vec<String>>>,
    reader: std::thread::JoinHandle<()>,
}

impl Watch {
    pub(crate) fn start(env: &Env, args: &[&str]) -> Watch {
        let mut all: Vec<String> = ["sessions", "watch", "-o", "ndjson"]
            .iter()
            .chain(args)
            .map(ToString::to_string)
            .collect();
        all.extend(["--base-url".into(), env.base_url.clone()]);
        all.extend(["--token".into(), env.token.clone()]);
        let mut child = env
            .command(&all)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink = lines.clone();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                sink.lock().unwrap().push(line);
            }
        });
        Watch {
            child,
            lines,
            reader,
        }
    }

    pub(crate) fn count(&self) -> usize {
        self.lines.lock().unwrap().len()
    }

    /// Sends `sig` and waits for the exit: code, the lines printed, stderr.
    pub(crate) async fn stop(self, sig: &str) -> (i32, Vec<Value>, String) {
        crate::harness::cli::kill(self.child.id(), sig);
        self.finish().await
    }

    /// Waits for the exit (bounded by the caller's flags) off the runtime, which keeps
    /// serving the emulator meanwhile.
    async fn finish(self) -> (i32, Vec<Value>, String) {
        tokio::task::spawn_blocking(move || self.wait())
            .await
            .unwrap()
    }

    fn wait(mut self) -> (i32, Vec<Value>, String) {
        let mut stderr = String::new();
        std::io::Read::read_to_string(&mut self.child.stderr.take().unwrap(), &mut stderr).unwrap();
        let status = self.child.wait().unwrap();
        self.reader.join().unwrap();
        let lines = self.lines.lock().unwrap().clone();
        let parsed = lines
            .iter()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect();
        (status.code().unwrap_or(-1), parsed, stderr)
    }
}

/// Waits, at most `secs` seconds, until `done` holds.
pub(crate) async fn until(secs: u64, what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !done() {
        assert!(Instant::now() < deadline, "not within {secs} s: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

pub(crate) fn ids(lines: &[Value]) -> Vec<String> {
    lines
        .iter()
        .map(|l| l["id"].as_str().unwrap().to_string())
        .collect()
}

/// One service list call's result.
pub(crate) async fn list(env: &Env, body: Value) -> Value {
    let resp: Value = reqwest::Client::new()
        .post(format!("{}/v2/session/list", env.base_url))
        .bearer_auth(&env.token)
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(resp["status"], "Success", "{resp}");
    resp["result"].clone()
}

/// Every session created after `after` up to and including `upto`, as the server lists them.
pub(crate) async fn created_between(env: &Env, after: &str, upto: &str) -> Vec<String> {
    let mut body = json!({
        "filter": {"created_at__gt": after, "created_at__lte": upto}, "size": 1000
    });
    let mut out = Vec::new();
    for _ in 0..100 {
        let page = list(env, body.clone()).await;
        out.extend(
            page["sessions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["id"].as_str().unwrap().to_string()),
        );
        match page["last"].as_str() {
            Some(last) if !last.is_empty() => body["last"] = last.into(),
            _ => return out,
        }
    }
    panic!("pagination did not end");
}

fn the_resume_point(stderr: &str) -> String {
    let at = stderr
        .find("resume with: --since ")
        .unwrap_or_else(|| panic!("no resume point in:\n{stderr}"));
    stderr[at + "resume with: --since ".len()..]
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}

pub(crate) fn each_once(ids: &[String]) {
    let mut seen = HashMap::new();
    for id in ids {
        *seen.entry(id.as_str()).or_insert(0) += 1;
    }
    let twice: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "printed more than once: {twice:?}");
}

#[tokio::test]
async fn logins_arriving_are_printed_once_each_and_a_stopped_watch_resumes_without_repeats() {
    let env = Env::start(20, 100).await;
    // The newest login before the watch: nothing up to it is new.
    let newest = list(
        &env,
        json!({"order": "desc", "order_by": "created_at", "size": 1}),
    )
    .await["sessions"][0]["created_at"]
        .as_str()
        .unwrap()
        .to_string();
    let before = env.emu.request_count();
    let watch = Watch::start(&env, &["--interval", "100ms", "--max-interval", "300ms"]);
    // The watch has read the newest session and polled once before logins begin.
    until(60, "the first poll", || {
        env.emu.request_count() >= before + 2
    })
    .await;
    assert_eq!(
        watch.count(),
        0,
        "sessions older than the watch were printed"
    );
    // At this rate several logins share a tick, so several share a login time.
    env.emu.start_logins(300.0).unwrap();
    until(60, "60 logins printed", || watch.count() >= 60).await;
    let (code, first, stderr) = watch.stop("TERM").await;
    assert_eq!(code, 0, "stderr:\n{stderr}");
    assert!(stderr.contains("stopped by SIGTERM"), "{stderr}");
    let printed = ids(&first);
    each_once(&printed);
    // Exactly the sessions created between the start and the resume point, none older.
    let resume = the_resume_point(&stderr);
    let mut expected = created_between(&env, &newest, &resume).await;
    let mut got = printed.clone();
    expected.sort();
    got.sort();
    assert_eq!(got, expected, "the watch missed or invented sessions");
    // Resuming prints the logins after the point, none printed before.
    let again = Watch::start(
        &env,
        &["--since", &resume, "--interval", "100ms", "--count", "30"],
    );
    let (code, second, stderr) = again.finish().await;
    assert_eq!(code, 0, "stderr:\n{stderr}");
    assert!(stderr.contains("printed --count sessions"), "{stderr}");
    let resumed = ids(&second);
    assert_eq!(resumed.len(), 30);
    each_once(&resumed);
    assert!(
        resumed.iter().all(|id| !printed.contains(id)),
        "the resumed watch repeated sessions"
    );
    assert!(
        second
            .iter()
            .all(|s| s["created_at"].as_str().unwrap() > resume.as_str())
    );
    env.emu.shutdown().await;
}

#[tokio::test]
async fn local_terms_select_which_new_logins_are_printed() {
    let env = Env::start(20, 50).await;
    let watch = Watch::start(
        &env,
        &["device~chrome", "--interval", "100ms", "--count", "10"],
    );
    env.emu.start_logins(200.0).unwrap();
    let (code, lines, stderr) = watch.finish().await;
    assert_eq!(code, 0, "stderr:\n{stderr}");
    assert_eq!(lines.len(), 10);
    each_once(&ids(&lines));
    for l in &lines {
        let device = l["derived"]["device"].as_str().unwrap_or_default();
        assert!(
            device.to_lowercase().contains("chrome"),
            "{device} does not match device~chrome"
        );
    }
    env.emu.shutdown().await;
}

#[tokio::test]
async fn an_idle_watch_backs_off_instead_of_polling_at_its_interval() {
    let env = Env::start(5, 20).await;
    let before = env.emu.request_count();
    let watch = Watch::start(&env, &["--interval", "50ms", "--max-interval", "400ms"]);
    until(60, "the first poll", || {
        env.emu.request_count() >= before + 2
    })
    .await;
    let from = env.emu.request_count();
    // Three idle seconds: at a steady 50 ms that is 60 polls; backing off to 400 ms, about 10.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let polls = env.emu.request_count() - from;
    let (code, lines, stderr) = watch.stop("INT").await;
    assert_eq!(code, 0, "stderr:\n{stderr}");
    assert!(lines.is_empty());
    assert!(polls <= 12, "{polls} requests in 3 idle seconds");
    env.emu.shutdown().await;
}

#[tokio::test]
async fn a_refused_token_ends_the_watch_and_json_is_refused_for_a_stream() {
    let env = Env::start(2, 4).await;
    let args = [
        "sessions",
        "watch",
        "--base-url",
        &env.base_url,
        "--token",
        "pts_notarealtoken",
    ];
    let out = env
        .run_raw(args.iter().map(ToString::to_string).collect(), &[])
        .await;
    assert_eq!(out.code, 3, "stderr:\n{}", out.stderr);
    let out = env.run(&["sessions", "watch", "-o", "json"]).await;
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("-o ndjson"), "{}", out.stderr);
    let out = env
        .run(&["sessions", "watch", "--since", "yesterday"])
        .await;
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("--since yesterday"), "{}", out.stderr);
    env.emu.shutdown().await;
}
