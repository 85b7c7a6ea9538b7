//! The one type of what is over the tab. It names only the overlays' own state, so the
//! app can hold the stack without the screens' code.

use crate::authn::model::Filter;
use crate::tui::app::editor::LineEditor;
use crate::tui::screens::dialog::state::Dialog;
use crate::tui::screens::picker::Picker;

/// One thing over the tab shown.
#[derive(Debug, Clone)]
pub enum Overlay {
    /// The query editor in the table's query bar, with what the text typed so far
    /// compiles to (None when it does not compile; the table's query error says why).
    Query {
        /// The text being typed.
        editor: LineEditor,
        /// The server filter it compiles to, redone on every edit.
        preview: Option<Filter>,
    },
    /// The `:` command line in the status row.
    Command(LineEditor),
    /// A confirmation.
    Dialog(Dialog),
    /// A list of choices: the order picker, the copy menu, the column and export pickers.
    Pick(Picker),
    /// The help, scrolled this many lines.
    Help {
        /// Lines scrolled past.
        scroll: usize,
    },
    /// The message log.
    Messages,
    /// The marked rows.
    Marks,
}
