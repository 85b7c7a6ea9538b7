//! Terms the server cannot filter: login place, risk flags, device, User-Agent and
//! profile keys whose names the API's `profile_<Name>` pattern (letters only) refuses.
//! They compile to [`LocalTerm`]s, which a caller checks on every session it receives.

use super::error::{QueryError, shown};
use super::fields::{self, FieldInfo, Op, Side, ValueKind, profile_name};
use super::lexer::{Item, RawOp, Spanned, Term};
use std::fmt;
use std::ops::Range;

/// A yes/no property of a login.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Flag {
    /// Through a VPN (`ip_intel.is_vpn`).
    Vpn,
    /// Through a proxy (`ip_intel.is_proxy`).
    Proxy,
    /// From an embargoed country (`embargo`).
    Embargo,
    /// The user is known to be breached (`user_intel`).
    Breached,
}

impl Flag {
    /// Every flag, in the order risk columns show them.
    pub const ALL: [Flag; 4] = [Flag::Vpn, Flag::Proxy, Flag::Embargo, Flag::Breached];

    /// The query word.
    pub fn name(self) -> &'static str {
        match self {
            Flag::Vpn => "vpn",
            Flag::Proxy => "proxy",
            Flag::Embargo => "embargo",
            Flag::Breached => "breached",
        }
    }
}

/// An IP reputation verdict (spec 4.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Verdict {
    /// Known bad.
    Malicious,
    /// Worth a look.
    Suspicious,
    /// Nothing known.
    Unknown,
    /// Known good.
    Benign,
}

impl Verdict {
    /// Every verdict, worst first.
    pub const ALL: [Verdict; 4] = [
        Verdict::Malicious,
        Verdict::Suspicious,
        Verdict::Unknown,
        Verdict::Benign,
    ];

    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Malicious => "malicious",
            Verdict::Suspicious => "suspicious",
            Verdict::Unknown => "unknown",
            Verdict::Benign => "benign",
        }
    }

    /// The verdict a server string names (case-insensitive).
    pub fn parse(text: &str) -> Option<Verdict> {
        Verdict::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

/// How a text term compares; a list means any of its values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextTest {
    /// Equal to one of these, ignoring case.
    Equals(Vec<String>),
    /// Contains one of these, ignoring case.
    Contains(Vec<String>),
}

/// How a local profile term compares (case-sensitive, as the server's profile filters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProfileTest {
    /// The value equals this.
    Equals(String),
    /// The value contains one of these.
    Contains(Vec<String>),
    /// The key is set (true) or not (false).
    Exists(bool),
}

/// One condition checked on each session locally.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LocalTerm {
    /// Login country: ISO code or country name.
    Country(TextTest),
    /// Login city.
    City(TextTest),
    /// Browser and OS parsed from the User-Agent.
    Device(TextTest),
    /// The raw User-Agent.
    UserAgent(TextTest),
    /// A login flag is set (true) or not (false).
    Flag(Flag, bool),
    /// The IP verdict is one of these.
    Risk(Vec<Verdict>),
    /// A profile key the server cannot filter.
    Profile {
        /// The key, as typed (`User-Agent`, `first_name`).
        name: String,
        /// What it must satisfy.
        test: ProfileTest,
    },
}

