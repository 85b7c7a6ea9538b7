//! `authtop sessions list|invalidate|logout` (and the list half of `client list`).

use super::args::ListArgs;
use super::ctx::Ctx;
use super::exit::{CliError, Exit};
use super::progress;
use crate::authn::model::{
    Filter, ListPage, Order, OrderBy, RawSessionList, Session, SessionListRequest,
    SessionListResult, Timestamp,
};
use crate::authn::partition::Split;
use crate::authn::{Client, ListScope, PageError, Response};
use crate::investigate::{self, Matcher, Progress, WalkError};
use crate::output::{Format, SessionWriter, pretty_json};
use crate::query::{self, Query, QueryError};
use crate::sanitize::clean;
use futures::{Stream, StreamExt};
use std::collections::BTreeSet;
use std::io::Write;
use std::ops::ControlFlow;

/// Page size used when walking a query's matches to collect ids or check local terms.
pub const COLLECT_PAGE_SIZE: u32 = 1000;

/// The query with a caret line under the offending span.
pub fn query_error_display(query: &str, err: &QueryError) -> String {
    let shown = clean(query);
    let (pad, marks) = err.caret(query);
    format!(
        "query error: {}\n  {shown}\n  {}{}",
        err.message,
        " ".repeat(pad),
        "^".repeat(marks)
    )
}

/// Compiles the query words; an error is a usage error carrying the caret display.
pub fn compile(query: &str, now: Timestamp) -> Result<Filter, CliError> {
    query::compile(query, now).map_err(|e| CliError::usage(query_error_display(query, &e)))
}

/// Compiles the query words into their server and local parts, as [`compile`] does.
pub fn compile_query(query: &str, now: Timestamp) -> Result<Query, CliError> {
    query::compile_query(query, now).map_err(|e| CliError::usage(query_error_display(query, &e)))
}

/// The request for the first page of a walk.
pub fn walk_request(query: &Query, args: &ListArgs, size: u32) -> SessionListRequest {
    SessionListRequest {
        filter: filter_opt(query.server.clone()),
        last: args.last.clone().filter(|l| !l.is_empty()),
        order: Some(if args.asc { Order::Asc } else { Order::Desc }),
        order_by: Some(args.order_by.unwrap_or(OrderBy::CreatedAt)),
        size: Some(size),
    }
}

/// Walks every page `req` matches through the query's local terms, handing each page's
/// matches to `each`; progress goes to stderr on a terminal. Without an order, or in
/// login-time order, the walk is split by login time; in another order it goes page
/// after page and a failed page names the cursor to resume from. Returns the final
/// progress.
pub async fn walk_local(
    ctx: &Ctx,
    client: &Client,
    scope: ListScope,
    req: SessionListRequest,
    query: &Query,
    ordered: bool,
    mut each: impl FnMut(Vec<Session>) -> Result<(), CliError>,
) -> Result<Progress, CliError> {
    let mut matcher = Matcher::new(&query.local);
    let cancel = tokio_util::sync::CancellationToken::new();
    let mut failed: Option<CliError> = None;
    let shown = progress::Progress::counter(ctx.term, "walking");
    let mut on_page = |page, p| {
        shown.walked(p);
        match shown.suspend(|| each(page)) {
            Ok(()) => ControlFlow::Continue(()),
            Err(e) => {
                failed = Some(e);
                ControlFlow::Break(())
            }
        }
    };
    let in_order = req.order_by == Some(OrderBy::CreatedAt);
    let outcome = if ordered && !in_order {
        investigate::walk_seen(client, scope, req, &mut matcher, &cancel, |seen| {
            on_page(seen.matches, seen.progress)
        })
        .await
    } else {
        let split = Split {
            window: ctx.settings.walk_window,
            in_order: ordered,
        };
        investigate::walk_split(client, scope, req, split, &mut matcher, &cancel, on_page).await
    };
    drop(shown);
    if let Some(e) = failed {
        return Err(e);
    }
    match outcome {
        Ok(o) => Ok(o.progress),
        Err(WalkError {
            error,
            resume_from,
            progress,
        }) => Err(page_failure(&error, resume_from.as_deref(), Some(progress))),
    }
}

