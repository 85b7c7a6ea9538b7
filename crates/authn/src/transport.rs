//! One HTTP exchange: send, read a capped body, classify what went wrong.

use super::error::{Error, TransportKind};
use super::redact::Redactor;
use std::error::Error as _;
use std::time::Duration;

/// Header carrying the ids of earlier failed attempts on a retry.
pub(crate) const RETRIED_IDS_HEADER: &str = "X-Pangea-Retried-Request-Ids";

/// An HTTP answer, before its body is interpreted.
#[derive(Debug)]
pub struct Raw {
    /// HTTP status code.
    pub status: u16,
    /// The `x-request-id` header, scrubbed.
    pub request_id: Option<String>,
    /// `Retry-After` in seconds, when given.
    pub retry_after: Option<Duration>,
    /// The whole body (at most the configured cap).
    pub body: Vec<u8>,
}

/// What one attempt needs besides the request itself.
pub(crate) struct Limits<'a> {
    /// Largest body accepted.
    pub max_body_bytes: usize,
    /// Time for the whole attempt, body included.
    pub request_timeout: Duration,
    /// Host for error messages.
    pub host: &'a str,
    /// Secrets to scrub from messages.
    pub redactor: &'a Redactor,
}

/// Sends `req` and reads the answer, all within `request_timeout`.
pub(crate) async fn exchange(
    req: reqwest::RequestBuilder,
    limits: &Limits<'_>,
) -> Result<Raw, Error> {
    match tokio::time::timeout(limits.request_timeout, send_and_read(req, limits)).await {
        Ok(r) => r,
        Err(_) => Err(Error::Transport {
            kind: TransportKind::Timeout,
            host: limits.host.to_string(),
            message: format!("no complete answer within {:?}", limits.request_timeout),
            attempts: 1,
        }),
    }
}

async fn send_and_read(req: reqwest::RequestBuilder, limits: &Limits<'_>) -> Result<Raw, Error> {
    let mut resp = req.send().await.map_err(|e| transport(&e, limits))?;
    let status = resp.status().as_u16();
    if (300..400).contains(&status) {
        let location = header(&resp, "location").map_or_else(
            || "(no Location header)".into(),
            |l| crate::sanitize::clean(&limits.redactor.scrub(l)).into_owned(),
        );
        return Err(Error::Transport {
            kind: TransportKind::Redirect,
            host: limits.host.to_string(),
            message: format!(
                "HTTP {status} redirect to {location}; redirects are not followed (the token would go with them): use the final address as the base URL"
            ),
            attempts: 1,
        });
    }
    let request_id = header(&resp, "x-request-id").map(|v| limits.redactor.scrub(v));
    let retry_after = header(&resp, "retry-after")
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    let too_large = |request_id: Option<String>| Error::Decode {
        http_status: status,
        request_id,
        reason: format!(
            "response body exceeds the {}-byte limit",
            limits.max_body_bytes
        ),
        snippet: String::new(),
    };
    let declared = resp.content_length();
    if declared.is_some_and(|n| n > limits.max_body_bytes as u64) {
        return Err(too_large(request_id));
    }
    // Sized once from the declared length (already within the cap), so a large page is
    // not copied again at every doubling; a server that sends less only wastes the slack.
    let mut body = Vec::with_capacity(declared.map_or(0, |n| usize::try_from(n).unwrap_or(0)));
    while let Some(chunk) = resp.chunk().await.map_err(|e| transport(&e, limits))? {
        if body.len() + chunk.len() > limits.max_body_bytes {
            return Err(too_large(request_id));
        }
        body.extend_from_slice(&chunk);
    }
    // A server that echoes one of our tokens back, anywhere in its answer, must not get it
    // printed: every decoding path after this point only ever sees the scrubbed body.
    limits.redactor.scrub_body(&mut body);
    Ok(Raw {
        status,
        request_id,
        retry_after,
        body,
    })
}

fn header<'r>(resp: &'r reqwest::Response, name: &str) -> Option<&'r str> {
    resp.headers().get(name).and_then(|v| v.to_str().ok())
}

/// A reqwest failure as [`Error::Transport`], with the whole cause chain, scrubbed.
fn transport(e: &reqwest::Error, limits: &Limits<'_>) -> Error {
    let mut message = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    Error::Transport {
        kind: classify(e),
        host: limits.host.to_string(),
        message: limits.redactor.scrub(&message),
        attempts: 1,
    }
}

/// Permanent causes first (a refused certificate or an unknown host also fail the
/// connect); then connect: a connect timeout still means the request never left.
fn classify(e: &reqwest::Error) -> TransportKind {
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string().to_ascii_lowercase();
        if text.contains("certificate") || text.contains("invalid peer") {
            return TransportKind::Certificate;
        }
        // rustls's handshake failures: plain http on an https port, an alert, no common
        // version or cipher. Another attempt meets the same server.
        if [
            "corrupt message",
            "received fatal alert",
            "peer is incompatible",
            "peer misbehaved",
            "handshake",
        ]
        .iter()
        .any(|t| text.contains(t))
        {
            return TransportKind::Tls;
        }
        if text.contains("dns error")
            || text.contains("failed to lookup address")
            || text.contains("name or service not known")
        {
            return TransportKind::Dns;
        }
        source = s.source();
    }
    if e.is_connect() {
        return TransportKind::Connect;
    }
    if e.is_timeout() {
        return TransportKind::Timeout;
    }
    let mut source = e.source();
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind::{
                BrokenPipe, ConnectionAborted, ConnectionReset, UnexpectedEof,
            };
            if matches!(
                io.kind(),
                ConnectionReset | ConnectionAborted | UnexpectedEof | BrokenPipe
            ) {
                return TransportKind::Closed;
            }
        }
        // hyper's "connection closed before message completed" has no io::Error under it.
        if s.to_string().contains("closed") {
            return TransportKind::Closed;
        }
        source = s.source();
    }
    TransportKind::Other
}
