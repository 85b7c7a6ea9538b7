//! Resolving flags, env and the selected profile into one [`Settings`].
//!
//! One small resolver per concern, each returning values with where they came from:
//! [`super::server`] (the server and service token, a pair from one layer),
//! [`super::user_tokens`] (the user and refresh tokens, from one source) and the
//! behaviour settings here (flag, then the selected profile, then the default).
//! [`Settings::origins`] records the winners for `authtop config show`; ambient values
//! that were set but not used are named in [`Settings::notices`].

use super::file::{self, ConfigFile, FileError};
use super::server::{self, ServerAddr};
use super::{paths, user_tokens};
use crate::authn::client::{base_url_from_domain, base_url_from_template};
use crate::authn::{ClientConfig, Secret};
use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

/// Env var holding the service token.
pub const TOKEN_ENV: &str = "PANGEA_AUTHN_TOKEN";
/// Env var holding the Pangea domain.
pub const DOMAIN_ENV: &str = "PANGEA_DOMAIN";
/// Env var holding the user's active token.
pub const USER_TOKEN_ENV: &str = "AUTHTOP_USER_TOKEN";
/// Env var holding the user's refresh token.
pub const REFRESH_TOKEN_ENV: &str = "AUTHTOP_REFRESH_TOKEN";
/// Env var choosing a profile (as explicit as `--profile`).
pub const PROFILE_ENV: &str = "AUTHTOP_PROFILE";

pub use super::defaults::{
    ATTEMPT_TIMEOUT as DEFAULT_ATTEMPT_TIMEOUT, AUTO_RELOAD as DEFAULT_AUTO_RELOAD,
    CONCURRENCY as DEFAULT_CONCURRENCY, MAX_PAGE_SIZE, PAGE_SIZE as DEFAULT_PAGE_SIZE,
    TIMEOUT as DEFAULT_TIMEOUT,
};

/// Where a resolved value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A command-line flag.
    Flag,
    /// An env var (its name).
    Env(String),
    /// The named profile of the config file.
    Profile(String),
    /// A token pair file.
    TokenFile(PathBuf),
    /// A file holding the service token.
    File(PathBuf),
    /// Standard input.
    Stdin,
    /// Built in.
    Default,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Flag => f.write_str("flag"),
            Source::Env(name) => write!(f, "env {name}"),
            Source::Profile(name) => write!(f, "profile {name}"),
            Source::TokenFile(path) => write!(f, "token file {}", path.display()),
            Source::File(path) => write!(f, "file {}", path.display()),
            Source::Stdin => f.write_str("standard input"),
            Source::Default => f.write_str("default"),
        }
    }
}

/// A value given on the command line or through the env, with where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Given<T> {
    /// The value.
    pub value: T,
    /// [`Source::Flag`] or [`Source::Env`].
    pub source: Source,
}

impl<T> Given<T> {
    /// A value from a flag.
    pub fn flag(value: T) -> Self {
        Self {
            value,
            source: Source::Flag,
        }
    }
    /// A value from the named env var.
    pub fn env(value: T, name: &str) -> Self {
        Self {
            value,
            source: Source::Env(name.to_string()),
        }
    }
}

