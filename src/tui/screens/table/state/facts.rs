//! The derived columns of a page, worked out when it arrives so drawing a frame
//! costs the same whatever the page holds.
use crate::authn::model::Session;
use crate::investigate::device::Devices;
use crate::investigate::facts::{Risk, location, user_agent};
use crate::sanitize;
use crate::tui::columns::{Widest, risk_width};
use std::collections::HashMap;

/// LOCATION, DEVICE and RISK of one session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowFacts {
    /// `Paris, FR`; None when the server sent no location.
    pub location: Option<String>,
    /// `Firefox 128 · Linux`; None without a User-Agent.
    pub device: Option<String>,
    /// The risk signals.
    pub risk: Risk,
}

fn cells(s: &str) -> u16 {
    u16::try_from(sanitize::width(&sanitize::clean(s))).unwrap_or(u16::MAX)
}

/// The facts of every row, by session id, and the page's widest values.
pub(super) fn of_page(rows: &[Session]) -> (HashMap<String, RowFacts>, Widest) {
    let mut devices = Devices::new();
    let mut widest = Widest::default();
    let mut facts = HashMap::with_capacity(rows.len());
    for s in rows {
        let risk = Risk::of(s);
        widest.id = widest.id.max(cells(&s.id));
        widest.identity = widest.identity.max(cells(&s.identity));
        if let Some(t) = &s.active_token {
            widest.token = widest.token.max(cells(&t.id));
        }
        widest.risk = widest.risk.max(risk_width(&risk));
        if let Some(v) = &s.scopes {
            let all: usize = v.iter().map(|x| usize::from(cells(x))).sum::<usize>() + v.len();
            let all = u16::try_from(all.saturating_sub(1)).unwrap_or(u16::MAX);
            widest.scopes = widest.scopes.max(all);
        }
        let device = user_agent(s)
            .map(|ua| devices.label(ua).to_string())
            .filter(|d| !d.is_empty());
        facts.insert(
            s.id.clone(),
            RowFacts {
                location: location(s),
                device,
                risk,
            },
        );
    }
    (facts, widest)
}
