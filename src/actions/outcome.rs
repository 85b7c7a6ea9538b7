//! What a run acts on and how each target ends: the words the engine, its callers and
//! the audit log share.

use crate::audit::AuditOutcome;
use crate::authn::Error;
use serde::Serialize;

/// One thing acted on: a session or a user, with its owner when known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Target {
    /// Session id or user id.
    pub id: String,
    /// The user it belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity: Option<String>,
    /// That user's email.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

impl Target {
    /// A target known only by id.
    pub fn id(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            identity: None,
            email: None,
        }
    }
}

/// How one target ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Ended now.
    Done,
    /// An earlier attempt got no answer; the retry found it gone, so that attempt ended it.
    ConfirmedByRetry,
    /// The server does not know it (a typo, someone else ended it, or, for the client
    /// endpoints, another user's session).
    NotFound,
    /// Refused or failed.
    Failed(Error),
    /// Sent, and no answer said how it ended (none came, or the run stopped first): it
    /// may or may not have happened.
    Unknown,
    /// Never sent.
    NotAttempted,
}

impl Outcome {
    /// The audit outcome.
    pub fn audit(&self) -> AuditOutcome {
        match self {
            Outcome::Done => AuditOutcome::Ok,
            Outcome::ConfirmedByRetry => AuditOutcome::OkConfirmedByRetry,
            Outcome::NotFound => AuditOutcome::NotFound,
            Outcome::Failed(_) => AuditOutcome::Failed,
            Outcome::Unknown => AuditOutcome::Unknown,
            Outcome::NotAttempted => AuditOutcome::NotAttempted,
        }
    }

    /// The server ended the target (now, or by the unanswered earlier attempt).
    pub fn ended(&self) -> bool {
        matches!(self, Outcome::Done | Outcome::ConfirmedByRetry)
    }
}

/// One target's result.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// The target.
    pub target: Target,
    /// How it ended.
    pub outcome: Outcome,
    /// The Pangea request id of the final answer, when there is one.
    pub request_id: Option<String>,
}

impl Item {
    /// Why it did not simply succeed, for people.
    pub fn reason(&self) -> Option<String> {
        match &self.outcome {
            Outcome::Failed(e) => Some(e.to_string()),
            Outcome::ConfirmedByRetry => {
                Some("an earlier attempt got no answer; the retry found it already ended".into())
            }
            Outcome::Unknown => Some(
                "sent, but no answer came (or the run stopped first); it may have ended".into(),
            ),
            Outcome::NotAttempted => Some("not sent: the run stopped first".into()),
            Outcome::NotFound | Outcome::Done => None,
        }
    }
}
