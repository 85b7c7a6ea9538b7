//! A scripted HTTP/1.1 server on 127.0.0.1 that can also misbehave at the byte level.

use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One request as the server read it.
#[derive(Debug, Clone)]
pub(crate) struct Seen {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Seen {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

/// What the server does with a request.
#[derive(Clone)]
pub(crate) enum Reply {
    /// A normal answer; `length: false` sends no Content-Length (body ends at close).
    Http {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
        length: bool,
    },
    /// Close the connection without answering.
    Drop,
    /// Never answer.
    Hang,
    /// Send these bytes as they are (no HTTP framing added), then close.
    Raw(Vec<u8>),
    /// Send the head, then the body one byte at a time.
    Trickle {
        status: u16,
        body: Vec<u8>,
        every: Duration,
    },
}

impl Reply {
    pub(crate) fn json(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Reply::Http {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.into(),
            length: true,
        }
    }

    pub(crate) fn header(mut self, name: &str, value: &str) -> Self {
        if let Reply::Http { headers, .. } = &mut self {
            headers.push((name.into(), value.into()));
        }
        self
    }

    pub(crate) fn without_length(mut self) -> Self {
        if let Reply::Http { length, .. } = &mut self {
            *length = false;
        }
        self
    }
}

type Handler = dyn Fn(usize, &Seen) -> Reply + Send + Sync;

pub(crate) struct Server {
    pub base: String,
    pub addr: std::net::SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
    accept: tokio::task::AbortHandle,
}

impl Server {
    /// Starts a server; `handler` gets the request's index (0-based) and the request.
    pub(crate) async fn start(
        handler: impl Fn(usize, &Seen) -> Reply + Send + Sync + 'static,
    ) -> Self {
        Self::start_on("127.0.0.1:0".parse().unwrap(), handler).await
    }

    /// Starts a server on a given loopback address (e.g. the port of a stopped one).
    pub(crate) async fn start_on(
        addr: std::net::SocketAddr,
        handler: impl Fn(usize, &Seen) -> Reply + Send + Sync + 'static,
    ) -> Self {
        let listener = TcpListener::bind(addr).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let base = format!("http://{addr}");
        let seen = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let log = seen.clone();
        let accept = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (log, handler) = (log.clone(), handler.clone());
                tokio::spawn(async move {
                    let _ = serve(stream, log, handler).await;
                });
            }
        })
        .abort_handle();
        Server {
            base,
            addr,
            seen,
            accept,
        }
    }

    /// Closes the listening socket: new connections are refused from then on.
    pub(crate) async fn stop(&self) {
        self.accept.abort();
        // The listener is dropped once the aborted task is polled; wait until the
        // port refuses connections so the caller observes a stopped server.
        for _ in 0..200 {
            if TcpStream::connect(self.addr).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        panic!("the listener on {} did not close", self.addr);
    }

    pub(crate) fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

async fn serve(
    mut stream: TcpStream,
    log: Arc<Mutex<Vec<Seen>>>,
    handler: Arc<Handler>,
) -> std::io::Result<()> {
    let Some(seen) = tokio::time::timeout(Duration::from_secs(5), read_request(&mut stream))
        .await
        .ok()
        .flatten()
    else {
        return Ok(());
    };
    let n = {
        let mut l = log.lock().unwrap();
        l.push(seen.clone());
        l.len() - 1
    };
    match handler(n, &seen) {
        Reply::Http {
            status,
            headers,
            body,
            length,
        } => {
            let mut head = format!("HTTP/1.1 {status} X\r\nConnection: close\r\n");
            for (k, v) in headers {
                head.push_str(&format!("{k}: {v}\r\n"));
            }
            if length {
                head.push_str(&format!("Content-Length: {}\r\n", body.len()));
            }
            head.push_str("\r\n");
            stream.write_all(head.as_bytes()).await?;
            stream.write_all(&body).await?;
            stream.shutdown().await?;
        }
        Reply::Drop => drop(stream),
        Reply::Raw(bytes) => {
            stream.write_all(&bytes).await?;
            stream.shutdown().await?;
        }
        Reply::Hang => tokio::time::sleep(Duration::from_secs(60)).await,
        Reply::Trickle {
            status,
            body,
            every,
        } => {
            let head = format!(
                "HTTP/1.1 {status} X\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
                body.len()
            );
            stream.write_all(head.as_bytes()).await?;
            for b in body {
                stream.write_all(&[b]).await?;
                tokio::time::sleep(every).await;
            }
        }
    }
    Ok(())
}

async fn read_request(stream: &mut TcpStream) -> Option<Seen> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_string();
    let path = first.next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let len = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < len {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Seen {
        method,
        path,
        headers,
        body,
    })
}

/// A response fixture from the spec, as bytes.
pub(crate) fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/spec")
        .join(name);
    std::fs::read(path).unwrap()
}

/// An envelope with the given status, request id, summary and result.
pub(crate) fn envelope(
    status: &str,
    request_id: &str,
    summary: &str,
    result: serde_json::Value,
) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "request_id": request_id,
        "request_time": "2025-06-02T09:30:00.374877Z",
        "response_time": "2025-06-02T09:30:00.412877Z",
        "status": status,
        "summary": summary,
        "result": result,
    }))
    .unwrap()
}

/// A port on loopback with nothing listening.
pub(crate) fn dead_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    port
}

/// A successful list page (request id `prq_page`) of copies of the spec's first session,
/// with these ids and, when given, this `last` cursor.
pub(crate) fn page(ids: &[&str], last: Option<&str>) -> Vec<u8> {
    let template: serde_json::Value =
        serde_json::from_slice(&fixture("session_list.response.json")).unwrap();
    let one = template["result"]["sessions"][0].clone();
    let sessions: Vec<serde_json::Value> = ids
        .iter()
        .map(|id| {
            let mut s = one.clone();
            s["id"] = serde_json::json!(id);
            s
        })
        .collect();
    let mut result = serde_json::json!({ "sessions": sessions });
    if let Some(l) = last {
        result["last"] = serde_json::json!(l);
    }
    envelope("Success", "prq_page", "Listed", result)
}
