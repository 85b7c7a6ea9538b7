//! Walks of a whole result and what is built from them: the local matches the Sessions
//! table pages through, the Users tab's rows and the Insights tab's bars; applying a
//! query to the Sessions tab from another tab; starting an export.

use super::{
    App, Command, CommandId, ErrorKey, ExportPick, InsightsView, ListSource, Tab, UsersView,
    WalkState, strings,
};
use crate::investigate::Progress;
use crate::query::Query;
use crate::tui::command::{ExportSpec, MATCHES_KEPT, SORTED_KEPT, WalkGoal, WalkRequest, Walked};

impl App {
    /// The walk in flight, if any.
    pub fn walk(&self) -> Option<&WalkState> {
        self.walks.walk.as_ref()
    }

    /// The Users tab's state.
    pub fn users(&self) -> &UsersView {
        &self.users
    }

    /// The Insights tab's state.
    pub fn insights(&self) -> &InsightsView {
        &self.insights
    }

    /// The Sessions table's query as last applied, with its server and local parts.
    pub fn query(&self) -> &Query {
        &self.sessions.set.query
    }

    /// Starts a walk of the Sessions query re-evaluated at `now` (a walk already in
    /// flight is cancelled first: the newest wins).
    pub(crate) fn start_walk(&mut self, goal: WalkGoal, out: &mut Vec<Command>) {
        self.start_walk_with(goal, ListSource::Sessions, None, out);
    }

    /// Walks a table's query for its local matches (the Sessions or My sessions table).
    pub(crate) fn walk_matches(&mut self, source: ListSource, out: &mut Vec<Command>) {
        self.start_walk_with(WalkGoal::Matches, source, None, out);
    }

    fn start_walk_with(
        &mut self,
        goal: WalkGoal,
        source: ListSource,
        export: Option<ExportSpec>,
        out: &mut Vec<Command>,
    ) {
        self.cancel_walk(out);
        // The table's set, as compiled and resolved when it was applied or last loaded.
        let query = self.table(source).set.query.clone();
        let generation = match goal {
            WalkGoal::Matches => {
                let t = self.table_mut(source);
                t.generation += 1;
                t.loading = true;
                t.generation
            }
            WalkGoal::Aggregate | WalkGoal::Export => {
                self.walks.aggregate_generation += 1;
                self.walks.aggregate_generation
            }
        };
        let id = self.take_id();
        let t = self.table(source);
        let sort = t.local_sort.filter(|_| goal == WalkGoal::Matches);
        let walk = WalkRequest {
            generation,
            source,
            query,
            order_by: t.order_by,
            order: t.order,
            // Pages of the server's largest size: a walk reads every match, and the
            // display page only decides where the kept matches' anchors fall.
            size: crate::results::WALK_PAGE_SIZE,
            display: t.page_size,
            goal,
            now: self.now,
            export,
            keep: if sort.is_some() {
                SORTED_KEPT
            } else {
                MATCHES_KEPT
            },
            sort,
        };
        self.walks.walk = Some(WalkState {
            id,
            goal,
            source,
            progress: Progress::default(),
        });
        self.dispatch(
            Command::Walk {
                id,
                walk: Box::new(walk),
            },
            out,
        );
    }

    /// Asks the worker to stop the walk in flight; true if there was one.
    pub(crate) fn cancel_walk(&mut self, out: &mut Vec<Command>) -> bool {
        let Some(w) = &self.walks.walk else {
            return false;
        };
        // The walk answers Cancelled itself; the cancel has no answer of its own.
        out.push(Command::CancelWalk { walk: w.id });
        true
    }

    pub(crate) fn on_walk_progress(&mut self, id: CommandId, progress: Progress) {
        if let Some(w) = self.walks.walk.as_mut().filter(|w| w.id == id) {
            w.progress = progress;
        }
    }

    pub(crate) fn on_walk_ended(&mut self, cmd: &Command) {
        if self
            .walks
            .walk
            .as_ref()
            .and_then(|w| cmd.id().filter(|id| *id == w.id))
            .is_some()
        {
            self.walks.walk = None;
        }
        if let Command::Walk { walk, .. } = cmd
            && walk.goal == WalkGoal::Matches
            && self.table(walk.source).generation == walk.generation
        {
            let t = self.table_mut(walk.source);
            t.list_failed();
            // A sort that did not finish leaves the order as it was.
            if let Some((sort, order)) = t.sort_before.take() {
                t.local_sort = sort;
                t.order = order;
            }
        }
    }

