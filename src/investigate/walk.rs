//! A streamed walk of every page a server filter matches, keeping the sessions the local
//! terms accept. One page is in memory at a time (and the next on its way), so memory is
//! flat in the number of sessions; progress is reported after every page and the walk
//! stops at once when cancelled.

use super::matcher::Matcher;
use crate::authn::model::{
    ListPage, RawSessionList, Session, SessionListRequest, SessionListResult,
};
use crate::authn::partition::Split;
use crate::authn::response::{PageError, Response};
use crate::authn::{Client, Error, ListScope};
use futures::StreamExt;
use serde_json::value::RawValue;
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
    walk_seen(client, scope, req, matcher, cancel, |seen| {
        each(seen.matches, seen.progress)
    })
    .await
}

/// [`walk`] split by login time, its slices read at once, as `split` says: pages handed
/// on as they come, or in the login-time order `req` asks for (`req.last` set: the plain
/// walk from there). A failed page has no cursor to resume from.
pub async fn walk_split<F>(
    client: &Client,
    scope: ListScope,
    req: SessionListRequest,
    split: Split,
    matcher: &mut Matcher,
    cancel: &CancellationToken,
    each: F,
) -> Result<Outcome, WalkError>
where
    F: FnMut(Vec<Session>, Progress) -> ControlFlow<()>,
{
    if req.last.is_some() {
        return walk(client, scope, req, matcher, cancel, each).await;
    }
    let pages = client.split_pages(scope, req, split);
    drive_split(pages, matcher, cancel, each).await
}

/// The matches of a split walk's pages, which have no cursor of their own.
async fn drive_split<S, F>(
    pages: S,
    matcher: &mut Matcher,
    cancel: &CancellationToken,
    mut each: F,
) -> Result<Outcome, WalkError>
where
    S: futures::Stream<Item = Result<Response<SessionListResult>, PageError>>,
    F: FnMut(Vec<Session>, Progress) -> ControlFlow<()>,
{
    drive(
        pages,
        None,
        cancel,
        |_, page: SessionListResult, progress| {
            let sessions = keep_matches(page.sessions, matcher, progress);
            each(sessions, *progress)
        },
    )
    .await
}

/// The page's sessions the local terms accept, counted into `progress` as scanned and
/// as matches: the one reading of a decoded page that every walk shares.
fn keep_matches(
    mut sessions: Vec<Session>,
    matcher: &mut Matcher,
    progress: &mut Progress,
) -> Vec<Session> {
    progress.scanned += sessions.len() as u64;
    if !matcher.is_empty() {
        sessions.retain(|s| matcher.matches(s));
    }
    progress.matches += sessions.len() as u64;
    sessions
}

/// One page of a walk as [`walk_seen`] hands it over.
#[derive(Debug)]
pub struct Seen<'a> {
    /// The cursor this page was requested with (`None`: the first page).
    pub cursor: Option<&'a str>,
    /// The page's sessions the local terms accept, in server order.
    pub matches: Vec<Session>,
    /// Where the walk is, this page included.
    pub progress: Progress,
}

/// [`walk`], telling `each` the cursor of every page too, so a caller can come back to
/// the page later without keeping it.
pub async fn walk_seen<F>(
    client: &Client,
    scope: ListScope,
    req: SessionListRequest,
    matcher: &mut Matcher,
    cancel: &CancellationToken,
    mut each: F,
) -> Result<Outcome, WalkError>
where
    F: for<'a> FnMut(Seen<'a>) -> ControlFlow<()>,
{
    let cursor = req.last.clone();
    let pages = client.pages_ahead(scope, req);
    drive(
        pages,
        cursor,
        cancel,
        |cursor, page: SessionListResult, progress| {
            let sessions = keep_matches(page.sessions, matcher, progress);
            each(Seen {
                cursor,
                matches: sessions,
                progress: *progress,
            })
        },
    )
    .await
}

/// Walks every page of `req` with each page's sessions kept as the JSON text the server
/// sent (scrubbed of this client's tokens), so a caller reads only what it needs of each
/// session. `each` gets the page's cursor, its sessions and the progress with the page
/// and its sessions counted; it adds the matches itself. Stops as [`walk`] does.
pub async fn walk_raw<F>(
    client: &Client,
    scope: ListScope,
    req: SessionListRequest,
    cancel: &CancellationToken,
    mut each: F,
) -> Result<Outcome, WalkError>
where
    F: FnMut(Option<&str>, Vec<Box<RawValue>>, &mut Progress) -> ControlFlow<()>,
{
    let cursor = req.last.clone();
    let pages = client.raw_pages_ahead(scope, req);
    drive(
        pages,
        cursor,
        cancel,
        |cursor, page: RawSessionList, progress| {
            progress.scanned += page.sessions.len() as u64;
            each(cursor, page.sessions, progress)
        },
    )
    .await
}

