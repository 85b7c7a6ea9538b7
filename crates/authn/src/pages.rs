//! Walking a session list page by page (spec 5.3), one page in memory at a time, or
//! with the next page already on its way while the caller handles the current one.

use super::call::ListScope;
use super::client::{Client, Sent};
use super::decode;
use super::error::Error;
use super::model::{ListPage, SessionListRequest};
use super::model::{RawSessionList, SessionListResult};
use super::response::{PageError, Response};
use futures::{Stream, StreamExt};
use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};
use tokio::task::JoinHandle;

impl Client {
    /// Walks every page from `req.last` on, stopping on any end-of-list signal (spec 5.3).
    pub fn pages(
        &self,
        scope: ListScope,
        req: SessionListRequest,
    ) -> impl futures::Stream<Item = Result<Response<SessionListResult>, PageError>> + Send + 'static
    {
        walk(self.clone(), scope, req, false)
    }

    /// [`Client::pages`], with each next page requested as soon as an answer names it and
    /// decoded while the caller handles the current one (two decoded pages and one answer
    /// in memory at most). Only for callers that do not change the sessions between pages:
    /// the next page may already have been read, and one request past a failed page may
    /// have been sent.
    pub fn pages_ahead(
        &self,
        scope: ListScope,
        req: SessionListRequest,
    ) -> impl futures::Stream<Item = Result<Response<SessionListResult>, PageError>> + Send + 'static
    {
        read_ahead(walk(self.clone(), scope, req, true))
    }

    /// [`Client::pages_ahead`] with each page's sessions kept as the JSON text the server
    /// sent (scrubbed of this client's tokens like every answer), so output can pass them
    /// through without building and re-serialising each one.
    pub fn raw_pages_ahead(
        &self,
        scope: ListScope,
        req: SessionListRequest,
    ) -> impl futures::Stream<Item = Result<Response<RawSessionList>, PageError>> + Send + 'static
    {
        self.pages_ahead_as(scope, req)
    }

    /// [`Client::pages_ahead`] for either kind of page, typed or kept as text.
    pub fn pages_ahead_as<T: ListPage>(
        &self,
        scope: ListScope,
        req: SessionListRequest,
    ) -> impl futures::Stream<Item = Result<Response<T>, PageError>> + Send + 'static {
        read_ahead(walk(self.clone(), scope, req, true))
    }
}

struct Walk {
    client: Client,
    scope: ListScope,
    req: SessionListRequest,
    /// Hashes of the cursors already requested: a few bytes a page, not the pages.
    seen: HashSet<u64>,
    done: bool,
    /// The server named a cursor already requested: the walk stops there, and says so
    /// with an error after the page, since the pages it skipped are unknown.
    repeated: Option<Error>,
    /// Request the next page as soon as an answer names it, before decoding the answer.
    early: bool,
    pending: Option<Pending>,
}

/// A request for the page at `cursor`, sent before the current page was decoded.
struct Pending {
    cursor: String,
    task: JoinHandle<Result<Sent, Error>>,
}

impl Drop for Pending {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn fingerprint(cursor: &str) -> u64 {
    let mut h = DefaultHasher::new();
    cursor.hash(&mut h);
    h.finish()
}

/// The pages from `req.last` on. Ends after a page with no cursor, an empty cursor or no
/// sessions; a failed page ends it with the cursor to resume, and a cursor already
/// requested ends it with an error saying the listing is incomplete.
/// With `early`, each next page is requested as soon as the current answer names its
/// cursor, while the current page is decoded; the outcome is the same page for page.
pub(crate) fn walk<T: ListPage>(
    client: Client,
    scope: ListScope,
    req: SessionListRequest,
    early: bool,
) -> impl futures::Stream<Item = Result<Response<T>, PageError>> + Send + 'static {
    let start = Walk {
        client,
        scope,
        req,
        seen: HashSet::new(),
        done: false,
        repeated: None,
        early,
        pending: None,
    };
    futures::stream::unfold(start, |mut w| async move {
        if w.done {
            return None;
        }
        if let Some(error) = w.repeated.take() {
            w.done = true;
            return Some((
                Err(PageError {
                    error,
                    resume_from: None,
                }),
                w,
            ));
        }
        let cursor = w.req.last.clone();
        let page = match fetch::<T>(&mut w).await {
            Ok(page) => page,
            Err(error) => {
                w.done = true;
                let resume_from = cursor;
                return Some((Err(PageError { error, resume_from }), w));
            }
        };
        if let Some(c) = &cursor {
            w.seen.insert(fingerprint(c));
        }
        match page.result.cursor() {
            Some(next)
                if !next.is_empty()
                    && !page.result.is_empty()
                    && w.seen.insert(fingerprint(next)) =>
            {
                w.req.last = Some(next.to_string());
            }
            Some(next) if !next.is_empty() && !page.result.is_empty() => {
                w.repeated = Some(Error::Decode {
                    http_status: 200,
                    request_id: Some(page.request_id.clone()),
                    reason:
                        "the server repeated a cursor already walked, so the listing is incomplete"
                            .into(),
                    snippet: String::new(),
                });
            }
            _ => w.done = true,
        }
        Some((Ok(page), w))
    })
}

