//! Making server strings safe to put on a terminal: the client cleans what it copies from
//! an answer into an error (a redirect's `Location`), so no error can carry an escape
//! sequence to whoever prints it.

use std::borrow::Cow;

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
    fn clean_text_is_borrowed() {
        assert!(matches!(clean("alice@例え.jp"), Cow::Borrowed(_)));
    }
}
