//! A walk in flight: which command, what it keeps, how far it has got.

use crate::investigate::Progress;
use crate::output::Format;
use crate::tui::command::{CommandId, ListSource, WalkGoal};

/// A walk in flight.
#[derive(Debug, Clone, PartialEq)]
pub struct WalkState {
    /// Its command id (what `Esc` cancels).
    pub id: CommandId,
    /// What it keeps.
    pub goal: WalkGoal,
    /// Which table's query it walks.
    pub source: ListSource,
    /// Pages, sessions scanned and matches so far.
    pub progress: Progress,
}

/// The export picker: which format, and the whole result or only the marked rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportPick {
    /// CSV or NDJSON.
    pub format: Format,
    /// Only the marked rows (offered when there are marks).
    pub marked_only: bool,
    /// How many rows are marked.
    pub marks: usize,
}
