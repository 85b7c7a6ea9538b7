//! HTTP surface: the envelope, Bearer check, fault injection, the session endpoints
//! and the async poll endpoint.

use super::errors::{Errors, Failure};
use super::faults::{Fault, FaultState, KillSwitch, RETRY_AFTER_SECS};
use super::ids;
use super::render::Stamp;
use super::store::Store;
use super::validate::{self, Endpoint};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use pangea_authn_model::ErrorField;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

/// A response `status` and its HTTP code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// 200.
    Success,
    /// 202.
    Accepted,
    /// 400.
    ValidationError,
    /// 401.
    Unauthorized,
    /// 400.
    InvalidToken,
    /// 400.
    ExpiredToken,
    /// 404.
    NotFound,
    /// 405 (a path served with another HTTP method).
    MethodNotAllowed,
    /// 429.
    TooManyRequests,
    /// 500.
    InternalError,
}

impl Status {
    fn http(self) -> StatusCode {
        match self {
            Status::Success => StatusCode::OK,
            Status::Accepted => StatusCode::ACCEPTED,
            Status::ValidationError | Status::InvalidToken | Status::ExpiredToken => {
                StatusCode::BAD_REQUEST
            }
            Status::Unauthorized => StatusCode::UNAUTHORIZED,
            Status::NotFound => StatusCode::NOT_FOUND,
            Status::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Status::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            Status::InternalError => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Status::Success => "Success",
            Status::Accepted => "Accepted",
            Status::ValidationError => "ValidationError",
            Status::Unauthorized => "Unauthorized",
            Status::InvalidToken => "InvalidToken",
            Status::ExpiredToken => "ExpiredToken",
            Status::NotFound => "NotFound",
            Status::MethodNotAllowed => "MethodNotAllowed",
            Status::TooManyRequests => "TooManyRequests",
            Status::InternalError => "InternalError",
        }
    }
}

/// What an operation answered, before the envelope is put around it.
#[derive(Debug, Clone)]
pub struct Answer {
    status: Status,
    summary: String,
    /// The `result` value as JSON text.
    result: String,
}

impl Answer {
    fn new(status: Status, summary: impl Into<String>, result: Value) -> Self {
        Self::raw(status, summary, result.to_string())
    }

    fn raw(status: Status, summary: impl Into<String>, result: String) -> Self {
        Self {
            status,
            summary: summary.into(),
            result,
        }
    }

    fn validation(errors: Vec<ErrorField>) -> Self {
        let summary = format!("There was {} error(s) in the given payload.", errors.len());
        Self::new(
            Status::ValidationError,
            summary,
            json!({ "errors": errors }),
        )
    }

    fn failure(f: Failure) -> Self {
        match f {
            Failure::InvalidToken => Self::new(Status::InvalidToken, "Invalid token", Value::Null),
            Failure::ExpiredToken => {
                Self::new(Status::ExpiredToken, "Token has expired", Value::Null)
            }
            Failure::NotFound => Self::new(Status::NotFound, "Session not found", Value::Null),
            Failure::BadCursor => {
                let mut e = Errors::default();
                e.push(
                    "BadFormat",
                    "'last' is not a cursor returned for this query",
                    &["last"],
                );
                Self::validation(e.into_vec())
            }
        }
    }
}

/// How long a 202 stays pollable (the `ttl_mins` it announces).
const PENDING_TTL: std::time::Duration = std::time::Duration::from_secs(5 * 60);
/// Pending requests kept before expired ones are swept, bounding memory under load.
const PENDING_SWEEP_AT: usize = 10_000;
/// Warnings kept for [`Shared::warnings`]; older ones are dropped (they were logged).
const KEPT_WARNINGS: usize = 100;

/// A request answered 202 and completed by the poll endpoint.
struct Pending {
    created: std::time::Instant,
    endpoint: Endpoint,
    body: Bytes,
    polls_left: u8,
    retries: i64,
    done: Option<Answer>,
}

/// State shared by every handler (no `Debug`: the store holds token values).
pub struct Shared {
    /// Sessions and tokens.
    pub store: Mutex<Store>,
    /// Fault settings and their generator.
    pub faults: Mutex<FaultState>,
    pending: Mutex<HashMap<String, Pending>>,
    /// HTTP requests received.
    pub requests: AtomicU64,
    /// Added to the wall clock, so tests can move time forward.
    pub clock_offset_us: AtomicI64,
    ids: Mutex<fastrand::Rng>,
    warnings: Mutex<std::collections::VecDeque<String>>,
    /// `http://host:port`.
    pub base_url: String,
    /// The Bearer accepted on every endpoint.
    pub service_token: String,
    /// The browser-safe Bearer accepted on the client endpoints only (spec 1.3).
    pub client_token: String,
}

