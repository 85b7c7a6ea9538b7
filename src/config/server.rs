//! Which server and which service token: always a pair from one layer.
//!
//! Layers, first that says anything wins: command-line flags; an explicitly chosen
//! profile (`--profile` or `AUTHTOP_PROFILE`); the ambient `PANGEA_DOMAIN` and
//! `PANGEA_AUTHN_TOKEN` (both, or neither is used); the config's default profile. A
//! layer that gives only half the pair is an error, never completed from another layer:
//! that is how a leftover variable would send one project's token to another server.

use super::error::ConfigError;
use super::file::Profile;
use super::inputs::{DOMAIN_ENV, Inputs, Source, TOKEN_ENV, unused_notices};
use super::secret_file;
use crate::authn::Secret;
use std::path::PathBuf;

/// Where the server address came from, before it becomes a URL.
#[derive(Debug, Clone, PartialEq)]
pub enum ServerAddr {
    /// A base URL or template.
    Template(String),
    /// A Pangea domain: `https://authn.<domain>`.
    Domain(String),
}

/// The server and service token chosen, each with its origin.
#[derive(Debug, Clone, Default)]
pub struct ServerPair {
    /// Server address.
    pub addr: Option<(ServerAddr, Source)>,
    /// Service token.
    pub token: Option<(Secret, Source)>,
    /// Why the pair is incomplete, when a layer gave only half of it.
    pub problem: Option<ConfigError>,
    /// Ambient values set but not used, or used over a default profile.
    pub notices: Vec<String>,
}

/// A profile with its name.
pub type Named<'a> = (&'a str, &'a Profile);

/// Picks the layer and reads its pair. `env` looks up profile `token_env` variables.
pub fn resolve(
    inputs: &Inputs,
    explicit: Option<Named<'_>>,
    default: Option<Named<'_>>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<ServerPair, ConfigError> {
    let is_flag = |s: &Source| !matches!(s, Source::Env(_));
    let ambient_domain = inputs.domain.as_ref().filter(|g| !is_flag(&g.source));
    let ambient_token = inputs.token.as_ref().filter(|g| !is_flag(&g.source));
    let ambient_names = [
        ambient_domain.map(|_| DOMAIN_ENV),
        ambient_token.map(|_| TOKEN_ENV),
    ];
    let unused = |why: &str| unused_notices(&ambient_names, why);

    // 1. Flags.
    let flag_addr = inputs
        .base_url
        .clone()
        .map(|g| (ServerAddr::Template(g.value), g.source))
        .or_else(|| {
            inputs
                .domain
                .clone()
                .filter(|g| is_flag(&g.source))
                .map(|g| (ServerAddr::Domain(g.value), g.source))
        });
    let flag_token = match (&inputs.token, &inputs.service_token_file) {
        (Some(g), _) if is_flag(&g.source) => Some((g.value.clone(), g.source.clone())),
        (_, Some(g)) => Some((
            secret_file::read_token(&g.value).map_err(|reason| ConfigError::BadValue {
                setting: "service token file",
                origin: Source::Flag,
                reason,
            })?,
            Source::File(g.value.clone()),
        )),
        _ => None,
    };
    if flag_addr.is_some() || flag_token.is_some() {
        let problem = match (&flag_addr, &flag_token) {
            (Some(_), None) => Some(ConfigError::Missing(
                "the server is given on the command line but the service token is not: pass --service-token-file FILE (or --token) too (a token from the environment or a profile is never sent to a server named elsewhere)".into(),
            )),
            (None, Some(_)) => Some(ConfigError::Missing(
                "the service token is given on the command line but the server is not: pass --base-url or --domain too (a server from the environment or a profile never gets a token given elsewhere)".into(),
            )),
            _ => None,
        };
        return Ok(ServerPair {
            addr: flag_addr,
            token: flag_token,
            problem,
            notices: unused("the server and token come from the command line"),
        });
    }

    // 2. An explicitly chosen profile that names a server or a token.
    if let Some((name, prof)) = explicit
        && claims(prof)
    {
        let mut pair = from_profile(name, prof, env)?;
        pair.notices = unused(&format!("profile `{name}` was chosen explicitly"));
        return Ok(pair);
    }

    // 3. The ambient pair, only when both halves are there.
    match (ambient_domain, ambient_token) {
        (Some(d), Some(t)) => {
            let mut notices = Vec::new();
            if let Some((name, prof)) = default
                && claims(prof)
            {
                notices.push(format!(
                    "{DOMAIN_ENV} and {TOKEN_ENV} from the environment are used instead of default profile `{name}`; pass --profile {name} to use it"
                ));
            }
            return Ok(ServerPair {
                addr: Some((ServerAddr::Domain(d.value.clone()), d.source.clone())),
                token: Some((t.value.clone(), t.source.clone())),
                problem: None,
                notices,
            });
        }
        (Some(_), None) | (None, Some(_)) => {
            let missing = if ambient_domain.is_some() {
                TOKEN_ENV
            } else {
                DOMAIN_ENV
            };
            let mut notices = unused(&format!(
                "{missing} is not set, and the server and token are never taken from different places"
            ));
            if let Some((name, prof)) = default
                && claims(prof)
            {
                let mut pair = from_profile(name, prof, env)?;
                pair.notices.append(&mut notices);
                return Ok(pair);
            }
            let (addr, token) = match (ambient_domain, ambient_token) {
                (Some(d), _) => (
                    Some((ServerAddr::Domain(d.value.clone()), d.source.clone())),
                    None,
                ),
                (_, Some(t)) => (None, Some((t.value.clone(), t.source.clone()))),
                _ => (None, None),
            };
            return Ok(ServerPair {
                addr,
                token,
                problem: Some(ConfigError::Missing(format!(
                    "{} is set but {missing} is not: set both, or pass --base-url with --service-token-file",
                    if missing == TOKEN_ENV {
                        DOMAIN_ENV
                    } else {
                        TOKEN_ENV
                    }
                ))),
                notices: Vec::new(),
            });
        }
        (None, None) => {}
    }

    // 4. The default profile.
    match default {
        Some((name, prof)) if claims(prof) => from_profile(name, prof, env),
        _ => Ok(ServerPair::default()),
    }
}

