//! The session tables' columns: which exist, which are shown by default, which go first
//! when the terminal is narrow, and how wide each may be. The names are the ones
//! `sessions list --columns` takes, so a column is called the same everywhere.
//!
//! Imports nothing of the TUI: the state (the picker, what is saved) and the drawing
//! both read it.

use crate::investigate::facts::Risk;
use crate::output::columns::Field;

/// A column of the session tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Col {
    /// Session id (shown whole or not at all).
    Id,
    /// Owner email.
    Email,
    /// Owner identity (shown whole or not at all).
    Identity,
    /// Record type.
    Type,
    /// Login time, relative.
    Created,
    /// Session expiry, relative.
    Expire,
    /// Where the login came from.
    Location,
    /// Browser and OS of the login.
    Device,
    /// Risk flags from the server's intelligence.
    Risk,
    /// Scopes.
    Scopes,
    /// The profile's `Login-Time`, as the server wrote it (to the second).
    LoginTime,
    /// Active token id (shown whole or not at all).
    Token,
    /// Active token expiry, relative.
    TokenExpire,
    /// Login time, absolute (UTC, to the second).
    CreatedAt,
    /// Session expiry, absolute (UTC, to the second).
    ExpireAt,
}

/// What the catalogue knows about one column.
#[derive(Debug, Clone, Copy)]
pub struct ColInfo {
    /// The column.
    pub col: Col,
    /// The name the picker, the saved file and `--columns` use.
    pub name: &'static str,
    /// The header.
    pub title: &'static str,
    /// The fewest cells it is drawn in (ids: the widest id on the page instead).
    pub min: u16,
    /// The most cells it grows to when there is room.
    pub max: u16,
    /// Shown unless the picker removes it.
    pub default: bool,
    /// Lower goes first when the terminal is narrow.
    pub keep: u8,
    /// One line for the picker.
    pub about: &'static str,
}

/// Width of the relative time columns: a title with its order arrow (`CREATED ▼`) and
/// every relative time (`47m ago`, `in 23h`).
pub const TIME: u16 = 9;
/// Width of an absolute time: `2026-03-01 12:00:00`.
pub const STAMP: u16 = 19;
/// Cells grown only by [`Col::Scopes`], which takes whatever is left.
const REST: u16 = u16::MAX;

/// Every column, in display order.
#[rustfmt::skip]
pub const CATALOGUE: &[ColInfo] = &[
    ColInfo { col: Col::Id, name: "id", title: "ID", min: 2, max: 2, default: true, keep: 1, about: "session id (whole or not at all)" },
    ColInfo { col: Col::Email, name: "email", title: "EMAIL", min: 16, max: 40, default: true, keep: 9, about: "the user's email" },
    ColInfo { col: Col::Identity, name: "identity", title: "IDENTITY", min: 8, max: 8, default: true, keep: 2, about: "the user's id (whole or not at all)" },
    ColInfo { col: Col::Type, name: "type", title: "TYPE", min: 7, max: 8, default: true, keep: 0, about: "record type" },
    ColInfo { col: Col::Created, name: "created", title: "CREATED", min: TIME, max: TIME, default: true, keep: 7, about: "login time, relative" },
    ColInfo { col: Col::Expire, name: "expire", title: "EXPIRES", min: TIME, max: TIME, default: true, keep: 8, about: "session expiry, relative" },
    ColInfo { col: Col::Location, name: "location", title: "LOCATION", min: 10, max: 22, default: true, keep: 6, about: "city and country of the login" },
    ColInfo { col: Col::Device, name: "device", title: "DEVICE", min: 12, max: 26, default: true, keep: 5, about: "browser and OS of the login" },
    ColInfo { col: Col::Risk, name: "risk", title: "RISK", min: 4, max: 4, default: true, keep: 4, about: "risk flags: MAL SUS VPN PRX EMB BRE" },
    ColInfo { col: Col::Scopes, name: "scopes", title: "SCOPES", min: 8, max: REST, default: true, keep: 3, about: "scopes" },
    ColInfo { col: Col::LoginTime, name: "login_time", title: "LOGIN-TIME", min: STAMP, max: STAMP, default: false, keep: 4, about: "the profile's Login-Time" },
    ColInfo { col: Col::Token, name: "token", title: "TOKEN", min: 5, max: 5, default: false, keep: 4, about: "active token id (whole or not at all)" },
    ColInfo { col: Col::TokenExpire, name: "token_expire", title: "TOKEN EXP", min: TIME, max: TIME, default: false, keep: 4, about: "active token expiry, relative" },
    ColInfo { col: Col::CreatedAt, name: "created_at", title: "CREATED AT", min: STAMP, max: STAMP, default: false, keep: 4, about: "login time, UTC" },
    ColInfo { col: Col::ExpireAt, name: "expire_at", title: "EXPIRES AT", min: STAMP, max: STAMP, default: false, keep: 4, about: "session expiry, UTC" },
];