/// [`walk_raw`] split by login time as [`walk_split`] is. `each` gets no cursor (a page
/// of one slice cannot be found again by the walk's own filter), and a failed page has no
/// cursor to resume from.
pub async fn walk_raw_split<F>(
    client: &Client,
    scope: ListScope,
    req: SessionListRequest,
    split: Split,
    cancel: &CancellationToken,
    mut each: F,
) -> Result<Outcome, WalkError>
where
    F: FnMut(Vec<Box<RawValue>>, &mut Progress) -> ControlFlow<()>,
{
    if req.last.is_some() {
        return walk_raw(client, scope, req, cancel, |_, rows, progress| {
            each(rows, progress)
        })
        .await;
    }
    let pages = client.split_pages(scope, req, split);
    drive_raw_split(pages, cancel, each).await
}

/// The pages of a split walk kept as text, which have no cursor of their own.
async fn drive_raw_split<S, F>(
    pages: S,
    cancel: &CancellationToken,
    mut each: F,
) -> Result<Outcome, WalkError>
where
    S: futures::Stream<Item = Result<Response<RawSessionList>, PageError>>,
    F: FnMut(Vec<Box<RawValue>>, &mut Progress) -> ControlFlow<()>,
{
    drive(pages, None, cancel, |_, page: RawSessionList, progress| {
        progress.scanned += page.sessions.len() as u64;
        each(page.sessions, progress)
    })
    .await
}

/// The loop of every walk: the next page or the cancel, whichever comes first; a failed
/// page ends it with what was done before; each page's cursor goes to `each`.
async fn drive<T, S, F>(
    pages: S,
    mut cursor: Option<String>,
    cancel: &CancellationToken,
    mut each: F,
) -> Result<Outcome, WalkError>
where
    T: ListPage,
    S: futures::Stream<Item = Result<Response<T>, PageError>>,
    F: FnMut(Option<&str>, T, &mut Progress) -> ControlFlow<()>,
{
    let mut progress = Progress::default();
    let mut pages = std::pin::pin!(pages);
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
        let page = match page {
            Ok(resp) => resp.result,
            Err(e) => {
                return Err(WalkError {
                    error: e.error,
                    resume_from: e.resume_from,
                    progress,
                });
            }
        };
        let next_cursor = page.cursor().map(str::to_owned);
        progress.pages += 1;
        if each(cursor.as_deref(), page, &mut progress).is_break() {
            return Ok(Outcome {
                progress,
                complete: false,
            });
        }
        cursor = next_cursor;
    }
}

/// Where a run of matches starts: the server page holding its first match, found again
/// by that match's id, or by its place among the page's matches when it has ended since.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    /// Cursor of that server page (`None`: the first page).
    pub cursor: Option<String>,
    /// Matches on that server page before it.
    pub skip: usize,
    /// The session id of the match.
    pub first: String,
}

/// Up to `size` matches from `anchor` on, in server order, fetching as many pages as
/// that takes (`req` must be the walk's filter, order and page size: a cursor is only
/// valid with them). Fewer than `size` when the matches run out.
pub async fn matches_from(
    client: &Client,
    scope: ListScope,
    req: SessionListRequest,
    matcher: &mut Matcher,
    anchor: &Anchor,
    size: usize,
) -> Result<Vec<Session>, WalkError> {
    let req = SessionListRequest {
        last: anchor.cursor.clone(),
        ..req
    };
    let mut out: Vec<Session> = Vec::with_capacity(size);
    let mut first_page = true;
    // Never cancelled: a page of matches is a bounded read the caller waits for.
    let never = CancellationToken::new();
    walk_seen(client, scope, req, matcher, &never, |seen| {
        let mut found = seen.matches;
        if std::mem::take(&mut first_page) {
            let start = found
                .iter()
                .position(|s| s.id == anchor.first)
                .unwrap_or(anchor.skip)
                .min(found.len());
            found.drain(..start);
        }
        let room = size - out.len();
        found.truncate(room);
        out.extend(found);
        if out.len() >= size {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })
    .await?;
    Ok(out)
}
