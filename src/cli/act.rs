//! `sessions invalidate` and `sessions logout`: targets from ids, a query (local terms
//! walked), a plan or an id file, each checked before anything is sent; dry runs and
//! runs that name the profile and host first; plans written and acted on.

use super::args::{InvalidateArgs, LogoutArgs, RunArgs};
use super::bulk;
use super::ctx::Ctx;
use super::exit::{CliError, Exit};
use super::progress;
use super::sessions::{query_error_display, user_for_email};
use super::suggest::{dry_run, place, shell_quote, write_plan};
use crate::actions::{Item, Op, Outcome, Report, Target, guard};
use crate::audit::AuditAction;
use crate::authn::model::Timestamp;
use crate::authn::{Client, ListScope};
use crate::results::ids::{self, Kind};
use crate::results::plan::Plan;
use crate::results::{self, ResultSet, SAMPLE, Snapshot};
use crate::sanitize::clean;
use futures::StreamExt;
use std::io::{IsTerminal, Read};
use std::path::Path;

/// Which command, with what it says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verb {
    Invalidate,
    Logout,
}

impl Verb {
    fn action(self) -> AuditAction {
        match self {
            Verb::Invalidate => AuditAction::SessionInvalidate,
            Verb::Logout => AuditAction::SessionLogout,
        }
    }
    fn op(self) -> Op {
        match self {
            Verb::Invalidate => Op::SessionInvalidate,
            Verb::Logout => Op::SessionLogout,
        }
    }
    fn verb(self) -> &'static str {
        match self {
            Verb::Invalidate => "invalidated",
            Verb::Logout => "logged out",
        }
    }
    fn command(self) -> &'static str {
        match self {
            Verb::Invalidate => "sessions invalidate",
            Verb::Logout => "sessions logout",
        }
    }
    fn id_kind(self) -> Kind {
        match self {
            Verb::Invalidate => Kind::Session,
            Verb::Logout => Kind::User,
        }
    }
}

fn bad_id(e: &ids::BadId) -> CliError {
    CliError::usage(e.to_string())
}

/// Refuses a run against any host but `--expect-host`'s, before anything is sent.
fn expect_host(run: &RunArgs, client: &Client) -> Result<(), CliError> {
    match &run.expect_host {
        Some(h) if !h.eq_ignore_ascii_case(client.host()) => Err(CliError::usage(format!(
            "refused: the server is {}, and --expect-host says {} (nothing was sent)",
            clean(client.host()),
            clean(h)
        ))),
        _ => Ok(()),
    }
}

/// Ids from the arguments (or standard input for `-`) or `--from-ids FILE`, checked.
fn given_ids(
    args: &[String],
    from: Option<&Path>,
    kind: Kind,
) -> Result<Option<Vec<String>>, CliError> {
    if let Some(path) = from {
        let text = std::fs::read_to_string(path).map_err(|e| {
            CliError::usage(format!(
                "cannot read {}: {e} (nothing was sent)",
                path.display()
            ))
        })?;
        let ids =
            ids::parse_lines(&text, kind, &path.display().to_string()).map_err(|e| bad_id(&e))?;
        return non_empty(ids, &path.display().to_string(), kind).map(Some);
    }
    if args.is_empty() {
        return Ok(None);
    }
    if args.iter().any(|a| a == "-") {
        if args.len() > 1 {
            return Err(CliError::usage(
                "`-` reads every id from standard input: give no other ids with it".to_string(),
            ));
        }
        let stdin = std::io::stdin();
        if stdin.is_terminal() {
            crate::output::diag("authtop: reading ids, one a line; end with Ctrl-D");
        }
        let mut text = String::new();
        stdin.lock().read_to_string(&mut text).map_err(|e| {
            CliError::usage(format!(
                "reading ids from standard input: {e} (nothing was sent)"
            ))
        })?;
        let ids = ids::parse_lines(&text, kind, "standard input").map_err(|e| bad_id(&e))?;
        return non_empty(ids, "standard input", kind).map(Some);
    }
    ids::check_all(args, kind).map(Some).map_err(|e| bad_id(&e))
}

