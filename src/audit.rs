//! The append-only audit log of destructive actions (JSON lines, described in
//! `docs/audit.md`). An intent line is written before a request is sent and an outcome
//! line after it. Never a token value: a record has no field that could hold one.

use serde::Serialize;
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// What a destructive action does, as written in the `action` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum AuditAction {
    /// End one session (service token).
    #[serde(rename = "session.invalidate")]
    SessionInvalidate,
    /// End every session of a user (service token).
    #[serde(rename = "session.logout")]
    SessionLogout,
    /// End one of the user's own sessions (user token).
    #[serde(rename = "client.invalidate")]
    ClientInvalidate,
    /// End the session of the user token.
    #[serde(rename = "client.logout")]
    ClientLogout,
    /// Exchange the refresh token for a new pair.
    #[serde(rename = "client.refresh")]
    ClientRefresh,
}

impl AuditAction {
    /// The name written in the log (`session.invalidate` …).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SessionInvalidate => "session.invalidate",
            Self::SessionLogout => "session.logout",
            Self::ClientInvalidate => "client.invalidate",
            Self::ClientLogout => "client.logout",
            Self::ClientRefresh => "client.refresh",
        }
    }
}

/// Whether a line announces a request or reports how it ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Written before the request is sent.
    Intent,
    /// Written after the answer (or the lack of one).
    Outcome,
}

/// How one target ended, as written in the `outcome` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditOutcome {
    /// The server ended it now.
    Ok,
    /// An earlier attempt got no answer and the retry found it gone: the earlier attempt
    /// ended it.
    OkConfirmedByRetry,
    /// The server does not know the target.
    NotFound,
    /// The server refused, or the request failed.
    Failed,
    /// The request was sent but no answer came before the run had to stop: the server
    /// may or may not have applied it.
    Unknown,
    /// Never sent (the run stopped first).
    NotAttempted,
}

impl AuditOutcome {
    /// The name written in the log.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::OkConfirmedByRetry => "ok_confirmed_by_retry",
            Self::NotFound => "not_found",
            Self::Failed => "failed",
            Self::Unknown => "unknown",
            Self::NotAttempted => "not_attempted",
        }
    }
}

/// Who ran the action: the OS user and host of the process.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Operator {
    /// `$USER` (or `$LOGNAME`).
    pub user: String,
    /// The machine's host name.
    pub host: String,
}

impl Operator {
    /// The operator of this process; `unknown` for what cannot be found.
    pub fn current() -> Self {
        let user = os_user()
            .or_else(|| {
                ["USER", "LOGNAME", "USERNAME"]
                    .iter()
                    .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
            })
            .unwrap_or_else(|| "unknown".into());
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .ok()
            .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
            .or_else(|| std::env::var("HOSTNAME").ok())
            .map(|h| h.trim().to_string())
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "unknown".into());
        Self { user, host }
    }
}

/// The account the process runs as, from the kernel rather than the environment: cron and
/// service managers often leave `USER` unset, and a leftover or forged `USER` must not
/// name someone else in the audit log. `None` where `/proc` is not there (not Linux).
fn os_user() -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let uid = std::fs::metadata("/proc/self").ok()?.uid();
        let name = std::fs::read_to_string("/etc/passwd")
            .ok()
            .and_then(|passwd| {
                passwd.lines().find_map(|line| {
                    let mut fields = line.split(':');
                    let name = fields.next()?;
                    let id: u32 = fields.nth(1)?.parse().ok()?;
                    (id == uid && !name.is_empty()).then(|| name.to_string())
                })
            });
        Some(name.unwrap_or_else(|| format!("uid {uid}")))
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditRecord {
    /// RFC 3339 time the line was written.
    pub time: String,
    /// Groups the lines of one run (one command, or one TUI action).
    pub run_id: String,
    /// Intent (before sending) or outcome (after).
    pub phase: Phase,
    /// Who ran it.
    pub operator: Operator,
    /// Profile name (`default`, `demo` …).
    pub profile: String,
    /// API host.
    pub host: String,
    /// What was done.
    pub action: AuditAction,
    /// Session id or user id.
    pub target: String,
    /// The user the target belongs to, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity: Option<String>,
    /// The user's email, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The query a bulk run acted on (`--all` is written as `*all*`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// When the walk that found a query's targets finished (RFC 3339): sessions created
    /// later were not acted on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub walked_at: Option<String>,
    /// How it ended (outcome lines only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<AuditOutcome>,
    /// Why it failed, or a note on the outcome.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The Pangea request id, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

/// Somewhere audit lines go. The engine stops a run at the first failed append.
pub trait AuditSink: Send + Sync + std::fmt::Debug {
    /// Appends one record; an error means the line may not be on disk.
    fn append(&self, record: &AuditRecord) -> io::Result<()>;
    /// Where the lines go, for messages.
    fn describe(&self) -> String;
}

/// An audit file opened for appending; lines from concurrent tasks never interleave.
#[derive(Debug)]
pub struct AuditLog {
    path: PathBuf,
    file: Mutex<File>,
}

impl AuditLog {
    /// Opens (creating with mode 0600, and creating parent folders) for appending.
    pub fn open(path: &Path) -> io::Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            // Folders it creates are private (0700), as the lines name people.
            let mut builder = std::fs::DirBuilder::new();
            builder.recursive(true);
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
            builder.create(dir)?;
        }
        let mut opts = OpenOptions::new();
        opts.create(true).append(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        Ok(Self {
            path: path.to_path_buf(),
            file: Mutex::new(opts.open(path)?),
        })
    }

    /// Where the log is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one record as one line and flushes it.
    pub fn append(&self, record: &AuditRecord) -> io::Result<()> {
        let line = encode_line(record)?;
        let mut file = self
            .file
            .lock()
            .map_err(|_| io::Error::other("audit log lock poisoned"))?;
        file.write_all(line.as_bytes())?;
        file.flush()
    }
}

