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
//! [views]                     # named queries, reached with :NAME in the TUI
//! risky = "risk=malicious,suspicious embargo"
//! [profiles.work]
//! domain = "aws.us.pangea.cloud"   # or base_url = "https://authn.{...}"
//! token_env = "WORK_AUTHN_TOKEN"   # or token_file = "~/.config/authtop/work.token" (mode 0600)
//! user_token_file = "~/.config/authtop/work-user.json"
//! read_only = true
//! concurrency = 8
//! walk_window = 8                  # pages in flight at most when a whole result is read
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
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConfigFile {
    /// Profile used when `--profile` is not given.
    pub default_profile: Option<String>,
    /// Key overrides shared by every profile.
    pub keys: BTreeMap<String, Vec<String>>,
    /// Colour: `never`, `auto` or `always` (a profile may override it).
    pub color: Option<crate::color::ColorChoice>,
    /// What colour each meaning is drawn in, in the TUI.
    pub theme: crate::config::theme::ThemeConfig,
    /// `[views]`: named queries over the shipped ones (see [`crate::config::views`]).
    pub views: BTreeMap<String, String>,
    /// Named profiles that read cleanly.
    pub profiles: BTreeMap<String, Profile>,
    /// Profiles that do not, with why: an error only when one of them is used, so one
    /// mistake does not stop every other profile.
    pub broken: BTreeMap<String, FileError>,
}

impl ConfigFile {
    /// Every profile name, broken ones included, sorted.
    pub fn profile_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .profiles
            .keys()
            .chain(self.broken.keys())
            .cloned()
            .collect();
        names.sort();
        names
    }

    /// Whether the file has a profile of this name, broken or not.
    pub fn has_profile(&self, name: &str) -> bool {
        self.profiles.contains_key(name) || self.broken.contains_key(name)
    }
}

/// Every key a `[profiles.NAME]` table takes: name, what its value is, what it does.
/// Error messages, `authtop man` and the README's table all read this one list.
pub const PROFILE_KEYS: &[(&str, &str, &str)] = &[
    (
        "base_url",
        "text",
        "base URL or template, e.g. https://{SERVICE_NAME}.aws.us.pangea.cloud",
    ),
    (
        "domain",
        "text",
        "Pangea domain: the server is https://authn.DOMAIN",
    ),
    (
        "allow_http",
        "true or false",
        "allow plain http to a non-loopback base_url",
    ),
    (
        "token_env",
        "text",
        "name of an environment variable holding the service token",
    ),
    (
        "token_file",
        "a path",
        "file holding the service token (mode 0600); ~/ is expanded",
    ),
    (
        "user_token_file",
        "a path",
        "the user's token pair file (JSON, mode 0600)",
    ),
    ("read_only", "true or false", "refuse destructive commands"),
    (
        "concurrency",
        "a whole number, at least 1",
        "requests in flight for bulk actions",
    ),
    (
        "walk_window",
        "a whole number, 1 to 64",
        "pages in flight at most when a whole result is read in slices of login time (default 8)",
    ),
    ("page_size", "a whole number, 1 to 1000", "rows per page"),
    ("color", "never, auto or always", "colour and bold"),
    (
        "auto_reload",
        "a duration such as \"30s\" or 45 (seconds), or \"off\"",
        "terminal UI reload interval",
    ),
    (
        "rewalk_after",
        "a duration such as \"5m\", or \"off\"",
        "how old a walked result (local terms) gets before auto-reload walks it again (default 5m)",
    ),
    (
        "timeout",
        "a duration such as \"30s\"",
        "time for a whole call, retries included (default 30s)",
    ),
    (
        "attempt_timeout",
        "a duration such as \"10s\"",
        "time for one attempt of a call (default 10s, at most timeout)",
    ),
    ("audit_log", "a path", "the audit log file; ~/ is expanded"),
    (
        "export_dir",
        "a path",
        "where the terminal UI writes exports",
    ),
    (
        "keys",
        "a table of action = [keys]",
        "key overrides, merged over the top-level [keys]",
    ),
];

