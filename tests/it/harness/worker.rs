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
        walk_window: 8,
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

/// Sends `cmds` to the worker and feeds every event back to `app` (at `now`) until
/// nothing is in flight; returns every command sent.
pub(crate) async fn drive(
    app: &mut authtop::tui::app::App,
    h: &mut WorkerHandle,
    cmds: Vec<authtop::tui::command::Command>,
    now: authtop::authn::model::Timestamp,
) -> Vec<authtop::tui::command::Command> {
    let mut sent = Vec::new();
    for c in cmds {
        sent.push(c.clone());
        h.commands.send(c).unwrap();
    }
    while app.in_flight() > 0 {
        let e = tokio::time::timeout(std::time::Duration::from_secs(60), h.events.recv())
            .await
            .expect("the worker answers in time")
            .expect("the worker is running");
        for c in app.update(authtop::tui::command::Msg::Worker(e), now) {
            sent.push(c.clone());
            h.commands.send(c).unwrap();
        }
    }
    sent
}

/// The sessions `text` matches, read straight from the server (its filter, every page)
/// and the local terms checked on each: the ground truth a view is compared with.
pub(crate) async fn truth(emu: &RunningEmulator, text: &str) -> Vec<Session> {
    let now = authtop::authn::model::Timestamp::now();
    let q = authtop::query::compile_query(text, now).unwrap();
    let client = Client::new(ClientConfig::new(emu.base_url(), emu.service_token())).unwrap();
    let mut matcher = authtop::investigate::Matcher::new(&q.local);
    let mut out = Vec::new();
    let mut last = None;
    loop {
        let req = SessionListRequest {
            filter: (!q.server.is_empty()).then(|| q.server.clone()),
            last: last.clone(),
            order: Some(Order::default()),
            order_by: Some(OrderBy::default()),
            size: Some(1000),
        };
        let page = client.session_list(&req).await.unwrap();
        out.extend(
            page.result
                .sessions
                .into_iter()
                .filter(|s| matcher.matches(s)),
        );
        match page.result.last.filter(|l| !l.is_empty()) {
            Some(l) => last = Some(l),
            None => return out,
        }
    }
}
