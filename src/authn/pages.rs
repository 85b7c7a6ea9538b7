//! Walking a session list page by page (spec 5.3), one page in memory at a time.

use super::client::{Client, ListScope, PageError, Response};
use super::model::{SessionListRequest, SessionListResult};
use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};

struct Walk {
    client: Client,
    scope: ListScope,
    req: SessionListRequest,
    /// Hashes of the cursors already requested: a few bytes a page, not the pages.
    seen: HashSet<u64>,
    done: bool,
}

fn fingerprint(cursor: &str) -> u64 {
    let mut h = DefaultHasher::new();
    cursor.hash(&mut h);
    h.finish()
}

/// The pages from `req.last` on. Ends after a page with no cursor, an empty cursor, no
/// sessions or a cursor already requested; a failed page ends it with the cursor to resume.
pub fn walk(
    client: Client,
    scope: ListScope,
    req: SessionListRequest,
) -> impl futures::Stream<Item = Result<Response<SessionListResult>, PageError>> + Send + 'static {
    let start = Walk {
        client,
        scope,
        req,
        seen: HashSet::new(),
        done: false,
    };
    futures::stream::unfold(start, |mut w| async move {
        if w.done {
            return None;
        }
        let cursor = w.req.last.clone();
        let page = match &w.scope {
            ListScope::Service => w.client.session_list(&w.req).await,
            ListScope::Client(token) => w.client.client_session_list(token, &w.req).await,
        };
        let page = match page {
            Ok(page) => page,
            Err(error) => {
                w.done = true;
                let resume_from = cursor;
                return Some((Err(PageError { error, resume_from }), w));
            }
        };
        if let Some(c) = &cursor {
            w.seen.insert(fingerprint(c));
        }
        match page.result.last.as_deref() {
            Some(next)
                if !next.is_empty()
                    && !page.result.sessions.is_empty()
                    && w.seen.insert(fingerprint(next)) =>
            {
                w.req.last = Some(next.to_string());
            }
            _ => w.done = true,
        }
        Some((Ok(page), w))
    })
}
