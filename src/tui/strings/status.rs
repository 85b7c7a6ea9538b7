//! Flashes, hints, overlay titles, the Token tab's states and the staleness note.

use super::words::{num, plural};
use crate::sanitize;

/// `]` on the last page.
pub const NO_NEXT_PAGE: &str = "already on the last page";
/// `[` on the first page.
pub const NO_PREV_PAGE: &str = "already on the first page";
/// `D` or `M` with nothing marked.
pub const NOTHING_MARKED: &str = "nothing marked (Space marks a row)";
/// A user-token action without a user token.
pub const NO_USER_TOKEN: &str = "no user token configured";
/// The Token tab without a user token.
pub const NO_USER_TOKEN_TAB: &str = "No user token: set the profile's user_token_file (or give --token-file FILE) to watch and refresh one.";
/// `f` while a refresh runs.
pub const REFRESH_IN_FLIGHT: &str = "a refresh is already in flight";
/// `L` on a row without a user.
pub const NO_USER_ON_ROW: &str = "this session names no user";
/// `X` without a query.
pub const QUERY_FIRST: &str = "X acts on the query's matches: type a query first (/); a blank query never means every session";
/// `X` sent; the dialog opens with the count.
pub const COUNTING_MATCHES: &str = "walking the query's matches…";
/// The census came back for a query that is no longer the one shown.
pub const QUERY_CHANGED: &str = "the query changed while counting; press X again";
/// An action's command was abandoned.
pub const ACTION_CANCELLED: &str = "action cancelled";
/// A refresh asked for with `f` worked.
pub const TOKEN_REFRESHED: &str = "user token refreshed";
/// The Token tab's last error after `O`.
pub const SESSION_LOGGED_OUT: &str = "this session was logged out";
/// Header of the staleness note when the back-off waits for the user.
pub const PRESS_R_TO_RETRY: &str = "press r to retry";
/// The demo banner's hint.
pub const DEMO_HINT: &str =
    " emulator data — set PANGEA_AUTHN_TOKEN and PANGEA_DOMAIN to manage a real project";

/// `p` pressed.
pub fn auto_reload(paused: bool) -> String {
    format!("auto-reload {}", if paused { "paused" } else { "resumed" })
}

/// `A` pressed.
pub fn auto_refresh(on: bool) -> String {
    format!("auto-refresh {}", if on { "on" } else { "off" })
}

/// `y` pressed.
pub fn copied(id: &str) -> String {
    format!("copied {}", sanitize::clean(id))
}

/// `q` with destructive actions in flight.
pub fn waiting_for(n: usize) -> String {
    format!(
        "waiting for {} action{} — press q again to force",
        num(n),
        plural(n)
    )
}

/// The status line while a quit waits, with a bulk run's progress when one runs.
pub fn quitting(n: usize, bulk: Option<(usize, usize)>) -> String {
    let bulk = bulk
        .map(|(done, total)| format!(" (bulk {}/{} finished)", num(done), num(total)))
        .unwrap_or_default();
    format!(
        " quitting: waiting for {} action{}{bulk} — press q again to force",
        num(n),
        plural(n)
    )
}

/// The status line during a bulk run.
pub fn bulk_progress(done: usize, total: usize) -> String {
    format!(
        " invalidating sessions: {}/{} finished",
        num(done),
        num(total)
    )
}

/// After an error in the status line: how to dismiss it and see all of it.
pub fn error_keys(log_key: &str) -> String {
    format!("  (esc dismisses · {log_key} log)")
}

/// A dialog's key hint.
pub const DIALOG_KEYS: &str = "y confirm · n/esc cancel · tab move focus";
/// A dialog's key hint when a count must be typed.
pub const DIALOG_TYPED_KEYS: &str = "type the count, then enter · esc cancel";

/// The prompt of a typed confirmation.
pub fn type_count(expected: &str) -> String {
    format!("Type {expected} to confirm: ")
}

/// The help overlay's title.
pub const HELP_TITLE: &str = " help — esc or ? closes ";
/// The help overlay's notes under the keys.
pub const HELP_NOTES: [&str; 2] = [
    "Dialogs: y confirm · n/esc cancel · tab move focus",
    "Query:   enter apply · esc cancel · ↑/↓ history · tab completes fields and operators",
];
/// The message log while empty.
pub const NO_MESSAGES: &str = "no messages yet";

/// The message log's title.
pub fn messages_title(n: usize) -> String {
    format!(" messages ({}) — j/k scroll · esc closes ", num(n))
}

/// Which query marks were made under: `no query`, or ``query `…` ``.
pub fn marked_under(query: &str) -> String {
    if query.trim().is_empty() {
        "no query".to_string()
    } else {
        format!("query `{query}`")
    }
}

/// The marked-rows overlay's title.
pub fn marks_title(n: usize, under: &str) -> String {
    format!(
        " {} marked under {under} — esc closes · U unmarks all ",
        num(n)
    )
}

/// The Sessions tab without a service token.
pub const NO_SERVICE_TOKEN: &str = "The token in force is a client token (pcl_…), which lists only your own sessions (My sessions, key 2). Every session of the project needs a service token (pts_…).";
/// A table waiting for its page.
pub const LOADING: &str = "loading…";
/// An empty table without a query.
pub const NO_SESSIONS: &str = "no sessions";
/// An empty table under a query.
pub const NO_MATCHES: &str = "no sessions match the query";
/// The query bar without a query.
pub const NO_QUERY_HINT: &str = "no query — press / to filter";

