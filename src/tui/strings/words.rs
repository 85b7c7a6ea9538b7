//! How counts read inside sentences.

/// A count with thousands separators.
pub(super) fn num(n: usize) -> String {
    crate::number::thousands_usize(n)
}

/// `s` when `n` is not one.
pub(super) fn plural<N: PartialEq + From<u8>>(n: N) -> &'static str {
    if n == N::from(1) { "" } else { "s" }
}
