//! What an action did, and what failed (the status line adds the cause).

use super::words::num;
use crate::sanitize;

/// One session ended (or was already gone), with the request id when known.
pub fn invalidated(session_id: &str, already_gone: bool, request_id: Option<&str>) -> String {
    let rid = request_id
        .map(|r| format!(" (request {r})"))
        .unwrap_or_default();
    let id = sanitize::clean(session_id);
    if already_gone {
        format!("{id} was already gone{rid}")
    } else {
        format!("invalidated {id}{rid}")
    }
}

/// `L` confirmed and done.
pub fn logged_out_user(user_id: &str, request_id: &str) -> String {
    format!(
        "logged out {} everywhere (request {request_id})",
        sanitize::clean(user_id)
    )
}

/// `O` confirmed and done.
pub fn logged_out_self(request_id: &str) -> String {
    format!("logged out: authtop's user session has ended (request {request_id})")
}

/// The summary of a bulk run.
pub fn bulk_summary(
    done: usize,
    already_gone: usize,
    failed: usize,
    not_attempted: usize,
    stopped: Option<&str>,
) -> String {
    let total = done + already_gone + failed + not_attempted;
    let mut text = format!("invalidated {} of {}", num(done), num(total));
    if already_gone > 0 {
        text.push_str(&format!(", {already_gone} already gone"));
    }
    if failed > 0 {
        text.push_str(&format!(", {failed} failed"));
    }
    if not_attempted > 0 {
        text.push_str(&format!(", {not_attempted} not attempted"));
    }
    if let Some(why) = stopped {
        text.push_str(&format!(" — stopped: {why}"));
    }
    text
}

/// A bulk summary with problems, in the status line.
pub fn see_log(text: &str) -> String {
    format!("{text} (@ lists them)")
}

/// A bulk target that was never sent, in the log.
pub fn not_attempted(id: &str) -> String {
    format!("not attempted {id}")
}

/// A bulk target that failed, in the log.
pub fn failed_item(id: &str, err: &str) -> String {
    format!("failed {id}: {err}")
}

/// A refresh that could not move the expiry later.
pub fn session_ends(at: &str, until: &str) -> String {
    format!("this session ends at {at} ({until}) — sign in again")
}

/// A refresh failed for a passing reason.
pub fn refresh_retrying(after: &str) -> String {
    format!("token refresh failed; retrying in {after}")
}

/// The user token can no longer be used.
pub fn signed_out(why: &str) -> String {
    format!("signed out: {why} — sign in again")
}

/// ` (request …)` appended to an error that does not name its request id yet.
pub fn with_request_id(text: &str, request_id: &str) -> String {
    if text.contains(request_id) {
        text.to_string()
    } else {
        format!("{text} (request {request_id})")
    }
}

// What failed (the status line adds the cause).

/// A list failed.
pub const LOAD_FAILED: &str = "could not load sessions";
/// A bulk run failed as a whole.
pub const BULK_FAILED: &str = "bulk invalidation failed";
/// `X`'s count failed.
pub const CENSUS_FAILED: &str = "counting the query's matches failed; nothing was sent";
/// `O` failed.
pub const LOGOUT_SELF_FAILED: &str = "logging out this session failed";
/// The token check failed.
pub const TOKEN_CHECK_FAILED: &str = "checking the user token failed";

/// `d` failed.
pub fn invalidate_failed(session_id: &str) -> String {
    format!("invalidating {} failed", sanitize::clean(session_id))
}

/// `L` failed.
pub fn logout_user_failed(user_id: &str) -> String {
    format!("logging out {} failed", sanitize::clean(user_id))
}

/// `L`'s count failed (the dialog still opens, saying so).
pub fn counting_user_failed(user_id: &str, err: &str) -> String {
    format!("counting the sessions of {user_id} failed: {err}")
}
