//! The user's token pair on disk: `{"user_token", "refresh_token"}`, written atomically, mode 0600.

use crate::authn::Secret;
use serde::{Deserialize, Serialize};
use std::io::{self, Write};
use std::path::Path;

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

/// Reads a token pair. The parse error names line and column only, never file content.
pub fn read(path: &Path) -> Result<TokenPair, TokenFileError> {
    let p = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| TokenFileError::Io {
        path: p.clone(),
        source,
    })?;
    serde_json::from_slice(&bytes).map_err(|e| TokenFileError::Format {
        path: p,
        reason: format!(
            "{:?} error at line {} column {}",
            e.classify(),
            e.line(),
            e.column()
        ),
    })
}

/// True if group or others can read the file (a warning, not an error).
pub fn readable_by_others(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path)
            .map(|m| m.permissions().mode() & 0o077 != 0)
            .unwrap_or(false)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        false
    }
}

/// Replaces the file atomically (temp file in the same folder, fsync, rename), mode 0600,
/// so a crash mid-write never loses the refreshed pair.
pub fn write_atomic(path: &Path, pair: &TokenPair) -> Result<(), TokenFileError> {
    let p = path.display().to_string();
    let io_err = |source| TokenFileError::Io {
        path: p.clone(),
        source,
    };
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".authtop-tokens")
        .permissions(mode_0600())
        .tempfile_in(dir)
        .map_err(io_err)?;
    let body = serde_json::to_vec_pretty(&OnDisk {
        user_token: pair.user_token.expose(),
        refresh_token: pair.refresh_token.expose(),
    })
    .map_err(|e| io_err(io::Error::other(e)))?;
    tmp.write_all(&body).map_err(io_err)?;
    tmp.as_file().sync_all().map_err(io_err)?;
    tmp.persist(path).map_err(|e| io_err(e.error))?;
    Ok(())
}

fn mode_0600() -> std::fs::Permissions {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::Permissions::from_mode(0o600)
    }
    #[cfg(not(unix))]
    {
        std::fs::metadata(".")
            .map(|m| m.permissions())
            .expect("cwd")
    }
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
        assert!(!readable_by_others(&path));
    }

    #[test]
    fn a_malformed_file_names_the_problem_without_content() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.json");
        std::fs::write(&path, "{\"user_token\": \"ptu_secretsecretsecret\"").unwrap();
        let msg = read(&path).unwrap_err().to_string();
        assert!(msg.contains("line 1"), "{msg}");
        assert!(!msg.contains("secretsecret"), "{msg}");
    }
}
