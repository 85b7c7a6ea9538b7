//! `authtop sessions watch` run in the background beside a test, and the emulator's own
//! listing to check what it printed against: shared by the CLI's watch tests and the
//! Pulses tab's.

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
    pub(crate) async fn finish(self) -> (i32, Vec<Value>, String) {
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

pub(crate) fn each_once(ids: &[String]) {
    let mut seen = HashMap::new();
    for id in ids {
        *seen.entry(id.as_str()).or_insert(0) += 1;
    }
    let twice: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "printed more than once: {twice:?}");
}

/// The login time of the newest session the server holds now: what a watch or a Pulses
/// tab started after this call counts as new begins after it.
pub(crate) async fn newest_login(env: &Env) -> String {
    list(
        env,
        json!({"order": "desc", "order_by": "created_at", "size": 1}),
    )
    .await["sessions"][0]["created_at"]
        .as_str()
        .unwrap()
        .to_string()
}
