//! The blast radius of a bulk action: a blank query never means "everything", `--max`
//! bounds the count, and the scope shown before acting is the server's, not a page's.

use super::Target;
use crate::authn::model::{Filter, Order, OrderBy, Session, SessionListRequest};
use crate::authn::{Client, ListScope, PageError};
use futures::StreamExt;
use std::collections::BTreeSet;

/// Page size of the walk that collects the targets of a query.
const WALK_PAGE_SIZE: u32 = 1000;

/// What a bulk run by query acts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// The sessions matching a query that narrows the set.
    Query(String),
    /// Every session of the project, asked for explicitly.
    All,
}

impl Scope {
    /// How the audit log names the scope.
    pub fn audit_query(&self) -> String {
        match self {
            Scope::Query(q) => q.clone(),
            Scope::All => "*all*".into(),
        }
    }
}

/// A bulk action refused before anything was sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    /// The query is empty or only spaces (an unset variable, most often).
    #[error(
        "the query is blank, and a blank query never means every session (nothing was sent); to act on every session of the project, pass --all"
    )]
    BlankQuery,
    /// The query has words but narrows nothing.
    #[error(
        "the query {0:?} narrows nothing, so it would match every session (nothing was sent); to act on every session of the project, pass --all"
    )]
    MatchesEverything(String),
    /// More targets than the caller allowed.
    #[error(
        "{matched} sessions match, more than --max {max} allows (nothing was sent); narrow the query or raise --max"
    )]
    TooMany {
        /// Targets found.
        matched: usize,
        /// The bound.
        max: usize,
    },
}

/// Checks a query before it is compiled: a blank one is refused unless `all`.
pub fn scope(query: Option<&str>, all: bool) -> Result<Scope, Refused> {
    match query {
        _ if all => Ok(Scope::All),
        Some(q) if !q.trim().is_empty() => Ok(Scope::Query(q.to_string())),
        _ => Err(Refused::BlankQuery),
    }
}

/// Checks the compiled filter: one that narrows nothing needs [`Scope::All`].
pub fn filter(scope: &Scope, filter: &Filter) -> Result<(), Refused> {
    match scope {
        Scope::Query(q) if filter.is_empty() => Err(Refused::MatchesEverything(q.clone())),
        _ => Ok(()),
    }
}

/// Refuses more than `max` targets.
pub fn max(matched: usize, max: Option<usize>) -> Result<(), Refused> {
    match max {
        Some(max) if matched > max => Err(Refused::TooMany { matched, max }),
        _ => Ok(()),
    }
}

/// What a query matches, as the server says: every target, distinct users, a sample.
#[derive(Debug, Clone, PartialEq)]
pub struct Census {
    /// Every matching session, as a target with its owner.
    pub targets: Vec<Target>,
    /// Distinct users among them.
    pub users: usize,
    /// The first few sessions, for people to check.
    pub sample: Vec<Session>,
}

/// Walks every session matching `filter` (all pages), keeping targets and a sample.
/// A walk that fails or stops early is an error: acting on part of a set while saying
/// it is the whole would mislead.
pub async fn census(
    client: &Client,
    scope: ListScope,
    filter: Filter,
    sample: usize,
) -> Result<Census, PageError> {
    let req = SessionListRequest {
        filter: (!filter.is_empty()).then_some(filter),
        last: None,
        order: Some(Order::Desc),
        order_by: Some(OrderBy::CreatedAt),
        size: Some(WALK_PAGE_SIZE),
    };
    let mut seen = BTreeSet::new();
    let mut users = BTreeSet::new();
    let mut out = Census {
        targets: Vec::new(),
        users: 0,
        sample: Vec::new(),
    };
    let mut pages = std::pin::pin!(client.pages(scope, req));
    while let Some(page) = pages.next().await {
        for s in page?.result.sessions {
            if !seen.insert(s.id.clone()) {
                continue;
            }
            if !s.identity.is_empty() {
                users.insert(s.identity.clone());
            }
            out.targets.push(Target {
                id: s.id.clone(),
                identity: Some(s.identity.clone()).filter(|i| !i.is_empty()),
                email: Some(s.email.clone()).filter(|e| !e.is_empty()),
            });
            if out.sample.len() < sample {
                out.sample.push(s);
            }
        }
    }
    out.users = users.len();
    Ok(out)
}

/// How many sessions a user has in all: the server's `count` of a list filtered by the
/// identity, or, when the server gives none, a walk that counts them.
pub async fn user_sessions(client: &Client, user_id: &str) -> Result<u64, PageError> {
    let mut filter = Filter::default();
    filter
        .0
        .insert("identity".into(), serde_json::Value::String(user_id.into()));
    let req = SessionListRequest {
        filter: Some(filter.clone()),
        last: None,
        order: None,
        order_by: None,
        size: Some(1),
    };
    let first = client.session_list(&req).await.map_err(|error| PageError {
        error,
        resume_from: None,
    })?;
    if let Some(n) = first.result.count {
        return Ok(n);
    }
    let walked = census(client, ListScope::Service, filter, 0).await?;
    Ok(walked.targets.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_blank_query_is_refused_unless_all_is_explicit() {
        for q in [None, Some(""), Some("   "), Some("\t\n")] {
            assert_eq!(scope(q, false), Err(Refused::BlankQuery), "{q:?}");
        }
        assert_eq!(scope(None, true), Ok(Scope::All));
        assert_eq!(
            scope(Some("email~a"), false),
            Ok(Scope::Query("email~a".into()))
        );
        assert!(Refused::BlankQuery.to_string().contains("--all"));
    }

    #[test]
    fn a_query_that_narrows_nothing_needs_all() {
        let empty = Filter::default();
        let q = Scope::Query("x".into());
        assert!(matches!(
            filter(&q, &empty),
            Err(Refused::MatchesEverything(_))
        ));
        assert_eq!(filter(&Scope::All, &empty), Ok(()));
    }

    #[test]
    fn max_refuses_only_above_the_bound() {
        assert_eq!(max(5, Some(5)), Ok(()));
        assert_eq!(max(6, None), Ok(()));
        assert_eq!(
            max(6, Some(5)),
            Err(Refused::TooMany { matched: 6, max: 5 })
        );
    }
}
