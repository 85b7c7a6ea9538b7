//! What a destructive run says before it acts: where it runs (profile and host, first),
//! the dry run's count, users, sample and walk time, the plan it writes, and the complete
//! command to paste (profile, server, token source by name, `--expect-host`).

use super::args::RunArgs;
use super::ctx::Ctx;
use super::exit::CliError;
use crate::actions::Target;
use crate::authn::Client;
use crate::authn::model::Timestamp;
use crate::config::Source;
use crate::output::{Format, pretty_json, relative, table};
use crate::results::Snapshot;
use crate::results::plan::Plan;
use crate::sanitize::clean;
use std::io::Write;
use std::path::Path;

/// `profile NAME @ HOST`, the first thing every dry run and run says.
pub(super) fn place(ctx: &Ctx, client: &Client) -> String {
    format!(
        "{} @ {}",
        clean(&ctx.settings.profile),
        clean(client.host())
    )
}

/// A word quoted for a POSIX shell.
pub fn shell_quote(s: &str) -> String {
    format!("'{}'", clean(s).replace('\'', "'\\''"))
}

/// The flags that make a pasted command run where this one did: the profile, the server
/// and where the service token comes from (never its value), and `--expect-host`, so
/// it refuses any other host whatever the shell it is pasted in.
pub fn connection_flags(ctx: &Ctx, host: &str) -> String {
    let s = &ctx.settings;
    let mut flags = Vec::new();
    if s.profile_defined {
        flags.push(format!("--profile {}", shell_quote(&s.profile)));
    }
    let origin = |name: &str| s.origins.iter().find(|o| o.name == name);
    if let Some(cfg) = &s.client {
        flags.push(format!("--base-url {}", shell_quote(&cfg.base_url)));
        if cfg.allow_http && cfg.base_url.starts_with("http://") {
            flags.push("--allow-http".into());
        }
    }
    if let Some(token) = origin("token") {
        match &token.source {
            Source::File(path) if path.as_os_str() != "-" => flags.push(format!(
                "--service-token-file {}",
                shell_quote(&path.display().to_string())
            )),
            Source::Env(name) if name == crate::config::inputs::TOKEN_ENV => {}
            Source::Env(name) => flags.push(format!("--token \"${{{name}:?}}\"")),
            Source::Profile(_) if s.profile_defined => {}
            _ => flags.push(format!(
                "--token \"${{{}:?}}\"",
                crate::config::inputs::TOKEN_ENV
            )),
        }
    }
    flags.push(format!("--expect-host {}", shell_quote(host)));
    flags.join(" ")
}

/// Writes the plan and says what it holds; nothing is acted on.
pub(super) fn write_plan(
    ctx: &Ctx,
    snap: &Snapshot,
    command: &str,
    action: &str,
    targets: &[Target],
    path: &Path,
    total: Option<u64>,
) -> Result<(), CliError> {
    let plan = Plan::new(snap, action, targets);
    plan.write(path).map_err(|e| {
        CliError::other(format!(
            "cannot write the plan {}: {e} (nothing was sent)",
            path.display()
        ))
    })?;
    let mut out = std::io::stdout().lock();
    let extra = total
        .map(|t| format!(" ({} sessions in all)", crate::number::thousands(t)))
        .unwrap_or_default();
    writeln!(
        out,
        "on {}: plan written to {} (nothing was sent): {} target(s){extra}; {}",
        clean(&snap.set.place()),
        path.display(),
        crate::number::thousands(targets.len() as u64),
        snap.headline()
    )?;
    writeln!(
        out,
        "to act on exactly these: authtop {} --from-plan {} {}",
        command,
        shell_quote(&path.display().to_string()),
        connection_flags(ctx, &snap.set.host)
    )?;
    Ok(())
}

/// The complete command that does what the dry run showed.
fn run_command(ctx: &Ctx, client: &Client, command: &str, run: &RunArgs) -> String {
    let mut flags = Vec::new();
    if let Some(q) = run.query.as_deref().filter(|q| !q.trim().is_empty()) {
        flags.push(format!("--query {}", shell_quote(q)));
    }
    if run.all {
        flags.push("--all".into());
    }
    if let Some(m) = run.max {
        flags.push(format!("--max {m}"));
    }
    flags.push("--yes".into());
    format!(
        "authtop {} {} {}",
        command,
        flags.join(" "),
        connection_flags(ctx, client.host())
    )
}

/// What the dry run prints: where first, then what matches, a sample, and the complete
/// command that acts on it.
pub(super) fn dry_run(
    ctx: &Ctx,
    client: &Client,
    command: &str,
    run: &RunArgs,
    snap: &Snapshot,
    logout: Option<(&[Target], u64)>,
) -> Result<(), CliError> {
    let now = Timestamp::now();
    let command = run_command(ctx, client, command, run);
    let mut out = std::io::stdout().lock();
    match ctx.format {
        Format::Json | Format::Ndjson => {
            let mut v = serde_json::json!({
                "profile": ctx.settings.profile,
                "host": client.host(),
                "dry_run": true,
                "query": snap.set.text(),
                "matched": snap.count(),
                "users": snap.users,
                "walked_at": snap.walked_at.to_string(),
                "walk_ms": snap.walk_ms,
                "sample": snap.sample,
                "run": command,
            });
            if let Some((users, total)) = logout {
                v["logout_users"] = users.len().into();
                v["sessions_of_those_users"] = total.into();
            }
            writeln!(out, "{}", pretty_json(&v, 0)?)?;
        }
        Format::Ids | Format::Csv => {
            // The rows are what the run would act on; where and how to act go to stderr,
            // so a script reads the targets alone and a person still sees the place.
            crate::output::diag(&format!(
                "authtop: on {} (dry run: nothing was changed); {}; to act on them: {command}",
                place(ctx, client),
                snap.headline()
            ));
            let targets = logout.map_or(snap.targets.as_slice(), |(users, _)| users);
            if matches!(ctx.format, Format::Csv) {
                out.write_all(crate::output::csv_record(&["id", "identity", "email"]).as_bytes())?;
            }
            for t in targets {
                if matches!(ctx.format, Format::Csv) {
                    let identity = t.identity.as_deref().unwrap_or_default();
                    let email = t.email.as_deref().unwrap_or_default();
                    out.write_all(
                        crate::output::csv_record(&[t.id.as_str(), identity, email]).as_bytes(),
                    )?;
                } else {
                    writeln!(out, "{}", t.id)?;
                }
            }
        }
        Format::Table => {
            writeln!(
                out,
                "on {} (dry run: nothing was changed)",
                place(ctx, client)
            )?;
            writeln!(
                out,
                "{}; the walk took {:.1} s",
                snap.headline(),
                snap.walk_ms as f64 / 1000.0
            )?;
            if let Some((users, total)) = logout {
                writeln!(
                    out,
                    "logging out these {} user(s) ends all {} of their sessions, not only the matching ones",
                    crate::number::thousands(users.len() as u64),
                    crate::number::thousands(total)
                )?;
            }
            let rows: Vec<Vec<String>> = snap
                .sample
                .iter()
                .map(|s| vec![s.id.clone(), s.email.clone(), relative(s.created_at, now)])
                .collect();
            if !rows.is_empty() {
                writeln!(out, "showing {}:", rows.len())?;
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
            writeln!(out, "to act on them: {command}")?;
        }
    }
    Ok(())
}
