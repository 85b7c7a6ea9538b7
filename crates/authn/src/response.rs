//! What a call hands back: the decoded result with its request id, and a page walk's
//! failure with the cursor to resume from.

use super::error::Error;

/// A successful call: the result plus what identifies it.
#[derive(Debug, Clone)]
pub struct Response<T> {
    /// `prq_…`.
    pub request_id: String,
    /// Server's text.
    pub summary: String,
    /// The endpoint result.
    pub result: T,
    /// Attempts made (1 when no retry was needed).
    pub attempts: u32,
}

/// A page walk that failed, with the cursor to resume from (`--last`).
#[derive(Debug, Clone, thiserror::Error)]
#[error("{error}")]
pub struct PageError {
    /// Why the page failed.
    pub error: Error,
    /// Cursor of the page that failed (None: it was the first page).
    pub resume_from: Option<String>,
}
