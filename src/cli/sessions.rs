//! `authtop sessions list|invalidate|logout` (and the list half of `client list`).

use super::args::{InvalidateArgs, ListArgs, LogoutArgs};
use super::output::{Format, SessionWriter, pretty_json, relative, table};
use super::{CliError, Ctx, Exit, bulk};
use crate::actions::{Op, Target, guard};
use crate::authn::model::{Filter, Order, OrderBy, Session, SessionListRequest, Timestamp};
use crate::authn::{Client, ListScope};
use crate::query::{self, QueryError};
use crate::sanitize::clean;
use futures::StreamExt;
use std::collections::BTreeSet;
use std::io::Write;

/// Page size used when walking a query's matches to collect ids.
const COLLECT_PAGE_SIZE: u32 = 1000;
/// Sessions shown by a dry run.
const SAMPLE: usize = 10;

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

fn filter_opt(filter: Filter) -> Option<Filter> {
    (!filter.is_empty()).then_some(filter)
}

/// `sessions list` / `client list`.
pub async fn list(ctx: &Ctx, scope: ListScope, args: ListArgs) -> Result<(), CliError> {
    let now = Timestamp::now();
    let query = args.query.join(" ");
    let filter = compile(&query, now)?;
    if args.explain {
        return explain(ctx, &filter);
    }
    let client = ctx.client()?;
    let req = SessionListRequest {
        filter: filter_opt(filter),
        last: args.last.filter(|l| !l.is_empty()),
        order: Some(if args.asc { Order::Asc } else { Order::Desc }),
        order_by: Some(args.order_by.unwrap_or(OrderBy::CreatedAt)),
        size: Some(args.size.unwrap_or(ctx.settings.page_size)),
    };
    // Buffered: stdout is line-buffered, and a write per row costs a syscall per session.
    // The writer flushes after every batch, so rows still appear page by page.
    let out = std::io::BufWriter::with_capacity(64 << 10, std::io::stdout().lock());
    let mut writer = SessionWriter::new(out, ctx.format, now, ctx.term.color);
    if !args.all {
        let resp = match &scope {
            ListScope::Service => client.session_list(&req).await?,
            ListScope::Client(t) => client.client_session_list(t, &req).await?,
        };
        writer.batch(&resp.result.sessions)?;
        drop(writer.finish()?);
        if let Some(next) = resp.result.last.filter(|l| !l.is_empty())
            && !resp.result.sessions.is_empty()
        {
            super::output::diag(&format!("next page: --last {}", clean(&next)));
        }
        return Ok(());
    }
    // Nothing changes the sessions while they are listed, so the next page may be on its
    // way while this one is written.
    let mut pages = std::pin::pin!(client.pages_ahead(scope, req));
    while let Some(page) = pages.next().await {
        match page {
            Ok(resp) => writer.batch(&resp.result.sessions)?,
            Err(e) => {
                // Close the output so what was written still parses.
                drop(writer.finish()?);
                let mut msg = e.error.to_string();
                if let Some(cursor) = &e.resume_from {
                    msg.push_str(&format!("\nresume with: --last {cursor}"));
                }
                return Err(CliError::new(Exit::for_error(&e.error), msg));
            }
        }
    }
    drop(writer.finish()?);
    Ok(())
}

