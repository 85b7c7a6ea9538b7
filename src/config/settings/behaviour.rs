//! The behaviour settings and the call budgets: each a flag, then the selected profile,
//! then the default, recorded in the origins `config show` prints.

use crate::config::defaults::{
    ATTEMPT_TIMEOUT as DEFAULT_ATTEMPT_TIMEOUT, AUTO_RELOAD as DEFAULT_AUTO_RELOAD,
    CONCURRENCY as DEFAULT_CONCURRENCY, MAX_PAGE_SIZE, PAGE_SIZE as DEFAULT_PAGE_SIZE,
    TIMEOUT as DEFAULT_TIMEOUT, WALK_WINDOW as DEFAULT_WALK_WINDOW,
};
use crate::config::duration::{parse_interval, parse_positive};
use crate::config::error::ConfigError;
use crate::config::file::{self, ConfigFile};
use crate::config::inputs::{Given, Inputs, Source};
use crate::config::paths;
use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

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

/// The whole-call budget and the one-attempt limit.
pub(super) struct Timeouts {
    pub(super) call: Duration,
    pub(super) attempt: Duration,
}

impl Timeouts {
    pub(super) fn resolve(
        inputs: &Inputs,
        prof: &file::Profile,
        from_profile: &dyn Fn() -> Source,
        origins: &mut Vec<Origin>,
    ) -> Result<Self, ConfigError> {
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
        let call = pick(
            inputs.timeout.clone(),
            profile_duration("timeout", &prof.timeout)?,
            from_profile,
            DEFAULT_TIMEOUT,
        );
        origins.push(Origin {
            name: "timeout",
            shown: format!(
                "{} (whole call, retries included)",
                crate::clock::rounded(call.0)
            ),
            source: call.1.clone(),
        });
        let attempt = pick(
            inputs.attempt_timeout.clone(),
            profile_duration("attempt_timeout", &prof.attempt_timeout)?,
            from_profile,
            DEFAULT_ATTEMPT_TIMEOUT.min(call.0),
        );
        origins.push(Origin {
            name: "attempt_timeout",
            shown: crate::clock::rounded(attempt.0),
            source: attempt.1.clone(),
        });
        Ok(Self {
            call: call.0,
            attempt: attempt.0,
        })
    }
}

/// The settings that shape what authtop does rather than where it connects.
pub(super) struct Behaviour {
    pub(super) read_only: bool,
    pub(super) concurrency: usize,
    pub(super) walk_window: usize,
    pub(super) page_size: u32,
    pub(super) color: crate::color::ColorChoice,
    pub(super) auto_reload: Option<Duration>,
    pub(super) rewalk_after: Option<Duration>,
    pub(super) audit_log: PathBuf,
}

impl Behaviour {
    pub(super) fn resolve(
        inputs: &Inputs,
        file: &ConfigFile,
        prof: &file::Profile,
        config_path: Option<&PathBuf>,
        from_profile: &dyn Fn() -> Source,
        origins: &mut Vec<Origin>,
    ) -> Result<Self, ConfigError> {
        let read_only = pick(
            inputs.read_only.clone(),
            prof.read_only,
            from_profile,
            false,
        );
        origins.push(origin("read_only", &read_only));

        let concurrency = pick(
            inputs.concurrency.clone(),
            prof.concurrency,
            from_profile,
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

        let walk_window = pick(
            inputs.walk_window.clone(),
            prof.walk_window,
            from_profile,
            DEFAULT_WALK_WINDOW,
        );
        if walk_window.0 == 0 || walk_window.0 > super::MAX_WALK_WINDOW {
            return Err(ConfigError::BadValue {
                setting: "walk_window",
                origin: walk_window.1,
                reason: format!("must be 1 to {}", super::MAX_WALK_WINDOW),
            });
        }
        origins.push(origin("walk_window", &walk_window));

        let page_size = pick(None, prof.page_size, from_profile, DEFAULT_PAGE_SIZE);
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
            (None, None, Some(c)) => (c, Source::File(config_path.cloned().unwrap_or_default())),
            (None, None, None) => (crate::color::ColorChoice::Auto, Source::Default),
        };
        origins.push(origin("color", &color));

        let auto_reload = interval(
            "auto_reload",
            prof.auto_reload.as_ref(),
            DEFAULT_AUTO_RELOAD,
            from_profile,
            origins,
        )?;
        let rewalk_after = interval(
            "rewalk_after",
            prof.rewalk_after.as_ref(),
            crate::config::defaults::REWALK_AFTER,
            from_profile,
            origins,
        )?;

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
        Ok(Self {
            read_only: read_only.0,
            concurrency: concurrency.0,
            walk_window: walk_window.0,
            page_size: page_size.0,
            color: color.0,
            auto_reload,
            rewalk_after,
            audit_log: audit_log.0,
        })
    }
}

/// An interval setting only a profile sets (`"off"` is `None`), recorded in `origins`.
fn interval(
    setting: &'static str,
    given: Option<&file::Duration>,
    default: Duration,
    from_profile: &dyn Fn() -> Source,
    origins: &mut Vec<Origin>,
) -> Result<Option<Duration>, ConfigError> {
    let (value, source) = match given {
        Some(text) => (
            parse_interval(&text.0).map_err(|reason| ConfigError::BadValue {
                setting,
                origin: from_profile(),
                reason,
            })?,
            from_profile(),
        ),
        None => (Some(default), Source::Default),
    };
    origins.push(Origin {
        name: setting,
        shown: value.map_or_else(|| "off".into(), crate::clock::rounded),
        source,
    });
    Ok(value)
}

/// The file's key overrides, then the profile's over them.
pub(super) fn key_overrides(
    file: &ConfigFile,
    prof: &file::Profile,
    from_profile: &dyn Fn() -> Source,
    origins: &mut Vec<Origin>,
) -> BTreeMap<String, Vec<String>> {
    let mut keys = file.keys.clone();
    keys.extend(prof.keys.clone());
    origins.push(Origin {
        name: "keys",
        shown: format!("{} override(s)", keys.len()),
        source: if keys.is_empty() {
            Source::Default
        } else {
            from_profile()
        },
    });
    keys
}

/// Flag value, else the profile's, else the default; with its origin.
pub(super) fn pick<T>(
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

pub(super) fn origin<T: fmt::Display>(name: &'static str, v: &(T, Source)) -> Origin {
    Origin {
        name,
        shown: v.0.to_string(),
        source: v.1.clone(),
    }
}
