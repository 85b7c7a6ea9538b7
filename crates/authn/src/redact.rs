//! Scrubbing token values out of every string a call puts into an [`Error`].
//!
//! A hostile or buggy server may echo a token back (in a summary, a header, a validation
//! detail, an HTML page); the client knows which values it sent, so it removes them.

use super::secret::Secret;

/// What replaces a token value.
pub const REDACTED: &str = "[REDACTED]";

/// Shortest token tail at a snippet's end that is treated as a leak.
const MIN_FRAGMENT: usize = 5;

/// The token values one call sent: the bearer and any body tokens.
#[derive(Clone, Default)]
pub struct Redactor {
    values: Vec<Secret>,
    /// Values an answer body may legitimately carry (refresh returns the refresh token,
    /// and a server that does not rotate returns the same user token): kept in bodies,
    /// still scrubbed from every error text.
    returned: Vec<Secret>,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Redactor({} values)", self.values.len())
    }
}

impl Redactor {
    /// A redactor for these secrets (empty ones are ignored).
    pub fn new<'a>(secrets: impl IntoIterator<Item = &'a Secret>) -> Self {
        let mut values: Vec<Secret> = secrets
            .into_iter()
            .filter(|s| !s.is_empty())
            .cloned()
            .collect();
        // Longest first, so a token that contains another is removed whole.
        values.sort_by_key(|s| std::cmp::Reverse(s.expose().len()));
        values.dedup();
        Self {
            values,
            returned: Vec::new(),
        }
    }

    /// The same redactor, told which of its values the answer body may legitimately hold.
    #[must_use]
    pub fn returning<'a>(mut self, legit: impl IntoIterator<Item = &'a Secret>) -> Self {
        self.returned = legit.into_iter().cloned().collect();
        self
    }

    /// The longest secret, in bytes (0 when there is none).
    pub fn longest(&self) -> usize {
        self.values.first().map_or(0, |s| s.expose().len())
    }

    /// `text` with every known secret value replaced by [`REDACTED`].
    pub fn scrub(&self, text: &str) -> String {
        let mut out = text.to_string();
        for s in &self.values {
            if out.contains(s.expose()) {
                out = out.replace(s.expose(), REDACTED);
            }
        }
        out
    }

    /// Replaces every known secret in a response body with [`REDACTED`], in place.
    ///
    /// Token values are plain ASCII (`[a-z2-7_]`, or base64url and dots for a JWT), so a
    /// replacement inside a JSON string keeps the JSON valid, and a byte search finds
    /// them in any body, UTF-8 or not, without checking its text first (decoding checks
    /// it once, later). The common case, no match, costs one vectorised search per
    /// secret; `new()` never keeps an empty secret, so every needle is non-empty.
    pub fn scrub_body(&self, body: &mut Vec<u8>) {
        for secret in self.values.iter().filter(|v| !self.returned.contains(v)) {
            let needle = secret.expose().as_bytes();
            if memchr::memmem::find(body, needle).is_some() {
                *body = replace_bytes(body, needle);
            }
        }
    }

    /// The first `max` bytes of `body`, lossily decoded and scrubbed. Scrubbing happens
    /// before cutting, so a token that straddles the cut cannot leave a fragment behind.
    pub fn snippet(&self, body: &[u8], max: usize) -> String {
        let window = &body[..body.len().min(max + self.longest())];
        let mut s = self.scrub(&String::from_utf8_lossy(window));
        // The window itself may end inside a token: when earlier tokens shrank to
        // REDACTED, that end is no longer past `max` and must be checked as a cut too.
        let cut_short = window.len() < body.len() || s.len() > max;
        if s.len() > max {
            let mut cut = max;
            while !s.is_char_boundary(cut) {
                cut -= 1;
            }
            s.truncate(cut);
        }
        if cut_short {
            self.trim_fragment(&mut s);
        }
        s
    }

    /// Replaces the start of a token left at the end of `s` by a cut. A tail of fewer
    /// than `MIN_FRAGMENT` bytes shows no more than the public prefix, so it may stay.
    fn trim_fragment(&self, s: &mut String) {
        for v in &self.values {
            let v = v.expose();
            for k in (MIN_FRAGMENT..v.len().min(s.len() + 1)).rev() {
                if s.ends_with(&v[..k]) && v.is_char_boundary(k) {
                    s.truncate(s.len() - k);
                    s.push_str(REDACTED);
                    return;
                }
            }
        }
    }
}

