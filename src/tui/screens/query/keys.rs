//! The query editor's keys: edit, browse history, complete, apply on Enter, Esc to leave
//! the query in force as it was.

use crate::authn::model::{Filter, Timestamp};
use crate::tui::app::{App, LineEditor};
use crate::tui::command::{Command, Effect, ListSource};
use crate::tui::keymap::Action;
use crate::tui::screens::overlay::Overlay;
use crate::tui::strings;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

impl App {
    pub(crate) fn on_editor_key(&mut self, key: KeyEvent, out: &mut Vec<Command>) {
        let Some(source) = self.current_source() else {
            self.close_where(|o| matches!(o, Overlay::Query { .. }));
            return;
        };
        match key.code {
            KeyCode::Esc => self.stop_editing(source),
            _ if key.modifiers.contains(KeyModifiers::CONTROL)
                && self.keys.map.lookup(&key, self.context()) == Some(Action::Quit) =>
            {
                self.stop_editing(source);
                self.quit();
            }
            KeyCode::Up => self.browse_history(true),
            KeyCode::Down => self.browse_history(false),
            KeyCode::Tab => self.complete_query(),
            KeyCode::Enter => {
                let text = self.editor().map(LineEditor::text).unwrap_or_default();
                let now = self.now;
                let compiled = self.compile_set(&text, now);
                match compiled {
                    Err(e) => self.table_mut(source).query_error = Some(e),
                    Ok(set) => {
                        self.close_where(|o| matches!(o, Overlay::Query { .. }));
                        self.history.push(&text);
                        if !text.trim().is_empty() {
                            self.effects.push(Effect::RecordQuery {
                                profile: self.setup.profile.clone(),
                                query: text.clone(),
                            });
                        }
                        self.show_set(source, set, out);
                    }
                }
            }
            _ => {
                if let Some(e) = self.editor_mut()
                    && e.handle(&key)
                {
                    self.recompile();
                }
            }
        }
    }

    /// Puts `set` in force in `source`'s table and loads its first page: a new query
    /// opens at the top, and the marks made under the old one are cleared (and said).
    pub(crate) fn show_set(
        &mut self,
        source: ListSource,
        set: crate::results::ResultSet,
        out: &mut Vec<Command>,
    ) {
        let t = self.table_mut(source);
        t.query_error = None;
        let changed = t.replace_set(set);
        // Marks belong to the query they were made under.
        let cleared = if changed { t.clear_marks() } else { 0 };
        if changed {
            t.to_top = true;
            t.queued.clear();
        }
        if cleared > 0 {
            self.note(strings::marks_cleared_by_query(cleared), vec![]);
        }
        self.load(source, vec![None], out);
    }

    /// Closes the query editor; the query in force stays as it was.
    pub(crate) fn stop_editing(&mut self, source: ListSource) {
        self.close_where(|o| matches!(o, Overlay::Query { .. }));
        self.history.stop();
        self.table_mut(source).query_error = None;
    }

    /// Opens the query editor on the query in force of `source`.
    pub(crate) fn start_editing(&mut self, source: ListSource) {
        let editor = LineEditor::new(self.table(source).query_text());
        self.open(Overlay::Query {
            editor,
            preview: None,
        });
        self.recompile();
    }

    /// The query editor, while editing.
    pub(crate) fn editor_mut(&mut self) -> Option<&mut LineEditor> {
        self.overlays.iter_mut().rev().find_map(|o| match o {
            Overlay::Query { editor, .. } => Some(editor),
            _ => None,
        })
    }

    /// Compiles the query being typed, so the filter it would send (or why it would not)
    /// shows before Enter. Pure and cheap, so it runs on every edit.
    pub(crate) fn recompile(&mut self) {
        let (Some(text), Some(source)) =
            (self.editor().map(LineEditor::text), self.current_source())
        else {
            return;
        };
        let (filter, error) = match server_filter(&text, self.now) {
            Ok(filter) => (Some(filter), None),
            Err(err) => (None, Some(err)),
        };
        if let Some(Overlay::Query { preview, .. }) = self
            .overlays
            .iter_mut()
            .rev()
            .find(|o| matches!(o, Overlay::Query { .. }))
        {
            *preview = filter;
        }
        self.table_mut(source).query_error = error;
    }
}

/// The server filter of a query line, for either table: local terms are walked, and the
/// client list pages like the service list (spec 3.4, 5.3), so both take them alike.
pub(crate) fn server_filter(
    text: &str,
    now: Timestamp,
) -> Result<Filter, crate::query::QueryError> {
    crate::query::compile_query(text, now).map(|q| q.server)
}
