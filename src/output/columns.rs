//! The one catalogue of session cells, and the CLI's columns over it.
//!
//! [`Field`] is what a cell can show about a session; [`Field::cell`] yields its text
//! and what it means ([`Mark`]) in the form a surface asks for ([`Form`]): exact for
//! CSV, relative times for the CLI table, compact codes for the terminal UI. Each
//! surface chooses its columns and styles the marks: the CLI's are [`Column`] below
//! (a name with aliases, the CSV header among them, a table header and width cap);
//! the terminal UI's are in `tui::columns`. Unknown names get the closest one, by the
//! query language's measure.

use super::json::json_line;
use crate::authn::model::{Session, Timestamp};
use crate::clock;
use crate::investigate::facts::{Derived, NOT_PROVIDED, Risk, Severity};
use crate::investigate::scopes;
use std::borrow::Cow;

/// What a cell can show about a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// Session id.
    Id,
    /// Record type.
    Type,
    /// Owner email.
    Email,
    /// Owner username, when the profile carries one.
    Username,
    /// Owner identity.
    Identity,
    /// Login time (relative but in CSV).
    Created,
    /// Session expiry (relative but in CSV).
    Expire,
    /// Login time, to the second.
    CreatedAt,
    /// Session expiry, to the second.
    ExpireAt,
    /// The profile's `Login-Time`, to the second when it reads as a time.
    LoginTime,
    /// Active token id.
    Token,
    /// Active token expiry (relative but in CSV).
    TokenExpire,
    /// Scopes.
    Scopes,
    /// Profile entries.
    Profile,
    /// City and country of the active token's IP, from the server's intelligence.
    Location,
    /// Browser and OS from the profile's User-Agent.
    Device,
    /// Risk flags from the server's intelligence (`n/a` when it sent none).
    Risk,
}

/// The form a surface writes cells in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// Exact values: RFC 3339 times, the profile as one JSON object, risk words.
    Csv,
    /// A CLI table: times relative to now, risk words.
    Table,
    /// The terminal UI: expiries as `in 3h`/`expired`, scopes comma-separated, risk codes.
    Screen,
}

/// What a cell's value means, for a surface to style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// A risk of this severity.
    Risk(Severity),
    /// Runs out within the hour.
    Expiring,
    /// Grants administration.
    Admin,
    /// The server sent nothing to work it out from (`n/a`).
    NotProvided,
}

/// One cell: its text (`None` when the session has no such value) and its meaning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell<'a> {
    /// The text, not yet made safe or cut; `None` when absent.
    pub text: Option<Cow<'a, str>>,
    /// What it means, when it means something beyond its text.
    pub mark: Option<Mark>,
}

/// What authtop worked out for a session, as cells read it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Facts<'a> {
    /// `Paris, FR`.
    pub location: Option<&'a str>,
    /// `Firefox 128 · Linux`.
    pub device: Option<&'a str>,
    /// The risk signals.
    pub risk: Risk,
}

impl<'a> Facts<'a> {
    /// The facts of a session whose derived fields are worked out.
    pub fn of(s: &Session, d: &'a Derived) -> Self {
        Facts {
            location: d.location.as_deref(),
            device: d.device.as_deref(),
            risk: Risk::of(s),
        }
    }
}

/// What "expiring soon" means: within the hour.
const SOON_SECS: i64 = 3600;

/// A time to the second, UTC: `2026-03-01 12:00:00`.
fn stamp(t: Timestamp) -> String {
    t.strftime("%Y-%m-%d %H:%M:%S").to_string()
}

impl<'a> Cell<'a> {
    fn text(text: impl Into<Cow<'a, str>>) -> Self {
        Cell {
            text: Some(text.into()),
            mark: None,
        }
    }

    fn absent() -> Self {
        Cell {
            text: None,
            mark: None,
        }
    }

    fn marked(text: impl Into<Cow<'a, str>>, mark: Option<Mark>) -> Self {
        Cell {
            text: Some(text.into()),
            mark,
        }
    }
}

