//! A whole-result walk split by login time: the query's `created_at` range cut into
//! slices walked at once, for walks that do not need the server's order. Sequential
//! pages cost a round trip each, because each waits for the previous page's cursor;
//! slices have no such chain, so their pages overlap.
//!
//! The range comes from two size-1 pages (oldest and newest match). Each slice adds
//! `created_at__gte`/`created_at__lt` to the query's own filter. Inner bounds lie between
//! the oldest and newest match, so inside any `created_at` range the filter already has:
//! setting them over the filter's own keys is the intersection. The oldest slice keeps
//! the filter's lower bound and the newest its upper one (open-ended without one), so a
//! login during the walk lands in the newest slice: read once, or not at all. Slices are
//! walked oldest first; a slice still paging when others run out is cut at the last
//! login time read, and what remains walked as two slices.
//!
//! How many pages are in flight follows one shared [`Pace`]. Each page is sent once at a
//! time and retried here, not inside the client, so the pace hears of every 429 (with its
//! `Retry-After`), 5xx and timeout when it happens: the window narrows at once and a run
//! of refusals pauses every slice, while clean answers widen it again. A throttling
//! server slows the walk down without failing it.

use super::call::ListScope;
use super::client::Client;
use super::error::Error;
use super::model::{Filter, ListPage, Order, OrderBy, SessionListRequest, Timestamp};
use super::pages::walk;
use super::response::{PageError, Response};
use super::retry::{RetryNotice, is_retryable_status};
use crate::pace::{Feedback, Pace, PaceConfig};
use futures::stream::FuturesUnordered;
use futures::{Stream, StreamExt};
use std::collections::{HashSet, VecDeque};
use std::time::{Duration, Instant};

/// Pages a partitioned walk has in flight at most, unless configured otherwise.
pub const DEFAULT_WALK_WINDOW: usize = 8;

const GTE: &str = "created_at__gte";
const LT: &str = "created_at__lt";

/// One slice of login time: from `lo` (inclusive) to `hi` (exclusive); `None` keeps the
/// filter's own bound on that side.
#[derive(Debug, Clone)]
struct Slice {
    lo: Option<i64>,
    hi: Option<i64>,
    /// Sessions at exactly `lo` already read by the slice this one was cut from.
    skip: HashSet<String>,
    cursor: Option<String>,
    /// The cursors this slice has requested: one named again means the server would
    /// walk in a circle, and the listing is incomplete.
    seen: HashSet<String>,
}

impl Slice {
    fn request(&self, base: &SessionListRequest) -> SessionListRequest {
        let mut filter = base.filter.clone().unwrap_or_default();
        if let Some(lo) = self.lo {
            filter.0.insert(GTE.into(), stamp(lo));
        }
        if let Some(hi) = self.hi {
            filter.0.insert(LT.into(), stamp(hi));
        }
        SessionListRequest {
            filter: Some(filter),
            last: self.cursor.clone(),
            order: Some(Order::Asc),
            order_by: Some(OrderBy::CreatedAt),
            size: base.size,
        }
    }
}

fn stamp(micros: i64) -> serde_json::Value {
    let ts = Timestamp::from_microsecond(micros).unwrap_or(Timestamp::UNIX_EPOCH);
    serde_json::Value::String(ts.to_string())
}

/// Whether `filter` pins `created_at` to one instant (nothing to split).
fn pinned(filter: &Filter) -> bool {
    filter.0.contains_key("created_at")
}

/// Cuts `[lo, hi]` into `n` slices, the first without a lower bound and the last
/// without an upper one.
fn slices(lo: i64, hi: i64, n: usize) -> Vec<Slice> {
    let span = hi.saturating_sub(lo).max(0).saturating_add(1);
    let n = i64::try_from(n).unwrap_or(i64::MAX).clamp(1, span);
    // Cut at whole steps of the span; the last slice takes the remainder.
    let step = (span / n).max(1);
    let mut cuts: Vec<i64> = (1..n)
        .map(|i| lo.saturating_add(step.saturating_mul(i)))
        .collect();
    cuts.dedup();
    let mut out = Vec::with_capacity(cuts.len() + 1);
    let mut prev = None;
    for c in cuts {
        out.push(Slice {
            lo: prev,
            hi: Some(c),
            skip: HashSet::new(),
            cursor: None,
            seen: HashSet::new(),
        });
        prev = Some(c);
    }
    out.push(Slice {
        lo: prev,
        hi: None,
        skip: HashSet::new(),
        cursor: None,
        seen: HashSet::new(),
    });
    out
}

/// The pace a partitioned walk of at most `window` pages in flight starts with: its pauses
/// and its cap on a server's `Retry-After` follow the client's own retry policy.
pub fn walk_pace(client: &Client, window: usize) -> Pace {
    let retry = &client.config().retry;
    let mut config = PaceConfig::new(window);
    config.base_pause = retry.base_delay;
    config.max_pause = retry.max_delay;
    config.retry_after_cap = retry.max_delay;
    Pace::new(config)
}

