//! Pangea-style identifiers and token values: `<prefix>_` + 32 lowercase base32 chars.

/// The base32 alphabet Pangea ids use.
const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";

/// A new `<prefix>_…` id drawn from `rng`.
pub fn new_id(rng: &mut fastrand::Rng, prefix: &str) -> String {
    let mut s = String::with_capacity(prefix.len() + 33);
    s.push_str(prefix);
    s.push('_');
    for _ in 0..32 {
        s.push(ALPHABET[rng.usize(..32)] as char);
    }
    s
}

/// Whether `s` is `<prefix>_` followed by exactly 32 base32 chars.
pub fn is_id(s: &str, prefix: &str) -> bool {
    s.strip_prefix(prefix)
        .and_then(|r| r.strip_prefix('_'))
        .is_some_and(|r| r.len() == 32 && r.bytes().all(|b| ALPHABET.contains(&b)))
}

/// Whether `s` is a JWT-shaped value: three non-empty base64url segments.
pub fn is_jwt(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_match_their_pattern() {
        let mut rng = fastrand::Rng::with_seed(1);
        let id = new_id(&mut rng, "pmt");
        assert!(is_id(&id, "pmt"));
        assert!(!is_id(&id, "ptu"));
        assert!(!is_id("pmt_short", "pmt"));
        assert!(!is_id("pmt_ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", "pmt"));
        assert!(is_jwt("a.b.c"));
        assert!(!is_jwt("a.b"));
        assert!(!is_jwt("a..c"));
    }
}
