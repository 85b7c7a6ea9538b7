//! A walk in flight: which command, what it keeps, how far it has got.

use crate::investigate::Progress;
use crate::tui::command::{CommandId, WalkGoal};

/// A walk in flight.
#[derive(Debug, Clone, PartialEq)]
pub struct WalkState {
    /// Its command id (what `Esc` cancels).
    pub id: CommandId,
    /// What it keeps.
    pub goal: WalkGoal,
    /// Pages, sessions scanned and matches so far.
    pub progress: Progress,
}
