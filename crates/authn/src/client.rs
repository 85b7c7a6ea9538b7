//! The AuthN HTTP client: one method per endpoint, retries, 202 polling.

use super::call::{Call, ListScope};
use super::client_config::ClientConfig;
use super::decode::{self, ResultDecoder};
use super::error::{Error, TransportKind};
use super::model::{ListPage, RefreshResult, SessionListRequest, SessionListResult, TokenInfo};
use super::redact::Redactor;
use super::response::Response;
use super::retry::{RetryNotice, is_retryable_error, is_retryable_status};
use super::secret::Secret;
use super::transport::{self, Limits, RETRIED_IDS_HEADER, Raw};
use super::url;
use reqwest::Method;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// An answer after retries, before decoding, with the secrets to scrub from it.
pub(super) struct Sent {
    /// The final answer.
    pub(super) raw: Raw,
    attempts: u32,
    red: Redactor,
    /// An earlier attempt reached the server but got no answer.
    unanswered: bool,
    /// When the call started, for its time budget.
    started: Instant,
}

/// The end of a call with no result (invalidate, logout), and whether an earlier attempt
/// of the same request reached the server and got no answer: then a `NotFound` now may
/// be that attempt's own doing.
#[derive(Debug)]
pub struct Acted {
    /// The final answer.
    pub result: Result<Response<()>, Error>,
    /// An earlier attempt was sent (connected) and no answer came back.
    pub unanswered_before: bool,
}

/// Reads a plain success in one pass, or declines (see [`decode::success`]).
type FastDecoder<T> = fn(&Raw, &Redactor, u32) -> Option<Response<T>>;

/// A cheap-to-clone AuthN client.
#[derive(Debug, Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    http: reqwest::Client,
    auth: Option<HeaderValue>,
    base_url: String,
    host: String,
    config: ClientConfig,
}

/// First wait between polls of a 202; doubles up to [`POLL_MAX_INTERVAL`].
const POLL_FIRST_INTERVAL: Duration = Duration::from_millis(100);
/// Longest wait between polls.
const POLL_MAX_INTERVAL: Duration = Duration::from_secs(2);

