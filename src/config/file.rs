//! The TOML config file: named profiles and key overrides.
//!
//! ```toml
//! default_profile = "work"
//! color = "auto"                  # never | auto | always (a profile may override it)
//! [keys]                      # action name -> key specs, for every profile
//! quit = ["q", "ctrl-c"]
//! [theme]                     # TUI colours: names, #rrggbb or 0-255
//! danger = "red"
//! warning = "yellow"
//! expiring = "light-yellow"
//! admin = "magenta"
//! badge = "yellow"
//! [profiles.work]
//! domain = "aws.us.pangea.cloud"   # or base_url = "https://authn.{...}"
//! token_env = "WORK_AUTHN_TOKEN"   # or token_file = "~/.config/authtop/work.token" (mode 0600)
//! user_token_file = "~/.config/authtop/work-user.json"
//! read_only = true
//! concurrency = 8
//! page_size = 50
//! auto_reload = "30s"              # or "off"
//! rewalk_after = "5m"              # a walked result is walked again this old ("off": only r)
//! export_dir = "/srv/incident"    # where the TUI writes exports (default: exports/ in the state folder)
//! [profiles.work.keys]             # merged over the top-level [keys]
//! ```
//!
//! Token values are never stored here: a profile names where a token lives.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The whole file.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// Profile used when `--profile` is not given.
    pub default_profile: Option<String>,
    /// Key overrides shared by every profile.
    #[serde(default)]
    pub keys: BTreeMap<String, Vec<String>>,
    /// Colour: `never`, `auto` or `always` (a profile may override it).
    pub color: Option<crate::color::ColorChoice>,
    /// What colour each meaning is drawn in, in the TUI.
    #[serde(default)]
    pub theme: crate::config::theme::ThemeConfig,
    /// Named profiles.
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
}

/// One `[profiles.NAME]` table.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Base URL template (`{SERVICE_NAME}` optional).
    pub base_url: Option<String>,
    /// Pangea domain, e.g. `aws.us.pangea.cloud`.
    pub domain: Option<String>,
    /// Allow plain http to a non-loopback host named by an explicit `http://` `base_url`.
    pub allow_http: Option<bool>,
    /// Name of an env var holding the service token.
    pub token_env: Option<String>,
    /// A file holding the service token.
    pub token_file: Option<PathBuf>,
    /// The user's token pair file (JSON).
    pub user_token_file: Option<PathBuf>,
    /// Refuse destructive commands.
    pub read_only: Option<bool>,
    /// Bulk concurrency.
    pub concurrency: Option<usize>,
    /// Rows per page.
    pub page_size: Option<u32>,
    /// Colour: `never`, `auto` or `always`.
    pub color: Option<crate::color::ColorChoice>,
    /// TUI reload interval (`"30s"`, or `"off"`).
    pub auto_reload: Option<String>,
    /// How old a walked result (a query with local terms) gets before auto-reload walks
    /// it again (`"5m"`, or `"off"`: only `r` walks again).
    pub rewalk_after: Option<String>,
    /// Where the TUI writes exports (default: `exports` in the state folder).
    pub export_dir: Option<PathBuf>,
    /// Key overrides for this profile.
    #[serde(default)]
    pub keys: BTreeMap<String, Vec<String>>,
    // Accepted only to reject them with a message that says why.
    token: Option<toml::Value>,
    service_token: Option<toml::Value>,
    user_token: Option<toml::Value>,
    refresh_token: Option<toml::Value>,
    insecure: Option<toml::Value>,
}

/// Why the config file cannot be used. Never quotes file content (it may hold a token).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    /// Reading failed (a missing file is not an error).
    #[error("config file {path}: {reason}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        reason: String,
    },
    /// Not valid TOML, an unknown key, or a wrong type.
    #[error("config file {path}, line {line}: {reason}")]
    Invalid {
        /// The file.
        path: String,
        /// 1-based line of the problem.
        line: usize,
        /// What is wrong (names the key).
        reason: String,
    },
    /// A profile holds a token value inline.
    #[error(
        "config file {path}: profile `{profile}` sets `{key}`; token values are never stored in the config file: use token_env = \"VAR_NAME\" or token_file = \"PATH\" (user tokens: user_token_file)"
    )]
    InlineToken {
        /// The file.
        path: String,
        /// The profile.
        profile: String,
        /// The offending key.
        key: String,
    },
}

