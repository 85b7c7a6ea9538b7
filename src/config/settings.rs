//! Resolving flags, env and the selected profile into one [`Settings`].
//!
//! Precedence for every setting: command-line flag, then env var, then the profile,
//! then the built-in default. [`Settings::origins`] records which one won, for
//! `authtop config show`.

use super::file::{self, ConfigFile, FileError, Profile};
use super::{paths, token_file};
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

/// Default bulk concurrency.
pub const DEFAULT_CONCURRENCY: usize = 8;
/// Default rows per page.
pub const DEFAULT_PAGE_SIZE: u32 = 50;
/// Default TUI reload interval.
pub const DEFAULT_AUTO_RELOAD: Duration = Duration::from_secs(30);
/// Default whole-request timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

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
    /// `--token` / `PANGEA_AUTHN_TOKEN`.
    pub token: Option<Given<Secret>>,
    /// `--profile`.
    pub profile: Option<Given<String>>,
    /// `--insecure`.
    pub insecure: Option<Given<bool>>,
    /// `--concurrency`.
    pub concurrency: Option<Given<usize>>,
    /// `--timeout`.
    pub timeout: Option<Given<Duration>>,
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
    /// TUI reload interval; `None` is off.
    pub auto_reload: Option<Duration>,
    /// Whole-request timeout.
    pub timeout: Duration,
    /// Action name -> key specs, for the TUI keymap.
    pub key_overrides: BTreeMap<String, Vec<String>>,
    /// Warnings to print once (e.g. a token file readable by others).
    pub warnings: Vec<String>,
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

/// Parses `"30s"`, `"5m"`, `"1h30m"`; `"off"`/`"0"` mean none.
pub fn parse_interval(text: &str) -> Result<Option<Duration>, String> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("off") || t == "0" {
        return Ok(None);
    }
    parse_duration(t).map(Some)
}

