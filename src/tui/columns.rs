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
///
/// The drop order (`keep`, lowest first) is security first: on a narrow terminal the
/// risk and the privileged scopes outlast the place and the device, and the times and
/// the email outlast everything but the risk. Type, identity, the session id (36 cells,
/// and in the detail view and the copy menu), device and location go first, in that
/// order; a dropped column is one `→` away. From 160 cells the session id shows.
#[rustfmt::skip]
pub const CATALOGUE: &[ColInfo] = &[
    ColInfo { col: Col::Id, name: "id", title: "ID", min: 2, max: 2, default: true, keep: 3, about: "session id (whole or not at all)" },
    ColInfo { col: Col::Email, name: "email", title: "EMAIL", min: 16, max: 40, default: true, keep: 18, about: "the user's email" },
    ColInfo { col: Col::Identity, name: "identity", title: "IDENTITY", min: 8, max: 8, default: true, keep: 2, about: "the user's id (whole or not at all)" },
    ColInfo { col: Col::Type, name: "type", title: "TYPE", min: 7, max: 8, default: true, keep: 0, about: "record type" },
    ColInfo { col: Col::Created, name: "created", title: "CREATED", min: TIME, max: TIME, default: true, keep: 14, about: "login time, relative" },
    ColInfo { col: Col::Expire, name: "expire", title: "EXPIRES", min: TIME, max: TIME, default: true, keep: 12, about: "session expiry, relative" },
    ColInfo { col: Col::Location, name: "location", title: "LOCATION", min: 10, max: 22, default: true, keep: 6, about: "city and country of the login" },
    ColInfo { col: Col::Device, name: "device", title: "DEVICE", min: 12, max: 26, default: true, keep: 4, about: "browser and OS of the login" },
    ColInfo { col: Col::Risk, name: "risk", title: "RISK", min: 4, max: 4, default: true, keep: 16, about: "risk flags: MAL SUS VPN PRX EMB BRE" },
    ColInfo { col: Col::Scopes, name: "scopes", title: "SCOPES", min: 8, max: REST, default: true, keep: 10, about: "scopes, privileged first (admin, write, …)" },
    ColInfo { col: Col::LoginTime, name: "login_time", title: "LOGIN-TIME", min: STAMP, max: STAMP, default: false, keep: 5, about: "the profile's Login-Time" },
    ColInfo { col: Col::Token, name: "token", title: "TOKEN", min: 5, max: 5, default: false, keep: 5, about: "active token id (whole or not at all)" },
    ColInfo { col: Col::TokenExpire, name: "token_expire", title: "TOKEN EXP", min: TIME, max: TIME, default: false, keep: 5, about: "active token expiry, relative" },
    ColInfo { col: Col::CreatedAt, name: "created_at", title: "CREATED AT", min: STAMP, max: STAMP, default: false, keep: 5, about: "login time, UTC" },
    ColInfo { col: Col::ExpireAt, name: "expire_at", title: "EXPIRES AT", min: STAMP, max: STAMP, default: false, keep: 5, about: "session expiry, UTC" },
];

