//! A streamed walk of every page a server filter matches, keeping the sessions the local
//! terms accept. One page is in memory at a time (and the next on its way), so memory is
//! flat in the number of sessions; progress is reported after every page and the walk
//! stops at once when cancelled.

use super::matcher::Matcher;
use crate::authn::model::{Session, SessionListRequest};
use crate::authn::{Client, Error, ListScope};
use futures::StreamExt;
use std::ops::ControlFlow;
use tokio_util::sync::CancellationToken;

/// How far a walk has got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    /// Pages received.
    pub pages: u64,
    /// Sessions received (what the server filter matched so far).
    pub scanned: u64,
    /// Sessions the local terms accepted so far.
    pub matches: u64,
}

/// How a walk ended without an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    /// Where it got.
    pub progress: Progress,
    /// False when it was cancelled or the caller stopped it before the last page.
    pub complete: bool,
}

/// A page that failed: the error, the cursor to resume from and what was done before it.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{error}")]
pub struct WalkError {
    /// Why the page failed.
    pub error: Error,
    /// Cursor of the failed page (`None`: the first page).
    pub resume_from: Option<String>,
    /// Pages, sessions and matches before the failure.
    pub progress: Progress,
}

/// Walks every page of `req` (from `req.last` on), keeps the sessions `matcher` accepts,
/// and hands each page's matches to `each` with the progress so far, also when a page
/// has none, so a gauge can move. `each` returning `Break` stops the walk, as does
/// `cancel`; either ends it with `complete: false`. The next page is requested while
/// the current one is handled (the walk changes nothing on the server).
pub async fn walk<F>(
    client: &Client,
    scope: ListScope,
    req: SessionListRequest,
    matcher: &mut Matcher,
    cancel: &CancellationToken,
    mut each: F,
) -> Result<Outcome, WalkError>
where
    F: FnMut(Vec<Session>, Progress) -> ControlFlow<()>,
{
    let mut progress = Progress::default();
    let mut pages = std::pin::pin!(client.pages_ahead(scope, req));
    loop {
        let next = tokio::select! {
            biased;
            () = cancel.cancelled() => return Ok(Outcome { progress, complete: false }),
            next = pages.next() => next,
        };
        let Some(page) = next else {
            return Ok(Outcome {
                progress,
                complete: true,
            });
        };
        let mut sessions = match page {
            Ok(resp) => resp.result.sessions,
            Err(e) => {
                return Err(WalkError {
                    error: e.error,
                    resume_from: e.resume_from,
                    progress,
                });
            }
        };
        progress.pages += 1;
        progress.scanned += sessions.len() as u64;
        if !matcher.is_empty() {
            sessions.retain(|s| matcher.matches(s));
        }
        progress.matches += sessions.len() as u64;
        if each(sessions, progress).is_break() {
            return Ok(Outcome {
                progress,
                complete: false,
            });
        }
    }
}
