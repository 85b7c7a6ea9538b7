//! The `filter` object of the list endpoints (spec 5.1): validated and compiled in one
//! pass into conditions the store evaluates per session.

use super::errors::{Errors, json_type_code};
use serde_json::Value;

/// A text column a filter can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextField {
    /// Session id.
    Id,
    /// Record type (`session`).
    Type,
    /// Owner identity.
    Identity,
    /// Owner email.
    Email,
    /// Owner username.
    Username,
    /// Active token id.
    ActiveTokenId,
}

/// A time column a filter can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeField {
    /// Login time.
    CreatedAt,
    /// Session expiry.
    Expire,
}

/// A comparison on a time column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    /// Equal.
    Eq,
    /// Greater than.
    Gt,
    /// Greater than or equal.
    Gte,
    /// Less than.
    Lt,
    /// Less than or equal.
    Lte,
}

impl Cmp {
    /// Whether `value cmp bound` holds.
    pub fn holds(self, value: i64, bound: i64) -> bool {
        match self {
            Cmp::Eq => value == bound,
            Cmp::Gt => value > bound,
            Cmp::Gte => value >= bound,
            Cmp::Lt => value < bound,
            Cmp::Lte => value <= bound,
        }
    }
}

/// One compiled condition; a filter is their conjunction.
#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    /// `field = value`.
    Eq(TextField, String),
    /// `field` is one of the values.
    In(TextField, Vec<String>),
    /// `field` contains every substring.
    Contains(TextField, Vec<String>),
    /// Time comparison, in microseconds since the epoch.
    Time(TimeField, Cmp, i64),
    /// Every listed scope is present.
    Scopes(Vec<String>),
    /// The owner is (not) enabled.
    Enabled(bool),
    /// `profile[name] = value`.
    ProfileEq(String, String),
    /// `profile[name]` contains at least one of the substrings (the OAS wording for
    /// profile keys is "one of", unlike the "each" of the named fields).
    ProfileContains(String, Vec<String>),
    /// `profile[name]` exists (or not).
    ProfileExists(String, bool),
}

fn text_field(name: &str) -> Option<TextField> {
    Some(match name {
        "id" => TextField::Id,
        "type" => TextField::Type,
        "identity" => TextField::Identity,
        "email" => TextField::Email,
        "username" => TextField::Username,
        "active_token_id" => TextField::ActiveTokenId,
        _ => return None,
    })
}

fn time_field(name: &str) -> Option<TimeField> {
    Some(match name {
        "created_at" => TimeField::CreatedAt,
        "expire" => TimeField::Expire,
        _ => return None,
    })
}

fn profile_name(name: &str) -> Option<&str> {
    let n = name.strip_prefix("profile_")?;
    (!n.is_empty() && n.bytes().all(|b| b.is_ascii_alphabetic())).then_some(n)
}

