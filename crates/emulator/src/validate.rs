//! Request bodies checked against the OAS schemas (patterns, enums, types, required and
//! unexpected keys) and turned into typed requests. Every problem is reported at once,
//! each with a JSON pointer into the request body as its `source`.

use super::errors::{Errors, json_type_code};
use super::filter::{self, Cond};
use super::ids;
use pangea_authn_model::{ErrorField, Order, OrderBy};
use serde_json::{Map, Value};

/// Page size when a list request sends none (pangea-go never sends one).
pub const DEFAULT_PAGE_SIZE: usize = 20;
/// Most sessions served on one page. The OAS sets no maximum on `size`, so a larger one
/// is accepted and served this many.
pub const MAX_PAGE_SIZE: usize = 1000;

/// The value of a JSON number that JSON Schema counts as an integer: `1`, but also `1.0`
/// or `1e3` (any number with no fractional part); `None` for anything else.
fn integer(v: &Value) -> Option<f64> {
    // Exact for every page size that matters; beyond 2^53 only "large" is needed.
    if let Some(n) = v.as_i64() {
        return Some(n as f64);
    }
    if let Some(n) = v.as_u64() {
        return Some(n as f64);
    }
    v.as_f64().filter(|f| f.is_finite() && f.fract() == 0.0)
}

/// The rows served for a `size` of `n` (an integer of at least 1): at most
/// [`MAX_PAGE_SIZE`].
fn page_size(n: f64) -> usize {
    if n >= MAX_PAGE_SIZE as f64 {
        MAX_PAGE_SIZE
    } else {
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "n is a whole number from 1 to MAX_PAGE_SIZE, so the conversion is exact"
        )]
        let rows = n as usize;
        rows.max(1)
    }
}

/// The API operations the emulator serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// `POST /v2/session/list`.
    SessionList,
    /// `POST /v2/session/invalidate`.
    SessionInvalidate,
    /// `POST /v2/session/logout`.
    SessionLogout,
    /// `POST /v2/client/session/list`.
    ClientList,
    /// `POST /v2/client/session/invalidate`.
    ClientInvalidate,
    /// `POST /v2/client/session/logout`.
    ClientLogout,
    /// `POST /v2/client/session/refresh`.
    ClientRefresh,
    /// `POST /v2/client/token/check`.
    TokenCheck,
}

impl Endpoint {
    /// One of `/v2/client/*`, which a client token (`pcl_…`) may call.
    pub fn is_client(self) -> bool {
        !matches!(
            self,
            Endpoint::SessionList | Endpoint::SessionInvalidate | Endpoint::SessionLogout
        )
    }

    /// Every endpoint with its path.
    pub const ALL: [(Endpoint, &'static str); 8] = [
        (Endpoint::SessionList, "/v2/session/list"),
        (Endpoint::SessionInvalidate, "/v2/session/invalidate"),
        (Endpoint::SessionLogout, "/v2/session/logout"),
        (Endpoint::ClientList, "/v2/client/session/list"),
        (Endpoint::ClientInvalidate, "/v2/client/session/invalidate"),
        (Endpoint::ClientLogout, "/v2/client/session/logout"),
        (Endpoint::ClientRefresh, "/v2/client/session/refresh"),
        (Endpoint::TokenCheck, "/v2/client/token/check"),
    ];

    /// Body keys: name, kind, required.
    fn fields(self) -> &'static [(&'static str, Kind, bool)] {
        use Kind::{
            AnyToken, Bool, Column, Direction, Filter, Identity, RefreshToken, SessionId, Size,
            Text, UserToken,
        };
        const LIST: [(&str, Kind, bool); 5] = [
            ("filter", Filter, false),
            ("last", Text, false),
            ("order", Direction, false),
            ("order_by", Column, false),
            ("size", Size, false),
        ];
        const CLIENT_LIST: [(&str, Kind, bool); 6] = [
            ("token", UserToken, true),
            ("filter", Filter, false),
            ("last", Text, false),
            ("order", Direction, false),
            ("order_by", Column, false),
            ("size", Size, false),
        ];
        match self {
            Endpoint::SessionList => &LIST,
            Endpoint::ClientList => &CLIENT_LIST,
            Endpoint::SessionInvalidate => &[
                ("session_id", SessionId, true),
                ("user_initiated", Bool, false),
            ],
            Endpoint::SessionLogout => &[("user_id", Identity, true)],
            Endpoint::ClientInvalidate => {
                &[("token", UserToken, true), ("session_id", SessionId, true)]
            }
            Endpoint::ClientLogout => &[("token", UserToken, true)],
            Endpoint::ClientRefresh => &[
                ("refresh_token", RefreshToken, true),
                ("user_token", UserToken, false),
            ],
            Endpoint::TokenCheck => &[("token", AnyToken, true)],
        }
    }

    /// Whether unknown top-level keys are rejected. The service list schema does not
    /// forbid them (spec 5.5), so it ignores them; every other schema does.
    fn forbids_unknown_keys(self) -> bool {
        self != Endpoint::SessionList
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    SessionId,
    UserToken,
    RefreshToken,
    AnyToken,
    Identity,
    Bool,
    Text,
    Filter,
    Direction,
    Column,
    Size,
}