impl Field {
    /// The cell of session `s` in `form`; times are relative to `now`.
    pub fn cell<'a>(self, s: &'a Session, f: &Facts<'a>, now: Timestamp, form: Form) -> Cell<'a> {
        let token = s.active_token.as_ref();
        match self {
            Field::Id => Cell::text(s.id.as_str()),
            Field::Type => Cell::text(s.kind.as_str()),
            Field::Email => Cell::text(s.email.as_str()),
            Field::Identity => Cell::text(s.identity.as_str()),
            Field::Username => s
                .profile
                .get("username")
                .map_or_else(Cell::absent, |u| Cell::text(u.as_str())),
            Field::Created => match form {
                Form::Csv => Cell::text(s.created_at.to_string()),
                Form::Table | Form::Screen => Cell::text(clock::ago_coarse(s.created_at, now)),
            },
            Field::Expire => expiry(s.expire, now, form),
            Field::CreatedAt => Cell::text(stamp(s.created_at)),
            Field::ExpireAt => Cell::text(stamp(s.expire)),
            Field::LoginTime => match s.profile.get("Login-Time") {
                Some(v) => match v.parse::<Timestamp>() {
                    Ok(t) => Cell::text(stamp(t)),
                    Err(_) => Cell::text(v.as_str()),
                },
                None => Cell::absent(),
            },
            Field::Token => token.map_or_else(Cell::absent, |t| Cell::text(t.id.as_str())),
            Field::TokenExpire => token.map_or_else(Cell::absent, |t| expiry(t.expire, now, form)),
            Field::Scopes => match &s.scopes {
                None => Cell::absent(),
                Some(v) if form == Form::Screen => {
                    // Privileged scopes first, so a narrow cell keeps them (see
                    // `investigate::scopes`); administration is marked.
                    let admin = v.iter().any(|s| scopes::rank(s) == 2);
                    let text = scopes::privileged_first(v).join(",");
                    Cell::marked(text, admin.then_some(Mark::Admin))
                }
                Some(v) => Cell::text(v.join(" ")),
            },
            Field::Profile if s.profile.is_empty() => Cell::absent(),
            Field::Profile => match form {
                Form::Csv => json_line(&s.profile).map_or_else(|_| Cell::absent(), Cell::text),
                Form::Table | Form::Screen => Cell::text(
                    s.profile
                        .iter()
                        .map(|(k, v)| format!("{k}={v}"))
                        .collect::<Vec<_>>()
                        .join(" "),
                ),
            },
            Field::Location => f.location.map_or_else(Cell::absent, Cell::text),
            Field::Device => f.device.map_or_else(Cell::absent, Cell::text),
            Field::Risk if !f.risk.provided => Cell::marked(NOT_PROVIDED, Some(Mark::NotProvided)),
            Field::Risk => {
                let raised = f.risk.raised();
                let words: Vec<&str> = raised
                    .iter()
                    .map(|r| if form == Form::Screen { r.code } else { r.word })
                    .collect();
                Cell::marked(words.join(" "), f.risk.severity().map(Mark::Risk))
            }
        }
    }
}

/// An expiry: exact in CSV, `3h ago`/`in 3h` in a CLI table, `expired`/`in 3h` on screen
/// (marked when it runs out within the hour).
fn expiry<'a>(t: Timestamp, now: Timestamp, form: Form) -> Cell<'a> {
    match form {
        Form::Csv => Cell::text(t.to_string()),
        Form::Table => Cell::text(clock::ago_coarse(t, now)),
        Form::Screen => {
            let left = t.as_second() - now.as_second();
            let soon = (0..SOON_SECS).contains(&left);
            Cell::marked(clock::until_coarse(t, now), soon.then_some(Mark::Expiring))
        }
    }
}

/// A session column of the CLI: the field it shows (`--columns` names the ones in
/// its catalogue below).
pub type Column = Field;

struct Spec {
    column: Column,
    name: &'static str,
    aliases: &'static [&'static str],
    header: &'static str,
    csv: &'static str,
    cap: usize,
}

const SPECS: [Spec; 14] = [
    Spec {
        column: Column::Id,
        name: "id",
        aliases: &[],
        header: "ID",
        csv: "id",
        cap: 40,
    },
    Spec {
        column: Column::Type,
        name: "type",
        aliases: &[],
        header: "TYPE",
        csv: "type",
        cap: 12,
    },
    Spec {
        column: Column::Email,
        name: "email",
        aliases: &[],
        header: "EMAIL",
        csv: "email",
        cap: 40,
    },
    Spec {
        column: Column::Username,
        name: "username",
        aliases: &[],
        header: "USERNAME",
        csv: "username",
        cap: 30,
    },
    Spec {
        column: Column::Identity,
        name: "identity",
        aliases: &["user"],
        header: "IDENTITY",
        csv: "identity",
        cap: 40,
    },
    Spec {
        column: Column::Created,
        name: "created",
        aliases: &["created_at"],
        header: "CREATED",
        csv: "created_at",
        cap: 12,
    },
    Spec {
        column: Column::Expire,
        name: "expire",
        aliases: &["expires"],
        header: "EXPIRES",
        csv: "expire",
        cap: 12,
    },
    Spec {
        column: Column::Token,
        name: "token",
        aliases: &["active_token_id"],
        header: "TOKEN",
        csv: "active_token_id",
        cap: 40,
    },
    Spec {
        column: Column::TokenExpire,
        name: "token_expire",
        aliases: &["active_token_expire"],
        header: "TOKEN EXPIRES",
        csv: "active_token_expire",
        cap: 14,
    },
    Spec {
        column: Column::Scopes,
        name: "scopes",
        aliases: &["scope"],
        header: "SCOPES",
        csv: "scopes",
        cap: 40,
    },
    Spec {
        column: Column::Profile,
        name: "profile",
        aliases: &[],
        header: "PROFILE",
        csv: "profile",
        cap: 60,
    },
    Spec {
        column: Column::Location,
        name: "location",
        aliases: &["city", "country"],
        header: "LOCATION",
        csv: "location",
        cap: 24,
    },
    Spec {
        column: Column::Device,
        name: "device",
        aliases: &["ua"],
        header: "DEVICE",
        csv: "device",
        cap: 28,
    },
    Spec {
        column: Column::Risk,
        name: "risk",
        aliases: &[],
        header: "RISK",
        csv: "risk",
        cap: 28,
    },
];

