//! What goes wrong inside the emulator: a store operation's [`Failure`], and the
//! validation [`Errors`] collected while reading a request body.

use pangea_authn_model::ErrorField;
use serde_json::Value;

/// Why an operation on the store failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// A body token is unknown or revoked.
    InvalidToken,
    /// A body token has expired.
    ExpiredToken,
    /// The addressed session does not exist (for this caller).
    NotFound,
    /// The `last` cursor is not one this query produced.
    BadCursor,
}

/// Validation failures collected while reading one body.
#[derive(Debug, Default)]
pub struct Errors(Vec<ErrorField>);

impl Errors {
    /// Records a failure at the body location `path` (keys from the root).
    pub fn push(&mut self, code: &str, detail: &str, path: &[&str]) {
        self.0.push(ErrorField {
            code: code.to_owned(),
            detail: detail.to_owned(),
            source: pointer(path),
            path: None,
        });
    }

    /// True when nothing failed.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The failures, in the order found.
    pub fn into_vec(self) -> Vec<ErrorField> {
        self.0
    }
}

/// RFC 6901 JSON pointer for `path`; the root is `/`.
pub fn pointer(path: &[&str]) -> String {
    if path.is_empty() {
        return "/".to_owned();
    }
    let mut out = String::new();
    for p in path {
        out.push('/');
        out.push_str(&p.replace('~', "~0").replace('/', "~1"));
    }
    out
}

/// The JSON type name of `v`, for error details.
pub fn json_type_code(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}
