//! The in-memory session store: users, sessions, token lookup and one sorted index per
//! `order_by` column, so a page is a range scan from the cursor rather than a sort.
//! Times are microseconds since the epoch; "now" is always passed in.
//!
//! Records live in a slab (a `Vec` of slots) that every index and token points into by
//! slot number: a filtered page at 100,000 sessions visits every record, and a hash
//! lookup per row dominated that walk. The sessions a filtered query matches are kept,
//! in order, until the next change to the store, so its later pages are a binary search.

use super::cursor::{Cursor, KeyRef, SortKey, fingerprint};
use super::ids;
use super::intel::Intel;
use super::matcher::Matcher;
use super::render::{SessionView, TokenView};
use super::validate::ListQuery;
use super::{SessionTokens, UserTokens};
use crate::authn::Secret;
use crate::authn::model::{Order, OrderBy, Profile, TokenInfo};
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Bound;
use std::sync::Arc;

/// One microsecond-based second.
pub const SECOND: i64 = 1_000_000;

/// A user of the project.
#[derive(Debug, Clone)]
pub struct User {
    /// `pui_…`.
    pub id: String,
    /// Email.
    pub email: String,
    /// Username.
    pub username: String,
    /// Whether the account is enabled.
    pub enabled: bool,
    /// Profile (names, display name).
    pub profile: Profile,
}

/// A session's current active (user) token (no `Debug`: it holds the value).
#[derive(Clone)]
pub struct Active {
    /// `pmt_…`.
    pub id: String,
    /// `ptu_…` value.
    pub value: String,
    /// Issue time.
    pub created_at: i64,
    /// Expiry.
    pub expire: i64,
}

/// A login session (the refresh-token record; no `Debug`: it holds token values).
#[derive(Clone)]
pub struct SessionRec {
    /// `pmt_…`.
    pub id: Arc<str>,
    /// Index of the owner in the user table.
    pub user: usize,
    /// Login time.
    pub created_at: i64,
    /// Session (refresh token) expiry.
    pub expire: i64,
    /// Browser that logged in.
    pub user_agent: &'static str,
    /// Scopes granted.
    pub scopes: Vec<String>,
    /// Login risk signals, rendered complete on the active token, or absent.
    pub intelligence: Option<Intel>,
    /// `ptr_…` value.
    pub refresh: String,
    /// Current active token.
    pub active: Active,
}

/// Why an operation on the store failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// A body token is unknown or revoked.
    InvalidToken,
    /// A body token has expired.
    ExpiredToken,
    /// The addressed session does not exist (for this caller).
    NotFound,
    /// The `last` cursor is not one this query produced.
    BadCursor,
}

/// One page of a list.
#[derive(Debug)]
pub struct Page {
    /// Sessions on this page.
    pub shown: usize,
    /// The `result` object as JSON: `sessions`, `last` and, for the service list, `count`.
    pub json: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TokenKind {
    Active,
    Refresh,
}

/// Sessions in the order of one column (ties broken by id), each with its slot.
type Index = BTreeMap<(SortKey, Arc<str>), usize>;

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
    by_user: Vec<BTreeMap<Arc<str>, usize>>,
    indexes: [Index; 7],
    tokens: HashMap<String, (usize, TokenKind)>,
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
        OrderBy::Id => 0,
        OrderBy::CreatedAt => 1,
        OrderBy::Type => 2,
        OrderBy::Identity => 3,
        OrderBy::Email => 4,
        OrderBy::Expire => 5,
        OrderBy::ActiveTokenId => 6,
    }
}

/// The record type every listed session reports.
pub const SESSION_TYPE: &str = "session";

