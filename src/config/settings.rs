//! Resolving flags, env and the selected profile into one [`Settings`].
//!
//! One small resolver per concern, each returning values with where they came from:
//! [`super::server`] (the server and service token, a pair from one layer),
//! [`super::user_tokens`] (the user and refresh tokens, from one source) and the
//! behaviour settings here (flag, then the selected profile, then the default).
//! [`Settings::origins`] records the winners for `authtop config show`; ambient values
//! that were set but not used are named in [`Settings::notices`].

use super::error::ConfigError;
use super::file::{self, ConfigFile};
use super::inputs::{DOMAIN_ENV, Inputs, Source, TOKEN_ENV};
use super::server::{self, ServerAddr};
use super::{paths, user_tokens};
use crate::authn::client_config::{base_url_from_domain, base_url_from_template};
use crate::authn::{ClientConfig, Secret};
pub use behaviour::Origin;
use behaviour::{Behaviour, Timeouts, key_overrides, origin, pick};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

pub use super::defaults::{
    ATTEMPT_TIMEOUT as DEFAULT_ATTEMPT_TIMEOUT, AUTO_RELOAD as DEFAULT_AUTO_RELOAD,
    CONCURRENCY as DEFAULT_CONCURRENCY, MAX_PAGE_SIZE, PAGE_SIZE as DEFAULT_PAGE_SIZE,
    TIMEOUT as DEFAULT_TIMEOUT, WALK_WINDOW as DEFAULT_WALK_WINDOW,
};

/// The widest walk window a profile or `--walk-window` may ask for: past it a walk only
/// adds load on the server, not speed.
pub const MAX_WALK_WINDOW: usize = 64;

/// Everything resolved; the CLI commands and the TUI read only this.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The config file consulted (it may not exist).
    pub config_path: Option<PathBuf>,
    /// Whether that file exists.
    pub config_found: bool,
    /// Whether the profile is one the config file defines (so `--profile NAME` selects it).
    pub profile_defined: bool,
    /// Profile name (`default` when none is selected).
    pub profile: String,
    /// Whether the profile is in force: chosen explicitly, or the source of the server
    /// address or the service token (not when `--base-url`/`--token` gave both).
    pub profile_in_force: bool,
    /// How to reach the server; `None` when `client_problem` says why.
    pub client: Option<ClientConfig>,
    /// Why `client` is `None`.
    pub client_problem: Option<ConfigError>,
    /// True when a service token, base URL or domain was given anywhere (so not demo mode).
    pub has_credentials: bool,
    /// Refuse destructive commands.
    pub read_only: bool,
    /// The user's active token.
    pub user_token: Option<Secret>,
    /// The user's refresh token.
    pub refresh_token: Option<Secret>,
    /// Why the user tokens could not be read from their file, if that failed.
    pub user_token_problem: Option<String>,
    /// The token pair file, rewritten after a refresh.
    pub token_file: Option<PathBuf>,
    /// Bulk concurrency (at least 1).
    pub concurrency: usize,
    /// Pages in flight at most in a walk that needs no order (1 to [`MAX_WALK_WINDOW`]).
    pub walk_window: usize,
    /// The audit log file.
    pub audit_log: PathBuf,
    /// Rows per page.
    pub page_size: u32,
    /// Colour choice; [`crate::color::ColorChoice::enabled`] turns it into yes or no.
    pub color: crate::color::ColorChoice,
    /// TUI reload interval; `None` is off.
    pub auto_reload: Option<Duration>,
    /// How old a walked result gets before auto-reload walks it again (None: only `r`).
    pub rewalk_after: Option<Duration>,
    /// Where the TUI writes exports; `None` is `exports` in the state folder.
    pub export_dir: Option<PathBuf>,
    /// Budget of one whole call, retries included.
    pub timeout: Duration,
    /// Limit of one attempt.
    pub attempt_timeout: Duration,
    /// Action name -> key specs, for the TUI keymap.
    pub key_overrides: BTreeMap<String, Vec<String>>,
    /// The TUI's colours (`[theme]`).
    pub theme: crate::config::theme::ThemeConfig,
    /// Saved views: the shipped ones with the config's `[views]` over them.
    pub views: Vec<crate::config::views::View>,
    /// One line each on stderr: ambient values set but not used, or overriding a default.
    pub notices: Vec<String>,
    /// Where each setting came from.
    pub origins: Vec<Origin>,
}

