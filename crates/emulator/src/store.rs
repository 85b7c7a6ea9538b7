//! The in-memory session store: users, sessions, token lookup and one sorted index per
//! `order_by` column, so a page is a binary search for the cursor and a run of the
//! rows after it, whatever the cursor's position, rather than a sort.
//! Times are microseconds since the epoch; "now" is always passed in.
//!
//! An index is the slots in its column's order (ties broken by id), four bytes a session:
//! at a million sessions, trees keyed by copies of each text column took most of the
//! start-up time (comparing and copying strings) and most of the memory. Seeding adds
//! every session unindexed and sorts each index once ([`Store::finish_seeding`]); a later
//! change inserts or removes one slot by binary search, and removals of many sessions at
//! once rebuild each index in one pass.
//!
//! Records live in a slab (a `Vec` of slots) that every index and token points into by
//! slot number: a filtered page at 100,000 sessions visits every record, and a hash
//! lookup per row dominated that walk. The sessions a filtered query matches are kept,
//! in order, until the next change to the store, so its later pages are a binary search.

use super::cursor::{Cursor, KeyRef, SortKey, fingerprint};
use super::errors::Failure;
use super::ids;
use super::matcher::Matcher;
use super::records::{SECOND, SESSION_TYPE, SessionRec, User};
use super::render::{self, SessionView};
use super::validate::ListQuery;
use pangea_authn_model::{Order, OrderBy};
use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// One page of a list.
#[derive(Debug)]
pub struct Page {
    /// Sessions on this page.
    pub shown: usize,
    /// The `result` object as JSON: `sessions`, `last` and, for the service list, `count`.
    pub json: String,
}

/// The slots of sessions in the order of one column (ties broken by id).
type Index = Vec<u32>;

/// Indexes kept: `type` is the same for every session, so its order is the id order.
const INDEXES: usize = 6;

/// How many filtered queries keep their matches between requests (a few clients paging
/// through different filters at once).
const KEPT_QUERIES: usize = 4;

/// A filtered query matching at most one session in this many sorts its matches; above
/// that, its pages walk the index from the cursor. A walk finds a page after about
/// `size × SORT_BELOW` steps at worst, while sorting costs k·log k comparisons.
const SORT_BELOW: usize = 32;

/// The sessions a filtered query matches.
enum Found {
    /// The matching slots in page order: a page is a binary search for the cursor.
    Sorted(Vec<usize>),
    /// Whether each slot matches, for a service list query matching many (client lists
    /// always sort: they hold one owner's sessions): a page walks the index
    /// from the cursor until it has enough rows, which the density of matches keeps
    /// short, rather than ordering every match up front.
    Flags { keep: Vec<bool>, count: usize },
}

/// What a filtered query matched, as of one store version.
struct Matches {
    version: u64,
    order_by: OrderBy,
    order: Order,
    owner: Option<usize>,
    filter_key: String,
    found: Arc<Found>,
}

/// Every user and session, with lookups (no `Debug`: it holds token values).
pub struct Store {
    users: Vec<User>,
    user_by_id: HashMap<String, usize>,
    /// Session records by slot; `None` is a free slot (listed in `free`).
    sessions: Vec<Option<SessionRec>>,
    /// The owner of each slot's session: a filter on owners alone scans this column,
    /// a hundredth of the size of the records.
    owners: Vec<Option<usize>>,
    free: Vec<usize>,
    slot_of: HashMap<Arc<str>, usize>,
    /// Each user's session slots, in no order.
    by_user: Vec<Vec<u32>>,
    indexes: [Index; INDEXES],
    /// Sessions added but not yet in the indexes (seeding, until [`Store::finish_seeding`]).
    unindexed: bool,
    tokens: TokenIndex,
    expired_tokens: HashSet<String>,
    /// Bumped by every change to a session, so kept matches know they are stale.
    version: u64,
    kept: Vec<Matches>,
    rng: fastrand::Rng,
    user_token_life: i64,
    service: (String, String, i64),
}

fn slot(ob: OrderBy) -> usize {
    match ob {
        OrderBy::Id | OrderBy::Type => 0,
        OrderBy::CreatedAt => 1,
        OrderBy::Identity => 2,
        OrderBy::Email => 3,
        OrderBy::Expire => 4,
        OrderBy::ActiveTokenId => 5,
    }
}

