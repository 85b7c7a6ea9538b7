//! Splitting a query line into terms and a term into field, operator and values.
//!
//! Every span is a byte range of the original line taken from `char_indices`, so it
//! always falls on character boundaries.

use super::error::QueryError;
use super::fields;
use std::ops::Range;

/// The operator as typed, before the field decides what it means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RawOp {
    /// `=`
    Eq,
    /// `~`
    Tilde,
    /// `>`
    Gt,
    /// `>=`
    Gte,
    /// `<`
    Lt,
    /// `<=`
    Lte,
}

impl RawOp {
    /// As typed.
    pub(crate) fn text(self) -> &'static str {
        match self {
            RawOp::Eq => "=",
            RawOp::Tilde => "~",
            RawOp::Gt => ">",
            RawOp::Gte => ">=",
            RawOp::Lt => "<",
            RawOp::Lte => "<=",
        }
    }
}

/// One value of a term, unquoted and unescaped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Item {
    /// The value itself.
    pub text: String,
    /// Where it was typed, quotes included.
    pub span: Range<usize>,
}

/// A term, split into its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Term {
    /// A word without a field: `acme`, `"a b"`.
    Bare { items: Vec<Item> },
    /// `field<op>values`.
    Field {
        key: Range<usize>,
        op: RawOp,
        op_span: Range<usize>,
        items: Vec<Item>,
    },
    /// `profile.Name?` or `!profile.Name?`.
    Exists { key: Range<usize>, negated: bool },
}

/// A term and where it sits in the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Spanned {
    /// The whole term.
    pub span: Range<usize>,
    /// Its parts.
    pub term: Term,
}

const QUOTE_HINT: &str = "quote values that contain spaces or operators, e.g. email~\"a b\"";

/// The line cut into terms at whitespace outside quotes.
pub(crate) fn terms(input: &str) -> Result<Vec<Spanned>, QueryError> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut quote: Option<usize> = None;
    let mut escaped = false;
    for (i, c) in input.char_indices() {
        if quote.is_some() {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                quote = None;
            }
            continue;
        }
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                out.push(term(input, s..i)?);
            }
            continue;
        }
        start.get_or_insert(i);
        if c == '"' {
            quote = Some(i);
        }
    }
    if let Some(open) = quote {
        return Err(QueryError::new(
            open..input.len(),
            "unterminated quote: expected a closing `\"`",
        ));
    }
    if let Some(s) = start {
        out.push(term(input, s..input.len())?);
    }
    Ok(out)
}

/// True for characters a field name is made of.
fn is_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '.'
}

/// The operator starting at `rest`, with its length in bytes; `Err` for negations.
fn operator(rest: &str) -> Option<Result<(RawOp, usize), &'static str>> {
    let mut chars = rest.chars();
    let first = chars.next()?;
    let second = chars.next();
    Some(Ok(match (first, second) {
        ('>', Some('=')) => (RawOp::Gte, 2),
        ('<', Some('=')) => (RawOp::Lte, 2),
        ('>', _) => (RawOp::Gt, 1),
        ('<', _) => (RawOp::Lt, 1),
        ('=', _) => (RawOp::Eq, 1),
        ('~', _) => (RawOp::Tilde, 1),
        ('!', Some('=')) => return Some(Err("!=")),
        ('!', Some('~')) => return Some(Err("!~")),
        _ => return None,
    }))
}

/// One term from its span.
fn term(input: &str, span: Range<usize>) -> Result<Spanned, QueryError> {
    let text = &input[span.clone()];
    let base = span.start;
    let spanned = |term| {
        Ok(Spanned {
            span: span.clone(),
            term,
        })
    };

    // The field name ends at the first operator; a quote or bracket first means a bare word.
    for (i, c) in text.char_indices() {
        if c == '"' || c == '[' {
            break;
        }
        let Some(found) = operator(&text[i..]) else {
            continue;
        };
        let at = base + i;
        let (op, len) = match found {
            Ok(found) => found,
            Err(neg) => {
                return Err(QueryError::new(
                    at..at + 2,
                    format!(
                        "`{neg}` is not supported: the API has no negative conditions except !profile.Name?"
                    ),
                ));
            }
        };
        let op_span = at..at + len;
        if i == 0 {
            return Err(QueryError::new(
                op_span,
                format!(
                    "missing field name before `{}`: write field{}value with no spaces",
                    op.text(),
                    op.text()
                ),
            ));
        }
        let value_start = op_span.end;
        if op == RawOp::Eq && text[i + len..].starts_with('=') {
            return Err(QueryError::new(
                at..at + 2,
                "`==` is not an operator: use a single `=`",
            ));
        }
        let items = values(input, value_start..span.end, &span)?;
        return spanned(Term::Field {
            key: base..at,
            op,
            op_span,
            items,
        });
    }

    let (negated, rest, rest_start) = match text.strip_prefix('!') {
        Some(rest) => (true, rest, base + 1),
        None => (false, text, base),
    };
    if let Some(name) = rest.strip_suffix('?')
        && !name.is_empty()
        && (name.chars().all(is_key_char) || fields::profile_name(name).is_some())
    {
        return spanned(Term::Exists {
            key: rest_start..rest_start + name.len(),
            negated,
        });
    }
    if negated {
        return Err(QueryError::new(
            span.clone(),
            "`!` only negates profile.Name? (the API has no other negative conditions); quote a word that starts with `!`",
        ));
    }
    let items = values(input, span.clone(), &span)?;
    spanned(Term::Bare { items })
}

