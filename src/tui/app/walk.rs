//! A walk in flight: which command, what it keeps, how far it has got; and the matches
//! of a finished one that a table pages through.

use crate::authn::model::{Order, OrderBy, Session};
use crate::investigate::{Anchor, Progress};
use crate::query::Query;
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

/// The matches of the walk a table shows.
#[derive(Debug, Clone)]
pub struct LocalMatches {
    /// The first matches: every one when `whole`, else the first display page.
    pub(crate) first: Vec<Session>,
    /// `first` holds every match.
    pub(crate) whole: bool,
    /// Where each display page starts (fetched pages start here).
    pub(crate) anchors: Vec<Anchor>,
    /// The walk's query, order and page size: a page is fetched again with them.
    pub(crate) query: Query,
    pub(crate) order_by: OrderBy,
    pub(crate) order: Order,
    pub(crate) size: u32,
    /// The page being fetched, if any; an answer for another page is dropped.
    pub(crate) pending: Option<usize>,
}

impl LocalMatches {
    /// Display pages in all.
    pub(crate) fn pages(&self, size: usize) -> usize {
        if self.whole {
            self.first.len().div_ceil(size).max(1)
        } else {
            self.anchors.len().max(1)
        }
    }

    /// Drops ended sessions from the kept matches.
    pub(crate) fn forget(&mut self, gone: &std::collections::HashSet<&str>) {
        self.first.retain(|s| !gone.contains(s.id.as_str()));
    }

    /// The sessions the table holds for these matches (at most `MATCHES_KEPT`).
    pub fn kept(&self) -> usize {
        self.first.len()
    }
}
