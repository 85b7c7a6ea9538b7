//! One session table: the loaded page, selection and scroll, the cursor stack, the query and
//! order, marks, and the generation that makes the newest list request win.

use crate::authn::model::{Filter, Order, OrderBy, Session, Timestamp};
use crate::query::QueryError;
use crate::results::ResultSet;
use crate::tui::columns::Widest;
use crate::tui::command::{ListQuery, ListSource, Page};
use std::collections::{HashMap, HashSet};

pub use facts::RowFacts;

/// Who a marked row belongs to, kept so marks off the page can still be listed and a
/// user's marks dropped when the user is logged out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkMeta {
    /// The session's user.
    pub identity: String,
    /// That user's email.
    pub email: String,
}

/// The wait before reload `failures` (1 for the first failure): the period, doubled
/// each time, at most 16 periods and never over 10 minutes unless the period is longer.
pub fn reload_backoff(every: std::time::Duration, failures: u32) -> std::time::Duration {
    let doubled = every.saturating_mul(1 << failures.saturating_sub(1).min(4));
    doubled.min(std::time::Duration::from_secs(600).max(every))
}

/// State of one table (Sessions or My sessions).
#[derive(Debug, Clone)]
pub struct Table {
    pub(crate) source: ListSource,
    pub(crate) rows: Vec<Session>,
    pub(crate) selected: usize,
    pub(crate) offset: usize,
    /// Cursors of the pages walked so far; the last one is the page shown.
    pub(crate) cursors: Vec<Option<String>>,
    /// The stack the in-flight list will establish when it succeeds.
    pub(crate) pending_cursors: Option<Vec<Option<String>>>,
    pub(crate) next: Option<String>,
    pub(crate) count: Option<u64>,
    pub(crate) generation: u64,
    pub(crate) loading: bool,
    pub(crate) loaded_once: bool,
    pub(crate) last_loaded: Option<Timestamp>,
    /// Consecutive failed loads.
    pub(crate) failures: u32,
    /// When the next automatic reload is due after a failure.
    pub(crate) retry_at: Option<Timestamp>,
    /// The last failure got no answer from the server (rather than an error answer).
    pub(crate) unreachable: bool,
    /// The query in force, compiled once, with the profile and host it runs against:
    /// the rows, the counts, the dialogs and the targets all read it.
    pub(crate) set: ResultSet,
    /// Bumped whenever the query's text changes, so what was built from an older one
    /// (Users, Insights) is known to be stale.
    pub(crate) set_version: u64,
    pub(crate) query_error: Option<QueryError>,
    pub(crate) order_by: OrderBy,
    pub(crate) order: Order,
    pub(crate) page_size: u32,
    pub(crate) marks: HashSet<String>,
    /// Owner of each mark, by session id.
    pub(crate) mark_meta: HashMap<String, MarkMeta>,
    /// Why the last load failed (cleared by a successful one): the table says it could
    /// not load instead of claiming there are no sessions.
    pub(crate) load_error: Option<String>,
    /// Ids on the page shown, so counting marks off the page costs O(marks).
    page_ids: HashSet<String>,
    /// What each row of the page says about where it came from, worked out once per page.
    pub(crate) facts: HashMap<String, RowFacts>,
    /// The widest values seen in this result (every page of it so far), so a column's
    /// width does not change from page to page; an empty page leaves them as they were.
    pub(crate) widest: Widest,
    /// A new result: its first page with rows replaces the widths instead of widening.
    pub(crate) widest_stale: bool,
    /// How the columns are laid out: the fit, scrolled sideways, or wide.
    pub(crate) cols: crate::tui::columns::ColView,
    /// The column the result is sorted by locally (walked), when not by the server.
    pub(crate) local_sort: Option<crate::investigate::sort::LocalSort>,
    /// While a local sort walks: the sort and direction before it, restored when the
    /// walk is cancelled or fails.
    pub(crate) sort_before: Option<(Option<crate::investigate::sort::LocalSort>, Order)>,

    // Page steps and where the selection lands.
    /// Page steps pressed while a page was loading, applied in order once it lands.
    pub(crate) queued: std::collections::VecDeque<Step>,
    /// The page being loaded was reached by `k` on the top row: select its last row.
    pub(crate) land_bottom: bool,
    /// A new query or order: the selection starts at the top whatever it was on.
    pub(crate) to_top: bool,
    /// The request id of the call that returned the page shown.
    pub(crate) request_id: Option<String>,
    /// The matches of a query with local terms, paged through here rather than by cursor.
    pub(crate) local: Option<crate::tui::app::walk::LocalMatches>,
    /// The local page shown (0-based).
    pub(crate) local_page: usize,
}

