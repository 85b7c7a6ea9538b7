//! `authtop client invalidate|logout|refresh` and `authtop token check`: calls made with
//! a user's tokens (the service token is still the Bearer, spec 1.3).

use super::bulk;
use super::ctx::Ctx;
use super::exit::{CliError, Exit};
use crate::actions::refresh::{RefreshError, refresh_and_save};
use crate::actions::{Op, Target};
use crate::authn::model::{Filter, Session, SessionListRequest, Timestamp, TokenInfo};
use crate::authn::{Client, Secret};
use crate::config::inputs::USER_TOKEN_ENV;
use crate::output::{Format, csv_record, json_line, pretty_json, relative, table};
use crate::sanitize::clean;
use serde::Serialize;
use std::io::Write;
use std::path::Path;

/// The user token from flags, env or the token file, or a usage error saying how to give one.
pub fn user_token(ctx: &Ctx) -> Result<Secret, CliError> {
    ctx.settings
        .user_token
        .clone()
        .ok_or_else(|| missing(ctx, "user token", "--user-token", USER_TOKEN_ENV))
}

fn missing(ctx: &Ctx, what: &str, flag: &str, env: &str) -> CliError {
    match &ctx.settings.user_token_problem {
        Some(problem) => CliError::usage(format!("no {what}: {problem}")),
        None => CliError::usage(format!(
            "no {what}: pass {flag}, set {env}, or pass --token-file FILE"
        )),
    }
}

/// `client invalidate SESSION_ID`: only a session of the user token's owner. The server
/// answers `NotFound` for another user's session as for a gone one, so the session is
/// first looked up among the user's own; either way a miss is an error, never success.
pub async fn invalidate(ctx: &Ctx, session_id: String) -> Result<(), CliError> {
    ctx.refuse_if_read_only("client invalidate")?;
    // Checked before anything is sent: a token given as the id never leaves this process.
    let session_id = crate::results::ids::check(
        session_id.trim(),
        crate::results::ids::Kind::Session,
        crate::results::ids::Origin::Argument(1),
    )
    .map_err(|e| CliError::usage(e.to_string()))?;
    let token = user_token(ctx)?;
    let client = ctx.client()?;
    let Some(own) = own_session(&client, &token, &session_id).await? else {
        return Err(CliError::new(
            Exit::NotFound,
            format!(
                "{} is not one of the sessions of the user token (another user's session, or already ended); nothing was sent",
                clean(&session_id)
            ),
        ));
    };
    let target = Target {
        id: session_id,
        identity: Some(own.identity).filter(|i| !i.is_empty()),
        email: Some(own.email).filter(|e| !e.is_empty()),
    };
    let report = bulk::run(
        ctx,
        &client,
        Op::ClientInvalidate(token),
        None,
        "invalidated",
        vec![target],
    )
    .await?;
    bulk::finish(ctx, &report, "invalidated", bulk::NotFound::Error)
}

/// The user's own session with this id, if the user token's list holds it.
async fn own_session(
    client: &Client,
    token: &Secret,
    session_id: &str,
) -> Result<Option<Session>, CliError> {
    let mut filter = Filter::default();
    filter
        .0
        .insert("id".into(), serde_json::Value::String(session_id.into()));
    let req = SessionListRequest {
        filter: Some(filter),
        last: None,
        order: None,
        order_by: None,
        size: Some(10),
    };
    let page = client.client_session_list(token, &req).await?;
    Ok(page
        .result
        .sessions
        .into_iter()
        .find(|s| s.id == session_id))
}

/// `client logout`: the audit target is the token's owner, looked up first when possible.
pub async fn logout(ctx: &Ctx) -> Result<(), CliError> {
    ctx.refuse_if_read_only("client logout")?;
    let token = user_token(ctx)?;
    let client = ctx.client()?;
    let target = match client.token_check(&token).await {
        Ok(r) => Target {
            id: r.result.identity.clone(),
            identity: Some(r.result.identity),
            email: Some(r.result.email).filter(|e| !e.is_empty()),
        },
        Err(_) => Target::id("(owner of the user token)"),
    };
    let report = bulk::run(
        ctx,
        &client,
        Op::ClientLogout(token),
        None,
        "logged out",
        vec![target],
    )
    .await?;
    bulk::finish(ctx, &report, "logged out", bulk::NotFound::Error)
}

/// What `client refresh` prints: ids and expiries, never values.
#[derive(Debug, Serialize)]
struct RefreshReport {
    user_token_id: Option<String>,
    user_token_expire: Option<Timestamp>,
    refresh_token_id: Option<String>,
    refresh_token_expire: Option<Timestamp>,
    token_file: Option<String>,
    /// True when another process had refreshed the file first and its pair was kept.
    already_refreshed: bool,
}

/// `client refresh`: needs a token file, because the old pair stops working and the new
/// one must be kept somewhere (see [`crate::actions::refresh`]).
pub async fn refresh(ctx: &Ctx) -> Result<(), CliError> {
    let Some(path) = ctx.settings.token_file.clone() else {
        return Err(CliError::usage(
            "client refresh needs --token-file FILE (or user_token_file in the profile): the old tokens stop working and the new ones are written there",
        ));
    };
    if let Some(problem) = &ctx.settings.user_token_problem
        && path.exists()
    {
        return Err(CliError::usage(format!("no refresh token: {problem}")));
    }
    let client = ctx.client()?;
    let done = match refresh_and_save(
        &client,
        ctx.settings.refresh_token.as_ref(),
        ctx.settings.user_token.as_ref(),
        Some(&path),
    )
    .await
    {
        Ok(done) => done,
        Err(RefreshError::Api(e)) => return Err(e.into()),
        Err(e @ RefreshError::NotSaved { .. }) => {
            return Err(CliError::new(Exit::NotSaved, e.to_string()));
        }
        Err(e @ RefreshError::NoRefreshToken) => return Err(CliError::usage(e.to_string())),
        Err(e) => return Err(CliError::other(e.to_string())),
    };
    let result = &done;
    let shown = RefreshReport {
        user_token_id: result.active.as_ref().map(|t| t.id.clone()),
        user_token_expire: result.active.as_ref().map(|t| t.expire),
        refresh_token_id: result.refresh_token_id.clone(),
        refresh_token_expire: result.session_expire,
        token_file: Some(path.display().to_string()),
        already_refreshed: result.adopted,
    };
    print_refresh(ctx, &shown, &path)
}

