//! Why the TUI could not start or had to stop: each cause its own variant, so the top of
//! the command line can say it and choose the exit code.

use std::path::PathBuf;

/// A failure that ends the TUI (the screen is restored before it is shown).
#[derive(Debug, thiserror::Error)]
pub enum TuiError {
    /// The terminal refused something the TUI needs (raw mode, drawing, input, signals).
    #[error("could not {what}: {source}")]
    Terminal {
        /// What the TUI was doing, e.g. "draw".
        what: &'static str,
        /// The terminal's or the system's error.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A file or folder of the TUI's own (log, audit log) could not be made or opened.
    #[error("cannot {what} {}: {source}", path.display())]
    File {
        /// What the TUI tried, e.g. "open the audit log".
        what: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// The system's error.
        source: std::io::Error,
    },
    /// The log filter is not an `EnvFilter` directive.
    #[error("bad log filter {filter:?}: {message}")]
    LogFilter {
        /// The filter as given.
        filter: String,
        /// Why it was refused.
        message: String,
    },
    /// Nothing to connect to: demo mode starts its emulator first.
    #[error("no server to connect to (demo mode starts its emulator first)")]
    NoServer,
    /// The AuthN client could not be built from the settings.
    #[error("cannot set up the AuthN client: {0}")]
    Client(#[source] crate::authn::Error),
}

impl TuiError {
    /// A [`TuiError::Terminal`] for `what`, to hand to `map_err`.
    pub fn terminal<E>(what: &'static str) -> impl FnOnce(E) -> Self
    where
        E: std::error::Error + Send + Sync + 'static,
    {
        move |e| Self::Terminal {
            what,
            source: Box::new(e),
        }
    }
}
