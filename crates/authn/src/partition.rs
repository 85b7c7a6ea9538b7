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
//! How many pages are in flight follows one shared [`Pace`]: a page that needed retries
//! narrows the window, clean answers widen it, so a throttling server slows the walk down
//! without failing it (the client retries each page as it always does).

use super::call::ListScope;
use super::client::Client;
use super::error::Error;
use super::model::{Filter, ListPage, Order, OrderBy, SessionListRequest, Timestamp};
use super::pages::walk;
use super::response::{PageError, Response};
use crate::pace::{Feedback, Pace, PaceConfig};
use futures::stream::FuturesUnordered;
use futures::{Stream, StreamExt};
use std::collections::{HashSet, VecDeque};
use std::time::Instant;

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
        let (tx, rx) = tokio::sync::mpsc::channel(window.max(1));
        let client = self.clone();
        let task = tokio::spawn(async move {
            let pace = Pace::new(PaceConfig::new(window));
            if let Err(error) = run::<T>(&client, &scope, &req, &pace, &tx).await {
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

/// The page `req` names, retried as the client retries every call.
async fn page<T: ListPage>(
    client: &Client,
    scope: &ListScope,
    req: SessionListRequest,
) -> Result<Response<T>, Error> {
    let mut pages = std::pin::pin!(walk::<T>(client.clone(), scope.clone(), req, false));
    match pages.next().await {
        Some(Ok(p)) => Ok(p),
        Some(Err(e)) => Err(e.error),
        None => Err(Error::Config("the server sent no page".into())),
    }
}

/// The login time of the oldest (`Asc`) or newest (`Desc`) match, with the server's
/// count of matches when it gives one.
async fn edge(
    client: &Client,
    scope: &ListScope,
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
    let first = page::<super::model::SessionListResult>(client, scope, probe).await?;
    Ok((
        first.result.sessions.first().map(|s| s.created_at),
        first.result.count,
    ))
}

async fn run<T: ListPage>(
    client: &Client,
    scope: &ListScope,
    req: &SessionListRequest,
    pace: &Pace,
    tx: &Tx<T>,
) -> Result<(), Error> {
    let ((oldest, _), (newest, count)) = futures::try_join!(
        edge(client, scope, req, Order::Asc),
        edge(client, scope, req, Order::Desc)
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
        while in_flight.len() < pace.window() && !queue.is_empty() {
            pace.ready().await;
            let Some(slice) = queue.pop_front() else {
                break;
            };
            let ticket = pace.ticket();
            let r = slice.request(req);
            let (client, scope) = (client.clone(), scope.clone());
            in_flight.push(async move {
                let got = page::<T>(&client, &scope, r).await;
                (slice, ticket, got)
            });
        }
        let Some((mut slice, ticket, got)) = in_flight.next().await else {
            return Ok(());
        };
        let mut got = got?;
        let feedback = if got.attempts > 1 {
            Feedback::Strained
        } else {
            Feedback::Answered
        };
        pace.report(ticket, feedback, Instant::now());
        let keys = got.result.keys();
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
            match keys.last().cloned().flatten() {
                Some((_, at)) if idle => {
                    let at = at.as_microsecond();
                    let top = slice.hi.unwrap_or(newest.max(at) + 1);
                    if top - at >= 2 {
                        // Cut the rest at its middle; the sessions at exactly `at`
                        // already read are skipped by the slice that starts there.
                        let read: HashSet<String> = keys
                            .iter()
                            .rev()
                            .map_while(|k| k.as_ref().filter(|(_, t)| t.as_microsecond() == at))
                            .map(|(id, _)| id.clone())
                            .collect();
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
