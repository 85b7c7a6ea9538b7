//! What the TUI keeps between runs, per profile, in the state folder: the query history
//! (`history/PROFILE.txt`, one query a line, oldest first) and the last query, order and
//! tab (`tui/PROFILE.json`). Files are replaced whole through a temporary file and a
//! rename, and the history is merged under a lock, so two authtop processes never leave
//! a torn or half-merged file.

use crate::tui::app::history::{HISTORY_MAX, Recall, merged};
use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// A profile name as a file name: anything but letters, digits, `-` and `_` is escaped,
/// so no name can reach outside the folder.
fn file_stem(profile: &str) -> String {
    let mut out = String::new();
    for b in profile.bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    if out.is_empty() { "%".into() } else { out }
}

/// The history file of a profile.
pub fn history_path(state: &Path, profile: &str) -> PathBuf {
    state
        .join("history")
        .join(format!("{}.txt", file_stem(profile)))
}

/// The remembered query, order and tab of a profile.
pub fn recall_path(state: &Path, profile: &str) -> PathBuf {
    state
        .join("tui")
        .join(format!("{}.json", file_stem(profile)))
}

/// A profile's history, oldest first; a missing or unreadable file is an empty history.
pub fn load_history(state: &Path, profile: &str) -> Vec<String> {
    read_lines(&history_path(state, profile))
}

fn read_lines(path: &Path) -> Vec<String> {
    match fs::read_to_string(path) {
        Ok(text) => text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_string)
            .collect(),
        Err(e) => {
            if e.kind() != io::ErrorKind::NotFound {
                tracing::warn!(path = %path.display(), error = %e, "query history not read");
            }
            Vec::new()
        }
    }
}

/// Adds a query to a profile's history file: read, merge, replace, all under an
/// exclusive lock so a second process's query is never lost or interleaved.
pub fn record_query(state: &Path, profile: &str, query: &str) -> io::Result<()> {
    let path = history_path(state, profile);
    let dir = parent(&path)?;
    create_private_dir(dir)?;
    let lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path.with_extension("lock"))?;
    lock.lock()?;
    let entries = merged(read_lines(&path), query, HISTORY_MAX);
    let mut text = entries.join("\n");
    text.push('\n');
    let result = replace(&path, text.as_bytes());
    let _ = lock.unlock();
    result
}

/// The last run's query, order and tab, if remembered and readable.
pub fn load_recall(state: &Path, profile: &str) -> Option<Recall> {
    let path = recall_path(state, profile);
    let text = fs::read_to_string(&path).ok()?;
    match serde_json::from_str(&text) {
        Ok(r) => Some(r),
        Err(e) => {
            tracing::warn!(path = %path.display(), error = %e, "remembered state not read");
            None
        }
    }
}

/// Remembers this run's query, order and tab for the next.
pub fn save_recall(state: &Path, profile: &str, recall: &Recall) -> io::Result<()> {
    let path = recall_path(state, profile);
    create_private_dir(parent(&path)?)?;
    let text = serde_json::to_vec_pretty(recall).map_err(io::Error::other)?;
    replace(&path, &text)
}

fn parent(path: &Path) -> io::Result<&Path> {
    path.parent()
        .ok_or_else(|| io::Error::other("state file without a folder"))
}

fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut b = fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(dir)
}

/// Writes a file whole or not at all: a temporary file beside it, synced, renamed over it.
fn replace(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = parent(path)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_names_cannot_escape_the_folder() {
        let p = history_path(Path::new("/s"), "../x y");
        assert_eq!(p, Path::new("/s/history/%2E%2E%2Fx%20y.txt"));
    }

    #[test]
    fn history_is_merged_and_recall_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        record_query(dir.path(), "w", "email~a").unwrap();
        record_query(dir.path(), "w", "type=session").unwrap();
        record_query(dir.path(), "w", "email~a").unwrap();
        assert_eq!(load_history(dir.path(), "w"), ["type=session", "email~a"]);
        assert!(load_history(dir.path(), "other").is_empty());
        let r = Recall {
            query: "email~a".into(),
            order_by: "email".into(),
            order: "asc".into(),
            tab: "token".into(),
        };
        save_recall(dir.path(), "w", &r).unwrap();
        assert_eq!(load_recall(dir.path(), "w"), Some(r));
    }

    #[test]
    fn a_full_disk_is_an_error_not_a_torn_file() {
        // /dev/full as the folder cannot hold a file: the error comes back, nothing panics.
        let err = record_query(Path::new("/dev/full"), "w", "q");
        assert!(err.is_err());
    }
}
