//! Making server strings safe to put on a terminal.
//!
//! Every string that came from a server passes through [`clean`] before it is drawn or
//! printed to a terminal: C0 and C1 controls, DEL, escape sequences and bidi overrides
//! are replaced, so no server can move the cursor, set the clipboard or reorder text.

use unicode_width::UnicodeWidthStr;

pub use crate::authn::sanitize::{REPLACEMENT, clean, is_unsafe};

/// Width of a (clean) string in terminal cells.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Cleans and cuts to at most `max` cells, ending with `…` when cut.
pub fn fit(s: &str, max: usize) -> String {
    let s = clean(s);
    if width(&s) <= max {
        return s.into_owned();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if w + cw > max - 1 {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_text_is_fitted_by_cells() {
        assert_eq!(fit("例え例え", 5), "例え…");
        assert_eq!(width(&fit("例え例え", 5)), 5);
        assert_eq!(fit("abc", 3), "abc");
    }
}
