//! The Pulses tab's sentences: its titles, the poll's state and what a failed poll says.

/// What the tab shows: every login of the project, whatever the Sessions query.
pub const PULSES_SCOPE: &str = "every login in the project (the Sessions query does not apply)";

/// The chart's title, before the risky legend.
pub fn pulse_chart_title(minutes: usize, peak: u64) -> String {
    format!(" all logins per minute, last {minutes} min, peak {peak} · ")
}

/// The legend after the danger-coloured block in the chart's title.
pub const RISKY_LEGEND: &str = " with a risk flag ";

/// The arrivals list's title.
pub fn arrivals_title(shown: usize, seen: u64) -> String {
    format!(
        " latest logins, newest first ({} of {} seen) ",
        crate::number::thousands(shown as u64),
        crate::number::thousands(seen)
    )
}

/// Nothing has arrived yet.
pub const NO_ARRIVALS: &str =
    "no logins yet in the last two hours; new ones appear here as they arrive";

/// A poll is in flight.
pub const POLLING: &str = "polling…";

/// The countdown to the next poll.
pub fn next_poll_in(secs: i64) -> String {
    format!("next poll in {secs} s")
}

/// When the last poll succeeded.
pub fn last_polled(ago: &str) -> String {
    format!("last poll {ago}")
}

/// What a failed poll says, before its cause.
pub const POLL_FAILED: &str = "poll for new logins failed";

/// The Pulses tab's polling is held by `p` (`keys`: the keys that resume it).
pub fn poll_paused(keys: &str) -> String {
    format!("polling paused ({keys} resumes)")
}

/// The Pulses tab's polling stops while another tab is shown.
pub const POLL_PAUSED_AWAY: &str = "polls while this tab is shown";
