//! Every sentence the TUI shows of its own: dialog wording, flashes, status-line errors,
//! hints and the own-session warning. Functions take plain values (never app types), so
//! any part of the TUI can read this module and it reads none of them.

use crate::sanitize;

/// The one warning every destructive dialog shows when it touches authtop's own session.
pub const OWN_WARNING: &str =
    "This touches the session of authtop's own user token (★ you): it signs authtop's user out.";

/// A count with thousands separators.
fn num(n: usize) -> String {
    crate::number::thousands_usize(n)
}

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
        Ok(n) => format!(
            "Every session of this user ends: {} in all, {} on this page.",
            crate::number::thousands(n),
            num(on_page)
        ),
        Err(cause) => format!(
            "Every session of this user ends: the total is unknown (counting failed: {cause}); {on_page} on this page."
        ),
    };
    let mut lines = vec![format!("user      {email} ({user_id})"), scope];
    if marked > 0 {
        lines.push(format!(
            "{} of your marked rows belong to this user; their marks are dropped.",
            num(marked)
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
        title: format!("Invalidate {} marked session{}", num(n), plural(n)),
        lines: vec![
            format!(
                "{} marked session{} will end (marked under {query}).",
                num(n),
                plural(n)
            ),
            if hidden == 0 {
                "All of them are on this page.".to_string()
            } else {
                format!(
                    "{} of them are on other pages of this query (M lists them).",
                    num(hidden)
                )
            },
        ],
        confirm: format!("Invalidate {}", num(n)),
    }
}

/// `X`: the query, the server's counts, a sample of `(id, email)`.
pub fn query_dialog(query: &str, n: usize, users: usize, sample: &[(String, String)]) -> Wording {
    let mut lines = vec![
        format!("query     {query}"),
        format!(
            "{} session{} of {} user{} match (counted by the server).",
            num(n),
            plural(n),
            num(users),
            plural(users)
        ),
    ];
    for (id, email) in sample {
        lines.push(format!("  {id}  {email}"));
    }
    if n > sample.len() {
        lines.push(format!("  … and {} more", num(n - sample.len())));
    }
    Wording {
        title: format!("Invalidate {} matching session{}", num(n), plural(n)),
        lines,
        confirm: format!("Invalidate {}", num(n)),
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

// Layout, columns and colour.

/// `y` or Enter in a dialog whose buttons do not fit the terminal.
pub const DIALOG_TOO_SMALL: &str =
    "the terminal is too small to show this dialog's buttons: enlarge it to confirm (esc cancels)";
/// Shown in place of the buttons when they do not fit.
pub const DIALOG_ENLARGE: &str = "enlarge the terminal to confirm · esc cancels";
/// A dialog's key hint on a narrow terminal.
pub const DIALOG_KEYS_SHORT: &str = "y yes · n/esc no · tab focus";
/// A dialog's key hint when its body scrolls.
pub const DIALOG_SCROLL_KEYS: &str = "j/k scroll";
/// The help overlay's title.
pub const HELP_SCROLL_TITLE: &str = " help — j/k pgup/pgdn scroll · esc or ? closes ";
/// The heading of the query reference in the help overlay.
pub const HELP_QUERY_HEADING: &str = "Query reference";
/// The heading of the risk codes in the help overlay.
pub const HELP_RISK: &str = "Risk: MAL malicious · SUS suspicious · VPN · PRX proxy · EMB embargo · BRE breached · n/a not provided";
/// The column picker's title.
pub const PICKER_TITLE: &str = " columns — space shows/hides · esc closes ";
/// The column picker's note.
pub const PICKER_NOTE: &str = "narrow terminals drop columns: type, id, identity, scopes, risk, device, location, times, email last";

/// A column shown or hidden from the picker.
pub fn column_toggled(name: &str, shown: bool) -> String {
    format!("column {name} {}", if shown { "shown" } else { "hidden" })
}

/// The info line's page: `page 2 of 2,000`, or `page 2` with `›` when more follow.
pub fn page_of(page: &str, of: Option<&str>, more: bool) -> String {
    match (of, more) {
        (Some(n), _) => format!("page {page} of {n}"),
        (None, true) => format!("page {page} ›"),
        (None, false) => format!("page {page}"),
    }
}

/// The info line's match count.
pub fn matched(n: &str) -> String {
    format!("{n} matched")
}

/// The info line's row position: `[12/50]`.
pub fn position(row: &str, of: &str) -> String {
    format!("[{row}/{of}]")
}

// Keys, paging by number, menus, history, completion and the command line.

/// A page number typed at the `#` prompt that is not one.
pub fn not_a_page(text: &str) -> String {
    format!("not a page number: {}", sanitize::clean(text))
}

/// `#` asked for the page already shown.
pub fn already_on_page(n: usize) -> String {
    format!("already on page {n}")
}

/// A jump past the last page.
pub fn only_pages(n: usize) -> String {
    format!("no page beyond {n}: the query has {n} page{}", plural(n))
}

/// Walking towards a page further than any seen yet.
pub fn walking_to_page(n: usize) -> String {
    format!("walking to page {n}…")
}

/// A page step waiting for the page still loading.
pub fn page_steps_queued(n: usize) -> String {
    format!("{n} page step{} queued", plural(n))
}

/// The order now in force, for the status line and the info line: `order created_at ▼`.
pub fn order_label(column: &str, descending: bool) -> String {
    format!("order {column} {}", if descending { "▼" } else { "▲" })
}

/// Title of the order picker.
pub const ORDER_MENU_TITLE: &str = "Order by (letter ▲ ascending, Shift ▼ descending)";

/// Title of the copy menu.
pub const COPY_MENU_TITLE: &str = "Copy";

/// A field the copy menu offers but the session lacks.
pub fn nothing_to_copy(field: &str) -> String {
    format!("this session has no {field} to copy")
}

/// What the status line says after a copy: OSC 52 is never acknowledged, and through tmux
/// it needs a setting.
pub fn copied_field(field: &str, value: &str, tmux: bool) -> String {
    let value = sanitize::clean(value);
    if tmux {
        format!(
            "{field} {value} sent to the clipboard through tmux (unconfirmed: needs set-clipboard on or allow-passthrough on)"
        )
    } else {
        format!("{field} {value} sent to the terminal clipboard (OSC 52; unconfirmed)")
    }
}

/// A key whose action read-only mode withholds.
pub fn read_only_key(label: &str) -> String {
    format!(
        "read-only mode: `{label}` changes sessions, so it is off (--read-only or the profile's read_only)"
    )
}

/// Marking in read-only mode.
pub const READ_ONLY_MARKING: &str =
    "read-only mode: marking is off, as nothing can act on marked rows";

/// `2` without a user token.
pub const NO_MY_SESSIONS_TAB: &str =
    "no My sessions tab: configure a user token (--user-token or the profile's token_file)";

/// Completion found nothing.
pub fn no_completion(word: &str) -> String {
    format!("nothing completes `{}`", sanitize::clean(word))
}

/// Completion found several.
pub fn completions(list: &[String]) -> String {
    format!("could be: {}", list.join("  "))
}

/// The oldest or newest history entry was reached.
pub const HISTORY_END: &str = "no further query in the history";

/// An unknown `:` command.
pub fn unknown_command(name: &str, suggestion: Option<&str>) -> String {
    let name = sanitize::clean(name);
    match suggestion {
        Some(s) => format!("unknown command `:{name}`: did you mean `:{s}`?"),
        None => format!("unknown command `:{name}` (try :profile, :q, :export, :columns, :page)"),
    }
}

/// A `:` command that names an action this build lacks.
pub fn not_available(name: &str) -> String {
    format!("`:{name}` is not available in this version")
}

/// `:profile` without a name.
pub fn profile_usage(profiles: &[String]) -> String {
    if profiles.is_empty() {
        "usage: :profile NAME (the config file has no profiles)".to_string()
    } else {
        format!("usage: :profile NAME (profiles: {})", profiles.join(", "))
    }
}

/// `:profile` with a name the config lacks.
pub fn unknown_profile(name: &str, suggestion: Option<&str>, profiles: &[String]) -> String {
    let name = sanitize::clean(name);
    match suggestion {
        Some(s) => format!("no profile `{name}`: did you mean `{s}`?"),
        None => format!("no profile `{name}` (profiles: {})", profiles.join(", ")),
    }
}

/// `:profile` with the profile in use.
pub fn same_profile(name: &str) -> String {
    format!("already on profile {}", sanitize::clean(name))
}

/// `:profile` while destructive work runs: it is never dropped silently.
pub fn switch_waits(n: usize) -> String {
    format!(
        "cannot switch profile: {n} action{} still running; wait for {} to finish",
        plural(n),
        if n == 1 { "it" } else { "them" }
    )
}

/// `:profile` accepted; the loop reconnects.
pub fn switching_to(name: &str) -> String {
    format!("switching to profile {}…", sanitize::clean(name))
}

/// `:page` without a number.
pub const PAGE_USAGE: &str = "usage: :page N";

/// `L` outside the Sessions tab.
pub const LOGOUT_USER_ON_SESSIONS: &str =
    "log out user works on the Sessions tab (here it is your own user: use `O`)";

/// `:profile` where this run cannot switch (demo mode, no config file).
pub const NO_PROFILE_SWITCH: &str = "profiles cannot be switched in this run (no config file)";

/// `:profile NAME` whose settings do not resolve; the old profile stays.
pub fn switch_failed(name: &str, why: &str) -> String {
    format!(
        "cannot switch to profile {}: {} (still on the previous profile)",
        sanitize::clean(name),
        sanitize::clean(why)
    )
}

// ---- Investigation: walks, users, insights ----

/// A walk of a query's pages failed.
pub const WALK_FAILED: &str = "walking the query's pages failed";

/// A display page of local matches could not be fetched again.
pub fn match_page_failed(page: usize) -> String {
    format!("fetching page {page} of the matches again failed")
}

/// `Enter` on a bar no query can ask for.
pub const BAR_HAS_NO_TERM: &str = "no query term asks for this bar";

/// The Users and Insights tabs before their first walk.
pub const NO_FIGURES_YET: &str = "no figures yet: walking the query's sessions…";

/// The Users tab without a service token.
pub const NEEDS_SERVICE: &str = "needs a service token (every session of the project)";

/// Marks a term the server filters, in the query bar legend.
pub const SERVER_SIDE: &str = "server";

/// Marks a term checked here on each session, in the query bar legend.
pub const LOCAL_SIDE: &str = "local";

/// The Token tab when the server sent no intelligence with the token.
pub const INTEL_NOT_PROVIDED: &str = "not provided by the server";

/// The Token tab's risk line when intelligence was sent and nothing is flagged.
pub const NOTHING_FLAGGED: &str = "nothing flagged";

/// Title of the Token tab's life chart.
pub const LIFE_CHART_TITLE: &str = " life left over time (▲ refresh) ";

/// Title of the export picker.
pub const EXPORT_TITLE: &str = " Export ";

/// The export picker's keys.
pub const EXPORT_KEYS: &str = "c csv · n ndjson · m marked/all · enter write · esc close";

/// The export picker's scope line.
pub fn export_scope(marked_only: bool, marks: usize) -> String {
    if marked_only {
        format!("only the {} marked rows", thousands(marks as u64))
    } else {
        "every session the query matches (every page, local terms applied)".to_string()
    }
}

/// An export finished.
pub fn exported(rows: &u64, path: &str) -> String {
    format!("exported {} sessions to {path}", thousands(*rows))
}

/// A walk was stopped by the user.
pub fn walk_cancelled(scanned: u64, matches: u64) -> String {
    format!(
        "walk cancelled after {} sessions scanned ({} matches); the table is unchanged",
        thousands(scanned),
        thousands(matches)
    )
}

/// A walk reached the last page.
pub fn walk_done(pages: u64, scanned: u64, matches: u64) -> String {
    format!(
        "walked {} pages: {} sessions scanned, {} matches",
        thousands(pages),
        thousands(scanned),
        thousands(matches)
    )
}

/// The gauge's words while a walk runs.
pub fn walk_progress(pages: u64, scanned: u64, matches: u64, cancel_key: &str) -> String {
    format!(
        "walking: {} pages, {} sessions scanned, {} matches — {cancel_key} cancels",
        thousands(pages),
        thousands(scanned),
        thousands(matches)
    )
}

/// A count with thousands separators (`100,000`): the one helper every count uses.
pub use crate::number::thousands;