/// Validates the `filter` value at `/filter` and compiles it; problems go to `errors`.
/// Keys the OAS does not name are ignored, as its schema allows them (the `filter` object
/// sets no `additionalProperties`); their names go to `ignored`, for a warning.
pub fn compile(value: &Value, errors: &mut Errors, ignored: &mut Vec<String>) -> Vec<Cond> {
    let Some(map) = value.as_object() else {
        errors.push("InvalidObject", "filter must be an object", &["filter"]);
        return Vec::new();
    };
    let mut conds = Vec::with_capacity(map.len());
    for (key, v) in map {
        let src = ["filter", key.as_str()];
        let (base, op) = match key.rsplit_once("__") {
            Some((b, o)) => (b, Some(o)),
            None => (key.as_str(), None),
        };
        if let Some(f) = text_field(base) {
            match op {
                None => {
                    if let Some(s) = string(v, errors, &src) {
                        conds.push(Cond::Eq(f, s));
                    }
                }
                Some("in") => {
                    if let Some(l) = strings(v, errors, &src) {
                        conds.push(Cond::In(f, l));
                    }
                }
                Some("contains") => {
                    if let Some(l) = strings(v, errors, &src) {
                        conds.push(Cond::Contains(f, l));
                    }
                }
                Some(_) => ignored.push(key.clone()),
            }
        } else if let Some(f) = time_field(base) {
            let cmp = match op {
                None => Cmp::Eq,
                Some("gt") => Cmp::Gt,
                Some("gte") => Cmp::Gte,
                Some("lt") => Cmp::Lt,
                Some("lte") => Cmp::Lte,
                Some(_) => {
                    ignored.push(key.clone());
                    continue;
                }
            };
            if let Some(s) = string(v, errors, &src) {
                match s.parse::<jiff::Timestamp>() {
                    Ok(t) => conds.push(Cond::Time(f, cmp, t.as_microsecond())),
                    Err(_) => errors.push(
                        "BadFormatDateTime",
                        &format!("'{s}' is not a valid RFC 3339 date-time"),
                        &src,
                    ),
                }
            }
        } else if key == "scopes" {
            if let Some(l) = strings(v, errors, &src) {
                conds.push(Cond::Scopes(l));
            }
        } else if key == "enabled" {
            match v.as_bool() {
                Some(b) => conds.push(Cond::Enabled(b)),
                None => type_error(errors, v, "InvalidBool", "boolean", &src),
            }
        } else if let Some(name) = profile_name(base) {
            match op {
                None => {
                    if let Some(s) = string(v, errors, &src) {
                        conds.push(Cond::ProfileEq(name.to_owned(), s));
                    }
                }
                Some("contains") => {
                    if let Some(l) = strings(v, errors, &src) {
                        conds.push(Cond::ProfileContains(name.to_owned(), l));
                    }
                }
                Some("exists") => match v.as_bool() {
                    Some(b) => conds.push(Cond::ProfileExists(name.to_owned(), b)),
                    None => type_error(errors, v, "InvalidBool", "boolean", &src),
                },
                Some(_) => ignored.push(key.clone()),
            }
        } else {
            ignored.push(key.clone());
        }
    }
    conds
}

fn type_error(errors: &mut Errors, v: &Value, code: &str, want: &str, src: &[&str]) {
    errors.push(
        code,
        &format!("{} is not of type '{want}'", json_type_code(v)),
        src,
    );
}

fn string(v: &Value, errors: &mut Errors, src: &[&str]) -> Option<String> {
    if let Some(s) = v.as_str() {
        Some(s.to_owned())
    } else {
        type_error(errors, v, "InvalidString", "string", src);
        None
    }
}

fn strings(v: &Value, errors: &mut Errors, src: &[&str]) -> Option<Vec<String>> {
    let Some(items) = v.as_array() else {
        type_error(errors, v, "InvalidArray", "array", src);
        return None;
    };
    let mut out = Vec::with_capacity(items.len());
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        if let Some(s) = item.as_str() {
            out.push(s.to_owned());
        } else {
            let idx = i.to_string();
            let mut path = src.to_vec();
            path.push(&idx);
            type_error(errors, item, "InvalidString", "string", &path);
            ok = false;
        }
    }
    ok.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn compiles_every_operator_ignores_unknown_keys_and_reports_bad_values() {
        let mut e = Errors::default();
        let mut ignored = Vec::new();
        let f = json!({
            "email__contains": ["a", "b"], "created_at__gte": "2025-01-01T00:00:00Z",
            "scopes": ["read"], "enabled": true, "profile_first__exists": true,
            "profile_last__contains": ["x"], "profile_first": "y", "id__in": ["pmt_x"],
        });
        let conds = compile(&f, &mut e, &mut ignored);
        assert!(e.is_empty(), "{:?}", e.into_vec());
        assert_eq!(conds.len(), 8);
        assert!(ignored.is_empty());

        let mut e = Errors::default();
        let conds = compile(
            &json!({"colour": 5, "email__in": "a", "expire__gt": "yesterday", "profile_a1": "x",
                    "email__gt": "b", "id": "pmt_x"}),
            &mut e,
            &mut ignored,
        );
        let sources: Vec<String> = e.into_vec().into_iter().map(|x| x.source).collect();
        assert_eq!(sources, ["/filter/email__in", "/filter/expire__gt"]);
        assert_eq!(ignored, ["colour", "profile_a1", "email__gt"]);
        assert_eq!(conds.len(), 1);
    }
}
