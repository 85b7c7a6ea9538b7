//! A query that cannot be compiled: what is wrong and where, and the user's text made
//! safe to quote in the message.

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

/// The user's text, safe to quote in a message.
pub(crate) fn shown(text: &str) -> String {
    sanitize::fit(text, 40)
}
