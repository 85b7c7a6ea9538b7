//! The no-subcommand path: resolved settings to the terminal UI.

use super::exit::{CliError, Exit};
use super::logging::LOG_ENV;
use crate::config::Settings;
use crate::config::{Given, Inputs};
use crate::tui::{ProfileSwitch, TuiOptions};
use std::sync::Arc;

/// The TUI's options from the resolved settings. `None` when credentials are configured
/// but incomplete, so a typo never silently shows demo data; demo mode (no client) when
/// none are configured at all. Demo mode never gets the user's tokens or token file, so
/// a demo refresh cannot overwrite a real token pair.
pub fn options(settings: Settings, log_filter: Option<String>) -> Result<TuiOptions, CliError> {
    if settings.has_credentials
        && let Some(problem) = &settings.client_problem
    {
        return Err(CliError::usage(problem.to_string()));
    }
    // A token file that cannot be used is named now, not discovered as a missing tab.
    if settings.client.is_some()
        && let Some(problem) = &settings.user_token_problem
    {
        return Err(CliError::usage(format!("no user token: {problem}")));
    }
    let color = settings.color.enabled(
        std::io::IsTerminal::is_terminal(&std::io::stdout()),
        crate::color::ColorEnv::from_process(),
    );
    let demo = settings.client.is_none();
    let mut settings = settings;
    if demo {
        settings.profile = "demo".into();
        settings.user_token = None;
        settings.refresh_token = None;
        settings.token_file = None;
    }
    let opts = TuiOptions {
        settings,
        demo,
        log_filter: log_filter.unwrap_or_else(|| "info".into()),
        color,
        fresh: false,
        profiles: Vec::new(),
        switcher: None,
    };
    Ok(opts)
}

/// What the TUI needs to remember per profile and to switch profiles.
#[derive(Debug, Clone, Default)]
pub struct Memory {
    /// `--fresh`: neither restore nor save the last query, order and tab.
    pub fresh: bool,
    /// The config file's profiles.
    pub profiles: Vec<String>,
    /// The flags and environment of this run, resolved again for another profile.
    pub inputs: Inputs,
}

/// `:profile NAME`: this run's flags and environment with the profile replaced, resolved
/// by the same rules as `authtop --profile NAME`. A profile without a server is refused
/// rather than turned into demo mode.
pub fn switcher(inputs: Inputs) -> ProfileSwitch {
    ProfileSwitch(Arc::new(move |name: &str| {
        let mut inputs = inputs.clone();
        inputs.profile = Some(Given::flag(name.to_string()));
        let settings = crate::config::resolve(&inputs).map_err(|e| e.to_string())?;
        let opts = options(settings, None).map_err(|e| e.to_string())?;
        if opts.settings.client.is_none() {
            return Err(format!("profile {name} names no server"));
        }
        Ok(opts)
    }))
}

/// Starts the terminal UI (`AUTHTOP_LOG` sets the level of its log file).
pub async fn run_tui(settings: Settings, memory: Memory) -> Result<(), CliError> {
    let filter = std::env::var(LOG_ENV).ok().filter(|v| !v.trim().is_empty());
    let mut opts = options(settings, filter)?;
    opts.fresh = memory.fresh;
    opts.profiles = memory.profiles;
    if !opts.demo {
        opts.switcher = Some(switcher(memory.inputs));
    }
    let demo = if opts.demo {
        let demo = crate::demo::start(crate::config::defaults::DEMO_TOKEN_LIFE)
            .await
            .map_err(|e| CliError::other(format!("cannot start the demo emulator: {e}")))?;
        opts.settings.client = Some(demo.client.clone());
        opts.settings.user_token.clone_from(&demo.user_token);
        opts.settings.refresh_token.clone_from(&demo.refresh_token);
        Some(demo)
    } else {
        None
    };
    let result = crate::tui::run(opts).await;
    if let Some(demo) = demo {
        demo.emulator.shutdown().await;
    }
    let quit = result.map_err(|e| CliError::other(e.to_string()))?;
    for line in quit_summary(&quit) {
        crate::output::diag(&format!("authtop: {line}"));
    }
    match quit_exit(&quit) {
        Exit::Ok => Ok(()),
        // Already said above; nothing more to print.
        exit => Err(CliError::new(exit, String::new())),
    }
}