/// An empty table whose load failed.
pub fn could_not_load(cause: &str, reload_key: &str) -> String {
    format!("could not load: {cause} — {reload_key} retries, @ shows the full error")
}

/// The query info line's marks.
pub fn marked_count(n: usize, hidden: usize) -> String {
    if hidden > 0 {
        format!("{} marked ({} not visible)", num(n), num(hidden))
    } else {
        format!("{} marked", num(n))
    }
}

/// The Token tab before the token was looked up.
pub const NOT_CHECKED: &str = "not checked yet";
/// The Token tab before the session's expiry is known.
pub const NOT_LOADED: &str = "not loaded yet";
/// The Token tab's state: all well.
pub const STATE_OK: &str = "ok — refreshed automatically";
/// The Token tab's state: all well, with no refresh made yet.
pub const STATE_OK_AUTO: &str = "ok — will refresh automatically before it expires";
/// The Token tab's state: a refresh in flight.
pub const REFRESHING: &str = "refreshing…";
/// The Token tab's state: expired, a refresh in flight.
pub const EXPIRED_REFRESHING: &str = "expired — refreshing…";

/// The Token tab's state: auto-refresh off.
pub fn auto_off(refresh_key: &str, auto_key: &str) -> String {
    format!("auto-refresh off — press {refresh_key} to refresh, {auto_key} to turn it on")
}

/// The Token tab's state: expired with auto-refresh off.
pub fn expired_auto_off(refresh_key: &str) -> String {
    format!("EXPIRED — auto-refresh is off; press {refresh_key} to refresh")
}

/// The Token tab's state: a failed refresh waiting to retry.
pub fn state_retrying(when: &str, why: &str) -> String {
    format!("retrying {when} — refresh failed: {why}")
}

/// The Token tab's state: signed out.
pub fn state_signed_out(why: &str) -> String {
    format!("SIGNED OUT — {why}; sign in again")
}

/// Why the user is signed out: the session was revoked.
pub const REVOKED: &str = "the session was revoked";
/// Why the user is signed out: the session expired.
pub const EXPIRED: &str = "the session has expired";
/// Why the user is signed out: `O` logged it out.
pub const LOGGED_OUT_HERE: &str = "this session was logged out from authtop";

/// The refresh rule for a token too short-lived for the margin.
pub fn rule_half_life(life: &str, margin: &str) -> String {
    format!("at half its life: it lives {life}, less than twice the {margin} margin")
}

/// The refresh rule: a share of the life or a margin, whichever comes first.
pub fn rule_fraction(pct: f64, margin: &str) -> String {
    format!("when {pct:.0}% of its life or {margin} remain, whichever comes first")
}

/// `U` pressed.
pub fn marks_cleared(n: usize) -> String {
    format!("{} mark{} cleared", num(n), plural(n))
}

/// A new query dropped the marks made under the old one.
pub fn marks_cleared_by_query(n: usize) -> String {
    format!(
        "{} mark{} cleared: marks belong to the query they were made under",
        num(n),
        plural(n)
    )
}

/// Enter in a typed confirmation before the count matches.
pub fn type_to_confirm(expected: &str) -> String {
    format!("type {expected} to confirm")
}

/// `L` sent; the dialog opens with the user's total.
pub fn counting_sessions_of(email: &str) -> String {
    format!("counting the sessions of {}…", sanitize::clean(email))
}

/// A census that matched nothing.
pub fn nothing_matches(query: &str) -> String {
    format!("nothing matches `{query}`")
}

/// After `X`: what the walk did not include.
pub fn after_the_walk(walked_at: &str) -> String {
    format!("acted on the sessions the walk found at {walked_at}; logins after it were not touched")
}

/// `X` on a query that matched every session of the project: refused whatever its text.
pub fn query_matches_everything(query: &str, whole: u64) -> String {
    format!(
        "`{query}` matches all {} sessions of the project, so X would end every session: refused (narrow the query; `authtop sessions invalidate --all` is the explicit way)",
        crate::number::thousands(whole)
    )
}

/// The staleness note's countdown to the next try.
pub fn retrying_in(countdown: &str) -> String {
    format!("retrying in {countdown}")
}

/// The staleness note: `offline — retrying in 20 s · updated 2m ago`.
pub fn stale(unreachable: bool, retry: &str, updated: Option<&str>) -> String {
    let what = if unreachable {
        "offline"
    } else {
        "reload failed"
    };
    match updated {
        Some(u) => format!("{what} — {retry} · {u}"),
        None => format!("{what} — {retry}"),
    }
}

/// When the table was last loaded.
pub fn updated(ago: &str) -> String {
    format!("updated {ago}")
}

/// A command retrying, in the header: `list: retrying (429, 2/4)`.
pub fn retrying(what: &str, reason: &str, attempt: u32, of: u32) -> String {
    format!(
        "{what}: retrying ({}, {attempt}/{of})",
        sanitize::clean(reason)
    )
}
