//! The user token and its refresh token: both from one source, so a stale variable never
//! pairs with a fresh file.
//!
//! Sources, first given wins: `--token-file`; `--user-token`/`--refresh-token`; an
//! explicitly chosen profile's `user_token_file`; `AUTHTOP_USER_TOKEN`/
//! `AUTHTOP_REFRESH_TOKEN`; the default profile's `user_token_file`. A `--token-file`
//! that does not exist yet is only where a refresh saves the pair; both tokens then
//! come from the flags, or else from the environment.

use super::error::ConfigError;
use super::inputs::{Given, Inputs, REFRESH_TOKEN_ENV, Source, USER_TOKEN_ENV, unused_notices};
use super::{paths, token_file};
use crate::authn::Secret;
use std::path::PathBuf;

/// The user tokens chosen and where they came from.
#[derive(Debug, Clone, Default)]
pub struct UserTokens {
    /// The active token.
    pub user: Option<Secret>,
    /// The refresh token.
    pub refresh: Option<Secret>,
    /// Where both came from.
    pub source: Option<Source>,
    /// The pair file, rewritten after a refresh.
    pub file: Option<(PathBuf, Source)>,
    /// Why the pair file could not be read.
    pub problem: Option<String>,
    /// Ambient values set but not used.
    pub notices: Vec<String>,
}

/// Picks the source. `profile` is the selected profile's name and `user_token_file`,
/// and whether it was chosen explicitly.
pub fn resolve(
    inputs: &Inputs,
    profile: Option<(&str, Option<&std::path::Path>)>,
    explicit: bool,
) -> Result<UserTokens, ConfigError> {
    let is_env = |s: &Source| matches!(s, Source::Env(_));
    let flag = |g: &Option<Given<Secret>>| g.clone().filter(|g| !is_env(&g.source));
    let env = |g: &Option<Given<Secret>>| g.clone().filter(|g| is_env(&g.source));
    let (flag_user, flag_refresh) = (flag(&inputs.user_token), flag(&inputs.refresh_token));
    let (env_user, env_refresh) = (env(&inputs.user_token), env(&inputs.refresh_token));
    let ambient_names = [
        env_user.as_ref().map(|_| USER_TOKEN_ENV),
        env_refresh.as_ref().map(|_| REFRESH_TOKEN_ENV),
    ];
    let ambient: Vec<&str> = ambient_names.iter().flatten().copied().collect();
    let unused = |why: &str| unused_notices(&ambient_names, why);
    let profile_file = profile.and_then(|(name, file)| {
        file.map(|f| (paths::expand_home(f), Source::Profile(name.to_string())))
    });

    if let Some(g) = &inputs.token_file {
        if g.value.exists() && (flag_user.is_some() || flag_refresh.is_some()) {
            return Err(ConfigError::Missing(
                "pass either --token-file or --user-token/--refresh-token, not both: the two tokens must come from one place".into(),
            ));
        }
        if !g.value.exists() && (flag_user.is_some() || flag_refresh.is_some()) {
            return Ok(UserTokens {
                user: flag_user.map(|g| g.value),
                refresh: flag_refresh.map(|g| g.value),
                source: Some(Source::Flag),
                file: Some((g.value.clone(), g.source.clone())),
                notices: unused("the tokens come from the command line"),
                ..UserTokens::default()
            });
        }
        let env_given = env_user.is_some() || env_refresh.is_some();
        if !g.value.exists() && env_given {
            return Ok(UserTokens {
                user: env_user.clone().map(|g| g.value),
                refresh: env_refresh.clone().map(|g| g.value),
                source: env_user.or(env_refresh).map(|g| g.source),
                file: Some((g.value.clone(), g.source.clone())),
                ..UserTokens::default()
            });
        }
        let mut t = from_file(g.value.clone(), g.source.clone());
        t.notices = unused("the tokens come from --token-file");
        return Ok(t);
    }
    if flag_user.is_some() || flag_refresh.is_some() {
        return Ok(UserTokens {
            user: flag_user.map(|g| g.value),
            refresh: flag_refresh.map(|g| g.value),
            source: Some(Source::Flag),
            notices: unused("the tokens come from the command line"),
            ..UserTokens::default()
        });
    }
    if explicit && let Some((path, source)) = profile_file.clone() {
        let mut t = from_file(path, source);
        t.notices = unused("the chosen profile names a user_token_file");
        return Ok(t);
    }
    if env_user.is_some() || env_refresh.is_some() {
        let mut notices = Vec::new();
        if let Some((path, _)) = &profile_file {
            notices.push(format!(
                "{} from the environment used instead of the default profile's user_token_file {}",
                ambient.join(" and "),
                path.display()
            ));
        }
        let source = env_user
            .as_ref()
            .or(env_refresh.as_ref())
            .map(|g| g.source.clone());
        return Ok(UserTokens {
            user: env_user.map(|g| g.value),
            refresh: env_refresh.map(|g| g.value),
            source,
            notices,
            ..UserTokens::default()
        });
    }
    Ok(match profile_file {
        Some((path, source)) => from_file(path, source),
        None => UserTokens::default(),
    })
}

fn from_file(path: PathBuf, source: Source) -> UserTokens {
    let mut t = UserTokens {
        file: Some((path.clone(), source)),
        source: Some(Source::TokenFile(path.clone())),
        ..UserTokens::default()
    };
    match token_file::read(&path) {
        Ok(pair) => {
            t.user = Some(pair.user_token);
            t.refresh = Some(pair.refresh_token);
        }
        Err(e) => t.problem = Some(e.to_string()),
    }
    t
}
