//! Destructive actions over many targets: bounded concurrency, one audit line per
//! target, a progress line on a terminal stderr, and a summary in the output format.

use super::output::{Format, csv_record, pretty_json, table};
use super::{CliError, Ctx, Exit};
use crate::audit::{AuditLog, AuditRecord};
use crate::authn::{Error, Response};
use futures::StreamExt;
use serde::Serialize;
use std::future::Future;
use std::io::Write;

/// What happened to one target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetResult {
    /// Session id or user id.
    pub target: String,
    /// `ok`, `not_found` (already gone) or `failed`.
    pub outcome: &'static str,
    /// The Pangea request id, when there is one.
    pub request_id: Option<String>,
    /// Why it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Every target's result, in completion order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Audit action name (`session.invalidate` …).
    pub action: &'static str,
    /// Targets done.
    pub done: usize,
    /// Targets already gone (`NotFound`).
    pub already_gone: usize,
    /// Targets that failed.
    pub failed: usize,
    /// Per target.
    pub results: Vec<TargetResult>,
    #[serde(skip)]
    first_failure: Option<Exit>,
    #[serde(skip)]
    audit_failures: usize,
}

impl Report {
    /// The exit status: ok, partial (6), or when every target failed the class of the failure.
    pub fn outcome(&self) -> Result<(), CliError> {
        if self.audit_failures > 0 {
            return Err(CliError::other(format!(
                "{} audit line(s) could not be written",
                self.audit_failures
            )));
        }
        if self.failed == 0 {
            return Ok(());
        }
        let total = self.results.len();
        let exit = if self.failed < total {
            Exit::Partial
        } else {
            self.first_failure.unwrap_or(Exit::Other)
        };
        Err(CliError::new(
            exit,
            format!("{} of {total} target(s) failed", self.failed),
        ))
    }

    /// Writes the summary in `format`.
    pub fn write(
        &self,
        out: &mut dyn Write,
        format: Format,
        verb: &str,
        color: bool,
    ) -> std::io::Result<()> {
        match format {
            Format::Table => {
                writeln!(
                    out,
                    "{verb}: {}   already gone: {}   failed: {}",
                    self.done, self.already_gone, self.failed
                )?;
                let rows: Vec<Vec<String>> = self
                    .results
                    .iter()
                    .filter(|r| r.outcome == "failed")
                    .map(|r| {
                        vec![
                            r.target.clone(),
                            r.request_id.clone().unwrap_or_else(|| "-".into()),
                            r.error.clone().unwrap_or_default(),
                        ]
                    })
                    .collect();
                if !rows.is_empty() {
                    out.write_all(
                        table(
                            &["FAILED", "REQUEST", "REASON"],
                            &rows,
                            &[40, 36, 200],
                            color,
                        )
                        .as_bytes(),
                    )?;
                }
            }
            Format::Json => writeln!(out, "{}", pretty_json(self, 0)?)?,
            Format::Ndjson => {
                for r in &self.results {
                    serde_json::to_writer(&mut *out, r).map_err(std::io::Error::other)?;
                    out.write_all(b"\n")?;
                }
            }
            Format::Csv => {
                out.write_all(
                    csv_record(&["target", "outcome", "request_id", "error"]).as_bytes(),
                )?;
                for r in &self.results {
                    out.write_all(
                        csv_record(&[
                            r.target.as_str(),
                            r.outcome,
                            r.request_id.as_deref().unwrap_or(""),
                            r.error.as_deref().unwrap_or(""),
                        ])
                        .as_bytes(),
                    )?;
                }
            }
        }
        out.flush()
    }

    fn record(&mut self, target: String, result: Result<Response<()>, Error>) -> TargetResult {
        let r = match result {
            Ok(resp) => {
                self.done += 1;
                TargetResult {
                    target,
                    outcome: "ok",
                    request_id: Some(resp.request_id),
                    error: None,
                }
            }
            Err(e) if e.is_not_found() => {
                self.already_gone += 1;
                TargetResult {
                    target,
                    outcome: "not_found",
                    request_id: e.request_id().map(str::to_string),
                    error: None,
                }
            }
            Err(e) => {
                self.failed += 1;
                self.first_failure.get_or_insert(Exit::for_error(&e));
                TargetResult {
                    target,
                    outcome: "failed",
                    request_id: e.request_id().map(str::to_string),
                    error: Some(e.to_string()),
                }
            }
        };
        self.results.push(r.clone());
        r
    }
}

