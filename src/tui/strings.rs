//! Every sentence the TUI shows of its own: dialog wording, flashes, status-line errors,
//! hints and the own-session warning. Functions take plain values (never app types), so
//! any part of the TUI can read this module and it reads none of them.

use crate::sanitize;

/// The one warning every destructive dialog shows when it touches authtop's own session.
pub const OWN_WARNING: &str =
    "This touches the session of authtop's own user token (★ you): it signs authtop's user out.";

/// `s` when `n` is not one.
fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

// Flashes and hints.

/// `]` on the last page.
pub const NO_NEXT_PAGE: &str = "no further page";
/// `[` on the first page.
pub const NO_PREV_PAGE: &str = "already on the first page";
/// `D` or `M` with nothing marked.
pub const NOTHING_MARKED: &str = "nothing marked (Space marks a row)";
/// A user-token action without a user token.
pub const NO_USER_TOKEN: &str = "no user token configured";
/// The Token tab without a user token.
pub const NO_USER_TOKEN_TAB: &str =
    "No user token: pass --user-token (and --refresh-token) to watch and refresh one.";
/// `f` while a refresh runs.
pub const REFRESH_IN_FLIGHT: &str = "a refresh is already in flight";
/// `L` on a row without a user.
pub const NO_USER_ON_ROW: &str = "this session names no user";
/// `X` without a query.
pub const QUERY_FIRST: &str = "X acts on the query's matches: type a query first (/); a blank query never means every session";
/// `X` sent; the dialog opens with the count.
pub const COUNTING_MATCHES: &str = "counting the query's matches…";
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
        "waiting for {n} action{} — press q again to force",
        plural(n)
    )
}

/// The status line while a quit waits, with a bulk run's progress when one runs.
pub fn quitting(n: usize, bulk: Option<(usize, usize)>) -> String {
    let bulk = bulk
        .map(|(done, total)| format!(" (bulk {done}/{total} finished)"))
        .unwrap_or_default();
    format!(
        " quitting: waiting for {n} action{}{bulk} — press q again to force",
        plural(n)
    )
}

/// The status line during a bulk run.
pub fn bulk_progress(done: usize, total: usize) -> String {
    format!(" invalidating sessions: {done}/{total} finished")
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
    "Query:   enter apply · esc cancel",
];
/// The message log while empty.
pub const NO_MESSAGES: &str = "no messages yet";

/// The message log's title.
pub fn messages_title(n: usize) -> String {
    format!(" messages ({n}) — j/k scroll · esc closes ")
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
    format!(" {n} marked under {under} — esc closes · U unmarks all ")
}

/// The Sessions tab without a service token.
pub const NO_SERVICE_TOKEN: &str =
    "No service token: set PANGEA_AUTHN_TOKEN and PANGEA_DOMAIN to list every session.";
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
        format!("{n} marked ({hidden} not visible)")
    } else {
        format!("{n} marked")
    }
}

/// The Token tab before the token was looked up.
pub const NOT_CHECKED: &str = "not checked yet";
/// The Token tab before the session's expiry is known.
pub const NOT_LOADED: &str = "not loaded yet";
/// The Token tab's state: all well.
pub const STATE_OK: &str = "ok — refreshed automatically";
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
    format!("{n} mark{} cleared", plural(n))
}

/// A new query dropped the marks made under the old one.
pub fn marks_cleared_by_query(n: usize) -> String {
    format!(
        "{n} mark{} cleared: marks belong to the query they were made under",
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

// Outcomes.

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
    let mut text = format!("invalidated {done} of {total}");
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

// Dialogs.

/// `d`: title, lines and button.
pub fn invalidate_dialog(session_id: &str, email: &str, user_id: &str) -> Wording {
    Wording {
        title: "Invalidate session".into(),
        lines: vec![
            format!("session   {session_id}"),
            format!("user      {email} ({user_id})"),
            "The session ends now; its tokens stop working.".into(),
        ],
        confirm: "Invalidate".into(),
    }
}

/// `L`: the server's total (or why it is unknown), the rows on this page, marks dropped.
pub fn logout_user_dialog(
    email: &str,
    user_id: &str,
    total: Result<u64, &str>,
    on_page: usize,
    marked: usize,
) -> Wording {
    let scope = match total {
        Ok(n) => format!("Every session of this user ends: {n} in all, {on_page} on this page."),
        Err(cause) => format!(
            "Every session of this user ends: the total is unknown (counting failed: {cause}); {on_page} on this page."
        ),
    };
    let mut lines = vec![format!("user      {email} ({user_id})"), scope];
    if marked > 0 {
        lines.push(format!(
            "{marked} of your marked rows belong to this user; their marks are dropped."
        ));
    }
    Wording {
        title: "Log out user everywhere".into(),
        lines,
        confirm: "Log out".into(),
    }
}

/// `D`: how many, under which query, how many are on other pages.
pub fn marked_dialog(n: usize, query: &str, hidden: usize) -> Wording {
    let query = match marked_under(query) {
        q if query.trim().is_empty() => q,
        q => format!("the {q}"),
    };
    Wording {
        title: format!("Invalidate {n} marked session{}", plural(n)),
        lines: vec![
            format!(
                "{n} marked session{} will end (marked under {query}).",
                plural(n)
            ),
            if hidden == 0 {
                "All of them are on this page.".to_string()
            } else {
                format!("{hidden} of them are on other pages of this query (M lists them).")
            },
        ],
        confirm: format!("Invalidate {n}"),
    }
}

/// `X`: the query, the server's counts, a sample of `(id, email)`.
pub fn query_dialog(query: &str, n: usize, users: usize, sample: &[(String, String)]) -> Wording {
    let mut lines = vec![
        format!("query     {query}"),
        format!(
            "{n} session{} of {users} user{} match (counted by the server).",
            plural(n),
            plural(users)
        ),
    ];
    for (id, email) in sample {
        lines.push(format!("  {id}  {email}"));
    }
    if n > sample.len() {
        lines.push(format!("  … and {} more", n - sample.len()));
    }
    Wording {
        title: format!("Invalidate {n} matching session{}", plural(n)),
        lines,
        confirm: format!("Invalidate {n}"),
    }
}

/// `O`: whose session, which token.
pub fn logout_self_dialog(who: Option<(&str, &str)>, mask: Option<&str>) -> Wording {
    let who = who.map_or_else(
        || "the configured user".to_string(),
        |(email, id)| format!("{email} ({id})"),
    );
    Wording {
        title: "Log out this session".into(),
        lines: vec![
            format!("the session of {who}"),
            format!("user token {}", mask.unwrap_or("••••••••")),
            "The token cannot be refreshed afterwards.".into(),
        ],
        confirm: "Log out".into(),
    }
}

/// A dialog's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wording {
    /// Title.
    pub title: String,
    /// The scope, one line each (may hold server strings; sanitised when drawn).
    pub lines: Vec<String>,
    /// Label of the confirm button.
    pub confirm: String,
}
