//! The user's token pair on disk: `{"user_token", "refresh_token"}`, written atomically, mode 0600.
//!
//! A pair must never be lost: before a refresh the file is checked to be writable; a lock
//! file beside it serialises processes; a symlink is followed and the new file written
//! beside its target; a pair that cannot be saved goes to a private recovery file.

use crate::authn::Secret;
use serde::{Deserialize, Serialize};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// A user token and the refresh token of the same session.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct TokenPair {
    /// The active (user) token.
    pub user_token: Secret,
    /// The refresh token.
    pub refresh_token: Secret,
}

#[derive(Serialize)]
struct OnDisk<'a> {
    user_token: &'a str,
    refresh_token: &'a str,
}

/// Why a token file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum TokenFileError {
    /// Reading or writing failed.
    #[error("token file {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: io::Error,
    },
    /// The file is unsafe or unreadable: others can access or replace it, it is a
    /// folder, a symlink loop, missing, or too large.
    #[error("token file refused: {0}")]
    NotPrivate(String),
    /// The file cannot be written where it is (checked before a refresh is sent).
    #[error("token file {path} cannot be written: {reason}")]
    NotWritable {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
    /// The file is not `{"user_token", "refresh_token"}`.
    #[error(
        "token file {path} is not JSON of the form {{\"user_token\", \"refresh_token\"}}: {reason}"
    )]
    Format {
        /// The file.
        path: String,
        /// The parse error (never includes values).
        reason: String,
    },
}

/// Reads a token pair from a private file, checked and bounded as
/// [`super::secret_file::read_private`] says. The parse error names line and column
/// only, never file content.
pub fn read(path: &Path) -> Result<TokenPair, TokenFileError> {
    let p = path.display().to_string();
    let text = super::secret_file::read_private(path).map_err(TokenFileError::NotPrivate)?;
    serde_json::from_str(&text).map_err(|e| TokenFileError::Format {
        path: p,
        reason: format!(
            "{:?} error at line {} column {}",
            e.classify(),
            e.line(),
            e.column()
        ),
    })
}

/// The file a path really names: symlinks followed, so a write replaces the target and
/// the link stays. A path that does not exist yet is its own target.
pub fn target(path: &Path) -> PathBuf {
    let mut current = path.to_path_buf();
    // Bounded: a symlink loop is left for the write to report.
    for _ in 0..40 {
        match std::fs::read_link(&current) {
            Ok(next) => {
                current = match current.parent() {
                    Some(dir) if next.is_relative() => dir.join(next),
                    _ => next,
                }
            }
            Err(_) => break,
        }
    }
    current
}

/// The folder a file is written in (`.` for a bare name).
fn folder(path: &Path) -> &Path {
    path.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Checks, before anything is sent, that a new pair could be saved: the target is not a
/// folder, its folder exists, and a file can be created there.
pub fn check_writable(path: &Path) -> Result<(), TokenFileError> {
    let target = target(path);
    let fail = |reason: String| TokenFileError::NotWritable {
        path: path.display().to_string(),
        reason,
    };
    if target.is_dir() {
        return Err(fail("it is a folder".into()));
    }
    let dir = folder(&target);
    if !dir.is_dir() {
        return Err(fail(format!("the folder {} does not exist", dir.display())));
    }
    tempfile::Builder::new()
        .prefix(".authtop-probe")
        .tempfile_in(dir)
        .map(drop)
        .map_err(|e| fail(format!("cannot create a file in {}: {e}", dir.display())))
}

/// An exclusive lock on a token file, held through a lock file beside its target;
/// released when dropped.
#[derive(Debug)]
pub struct Lock {
    file: std::fs::File,
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Closing the file releases the lock too; unlocking first only makes it prompt.
        let _ = self.file.unlock();
    }
}

/// The lock file of a token file: `<target>.lock`.
pub fn lock_path(path: &Path) -> PathBuf {
    let target = target(path);
    let mut name = target.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    target.with_file_name(name)
}

/// Takes the exclusive lock, waiting for another process that holds it (blocking).
pub fn lock(path: &Path) -> Result<Lock, TokenFileError> {
    let lp = lock_path(path);
    let io_err = |source| TokenFileError::Io {
        path: lp.display().to_string(),
        source,
    };
    let mut options = std::fs::OpenOptions::new();
    options.create(true).truncate(false).write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options.open(&lp).map_err(io_err)?;
    file.lock().map_err(io_err)?;
    Ok(Lock { file })
}

