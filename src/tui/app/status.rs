//! The status line and the message log: flashes, notes, errors and which operation an
//! error came from.

use super::{App, ErrorKey, Failure, Level, clock, log, sanitize, strings};

impl App {
    /// A passing message in the status line (not logged).
    pub(crate) fn say(&mut self, text: impl Into<String>) {
        self.status.flash = Some((text.into(), self.now));
        self.status.flash_is_outcome = false;
    }

    /// Takes a passing message off the status line once what it said is no longer true;
    /// any other message stays.
    pub(crate) fn unsay(&mut self, text: &str) {
        if self.status.flash.as_ref().is_some_and(|(t, _)| t == text) {
            self.status.flash = None;
        }
    }

    /// Lines that describe a state keep up with it: the token retry's countdown follows
    /// the clock and goes once the retry does; a count to type goes with its dialog.
    pub(crate) fn follow_stale_lines(&mut self, typed_before: Option<String>) {
        if let Some(said) = self.token.retry_said.take()
            && self.status.flash.as_ref().is_some_and(|(t, _)| *t == said)
        {
            match self.token.retry_at {
                Some(at) if at > self.now && self.token.refreshing.is_none() => {
                    let secs = (clock::millis(self.now, at) + 999) / 1000;
                    let text = strings::refresh_retrying(&clock::short(secs));
                    if let Some((t, _)) = &mut self.status.flash {
                        t.clone_from(&text);
                    }
                    self.token.retry_said = Some(text);
                }
                _ => self.status.flash = None,
            }
        }
        if let Some(expected) = typed_before {
            let still = self
                .dialog()
                .and_then(|d| d.typed.as_ref())
                .is_some_and(|t| t.expected == expected);
            if !still {
                self.unsay(&strings::type_to_confirm(&expected));
            }
        }
    }

    /// A result worth keeping: flashed and logged.
    pub(crate) fn note(&mut self, text: impl Into<String>, details: Vec<String>) {
        let text = text.into();
        self.status
            .log
            .push(self.now, Level::Info, text.clone(), details);
        self.say(text);
        self.status.flash_is_outcome = true;
    }

    /// A failure: the cause first in the status line, everything in the log. A reload's
    /// failure never takes the status line from an action's error.
    pub(crate) fn fail(&mut self, key: ErrorKey, what: &str, err: &Failure) {
        let mut full = format!("{what}: {err}");
        if let Some(rid) = err.request_id() {
            full = strings::with_request_id(&full, rid);
        }
        self.status.log.push(
            self.now,
            Level::Error,
            sanitize::clean(&full).into_owned(),
            vec![],
        );
        let short = format!("{what}: {}", log::cause(err));
        self.set_error(key, short);
    }

    /// Shows an error (also logged by the caller) unless an action's error would be
    /// replaced by a reload's.
    pub(crate) fn set_error(&mut self, key: ErrorKey, text: String) {
        let action_shown = matches!(self.status.error_at, Some((_, ErrorKey::Action)));
        if matches!(key, ErrorKey::List(_)) && action_shown && self.status.error.is_some() {
            return;
        }
        self.status.error = Some(sanitize::clean(&text).into_owned());
        self.status.error_at = Some((self.now, key));
    }

    /// The operation succeeded: an error it left behind is no longer true.
    pub(crate) fn succeeded(&mut self, key: ErrorKey) {
        if self.status.error_at.is_some_and(|(_, k)| k == key) {
            self.status.error = None;
            self.status.error_at = None;
        }
    }
}