impl AuditSink for AuditLog {
    fn append(&self, record: &AuditRecord) -> io::Result<()> {
        AuditLog::append(self, record)
    }

    fn describe(&self) -> String {
        self.path.display().to_string()
    }
}

/// One record as one JSON line. Server strings may hold anything; JSON already escapes
/// C0 controls, and this also escapes DEL, C1 controls, bidi controls and line
/// separators, so `tail -f` of the log cannot drive the terminal or reorder text.
pub fn encode_line(record: &AuditRecord) -> io::Result<String> {
    let json = serde_json::to_string(record).map_err(io::Error::other)?;
    let mut line = String::with_capacity(json.len() + 1);
    for c in json.chars() {
        if needs_escape(c) {
            line.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            line.push(c);
        }
    }
    line.push('\n');
    Ok(line)
}

fn needs_escape(c: char) -> bool {
    matches!(c,
        '\u{7f}'..='\u{9f}'
        | '\u{061c}'
        | '\u{200e}' | '\u{200f}'
        | '\u{2028}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> AuditRecord {
        AuditRecord {
            time: "2026-01-01T00:00:00Z".into(),
            run_id: "run_1".into(),
            phase: Phase::Outcome,
            operator: Operator {
                user: "ops".into(),
                host: "box".into(),
            },
            profile: "demo".into(),
            host: "127.0.0.1".into(),
            action: AuditAction::SessionInvalidate,
            target: "pmt_x".into(),
            identity: Some("pui_y".into()),
            email: Some("a@b.io".into()),
            query: None,
            walked_at: None,
            outcome: Some(AuditOutcome::Ok),
            reason: None,
            request_id: Some("prq_y".into()),
        }
    }

    #[test]
    fn appends_one_json_line_per_record() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/audit.jsonl");
        let log = AuditLog::open(&path).unwrap();
        log.append(&record()).unwrap();
        log.append(&record()).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 2);
        let v: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
        assert_eq!(v["action"], "session.invalidate");
        assert_eq!(v["phase"], "outcome");
        assert_eq!(v["outcome"], "ok");
        assert_eq!(v["operator"]["user"], "ops");
        assert_eq!(v["request_id"], "prq_y");
        assert!(v.get("query").is_none());
    }

    #[test]
    fn server_strings_cannot_drive_a_terminal_tailing_the_log() {
        let mut r = record();
        r.email = Some("a\u{1b}[2J\u{9b}31m\u{202e}b\u{7f}\u{2028}c@x".into());
        let line = encode_line(&r).unwrap();
        assert!(
            line.chars()
                .filter(|c| *c != '\n')
                .all(|c| !c.is_control() && !needs_escape(c)),
            "{line:?}"
        );
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["email"], r.email.unwrap(), "escaping keeps the value");
    }

    #[test]
    fn a_full_disk_is_an_error_not_a_silent_loss() {
        let Ok(log) = AuditLog::open(Path::new("/dev/full")) else {
            return;
        };
        assert!(log.append(&record()).is_err());
    }
}
