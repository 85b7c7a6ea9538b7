//! The command line's side of a destructive run: starts the action engine with signal
//! handling, draws a progress bar on a terminal stderr, and prints the summary (partial
//! when stopped) in the output format with the matching exit status.

use super::ctx::Ctx;
use super::exit::{CliError, Exit};
use super::progress::Progress;
use crate::actions::signals;
use crate::actions::stop::Sig;
use crate::actions::{
    Engine, Item, Op, Outcome, Progress as Step, Report, RunInfo, Stop, StopReason, Target,
};
use crate::authn::Client;
use crate::output::{self, Format, csv_record, pretty_json, table};
use serde::Serialize;
use std::io::Write;
use std::sync::Arc;

/// Not-attempted ids listed on the terminal; more go to a file.
const LIST_INLINE: usize = 20;

/// What `NotFound` means for this run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotFound {
    /// An explicit id the server does not know: an error (exit 8).
    Error,
    /// Matched by a query moments ago, or `--ignore-not-found`: already gone, not an error.
    AlreadyGone,
}

/// What happened to one target, as printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetResult {
    /// Session id or user id.
    pub target: String,
    /// The audit outcome name (`ok`, `ok_confirmed_by_retry`, `not_found`, `failed`,
    /// `unknown`, `not_attempted`).
    pub outcome: &'static str,
    /// The Pangea request id, when there is one.
    pub request_id: Option<String>,
    /// Why it did not simply succeed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The summary of a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Audit action name (`session.invalidate` …).
    pub action: &'static str,
    /// The run id on its audit lines.
    pub run_id: String,
    /// Ended now.
    pub done: usize,
    /// Ended by an earlier attempt whose answer was lost.
    pub confirmed_by_retry: usize,
    /// `NotFound` where that is not an error (matched by a query, `--ignore-not-found`).
    pub already_gone: usize,
    /// `NotFound` where that is an error.
    pub not_found: usize,
    /// Refused or failed.
    pub failed: usize,
    /// Sent, and no answer said how it ended: it may have ended.
    pub unknown: usize,
    /// Never sent.
    pub not_attempted: usize,
    /// Why the run stopped early.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped: Option<String>,
    /// Per target.
    pub results: Vec<TargetResult>,
    #[serde(skip)]
    stop: Option<StopReason>,
}

impl Summary {
    /// Counts a report, reading `NotFound` as `not_found` says.
    pub fn new(report: &Report, not_found: NotFound) -> Self {
        let mut s = Summary {
            action: report.action.as_str(),
            run_id: report.run_id.clone(),
            done: 0,
            confirmed_by_retry: 0,
            already_gone: 0,
            not_found: 0,
            failed: 0,
            unknown: 0,
            not_attempted: 0,
            stopped: report.stopped.as_ref().map(ToString::to_string),
            results: Vec::with_capacity(report.items.len()),
            stop: report.stopped.clone(),
        };
        for item in &report.items {
            match &item.outcome {
                Outcome::Done => s.done += 1,
                Outcome::ConfirmedByRetry => s.confirmed_by_retry += 1,
                Outcome::NotFound if not_found == NotFound::AlreadyGone => s.already_gone += 1,
                Outcome::NotFound => s.not_found += 1,
                Outcome::Failed(_) => s.failed += 1,
                Outcome::Unknown => s.unknown += 1,
                Outcome::NotAttempted => s.not_attempted += 1,
            }
            s.results.push(result_of(item, not_found));
        }
        s
    }

