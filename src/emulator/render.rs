//! Sessions and tokens written straight from the store to JSON, without building
//! intermediate model values, so a 1000-row page costs little more than its bytes.

use super::store::{SECOND, SessionRec, User, ts};
use serde::ser::{Serialize, SerializeMap, Serializer};

/// A time as RFC 3339 UTC with microseconds, as the API writes object times.
pub struct Stamp(pub i64);

impl Serialize for Stamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("{:.6}", ts(self.0)))
    }
}

/// The user's profile plus the session's login metadata.
struct ProfileView<'a> {
    user: &'a User,
    rec: &'a SessionRec,
}

impl Serialize for ProfileView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.user.profile.len() + 2))?;
        for (k, v) in &self.user.profile {
            m.serialize_entry(k, v)?;
        }
        m.serialize_entry("Login-Time", &Stamp(self.rec.created_at))?;
        m.serialize_entry("User-Agent", self.rec.user_agent)?;
        m.end()
    }
}

/// Token metadata of a session's active or refresh token (spec 4.2), with the value
/// when `value` is set (spec 4.3).
pub struct TokenView<'a> {
    /// Owner.
    pub user: &'a User,
    /// The session the token belongs to.
    pub rec: &'a SessionRec,
    /// `user` or `session`.
    pub kind: &'a str,
    /// Token id.
    pub id: &'a str,
    /// Issue time.
    pub created: i64,
    /// Expiry.
    pub expire: i64,
    /// Response time.
    pub now: i64,
    /// The secret value, for refresh results only.
    pub value: Option<&'a str>,
    /// Whether to add `enabled` and `intelligence` (token check and refresh results).
    pub full: bool,
}

impl<'a> TokenView<'a> {
    /// The session's active token, if it has a second or more left.
    pub fn active(user: &'a User, rec: &'a SessionRec, now: i64) -> Option<Self> {
        let a = &rec.active;
        (a.expire - now >= SECOND).then_some(Self {
            user,
            rec,
            kind: "user",
            id: &a.id,
            created: a.created_at,
            expire: a.expire,
            now,
            value: None,
            full: false,
        })
    }

    /// The session's refresh token, reported as the session itself.
    pub fn refresh(user: &'a User, rec: &'a SessionRec, now: i64) -> Self {
        Self {
            user,
            rec,
            kind: "session",
            id: &rec.id,
            created: rec.created_at,
            expire: rec.expire,
            now,
            value: None,
            full: true,
        }
    }
}

impl Serialize for TokenView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        if let Some(v) = self.value {
            m.serialize_entry("token", v)?;
        }
        m.serialize_entry("id", self.id)?;
        m.serialize_entry("type", self.kind)?;
        m.serialize_entry("life", &((self.expire - self.now) / SECOND))?;
        m.serialize_entry("expire", &Stamp(self.expire))?;
        if self.full {
            m.serialize_entry("enabled", &self.user.enabled)?;
        }
        m.serialize_entry("identity", &self.user.id)?;
        m.serialize_entry("email", &self.user.email)?;
        m.serialize_entry("scopes", &self.rec.scopes)?;
        m.serialize_entry(
            "profile",
            &ProfileView {
                user: self.user,
                rec: self.rec,
            },
        )?;
        m.serialize_entry("created_at", &Stamp(self.created))?;
        if let (true, Some(intel)) = (self.full, &self.rec.intelligence) {
            m.serialize_entry("intelligence", intel)?;
        }
        m.end()
    }
}

/// A session as the list endpoints return it (spec 4.1).
pub struct SessionView<'a> {
    /// Owner.
    pub user: &'a User,
    /// The session.
    pub rec: &'a SessionRec,
    /// Response time.
    pub now: i64,
}

impl Serialize for SessionView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (user, rec) = (self.user, self.rec);
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("id", &*rec.id)?;
        m.serialize_entry("type", "session")?;
        m.serialize_entry("life", &((rec.expire - self.now) / SECOND))?;
        m.serialize_entry("expire", &Stamp(rec.expire))?;
        m.serialize_entry("identity", &user.id)?;
        m.serialize_entry("email", &user.email)?;
        m.serialize_entry("scopes", &rec.scopes)?;
        m.serialize_entry("profile", &ProfileView { user, rec })?;
        m.serialize_entry("created_at", &Stamp(rec.created_at))?;
        if let Some(active) = TokenView::active(user, rec, self.now) {
            m.serialize_entry("active_token", &active)?;
        }
        m.end()
    }
}