impl Client {
    /// Every page `req`'s filter matches, in no particular order, from slices of login
    /// time walked at once under a pace of at most `window` pages in flight. A failed
    /// page ends the stream with an error that has no cursor to resume from (a split walk
    /// has no single one). Needs a Tokio runtime; dropping the stream stops the walk.
    pub fn partitioned_pages<T: ListPage>(
        &self,
        scope: ListScope,
        req: SessionListRequest,
        window: usize,
    ) -> impl Stream<Item = Result<Response<T>, PageError>> + Send + 'static {
        self.paced_pages(scope, req, walk_pace(self, window))
    }

    /// [`Client::partitioned_pages`] under a pace the caller keeps, so it can read how
    /// the walk was paced ([`Pace::record`]) or share the pace with other requests.
    pub fn paced_pages<T: ListPage>(
        &self,
        scope: ListScope,
        req: SessionListRequest,
        pace: Pace,
    ) -> impl Stream<Item = Result<Response<T>, PageError>> + Send + 'static {
        // Two pages wait for the caller at most: when it is slower than the server, the
        // slices wait for it rather than piling pages up in memory.
        let (tx, rx) = tokio::sync::mpsc::channel(2);
        let sender = Sender {
            once: self.single_attempt(),
            scope,
            pace,
        };
        let task = tokio::spawn(async move {
            if let Err(error) = run::<T>(&sender, &req, &tx).await {
                let _ = tx
                    .send(Err(PageError {
                        error,
                        resume_from: None,
                    }))
                    .await;
            }
        });
        let guard = AbortOnDrop(task);
        futures::stream::unfold((rx, guard), |(mut rx, guard)| async move {
            let item = rx.recv().await?;
            Some((item, (rx, guard)))
        })
    }
}

struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

type Tx<T> = tokio::sync::mpsc::Sender<Result<Response<T>, PageError>>;

/// What every page of one walk is sent with: a client making each call once, and the pace.
#[derive(Clone)]
struct Sender {
    once: Client,
    scope: ListScope,
    pace: Pace,
}

/// How the pace should hear of a failed attempt; `None` when trying again cannot help.
fn pushback(e: &Error) -> Option<Feedback> {
    match e {
        Error::Api(a) if a.http_status == 429 => Some(Feedback::Throttled {
            retry_after: a.retry_after,
        }),
        Error::Api(a) if is_retryable_status(a.http_status) => Some(Feedback::Strained),
        Error::Decode { http_status, .. } if is_retryable_status(*http_status) => {
            Some(Feedback::Strained)
        }
        Error::Transport { kind, .. } if !kind.is_permanent() => Some(Feedback::Strained),
        _ => None,
    }
}

impl Sender {
    /// The page `req` names, each attempt under the pace and reported to it; retried as
    /// the client's policy allows (429s waited out without spending an attempt, up to its
    /// `throttled_free`).
    async fn page<T: ListPage>(&self, req: SessionListRequest) -> Result<Response<T>, Error> {
        let policy = &self.once.config().retry;
        let (mut failed, mut throttled) = (0u32, 0u32);
        loop {
            self.pace.ready().await;
            let ticket = self.pace.ticket();
            let e = match self.attempt::<T>(req.clone()).await {
                Ok(page) => {
                    self.pace.report(ticket, Feedback::Answered, Instant::now());
                    return Ok(page);
                }
                Err(e) => e,
            };
            let Some(feedback) = pushback(&e) else {
                return Err(e);
            };
            self.pace.report(ticket, feedback, Instant::now());
            let free =
                matches!(feedback, Feedback::Throttled { .. }) && throttled < policy.throttled_free;
            let wait = if free {
                throttled += 1;
                // The server's word, else a short pause: the attempt count does not grow.
                policy.delay(0, e.retry_after())
            } else {
                failed += 1;
                if failed >= policy.attempts() {
                    return Err(e);
                }
                policy.delay(failed - 1, e.retry_after())
            };
            self.notify(&e, failed + throttled + 1, wait);
            tokio::time::sleep(wait).await;
        }
    }

    /// One attempt at the page `req` names.
    async fn attempt<T: ListPage>(&self, req: SessionListRequest) -> Result<Response<T>, Error> {
        let mut pages =
            std::pin::pin!(walk::<T>(self.once.clone(), self.scope.clone(), req, false));
        match pages.next().await {
            Some(Ok(p)) => Ok(p),
            Some(Err(e)) => Err(e.error),
            None => Err(Error::Config("the server sent no page".into())),
        }
    }

    /// Tells the client's retry hook, as the client does before its own retries.
    fn notify(&self, e: &Error, next_attempt: u32, wait: Duration) {
        let Some(hook) = &self.once.config().on_retry else {
            return;
        };
        let reason = match e {
            Error::Api(a) => a.http_status.to_string(),
            Error::Decode { http_status, .. } => http_status.to_string(),
            Error::Transport { kind, .. } => format!("{kind:?}").to_lowercase(),
            _ => "error".into(),
        };
        let policy = &self.once.config().retry;
        hook(&RetryNotice {
            path: "v2/session/list".into(),
            reason,
            next_attempt,
            max_attempts: policy.attempts() + policy.throttled_free,
            wait,
        });
    }
}

