//! `--order-by` values: the orderable fields of the query catalogue, with its aliases,
//! its help lines and its did-you-mean, so help, completions and errors agree with queries.

use crate::authn::model::OrderBy;
use crate::query::{self, FieldInfo};
use clap::builder::{PossibleValue, TypedValueParser};

/// The column a catalogue field orders by, when the list can be ordered by it.
fn column(field: &FieldInfo) -> Option<OrderBy> {
    OrderBy::ALL.into_iter().find(|o| o.as_str() == field.wire)
}

/// The orderable fields, in the catalogue's order.
fn orderable() -> impl Iterator<Item = (&'static FieldInfo, OrderBy)> {
    query::FIELDS
        .iter()
        .filter_map(|f| column(f).map(|o| (f, o)))
}

/// Every accepted name, primary names first.
fn names() -> Vec<&'static str> {
    orderable().map(|(f, _)| f.name).collect()
}

/// Parses a field name or alias (case-insensitive); the error names the closest field.
pub fn parse(name: &str) -> Result<OrderBy, String> {
    let name = name.trim();
    if let Some(field) = query::lookup(name) {
        return column(field).ok_or_else(|| {
            format!(
                "sessions cannot be ordered by `{}` (order by one of: {})",
                field.name,
                names().join(", ")
            )
        });
    }
    let accepted = orderable().flat_map(|(f, _)| f.names());
    let hint = match query::closest(name, accepted) {
        Some(s) => format!("; did you mean `{s}`?"),
        None => String::new(),
    };
    Err(format!(
        "unknown order-by field `{}`{hint} (one of: {})",
        crate::sanitize::clean(name),
        names().join(", ")
    ))
}

/// The clap parser for `--order-by`: help and completions list the catalogue's names.
#[derive(Debug, Clone, Copy, Default)]
pub struct OrderByParser;

impl TypedValueParser for OrderByParser {
    type Value = OrderBy;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<OrderBy, clap::Error> {
        // A plain function parser words the error as clap does for every other flag.
        let plain: fn(&str) -> Result<OrderBy, String> = parse;
        plain.parse_ref(cmd, arg, value)
    }

    /// Names and aliases alike, so completion offers `expires` as well as `expire`.
    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(orderable().flat_map(|(f, _)| {
            std::iter::once(PossibleValue::new(f.name).help(f.help)).chain(
                f.aliases
                    .iter()
                    .map(move |a| PossibleValue::new(*a).help(format!("same as {}", f.name))),
            )
        })))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_aliases_of_the_catalogue_are_accepted() {
        assert_eq!(parse("expires"), Ok(OrderBy::Expire));
        assert_eq!(parse("created_at"), Ok(OrderBy::CreatedAt));
        assert_eq!(parse("Created"), Ok(OrderBy::CreatedAt));
        assert_eq!(parse("user"), Ok(OrderBy::Identity));
        assert_eq!(parse("token"), Ok(OrderBy::ActiveTokenId));
        assert_eq!(parse("type"), Ok(OrderBy::Type));
        // Every column of the wire can be reached.
        for o in OrderBy::ALL {
            assert_eq!(parse(o.as_str()), Ok(o));
        }
    }

    #[test]
    fn typos_get_the_closest_orderable_name_and_filters_only_fields_say_so() {
        let e = parse("emial").unwrap_err();
        assert!(e.contains("did you mean `email`?"), "{e}");
        let e = parse("expiers").unwrap_err();
        assert!(e.contains("did you mean `expires`?"), "{e}");
        let e = parse("username").unwrap_err();
        assert!(e.contains("cannot be ordered by `username`"), "{e}");
        assert!(!parse("zzzz").unwrap_err().contains("did you mean"));
    }
}
