//! What the token endpoints do to the store: end sessions (invalidate, log out), issue a
//! new active token (refresh), describe a token (check), and hand out live tokens.

use super::{Store, TokenKind, slot, slot32};
use crate::errors::Failure;
use crate::ids;
use crate::records::{Active, SECOND, SessionRec, SessionTokens, UserTokens, ts};
use crate::render::{Json, TokenView};
use pangea_authn_model::Secret;
use pangea_authn_model::{OrderBy, Profile, TokenInfo};
use std::sync::Arc;

impl Store {
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
            let ids: Vec<Arc<str>> = self.by_user[u]
                .iter()
                .filter_map(|&at| self.at(at as usize))
                .map(|r| r.id.clone())
                .collect();
            self.remove_many(&ids);
        }
    }

    /// Ends the session the user token `token` belongs to.
    pub fn logout_token(&mut self, token: &str, now: i64) -> Result<(), Failure> {
        self.purge(now);
        let id = self.by_user_token(token, now)?.id.clone();
        self.remove(&id);
        Ok(())
    }

    /// Sets the life of active tokens issued from now on (by refresh); live ones keep theirs.
    pub fn set_user_token_life(&mut self, life: i64) {
        self.user_token_life = life;
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
        let old_value = rec.active.value.clone();
        let active = Active {
            id: ids::new_id(&mut self.rng, "pmt"),
            value: ids::new_id(&mut self.rng, "ptu"),
            created_at: now,
            expire: (now + self.user_token_life).min(session_expire),
        };
        let at = *self.slot_of.get(&id).ok_or(Failure::InvalidToken)?;
        self.version += 1;
        self.tokens
            .remove(&old_value, slot32(at), TokenKind::Active);
        self.tokens
            .insert(&active.value, slot32(at), TokenKind::Active);
        // The session moves in the active-token order: out at its old key, in at its new.
        let ob = OrderBy::ActiveTokenId;
        let i = slot(ob);
        let pos = self.indexes[i].partition_point(|&s| self.before(s as usize, at, ob));
        if self.indexes[i].get(pos) == Some(&slot32(at)) {
            self.indexes[i].remove(pos);
        }
        let Some(rec) = self.sessions.get_mut(at).and_then(Option::as_mut) else {
            return Err(Failure::InvalidToken);
        };
        rec.active = active;
        let pos = self.indexes[i].partition_point(|&s| self.before(s as usize, at, ob));
        self.indexes[i].insert(pos, slot32(at));
        let Some(rec) = self.at(at) else {
            return Err(Failure::InvalidToken);
        };
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
        let mut out = Json::with_capacity(2048);
        out.raw("{");
        out.key("refresh_token");
        refresh_token.write(&mut out);
        if let Some(active) = active_token {
            out.raw(",");
            out.key("active_token");
            active.write(&mut out);
        }
        out.raw("}");
        Ok(out.into_string())
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
        Ok(view.json())
    }

    /// Live tokens of every session of the first `max_users` users, oldest session first.
    pub fn tokens(&self, max_users: usize) -> Vec<UserTokens> {
        self.users
            .iter()
            .zip(&self.by_user)
            .take(max_users)
            .map(|(u, ids)| {
                let mut recs: Vec<&SessionRec> =
                    ids.iter().filter_map(|&at| self.at(at as usize)).collect();
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
