//! Starting an emulator on loopback, with options, and talking JSON to it.

use authtop::emulator::{EmulatorConfig, Faults, RunningEmulator};
use serde_json::Value;
use std::time::Duration;

/// Starts an emulator serving `config` on a free loopback port.
pub(crate) async fn start(config: EmulatorConfig) -> RunningEmulator {
    RunningEmulator::start(config, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap()
}

/// A two-thread runtime and an emulator serving `config` on it, for tests that drive a
/// pseudo-terminal synchronously. The emulator lives as long as the runtime.
pub(crate) fn start_on_runtime(
    config: EmulatorConfig,
) -> (tokio::runtime::Runtime, RunningEmulator) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let emu = rt.block_on(start(config));
    (rt, emu)
}

/// Seed 7, `users` users, `sessions` sessions, 15-minute user tokens, 1-day sessions and
/// `faults`.
pub(crate) fn config(users: usize, sessions: usize, faults: Faults) -> EmulatorConfig {
    EmulatorConfig {
        seed: 7,
        users,
        sessions,
        user_token_life: Duration::from_secs(900),
        refresh_token_life: Duration::from_secs(86_400),
        faults,
        intelligence: true,
    }
}

/// 12 users, 60 sessions, seed 7: enough for several sessions per user.
pub(crate) fn small() -> EmulatorConfig {
    EmulatorConfig {
        seed: 7,
        users: 12,
        sessions: 60,
        ..EmulatorConfig::default()
    }
}

/// A running emulator and a client for it.
pub(crate) struct EmuHttp {
    pub emu: RunningEmulator,
    pub http: reqwest::Client,
    pub base: String,
    pub token: String,
}

/// One HTTP answer.
#[derive(Debug)]
pub(crate) struct Resp {
    pub code: u16,
    pub request_id_header: Option<String>,
    pub retry_after: Option<String>,
    pub body: Value,
}

impl Resp {
    pub(crate) fn status(&self) -> &str {
        self.body["status"].as_str().unwrap_or("")
    }
    pub(crate) fn result(&self) -> &Value {
        &self.body["result"]
    }
    /// `(code, source)` of every validation error.
    pub(crate) fn errors(&self) -> Vec<(String, String)> {
        self.body["result"]["errors"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|e| {
                        (
                            e["code"].as_str().unwrap().to_owned(),
                            e["source"].as_str().unwrap().to_owned(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
    pub(crate) fn sources(&self) -> Vec<String> {
        self.errors().into_iter().map(|e| e.1).collect()
    }
}

impl EmuHttp {
    /// An emulator serving `cfg` and an HTTP client for it.
    pub(crate) async fn start(cfg: EmulatorConfig) -> Self {
        let emu = start(cfg).await;
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .build()
            .unwrap();
        Self {
            base: emu.base_url(),
            token: emu.service_token().expose().to_owned(),
            emu,
            http,
        }
    }

    /// 12 users and 60 sessions with the default seed.
    pub(crate) async fn small() -> Self {
        Self::start(EmulatorConfig {
            users: 12,
            sessions: 60,
            ..EmulatorConfig::default()
        })
        .await
    }

    pub(crate) async fn raw(&self, path: &str, bearer: Option<&str>, body: &str) -> Resp {
        let mut req = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/json")
            .body(body.to_owned());
        if let Some(b) = bearer {
            req = req.bearer_auth(b);
        }
        into_resp(req.send().await.unwrap()).await
    }

    pub(crate) async fn post(&self, path: &str, body: Value) -> Resp {
        self.raw(path, Some(&self.token.clone()), &body.to_string())
            .await
    }

    pub(crate) async fn get(&self, url: &str) -> Resp {
        let resp = self
            .http
            .get(url)
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap();
        into_resp(resp).await
    }

    /// Every session a list query yields, walking all pages with `size`.
    pub(crate) async fn walk(&self, path: &str, mut body: Value, size: u64) -> Vec<Value> {
        body["size"] = size.into();
        let mut out = Vec::new();
        for _ in 0..10_000 {
            let r = self.post(path, body.clone()).await;
            assert_eq!(r.status(), "Success", "{}", r.body);
            out.extend(r.result()["sessions"].as_array().unwrap().iter().cloned());
            let last = r.result()["last"].as_str().unwrap().to_owned();
            if last.is_empty() {
                return out;
            }
            body["last"] = last.into();
        }
        panic!("pagination did not end");
    }

    /// Tokens of the first user with at least `n` sessions.
    pub(crate) fn user_with_sessions(&self, n: usize) -> authtop::emulator::UserTokens {
        self.emu
            .tokens(50)
            .into_iter()
            .find(|u| u.sessions.len() >= n)
            .expect("a user with enough sessions")
    }
}

async fn into_resp(resp: reqwest::Response) -> Resp {
    let code = resp.status().as_u16();
    let header = |n: &str| {
        resp.headers()
            .get(n)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    let request_id_header = header("x-request-id");
    let retry_after = header("retry-after");
    let text = resp.text().await.unwrap();
    let body: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("non-JSON body {text:?}: {e}"));
    Resp {
        code,
        request_id_header,
        retry_after,
        body,
    }
}

/// Checks the envelope has exactly the six keys with the right types and formats.
pub(crate) fn assert_envelope(r: &Resp) {
    let obj = r.body.as_object().expect("object body");
    let keys: Vec<&str> = obj.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "request_id",
            "request_time",
            "response_time",
            "status",
            "summary",
            "result"
        ]
    );
    let id = obj["request_id"].as_str().unwrap();
    assert!(
        id.len() == 36
            && id.starts_with("prq_")
            && id[4..]
                .bytes()
                .all(|b| b.is_ascii_lowercase() || (b'2'..=b'7').contains(&b)),
        "{id}"
    );
    assert_eq!(r.request_id_header.as_deref(), Some(id));
    for k in ["request_time", "response_time"] {
        let t = obj[k].as_str().unwrap();
        assert!(t.ends_with('Z'), "{t}");
        t.parse::<jiff::Timestamp>().unwrap();
    }
    assert!(obj["status"].is_string() && obj["summary"].is_string());
}
