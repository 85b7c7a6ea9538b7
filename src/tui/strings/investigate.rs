//! Walks, the Users and Insights tabs, intelligence and export.

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

/// A tab key pressed where the token in force is a client token.
pub fn tab_needs_service(tab: &str) -> String {
    format!(
        "the {tab} tab reads every session of the project, which needs a service token (pts_…); the token in force is a client token (pcl_…)"
    )
}

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
        "walked {} page{}: {} session{} scanned, {} match{}",
        thousands(pages),
        super::words::plural(pages),
        thousands(scanned),
        super::words::plural(scanned),
        thousands(matches),
        if matches == 1 { "" } else { "es" }
    )
}

/// The gauge's words while a walk runs.
pub fn walk_progress(pages: u64, scanned: u64, matches: u64, cancel_key: &str) -> String {
    format!(
        "walking: {} page{}, {} session{} scanned, {} match{} — {cancel_key} cancels",
        thousands(pages),
        super::words::plural(pages),
        thousands(scanned),
        super::words::plural(scanned),
        thousands(matches),
        if matches == 1 { "" } else { "es" }
    )
}

/// A count with thousands separators (`100,000`): the one helper every count uses.
pub use crate::number::thousands;
