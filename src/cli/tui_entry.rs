//! The no-subcommand path: resolved settings to the terminal UI.

use super::CliError;
use crate::config::Settings;

/// Starts the terminal UI: demo mode when no credentials are configured at all, an error
/// when they are configured but incomplete (so a typo never silently shows demo data).
pub async fn run_tui(settings: Settings) -> Result<(), CliError> {
    if settings.has_credentials
        && let Some(problem) = &settings.client_problem
    {
        return Err(CliError::usage(problem.to_string()));
    }
    Err(CliError::other("terminal UI not available in this build"))
}