/// `hay` with every `needle` replaced by [`REDACTED`].
fn replace_bytes(hay: &[u8], needle: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(hay.len());
    let mut i = 0;
    while i < hay.len() {
        if hay[i..].starts_with(needle) {
            out.extend_from_slice(REDACTED.as_bytes());
            i += needle.len();
        } else {
            out.push(hay[i]);
            i += 1;
        }
    }
    out
}

/// Masks every word shaped like a token (`pts_…`, `ptu_…`, a JWT): for text that may
/// quote user input, such as an argument parser's error, where the values are unknown.
pub fn mask_token_shapes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        let b = word.as_bytes();
        let pangea = b.len() >= 12
            && b[0] == b'p'
            && b[1].is_ascii_lowercase()
            && b[2].is_ascii_lowercase()
            && b[3] == b'_';
        let jwt = word.starts_with("eyJ") && word.len() > 20;
        if pangea {
            out.push_str(&word[..4]);
            out.push_str("••••••••");
        } else if jwt {
            out.push_str("••••••••");
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_shapes_are_masked_in_free_text() {
        let t = "unexpected argument 'ptr_abcdefghijklmnopqrstuvwxyz234567' found; see pts_x";
        let m = mask_token_shapes(t);
        assert!(!m.contains("abcdefgh"), "{m}");
        assert!(m.contains("'ptr_••••••••'"), "{m}");
        assert!(m.contains("pts_x"), "short words stay: {m}");
    }

    #[test]
    fn scrub_body_replaces_every_echo_and_keeps_the_json_valid() {
        let t = Secret::new("ptu_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
        let red = Redactor::new([&t]);
        let mut body = format!(
            r#"{{"email":"{0}","profile":{{"x":"a{0}b{0}"}}}}"#,
            t.expose()
        )
        .into_bytes();
        red.scrub_body(&mut body);
        let text = String::from_utf8(body).unwrap();
        assert!(!text.contains(t.expose()), "{text}");
        assert_eq!(text.matches(REDACTED).count(), 3);
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["email"], REDACTED);

        let mut invalid_utf8 = b"\xff".to_vec();
        invalid_utf8.extend_from_slice(t.expose().as_bytes());
        red.scrub_body(&mut invalid_utf8);
        assert!(!invalid_utf8.windows(36).any(|w| w == t.expose().as_bytes()));
    }

    const T: &str = "ptu_ayw3wncl4z4nf5pmsb7xzwbw6zc5fqv5";

    #[test]
    fn scrubs_every_occurrence() {
        let r = Redactor::new([&Secret::new(T)]);
        assert_eq!(
            r.scrub(&format!("a {T} b {T}")),
            "a [REDACTED] b [REDACTED]"
        );
    }

    #[test]
    fn snippet_never_leaves_a_token_fragment_at_the_cut() {
        let r = Redactor::new([&Secret::new(T)]);
        let body = format!("xxxxx{T}yyyy");
        for max in 0..body.len() {
            let s = r.snippet(body.as_bytes(), max);
            assert!(!s.contains("ptu_a"), "{max}: {s}");
            assert!(!s.contains("ayw3"), "{max}: {s}");
        }
    }

    #[test]
    fn a_token_cut_by_the_window_leaves_no_fragment_after_earlier_tokens_shrank() {
        let r = Redactor::new([&Secret::new(T)]);
        for filler in 0..200 {
            let body = format!("{T}{T}{}{T}tail", "x".repeat(filler));
            let s = r.snippet(body.as_bytes(), 120);
            for k in MIN_FRAGMENT..=T.len() {
                assert!(!s.ends_with(&T[..k]), "{filler}: {s}");
            }
            assert!(!s.contains("ptu_ayw3"), "{filler}: {s}");
        }
    }

    #[test]
    fn snippet_cuts_on_a_char_boundary() {
        let r = Redactor::new([]);
        let s = r.snippet("ééééé".as_bytes(), 3);
        assert_eq!(s, "é");
    }
}
