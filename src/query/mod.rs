//! The filter language: a line of terms compiled to the Pangea `filter` object (pure).
//!
//! Terms are separated by whitespace and must all hold:
//!
//! * `field=value`, `field=a,b` (`__in`), `field~text` (`__contains`; `field~a,b` needs
//!   each), `field>time` and `>=`, `<`, `<=` on `created` and `expire`;
//! * `profile.Name=v`, `profile.Name~v`, `profile.Name?` (`__exists: true`) and
//!   `!profile.Name?` (`__exists: false`);
//! * a bare word means `email~word`;
//! * `"..."` quotes a value (escapes `\"`, `\\`, and JSON's `\n \t \r \/ \b \f \uXXXX`);
//!   `[a,b]` is the same list as `a,b`;
//! * wire keys are accepted as typed (`created_at__gt="…"`, `scopes=["a"]`), so the output
//!   of [`explain`] compiles back to the same filter.
//!
//! Repeating a key merges `~` substrings and `scope` lists (all must match anyway) and
//! is an error for anything else, unless the value is the same. Values cannot be empty.
//! [`FIELDS`] lists what each field accepts; [`help_text`] is the user-facing summary.

mod compile;
mod explain;
mod fields;
mod lexer;
#[cfg(test)]
mod tests;
mod time;

pub use explain::{NO_FILTER, explain};
pub use fields::{FIELDS, FieldInfo, Op, PROFILE, ValueKind, help_text};

use crate::authn::model::{Filter, Timestamp};
use crate::sanitize;
use std::ops::Range;

/// A query that does not compile: where, and what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} (at {}..{})", span.start, span.end)]
pub struct QueryError {
    /// Byte range of the offending term in the input (always on char boundaries).
    pub span: Range<usize>,
    /// What is wrong and what was expected; input quoted in it is already sanitised.
    pub message: String,
}

impl QueryError {
    /// Where the carets go under `input` as it is drawn (sanitised): the cells before
    /// the offending span and the cells it covers (at least one). Every caret display
    /// (CLI, TUI, [`QueryError::render`]) lines up through this.
    pub fn caret(&self, input: &str) -> (usize, usize) {
        let start = self.span.start.min(input.len());
        let end = self.span.end.clamp(start, input.len());
        let (before, marked) = match (input.get(..start), input.get(start..end)) {
            (Some(before), Some(marked)) => (before, marked),
            _ => ("", input),
        };
        // `clean` swaps characters one for one, so cleaned widths line the carets up.
        let pad = sanitize::width(&sanitize::clean(before));
        let carets = sanitize::width(&sanitize::clean(marked)).max(1);
        (pad, carets)
    }

    /// An error at `span` saying `message`.
    pub(crate) fn new(span: Range<usize>, message: impl Into<String>) -> Self {
        Self {
            span,
            message: message.into(),
        }
    }

    /// The input, a caret line under the span, and the message, safe for a terminal.
    ///
    /// ```text
    /// email~acme created>yesterday
    ///                    ^^^^^^^^^
    /// bad time `yesterday` for `created`: expected …
    /// ```
    pub fn render(&self, input: &str) -> String {
        let (pad, carets) = self.caret(input);
        format!(
            "{}\n{}{}\n{}",
            sanitize::clean(input),
            " ".repeat(pad),
            "^".repeat(carets),
            sanitize::clean(&self.message)
        )
    }
}

/// Compiles a query line; `now` anchors `now-2h` style times. Never does I/O or panics.
pub fn compile(input: &str, now: Timestamp) -> Result<Filter, QueryError> {
    compile::compile(input, now)
}