/// The login time of the oldest (`Asc`) or newest (`Desc`) match, with the server's
/// count of matches when it gives one.
async fn edge(
    sender: &Sender,
    req: &SessionListRequest,
    order: Order,
) -> Result<(Option<Timestamp>, Option<u64>), Error> {
    let probe = SessionListRequest {
        filter: req.filter.clone(),
        last: None,
        order: Some(order),
        order_by: Some(OrderBy::CreatedAt),
        size: Some(1),
    };
    let first = sender
        .page::<super::model::SessionListResult>(probe)
        .await?;
    Ok((
        first.result.sessions.first().map(|s| s.created_at),
        first.result.count,
    ))
}

async fn run<T: ListPage>(
    sender: &Sender,
    req: &SessionListRequest,
    tx: &Tx<T>,
) -> Result<(), Error> {
    let pace = &sender.pace;
    let ((oldest, _), (newest, count)) = futures::try_join!(
        edge(sender, req, Order::Asc),
        edge(sender, req, Order::Desc)
    )?;
    let window = pace.config().max_window;
    // Two slices a window, fewer when the server's count says the pages are fewer: a
    // slice costs a request even when it holds little.
    let size = u64::from(req.size.unwrap_or(1000).max(1));
    let wanted = count.map_or(window * 2, |n| {
        usize::try_from(n.div_ceil(size)).unwrap_or(usize::MAX)
    });
    let mut queue: VecDeque<Slice> = match (oldest, newest) {
        (Some(lo), Some(hi)) if !req.filter.as_ref().is_some_and(pinned) => slices(
            lo.as_microsecond(),
            hi.as_microsecond(),
            wanted.clamp(1, window * 2),
        )
        .into(),
        // Nothing matches, or one instant does: one slice, the filter as it is.
        _ => slices(0, 0, 1).into(),
    };
    let newest = newest.map_or(0, Timestamp::as_microsecond);
    let mut in_flight = FuturesUnordered::new();
    loop {
        // Each page waits out a shared pause itself, so pages already in flight keep
        // being read while new ones wait.
        while in_flight.len() < pace.window() {
            let Some(slice) = queue.pop_front() else {
                break;
            };
            let r = slice.request(req);
            let sender = sender.clone();
            in_flight.push(async move {
                let got = sender.page::<T>(r).await;
                (slice, got)
            });
        }
        let Some((mut slice, got)) = in_flight.next().await else {
            return Ok(());
        };
        let mut got = got?;
        let tail = got.result.tail_keys();
        let next = got
            .result
            .cursor()
            .filter(|c| !c.is_empty() && !got.result.is_empty())
            .map(str::to_owned);
        if slice.cursor.is_none() && !slice.skip.is_empty() {
            got.result.drop_ids(&slice.skip);
        }
        if let Some(next) = next {
            if !slice.seen.insert(next.clone()) {
                let _ = tx.send(Ok(got)).await;
                return Err(Error::Decode {
                    http_status: 200,
                    request_id: None,
                    reason:
                        "the server repeated a cursor already walked, so the listing is incomplete"
                            .into(),
                    snippet: String::new(),
                });
            }
            slice.cursor = Some(next);
            slice.skip.clear();
            let idle = queue.is_empty() && in_flight.len() + 1 < pace.window();
            match tail.first() {
                Some(&(_, at)) if idle => {
                    let at = at.as_microsecond();
                    let top = slice.hi.unwrap_or(newest.max(at) + 1);
                    if top - at >= 2 {
                        // Cut the rest at its middle; the sessions at exactly `at`
                        // already read are skipped by the slice that starts there.
                        let read: HashSet<String> = tail.into_iter().map(|(id, _)| id).collect();
                        let mid = at + (top - at) / 2;
                        queue.push_back(Slice {
                            lo: Some(at),
                            hi: Some(mid),
                            skip: read,
                            cursor: None,
                            seen: HashSet::new(),
                        });
                        queue.push_back(Slice {
                            lo: Some(mid),
                            hi: slice.hi,
                            skip: HashSet::new(),
                            cursor: None,
                            seen: HashSet::new(),
                        });
                    } else {
                        queue.push_back(slice);
                    }
                }
                _ => queue.push_front(slice),
            }
        }
        if tx.send(Ok(got)).await.is_err() {
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_cover_the_range_once_with_open_ends() {
        let s = slices(100, 199, 4);
        assert_eq!(s.len(), 4);
        assert_eq!(s[0].lo, None);
        assert_eq!(s[3].hi, None);
        for w in s.windows(2) {
            assert_eq!(w[0].hi, w[1].lo);
        }
        assert_eq!(slices(5, 5, 16).len(), 1);
    }
}