/// [`PROFILE_KEYS`] as the Markdown table the README shows.
pub fn profile_keys_table() -> String {
    let mut out = String::from("| key | value | what it sets |\n| --- | --- | --- |\n");
    for (key, takes, what) in PROFILE_KEYS {
        out.push_str(&format!("| `{key}` | {takes} | {what} |\n"));
    }
    out
}

/// The file as TOML gives it, before each profile is read on its own.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    default_profile: Option<String>,
    #[serde(default)]
    keys: BTreeMap<String, Vec<String>>,
    color: Option<crate::color::ColorChoice>,
    #[serde(default)]
    theme: crate::config::theme::ThemeConfig,
    #[serde(default)]
    views: BTreeMap<String, String>,
    #[serde(default)]
    profiles: BTreeMap<String, toml::Value>,
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
    /// Pages in flight at most in a walk that needs no order.
    pub walk_window: Option<usize>,
    /// Rows per page.
    pub page_size: Option<u32>,
    /// Colour: `never`, `auto` or `always`.
    pub color: Option<crate::color::ColorChoice>,
    /// TUI reload interval (`"30s"`, a bare number of seconds, or `"off"`).
    pub auto_reload: Option<Duration>,
    /// How old a walked result (a query with local terms) gets before auto-reload walks
    /// it again (`"5m"`, or `"off"`: only `r` walks again).
    pub rewalk_after: Option<Duration>,
    /// Budget of a whole call, retries included (`"30s"`).
    pub timeout: Option<Duration>,
    /// Limit of one attempt (`"10s"`).
    pub attempt_timeout: Option<Duration>,
    /// The audit log file.
    pub audit_log: Option<PathBuf>,
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

