//! Exit codes and the one error type of the command line.

use crate::authn::Error;
use crate::config::ConfigError;
use std::fmt;

/// A process exit code; each failure class has its own so scripts can tell them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Success.
    Ok = 0,
    /// Anything not covered below.
    Other = 1,
    /// Bad flags, a bad query, an unusable configuration.
    Usage = 2,
    /// The server refused a token (`Unauthorized`, `InvalidToken`, `ExpiredToken`).
    Auth = 3,
    /// Any other API error status.
    Api = 4,
    /// No usable answer: connection, timeout, malformed response, still pending.
    Transport = 5,
    /// Targets of a destructive run failed or ended unknown (some or all of them).
    Partial = 6,
    /// A destructive command refused by a read-only profile.
    ReadOnly = 7,
    /// An explicit target the server does not know (unless `--ignore-not-found`), or a
    /// client invalidate of a session that is not the user token's.
    NotFound = 8,
    /// The audit log could not be opened or written: the run stopped, the rest was not sent.
    AuditFailed = 9,
    /// A refresh succeeded but the new pair could not be saved to the token file; it is
    /// in a recovery file named on stderr.
    NotSaved = 10,
    /// `--deadline` passed: dispatching stopped, what was in flight ended unknown, the
    /// rest was not attempted.
    Deadline = 11,
    /// SIGHUP stopped a destructive run (after in-flight requests finished).
    HungUp = 129,
    /// SIGINT stopped a destructive run (after in-flight requests finished).
    Interrupted = 130,
    /// SIGTERM stopped a destructive run (after in-flight requests finished).
    Terminated = 143,
}

/// The exit code table, shown in `--help`.
pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  success
  1  any other failure
  2  usage error: bad flags, a query that does not compile, unusable configuration
  3  authentication failure (Unauthorized, InvalidToken, ExpiredToken)
  4  other API error
  5  transport failure: no answer, timeout, malformed response; or a destructive
     run stopped by the breaker after consecutive transport failures
  6  targets of a destructive run failed or ended unknown (some or all of them)
  7  refused: the profile is read-only
  8  not found: an explicit id the server does not know (see --ignore-not-found),
     or a client invalidate of a session that is not the user token's
  9  the audit log could not be opened or written: the run stopped, the rest was
     not sent
 10  refreshed, but the new tokens could not be saved: they are in a recovery file
 11  --deadline passed: the run stopped, the rest was not attempted
129  SIGHUP, 130  SIGINT, 143  SIGTERM: a destructive run stopped by a signal
     (in-flight requests finished and were audited; a partial summary was printed)
Output is best effort: a closed or failing stdout or stderr never changes the code.";

impl Exit {
    /// The numeric code.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The status of a run stopped by a signal.
    pub fn for_signal(sig: crate::actions::stop::Sig) -> Exit {
        use crate::actions::stop::Sig;
        match sig {
            Sig::Int => Exit::Interrupted,
            Sig::Term => Exit::Terminated,
            Sig::Hup => Exit::HungUp,
        }
    }

    /// The class of an API call failure.
    pub fn for_error(e: &Error) -> Exit {
        if e.is_auth() {
            return Exit::Auth;
        }
        match e {
            Error::Api(_) => Exit::Api,
            Error::Transport { .. } | Error::Decode { .. } | Error::Pending { .. } => {
                Exit::Transport
            }
            Error::Config(_) => Exit::Usage,
        }
    }
}

/// A failed command: what to print on stderr and how to exit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliError {
    /// Exit code.
    pub exit: Exit,
    /// Message (already free of token values).
    pub message: String,
}

impl CliError {
    /// A failure with an explicit exit code.
    pub fn new(exit: Exit, message: impl Into<String>) -> Self {
        Self {
            exit,
            message: message.into(),
        }
    }

    /// A usage error (exit 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(Exit::Usage, message)
    }

    /// Anything else (exit 1).
    pub fn other(message: impl Into<String>) -> Self {
        Self::new(Exit::Other, message)
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CliError {}

impl From<Error> for CliError {
    fn from(e: Error) -> Self {
        Self::new(Exit::for_error(&e), e.to_string())
    }
}

impl From<ConfigError> for CliError {
    fn from(e: ConfigError) -> Self {
        Self::usage(e.to_string())
    }
}

impl From<std::io::Error> for CliError {
    /// A closed stdout (`| head`) is not a failure: the reader stopped wanting output.
    fn from(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return Self::new(Exit::Ok, "output closed");
        }
        Self::other(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::stop::Sig;
    use crate::authn::{ApiError, ApiStatus, TransportKind};

    fn api(status: &str) -> Error {
        Error::Api(Box::new(ApiError {
            http_status: 400,
            status: status.into(),
            kind: ApiStatus::parse(status),
            summary: "s".into(),
            request_id: "prq_1".into(),
            errors: vec![],
            retry_after: None,
        }))
    }

    #[test]
    fn each_failure_class_has_its_code() {
        assert_eq!(Exit::for_error(&api("Unauthorized")), Exit::Auth);
        assert_eq!(Exit::for_error(&api("InvalidToken")), Exit::Auth);
        assert_eq!(Exit::for_error(&api("ExpiredToken")), Exit::Auth);
        assert_eq!(Exit::for_error(&api("NotFound")), Exit::Api);
        assert_eq!(Exit::for_error(&api("InternalError")), Exit::Api);
        let t = Error::Transport {
            kind: TransportKind::Connect,
            host: "h".into(),
            message: "m".into(),
            attempts: 1,
        };
        assert_eq!(Exit::for_error(&t), Exit::Transport);
        assert_eq!(Exit::for_error(&Error::Config("x".into())), Exit::Usage);
        let codes = [
            Exit::Ok,
            Exit::Other,
            Exit::Usage,
            Exit::Auth,
            Exit::Api,
            Exit::Transport,
            Exit::Partial,
            Exit::ReadOnly,
            Exit::NotFound,
            Exit::AuditFailed,
            Exit::NotSaved,
            Exit::Deadline,
        ];
        for (i, c) in codes.iter().enumerate() {
            assert_eq!(c.code() as usize, i);
            assert!(EXIT_CODES_HELP.contains(&format!("\n{i:>3}  ")));
        }
        for sig in [Sig::Int, Sig::Term, Sig::Hup] {
            let code = Exit::for_signal(sig).code();
            assert_eq!(code, sig.exit_code());
            assert!(EXIT_CODES_HELP.contains(&format!("{code}  {}", sig.name())));
        }
    }

    #[test]
    fn the_message_keeps_the_request_id() {
        let e = CliError::from(api("Unauthorized"));
        assert_eq!(e.exit, Exit::Auth);
        assert!(e.message.contains("prq_1"), "{}", e.message);
    }
}