    pub(crate) fn on_walk_cancelled(&mut self, cmd: &Command) {
        let progress = self
            .walks
            .walk
            .as_ref()
            .map(|w| w.progress)
            .unwrap_or_default();
        self.on_walk_ended(cmd);
        self.say(strings::walk_cancelled(progress.scanned, progress.matches));
    }

    pub(crate) fn on_walked(&mut self, cmd: &Command, walked: Walked) {
        if let Command::Walk { walk, .. } = cmd
            && walked.goal == WalkGoal::Matches
            && walked.generation == self.table(walk.source).generation
        {
            // The sort finished: it is the order now.
            self.table_mut(walk.source).sort_before = None;
        }
        self.on_walk_ended(cmd);
        match walked.goal {
            WalkGoal::Export => {
                if let Some((path, rows)) = &walked.written {
                    let text = strings::exported(rows, &path.display().to_string());
                    self.note(text, vec![]);
                }
                return;
            }
            WalkGoal::Matches => {
                let Command::Walk { walk, .. } = cmd else {
                    return;
                };
                let source = walk.source;
                if walked.generation != self.table(source).generation {
                    return;
                }
                let v = self.viewport();
                let now = self.now;
                let p = walked.progress;
                let kept = walked.matches.len();
                self.table_mut(source).apply_matches(walk, walked, now, v);
                self.succeeded(ErrorKey::List(source));
                match walk.sort {
                    Some(by) if (kept as u64) < p.matches => self.say(strings::sorted_kept(
                        by.as_str(),
                        &crate::number::thousands_usize(kept),
                        &crate::number::thousands(p.matches),
                    )),
                    _ => self.say(strings::walk_done(p.pages, p.scanned, p.matches)),
                }
                return;
            }
            WalkGoal::Aggregate => {
                if walked.generation != self.walks.aggregate_generation {
                    return;
                }
                self.walks.aggregate_of = Some(self.sessions.set_version);
                self.users.rows = walked.users;
                self.users.sort();
                self.users.selected = 0;
                self.users.offset = 0;
                self.insights.figures = walked.figures;
                self.insights.selected = 0;
            }
        }
        let p = walked.progress;
        self.say(strings::walk_done(p.pages, p.scanned, p.matches));
    }

    /// Walks for the Users and Insights tabs unless their figures are of the query in force.
    pub(crate) fn ensure_aggregate(&mut self, out: &mut Vec<Command>) {
        let fresh = self.walks.aggregate_of == Some(self.sessions.set_version);
        let walking = self
            .walks
            .walk
            .as_ref()
            .is_some_and(|w| w.goal == WalkGoal::Aggregate);
        if !fresh && !walking && self.setup.has_service {
            self.start_walk(WalkGoal::Aggregate, out);
        }
    }

    /// Replaces the Sessions query and applies it (a walk when it has local terms).
    pub(crate) fn apply_sessions_query(&mut self, text: String, out: &mut Vec<Command>) {
        let set = match self.compile_set(&text, self.now) {
            Ok(set) => set,
            Err(e) => {
                self.sessions.query_error = Some(e);
                return;
            }
        };
        if self.sessions.replace_set(set) {
            let cleared = self.sessions.clear_marks();
            if cleared > 0 {
                self.note(strings::marks_cleared_by_query(cleared), vec![]);
            }
        }
        self.sessions.query_error = None;
        self.walks.aggregate_of = None;
        self.tab = Tab::Sessions;
        self.load(ListSource::Sessions, vec![None], out);
    }
}

impl App {
    /// Starts the export walk the export picker chose.
    pub(crate) fn start_export(&mut self, pick: ExportPick, out: &mut Vec<Command>) {
        let only = pick
            .marked_only
            .then(|| self.sessions.marks.iter().cloned().collect::<Vec<_>>());
        let spec = ExportSpec {
            format: pick.format,
            dir: self.setup.export_dir.clone(),
            only,
        };
        self.start_walk_with(WalkGoal::Export, ListSource::Sessions, Some(spec), out);
    }
}
