//! The session columns of the table and CSV outputs, and `--columns` naming them.
//!
//! One catalogue: each column has a name (with aliases, the CSV header among them), a
//! table header and width cap, and how its cell reads in a table (relative times) and
//! in CSV (exact values). Unknown names get the closest one, by the query language's
//! measure.

use super::json::json_line;
use crate::authn::model::{Session, Timestamp};
use crate::clock::ago_coarse as relative;
use crate::investigate::facts::Derived;
use crate::investigate::facts::NOT_PROVIDED;

/// A session column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
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
    /// Login time.
    Created,
    /// Session expiry.
    Expire,
    /// Active token id.
    Token,
    /// Active token expiry.
    TokenExpire,
    /// Scopes, space-separated.
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
        // Every variant has exactly one row; the fallback is never taken.
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
    pub fn table_cell(self, s: &Session, d: &Derived, now: Timestamp) -> String {
        match self {
            Column::Created => relative(s.created_at, now),
            Column::Expire => relative(s.expire, now),
            Column::TokenExpire => s
                .active_token
                .as_ref()
                .map(|t| relative(t.expire, now))
                .unwrap_or_default(),
            Column::Profile => s
                .profile
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(" "),
            _ => self.csv_cell(s, d),
        }
    }

    /// The cell in CSV: exact times, the profile as one JSON object.
    pub fn csv_cell(self, s: &Session, d: &Derived) -> String {
        let token = s.active_token.as_ref();
        match self {
            Column::Location | Column::Device | Column::Risk => {
                let [location, device, risk] = derived_cells(d);
                match self {
                    Column::Location => location,
                    Column::Device => device,
                    _ => risk,
                }
            }
            Column::Id => s.id.clone(),
            Column::Type => s.kind.clone(),
            Column::Email => s.email.clone(),
            Column::Username => s.profile.get("username").cloned().unwrap_or_default(),
            Column::Identity => s.identity.clone(),
            Column::Created => s.created_at.to_string(),
            Column::Expire => s.expire.to_string(),
            Column::Token => token.map(|t| t.id.clone()).unwrap_or_default(),
            Column::TokenExpire => token.map(|t| t.expire.to_string()).unwrap_or_default(),
            Column::Scopes => s.scopes.as_deref().unwrap_or_default().join(" "),
            Column::Profile if s.profile.is_empty() => String::new(),
            Column::Profile => json_line(&s.profile).unwrap_or_default(),
        }
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
