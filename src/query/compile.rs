//! Turning terms into filter keys: field lookup, operator checks, values, conflicts.

use super::error::{QueryError, shown};
use super::fields::{self, FieldInfo, Op, PROFILE, Side, ValueKind, profile_name};
use super::lexer::{self, Item, RawOp, Spanned, Term};
use super::local::{self, LocalTerm};
use super::refuse;
use super::time;
use crate::authn::model::{Filter, Timestamp};
use serde_json::Value;
use std::ops::Range;

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
        compile(&self.text, now)
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

/// Compiles a whole line into its server and local parts; see [`super::compile_query`].
pub(crate) fn compile(input: &str, now: Timestamp) -> Result<Query, QueryError> {
    let mut query = Query {
        text: input.to_string(),
        server: Filter::default(),
        local: Vec::new(),
        sides: Vec::new(),
    };
    for spanned in lexer::terms(input)? {
        if let Some(term) = local::term(input, &spanned)? {
            refuse::local_value(&term, &spanned.span)?;
            refuse::local_conflict(&query.local, &term, &spanned.span)?;
            query.local.push(term);
            query.sides.push((spanned.span, Side::Local));
            continue;
        }
        refuse::bare_word(input, &spanned)?;
        let cond = condition(input, &spanned, now)?;
        insert(&mut query.server, cond, spanned.span.clone())?;
        query.sides.push((spanned.span, Side::Server));
    }
    Ok(query)
}

/// One compiled term: the wire key and what it is set to.
struct Condition {
    key: String,
    value: Value,
    /// Whether a second term on the same key adds to the list instead of conflicting.
    merges: bool,
}

/// The field a key names, resolved.
enum Field {
    Known(&'static FieldInfo),
    Profile(String),
}

impl Field {
    fn info(&self) -> &'static FieldInfo {
        match self {
            Field::Known(info) => info,
            Field::Profile(_) => &PROFILE,
        }
    }

    fn wire(&self) -> String {
        match self {
            Field::Known(info) => info.wire.to_string(),
            Field::Profile(name) => format!("profile_{name}"),
        }
    }

    /// How the field is named in messages.
    fn display(&self) -> String {
        match self {
            Field::Known(info) => info.name.to_string(),
            Field::Profile(name) => format!("profile.{name}"),
        }
    }
}

/// Splits `key` into its field and an explicit wire suffix (`created_at__gt`).
fn resolve(input: &str, key: Range<usize>) -> Result<(Field, Option<Op>), QueryError> {
    let text = &input[key.clone()];
    let (name, suffix) = match text.find("__") {
        Some(at) => {
            let suffix_text = &text[at + 2..];
            let span = key.start + at..key.end;
            let op = Op::from_suffix(suffix_text).ok_or_else(|| {
                QueryError::new(
                    span,
                    format!(
                        "unknown operator suffix `__{}`: expected __in, __contains, __gt, __gte, __lt, __lte or __exists",
                        shown(suffix_text)
                    ),
                )
            })?;
            (&text[..at], Some(op))
        }
        None => (text, None),
    };
    let name_span = key.start..key.start + name.len();
    if let Some(info) = fields::lookup(name) {
        return Ok((Field::Known(info), suffix));
    }
    if let Some(pname) = profile_name(name) {
        if pname.is_empty() || !pname.chars().all(|c| c.is_ascii_alphabetic()) {
            return Err(QueryError::new(
                name_span,
                format!(
                    "bad profile field name `{}`: expected letters, digits, `-` or `_`, e.g. profile.City or profile.User-Agent",
                    shown(pname)
                ),
            ));
        }
        return Ok((Field::Profile(pname.to_string()), suffix));
    }
    let message = if let Some(near) = fields::suggest(name) {
        format!("unknown field `{}`; did you mean `{near}`?", shown(name))
    } else {
        let names: Vec<&str> = fields::FIELDS.iter().map(|f| f.name).collect();
        format!(
            "unknown field `{}`: expected one of {}; to search for text with an operator in it, quote it",
            shown(name),
            names.join(", ")
        )
    };
    Err(QueryError::new(name_span, message))
}

