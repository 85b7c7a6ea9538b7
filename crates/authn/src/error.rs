//! The one place API failures are classified.

use super::model::ErrorField;
use std::fmt;
use std::time::Duration;

/// A Pangea `status` string, classified (spec 2.2). Unknown strings become [`ApiStatus::Other`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiStatus {
    /// Request body violates the schema.
    ValidationError,
    /// Bearer token missing, unknown or not valid for this service.
    Unauthorized,
    /// A body token is unknown or revoked.
    InvalidToken,
    /// A body token has expired.
    ExpiredToken,
    /// The addressed object does not exist.
    NotFound,
    /// Rate limited.
    TooManyRequests,
    /// Server fault.
    InternalError,
    /// Service down.
    ServiceNotAvailable,
    /// AuthN not enabled in the project.
    ServiceNotEnabled,
    /// Billing.
    NoCredit,
    /// Multi-config token without config.
    MissingConfigId,
    /// Downstream failure.
    ProviderError,
    /// Any other status string.
    Other(String),
}

impl ApiStatus {
    /// Classifies a `status` string.
    pub fn parse(status: &str) -> Self {
        match status {
            "ValidationError" => Self::ValidationError,
            "Unauthorized" => Self::Unauthorized,
            "InvalidToken" => Self::InvalidToken,
            "ExpiredToken" => Self::ExpiredToken,
            "NotFound" => Self::NotFound,
            "TooManyRequests" => Self::TooManyRequests,
            "InternalError" => Self::InternalError,
            "ServiceNotAvailable" => Self::ServiceNotAvailable,
            "ServiceNotEnabled" => Self::ServiceNotEnabled,
            "NoCredit" => Self::NoCredit,
            "MissingConfigID" | "MissingConfigIDScope" => Self::MissingConfigId,
            "ProviderError" => Self::ProviderError,
            other => Self::Other(other.to_string()),
        }
    }
}

/// A response whose envelope says the call failed.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// HTTP status code.
    pub http_status: u16,
    /// The `status` string as sent.
    pub status: String,
    /// The `status`, classified.
    pub kind: ApiStatus,
    /// The server's human text.
    pub summary: String,
    /// `prq_…`, for tracing the call with Pangea.
    pub request_id: String,
    /// Validation details, when `status` is `ValidationError`.
    pub errors: Vec<ErrorField>,
    /// The server's `Retry-After`, when it sent one (429, 503).
    pub retry_after: Option<Duration>,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.status, self.summary)?;
        for e in &self.errors {
            write!(f, "; {} at {}: {}", e.code, e.source, e.detail)?;
        }
        write!(
            f,
            " (HTTP {}, request {})",
            self.http_status, self.request_id
        )
    }
}

/// What went wrong below the API: no answer, or not a usable one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportKind {
    /// Could not connect.
    Connect,
    /// Connected, but no complete answer in time.
    Timeout,
    /// The connection closed before a response arrived.
    Closed,
    /// The server's TLS certificate was refused (permanent: never retried).
    Certificate,
    /// The TLS handshake failed: the server does not speak TLS, or not a version or
    /// cipher authtop accepts (permanent: never retried).
    Tls,
    /// The host name does not resolve (permanent: never retried).
    Dns,
    /// The server answered with a redirect, which is never followed (permanent).
    Redirect,
    /// Anything else reqwest reports.
    Other,
}

impl TransportKind {
    /// Failures another attempt cannot fix.
    pub fn is_permanent(self) -> bool {
        matches!(
            self,
            Self::Certificate | Self::Tls | Self::Dns | Self::Redirect
        )
    }
}

/// Every way a call can fail. Messages name the cause and never carry a token value.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// The server answered with a non-success `status`.
    #[error("{0}")]
    Api(Box<ApiError>),
    /// No usable HTTP exchange (after retries where the call allows them).
    #[error("{kind:?} error talking to {host} after {attempts} attempt(s): {message}")]
    Transport {
        /// What kind of failure.
        kind: TransportKind,
        /// The host (never the full URL with credentials).
        host: String,
        /// The underlying message, scrubbed.
        message: String,
        /// How many attempts were made.
        attempts: u32,
    },
    /// The body is not the envelope, or the result is not the endpoint's shape.
    #[error(
        "malformed response (HTTP {http_status}{}): {reason}; body starts {snippet:?}",
        request_id.as_deref().map(|r| format!(", request {r}")).unwrap_or_default()
    )]
    Decode {
        /// HTTP status code.
        http_status: u16,
        /// `x-request-id` header or envelope `request_id`, when there is one.
        request_id: Option<String>,
        /// What did not parse.
        reason: String,
        /// The first bytes of the body, lossily decoded.
        snippet: String,
    },
    /// A 202 was still pending when the poll deadline passed.
    #[error(
        "request {request_id} still in progress after {}; ask for its result later with: authtop request get {request_id}",
        crate::human::rounded(*waited)
    )]
    Pending {
        /// The queued request.
        request_id: String,
        /// How long it was polled.
        waited: Duration,
    },
    /// The client is misconfigured (bad base URL, plain http to a remote host …).
    #[error("configuration: {0}")]
    Config(String),
}

impl Error {
    /// The Pangea request id, when the server gave one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(e) => Some(&e.request_id),
            Error::Decode { request_id, .. } => request_id.as_deref(),
            Error::Pending { request_id, .. } => Some(request_id),
            _ => None,
        }
    }

    /// The classified API status, if the server answered with an envelope.
    pub fn api_status(&self) -> Option<&ApiStatus> {
        match self {
            Error::Api(e) => Some(&e.kind),
            _ => None,
        }
    }

    /// The bearer token was rejected (`Unauthorized`).
    pub fn is_unauthorized(&self) -> bool {
        matches!(self.api_status(), Some(ApiStatus::Unauthorized))
    }

    /// A body token is revoked or expired: the user is signed out.
    pub fn is_signed_out(&self) -> bool {
        matches!(
            self.api_status(),
            Some(ApiStatus::InvalidToken | ApiStatus::ExpiredToken)
        )
    }

    /// Any authentication failure: bad bearer, revoked or expired body token.
    pub fn is_auth(&self) -> bool {
        self.is_unauthorized() || self.is_signed_out()
    }

    /// How long the server asked to wait before trying again, when it said.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::Api(e) => e.retry_after,
            _ => None,
        }
    }

    /// The object is gone (`NotFound`): treat an invalidate as already done.
    pub fn is_not_found(&self) -> bool {
        matches!(self.api_status(), Some(ApiStatus::NotFound))
    }
}
