//! `authtop request get prq_…`: the result of a call the server queued (HTTP 202) and
//! that had not finished when authtop stopped waiting.

use super::ctx::Ctx;
use super::exit::{CliError, Exit};
use crate::output::{Format, pretty_json};
use crate::sanitize::clean;
use std::io::Write;

/// Asks once; prints the original call's result as JSON, or says it is still running.
pub async fn get(ctx: &Ctx, request_id: &str) -> Result<(), CliError> {
    let client = ctx.client()?;
    let Some(done) = client.request_get(request_id).await? else {
        return Err(CliError::new(
            Exit::Transport,
            format!(
                "request {} is still in progress; ask again later with: authtop request get {}",
                clean(request_id),
                clean(request_id)
            ),
        ));
    };
    let mut out = std::io::stdout().lock();
    let v = serde_json::json!({
        "request_id": done.request_id,
        "summary": done.summary,
        "result": done.result,
    });
    match ctx.format {
        Format::Ndjson => writeln!(out, "{}", crate::output::json_line(&v)?)?,
        _ => writeln!(out, "{}", pretty_json(&v, 0)?)?,
    }
    Ok(())
}
