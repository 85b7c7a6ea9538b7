//! What the destructive runs of one long-lived caller (the TUI) did, kept so it can say
//! so on its way out: every run is entered before it starts and closed with its report,
//! so a run that never reported is still counted.

use super::{Outcome, Report};
use std::path::PathBuf;
use std::sync::{Mutex, PoisonError};

#[derive(Debug, Clone)]
struct Entry {
    run_id: String,
    total: usize,
    report: Option<Report>,
}

/// The runs of one caller, in the order they started.
#[derive(Debug, Default)]
pub struct Ledger {
    runs: Mutex<Vec<Entry>>,
    lists: Mutex<Vec<PathBuf>>,
}

/// What all runs of a ledger add up to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Runs started.
    pub runs: usize,
    /// Targets ended (now, or confirmed by a retry).
    pub ended: usize,
    /// Targets the server did not know.
    pub not_found: usize,
    /// Targets refused or failed.
    pub failed: usize,
    /// Targets sent with no answer saying how they ended.
    pub unknown: usize,
    /// Targets never sent.
    pub not_attempted: usize,
    /// Targets of runs that never reported (cut off at exit): see the audit log.
    pub unreported: usize,
    /// Files listing ids not attempted.
    pub lists: Vec<PathBuf>,
}

impl Tally {
    /// Whether any target was left not ended and not known gone.
    pub fn left_undone(&self) -> bool {
        self.failed + self.unknown + self.not_attempted + self.unreported > 0
    }
}

impl Ledger {
    /// An empty ledger.
    pub fn new() -> Self {
        Self::default()
    }

    fn runs(&self) -> std::sync::MutexGuard<'_, Vec<Entry>> {
        // Entries are pushed or filled whole, so a poisoned lock still holds whole ones.
        self.runs.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Enters a run of `total` targets about to start.
    pub fn begin(&self, run_id: &str, total: usize) {
        self.runs().push(Entry {
            run_id: run_id.to_string(),
            total,
            report: None,
        });
    }

    /// Closes the run with its report.
    pub fn end(&self, report: &Report) {
        if let Some(e) = self
            .runs()
            .iter_mut()
            .find(|e| e.run_id == report.run_id && e.report.is_none())
        {
            e.report = Some(report.clone());
        }
    }

    /// Notes a file listing ids not attempted.
    pub fn listed(&self, path: PathBuf) {
        self.lists
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(path);
    }

    /// Whether any run was started.
    pub fn is_empty(&self) -> bool {
        self.runs().is_empty()
    }

    /// Adds up every run.
    pub fn tally(&self) -> Tally {
        let mut t = Tally {
            lists: self
                .lists
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone(),
            ..Tally::default()
        };
        for e in self.runs().iter() {
            t.runs += 1;
            let Some(report) = &e.report else {
                t.unreported += e.total;
                continue;
            };
            for item in &report.items {
                match item.outcome {
                    Outcome::Done | Outcome::ConfirmedByRetry => t.ended += 1,
                    Outcome::NotFound => t.not_found += 1,
                    Outcome::Failed(_) => t.failed += 1,
                    Outcome::Unknown => t.unknown += 1,
                    Outcome::NotAttempted => t.not_attempted += 1,
                }
            }
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::{Item, Target};
    use crate::audit::AuditAction;

    #[test]
    fn a_run_that_never_reported_is_counted_as_unreported() {
        let ledger = Ledger::new();
        ledger.begin("run_a", 2);
        ledger.begin("run_b", 5);
        ledger.end(&Report {
            action: AuditAction::SessionInvalidate,
            run_id: "run_a".into(),
            items: vec![
                Item {
                    target: Target::id("pmt_1"),
                    outcome: Outcome::Done,
                    request_id: None,
                },
                Item {
                    target: Target::id("pmt_2"),
                    outcome: Outcome::NotAttempted,
                    request_id: None,
                },
            ],
            stopped: None,
        });
        let t = ledger.tally();
        assert_eq!(
            (t.runs, t.ended, t.not_attempted, t.unreported),
            (2, 1, 1, 5)
        );
        assert!(t.left_undone());
    }
}
