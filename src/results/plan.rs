//! Reviewable runs: a snapshot written to a file (`--plan FILE`) and acted on later,
//! exactly (`--from-plan FILE`), only against the profile and host it was made for.
//! Also the one way files that hold people's data are written: private (0600).

use super::Snapshot;
use super::ids::{self, BadId, Kind};
use crate::actions::Target;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::Path;

/// The `format` a plan file carries.
pub const FORMAT: &str = "authtop-plan/1";

/// One target of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanTarget {
    /// Session id, or user id for a log-out plan.
    pub id: String,
    /// The owner, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<String>,
    /// The owner's email, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// A target snapshot on disk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// [`FORMAT`].
    pub format: String,
    /// `session.invalidate` or `session.logout`.
    pub action: String,
    /// The query as typed.
    pub query: String,
    /// The profile it was made with.
    pub profile: String,
    /// The host it was made against.
    pub host: String,
    /// When the query's relative times were resolved (RFC 3339).
    pub resolved_at: String,
    /// When the walk finished (RFC 3339): sessions created later are not in it.
    pub walked_at: String,
    /// Targets in the plan.
    pub count: usize,
    /// Distinct users among them.
    pub users: usize,
    /// Every target.
    pub targets: Vec<PlanTarget>,
}

/// A plan file that cannot be used; nothing was sent.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// Not readable.
    #[error("cannot read the plan {path}: {source} (nothing was sent)")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// Not a plan.
    #[error("{path} is not an authtop plan: {reason} (nothing was sent)")]
    Invalid {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
    /// An id in it is not an id of the kind its action takes.
    #[error("the plan {path}: {source}")]
    BadId {
        /// The file.
        path: String,
        /// Which target.
        source: BadId,
    },
    /// Made for another profile or host.
    #[error(
        "the plan {path} was made for {planned}, and this run is on {here}: refused, nothing was sent (pass the plan's --profile, or make a new plan here)"
    )]
    Elsewhere {
        /// The file.
        path: String,
        /// `profile @ host` of the plan.
        planned: String,
        /// `profile @ host` of this run.
        here: String,
    },
}

impl Plan {
    /// The plan of `snapshot` for `action`; `targets` are the snapshot's unless a log-out
    /// plan lists users.
    pub fn new(snapshot: &Snapshot, action: &str, targets: &[Target]) -> Self {
        Self {
            format: FORMAT.into(),
            action: action.into(),
            query: snapshot.set.text().to_string(),
            profile: snapshot.set.profile.clone(),
            host: snapshot.set.host.clone(),
            resolved_at: snapshot.set.resolved_at.to_string(),
            walked_at: snapshot.walked_at.to_string(),
            count: targets.len(),
            users: snapshot.users,
            targets: targets
                .iter()
                .map(|t| PlanTarget {
                    id: t.id.clone(),
                    identity: t.identity.clone(),
                    email: t.email.clone(),
                })
                .collect(),
        }
    }

    /// The targets as the engine takes them.
    pub fn targets(&self) -> Vec<Target> {
        self.targets
            .iter()
            .map(|t| Target {
                id: t.id.clone(),
                identity: t.identity.clone(),
                email: t.email.clone(),
            })
            .collect()
    }

    /// `profile @ host` of the plan.
    pub fn place(&self) -> String {
        format!("{} @ {}", self.profile, self.host)
    }

    /// Writes the plan, private to its owner.
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        let mut text = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
        text.push('\n');
        write_private(path, text.as_bytes())
    }

    /// Reads and checks a plan for `action`: its format, its count, every id's shape.
    pub fn read(path: &Path, action: &str) -> Result<Self, PlanError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| PlanError::Read {
            path: shown.clone(),
            source,
        })?;
        let invalid = |reason: String| PlanError::Invalid {
            path: shown.clone(),
            reason,
        };
        let plan: Plan = serde_json::from_str(&text).map_err(|e| invalid(e.to_string()))?;
        if plan.format != FORMAT {
            return Err(invalid(format!(
                "format {:?}, expected {FORMAT:?}",
                crate::sanitize::clean(&plan.format)
            )));
        }
        if plan.action != action {
            return Err(invalid(format!(
                "it is a {} plan, and this command is {action}",
                crate::sanitize::clean(&plan.action)
            )));
        }
        if plan.count != plan.targets.len() {
            return Err(invalid(format!(
                "it says {} targets and lists {}",
                plan.count,
                plan.targets.len()
            )));
        }
        let kind = if action == crate::audit::AuditAction::SessionLogout.as_str() {
            Kind::User
        } else {
            Kind::Session
        };
        for (i, t) in plan.targets.iter().enumerate() {
            let origin = ids::Origin::Line {
                source: "its targets".into(),
                line: i + 1,
            };
            ids::check(&t.id, kind, origin).map_err(|source| PlanError::BadId {
                path: shown.clone(),
                source,
            })?;
        }
        Ok(plan)
    }

    /// Refuses a plan made for another profile or host.
    pub fn check_place(&self, path: &Path, profile: &str, host: &str) -> Result<(), PlanError> {
        if self.profile == profile && self.host == host {
            return Ok(());
        }
        Err(PlanError::Elsewhere {
            path: path.display().to_string(),
            planned: crate::sanitize::clean(&self.place()).into_owned(),
            here: crate::sanitize::clean(&format!("{profile} @ {host}")).into_owned(),
        })
    }
}

/// Writes `bytes` to `path` readable and writable by its owner only (0600), also when the
/// file was there before with wider permissions.
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    make_private(&file)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Narrows an open file to its owner (0600).
pub fn make_private(file: &std::fs::File) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    #[cfg(not(unix))]
    let _ = file;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::authn::model::Timestamp;
    use crate::investigate::Progress;
    use crate::results::ResultSet;

    const S: &str = "pmt_abcdefghijklmnopqrstuvwxyz234567";

    fn snapshot() -> Snapshot {
        Snapshot {
            set: ResultSet::compile("vpn", Timestamp::UNIX_EPOCH, "prod", "h.example").unwrap(),
            walked_at: Timestamp::UNIX_EPOCH,
            walk_ms: 5,
            targets: vec![Target::id(S)],
            users: 1,
            sample: vec![],
            progress: Progress::default(),
            whole: None,
        }
    }

    #[test]
    fn a_plan_round_trips_privately_and_refuses_another_place() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.json");
        let snap = snapshot();
        let plan = Plan::new(&snap, "session.invalidate", &snap.targets);
        plan.write(&path).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let back = Plan::read(&path, "session.invalidate").unwrap();
        assert_eq!(back, plan);
        assert!(back.check_place(&path, "prod", "h.example").is_ok());
        let e = back.check_place(&path, "staging", "h.example").unwrap_err();
        assert!(e.to_string().contains("prod @ h.example"), "{e}");
        assert!(Plan::read(&path, "session.logout").is_err());
    }

    #[test]
    fn a_plan_with_a_token_for_an_id_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.json");
        let mut plan = Plan::new(&snapshot(), "session.invalidate", &[Target::id(S)]);
        plan.targets[0].id = "ptu_abcdefghijklmnopqrstuvwxyz234567".into();
        plan.write(&path).unwrap();
        let e = Plan::read(&path, "session.invalidate").unwrap_err();
        assert!(!e.to_string().contains("abcdefgh"), "{e}");
    }
}
