//! Saved views on the command line: `:views` lists them in a picker, `:NAME` shows one,
//! as if its query had been typed in the Sessions tab.

use crate::tui::app::App;
use crate::tui::app::Tab;
use crate::tui::command::{Command, ListSource};
use crate::tui::screens::overlay::Overlay;
use crate::tui::screens::picker::{Choice, Picker, PickerKind};
use crate::tui::strings;

impl App {
    /// Whether `name` is a saved view's.
    pub(crate) fn is_view(&self, name: &str) -> bool {
        self.setup.views.iter().any(|v| v.name == name)
    }

    /// `:views`: the saved views in a picker; Enter shows the one under the cursor.
    pub(crate) fn open_views_picker(&mut self) {
        if self.setup.views.is_empty() {
            self.say(strings::NO_VIEWS);
            return;
        }
        let items = self
            .setup
            .views
            .iter()
            .map(|v| Choice {
                key: None,
                label: v.name.clone(),
                value: Some(v.query.clone()),
                current: self.sessions.set.text() == v.query,
            })
            .collect();
        self.open(Overlay::Pick(Picker::new(
            PickerKind::Views,
            strings::VIEWS_TITLE,
            items,
        )));
    }

    /// `:NAME`: the Sessions tab shows view NAME's query from page 1; a query that no longer
    /// compiles is shown with its error, like a typed one.
    pub(crate) fn show_view(&mut self, name: &str, out: &mut Vec<Command>) {
        let Some(view) = self.setup.views.iter().find(|v| v.name == name).cloned() else {
            return;
        };
        if !self.setup.has_service {
            self.say(strings::NEEDS_SERVICE);
            return;
        }
        self.switch(Tab::Sessions, out);
        let now = self.now;
        match self.compile_set(&view.query, now) {
            Err(e) => {
                self.sessions.query_error = Some(e);
                self.say(strings::view_broken(&view.name));
            }
            Ok(set) => {
                self.history.push(&view.query);
                self.show_set(ListSource::Sessions, set, out);
                self.say(strings::view_shown(&view.name, &view.query));
            }
        }
    }
}
