//! What a [`Client`](super::Client) is built from: the server, the token, timeouts, retries
//! and limits, and the base-URL rules the SDKs share.

use super::error::Error;
use super::retry::{RetryHook, RetryPolicy};
use super::secret::Secret;
use super::url;
use std::time::Duration;

/// Everything a [`Client`](super::Client) needs.
#[derive(Clone)]
pub struct ClientConfig {
    /// Resolved base URL, e.g. `https://authn.aws.us.pangea.cloud` or `http://127.0.0.1:8080/prefix`.
    pub base_url: String,
    /// The service (or client) token sent as Bearer.
    pub token: Secret,
    /// Allow plain http to a non-loopback host (an explicit `http://` base URL).
    pub allow_http: bool,
    /// Connect timeout.
    pub connect_timeout: Duration,
    /// Limit of one attempt, body included.
    pub request_timeout: Duration,
    /// Budget of the whole call, retries and their waits included (None: attempts only).
    pub call_timeout: Option<Duration>,
    /// Retry policy.
    pub retry: RetryPolicy,
    /// How long a 202 is polled before giving up with [`Error::Pending`].
    pub poll_deadline: Duration,
    /// Multi-config id sent as a top-level `config_id` key, only when set.
    pub config_id: Option<String>,
    /// Appended to the User-Agent.
    pub user_agent_suffix: Option<String>,
    /// Largest response body accepted.
    pub max_body_bytes: usize,
    /// Told about every retry before its wait starts.
    pub on_retry: Option<RetryHook>,
}

impl std::fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientConfig")
            .field("base_url", &self.base_url)
            .field("token", &self.token)
            .field("allow_http", &self.allow_http)
            .field("connect_timeout", &self.connect_timeout)
            .field("request_timeout", &self.request_timeout)
            .field("call_timeout", &self.call_timeout)
            .field("retry", &self.retry)
            .field("poll_deadline", &self.poll_deadline)
            .field("config_id", &self.config_id)
            .field("user_agent_suffix", &self.user_agent_suffix)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("on_retry", &self.on_retry.is_some())
            .finish()
    }
}

/// Resolves a base URL from a template (`{SERVICE_NAME}` optional) as the SDKs do.
pub fn base_url_from_template(template: &str) -> Result<String, Error> {
    url::from_template(template)
}

/// Always `https://authn.<domain>`.
pub fn base_url_from_domain(domain: &str) -> Result<String, Error> {
    url::from_domain(domain)
}

impl ClientConfig {
    /// The Bearer is a client token (`pcl_…`), which Pangea accepts on the client
    /// endpoints only (spec 1.3); listing or ending other users' sessions needs a service
    /// token.
    pub fn has_client_token(&self) -> bool {
        self.token.expose().starts_with("pcl_")
    }

    /// Defaults: 5 s connect, 30 s request, 30 s poll deadline, 4 attempts, 16 MiB body cap.
    pub fn new(base_url: impl Into<String>, token: Secret) -> Self {
        Self {
            base_url: base_url.into(),
            token,
            allow_http: false,
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(30),
            call_timeout: None,
            retry: RetryPolicy::default(),
            poll_deadline: Duration::from_secs(30),
            config_id: None,
            user_agent_suffix: None,
            max_body_bytes: 16 << 20,
            on_retry: None,
        }
    }
}
