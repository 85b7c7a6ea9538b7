//! Which server and which service token: always a pair from one layer.
//!
//! Layers, first that says anything wins: command-line flags; an explicitly chosen
//! profile (`--profile` or `AUTHTOP_PROFILE`); the ambient `PANGEA_DOMAIN` and
//! `PANGEA_AUTHN_TOKEN` (both, or neither is used); the config's default profile. A
//! layer that gives only half the pair is an error, never completed from another layer:
//! that is how a leftover variable would send one project's token to another server.

use super::error::ConfigError;
use super::file::Profile;
use super::inputs::{DOMAIN_ENV, Given, Inputs, Source, TOKEN_ENV, unused_notices};
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
    let ambient = Ambient::of(inputs);
    let unused = |why: &str| ambient.unused(why);

    // 1. Flags.
    if let Some(mut pair) = from_flags(inputs)? {
        pair.notices = unused("the server and token come from the command line");
        return Ok(pair);
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
    if let Some(pair) = ambient.pair(default, env)? {
        return Ok(pair);
    }

    // 4. The default profile.
    match default {
        Some((name, prof)) if claims(prof) => from_profile(name, prof, env),
        _ => Ok(ServerPair::default()),
    }
}

/// Whether a value came from a flag rather than the environment.
fn is_flag(s: &Source) -> bool {
    !matches!(s, Source::Env(_))
}

/// The server and token flags, when either is given; half a pair is a problem, not an error.
fn from_flags(inputs: &Inputs) -> Result<Option<ServerPair>, ConfigError> {
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
    let problem = match (&flag_addr, &flag_token) {
        (None, None) => return Ok(None),
        (Some(_), None) => Some(ConfigError::Missing(
            "the server is given on the command line but the service token is not: pass --service-token-file FILE (or --token) too (a token from the environment or a profile is never sent to a server named elsewhere)".into(),
        )),
        (None, Some(_)) => Some(ConfigError::Missing(
            "the service token is given on the command line but the server is not: pass --base-url or --domain too (a server from the environment or a profile never gets a token given elsewhere)".into(),
        )),
        (Some(_), Some(_)) => None,
    };
    Ok(Some(ServerPair {
        addr: flag_addr,
        token: flag_token,
        problem,
        notices: Vec::new(),
    }))
}

/// `PANGEA_DOMAIN` and `PANGEA_AUTHN_TOKEN` as found in the environment.
struct Ambient<'i> {
    domain: Option<&'i Given<String>>,
    token: Option<&'i Given<Secret>>,
}

impl<'i> Ambient<'i> {
    fn of(inputs: &'i Inputs) -> Self {
        Self {
            domain: inputs.domain.as_ref().filter(|g| !is_flag(&g.source)),
            token: inputs.token.as_ref().filter(|g| !is_flag(&g.source)),
        }
    }

    /// One notice per ambient variable set but not used, saying why.
    fn unused(&self, why: &str) -> Vec<String> {
        let names = [
            self.domain.map(|_| DOMAIN_ENV),
            self.token.map(|_| TOKEN_ENV),
        ];
        unused_notices(&names, why)
    }

    /// The pair when the environment says anything about it: both halves, or the
    /// default profile when only one half is set (else that half and the problem).
    fn pair(
        &self,
        default: Option<Named<'_>>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Option<ServerPair>, ConfigError> {
        let claimed = default.filter(|(_, prof)| claims(prof));
        let missing = match (self.domain, self.token) {
            (None, None) => return Ok(None),
            (Some(d), Some(t)) => {
                let notices = claimed.map(|(name, _)| format!(
                    "{DOMAIN_ENV} and {TOKEN_ENV} from the environment are used instead of default profile `{name}`; pass --profile {name} to use it"
                ));
                return Ok(Some(ServerPair {
                    addr: Some((ServerAddr::Domain(d.value.clone()), d.source.clone())),
                    token: Some((t.value.clone(), t.source.clone())),
                    problem: None,
                    notices: notices.into_iter().collect(),
                }));
            }
            (Some(_), None) => TOKEN_ENV,
            (None, Some(_)) => DOMAIN_ENV,
        };
        let mut notices = self.unused(&format!(
            "{missing} is not set, and the server and token are never taken from different places"
        ));
        if let Some((name, prof)) = claimed {
            let mut pair = from_profile(name, prof, env)?;
            pair.notices.append(&mut notices);
            return Ok(Some(pair));
        }
        let set = if missing == TOKEN_ENV {
            DOMAIN_ENV
        } else {
            TOKEN_ENV
        };
        Ok(Some(ServerPair {
            addr: self
                .domain
                .map(|d| (ServerAddr::Domain(d.value.clone()), d.source.clone())),
            token: self.token.map(|t| (t.value.clone(), t.source.clone())),
            problem: Some(ConfigError::Missing(format!(
                "{set} is set but {missing} is not: set both, or pass --base-url with --service-token-file"
            ))),
            notices: Vec::new(),
        }))
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
