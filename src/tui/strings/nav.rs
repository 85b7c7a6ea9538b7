//! Going back and forth: the drill-downs' marks, going back, and what a key that does
//! nothing on a screen says instead.

use super::words::{num, plural};

/// A drill-down set the marks aside with the view it left.
pub fn marks_set_aside(n: usize) -> String {
    format!(
        "{} mark{} set aside with the earlier query: esc brings {} back",
        num(n),
        plural(n),
        if n == 1 { "it" } else { "them" }
    )
}

/// `Esc` went back to the view a drill-down left.
pub fn went_back(tab: &str, query: &str) -> String {
    let query = crate::sanitize::clean(query);
    if query.trim().is_empty() {
        format!("back to {tab}: every session")
    } else {
        format!("back to {tab}: {query}")
    }
}

/// A key that acts on a row, on a list with no rows.
pub const NOTHING_SELECTED: &str = "nothing selected: the list is empty";

/// Where a key's action works, for [`key_acts_elsewhere`]: `the Sessions and My sessions
/// tabs and a session's detail`.
pub fn places(tabs: &[&str], detail: bool) -> String {
    let tabs = match tabs {
        [] => String::new(),
        [one] => format!("the {one} tab"),
        [first @ .., last] => format!("the {} and {last} tabs", first.join(", ")),
    };
    match (tabs.is_empty(), detail) {
        (_, false) => tabs,
        (true, true) => "a session's detail".to_string(),
        (false, true) => format!("{tabs} and a session's detail"),
    }
}

/// What to do instead of a key that acts elsewhere: the key that does the like here.
pub fn instead_here(keys: &str, help: &str) -> String {
    format!("here, {keys}: {help}")
}

/// What to do instead of a key that acts elsewhere: go there.
pub fn go_there(tab_key: &str) -> String {
    format!("press {tab_key} to go there")
}

/// What to do instead of a key that acts on the table, in the detail view.
pub fn close_detail_first(back: &str) -> String {
    format!("{back} closes the detail first")
}

/// A key pressed where its action does not apply, derived from the action registry.
pub fn key_acts_elsewhere(key: &str, label: &str, places: &str, here: &str, then: &str) -> String {
    format!("`{key}` ({label}) acts on {places}, not on {here}: {then}")
}

/// A key whose action applies here but has nothing to act on.
pub fn key_does_nothing_here(key: &str, label: &str, here: &str) -> String {
    format!("`{key}` ({label}) has nothing to act on in {here}")
}

/// A key bound to nothing at all.
pub fn key_means_nothing(key: &str, help: &str) -> String {
    format!("`{key}` is not a key of authtop: {help} lists the keys")
}
