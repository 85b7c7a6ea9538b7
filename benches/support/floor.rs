//! The raw fetch floor the walk benchmarks are measured against: every page of the
//! unfiltered list, newest first, over one keep-alive connection, each next cursor found
//! by a byte search (nothing is parsed).

use std::time::{Duration, Instant};

/// Walks every page at `base_url` with `token`, `page` sessions a page; returns the time
/// and the number of pages. Bounded at 100,000 pages so it always stops.
pub(crate) async fn raw_floor(base_url: &str, token: &str, page: usize) -> (Duration, usize) {
    let url = format!("{base_url}/v2/session/list");
    let bearer = format!("Bearer {token}");
    let http = reqwest::Client::new();
    let start = Instant::now();
    let (mut last, mut pages) = (String::new(), 0);
    loop {
        let mut body = format!(r#"{{"order":"desc","order_by":"created_at","size":{page}"#);
        if !last.is_empty() {
            body.push_str(&format!(r#","last":"{last}""#));
        }
        body.push('}');
        let bytes = http
            .post(&url)
            .header("authorization", &bearer)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .expect("emulator answers")
            .bytes()
            .await
            .expect("body");
        pages += 1;
        last = cursor(&bytes);
        if last.is_empty() || pages > 100_000 {
            return (start.elapsed(), pages);
        }
    }
}

/// The `last` cursor of a list answer, by a byte search for its key from the end.
fn cursor(body: &[u8]) -> String {
    const KEY: &[u8] = b"\"last\":\"";
    let Some(at) = body.windows(KEY.len()).rposition(|w| w == KEY) else {
        return String::new();
    };
    let rest = &body[at + KEY.len()..];
    let end = rest.iter().position(|&b| b == b'"').unwrap_or(0);
    String::from_utf8_lossy(&rest[..end]).into_owned()
}