fn non_empty(ids: Vec<String>, source: &str, kind: Kind) -> Result<Vec<String>, CliError> {
    if ids.is_empty() {
        return Err(CliError::usage(format!(
            "no {}s in {source} (nothing was sent)",
            kind.noun()
        )));
    }
    Ok(ids)
}

/// `sessions invalidate`.
pub async fn invalidate(ctx: &Ctx, args: InvalidateArgs) -> Result<(), CliError> {
    ctx.refuse_if_read_only("sessions invalidate")?;
    let kind = Verb::Invalidate;
    let ids = given_ids(
        &args.session_ids,
        args.run.from_ids.as_deref(),
        kind.id_kind(),
    )?;
    let client = ctx.service_client("sessions invalidate")?;
    expect_host(&args.run, &client)?;
    if let Some(ids) = ids {
        guard::max(ids.len(), args.run.max).map_err(refused)?;
        let targets = ids.into_iter().map(Target::id).collect();
        eprintln!("authtop: on {}: {}", place(ctx, &client), kind.command());
        let report = bulk::run(ctx, &client, kind.op(), None, kind.verb(), targets).await?;
        let not_found = if args.ignore_not_found {
            bulk::NotFound::AlreadyGone
        } else {
            bulk::NotFound::Error
        };
        return bulk::finish(ctx, &report, kind.verb(), not_found);
    }
    if let Some(path) = &args.run.from_plan {
        return from_plan(ctx, &client, kind, path, args.run.max).await;
    }
    let snap = walk(ctx, &client, &args.run).await?;
    let targets = snap.targets.clone();
    guard::max(targets.len(), args.run.max).map_err(refused)?;
    if let Some(path) = &args.run.plan {
        return write_plan(
            ctx,
            &snap,
            kind.command(),
            kind.action().as_str(),
            &targets,
            path,
            None,
        );
    }
    if !args.run.yes {
        return dry_run(ctx, &client, kind.command(), &args.run, &snap, None);
    }
    act_on_snapshot(ctx, &client, kind, &snap, targets).await
}

/// `sessions logout`.
pub async fn logout(ctx: &Ctx, args: LogoutArgs) -> Result<(), CliError> {
    ctx.refuse_if_read_only("sessions logout")?;
    let kind = Verb::Logout;
    let ids = given_ids(&args.user_ids, args.run.from_ids.as_deref(), kind.id_kind())?;
    let client = ctx.service_client("sessions logout")?;
    expect_host(&args.run, &client)?;
    let targets = match (ids, &args.email) {
        (Some(ids), _) => Some(ids.into_iter().map(Target::id).collect::<Vec<_>>()),
        (None, Some(email)) => Some(vec![Target {
            id: user_for_email(&client, email).await?,
            identity: None,
            email: Some(email.clone()),
        }]),
        (None, None) => None,
    };
    if let Some(targets) = targets {
        guard::max(targets.len(), args.run.max).map_err(refused)?;
        eprintln!("authtop: on {}: {}", place(ctx, &client), kind.command());
        return logout_users(ctx, &client, targets, None, None).await;
    }
    if let Some(path) = &args.run.from_plan {
        return from_plan(ctx, &client, kind, path, args.run.max).await;
    }
    let snap = walk(ctx, &client, &args.run).await?;
    let users = user_targets(&snap);
    guard::max(users.len(), args.run.max).map_err(refused)?;
    let totals = count_sessions(&client, &users).await?;
    let total: u64 = totals.iter().sum();
    if let Some(path) = &args.run.plan {
        return write_plan(
            ctx,
            &snap,
            kind.command(),
            kind.action().as_str(),
            &users,
            path,
            Some(total),
        );
    }
    if !args.run.yes {
        return dry_run(
            ctx,
            &client,
            kind.command(),
            &args.run,
            &snap,
            Some((&users, total)),
        );
    }
    run_header(ctx, &client, kind, &snap, users.len());
    let walked = Some(snap.walked_at.to_string());
    logout_users(
        ctx,
        &client,
        users,
        Some(snap.set.text().to_string()),
        walked,
    )
    .await
}