/// True when a profile names a server or a service token.
fn claims(prof: &Profile) -> bool {
    prof.base_url.is_some()
        || prof.domain.is_some()
        || prof.token_env.is_some()
        || prof.token_file.is_some()
}

fn from_profile(
    name: &str,
    prof: &Profile,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<ServerPair, ConfigError> {
    let source = Source::Profile(name.to_string());
    let addr = prof
        .base_url
        .clone()
        .map(ServerAddr::Template)
        .or_else(|| prof.domain.clone().map(ServerAddr::Domain))
        .map(|a| (a, source.clone()));
    let mut problem = None;
    let token = match (&prof.token_env, &prof.token_file) {
        (Some(var), _) => {
            if secret_file::looks_like_a_token(var) {
                return Err(ConfigError::BadValue {
                    setting: "token_env",
                    origin: source,
                    reason: "must be the name of an environment variable, but it looks like a token value (not shown); put the token in a variable or a file and name that here".into(),
                });
            }
            if let Some(v) = env(var).filter(|v| !v.trim().is_empty()) {
                Some((Secret::new(v.trim()), source.clone()))
            } else {
                problem = Some(ConfigError::BadValue {
                    setting: "token_env",
                    origin: source.clone(),
                    reason: format!("environment variable {var} is not set"),
                });
                None
            }
        }
        (None, Some(path)) => {
            let path: PathBuf = super::paths::expand_home(path);
            match secret_file::read_token(&path) {
                Ok(t) => Some((t, source.clone())),
                Err(reason) => {
                    problem = Some(ConfigError::BadValue {
                        setting: "token_file",
                        origin: source.clone(),
                        reason,
                    });
                    None
                }
            }
        }
        (None, None) => None,
    };
    if problem.is_none() {
        problem = match (&addr, &token) {
            (None, _) => Some(ConfigError::Missing(format!(
                "profile `{name}` has a service token but no server: set base_url or domain in it"
            ))),
            (_, None) => Some(ConfigError::Missing(format!(
                "profile `{name}` names a server but no service token: set token_env or token_file in it"
            ))),
            _ => None,
        };
    }
    Ok(ServerPair {
        addr,
        token,
        problem,
        notices: Vec::new(),
    })
}
