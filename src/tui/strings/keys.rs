//! Layout, columns and colour; keys, paging by number, menus, history, completion and
//! the command line.

use super::words::plural;
use crate::sanitize;

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
pub const PICKER_NOTE: &str = "narrow terminals drop columns: type, identity, id, device, location, scopes, times, risk, email last; ←/→ and w show them";

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

/// How old the walk of a local-term result is (`walked 2m ago`): `r` walks it again.
pub fn walked_ago(ago: &str) -> String {
    format!("walked {ago}")
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

/// A jump past the last page, with the count known: it goes to the last page instead.
pub fn stopping_at_last_page(asked: usize, last: usize) -> String {
    format!(
        "no page {asked}: the query has {last} page{}; going to page {last}",
        plural(last)
    )
}

/// `Esc` stopped a jump on its way.
pub fn jump_cancelled(at: usize) -> String {
    format!("jump cancelled on page {at}")
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
pub const NO_MY_SESSIONS_TAB: &str = "no My sessions tab: no user token — set the profile's user_token_file (or give --token-file FILE)";

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
        None => format!(
            "unknown command `:{name}` (try :views, :profile, :q, :export, :columns, :page)"
        ),
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

/// The saved views picker's title.
pub const VIEWS_TITLE: &str = " Views ";

/// The saved views picker's keys.
pub const VIEWS_KEYS: &str = "j/k move · enter show · esc close · [views] in the config adds more";

/// `:views` with every view removed by the config.
pub const NO_VIEWS: &str = "no saved views: the config's [views] removed them all";

/// A saved view was put in force.
pub fn view_shown(name: &str, query: &str) -> String {
    format!("view {}: {}", sanitize::clean(name), sanitize::clean(query))
}

/// A saved view whose query does not compile (the query bar shows why).
pub fn view_broken(name: &str) -> String {
    format!(
        "view {} does not compile: fix it in the config's [views]",
        sanitize::clean(name)
    )
}

// Columns sideways, wide, and sorted locally.

/// The marker at the right of a table's header when columns are hidden: how many on
/// each side and the keys that bring them back (`+3 cols →/l`, `←/h 2 · +3 →/l`).
pub fn hidden_cols(left: usize, right: usize, left_keys: &str, right_keys: &str) -> String {
    match (left, right) {
        (0, r) => format!("+{r} cols {right_keys}"),
        (l, 0) => format!("{left_keys} +{l} cols"),
        (l, r) => format!("{left_keys} +{l} · +{r} {right_keys}"),
    }
}

/// `→` with every column to the right already shown.
pub const NO_MORE_RIGHT: &str = "no more columns to the right";
/// `←` at the first column.
pub const NO_MORE_LEFT: &str = "already at the first column";

/// The wide view turned on or off.
pub fn wide_view(on: bool, keys: &str) -> String {
    if on {
        format!("wide: every column at full width ({keys} scroll)")
    } else {
        "wide off: columns fit the terminal".to_string()
    }
}

/// A local sort started: the whole result is walked first.
pub fn sorting_by(column: &str, descending: bool) -> String {
    format!(
        "sorting by {column} {}: reading the whole result (esc cancels)",
        if descending { "▼" } else { "▲" }
    )
}

/// A sort that kept only the first of a large result.
pub fn sorted_kept(column: &str, kept: &str, total: &str) -> String {
    format!(
        "sorted by {column}: the first {kept} of {total} are kept; narrow the query to page past them"
    )
}

/// The info line of a sorted result of which only the first are kept.
pub fn sorted_first(kept: &str) -> String {
    format!("first {kept} sorted")
}
