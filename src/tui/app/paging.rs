//! Page steps that are never lost: `]`/`[` pressed while a page loads wait their turn,
//! `j` past the last row and `k` above the first one turn the page, and `#` jumps to a
//! page by its number, walking forward through pages not seen yet.

use super::{App, Command, ListSource, strings};
use crate::tui::screens::table::state::Step;

impl App {
    /// A page step: taken now, or queued behind the page that is loading.
    pub(crate) fn page_step(&mut self, source: ListSource, step: Step, out: &mut Vec<Command>) {
        let t = self.table_mut(source);
        if t.pending_cursors.is_some() {
            t.queued.push_back(step);
            let n = t.queued.len();
            self.say(strings::page_steps_queued(n));
            return;
        }
        self.take_step(source, step, false, out);
    }

    /// Carries out one step; true if it started a load (the next step waits for it).
    /// `resumed` marks the rest of a jump already under way, which ends silently where it
    /// was going.
    fn take_step(
        &mut self,
        source: ListSource,
        step: Step,
        resumed: bool,
        out: &mut Vec<Command>,
    ) -> bool {
        if self.table(source).is_local() {
            return self.local_step(source, step, out);
        }
        let t = self.table(source);
        let shown = t.page_number();
        // With the count known, a jump past the end goes straight for the last page.
        let last = t
            .count()
            .map(|c| c.div_ceil(u64::from(t.page_size().max(1))).max(1))
            .map(|n| usize::try_from(n).unwrap_or(usize::MAX));
        let (step, beyond) = match (step, last) {
            (Step::To(n), Some(last)) if n > last => (Step::To(last), Some(n)),
            _ => (step, None),
        };
        if let (Some(asked), Step::To(last)) = (beyond, step) {
            if last == shown {
                self.table_mut(source).queued.clear();
                self.say(strings::only_pages(last));
                return false;
            }
            self.say(strings::stopping_at_last_page(asked, last));
        }
        let t = self.table(source);
        let stack = match step {
            Step::To(n) if n == shown && resumed => {
                self.unsay(&strings::walking_to_page(n));
                return false;
            }
            Step::Next => t.next_cursors().ok_or(strings::NO_NEXT_PAGE.to_string()),
            Step::Prev | Step::PrevToBottom => {
                t.prev_cursors().ok_or(strings::NO_PREV_PAGE.to_string())
            }
            Step::To(0) => Err(strings::not_a_page("0")),
            Step::To(n) if n == shown => Err(strings::already_on_page(n)),
            Step::To(n) if n < shown => Ok(t.cursors[..n].to_vec()),
            Step::To(n) => match t.next_cursors() {
                // Cursors only lead forward one page at a time: walk, and keep the rest
                // of the jump at the head of the queue.
                Some(c) => {
                    let t = self.table_mut(source);
                    t.queued.push_front(Step::To(n));
                    if n > shown + 1 && beyond.is_none() && !resumed {
                        self.say(strings::walking_to_page(n));
                    }
                    Ok(c)
                }
                None => Err(strings::only_pages(shown)),
            },
        };
        match stack {
            Ok(c) => {
                let keep = std::mem::take(&mut self.table_mut(source).queued);
                self.load(source, c, out);
                let t = self.table_mut(source);
                t.queued = keep;
                t.land_bottom = step == Step::PrevToBottom;
                true
            }
            Err(why) => {
                // The rest was counted from a page that this step did not reach.
                self.table_mut(source).queued.clear();
                self.say(why);
                false
            }
        }
    }

    /// A page arrived: the next queued step, if any, goes now.
    pub(crate) fn after_page(&mut self, source: ListSource, out: &mut Vec<Command>) {
        // The page the queued steps waited for is here: "N queued" no longer holds.
        let waiting = self.table(source).queued.len();
        if waiting > 0 {
            self.unsay(&strings::page_steps_queued(waiting));
        }
        while let Some(step) = self.table_mut(source).queued.pop_front() {
            if self.take_step(source, step, true, out) {
                break;
            }
        }
    }

    /// `j` on the last row turns to the next page, `k` on the first to the previous one;
    /// anywhere else they move the selection. True if the key turned (or waits for) a page.
    pub(crate) fn move_across_pages(
        &mut self,
        source: ListSource,
        down: bool,
        out: &mut Vec<Command>,
    ) -> bool {
        let t = self.table(source);
        let at_edge = if down {
            t.selected + 1 >= t.rows.len() && t.has_more()
        } else {
            t.selected == 0 && t.page_number() > 1
        };
        if !at_edge {
            return false;
        }
        // A page is already on its way: this key asks for the same thing again.
        let fetching = t.local_matches().is_some_and(|m| m.pending.is_some());
        if t.pending_cursors.is_some() || fetching {
            return true;
        }
        let step = if down { Step::Next } else { Step::PrevToBottom };
        self.take_step(source, step, false, out);
        true
    }

    /// `Esc` during a jump: the pages still to walk are dropped; true if there were any.
    pub(crate) fn cancel_jump(&mut self) -> bool {
        let Some(source) = self.current_source() else {
            return false;
        };
        let t = self.table_mut(source);
        if t.queued.is_empty() {
            return false;
        }
        t.queued.clear();
        let page = t.page_number();
        self.say(strings::jump_cancelled(page));
        true
    }

    /// `#N` / `:page N`: jump to page N.
    pub(crate) fn jump_to_page(&mut self, arg: &str, out: &mut Vec<Command>) {
        let Some(source) = self.current_source() else {
            return;
        };
        match arg.trim().replace([',', '_'], "").parse::<usize>() {
            Ok(n) if n > 0 => self.page_step(source, Step::To(n), out),
            _ if arg.trim().is_empty() => self.say(strings::PAGE_USAGE),
            _ => self.say(strings::not_a_page(arg.trim())),
        }
    }
}
