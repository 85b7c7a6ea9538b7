//! `authtop sessions watch`: new sessions matching a query, printed as they are created,
//! each once, until interrupted; for a terminal, or a pipe into a SIEM (`-o ndjson`).
//!
//! A poll that fails is reported on stderr and tried again after a longer wait: a watch
//! outlives a server's bad minute. A refused token ends it (nothing will change by
//! waiting). SIGINT, SIGTERM and SIGHUP end it cleanly with exit 0, after the batch being
//! printed, naming the `--since` that resumes it.

use super::args::WatchArgs;
use super::ctx::Ctx;
use super::exit::{CliError, Exit};
use super::sessions::{COLLECT_PAGE_SIZE, check_format, compile_query, explain};
use crate::authn::model::{Order, OrderBy, SessionListRequest, Timestamp};
use crate::authn::{Client, ListScope};
use crate::investigate::tail::{Backoff, Tail};
use crate::investigate::{self, Matcher};
use crate::output::{Format, SessionColumns, SessionWriter};
use crate::query::Query;
use futures::StreamExt;
use std::io::Write;
use std::time::Duration;

const INTERVAL: Duration = Duration::from_secs(2);
const MAX_INTERVAL: Duration = Duration::from_secs(30);

/// Why a watch ended without an error.
enum End {
    Signal(&'static str),
    Count,
}

/// `sessions watch`.
pub async fn run(ctx: &Ctx, args: WatchArgs) -> Result<(), CliError> {
    let started = Timestamp::now();
    let query = compile_query(&args.query.join(" "), started)?;
    check_format(ctx.format, args.columns.is_some(), args.no_headers)?;
    if ctx.format == Format::Json {
        return Err(CliError::usage(
            "a watch has no end to close a JSON array at: use -o ndjson (one session a line)",
        ));
    }
    let since = match &args.since {
        Some(text) => Some(
            crate::query::parse_time(text, started)
                .map_err(|why| CliError::usage(format!("--since {text}: {why}")))?,
        ),
        None => None,
    };
    if args.explain {
        return explain(ctx, &query);
    }
    investigate::device::warm_up();
    let client = ctx.service_client("sessions watch")?;
    let after = match since {
        Some(t) => Some(t),
        // The newest session the server already has marks "new": the server's clock,
        // not this machine's, decides what was created after the start. With none, every
        // session the server lists from now on is new, whatever either clock says.
        None => newest(&client, &query).await?,
    };
    let mut tail = Tail::new(query.server.clone(), after);
    let mut matcher = Matcher::new(&query.local);
    let out = std::io::BufWriter::with_capacity(64 << 10, std::io::stdout().lock());
    let mut writer =
        SessionWriter::new(out, ctx.format, started, ctx.term.color).with_columns(SessionColumns {
            columns: args.columns.clone(),
            no_headers: args.no_headers,
            nothing_when_empty: false,
            cut: ctx.term.cut,
        });
    let mut backoff = Backoff::new(
        args.interval.unwrap_or(INTERVAL),
        args.max_interval.unwrap_or(MAX_INTERVAL),
    );
    let mut signals = Signals::new()?;
    if ctx.term.progress {
        crate::output::diag(&format!(
            "watching for new sessions on {} (Ctrl-C to stop)",
            super::suggest::place(ctx, &client)
        ));
    }
    let mut printed: u64 = 0;
    // Where a later watch resumes without a gap: the newest login of the last poll that
    // was printed whole. A poll cut short by a signal printed nothing and moves nothing.
    let mut resume = after;
    let end = loop {
        let polled = tokio::select! {
            biased;
            sig = signals.next() => break End::Signal(sig),
            polled = poll(&client, &mut tail, &mut matcher) => polled,
        };
        // The pages read before a failed one are printed too: the tail already counts
        // them as seen, so the next poll would not list them again.
        let Polled { mut fresh, failed } = polled;
        if let Some(left) = args.count.map(|n| n - printed) {
            fresh.truncate(usize::try_from(left).unwrap_or(usize::MAX));
        }
        writer.set_now(Timestamp::now());
        writer.batch(&fresh)?;
        printed += fresh.len() as u64;
        if args.count.is_some_and(|n| printed >= n) {
            // Sessions after the last one printed were not shown: resume there.
            resume = fresh.last().map(|s| s.created_at).or(resume);
            break End::Count;
        }
        resume = tail.newest();
        let wait = match failed {
            None => backoff.after(!fresh.is_empty()),
            Some(e) if gives_up(&e) => return Err(CliError::from(e)),
            Some(e) => {
                let wait = backoff
                    .after(false)
                    .max(e.retry_after().unwrap_or_default());
                crate::output::diag(&format!(
                    "watch: a poll failed; trying again in {}: {}",
                    crate::clock::rounded(wait),
                    crate::sanitize::clean(&e.to_string())
                ));
                wait
            }
        };
        tokio::select! {
            biased;
            sig = signals.next() => break End::Signal(sig),
            () = tokio::time::sleep(wait) => {}
        }
    };
    let mut out = writer.finish()?;
    out.flush()?;
    say_end(&end, printed, resume);
    Ok(())
}

/// The last line on stderr: why the watch ended, how many it printed, where to resume.
fn say_end(end: &End, printed: u64, resume: Option<Timestamp>) {
    let resume = resume
        .map(|t| format!("; resume with: --since {t}"))
        .unwrap_or_default();
    let why = match end {
        End::Signal(name) => format!("stopped by {name}"),
        End::Count => "printed --count sessions".to_string(),
    };
    crate::output::diag(&format!(
        "watch: {why}: {} new session(s){resume}",
        crate::number::thousands(printed)
    ));
}

/// Failures waiting cannot fix: a refused token, a request the server will always
/// refuse, a service that is not there, a host that cannot be reached as configured.
fn gives_up(e: &crate::authn::Error) -> bool {
    use crate::authn::{ApiStatus, Error};
    match e {
        Error::Api(a) => matches!(
            a.kind,
            ApiStatus::Unauthorized
                | ApiStatus::InvalidToken
                | ApiStatus::ExpiredToken
                | ApiStatus::ValidationError
                | ApiStatus::ServiceNotEnabled
                | ApiStatus::NoCredit
                | ApiStatus::MissingConfigId
        ),
        Error::Transport { kind, .. } => kind.is_permanent(),
        Error::Config(_) => true,
        Error::Decode { .. } | Error::Pending { .. } => false,
    }
}

/// The newest session the query's server part matches, if any.
async fn newest(client: &Client, query: &Query) -> Result<Option<Timestamp>, CliError> {
    let req = SessionListRequest {
        filter: (!query.server.is_empty()).then(|| query.server.clone()),
        last: None,
        order: Some(Order::Desc),
        order_by: Some(OrderBy::CreatedAt),
        size: Some(1),
    };
    let resp = client.session_list(&req).await?;
    Ok(resp.result.sessions.first().map(|s| s.created_at))
}

/// What one poll found: the new sessions the local terms accept, from every page read,
/// and the failure that ended it early, if one did.
struct Polled {
    fresh: Vec<crate::authn::model::Session>,
    failed: Option<crate::authn::Error>,
}

/// One poll: every page of sessions created since the newest seen (less the overlap),
/// keeping those not reported before that the local terms accept.
async fn poll(client: &Client, tail: &mut Tail, matcher: &mut Matcher) -> Polled {
    let mut pages =
        std::pin::pin!(client.pages(ListScope::Service, tail.request(COLLECT_PAGE_SIZE)));
    let mut fresh = Vec::new();
    while let Some(page) = pages.next().await {
        match page {
            Ok(page) => fresh.extend(
                tail.take(page.result.sessions)
                    .into_iter()
                    .filter(|s| matcher.matches(s)),
            ),
            Err(p) => {
                return Polled {
                    fresh,
                    failed: Some(p.error),
                };
            }
        }
    }
    Polled {
        fresh,
        failed: None,
    }
}

/// SIGINT, SIGTERM and SIGHUP as one stream of their names.
struct Signals {
    int: tokio::signal::unix::Signal,
    term: tokio::signal::unix::Signal,
    hup: tokio::signal::unix::Signal,
}

impl Signals {
    fn new() -> Result<Self, CliError> {
        use tokio::signal::unix::{SignalKind, signal};
        let hook = |k| signal(k).map_err(|e| CliError::new(Exit::Other, format!("signals: {e}")));
        Ok(Self {
            int: hook(SignalKind::interrupt())?,
            term: hook(SignalKind::terminate())?,
            hup: hook(SignalKind::hangup())?,
        })
    }

    async fn next(&mut self) -> &'static str {
        tokio::select! {
            Some(()) = self.int.recv() => "SIGINT",
            Some(()) = self.term.recv() => "SIGTERM",
            Some(()) = self.hup.recv() => "SIGHUP",
        }
    }
}