/// A duration as a config value: text in the one duration syntax (`"30s"`, `"off"`
/// where allowed) or a bare number of seconds. Checked when the profile is resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duration(pub String);

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Given {
            Seconds(u64),
            Text(String),
        }
        Ok(Duration(match Given::deserialize(d)? {
            Given::Seconds(n) => n.to_string(),
            Given::Text(t) => t,
        }))
    }
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
    /// A profile that cannot be read: an unknown key or a value of the wrong kind.
    #[error(
        "config file {path}, line {line}: profile `{profile}`: {reason}; a profile takes {}",
        PROFILE_KEYS.iter().map(|k| k.0).collect::<Vec<_>>().join(", ")
    )]
    BadProfile {
        /// The file.
        path: String,
        /// 1-based line of the key.
        line: usize,
        /// The profile.
        profile: String,
        /// What is wrong (names the key, never its value).
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
    let raw: RawFile = toml::from_str(text).map_err(|e| {
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
    let mut file = ConfigFile {
        default_profile: raw.default_profile,
        keys: raw.keys,
        color: raw.color,
        theme: raw.theme,
        views: raw.views,
        profiles: BTreeMap::new(),
        broken: BTreeMap::new(),
    };
    for name in file.views.keys() {
        crate::config::views::check_name(name).map_err(|reason| FileError::Invalid {
            path: p.clone(),
            line: line_of(text, "[views]"),
            reason,
        })?;
    }
    for (name, value) in raw.profiles {
        match profile(text, &p, &name, value) {
            Ok(prof) => {
                file.profiles.insert(name, prof);
            }
            Err(e) => {
                file.broken.insert(name, e);
            }
        }
    }
    // A token value in the file, or the removed `insecure`, stops the whole file: the
    // file itself is unsafe, whichever profile is used.
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

/// Keys a profile accepts only to refuse them with a message of their own.
const REFUSED_KEYS: [&str; 5] = [
    "token",
    "service_token",
    "user_token",
    "refresh_token",
    "insecure",
];

/// Reads one `[profiles.NAME]` table; the error names the key and its line, never its value.
fn profile(text: &str, path: &str, name: &str, value: toml::Value) -> Result<Profile, FileError> {
    let bad = |key: &str, reason: String| FileError::BadProfile {
        path: path.to_string(),
        line: key_line(text, name, key),
        profile: name.to_string(),
        reason,
    };
    let toml::Value::Table(table) = value else {
        return Err(bad("", "is not a table".into()));
    };
    for key in table.keys() {
        let known = PROFILE_KEYS.iter().any(|k| k.0 == key) || REFUSED_KEYS.contains(&key.as_str());
        if !known {
            let hint = crate::query::closest(key, PROFILE_KEYS.iter().map(|k| k.0))
                .map(|k| format!("; did you mean `{k}`?"))
                .unwrap_or_default();
            return Err(bad(
                key,
                format!("unknown key `{}`{hint}", crate::sanitize::clean(key)),
            ));
        }
    }
    // One key at a time, so the error names the key whose value is of the wrong kind.
    for (key, v) in &table {
        let mut one = toml::Table::new();
        one.insert(key.clone(), v.clone());
        if Profile::deserialize(toml::Value::Table(one)).is_err() {
            let takes = PROFILE_KEYS
                .iter()
                .find(|k| k.0 == key)
                .map_or("another kind of value", |k| k.1);
            return Err(bad(key, format!("`{key}` takes {takes}")));
        }
    }
    Profile::deserialize(toml::Value::Table(table)).map_err(|_| bad("", "cannot be read".into()))
}

/// The 1-based line where `key` is set in `[profiles.NAME]` (the header's line when it
/// cannot be found; 1 when neither can).
fn key_line(text: &str, profile: &str, key: &str) -> usize {
    let header = |l: &str| {
        let l: String = l
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '"' && *c != '\'')
            .collect();
        l == format!("[profiles.{profile}]")
    };
    let lines: Vec<&str> = text.lines().collect();
    let Some(start) = lines.iter().position(|l| header(l)) else {
        return 1;
    };
    let sets = |l: &str| {
        l.trim_start()
            .strip_prefix(key)
            .is_some_and(|rest| rest.trim_start().starts_with('='))
    };
    let found = lines[start + 1..]
        .iter()
        .take_while(|l| {
            !l.trim_start().starts_with("[profiles.")
                || l.trim_start().starts_with(&format!("[profiles.{profile}."))
        })
        .position(|l| !key.is_empty() && sets(l));
    found.map_or(start + 1, |i| start + 2 + i)
}

/// The 1-based line where `needle` first stands in `text` (1 when it does not).
fn line_of(text: &str, needle: &str) -> usize {
    text.find(needle)
        .map_or(1, |at| text[..at].matches('\n').count() + 1)
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
        let file = parse("[profiles.a]\ndomain = \"x\"\ncolour = \"red\"\n", p()).unwrap();
        let msg = file.broken["a"].to_string();
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
        let file = parse("[profiles.a]\ntokn = \"pts_secretsecretsecret\"\n", p()).unwrap();
        let msg = file.broken["a"].to_string();
        assert!(msg.contains("tokn"), "{msg}");
        assert!(!msg.contains("secretsecret"), "{msg}");
        // The keys it lists are the ones to use: never a token key.
        let takes = msg.split("a profile takes").nth(1).unwrap();
        assert!(
            takes.contains("token_file") && takes.contains("token_env"),
            "{msg}"
        );
        for refused in ["token,", "service_token", "user_token,", "refresh_token"] {
            assert!(!takes.contains(refused), "{msg}");
        }
    }

    #[test]
    fn the_readme_shows_every_profile_key_from_this_one_list() {
        let readme = include_str!("../../README.md");
        let table = profile_keys_table();
        assert!(
            readme.contains(&table),
            "README's profile key table differs from PROFILE_KEYS; it should read:\n{table}"
        );
    }

    #[test]
    fn a_bad_profile_leaves_the_others_usable_and_names_key_and_line() {
        let text = "[profiles.good]\nread_only = true\n\n[profiles.bad]\nread_only = true\nconcurrency = \"pts_notanumbernotanumber\"\n";
        let file = parse(text, p()).unwrap();
        assert_eq!(file.profiles["good"].read_only, Some(true));
        let msg = file.broken["bad"].to_string();
        assert!(
            msg.contains("line 6") && msg.contains("profile `bad`"),
            "{msg}"
        );
        assert!(msg.contains("`concurrency` takes a whole number"), "{msg}");
        assert!(!msg.contains("notanumber"), "{msg}");
        assert_eq!(file.profile_names(), ["bad", "good"]);
    }
}