/// What the destructive work of a TUI session came to, for stderr once the screen is
/// restored (nothing when there was none).
pub fn quit_summary(quit: &crate::tui::Quit) -> Vec<String> {
    let Some(t) = &quit.tally else {
        return Vec::new();
    };
    let mut first = format!(
        "destructive work of this session ({} run(s)): {} ended, {} already gone, {} failed, {} unknown, {} not attempted",
        t.runs, t.ended, t.not_found, t.failed, t.unknown, t.not_attempted
    );
    if t.unreported > 0 {
        first.push_str(&format!(
            ", {} cut off at exit (the audit log has what was sent)",
            t.unreported
        ));
    }
    let mut lines = vec![first, format!("audit log: {}", quit.audit_log.display())];
    lines.extend(
        t.lists
            .iter()
            .map(|p| format!("not attempted: listed in {}", p.display())),
    );
    lines
}

/// The exit status of a TUI session: a signal's, else 130 when a forced quit left work
/// undone, 6 when a normal one did, 0 otherwise.
pub fn quit_exit(quit: &crate::tui::Quit) -> Exit {
    match quit.signal {
        Some(libc::SIGHUP) => return Exit::HungUp,
        Some(libc::SIGTERM) => return Exit::Terminated,
        Some(libc::SIGINT) => return Exit::Interrupted,
        Some(_) => return Exit::Other,
        None => {}
    }
    match &quit.tally {
        Some(t) if t.left_undone() && quit.forced => Exit::Interrupted,
        Some(t) if t.left_undone() => Exit::Partial,
        _ => Exit::Ok,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::authn::Secret;
    use crate::config::settings::resolve_with;
    use crate::config::{Given, Inputs};

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn no_credentials_means_demo_without_the_users_token_file() {
        let inputs = Inputs {
            token_file: Some(Given::flag("/nonexistent/tokens.json".into())),
            concurrency: Some(Given::flag(3)),
            ..Default::default()
        };
        let s = resolve_with(&inputs, None, None, &no_env).unwrap();
        let o = options(s, None).unwrap();
        assert!(o.demo);
        assert!(o.settings.client.is_none());
        assert_eq!(o.settings.token_file, None);
        assert_eq!(o.settings.concurrency, 3);
        assert_eq!(o.log_filter, "info");
    }

    #[test]
    fn a_token_without_a_server_is_an_error_not_demo_mode() {
        let inputs = Inputs {
            token: Some(Given::flag(Secret::new(
                "pts_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            ))),
            ..Default::default()
        };
        let s = resolve_with(&inputs, None, None, &no_env).unwrap();
        let e = options(s, None).unwrap_err();
        assert_eq!(e.exit, super::super::Exit::Usage);
    }

    #[test]
    fn a_configured_server_carries_profile_tokens_and_keys() {
        let file = crate::config::file::parse(
            "[profiles.work]\nread_only = true\npage_size = 20\n[profiles.work.keys]\nquit = [\"x\"]\n",
            std::path::Path::new("c.toml"),
        )
        .unwrap();
        let inputs = Inputs {
            profile: Some(Given::flag("work".into())),
            token: Some(Given::flag(Secret::new(
                "pts_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            ))),
            base_url: Some(Given::flag("http://127.0.0.1:9".into())),
            user_token: Some(Given::flag(Secret::new(
                "ptu_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            ))),
            ..Default::default()
        };
        let s = resolve_with(&inputs, None, Some(file), &no_env).unwrap();
        let o = options(s, Some("debug".into())).unwrap();
        assert!(!o.demo);
        let s = &o.settings;
        assert_eq!(s.client.as_ref().unwrap().base_url, "http://127.0.0.1:9");
        assert_eq!(s.profile, "work");
        assert!(s.read_only);
        assert_eq!(s.page_size, 20);
        assert!(s.user_token.is_some());
        assert_eq!(s.key_overrides["quit"], vec!["x".to_string()]);
        assert_eq!(o.log_filter, "debug");
    }
}
