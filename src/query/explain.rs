//! The compiled filter in one readable line that is also a valid query.

use crate::authn::model::Filter;

/// What an empty filter explains as.
pub const NO_FILTER: &str = "(no filter)";

/// The compiled filter in a short readable form, e.g.
/// `email__contains=["acme"] created_at__gt="2025-06-01T00:00:00Z"`: wire keys in
/// order, values as the JSON that is sent; an empty filter reads `(no filter)`.
pub fn explain(filter: &Filter) -> String {
    if filter.is_empty() {
        return NO_FILTER.to_string();
    }
    let terms: Vec<String> = filter.0.iter().map(|(k, v)| format!("{k}={v}")).collect();
    terms.join(" ")
}
