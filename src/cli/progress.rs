//! Progress on a terminal while a long command runs: a bar for a bulk run, a running
//! count for a walk of many pages. Drawn on stderr by indicatif, and only where
//! [`Term::progress`] allows it (stderr a terminal, not `TERM=dumb`; stdout may be a file);
//! everywhere else each call does nothing. It shows counts and fixed words, never a
//! session id, a server string or a token, and it is gone from the screen before the
//! summary is printed.

use crate::investigate;
use crate::number::thousands;
use crate::output::Term;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A progress line on stderr, erased when dropped.
#[derive(Debug)]
pub struct Progress(ProgressBar);

impl Progress {
    /// A bar of `total` steps: `invalidated 12/40 [=====>      ]`; none for no steps.
    pub fn bar(term: Term, verb: &str, total: usize) -> Self {
        let bar = ProgressBar::with_draw_target(Some(total as u64), target(term, total > 0));
        bar.set_style(
            ProgressStyle::with_template("{msg} {pos}/{len} [{bar:30}] {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar.set_message(verb.to_string());
        bar.tick();
        Self(bar)
    }

    /// A count with no known end, `walking: 3 pages, …` as [`Progress::walked`] words it.
    pub fn counter(term: Term, first: &str) -> Self {
        let bar = ProgressBar::with_draw_target(None, target(term, true));
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_message(first.to_string());
        Self(bar)
    }

    /// Moves the bar to `finished` steps.
    pub fn set(&self, finished: usize) {
        self.0.set_position(finished as u64);
    }

    /// Shows how far a walk has come.
    pub fn walked(&self, p: investigate::Progress) {
        self.0.set_message(format!(
            "walking: {} pages, {} sessions scanned, {} matched",
            thousands(p.pages),
            thousands(p.scanned),
            thousands(p.matches)
        ));
    }

    /// Shows how many pages and sessions a listing has written.
    pub fn listed(&self, pages: u64, sessions: u64) {
        self.0.set_message(format!(
            "listing: {} pages, {} sessions",
            thousands(pages),
            thousands(sessions)
        ));
    }

    /// Runs `f` with the line off the screen, so what `f` prints is not torn by it.
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        self.0.suspend(f)
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}

fn target(term: Term, wanted: bool) -> ProgressDrawTarget {
    if term.progress && wanted {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_is_drawn_where_the_terminal_does_not_allow_it() {
        let quiet = Term::default();
        let bar = Progress::bar(quiet, "invalidated", 3);
        bar.set(2);
        assert!(bar.0.is_hidden());
        let count = Progress::counter(quiet, "walking");
        count.walked(investigate::Progress::default());
        assert!(count.0.is_hidden());
        assert_eq!(count.suspend(|| 7), 7);
    }
}
