//! A compiled filter prepared against the store once per query, so deciding whether a
//! session matches costs a flag lookup plus the conditions on the session itself.

use super::filter::{Cond, TextField, TimeField};
use super::records::{SESSION_TYPE, SessionRec, User};

/// The conditions of one filter, with the verdict on each owner already taken.
pub struct Matcher<'q> {
    /// Whether user `i` passes every condition on the owner. Owners are shared by many
    /// sessions (ten each at the scale the emulator is benchmarked at), so deciding them
    /// once spares most of the string searches of a filter like `email~ann`.
    owner_ok: Vec<bool>,
    /// The conditions that read the session itself.
    on_session: Vec<&'q Cond>,
}

impl<'q> Matcher<'q> {
    /// Prepares `conds` (a conjunction) against the users of the store: all of them, or
    /// only user `only` (a client list sees one owner's sessions; the others then fail).
    pub fn new(conds: &'q [Cond], users: &[User], only: Option<usize>) -> Self {
        let (on_owner, on_session): (Vec<&Cond>, Vec<&Cond>) =
            conds.iter().partition(|c| reads_owner(c));
        Self {
            owner_ok: users
                .iter()
                .enumerate()
                .map(|(i, u)| {
                    only.is_none_or(|o| o == i) && on_owner.iter().all(|c| owner_holds(c, u))
                })
                .collect(),
            on_session,
        }
    }

    /// Whether some condition reads the session itself, not only its owner.
    pub fn reads_session(&self) -> bool {
        !self.on_session.is_empty()
    }

    /// Whether user `u` passes the conditions on the owner.
    pub fn owner_ok(&self, u: usize) -> bool {
        self.owner_ok.get(u).copied().unwrap_or(false)
    }

    /// Whether the session `rec` satisfies the filter.
    pub fn matches(&self, rec: &SessionRec) -> bool {
        self.owner_ok(rec.user) && self.on_session.iter().all(|c| session_holds(c, rec))
    }
}

/// Whether the condition reads only the owner, so it holds alike for all their sessions.
fn reads_owner(c: &Cond) -> bool {
    match c {
        Cond::Eq(f, _) | Cond::In(f, _) | Cond::Contains(f, _) => matches!(
            f,
            TextField::Identity | TextField::Email | TextField::Username
        ),
        Cond::Enabled(_)
        | Cond::ProfileEq(..)
        | Cond::ProfileContains(..)
        | Cond::ProfileExists(..) => true,
        Cond::Time(..) | Cond::Scopes(_) => false,
    }
}

/// Whether `text` satisfies a condition on a text column (other conditions: true).
fn text_holds(c: &Cond, text: &str) -> bool {
    match c {
        Cond::Eq(_, v) => text == v,
        Cond::In(_, vs) => vs.iter().any(|v| v == text),
        Cond::Contains(_, vs) => vs.iter().all(|v| text.contains(v.as_str())),
        _ => true,
    }
}

/// A condition [`reads_owner`] says is about the owner, evaluated on user `u`.
fn owner_holds(c: &Cond, u: &User) -> bool {
    match c {
        Cond::Eq(f, _) | Cond::In(f, _) | Cond::Contains(f, _) => match f {
            TextField::Identity => text_holds(c, &u.id),
            TextField::Email => text_holds(c, &u.email),
            TextField::Username => text_holds(c, &u.username),
            TextField::Id | TextField::Type | TextField::ActiveTokenId => true,
        },
        Cond::Enabled(b) => u.enabled == *b,
        Cond::ProfileEq(k, v) => profile_value(u, k) == Some(v.as_str()),
        Cond::ProfileContains(k, vs) => {
            profile_value(u, k).is_some_and(|p| vs.iter().any(|v| p.contains(v.as_str())))
        }
        Cond::ProfileExists(k, b) => profile_value(u, k).is_some() == *b,
        Cond::Time(..) | Cond::Scopes(_) => true,
    }
}

/// A condition about the session itself, evaluated on `rec`.
fn session_holds(c: &Cond, rec: &SessionRec) -> bool {
    match c {
        Cond::Eq(f, _) | Cond::In(f, _) | Cond::Contains(f, _) => match f {
            TextField::Id => text_holds(c, &rec.id),
            TextField::Type => text_holds(c, SESSION_TYPE),
            TextField::ActiveTokenId => text_holds(c, &rec.active.id),
            TextField::Identity | TextField::Email | TextField::Username => true,
        },
        Cond::Time(f, cmp, t) => cmp.holds(
            match f {
                TimeField::CreatedAt => rec.created_at,
                TimeField::Expire => rec.expire,
            },
            *t,
        ),
        Cond::Scopes(want) => want.iter().all(|s| rec.scopes.contains(s)),
        Cond::Enabled(_)
        | Cond::ProfileEq(..)
        | Cond::ProfileContains(..)
        | Cond::ProfileExists(..) => true,
    }
}

/// The owner's profile value a filter sees: the login metadata the list adds to each
/// session's profile is not filterable.
fn profile_value<'a>(u: &'a User, key: &str) -> Option<&'a str> {
    match key {
        "Login-Time" | "User-Agent" => None,
        _ => u.profile.get(key).map(String::as_str),
    }
}
