//! The in-memory session store: users, sessions, token lookup and one sorted index per
//! `order_by` column, so a page is a range scan from the cursor rather than a sort.
//! Times are microseconds since the epoch; "now" is always passed in.

use super::cursor::{Cursor, SortKey, fingerprint};
use super::filter::{Cond, TextField, TimeField};
use super::ids;
use super::render::{SessionView, TokenView};
use super::validate::ListQuery;
use super::{SessionTokens, UserTokens};
use crate::authn::Secret;
use crate::authn::model::{Intelligence, Order, OrderBy, Profile, TokenInfo};
use std::collections::{BTreeSet, HashMap, HashSet};
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
    /// Login risk signals, complete or absent.
    pub intelligence: Option<Box<Intelligence>>,
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

type Index = BTreeSet<(SortKey, Arc<str>)>;

/// Every user and session, with lookups (no `Debug`: it holds token values).
pub struct Store {
    users: Vec<User>,
    user_by_id: HashMap<String, usize>,
    sessions: HashMap<Arc<str>, SessionRec>,
    by_user: Vec<BTreeSet<Arc<str>>>,
    indexes: [Index; 7],
    tokens: HashMap<String, (Arc<str>, TokenKind)>,
    expired_tokens: HashSet<String>,
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
const SESSION_TYPE: &str = "session";

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
            sessions: HashMap::new(),
            by_user: Vec::new(),
            indexes: Default::default(),
            tokens: HashMap::new(),
            expired_tokens: HashSet::new(),
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
        self.by_user.push(BTreeSet::new());
        i
    }

    /// Adds a session and indexes it.
    pub fn add_session(&mut self, rec: SessionRec) {
        for ob in OrderBy::ALL {
            let key = self.key(&rec, ob);
            self.indexes[slot(ob)].insert((key, rec.id.clone()));
        }
        self.by_user[rec.user].insert(rec.id.clone());
        self.tokens
            .insert(rec.refresh.clone(), (rec.id.clone(), TokenKind::Refresh));
        self.tokens.insert(
            rec.active.value.clone(),
            (rec.id.clone(), TokenKind::Active),
        );
        self.sessions.insert(rec.id.clone(), rec);
    }

    /// The store's generator, for new ids and tokens.
    pub fn rng(&mut self) -> &mut fastrand::Rng {
        &mut self.rng
    }

    /// Live sessions.
    pub fn len(&self) -> usize {
        self.sessions.len()
    }

    /// True when no session is live.
    pub fn is_empty(&self) -> bool {
        self.sessions.is_empty()
    }

    /// Whether `id` is a live session.
    pub fn contains(&self, id: &str) -> bool {
        self.sessions.contains_key(id)
    }

    fn key(&self, rec: &SessionRec, ob: OrderBy) -> SortKey {
        let user = &self.users[rec.user];
        match ob {
            OrderBy::Id => SortKey::Text(rec.id.to_string()),
            OrderBy::CreatedAt => SortKey::Time(rec.created_at),
            OrderBy::Type => SortKey::Text(SESSION_TYPE.to_owned()),
            OrderBy::Identity => SortKey::Text(user.id.clone()),
            OrderBy::Email => SortKey::Text(user.email.clone()),
            OrderBy::Expire => SortKey::Time(rec.expire),
            OrderBy::ActiveTokenId => SortKey::Text(rec.active.id.clone()),
        }
    }

    /// Drops sessions with less than a second left; their tokens then answer
    /// `ExpiredToken` rather than `InvalidToken`.
    pub fn purge(&mut self, now: i64) {
        let ended: Vec<Arc<str>> = self.indexes[slot(OrderBy::Expire)]
            .iter()
            .take_while(|(k, _)| matches!(k, SortKey::Time(t) if *t - now < SECOND))
            .map(|(_, id)| id.clone())
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
        let rec = self.sessions.remove(id)?;
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
            Some((id, kind)) => self
                .sessions
                .get(id)
                .map(|r| (r, *kind))
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

    fn matches(&self, rec: &SessionRec, conds: &[Cond]) -> bool {
        let user = &self.users[rec.user];
        let text = |f: TextField| -> &str {
            match f {
                TextField::Id => &rec.id,
                TextField::Type => SESSION_TYPE,
                TextField::Identity => &user.id,
                TextField::Email => &user.email,
                TextField::Username => &user.username,
                TextField::ActiveTokenId => &rec.active.id,
            }
        };
        conds.iter().all(|c| match c {
            Cond::Eq(f, v) => text(*f) == v,
            Cond::In(f, vs) => vs.iter().any(|v| v == text(*f)),
            Cond::Contains(f, vs) => vs.iter().all(|v| text(*f).contains(v.as_str())),
            Cond::Time(f, cmp, t) => cmp.holds(
                match f {
                    TimeField::CreatedAt => rec.created_at,
                    TimeField::Expire => rec.expire,
                },
                *t,
            ),
            Cond::Scopes(want) => want.iter().all(|s| rec.scopes.contains(s)),
            Cond::Enabled(b) => user.enabled == *b,
            Cond::ProfileEq(k, v) => self.profile_value(rec, k) == Some(v.as_str()),
            Cond::ProfileContains(k, vs) => self
                .profile_value(rec, k)
                .is_some_and(|p| vs.iter().any(|v| p.contains(v.as_str()))),
            Cond::ProfileExists(k, b) => self.profile_value(rec, k).is_some() == *b,
        })
    }

    fn profile_value<'a>(&'a self, rec: &'a SessionRec, key: &str) -> Option<&'a str> {
        match key {
            "Login-Time" | "User-Agent" => None,
            _ => self.users[rec.user].profile.get(key).map(String::as_str),
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
        let scoped: Index;
        let index = match owner {
            Some(u) => {
                scoped = self.by_user[u]
                    .iter()
                    .filter_map(|id| self.sessions.get(id))
                    .map(|r| (self.key(r, q.order_by), r.id.clone()))
                    .collect();
                &scoped
            }
            None => &self.indexes[slot(q.order_by)],
        };
        let rows: Box<dyn Iterator<Item = &(SortKey, Arc<str>)>> = match (q.order, after) {
            (Order::Asc, Some(a)) => Box::new(index.range((Bound::Excluded(a), Bound::Unbounded))),
            (Order::Asc, None) => Box::new(index.iter()),
            (Order::Desc, Some(a)) => {
                Box::new(index.range((Bound::Unbounded, Bound::Excluded(a))).rev())
            }
            (Order::Desc, None) => Box::new(index.iter().rev()),
        };
        let mut sessions: Vec<SessionView> = Vec::with_capacity(q.size.min(index.len()));
        let mut last = String::new();
        let mut prev: Option<&(SortKey, Arc<str>)> = None;
        for row in rows {
            let Some(rec) = self.sessions.get(&row.1) else {
                continue;
            };
            if !self.matches(rec, &q.conds) {
                continue;
            }
            if sessions.len() == q.size {
                if let Some((key, id)) = prev {
                    last = Cursor {
                        query,
                        key: key.clone(),
                        id: id.to_string(),
                    }
                    .encode();
                }
                break;
            }
            sessions.push(SessionView {
                user: &self.users[rec.user],
                rec,
                now,
            });
            prev = Some(row);
        }
        let count = if q.conds.is_empty() {
            index.len()
        } else if owner.is_none() {
            // Every index holds every live session; walking the records themselves spares
            // a hash lookup per session, which dominated a filtered count of 100,000.
            self.sessions
                .values()
                .filter(|r| self.matches(r, &q.conds))
                .count()
        } else {
            index
                .iter()
                .filter_map(|(_, id)| self.sessions.get(id))
                .filter(|r| self.matches(r, &q.conds))
                .count()
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
            if self
                .sessions
                .get(session_id)
                .is_none_or(|r| r.user != owner)
            {
                return Err(Failure::NotFound);
            }
        }
        self.remove(session_id).map(|_| ()).ok_or(Failure::NotFound)
    }

    /// Ends every session of `user_id`; unknown users succeed.
    pub fn logout_user(&mut self, user_id: &str, now: i64) {
        self.purge(now);
        if let Some(&u) = self.user_by_id.get(user_id) {
            let ids: Vec<Arc<str>> = self.by_user[u].iter().cloned().collect();
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
        self.tokens.remove(&old_value);
        self.tokens
            .insert(active.value.clone(), (id.clone(), TokenKind::Active));
        self.indexes[slot(OrderBy::ActiveTokenId)].remove(&old_key);
        self.indexes[slot(OrderBy::ActiveTokenId)]
            .insert((SortKey::Text(active.id.clone()), id.clone()));
        let Some(rec) = self.sessions.get_mut(&id) else {
            return Err(Failure::InvalidToken);
        };
        rec.active = active;
        let rec = &self.sessions[&id];
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
                    ids.iter().filter_map(|id| self.sessions.get(id)).collect();
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