/// The error for a walk that stopped at a failed page.
fn page_failure(
    error: &crate::authn::Error,
    resume_from: Option<&str>,
    progress: Option<Progress>,
) -> CliError {
    let mut msg = error.to_string();
    if let Some(p) = progress {
        msg.push_str(&format!(
            "\n{} pages read before the failure: {} sessions scanned, {} matched",
            p.pages, p.scanned, p.matches
        ));
    }
    if let Some(cursor) = resume_from {
        msg.push_str(&format!("\nresume with: --last {cursor}"));
    }
    CliError::new(Exit::for_error(error), msg)
}

fn filter_opt(filter: Filter) -> Option<Filter> {
    (!filter.is_empty()).then_some(filter)
}

/// `sessions list` / `client list`. A query with local terms walks every page the server
/// part matches and prints the sessions the local part accepts.
pub async fn list(ctx: &Ctx, scope: ListScope, args: ListArgs) -> Result<(), CliError> {
    let now = Timestamp::now();
    let query = compile_query(&args.query.join(" "), now)?;
    check_format(ctx.format, args.columns.is_some(), args.no_headers)?;
    if args.explain {
        return explain(ctx, &query);
    }
    // Every format but ids shows each session's device (a `device~` term compiles the
    // rules when it first needs them).
    if ctx.format != Format::Ids {
        investigate::device::warm_up();
    }
    let client = match scope {
        ListScope::Service => ctx.service_client("sessions list")?,
        ListScope::Client(_) => ctx.client()?,
    };
    // A whole result (every page, or every page checked against local terms) is read in
    // the largest pages the server hands out: fewer round trips, whatever the display size.
    let size = args.size.unwrap_or(if query.has_local() || args.all {
        COLLECT_PAGE_SIZE
    } else {
        ctx.settings.page_size
    });
    let req = walk_request(&query, &args, size);
    // Buffered: stdout is line-buffered, and a write per row costs a syscall per session.
    // The writer flushes after every batch, so rows still appear page by page.
    let out = std::io::BufWriter::with_capacity(64 << 10, std::io::stdout().lock());
    let worded = ctx.format == Format::Table && ctx.term.stdout_tty;
    let mut writer = SessionWriter::new(out, ctx.format, now, ctx.term.color).with_columns(
        crate::output::SessionColumns {
            columns: args.columns.clone(),
            no_headers: args.no_headers,
            nothing_when_empty: worded,
            cut: ctx.term.cut,
        },
    );
    if query.has_local() {
        let ordered = args.order_by.is_some() || args.asc || args.last.is_some();
        let walked = walk_local(ctx, &client, scope.clone(), req, &query, ordered, |page| {
            writer.batch(&page).map_err(CliError::from)
        })
        .await;
        let rows = writer.rows();
        // Close the output so what was written still parses, also after a failure.
        drop(writer.finish()?);
        walked?;
        if worded {
            super::total::print(rows, false);
        }
        return Ok(());
    }
    if !args.all {
        let resp = match &scope {
            ListScope::Service => client.session_list(&req).await?,
            ListScope::Client(t) => client.client_session_list(t, &req).await?,
        };
        writer.batch(&resp.result.sessions)?;
        let rows = writer.rows();
        drop(writer.finish()?);
        let next = resp.result.last.filter(|l| !l.is_empty() && rows > 0);
        if worded {
            super::total::print(rows, next.is_some());
        }
        if let Some(next) = next {
            crate::output::diag(&format!("next page: --last {}", clean(&next)));
        }
        return Ok(());
    }
    // Without an order asked for, the walk is split by login time and its slices read at
    // once; the sessions come in no particular order.
    let unordered = args.order_by.is_none() && !args.asc && req.last.is_none();
    let window = ctx.settings.walk_window;
    // NDJSON passes each session's JSON through.
    if ctx.format == Format::Ndjson {
        let pages = all_pages(&client, scope, req, unordered, window);
        write_pages(ctx, writer, pages, worded, |w, page: &RawSessionList| {
            w.batch_raw(&page.sessions)
        })
        .await
    } else {
        let pages = all_pages(&client, scope, req, unordered, window);
        write_pages(ctx, writer, pages, worded, |w, page: &SessionListResult| {
            w.batch(&page.sessions)
        })
        .await
    }
}