fn explain(ctx: &Ctx, filter: &Filter) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    match ctx.format {
        Format::Json | Format::Ndjson => writeln!(out, "{}", pretty_json(filter, 0)?)?,
        Format::Table | Format::Csv => {
            let text = query::explain(filter);
            if filter.is_empty() || text.is_empty() {
                writeln!(out, "(no filter: every session)")?;
            } else {
                writeln!(out, "{text}")?;
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

/// `sessions invalidate`: explicit ids, or a query's matches (a dry run unless `--yes`),
/// guarded against a blank query and bounded by `--max`.
pub async fn invalidate(ctx: &Ctx, args: InvalidateArgs) -> Result<(), CliError> {
    ctx.refuse_if_read_only("sessions invalidate")?;
    let refused = |e: guard::Refused| CliError::usage(e.to_string());
    if !args.session_ids.is_empty() {
        let targets: Vec<Target> = dedup(args.session_ids)
            .into_iter()
            .map(Target::id)
            .collect();
        guard::max(targets.len(), args.max).map_err(refused)?;
        let client = ctx.client()?;
        let report = bulk::run(
            ctx,
            &client,
            Op::SessionInvalidate,
            None,
            "invalidated",
            targets,
        )
        .await?;
        let not_found = if args.ignore_not_found {
            bulk::NotFound::AlreadyGone
        } else {
            bulk::NotFound::Error
        };
        return bulk::finish(ctx, &report, "invalidated", not_found);
    }
    let now = Timestamp::now();
    let scope = guard::scope(args.query.as_deref(), args.all).map_err(refused)?;
    let filter = match &scope {
        guard::Scope::Query(q) => compile(q, now)?,
        guard::Scope::All => Filter::default(),
    };
    guard::filter(&scope, &filter).map_err(refused)?;
    let client = ctx.client()?;
    let census = guard::census(&client, ListScope::Service, filter, SAMPLE)
        .await
        .map_err(|e| {
            CliError::new(
                Exit::for_error(&e.error),
                format!(
                    "listing the matching sessions failed, so nothing was sent: {}",
                    e.error
                ),
            )
        })?;
    guard::max(census.targets.len(), args.max).map_err(refused)?;
    if !args.yes {
        return dry_run(ctx, &scope, &census, args.max, now);
    }
    let report = bulk::run(
        ctx,
        &client,
        Op::SessionInvalidate,
        Some(scope.audit_query()),
        "invalidated",
        census.targets,
    )
    .await?;
    // Matched moments ago: a session gone since then was ended by someone else.
    bulk::finish(ctx, &report, "invalidated", bulk::NotFound::AlreadyGone)
}

fn dedup(ids: Vec<String>) -> Vec<String> {
    let mut seen = BTreeSet::new();
    ids.into_iter()
        .filter(|id| seen.insert(id.clone()))
        .collect()
}

/// A word quoted for a POSIX shell.
fn shell_quote(s: &str) -> String {
    format!("'{}'", clean(s).replace('\'', "'\\''"))
}

fn dry_run(
    ctx: &Ctx,
    scope: &guard::Scope,
    census: &guard::Census,
    max: Option<usize>,
    now: Timestamp,
) -> Result<(), CliError> {
    let matched = census.targets.len();
    let (what, flag) = match scope {
        guard::Scope::All => (
            "every session of the project".to_string(),
            "--all".to_string(),
        ),
        guard::Scope::Query(q) => (
            format!("the query {}", shell_quote(q)),
            format!("--query {}", shell_quote(q)),
        ),
    };
    let bound = max.map(|m| format!(" --max {m}")).unwrap_or_default();
    let command = format!("authtop sessions invalidate {flag}{bound} --yes");
    let mut out = std::io::stdout().lock();
    match ctx.format {
        Format::Json | Format::Ndjson => {
            let v = serde_json::json!({
                "dry_run": true,
                "scope": what,
                "matched": matched,
                "users": census.users,
                "sample": census.sample,
                "run": command,
            });
            writeln!(out, "{}", pretty_json(&v, 0)?)?;
        }
        Format::Table | Format::Csv => {
            writeln!(
                out,
                "{matched} session(s) of {} user(s) match {what}; showing {} (dry run: nothing was changed)",
                census.users,
                census.sample.len()
            )?;
            let rows: Vec<Vec<String>> = census
                .sample
                .iter()
                .map(|s| vec![s.id.clone(), s.email.clone(), relative(s.created_at, now)])
                .collect();
            if !rows.is_empty() {
                out.write_all(
                    table(
                        &["ID", "EMAIL", "CREATED"],
                        &rows,
                        &[40, 40, 12],
                        ctx.term.color,
                    )
                    .as_bytes(),
                )?;
            }
            writeln!(out, "to end them: {command}")?;
        }
    }
    Ok(())
}

/// `sessions logout`.
pub async fn logout(ctx: &Ctx, args: LogoutArgs) -> Result<(), CliError> {
    ctx.refuse_if_read_only("sessions logout")?;
    let client = ctx.client()?;
    let targets = match &args.email {
        None => dedup(args.user_ids).into_iter().map(Target::id).collect(),
        Some(email) => vec![Target {
            id: user_for_email(&client, email).await?,
            identity: None,
            email: Some(email.clone()),
        }],
    };
    let report = bulk::run(ctx, &client, Op::SessionLogout, None, "logged out", targets).await?;
    bulk::finish(ctx, &report, "logged out", bulk::NotFound::Error)
}

/// The one identity whose sessions carry exactly this email.
async fn user_for_email(client: &Client, email: &str) -> Result<String, CliError> {
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

    #[test]
    fn duplicate_ids_are_acted_on_once() {
        assert_eq!(dedup(vec!["a".into(), "b".into(), "a".into()]), ["a", "b"]);
    }
}