/// The users of a snapshot, once each, as targets.
fn user_targets(snap: &Snapshot) -> Vec<Target> {
    let mut seen = std::collections::BTreeSet::new();
    snap.targets
        .iter()
        .filter_map(|t| {
            let id = t.identity.clone()?;
            seen.insert(id.clone()).then(|| Target {
                id,
                identity: None,
                email: t.email.clone(),
            })
        })
        .collect()
}

/// Each user's sessions in all, as the server counts them (8 at a time).
async fn count_sessions(client: &Client, users: &[Target]) -> Result<Vec<u64>, CliError> {
    let counts: Vec<Result<u64, crate::authn::Error>> =
        futures::stream::iter(users.iter().map(|u| results::user_sessions(client, &u.id)))
            .buffered(8)
            .collect()
            .await;
    counts
        .into_iter()
        .map(|c| {
            c.map_err(|e| {
                CliError::new(
                    Exit::for_error(&e),
                    format!("counting the users' sessions failed, so nothing was sent: {e}"),
                )
            })
        })
        .collect()
}

/// Logs users out: each user's sessions are counted first; a user with none is not found
/// (nothing is sent for them). The summary says how many sessions ended.
async fn logout_users(
    ctx: &Ctx,
    client: &Client,
    targets: Vec<Target>,
    query: Option<String>,
    walked_at: Option<String>,
) -> Result<(), CliError> {
    let counts = count_sessions(client, &targets).await?;
    let mut known = Vec::new();
    let mut unknown = Vec::new();
    let mut sessions_of = std::collections::HashMap::new();
    for (t, n) in targets.into_iter().zip(counts) {
        if n == 0 {
            unknown.push(t);
        } else {
            sessions_of.insert(t.id.clone(), n);
            known.push(t);
        }
    }
    let mut report = if known.is_empty() {
        Report {
            action: AuditAction::SessionLogout,
            run_id: crate::actions::new_run_id(),
            items: Vec::new(),
            stopped: None,
        }
    } else {
        bulk::run_walked(
            ctx,
            client,
            Op::SessionLogout,
            query,
            walked_at,
            "logged out",
            known,
        )
        .await?
    };
    let ended: u64 = report
        .items
        .iter()
        .filter(|i| i.outcome.ended())
        .filter_map(|i| sessions_of.get(&i.target.id))
        .sum();
    report.items.extend(unknown.into_iter().map(|target| Item {
        target,
        outcome: Outcome::NotFound,
        request_id: None,
    }));
    let note = format!(
        "sessions ended: {} (counted before logging out; a user with no session is not found)",
        crate::number::thousands(ended)
    );
    bulk::finish_with(
        ctx,
        &report,
        "logged out",
        bulk::NotFound::Error,
        Some(&note),
    )
}

fn refused(e: guard::Refused) -> CliError {
    CliError::usage(e.to_string())
}

/// Compiles the query and walks it (pages of 1,000, local terms applied), refusing a
/// blank query and, without `--all`, one that matches every session of the project.
async fn walk(ctx: &Ctx, client: &Client, run: &RunArgs) -> Result<Snapshot, CliError> {
    let now = Timestamp::now();
    let text = match (&run.query, run.all) {
        (Some(q), _) if !q.trim().is_empty() => q.clone(),
        (_, true) => String::new(),
        _ => return Err(refused(guard::Refused::BlankQuery)),
    };
    let set = ResultSet::compile(&text, now, ctx.settings.profile.clone(), client.host())
        .map_err(|e| CliError::usage(query_error_display(&text, &e)))?;
    let shown = progress::Progress::counter(ctx.term, "walking");
    let cancel = tokio_util::sync::CancellationToken::new();
    let walked = results::snapshot(
        client,
        ListScope::Service,
        &set,
        results::Walk {
            sample: SAMPLE,
            // With --all, matching everything is what was asked for: no count needed.
            whole: !run.all,
            window: ctx.settings.walk_window,
        },
        &cancel,
        |p| shown.walked(p),
    )
    .await;
    drop(shown);
    let snap = walked.map_err(|e| {
        CliError::new(
            Exit::for_error(&e.error),
            format!(
                "listing the matching sessions failed, so nothing was sent: {}",
                e.error
            ),
        )
    })?;
    // Nothing cancels this walk; were it stopped early, acting on part would mislead.
    let snap = snap.ok_or_else(|| {
        CliError::other("the walk stopped before its last page, so nothing was sent")
    })?;
    if snap.matches_everything() && !run.all {
        return Err(CliError::usage(format!(
            "the query {} matches all {} sessions of the project on {}, so it would act on every session (nothing was sent); to mean that, pass --all",
            shell_quote(set.text()),
            crate::number::thousands(snap.whole.unwrap_or_default()),
            clean(&set.place()),
        )));
    }
    Ok(snap)
}

