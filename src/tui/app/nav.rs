//! The navigation stack: a drill-down (Enter on a user in Users, on a bar in Insights)
//! keeps the view it leaves as a [`Crumb`], and `Esc` puts it back: the tab, the Sessions
//! table's result set, order, page, selection and marks, and the Users and Insights
//! figures built from that result. The table's result set stays the one home of the
//! query in force: a crumb holds the table it replaced, and going back puts that table
//! in force again.
//!
//! The detail view is the top of the trail while it is open (`App::detail`, closed by
//! `Esc` as before): the breadcrumb ends with its session, and the table under it never
//! moved.

use super::{App, Command, InsightsView, ListSource, Tab, Table, UsersView, strings};

/// At most this many views are kept to go back to; a deeper drill-down forgets the oldest.
pub const MAX_CRUMBS: usize = 16;

/// A view left by a drill-down, with all it takes to show it again.
#[derive(Debug, Clone)]
pub struct Crumb {
    /// The tab the drill-down was made on.
    pub(crate) tab: Tab,
    /// What was chosen there: a user id, a bar's term.
    pub(crate) chosen: String,
    /// The Sessions table as it was: result set, order, page, selection and marks.
    pub(crate) table: Box<Table>,
    /// The Users tab as it was (rows, order, selection).
    pub(crate) users: Box<UsersView>,
    /// The Insights tab as it was (figures, bucket, selection).
    pub(crate) insights: Box<InsightsView>,
    /// The Users and Insights figures were of that table's result.
    pub(crate) figures_fresh: bool,
}

/// One piece of the breadcrumb: a place (a tab) or what was chosen there (an id, a term).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trail {
    /// A tab's name.
    Place(&'static str),
    /// Server text chosen on the tab before it (drawn sanitised).
    Chosen(String),
}

impl Tab {
    /// The tab's name as the tab bar and the breadcrumb write it.
    pub fn title(self) -> &'static str {
        match self {
            Tab::Sessions => "Sessions",
            Tab::MySessions => "My sessions",
            Tab::Token => "Token",
            Tab::Users => "Users",
            Tab::Insights => "Insights",
            Tab::Pulses => "Pulses",
        }
    }
}

impl App {
    /// The views `Esc` goes back to, oldest first.
    pub fn crumbs(&self) -> &[Crumb] {
        &self.nav
    }

    /// `Esc` on this tab goes back to the view a drill-down left.
    pub fn can_go_back(&self) -> bool {
        self.detail.is_none() && self.on_the_trail()
    }

    /// A drill-down was made and the tab shown is one of the query's (Sessions, Users,
    /// Insights): the tabs where `Esc` walks the trail back.
    fn on_the_trail(&self) -> bool {
        !self.nav.is_empty() && matches!(self.tab, Tab::Sessions | Tab::Users | Tab::Insights)
    }

    /// Where the user is, for the header: `Users › pui_… › sessions`, and the session
    /// shown when the detail view is open. Empty without a drill-down (a tab and a detail
    /// view's title already say where they are) and on the tabs `Esc` does not go back from.
    pub fn breadcrumb(&self) -> Vec<Trail> {
        let mut out = Vec::new();
        if !self.on_the_trail() {
            return out;
        }
        for c in &self.nav {
            out.push(Trail::Place(place(c.tab, out.is_empty())));
            out.push(Trail::Chosen(c.chosen.clone()));
        }
        if let Some(d) = &self.detail {
            let from = match d.source {
                ListSource::Sessions => Tab::Sessions,
                ListSource::MySessions => Tab::MySessions,
            };
            out.push(Trail::Place(place(from, false)));
            out.push(Trail::Chosen(d.session.id.clone()));
        } else {
            out.push(Trail::Place(place(self.tab, false)));
        }
        out
    }

