//! The columns of a table as drawn: which fit, which are hidden (and the marker that says
//! so), scrolling sideways and the wide view. The keys and the drawing both read
//! [`fitted`], so `→` moves to exactly what the marker promises.

use super::state::Table;
use crate::authn::model::Order;
use crate::investigate::sort::LocalSort;
use crate::sanitize;
use crate::tui::app::App;
use crate::tui::columns::{self, ColView, Fitted};
use crate::tui::command::{Command, ListSource};
use crate::tui::keymap::Action;
use crate::tui::strings;

/// The columns of `t` laid out in `width` cells, and the hidden-columns marker when
/// some are hidden (its cells are kept free at the header's right edge).
pub(crate) fn fitted(app: &App, t: &Table, width: u16) -> (Fitted, Option<String>) {
    let lay = |w: u16| columns::layout(w, app.columns(), t.widest(), t.cols);
    let first = lay(width);
    if first.hidden() == 0 {
        return (first, None);
    }
    let text = marker(app, &first);
    let room = u16::try_from(sanitize::width(&text) + 1).unwrap_or(u16::MAX);
    let f = lay(width.saturating_sub(room));
    let text = marker(app, &f);
    (f, Some(text))
}

fn marker(app: &App, f: &Fitted) -> String {
    let keys = app.keymap();
    strings::hidden_cols(
        f.left,
        f.right,
        &keys.keys_label(Action::ScrollLeft),
        &keys.keys_label(Action::ScrollRight),
    )
}

/// `←`/`→`: scrolls the columns one step, or says there is nothing that way.
pub(crate) fn scroll(app: &mut App, source: ListSource, right: bool) {
    let width = app.size.0;
    let (f, _) = fitted(app, app.table(source), width);
    let view = app.table(source).cols;
    let scroll = match (right, view.scroll) {
        (true, _) if f.right == 0 => {
            app.say(strings::NO_MORE_RIGHT);
            return;
        }
        (true, s) => s + 1,
        (false, 0) => {
            app.say(strings::NO_MORE_LEFT);
            return;
        }
        // Scroll 1 back to 0 leaves the first window for the security-first fit.
        (false, s) => s - 1,
    };
    app.table_mut(source).cols = ColView { scroll, ..view };
}

/// `w`: the wide view on or off; either starts at the first column.
pub(crate) fn toggle_wide(app: &mut App, source: ListSource) {
    let t = app.table_mut(source);
    let wide = !t.cols.wide;
    t.cols = ColView { scroll: 0, wide };
    let keys = format!(
        "{} {}",
        app.keymap().keys_label(Action::ScrollLeft),
        app.keymap().keys_label(Action::ScrollRight)
    );
    app.say(strings::wide_view(wide, &keys));
}

impl App {
    /// Sorts a table's whole result by a column the server cannot order by: the result
    /// is walked (gauge, `Esc` cancels, which leaves the order as it was), sorted here,
    /// and paged through locally. The result set, its count, marks and `X` are the same
    /// as before: only the order of the rows changes.
    pub(crate) fn sort_locally(
        &mut self,
        source: ListSource,
        by: LocalSort,
        order: Order,
        out: &mut Vec<Command>,
    ) {
        let t = self.table_mut(source);
        if t.sort_before.is_none() {
            t.sort_before = Some((t.local_sort, t.order));
        }
        t.local_sort = Some(by);
        t.order = order;
        t.queued.clear();
        t.to_top = true;
        self.say(strings::sorting_by(by.as_str(), order == Order::Desc));
        self.load(source, vec![None], out);
    }

    /// `R`: by risk, worst first; again, the other way.
    pub(crate) fn sort_by_risk(&mut self, source: ListSource, out: &mut Vec<Command>) {
        let t = self.table(source);
        let order = match t.local_sort {
            Some(LocalSort::Risk) => t.order.flip(),
            _ => Order::Desc,
        };
        self.sort_locally(source, LocalSort::Risk, order, out);
    }
}
