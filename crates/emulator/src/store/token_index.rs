//! Token value → session slot, holding no copy of the values: each value is keyed by a
//! 64-bit hash and checked against the session it points at, so a million sessions' two
//! tokens cost 16 bytes each rather than a copied string apiece. The rare value whose
//! hash another live value already holds is kept whole, on the side, so none is lost.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

/// Which of a session's two tokens a value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TokenKind {
    /// The active (user) token.
    Active,
    /// The refresh token.
    Refresh,
}

/// Where each live token value is.
#[derive(Default)]
pub(super) struct TokenIndex {
    by_hash: HashMap<u64, (u32, TokenKind)>,
    collided: HashMap<String, (u32, TokenKind)>,
}

fn hash(value: &str) -> u64 {
    let mut h = DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

impl TokenIndex {
    /// Room for `n` more values without growing.
    pub(super) fn reserve(&mut self, n: usize) {
        self.by_hash.reserve(n);
    }

    /// Records that `value` is the `kind` token of the session in `slot`.
    pub(super) fn insert(&mut self, value: &str, slot: u32, kind: TokenKind) {
        match self.by_hash.entry(hash(value)) {
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert((slot, kind));
            }
            std::collections::hash_map::Entry::Occupied(_) => {
                self.collided.insert(value.to_owned(), (slot, kind));
            }
        }
    }

    /// Where `value` is; `holds(slot, kind)` says whether that session's token of that
    /// kind is `value` (the hash alone does not prove it).
    pub(super) fn get(
        &self,
        value: &str,
        holds: impl Fn(u32, TokenKind) -> bool,
    ) -> Option<(u32, TokenKind)> {
        match self.by_hash.get(&hash(value)) {
            Some(&(slot, kind)) if holds(slot, kind) => Some((slot, kind)),
            _ => self.collided.get(value).copied(),
        }
    }

    /// Forgets `value`, the `kind` token of the session in `slot`.
    pub(super) fn remove(&mut self, value: &str, slot: u32, kind: TokenKind) {
        // A value is filed in exactly one of the two maps.
        let h = hash(value);
        if self.collided.remove(value).is_none() && self.by_hash.get(&h) == Some(&(slot, kind)) {
            self.by_hash.remove(&h);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_whose_hash_is_taken_is_still_found_and_removed() {
        let mut ix = TokenIndex::default();
        ix.insert("ptu_a", 1, TokenKind::Active);
        // Force a collision: a second value filed under the same hash as the first.
        let h = hash("ptu_a");
        ix.collided.insert("ptr_b".into(), (2, TokenKind::Refresh));
        let holds = |slot: u32, _| slot == 1;
        assert_eq!(ix.get("ptu_a", holds), Some((1, TokenKind::Active)));
        assert_eq!(ix.get("ptr_b", |_, _| false), Some((2, TokenKind::Refresh)));
        assert_eq!(ix.get("ptu_zz", |_, _| false), None);
        ix.remove("ptu_a", 1, TokenKind::Active);
        assert!(!ix.by_hash.contains_key(&h));
        assert_eq!(ix.get("ptr_b", |_, _| false), Some((2, TokenKind::Refresh)));
        ix.remove("ptr_b", 2, TokenKind::Refresh);
        assert!(ix.collided.is_empty());
    }
}