    /// A drill-down: keeps the view shown as a crumb, then puts `text` in force in the
    /// Sessions tab from page 1. Marks belong to the query they were made under, so they
    /// go aside with the crumb and come back with it.
    pub(crate) fn drill_down(&mut self, chosen: String, text: String, out: &mut Vec<Command>) {
        if self.compile_set(&text, self.now).is_err() {
            // The query line says why; nothing was left, so nothing is kept.
            self.apply_sessions_query(text, out);
            return;
        }
        let crumb = Crumb {
            tab: self.tab,
            chosen,
            table: Box::new(self.sessions.clone()),
            users: Box::new(self.users.clone()),
            insights: Box::new(self.insights.clone()),
            figures_fresh: self.walks.aggregate_of == Some(self.sessions.set_version),
        };
        let aside = self.sessions.clear_marks();
        // A passing line about the view left (a walk's totals) is not true of the next;
        // what an action did stays.
        if !self.status.flash_is_outcome {
            self.status.flash = None;
        }
        if self.nav.len() >= MAX_CRUMBS {
            self.nav.remove(0);
        }
        self.nav.push(crumb);
        self.apply_sessions_query(text, out);
        if aside > 0 {
            self.note(strings::marks_set_aside(aside), vec![]);
        }
    }

    /// `Esc` after a drill-down: the view it left, as it was. A table of server pages
    /// asks for the same page again (the selection stays on the same session when it is
    /// still there); a walk's matches are shown from memory. True if there was a view to
    /// go back to.
    pub(crate) fn go_back(&mut self, out: &mut Vec<Command>) -> bool {
        if !self.can_go_back() {
            return false;
        }
        let Some(crumb) = self.nav.pop() else {
            return false;
        };
        let mut table = *crumb.table;
        let live = &self.sessions;
        // Answers still coming for the view left are of an older generation: dropped.
        table.generation = live.generation + 1;
        // What was built from the view left (or any older one) is not of this result.
        table.set_version = live.set_version + 1;
        table.loading = false;
        table.pending_cursors = None;
        table.queued.clear();
        table.land_bottom = false;
        table.to_top = false;
        table.query_error = None;
        if let Some(m) = &mut table.local {
            // A page of matches asked for before the drill-down is not waited for.
            m.pending = None;
        }
        let dropped = live.marks.len();
        let reuse = table.is_local();
        let cursors = table.cursors.clone();
        self.sessions = table;
        self.users = *crumb.users;
        self.insights = *crumb.insights;
        self.walks.aggregate_of = crumb.figures_fresh.then_some(self.sessions.set_version);
        self.tab = crumb.tab;
        if dropped > 0 {
            self.note(strings::marks_cleared_by_query(dropped), vec![]);
        } else {
            self.say(strings::went_back(
                crumb.tab.title(),
                self.sessions.query_text(),
            ));
        }
        if !reuse {
            self.load(ListSource::Sessions, cursors, out);
        }
        if matches!(self.tab, Tab::Users | Tab::Insights) {
            self.ensure_aggregate(out);
        }
        true
    }

    /// Sessions that ended are gone from the views kept to go back to as well.
    pub(crate) fn forget_in_crumbs(&mut self, ids: &[String]) {
        let v = self.viewport();
        for c in &mut self.nav {
            c.table.remove(ids.iter().map(String::as_str), v);
        }
    }

    /// A user logged out everywhere: their sessions and marks are gone from the views
    /// kept to go back to as well.
    pub(crate) fn forget_user_in_crumbs(&mut self, user_id: &str) {
        let v = self.viewport();
        for c in &mut self.nav {
            c.table.remove_user(user_id, v);
            c.table.unmark_user(user_id);
        }
    }
}

/// A tab's name in the trail: capitalised where the trail starts, then in lower case
/// (`Users › pui_… › sessions`).
fn place(tab: Tab, first: bool) -> &'static str {
    if first {
        return tab.title();
    }
    match tab {
        Tab::Sessions => "sessions",
        Tab::MySessions => "my sessions",
        Tab::Token => "token",
        Tab::Users => "users",
        Tab::Insights => "insights",
        Tab::Pulses => "pulses",
    }
}
