//! The append-only audit log of destructive actions (JSON lines). Never a token value:
//! a record has no field that could hold one.

use serde::Serialize;
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// One destructive action and its outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditRecord {
    /// RFC 3339 time of the outcome.
    pub time: String,
    /// Profile name (`default`, `demo` …).
    pub profile: String,
    /// API host.
    pub host: String,
    /// `session.invalidate`, `session.logout`, `client.invalidate`, `client.logout`.
    pub action: String,
    /// Session id or user id.
    pub target: String,
    /// `ok`, `not_found` (already gone) or `failed: <reason>`.
    pub outcome: String,
    /// The Pangea request id, when there is one.
    pub request_id: Option<String>,
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
            std::fs::create_dir_all(dir)?;
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
        let mut line = serde_json::to_vec(record).map_err(io::Error::other)?;
        line.push(b'\n');
        let mut file = self
            .file
            .lock()
            .map_err(|_| io::Error::other("audit log lock poisoned"))?;
        file.write_all(&line)?;
        file.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appends_one_json_line_per_record() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/audit.jsonl");
        let log = AuditLog::open(&path).unwrap();
        let rec = AuditRecord {
            time: "2026-01-01T00:00:00Z".into(),
            profile: "demo".into(),
            host: "127.0.0.1".into(),
            action: "session.invalidate".into(),
            target: "pmt_x".into(),
            outcome: "ok".into(),
            request_id: Some("prq_y".into()),
        };
        log.append(&rec).unwrap();
        log.append(&rec).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 2);
        let v: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
        assert_eq!(v["action"], "session.invalidate");
        assert_eq!(v["request_id"], "prq_y");
    }
}