/// The column each index is sorted by.
const INDEXED: [OrderBy; INDEXES] = [
    OrderBy::Id,
    OrderBy::CreatedAt,
    OrderBy::Identity,
    OrderBy::Email,
    OrderBy::Expire,
    OrderBy::ActiveTokenId,
];

/// A slot as stored in an index (a store holds far fewer than 2^32 sessions).
fn slot32(at: usize) -> u32 {
    u32::try_from(at).unwrap_or(u32::MAX)
}

impl Store {
    /// An empty store; `service_token` is accepted by token check as a service token.
    pub fn new(seed: u64, user_token_life: i64, service_token: String, now: i64) -> Self {
        let mut rng = fastrand::Rng::with_seed(seed ^ 0x005e_ed0f_5e55_1015);
        let service_id = ids::new_id(&mut rng, "pmt");
        Self {
            users: Vec::new(),
            user_by_id: HashMap::new(),
            sessions: Vec::new(),
            owners: Vec::new(),
            free: Vec::new(),
            slot_of: HashMap::new(),
            by_user: Vec::new(),
            indexes: Default::default(),
            unindexed: false,
            tokens: TokenIndex::default(),
            expired_tokens: HashSet::new(),
            version: 0,
            kept: Vec::new(),
            rng,
            user_token_life,
            service: (service_token, service_id, now),
        }
    }

    /// Adds a user; returns its index.
    pub fn add_user(&mut self, user: User) -> usize {
        let i = self.users.len();
        self.user_by_id.insert(user.id.clone(), i);
        self.users.push(user);
        self.by_user.push(Vec::new());
        i
    }

    /// Adds a session and indexes it.
    pub fn add_session(&mut self, rec: SessionRec) {
        let at = self.place(rec);
        if !self.unindexed {
            for (i, ob) in INDEXED.into_iter().enumerate() {
                let pos = self.indexes[i].partition_point(|&s| self.before(s as usize, at, ob));
                self.indexes[i].insert(pos, slot32(at));
            }
        }
    }

    /// Room for `n` more sessions, so seeding does not grow (and copy) its tables
    /// step by step.
    pub fn reserve(&mut self, n: usize) {
        self.sessions.reserve(n);
        self.owners.reserve(n);
        self.slot_of.reserve(n);
        self.tokens.reserve(2 * n);
    }

    /// Adds many sessions (seeding): they are indexed once, by
    /// [`Store::finish_seeding`], rather than one at a time.
    pub fn add_unindexed(&mut self, rec: SessionRec) {
        self.unindexed = true;
        self.place(rec);
    }

    /// How the sessions in slots `a` and `b` compare in the order of `ob`.
    fn compare(&self, a: usize, b: usize, ob: OrderBy) -> Ordering {
        self.position(a, ob).cmp(&self.position(b, ob))
    }

    /// Whether slot `a` sorts before slot `b` by `ob`.
    fn before(&self, a: usize, b: usize, ob: OrderBy) -> bool {
        self.compare(a, b, ob) == Ordering::Less
    }

    /// Puts a session in a slot and its lookups (not the indexes); returns the slot.
    fn place(&mut self, rec: SessionRec) -> usize {
        self.version += 1;
        let at = self.free.pop().unwrap_or(self.sessions.len());
        self.by_user[rec.user].push(slot32(at));
        self.tokens
            .insert(&rec.refresh, slot32(at), TokenKind::Refresh);
        self.tokens
            .insert(&rec.active.value, slot32(at), TokenKind::Active);
        self.slot_of.insert(rec.id.clone(), at);
        if at == self.sessions.len() {
            self.owners.push(Some(rec.user));
            self.sessions.push(Some(rec));
        } else {
            self.owners[at] = Some(rec.user);
            self.sessions[at] = Some(rec);
        }
        at
    }

    /// The session in slot `at`, if live.
    fn at(&self, at: usize) -> Option<&SessionRec> {
        self.sessions.get(at).and_then(Option::as_ref)
    }

