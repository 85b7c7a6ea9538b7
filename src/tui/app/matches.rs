//! A walk's local matches, paged through in the table. Few matches are kept whole and
//! paged locally; past [`crate::tui::command::MATCHES_KEPT`] only the first display page
//! and one anchor per page are kept, and any other page is fetched again from its
//! anchor, so memory stays flat however many sessions match.

use super::walk::LocalMatches;
use super::{App, Command, ErrorKey, Failure, ListSource, Timestamp, strings};
use crate::authn::model::Session;
use crate::tui::command::{MatchPageRequest, WalkRequest, Walked};
use crate::tui::screens::table::state::{Step, Table};

/// What showing a display page takes.
pub(crate) enum Shown {
    /// It is on screen.
    Now,
    /// It must be fetched again.
    Fetch(Box<MatchPageRequest>),
    /// There is no such page.
    Missing,
}

impl Table {
    /// A walk's matches: shown a page at a time, from the first.
    pub(crate) fn apply_matches(
        &mut self,
        walk: &WalkRequest,
        walked: Walked,
        now: Timestamp,
        viewport: usize,
    ) {
        self.count = Some(walked.progress.matches);
        // A sorted walk's matches are paged through locally whatever their number:
        // it keeps the first of the sorted order, and no anchors.
        let whole = walked.matches.len() as u64 >= walked.progress.matches || walk.sort.is_some();
        self.local = Some(LocalMatches {
            first: walked.matches,
            whole,
            anchors: walked.anchors,
            query: walk.query.clone(),
            order_by: walk.order_by,
            order: walk.order,
            size: walk.size,
            pending: None,
        });
        self.cursors = vec![None];
        self.pending_cursors = None;
        self.next = None;
        self.loading = false;
        self.loaded_once = true;
        self.last_loaded = Some(now);
        self.failures = 0;
        self.retry_at = None;
        self.load_error = None;
        let fresh = std::mem::take(&mut self.to_top);
        let keep = self.selected().map(|s| s.id.clone()).filter(|_| !fresh);
        // A page past the kept ones would need a fetch, and a new query's result is new:
        // either starts on page one.
        let page = if whole && !fresh { self.local_page } else { 0 };
        self.local_page = usize::MAX;
        self.show_local_page(page, viewport);
        if let Some(i) = keep.and_then(|id| self.rows.iter().position(|s| s.id == id)) {
            self.selected = i;
            self.clamp(viewport);
        }
    }

    /// Display pages of local matches in all (None: not paging through matches).
    pub(crate) fn local_pages(&self) -> Option<usize> {
        let size = self.page_size as usize;
        self.local.as_ref().map(|m| m.pages(size))
    }

    /// The local matches, while the table pages through them.
    pub fn local_matches(&self) -> Option<&LocalMatches> {
        self.local.as_ref()
    }

    /// Shows display page `page` (clamped to the last) when it is kept, or says what
    /// fetching it takes.
    pub(crate) fn show_local_page(&mut self, page: usize, viewport: usize) -> Shown {
        let size = self.page_size as usize;
        let generation = self.generation;
        let source = self.source;
        let Some(m) = &mut self.local else {
            return Shown::Missing;
        };
        let page = page.min(m.pages(size) - 1);
        let rows: Vec<Session> = if m.whole {
            m.first
                .iter()
                .skip(page * size)
                .take(size)
                .cloned()
                .collect()
        } else if page == 0 {
            m.first.clone()
        } else {
            let Some(anchor) = m.anchors.get(page) else {
                return Shown::Missing;
            };
            m.pending = Some(page);
            return Shown::Fetch(Box::new(MatchPageRequest {
                generation,
                source,
                query: m.query.clone(),
                order_by: m.order_by,
                order: m.order,
                size: m.size,
                display: u32::try_from(size).unwrap_or(u32::MAX),
                page,
                anchor: anchor.clone(),
            }));
        };
        m.pending = None;
        self.show_rows(page, rows, viewport);
        Shown::Now
    }

    /// Puts a display page of matches on screen.
    pub(crate) fn show_rows(&mut self, page: usize, rows: Vec<Session>, viewport: usize) {
        let changed = page != self.local_page;
        self.local_page = page;
        self.set_rows(rows);
        if changed {
            self.selected = 0;
            self.offset = 0;
        }
        if std::mem::take(&mut self.land_bottom) && changed {
            self.selected = self.rows.len().saturating_sub(1);
        }
        self.loading = false;
        self.clamp(viewport);
    }
}

impl App {
    /// A page step through local matches; true if it started a fetch.
    pub(crate) fn local_step(
        &mut self,
        source: ListSource,
        step: Step,
        out: &mut Vec<Command>,
    ) -> bool {
        let t = self.table(source);
        let Some(pages) = t.local_pages() else {
            return false;
        };
        // Steps while a page is on its way count from that page: the newest wins.
        let from = t
            .local
            .as_ref()
            .and_then(|m| m.pending)
            .unwrap_or(t.local_page);
        let target = match step {
            Step::Next if from + 1 < pages => Ok(from + 1),
            Step::Next => Err(strings::NO_NEXT_PAGE.to_string()),
            Step::Prev | Step::PrevToBottom if from > 0 => Ok(from - 1),
            Step::Prev | Step::PrevToBottom => Err(strings::NO_PREV_PAGE.to_string()),
            Step::To(0) => Err(strings::not_a_page("0")),
            Step::To(n) if n > pages => Err(strings::only_pages(pages)),
            Step::To(n) if n - 1 == from => Err(strings::already_on_page(n)),
            Step::To(n) => Ok(n - 1),
        };
        let page = match target {
            Ok(p) => p,
            Err(why) => {
                self.say(why);
                return false;
            }
        };
        let viewport = self.viewport();
        let t = self.table_mut(source);
        t.land_bottom = step == Step::PrevToBottom;
        match t.show_local_page(page, viewport) {
            Shown::Now | Shown::Missing => false,
            Shown::Fetch(req) => {
                t.loading = true;
                let id = self.take_id();
                self.dispatch(Command::MatchPage { id, page: req }, out);
                true
            }
        }
    }

    /// A display page of matches came back: shown if it is still the one wanted.
    pub(crate) fn on_match_page(
        &mut self,
        generation: u64,
        source: ListSource,
        page: usize,
        sessions: Vec<Session>,
    ) {
        let viewport = self.viewport();
        let t = self.table_mut(source);
        let wanted =
            t.generation == generation && t.local.as_ref().is_some_and(|m| m.pending == Some(page));
        if !wanted {
            return;
        }
        if let Some(m) = &mut t.local {
            m.pending = None;
        }
        t.show_rows(page, sessions, viewport);
        self.succeeded(ErrorKey::List(source));
    }

    /// A display page of matches could not be fetched: the page shown stays, and the
    /// status line and the log say which page and why.
    pub(crate) fn on_match_page_ended(&mut self, page: &MatchPageRequest, err: Option<&Failure>) {
        let t = self.table_mut(page.source);
        let current = t.generation == page.generation
            && t.local
                .as_ref()
                .is_some_and(|m| m.pending == Some(page.page));
        if !current {
            return;
        }
        if let Some(m) = &mut t.local {
            m.pending = None;
        }
        t.loading = false;
        t.land_bottom = false;
        if let Some(err) = err {
            let what = strings::match_page_failed(page.page + 1);
            self.fail(ErrorKey::List(page.source), &what, err);
        }
    }
}
