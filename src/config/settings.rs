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
use super::inputs::{DOMAIN_ENV, Given, Inputs, Source, TOKEN_ENV};
use super::server::{self, ServerAddr};
use super::{paths, user_tokens};
use crate::authn::client_config::{base_url_from_domain, base_url_from_template};
use crate::authn::{ClientConfig, Secret};
use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

pub use super::defaults::{
    ATTEMPT_TIMEOUT as DEFAULT_ATTEMPT_TIMEOUT, AUTO_RELOAD as DEFAULT_AUTO_RELOAD,
    CONCURRENCY as DEFAULT_CONCURRENCY, MAX_PAGE_SIZE, PAGE_SIZE as DEFAULT_PAGE_SIZE,
    TIMEOUT as DEFAULT_TIMEOUT, WALK_WINDOW as DEFAULT_WALK_WINDOW,
};

/// One line of `authtop config show`: a setting, its shown (redacted) value and its origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// Setting name.
    pub name: &'static str,
    /// Value safe to print (tokens masked).
    pub shown: String,
    /// Where it came from.
    pub source: Source,
}

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
    let mut origins = Vec::new();
    let mut early_notices = Vec::new();

    // Set but empty in the environment is as good as unset: `AUTHTOP_PROFILE=` in a
    // script or a unit file is a way of clearing it. An empty --profile is a mistake.
    let chosen = match &inputs.profile {
        Some(g) if g.value.trim().is_empty() => match &g.source {
            Source::Env(var) => {
                early_notices.push(format!(
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

    // Profile selection: --profile or AUTHTOP_PROFILE (explicit), else the file's
    // default_profile, else `default` if present.
    let (profile_name, profile_source, explicit) = match chosen {
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
    let profile = match &profile_name {
        Some(name) => {
            if let Some(broken) = file.broken.get(name) {
                return Err(broken.clone().into());
            }
            Some(
                file.profiles
                    .get(name)
                    .ok_or_else(|| ConfigError::UnknownProfile {
                        name: name.clone(),
                        path: path_text.clone(),
                        available: file.profile_names(),
                    })?,
            )
        }
        None => None,
    };
    let profile_defined = profile.is_some();
    let prof = profile.cloned().unwrap_or_default();
    let pname = profile_name.unwrap_or_else(|| "default".to_string());
    let from_profile = || Source::Profile(pname.clone());
    origins.push(Origin {
        name: "profile",
        shown: format!(
            "{pname}{}",
            if explicit { " (chosen explicitly)" } else { "" }
        ),
        source: profile_source,
    });
    origins.push(Origin {
        name: "config",
        shown: format!(
            "{path_text}{}",
            if config_found { "" } else { " (not found)" }
        ),
        source: inputs
            .config
            .as_ref()
            .map_or(Source::Default, |g| g.source.clone()),
    });

    let named = profile.map(|p| (pname.as_str(), p));
    let pair = server::resolve(
        inputs,
        named.filter(|_| explicit),
        named.filter(|_| !explicit),
        env,
    )?;
    let mut notices = early_notices;
    notices.extend(pair.notices.iter().cloned());
    let supplied = |s: Option<&Source>| matches!(s, Some(Source::Profile(n)) if *n == pname);
    let profile_in_force = profile_defined
        && (explicit
            || supplied(pair.token.as_ref().map(|(_, s)| s))
            || supplied(pair.addr.as_ref().map(|(_, s)| s)));
    origins.push(Origin {
        name: "token",
        shown: pair
            .token
            .as_ref()
            .map_or_else(|| "(none)".into(), |(t, _)| t.masked()),
        source: pair
            .token
            .as_ref()
            .map_or(Source::Default, |(_, s)| s.clone()),
    });
    origins.push(Origin {
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
    });

    let allow_http = pick(
        inputs.allow_http.clone(),
        prof.allow_http,
        &from_profile,
        false,
    );
    origins.push(origin("allow_http", &allow_http));
    let profile_duration = |setting: &'static str, value: &Option<file::Duration>| {
        value
            .as_ref()
            .map(|d| {
                parse_positive(&d.0).map_err(|reason| ConfigError::BadValue {
                    setting,
                    origin: from_profile(),
                    reason,
                })
            })
            .transpose()
    };
    let timeout = pick(
        inputs.timeout.clone(),
        profile_duration("timeout", &prof.timeout)?,
        &from_profile,
        DEFAULT_TIMEOUT,
    );
    origins.push(Origin {
        name: "timeout",
        shown: format!(
            "{} (whole call, retries included)",
            crate::clock::rounded(timeout.0)
        ),
        source: timeout.1.clone(),
    });
    let attempt_timeout = pick(
        inputs.attempt_timeout.clone(),
        profile_duration("attempt_timeout", &prof.attempt_timeout)?,
        &from_profile,
        DEFAULT_ATTEMPT_TIMEOUT.min(timeout.0),
    );
    origins.push(Origin {
        name: "attempt_timeout",
        shown: crate::clock::rounded(attempt_timeout.0),
        source: attempt_timeout.1.clone(),
    });

    let has_credentials = pair.token.is_some() || pair.addr.is_some() || pair.problem.is_some();
    let (client, client_problem) = match (&pair.token, &pair.addr, &pair.problem) {
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
                    cfg.allow_http = allow_http.0;
                    cfg.request_timeout = attempt_timeout.0;
                    cfg.call_timeout = Some(timeout.0);
                    cfg.poll_deadline = cfg.poll_deadline.max(timeout.0);
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
    };

    if let Some(cfg) = &client
        && let Some(o) = origins.iter_mut().find(|o| o.name == "server")
    {
        o.shown = format!("{} ({})", cfg.base_url, o.shown);
    }

    let read_only = pick(
        inputs.read_only.clone(),
        prof.read_only,
        &from_profile,
        false,
    );
    origins.push(origin("read_only", &read_only));

    let concurrency = pick(
        inputs.concurrency.clone(),
        prof.concurrency,
        &from_profile,
        DEFAULT_CONCURRENCY,
    );
    if concurrency.0 == 0 {
        return Err(ConfigError::BadValue {
            setting: "concurrency",
            origin: concurrency.1,
            reason: "must be at least 1".into(),
        });
    }
    origins.push(origin("concurrency", &concurrency));

    let walk_window = window::resolve(inputs.walk_window.clone(), prof.walk_window, &from_profile)?;
    origins.push(origin("walk_window", &walk_window));

    let page_size = pick(None, prof.page_size, &from_profile, DEFAULT_PAGE_SIZE);
    if page_size.0 == 0 || page_size.0 > MAX_PAGE_SIZE {
        return Err(ConfigError::BadValue {
            setting: "page_size",
            origin: page_size.1,
            reason: format!("must be 1 to {MAX_PAGE_SIZE}"),
        });
    }
    origins.push(origin("page_size", &page_size));

    let color = match (inputs.color.clone(), prof.color, file.color) {
        (Some(g), _, _) => (g.value, g.source),
        (None, Some(c), _) => (c, from_profile()),
        (None, None, Some(c)) => (c, Source::File(config_path.clone().unwrap_or_default())),
        (None, None, None) => (crate::color::ColorChoice::Auto, Source::Default),
    };
    origins.push(origin("color", &color));

    let auto_reload = match &prof.auto_reload {
        Some(text) => (
            parse_interval(&text.0).map_err(|reason| ConfigError::BadValue {
                setting: "auto_reload",
                origin: from_profile(),
                reason,
            })?,
            from_profile(),
        ),
        None => (Some(DEFAULT_AUTO_RELOAD), Source::Default),
    };
    origins.push(Origin {
        name: "auto_reload",
        shown: auto_reload
            .0
            .map_or_else(|| "off".into(), crate::clock::rounded),
        source: auto_reload.1,
    });

    let rewalk_after = match &prof.rewalk_after {
        Some(text) => (
            parse_interval(&text.0).map_err(|reason| ConfigError::BadValue {
                setting: "rewalk_after",
                origin: from_profile(),
                reason,
            })?,
            from_profile(),
        ),
        None => (Some(super::defaults::REWALK_AFTER), Source::Default),
    };
    origins.push(Origin {
        name: "rewalk_after",
        shown: rewalk_after
            .0
            .map_or_else(|| "off".into(), crate::clock::rounded),
        source: rewalk_after.1,
    });

    let audit_log = match (&inputs.audit_log, &prof.audit_log) {
        (Some(g), _) => (g.value.clone(), g.source.clone()),
        (None, Some(p)) => (paths::expand_home(p), from_profile()),
        (None, None) => (paths::default_audit_log(), Source::Default),
    };
    origins.push(Origin {
        name: "audit_log",
        shown: audit_log.0.display().to_string(),
        source: audit_log.1,
    });

    let users = user_tokens::resolve(
        inputs,
        profile.map(|p| (pname.as_str(), p.user_token_file.as_deref())),
        explicit,
    )?;
    notices.extend(users.notices.iter().cloned());
    origins.push(Origin {
        name: "token_file",
        shown: users
            .file
            .as_ref()
            .map_or_else(|| "(none)".into(), |(p, _)| p.display().to_string()),
        source: users
            .file
            .as_ref()
            .map_or(Source::Default, |(_, s)| s.clone()),
    });
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

    let mut key_overrides = file.keys.clone();
    key_overrides.extend(prof.keys.clone());
    origins.push(Origin {
        name: "keys",
        shown: format!("{} override(s)", key_overrides.len()),
        source: if key_overrides.is_empty() {
            Source::Default
        } else {
            from_profile()
        },
    });

    Ok(Settings {
        config_path,
        config_found,
        profile_defined,
        profile_in_force,
        profile: pname,
        client,
        client_problem,
        has_credentials,
        read_only: read_only.0,
        user_token: users.user,
        refresh_token: users.refresh,
        user_token_problem: users.problem,
        token_file: users.file.map(|(p, _)| p),
        concurrency: concurrency.0,
        walk_window: walk_window.0,
        audit_log: audit_log.0,
        page_size: page_size.0,
        color: color.0,
        auto_reload: auto_reload.0,
        rewalk_after: rewalk_after.0,
        export_dir: prof.export_dir.clone(),
        timeout: timeout.0,
        attempt_timeout: attempt_timeout.0,
        key_overrides,
        theme: file.theme.clone(),
        notices,
        origins,
    })
}

/// Flag value, else the profile's, else the default; with its origin.
fn pick<T>(
    given: Option<Given<T>>,
    profile: Option<T>,
    from_profile: &dyn Fn() -> Source,
    default: T,
) -> (T, Source) {
    match (given, profile) {
        (Some(g), _) => (g.value, g.source),
        (None, Some(v)) => (v, from_profile()),
        (None, None) => (default, Source::Default),
    }
}

fn origin<T: fmt::Display>(name: &'static str, v: &(T, Source)) -> Origin {
    Origin {
        name,
        shown: v.0.to_string(),
        source: v.1.clone(),
    }
}

mod window;
pub use window::MAX_WALK_WINDOW;

#[cfg(test)]
mod tests;
