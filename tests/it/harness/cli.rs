//! Shared by the CLI tests: an emulator on loopback, the real binary run against it
//! hermetically, and a check that no token value ever appears in what it wrote.

use super::emulator::{config, start};
use authtop::emulator::{Faults, RunningEmulator, UserTokens};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;
use tempfile::TempDir;

/// An emulator, a private folder for config/state, and every token value seen so far.
pub(crate) struct Env {
    pub emu: RunningEmulator,
    pub dir: TempDir,
    pub base_url: String,
    pub token: String,
    secrets: Mutex<Vec<String>>,
}

/// A finished run of the binary.
#[derive(Debug, Clone)]
pub(crate) struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    /// Panics with both streams when the code is not `code`.
    pub(crate) fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "exit {} (wanted {code})\nstdout:\n{}\nstderr:\n{}",
            self.code, self.stdout, self.stderr
        );
        self
    }
    /// Parses stdout as one JSON document.
    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}

impl Env {
    /// An emulator with `users` users and `sessions` sessions and no faults.
    pub(crate) async fn start(users: usize, sessions: usize) -> Env {
        Self::with_faults(users, sessions, Faults::default()).await
    }

    /// The same with injected faults.
    pub(crate) async fn with_faults(users: usize, sessions: usize, faults: Faults) -> Env {
        let emu = start(config(users, sessions, faults)).await;
        let base_url = emu.base_url();
        let token = emu.service_token().expose().to_string();
        let env = Env {
            dir: tempfile::tempdir().unwrap(),
            base_url,
            token: token.clone(),
            secrets: Mutex::new(vec![token]),
            emu,
        };
        // The config file the runs name exists, empty: a named file that is missing is an error.
        std::fs::write(env.config_path(), "").unwrap();
        for u in env.emu.tokens(usize::MAX) {
            for s in &u.sessions {
                env.remember(s.user_token.expose());
                env.remember(s.refresh_token.expose());
            }
        }
        env
    }

    /// Adds a token value to the set that must never be printed or logged.
    pub(crate) fn remember(&self, secret: &str) {
        self.secrets.lock().unwrap().push(secret.to_string());
    }

    pub(crate) fn users(&self) -> Vec<UserTokens> {
        self.emu.tokens(usize::MAX)
    }

    /// The seeded users that hold at least one session.
    pub(crate) fn users_with_sessions(&self) -> Vec<UserTokens> {
        self.users()
            .into_iter()
            .filter(|u| !u.sessions.is_empty())
            .collect()
    }

    pub(crate) fn state_dir(&self) -> PathBuf {
        self.dir.path().join("state")
    }

    pub(crate) fn audit_path(&self) -> PathBuf {
        self.state_dir().join("audit.jsonl")
    }

    pub(crate) fn config_path(&self) -> PathBuf {
        self.dir.path().join("config.toml")
    }

    /// Makes config fixture `name` (a path under `tests/it/configs/`) this environment's
    /// config file; any token value written in it joins the values that must never be printed.
    pub(crate) fn use_config(&self, name: &str) {
        let text = config_fixture(name);
        for word in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
            if ["pts_", "ptu_", "ptr_"].iter().any(|p| word.starts_with(p)) {
                self.remember(word);
            }
        }
        std::fs::write(self.config_path(), text).unwrap();
    }

    /// The audit log as parsed lines (empty when absent).
    pub(crate) fn audit(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(self.audit_path())
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// Runs `authtop ARGS --base-url <emulator> --token <service token>`.
    pub(crate) async fn run(&self, args: &[&str]) -> Out {
        self.run_at(&self.base_url, args).await
    }

    /// Runs `authtop ARGS` with this env's token against the server at `base_url` (a
    /// scripted one, say), with only the hermetic env.
    pub(crate) async fn run_at(&self, base_url: &str, args: &[&str]) -> Out {
        let mut all: Vec<String> = args.iter().map(ToString::to_string).collect();
        all.extend(["--base-url".into(), base_url.to_string()]);
        all.extend(["--token".into(), self.token.clone()]);
        self.run_raw(all, &[]).await
    }

    /// Runs `authtop ARGS` with only the hermetic env plus `extra_env`.
    pub(crate) async fn run_raw(&self, args: Vec<String>, extra_env: &[(&str, &str)]) -> Out {
        self.run_fed(args, extra_env, None).await
    }

    /// [`Env::run_raw`] with `stdin` written to the process's standard input.
    pub(crate) async fn run_fed(
        &self,
        args: Vec<String>,
        extra_env: &[(&str, &str)],
        stdin: Option<String>,
    ) -> Out {
        let mut cmd = self.command(&args);
        for (k, v) in extra_env {
            cmd.env(k, v);
        }
        let out = tokio::task::spawn_blocking(move || {
            let mut cmd = assert_cmd::Command::from_std(cmd);
            cmd.timeout(Duration::from_secs(90));
            if let Some(input) = stdin {
                cmd.write_stdin(input);
            }
            cmd.output().unwrap()
        })
        .await
        .unwrap();
        let out = Out {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        };
        self.assert_no_secret_in(&out.stdout, "stdout");
        self.assert_no_secret_in(&out.stderr, "stderr");
        self.assert_no_secret_in(
            &std::fs::read_to_string(self.audit_path()).unwrap_or_default(),
            "the audit log",
        );
        out
    }

    /// The binary with `args` and only the hermetic environment: this env's home, state
    /// folder and config file, no `AUTHTOP_*`, `PANGEA_*` or `NO_COLOR` from the caller.
    pub(crate) fn command(&self, args: &[String]) -> std::process::Command {
        let mut cmd = self.hermetic(std::process::Command::new(assert_cmd::cargo::cargo_bin!(
            "authtop"
        )));
        cmd.args(args);
        cmd
    }

    /// `cmd` with only the hermetic environment: this env's home, state folder and config
    /// file, no `AUTHTOP_*`, `PANGEA_*` or `NO_COLOR` from the caller.
    pub(crate) fn hermetic(&self, mut cmd: std::process::Command) -> std::process::Command {
        for (k, _) in std::env::vars() {
            if k.starts_with("AUTHTOP_") || k.starts_with("PANGEA_") || k == "NO_COLOR" {
                cmd.env_remove(k);
            }
        }
        cmd.env("HOME", self.dir.path())
            .env("AUTHTOP_STATE_DIR", self.state_dir())
            .env("AUTHTOP_CONFIG", self.config_path());
        cmd
    }

    /// No token value used so far appears in `text`.
    pub(crate) fn assert_no_secret_in(&self, text: &str, what: &str) {
        for s in self.secrets.lock().unwrap().iter() {
            assert!(
                !text.contains(s.as_str()),
                "a token value ({}…) appeared in {what}",
                &s[..4.min(s.len())]
            );
        }
    }

    /// Session ids the emulator still has, from the seeded set.
    pub(crate) fn live_seeded(&self) -> Vec<String> {
        self.users()
            .iter()
            .flat_map(|u| u.sessions.iter().map(|s| s.session_id.clone()))
            .filter(|id| self.emu.session_exists(id))
            .collect()
    }
}

