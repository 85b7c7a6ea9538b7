//! The status line and the message log: flashes, notes, errors and which operation an
//! error came from.

use super::{App, Error, ErrorKey, Level, log, sanitize, strings};

impl App {
    /// A passing message in the status line (not logged).
    pub(crate) fn say(&mut self, text: impl Into<String>) {
        self.flash = Some((text.into(), self.now));
        self.flash_is_outcome = false;
    }

    /// A result worth keeping: flashed and logged.
    pub(crate) fn note(&mut self, text: impl Into<String>, details: Vec<String>) {
        let text = text.into();
        self.log.push(self.now, Level::Info, text.clone(), details);
        self.say(text);
        self.flash_is_outcome = true;
    }

    /// A failure: the cause first in the status line, everything in the log. A reload's
    /// failure never takes the status line from an action's error.
    pub(crate) fn fail(&mut self, key: ErrorKey, what: &str, err: &Error) {
        let mut full = format!("{what}: {err}");
        if let Some(rid) = err.request_id() {
            full = strings::with_request_id(&full, rid);
        }
        self.log.push(
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
        let action_shown = matches!(self.error_at, Some((_, ErrorKey::Action)));
        if matches!(key, ErrorKey::List(_)) && action_shown && self.error.is_some() {
            return;
        }
        self.error = Some(sanitize::clean(&text).into_owned());
        self.error_at = Some((self.now, key));
    }

    /// The operation succeeded: an error it left behind is no longer true.
    pub(crate) fn succeeded(&mut self, key: ErrorKey) {
        if self.error_at.is_some_and(|(_, k)| k == key) {
            self.error = None;
            self.error_at = None;
        }
    }
}