/// A page step: `]`, `[`, or a jump to a page by its number (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The next page.
    Next,
    /// The previous page.
    Prev,
    /// The previous page, selecting its last row (`k` on the top row).
    PrevToBottom,
    /// Page N.
    To(usize),
}

impl Table {
    pub(crate) fn new(source: ListSource, page_size: u32) -> Self {
        Self {
            source,
            rows: Vec::new(),
            selected: 0,
            offset: 0,
            cursors: vec![None],
            pending_cursors: None,
            next: None,
            count: None,
            generation: 0,
            loading: false,
            loaded_once: false,
            last_loaded: None,
            failures: 0,
            retry_at: None,
            unreachable: false,
            set: ResultSet::blank(Timestamp::UNIX_EPOCH, "", ""),
            set_version: 0,
            query_error: None,
            order_by: OrderBy::default(),
            order: Order::default(),
            page_size: page_size.max(1),
            marks: HashSet::new(),
            mark_meta: HashMap::new(),
            load_error: None,
            page_ids: HashSet::new(),
            facts: HashMap::new(),
            widest: Widest::default(),
            widest_stale: false,
            cols: crate::tui::columns::ColView::default(),
            local_sort: None,
            sort_before: None,
            queued: std::collections::VecDeque::new(),
            land_bottom: false,
            to_top: false,
            request_id: None,
            local: None,
            local_page: 0,
        }
    }

    /// LOCATION, DEVICE and RISK of a row of the page.
    pub fn facts(&self, id: &str) -> Option<&RowFacts> {
        self.facts.get(id)
    }

    /// The widest ids, identities, token ids, risk flags and scopes of this result.
    pub fn widest(&self) -> Widest {
        self.widest
    }

    /// Which list this table shows.
    pub fn source(&self) -> ListSource {
        self.source
    }

    /// The rows of the page shown.
    pub fn rows(&self) -> &[Session] {
        &self.rows
    }

    /// Index of the selected row.
    pub fn selected_index(&self) -> usize {
        self.selected
    }

    /// The selected session, if the page has rows.
    pub fn selected(&self) -> Option<&Session> {
        self.rows.get(self.selected)
    }

    /// Index of the first visible row.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// 1-based number of the page shown.
    pub fn page_number(&self) -> usize {
        if self.local.is_some() {
            return self.local_page + 1;
        }
        self.cursors.len()
    }

    /// The server gave a cursor for a further page (or further local matches wait).
    pub fn has_more(&self) -> bool {
        if let Some(pages) = self.local_pages() {
            return self.local_page + 1 < pages;
        }
        self.next.is_some()
    }

    /// True while the table pages through a walk's local matches.
    pub fn is_local(&self) -> bool {
        self.local.is_some()
    }

    /// Total matches, when the server says.
    pub fn count(&self) -> Option<u64> {
        self.count
    }

    /// A list request is in flight.
    pub fn is_loading(&self) -> bool {
        self.loading
    }

    /// The query line as applied.
    pub fn query_text(&self) -> &str {
        self.set.text()
    }

    /// The compiled filter in force.
    pub fn filter(&self) -> &Filter {
        self.set.server()
    }

    /// Rows of a display page.
    pub fn page_size(&self) -> u32 {
        self.page_size
    }

    /// When the page or the walk shown was loaded.
    pub fn last_loaded(&self) -> Option<Timestamp> {
        self.last_loaded
    }

    /// The result set in force: the query compiled once, with profile and host.
    pub fn set(&self) -> &ResultSet {
        &self.set
    }

    /// Puts `set` in force; true when its text differs from the one before.
    pub(crate) fn replace_set(&mut self, set: ResultSet) -> bool {
        let changed = set.text() != self.set.text() || set.server() != self.set.server();
        if changed {
            self.set_version += 1;
            self.widest_stale = true;
            // A new result opens on its first page, at the top.
            self.to_top = true;
            self.local_page = 0;
        }
        self.set = set;
        changed
    }

    /// The last query that failed to compile.
    pub fn query_error(&self) -> Option<&QueryError> {
        self.query_error.as_ref()
    }

    /// Order column.
    pub fn order_by(&self) -> OrderBy {
        self.order_by
    }

    /// Order direction.
    pub fn order(&self) -> Order {
        self.order
    }

    /// The column the result is sorted by locally, when not by the server's order.
    pub fn local_sort(&self) -> Option<crate::investigate::sort::LocalSort> {
        self.local_sort
    }

    /// The result is read by a walk: local query terms, or a local sort.
    pub fn walked(&self) -> bool {
        self.set.has_local() || self.local_sort.is_some()
    }

    /// How the columns are laid out (scrolled, wide).
    pub fn col_view(&self) -> crate::tui::columns::ColView {
        self.cols
    }