/// Sends signal `sig` (`INT`, `TERM`, `HUP`) to process `pid`, which the test started.
pub(crate) fn kill(pid: u32, sig: &str) {
    let ok = std::process::Command::new("kill")
        .args([&format!("-{sig}"), &pid.to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill -{sig} {pid}");
}

/// Writes a private file (mode 0600), as token files must be.
pub(crate) fn write_private(path: &std::path::Path, text: &str) {
    std::fs::write(path, text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
}

/// Writes a private token pair file.
pub(crate) fn write_pair(path: &std::path::Path, user: &str, refresh: &str) {
    write_private(
        path,
        &serde_json::json!({"user_token": user, "refresh_token": refresh}).to_string(),
    );
}

/// A loopback listener that only counts the connections it is offered (a decoy server
/// or proxy that must stay untouched): its port and the count.
pub(crate) async fn counting_listener() -> (u16, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let hits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let h = hits.clone();
    tokio::spawn(async move {
        while let Ok((_conn, _)) = listener.accept().await {
            h.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    });
    (port, hits)
}

/// The folder holding the config file fixtures, `valid/` and `invalid/`.
pub(crate) fn configs_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/it/configs")
}

/// The text of config fixture `name` (a path under [`configs_dir`]).
pub(crate) fn config_fixture(name: &str) -> String {
    let path = configs_dir().join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// What a scripted server was asked: path and JSON body of each request.
pub(crate) type Seen = std::sync::Arc<Mutex<Vec<(String, serde_json::Value)>>>;

/// A loopback server answering each request with the next `(HTTP status, body)` (the last
/// one repeats), for shapes the emulator never produces.
pub(crate) async fn scripted(answers: Vec<(u16, serde_json::Value)>) -> (String, Seen) {
    use axum::{Json, Router, http::StatusCode, http::Uri};
    let seen = Seen::default();
    let s = seen.clone();
    let answers = std::sync::Arc::new(answers);
    let app = Router::new().fallback(move |uri: Uri, body: axum::body::Bytes| {
        let (s, answers) = (s.clone(), answers.clone());
        async move {
            let body = serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null);
            let n = {
                let mut seen = s.lock().unwrap();
                seen.push((uri.path().to_string(), body));
                seen.len() - 1
            };
            let (code, value) = answers[n.min(answers.len() - 1)].clone();
            (StatusCode::from_u16(code).unwrap(), Json(value))
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, seen)
}

/// A Pangea envelope.
pub(crate) fn envelope(status: &str, result: serde_json::Value) -> serde_json::Value {
    serde_json::json!({
        "request_id": "prq_scriptedscriptedscriptedscript", "request_time": "2026-01-01T00:00:00Z",
        "response_time": "2026-01-01T00:00:00Z", "status": status, "summary": format!("{status} (scripted)"),
        "result": result
    })
}

/// A list item.
pub(crate) fn session_json(id: &str, user: &str, email: &str) -> serde_json::Value {
    serde_json::json!({"id": id, "type": "session", "life": 100, "expire": "2030-01-01T00:00:00Z",
        "identity": user, "email": email, "profile": {}, "created_at": "2026-01-01T00:00:00Z"})
}