    /// The exit status, from what happened to the targets alone: why the run stopped
    /// early (signal, audit log, deadline, breaker), then targets failed or unknown (6,
    /// however many), then explicit ids not found (8).
    pub fn outcome(&self) -> Result<(), CliError> {
        let counts = self.counts();
        if let Some(stop) = &self.stop {
            let (exit, text) = match stop {
                StopReason::Signal(sig) => (Exit::for_signal(*sig), sig_text(*sig)),
                StopReason::AuditFailed(e) => (
                    Exit::AuditFailed,
                    format!("stopped: the audit log could not be written ({e})"),
                ),
                StopReason::Deadline(_) => (Exit::Deadline, format!("stopped: {stop}")),
                StopReason::Breaker { .. } => (Exit::Transport, format!("stopped: {stop}")),
                StopReason::Cancelled => (Exit::Other, "cancelled".to_string()),
            };
            return Err(CliError::new(exit, format!("{text}: {counts}")));
        }
        let total = self.results.len();
        if self.failed + self.unknown > 0 {
            let mut text = format!("{} of {total} target(s) failed", self.failed);
            if self.unknown > 0 {
                text.push_str(&format!(
                    ", {} unknown (sent, no answer said how it ended)",
                    self.unknown
                ));
            }
            return Err(CliError::new(Exit::Partial, text));
        }
        if self.not_found > 0 {
            let ids: Vec<&str> = self
                .results
                .iter()
                .filter(|r| r.outcome == "not_found")
                .map(|r| r.target.as_str())
                .take(LIST_INLINE)
                .collect();
            return Err(CliError::new(
                Exit::NotFound,
                format!(
                    "{} of {total} target(s) not found: {} (--ignore-not-found accepts that)",
                    self.not_found,
                    ids.join(", ")
                ),
            ));
        }
        Ok(())
    }