/// The condition one term sets.
fn condition(input: &str, spanned: &Spanned, now: Timestamp) -> Result<Condition, QueryError> {
    match &spanned.term {
        Term::Bare { items } => Ok(bare(strings(items))),
        Term::Exists { key, negated } => {
            let name = &input[key.clone()];
            if !negated && fields::lookup(name).is_none() && profile_name(name).is_none() {
                // `what?` is a word to search for, not a field test.
                let word = Value::String(input[spanned.span.clone()].into());
                return Ok(bare(Value::Array(vec![word])));
            }
            let (field, suffix) = resolve(input, key.clone())?;
            if suffix.is_some() || !field.info().ops.contains(&Op::Exists) {
                return Err(QueryError::new(
                    spanned.span.clone(),
                    format!(
                        "`?` (is set) only works on profile.Name; `{}` takes {}",
                        shown(&input[key.clone()]),
                        field.info().ops_syntax()
                    ),
                ));
            }
            Ok(Condition {
                key: format!("{}{}", field.wire(), Op::Exists.suffix()),
                value: Value::Bool(!negated),
                merges: false,
            })
        }
        Term::Field {
            key,
            op,
            op_span,
            items,
        } => {
            let (field, suffix) = resolve(input, key.clone())?;
            let op = match suffix {
                Some(suffix) if *op == RawOp::Eq => suffix,
                Some(suffix) => {
                    return Err(QueryError::new(
                        op_span.clone(),
                        format!(
                            "a key ending in `{}` takes `=`, e.g. {}{}=…",
                            suffix.suffix(),
                            field.wire(),
                            suffix.suffix()
                        ),
                    ));
                }
                None => typed_op(*op, items.len(), field.info().kind),
            };
            let info = field.info();
            if !info.ops.contains(&op) {
                let what = if op == Op::In && suffix.is_none() {
                    "a list".to_string()
                } else if suffix.is_some() {
                    format!("`{}`", op.suffix())
                } else {
                    format!("`{}`", op.syntax())
                };
                let span = if op == Op::In && suffix.is_none() {
                    value_span(items, op_span)
                } else if suffix.is_some() {
                    key.clone()
                } else {
                    op_span.clone()
                };
                return Err(QueryError::new(
                    span,
                    format!(
                        "{what} is not allowed on `{}`: it takes {}",
                        field.display(),
                        info.ops_syntax()
                    ),
                ));
            }
            let value = value(&field, op, items, op_span, now)?;
            let merges = op == Op::Contains && info.kind == ValueKind::Text
                || info.kind == ValueKind::Scopes;
            Ok(Condition {
                key: format!("{}{}", field.wire(), op.suffix()),
                value,
                merges,
            })
        }
    }
}

/// What a bare word means: `email~word`.
fn bare(words: Value) -> Condition {
    Condition {
        key: "email__contains".into(),
        value: words,
        merges: true,
    }
}

/// The operator a typed symbol means, given how many values follow it.
fn typed_op(op: RawOp, count: usize, kind: ValueKind) -> Op {
    match op {
        // A scope list is one value: all of them must be present.
        RawOp::Eq if count > 1 && kind != ValueKind::Scopes => Op::In,
        RawOp::Eq => Op::Eq,
        RawOp::Tilde => Op::Contains,
        RawOp::Gt => Op::Gt,
        RawOp::Gte => Op::Gte,
        RawOp::Lt => Op::Lt,
        RawOp::Lte => Op::Lte,
    }
}

/// From the first to the last value.
fn value_span(items: &[Item], fallback: &Range<usize>) -> Range<usize> {
    match (items.first(), items.last()) {
        (Some(first), Some(last)) => first.span.start..last.span.end,
        _ => fallback.clone(),
    }
}

fn strings(items: &[Item]) -> Value {
    Value::Array(
        items
            .iter()
            .map(|i| Value::String(i.text.clone()))
            .collect(),
    )
}

/// The JSON value sent for `op` on `field`.
fn value(
    field: &Field,
    op: Op,
    items: &[Item],
    op_span: &Range<usize>,
    now: Timestamp,
) -> Result<Value, QueryError> {
    let info = field.info();
    if matches!(op, Op::In | Op::Contains) || info.kind == ValueKind::Scopes {
        return Ok(strings(items));
    }
    let [item] = items else {
        return Err(QueryError::new(
            value_span(items, op_span),
            format!(
                "`{}{}` takes one value, not a list",
                field.display(),
                if op == Op::Eq { "=" } else { op.syntax() }
            ),
        ));
    };
    let bool_value = |what: &str| match item.text.as_str() {
        "true" => Ok(Value::Bool(true)),
        "false" => Ok(Value::Bool(false)),
        other => Err(QueryError::new(
            item.span.clone(),
            format!("{what} takes true or false, not `{}`", shown(other)),
        )),
    };
    match (op, info.kind) {
        (Op::Exists, _) => bool_value(&format!("`{}__exists`", field.wire())),
        (_, ValueKind::Bool) => bool_value(&format!("`{}`", field.display())),
        (_, ValueKind::Time) => time::parse(&item.text, now)
            .map(|ts| Value::String(ts.to_string()))
            .map_err(|why| {
                QueryError::new(
                    item.span.clone(),
                    format!(
                        "bad time `{}` for `{}`: {why}",
                        shown(&item.text),
                        field.display()
                    ),
                )
            }),
        _ => Ok(Value::String(item.text.clone())),
    }
}

/// Adds a condition, merging substring and scope lists and refusing contradictions.
fn insert(filter: &mut Filter, cond: Condition, span: Range<usize>) -> Result<(), QueryError> {
    let Some(existing) = filter.0.get_mut(&cond.key) else {
        filter.0.insert(cond.key, cond.value);
        return Ok(());
    };
    if *existing == cond.value {
        return Ok(());
    }
    if cond.merges
        && let (Value::Array(have), Value::Array(add)) = (existing, cond.value)
    {
        for v in add {
            if !have.contains(&v) {
                have.push(v);
            }
        }
        return Ok(());
    }
    let hint = match fields::lookup(&cond.key) {
        Some(info) if info.ops.contains(&Op::In) => {
            format!(
                "; to match either value use one list, e.g. {}=a,b",
                info.name
            )
        }
        _ => String::new(),
    };
    Err(QueryError::new(
        span,
        format!(
            "conflicts with an earlier term: `{}` is already set and every term must hold{hint}",
            cond.key
        ),
    ))
}