    /// Order column and direction together, for the info line.
    pub fn ordering(&self) -> (OrderBy, Order) {
        (self.order_by, self.order)
    }

    /// Page steps waiting for the page that is loading.
    pub fn queued_steps(&self) -> usize {
        self.queued.len()
    }

    /// Ids of marked sessions (on any page).
    pub fn marks(&self) -> &HashSet<String> {
        &self.marks
    }

    /// True if the session is marked.
    pub fn is_marked(&self, id: &str) -> bool {
        self.marks.contains(id)
    }

    /// Who each marked session belongs to, when it was seen.
    pub fn mark_meta(&self, id: &str) -> Option<&MarkMeta> {
        self.mark_meta.get(id)
    }

    /// Why the last load failed, while no later one succeeded.
    pub fn load_error(&self) -> Option<&str> {
        self.load_error.as_deref()
    }

    /// Marks or unmarks a session; returns true if it is now marked.
    pub(crate) fn toggle_mark(&mut self, s: &Session) -> bool {
        if self.marks.remove(&s.id) {
            self.mark_meta.remove(&s.id);
            false
        } else {
            self.set_mark(s);
            true
        }
    }

    /// Marks a session.
    pub(crate) fn set_mark(&mut self, s: &Session) {
        self.marks.insert(s.id.clone());
        self.mark_meta.insert(
            s.id.clone(),
            MarkMeta {
                identity: s.identity.clone(),
                email: s.email.clone(),
            },
        );
    }

    /// Unmarks a session.
    pub(crate) fn unmark(&mut self, id: &str) {
        self.marks.remove(id);
        self.mark_meta.remove(id);
    }

    /// Drops every mark; returns how many there were.
    pub(crate) fn clear_marks(&mut self) -> usize {
        let n = self.marks.len();
        self.marks.clear();
        self.mark_meta.clear();
        n
    }

    /// Drops the marks of one user's sessions.
    pub(crate) fn unmark_user(&mut self, user_id: &str) {
        let ids: Vec<String> = self
            .mark_meta
            .iter()
            .filter(|(_, m)| m.identity == user_id)
            .map(|(id, _)| id.clone())
            .collect();
        for id in ids {
            self.unmark(&id);
        }
    }

    /// Marked sessions that are not on the page shown.
    pub fn marks_not_visible(&self) -> usize {
        self.marks
            .iter()
            .filter(|m| !self.page_ids.contains(m.as_str()))
            .count()
    }

    /// Builds the request for a page and bumps the generation so older answers are dropped.
    pub(crate) fn request(&mut self, cursors: Vec<Option<String>>) -> (u64, ListQuery) {
        self.generation += 1;
        self.loading = true;
        let cursor = cursors.last().cloned().flatten();
        self.pending_cursors = Some(cursors);
        let query = ListQuery {
            filter: self.set.server().clone(),
            order_by: self.order_by,
            order: self.order,
            size: self.page_size,
            cursor,
        };
        (self.generation, query)
    }

    /// Applies a page for the current generation, keeping the selection on the same session.
    pub(crate) fn apply_page(&mut self, page: Page, now: Timestamp, viewport: usize) {
        let keep = self.selected().map(|s| s.id.clone());
        let mut same_page = true;
        self.local = None;
        self.local_page = 0;
        self.set_rows(page.sessions);
        self.request_id = Some(page.request_id).filter(|r| !r.is_empty());
        self.next = page.next.filter(|c| !c.is_empty());
        self.count = page.count;
        if let Some(c) = self.pending_cursors.take() {
            if c != self.cursors {
                // Another page: nothing on it is "the same row", so start at the top.
                self.selected = 0;
                self.offset = 0;
                same_page = false;
            }
            self.cursors = c;
        }
        self.loading = false;
        self.loaded_once = true;
        self.last_loaded = Some(now);
        self.failures = 0;
        self.retry_at = None;
        self.selected = keep
            .filter(|_| same_page)
            .and_then(|id| self.rows.iter().position(|s| s.id == id))
            .unwrap_or(self.selected);
        if std::mem::take(&mut self.to_top) {
            self.selected = 0;
            self.offset = 0;
        }
        if std::mem::take(&mut self.land_bottom) && !same_page {
            self.selected = self.rows.len().saturating_sub(1);
        }
        self.clamp(viewport);
    }

    /// The rows of the page shown, with what is worked out once per page.
    pub(crate) fn set_rows(&mut self, rows: Vec<Session>) {
        self.rows = rows;
        self.page_ids = self.rows.iter().map(|s| s.id.clone()).collect();
        let widest;
        (self.facts, widest) = facts::of_page(&self.rows);
        if !self.rows.is_empty() {
            self.widest = if std::mem::take(&mut self.widest_stale) {
                widest
            } else {
                self.widest.max(widest)
            };
        }
    }