    /// The live session `id`.
    fn get(&self, id: &str) -> Option<&SessionRec> {
        self.slot_of.get(id).and_then(|&at| self.at(at))
    }

    /// The store's generator, for new ids and tokens.
    pub fn rng(&mut self) -> &mut fastrand::Rng {
        &mut self.rng
    }

    /// Live sessions.
    pub fn len(&self) -> usize {
        self.slot_of.len()
    }

    /// True when no session is live.
    pub fn is_empty(&self) -> bool {
        self.slot_of.is_empty()
    }

    /// Whether `id` is a live session.
    pub fn contains(&self, id: &str) -> bool {
        self.slot_of.contains_key(id)
    }

    fn key(&self, rec: &SessionRec, ob: OrderBy) -> SortKey {
        self.key_ref(rec, ob).into()
    }

    fn key_ref<'a>(&'a self, rec: &'a SessionRec, ob: OrderBy) -> KeyRef<'a> {
        let user = &self.users[rec.user];
        match ob {
            OrderBy::Id => KeyRef::Text(&rec.id),
            OrderBy::CreatedAt => KeyRef::Time(rec.created_at),
            OrderBy::Type => KeyRef::Text(SESSION_TYPE),
            OrderBy::Identity => KeyRef::Text(&user.id),
            OrderBy::Email => KeyRef::Text(&user.email),
            OrderBy::Expire => KeyRef::Time(rec.expire),
            OrderBy::ActiveTokenId => KeyRef::Text(&rec.active.id),
        }
    }

    /// Where the session in slot `at` sorts by `ob`: its key, then its id.
    fn position(&self, at: usize, ob: OrderBy) -> Option<(KeyRef<'_>, &str)> {
        self.at(at).map(|r| (self.key_ref(r, ob), &*r.id))
    }

    /// Drops sessions with less than a second left; their tokens then answer
    /// `ExpiredToken` rather than `InvalidToken`.
    pub fn purge(&mut self, now: i64) {
        let ended: Vec<Arc<str>> = self.indexes[slot(OrderBy::Expire)]
            .iter()
            .map_while(|&at| self.at(at as usize).filter(|r| r.expire - now < SECOND))
            .map(|r| r.id.clone())
            .collect();
        for rec in self.remove_many(&ended) {
            self.expired_tokens.insert(rec.refresh);
            self.expired_tokens.insert(rec.active.value);
        }
    }

    /// Removes a session and revokes its tokens.
    fn remove(&mut self, id: &str) -> Option<SessionRec> {
        let &at = self.slot_of.get(id)?;
        for (i, ob) in INDEXED.into_iter().enumerate() {
            let pos = self.indexes[i].partition_point(|&s| self.before(s as usize, at, ob));
            if self.indexes[i].get(pos) == Some(&slot32(at)) {
                self.indexes[i].remove(pos);
            }
        }
        self.unplace(id)
    }

    /// Removes sessions and revokes their tokens; each index is rebuilt in one pass
    /// rather than shifted once per session.
    fn remove_many(&mut self, ids: &[Arc<str>]) -> Vec<SessionRec> {
        if ids.len() < 2 {
            return ids.iter().filter_map(|id| self.remove(id)).collect();
        }
        let removed: Vec<SessionRec> = ids.iter().filter_map(|id| self.unplace(id)).collect();
        for index in &mut self.indexes {
            let sessions = &self.sessions;
            index.retain(|&at| sessions.get(at as usize).is_some_and(Option::is_some));
        }
        removed
    }

    /// Takes a session out of its slot and its lookups (not the indexes).
    fn unplace(&mut self, id: &str) -> Option<SessionRec> {
        let at = self.slot_of.remove(id)?;
        let rec = self.sessions.get_mut(at)?.take()?;
        self.owners[at] = None;
        self.version += 1;
        self.free.push(at);
        let mine = &mut self.by_user[rec.user];
        if let Some(i) = mine.iter().position(|&s| s == slot32(at)) {
            mine.swap_remove(i);
        }
        self.tokens
            .remove(&rec.refresh, slot32(at), TokenKind::Refresh);
        self.tokens
            .remove(&rec.active.value, slot32(at), TokenKind::Active);
        Some(rec)
    }

