//! The one refresh-and-save flow, used by `authtop client refresh` and by the TUI.
//!
//! A refresh rotates the pair on the server, so the old pair dies the moment the answer
//! is sent: the new one must be kept. With a token file, in order: check that the file
//! can be written (nothing is sent if not); take the lock beside it; re-read it, and if
//! another process already refreshed, use its pair instead of refreshing again; refresh;
//! write beside the symlink's target; if that still fails, write a private recovery file.

use crate::authn::model::{Timestamp, TokenInfo};
use crate::authn::{Client, Error, Secret};
use crate::config::token_file::{self, TokenFileError, TokenPair};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A completed refresh (or a pair adopted from a process that refreshed first).
#[derive(Debug, Clone)]
pub struct Refreshed {
    /// The pair now in force.
    pub pair: TokenPair,
    /// The new user token's metadata, when the answer (or a check) gave it.
    pub active: Option<TokenInfo>,
    /// When the session ends (the refresh token's expiry), when the answer said.
    pub session_expire: Option<Timestamp>,
    /// The refresh token's id, when the answer said.
    pub refresh_token_id: Option<String>,
    /// The request id of the refresh (or of the check of an adopted pair).
    pub request_id: String,
    /// Time spent on the server calls.
    pub latency: Duration,
    /// True when another process had refreshed already and its pair was used.
    pub adopted: bool,
    /// Where the pair was saved.
    pub saved_to: Option<PathBuf>,
}

/// Why a refresh did not leave a usable, saved pair.
#[derive(Debug, thiserror::Error)]
pub enum RefreshError {
    /// No refresh token was configured.
    #[error(
        "no refresh token: pass --token-file FILE (or --refresh-token), or set user_token_file in the profile"
    )]
    NoRefreshToken,
    /// The token file cannot take the new pair; nothing was sent.
    #[error("{0} (nothing was sent; the current tokens still work)")]
    NotWritable(TokenFileError),
    /// The lock beside the token file could not be taken; nothing was sent.
    #[error("cannot lock the token file: {0} (nothing was sent)")]
    Lock(TokenFileError),
    /// The server refused or could not be reached.
    #[error(transparent)]
    Api(#[from] Error),
    /// The answer had no user token and none was known.
    #[error("refreshed (request {request_id}), but the answer has no user token")]
    NoActiveToken {
        /// The refresh's request id.
        request_id: String,
    },
    /// The server rotated the pair but the token file could not be written.
    #[error(
        "refreshed (request {}), but {} could not be written: {cause}; {}",
        refreshed.request_id,
        file.display(),
        match recovery {
            Some(p) => format!("the new tokens are in {} (mode 0600): move it over {}", p.display(), file.display()),
            None => "no recovery file could be written either: the new tokens are lost".to_string(),
        }
    )]
    NotSaved {
        /// The refresh that succeeded (its pair is valid).
        refreshed: Box<Refreshed>,
        /// The token file.
        file: PathBuf,
        /// Why the write failed.
        cause: TokenFileError,
        /// Where the pair was written instead.
        recovery: Option<PathBuf>,
    },
}

impl RefreshError {
    /// The API error, when the server answered with one.
    pub fn api(&self) -> Option<&Error> {
        match self {
            RefreshError::Api(e) => Some(e),
            _ => None,
        }
    }
}

/// Refreshes `refresh`/`user` and saves the new pair to `file` when there is one.
pub async fn refresh_and_save(
    client: &Client,
    refresh: Option<&Secret>,
    user: Option<&Secret>,
    file: Option<&Path>,
) -> Result<Refreshed, RefreshError> {
    let Some(path) = file else {
        let refresh = refresh.ok_or(RefreshError::NoRefreshToken)?;
        return call(client, refresh, user).await;
    };
    token_file::check_writable(path).map_err(RefreshError::NotWritable)?;
    let owned = path.to_path_buf();
    let _lock = tokio::task::spawn_blocking(move || token_file::lock(&owned))
        .await
        .map_err(|e| {
            RefreshError::Lock(TokenFileError::Io {
                path: path.display().to_string(),
                source: std::io::Error::other(e),
            })
        })?
        .map_err(RefreshError::Lock)?;
    // Under the lock: the file may hold a pair another process just refreshed. Both
    // tokens are compared: a server that keeps the refresh token only rotates the other.
    if let Ok(on_disk) = token_file::read(path)
        && (refresh != Some(&on_disk.refresh_token)
            || user.is_some_and(|u| *u != on_disk.user_token))
    {
        return adopt(client, on_disk, path).await;
    }
    let refresh = refresh.ok_or(RefreshError::NoRefreshToken)?;
    let mut done = call(client, refresh, user).await?;
    match token_file::write_atomic(path, &done.pair) {
        Ok(()) => {
            done.saved_to = Some(path.to_path_buf());
            Ok(done)
        }
        Err(cause) => {
            let recovery = token_file::write_recovery(path, &done.pair).ok();
            Err(RefreshError::NotSaved {
                refreshed: Box::new(done),
                file: path.to_path_buf(),
                cause,
                recovery,
            })
        }
    }
}

async fn call(
    client: &Client,
    refresh: &Secret,
    user: Option<&Secret>,
) -> Result<Refreshed, RefreshError> {
    let started = Instant::now();
    let resp = client.client_session_refresh(refresh, user).await?;
    let latency = started.elapsed();
    let result = resp.result;
    let new_user = result
        .active_token
        .as_ref()
        .map(|t| t.token.clone())
        .or_else(|| user.cloned())
        .ok_or_else(|| RefreshError::NoActiveToken {
            request_id: resp.request_id.clone(),
        })?;
    Ok(Refreshed {
        pair: TokenPair {
            user_token: new_user,
            refresh_token: result.refresh_token.token.clone(),
        },
        active: result.active_token.map(|t| t.info),
        session_expire: Some(result.refresh_token.info.expire),
        refresh_token_id: Some(result.refresh_token.info.id.clone()),
        request_id: resp.request_id,
        latency,
        adopted: false,
        saved_to: None,
    })
}

/// Uses a pair another process saved; a check supplies the user token's metadata.
async fn adopt(client: &Client, pair: TokenPair, path: &Path) -> Result<Refreshed, RefreshError> {
    let started = Instant::now();
    let checked = client.token_check(&pair.user_token).await?;
    Ok(Refreshed {
        pair,
        active: Some(checked.result),
        session_expire: None,
        refresh_token_id: None,
        request_id: checked.request_id,
        latency: started.elapsed(),
        adopted: true,
        saved_to: Some(path.to_path_buf()),
    })
}