/// What the command line and env said; `None` means not given.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// `--base-url`.
    pub base_url: Option<Given<String>>,
    /// `--domain` / `PANGEA_DOMAIN`.
    pub domain: Option<Given<String>>,
    /// `--token` / `PANGEA_AUTHN_TOKEN` / `--service-token-file -` (standard input).
    pub token: Option<Given<Secret>>,
    /// `--service-token-file FILE`.
    pub service_token_file: Option<Given<PathBuf>>,
    /// `--profile` / `AUTHTOP_PROFILE`.
    pub profile: Option<Given<String>>,
    /// `--allow-http`.
    pub allow_http: Option<Given<bool>>,
    /// `--concurrency`.
    pub concurrency: Option<Given<usize>>,
    /// `--timeout`: the whole call.
    pub timeout: Option<Given<Duration>>,
    /// `--attempt-timeout`: one attempt.
    pub attempt_timeout: Option<Given<Duration>>,
    /// `--read-only`.
    pub read_only: Option<Given<bool>>,
    /// `--audit-log`.
    pub audit_log: Option<Given<PathBuf>>,
    /// `--config` / `AUTHTOP_CONFIG`.
    pub config: Option<Given<PathBuf>>,
    /// `--user-token` / `AUTHTOP_USER_TOKEN`.
    pub user_token: Option<Given<Secret>>,
    /// `--refresh-token` / `AUTHTOP_REFRESH_TOKEN`.
    pub refresh_token: Option<Given<Secret>>,
    /// `--token-file`.
    pub token_file: Option<Given<PathBuf>>,
    /// `--color`.
    pub color: Option<Given<crate::color::ColorChoice>>,
}

/// A configuration that cannot be used as it stands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// The config file is unreadable or invalid.
    #[error(transparent)]
    File(#[from] FileError),
    /// `--profile` (or `default_profile`) names a profile the file lacks.
    #[error("no profile `{name}` in {path}{}", if available.is_empty() { String::new() } else { format!(" (profiles: {})", available.join(", ")) })]
    UnknownProfile {
        /// The requested name.
        name: String,
        /// The config file.
        path: String,
        /// Profiles the file has.
        available: Vec<String>,
    },
    /// A setting has a value that makes no sense.
    #[error("{setting} (from {origin}): {reason}")]
    BadValue {
        /// Which setting.
        setting: &'static str,
        /// Where the value came from.
        origin: Source,
        /// What is wrong.
        reason: String,
    },
    /// No way to talk to a real server.
    #[error("{0}")]
    Missing(String),
}

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
    /// Profile name (`default` when none is selected).
    pub profile: String,
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
    /// The audit log file.
    pub audit_log: PathBuf,
    /// Rows per page.
    pub page_size: u32,
    /// Colour choice; [`crate::color::ColorChoice::enabled`] turns it into yes or no.
    pub color: crate::color::ColorChoice,
    /// TUI reload interval; `None` is off.
    pub auto_reload: Option<Duration>,
    /// Where the TUI writes exports; `None` is `exports` in the state folder.
    pub export_dir: Option<PathBuf>,
    /// Budget of one whole call, retries included.
    pub timeout: Duration,
    /// Limit of one attempt.
    pub attempt_timeout: Duration,
    /// Action name -> key specs, for the TUI keymap.
    pub key_overrides: BTreeMap<String, Vec<String>>,
    /// The TUI's colours (`[theme]`).
    pub theme: crate::config::ThemeConfig,
    /// One line each on stderr: ambient values set but not used, or overriding a default.
    pub notices: Vec<String>,
    /// Where each setting came from.
    pub origins: Vec<Origin>,
}