    /// Removes a session directly (tests, demos); true if it existed.
    pub fn delete(&mut self, id: &str) -> bool {
        self.remove(id).is_some()
    }

    fn lookup(&self, value: &str) -> Result<(&SessionRec, TokenKind), Failure> {
        let holds = |at: u32, kind| {
            self.at(at as usize).is_some_and(|r| match kind {
                TokenKind::Active => r.active.value == value,
                TokenKind::Refresh => r.refresh == value,
            })
        };
        match self.tokens.get(value, holds) {
            Some((at, kind)) => self
                .at(at as usize)
                .map(|r| (r, kind))
                .ok_or(Failure::InvalidToken),
            None if self.expired_tokens.contains(value) => Err(Failure::ExpiredToken),
            None => Err(Failure::InvalidToken),
        }
    }

    /// The session whose live (unexpired) active token is `value`.
    fn by_user_token(&self, value: &str, now: i64) -> Result<&SessionRec, Failure> {
        match self.lookup(value)? {
            (rec, TokenKind::Active) if rec.active.expire - now >= SECOND => Ok(rec),
            (_, TokenKind::Active) => Err(Failure::ExpiredToken),
            (_, TokenKind::Refresh) => Err(Failure::InvalidToken),
        }
    }

    /// One page of sessions: every session (`token` = None, the service list) or those
    /// of the owner of the user token `token`.
    #[expect(
        clippy::too_many_lines,
        reason = "one page in the spec's order of checks: scope, filter, order, cursor, the login-time index"
    )]
    pub fn list(&mut self, q: &ListQuery, token: Option<&str>, now: i64) -> Result<Page, Failure> {
        self.purge(now);
        let owner = match token {
            Some(t) => Some(self.by_user_token(t, now)?.user),
            None => None,
        };
        let owner_id = owner.map_or("", |u| self.users[u].id.as_str());
        let query = fingerprint(&[
            q.order_by.as_str(),
            q.order.as_str(),
            owner_id,
            &q.filter_key,
        ]);
        let after = match &q.last {
            Some(s) => match Cursor::decode(s) {
                Some(c) if c.query == query => Some((c.key, Arc::<str>::from(c.id))),
                _ => return Err(Failure::BadCursor),
            },
            None => None,
        };
        // A login-time range read in login-time order is a stretch of that index, found by
        // two binary searches: a walk split by login time pays for its own slice, not for
        // a scan of every session per slice.
        let span = if owner.is_none() && q.order_by == OrderBy::CreatedAt {
            self.created_span(&q.conds)
        } else {
            None
        };
        // The page's slots plus, if there is one, the first row of the next page.
        let (rows, count): (Vec<usize>, usize) = if let Some((lo, hi, rest)) = span {
            let index = &self.indexes[slot(OrderBy::CreatedAt)][lo..hi];
            if rest {
                let m = Matcher::new(&q.conds, &self.users, None);
                let hit = |at: &usize| self.at(*at).is_some_and(|r| m.matches(r));
                let count = index.iter().filter(|&&at| hit(&(at as usize))).count();
                let rows = self
                    .ordered(index, q.order_by, q.order, after.as_ref())
                    .filter(hit)
                    .take(q.size + 1)
                    .collect();
                (rows, count)
            } else {
                let rows = self
                    .ordered(index, q.order_by, q.order, after.as_ref())
                    .take(q.size + 1)
                    .collect();
                (rows, index.len())
            }
        } else if q.conds.is_empty() {
            let scoped: Index;
            let index = match owner {
                Some(u) => {
                    scoped = self.scoped_index(u, q.order_by);
                    &scoped
                }
                None => &self.indexes[slot(q.order_by)],
            };
            let rows = self
                .ordered(index, q.order_by, q.order, after.as_ref())
                .take(q.size + 1)
                .collect();
            (rows, index.len())
        } else {
            match &*self.matching(q, owner) {
                Found::Sorted(hits) => {
                    let start = match &after {
                        Some((key, id)) => {
                            let cursor = Some((key.borrowed(), &**id));
                            hits.partition_point(|&at| {
                                let o = self.position(at, q.order_by).cmp(&cursor);
                                match q.order {
                                    Order::Asc => o != Ordering::Greater,
                                    Order::Desc => o != Ordering::Less,
                                }
                            })
                        }
                        None => 0,
                    };
                    let rows = hits.iter().skip(start).take(q.size + 1).copied().collect();
                    (rows, hits.len())
                }
                Found::Flags { keep, count } => {
                    let index = &self.indexes[slot(q.order_by)];
                    let rows = self
                        .ordered(index, q.order_by, q.order, after.as_ref())
                        .filter(|&at| keep.get(at).copied().unwrap_or(false))
                        .take(q.size + 1)
                        .collect();
                    (rows, *count)
                }
            }
        };
        let sessions: Vec<SessionView> = rows
            .iter()
            .take(q.size)
            .filter_map(|&at| self.at(at))
            .map(|rec| SessionView {
                user: &self.users[rec.user],
                rec,
                now,
            })
            .collect();
        let last = match sessions.last() {
            Some(v) if rows.len() > q.size => Cursor {
                query,
                key: self.key(v.rec, q.order_by),
                id: v.rec.id.to_string(),
            }
            .encode(),
            _ => String::new(),
        };
        let shown = sessions.len();
        // The client list has no `count`, per its schema.
        let json = render::list_page(&sessions, &last, owner.is_none().then_some(count));
        Ok(Page { shown, json })
    }

    /// `u`'s sessions in the order of `ob`.
    fn scoped_index(&self, u: usize, ob: OrderBy) -> Index {
        let mut index = self.by_user[u].clone();
        index.sort_unstable_by(|&a, &b| self.compare(a as usize, b as usize, ob));
        index
    }

    /// The sessions `q` matches (among `owner`'s, for a client list). They are kept until
    /// the store next changes, so paging through a filtered result, and its `count`,
    /// cost one scan rather than one per page.
    fn matching(&mut self, q: &ListQuery, owner: Option<usize>) -> Arc<Found> {
        let version = self.version;
        self.kept.retain(|m| m.version == version);
        let same = |m: &&Matches| {
            m.order_by == q.order_by
                && m.order == q.order
                && m.owner == owner
                && m.filter_key == q.filter_key
        };
        if let Some(m) = self.kept.iter().find(same) {
            return m.found.clone();
        }
        let found = Arc::new(self.find(q, owner));
        if self.kept.len() == KEPT_QUERIES {
            self.kept.remove(0);
        }
        self.kept.push(Matches {
            version,
            order_by: q.order_by,
            order: q.order,
            owner,
            filter_key: q.filter_key.clone(),
            found: found.clone(),
        });
        found
    }

    /// Scans for the sessions `q` matches; see [`Store::matching`].
    fn find(&self, q: &ListQuery, owner: Option<usize>) -> Found {
        let m = Matcher::new(&q.conds, &self.users, owner);
        let Some(u) = owner else {
            // Sessions are decided in slot (memory) order, not index order, which would
            // jump across the slab with a cache miss per row.
            let mut hits: Vec<usize> = if m.reads_session() {
                (0..self.sessions.len())
                    .filter(|&at| self.at(at).is_some_and(|r| m.matches(r)))
                    .collect()
            } else {
                (0..self.owners.len())
                    .filter(|&at| self.owners[at].is_some_and(|u| m.owner_ok(u)))
                    .collect()
            };
            if hits.len() > self.len() / SORT_BELOW {
                let mut keep = vec![false; self.sessions.len()];
                for &at in &hits {
                    keep[at] = true;
                }
                return Found::Flags {
                    keep,
                    count: hits.len(),
                };
            }
            hits.sort_unstable_by_key(|&at| self.position(at, q.order_by));
            if q.order == Order::Desc {
                hits.reverse();
            }
            return Found::Sorted(hits);
        };
        Found::Sorted(
            self.ordered(&self.scoped_index(u, q.order_by), q.order_by, q.order, None)
                .filter(|&at| self.at(at).is_some_and(|r| m.matches(r)))
                .collect(),
        )
    }
}

mod index;
mod token_index;
mod tokens;

use token_index::{TokenIndex, TokenKind};

#[cfg(test)]
mod tests;
