//! The AuthN HTTP client: one method per endpoint, retries, 202 polling.
//!
//! INTERFACE SKETCH: bodies are filled in by the wire-layer work.

use super::error::Error;
use super::model::*;
use super::secret::Secret;
use std::time::Duration;

/// How retries back off (spec 6.2, plus 429 and connection failures for idempotent calls).
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// Delay before the first retry; doubles each time.
    pub base_delay: Duration,
    /// Cap on one delay (also caps a server's Retry-After).
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
        }
    }
}

/// Everything a [`Client`] needs.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Resolved base URL, e.g. `https://authn.aws.us.pangea.cloud` or `http://127.0.0.1:8080/prefix`.
    pub base_url: String,
    /// The service (or client) token sent as Bearer.
    pub token: Secret,
    /// Allow plain http to a non-loopback host.
    pub insecure: bool,
    /// Connect timeout.
    pub connect_timeout: Duration,
    /// Whole-request timeout (one attempt).
    pub request_timeout: Duration,
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
}

/// Resolves a base URL from a template (`{SERVICE_NAME}` optional) as the SDKs do.
pub fn base_url_from_template(template: &str) -> Result<String, Error> {
    let _ = template;
    todo!()
}

/// `https://authn.<domain>`, or `http://<domain>` verbatim when `insecure` (legacy "local").
pub fn base_url_from_domain(domain: &str, insecure: bool) -> Result<String, Error> {
    let _ = (domain, insecure);
    todo!()
}

/// A successful call: the result plus what identifies it.
#[derive(Debug, Clone)]
pub struct Response<T> {
    /// `prq_…`.
    pub request_id: String,
    /// Server's text.
    pub summary: String,
    /// The endpoint result.
    pub result: T,
    /// Attempts made (1 when no retry was needed).
    pub attempts: u32,
}

/// Which list a page walk reads.
#[derive(Debug, Clone)]
pub enum ListScope {
    /// `/v2/session/list`: every session of the project.
    Service,
    /// `/v2/client/session/list`: the sessions of the owner of this user token.
    Client(Secret),
}

/// A page walk that failed, with the cursor to resume from (`--last`).
#[derive(Debug, Clone, thiserror::Error)]
#[error("{error}")]
pub struct PageError {
    /// Why the page failed.
    pub error: Error,
    /// Cursor of the page that failed (None: it was the first page).
    pub resume_from: Option<String>,
}

/// A cheap-to-clone AuthN client.
#[derive(Debug, Clone)]
pub struct Client {}

impl ClientConfig {
    /// Defaults: 5 s connect, 30 s request, 30 s poll deadline, 4 attempts, 16 MiB body cap.
    pub fn new(base_url: impl Into<String>, token: Secret) -> Self {
        Self {
            base_url: base_url.into(),
            token,
            insecure: false,
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            poll_deadline: Duration::from_secs(30),
            config_id: None,
            user_agent_suffix: None,
            max_body_bytes: 16 << 20,
        }
    }
}

#[allow(unused_variables)]
impl Client {
    /// Builds a client; fails on a bad URL or plain http to a remote host without `insecure`.
    pub fn new(config: ClientConfig) -> Result<Self, Error> {
        todo!()
    }
    /// The resolved base URL.
    pub fn base_url(&self) -> &str {
        todo!()
    }
    /// The host part of the base URL, for headers and audit lines.
    pub fn host(&self) -> &str {
        todo!()
    }
    /// `/v2/session/list`.
    pub async fn session_list(
        &self,
        req: &SessionListRequest,
    ) -> Result<Response<SessionListResult>, Error> {
        todo!()
    }
    /// `/v2/session/invalidate`.
    pub async fn session_invalidate(&self, session_id: &str) -> Result<Response<()>, Error> {
        todo!()
    }
    /// `/v2/session/logout`.
    pub async fn session_logout(&self, user_id: &str) -> Result<Response<()>, Error> {
        todo!()
    }
    /// `/v2/client/session/list`.
    pub async fn client_session_list(
        &self,
        token: &Secret,
        req: &SessionListRequest,
    ) -> Result<Response<SessionListResult>, Error> {
        todo!()
    }
    /// `/v2/client/session/invalidate`.
    pub async fn client_session_invalidate(
        &self,
        token: &Secret,
        session_id: &str,
    ) -> Result<Response<()>, Error> {
        todo!()
    }
    /// `/v2/client/session/logout`.
    pub async fn client_session_logout(&self, token: &Secret) -> Result<Response<()>, Error> {
        todo!()
    }
    /// `/v2/client/session/refresh`; never retried once the request may have reached the server.
    pub async fn client_session_refresh(
        &self,
        refresh_token: &Secret,
        user_token: Option<&Secret>,
    ) -> Result<Response<RefreshResult>, Error> {
        todo!()
    }
    /// `/v2/client/token/check`.
    pub async fn token_check(&self, token: &Secret) -> Result<Response<TokenInfo>, Error> {
        todo!()
    }
    /// Walks every page from `req.last` on, stopping on any end-of-list signal (spec 5.3).
    pub fn pages(
        &self,
        scope: ListScope,
        req: SessionListRequest,
    ) -> impl futures::Stream<Item = Result<Response<SessionListResult>, PageError>> + Send + 'static
    {
        futures::stream::empty()
    }
}
