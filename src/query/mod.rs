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
//! Words it cannot mean are refused, never guessed: a near miss of a bare term (`vnp`),
//! `field:value`, `OR`/`AND`/`NOT`, an unknown two-letter country, and local terms that
//! contradict each other (`vpn=true vpn=false`).
//!
//! Repeating a key merges `~` substrings and `scope` lists (all must match anyway) and
//! is an error for anything else, unless the value is the same. Values cannot be empty.
//! [`FIELDS`] lists what each field accepts; [`help_text`] is the user-facing summary.

mod compile;
mod error;
mod explain;
mod fields;
mod lexer;
mod local;
mod refuse;
#[cfg(test)]
mod tests;
mod time;

pub use compile::{NO_LOCAL, Query};
pub use error::QueryError;
pub use explain::{NO_FILTER, explain};
pub use fields::{
    FIELDS, FieldInfo, Op, PROFILE, Side, ValueKind, closest, help_text, lookup, suggest,
};
pub use local::{Flag, LocalTerm, ProfileTest, TextTest, Verdict};
pub use refuse::is_country_code;

use crate::authn::model::{Filter, Timestamp};

/// The instant a time value names (RFC 3339, a plain date, `now`, `now-2h`), or why it
/// names none, in the words query errors use.
pub fn parse_time(text: &str, now: Timestamp) -> Result<Timestamp, String> {
    time::parse(text, now)
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
                error::shown(&input[span.clone()])
            ),
        )),
    }
}