/// Replaces the file atomically (temp file beside the target, fsync, rename), mode 0600,
/// so a crash mid-write never loses the refreshed pair and a symlink stays a symlink.
pub fn write_atomic(path: &Path, pair: &TokenPair) -> Result<(), TokenFileError> {
    let target = target(path);
    let p = path.display().to_string();
    let io_err = |source| TokenFileError::Io {
        path: p.clone(),
        source,
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".authtop-tokens")
        .permissions(mode_0600())
        .tempfile_in(folder(&target))
        .map_err(io_err)?;
    tmp.write_all(&body(pair).map_err(io_err)?)
        .map_err(io_err)?;
    tmp.as_file().sync_all().map_err(io_err)?;
    tmp.persist(&target).map_err(|e| io_err(e.error))?;
    Ok(())
}

/// Writes a pair that could not be saved to a new private file beside the token file
/// (or in the temp folder when even that fails), and returns where.
pub fn write_recovery(path: &Path, pair: &TokenPair) -> Result<PathBuf, TokenFileError> {
    let target = target(path);
    let stamp = jiff::Timestamp::now().strftime("%Y%m%dT%H%M%S").to_string();
    let name = format!(
        "{}.recovered-{stamp}",
        target.file_name().unwrap_or_default().to_string_lossy()
    );
    let body = body(pair).map_err(|source| TokenFileError::Io {
        path: path.display().to_string(),
        source,
    })?;
    let mut last = None;
    for dir in [folder(&target).to_path_buf(), std::env::temp_dir()] {
        let file = tempfile::Builder::new()
            .prefix(&name)
            .suffix(".json")
            .permissions(mode_0600())
            .tempfile_in(&dir)
            .and_then(|mut f| {
                f.write_all(&body)?;
                f.as_file().sync_all()?;
                f.keep().map_err(|e| e.error)
            });
        match file {
            Ok((_, kept)) => return Ok(kept),
            Err(e) => last = Some(e),
        }
    }
    Err(TokenFileError::Io {
        path: path.display().to_string(),
        source: last.unwrap_or_else(|| io::Error::other("no folder to write to")),
    })
}

fn body(pair: &TokenPair) -> io::Result<Vec<u8>> {
    serde_json::to_vec_pretty(&OnDisk {
        user_token: pair.user_token.expose(),
        refresh_token: pair.refresh_token.expose(),
    })
    .map_err(io::Error::other)
}

fn mode_0600() -> std::fs::Permissions {
    use std::os::unix::fs::PermissionsExt;
    std::fs::Permissions::from_mode(0o600)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_is_atomic_and_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tokens.json");
        let pair = TokenPair {
            user_token: Secret::new("ptu_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
            refresh_token: Secret::new("ptr_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"),
        };
        write_atomic(&path, &pair).unwrap();
        assert_eq!(read(&path).unwrap(), pair);
        assert!(super::super::secret_file::check_private(&path).is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_stays_a_link_and_its_target_gets_the_pair() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("real")).unwrap();
        let real = dir.path().join("real/tokens.json");
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink("real/tokens.json", &link).unwrap();
        let pair = TokenPair {
            user_token: Secret::new("ptu_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
            refresh_token: Secret::new("ptr_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"),
        };
        check_writable(&link).unwrap();
        write_atomic(&link, &pair).unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(read(&real).unwrap(), pair);
        assert_eq!(lock_path(&link), dir.path().join("real/tokens.json.lock"));
    }

    #[test]
    fn a_missing_folder_or_a_folder_is_not_writable() {
        let dir = tempfile::tempdir().unwrap();
        let e = check_writable(&dir.path().join("nosuchdir/me.json")).unwrap_err();
        assert!(e.to_string().contains("does not exist"), "{e}");
        let e = check_writable(dir.path()).unwrap_err();
        assert!(e.to_string().contains("folder"), "{e}");
    }

    #[test]
    fn a_malformed_file_names_the_problem_without_content() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.json");
        std::fs::write(&path, "{\"user_token\": \"ptu_secretsecretsecret\"").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        let msg = read(&path).unwrap_err().to_string();
        assert!(msg.contains("line 1"), "{msg}");
        assert!(!msg.contains("secretsecret"), "{msg}");
    }
}