impl Settings {
    /// The profile an audit line names: the one in force, or none.
    #[must_use]
    pub fn audit_profile(&self) -> Option<String> {
        self.profile_in_force.then(|| self.profile.clone())
    }

    /// The client config, or why there is none.
    pub fn client_config(&self) -> Result<&ClientConfig, ConfigError> {
        match (&self.client, &self.client_problem) {
            (Some(c), _) => Ok(c),
            (None, Some(p)) => Err(p.clone()),
            (None, None) => Err(ConfigError::Missing("no server configured".into())),
        }
    }
}

pub use super::duration::{parse_duration, parse_interval, parse_positive};

/// Reads the config file named by the inputs (or the default one) and resolves everything.
pub fn resolve(inputs: &Inputs) -> Result<Settings, ConfigError> {
    // Set but empty in the environment is as good as unset, as with AUTHTOP_PROFILE; an
    // empty --config names no file and is a mistake.
    let mut cleared = None;
    let emptied;
    let inputs = match &inputs.config {
        Some(g) if g.value.as_os_str().is_empty() => match &g.source {
            Source::Env(var) => {
                cleared = Some(format!(
                    "{var} is set but empty: treated as unset, so the default config file applies"
                ));
                emptied = Inputs {
                    config: None,
                    ..inputs.clone()
                };
                &emptied
            }
            origin => {
                return Err(ConfigError::BadValue {
                    setting: "config file",
                    origin: origin.clone(),
                    reason: "it is empty: name a file, or leave it out for the default one".into(),
                });
            }
        },
        _ => inputs,
    };
    let config_path = inputs
        .config
        .as_ref()
        .map(|g| g.value.clone())
        .or_else(paths::default_config_file);
    let file = match &config_path {
        Some(p) => file::load(p)?,
        None => None,
    };
    // A file named on purpose that is not there is a mistake, not an empty config.
    if let (Some(given), None) = (&inputs.config, &file) {
        return Err(ConfigError::BadValue {
            setting: "config file",
            origin: given.source.clone(),
            reason: format!(
                "{} does not exist (leave --config and {} unset to use the default file)",
                given.value.display(),
                paths::CONFIG_ENV
            ),
        });
    }
    let mut settings = resolve_with(inputs, config_path, file, &|name| std::env::var(name).ok())?;
    if let Some(notice) = cleared {
        settings.notices.insert(0, notice);
    }
    Ok(settings)
}