    /// The list failed: the page shown stays what it was.
    pub(crate) fn list_failed(&mut self) {
        self.loading = false;
        self.pending_cursors = None;
        // Steps counted from a page that never came would land somewhere unintended.
        self.queued.clear();
        self.land_bottom = false;
    }

    /// Schedules the next automatic reload after a failed one: the auto-reload period
    /// doubled per consecutive failure (at most 16 times it, or 10 minutes), never
    /// sooner than the server's `Retry-After`.
    pub(crate) fn back_off(
        &mut self,
        now: Timestamp,
        every: Option<std::time::Duration>,
        err: &crate::tui::command::Failure,
    ) {
        let retry_after = err.retry_after();
        self.unreachable = err.is_unreachable();
        self.failures += 1;
        self.retry_at = every.map(|every| {
            let wait = reload_backoff(every, self.failures).max(retry_after.unwrap_or_default());
            crate::clock::shift(now, i64::try_from(wait.as_millis()).unwrap_or(i64::MAX))
        });
    }

    /// Consecutive failed loads.
    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// The stack for the next page, if there is one and no page change is loading.
    pub(crate) fn next_cursors(&self) -> Option<Vec<Option<String>>> {
        if self.pending_cursors.is_some() {
            return None;
        }
        let next = self.next.clone()?;
        let mut c = self.cursors.clone();
        c.push(Some(next));
        Some(c)
    }

    /// The stack for the previous page, if not on page one.
    pub(crate) fn prev_cursors(&self) -> Option<Vec<Option<String>>> {
        if self.pending_cursors.is_some() || self.cursors.len() < 2 {
            return None;
        }
        let mut c = self.cursors.clone();
        c.pop();
        Some(c)
    }

    /// Moves the selection by a signed amount, clamped to the page.
    pub(crate) fn move_by(&mut self, delta: isize, viewport: usize) {
        let max = self.rows.len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(max);
        self.clamp(viewport);
    }

    /// Selects a row index, clamped.
    pub(crate) fn select(&mut self, index: usize, viewport: usize) {
        self.selected = index.min(self.rows.len().saturating_sub(1));
        self.clamp(viewport);
    }

    /// Keeps the selection on the page and inside the visible window.
    pub(crate) fn clamp(&mut self, viewport: usize) {
        self.selected = self.selected.min(self.rows.len().saturating_sub(1));
        self.offset = scroll_offset(self.offset, self.selected, viewport, self.rows.len());
    }

    /// Removes sessions (ended) from the page, the marks and the count of matches.
    pub(crate) fn remove<'a>(&mut self, ids: impl IntoIterator<Item = &'a str>, viewport: usize) {
        let gone: HashSet<&str> = ids.into_iter().collect();
        if gone.is_empty() {
            return;
        }
        // Only sessions known to be in this list (shown, or marked on another page) were
        // part of its count; a second removal of the same id finds nothing to take off.
        let known = gone
            .iter()
            .filter(|id| self.page_ids.contains(**id) || self.marks.contains(**id))
            .count();
        if let Some(n) = &mut self.count {
            *n = n.saturating_sub(u64::try_from(known).unwrap_or(u64::MAX));
        }
        let keep = self.selected().map(|s| s.id.clone());
        let before = self.selected;
        self.rows.retain(|s| !gone.contains(s.id.as_str()));
        if let Some(m) = &mut self.local {
            m.forget(&gone);
        }
        self.page_ids.retain(|s| !gone.contains(s.as_str()));
        self.marks.retain(|m| !gone.contains(m.as_str()));
        self.mark_meta.retain(|m, _| !gone.contains(m.as_str()));
        self.selected = keep
            .and_then(|id| self.rows.iter().position(|s| s.id == id))
            .unwrap_or(before);
        self.clamp(viewport);
    }

    /// Removes every session of a user from the page.
    pub(crate) fn remove_user(&mut self, user_id: &str, viewport: usize) {
        let ids: Vec<String> = self
            .rows
            .iter()
            .filter(|s| s.identity == user_id)
            .map(|s| s.id.clone())
            .collect();
        self.remove(ids.iter().map(String::as_str), viewport);
    }
}

/// The first visible row so that `selected` is on screen, moving the window as little as
/// possible. Shared by the app (on key presses) and the view (when the frame size differs).
pub fn scroll_offset(offset: usize, selected: usize, viewport: usize, len: usize) -> usize {
    if viewport == 0 || len == 0 {
        return 0;
    }
    let mut offset = offset.min(len.saturating_sub(viewport));
    if selected < offset {
        offset = selected;
    } else if selected >= offset + viewport {
        offset = selected + 1 - viewport;
    }
    offset
}

mod facts;