/// Spare width is handed out in this order, each column up to the width given (at most
/// its `max`): a readable email first, then room for the scopes (privileged ones whole;
/// no more than this result's widest scopes need), then whole places and devices, then
/// the rest.
const GROW: [(Col, u16); 7] = [
    (Col::Email, 30),
    (Col::Scopes, 20),
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

/// Widths of the widest values seen in a result, for the columns shown whole or not at
/// all and for the full width of the scopes.
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
    /// Every scope of a session, comma-separated.
    pub scopes: u16,
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

    /// The larger of each width.
    #[must_use]
    pub fn max(self, o: Widest) -> Widest {
        Widest {
            id: self.id.max(o.id),
            identity: self.identity.max(o.identity),
            token: self.token.max(o.token),
            risk: self.risk.max(o.risk),
            scopes: self.scopes.max(o.scopes),
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

/// Cells the email gets before columns that go before the scopes are dropped for it.
const EMAIL_WANT: u16 = 28;

/// Width of the marker column: selection, mark, in-flight.
pub const MARKER: u16 = 3;

/// Cells of a title.
fn title_width(i: &ColInfo) -> u16 {
    u16::try_from(i.title.chars().count()).unwrap_or(u16::MAX)
}

/// The narrowest a column is drawn: a column shown whole takes its widest value's width
/// (at least its title's and the order arrow's, `RISK ▼`), so it is never cut.
fn base(i: &ColInfo, widest: Widest) -> u16 {
    match widest.of(i.col) {
        Some(w) => w.max(title_width(i) + 2),
        None => i.min,
    }
}

/// The widest a column is drawn in the wide view: every value whole where it can be.
fn full(i: &ColInfo, widest: Widest) -> u16 {
    match i.col {
        Col::Scopes => widest.scopes.max(title_width(i)).max(i.min),
        _ if widest.of(i.col).is_some() => base(i, widest),
        _ => i.max,
    }
}

fn need(cols: &[(Col, u16)]) -> u32 {
    cols.iter().map(|c| u32::from(c.1) + 1).sum::<u32>() + u32::from(MARKER)
}

/// How the columns are laid out: the security-first fit (scroll 0), scrolled across
/// the columns with the email pinned, or wide (every column at its full width).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ColView {
    /// 0: the fit; N: the columns from the Nth after the pinned one (wide: from N+1th).
    pub scroll: usize,
    /// Every column at its full width, scrolled sideways.
    pub wide: bool,
}

/// The columns drawn and how many of those shown are hidden to the left and right.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Fitted {
    /// The columns drawn, in display order, with their widths.
    pub cols: Vec<(Col, u16)>,
    /// Hidden columns a `←` would bring back.
    pub left: usize,
    /// Hidden columns a `→` (or the wide view) would bring back.
    pub right: usize,
}

impl Fitted {
    /// Columns shown but not drawn.
    pub fn hidden(&self) -> usize {
        self.left + self.right
    }
}

/// The column that stays put while the others scroll: whose session the row is.
pub const PINNED: Col = Col::Email;

/// The columns of `shown` laid out in `width` cells as `view` asks.
pub fn layout(width: u16, shown: &[Col], widest: Widest, view: ColView) -> Fitted {
    if view.scroll == 0 && !view.wide {
        let cols = fit(width, shown, widest);
        let right = shown.len().saturating_sub(cols.len());
        return Fitted {
            cols,
            left: 0,
            right,
        };
    }
    let infos: Vec<&ColInfo> = CATALOGUE
        .iter()
        .filter(|i| shown.contains(&i.col))
        .collect();
    let pinned = infos.iter().find(|i| i.col == PINNED);
    let rest: Vec<&&ColInfo> = infos.iter().filter(|i| i.col != PINNED).collect();
    let start = if view.wide {
        view.scroll
    } else {
        view.scroll - 1
    }
    .min(rest.len().saturating_sub(1));
    let width_of = |i: &ColInfo| {
        if view.wide {
            full(i, widest)
        } else {
            base(i, widest)
        }
    };
    let mut cols: Vec<(Col, u16)> = pinned.map(|i| (i.col, width_of(i))).into_iter().collect();
    let mut taken = 0;
    for i in rest.iter().skip(start) {
        cols.push((i.col, width_of(i)));
        let over = need(&cols).saturating_sub(u32::from(width));
        if over > 0 {
            let last = cols.len() - 1;
            let w = u32::from(cols[last].1);
            if taken > 0 || w <= over {
                cols.pop();
                break;
            }
            // The first column scrolled to is drawn even when wider than the room
            // left: cut, rather than nothing but the pinned one.
            cols[last].1 = u16::try_from(w - over).unwrap_or(u16::MAX);
            taken += 1;
            break;
        }
        taken += 1;
    }
    if !view.wide {
        grow(&mut cols, width, widest);
    }
    // Display order: the pinned column first, the rest as the catalogue has them.
    Fitted {
        cols,
        left: start,
        right: rest.len() - start - taken,
    }
}

/// Hands spare width out in [`GROW`] order.
fn grow(cols: &mut [(Col, u16)], width: u16, widest: Widest) {
    let mut extra = u32::from(width).saturating_sub(need(cols));
    for (grow, upto) in GROW {
        // Room the scopes of this result do not use goes on to places and devices.
        let upto = if grow == Col::Scopes && upto != REST {
            upto.min(widest.scopes.max(grow.info().min))
        } else {
            upto
        };
        if let Some(c) = cols.iter_mut().find(|c| c.0 == grow) {
            let max = u32::from(grow.info().max.min(upto));
            let add = extra.min(max.saturating_sub(u32::from(c.1)));
            extra -= add;
            c.1 = u16::try_from(u32::from(c.1) + add).unwrap_or(u16::MAX);
        }
    }
}

/// The columns of `shown` that fit in `width` cells, in display order, with their widths.
/// The lowest `keep` goes first; a column shown whole takes its widest value's width (at
/// least its title's), so it is never cut. Costs O(columns), whatever the rows.
pub fn fit(width: u16, shown: &[Col], widest: Widest) -> Vec<(Col, u16)> {
    let mut cols: Vec<(Col, u16)> = CATALOGUE
        .iter()
        .filter(|i| shown.contains(&i.col))
        .map(|i| (i.col, base(i, widest)))
        .collect();
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
    // go before the scopes (never the risk or the scopes) make room for it.
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
                Some((drop, keep)) if keep < Col::Scopes.info().keep => {
                    cols.remove(drop);
                }
                _ => break,
            }
        }
    }
    grow(&mut cols, width, widest);
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
            scopes: 30,
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
                "type", "identity", "id", "device", "location", "scopes", "expire", "created",
                "risk", "email"
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
            ["email", "created", "risk"]
        );
        assert_eq!(
            names(&fit(80, &shown, widest())),
            ["email", "created", "expire", "location", "risk", "scopes"]
        );
        assert_eq!(
            names(&fit(160, &shown, widest())),
            [
                "id", "email", "created", "expire", "location", "device", "risk", "scopes"
            ],
            "the session id is shown at 160 cells"
        );
        let wide = fit(250, &shown, widest());
        assert_eq!(wide.len(), shown.len(), "250 cells show every column");
        let used: u32 = wide.iter().map(|c| u32::from(c.1) + 1).sum::<u32>() + 3;
        assert_eq!(used, 250, "scopes take the rest");
    }

    #[test]
    fn risk_and_scopes_outlast_location_and_device_at_every_width() {
        let shown = defaults();
        for w in 10..=300 {
            let cols = fit(w, &shown, widest());
            let has = |c: Col| cols.iter().any(|k| k.0 == c);
            for weak in [Col::Location, Col::Device] {
                if has(weak) {
                    assert!(has(Col::Risk) && has(Col::Scopes), "{w}: {cols:?}");
                }
            }
            if w >= 80 {
                assert!(has(Col::Risk), "{w}: {cols:?}");
            }
        }
    }

    #[test]
    fn scrolling_keeps_the_email_and_reaches_every_column() {
        let shown = defaults();
        let fitted = layout(80, &shown, widest(), ColView::default());
        assert_eq!(fitted.left, 0);
        assert_eq!(fitted.right, 4);
        let mut seen = std::collections::HashSet::new();
        for wide in [false, true] {
            for scroll in 0..12 {
                let f = layout(80, &shown, widest(), ColView { scroll, wide });
                if scroll > 0 || wide {
                    assert_eq!(f.cols[0].0, Col::Email, "{scroll} {wide}: {f:?}");
                }
                assert!(need(&f.cols) <= 80, "{scroll} {wide}: {f:?}");
                assert_eq!(
                    f.cols.len() + f.hidden(),
                    shown.len(),
                    "{scroll} {wide}: {f:?}"
                );
                seen.extend(f.cols.iter().map(|c| c.0));
            }
        }
        assert_eq!(seen.len(), shown.len(), "every column is reachable");
        let wide = layout(
            400,
            &shown,
            widest(),
            ColView {
                scroll: 0,
                wide: true,
            },
        );
        let scopes = wide.cols.iter().find(|c| c.0 == Col::Scopes).map(|c| c.1);
        assert_eq!(
            scopes,
            Some(30),
            "wide shows the scopes at their full width"
        );
    }

    #[test]
    fn names_round_trip() {
        for i in CATALOGUE {
            assert_eq!(Col::by_name(i.name), Some(i.col));
        }
        assert_eq!(Col::by_name("nope"), None);
    }
}