/// Spare width is handed out in this order, each column up to the width given (at most
/// its `max`): a readable email first, then whole places and devices, then the rest.
const GROW: [(Col, u16); 6] = [
    (Col::Email, 30),
    (Col::Location, 22),
    (Col::Device, 26),
    (Col::Type, 8),
    (Col::Email, 40),
    (Col::Scopes, REST),
];

impl Col {
    /// The catalogue entry.
    pub fn info(self) -> &'static ColInfo {
        // Every variant has exactly one entry; the fallback is never taken.
        CATALOGUE
            .iter()
            .find(|i| i.col == self)
            .unwrap_or(&CATALOGUE[0])
    }

    /// The column called `name` (as the picker and the saved file write it).
    pub fn by_name(name: &str) -> Option<Col> {
        CATALOGUE
            .iter()
            .find(|i| i.name.eq_ignore_ascii_case(name.trim()))
            .map(|i| i.col)
    }

    /// What its cells show, from the one catalogue of cells.
    pub fn field(self) -> Field {
        match self {
            Col::Id => Field::Id,
            Col::Email => Field::Email,
            Col::Identity => Field::Identity,
            Col::Type => Field::Type,
            Col::Created => Field::Created,
            Col::Expire => Field::Expire,
            Col::Location => Field::Location,
            Col::Device => Field::Device,
            Col::Risk => Field::Risk,
            Col::Scopes => Field::Scopes,
            Col::LoginTime => Field::LoginTime,
            Col::Token => Field::Token,
            Col::TokenExpire => Field::TokenExpire,
            Col::CreatedAt => Field::CreatedAt,
            Col::ExpireAt => Field::ExpireAt,
        }
    }

    /// Shown whole or not at all, at the width of its widest value on the page.
    pub fn is_whole(self) -> bool {
        matches!(self, Col::Id | Col::Identity | Col::Token | Col::Risk)
    }
}

/// The columns shown when nothing was chosen.
pub fn defaults() -> Vec<Col> {
    CATALOGUE
        .iter()
        .filter(|i| i.default)
        .map(|i| i.col)
        .collect()
}

/// Widths of the page's widest values, for the columns shown whole or not at all.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Widest {
    /// Session ids.
    pub id: u16,
    /// Identities.
    pub identity: u16,
    /// Active token ids.
    pub token: u16,
    /// Risk flags.
    pub risk: u16,
}

impl Widest {
    fn of(self, col: Col) -> Option<u16> {
        match col {
            Col::Id => Some(self.id),
            Col::Identity => Some(self.identity),
            Col::Token => Some(self.token),
            Col::Risk => Some(self.risk),
            _ => None,
        }
    }
}

/// Cells the risk codes take, spaces included (`n/a` when not provided).
pub fn risk_width(r: &Risk) -> u16 {
    if !r.provided {
        return 3;
    }
    let n = r.raised().len();
    u16::try_from((n * 4).saturating_sub(1)).unwrap_or(u16::MAX)
}

/// Cells the email gets before columns that go before the times are dropped for it.
const EMAIL_WANT: u16 = 28;

/// Width of the marker column: selection, mark, in-flight.
pub const MARKER: u16 = 3;

