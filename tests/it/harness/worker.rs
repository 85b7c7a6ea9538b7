//! The TUI's worker against an emulator, and the ground truth its walks are checked against.

use authtop::audit::AuditLog;
use authtop::authn::model::{Order, OrderBy, Session, SessionListRequest};
use authtop::authn::{Client, ClientConfig, Secret};
use authtop::emulator::RunningEmulator;
use authtop::tui::worker::{self, WorkerContext, WorkerHandle};
use std::path::Path;
use std::sync::Arc;

/// A worker holding `emu`'s service token (and `user`'s token when given), auditing to
/// `dir/audit.jsonl`, two actions at a time.
pub(crate) fn spawn(emu: &RunningEmulator, dir: &Path, user: Option<Secret>) -> WorkerHandle {
    let client = Client::new(ClientConfig::new(emu.base_url(), emu.service_token())).unwrap();
    worker::spawn(WorkerContext {
        client,
        profile: "test".into(),
        user_token: user,
        refresh_token: None,
        token_file: None,
        audit: Arc::new(AuditLog::open(&dir.join("audit.jsonl")).unwrap()),
        concurrency: 2,
    })
}

/// Every session `emu` holds, in the order the walks use, read page by page.
pub(crate) async fn all_sessions(emu: &RunningEmulator) -> Vec<Session> {
    let client = Client::new(ClientConfig::new(emu.base_url(), emu.service_token())).unwrap();
    let mut out = Vec::new();
    let mut last = None;
    loop {
        let req = SessionListRequest {
            filter: None,
            last: last.clone(),
            order: Some(Order::default()),
            order_by: Some(OrderBy::default()),
            size: Some(1000),
        };
        let page = client.session_list(&req).await.unwrap();
        out.extend(page.result.sessions);
        match page.result.last.filter(|l| !l.is_empty()) {
            Some(l) => last = Some(l),
            None => return out,
        }
    }
}