/// A validated list query.
#[derive(Debug, Clone, PartialEq)]
pub struct ListQuery {
    /// Compiled filter conditions (ANDed).
    pub conds: Vec<Cond>,
    /// Canonical text of the filter, so a cursor can check it belongs to this query.
    pub filter_key: String,
    /// Cursor from the previous page.
    pub last: Option<String>,
    /// Direction.
    pub order: Order,
    /// Column.
    pub order_by: OrderBy,
    /// Page size.
    pub size: usize,
    /// Filter keys the OAS does not name, ignored (the emulator warns about them).
    pub ignored: Vec<String>,
}

/// A validated request body.
#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    /// String fields by name (tokens, ids).
    fields: Map<String, Value>,
    /// The list query, for the list endpoints.
    pub list: Option<ListQuery>,
}

impl Body {
    /// A string field the schema allowed, if sent.
    pub fn str(&self, name: &str) -> Option<&str> {
        self.fields.get(name).and_then(Value::as_str)
    }
}

/// Reads and validates the body of `endpoint`.
pub fn parse(endpoint: Endpoint, raw: &[u8]) -> Result<Body, Vec<ErrorField>> {
    let mut errors = Errors::default();
    let value: Value = match serde_json::from_slice(raw) {
        Ok(v) => v,
        Err(e) => {
            errors.push(
                "BadFormat",
                &format!("request body is not valid JSON: {e}"),
                &[],
            );
            return Err(errors.into_vec());
        }
    };
    let Value::Object(map) = value else {
        errors.push(
            "InvalidObject",
            &format!("{} is not of type 'object'", json_type_code(&value)),
            &[],
        );
        return Err(errors.into_vec());
    };
    let spec = endpoint.fields();
    for (name, _, required) in spec {
        if *required && !map.contains_key(*name) {
            errors.push(
                "FieldRequired",
                &format!("'{name}' is a required property"),
                &[],
            );
        }
    }
    let mut list = spec.iter().any(|f| f.1 == Kind::Filter).then(|| ListQuery {
        conds: Vec::new(),
        filter_key: String::new(),
        last: None,
        order: Order::Desc,
        order_by: OrderBy::CreatedAt,
        size: DEFAULT_PAGE_SIZE,
        ignored: Vec::new(),
    });
    let mut fields = Map::new();
    for (key, v) in &map {
        let Some((_, kind, _)) = spec.iter().find(|f| f.0 == key) else {
            if endpoint.forbids_unknown_keys() {
                errors.push(
                    "UnexpectedProperty",
                    &format!("Additional properties are not allowed ('{key}' was unexpected)"),
                    &[key],
                );
            }
            continue;
        };
        check(*kind, key, v, &mut errors, list.as_mut());
        if v.is_string() {
            fields.insert(key.clone(), v.clone());
        }
    }
    if errors.is_empty() {
        Ok(Body { fields, list })
    } else {
        Err(errors.into_vec())
    }
}

