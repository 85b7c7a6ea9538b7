//! Query history (browsed with Up/Down in the editor) and what a profile remembers between
//! runs: the last query, order and tab. Pure: reading and writing the files is the run
//! loop's (`tui::memory`).

use serde::{Deserialize, Serialize};

/// Queries kept per profile; the oldest go first.
pub const HISTORY_MAX: usize = 200;

/// `entries` with `query` added as the newest: blank lines are skipped, an older copy of
/// the same query is dropped, and at most `max` are kept.
pub fn merged(mut entries: Vec<String>, query: &str, max: usize) -> Vec<String> {
    let query = query.trim();
    if query.is_empty() || query.contains(['\n', '\r']) {
        return entries;
    }
    entries.retain(|e| e != query);
    entries.push(query.to_string());
    let extra = entries.len().saturating_sub(max);
    entries.drain(..extra);
    entries
}

/// The history of one profile, and where Up/Down browsing stands.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    /// Oldest first.
    entries: Vec<String>,
    /// Index being shown while browsing.
    at: Option<usize>,
    /// What was typed before browsing began, given back past the newest entry.
    draft: String,
}

impl History {
    /// A history from stored entries (oldest first), cleaned of duplicates and blanks.
    pub fn new(stored: Vec<String>) -> Self {
        let entries = stored
            .into_iter()
            .fold(Vec::new(), |acc, q| merged(acc, &q, HISTORY_MAX));
        Self {
            entries,
            at: None,
            draft: String::new(),
        }
    }

    /// The entries, oldest first.
    pub fn entries(&self) -> &[String] {
        &self.entries
    }

    /// Adds an applied query as the newest and stops browsing.
    pub fn push(&mut self, query: &str) {
        self.entries = merged(std::mem::take(&mut self.entries), query, HISTORY_MAX);
        self.stop();
    }

    /// Up: the next older entry; `typed` is kept to come back to. None at the oldest.
    pub fn older(&mut self, typed: &str) -> Option<&str> {
        let next = match self.at {
            None => {
                self.draft = typed.to_string();
                self.entries.len().checked_sub(1)?
            }
            Some(0) => return None,
            Some(i) => i - 1,
        };
        self.at = Some(next);
        self.entries.get(next).map(String::as_str)
    }

    /// Down: the next newer entry, then what was typed. None when not browsing.
    pub fn newer(&mut self) -> Option<String> {
        let i = self.at?;
        if i + 1 < self.entries.len() {
            self.at = Some(i + 1);
            self.entries.get(i + 1).cloned()
        } else {
            self.at = None;
            Some(std::mem::take(&mut self.draft))
        }
    }

    /// Leaves browsing (the editor closed or the text was applied).
    pub fn stop(&mut self) {
        self.at = None;
        self.draft.clear();
    }
}

/// What a profile's TUI remembers between runs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recall {
    /// The Sessions tab's query line.
    #[serde(default)]
    pub query: String,
    /// Order column, by wire name.
    #[serde(default)]
    pub order_by: String,
    /// `asc` or `desc`.
    #[serde(default)]
    pub order: String,
    /// `sessions`, `mine` or `token`.
    #[serde(default)]
    pub tab: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merged_dedupes_bounds_and_skips_blanks() {
        let e = merged(vec!["a".into(), "b".into()], "a", 3);
        assert_eq!(e, ["b", "a"]);
        let e = merged(e, "  ", 3);
        assert_eq!(e, ["b", "a"]);
        let e = merged(merged(e, "c", 3), "d", 3);
        assert_eq!(e, ["a", "c", "d"]);
    }

    #[test]
    fn browsing_walks_back_and_returns_the_draft() {
        let mut h = History::new(vec!["one".into(), "two".into()]);
        assert_eq!(h.older("typed"), Some("two"));
        assert_eq!(h.older("ignored"), Some("one"));
        assert_eq!(h.older("ignored"), None);
        assert_eq!(h.newer().as_deref(), Some("two"));
        assert_eq!(h.newer().as_deref(), Some("typed"));
        assert_eq!(h.newer(), None);
    }
}