/// Runs `op` on every target with at most `ctx.settings.concurrency` in flight, appending
/// one audit line per target as it completes.
pub async fn run<F, Fut>(
    ctx: &Ctx,
    log: &AuditLog,
    host: &str,
    action: &'static str,
    verb: &str,
    targets: Vec<String>,
    op: F,
) -> Report
where
    F: Fn(String) -> Fut,
    Fut: Future<Output = Result<Response<()>, Error>>,
{
    let total = targets.len();
    let mut report = Report {
        action,
        ..Default::default()
    };
    let mut stream = futures::stream::iter(targets)
        .map(|t| {
            let fut = op(t.clone());
            async move { (t, fut.await) }
        })
        .buffer_unordered(ctx.settings.concurrency.max(1));
    let mut finished = 0usize;
    while let Some((target, result)) = stream.next().await {
        let r = report.record(target, result);
        let outcome = match (&r.outcome, &r.error) {
            (&"failed", Some(e)) => format!("failed: {e}"),
            (o, _) => (*o).to_string(),
        };
        let line = AuditRecord {
            time: jiff::Timestamp::now().to_string(),
            profile: ctx.settings.profile.clone(),
            host: host.to_string(),
            action: action.to_string(),
            target: r.target.clone(),
            outcome,
            request_id: r.request_id.clone(),
        };
        if let Err(e) = log.append(&line) {
            if report.audit_failures == 0 {
                eprintln!("authtop: warning: audit log {}: {e}", log.path().display());
            }
            report.audit_failures += 1;
        }
        finished += 1;
        if ctx.term.progress {
            eprint!("\r{verb} {finished}/{total}…");
        }
    }
    if ctx.term.progress && total > 0 {
        eprint!("\r\u{1b}[K");
    }
    report
}

/// Prints the report on stdout and turns it into the exit status.
pub fn finish(ctx: &Ctx, report: &Report, verb: &str) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    report.write(&mut out, ctx.format, verb, ctx.term.color)?;
    report.outcome()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::authn::{ApiError, ApiStatus};

    fn api(status: &str) -> Error {
        Error::Api(Box::new(ApiError {
            http_status: 400,
            status: status.into(),
            kind: ApiStatus::parse(status),
            summary: "nope".into(),
            request_id: format!("prq_{status}"),
            errors: vec![],
            retry_after: None,
        }))
    }

    fn ok() -> Result<Response<()>, Error> {
        Ok(Response {
            request_id: "prq_ok".into(),
            summary: "ok".into(),
            result: (),
            attempts: 1,
        })
    }

    #[test]
    fn counts_and_exit_codes_follow_the_outcomes() {
        let mut r = Report::default();
        r.record("a".into(), ok());
        r.record("b".into(), Err(api("NotFound")));
        assert_eq!((r.done, r.already_gone, r.failed), (1, 1, 0));
        assert!(r.outcome().is_ok());
        r.record("c".into(), Err(api("InternalError")));
        assert_eq!(r.outcome().unwrap_err().exit, Exit::Partial);

        let mut all_bad = Report::default();
        all_bad.record("a".into(), Err(api("Unauthorized")));
        assert_eq!(all_bad.outcome().unwrap_err().exit, Exit::Auth);
    }

    #[test]
    fn the_summary_names_failures_with_request_ids_in_every_format() {
        let mut r = Report::default();
        r.record("pmt_a".into(), ok());
        r.record("pmt_b".into(), Err(api("InternalError")));
        let mut text = Vec::new();
        r.write(&mut text, Format::Table, "invalidated", false)
            .unwrap();
        let text = String::from_utf8(text).unwrap();
        assert!(text.contains("invalidated: 1"), "{text}");
        assert!(
            text.contains("pmt_b") && text.contains("prq_InternalError"),
            "{text}"
        );
        let mut json = Vec::new();
        r.write(&mut json, Format::Json, "x", false).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(v["failed"], 1);
        assert_eq!(v["results"][1]["request_id"], "prq_InternalError");
        let mut csv = Vec::new();
        r.write(&mut csv, Format::Csv, "x", false).unwrap();
        assert_eq!(String::from_utf8(csv).unwrap().lines().count(), 3);
    }
}