    fn counts(&self) -> String {
        format!(
            "{} done, {} failed, {} unknown, {} not attempted",
            self.done + self.confirmed_by_retry,
            self.failed,
            self.unknown,
            self.not_attempted
        )
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
            // `-o ids` is refused before any bulk run; a table if it ever reaches here.
            Format::Table | Format::Ids => {
                write!(
                    out,
                    "{verb}: {}   already gone: {}   failed: {}",
                    self.done, self.already_gone, self.failed
                )?;
                if self.unknown > 0 {
                    write!(out, "   unknown: {}", self.unknown)?;
                }
                if self.confirmed_by_retry > 0 {
                    write!(out, "   confirmed by retry: {}", self.confirmed_by_retry)?;
                }
                if self.not_found > 0 {
                    write!(out, "   not found: {}", self.not_found)?;
                }
                if self.not_attempted > 0 || self.stop.is_some() {
                    write!(out, "   not attempted: {}", self.not_attempted)?;
                }
                writeln!(out)?;
                let rows: Vec<Vec<String>> = self
                    .results
                    .iter()
                    .filter(|r| matches!(r.outcome, "failed" | "unknown" | "not_found"))
                    .map(|r| {
                        vec![
                            r.target.clone(),
                            r.outcome.to_string(),
                            r.request_id.clone().unwrap_or_else(|| "-".into()),
                            r.error.clone().unwrap_or_default(),
                        ]
                    })
                    .collect();
                if !rows.is_empty() {
                    out.write_all(
                        table(
                            &["TARGET", "OUTCOME", "REQUEST", "REASON"],
                            &rows,
                            &[40, 14, 36, 200],
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
}

fn result_of(item: &Item, not_found: NotFound) -> TargetResult {
    let error = match (&item.outcome, not_found) {
        (Outcome::NotFound, NotFound::Error) => {
            Some("the server does not know this id".to_string())
        }
        _ => item.reason(),
    };
    TargetResult {
        target: item.target.id.clone(),
        outcome: item.outcome.audit().as_str(),
        request_id: item.request_id.clone(),
        error,
    }
}

fn sig_text(sig: Sig) -> String {
    format!("interrupted by {}", sig.name())
}

/// Runs `op` on `targets` through the engine: audited, paced up to `--concurrency` at a
/// time, bounded by `--deadline` and the breaker, stopped by SIGINT/SIGTERM/SIGHUP (a
/// second SIGINT or SIGTERM exits at once).
pub async fn run(
    ctx: &Ctx,
    client: &Client,
    op: Op,
    query: Option<String>,
    verb: &str,
    targets: Vec<Target>,
) -> Result<Report, CliError> {
    run_walked(ctx, client, op, query, None, verb, targets).await
}

/// [`run`] on the targets a walk found at `walked_at`, which every audit line records.
pub async fn run_walked(
    ctx: &Ctx,
    client: &Client,
    op: Op,
    query: Option<String>,
    walked_at: Option<String>,
    verb: &str,
    targets: Vec<Target>,
) -> Result<Report, CliError> {
    let log = ctx.audit_log()?;
    let engine = Engine::new(client.clone(), Arc::new(log), ctx.settings.concurrency)
        .with_limits(ctx.limits.clone());
    let info = RunInfo::new(ctx.settings.audit_profile(), query).walked_at(walked_at);
    let stop = Stop::new();
    let watcher = signals::watch(stop.clone(), |sig| {
        output::diag(&format!(
            "\nauthtop: {} again: exiting now; requests in flight may have no outcome line",
            sig.name()
        ));
        std::process::exit(i32::from(sig.exit_code()));
    })
    .map_err(|e| CliError::other(format!("cannot watch for signals: {e} (nothing was sent)")))?;
    let bar = Progress::bar(ctx.term, verb, targets.len());
    let report = engine
        .run(&op, &info, targets, &stop, |p| match p {
            Step::Finished { finished, .. } => bar.set(*finished),
            Step::Stopping(reason) => bar.suspend(|| {
                output::diag(&format!(
                    "authtop: {reason}: sending nothing more; waiting for the requests in flight (SIGINT again to exit at once)"
                ));
            }),
            Step::Sent(_) => {}
        })
        .await;
    watcher.abort();
    drop(bar);
    Ok(report)
}

/// Prints the summary (best effort: a closed or failing stdout or stderr changes nothing),
/// saves the ids not attempted to a file, and turns what happened to the targets into
/// the exit status. The summary goes to stderr too when stdout is not a terminal, so
/// `| head` and `| tee` keep it.
pub fn finish(ctx: &Ctx, report: &Report, verb: &str, not_found: NotFound) -> Result<(), CliError> {
    finish_with(ctx, report, verb, not_found, None)
}

/// [`finish`], with a line after a table summary (what the run did not touch).
pub fn finish_with(
    ctx: &Ctx,
    report: &Report,
    verb: &str,
    not_found: NotFound,
    note: Option<&str>,
) -> Result<(), CliError> {
    let summary = Summary::new(report, not_found);
    let skipped = report.not_attempted();
    let saved = (!skipped.is_empty()).then(|| {
        crate::audit::save_not_attempted(&ctx.settings.audit_log, &report.run_id, &skipped)
            .map_err(|e| e.to_string())
    });
    let listed = match &saved {
        None => None,
        Some(Ok(path)) => Some(format!(
            "not attempted: {} id(s), listed in {}",
            skipped.len(),
            path.display()
        )),
        Some(Err(e)) => Some(format!(
            "not attempted: {} id(s); the list could not be saved ({e})",
            skipped.len()
        )),
    };
    {
        let mut out = std::io::stdout().lock();
        let _ = summary.write(&mut out, ctx.format, verb, ctx.term.color);
        if matches!(ctx.format, Format::Table) {
            if let Some(note) = note {
                let _ = writeln!(out, "{note}");
            }
            if !skipped.is_empty() && skipped.len() <= LIST_INLINE {
                let _ = writeln!(out, "not attempted: {}", skipped.join(" "));
            }
            if let Some(line) = &listed {
                let _ = writeln!(out, "{line}");
            }
            let _ = out.flush();
        }
    }
    if !ctx.term.stdout_tty {
        let mut line = Vec::new();
        let _ = summary.write(&mut line, Format::Table, verb, false);
        let first = String::from_utf8_lossy(&line);
        let first = first.lines().next().unwrap_or_default();
        output::diag(&format!("authtop: {first} (run {})", report.run_id));
        if let Some(line) = &listed {
            output::diag(&format!("authtop: {line}"));
        }
    }
    if let Some(Err(_)) = &saved {
        // The file is the record; without it the ids go to stderr whole.
        output::diag(&format!("authtop: not attempted: {}", skipped.join(" ")));
    }
    summary.outcome()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::AuditAction;
    use crate::authn::{ApiError, ApiStatus, Error};

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

    fn report(outcomes: Vec<Outcome>, stopped: Option<StopReason>) -> Report {
        Report {
            action: AuditAction::SessionInvalidate,
            run_id: "run_1".into(),
            items: outcomes
                .into_iter()
                .enumerate()
                .map(|(i, outcome)| Item {
                    target: Target::id(format!("pmt_{i}")),
                    outcome,
                    request_id: Some(format!("prq_{i}")),
                })
                .collect(),
            stopped,
        }
    }

    #[test]
    fn counts_and_exit_codes_follow_the_outcomes() {
        let r = report(vec![Outcome::Done, Outcome::NotFound], None);
        let s = Summary::new(&r, NotFound::AlreadyGone);
        assert_eq!((s.done, s.already_gone, s.failed), (1, 1, 0));
        assert!(s.outcome().is_ok());
        let s = Summary::new(&r, NotFound::Error);
        assert_eq!(s.outcome().unwrap_err().exit, Exit::NotFound);

        let r = report(
            vec![Outcome::Done, Outcome::Failed(api("InternalError"))],
            None,
        );
        let s = Summary::new(&r, NotFound::Error);
        assert_eq!(s.outcome().unwrap_err().exit, Exit::Partial);

        // Every target failing is still a failure of targets: 6, whatever the cause.
        let r = report(vec![Outcome::Failed(api("Unauthorized"))], None);
        let s = Summary::new(&r, NotFound::Error);
        assert_eq!(s.outcome().unwrap_err().exit, Exit::Partial);
        let r = report(vec![Outcome::Unknown, Outcome::Done], None);
        let e = Summary::new(&r, NotFound::Error).outcome().unwrap_err();
        assert_eq!(e.exit, Exit::Partial);
        assert!(e.message.contains("1 unknown"), "{}", e.message);

        let r = report(
            vec![Outcome::Done, Outcome::NotAttempted],
            Some(StopReason::Signal(Sig::Term)),
        );
        let e = Summary::new(&r, NotFound::Error).outcome().unwrap_err();
        assert_eq!(e.exit.code(), 143);
        assert!(e.message.contains("1 not attempted"), "{}", e.message);

        let r = report(
            vec![Outcome::NotAttempted],
            Some(StopReason::AuditFailed("disk full".into())),
        );
        let e = Summary::new(&r, NotFound::Error).outcome().unwrap_err();
        assert_eq!(e.exit, Exit::AuditFailed);
    }

    #[test]
    fn the_summary_names_failures_with_request_ids_in_every_format() {
        let r = report(
            vec![
                Outcome::Done,
                Outcome::Failed(api("InternalError")),
                Outcome::ConfirmedByRetry,
            ],
            None,
        );
        let s = Summary::new(&r, NotFound::Error);
        let mut text = Vec::new();
        s.write(&mut text, Format::Table, "invalidated", false)
            .unwrap();
        let text = String::from_utf8(text).unwrap();
        assert!(text.contains("invalidated: 1"), "{text}");
        assert!(text.contains("confirmed by retry: 1"), "{text}");
        assert!(text.contains("pmt_1") && text.contains("prq_1"), "{text}");
        let mut json = Vec::new();
        s.write(&mut json, Format::Json, "x", false).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(v["failed"], 1);
        assert_eq!(v["results"][2]["outcome"], "ok_confirmed_by_retry");
        let mut csv = Vec::new();
        s.write(&mut csv, Format::Csv, "x", false).unwrap();
        assert_eq!(String::from_utf8(csv).unwrap().lines().count(), 4);
    }
}