/// The pages `--all` reads: split by login time, handed on in no order (`unordered`) or in
/// login-time order; page after page for another order or from a cursor, with the next
/// page on its way while one is written (nothing changes the sessions while they are
/// listed).
fn all_pages<T: ListPage>(
    client: &Client,
    scope: ListScope,
    req: SessionListRequest,
    unordered: bool,
    window: usize,
) -> futures::stream::BoxStream<'static, Result<Response<T>, PageError>> {
    let in_order = !unordered && req.order_by == Some(OrderBy::CreatedAt) && req.last.is_none();
    if unordered || in_order {
        client.split_pages(scope, req, Split { window, in_order })
    } else {
        client.pages_ahead_as(scope, req).boxed()
    }
}

/// Writes every page of a walk, counting them on a terminal; a failed page closes the
/// output and names the cursor. `worded`: a table on a terminal, which ends with the total
/// in words.
async fn write_pages<W, T, S>(
    ctx: &Ctx,
    mut writer: SessionWriter<W>,
    pages: S,
    worded: bool,
    mut write: impl FnMut(&mut SessionWriter<W>, &T) -> std::io::Result<()>,
) -> Result<(), CliError>
where
    W: Write,
    T: ListPage,
    S: Stream<Item = Result<Response<T>, PageError>>,
{
    let mut pages = std::pin::pin!(pages);
    // Writing a page is milliseconds of work: told to the runtime, which moves the walk's
    // requests to another worker meanwhile.
    let multi_thread = tokio::runtime::Handle::current().runtime_flavor()
        == tokio::runtime::RuntimeFlavor::MultiThread;
    let shown = progress::Progress::counter(ctx.term, "listing");
    let mut read = 0;
    while let Some(page) = pages.next().await {
        let mut write_page =
            |resp: &Response<T>| shown.suspend(|| write(&mut writer, &resp.result));
        match page {
            Ok(resp) if multi_thread => tokio::task::block_in_place(|| write_page(&resp))?,
            Ok(resp) => write_page(&resp)?,
            Err(e) => {
                drop(shown);
                // Close the output so what was written still parses.
                drop(writer.finish()?);
                return Err(page_failure(&e.error, e.resume_from.as_deref(), None));
            }
        }
        read += 1;
        shown.listed(read, writer.rows() as u64);
    }
    drop(shown);
    let rows = writer.rows();
    drop(writer.finish()?);
    if worded {
        super::total::print(rows, false);
    }
    Ok(())
}

/// Prints the server filter and the local terms (`--explain`).
pub fn explain(ctx: &Ctx, query: &Query) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    let local: Vec<String> = query.local.iter().map(ToString::to_string).collect();
    match ctx.format {
        Format::Json | Format::Ndjson => {
            let v = serde_json::json!({ "filter": query.server, "local": local });
            writeln!(out, "{}", pretty_json(&v, 0)?)?;
        }
        Format::Table | Format::Csv | Format::Ids => {
            let text = query::explain(&query.server);
            if query.server.is_empty() || text.is_empty() {
                writeln!(out, "server filter: (no filter: every session)")?;
            } else {
                writeln!(out, "server filter: {text}")?;
            }
            if query.has_local() {
                writeln!(
                    out,
                    "local terms:   {} (checked on every session the filter matches)",
                    query.explain_local()
                )?;
            } else {
                writeln!(out, "local terms:   {}", query::NO_LOCAL)?;
            }
        }
    }
    Ok(())
}

