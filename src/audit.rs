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
    /// The profile in force (`default`, `demo` …); absent when none was, as in a run
    /// given its server and token by `--base-url`/`--token`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
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

/// An audit file opened for appending; lines from concurrent tasks and processes never
/// interleave, and a line is on disk whole or not at all.
#[derive(Debug)]
pub struct AuditLog {
    path: PathBuf,
    file: Mutex<File>,
}

impl AuditLog {
    /// Opens (creating with mode 0600, and creating parent folders) for appending. A line
    /// left torn at the end by an earlier process is cut, so this run starts on a clean line.
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
        opts.create(true).append(true).read(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        let file = match opts.open(path) {
            Ok(f) => f,
            // Devices and pipes may refuse reading; appending is all the log needs.
            Err(_) => OpenOptions::new().append(true).open(path)?,
        };
        {
            let _lock = Locked::new(&file);
            cut_torn_tail(&file)?;
        }
        Ok(Self {
            path: path.to_path_buf(),
            file: Mutex::new(file),
        })
    }

    /// Where the log is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one record as one line and flushes it. On a short write (a full disk) the
    /// file is cut back to where the line began, and the error is returned.
    pub fn append(&self, record: &AuditRecord) -> io::Result<()> {
        let line = encode_line(record)?;
        let guard = self
            .file
            .lock()
            .map_err(|_| io::Error::other("audit log lock poisoned"))?;
        let file: &File = &guard;
        let _lock = Locked::new(file);
        let mut writer = file;
        let regular = file.metadata().is_ok_and(|m| m.file_type().is_file());
        let start = if regular { file.metadata()?.len() } else { 0 };
        if let Err(e) = writer
            .write_all(line.as_bytes())
            .and_then(|()| writer.flush())
        {
            if regular && file.metadata().is_ok_and(|m| m.len() != start) {
                // Whole or not at all: a torn line would corrupt the one after it.
                if file.set_len(start).is_err() {
                    let _ = cut_torn_tail(file);
                }
            }
            return Err(e);
        }
        Ok(())
    }
}

/// An advisory lock on the whole file for as long as it lives, so another process's
/// line never lands between our length check and our write. Where the file system
/// cannot lock, lines still go out as single appends.
struct Locked<'a>(Option<&'a File>);

impl<'a> Locked<'a> {
    fn new(file: &'a File) -> Self {
        Self(file.lock().ok().map(|()| file))
    }
}

impl Drop for Locked<'_> {
    fn drop(&mut self) {
        if let Some(f) = self.0 {
            let _ = f.unlock();
        }
    }
}

/// Cuts a regular file back to just after its last newline (or to empty when it holds
/// none): what follows it is a line that was never finished.
fn cut_torn_tail(file: &File) -> io::Result<()> {
    use std::io::{Read, Seek, SeekFrom};
    let Ok(meta) = file.metadata() else {
        return Ok(());
    };
    if !meta.file_type().is_file() || meta.len() == 0 {
        return Ok(());
    }
    let mut reader = file;
    let len = meta.len();
    let mut end = len;
    let mut buf = [0u8; 4096];
    while end > 0 {
        let from = end.saturating_sub(buf.len() as u64);
        let n = usize::try_from(end - from).unwrap_or(buf.len());
        reader.seek(SeekFrom::Start(from))?;
        if reader.read_exact(&mut buf[..n]).is_err() {
            // Not readable (opened append-only): leave it as it is.
            return Ok(());
        }
        if let Some(i) = memchr::memrchr(b'\n', &buf[..n]) {
            let keep = from + i as u64 + 1;
            if keep != len {
                file.set_len(keep)?;
            }
            return Ok(());
        }
        end = from;
    }
    file.set_len(0)
}

impl AuditSink for AuditLog {
    fn append(&self, record: &AuditRecord) -> io::Result<()> {
        AuditLog::append(self, record)
    }

    fn describe(&self) -> String {
        self.path.display().to_string()
    }
}

/// The folder beside the audit log when that is a regular file, else none (a device
/// such as `/dev/full` is no place for a list).
fn beside_audit_log(audit_log: &Path) -> Option<PathBuf> {
    if !std::fs::metadata(audit_log).is_ok_and(|m| m.file_type().is_file()) {
        return None;
    }
    let dir = audit_log.parent()?;
    Some(if dir.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        dir.to_path_buf()
    })
}

/// Writes ids one per line (mode 0600) beside the audit log when that is a regular file
/// in a folder that takes the file, else in the state folder.
pub fn save_not_attempted(audit_log: &Path, run_id: &str, ids: &[&str]) -> io::Result<PathBuf> {
    let name = format!("not-attempted-{run_id}.txt");
    let mut text = ids.join("\n");
    text.push('\n');
    if let Some(dir) = beside_audit_log(audit_log)
        && let Ok(path) = write_new(&dir.join(&name), &text)
    {
        return Ok(path);
    }
    let dir = crate::config::paths::state_dir();
    std::fs::create_dir_all(&dir)?;
    write_new(&dir.join(&name), &text)
}

fn write_new(path: &Path, text: &str) -> io::Result<PathBuf> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut file = opts.open(path)?;
    if let Err(e) = file
        .write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
    {
        // A partial list would read as the whole one.
        let _ = std::fs::remove_file(path);
        return Err(e);
    }
    Ok(path.to_path_buf())
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
            profile: Some("demo".into()),
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
    fn a_torn_last_line_is_cut_when_the_log_is_opened_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        let whole = encode_line(&record()).unwrap();
        std::fs::write(&path, format!("{whole}{}", &whole[..17])).unwrap();
        let log = AuditLog::open(&path).unwrap();
        log.append(&record()).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text, format!("{whole}{whole}"));
        std::fs::write(&path, &whole[..5]).unwrap();
        drop(AuditLog::open(&path).unwrap());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "");
    }

    #[test]
    fn a_full_disk_is_an_error_not_a_silent_loss() {
        let Ok(log) = AuditLog::open(Path::new("/dev/full")) else {
            return;
        };
        assert!(log.append(&record()).is_err());
    }
}
