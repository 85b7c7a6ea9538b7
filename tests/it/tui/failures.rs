//! What the app says for each kind of worker failure: the cause in words, the request id
//! when there is one, and an unknown outcome called unknown, never a timeout.

use crate::harness::app::*;
use authtop::authn::{ApiError, ApiStatus, Error};
use authtop::tui::command::{Command, EventKind, Failure, Outcome};

fn only(cmds: Vec<Command>) -> Command {
    assert_eq!(cmds.len(), 1, "{cmds:?}");
    cmds.into_iter().next().unwrap()
}

fn internal_error(request_id: &str) -> Error {
    Error::Api(Box::new(ApiError {
        http_status: 500,
        status: "InternalError".into(),
        kind: ApiStatus::InternalError,
        summary: "the server broke".into(),
        request_id: request_id.into(),
        errors: vec![],
        retry_after: None,
    }))
}

#[test]
fn each_failed_item_of_a_bulk_run_says_its_own_cause() {
    let mut app = loaded(quiet(), sessions(0, 6), None, 120, 30);
    app.update(key('a'), now());
    app.update(key('D'), now());
    let bulk = only(app.update(key('y'), now()));
    let failed = vec![
        ("pmt_s0002".to_string(), Failure::Unknown),
        ("pmt_s0003".to_string(), Failure::NotSent),
        ("pmt_s0004".to_string(), internal_error("prq_broke").into()),
    ];
    app.update(
        event(
            &bulk,
            EventKind::Done(Outcome::Bulk {
                done: vec!["pmt_s0000".into(), "pmt_s0001".into()],
                already_gone: vec![],
                failed,
                not_attempted: vec![],
                stopped: None,
            }),
        ),
        now(),
    );
    let entry = app
        .messages()
        .entries()
        .next_back()
        .expect("the bulk run is logged");
    let line = |id: &str| {
        entry
            .details
            .iter()
            .find(|d| d.contains(id))
            .unwrap_or_else(|| panic!("{id} is listed: {:?}", entry.details))
            .clone()
    };
    let unknown = line("pmt_s0002");
    assert!(unknown.contains("outcome unknown"), "{unknown}");
    assert!(!unknown.to_lowercase().contains("timeout"), "{unknown}");
    assert!(line("pmt_s0003").contains("not sent"));
    let api = line("pmt_s0004");
    assert!(
        api.contains("InternalError") && api.contains("prq_broke"),
        "{api}"
    );
}

#[test]
fn an_action_stopped_by_the_audit_log_says_so_and_that_nothing_was_sent() {
    let mut app = loaded(quiet(), sessions(0, 3), None, 120, 30);
    app.update(key('d'), now());
    let invalidate = only(app.update(key('y'), now()));
    app.update(
        event(
            &invalidate,
            EventKind::Failed(Failure::AuditBeforeSend {
                reason: "No space left on device".into(),
            }),
        ),
        now(),
    );
    let error = app.error().unwrap_or_default().to_string();
    assert!(
        error.contains("audit log") && error.contains("nothing was sent"),
        "{error}"
    );
}
