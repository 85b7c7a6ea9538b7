//! What every command gets: the resolved settings and how to print.

use super::exit::{CliError, Exit};
use crate::audit::AuditLog;
use crate::authn::Client;
use crate::config::Settings;
use crate::output::{Format, Term};

/// What every command gets: the resolved settings and how to print.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// Resolved settings.
    pub settings: Settings,
    /// `-o`.
    pub format: Format,
    /// Colour and progress permissions.
    pub term: Term,
    /// What bounds a destructive run.
    pub limits: crate::actions::Limits,
}

impl Ctx {
    /// A client for the configured server, or a usage error saying what is missing.
    pub fn client(&self) -> Result<Client, CliError> {
        let cfg = self.settings.client_config()?;
        Client::new(cfg.clone()).map_err(CliError::from)
    }

    /// A client for the project-wide endpoints (`/v2/session/*`), or a usage error before
    /// anything is sent when the token in force is a client token, which the server would
    /// refuse there.
    pub fn service_client(&self, what: &str) -> Result<Client, CliError> {
        let cfg = self.settings.client_config()?;
        if cfg.has_client_token() {
            return Err(CliError::usage(format!(
                "`{what}` calls the project-wide session endpoints, which a client token (pcl_…) may not call: use a service token (pts_…); a client token serves `authtop client …`, `authtop token check` and the TUI's My sessions and Token tabs (nothing was sent)"
            )));
        }
        Client::new(cfg.clone()).map_err(CliError::from)
    }

    /// Exit 7 before any request when the profile is read-only.
    pub fn refuse_if_read_only(&self, what: &str) -> Result<(), CliError> {
        if self.settings.read_only {
            return Err(CliError::new(
                Exit::ReadOnly,
                format!(
                    "refused: `{what}` is destructive and profile `{}` is read-only (nothing was sent)",
                    self.settings.profile
                ),
            ));
        }
        Ok(())
    }

    /// Opens the audit log; done before the first destructive request so a broken log stops it.
    pub fn audit_log(&self) -> Result<AuditLog, CliError> {
        crate::config::paths::narrow_state_dir();
        AuditLog::open(&self.settings.audit_log).map_err(|e| {
            CliError::new(
                Exit::AuditFailed,
                format!(
                    "cannot open the audit log {}: {e} (nothing was sent)",
                    self.settings.audit_log.display()
                ),
            )
        })
    }
}