/// The columns of `shown` that fit in `width` cells, in display order, with their widths.
/// The lowest `keep` goes first; a column shown whole takes its widest value's width (at
/// least its title's), so it is never cut. Costs O(columns), whatever the rows.
pub fn fit(width: u16, shown: &[Col], widest: Widest) -> Vec<(Col, u16)> {
    let mut cols: Vec<(Col, u16)> = CATALOGUE
        .iter()
        .filter(|i| shown.contains(&i.col))
        .map(|i| {
            let title = u16::try_from(i.title.chars().count()).unwrap_or(u16::MAX);
            let w = match widest.of(i.col) {
                Some(w) => w.max(title),
                None => i.min,
            };
            (i.col, w)
        })
        .collect();
    let need = |cols: &[(Col, u16)]| -> u32 {
        cols.iter().map(|c| u32::from(c.1) + 1).sum::<u32>() + u32::from(MARKER)
    };
    let lowest = |cols: &[(Col, u16)]| {
        cols.iter()
            .enumerate()
            .min_by_key(|(_, c)| c.0.info().keep)
            .map(|(i, c)| (i, c.0.info().keep))
    };
    while need(&cols) > u32::from(width) {
        let Some((drop, _)) = lowest(&cols) else {
            break;
        };
        cols.remove(drop);
    }
    // The email is the one column people read: before it is cut short, the columns that
    // go before the times make room for it.
    let spare = u32::from(width).saturating_sub(need(&cols));
    let email = cols
        .iter()
        .find(|c| c.0 == Col::Email)
        .map(|c| u32::from(c.1));
    if let Some(w) = email
        && w + spare < u32::from(EMAIL_WANT)
    {
        while need(&cols) + u32::from(EMAIL_WANT) - w > u32::from(width) {
            match lowest(&cols) {
                Some((drop, keep)) if keep < Col::Created.info().keep => {
                    cols.remove(drop);
                }
                _ => break,
            }
        }
    }
    let mut extra = u32::from(width).saturating_sub(need(&cols));
    for (grow, upto) in GROW {
        if let Some(c) = cols.iter_mut().find(|c| c.0 == grow) {
            let max = u32::from(grow.info().max.min(upto));
            let add = extra.min(max.saturating_sub(u32::from(c.1)));
            extra -= add;
            c.1 = u16::try_from(u32::from(c.1) + add).unwrap_or(u16::MAX);
        }
    }
    cols
}

#[cfg(test)]
mod tests {
    use super::*;

    fn widest() -> Widest {
        Widest {
            id: 36,
            identity: 36,
            token: 36,
            risk: 7,
        }
    }

    fn names(cols: &[(Col, u16)]) -> Vec<&'static str> {
        cols.iter().map(|c| c.0.info().name).collect()
    }

    #[test]
    fn columns_drop_in_the_documented_order() {
        let shown = defaults();
        let mut seen = Vec::new();
        for w in (10..=400).rev() {
            let cols = fit(w, &shown, widest());
            let used: u32 = cols.iter().map(|c| u32::from(c.1) + 1).sum::<u32>() + 3;
            assert!(used <= u32::from(w), "{w}: {cols:?}");
            for c in &shown {
                if !cols.iter().any(|k| k.0 == *c) && !seen.contains(c) {
                    seen.push(*c);
                }
            }
        }
        let order: Vec<&str> = seen.iter().map(|c| c.info().name).collect();
        assert_eq!(
            order,
            [
                "type", "id", "identity", "scopes", "risk", "device", "location", "created",
                "expire", "email"
            ]
        );
    }

    #[test]
    fn ids_are_whole_or_absent_and_space_is_used() {
        let shown = defaults();
        for w in [40, 80, 120, 250] {
            let cols = fit(w, &shown, widest());
            for (c, width) in &cols {
                if c.is_whole() {
                    assert!(*width >= widest().of(*c).unwrap(), "{w}: {cols:?}");
                }
            }
        }
        assert_eq!(
            names(&fit(40, &shown, widest())),
            ["email", "created", "expire"]
        );
        let wide = fit(250, &shown, widest());
        assert_eq!(wide.len(), shown.len(), "250 cells show every column");
        let used: u32 = wide.iter().map(|c| u32::from(c.1) + 1).sum::<u32>() + 3;
        assert_eq!(used, 250, "scopes take the rest");
    }

    #[test]
    fn names_round_trip() {
        for i in CATALOGUE {
            assert_eq!(Col::by_name(i.name), Some(i.col));
        }
        assert_eq!(Col::by_name("nope"), None);
    }
}