impl Client {
    /// Builds a client; fails on a bad URL, plain http to a remote host without
    /// `allow_http`, or plain http that would pass through a proxy.
    pub fn new(config: ClientConfig) -> Result<Self, Error> {
        let (base_url, parsed) = url::normalise(&config.base_url)?;
        url::check_scheme(&parsed, config.allow_http)?;
        let route = url::proxy_route(&parsed, &|name| std::env::var(name).ok())?;
        let Ok(auth) = bearer(&config.token) else {
            return Err(Error::Config(
                "the token contains characters that cannot be sent in a header".into(),
            ));
        };
        let user_agent = match config.user_agent_suffix.as_deref() {
            Some(s) if !s.trim().is_empty() => {
                format!("authtop/{} {}", env!("CARGO_PKG_VERSION"), s.trim())
            }
            _ => format!("authtop/{}", env!("CARGO_PKG_VERSION")),
        };
        let mut builder = reqwest::Client::builder();
        if route == url::ProxyRoute::Direct {
            builder = builder.no_proxy();
        }
        let http = builder
            .user_agent(user_agent)
            .connect_timeout(config.connect_timeout)
            // A redirect would carry the bearer elsewhere or turn a POST into a GET.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?;
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                auth,
                host: url::authority(&parsed),
                base_url,
                config,
            }),
        })
    }

    /// The resolved base URL.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The host part of the base URL, for headers and audit lines.
    pub fn host(&self) -> &str {
        &self.inner.host
    }

    /// The configuration this client was built from.
    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// The same client (connections shared) making every call once, for a caller that
    /// paces and retries a whole run itself.
    #[must_use]
    pub fn single_attempt(&self) -> Client {
        let mut config = self.inner.config.clone();
        config.retry.max_attempts = 1;
        Client {
            inner: Arc::new(Inner {
                http: self.inner.http.clone(),
                auth: self.inner.auth.clone(),
                base_url: self.inner.base_url.clone(),
                host: self.inner.host.clone(),
                config,
            }),
        }
    }

    /// The exact JSON body this client sends for `call` (token values included).
    pub fn body_of(&self, call: &Call<'_>) -> Result<Vec<u8>, Error> {
        call.body(self.inner.config.config_id.as_deref())
    }

    /// `/v2/session/list`.
    pub async fn session_list(
        &self,
        req: &SessionListRequest,
    ) -> Result<Response<SessionListResult>, Error> {
        self.run_typed(Call::SessionList(req)).await
    }

    /// `/v2/session/invalidate`.
    pub async fn session_invalidate(&self, session_id: &str) -> Result<Response<()>, Error> {
        self.run(Call::SessionInvalidate { session_id }, decode::empty, None)
            .await
    }

    /// `/v2/session/logout`.
    pub async fn session_logout(&self, user_id: &str) -> Result<Response<()>, Error> {
        self.run(Call::SessionLogout { user_id }, decode::empty, None)
            .await
    }

    /// `/v2/client/session/list`.
    pub async fn client_session_list(
        &self,
        token: &Secret,
        req: &SessionListRequest,
    ) -> Result<Response<SessionListResult>, Error> {
        self.run_typed(Call::ClientSessionList { token, req }).await
    }

    /// `/v2/client/session/invalidate`.
    pub async fn client_session_invalidate(
        &self,
        token: &Secret,
        session_id: &str,
    ) -> Result<Response<()>, Error> {
        self.run(
            Call::ClientSessionInvalidate { token, session_id },
            decode::empty,
            None,
        )
        .await
    }

    /// `/v2/client/session/logout`.
    pub async fn client_session_logout(&self, token: &Secret) -> Result<Response<()>, Error> {
        self.run(Call::ClientSessionLogout { token }, decode::empty, None)
            .await
    }

    /// A destructive call with no result, telling whether an earlier attempt went unanswered.
    pub async fn act(&self, call: Call<'_>) -> Acted {
        let sent = match self.send(call).await {
            Ok(sent) => sent,
            Err(e) => {
                return Acted {
                    result: Err(e),
                    unanswered_before: false,
                };
            }
        };
        let unanswered_before = sent.unanswered;
        Acted {
            result: self.conclude(sent, decode::empty, None).await,
            unanswered_before,
        }
    }

    /// `/v2/client/session/refresh`; never retried once the request may have reached the server.
    pub async fn client_session_refresh(
        &self,
        refresh_token: &Secret,
        user_token: Option<&Secret>,
    ) -> Result<Response<RefreshResult>, Error> {
        self.run_typed(Call::ClientSessionRefresh {
            refresh_token,
            user_token,
        })
        .await
    }

    /// `GET /request/{id}` once: the result of a call answered 202 (the original
    /// endpoint's envelope), or `None` while the server still works on it. The id must be
    /// an id's characters, since it goes into the URL path.
    pub async fn request_get(&self, request_id: &str) -> Result<Option<Response<Value>>, Error> {
        let id_like = !request_id.is_empty()
            && request_id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if !id_like {
            return Err(Error::Config(
                "a request id is letters, digits, `_` and `-` (prq_…)".into(),
            ));
        }
        let red = Redactor::new(std::iter::once(&self.inner.config.token));
        let path = format!("request/{request_id}");
        let (raw, attempts, _) = self.exchange(Method::GET, &path, None, true, &red).await?;
        let env = decode::envelope(&raw, &red)?;
        if decode::is_accepted(&raw, &env) {
            return Ok(None);
        }
        decode::finish(&raw, env, &red, decode::typed::<Value>, attempts).map(Some)
    }

    /// `/v2/client/token/check`.
    pub async fn token_check(&self, token: &Secret) -> Result<Response<TokenInfo>, Error> {
        self.run_typed(Call::TokenCheck { token }).await
    }

    /// A call whose result is an endpoint type: a plain success is decoded in one pass.
    async fn run_typed<T: DeserializeOwned>(&self, call: Call<'_>) -> Result<Response<T>, Error> {
        self.run(call, decode::typed, Some(decode::success::<T>))
            .await
    }

    /// One call: body, retries, 202 polling, decoding (`fast` first, when given).
    async fn run<T>(
        &self,
        call: Call<'_>,
        decode: ResultDecoder<T>,
        fast: Option<FastDecoder<T>>,
    ) -> Result<Response<T>, Error> {
        let sent = self.send(call).await?;
        self.conclude(sent, decode, fast).await
    }

    /// The answer to `call` after retries, not yet decoded.
    async fn send(&self, call: Call<'_>) -> Result<Sent, Error> {
        let started = Instant::now();
        let body = self.body_of(&call)?;
        let red =
            Redactor::new(std::iter::once(&self.inner.config.token).chain(call.body_secrets()))
                .returning(call.returned_secrets());
        let (raw, attempts, unanswered) = self
            .exchange(
                Method::POST,
                call.path(),
                Some(body),
                call.idempotent(),
                &red,
            )
            .await?;
        Ok(Sent {
            raw,
            attempts,
            red,
            unanswered,
            started,
        })
    }

    /// Decodes an answer, polling first if the call was queued.
    async fn conclude<T>(
        &self,
        sent: Sent,
        decode: ResultDecoder<T>,
        fast: Option<FastDecoder<T>>,
    ) -> Result<Response<T>, Error> {
        let Sent {
            raw,
            attempts,
            red,
            started,
            ..
        } = sent;
        if let Some(done) = fast.and_then(|f| f(&raw, &red, attempts)) {
            return Ok(done);
        }
        let (raw, env) = self.settle(raw, &red, started).await?;
        decode::finish(&raw, env, &red, decode, attempts)
    }

    /// The undecoded answer to one list page, for a walk that looks ahead.
    pub(super) async fn list_sent(
        &self,
        scope: &ListScope,
        req: &SessionListRequest,
    ) -> Result<Sent, Error> {
        match scope {
            ListScope::Service => self.send(Call::SessionList(req)).await,
            ListScope::Client(token) => self.send(Call::ClientSessionList { token, req }).await,
        }
    }

    /// A plain successful list page decoded in one pass, without awaiting anything (so it
    /// can run off the async workers); the answer back when it needs the full path.
    pub(super) fn list_decoded<T: ListPage>(sent: Sent) -> Result<Response<T>, Box<Sent>> {
        match decode::success::<T>(&sent.raw, &sent.red, sent.attempts) {
            Some(done) => Ok(done),
            None => Err(Box::new(sent)),
        }
    }

    /// A list page from its undecoded answer: what `session_list` would have returned
    /// (or the same page with its sessions kept as JSON text).
    pub(super) async fn list_concluded<T: ListPage>(
        &self,
        sent: Sent,
    ) -> Result<Response<T>, Error> {
        self.conclude(sent, decode::typed, Some(decode::success::<T>))
            .await
    }

    /// The envelope of the final answer, polling `/request/{id}` while the call is queued.
    async fn settle(
        &self,
        raw: Raw,
        red: &Redactor,
        call_started: Instant,
    ) -> Result<(Raw, decode::RawEnvelope), Error> {
        let env = decode::envelope(&raw, red)?;
        if !decode::is_accepted(&raw, &env) {
            return Ok((raw, env));
        }
        let id = env.request_id;
        // The id goes into the URL path (anything but an id's characters could leave it)
        // and into a Pending error, so an echoed token is refused too.
        if id.is_empty()
            || !id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            || red.scrub(&id) != id
        {
            return Err(decode::malformed(
                &raw,
                Some(&id),
                "unusable request id in an Accepted response",
                red,
            ));
        }
        let path = format!("request/{id}");
        // Polling is part of the call: it ends with the call's budget too.
        let config = &self.inner.config;
        let deadline = match config.call_timeout {
            Some(budget) => config
                .poll_deadline
                .min(budget.saturating_sub(call_started.elapsed())),
            None => config.poll_deadline,
        };
        let started = Instant::now();
        let mut interval = POLL_FIRST_INTERVAL;
        loop {
            let waited = started.elapsed();
            if waited >= deadline {
                return Err(Error::Pending {
                    request_id: id,
                    waited,
                });
            }
            tokio::time::sleep(interval.min(deadline.saturating_sub(waited))).await;
            let (raw, _, _) = self.exchange(Method::GET, &path, None, true, red).await?;
            let env = decode::envelope(&raw, red)?;
            if !decode::is_accepted(&raw, &env) {
                return Ok((raw, env));
            }
            interval = (interval * 2).min(POLL_MAX_INTERVAL);
        }
    }

    /// Sends one request, retrying as the policy and the call allow. Returns the last
    /// answer (even a failed one, for the caller to decode), the attempts made, and whether
    /// an earlier attempt connected and got no answer.
    #[expect(
        clippy::too_many_lines,
        reason = "the retry loop: every kind of answer decides against the same call budget and attempt count"
    )]
    async fn exchange(
        &self,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
        idempotent: bool,
        red: &Redactor,
    ) -> Result<(Raw, u32, bool), Error> {
        let config = &self.inner.config;
        let url = format!("{}/{path}", self.inner.base_url);
        let call_started = Instant::now();
        let budget_left = || {
            config
                .call_timeout
                .map(|b| b.saturating_sub(call_started.elapsed()))
        };
        let max = config.retry.attempts();
        // A 429 says "later", not "broken": while the call's budget lasts, a throttled
        // answer does not spend one of the attempts (up to `throttled_free` of them), so a
        // throttling server makes a walk slower, never failed. A single-attempt client
        // (the action engine, which paces itself) keeps its one attempt.
        let mut free = if max > 1 {
            config.retry.throttled_free
        } else {
            0
        };
        let free_at_start = free;
        let mut retried_ids: Vec<String> = Vec::new();
        let mut attempt = 1;
        let mut unanswered = false;
        loop {
            let mut req = self
                .inner
                .http
                .request(method.clone(), &url)
                .header(CONTENT_TYPE, "application/json");
            if let Some(v) = &self.inner.auth {
                req = req.header(AUTHORIZATION, v.clone());
            }
            if let Some(b) = &body {
                req = req.body(b.clone());
            }
            if !retried_ids.is_empty() {
                req = req.header(RETRIED_IDS_HEADER, retried_ids.join(","));
            }
            let limits = Limits {
                max_body_bytes: config.max_body_bytes,
                // An attempt never outlives the whole call's budget.
                request_timeout: budget_left().map_or(config.request_timeout, |left| {
                    left.min(config.request_timeout)
                }),
                host: &self.inner.host,
                redactor: red,
            };
            let budget_bound = limits.request_timeout < config.request_timeout;
            let started = Instant::now();
            let outcome = match transport::exchange(req, &limits).await {
                // Cut short by the whole call's budget: name the budget, not the remainder.
                Err(Error::Transport {
                    kind: TransportKind::Timeout,
                    host,
                    attempts,
                    ..
                }) if budget_bound => Err(Error::Transport {
                    kind: TransportKind::Timeout,
                    host,
                    message: format!(
                        "no complete answer within {}, the time allowed for the whole call",
                        crate::human::rounded(
                            config.call_timeout.unwrap_or(config.request_timeout)
                        )
                    ),
                    attempts,
                }),
                other => other,
            };
            let latency_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
            let (retry, retry_after) = match &outcome {
                Ok(raw) => {
                    tracing::debug!(%method, path, status = raw.status, request_id = raw.request_id.as_deref().unwrap_or("-"), attempt, latency_ms, "authn call");
                    (
                        idempotent && is_retryable_status(raw.status),
                        raw.retry_after,
                    )
                }
                Err(e) => {
                    tracing::debug!(%method, path, error = %e, attempt, latency_ms, "authn call failed");
                    (is_retryable_error(e, idempotent), None)
                }
            };
            let throttled = free > 0 && matches!(&outcome, Ok(raw) if raw.status == 429);
            let wait = retry.then(|| {
                if throttled {
                    // The server's word, else a short pause: the attempt count does not grow.
                    retry_after.map_or_else(
                        || config.retry.delay(0, None),
                        |d| d.min(config.retry.max_delay),
                    )
                } else {
                    config.retry.delay(attempt - 1, retry_after)
                }
            });
            // A retry that could not even start within the budget is not made.
            let out_of_time = wait.is_some_and(|w| budget_left().is_some_and(|left| w >= left));
            if !retry || (attempt - (free_at_start - free) >= max && !throttled) || out_of_time {
                return match outcome {
                    Ok(raw) => Ok((raw, attempt, unanswered)),
                    Err(e) => Err(with_attempts(e, attempt)),
                };
            }
            unanswered |= matches!(
                &outcome,
                Err(Error::Transport { kind, .. }) if *kind != TransportKind::Connect
            );
            if let Some(id) = outcome
                .as_ref()
                .ok()
                .and_then(|r| failed_request_id(r, red))
            {
                retried_ids.push(id);
            }
            let wait = wait.unwrap_or_default();
            if let Some(hook) = &config.on_retry {
                hook(&RetryNotice {
                    path: path.to_string(),
                    reason: match &outcome {
                        Ok(raw) => raw.status.to_string(),
                        Err(Error::Transport { kind, .. }) => format!("{kind:?}").to_lowercase(),
                        Err(_) => "error".into(),
                    },
                    next_attempt: attempt + 1,
                    max_attempts: max + (free_at_start - free) + u32::from(throttled),
                    wait,
                });
            }
            tokio::time::sleep(wait).await;
            if throttled {
                free -= 1;
            }
            attempt += 1;
        }
    }
}

/// The `Authorization` value, marked sensitive so no HTTP-layer log can print it; none
/// for an empty token (as the SDKs do), an error when the token cannot be a header.
fn bearer(token: &Secret) -> Result<Option<HeaderValue>, ()> {
    if token.is_empty() {
        return Ok(None);
    }
    let mut v = HeaderValue::from_str(&format!("Bearer {}", token.expose())).map_err(|_| ())?;
    v.set_sensitive(true);
    Ok(Some(v))
}

/// The id a failed attempt is known by: its `x-request-id` header, else its envelope's.
fn failed_request_id(raw: &Raw, red: &Redactor) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Id {
        request_id: String,
    }
    raw.request_id
        .clone()
        .or_else(|| {
            serde_json::from_slice::<Id>(&raw.body)
                .ok()
                .map(|i| red.scrub(&i.request_id))
        })
        .filter(|id| HeaderValue::from_str(id).is_ok() && !id.contains(','))
}

fn with_attempts(e: Error, n: u32) -> Error {
    match e {
        Error::Transport {
            kind,
            host,
            message,
            ..
        } => Error::Transport {
            kind,
            host,
            message,
            attempts: n,
        },
        other => other,
    }
}
