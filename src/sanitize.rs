//! Making server strings safe to put on a terminal.
//!
//! Every string that came from a server passes through [`clean`] before it is drawn or
//! printed to a terminal: C0 and C1 controls, DEL, escape sequences and bidi overrides
//! are replaced, so no server can move the cursor, set the clipboard or reorder text.

use std::borrow::Cow;
use unicode_width::UnicodeWidthStr;

/// The character shown in place of anything unsafe.
pub const REPLACEMENT: char = '\u{FFFD}';

/// True for characters that must never reach a terminal.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c as u32, 0x80..=0x9F)
        || matches!(
            c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

/// The string with every unsafe character replaced by U+FFFD; borrows when already clean.
pub fn clean(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| if is_unsafe(c) { REPLACEMENT } else { c })
            .collect(),
    )
}

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
    fn controls_escapes_and_bidi_are_replaced() {
        let evil = "a\u{1b}]52;c;ZXZpbA==\u{7}b\u{9b}2Jc\u{202E}d\u{7f}\r\n";
        let out = clean(evil);
        assert!(!out.chars().any(is_unsafe), "{out:?}");
        assert!(out.starts_with('a'));
    }

    #[test]
    fn clean_text_is_borrowed_and_wide_text_is_fitted_by_cells() {
        assert!(matches!(clean("alice@例え.jp"), Cow::Borrowed(_)));
        assert_eq!(fit("例え例え", 5), "例え…");
        assert_eq!(width(&fit("例え例え", 5)), 5);
        assert_eq!(fit("abc", 3), "abc");
    }
}