#[expect(
    clippy::too_many_lines,
    reason = "a case table: one arm per field kind of the spec's schema"
)]
fn check(kind: Kind, key: &str, v: &Value, errors: &mut Errors, list: Option<&mut ListQuery>) {
    let src = [key];
    let pattern = |errors: &mut Errors, ok: bool, pat: &str| {
        if !ok {
            errors.push(
                "DoesNotMatchPattern",
                &format!("'{key}' does not match '{pat}'"),
                &src,
            );
        }
    };
    let want = |errors: &mut Errors, code: &str, ty: &str| {
        errors.push(
            code,
            &format!("{} is not of type '{ty}'", json_type_code(v)),
            &src,
        );
    };
    match kind {
        Kind::Bool => {
            if !v.is_boolean() {
                want(errors, "InvalidBool", "boolean");
            }
        }
        Kind::Filter => {
            let mut ignored = Vec::new();
            let conds = filter::compile(v, errors, &mut ignored);
            if let (Some(l), Some(obj)) = (list, v.as_object()) {
                l.ignored = ignored;
                let sorted: std::collections::BTreeMap<_, _> = obj.iter().collect();
                l.filter_key = serde_json::to_string(&sorted).unwrap_or_default();
                l.conds = conds;
            }
        }
        Kind::Size => match integer(v) {
            Some(n) if n >= 1.0 => {
                if let Some(l) = list {
                    l.size = page_size(n);
                }
            }
            Some(_) => errors.push("NotWithinRange", "size must be at least 1", &src),
            None => want(errors, "InvalidInteger", "integer"),
        },
        Kind::Direction => match v.as_str() {
            Some(s) => match s {
                "asc" | "desc" => {
                    if let Some(l) = list {
                        l.order = if s == "asc" { Order::Asc } else { Order::Desc };
                    }
                }
                _ => errors.push(
                    "NotEnumMember",
                    &format!("'{s}' is not one of ['asc', 'desc']"),
                    &src,
                ),
            },
            None => want(errors, "InvalidString", "string"),
        },
        Kind::Column => match v.as_str() {
            Some(s) => match OrderBy::ALL.into_iter().find(|o| o.as_str() == s) {
                Some(o) => {
                    if let Some(l) = list {
                        l.order_by = o;
                    }
                }
                None => errors.push(
                    "NotEnumMember",
                    &format!("'{s}' is not a valid order_by column"),
                    &src,
                ),
            },
            None => want(errors, "InvalidString", "string"),
        },
        Kind::Text => match v.as_str() {
            Some(s) => {
                if let Some(l) = list {
                    l.last = (!s.is_empty()).then(|| s.to_owned());
                }
            }
            None => want(errors, "InvalidString", "string"),
        },
        Kind::SessionId
        | Kind::UserToken
        | Kind::RefreshToken
        | Kind::AnyToken
        | Kind::Identity => {
            let Some(s) = v.as_str() else {
                want(errors, "InvalidString", "string");
                return;
            };
            match kind {
                Kind::SessionId => pattern(errors, ids::is_id(s, "pmt"), "^pmt_[a-z2-7]{32}$"),
                Kind::RefreshToken => pattern(errors, ids::is_id(s, "ptr"), "^ptr_[a-z2-7]{32}$"),
                Kind::UserToken => pattern(
                    errors,
                    ids::is_id(s, "ptu") || ids::is_jwt(s),
                    "^(ptu_[a-z2-7]{32})|(<JWT>)$",
                ),
                Kind::AnyToken => pattern(
                    errors,
                    ["pti", "ptr", "pts", "ptu", "pcl"]
                        .iter()
                        .any(|p| ids::is_id(s, p))
                        || ids::is_jwt(s),
                    "^(p(ti|tr|ts|tu|cl)_[a-z2-7]{32})|(<JWT>)$",
                ),
                _ => pattern(
                    errors,
                    !s.is_empty()
                        && s.chars()
                            .all(|c| c.is_ascii_alphanumeric() || " '.:/_-".contains(c)),
                    "^[a-zA-Z0-9 '.:/_-]+$",
                ),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::errors::pointer;

    fn sources(e: Endpoint, body: &str) -> Vec<(String, String)> {
        parse(e, body.as_bytes())
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|f| (f.code, f.source))
            .collect()
    }

    #[test]
    fn reports_every_problem_with_its_source() {
        let s = sources(Endpoint::ClientRefresh, r#"{"config_id": "x"}"#);
        assert_eq!(
            s,
            vec![
                ("FieldRequired".into(), "/".into()),
                ("UnexpectedProperty".into(), "/config_id".into())
            ]
        );
        let s = sources(
            Endpoint::SessionList,
            r#"{"size": 0, "order": "up", "x": 1}"#,
        );
        assert_eq!(s.len(), 2);
        assert!(sources(Endpoint::SessionList, "[1]")[0].1 == "/");
        assert!(sources(Endpoint::SessionList, "{").len() == 1);
        assert!(parse(Endpoint::SessionList, b"{\"size\": 1000}").is_ok());
        assert_eq!(
            sources(Endpoint::SessionList, r#"{"size": 1.5}"#)[0].0,
            "InvalidInteger"
        );
        assert_eq!(
            sources(Endpoint::SessionList, r#"{"size": -1.0}"#)[0].0,
            "NotWithinRange"
        );
        assert_eq!(pointer(&["filter", "a/b~"]), "/filter/a~1b~0");
    }

    #[test]
    fn whole_numbers_are_integers_and_large_sizes_are_served_the_maximum() {
        let size = |body: &str| {
            parse(Endpoint::SessionList, body.as_bytes()).map(|b| b.list.unwrap().size)
        };
        assert_eq!(size(r#"{"size": 1.0}"#), Ok(1));
        assert_eq!(size(r#"{"size": 2e1}"#), Ok(20));
        assert_eq!(size(r#"{"size": 1001}"#), Ok(MAX_PAGE_SIZE));
        assert_eq!(size(r#"{"size": 18446744073709551616}"#), Ok(MAX_PAGE_SIZE));
        assert_eq!(size(r#"{"size": 1e300}"#), Ok(MAX_PAGE_SIZE));
    }

    #[test]
    fn list_defaults_apply() {
        let b = parse(Endpoint::SessionList, b"{}").unwrap();
        let l = b.list.unwrap();
        assert_eq!(
            (l.size, l.order, l.order_by),
            (DEFAULT_PAGE_SIZE, Order::Desc, OrderBy::CreatedAt)
        );
    }
}
