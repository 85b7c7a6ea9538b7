//! Building the state at start (the first page and the token check), and what a run
//! leaves for the next: the Sessions query, its order and the tab.

use super::{App, AppInit, History, Recall, Tab, Table, TokenState};
use super::{Flights, InsightsView, Keys, Setup, StatusLine, UsersView, Walks};
use crate::authn::model::Timestamp;
use crate::tui::command::{Command, ListSource};

impl App {
    /// Builds the state and the commands to run at start (first page, token check).
    pub fn new(init: AppInit, now: Timestamp) -> (App, Vec<Command>) {
        let withheld = init.keymap.clone();
        let mut keymap = if init.read_only {
            init.keymap.without_danger()
        } else {
            init.keymap
        };
        Self::hide_unavailable(&mut keymap, init.read_only, init.has_user_token);
        let tab = if init.has_service || !init.has_user_token {
            Tab::Sessions
        } else {
            Tab::MySessions
        };
        let mut app = App {
            setup: Setup {
                profile: init.profile,
                host: init.host,
                demo: init.demo,
                read_only: init.read_only,
                has_user_token: init.has_user_token,
                has_refresh_token: init.has_refresh_token,
                has_service: init.has_service,
                auto_reload: init.auto_reload,
                rewalk_after: init.rewalk_after,
                policy: init.refresh_policy,
                in_tmux: init.in_tmux,
                profiles: init.profiles,
                views: init.views,
                export_dir: init.export_dir,
            },
            keys: Keys {
                map: keymap,
                withheld,
            },
            theme: init.theme,
            columns: init.columns.unwrap_or_else(crate::tui::columns::defaults),
            tab,
            sessions: Table::new(ListSource::Sessions, init.page_size),
            mine: Table::new(ListSource::MySessions, init.page_size),
            token: TokenState {
                mask: init.token_mask,
                auto: init.refresh_policy.auto,
                ..TokenState::default()
            },
            users: UsersView::default(),
            insights: InsightsView::default(),
            pulses: crate::tui::screens::pulses::state::PulsesView::default(),
            detail: None,
            overlays: Vec::new(),
            nav: Vec::new(),
            flights: Flights::default(),
            walks: Walks::default(),
            status: StatusLine::default(),
            history: History::new(init.history),
            now,
            size: (80, 24),
            effects: Vec::new(),
        };
        for source in [ListSource::Sessions, ListSource::MySessions] {
            let blank = crate::results::ResultSet::blank(
                now,
                app.setup.profile.clone(),
                app.setup.host.clone(),
            );
            app.table_mut(source).set = blank;
        }
        if let Some(recall) = &init.recall {
            app.restore(recall, now);
        }
        let mut out = Vec::new();
        if app.setup.has_service {
            app.load(ListSource::Sessions, vec![None], &mut out);
        }
        if app.setup.has_user_token {
            if !app.setup.has_service || app.tab == Tab::MySessions {
                app.load(ListSource::MySessions, vec![None], &mut out);
            }
            let id = app.take_id();
            app.dispatch(Command::TokenCheck { id }, &mut out);
        }
        (app, out)
    }

    /// What to remember of this run for the next: the Sessions query, its order, the tab.
    pub fn recall(&self) -> Recall {
        let t = &self.sessions;
        Recall {
            query: t.query_text().to_string(),
            order_by: t.order_by.as_str().to_string(),
            order: match t.order {
                crate::authn::model::Order::Asc => "asc".into(),
                crate::authn::model::Order::Desc => "desc".into(),
            },
            tab: match self.tab {
                // Users and Insights are built by a walk started on switching to them, so a
                // run starts on the table they were drawn from.
                Tab::Sessions | Tab::Users | Tab::Insights => "sessions",
                Tab::MySessions => "mine",
                Tab::Token => "token",
                // Polled from the newest login on, so it comes back as it was left.
                Tab::Pulses => "pulses",
            }
            .into(),
        }
    }

    /// Takes back what the last run remembered; anything that no longer parses is left
    /// at its default rather than refused.
    fn restore(&mut self, recall: &Recall, now: Timestamp) {
        // A remembered query with local terms comes back too.
        if let Ok(set) = self.compile_set(&recall.query, now) {
            self.sessions.replace_set(set);
        }
        let t = &mut self.sessions;
        if let Ok(by) = recall.order_by.parse() {
            t.order_by = by;
        }
        match recall.order.as_str() {
            "asc" => t.order = crate::authn::model::Order::Asc,
            "desc" => t.order = crate::authn::model::Order::Desc,
            _ => {}
        }
        let tab = match recall.tab.as_str() {
            "mine" => Tab::MySessions,
            "token" => Tab::Token,
            "pulses" => Tab::Pulses,
            _ => Tab::Sessions,
        };
        if self.tabs().contains(&tab) && (tab != Tab::Sessions || self.setup.has_service) {
            self.tab = tab;
        }
    }
}