/// True for a profile key name that only a local check can handle: the server takes
/// letters only, and anything outside letters, digits, `-` and `_` is a typo.
fn is_local_profile_name(name: &str) -> bool {
    !name.is_empty()
        && !name.chars().all(|c| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// The local field `name` names, if any.
fn local_field(name: &str) -> Option<&'static FieldInfo> {
    fields::lookup(name).filter(|f| f.side == Side::Local)
}

fn flag_of(info: &FieldInfo) -> Option<Flag> {
    Flag::ALL.into_iter().find(|f| f.name() == info.name)
}

/// The local term `spanned` is, `None` when it is for the server.
pub(crate) fn term(input: &str, spanned: &Spanned) -> Result<Option<LocalTerm>, QueryError> {
    match &spanned.term {
        Term::Bare { items } => {
            let [item] = &items[..] else {
                return Ok(None);
            };
            // A quoted word is always a word: `"vpn"` searches emails.
            let quoted = input[item.span.clone()].starts_with('"');
            Ok(local_field(&item.text)
                .filter(|_| !quoted)
                .and_then(flag_of)
                .map(|f| LocalTerm::Flag(f, true)))
        }
        Term::Exists { key, negated } => {
            let name = &input[key.clone()];
            Ok(profile_name(name)
                .filter(|p| is_local_profile_name(p))
                .map(|p| LocalTerm::Profile {
                    name: p.to_string(),
                    test: ProfileTest::Exists(!negated),
                }))
        }
        Term::Field {
            key,
            op,
            op_span,
            items,
        } => {
            let text = &input[key.clone()];
            let (name, suffix) = match text.find("__") {
                Some(at) => (&text[..at], Some(&text[at + 2..])),
                None => (text, None),
            };
            let info = local_field(name);
            let pname = profile_name(name).filter(|p| is_local_profile_name(p));
            if info.is_none() && pname.is_none() {
                return Ok(None);
            }
            let op = match suffix {
                None => *op,
                Some(s) => {
                    let suffix_op = Op::from_suffix(s).ok_or_else(|| {
                        QueryError::new(
                            key.start + name.len()..key.end,
                            format!("unknown operator suffix `__{}`", shown(s)),
                        )
                    })?;
                    if *op != RawOp::Eq {
                        return Err(QueryError::new(
                            op_span.clone(),
                            format!("a key ending in `__{}` takes `=`", shown(s)),
                        ));
                    }
                    match suffix_op {
                        Op::Contains => RawOp::Tilde,
                        Op::In | Op::Eq => RawOp::Eq,
                        other => {
                            return Err(QueryError::new(
                                key.clone(),
                                format!("`{}` is not allowed on `{}`", other.suffix(), shown(name)),
                            ));
                        }
                    }
                }
            };
            match (info, pname) {
                (Some(info), _) => field(info, op, op_span, items).map(Some),
                (None, Some(p)) => profile(p, op, op_span, items).map(Some),
                (None, None) => Ok(None),
            }
        }
    }
}

fn texts(items: &[Item]) -> Vec<String> {
    items.iter().map(|i| i.text.clone()).collect()
}

fn not_allowed(op: RawOp, op_span: &Range<usize>, what: &str, takes: &str) -> QueryError {
    QueryError::new(
        op_span.clone(),
        format!(
            "`{}` is not allowed on `{what}`: it takes {takes}",
            op.text()
        ),
    )
}

/// A term on one of the local fields of the catalogue.
fn field(
    info: &'static FieldInfo,
    op: RawOp,
    op_span: &Range<usize>,
    items: &[Item],
) -> Result<LocalTerm, QueryError> {
    let takes = if info.kind == ValueKind::Flag {
        "no value, or =true / =false".to_string()
    } else {
        info.ops_syntax()
    };
    match info.kind {
        ValueKind::Flag => {
            let flag = flag_of(info).unwrap_or(Flag::Vpn);
            if op != RawOp::Eq {
                return Err(not_allowed(op, op_span, info.name, &takes));
            }
            match items {
                [one] if one.text == "true" => Ok(LocalTerm::Flag(flag, true)),
                [one] if one.text == "false" => Ok(LocalTerm::Flag(flag, false)),
                [one] => Err(QueryError::new(
                    one.span.clone(),
                    format!(
                        "`{}` takes true or false, not `{}`",
                        info.name,
                        shown(&one.text)
                    ),
                )),
                _ => Err(QueryError::new(
                    op_span.clone(),
                    format!("`{}` takes one value, not a list", info.name),
                )),
            }
        }
        ValueKind::Verdict => {
            if op != RawOp::Eq {
                return Err(not_allowed(op, op_span, info.name, &takes));
            }
            let mut verdicts = Vec::new();
            for item in items {
                let v = Verdict::parse(&item.text).ok_or_else(|| {
                    QueryError::new(
                        item.span.clone(),
                        format!(
                            "unknown verdict `{}`: expected malicious, suspicious, unknown or benign",
                            shown(&item.text)
                        ),
                    )
                })?;
                if !verdicts.contains(&v) {
                    verdicts.push(v);
                }
            }
            Ok(LocalTerm::Risk(verdicts))
        }
        _ => {
            let test = match op {
                RawOp::Eq => TextTest::Equals(texts(items)),
                RawOp::Tilde => TextTest::Contains(texts(items)),
                _ => return Err(not_allowed(op, op_span, info.name, &takes)),
            };
            Ok(match info.name {
                "country" => LocalTerm::Country(test),
                "city" => LocalTerm::City(test),
                "device" => LocalTerm::Device(test),
                _ => LocalTerm::UserAgent(test),
            })
        }
    }
}

/// A term on a profile key the server cannot filter.
fn profile(
    name: &str,
    op: RawOp,
    op_span: &Range<usize>,
    items: &[Item],
) -> Result<LocalTerm, QueryError> {
    let display = format!("profile.{name}");
    let test = match (op, items) {
        (RawOp::Eq, [one]) => ProfileTest::Equals(one.text.clone()),
        (RawOp::Eq, [first, .., last]) => {
            return Err(QueryError::new(
                first.span.start..last.span.end,
                format!(
                    "a list is not allowed on `{}`: it takes = ~ ?",
                    shown(&display)
                ),
            ));
        }
        (RawOp::Tilde, _) => ProfileTest::Contains(texts(items)),
        _ => return Err(not_allowed(op, op_span, &display, "= ~ ?")),
    };
    Ok(LocalTerm::Profile {
        name: name.to_string(),
        test,
    })
}

/// A value as a query would type it: plain when safe, else a JSON string.
fn typed(value: &str) -> String {
    let plain = !value.is_empty()
        && !value.starts_with('[')
        && !value.chars().any(|c| {
            c.is_whitespace()
                || c.is_control()
                || matches!(c, '"' | ',' | '=' | '~' | '<' | '>' | '!' | '?' | '\\')
        });
    if plain {
        value.to_string()
    } else {
        serde_json::Value::String(value.to_string()).to_string()
    }
}

fn list(values: &[String]) -> String {
    values
        .iter()
        .map(|v| typed(v))
        .collect::<Vec<_>>()
        .join(",")
}

fn text_term(f: &mut fmt::Formatter<'_>, name: &str, test: &TextTest) -> fmt::Result {
    match test {
        TextTest::Equals(v) => write!(f, "{name}={}", list(v)),
        TextTest::Contains(v) => write!(f, "{name}~{}", list(v)),
    }
}

/// The term as a query would type it; it compiles back to itself.
impl fmt::Display for LocalTerm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LocalTerm::Country(t) => text_term(f, "country", t),
            LocalTerm::City(t) => text_term(f, "city", t),
            LocalTerm::Device(t) => text_term(f, "device", t),
            LocalTerm::UserAgent(t) => text_term(f, "ua", t),
            LocalTerm::Flag(flag, true) => f.write_str(flag.name()),
            LocalTerm::Flag(flag, false) => write!(f, "{}=false", flag.name()),
            LocalTerm::Risk(v) => {
                let names: Vec<&str> = v.iter().map(|v| v.as_str()).collect();
                write!(f, "risk={}", names.join(","))
            }
            LocalTerm::Profile { name, test } => match test {
                ProfileTest::Equals(v) => write!(f, "profile.{name}={}", typed(v)),
                ProfileTest::Contains(v) => write!(f, "profile.{name}~{}", list(v)),
                ProfileTest::Exists(true) => write!(f, "profile.{name}?"),
                ProfileTest::Exists(false) => write!(f, "!profile.{name}?"),
            },
        }
    }
}
