//! The walk window: how many pages a walk that needs no order has in flight at most.

use crate::config::defaults::WALK_WINDOW;
use crate::config::error::ConfigError;
use crate::config::inputs::{Given, Source};

/// The widest walk window a profile or `--walk-window` may ask for: past it a walk only
/// adds load on the server, not speed.
pub const MAX_WALK_WINDOW: usize = 64;

/// The window from the flag, else the profile, else the default; refused outside 1 to
/// [`MAX_WALK_WINDOW`], naming where the value came from.
pub(super) fn resolve(
    given: Option<Given<usize>>,
    profile: Option<usize>,
    from_profile: &dyn Fn() -> Source,
) -> Result<(usize, Source), ConfigError> {
    let window = match (given, profile) {
        (Some(g), _) => (g.value, g.source),
        (None, Some(v)) => (v, from_profile()),
        (None, None) => (WALK_WINDOW, Source::Default),
    };
    if window.0 == 0 || window.0 > MAX_WALK_WINDOW {
        return Err(ConfigError::BadValue {
            setting: "walk_window",
            origin: window.1,
            reason: format!("must be 1 to {MAX_WALK_WINDOW}"),
        });
    }
    Ok(window)
}