/// Writes what `client refresh` did in the chosen format.
fn print_refresh(ctx: &Ctx, shown: &RefreshReport, path: &Path) -> Result<(), CliError> {
    let now = Timestamp::now();
    let mut out = std::io::stdout().lock();
    match ctx.format {
        Format::Json | Format::Ndjson => writeln!(out, "{}", pretty_json(shown, 0)?)?,
        Format::Csv => {
            out.write_all(
                csv_record(&[
                    "user_token_id",
                    "user_token_expire",
                    "refresh_token_id",
                    "refresh_token_expire",
                ])
                .as_bytes(),
            )?;
            out.write_all(
                csv_record(&[
                    shown.user_token_id.clone().unwrap_or_default(),
                    shown
                        .user_token_expire
                        .map(|t| t.to_string())
                        .unwrap_or_default(),
                    shown.refresh_token_id.clone().unwrap_or_default(),
                    shown
                        .refresh_token_expire
                        .map(|t| t.to_string())
                        .unwrap_or_default(),
                ])
                .as_bytes(),
            )?;
        }
        Format::Table | Format::Ids => {
            let mut rows = Vec::new();
            if let (Some(id), Some(exp)) = (&shown.user_token_id, shown.user_token_expire) {
                rows.push(vec![
                    "user token".into(),
                    id.clone(),
                    exp.to_string(),
                    relative(exp, now),
                ]);
            }
            if let (Some(id), Some(exp)) = (&shown.refresh_token_id, shown.refresh_token_expire) {
                rows.push(vec![
                    "session".into(),
                    id.clone(),
                    exp.to_string(),
                    relative(exp, now),
                ]);
            }
            out.write_all(
                table(
                    &["REFRESHED", "ID", "EXPIRES", ""],
                    &rows,
                    &[12, 40, 32, 12],
                    ctx.term.color,
                )
                .as_bytes(),
            )?;
            if shown.already_refreshed {
                writeln!(
                    out,
                    "another process had just refreshed {}: its tokens are kept",
                    path.display()
                )?;
            } else {
                writeln!(out, "saved to {}", path.display())?;
            }
        }
    }
    Ok(())
}

/// `token check [TOKEN|-]`: `-` reads the token from standard input.
pub async fn check(ctx: &Ctx, token: Option<String>) -> Result<(), CliError> {
    let token = match token.filter(|t| !t.is_empty()) {
        Some(t) if t == "-" => crate::config::secret_file::read_token_from(std::io::stdin().lock())
            .map_err(CliError::usage)?,
        Some(t) => Secret::new(t),
        None => user_token(ctx)?,
    };
    let client = ctx.client()?;
    let info = client.token_check(&token).await?.result;
    let mut out = std::io::stdout().lock();
    write_token(
        &mut out,
        &info,
        ctx.format,
        Timestamp::now(),
        ctx.term.color,
    )?;
    Ok(())
}

fn write_token(
    out: &mut dyn Write,
    info: &TokenInfo,
    format: Format,
    now: Timestamp,
    color: bool,
) -> std::io::Result<()> {
    let left = relative(info.expire, now);
    let fields = [
        ("id", info.id.clone()),
        ("type", info.kind.clone()),
        ("identity", info.identity.clone()),
        ("email", info.email.clone()),
        ("expire", info.expire.to_string()),
        (
            "time_left",
            if info.expire > now {
                left
            } else {
                format!("expired {left}")
            },
        ),
    ];
    match format {
        Format::Json => writeln!(out, "{}", pretty_json(info, 0)?)?,
        Format::Ndjson => {
            writeln!(out, "{}", json_line(info)?)?;
        }
        Format::Csv => {
            out.write_all(csv_record(&fields.clone().map(|(k, _)| k)).as_bytes())?;
            out.write_all(csv_record(&fields.map(|(_, v)| v)).as_bytes())?;
        }
        Format::Table | Format::Ids => {
            let rows: Vec<Vec<String>> = fields
                .iter()
                .map(|(k, v)| vec![(*k).to_string(), v.clone()])
                .collect();
            out.write_all(table(&["FIELD", "VALUE"], &rows, &[10, 80], color).as_bytes())?;
        }
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_check_shows_expiry_and_time_left() {
        let info: TokenInfo = serde_json::from_value(serde_json::json!({
            "id": "pmt_x", "type": "user", "life": 60, "expire": "2026-01-01T02:00:00Z",
            "identity": "pui_y", "email": "a@b.io\u{1b}[2J", "created_at": "2026-01-01T00:00:00Z"
        }))
        .unwrap();
        let now: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        let mut out = Vec::new();
        write_token(&mut out, &info, Format::Table, now, false).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("in 2h"), "{text}");
        assert!(text.contains("pui_y") && text.contains("pmt_x"), "{text}");
        assert!(!text.contains('\u{1b}'), "{text:?}");
    }
}