/// "on prod @ host: invalidating 76 sessions ...": said on stderr before acting.
fn run_header(ctx: &Ctx, client: &Client, kind: Verb, snap: &Snapshot, n: usize) {
    eprintln!(
        "authtop: on {}: {} {} target(s) from {}",
        place(ctx, client),
        kind.command(),
        crate::number::thousands(n as u64),
        snap.headline()
    );
}

async fn act_on_snapshot(
    ctx: &Ctx,
    client: &Client,
    kind: Verb,
    snap: &Snapshot,
    targets: Vec<Target>,
) -> Result<(), CliError> {
    run_header(ctx, client, kind, snap, targets.len());
    let report = bulk::run_walked(
        ctx,
        client,
        kind.op(),
        Some(audit_query(snap)),
        Some(snap.walked_at.to_string()),
        kind.verb(),
        targets,
    )
    .await?;
    let note = after_walk_note(&snap.walked_at.to_string());
    // Matched moments ago: a session gone since then was ended by someone else.
    bulk::finish_with(
        ctx,
        &report,
        kind.verb(),
        bulk::NotFound::AlreadyGone,
        Some(&note),
    )
}

fn after_walk_note(walked_at: &str) -> String {
    format!("acted on the sessions the walk found at {walked_at}; logins after it were not touched")
}

/// How the audit log names a query run (`--all` alone is `*all*`).
fn audit_query(snap: &Snapshot) -> String {
    if snap.set.is_blank() {
        "*all*".into()
    } else {
        snap.set.text().to_string()
    }
}

/// Acts on exactly a plan's targets, refusing one made for another profile or host.
async fn from_plan(
    ctx: &Ctx,
    client: &Client,
    kind: Verb,
    path: &Path,
    max: Option<usize>,
) -> Result<(), CliError> {
    let plan =
        Plan::read(path, kind.action().as_str()).map_err(|e| CliError::usage(e.to_string()))?;
    plan.check_place(path, &ctx.settings.profile, client.host())
        .map_err(|e| CliError::usage(e.to_string()))?;
    guard::max(plan.targets.len(), max).map_err(refused)?;
    eprintln!(
        "authtop: on {}: {} {} target(s) of the plan {} (query {}, walked {})",
        place(ctx, client),
        kind.command(),
        crate::number::thousands(plan.targets.len() as u64),
        path.display(),
        shell_quote(&plan.query),
        clean(&plan.walked_at)
    );
    let query = if plan.query.trim().is_empty() {
        "*all*".to_string()
    } else {
        plan.query.clone()
    };
    if kind == Verb::Logout {
        return logout_users(
            ctx,
            client,
            plan.targets(),
            Some(query),
            Some(plan.walked_at.clone()),
        )
        .await;
    }
    let report = bulk::run_walked(
        ctx,
        client,
        kind.op(),
        Some(query),
        Some(plan.walked_at.clone()),
        kind.verb(),
        plan.targets(),
    )
    .await?;
    let note = after_walk_note(&plan.walked_at);
    bulk::finish_with(
        ctx,
        &report,
        kind.verb(),
        bulk::NotFound::AlreadyGone,
        Some(&note),
    )
}
