//! Building and reading the store's sorted indexes: the one sort after seeding, and the
//! run of slots after a cursor.

use super::{INDEXED, INDEXES, Index, Store, slot, slot32};
use crate::cursor::SortKey;
use crate::filter::{Cmp, Cond, TimeField};
use crate::records::User;
use pangea_authn_model::{Order, OrderBy};
use std::sync::Arc;

impl Store {
    /// Indexes the sessions added by [`Store::add_unindexed`].
    pub fn finish_seeding(&mut self) {
        if !self.unindexed {
            return;
        }
        self.unindexed = false;
        // Each session's key is boiled down to a number that orders as the key does (a
        // rank or time, then the leading bytes of the id); only sessions whose numbers tie
        // are compared in full. Sorting by the records themselves visited two scattered
        // records per comparison, which at a million sessions was most of the start-up.
        let rank = |key: fn(&User) -> &str| {
            let mut order: Vec<usize> = (0..self.users.len()).collect();
            order.sort_unstable_by(|&a, &b| key(&self.users[a]).cmp(key(&self.users[b])));
            let mut rank = vec![0u64; self.users.len()];
            for (r, u) in order.into_iter().enumerate() {
                rank[u] = r as u64;
            }
            rank
        };
        let identity_rank = rank(|u| &u.id);
        let email_rank = rank(|u| &u.email);
        let mut indexes: [Index; INDEXES] = Default::default();
        for (i, ob) in INDEXED.into_iter().enumerate() {
            let mut keyed: Vec<(u128, u32)> = (0..self.sessions.len())
                .filter_map(|at| {
                    let r = self.at(at)?;
                    let id = leading(&r.id, 16);
                    let prefix = match ob {
                        OrderBy::Id | OrderBy::Type => id,
                        OrderBy::CreatedAt => time_prefix(r.created_at, id),
                        OrderBy::Expire => time_prefix(r.expire, id),
                        OrderBy::Identity => u128::from(identity_rank[r.user]) << 64 | id >> 64,
                        OrderBy::Email => u128::from(email_rank[r.user]) << 64 | id >> 64,
                        OrderBy::ActiveTokenId => leading(&r.active.id, 16),
                    };
                    Some((prefix, slot32(at)))
                })
                .collect();
            keyed.sort_unstable_by(|a, b| {
                a.0.cmp(&b.0)
                    .then_with(|| self.compare(a.1 as usize, b.1 as usize, ob))
            });
            indexes[i] = keyed.into_iter().map(|(_, at)| at).collect();
        }
        self.indexes = indexes;
    }

    /// The stretch `[lo, hi)` of the login-time index that the login-time bounds among
    /// `conds` allow, and whether other conditions remain; None without such a bound.
    pub(super) fn created_span(&self, conds: &[Cond]) -> Option<(usize, usize, bool)> {
        let index = &self.indexes[slot(OrderBy::CreatedAt)];
        let time = |at: u32| self.at(at as usize).map_or(i64::MIN, |r| r.created_at);
        let (mut lo, mut hi) = (0, index.len());
        let (mut bounded, mut rest) = (false, false);
        for c in conds {
            let Cond::Time(TimeField::CreatedAt, cmp, t) = c else {
                rest = true;
                continue;
            };
            bounded = true;
            let from = index.partition_point(|&at| time(at) < *t);
            let past = index.partition_point(|&at| time(at) <= *t);
            match cmp {
                Cmp::Gte => lo = lo.max(from),
                Cmp::Gt => lo = lo.max(past),
                Cmp::Lt => hi = hi.min(from),
                Cmp::Lte => hi = hi.min(past),
                Cmp::Eq => {
                    lo = lo.max(from);
                    hi = hi.min(past);
                }
            }
        }
        bounded.then_some((lo, hi.max(lo), rest))
    }

    /// The slots of `index` (sorted by `ob`) in `order`, from just past the cursor row
    /// `after` if given: a binary search, so a page deep in a walk costs what the first
    /// page does.
    pub(super) fn ordered<'a>(
        &'a self,
        index: &'a [u32],
        ob: OrderBy,
        order: Order,
        after: Option<&(SortKey, Arc<str>)>,
    ) -> Box<dyn Iterator<Item = usize> + 'a> {
        let cursor = after.map(|(key, id)| (key.borrowed(), &**id));
        let slots = |range: &'a [u32]| range.iter().map(|&at| at as usize);
        match (order, cursor) {
            (Order::Asc, Some(c)) => {
                let start = index.partition_point(|&at| self.position(at as usize, ob) <= Some(c));
                Box::new(slots(&index[start..]))
            }
            (Order::Asc, None) => Box::new(slots(index)),
            (Order::Desc, Some(c)) => {
                let end = index.partition_point(|&at| self.position(at as usize, ob) < Some(c));
                Box::new(slots(&index[..end]).rev())
            }
            (Order::Desc, None) => Box::new(slots(index).rev()),
        }
    }
}

/// The first `n` (at most 16) bytes of `s` as a big-endian number, zero-padded: a
/// shorter prefix orders as the text does (bytewise), up to ties.
fn leading(s: &str, n: usize) -> u128 {
    let mut bytes = [0u8; 16];
    let n = n.min(16).min(s.len());
    bytes[..n].copy_from_slice(&s.as_bytes()[..n]);
    u128::from_be_bytes(bytes)
}

/// A time, then the leading bytes of `id`, as one number in the order of (time, id).
fn time_prefix(t: i64, id: u128) -> u128 {
    // Flipping the sign bit orders negative times before positive ones.
    #[expect(
        clippy::cast_sign_loss,
        reason = "the bits are reordered, not the value read"
    )]
    let t = (t as u64) ^ (1 << 63);
    u128::from(t) << 64 | id >> 64
}