/// [`resolve`] with the file already read and env lookups injected (for profile `token_env`).
pub fn resolve_with(
    inputs: &Inputs,
    config_path: Option<PathBuf>,
    file: Option<ConfigFile>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Settings, ConfigError> {
    let config_found = file.is_some();
    let file = file.unwrap_or_default();
    let path_text = config_path
        .as_ref()
        .map_or_else(|| "(no config file)".into(), |p| p.display().to_string());
    let mut notices = Vec::new();
    let selected = select_profile(inputs, &file, &path_text, &mut notices)?;
    let pname = selected.name.clone();
    let prof = selected.profile.cloned().unwrap_or_default();
    let from_profile = || Source::Profile(pname.clone());
    let mut origins = vec![
        selected.origin(),
        config_origin(inputs, &path_text, config_found),
    ];

    let named = selected.profile.map(|p| (pname.as_str(), p));
    let pair = server::resolve(
        inputs,
        named.filter(|_| selected.explicit),
        named.filter(|_| !selected.explicit),
        env,
    )?;
    notices.extend(pair.notices.iter().cloned());
    let supplied = |s: Option<&Source>| matches!(s, Some(Source::Profile(n)) if *n == pname);
    let profile_in_force = selected.profile.is_some()
        && (selected.explicit
            || supplied(pair.token.as_ref().map(|(_, s)| s))
            || supplied(pair.addr.as_ref().map(|(_, s)| s)));
    origins.extend(server_origins(&pair));

    let allow_http = pick(
        inputs.allow_http.clone(),
        prof.allow_http,
        &from_profile,
        false,
    );
    origins.push(origin("allow_http", &allow_http));
    let timeouts = Timeouts::resolve(inputs, &prof, &from_profile, &mut origins)?;

    let has_credentials = pair.token.is_some() || pair.addr.is_some() || pair.problem.is_some();
    let (client, client_problem) = client_config(&pair, allow_http.0, &timeouts, &mut notices);
    if let Some(cfg) = &client
        && let Some(o) = origins.iter_mut().find(|o| o.name == "server")
    {
        o.shown = format!("{} ({})", cfg.base_url, o.shown);
    }

    let behaviour = Behaviour::resolve(
        inputs,
        &file,
        &prof,
        config_path.as_ref(),
        &from_profile,
        &mut origins,
    )?;

    let users = user_tokens::resolve(
        inputs,
        selected
            .profile
            .map(|p| (pname.as_str(), p.user_token_file.as_deref())),
        selected.explicit,
    )?;
    notices.extend(users.notices.iter().cloned());
    origins.extend(user_token_origins(&users));

    let key_overrides = key_overrides(&file, &prof, &from_profile, &mut origins);

    Ok(Settings {
        config_path,
        config_found,
        profile_defined: selected.profile.is_some(),
        profile_in_force,
        client,
        client_problem,
        has_credentials,
        read_only: behaviour.read_only,
        user_token: users.user,
        refresh_token: users.refresh,
        user_token_problem: users.problem,
        token_file: users.file.map(|(p, _)| p),
        concurrency: behaviour.concurrency,
        walk_window: behaviour.walk_window,
        audit_log: behaviour.audit_log,
        page_size: behaviour.page_size,
        color: behaviour.color,
        auto_reload: behaviour.auto_reload,
        rewalk_after: behaviour.rewalk_after,
        export_dir: prof.export_dir.clone(),
        timeout: timeouts.call,
        attempt_timeout: timeouts.attempt,
        key_overrides,
        theme: file.theme.clone(),
        views: crate::config::views::merged(&file.views),
        notices,
        origins,
        profile: pname,
    })
}

/// The profile chosen, and how.
struct Selected<'f> {
    /// Its name (`default` when none is selected).
    name: String,
    /// Where the choice came from.
    source: Source,
    /// Chosen by `--profile` or `AUTHTOP_PROFILE` rather than by the file.
    explicit: bool,
    /// Its table, when the file defines it.
    profile: Option<&'f file::Profile>,
}

impl Selected<'_> {
    fn origin(&self) -> Origin {
        Origin {
            name: "profile",
            shown: format!(
                "{}{}",
                self.name,
                if self.explicit {
                    " (chosen explicitly)"
                } else {
                    ""
                }
            ),
            source: self.source.clone(),
        }
    }
}

/// Profile selection: --profile or `AUTHTOP_PROFILE` (explicit), else the file's
/// `default_profile`, else `default` if present.
/// Where the config file came from, and whether it was found.
fn config_origin(inputs: &Inputs, path_text: &str, found: bool) -> Origin {
    Origin {
        name: "config",
        shown: format!("{path_text}{}", if found { "" } else { " (not found)" }),
        source: inputs
            .config
            .as_ref()
            .map_or(Source::Default, |g| g.source.clone()),
    }
}

fn select_profile<'f>(
    inputs: &Inputs,
    file: &'f ConfigFile,
    path_text: &str,
    notices: &mut Vec<String>,
) -> Result<Selected<'f>, ConfigError> {
    // Set but empty in the environment is as good as unset: `AUTHTOP_PROFILE=` in a
    // script or a unit file is a way of clearing it. An empty --profile is a mistake.
    let chosen = match &inputs.profile {
        Some(g) if g.value.trim().is_empty() => match &g.source {
            Source::Env(var) => {
                notices.push(format!(
                    "{var} is set but empty: treated as unset, so the default profile applies"
                ));
                None
            }
            origin => {
                return Err(ConfigError::BadValue {
                    setting: "profile",
                    origin: origin.clone(),
                    reason: "a profile name cannot be empty".into(),
                });
            }
        },
        other => other.as_ref(),
    };
    let (name, source, explicit) = match chosen {
        Some(g) => (Some(g.value.clone()), g.source.clone(), true),
        None => match &file.default_profile {
            Some(name) => (
                Some(name.clone()),
                Source::Profile("default_profile".into()),
                false,
            ),
            None if file.has_profile("default") => {
                (Some("default".to_string()), Source::Default, false)
            }
            None => (None, Source::Default, false),
        },
    };
    let profile = match &name {
        Some(name) => {
            if let Some(broken) = file.broken.get(name) {
                return Err(broken.clone().into());
            }
            Some(
                file.profiles
                    .get(name)
                    .ok_or_else(|| ConfigError::UnknownProfile {
                        name: name.clone(),
                        path: path_text.to_string(),
                        available: file.profile_names(),
                    })?,
            )
        }
        None => None,
    };
    Ok(Selected {
        name: name.unwrap_or_else(|| "default".to_string()),
        source,
        explicit,
        profile,
    })
}

