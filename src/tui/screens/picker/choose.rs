//! Opening each picker with its choices, and what taking a choice does for each kind:
//! order and reload, copy, show or hide a column, export.

use super::{Choice, ExportPick, Picked, Picker, PickerKind};
use crate::authn::model::{Order, OrderBy};
use crate::investigate::sort::LocalSort;
use crate::output::Format;
use crate::tui::app::App;
use crate::tui::columns::CATALOGUE;
use crate::tui::command::{Command, Effect, ListSource, WalkGoal};
use crate::tui::keymap::Action;
use crate::tui::screens::overlay::Overlay;
use crate::tui::strings;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// The order picker's key for each column.
const ORDER_KEYS: [(OrderBy, char, &str); 7] = [
    (OrderBy::CreatedAt, 'c', "created"),
    (OrderBy::Expire, 'e', "expires"),
    (OrderBy::Email, 'm', "email"),
    (OrderBy::Identity, 'u', "user (identity)"),
    (OrderBy::Id, 'i', "session id"),
    (OrderBy::Type, 't', "type"),
    (OrderBy::ActiveTokenId, 'k', "token id"),
];

/// The order picker's key for each column sorted locally, after a walk.
const LOCAL_KEYS: [(LocalSort, char, &str); 4] = [
    (LocalSort::Risk, 'r', "risk (walks the result)"),
    (LocalSort::Location, 'l', "location (walks the result)"),
    (LocalSort::Device, 'd', "device (walks the result)"),
    (LocalSort::Scopes, 's', "scopes (walks the result)"),
];

fn keyed(key: char, label: impl Into<String>, value: Option<String>, current: bool) -> Choice {
    Choice {
        key: Some(key),
        label: label.into(),
        value,
        current,
    }
}

impl App {
    /// `s`: the order picker for the table shown.
    pub(crate) fn open_order_picker(&mut self, source: ListSource) {
        let (by, order) = self.table(source).ordering();
        let items = ORDER_KEYS
            .iter()
            .map(|(col, key, label)| {
                let label = if *col == by {
                    format!("{label} {}", if order == Order::Desc { "▼" } else { "▲" })
                } else {
                    (*label).to_string()
                };
                keyed(*key, label, Some(col.as_str().to_string()), *col == by)
            })
            .collect::<Vec<_>>();
        // The columns the server cannot order by: sorted here after a walk.
        let local = self.table(source).local_sort();
        let items = items
            .into_iter()
            .map(|mut i| {
                // Under a local sort, no server column is the order in force.
                if local.is_some() && i.current {
                    i.current = false;
                    if let Some(at) = i.label.rfind(' ') {
                        i.label.truncate(at);
                    }
                }
                i
            })
            .chain(LOCAL_KEYS.iter().map(|(by, key, label)| {
                let on = local == Some(*by);
                let label = if on {
                    format!("{label} {}", if order == Order::Desc { "▼" } else { "▲" })
                } else {
                    (*label).to_string()
                };
                keyed(*key, label, Some(by.as_str().to_string()), on)
            }))
            .collect();
        self.open(Overlay::Pick(Picker::new(
            PickerKind::Order(source),
            strings::ORDER_MENU_TITLE,
            items,
        )));
    }

    /// `y`: the copy menu for the session in the detail view, else the selected row.
    pub(crate) fn open_copy_picker(&mut self) {
        let (session, request_id) = match (&self.detail, self.current_source()) {
            (Some(d), _) => (d.session.clone(), self.table(d.source).request_id.clone()),
            (None, Some(s)) => match self.table(s).selected() {
                Some(row) => (row.clone(), self.table(s).request_id.clone()),
                None => return,
            },
            (None, None) => return,
        };
        let some = |v: &str| Some(v.to_string()).filter(|v| !v.is_empty());
        let items = vec![
            ('i', "session id", some(&session.id)),
            ('e', "email", some(&session.email)),
            ('u', "identity", some(&session.identity)),
            (
                't',
                "token id",
                session.active_token.as_ref().and_then(|t| some(&t.id)),
            ),
            ('r', "request id", request_id),
            (
                'a',
                "User-Agent",
                session.profile.get("User-Agent").and_then(|v| some(v)),
            ),
        ];
        let items = items
            .into_iter()
            .map(|(key, label, value)| keyed(key, label, value, false))
            .collect();
        self.open(Overlay::Pick(Picker::new(
            PickerKind::Copy,
            strings::COPY_MENU_TITLE,
            items,
        )));
    }

    /// The column picker, on the first column (the `columns` action and `:columns`).
    pub(crate) fn open_column_picker(&mut self) {
        let items = CATALOGUE
            .iter()
            .map(|c| Choice {
                key: None,
                label: c.name.to_string(),
                value: Some(c.name.to_string()),
                current: self.columns.contains(&c.col),
            })
            .collect();
        self.open(Overlay::Pick(Picker::new(
            PickerKind::Columns,
            strings::PICKER_TITLE,
            items,
        )));
    }

    /// `e`: the export picker (CSV or NDJSON; the whole result or the marked rows).
    pub(crate) fn open_export_picker(&mut self) {
        if !self.setup.has_service {
            self.say(strings::NEEDS_SERVICE);
            return;
        }
        let marks = self.sessions.marks.len();
        let mut items = vec![
            keyed('c', "CSV", None, true),
            keyed('n', "NDJSON", None, false),
        ];
        if marks > 0 {
            items.push(keyed('m', "marked/all", None, true));
        }
        self.open(Overlay::Pick(Picker::new(
            PickerKind::Export(ExportPick {
                format: Format::Csv,
                marked_only: marks > 0,
                marks,
            }),
            strings::EXPORT_TITLE,
            items,
        )));
    }