/// The page at `w.req.last`: from the early request when it asked for that cursor.
async fn fetch<T: ListPage>(w: &mut Walk) -> Result<Response<T>, Error> {
    let sent = match w.pending.take() {
        Some(mut p) if w.req.last.as_deref() == Some(p.cursor.as_str()) => {
            match (&mut p.task).await {
                Ok(sent) => sent?,
                Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
                Err(_) => w.client.list_sent(&w.scope, &w.req).await?,
            }
        }
        _ => w.client.list_sent(&w.scope, &w.req).await?,
    };
    if w.early
        && let Some(next) = decode::peek_cursor(&sent.raw)
        && w.req.last.as_deref() != Some(next.as_str())
        && !w.seen.contains(&fingerprint(&next))
    {
        let (client, scope) = (w.client.clone(), w.scope.clone());
        let req = SessionListRequest {
            last: Some(next.clone()),
            ..w.req.clone()
        };
        let task = tokio::spawn(async move { client.list_sent(&scope, &req).await });
        w.pending = Some(Pending { cursor: next, task });
    }
    // A page of a thousand sessions takes milliseconds to decode: done on the blocking
    // pool, the async workers stay free to send the request just started and read its
    // answer, which is what a walk waits on.
    let sent = match tokio::task::spawn_blocking(move || Client::list_decoded::<T>(sent)).await {
        Ok(Ok(page)) => return Ok(page),
        Ok(Err(sent)) => *sent,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(_) => {
            return Err(Error::Config(
                "the runtime shut down while a page was decoded".into(),
            ));
        }
    };
    w.client.list_concluded(sent).await
}

/// `stream` driven by its own task, one item ahead of the caller: while the caller handles
/// an item, the next is being produced, and no further (at most two items exist at once).
/// The task ends when the stream does or when the returned stream is dropped; a panic in
/// it resurfaces in the caller. Needs a Tokio runtime.
pub(crate) fn read_ahead<S>(stream: S) -> impl Stream<Item = S::Item> + Send + 'static
where
    S: Stream + Send + 'static,
    S::Item: Send + 'static,
{
    let (tx, rx) = tokio::sync::mpsc::channel(1);
    let task = tokio::spawn(async move {
        let mut stream = std::pin::pin!(stream);
        // The slot is taken before the next item is asked for, so the item after it is
        // only produced once the caller has taken this one.
        while let Ok(slot) = tx.reserve().await {
            match stream.next().await {
                Some(item) => slot.send(item),
                None => break,
            }
        }
    });
    let ahead = Ahead {
        rx,
        task: Some(task),
    };
    futures::stream::unfold(ahead, |mut a| async move {
        if let Some(item) = a.rx.recv().await {
            return Some((item, a));
        }
        // The sender is gone: the stream ended, or the task panicked.
        if let Some(task) = a.task.take()
            && let Err(e) = task.await
            && e.is_panic()
        {
            std::panic::resume_unwind(e.into_panic());
        }
        None
    })
}

/// The receiving end of [`read_ahead`]; stops the producing task when dropped.
struct Ahead<T> {
    rx: tokio::sync::mpsc::Receiver<T>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl<T> Drop for Ahead<T> {
    fn drop(&mut self) {
        if let Some(t) = &self.task {
            t.abort();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn reading_ahead_keeps_the_order_and_produces_one_item_ahead_at_most() {
        let produced = Arc::new(AtomicUsize::new(0));
        let count = produced.clone();
        let items = futures::stream::iter(0..6).inspect(move |_| {
            count.fetch_add(1, Ordering::SeqCst);
        });
        let mut ahead = std::pin::pin!(read_ahead(items));
        assert_eq!(ahead.next().await, Some(0));
        for _ in 0..50 {
            tokio::task::yield_now().await;
            assert!(produced.load(Ordering::SeqCst) <= 2);
        }
        let rest: Vec<i32> = ahead.collect().await;
        assert_eq!(rest, [1, 2, 3, 4, 5]);
        assert_eq!(produced.load(Ordering::SeqCst), 6);
    }

    #[tokio::test]
    #[should_panic(expected = "producer failed")]
    async fn a_panic_while_reading_ahead_reaches_the_caller() {
        let items = futures::stream::iter(0..3).map(|i| {
            assert!(i < 1, "producer failed");
            i
        });
        let all: Vec<i32> = read_ahead(items).collect().await;
        drop(all);
    }
}