/// The table's columns when `--columns` is not given.
pub const TABLE_DEFAULT: &[Column] = &[
    Column::Id,
    Column::Email,
    Column::Identity,
    Column::Created,
    Column::Expire,
    Column::Location,
    Column::Device,
    Column::Risk,
];

/// The CSV columns when `--columns` is not given: every column.
pub const CSV_DEFAULT: &[Column] = &[
    Column::Id,
    Column::Type,
    Column::Email,
    Column::Identity,
    Column::Created,
    Column::Expire,
    Column::Token,
    Column::TokenExpire,
    Column::Scopes,
    Column::Profile,
    Column::Username,
    Column::Location,
    Column::Device,
    Column::Risk,
];

impl Column {
    fn spec(self) -> &'static Spec {
        // Only fields `parse` returns reach the CLI, and each has exactly one row; the
        // fallback is never taken.
        SPECS.iter().find(|s| s.column == self).unwrap_or(&SPECS[0])
    }

    /// The name `--columns` takes.
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// The table header.
    pub fn header(self) -> &'static str {
        self.spec().header
    }

    /// The CSV header.
    pub fn csv_header(self) -> &'static str {
        self.spec().csv
    }

    /// The widest a table cell may be.
    pub fn cap(self) -> usize {
        self.spec().cap
    }

    /// The cell in a table: times relative to `now`, long values as they are (the table cuts).
    pub fn table_cell(self, s: &Session, f: &Facts<'_>, now: Timestamp) -> String {
        self.text(s, f, now, Form::Table)
    }

    /// The cell in CSV: exact times, the profile as one JSON object.
    pub fn csv_cell(self, s: &Session, f: &Facts<'_>, now: Timestamp) -> String {
        self.text(s, f, now, Form::Csv)
    }

    fn text(self, s: &Session, f: &Facts<'_>, now: Timestamp, form: Form) -> String {
        self.cell(s, f, now, form)
            .text
            .map(Cow::into_owned)
            .unwrap_or_default()
    }
}

/// Parses one `--columns` name (case-insensitive, aliases and CSV headers accepted).
pub fn parse(name: &str) -> Result<Column, String> {
    let name = name.trim();
    let names = || {
        SPECS
            .iter()
            .flat_map(|s| std::iter::once(s.name).chain(s.aliases.iter().copied()))
    };
    if let Some(spec) = SPECS.iter().find(|s| {
        std::iter::once(s.name)
            .chain(s.aliases.iter().copied())
            .any(|n| n.eq_ignore_ascii_case(name))
    }) {
        return Ok(spec.column);
    }
    let hint = match crate::query::closest(name, names()) {
        Some(s) => format!("; did you mean `{s}`?"),
        None => String::new(),
    };
    let all: Vec<&str> = SPECS.iter().map(|s| s.name).collect();
    Err(format!(
        "unknown column `{}`{hint} (one of: {})",
        crate::sanitize::clean(name),
        all.join(", ")
    ))
}

/// Every column's name, for completion scripts.
pub fn names() -> impl Iterator<Item = &'static str> {
    SPECS.iter().map(|s| s.name)
}

/// Every column name, for help text.
pub fn names_help() -> String {
    SPECS.iter().map(|s| s.name).collect::<Vec<_>>().join(", ")
}

/// LOCATION, DEVICE and RISK as table and CSV cells; RISK reads `n/a` when the server
/// sent no intelligence and is empty when it sent a clean one.
pub fn derived_cells(d: &Derived) -> [String; 3] {
    [
        d.location.clone().unwrap_or_default(),
        d.device.clone().unwrap_or_default(),
        match &d.risk {
            None => NOT_PROVIDED.to_string(),
            Some(flags) => flags.join(" "),
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_aliases_and_csv_headers_parse_and_typos_get_a_hint() {
        assert_eq!(parse("EMAIL"), Ok(Column::Email));
        assert_eq!(parse("expires"), Ok(Column::Expire));
        for c in CSV_DEFAULT {
            assert_eq!(parse(c.csv_header()), Ok(*c));
            assert_eq!(parse(c.name()), Ok(*c));
        }
        let e = parse("emial").unwrap_err();
        assert!(e.contains("did you mean `email`?"), "{e}");
        assert!(!parse("zzzzzz").unwrap_err().contains("did you mean"));
    }
}
