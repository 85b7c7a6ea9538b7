//! Why a worker command did not produce its outcome: the one failure type at the worker
//! boundary, each cause its own variant, so the app reads what happened instead of
//! parsing a message.

use crate::authn::{ApiStatus, Error};
use std::path::PathBuf;
use std::time::Duration;

/// A command's failure, as [`EventKind::Failed`](super::command::EventKind::Failed) and
/// the failed items of a bulk run carry it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Failure {
    /// The AuthN API refused, or could not be reached or read.
    #[error(transparent)]
    Api(#[from] Error),
    /// The target is not there: ended already, or never was.
    #[error("not found")]
    NotFound,
    /// The client endpoint answered `NotFound` for a session: another user's, or ended.
    #[error(
        "{session_id} is not one of the sessions of this user token (another user's, or already ended)"
    )]
    NotYours {
        /// The session.
        session_id: String,
        /// The request id of the answer.
        request_id: Option<String>,
    },
    /// Sent, but the run stopped before an answer came: it may have taken effect.
    #[error("outcome unknown: no answer before the run stopped; it may have ended")]
    Unknown,
    /// Never sent: the run stopped before it.
    #[error("not sent: the run stopped before it (see the audit log)")]
    NotSent,
    /// The audit log could not take the line written before sending, so nothing was sent.
    #[error("the audit log could not be written ({reason}); nothing was sent")]
    AuditBeforeSend {
        /// Why the write failed.
        reason: String,
    },
    /// Sent, but its outcome line could not be written to the audit log.
    #[error(
        "{target} was sent ({outcome}), but its outcome could not be written to the audit log ({reason})"
    )]
    AuditAfterSend {
        /// The session or user acted on.
        target: String,
        /// What the server said, as the audit log words it.
        outcome: String,
        /// Why the write failed.
        reason: String,
    },
    /// A file the command writes (an export) could not be written.
    #[error("could not write {}: {reason}", path.display())]
    File {
        /// The file or its folder.
        path: PathBuf,
        /// The system's error.
        reason: String,
    },
    /// A token refresh failed outside the server: no refresh token, or a token file that
    /// could not be locked or written.
    #[error("{0}")]
    Refresh(String),
    /// The client endpoints need a user token and none is held.
    #[error("no user token: the client endpoints need --user-token or a token file")]
    NoUserToken,
    /// The command asks for something the worker does not do.
    #[error("{0}")]
    Unsupported(&'static str),
    /// The action engine answered against its own contract: a defect, said rather than
    /// hidden.
    #[error("the action engine {0}")]
    Engine(&'static str),
}

impl Failure {
    /// The AuthN error behind the failure, when it is one.
    pub fn api(&self) -> Option<&Error> {
        match self {
            Failure::Api(e) => Some(e),
            _ => None,
        }
    }

    /// The Pangea request id, when the server gave one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Failure::NotYours { request_id, .. } => request_id.as_deref(),
            _ => self.api().and_then(Error::request_id),
        }
    }

    /// The classified API status, if the server answered with an envelope.
    pub fn api_status(&self) -> Option<&ApiStatus> {
        self.api().and_then(Error::api_status)
    }

    /// A body token is revoked or expired: the user is signed out.
    pub fn is_signed_out(&self) -> bool {
        self.api().is_some_and(Error::is_signed_out)
    }

    /// How long the server asked to wait before trying again, when it said.
    pub fn retry_after(&self) -> Option<Duration> {
        self.api().and_then(Error::retry_after)
    }

    /// The target is gone: the server said `NotFound`, or the engine found it so.
    pub fn is_not_found(&self) -> bool {
        matches!(self, Failure::NotFound | Failure::NotYours { .. })
            || self.api().is_some_and(Error::is_not_found)
    }

    /// The server could not be reached or answered nothing usable at the transport level.
    pub fn is_unreachable(&self) -> bool {
        matches!(self, Failure::Api(Error::Transport { .. }))
    }
}