impl Settings {
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
    let config_path = inputs
        .config
        .as_ref()
        .map(|g| g.value.clone())
        .or_else(paths::default_config_file);
    let file = match &config_path {
        Some(p) => file::load(p)?,
        None => None,
    };
    resolve_with(inputs, config_path, file, &|name| std::env::var(name).ok())
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
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "(no config file)".into());
    let mut origins = Vec::new();

    // Profile selection: --profile or AUTHTOP_PROFILE (explicit), else the file's
    // default_profile, else `default` if present.
    let (profile_name, profile_source, explicit) = match &inputs.profile {
        Some(g) => (Some(g.value.clone()), g.source.clone(), true),
        None => match &file.default_profile {
            Some(name) => (
                Some(name.clone()),
                Source::Profile("default_profile".into()),
                false,
            ),
            None if file.profiles.contains_key("default") => {
                (Some("default".to_string()), Source::Default, false)
            }
            None => (None, Source::Default, false),
        },
    };
    let profile = match &profile_name {
        Some(name) => Some(
            file.profiles
                .get(name)
                .ok_or_else(|| ConfigError::UnknownProfile {
                    name: name.clone(),
                    path: path_text.clone(),
                    available: file.profiles.keys().cloned().collect(),
                })?,
        ),
        None => None,
    };
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
            .map(|g| g.source.clone())
            .unwrap_or(Source::Default),
    });

    let named = profile.map(|p| (pname.as_str(), p));
    let pair = server::resolve(
        inputs,
        named.filter(|_| explicit),
        named.filter(|_| !explicit),
        env,
    )?;
    let mut notices = pair.notices.clone();
    origins.push(Origin {
        name: "token",
        shown: pair
            .token
            .as_ref()
            .map(|(t, _)| t.masked())
            .unwrap_or_else(|| "(none)".into()),
        source: pair
            .token
            .as_ref()
            .map(|(_, s)| s.clone())
            .unwrap_or(Source::Default),
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
            .map(|(_, s)| s.clone())
            .unwrap_or(Source::Default),
    });

    let allow_http = pick(
        inputs.allow_http.clone(),
        prof.allow_http,
        &from_profile,
        false,
    );
    origins.push(origin("allow_http", &allow_http));
    let timeout = pick(inputs.timeout.clone(), None, &from_profile, DEFAULT_TIMEOUT);
    origins.push(Origin {
        name: "timeout",
        shown: format!(
            "{}s (whole call, retries included)",
            timeout.0.as_secs_f64()
        ),
        source: timeout.1.clone(),
    });
    let attempt_timeout = pick(
        inputs.attempt_timeout.clone(),
        None,
        &from_profile,
        DEFAULT_ATTEMPT_TIMEOUT.min(timeout.0),
    );
    origins.push(Origin {
        name: "attempt_timeout",
        shown: format!("{}s", attempt_timeout.0.as_secs_f64()),
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
            parse_interval(text).map_err(|reason| ConfigError::BadValue {
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
            .map(|d| format!("{}s", d.as_secs()))
            .unwrap_or_else(|| "off".into()),
        source: auto_reload.1,
    });

    let audit_log = match &inputs.audit_log {
        Some(g) => (g.value.clone(), g.source.clone()),
        None => (paths::default_audit_log(), Source::Default),
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
            .map(|(p, _)| p.display().to_string())
            .unwrap_or_else(|| "(none)".into()),
        source: users
            .file
            .as_ref()
            .map(|(_, s)| s.clone())
            .unwrap_or(Source::Default),
    });
    for (name, tok) in [
        ("user_token", &users.user),
        ("refresh_token", &users.refresh),
    ] {
        origins.push(Origin {
            name,
            shown: tok
                .as_ref()
                .map(Secret::masked)
                .unwrap_or_else(|| "(none)".into()),
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
        audit_log: audit_log.0,
        page_size: page_size.0,
        color: color.0,
        auto_reload: auto_reload.0,
        export_dir: prof.export_dir.clone(),
        timeout: timeout.0,
        attempt_timeout: attempt_timeout.0,
        key_overrides,
        theme: file.theme.clone(),
        notices,
        origins,
    })
}

/// The notices for ambient variables that were set but not used, and why.
pub(crate) fn unused_notices(set: &[Option<&str>], why: &str) -> Vec<String> {
    set.iter()
        .flatten()
        .map(|name| format!("{name} is set but not used: {why}"))
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn file(text: &str) -> ConfigFile {
        file::parse(text, Path::new("c.toml")).unwrap()
    }

    fn no_env(_: &str) -> Option<String> {
        None
    }

    fn shown<'a>(s: &'a Settings, name: &str) -> &'a Origin {
        s.origins.iter().find(|o| o.name == name).unwrap()
    }

    #[test]
    fn flags_beat_env_beat_profile_beat_default() {
        let f = file(
            "[profiles.default]\nconcurrency = 3\nread_only = true\npage_size = 20\nauto_reload = \"off\"\n",
        );
        let mut inputs = Inputs {
            concurrency: Some(Given::flag(5)),
            ..Default::default()
        };
        let s = resolve_with(&inputs, None, Some(f.clone()), &no_env).unwrap();
        assert_eq!(s.concurrency, 5);
        assert_eq!(shown(&s, "concurrency").source, Source::Flag);
        assert!(s.read_only);
        assert_eq!(
            shown(&s, "read_only").source,
            Source::Profile("default".into())
        );
        assert_eq!(s.page_size, 20);
        assert_eq!(s.auto_reload, None);

        inputs.concurrency = None;
        let s = resolve_with(&inputs, None, Some(f), &no_env).unwrap();
        assert_eq!(s.concurrency, 3);

        let s = resolve_with(&Inputs::default(), None, None, &no_env).unwrap();
        assert_eq!(s.concurrency, DEFAULT_CONCURRENCY);
        assert_eq!(s.page_size, DEFAULT_PAGE_SIZE);
        assert_eq!(s.auto_reload, Some(DEFAULT_AUTO_RELOAD));
        assert!(!s.has_credentials);
        assert!(s.client.is_none());
    }

    const PROD: &str = "pts_prodprodprodprodprodprodprodprod";
    const AMBIENT: &str = "pts_ambientambientambientambientam";

    fn prod_file() -> ConfigFile {
        file(
            "default_profile = \"dev\"\n[profiles.prod]\ndomain = \"aws.us.pangea.cloud\"\ntoken_env = \"PROD_AUTHN_TOKEN\"\n[profiles.dev]\nbase_url = \"http://127.0.0.1:1\"\ntoken_env = \"DEV_TOKEN\"\n",
        )
    }

    fn prod_env(name: &str) -> Option<String> {
        match name {
            "PROD_AUTHN_TOKEN" => Some(PROD.into()),
            "DEV_TOKEN" => Some("pts_devdevdevdevdevdevdevdevdevdevde".into()),
            _ => None,
        }
    }

    fn ambient(domain: Option<&str>, token: Option<&str>) -> Inputs {
        Inputs {
            domain: domain.map(|d| Given::env(d.to_string(), DOMAIN_ENV)),
            token: token.map(|t| Given::env(Secret::new(t), TOKEN_ENV)),
            ..Default::default()
        }
    }

    #[test]
    fn an_explicit_profile_keeps_its_pair_whatever_the_environment_says() {
        let mut inputs = ambient(Some("http://127.0.0.1:18751"), Some(AMBIENT));
        inputs.profile = Some(Given::flag("prod".into()));
        let s = resolve_with(&inputs, None, Some(prod_file()), &prod_env).unwrap();
        let c = s.client_config().unwrap();
        assert_eq!(c.base_url, "https://authn.aws.us.pangea.cloud");
        assert_eq!(c.token.expose(), PROD);
        assert_eq!(s.notices.len(), 2, "{:?}", s.notices);
        assert!(s.notices[0].contains("PANGEA_DOMAIN is set but not used"));
        assert!(s.notices[1].contains("PANGEA_AUTHN_TOKEN"));
        assert!(s.notices.iter().all(|n| n.contains("`prod` was chosen")));
        // AUTHTOP_PROFILE is as explicit as --profile.
        inputs.profile = Some(Given::env("prod".into(), PROFILE_ENV));
        let s = resolve_with(&inputs, None, Some(prod_file()), &prod_env).unwrap();
        assert_eq!(s.client_config().unwrap().token.expose(), PROD);
    }

    #[test]
    fn the_ambient_pair_beats_a_default_profile_and_says_so() {
        let inputs = ambient(Some("dev.example.com"), Some(AMBIENT));
        let s = resolve_with(&inputs, None, Some(prod_file()), &prod_env).unwrap();
        let c = s.client_config().unwrap();
        assert_eq!(c.base_url, "https://authn.dev.example.com");
        assert_eq!(c.token.expose(), AMBIENT);
        assert_eq!(s.notices.len(), 1);
        assert!(s.notices[0].contains("instead of default profile `dev`"));
    }

    #[test]
    fn half_an_ambient_pair_is_never_mixed_with_another_layer() {
        // Only the domain is ambient: the default profile's pair is used whole.
        let inputs = ambient(Some("http://127.0.0.1:18751"), None);
        let s = resolve_with(&inputs, None, Some(prod_file()), &prod_env).unwrap();
        let c = s.client_config().unwrap();
        assert_eq!(c.base_url, "http://127.0.0.1:1");
        assert!(c.token.expose().starts_with("pts_dev"));
        assert!(s.notices[0].contains("PANGEA_DOMAIN is set but not used"));
        // Only the token is ambient and no profile names a server: an error, not a guess.
        let inputs = ambient(None, Some(AMBIENT));
        let s = resolve_with(&inputs, None, None, &no_env).unwrap();
        let e = s.client_config().unwrap_err().to_string();
        assert!(e.contains("PANGEA_DOMAIN is not"), "{e}");
        // A server flag never borrows the ambient or profile token.
        let mut inputs = ambient(None, Some(AMBIENT));
        inputs.base_url = Some(Given::flag("http://127.0.0.1:2".into()));
        let s = resolve_with(&inputs, None, Some(prod_file()), &prod_env).unwrap();
        let e = s.client_config().unwrap_err().to_string();
        assert!(e.contains("service token is not"), "{e}");
        assert!(s.notices[0].contains("PANGEA_AUTHN_TOKEN is set but not used"));
    }

    #[test]
    fn flags_give_the_whole_pair_and_the_token_is_never_shown() {
        let mut inputs = ambient(Some("other.example.com"), Some(AMBIENT));
        inputs.domain = Some(Given::flag("aws.us.pangea.cloud".into()));
        inputs.token = Some(Given::flag(Secret::new(PROD)));
        let s = resolve_with(&inputs, None, Some(prod_file()), &prod_env).unwrap();
        assert_eq!(
            s.client_config().unwrap().base_url,
            "https://authn.aws.us.pangea.cloud"
        );
        let o = shown(&s, "token");
        assert_eq!(o.source, Source::Flag);
        assert_eq!(o.shown, "pts_••••••••");
        let dbg = format!("{s:?}");
        assert!(!dbg.contains("prodprod"), "{dbg}");
    }

    #[test]
    fn a_token_in_token_env_is_an_error_that_does_not_print_it() {
        let f = file(
            "[profiles.a]\ndomain = \"x.io\"\ntoken_env = \"pts_abcdefghijklmnopqrstuvwxyz234567\"\n",
        );
        let inputs = Inputs {
            profile: Some(Given::flag("a".into())),
            ..Default::default()
        };
        let e = resolve_with(&inputs, None, Some(f), &no_env)
            .unwrap_err()
            .to_string();
        assert!(e.contains("looks like a token"), "{e}");
        assert!(!e.contains("abcdefgh"), "{e}");
    }

    #[test]
    fn a_domain_always_means_https_authn_and_a_doubled_prefix_is_named() {
        let inputs = Inputs {
            domain: Some(Given::flag("authn.aws.us.pangea.cloud".into())),
            token: Some(Given::flag(Secret::new(PROD))),
            allow_http: Some(Given::flag(true)),
            ..Default::default()
        };
        let s = resolve_with(&inputs, None, None, &no_env).unwrap();
        assert_eq!(
            s.client_config().unwrap().base_url,
            "https://authn.authn.aws.us.pangea.cloud"
        );
        assert!(s.notices[0].contains("already starts with `authn.`"));
        let inputs = Inputs {
            domain: Some(Given::flag("http://10.0.0.1".into())),
            token: Some(Given::flag(Secret::new(PROD))),
            ..Default::default()
        };
        let s = resolve_with(&inputs, None, None, &no_env).unwrap();
        assert!(
            s.client_config()
                .unwrap_err()
                .to_string()
                .contains("--base-url")
        );
    }

    #[test]
    fn an_unknown_profile_lists_the_known_ones() {
        let f = file("[profiles.a]\n[profiles.b]\n");
        let inputs = Inputs {
            profile: Some(Given::flag("c".into())),
            ..Default::default()
        };
        let msg = resolve_with(&inputs, Some("x.toml".into()), Some(f), &no_env)
            .unwrap_err()
            .to_string();
        assert!(msg.contains("no profile `c`"), "{msg}");
        assert!(msg.contains("a, b"), "{msg}");
    }

    #[test]
    fn default_profile_is_honoured_and_keys_merge_over_the_shared_table() {
        let f = file(
            "default_profile = \"b\"\n[keys]\nquit = [\"q\"]\nhelp = [\"?\"]\n[profiles.b]\nconcurrency = 2\n[profiles.b.keys]\nquit = [\"x\"]\n",
        );
        let s = resolve_with(&Inputs::default(), None, Some(f), &no_env).unwrap();
        assert_eq!(s.profile, "b");
        assert_eq!(s.concurrency, 2);
        assert_eq!(s.key_overrides["quit"], vec!["x".to_string()]);
        assert_eq!(s.key_overrides["help"], vec!["?".to_string()]);
    }

    fn pair_file(dir: &Path) -> PathBuf {
        let path = dir.join("t.json");
        crate::config::token_file::write_atomic(
            &path,
            &crate::config::token_file::TokenPair {
                user_token: Secret::new("ptu_fileuserfileuserfileuserfileus"),
                refresh_token: Secret::new("ptr_filerefrfilerefrfilerefrfilere"),
            },
        )
        .unwrap();
        path
    }

    #[test]
    fn the_token_file_beats_the_environment_and_both_tokens_come_from_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = pair_file(dir.path());
        let inputs = Inputs {
            token_file: Some(Given::flag(path.clone())),
            user_token: Some(Given::env(
                Secret::new("ptu_stalestalestalestalestalestales"),
                USER_TOKEN_ENV,
            )),
            ..Default::default()
        };
        let s = resolve_with(&inputs, None, None, &no_env).unwrap();
        assert_eq!(
            s.user_token.unwrap().expose(),
            "ptu_fileuserfileuserfileuserfileus"
        );
        assert_eq!(
            s.refresh_token.unwrap().expose(),
            "ptr_filerefrfilerefrfilerefrfilere"
        );
        assert_eq!(s.token_file, Some(path.clone()));
        assert!(s.notices[0].contains("AUTHTOP_USER_TOKEN is set but not used"));
        // A flag token and a token file together are refused, not mixed.
        let inputs = Inputs {
            token_file: Some(Given::flag(path)),
            user_token: Some(Given::flag(Secret::new(
                "ptu_flagflagflagflagflagflagflagfl",
            ))),
            ..Default::default()
        };
        assert!(resolve_with(&inputs, None, None, &no_env).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn a_token_file_others_can_read_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = pair_file(dir.path());
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let inputs = Inputs {
            token_file: Some(Given::flag(path)),
            ..Default::default()
        };
        let s = resolve_with(&inputs, None, None, &no_env).unwrap();
        assert!(s.user_token.is_none());
        let problem = s.user_token_problem.unwrap();
        assert!(problem.contains("chmod 600"), "{problem}");
    }

    #[test]
    fn durations_parse_and_reject_nonsense() {
        assert_eq!(parse_duration("30s").unwrap(), Duration::from_secs(30));
        assert_eq!(parse_duration("1h30m").unwrap(), Duration::from_secs(5400));
        assert!(parse_positive("soon").is_err());
        assert!(parse_positive("-5s").is_err());
        assert_eq!(parse_interval("off").unwrap(), None);
    }

    #[test]
    fn zero_concurrency_is_refused() {
        let inputs = Inputs {
            concurrency: Some(Given::flag(0)),
            ..Default::default()
        };
        assert!(resolve_with(&inputs, None, None, &no_env).is_err());
    }
}
