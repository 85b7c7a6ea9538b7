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
//! Local terms ask what the API cannot filter (`country=FR`, `city~Paris`, `vpn`, `proxy`,
//! `embargo`, `breached`, `risk=malicious,suspicious`, `device~Firefox`, `ua~curl`, and
//! profile keys the server's letters-only `profile_<Name>` cannot name, such as
//! `profile.User-Agent~curl`). [`compile_query`] splits a line into the server's
//! [`Filter`] and the [`LocalTerm`]s a caller checks on each session it receives.
//!
//! Repeating a key merges `~` substrings and `scope` lists (all must match anyway) and
//! is an error for anything else, unless the value is the same. Values cannot be empty.
//! [`FIELDS`] lists what each field accepts; [`help_text`] is the user-facing summary.

mod compile;
mod explain;
mod fields;
mod lexer;
mod local;
#[cfg(test)]
mod tests;
mod time;

pub use explain::{NO_FILTER, explain};
pub use fields::{
    FIELDS, FieldInfo, Op, PROFILE, Side, ValueKind, closest, help_text, lookup, suggest,
};
pub use local::{Flag, LocalTerm, ProfileTest, TextTest, Verdict};

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

/// A compiled query: what the server filters and what is checked on each session.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// The line it was compiled from.
    pub text: String,
    /// The filter sent with every page request.
    pub server: Filter,
    /// Conditions checked on each session the server returns, all of which must hold.
    pub local: Vec<LocalTerm>,
    /// Each term's byte range in [`Query::text`] and who decides it, in order.
    pub sides: Vec<(Range<usize>, Side)>,
}

/// What an empty local part explains as.
pub const NO_LOCAL: &str = "(no local terms)";

impl Query {
    /// True when some term must be checked locally, so every matching page is walked.
    pub fn has_local(&self) -> bool {
        !self.local.is_empty()
    }

    /// The same line compiled again against `now`, so `created>now-5m` slides on reload.
    pub fn at(&self, now: Timestamp) -> Result<Query, QueryError> {
        compile_query(&self.text, now)
    }

    /// The local part as a query line that compiles back to the same terms.
    pub fn explain_local(&self) -> String {
        if self.local.is_empty() {
            return NO_LOCAL.to_string();
        }
        let terms: Vec<String> = self.local.iter().map(ToString::to_string).collect();
        terms.join(" ")
    }
}

/// Compiles a query line into its server filter and local terms; `now` anchors `now-2h`
/// style times. Never does I/O or panics.
pub fn compile_query(input: &str, now: Timestamp) -> Result<Query, QueryError> {
    compile::compile(input, now)
}

/// Compiles a query line that must be answered by the server alone; a local term is an
/// error pointing at it. `now` anchors `now-2h` style times. Never does I/O or panics.
pub fn compile(input: &str, now: Timestamp) -> Result<Filter, QueryError> {
    let query = compile::compile(input, now)?;
    match query.sides.iter().find(|(_, side)| *side == Side::Local) {
        None => Ok(query.server),
        Some((span, _)) => Err(QueryError::new(
            span.clone(),
            format!(
                "`{}` is checked locally on every session, which this view cannot do: it sends only server filters",
                compile::shown(&input[span.clone()])
            ),
        )),
    }
}
