//! The message log: every outcome with its time, ids, reasons and request ids, kept
//! apart from the one-line status so background noise never replaces a result.

use crate::authn::model::Timestamp;
use crate::authn::{Error, TransportKind};
use crate::tui::command::Failure;
use std::collections::VecDeque;

/// Entries kept; the oldest go first.
const KEEP: usize = 2_000;

/// How an entry is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// A result.
    Info,
    /// A failure.
    Error,
}

/// One message.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// When it happened.
    pub at: Timestamp,
    /// Result or failure.
    pub level: Level,
    /// The message in full (may hold server strings; sanitised when drawn).
    pub text: String,
    /// One line per item, e.g. each failure of a bulk action.
    pub details: Vec<String>,
}

/// Every message of the session, newest last, and how far the overlay is scrolled.
#[derive(Debug, Clone, Default)]
pub struct MessageLog {
    entries: VecDeque<Entry>,
    pub(crate) scroll: usize,
}

impl MessageLog {
    /// Adds an entry.
    pub(crate) fn push(&mut self, at: Timestamp, level: Level, text: String, details: Vec<String>) {
        if self.entries.len() == KEEP {
            self.entries.pop_front();
        }
        self.entries.push_back(Entry {
            at,
            level,
            text,
            details,
        });
    }

    /// The entries, oldest first.
    pub fn entries(&self) -> impl DoubleEndedIterator<Item = &Entry> + ExactSizeIterator {
        self.entries.iter()
    }

    /// Lines scrolled up from the newest.
    pub fn scroll(&self) -> usize {
        self.scroll
    }

    /// Lines the overlay would show: each entry, then its details indented.
    pub fn line_count(&self) -> usize {
        self.entries.iter().map(|e| 1 + e.details.len()).sum()
    }
}

/// The cause of a failure in a few words, first thing a reader needs
/// ("connection refused by 127.0.0.1:1 after 4 tries"); the full text goes to the log.
pub fn cause(failure: &Failure) -> String {
    let Failure::Api(err) = failure else {
        return failure.to_string();
    };
    let tries = |n: u32| {
        if n == 1 {
            "1 try".to_string()
        } else {
            format!("{n} tries")
        }
    };
    match err {
        Error::Transport {
            kind,
            host,
            attempts,
            message,
        } => match kind {
            TransportKind::Connect => {
                format!("connection refused by {host} after {}", tries(*attempts))
            }
            TransportKind::Timeout => {
                format!("Timeout: {message} from {host} after {}", tries(*attempts))
            }
            TransportKind::Closed => format!(
                "{host} closed the connection without answering after {}",
                tries(*attempts)
            ),
            TransportKind::Certificate
            | TransportKind::Tls
            | TransportKind::Dns
            | TransportKind::Redirect
            | TransportKind::Other => format!("cannot talk to {host}: {err}"),
        },
        Error::Api(e) => format!("{}: {} (request {})", e.status, e.summary, e.request_id),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_connection_names_host_and_tries_first() {
        let e = Error::Transport {
            kind: TransportKind::Connect,
            host: "127.0.0.1:1".into(),
            message: "tcp connect error: Connection refused (os error 111)".into(),
            attempts: 4,
        };
        assert_eq!(
            cause(&e.into()),
            "connection refused by 127.0.0.1:1 after 4 tries"
        );
        let e = Error::Transport {
            kind: TransportKind::Timeout,
            host: "127.0.0.1:9".into(),
            message: "no complete answer within 2s".into(),
            attempts: 1,
        };
        assert_eq!(
            cause(&e.into()),
            "Timeout: no complete answer within 2s from 127.0.0.1:9 after 1 try"
        );
    }

    #[test]
    fn the_oldest_entries_go_first() {
        let mut log = MessageLog::default();
        let at: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        for i in 0..KEEP + 3 {
            log.push(at, Level::Info, format!("m{i}"), vec![]);
        }
        assert_eq!(log.entries().len(), KEEP);
        assert_eq!(log.entries().next().unwrap().text, "m3");
    }
}
