//! The Pulses tab's poll: the pages of the request its tail built, a few at most.

use super::{Failure, Outcome, SessionListRequest, Shared};
use crate::authn::ListScope;
use futures::StreamExt;

impl Shared {
    /// Reads the pages of `request`, at most `pages`; a failed page fails the poll (the
    /// tail has taken nothing of it, so the next poll lists those sessions again).
    pub(super) async fn pulse(
        &self,
        request: SessionListRequest,
        pages: usize,
    ) -> Result<Outcome, Failure> {
        let mut stream = std::pin::pin!(self.client.pages(ListScope::Service, request));
        let mut sessions = Vec::new();
        let mut request_id = String::new();
        let mut read = 0;
        let mut more = false;
        while let Some(page) = stream.next().await {
            let page = page.map_err(|p| Failure::Api(p.error))?;
            read += 1;
            more = page.result.last.as_deref().is_some_and(|l| !l.is_empty());
            request_id = page.request_id;
            self.remember_owners(
                page.result
                    .sessions
                    .iter()
                    .map(|s| (&s.id, &s.identity, &s.email)),
            );
            sessions.extend(page.result.sessions);
            if read >= pages.max(1) {
                break;
            }
        }
        Ok(Outcome::Pulsed {
            sessions,
            more,
            request_id,
        })
    }
}