/// An instant from microseconds (always in range for the times the store makes).
pub fn ts(us: i64) -> jiff::Timestamp {
    jiff::Timestamp::from_microsecond(us).unwrap_or_default()
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
            tokens: HashMap::new(),
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
        self.by_user.push(BTreeMap::new());
        i
    }

    /// Adds a session and indexes it.
    pub fn add_session(&mut self, rec: SessionRec) {
        self.version += 1;
        let at = self.free.pop().unwrap_or(self.sessions.len());
        for ob in OrderBy::ALL {
            let key = self.key(&rec, ob);
            self.indexes[slot(ob)].insert((key, rec.id.clone()), at);
        }
        self.by_user[rec.user].insert(rec.id.clone(), at);
        self.tokens
            .insert(rec.refresh.clone(), (at, TokenKind::Refresh));
        self.tokens
            .insert(rec.active.value.clone(), (at, TokenKind::Active));
        self.slot_of.insert(rec.id.clone(), at);
        if at == self.sessions.len() {
            self.owners.push(Some(rec.user));
            self.sessions.push(Some(rec));
        } else {
            self.owners[at] = Some(rec.user);
            self.sessions[at] = Some(rec);
        }
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
            .take_while(|((k, _), _)| matches!(k, SortKey::Time(t) if *t - now < SECOND))
            .map(|((_, id), _)| id.clone())
            .collect();
        for id in ended {
            if let Some(rec) = self.remove(&id) {
                self.expired_tokens.insert(rec.refresh);
                self.expired_tokens.insert(rec.active.value);
            }
        }
    }

    /// Removes a session and revokes its tokens.
    fn remove(&mut self, id: &str) -> Option<SessionRec> {
        let at = self.slot_of.remove(id)?;
        let rec = self.sessions.get_mut(at)?.take()?;
        self.owners[at] = None;
        self.version += 1;
        self.free.push(at);
        for ob in OrderBy::ALL {
            let key = self.key(&rec, ob);
            self.indexes[slot(ob)].remove(&(key, rec.id.clone()));
        }
        self.by_user[rec.user].remove(id);
        self.tokens.remove(&rec.refresh);
        self.tokens.remove(&rec.active.value);
        Some(rec)
    }

    /// Removes a session directly (tests, demos); true if it existed.
    pub fn delete(&mut self, id: &str) -> bool {
        self.remove(id).is_some()
    }

    fn lookup(&self, value: &str) -> Result<(&SessionRec, TokenKind), Failure> {
        match self.tokens.get(value) {
            Some(&(at, kind)) => self.at(at).map(|r| (r, kind)).ok_or(Failure::InvalidToken),
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
    pub fn list(&mut self, q: &ListQuery, token: Option<&str>, now: i64) -> Result<Page, Failure> {
        self.purge(now);
        let owner = match token {
            Some(t) => Some(self.by_user_token(t, now)?.user),
            None => None,
        };
        let owner_id = owner.map(|u| self.users[u].id.as_str()).unwrap_or("");
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
        // The page's slots plus, if there is one, the first row of the next page.
        let (rows, count): (Vec<usize>, usize) = if q.conds.is_empty() {
            let scoped: Index;
            let index = match owner {
                Some(u) => {
                    scoped = self.scoped_index(u, q.order_by);
                    &scoped
                }
                None => &self.indexes[slot(q.order_by)],
            };
            let rows = ordered(index, q.order, after.as_ref())
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
                    let rows = ordered(&self.indexes[slot(q.order_by)], q.order, after.as_ref())
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
        let json = if owner.is_some() {
            serde_json::to_string(&ClientListOut { sessions, last }).ok()
        } else {
            serde_json::to_string(&ListOut {
                sessions,
                last,
                count,
            })
            .ok()
        };
        Ok(Page {
            shown,
            json: json.unwrap_or_default(),
        })
    }

    /// `u`'s sessions in the order of `ob`.
    fn scoped_index(&self, u: usize, ob: OrderBy) -> Index {
        self.by_user[u]
            .values()
            .filter_map(|&at| Some(((self.key(self.at(at)?, ob), self.at(at)?.id.clone()), at)))
            .collect()
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
            ordered(&self.scoped_index(u, q.order_by), q.order, None)
                .filter(|&at| self.at(at).is_some_and(|r| m.matches(r)))
                .collect(),
        )
    }

    /// Ends one session; with `token`, only one of that token's owner.
    pub fn invalidate(
        &mut self,
        session_id: &str,
        token: Option<&str>,
        now: i64,
    ) -> Result<(), Failure> {
        self.purge(now);
        if let Some(t) = token {
            let owner = self.by_user_token(t, now)?.user;
            if self.get(session_id).is_none_or(|r| r.user != owner) {
                return Err(Failure::NotFound);
            }
        }
        self.remove(session_id).map(|_| ()).ok_or(Failure::NotFound)
    }

    /// Ends every session of `user_id`; unknown users succeed.
    pub fn logout_user(&mut self, user_id: &str, now: i64) {
        self.purge(now);
        if let Some(&u) = self.user_by_id.get(user_id) {
            let ids: Vec<Arc<str>> = self.by_user[u].keys().cloned().collect();
            for id in ids {
                self.remove(&id);
            }
        }
    }

    /// Ends the session the user token `token` belongs to.
    pub fn logout_token(&mut self, token: &str, now: i64) -> Result<(), Failure> {
        self.purge(now);
        let id = self.by_user_token(token, now)?.id.clone();
        self.remove(&id);
        Ok(())
    }

    /// Issues a new active token for the session of `refresh`, revoking the old one;
    /// returns the refresh result (`refresh_token` and `active_token`, with values).
    pub fn refresh(
        &mut self,
        refresh: &str,
        user_token: Option<&str>,
        now: i64,
    ) -> Result<String, Failure> {
        self.purge(now);
        let (rec, kind) = self.lookup(refresh)?;
        if kind != TokenKind::Refresh {
            return Err(Failure::InvalidToken);
        }
        if user_token.is_some_and(|u| u != rec.active.value) {
            return Err(Failure::InvalidToken);
        }
        let id = rec.id.clone();
        let session_expire = rec.expire;
        let old_key = (self.key(rec, OrderBy::ActiveTokenId), id.clone());
        let old_value = rec.active.value.clone();
        let active = Active {
            id: ids::new_id(&mut self.rng, "pmt"),
            value: ids::new_id(&mut self.rng, "ptu"),
            created_at: now,
            expire: (now + self.user_token_life).min(session_expire),
        };
        let at = *self.slot_of.get(&id).ok_or(Failure::InvalidToken)?;
        self.version += 1;
        self.tokens.remove(&old_value);
        self.tokens
            .insert(active.value.clone(), (at, TokenKind::Active));
        self.indexes[slot(OrderBy::ActiveTokenId)].remove(&old_key);
        self.indexes[slot(OrderBy::ActiveTokenId)]
            .insert((SortKey::Text(active.id.clone()), id), at);
        let Some(rec) = self.sessions.get_mut(at).and_then(Option::as_mut) else {
            return Err(Failure::InvalidToken);
        };
        rec.active = active;
        let rec = &*rec;
        let user = &self.users[rec.user];
        let refresh_token = TokenView {
            value: Some(&rec.refresh),
            ..TokenView::refresh(user, rec, now)
        };
        let active_token = TokenView::active(user, rec, now).map(|a| TokenView {
            value: Some(&rec.active.value),
            full: true,
            ..a
        });
        Ok(serde_json::to_string(&RefreshOut {
            refresh_token,
            active_token,
        })
        .unwrap_or_default())
    }

    /// Token info of any token value the store knows (user, refresh or service).
    pub fn check(&mut self, token: &str, now: i64) -> Result<String, Failure> {
        self.purge(now);
        if token == self.service.0 {
            let info = TokenInfo {
                id: self.service.1.clone(),
                kind: "service".into(),
                life: 365 * 86_400,
                expire: ts(now + 365 * 86_400 * SECOND),
                enabled: Some(true),
                identity: "authtop-emulator".into(),
                email: String::new(),
                scopes: Some(Vec::new()),
                profile: Profile::new(),
                created_at: ts(self.service.2),
                intelligence: None,
                audience: None,
                client_id: None,
                claims: None,
            };
            return Ok(serde_json::to_string(&info).unwrap_or_default());
        }
        let (rec, kind) = self.lookup(token)?;
        let user = &self.users[rec.user];
        let view = match kind {
            TokenKind::Refresh => TokenView::refresh(user, rec, now),
            TokenKind::Active => TokenView {
                full: true,
                ..TokenView::active(user, rec, now).ok_or(Failure::ExpiredToken)?
            },
        };
        Ok(serde_json::to_string(&view).unwrap_or_default())
    }

    /// Live tokens of every session of the first `max_users` users, oldest session first.
    pub fn tokens(&self, max_users: usize) -> Vec<UserTokens> {
        self.users
            .iter()
            .zip(&self.by_user)
            .take(max_users)
            .map(|(u, ids)| {
                let mut recs: Vec<&SessionRec> =
                    ids.values().filter_map(|&at| self.at(at)).collect();
                recs.sort_by_key(|r| (r.created_at, r.id.clone()));
                UserTokens {
                    user_id: u.id.clone(),
                    email: u.email.clone(),
                    sessions: recs
                        .into_iter()
                        .map(|r| SessionTokens {
                            session_id: r.id.to_string(),
                            user_token: Secret::new(r.active.value.clone()),
                            refresh_token: Secret::new(r.refresh.clone()),
                        })
                        .collect(),
                }
            })
            .collect()
    }
}

/// The slots of `index` in `order`, from just past the cursor row `after` if given.
fn ordered<'a>(
    index: &'a Index,
    order: Order,
    after: Option<&(SortKey, Arc<str>)>,
) -> Box<dyn Iterator<Item = usize> + 'a> {
    let from = |a: &(SortKey, Arc<str>)| Bound::Excluded(a.clone());
    match (order, after) {
        (Order::Asc, Some(a)) => {
            Box::new(index.range((from(a), Bound::Unbounded)).map(|(_, &at)| at))
        }
        (Order::Asc, None) => Box::new(index.values().copied()),
        (Order::Desc, Some(a)) => Box::new(
            index
                .range((Bound::Unbounded, from(a)))
                .rev()
                .map(|(_, &at)| at),
        ),
        (Order::Desc, None) => Box::new(index.values().rev().copied()),
    }
}

