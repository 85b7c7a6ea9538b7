//! Every sentence the TUI shows of its own: dialog wording, flashes, status-line errors,
//! hints and the own-session warning. Functions take plain values (never app types), so
//! any part of the TUI can read this module and it reads none of them.
//!
//! One module, a file per kind of sentence: `status` (flashes, hints, titles, states),
//! `outcome` (what an action did or what failed), `dialog` (confirmations), `keys`
//! (layout, columns, keys, menus, the command line), `investigate` (walks, Users,
//! Insights, export), `nav` (going back, what a key that does nothing says), `pulses` (the
//! Pulses tab). Each is re-exported here, so callers write `strings::NAME`.

mod dialog;
mod investigate;
mod keys;
mod nav;
mod outcome;
mod pulses;
mod status;
mod words;

pub use dialog::*;
pub use investigate::*;
pub use keys::*;
pub use nav::*;
pub use outcome::*;
pub use pulses::*;
pub use status::*;