/// Reads the file; `Ok(None)` when it does not exist.
pub fn load(path: &Path) -> Result<Option<ConfigFile>, FileError> {
    match std::fs::read_to_string(path) {
        Ok(text) => parse(&text, path).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(FileError::Io {
            path: path.display().to_string(),
            reason: e.to_string(),
        }),
    }
}

/// Parses file text; `path` is only used in messages.
pub fn parse(text: &str, path: &Path) -> Result<ConfigFile, FileError> {
    let p = path.display().to_string();
    let file: ConfigFile = toml::from_str(text).map_err(|e| {
        // toml's Display quotes the offending line, which may hold a token: use the span.
        let line = e.span().map_or(1, |s| {
            text[..s.start.min(text.len())].matches('\n').count() + 1
        });
        FileError::Invalid {
            path: p.clone(),
            line,
            reason: e.message().trim().to_string(),
        }
    })?;
    for (name, prof) in &file.profiles {
        let inline = [
            ("token", &prof.token),
            ("service_token", &prof.service_token),
            ("user_token", &prof.user_token),
            ("refresh_token", &prof.refresh_token),
        ];
        if prof.insecure.is_some() {
            let line = text
                .lines()
                .position(|l| l.trim_start().starts_with("insecure"))
                .map_or(1, |i| i + 1);
            return Err(FileError::Invalid {
                path: p,
                line,
                reason: format!(
                    "profile `{name}` sets `insecure`, which was removed: `domain` always means https://authn.<domain>; for plain http give base_url = \"http://…\" with allow_http = true"
                ),
            });
        }
        if let Some((key, _)) = inline.iter().find(|(_, v)| v.is_some()) {
            return Err(FileError::InlineToken {
                path: p,
                profile: name.clone(),
                key: (*key).to_string(),
            });
        }
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> &'static Path {
        Path::new("/tmp/config.toml")
    }

    #[test]
    fn a_full_file_parses() {
        let f = parse(
            r#"
default_profile = "work"
[keys]
quit = ["q"]
[profiles.work]
domain = "aws.us.pangea.cloud"
token_env = "WORK_TOKEN"
read_only = true
concurrency = 4
page_size = 20
auto_reload = "10s"
[profiles.work.keys]
invalidate = []
"#,
            p(),
        )
        .unwrap();
        assert_eq!(f.default_profile.as_deref(), Some("work"));
        let w = &f.profiles["work"];
        assert_eq!(w.read_only, Some(true));
        assert_eq!(w.concurrency, Some(4));
        assert_eq!(w.keys["invalidate"], Vec::<String>::new());
        assert_eq!(f.keys["quit"], vec!["q".to_string()]);
    }

    #[test]
    fn an_unknown_key_is_named_with_file_and_line() {
        let err = parse("[profiles.a]\ndomain = \"x\"\ncolour = \"red\"\n", p()).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("colour"), "{msg}");
        assert!(msg.contains("/tmp/config.toml"), "{msg}");
        assert!(msg.contains("line 3"), "{msg}");
    }

    #[test]
    fn an_inline_token_is_refused_without_echoing_it() {
        let err = parse(
            "[profiles.a]\ntoken = \"pts_abcdefghijklmnopqrstuvwxyz234567\"\n",
            p(),
        )
        .unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, FileError::InlineToken { .. }));
        assert!(msg.contains("never stored"), "{msg}");
        assert!(msg.contains("token_env"), "{msg}");
        assert!(!msg.contains("pts_abc"), "{msg}");
    }

    #[test]
    fn the_removed_insecure_key_names_its_replacement() {
        let msg = parse("[profiles.a]\ndomain = \"x\"\ninsecure = true\n", p())
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("allow_http") && msg.contains("https://authn."),
            "{msg}"
        );
        assert!(msg.contains("line 3"), "{msg}");
    }

    #[test]
    fn a_misspelt_token_key_does_not_leak_its_value() {
        let err = parse("[profiles.a]\ntokn = \"pts_secretsecretsecret\"\n", p()).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("tokn"), "{msg}");
        assert!(!msg.contains("secretsecret"), "{msg}");
    }
}