/// The `token` and `server` lines of `config show`.
fn server_origins(pair: &server::ServerPair) -> [Origin; 2] {
    [
        Origin {
            name: "token",
            shown: pair
                .token
                .as_ref()
                .map_or_else(|| "(none)".into(), |(t, _)| t.masked()),
            source: pair
                .token
                .as_ref()
                .map_or(Source::Default, |(_, s)| s.clone()),
        },
        Origin {
            name: "server",
            shown: match &pair.addr {
                Some((ServerAddr::Template(t), _)) => format!("base_url {t}"),
                Some((ServerAddr::Domain(d), _)) => format!("domain {d}"),
                None => "(none: demo mode in the terminal UI)".into(),
            },
            source: pair
                .addr
                .as_ref()
                .map_or(Source::Default, |(_, s)| s.clone()),
        },
    ]
}

/// How to reach the server, or why it cannot be reached.
fn client_config(
    pair: &server::ServerPair,
    allow_http: bool,
    timeouts: &Timeouts,
    notices: &mut Vec<String>,
) -> (Option<ClientConfig>, Option<ConfigError>) {
    match (&pair.token, &pair.addr, &pair.problem) {
        (_, _, Some(problem)) => (None, Some(problem.clone())),
        (Some((tok, _)), Some((addr, src)), None) => {
            let url = match addr {
                ServerAddr::Template(t) => base_url_from_template(t),
                ServerAddr::Domain(d) => {
                    if d.trim().starts_with("authn.") {
                        notices.push(format!(
                            "domain {} already starts with `authn.`: the server is https://authn.{}; give the domain without it",
                            d.trim(),
                            d.trim()
                        ));
                    }
                    base_url_from_domain(d)
                }
            };
            match url {
                Ok(url) => {
                    let mut cfg = ClientConfig::new(url, tok.clone());
                    cfg.allow_http = allow_http;
                    cfg.request_timeout = timeouts.attempt;
                    cfg.call_timeout = Some(timeouts.call);
                    cfg.poll_deadline = cfg.poll_deadline.max(timeouts.call);
                    (Some(cfg), None)
                }
                Err(e) => (
                    None,
                    Some(ConfigError::BadValue {
                        setting: "server",
                        origin: src.clone(),
                        reason: e.to_string(),
                    }),
                ),
            }
        }
        (None, _, None) => (
            None,
            Some(ConfigError::Missing(format!(
                "no service token: pass --service-token-file FILE (or --token), set {TOKEN_ENV} with {DOMAIN_ENV}, or set token_env/token_file in a profile"
            ))),
        ),
        (Some(_), None, None) => (
            None,
            Some(ConfigError::Missing(format!(
                "no server: pass --base-url or --domain, set {DOMAIN_ENV} with {TOKEN_ENV}, or set base_url/domain in a profile"
            ))),
        ),
    }
}

/// The `token_file`, `user_token` and `refresh_token` lines of `config show`.
fn user_token_origins(users: &user_tokens::UserTokens) -> Vec<Origin> {
    let mut origins = vec![Origin {
        name: "token_file",
        shown: users
            .file
            .as_ref()
            .map_or_else(|| "(none)".into(), |(p, _)| p.display().to_string()),
        source: users
            .file
            .as_ref()
            .map_or(Source::Default, |(_, s)| s.clone()),
    }];
    for (name, tok) in [
        ("user_token", &users.user),
        ("refresh_token", &users.refresh),
    ] {
        origins.push(Origin {
            name,
            shown: tok.as_ref().map_or_else(|| "(none)".into(), Secret::masked),
            source: match (tok, &users.source) {
                (Some(_), Some(s)) => s.clone(),
                _ => Source::Default,
            },
        });
    }
    origins
}

mod behaviour;
#[cfg(test)]
mod tests;
