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

mod ordered;

/// Pages a partitioned walk has in flight at most, unless configured otherwise.
pub const DEFAULT_WALK_WINDOW: usize = 8;

/// How a walk split by login time reads its pages and hands them on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split {
    /// Pages in flight at most.
    pub window: usize,
    /// Handed on in the login-time order the request asks for
    /// ([`Client::ordered_pages`]), not as they come ([`Client::partitioned_pages`]).
    pub in_order: bool,
}

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
    fn new(lo: Option<i64>, hi: Option<i64>, skip: HashSet<String>) -> Self {
        Slice {
            lo,
            hi,
            skip,
            cursor: None,
            seen: HashSet::new(),
        }
    }

    fn request(&self, base: &SessionListRequest, order: Order) -> SessionListRequest {
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
            order: Some(order),
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
        out.push(Slice::new(prev, Some(c), HashSet::new()));
        prev = Some(c);
    }
    out.push(Slice::new(prev, None, HashSet::new()));
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

    /// [`Client::ordered_pages`] or [`Client::partitioned_pages`], as `split` says.
    pub fn split_pages<T: ListPage>(
        &self,
        scope: ListScope,
        req: SessionListRequest,
        split: Split,
    ) -> futures::stream::BoxStream<'static, Result<Response<T>, PageError>> {
        if split.in_order {
            self.ordered_pages(scope, req, split.window).boxed()
        } else {
            self.partitioned_pages(scope, req, split.window).boxed()
        }
    }

    /// [`Client::partitioned_pages`] under a pace the caller keeps, so it can read how
    /// the walk was paced ([`Pace::record`]) or share the pace with other requests.
    pub fn paced_pages<T: ListPage>(
        &self,
        scope: ListScope,
        req: SessionListRequest,
        pace: Pace,
    ) -> impl Stream<Item = Result<Response<T>, PageError>> + Send + 'static {
        self.spawn_walk(scope, req, pace, None)
    }

    /// Every page `req`'s filter matches, in the order of login time `req` asks for
    /// (newest first unless it says `asc`), from slices of login time walked at once under
    /// a pace of at most `window` pages in flight: the slices' pages are read ahead and
    /// handed on slice after slice, at most twice `window` pages held waiting. A failed
    /// page ends the stream with an error that has no cursor to resume from. Needs a Tokio
    /// runtime; dropping the stream stops the walk.
    pub fn ordered_pages<T: ListPage>(
        &self,
        scope: ListScope,
        req: SessionListRequest,
        window: usize,
    ) -> impl Stream<Item = Result<Response<T>, PageError>> + Send + 'static {
        let order = req.order.unwrap_or(Order::Desc);
        self.spawn_walk(scope, req, walk_pace(self, window), Some(order))
    }

    fn spawn_walk<T: ListPage>(
        &self,
        scope: ListScope,
        req: SessionListRequest,
        pace: Pace,
        order: Option<Order>,
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
            let walked = match order {
                None => run::<T>(&sender, &req, &tx).await,
                Some(order) => ordered::run::<T>(&sender, &req, order, &tx).await,
            };
            if let Err(error) = walked {
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

/// The slices a walk of `req` starts with, oldest first, and the login times of its
/// oldest and newest match (0 when nothing matches).
async fn plan(sender: &Sender, req: &SessionListRequest) -> Result<(Vec<Slice>, i64, i64), Error> {
    let ((oldest, _), (newest, count)) = futures::try_join!(
        edge(sender, req, Order::Asc),
        edge(sender, req, Order::Desc)
    )?;
    let window = sender.pace.config().max_window;
    // Two slices a window, fewer when the server's count says the pages are fewer: a
    // slice costs a request even when it holds little.
    let size = u64::from(req.size.unwrap_or(1000).max(1));
    let wanted = count.map_or(window * 2, |n| {
        usize::try_from(n.div_ceil(size)).unwrap_or(usize::MAX)
    });
    let planned = match (oldest, newest) {
        (Some(lo), Some(hi)) if !req.filter.as_ref().is_some_and(pinned) => slices(
            lo.as_microsecond(),
            hi.as_microsecond(),
            wanted.clamp(1, window * 2),
        ),
        // Nothing matches, or one instant does: one slice, the filter as it is.
        _ => slices(0, 0, 1),
    };
    Ok((
        planned,
        oldest.map_or(0, Timestamp::as_microsecond),
        newest.map_or(0, Timestamp::as_microsecond),
    ))
}

/// Moves `slice` past the page `got` answered: drops the sessions the slice skips and
/// takes the next cursor. `Ok(Some(tail))` when the slice goes on (the page's tail keys,
/// last first), `Ok(None)` when it is done; an error when the server named a cursor
/// already walked, after which the page is still good but the listing is incomplete.
fn advance<T: ListPage>(
    slice: &mut Slice,
    got: &mut Response<T>,
) -> Result<Option<Vec<(String, Timestamp)>>, Error> {
    let tail = got.result.tail_keys();
    let next = got
        .result
        .cursor()
        .filter(|c| !c.is_empty() && !got.result.is_empty())
        .map(str::to_owned);
    if slice.cursor.is_none() && !slice.skip.is_empty() {
        got.result.drop_ids(&slice.skip);
    }
    let Some(next) = next else {
        return Ok(None);
    };
    if !slice.seen.insert(next.clone()) {
        return Err(Error::Decode {
            http_status: 200,
            request_id: None,
            reason: "the server repeated a cursor already walked, so the listing is incomplete"
                .into(),
            snippet: String::new(),
        });
    }
    slice.cursor = Some(next);
    slice.skip.clear();
    Ok(Some(tail))
}

/// What remains of `slice`, walked in `order` and read as far as `tail` (its last page's
/// tail keys, last first), cut at its middle into two fresh slices in walking order; `None`
/// when the rest is too narrow to cut. `edge` stands for an open bound on the walking side:
/// the newest match when ascending, the oldest when descending. The sessions at exactly
/// the last login time read are skipped by the slice that starts there.
fn cut(
    slice: &Slice,
    order: Order,
    tail: Vec<(String, Timestamp)>,
    edge: i64,
) -> Option<[Slice; 2]> {
    let at = tail.first()?.1.as_microsecond();
    let read: HashSet<String> = tail.into_iter().map(|(id, _)| id).collect();
    match order {
        Order::Asc => {
            let top = slice.hi.unwrap_or(edge.max(at) + 1);
            let mid = at + (top - at) / 2;
            (top - at >= 2).then(|| {
                [
                    Slice::new(Some(at), Some(mid), read),
                    Slice::new(Some(mid), slice.hi, HashSet::new()),
                ]
            })
        }
        Order::Desc => {
            // Unread: from the bottom up to `at` itself, where some may be left.
            let top = at + 1;
            let bottom = slice.lo.unwrap_or(edge.min(at));
            let mid = bottom + (top - bottom) / 2;
            (top - bottom >= 2).then(|| {
                [
                    Slice::new(Some(mid), Some(top), read),
                    Slice::new(slice.lo, Some(mid), HashSet::new()),
                ]
            })
        }
    }
}

async fn run<T: ListPage>(
    sender: &Sender,
    req: &SessionListRequest,
    tx: &Tx<T>,
) -> Result<(), Error> {
    let pace = &sender.pace;
    let (planned, _, newest) = plan(sender, req).await?;
    let mut queue: VecDeque<Slice> = planned.into();
    let mut in_flight = FuturesUnordered::new();
    loop {
        // Each page waits out a shared pause itself, so pages already in flight keep
        // being read while new ones wait.
        while in_flight.len() < pace.window() {
            let Some(slice) = queue.pop_front() else {
                break;
            };
            let r = slice.request(req, Order::Asc);
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
        match advance(&mut slice, &mut got) {
            Err(e) => {
                let _ = tx.send(Ok(got)).await;
                return Err(e);
            }
            Ok(None) => {}
            Ok(Some(tail)) => {
                let idle = queue.is_empty() && in_flight.len() + 1 < pace.window();
                if !idle {
                    queue.push_front(slice);
                } else if let Some(halves) = cut(&slice, Order::Asc, tail, newest) {
                    queue.extend(halves);
                } else {
                    queue.push_back(slice);
                }
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

    fn tail(at: i64) -> Vec<(String, Timestamp)> {
        let t = Timestamp::from_microsecond(at).unwrap();
        vec![("b".into(), t), ("a".into(), t)]
    }

    #[test]
    fn a_slice_walked_upwards_is_cut_above_what_it_read() {
        let s = Slice::new(Some(100), Some(200), HashSet::new());
        let [low, high] = cut(&s, Order::Asc, tail(150), 0).unwrap();
        assert_eq!(
            (low.lo, low.hi, high.lo, high.hi),
            (Some(150), Some(175), Some(175), Some(200))
        );
        // The sessions at 150 already read are skipped where the lower half starts.
        assert_eq!(low.skip.len(), 2);
        assert!(high.skip.is_empty());
        // The newest slice stays open-ended: a login during the walk lands there.
        let open = Slice::new(Some(100), None, HashSet::new());
        let [_, high] = cut(&open, Order::Asc, tail(150), 160).unwrap();
        assert_eq!(high.hi, None);
        assert!(
            cut(&s, Order::Asc, tail(199), 0).is_none(),
            "nothing to cut"
        );
    }

    #[test]
    fn a_slice_walked_downwards_is_cut_below_what_it_read() {
        let s = Slice::new(Some(100), Some(200), HashSet::new());
        let [high, low] = cut(&s, Order::Desc, tail(150), 0).unwrap();
        // Unread: 100 up to 150 itself, where some may be left; newest half first.
        assert_eq!(
            (high.lo, high.hi, low.lo, low.hi),
            (Some(125), Some(151), Some(100), Some(125))
        );
        assert_eq!(high.skip.len(), 2);
        assert!(low.skip.is_empty());
        let open = Slice::new(None, Some(200), HashSet::new());
        let [_, low] = cut(&open, Order::Desc, tail(150), 90).unwrap();
        assert_eq!(
            low.lo, None,
            "the oldest slice keeps the filter's own lower bound"
        );
        assert!(
            cut(&s, Order::Desc, tail(100), 0).is_none(),
            "nothing to cut"
        );
        assert!(
            cut(&s, Order::Desc, Vec::new(), 0).is_none(),
            "no tail read"
        );
    }
}
