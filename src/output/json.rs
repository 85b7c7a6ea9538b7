//! JSON output with the safe escapes: C1 controls and bidi/invisible formatting characters
//! written as `\uXXXX`, so JSON on a terminal cannot act on it (still valid, lossless JSON).

use serde::Serialize;
use std::io::{self, Write};

/// Characters JSON output escapes beyond what `serde_json` does: C1 controls and the
/// bidi and invisible formatting characters a terminal would act on or hide.
pub(crate) fn needs_escape(c: char) -> bool {
    matches!(c,
        '\u{80}'..='\u{9f}'
        | '\u{ad}'
        | '\u{61c}'
        | '\u{180e}'
        | '\u{200b}'..='\u{200f}'
        | '\u{2028}'..='\u{202e}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206f}'
        | '\u{feff}'
        | '\u{fff9}'..='\u{fffb}')
}

/// A `serde_json` formatter that escapes [`needs_escape`] characters as `\uXXXX`.
struct SafeFormatter<F>(F);

impl<F: serde_json::ser::Formatter> serde_json::ser::Formatter for SafeFormatter<F> {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        // Every character it escapes is outside ASCII.
        if fragment.is_ascii() {
            return w.write_all(fragment.as_bytes());
        }
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if needs_escape(c) {
                w.write_all(&fragment.as_bytes()[start..i])?;
                // Every escaped character is in the Basic Multilingual Plane.
                write!(w, "\\u{:04x}", c as u32)?;
                start = i + c.len_utf8();
            }
        }
        w.write_all(&fragment.as_bytes()[start..])
    }
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn end_object_key<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_key(w)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

/// Serialises with the safe escapes, through `formatter`.
fn safe_json<T: Serialize, F: serde_json::ser::Formatter>(
    value: &T,
    formatter: F,
) -> io::Result<String> {
    let mut buf = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, SafeFormatter(formatter));
    value.serialize(&mut ser).map_err(io::Error::other)?;
    String::from_utf8(buf).map_err(io::Error::other)
}

/// A value as one compact JSON line (no newline), with the safe escapes.
pub fn json_line<T: Serialize>(value: &T) -> io::Result<String> {
    safe_json(value, serde_json::ser::CompactFormatter)
}

/// A value as one pretty JSON document, each line indented by `indent` spaces.
pub fn pretty_json<T: Serialize>(value: &T, indent: usize) -> io::Result<String> {
    let text = safe_json(value, serde_json::ser::PrettyFormatter::new())?;
    let pad = " ".repeat(indent);
    Ok(text
        .lines()
        .map(|l| format!("{pad}{l}"))
        .collect::<Vec<_>>()
        .join("\n"))
}

/// Bytes that may start a character an NDJSON line cannot carry as sent: every ASCII
/// control (line breaks among them) and DEL, and the UTF-8 lead bytes of the characters
/// [`needs_escape`] or [`crate::sanitize::is_unsafe`] flag (U+0080–U+00AD, U+061C,
/// U+180E, U+200B–U+206F, U+FEFF–U+FFFB).
const LOOK_CLOSER: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = true;
        b += 1;
    }
    t[0x7f] = true;
    t[0xc2] = true;
    t[0xd8] = true;
    t[0xe1] = true;
    t[0xe2] = true;
    t[0xef] = true;
    t
};

/// True when a session's JSON text can be written as one NDJSON line as it is: no
/// control character (so no line break) and no character [`needs_escape`] or
/// [`crate::sanitize::is_unsafe`] flags. Reads bytes a block at a time, and decodes a
/// character only where its lead byte is one of the few that could start a flagged one.
pub(crate) fn passes_through(text: &str) -> bool {
    const BLOCK: usize = 32;
    let bytes = text.as_bytes();
    for (n, block) in bytes.chunks(BLOCK).enumerate() {
        // No early exit inside a block, so the compiler checks it a vector at a time.
        #[expect(
            clippy::needless_bitwise_bool,
            reason = "a lazy `||` would branch on every byte and stop the block being checked at once"
        )]
        let suspect = block.iter().fold(false, |any, &b| {
            any | (b < 0x20)
                | (b == 0x7f)
                | (b == 0xc2)
                | (b == 0xd8)
                | (b == 0xe1)
                | (b == 0xe2)
                | (b == 0xef)
        });
        if !suspect {
            continue;
        }
        for (i, &b) in block.iter().enumerate() {
            if LOOK_CLOSER[usize::from(b)] && !harmless(text, n * BLOCK + i) {
                return false;
            }
        }
    }
    true
}

/// Whether the character starting at byte `at` (a control, or a lead byte in
/// [`LOOK_CLOSER`]) may stay as it is.
fn harmless(text: &str, at: usize) -> bool {
    if text.as_bytes()[at] < 0x80 {
        return false;
    }
    // A lead byte starts a character, so `at` is a character boundary.
    text.get(at..)
        .and_then(|rest| rest.chars().next())
        .is_some_and(|c| !needs_escape(c) && !crate::sanitize::is_unsafe(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte scan agrees with reading every character, for each character that could
    /// matter and for its neighbours.
    #[test]
    fn the_byte_scan_flags_exactly_the_characters_a_char_scan_flags() {
        let ranges = [
            0..0x300u32,
            0x600..0x700,
            0x1800..0x1900,
            0x2000..0x2100,
            0xfe00..0x10000,
        ];
        for c in ranges.into_iter().flatten().filter_map(char::from_u32) {
            let text = format!("{{\"a\":\"x{c}y\"}}");
            let slow = !text
                .chars()
                .any(|c| c.is_control() || needs_escape(c) || crate::sanitize::is_unsafe(c));
            assert_eq!(passes_through(&text), slow, "U+{:04X}", c as u32);
        }
        assert!(passes_through(
            "{\"name\":\"美咲 Ivanov\",\"city\":\"Zürich\"}"
        ));
        assert!(!passes_through("{\"a\":1,\n\"b\":2}"));
        assert!(!passes_through("{\"a\":\"\u{202e}txt\"}"));
        // Wherever a character falls, across the blocks the scan reads at once.
        for at in 0..70 {
            let pad = "a".repeat(at);
            assert!(!passes_through(&format!("{pad}\u{202e}{pad}")), "{at}");
            assert!(!passes_through(&format!("{pad}\u{85}")), "{at}");
            assert!(!passes_through(&format!("{pad}\n")), "{at}");
            assert!(passes_through(&format!("{pad}é美\u{2010}{pad}")), "{at}");
        }
    }
}