    /// A key while a picker is on top: the picker moves or says what was taken, and the
    /// picker's kind acts on it.
    pub(crate) fn on_picker_key(
        &mut self,
        key: KeyEvent,
        action: Option<Action>,
        out: &mut Vec<Command>,
    ) {
        let Some(Overlay::Pick(top)) = self.overlays.last_mut() else {
            return;
        };
        if action == Some(Action::Quit) && key.modifiers.contains(KeyModifiers::CONTROL) {
            self.close_pickers();
            self.quit();
            return;
        }
        if top.kind == PickerKind::Columns && matches!(action, Some(Action::Columns | Action::Back))
        {
            self.close_pickers();
            return;
        }
        let took = top.on_key(&key);
        let kind = top.kind.clone();
        match (took, kind) {
            (Picked::Stay, _) | (Picked::Other, PickerKind::Columns | PickerKind::Views) => {}
            (Picked::Close, _)
            | (Picked::Submit | Picked::Other, PickerKind::Order(_) | PickerKind::Copy)
            | (Picked::Submit, PickerKind::Columns) => self.close_pickers(),
            (Picked::Choose { at, shifted }, PickerKind::Order(source)) => {
                let value = top.items.get(at).and_then(|i| i.value.clone());
                self.close_pickers();
                let order = if shifted { Order::Desc } else { Order::Asc };
                let value = value.as_deref().unwrap_or_default();
                if let Some(local) = LocalSort::parse(value) {
                    self.sort_locally(source, local, order, out);
                } else if let Ok(by) = value.parse() {
                    self.set_order(source, by, order, out);
                }
            }
            (Picked::Choose { at, .. }, PickerKind::Copy) => {
                let item = top.items.get(at).cloned();
                self.close_pickers();
                match item {
                    Some(Choice {
                        label,
                        value: Some(v),
                        ..
                    }) => {
                        let text = strings::copied_field(&label, &v, self.setup.in_tmux);
                        self.say(text);
                        self.effects.push(Effect::Clipboard(v));
                    }
                    Some(item) => self.say(strings::nothing_to_copy(&item.label)),
                    None => {}
                }
            }
            (Picked::Choose { at, .. }, PickerKind::Columns) => self.toggle_column(at),
            (Picked::Choose { .. } | Picked::Submit, PickerKind::Views) => {
                let at = match took {
                    Picked::Choose { at, .. } => at,
                    _ => top.cursor,
                };
                let name = top.items.get(at).map(|i| i.label.clone());
                self.close_pickers();
                if let Some(name) = name {
                    self.show_view(&name, out);
                }
            }
            (took, PickerKind::Export(mut pick)) => {
                // The choices are CSV, NDJSON, then (with marks) marked/all.
                match (took, key.code) {
                    (Picked::Submit, _) => {
                        self.close_pickers();
                        self.start_export(pick, out);
                        return;
                    }
                    (Picked::Choose { at: 0, .. }, _) => pick.format = Format::Csv,
                    (Picked::Choose { at: 1, .. }, _) => pick.format = Format::Ndjson,
                    (Picked::Choose { .. }, _) => pick.marked_only = !pick.marked_only,
                    (Picked::Other, KeyCode::Tab | KeyCode::Left | KeyCode::Right) => {
                        pick.format = match pick.format {
                            Format::Csv => Format::Ndjson,
                            _ => Format::Csv,
                        };
                    }
                    _ => {}
                }
                if let Some(Overlay::Pick(p)) = self.overlays.last_mut() {
                    for (i, item) in p.items.iter_mut().enumerate() {
                        item.current = match i {
                            0 => pick.format == Format::Csv,
                            1 => pick.format == Format::Ndjson,
                            _ => pick.marked_only,
                        };
                    }
                    p.kind = PickerKind::Export(pick);
                }
            }
        }
    }

    /// Closes the picker on top.
    fn close_pickers(&mut self) {
        self.close_where(|o| matches!(o, Overlay::Pick(_)));
    }

    /// Shows or hides the catalogue's column `at`; at least one column stays.
    fn toggle_column(&mut self, at: usize) {
        let Some(info) = CATALOGUE.get(at) else {
            return;
        };
        let shown = if self.columns.contains(&info.col) {
            if self.columns.len() == 1 {
                return;
            }
            self.columns.retain(|c| *c != info.col);
            false
        } else {
            self.columns.push(info.col);
            // Display order is the catalogue's.
            self.columns
                .sort_by_key(|c| CATALOGUE.iter().position(|i| i.col == *c));
            true
        };
        if let Some(Overlay::Pick(p)) = self.overlays.last_mut()
            && let Some(item) = p.items.get_mut(at)
        {
            item.current = shown;
        }
        self.say(strings::column_toggled(info.name, shown));
        self.effects.push(Effect::SaveColumns {
            profile: self.setup.profile.clone(),
            columns: self.columns.iter().map(|c| c.info().name.into()).collect(),
        });
    }

    /// Orders a table and reloads it from its first page, selection at the top.
    pub(crate) fn set_order(
        &mut self,
        source: ListSource,
        by: OrderBy,
        order: Order,
        out: &mut Vec<Command>,
    ) {
        // The server's order replaces a local sort, and stops one still being walked.
        if self.table(source).local_sort().is_some()
            && !self.table(source).set().has_local()
            && self
                .walk()
                .is_some_and(|w| w.source == source && w.goal == WalkGoal::Matches)
        {
            self.cancel_walk(out);
        }
        let t = self.table_mut(source);
        t.order_by = by;
        t.order = order;
        t.local_sort = None;
        t.sort_before = None;
        t.queued.clear();
        t.to_top = true;
        self.say(strings::order_label(by.as_str(), order == Order::Desc));
        self.load(source, vec![None], out);
    }
}