/// Parses a positive duration such as `30s` or `1m30s`.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let d: jiff::SignedDuration = text
        .trim()
        .parse()
        .map_err(|e| format!("`{text}` is not a duration like 30s or 2m: {e}"))?;
    Duration::try_from(d)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| format!("`{text}` must be a positive duration"))
}

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
    let mut warnings = Vec::new();

    // Profile selection: flag, then the file's default_profile, then `default` if present.
    let (profile_name, profile_source) = match &inputs.profile {
        Some(g) => (Some(g.value.clone()), g.source.clone()),
        None => match &file.default_profile {
            Some(name) => (
                Some(name.clone()),
                Source::Profile("default_profile".into()),
            ),
            None if file.profiles.contains_key("default") => {
                (Some("default".to_string()), Source::Default)
            }
            None => (None, Source::Default),
        },
    };
    let profile =
        match &profile_name {
            Some(name) => Some(file.profiles.get(name).cloned().ok_or_else(|| {
                ConfigError::UnknownProfile {
                    name: name.clone(),
                    path: path_text.clone(),
                    available: file.profiles.keys().cloned().collect(),
                }
            })?),
            None => None,
        };
    let prof = profile.clone().unwrap_or_default();
    let pname = profile_name
        .clone()
        .unwrap_or_else(|| "default".to_string());
    let from_profile = || Source::Profile(pname.clone());
    origins.push(Origin {
        name: "profile",
        shown: pname.clone(),
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

    // Service token: flag/env, then the profile's token_env or token_file.
    let token: Option<(Secret, Source)> = match &inputs.token {
        Some(g) => Some((g.value.clone(), g.source.clone())),
        None => profile_token(&prof, &pname, env)?,
    };
    origins.push(Origin {
        name: "token",
        shown: token
            .as_ref()
            .map(|(t, _)| t.masked())
            .unwrap_or_else(|| "(none)".into()),
        source: token
            .as_ref()
            .map(|(_, s)| s.clone())
            .unwrap_or(Source::Default),
    });

    let insecure = pick(inputs.insecure.clone(), prof.insecure, &from_profile, false);
    origins.push(origin("insecure", &insecure));

    // Base URL: flags before env before profile; a full URL beats a domain at the same level.
    let url_choice: Option<(UrlFrom, Source)> = inputs
        .base_url
        .clone()
        .filter(|g| g.source == Source::Flag)
        .map(|g| (UrlFrom::Template(g.value), g.source))
        .or_else(|| {
            inputs
                .domain
                .clone()
                .filter(|g| g.source == Source::Flag)
                .map(|g| (UrlFrom::Domain(g.value), g.source))
        })
        .or_else(|| {
            inputs
                .base_url
                .clone()
                .map(|g| (UrlFrom::Template(g.value), g.source))
        })
        .or_else(|| {
            inputs
                .domain
                .clone()
                .map(|g| (UrlFrom::Domain(g.value), g.source))
        })
        .or_else(|| {
            prof.base_url
                .clone()
                .map(|v| (UrlFrom::Template(v), from_profile()))
        })
        .or_else(|| {
            prof.domain
                .clone()
                .map(|v| (UrlFrom::Domain(v), from_profile()))
        });
    origins.push(Origin {
        name: "server",
        shown: match &url_choice {
            Some((UrlFrom::Template(t), _)) => format!("base_url {t}"),
            Some((UrlFrom::Domain(d), _)) => format!("domain {d}"),
            None => "(none: demo mode in the terminal UI)".into(),
        },
        source: url_choice
            .as_ref()
            .map(|(_, s)| s.clone())
            .unwrap_or(Source::Default),
    });

    let timeout = pick(inputs.timeout.clone(), None, &from_profile, DEFAULT_TIMEOUT);
    origins.push(Origin {
        name: "timeout",
        shown: format!("{}s", timeout.0.as_secs_f64()),
        source: timeout.1.clone(),
    });

    let has_credentials = token.is_some() || url_choice.is_some();
    let (client, client_problem) = match (&token, &url_choice) {
        (Some((tok, _)), Some((from, src))) => {
            let url = match from {
                UrlFrom::Template(t) => base_url_from_template(t),
                UrlFrom::Domain(d) => base_url_from_domain(d, insecure.0),
            };
            match url {
                Ok(url) => {
                    let mut cfg = ClientConfig::new(url, tok.clone());
                    cfg.insecure = insecure.0;
                    cfg.request_timeout = timeout.0;
                    cfg.poll_deadline = cfg.poll_deadline.max(timeout.0);
                    (Some(cfg), None)
                }
                Err(e) => (
                    None,
                    Some(ConfigError::BadValue {
                        setting: "base URL",
                        origin: src.clone(),
                        reason: e.to_string(),
                    }),
                ),
            }
        }
        (None, _) => (
            None,
            Some(ConfigError::Missing(format!(
                "no service token: pass --token, set {TOKEN_ENV}, or set token_env/token_file in a profile"
            ))),
        ),
        (Some(_), None) => (
            None,
            Some(ConfigError::Missing(format!(
                "no server: pass --base-url or --domain, set {DOMAIN_ENV}, or set base_url/domain in a profile"
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
    if page_size.0 == 0 {
        return Err(ConfigError::BadValue {
            setting: "page_size",
            origin: page_size.1,
            reason: "must be at least 1".into(),
        });
    }
    origins.push(origin("page_size", &page_size));

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

    // User tokens: each from its flag/env; otherwise from the token pair file.
    let token_file: Option<(PathBuf, Source)> = match &inputs.token_file {
        Some(g) => Some((g.value.clone(), g.source.clone())),
        None => prof
            .user_token_file
            .as_deref()
            .map(|p| (paths::expand_home(p), from_profile())),
    };
    let mut user_token = inputs
        .user_token
        .as_ref()
        .map(|g| (g.value.clone(), g.source.clone()));
    let mut refresh_token = inputs
        .refresh_token
        .as_ref()
        .map(|g| (g.value.clone(), g.source.clone()));
    let mut user_token_problem = None;
    if let Some((path, _)) = &token_file
        && (user_token.is_none() || refresh_token.is_none())
    {
        match token_file::read(path) {
            Ok(pair) => {
                if token_file::readable_by_others(path) {
                    warnings.push(format!(
                        "token file {} is readable by other users; run: chmod 600 {}",
                        path.display(),
                        path.display()
                    ));
                }
                let src = Source::TokenFile(path.clone());
                user_token.get_or_insert((pair.user_token, src.clone()));
                refresh_token.get_or_insert((pair.refresh_token, src));
            }
            Err(e) => user_token_problem = Some(e.to_string()),
        }
    }
    origins.push(Origin {
        name: "token_file",
        shown: token_file
            .as_ref()
            .map(|(p, _)| p.display().to_string())
            .unwrap_or_else(|| "(none)".into()),
        source: token_file
            .as_ref()
            .map(|(_, s)| s.clone())
            .unwrap_or(Source::Default),
    });
    for (name, tok) in [
        ("user_token", &user_token),
        ("refresh_token", &refresh_token),
    ] {
        origins.push(Origin {
            name,
            shown: tok
                .as_ref()
                .map(|(t, _)| t.masked())
                .unwrap_or_else(|| "(none)".into()),
            source: tok
                .as_ref()
                .map(|(_, s)| s.clone())
                .unwrap_or(Source::Default),
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
        user_token: user_token.map(|(t, _)| t),
        refresh_token: refresh_token.map(|(t, _)| t),
        user_token_problem,
        token_file: token_file.map(|(p, _)| p),
        concurrency: concurrency.0,
        audit_log: audit_log.0,
        page_size: page_size.0,
        auto_reload: auto_reload.0,
        timeout: timeout.0,
        key_overrides,
        warnings,
        origins,
    })
}

enum UrlFrom {
    Template(String),
    Domain(String),
}

/// Flag/env value, else the profile's, else the default; with its origin.
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

/// The service token a profile points at (`token_env` or `token_file`), if any.
fn profile_token(
    prof: &Profile,
    pname: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<(Secret, Source)>, ConfigError> {
    let source = Source::Profile(pname.to_string());
    if let Some(var) = &prof.token_env {
        let value =
            env(var)
                .filter(|v| !v.trim().is_empty())
                .ok_or_else(|| ConfigError::BadValue {
                    setting: "token_env",
                    origin: source.clone(),
                    reason: format!("env var {var} is not set"),
                })?;
        return Ok(Some((Secret::new(value.trim()), source)));
    }
    if let Some(path) = &prof.token_file {
        let path = paths::expand_home(path);
        let text = std::fs::read_to_string(&path).map_err(|e| ConfigError::BadValue {
            setting: "token_file",
            origin: source.clone(),
            reason: format!("{}: {e}", path.display()),
        })?;
        return Ok(Some((Secret::new(text.trim()), source)));
    }
    Ok(None)
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

    #[test]
    fn env_token_beats_the_profile_token_env_and_neither_is_shown() {
        let f = file("[profiles.work]\ntoken_env = \"WORK_TOKEN\"\n");
        let env = |name: &str| {
            (name == "WORK_TOKEN").then(|| "pts_profileprofileprofileprofile22".to_string())
        };
        let inputs = Inputs {
            profile: Some(Given::flag("work".into())),
            token: Some(Given::env(
                Secret::new("pts_envenvenvenvenvenvenvenvenvenv"),
                TOKEN_ENV,
            )),
            ..Default::default()
        };
        let s = resolve_with(&inputs, None, Some(f.clone()), &env).unwrap();
        let o = shown(&s, "token");
        assert_eq!(o.source, Source::Env(TOKEN_ENV.into()));
        assert_eq!(o.shown, "pts_••••••••");
        assert!(s.has_credentials);
        // Token but no server: not demo mode, and the reason is spelled out.
        assert!(
            s.client_config()
                .unwrap_err()
                .to_string()
                .contains("--base-url")
        );

        let inputs = Inputs {
            profile: Some(Given::flag("work".into())),
            ..Default::default()
        };
        let s = resolve_with(&inputs, None, Some(f), &env).unwrap();
        assert_eq!(shown(&s, "token").source, Source::Profile("work".into()));
        let dbg = format!("{s:?}");
        assert!(!dbg.contains("profileprofile"), "{dbg}");
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

    #[test]
    fn user_tokens_come_from_the_token_file_unless_given() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.json");
        token_file::write_atomic(
            &path,
            &token_file::TokenPair {
                user_token: Secret::new("ptu_fileuserfileuserfileuserfileus"),
                refresh_token: Secret::new("ptr_filerefrfilerefrfilerefrfilere"),
            },
        )
        .unwrap();
        let inputs = Inputs {
            token_file: Some(Given::flag(path.clone())),
            user_token: Some(Given::flag(Secret::new(
                "ptu_flagflagflagflagflagflagflagfl",
            ))),
            ..Default::default()
        };
        let s = resolve_with(&inputs, None, None, &no_env).unwrap();
        assert_eq!(
            s.user_token.unwrap().expose(),
            "ptu_flagflagflagflagflagflagflagfl"
        );
        assert_eq!(
            s.refresh_token.unwrap().expose(),
            "ptr_filerefrfilerefrfilerefrfilere"
        );
        assert_eq!(s.token_file, Some(path));
        assert!(s.warnings.is_empty());
    }

    #[test]
    fn durations_parse_and_reject_nonsense() {
        assert_eq!(parse_duration("30s").unwrap(), Duration::from_secs(30));
        assert_eq!(parse_duration("2m").unwrap(), Duration::from_secs(120));
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("-5s").is_err());
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