/// Result of the service list.
#[derive(serde::Serialize)]
struct ListOut<'a> {
    sessions: Vec<SessionView<'a>>,
    last: String,
    count: usize,
}

/// Result of the client list (no `count`, per its schema).
#[derive(serde::Serialize)]
struct ClientListOut<'a> {
    sessions: Vec<SessionView<'a>>,
    last: String,
}

/// Result of a refresh.
#[derive(serde::Serialize)]
struct RefreshOut<'a> {
    refresh_token: TokenView<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    active_token: Option<TokenView<'a>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emulator::seed;
    use crate::emulator::validate::{Endpoint, parse};
    use serde_json::Value;

    const NOW: i64 = 1_780_000_000 * SECOND;

    fn store() -> Store {
        let life = 900 * SECOND;
        let mut s = Store::new(7, life, "pts_test".into(), NOW);
        seed::populate(&mut s, 7, 200, 2000, NOW, life, 7 * 86_400 * SECOND, true);
        s
    }

    fn page(s: &mut Store, body: &str) -> Value {
        let b = parse(Endpoint::SessionList, body.as_bytes()).unwrap();
        let p = s.list(b.list.as_ref().unwrap(), None, NOW).unwrap();
        serde_json::from_str(&p.json).unwrap()
    }

    /// Every page of a query: the rows (as JSON) and the `count` of each page.
    fn walk(s: &mut Store, filter: &str, order_by: &str, order: &str) -> (Vec<Value>, Vec<u64>) {
        let (mut rows, mut counts, mut last) = (Vec::new(), Vec::new(), String::new());
        for _ in 0..1000 {
            let cursor = if last.is_empty() {
                String::new()
            } else {
                format!(r#","last":"{last}""#)
            };
            let p = page(
                s,
                &format!(
                    r#"{{"filter":{filter},"order_by":"{order_by}","order":"{order}","size":7{cursor}}}"#
                ),
            );
            rows.extend(p["sessions"].as_array().unwrap().iter().cloned());
            counts.push(p["count"].as_u64().unwrap());
            last = p["last"].as_str().unwrap().to_owned();
            if last.is_empty() {
                break;
            }
        }
        (rows, counts)
    }

    fn ids(rows: &[Value]) -> Vec<String> {
        rows.iter()
            .map(|r| r["id"].as_str().unwrap().to_owned())
            .collect()
    }

    #[test]
    fn filtered_pages_cover_exactly_the_matches_in_order() {
        let mut s = store();
        let all: Vec<&SessionRec> = s.sessions.iter().flatten().collect();
        let rare: Vec<String> = all.iter().step_by(400).map(|r| r.id.to_string()).collect();
        let rare_filter = serde_json::to_string(&serde_json::json!({ "id__in": rare })).unwrap();
        let want_an = all
            .iter()
            .filter(|r| s.users[r.user].email.contains("an"))
            .count();
        // One filter takes the sorted-matches path, the other the index walk.
        assert!(rare.len() <= s.len() / SORT_BELOW);
        assert!(want_an > s.len() / SORT_BELOW);
        for (filter, want) in [
            (rare_filter.as_str(), rare.len()),
            (r#"{"email__contains":["an"]}"#, want_an),
        ] {
            for (order_by, column) in [("created_at", "created_at"), ("email", "email")] {
                for order in ["asc", "desc"] {
                    let (rows, counts) = walk(&mut s, filter, order_by, order);
                    assert_eq!(rows.len(), want, "{filter} {order_by} {order}");
                    assert!(counts.iter().all(|&c| c as usize == want));
                    let mut seen = ids(&rows);
                    seen.sort();
                    seen.dedup();
                    assert_eq!(seen.len(), want, "a session was listed twice");
                    let keys: Vec<(String, String)> = rows
                        .iter()
                        .map(|r| {
                            (
                                r[column].as_str().unwrap().to_owned(),
                                r["id"].as_str().unwrap().to_owned(),
                            )
                        })
                        .collect();
                    let mut sorted = keys.clone();
                    sorted.sort();
                    if order == "desc" {
                        sorted.reverse();
                    }
                    assert_eq!(keys, sorted, "{filter} {order_by} {order}");
                }
            }
        }
    }

    #[test]
    fn changes_between_pages_show_on_the_next_page() {
        let mut s = store();
        let filter = r#"{"email__contains":["an"]}"#;
        let first = page(&mut s, &format!(r#"{{"filter":{filter},"size":5}}"#));
        let count = first["count"].as_u64().unwrap();
        let (rows, _) = walk(&mut s, filter, "created_at", "desc");
        let gone = ids(&rows)[6].clone();
        assert!(s.delete(&gone));
        let last = first["last"].as_str().unwrap();
        let second = page(
            &mut s,
            &format!(r#"{{"filter":{filter},"size":5,"last":"{last}"}}"#),
        );
        assert_eq!(second["count"].as_u64().unwrap(), count - 1);
        assert!(!ids(second["sessions"].as_array().unwrap()).contains(&gone));
        assert_eq!(
            ids(second["sessions"].as_array().unwrap())[0],
            ids(&rows)[5]
        );

        // A refresh replaces the active token id a filter can name.
        let toks = s.tokens(1);
        let session = &toks[0].sessions[0];
        let rec = s.get(&session.session_id).unwrap();
        let by_token = format!(r#"{{"filter":{{"active_token_id":"{}"}}}}"#, rec.active.id);
        assert_eq!(page(&mut s, &by_token)["count"], 1);
        s.refresh(session.refresh_token.expose(), None, NOW)
            .unwrap();
        assert_eq!(page(&mut s, &by_token)["count"], 0);
    }
}
