//! Every default value in one place: what settings resolve to when nothing is given, and
//! what the TUI starts with. Change a default here and both the CLI and the TUI follow.

use std::time::Duration;

/// Bulk concurrency.
pub const CONCURRENCY: usize = 8;
/// Pages a walk that needs no order has in flight at most.
pub const WALK_WINDOW: usize = 8;
/// Rows per page.
pub const PAGE_SIZE: u32 = 50;
/// The largest page the API serves (`--size`, `page_size`).
pub const MAX_PAGE_SIZE: u32 = 1000;
/// How often the TUI reloads the table shown.
pub const AUTO_RELOAD: Duration = Duration::from_secs(30);
/// How old a walk of a query with local terms gets before auto-reload walks it again:
/// the 30-second reload never rewalks a whole result on its own timer.
pub const REWALK_AFTER: Duration = Duration::from_secs(300);
/// Budget of one whole call, retries included.
pub const TIMEOUT: Duration = Duration::from_secs(30);
/// Limit of one attempt.
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
/// Refresh the user token when this share of its life remains...
pub const REFRESH_FRACTION: f64 = 0.2;
/// ...or this much time, whichever comes first.
pub const REFRESH_MARGIN: Duration = Duration::from_secs(60);
/// Life of the demo user's token (short, so refreshes can be watched).
pub const DEMO_TOKEN_LIFE: Duration = Duration::from_secs(120);