/// Locks `m`, recovering the data if a panicking thread poisoned it.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    /// State for a server at `base_url`.
    pub fn new(
        store: Store,
        faults: FaultState,
        seed: u64,
        base_url: String,
        service_token: String,
        client_token: String,
    ) -> Self {
        Self {
            store: Mutex::new(store),
            faults: Mutex::new(faults),
            pending: Mutex::new(HashMap::new()),
            requests: AtomicU64::new(0),
            clock_offset_us: AtomicI64::new(0),
            ids: Mutex::new(fastrand::Rng::with_seed(seed ^ 0x0000_001d_51d5)),
            warnings: Mutex::new(std::collections::VecDeque::new()),
            base_url,
            service_token,
            client_token,
        }
    }

    /// The emulator's "now" in microseconds.
    pub fn now(&self) -> i64 {
        jiff::Timestamp::now().as_microsecond() + self.clock_offset_us.load(Ordering::Relaxed)
    }

    /// Logs a warning about a request the emulator served but a client should look at,
    /// and keeps the latest ones for [`Shared::warnings`].
    fn warn(&self, text: String) {
        tracing::warn!(target: "authtop::emulator", "{text}");
        let mut kept = lock(&self.warnings);
        if kept.len() == KEPT_WARNINGS {
            kept.pop_front();
        }
        kept.push_back(text);
    }

    /// The latest warnings, oldest first.
    pub fn warnings(&self) -> Vec<String> {
        lock(&self.warnings).iter().cloned().collect()
    }

    fn request_id(&self) -> String {
        ids::new_id(&mut lock(&self.ids), "prq")
    }

    /// Whether the Bearer may call `endpoint`: the service token everywhere, the client
    /// token only on `/v2/client/*`, as Pangea's browser client uses it.
    fn authorized(&self, headers: &HeaderMap, endpoint: Endpoint) -> bool {
        let bearer = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        match bearer {
            Some(t) if t == self.service_token => true,
            Some(t) if t == self.client_token => endpoint.is_client(),
            _ => false,
        }
    }

    fn respond(&self, request_id: &str, request_time: i64, answer: &Answer) -> Response {
        // The result is already JSON text; the envelope is written around it so a large
        // page is serialised once.
        let head = json!({
            "request_id": request_id,
            "request_time": Stamp(request_time),
            "response_time": Stamp(self.now()),
            "status": answer.status.as_str(),
            "summary": answer.summary,
        })
        .to_string();
        let mut body = String::with_capacity(head.len() + answer.result.len() + 12);
        body.push_str(&head[..head.len() - 1]);
        body.push_str(",\"result\":");
        body.push_str(&answer.result);
        body.push('}');
        let mut resp = (
            answer.status.http(),
            [(header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response();
        if let Ok(v) = HeaderValue::from_str(request_id) {
            resp.headers_mut().insert("x-request-id", v);
        }
        resp
    }

    fn execute(&self, endpoint: Endpoint, raw: &[u8], request_id: &str) -> Answer {
        let body = match validate::parse(endpoint, raw) {
            Ok(b) => b,
            Err(errors) => return Answer::validation(errors),
        };
        if let Some(q) = body.list.as_ref().filter(|q| !q.ignored.is_empty()) {
            let path = Endpoint::ALL
                .iter()
                .find(|(e, _)| *e == endpoint)
                .map_or("", |(_, p)| *p);
            self.warn(format!(
                "{path} (request {request_id}): ignored unknown filter key(s) {}",
                q.ignored
                    .iter()
                    // Debug escapes controls and bidi overrides, so a key cannot reach the
                    // operator's terminal raw.
                    .map(|k| format!("{k:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        let now = self.now();
        let s = |k: &str| body.str(k).unwrap_or_default();
        let mut store = lock(&self.store);
        let done = |summary: &str| Answer::new(Status::Success, summary, json!({}));
        let outcome = match (endpoint, &body.list) {
            (Endpoint::SessionList | Endpoint::ClientList, Some(q)) => {
                let client = endpoint == Endpoint::ClientList;
                store.list(q, client.then(|| s("token")), now).map(|page| {
                    let summary = format!("Listed {} session(s)", page.shown);
                    Answer::raw(Status::Success, summary, page.json)
                })
            }
            (Endpoint::SessionInvalidate, _) => store
                .invalidate(s("session_id"), None, now)
                .map(|()| done("Session invalidated")),
            (Endpoint::ClientInvalidate, _) => store
                .invalidate(s("session_id"), Some(s("token")), now)
                .map(|()| done("Session invalidated")),
            (Endpoint::SessionLogout, _) => {
                store.logout_user(s("user_id"), now);
                Ok(done("Sessions of the user logged out"))
            }
            (Endpoint::ClientLogout, _) => store
                .logout_token(s("token"), now)
                .map(|()| done("Logged out")),
            (Endpoint::ClientRefresh, _) => store
                .refresh(s("refresh_token"), body.str("user_token"), now)
                .map(|r| Answer::raw(Status::Success, "Session refreshed", r)),
            (Endpoint::TokenCheck, _) => store
                .check(s("token"), now)
                .map(|info| Answer::raw(Status::Success, "Token is valid", info)),
            (Endpoint::SessionList | Endpoint::ClientList, None) => Ok(Answer::new(
                Status::InternalError,
                "list query missing",
                Value::Null,
            )),
        };
        outcome.unwrap_or_else(Answer::failure)
    }

    fn accepted(&self, request_id: &str, retries: i64) -> Answer {
        Answer::new(
            Status::Accepted,
            "Your request is in progress",
            json!({
                "ttl_mins": PENDING_TTL.as_secs() / 60,
                "retry_counter": retries,
                "location": format!("{}/request/{request_id}", self.base_url),
            }),
        )
    }
}

fn unauthorized() -> Answer {
    Answer::new(
        Status::Unauthorized,
        "Not authorized to access this resource",
        Value::Null,
    )
}

type App = State<std::sync::Arc<Shared>>;

async fn api(
    endpoint: Endpoint,
    State(app): App,
    kill: KillSwitch,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request_time = app.now();
    let request_id = app.request_id();
    if !app.authorized(&headers, endpoint) {
        return app.respond(&request_id, request_time, &unauthorized());
    }
    let (delay, fault) = lock(&app.faults).draw();
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let answer = match fault {
        Fault::Drop => {
            kill.trip();
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
        Fault::Error => Answer::new(
            Status::InternalError,
            "Internal server error (injected)",
            Value::Null,
        ),
        Fault::Throttle => {
            let a = Answer::new(
                Status::TooManyRequests,
                "Too many requests (injected)",
                Value::Null,
            );
            let mut resp = app.respond(&request_id, request_time, &a);
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECS));
            return resp;
        }
        Fault::Async(polls) => {
            let pending = Pending {
                created: std::time::Instant::now(),
                endpoint,
                body,
                polls_left: polls,
                retries: 0,
                done: None,
            };
            let mut map = lock(&app.pending);
            if map.len() >= PENDING_SWEEP_AT {
                map.retain(|_, p| p.created.elapsed() < PENDING_TTL);
            }
            map.insert(request_id.clone(), pending);
            drop(map);
            app.accepted(&request_id, 0)
        }
        Fault::None => app.execute(endpoint, &body, &request_id),
    };
    app.respond(&request_id, request_time, &answer)
}

/// `GET /request/{id}`: 202 while "in progress", then the original call's answer, which
/// takes effect exactly once and is repeated to later polls. Faults are not injected
/// here, so a poll loop always converges.
async fn poll(State(app): App, Path(id): Path<String>, headers: HeaderMap) -> Response {
    let request_time = app.now();
    let mut pending = lock(&app.pending);
    // A poll carries the rights of the call it polls: a client token cannot read the
    // answer of a service call.
    let allowed = pending
        .get(&id)
        .map_or(Endpoint::ClientList, |p| p.endpoint);
    if !app.authorized(&headers, allowed) {
        drop(pending);
        return app.respond(&app.request_id(), request_time, &unauthorized());
    }
    let Some(p) = pending.get_mut(&id) else {
        let a = Answer::new(Status::NotFound, "Request not found", Value::Null);
        drop(pending);
        return app.respond(&app.request_id(), request_time, &a);
    };
    let answer = if let Some(done) = &p.done {
        done.clone()
    } else if p.polls_left > 0 {
        p.polls_left -= 1;
        p.retries += 1;
        app.accepted(&id, p.retries)
    } else {
        let a = app.execute(p.endpoint, &p.body, &id);
        p.done = Some(a.clone());
        a
    };
    drop(pending);
    app.respond(&id, request_time, &answer)
}

async fn not_found(State(app): App) -> Response {
    let a = Answer::new(Status::NotFound, "No such endpoint", Value::Null);
    app.respond(&app.request_id(), app.now(), &a)
}

/// A known path asked with another method: 405, with `Allow` naming the one it serves
/// (GET for the poll endpoint, POST for every API endpoint).
async fn wrong_method(State(app): App, uri: axum::http::Uri) -> Response {
    let allow = if uri.path().starts_with("/request/") {
        "GET"
    } else {
        "POST"
    };
    let a = Answer::new(
        Status::MethodNotAllowed,
        format!("Method not allowed: this endpoint takes {allow}"),
        Value::Null,
    );
    let mut resp = app.respond(&app.request_id(), app.now(), &a);
    resp.headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static(allow));
    resp
}

async fn count(State(app): App, req: Request, next: Next) -> Response {
    app.requests.fetch_add(1, Ordering::Relaxed);
    next.run(req).await
}

/// The router for `app`.
pub fn router(app: std::sync::Arc<Shared>) -> Router {
    let mut r = Router::new();
    for (endpoint, path) in Endpoint::ALL {
        r = r.route(
            path,
            post(
                move |s: App, ConnectInfo(k): ConnectInfo<KillSwitch>, h: HeaderMap, b: Bytes| {
                    api(endpoint, s, k, h, b)
                },
            ),
        );
    }
    r.route("/request/{id}", get(poll))
        .fallback(not_found)
        .method_not_allowed_fallback(wrong_method)
        .layer(middleware::from_fn_with_state(app.clone(), count))
        .with_state(app)
}