/// The comma-separated values in `range`, optionally inside `[` `]`.
fn values(input: &str, range: Range<usize>, term: &Range<usize>) -> Result<Vec<Item>, QueryError> {
    let text = &input[range.clone()];
    let base = range.start;
    if text.is_empty() {
        return Err(QueryError::new(
            term.clone(),
            format!("missing value: expected something after the operator; {QUOTE_HINT}"),
        ));
    }
    let bracketed = text.starts_with('[');
    let mut items = Vec::new();
    let mut current = String::new();
    let mut item_start = if bracketed { base + 1 } else { base };
    let mut closed = false;
    let mut chars = text.char_indices().skip(usize::from(bracketed)).peekable();
    let push = |items: &mut Vec<Item>, current: &mut String, start: usize, end: usize| {
        if current.is_empty() && start == end {
            return Err(QueryError::new(
                term.clone(),
                format!("empty value: expected text between the commas; {QUOTE_HINT}"),
            ));
        }
        if current.is_empty() {
            return Err(QueryError::new(
                start..end,
                "empty value: \"\" matches nothing useful",
            ));
        }
        items.push(Item {
            text: std::mem::take(current),
            span: start..end,
        });
        Ok(())
    };
    while let Some((i, c)) = chars.next() {
        let at = base + i;
        if closed {
            return Err(QueryError::new(
                at..range.end,
                "unexpected text after `]`: a list ends the term",
            ));
        }
        match c {
            '"' => quoted(input, at, &mut chars, base, &mut current)?,
            ',' => {
                push(&mut items, &mut current, item_start, at)?;
                item_start = at + 1;
            }
            ']' if bracketed => {
                push(&mut items, &mut current, item_start, at)?;
                closed = true;
            }
            _ => current.push(c),
        }
    }
    if bracketed && !closed {
        return Err(QueryError::new(
            base..base + 1,
            "unclosed `[`: expected `]` at the end of the list (no spaces inside a list)",
        ));
    }
    if !closed {
        push(&mut items, &mut current, item_start, range.end)?;
    }
    Ok(items)
}

/// Reads a quoted string whose opening quote is at `open`, appending its text to `out`.
fn quoted(
    input: &str,
    open: usize,
    chars: &mut std::iter::Peekable<impl Iterator<Item = (usize, char)>>,
    base: usize,
    out: &mut String,
) -> Result<(), QueryError> {
    while let Some((i, c)) = chars.next() {
        let at = base + i;
        match c {
            '"' => return Ok(()),
            '\\' => {
                let Some((j, e)) = chars.next() else { break };
                let bad = |end: usize, what: &str| {
                    QueryError::new(
                        at..end,
                        format!(
                            "{what}: inside quotes use \\\" or \\\\ (also \\n \\t \\r \\/ \\b \\f \\uXXXX)"
                        ),
                    )
                };
                let after = base + j + e.len_utf8();
                match e {
                    '"' | '\\' | '/' => out.push(e),
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    'r' => out.push('\r'),
                    'b' => out.push('\u{8}'),
                    'f' => out.push('\u{c}'),
                    'u' => {
                        let hex = input.get(after..after + 4).unwrap_or("");
                        let decoded = (hex.len() == 4
                            && hex.chars().all(|h| h.is_ascii_hexdigit()))
                        .then(|| u32::from_str_radix(hex, 16).ok())
                        .flatten()
                        .and_then(char::from_u32);
                        let Some(decoded) = decoded else {
                            return Err(bad(
                                after,
                                "bad \\u escape (four hex digits, no surrogates)",
                            ));
                        };
                        out.push(decoded);
                        for _ in 0..4 {
                            chars.next();
                        }
                    }
                    _ => {
                        return Err(bad(
                            after,
                            &format!("unknown escape `\\{}`", e.escape_debug()),
                        ));
                    }
                }
            }
            _ => out.push(c),
        }
    }
    Err(QueryError::new(
        open..input.len(),
        "unterminated quote: expected a closing `\"`",
    ))
}