/// Walks every match of `filter`, keeping only what `keep` extracts (small per session).
async fn collect<T>(
    client: &Client,
    filter: Filter,
    mut keep: impl FnMut(&Session) -> Option<T>,
) -> Result<Vec<T>, CliError> {
    let req = SessionListRequest {
        filter: filter_opt(filter),
        last: None,
        order: Some(Order::Desc),
        order_by: Some(OrderBy::CreatedAt),
        size: Some(COLLECT_PAGE_SIZE),
    };
    let mut found = Vec::new();
    let mut pages = std::pin::pin!(client.pages(ListScope::Service, req));
    while let Some(page) = pages.next().await {
        let resp = page.map_err(|e| CliError::from(e.error))?;
        found.extend(resp.result.sessions.iter().filter_map(&mut keep));
    }
    Ok(found)
}

/// The one identity whose sessions carry exactly this email.
pub(super) async fn user_for_email(client: &Client, email: &str) -> Result<String, CliError> {
    let mut filter = Filter::default();
    filter
        .0
        .insert("email".into(), serde_json::Value::String(email.to_string()));
    let mut identities = BTreeSet::new();
    collect(client, filter, |s| {
        identities.insert(s.identity.clone());
        None::<()>
    })
    .await?;
    let mut it = identities.into_iter();
    match (it.next(), it.next()) {
        (None, _) => Err(CliError::other(format!(
            "no sessions for that email ({}): unknown user or nobody signed in",
            clean(email)
        ))),
        (Some(one), None) => Ok(one),
        (Some(a), Some(b)) => {
            let all: Vec<String> = [a, b]
                .into_iter()
                .chain(it)
                .map(|i| clean(&i).into_owned())
                .collect();
            Err(CliError::usage(format!(
                "ambiguous: sessions of {} identities carry that email ({}); log out by USER_ID instead",
                all.len(),
                all.join(", ")
            )))
        }
    }
}

/// `--columns` and `--no-headers` shape tables and CSV only; with JSON or ids they would
/// be silently ignored, so that is a usage error instead.
pub fn check_format(
    format: crate::output::Format,
    columns: bool,
    no_headers: bool,
) -> Result<(), super::exit::CliError> {
    use crate::output::Format;
    let flag = match (columns, no_headers) {
        (true, _) => "--columns",
        (false, true) => "--no-headers",
        (false, false) => return Ok(()),
    };
    match format {
        Format::Table | Format::Csv => Ok(()),
        Format::Json | Format::Ndjson => Err(super::exit::CliError::usage(format!(
            "{flag} applies to -o table and -o csv; JSON always carries every field"
        ))),
        Format::Ids => Err(super::exit::CliError::usage(format!(
            "{flag} applies to -o table and -o csv; -o ids prints the id alone"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_caret_sits_under_the_span_measured_in_cells() {
        let err = QueryError {
            span: 6..11,
            message: "unknown field".into(),
        };
        let text = query_error_display("a=b c bogus=1", &err);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "query error: unknown field");
        assert_eq!(lines[1], "  a=b c bogus=1");
        assert_eq!(lines[2], "        ^^^^^");
        // Wide characters before the span shift the caret by their cell width.
        let q = "例え x";
        let err = QueryError {
            span: q.find('x').unwrap()..q.len(),
            message: "m".into(),
        };
        assert_eq!(
            query_error_display(q, &err).lines().nth(2).unwrap(),
            "  ".to_string() + "     ^"
        );
    }

    #[test]
    fn an_out_of_range_span_still_shows_a_caret() {
        let err = QueryError {
            span: 40..50,
            message: "m".into(),
        };
        let text = query_error_display("abc", &err);
        assert!(text.ends_with("     ^"), "{text:?}");
    }
}
